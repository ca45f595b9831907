"""Showing a response: the exact body when piped, a readable view on a terminal.

Piped (stdout not a terminal): the body goes to stdout byte for byte, streamed in
chunks and never decoded; nothing else is written there.  With ``verbose`` the
request and response heads go to stderr.

Terminal: a status line (``HTTP/1.1 200 OK  (12 ms)``), then the body: JSON
pretty-printed and highlighted, an error object ``{"code", "message", "details"}``
on a 4xx/5xx as one line (``404 Not Found: Instrument 'x' not found``) plus its
details, a list as a table when the caller asks, binary bodies as a one-line note.
``verbose`` adds the request (line, headers, body; secrets masked) before, and the
response headers after, the status line.  A ``HEAD`` shows the status line and the
response headers, an ``OPTIONS`` the status line and ``Allow``.  Header names and
values are shown with their control characters escaped.  Long output goes through the
pager.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from explorer.client.models import NO_BODY, RequestSpec, Response
from explorer.client.urls import display_netloc
from explorer.render.env import OutputEnv
from explorer.render.pager import emit, emit_chunks, write_text
from explorer.render.status import BOLD, paint, reason_for, status_color, status_line
from explorer.render.text import for_terminal, one_line

if TYPE_CHECKING:
    from explorer.render import body as _body

# The terminal view's helpers (body, tables, redaction) are imported where they are
# used: a piped answer only streams its bytes, and a one-shot command pays for its imports.

_NAME = "\x1b[36m"
_DIM = "\x1b[2m"
_ERROR_KEYS = frozenset({"code", "message", "details"})


def render_response(
    response: Response,
    env: OutputEnv,
    *,
    verbose: bool = False,
    spec: RequestSpec | None = None,
    base_url: str | None = None,
    table: bool | None = None,
) -> None:
    """Show ``response`` as ``env`` calls for (see the module docstring)."""
    if not env.stdout_isatty:
        if verbose:
            head = []
            if spec is not None:
                head.append(
                    request_head(spec, base_url, color=False, sent=response)
                )
            head.append(response_head(response, color=False))
            write_text(env.stderr, env.redact("\n".join(head) + "\n"))
        stream_body(response, env.stdout)
        return
    from explorer.render import body as _body

    if spec is not None and spec.method in ("HEAD", "OPTIONS") and not verbose:
        emit(_head_or_options(response, spec.method, env), env)
        return
    mime = response.content_type
    body = _body.read_body(response.iter_bytes(), mime, limit=env.max_render_bytes)
    shown, is_error = _terminal_body(response, body, env, table=bool(table))
    if isinstance(shown, _body.PrettyJson):
        if not verbose:  # the common case of a big answer: stream it to the pager
            line = status_line(response.status, response.reason, response.elapsed, color=env.color)
            emit_chunks(itertools.chain([line + "\n"], shown.chunks(final_newline=True)), env)
            return
        shown = "".join(shown.chunks())
    if shown and not shown.endswith("\n"):
        shown += "\n"
    if verbose:
        parts = [response_head(response, color=env.color)]
        if spec is not None:
            parts.insert(
                0, request_head(spec, base_url, color=env.color, sent=response)
            )
        parts = [env.redact(part) for part in parts]  # (a server may echo a credential)
        if shown:
            parts.append(shown)
        text = "\n".join(parts)
    elif is_error:
        text = shown
    else:
        line = status_line(response.status, response.reason, response.elapsed, color=env.color)
        text = line + "\n" + shown
    emit(text, env)


def _head_or_options(response: Response, method: str, env: OutputEnv) -> str:
    """``HEAD``: the status line and every response header (as ``curl -I``);
    ``OPTIONS``: the status line and the ``Allow`` header, then any body."""
    if method == "HEAD":
        response.close()
        return env.redact(response_head(response, color=env.color))
    line = status_line(response.status, response.reason, response.elapsed, color=env.color)
    allow = response.headers.get("Allow")
    lines = [line]
    if allow is not None:
        lines += _header_lines([("Allow", str(allow))], env.color)
    elif 200 <= response.status < 300:
        lines.append("(no Allow header in the answer)")
    from explorer.render import body as _body

    body = _body.read_body(response.iter_bytes(), response.content_type,
                           limit=env.max_render_bytes)
    shown, _ = _terminal_body(response, body, env, table=False)
    if isinstance(shown, _body.PrettyJson):
        shown = "".join(shown.chunks())
    if shown:
        lines.append(shown.rstrip("\n"))
    return "\n".join(lines) + "\n"


def stream_body(response: Response, stdout: IO[Any]) -> None:
    """Copy the body to ``stdout`` unchanged, chunk by chunk (bounded memory)."""
    sink = binary_stream(stdout)
    try:
        for chunk in response.iter_bytes():
            if sink is not None:
                sink.write(chunk)
            else:
                stdout.write(chunk.decode("utf-8", "surrogateescape"))
        (sink or stdout).flush()
    except BrokenPipeError:
        response.close()  # the reader went away (``| head``): stop quietly


def binary_stream(stream: IO[Any]) -> IO[bytes] | None:
    """The byte stream under ``stream`` (its ``buffer``), flushed; None for text-only."""
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return stream  # type: ignore[return-value]
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return None
    stream.flush()
    return buffer


# -- heads --------------------------------------------------------------------------------


def request_head(
    spec: RequestSpec,
    base_url: str | None,
    *,
    color: bool,
    sent: Response | None = None,
) -> str:
    """The request as sent: line, headers (masked), and the body, ending in a blank line.

    ``sent`` is the answer, which knows how the request finally went out: its headers
    (auth and defaults included), its URL (with the query its auth scheme added) and
    which of them carried the credential (masked whatever they are called); without it,
    the request as the user gave it.
    """
    from explorer.render import body as _body
    from explorer.render.redact import redact_body, redact_headers, redact_target

    target, host = spec.target, base_url
    headers_given: Mapping[str, str] = spec.headers
    secret_headers: frozenset[str] = frozenset()
    secret_query: frozenset[str] = frozenset()
    if sent is not None:
        if sent.request_headers is not None:
            headers_given = sent.request_headers
        secret_headers, secret_query = sent.credential_headers, sent.credential_query
        if sent.request_url:
            parts = urlsplit(sent.request_url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = sent.request_url
    target = one_line(redact_target(target, also=secret_query))
    lines = [paint(f"{one_line(spec.method)} {target} HTTP/1.1", BOLD, color)]
    headers: list[tuple[str, str | None]] = []
    if host:
        headers.append(("Host", display_netloc(host)))
    headers += list(headers_given.items())
    lines += _header_lines(redact_headers(headers, also=secret_headers), color)
    lines.append("")
    if spec.json is not NO_BODY:
        lines.append(_body.pretty_json(redact_body(spec.json)))
        lines.append("")
    elif spec.form or spec.files:
        for name, value in redact_body(dict(spec.form)).items():
            lines.append(one_line(f"{name}={value}"))
        lines += [one_line(f"{f.field}@{f.path}") for f in spec.files]
        lines.append("")
    elif spec.data is not None:
        lines.append(f"({len(spec.data)} bytes of raw data)")
        lines.append("")
    return "\n".join(lines)


def response_head(response: Response, *, color: bool) -> str:
    """Status line and response headers (masked), ending in a blank line."""
    from explorer.render.redact import redact_headers

    lines = [status_line(response.status, response.reason, response.elapsed, color=color)]
    lines += _header_lines(redact_headers(_header_pairs(response.headers)), color)
    lines.append("")
    return "\n".join(lines)


def _header_pairs(headers: Any) -> Iterable[tuple[str, str]]:
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(k), str(v)) for k, v in items]


def _header_lines(pairs: list[tuple[str, str]], color: bool) -> list[str]:
    return [f"{paint(one_line(name), _NAME, color)}: {one_line(value)}" for name, value in pairs]


# -- terminal bodies ------------------------------------------------------------------------


def _terminal_body(
    response: Response, body: _body.Body, env: OutputEnv, *, table: bool
) -> tuple[str | _body.PrettyJson, bool]:
    """The text to show for the body, and whether it is an error object line."""
    from explorer.render import body as _body

    if body.binary:
        return _body.BINARY_NOTE.format(size=body.size), False
    if not body.content:
        return "", False
    mime = response.content_type
    charset = response.charset
    if body.cut:  # the first part only: not parsed (it is not whole), never highlighted
        text = for_terminal(_body.cut_text(body.content, charset))
        if not text.endswith("\n"):
            text += "\n"
        return text + paint(_body.cut_note(body, env.max_render_bytes), _DIM, env.color), False
    try:
        text = body.content.decode(charset)
    except UnicodeDecodeError as exc:
        write_text(
            env.stderr,
            f"explorer: warning: the body is not valid {charset} (at byte {exc.start}); "
            "bad bytes are shown as \N{REPLACEMENT CHARACTER}\n",
        )
        text = body.content.decode(charset, "replace")
    declared_json = response.is_json
    if declared_json or _body.looks_like_json(mime, body.content):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if declared_json:
                if isinstance(exc, json.JSONDecodeError):
                    reason = exc.msg
                else:
                    from explorer.nesting import too_deep

                    reason = too_deep(body.content)
                write_text(
                    env.stderr,
                    f"explorer: warning: the body is not valid JSON ({reason}); shown as text\n",
                )
            return for_terminal(text), False
        return _json_view(response, data, text, body.size, env, table=table)
    # The server's text, on a terminal: its escape sequences are shown, not obeyed.
    text = for_terminal(text)
    if env.color and body.size <= env.max_highlight_bytes:
        return _body.highlight(text, mime, color_256=env.color_256), False
    return text, False


def _json_view(
    response: Response, data: Any, raw: str, size: int, env: OutputEnv, *, table: bool
) -> tuple[str | _body.PrettyJson, bool]:
    from explorer.render import body as _body
    from explorer.render.table import table_rows

    line = error_line(response.status, response.reason, data)
    if line is not None:
        first, *rest = line.split("\n")
        return "\n".join(
            [paint(first, BOLD + status_color(response.status), env.color), *rest]
        ), True
    if table:
        found = table_rows(data)
        if found is not None:
            rows, extra = found
            return _table_view(rows, extra, env), False
    if not (env.color and size <= env.max_highlight_bytes):
        # Not highlighted: indented piece by piece, so a big answer shows at once.
        return _body.PrettyJson(data, raw), False
    try:
        text = _body.pretty_json(data)
    except RecursionError:
        return for_terminal(raw), False
    return _body.highlight(text, "application/json", color_256=env.color_256), False


def _table_view(rows: list[dict[str, Any]], extra: dict[str, Any], env: OutputEnv) -> str:
    count = f"{len(rows)} row" + ("" if len(rows) == 1 else "s")
    footer = one_line("; ".join(
        [count] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in extra.items()]
    ))
    if not rows:
        return paint(footer, _DIM, env.color)
    from explorer.render.table import render_table

    text = render_table(rows, width=env.width)
    if env.color:
        header, _, rest = text.partition("\n")
        text = paint(header, BOLD, True) + "\n" + rest
    return text + paint(footer, _DIM, env.color)


def error_line(status: int, reason: str | None, data: Any) -> str | None:
    """``404 Not Found: message`` (and an indented details line) for an error object."""
    if status < 400 or not isinstance(data, dict) or not set(data) <= _ERROR_KEYS:
        return None
    message = data.get("message")
    if not isinstance(message, str):
        return None
    # The server's words, shown with its control characters escaped (no terminal escapes).
    line = f"{status} {reason_for(status, reason)}: {one_line(message)}"
    details = data.get("details")
    if details not in (None, ""):
        text = details if isinstance(details, str) else json.dumps(details, ensure_ascii=False)
        line += "\n" + "\n".join("  " + one_line(part) for part in text.splitlines())
    return line
