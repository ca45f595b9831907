"""The request that would be sent, instead of sending it: ``--offline`` and ``--curl``.

``--offline`` (HTTPie's flag) prints the request as HTTP: the request line with the
target exactly as it goes on the wire, the headers the client would send (the auth
scheme's, the profile's, the typed ones), a blank line and the body.  ``--curl``
(http-prompt's preview) prints the same request as one curl command line, with the
way there too: ``--insecure``/``--cacert``, ``--proxy``, ``--cert``/``--key`` and
``--max-time`` as explorer's own request would go.

Both mask credentials unless ``--show-secrets``: the credential of an
``Authorization`` header (``Bearer ***``), secret-named headers (``apikey``,
``Cookie``), secret query parameters (``?access_token=***``), secret fields of a JSON
or form body at any depth, a ``user:password@`` in the URL, and every secret value the
run knows of (``redact``).

The curl line is built for pasting: every value is one ``shlex.quote``d word (masked
before it is quoted, never after: a secret's mask must not eat a quote), so a
value from a session, a profile or a server (a path holding ``$(...)``, a header with
a quote) is a literal, never code; form fields go as ``--form-string`` (curl reads no
file for a value starting with ``@`` or ``<``); ``--globoff`` and ``--path-as-is``
are added when the URL holds ``[]{}`` or dot segments, which curl would otherwise
expand or fold.  curl's own headers are left to curl (``Accept-Encoding``,
``Connection``, ``Content-Length``, and a multipart ``Content-Type``, whose boundary
curl makes).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from explorer.client.models import NO_BODY, RequestSpec
from explorer.errors import UsageError

#: headers curl sets itself; a preview does not repeat them
CURL_OWN = frozenset({"accept-encoding", "connection", "content-length", "host"})
#: larger bodies are summarised, not printed
BODY_LIMIT = 64 * 1024


def _same(text: str) -> str:
    return text


def http_text(
    request: Any,
    spec: RequestSpec,
    *,
    show_secrets: bool = False,
    redact: Callable[[str], str] = _same,
) -> str:
    """``request`` (what :meth:`Client.build` gives: ``method``, ``url``, ``headers``)
    as an HTTP/1.1 message, the body from ``spec``."""
    from explorer.render.redact import redact_body

    parts, target, headers = _wire(request, show_secrets)
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {_netloc(parts)}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() != "host"]
    lines.append("")
    body = _body_text(spec, show_secrets, redact_body)
    if body is not None:
        lines.append(body)
    text = "\n".join(lines) + "\n"
    return text if show_secrets else redact(text)


def connection_words(client: Any, *, show_secrets: bool = False) -> list[str]:
    """curl's options for how ``client`` connects: ``--insecure`` or ``--cacert``,
    ``--proxy`` (its password as ``***`` unless ``show_secrets``), ``--cert`` and
    ``--key``, ``--max-time``; so the pasted line goes the way explorer's request would."""
    words: list[str] = []
    verify = getattr(client, "verify", True)
    if verify is False:
        words.append("--insecure")
    elif isinstance(verify, str):
        words += ["--cacert", verify]
    proxy = getattr(client, "proxy", None)
    if proxy:
        words += ["--proxy", proxy if show_secrets else _masked_password(proxy)]
    cert = getattr(client, "cert", None)
    if isinstance(cert, tuple):
        words += ["--cert", cert[0], "--key", cert[1]]
    elif cert:
        words += ["--cert", cert]
    max_time = getattr(client, "max_time", None)
    if max_time:
        words += ["--max-time", f"{max_time:g}"]
    return words


def _masked_password(url: str) -> str:
    """``http://user:***@host:port`` for ``http://user:secret@host:port``, and
    ``http://***@host`` for a token alone; read off the text itself, up to its last
    ``@`` (a password holding ``/`` or ``@`` is where no URL parser looks for it)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}:***@{host}" if colon else f"{scheme}://***@{host}"


def curl_command(
    request: Any,
    spec: RequestSpec,
    *,
    show_secrets: bool = False,
    redact: Callable[[str], str] = _same,
    connection: list[str] | tuple[str, ...] = (),
) -> str:
    """``request`` as one curl command line (see the module docstring); ``connection``:
    curl's options for the way there (:func:`connection_words`)."""
    from explorer.render.redact import redact_body

    parts, target, headers = _wire(request, show_secrets)
    url = urlunsplit((parts.scheme, _netloc(parts), "", "", "")) + target
    words = ["curl", *connection]
    if re.search(r"[\[\]{}]", url):
        words.append("--globoff")
    if re.search(r"/\.\.?(/|$|\?)", parts.path):
        words.append("--path-as-is")
    if request.method == "HEAD":
        words.append("--head")
    elif request.method != "GET" or spec.has_body:
        words += ["-X", request.method]
    multipart = bool(spec.form or spec.files)
    for name, value in headers:
        low = name.lower()
        if low in CURL_OWN or (multipart and low == "content-type"):
            continue
        words += ["-H", f"{name}: {value}" if value else f"{name};"]
    if spec.json is not NO_BODY:
        data = spec.json if show_secrets else redact_body(spec.json)
        words += ["--data-raw", json.dumps(data, ensure_ascii=False)]
    elif multipart:
        form = dict(spec.form) if show_secrets else redact_body(dict(spec.form))
        for name, value in form.items():
            words += ["--form-string", f"{name}={value}"]
        for upload in spec.files:
            spec_text = f'{upload.field}=@"{_curl_quoted(upload.path)}"'
            if upload.filename:
                spec_text += f';filename="{_curl_quoted(upload.filename)}"'
            if upload.mime:
                spec_text += f";type={upload.mime}"
            words += ["-F", spec_text]
    elif spec.data is not None:
        try:
            words += ["--data-raw", spec.data.decode("utf-8")]  # an @ is data, not a file
        except UnicodeDecodeError as exc:
            raise UsageError("--curl: the body is not text; it cannot go on a command "
                             "line") from exc
    words.append(url)
    if not show_secrets:  # each word masked, then quoted: a mask never touches the quoting
        words = [redact(w) for w in words]
    if any("\x00" in w for w in words):
        raise UsageError("--curl: a value holds a NUL character, which no shell word carries")
    return " ".join(shlex.quote(w) for w in words) + "\n"


def _wire(request: Any, show_secrets: bool):
    """The URL's parts, the target and the headers, masked unless ``show_secrets``."""
    from explorer.render.redact import redact_headers, redact_target

    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = _headers(request)
    if not show_secrets:
        target = redact_target(target)
        headers = redact_headers(headers)
    return parts, target, headers


def _headers(request: Any) -> list[tuple[str, str]]:
    headers: Mapping[str, Any] = request.headers or {}
    return [(str(k), str(v)) for k, v in headers.items() if v is not None]


def _netloc(parts) -> str:
    """host[:port] without any ``user:password@``."""
    return parts.netloc.rpartition("@")[2]


def _curl_quoted(text: str) -> str:
    """A file name inside curl's ``-F name=@"..."`` (curl's own quoting, before the
    shell's)."""
    if any(c in text for c in "\r\n"):
        raise UsageError(f"--curl: a file name holds a line break: {text!r}")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _body_text(spec: RequestSpec, show_secrets: bool, redact_body) -> str | None:
    if spec.json is not NO_BODY:
        data = spec.json if show_secrets else redact_body(spec.json)
        return json.dumps(data, ensure_ascii=False)
    if spec.form or spec.files:
        form = dict(spec.form) if show_secrets else redact_body(dict(spec.form))
        lines = [f"(multipart/form-data: {len(form)} field(s), {len(spec.files)} file(s))"]
        lines += [f"{name}={value}" for name, value in form.items()]
        lines += [f"{f.field}@{f.path}" for f in spec.files]
        return "\n".join(lines)
    if spec.data is not None:
        if len(spec.data) > BODY_LIMIT:
            return f"({len(spec.data):,} bytes of raw data)"
        try:
            return spec.data.decode("utf-8")
        except UnicodeDecodeError:
            return f"({len(spec.data):,} bytes of binary data)"
    return None
