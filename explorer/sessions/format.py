"""The session file format: JSON Lines, one header line, then one line per exchange.

Designed after what hurl, VCR.py, Postman/newman and HAR 1.2 do well: plain text that
diffs in git (hurl, VCR cassettes), request and response kept side by side with the
timing (HAR entries), the base URL and the secrets as variables filled in at run time
(Postman environments, hurl ``{{variables}}``), and filtered secrets replaced before
anything reaches the disk (VCR's ``filter_headers``).  Unlike a HAR or a cassette, a
line is appended and flushed per exchange, so a crash loses at most the exchange in
flight, and a torn last line is skipped (with a warning) when the file is read.

Every line is one compact JSON object; keys always come in the order shown here.

Header (line 1)::

    {"session":"explorer","format":1,"explorer":"0.1.0","created":"2024-05-01T09:00:00Z",
     "vars":{"base_url":"http://127.0.0.1:8080"},"routes":"sha256:…","auth":"bearer"}

* ``format``: this file's version (an integer); readers refuse a newer one.
* ``vars.base_url``: the server it was recorded against.  URLs in exchanges are
  written as ``{{base_url}}/path`` so replay can point them anywhere.
* ``routes``: the fingerprint of the discovered routes (None when unknown).
* ``auth``: ``"bearer"``, ``"apikey"`` or None: which credential the session used.

Exchange (every further line)::

    {"step":3,"time":"2024-05-01T09:00:02.120Z","command":"instruments create name=X",
     "route":"POST /public/v1/instruments",
     "request":{"method":"POST","url":"{{base_url}}/public/v1/instruments","path":
                "/public/v1/instruments","query":[],"headers":{},"body":{"json":{"name":"X"}}},
     "response":{"status":201,"reason":"Created","headers":{"Content-Type":"application/json"},
                 "body":{"json":{"id":"…"}},"duration_ms":4.2}}

* ``command``: the command line as typed (None for requests made by a program);
  ``route``: the route pattern that served it, ``METHOD /path/:param?`` (or None).
* ``path`` is wire-encoded; ``query`` holds the wire-ready components
  (``sort=name``, ``updatedAt>2023-05-01``) in order.
* ``duration_ms``: from sending the request to the response headers.

A body is None (no body) or an object with exactly one of these keys:

* ``{"json": VALUE}``: a JSON body (request or response), kept as a value.
* ``{"text": "…"}``: a small text body that is not JSON.
* ``{"file": "NAME.jsonl.d/0003-response.bin", "size": N, "type": "…"}``: a body over
  :data:`INLINE_LIMIT` or binary, stored in a file beside the session (path relative to
  the session's directory).  ``"truncated": true`` marks a body the reader stopped early.
* ``{"multipart": {"fields": {"experiment_id": "12"}, "files": [{"field": "file",
  "filename": "data.csv", "type": "text/csv", "size": 42, "file": "NAME.jsonl.d/…"}]}}``:
  an upload; each file is copied beside the session when it is recorded.

Secrets never reach the file (see :mod:`explorer.sessions.redact`): they appear as
placeholders ``{{token}}``, ``{{api_key}}``, ``{{password}}``, ``{{cookie}}`` or
``{{secret}}``, which replay fills back in from the current profile and ``--var``.
Files are created 0600, their directory 0700.

Templates.  The strings of a recorded *request* (path, query components, header values,
JSON string values, multipart field values, a text body) are templates: ``{{name}}`` is
a placeholder, and a literal ``{{`` the user sent is written ``{{'{{'}}`` (as in Jinja),
so ``{"note": "{{x}}"}`` is recorded ``{"note": "{{'{{'}}x}}"}`` and sent back as typed.
:func:`template_parts` reads both; a file written before the escape existed has none,
and reads as it always did.  JSON keys, responses and the typed command are data, never
templates.  A request's JSON body must hold JSON numbers only: one with ``NaN``,
``Infinity`` or a number too large for a float (``1e400``) is refused.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.errors import SessionError
from explorer.fileio import UnsafeFileError, read_bounded
from explorer.nesting import too_deep

FORMAT_VERSION = 1
MAGIC = "explorer"
#: the largest session file read (its big bodies are in files beside it)
SESSION_LIMIT = 1024 * 1024 * 1024
#: bodies larger than this go to a file beside the session
INLINE_LIMIT = 256 * 1024
#: the deepest JSON body kept as ``{"json": ...}``; a deeper one is kept as text,
#: exactly (replay, the exports and the checks walk JSON values recursively)
MAX_DEPTH = 200
#: a line holds its body a few levels down (exchange, request, body, json)
_LINE_DEPTH = MAX_DEPTH + 8
BASE_URL_VAR = "{{base_url}}"
FILE_MODE = 0o600
DIR_MODE = 0o700

_MISSING = object()

#: ``{{name}}``
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
#: how a literal ``{{`` is written in a template
ESCAPED_BRACES = "{{'{{'}}"
_TEMPLATE_TOKEN = re.compile(re.escape(ESCAPED_BRACES) + "|" + PLACEHOLDER.pattern)


@dataclass(frozen=True)
class Placeholder:
    """``{{name}}`` in a template."""

    name: str

    def __str__(self) -> str:
        return "{{" + self.name + "}}"


def escape_braces(text: str) -> str:
    """``text`` (data) as a template that stands for exactly ``text``."""
    return text.replace("{{", ESCAPED_BRACES) if "{{" in text else text


def escape_json(value: Any) -> Any:
    """A JSON value (data) as a template: its strings escaped, keys as they are."""
    if isinstance(value, str):
        return escape_braces(value)
    if isinstance(value, dict):
        return {k: escape_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_json(v) for v in value]
    return value


def template_parts(text: str) -> list[str | Placeholder]:
    """``"a{{x}}b{{'{{'}}c"`` -> ``["a", Placeholder("x"), "b{{c"]``: literal text
    (escapes undone, neighbours joined, empty strings dropped) and placeholders."""
    if "{{" not in text:
        return [text] if text else []
    parts: list[str | Placeholder] = []
    literal: list[str] = []
    last = 0
    for match in _TEMPLATE_TOKEN.finditer(text):
        literal.append(text[last : match.start()])
        last = match.end()
        if match[1] is None:  # the escape
            literal.append("{{")
            continue
        if "".join(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(Placeholder(match[1]))
    literal.append(text[last:])
    if "".join(literal):
        parts.append("".join(literal))
    return parts


def fill_template(text: str, value: Callable[[str], str]) -> str:
    """``text`` with each placeholder replaced by ``value(name)`` and escapes undone."""
    if "{{" not in text:
        return text
    return "".join(p if isinstance(p, str) else value(p.name) for p in template_parts(text))


def template_literal(text: str) -> str:
    """What ``text`` reads as, placeholders left as ``{{name}}`` (for display, and for a
    HAR, which has no templates)."""
    return fill_template(text, lambda name: "{{" + name + "}}")


def session_path(name: str | Path) -> str:
    """Where ``record start NAME`` and ``--record NAME`` write: ``sessions/NAME.jsonl``
    in the working directory, unless NAME is already a path (has a ``/`` or ends in
    ``.jsonl``)."""
    name = str(name)
    if "/" in name or name.endswith(".jsonl"):
        return name
    return f"sessions/{name}.jsonl"


def files_dir(session_path: str | Path) -> Path:
    """Where the bodies of ``session_path`` that do not fit in a line are kept."""
    path = Path(session_path)
    return path.with_name(path.name + ".d")


def dumps_line(obj: dict[str, Any]) -> bytes:
    """One compact line, keys in insertion order, UTF-8, ending in a newline."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def make_header(
    *,
    base_url: str,
    routes_fingerprint: str | None,
    auth: str | None,
    created: str,
    version: str,
) -> dict[str, Any]:
    return {
        "session": MAGIC,
        "format": FORMAT_VERSION,
        "explorer": version,
        "created": created,
        "vars": {"base_url": base_url},
        "routes": routes_fingerprint,
        "auth": auth,
    }


#: a recorded JSON answer not read yet (``read_session(..., defer_answers=True)``):
#: :attr:`Exchange.response_json` reads it from :attr:`Exchange.response_text`
_UNREAD = object()


class Exchange:
    """One recorded exchange (a parsed line), with readable accessors."""

    __slots__ = ("line", "raw", "response_text", "where")

    def __init__(self, raw: dict[str, Any], *, line: int = 0,
                 response_text: bytes | None = None) -> None:
        self.raw = raw
        self.line = line
        #: the exact JSON text in the session line that :attr:`response_json` was read
        #: from (None when not known): an answer of these same bytes is that value
        self.response_text = response_text
        #: ``FILE:LINE``, for what a deferred answer's reading finds wrong
        self.where = ""

    @property
    def step(self) -> int:
        return int(self.raw.get("step") or 0)

    @property
    def command(self) -> str | None:
        return self.raw.get("command")

    @property
    def route(self) -> str | None:
        return self.raw.get("route")

    @property
    def request(self) -> dict[str, Any]:
        return self.raw["request"]

    @property
    def response(self) -> dict[str, Any]:
        return self.raw["response"]

    @property
    def method(self) -> str:
        return self.request["method"]

    @property
    def path(self) -> str:
        return self.request["path"]

    @property
    def query(self) -> list[str]:
        return list(self.request.get("query") or [])

    @property
    def target(self) -> str:
        query = self.query
        return self.path + ("?" + "&".join(query) if query else "")

    @property
    def status(self) -> int:
        return int(self.response["status"])

    @property
    def duration_ms(self) -> float:
        return float(self.response.get("duration_ms") or 0.0)

    @property
    def response_json(self) -> Any:
        """The recorded JSON response body, or :data:`MISSING` when it was not JSON.
        A deferred answer is read here, the first time (a :class:`SessionError` when
        its text is not one JSON value)."""
        body = self.response.get("body")
        if isinstance(body, dict) and "json" in body:
            value = body["json"]
            if value is _UNREAD:
                value = body["json"] = self._read_answer()
            return value
        return _MISSING

    @property
    def answer_unread(self) -> bool:
        """Whether the recorded answer is deferred and not read yet (its text alone is
        known: :attr:`response_text`)."""
        body = self.response.get("body")
        return isinstance(body, dict) and body.get("json") is _UNREAD

    def _read_answer(self) -> Any:
        try:
            return json.loads(self.response_text or b"")
        except (ValueError, RecursionError) as exc:
            raise SessionError(f"{self.where}: the recorded answer is not JSON "
                               f"({str(exc).splitlines()[0][:100]})") from exc

    @property
    def route_path(self) -> str | None:
        """The path part of :attr:`route` (``/x/:id?``), or None."""
        route = self.route
        if not route:
            return None
        _, _, path = route.partition(" ")
        return path or None

    def label(self) -> str:
        return f"{self.method} {self.target}"


MISSING = _MISSING


@dataclass
class Session:
    path: Path
    header: dict[str, Any]
    exchanges: list[Exchange]
    warnings: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str | None:
        return (self.header.get("vars") or {}).get("base_url")

    @property
    def auth(self) -> str | None:
        return self.header.get("auth")

    @property
    def directory(self) -> Path:
        return self.path.parent

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.exchanges)

    def __len__(self) -> int:
        return len(self.exchanges)


def check_header(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or obj.get("session") != MAGIC:
        raise SessionError(f"{where}: not an explorer session (no header line)")
    version = obj.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionError(f"{where}: the header has no format version")
    if version > FORMAT_VERSION:
        raise SessionError(
            f"{where}: written in session format {version}; this explorer reads "
            f"format {FORMAT_VERSION} (upgrade explorer)"
        )
    if version < 1:
        raise SessionError(f"{where}: unknown session format {version}")
    return obj


def _check_exchange(obj: Any, where: str) -> Exchange:
    if not isinstance(obj, dict):
        raise SessionError(f"{where}: an exchange must be a JSON object")
    request, response = obj.get("request"), obj.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise SessionError(f"{where}: an exchange needs a request and a response")
    method, path = request.get("method"), request.get("path")
    if not isinstance(method, str) or not method or not isinstance(path, str):
        raise SessionError(f"{where}: the request needs a method and a path")
    if not _TOKEN.fullmatch(method):
        raise SessionError(f"{where}: {method!r} is not an HTTP method")
    if not path.startswith("/") or _NOT_ON_THE_WIRE.search(path) or "?" in path or "#" in path:
        raise SessionError(f"{where}: the path {path!r} is not a wire-ready path")
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise SessionError(f"{where}: the response needs a status between 100 and 599")
    query = request.get("query", [])
    if not isinstance(query, list) or not all(isinstance(q, str) for q in query):
        raise SessionError(f"{where}: query must be a list of strings")
    for component in query:
        if _NOT_ON_THE_WIRE.search(component) or "&" in component or "#" in component:
            raise SessionError(f"{where}: the query component {component!r} is not wire-ready")
    step = obj.get("step", 0)
    if step is not None and (not isinstance(step, int) or isinstance(step, bool)):
        raise SessionError(f"{where}: step must be a whole number")
    for key in ("route", "command"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise SessionError(f"{where}: {key} must be a string or null")
    for part, name in ((request, "request"), (response, "response")):
        headers = part.get("headers", {})
        if headers is not None and (
            not isinstance(headers, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        ):
            raise SessionError(f"{where}: {name} headers must map names to strings")
        for key, value in (headers or {}).items():
            if not _TOKEN.fullmatch(key):
                raise SessionError(f"{where}: {key!r} is not a header name")
            if _BREAKS_HEADER.search(value):
                raise SessionError(f"{where}: the {key} header holds a line break or NUL")
        _check_body(part.get("body"), f"{where}: {name} body")
    body = request.get("body")
    if isinstance(body, dict) and "json" in body and not _finite(body["json"]):
        raise SessionError(f"{where}: the request body holds a number outside JSON "
                           "(NaN, Infinity or too large a number)")
    return Exchange(obj)


def _finite(value: Any) -> bool:
    """Whether every number in ``value`` is one JSON can carry (what replay sends)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return False
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


_BODY_KINDS = ("json", "text", "file", "multipart")
#: an HTTP token (RFC 9110): a method or a header name
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: what a request target on the wire never holds: whitespace and control characters
_NOT_ON_THE_WIRE = re.compile(r"[\x00-\x20\x7f]")
_BREAKS_HEADER = re.compile(r"[\r\n\x00]")


def wire_ready(text: str) -> str:
    """``text`` (a URL, a path, a query component) with its spaces and control
    characters percent-encoded, as requests sends them; the rest as it is."""
    if not _NOT_ON_THE_WIRE.search(text):
        return text
    return _NOT_ON_THE_WIRE.sub(lambda m: f"%{ord(m[0]):02X}", text)


def _check_body(body: Any, where: str) -> None:
    """A body is None or an object with exactly one of the kinds the docstring lists."""
    if body is None:
        return
    if not isinstance(body, dict):
        raise SessionError(f"{where} must be an object or null")
    kinds = [k for k in _BODY_KINDS if k in body]
    if len(kinds) != 1:
        raise SessionError(f"{where} needs exactly one of {', '.join(_BODY_KINDS)}")
    kind = kinds[0]
    if kind == "text" and not isinstance(body["text"], str):
        raise SessionError(f"{where}: text must be a string")
    if kind == "file" and (not isinstance(body["file"], str) or not body["file"]):
        raise SessionError(f"{where}: file must be a file name")
    if kind == "multipart":
        multipart = body["multipart"]
        fields = multipart.get("fields", {}) if isinstance(multipart, dict) else None
        files = multipart.get("files", []) if isinstance(multipart, dict) else None
        if (
            not isinstance(fields, dict)
            or not all(isinstance(v, str) for v in fields.values())
            or not isinstance(files, list)
            or not all(isinstance(f, dict) and isinstance(f.get("field"), str) for f in files)
        ):
            raise SessionError(f"{where}: multipart needs fields (strings) and files (objects)")


def read_session(path: str | Path, *, defer_answers: bool = False) -> Session:
    """Read and check a session file.

    A last line without its newline that does not parse is the exchange a crash cut
    off: it is skipped with a warning.  Any other bad line is a :class:`SessionError`
    naming the file and the line.

    ``defer_answers`` (replay): a recorded JSON answer laid out as the recorder writes
    it is kept as its text, and its value made when :attr:`Exchange.response_json` is
    first asked for: an answer of the very same bytes never needs it (making the
    values was most of reading a session).  Each distinct text is still checked here to
    be one JSON value, so the file reads as a whole read would read it, or is refused
    the same way; the rest of each line is read and checked as ever.
    """
    path = Path(path)
    try:
        data = read_bounded(path, SESSION_LIMIT)
    except FileNotFoundError as exc:
        raise SessionError(f"{path}: no such session file") from exc
    except IsADirectoryError as exc:
        raise SessionError(f"{path}: is a directory, not a session file") from exc
    except OSError as exc:
        raise SessionError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_session(data, path=path, defer_answers=defer_answers)


def parse_session(data: bytes, *, path: Path, defer_answers: bool = False) -> Session:
    # Parsing makes a few million lists, dicts and strings and no cycles; with the
    # cyclic collector on, it rescans them all again and again (more than half of the
    # time for a 15 MB session).  Reference counting frees them as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_session(data, path=path, defer=defer_answers)
    finally:
        if collecting:
            gc.enable()


def _parse_session(data: bytes, *, path: Path, defer: bool = False) -> Session:
    nonce = "explorer-answer-" + os.urandom(16).hex()
    lines = data.split(b"\n")
    torn = lines.pop() if lines else b""  # after the last newline: empty, or a torn line
    warnings: list[str] = []
    parsed: list[tuple[int, Any]] = []
    #: deferring: each answer text found to be one JSON value (or not), read once
    known: dict[bytes, bool] | None = {} if defer else None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        within = text_within(line, _LINE_DEPTH)
        # (the header line holds no answer: it is read whole, whatever it says)
        split = _split_answer(line, nonce, known) if within and parsed else None
        if split is not None:
            value, answer = split
        else:
            value, answer = _loads(line, f"{path}:{number}"), None
            if not within and depth_over(value, _LINE_DEPTH):
                raise SessionError(
                    f"{path}:{number}: {too_deep(line)}, more than {MAX_DEPTH} (not read)"
                )
        parsed.append((number, value, answer))
    if torn.strip():
        number = len(lines) + 1
        try:
            value = json.loads(torn)
            if json_depth_over(torn, value, _LINE_DEPTH):
                raise ValueError("nested too deeply")
            parsed.append((number, value, None))
        except (ValueError, RecursionError):
            warnings.append(
                f"{path}:{number}: skipped a truncated last line (an exchange cut off)"
            )
    if not parsed:
        raise SessionError(f"{path}: empty session file")
    number, first, _ = parsed[0]
    header = check_header(first, f"{path}:{number}")
    exchanges = []
    for number, obj, answer in parsed[1:]:
        where = f"{path}:{number}"
        exchange = _check_exchange(obj, where)
        exchange.line = number
        exchange.response_text = answer
        exchange.where = where
        exchanges.append(exchange)
    return Session(path, header, exchanges, warnings)


#: what comes before a recorded JSON answer in a line :func:`dumps_line` wrote, and after
_RESPONSE_MARK = b'"response":{'
_ANSWER_MARK = b'"body":{"json":'
_AFTER_ANSWER = b'},"duration_ms":'


def _split_answer(line: bytes, nonce: str,
                  known: dict[bytes, bool] | None = None) -> tuple[Any, bytes] | None:
    """The value of ``line`` and the exact text of its recorded JSON answer, parsed
    apart (no more work than parsing the line); None when the line is not laid out as
    the recorder writes it, or holds ``NaN``/``Infinity`` there (a NaN is unequal to
    itself: its text is not its value), and then the caller parses the whole line.

    The answer's text is cut out and ``"<nonce>"`` put in its place: when that line
    parses with the nonce (random, never in a file) as ``response.body.json``, the text
    cut out stood exactly there, so the line is the value with the answer's value put
    back, as one parse of the whole line would have given it.

    ``known`` (deferring): :data:`_UNREAD` stands in the answer's place, its value
    thrown away.  The text is still parsed, once for each distinct text (``known``
    remembers which were one JSON value): that is what makes the line read as the
    whole line reads, the request and all (a text that closes the answer and repeats
    ``"request"`` after it is not one JSON value, and the line is read whole)."""
    response = line.find(_RESPONSE_MARK)
    if response < 0:
        return None
    start = line.find(_ANSWER_MARK, response)
    end = line.rfind(_AFTER_ANSWER)
    if start < 0 or end < 0:
        return None
    start += len(_ANSWER_MARK)
    text = line[start:end]
    if not text or b"NaN" in text or b"Infinity" in text:
        return None
    try:
        value = json.loads(line[:start] + b'"' + nonce.encode() + b'"' + line[end:])
        if known is None:
            answer = json.loads(text)
        elif _one_value(text, known):
            answer = _UNREAD
        else:
            return None
        body = value["response"]["body"]
    except (ValueError, RecursionError, TypeError, KeyError, IndexError):
        return None
    if not isinstance(body, dict):
        return None
    marked = body.get("json")
    if type(marked) is not str or marked != nonce:
        return None
    body["json"] = answer
    return value, text


def _one_value(text: bytes, known: dict[bytes, bool]) -> bool:
    """Whether ``text`` parses as one JSON value, parsed only the first time it is seen."""
    one = known.get(text)
    if one is None:
        try:
            json.loads(text)
            one = True
        except (ValueError, RecursionError):
            one = False
        known[text] = one
    return one


class _NotJSONNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJSONNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJSONNumber(f"{text} is too large for a number")
    return value


def loads_strict(data: bytes | str) -> Any:
    """JSON as the standard has it: ``NaN``, ``Infinity`` and numbers that overflow a
    float (``1e400``) are a ``ValueError``, as they would be on the wire."""
    return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)


def depth_over(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` levels deep
    (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


#: ``{``/``}`` read as ``[``/``]`` (a depth counts both alike)
_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")
#: every byte but a quote and the brackets: what a text's depth does not depend on
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))


def text_within(data: bytes, limit: int) -> bool:
    """Whether the JSON text ``data`` (one ``json.loads`` read) surely nests at most
    ``limit`` levels: its brackets outside strings, counted with a few passes of byte
    operations (no walk of the parsed value).  False when it nests deeper, and when the
    text cannot tell (not UTF-8).  A text nests at least as deep as its value (a key
    given twice keeps only its last value), so True means :func:`depth_over` would say
    False; False means only that the value has to be walked."""
    if len(data) <= limit:  # each level takes a byte at least
        return True
    if b"\x00" in data:  # UTF-16 or UTF-32: the escapes below are not its bytes
        return False
    if b"\\" in data:  # escapes, pairs of backslashes first: no quote stays escaped
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = data.translate(_AS_BRACKETS, _NOT_STRUCTURE)
    if len(data) - data.count(b'"') <= limit:  # each level opens a bracket at least
        return True
    if b'"' in data:
        data = data.replace(b'""', b"")  # strings without brackets in them
        if b'"' in data:  # strings with brackets in them: every other piece is outside
            data = b"".join(data.split(b'"')[::2])
    for _ in range(limit):  # each pass takes away the innermost level
        if not data:
            return True
        shorter = data.replace(b"[]", b"")
        if len(shorter) == len(data):  # brackets that do not pair: not a JSON text
            return False
        data = shorter
    return not data


def json_depth_over(data: bytes, value: Any, limit: int) -> bool:
    """:func:`depth_over` of ``value``, the value of the JSON text ``data``: the text
    is looked at first (:func:`text_within`), the value walked only when the text nests
    deeper than ``limit``."""
    return not text_within(data, limit) and depth_over(value, limit)


def _loads(line: bytes, where: str) -> Any:
    try:
        return json.loads(line)
    except UnicodeDecodeError as exc:
        raise SessionError(f"{where}: not UTF-8 text") from exc
    except RecursionError as exc:
        raise SessionError(f"{where}: {too_deep(line)}, too deep to read") from exc
    except ValueError as exc:
        raise SessionError(f"{where}: not valid JSON ({exc.args[0].split(':')[0]})") from exc


# -- bodies ------------------------------------------------------------------------------


def inline_body(
    data: bytes, content_type: str, redactor: Any, *, template: bool = False
) -> dict[str, Any] | None:
    """The ``{"json": ...}`` or ``{"text": ...}`` form of a small text body, redacted (a
    form-urlencoded one field by field, like a query); ``template``: a request's body,
    written as a template (its ``{{`` escaped).

    None when the body belongs in a file beside the session instead: larger than
    :data:`INLINE_LIMIT`, or binary (a NUL byte, or not UTF-8).
    """
    if len(data) > INLINE_LIMIT or b"\x00" in data:
        return None
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    if "json" in content_type.lower():  # application/json, +json, and the odd text/json
        try:
            value = loads_strict(text)
            if json_depth_over(data, value, MAX_DEPTH):
                raise ValueError("nested too deeply")
        except (ValueError, RecursionError):
            pass  # not JSON by the standard (NaN, 1e400...) or too deep: kept as text, exactly
        else:
            return {"json": redactor.template_json(value) if template else redactor.json(value)}
    if is_form_type(content_type):
        return {"text": redactor.template_form(text) if template else redactor.form(text)}
    return {"text": redactor.template_text(text) if template else redactor.text(text)}


def is_form_type(content_type: str) -> bool:
    """Whether a body of this type is ``name=value&…`` (its secret fields are redacted
    one by one, and replay fills placeholders in it URL-encoded)."""
    return content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


def body_bytes(body: Any, base_dir: Path) -> bytes | None:
    """The bytes of a recorded (non-multipart) body; None for no body."""
    if body is None:
        return None
    if not isinstance(body, dict):
        raise SessionError(f"a body must be an object, not {type(body).__name__}")
    if "json" in body:
        return json.dumps(body["json"], ensure_ascii=False).encode()
    if "text" in body:
        return str(body["text"]).encode()
    if "file" in body:
        path = body_path(body, base_dir)
        try:
            return read_bounded(path, SESSION_LIMIT)
        except UnsafeFileError as exc:  # a FIFO or device beside the session, or huge
            raise SessionError(f"{body['file']}: cannot read: {exc.strerror}") from exc
    raise SessionError(f"unknown body kind: {', '.join(body) or 'empty'}")


def inside_session(name: Any, base_dir: Path) -> Path:
    """The path of the file ``name`` a session names (a body kept beside it, an upload's
    copy), resolved; a SessionError unless it is inside ``base_dir``, the session's
    directory: an absolute path, a ``..`` or a symlink leading out is refused.  Replay
    and every export check with this one function."""
    if not isinstance(name, str) or not name:
        raise SessionError("a file body needs a file name")
    if "\x00" in name:
        raise SessionError(f"body file {name!r} is not a file name")
    path = (base_dir / name).resolve()
    root = base_dir.resolve()
    if root not in path.parents:
        raise SessionError(f"body file {name!r} is outside the session's directory")
    return path


def body_path(body: dict[str, Any], base_dir: Path) -> Path:
    """The file beside the session that holds ``body``; it must stay inside ``base_dir``
    (:func:`inside_session`) and exist."""
    name = body.get("file")
    path = inside_session(name, base_dir)
    if not path.is_file():
        raise SessionError(f"body file {name!r} is missing")
    return path
