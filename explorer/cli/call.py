"""One-shot requests: ``call METHOD PATH [ITEM...]`` and the generated commands.

Both take the flags of :mod:`explorer.cli.flags` anywhere among their words (``-v``,
``--all``, ``--format``, ``-o`` ...); ``--`` ends them, so an item that starts with
``-`` can follow.  What the flags do with the request and its answer (a preview, a
download, a filter and a format) is :mod:`explorer.cli.delivery`.
"""

from __future__ import annotations

import io
import json

from explorer.cli.flags import FLAGS_HELP, split_flags
from explorer.errors import DiscoveryError, TransportError, UsageError

CALL_USAGE = "usage: explorer [GLOBAL] call METHOD PATH [ITEM...] [FLAG...]"

ITEMS_HELP = """request items (HTTPie's, after the path):
  name==value    query parameter: limit==5, sort==-name
  name=value     JSON string field of the body; a query parameter for GET, DELETE, HEAD
  name:=json     raw JSON field: count:=3, tags:='["a","b"]', protocol_id:=12
  Header:value   request header: Accept:text/csv (Header: with nothing removes it)
  field@file     multipart upload of a file: file@plate.csv (field=@file: its text)
  field>v field<v field>=v field<=v field!=v
                 LabOS filters, sent exactly as typed: 'updatedAt>2023-05-01'
  quote items holding spaces or shell characters: name='HPLC 2' 'slots>8'"""

CALL_HELP = f"""{CALL_USAGE}

Send one request to the server's METHOD PATH (a full URL on the same server works
too) and show the answer: the body exactly as received when piped, highlighted on a
terminal.

{ITEMS_HELP}

{FLAGS_HELP}

examples:
  explorer call GET /public/v1/instruments limit==5 'updatedAt>2023-05-01' -v
  explorer call POST /public/v1/instruments name='HPLC 2' slots:=4
  explorer call POST /api/generic/file/upload file@plate.csv experiment_id=34
  explorer call GET /public/v1/instruments --filter 'data[].name'
  explorer call GET /public/v1/instruments --format csv > instruments.csv
  explorer call GET /files/7/download --download          (or -o plate.csv --continue)
  explorer call POST /public/v1/instruments name=x --curl  (print it; send nothing)

exit codes: 0 ok, 2 usage, 3 unreachable or timed out, 4 a 4xx answer, 5 a 5xx answer"""


def _flags(context, args: list[str]):
    flags = split_flags(args, usage=CALL_USAGE)
    if flags.verbose:
        context.options.verbose = True
    if flags.preview:
        context.offline = True  # nothing goes to the server, discovery included
    return flags


def _delivery(flags):
    """What the flags do with the request and its answer, read before anything is sent."""
    from explorer.cli.delivery import ask_on_terminal, prepare

    return prepare(flags, ask=ask_on_terminal)


def call(context, args: list[str]) -> int:
    flags = _flags(context, args)
    if flags.help:
        print(CALL_HELP)
        return 0
    rest = flags.rest
    if len(rest) < 2:
        raise UsageError(f"call needs a METHOD and a PATH ({CALL_USAGE})")
    from explorer.engine import check_method, read_items

    method, path, items = check_method(rest[0]), rest[1], rest[2:]
    follow = flags.all
    if follow:
        from explorer.client.paging import PAGED_METHODS

        if method not in PAGED_METHODS:
            raise UsageError(
                f"--all follows the pages of a list; it cannot be used with {method}"
            )
    # a typo costs no /discover round trip; no items, no item parser loaded
    parsed = read_items(items, method=method) if items else None
    delivery = _delivery(flags)
    unreachable = None
    try:
        context.load_routes()
    except TransportError as exc:
        unreachable = exc  # said once: by the request's own error, or after its answer
    except DiscoveryError as exc:
        context.warn(f"routes unavailable: {exc}")
    prepared = context.engine.prepare_call(
        method, path, items, parsed=parsed, command=_typed("call", *args)
    )
    check_against_spec(context, prepared, strict=flags.strict)
    code = send_and_render(context, prepared, follow=follow, delivery=delivery)
    if unreachable is not None:  # /discover failed, yet the request got through
        context.warn(f"routes unavailable: {unreachable}")
    return code


def generated(context, words: list[str]) -> int:
    flags = _flags(context, words)
    rest = flags.rest
    registry = context.load_routes()
    from explorer.render.command_help import group_help, is_group

    if is_group(registry, rest):  # ``explorer instruments``: what it offers
        print(group_help(registry, rest, prog="explorer "))
        return 0
    if flags.help:
        return _command_help(context, rest)
    delivery = _delivery(flags)
    prepared = context.engine.prepare_command(rest, command=_typed(*words))
    check_against_spec(context, prepared, strict=flags.strict)
    return send_and_render(context, prepared, follow=flags.all, delivery=delivery)


def check_against_spec(context, prepared, *, strict: bool = False) -> None:
    """Warn about each problem the route's spec finds in the request (the item, a
    caret under it, the rule); under ``--strict`` refuse to send (exit 2)."""
    problems = context.engine.check(prepared)
    for problem in problems:
        lines = problem.lines()
        context.warn(lines[0])
        for line in lines[1:]:
            print(line, file=context.stderr)
    if strict and problems:
        count = len(problems)
        raise UsageError(f"--strict: not sent, {count} problem{'s' if count > 1 else ''} "
                         "against the spec")


def send_and_render(context, prepared, *, follow: bool = False, delivery=None) -> int:
    """Send, show the answer, and return the exit code for its status.

    Piped, stdout gets the body exactly and nothing else (unless ``delivery`` asks for
    a filter or a format); what the terminal would have shown about it goes to stderr
    as one line each: a 4xx/5xx status (``HTTP 500 Internal Server Error``; ``-v``
    shows the status line instead), and a body that claims to be JSON but is not valid
    text in its charset or does not parse.
    """
    from explorer.cli.delivery import Delivery
    from explorer.cli.flags import Flags
    from explorer.render import exit_code_for, render_response

    engine, env = context.engine, context.output_env()
    delivery = delivery or Delivery(Flags())
    if delivery.preview(context.client, prepared, out=env.stdout, redact=context.redact,
                        terminal=env.stdout_isatty):
        return 0
    delivery.before_send(prepared.spec)
    response = fetch_all(context, prepared) if follow else engine.send(prepared)
    if delivery.save(response, url=response.url, stderr=context.stderr):
        return 0
    if delivery.view(response, env, verbose=context.options.verbose, spec=prepared.spec,
                     base_url=context.base_url):
        _warn_status(context, env, response)
        return exit_code_for(response.status)
    response = delivery.view_fallback or response
    watch = None
    if not env.stdout_isatty:
        watch = PipedBody.around(env.stdout, response)
        if watch is not None:
            env = env.replace(stdout=watch)
    render_response(
        response,
        env,
        verbose=context.options.verbose,
        spec=prepared.spec,
        base_url=context.base_url,
    )
    if not env.stdout_isatty:
        _warn_status(context, env, response)
        problem = watch.problem() if watch is not None else None
        if problem is not None:
            context.warn(problem)
    return exit_code_for(response.status)


def _warn_status(context, env, response) -> None:
    """Piped: one line on stderr for a 4xx/5xx answer (``-v`` showed its status line)."""
    if env.stdout_isatty or response.status < 400 or context.options.verbose:
        return
    from explorer.render.status import reason_for

    context.warn(f"HTTP {response.status} {reason_for(response.status, response.reason)}")


class PipedBody(io.RawIOBase):
    """The byte stream a piped body is written to: passes every byte on unchanged and
    checks, on the way, what the body claims to be (valid text in its charset, and JSON)
    when it is at most :attr:`PARSE_LIMIT` bytes.  A larger one is passed on unchecked:
    decoding 200 MB only to warn would cost a tenth of a second (issue 6's pipe budget)."""

    #: the largest body checked (decoded, and parsed to tell whether it is JSON)
    PARSE_LIMIT = 4 * 1024 * 1024

    def __init__(self, sink, *, content_type: str, charset: str) -> None:
        super().__init__()
        self.sink = sink
        self.content_type = content_type
        self.charset = charset
        self.size = 0
        self.kept: bytearray | None = bytearray()
        self._closing = False
        self.cut = False

    @classmethod
    def around(cls, stdout, response) -> PipedBody | None:
        """A watcher over ``stdout``'s bytes when the answer says it is JSON (None for any
        other type, or a stdout that takes no bytes)."""
        from explorer.render.response import binary_stream

        if not response.is_json:
            return None
        sink = binary_stream(stdout)
        if sink is None:
            return None
        return cls(sink, content_type=response.content_type, charset=response.charset)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        try:
            written = self.sink.write(data)
        except BrokenPipeError:
            self.cut = True  # the reader went away (``| head``): the body is not whole
            raise
        self.size += len(data)
        if self.kept is not None:
            self.kept += data
            if len(self.kept) > self.PARSE_LIMIT:
                self.kept = None  # too large to check
        return len(data) if written is None else written

    def flush(self) -> None:
        if not self._closing:
            try:
                self.sink.flush()
            except BrokenPipeError:
                self.cut = True
                raise

    def close(self) -> None:
        """Closing the watcher (when it is collected) leaves stdout as it is: the
        program flushes it, and a reader that went away is handled there."""
        self._closing = True
        super().close()

    def problem(self) -> str | None:
        """``the body is not valid JSON (application/json, 39 bytes)`` or None."""
        if not self.size or self.cut or self.kept is None:
            return None
        about = f"{self.content_type}, {self.size} bytes"
        try:
            text = bytes(self.kept).decode(self.charset)
        except LookupError:  # a charset Python does not know: nothing to say
            return None
        except UnicodeDecodeError as exc:
            name = "UTF-8" if self.charset.lower().replace("_", "-") in ("utf-8", "utf8") else (
                self.charset
            )
            return f"the body is not valid {name} ({about}, at byte {exc.start})"
        try:
            json.loads(text, object_pairs_hook=_nothing)
        except (ValueError, RecursionError):
            return f"the body is not valid JSON ({about})"
        return None


def _nothing(pairs) -> None:
    """Parsing only to validate: an object's contents need not be kept."""
    return None


def fetch_all(context, prepared):
    """Send ``prepared`` page after page (``--all``); one answer holding the merged
    list (the last answer as it came when it was not a list of pages, or failed)."""
    from explorer.client.paging import fetch_all

    stderr = context.stderr
    show = stderr.isatty()

    def progress(items: int, pages: int) -> None:
        if show:
            print(f"\r{items} items, {pages} pages…", end="", file=stderr, flush=True)

    def send(spec):
        return context.engine.send(prepared.replace(spec=spec))

    entry = prepared.entry
    declared = entry.route.declared_query if entry is not None else ()
    paged = fetch_all(send, prepared.spec, progress=progress, base_url=context.base_url,
                      declared=declared, byte_limit=context.config.settings.document_limit)
    if show:
        print("\r\033[K", end="", file=stderr, flush=True)
    if paged.stopped:
        context.warn(f"--all: stopped after {paged.pages} pages: {paged.stopped}")
    last = paged.last
    if not paged.merged:
        if 200 <= last.status < 300:
            context.warn(
                f"--all: {prepared.spec.method} {prepared.spec.path} did not answer a list "
                "of pages; shown as it came"
            )
        return last
    if not 200 <= last.status < 300:
        return last
    body = json.dumps(paged.items, ensure_ascii=False).encode()
    return last.with_body(body, headers={"Content-Type": "application/json"})


def _command_help(context, words: list[str]) -> int:
    from explorer.render.command_help import command_help

    entry, _ = context.discovery.registry.lookup_command(words)
    flags = (["[-v]", "[--all]"] if entry.method == "GET" else ["[-v]"]) + (
        ["[--strict]"] if entry.route.operation is not None else []) + ["[FLAG...]"]
    print(command_help(entry, prog="explorer ", flags=flags))
    print("\n" + FLAGS_HELP)
    return 0


def _typed(*words: str) -> str:
    import shlex

    return " ".join(shlex.quote(w) for w in words)
