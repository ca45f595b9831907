"""What every export needs to know about a session: its requests as templates, and captures.

A session replays against a fresh server only if the ids an earlier answer gave are
captured and used later.  :func:`plan` finds, for each step, the id-like values of its
recorded answer that a later request uses (in a path parameter, a query value, a JSON
or multipart field: the rules of :mod:`explorer.sessions.capture`), names them
(``protocol_id``, ``experiment_id``), and rewrites the later requests with :class:`Ref`
references to them.  Placeholders the recorder left (``{{password}}``, ``{{api_key}}``)
become references too; each exporter maps them to the environment.  A login answer's
``api_key``/``token`` is always captured: later steps authenticate with it.

Everything else in a :class:`Step` is data: literal strings, which an exporter writes
as literals of its language (a single-quoted shell word, a Python ``repr``, a hurl
escape), never as code.  A reference says how its value goes in (:attr:`Ref.encoding`):
as a path segment (percent-encoded; ``.``, ``..`` and empty refused at run time), a
query value (percent-encoded), a form value, a whole JSON value, or as it is.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from explorer.auth import SCHEMES, by_name
from explorer.errors import SessionError
from explorer.sessions.capture import Substitution, is_id_key, is_id_list_key
from explorer.sessions.format import (
    MISSING,
    Exchange,
    Placeholder,
    Session,
    inside_session,
    is_form_type,
    template_parts,
    wire_ready,
)

_REENCODED = frozenset('<>"{}|\\^` ')
#: the headers an export writes itself (its auth from EXPLORER_TOKEN/EXPLORER_API_KEY, the
#: ones its client computes): recorded ones are dropped.  Any other credential header a
#: session recorded (X-Api-Key, X-Auth-Token) is sent as recorded, its placeholder filled
#: from the environment.
_OWN_HEADERS = frozenset(
    {name for cls in SCHEMES.values() for name in cls.from_session(cls.name).header_names}
    | {"content-length", "host"}
)

# How a reference's value goes in.
RAW = "raw"  #: as it is (a header, a field, inside a JSON string)
SEGMENT = "segment"  #: one path segment, percent-encoded; "", "." and ".." refused
QUERY = "query"  #: a query value, percent-encoded
FORM = "form"  #: a value in a form-urlencoded body (quote_plus)
JSON = "json"  #: a whole JSON value (a captured id, keeping its JSON type)

# ... and, in a JSON text, how a reference's value is written there:
JSON_INNER = "json-inner"  #: inside a JSON string (escaped, no quotes)
JSON_STRING = "json-string"  #: a whole JSON string (a captured id that was a string)
JSON_NUMBER = "json-number"  #: a captured id that was a number: a number when it is digits

#: placeholders that are secrets; the rest (but ``base_url``) are variables
SECRETS = ("token", "api_key", "password", "cookie", "secret")


@dataclass(frozen=True)
class Ref:
    """A value the script supplies at run time.

    ``captured``: an id an earlier answer gave (its :class:`Capture` names it); else a
    placeholder of the session (a secret, ``base_url``, or any other variable).
    ``number``: a captured id that was a JSON number where the session used it.
    """

    name: str
    encoding: str = RAW
    captured: bool = False
    number: bool = False


class Template(tuple):
    """A string some of whose parts are :class:`Ref`; the other parts are literal text."""

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self if isinstance(p, Ref)]

    def __str__(self) -> str:
        """For people (and tests): the text, each reference as ``{{name}}``."""
        return "".join(p if isinstance(p, str) else "{{" + p.name + "}}" for p in self)


def _joined(parts: list[str | Ref]) -> list[str | Ref]:
    out: list[str | Ref] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += part
                continue
        out.append(part)
    return out


@dataclass(frozen=True)
class Capture:
    name: str
    path: tuple  # keys and indices into the answer's JSON body


@dataclass(frozen=True)
class JsonBody:
    #: the JSON value; its strings are ``str`` or :class:`Template`, a captured id a Ref
    value: Any


@dataclass(frozen=True)
class TextBody:
    text: Template
    form: bool  # application/x-www-form-urlencoded (refs go in as FORM)


@dataclass(frozen=True)
class FileBody:
    file: str  # relative to the session's directory, inside it (checked)
    type: str


@dataclass(frozen=True)
class Upload:
    field: str
    filename: str
    type: str
    file: str  # relative to the session's directory, inside it (checked)


@dataclass(frozen=True)
class MultipartBody:
    fields: list[tuple[str, Template]]
    files: list[Upload]


Body = JsonBody | TextBody | FileBody | MultipartBody


@dataclass
class Step:
    index: int  #: 1-based position in the session: unique, so scripts name steps by it
    exchange: Exchange
    method: str
    path: Template
    query: list[Template]
    headers: list[tuple[str, Template]]
    body: Body | None
    status: int
    captures: list[Capture] = field(default_factory=list)
    #: the session's auth scheme as its header names it (``"bearer"``: ask
    #: :func:`explorer.auth.from_session`), or None (unknown: whatever the environment gives)
    auth: Any = None

    @property
    def number(self) -> int:
        """The step number the session gave (for people; :attr:`index` for names)."""
        return self.exchange.step or self.index

    @property
    def target(self) -> Template:
        parts: list[str | Ref] = list(self.path)
        for i, component in enumerate(self.query):
            parts += ["?" if i == 0 else "&", *component]
        return Template(_joined(parts))

    @property
    def raw_target(self) -> bool:
        """Whether requests would re-encode the target (``updatedAt>X`` must stay as is)."""
        return any(isinstance(p, str) and any(ch in _REENCODED for ch in p)
                   for p in self.target)

    @property
    def title(self) -> str:
        text = self.exchange.command or f"{self.method} {self.exchange.target}"
        return " ".join(text.split())

    def refs(self) -> Iterator[Ref]:
        """Every reference the request makes, in order."""
        yield from self.target.refs
        for _, value in self.headers:
            yield from value.refs
        body = self.body
        if isinstance(body, JsonBody):
            yield from _json_refs(body.value)
        elif isinstance(body, TextBody):
            yield from body.text.refs
        elif isinstance(body, MultipartBody):
            for _, value in body.fields:
                yield from value.refs


def _json_refs(value: Any) -> Iterator[Ref]:
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Template):
        yield from value.refs
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_refs(v)


@dataclass(frozen=True)
class Use:
    """A reference in a text, and how its value is written there (an encoding, or one
    of the JSON modes)."""

    ref: Ref
    mode: str


def uses(template: Template) -> list[str | Use]:
    """A template's parts, each reference used by its own encoding."""
    return [p if isinstance(p, str) else Use(p, p.encoding) for p in template]


def json_text(value: Any, string: Any = None) -> list[str | Use]:
    """A JSON body's text (compact, as curl and hurl send it) as literal pieces and
    references.  ``string(text)`` writes a literal string's inside (default: JSON's own
    escapes), for a format whose JSON has more to escape (hurl's ``{{``)."""
    inner = string or (lambda text: json.dumps(text, ensure_ascii=False)[1:-1])
    out: list[str | Use] = []

    def walk(node: Any) -> None:
        if isinstance(node, Ref):
            out.append(Use(node, JSON_NUMBER if node.number else JSON_STRING))
        elif isinstance(node, Template):
            out.append('"')
            out.extend(inner(p) if isinstance(p, str) else Use(p, JSON_INNER) for p in node)
            out.append('"')
        elif isinstance(node, str):
            out.append('"' + inner(node) + '"')
        elif isinstance(node, dict):
            out.append("{")
            for i, (k, v) in enumerate(node.items()):
                out.append(("," if i else "") + '"' + inner(str(k)) + '":')
                walk(v)
            out.append("}")
        elif isinstance(node, list):
            out.append("[")
            for i, v in enumerate(node):
                if i:
                    out.append(",")
                walk(v)
            out.append("]")
        else:
            out.append(json.dumps(node))

    walk(value)
    return _joined(out)


def wire_url(url: str) -> str:
    """The recorded base URL as the scripts' default server (when ``EXPLORER_URL`` is not
    set): :func:`~explorer.sessions.format.wire_ready`, as curl and http.client take it."""
    return wire_ready(url)


def one_line(text: str) -> str:
    """``text`` for a comment: what is not printable (a newline, a NUL, a bidi control)
    written as an escape, so a comment never ends early or hides what follows."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _identifier(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return name if name and not name[0].isdigit() else f"v_{name}"


def _resource(exchange: Exchange) -> str:
    route = exchange.route_path or exchange.path
    literals = [s for s in route.split("/") if s and not s.startswith((":", "*", "{"))]
    literals = [s for s in literals if s not in ("public", "api", "generic", "v1", "v2")]
    return literals[-1].rstrip("s") if literals else "value"


def _id_candidates(body: Any) -> list[tuple[Any, tuple]]:
    """(value, path) of id-like values in a recorded answer, first occurrence first."""
    found: list[tuple[Any, tuple]] = []
    seen: set[str] = set()

    def walk(value: Any, path: tuple, key: Any, in_list: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k), k, False)
        elif isinstance(value, list):
            ids = in_list or is_id_list_key(key)
            for i, v in enumerate(value):
                walk(v, (*path, i), key, ids)
        elif (
            isinstance(value, str | int)
            and not isinstance(value, bool)
            and (in_list or is_id_key(key))
            and str(value) not in seen
        ):
            seen.add(str(value))
            found.append((value, path))

    walk(body, (), None, False)
    return found


def _placeholder_captures(body: Any) -> list[Capture]:
    """Where a recorded answer holds the secret a later step authenticates with (a
    login's ``"api_key": "{{api_key}}"``)."""
    out: list[Capture] = []

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*path, i))
        elif isinstance(value, str):
            parts = template_parts(value)
            if len(parts) == 1 and isinstance(parts[0], Placeholder) \
                    and parts[0].name in ("api_key", "token"):
                out.append(Capture(parts[0].name, path))

    walk(body, ())
    return out


class _Templates(Substitution):
    """Rewrites recorded ids into references, by the rules replay uses
    (:class:`~explorer.sessions.capture.Substitution`).

    In a path, a query or a multipart field the substitution works on text: there a
    reference is a marker no session can hold (a random nonce between NULs), which
    :meth:`template` turns back into a :class:`Ref`.
    """

    def __init__(self) -> None:
        self.known: dict[str, tuple[str, int, tuple]] = {}  # recorded -> name, step, path
        self.used: set[str] = set()
        self._nonce = secrets.token_hex(8)
        self._marks: dict[str, Ref] = {}
        self._mark = re.compile("\x00" + self._nonce + r"(\d+)\x00")

    def active(self) -> bool:
        return bool(self.known)

    def swap(self, recorded: str | int) -> Ref | None:
        hit = self.known.get(str(recorded))
        if hit is None:
            return None
        self.used.add(str(recorded))
        return Ref(hit[0], JSON, captured=True, number=isinstance(recorded, int))

    def _marker(self, ref: Ref, encoding: str) -> str:
        mark = f"\x00{self._nonce}{len(self._marks)}\x00"
        self._marks[mark] = Ref(ref.name, encoding, captured=True)
        return mark

    def segment(self, value: Any) -> str:
        return self._marker(value, SEGMENT)

    def encode(self, value: Any) -> str:
        return self._marker(value, QUERY)

    def field(self, value: Any) -> Any:
        return self._marker(value, RAW) if isinstance(value, Ref) else str(value)

    def template(self, text: str, encoding: str) -> Template:
        """A recorded string (markers, placeholders, escapes) as a Template; its
        placeholders go in as ``encoding``."""
        parts: list[str | Ref] = []
        last = 0
        for match in self._mark.finditer(text):
            parts += _placeholders(text[last : match.start()], encoding)
            parts.append(self._marks[match[0]])
            last = match.end()
        parts += _placeholders(text[last:], encoding)
        return Template(_joined(parts))

    def json(self, value: Any, key: Any = None, in_id_list: bool = False) -> Any:
        return _json_templates(super().json(value, key, in_id_list))


def _placeholders(text: str, encoding: str) -> list[str | Ref]:
    return [p if isinstance(p, str) else Ref(p.name, encoding) for p in template_parts(text)]


def _json_templates(value: Any) -> Any:
    """Strings of a JSON body as ``str`` (no placeholder, escapes undone) or Template."""
    if isinstance(value, str):
        parts = _placeholders(value, RAW)
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
        return Template(parts)
    if isinstance(value, dict):
        return {k: _json_templates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_templates(v) for v in value]
    return value


def check_files(session: Session) -> None:
    """Every file a session names (an ``@file`` body, an upload, a response kept beside
    it) must be inside the session's directory: replay's rule
    (:func:`~explorer.sessions.format.inside_session`), applied before anything is
    exported, so no script ever reads a file the session points to elsewhere."""
    root = session.directory
    for exchange in session.exchanges:
        where = f"{session.path}: step {exchange.step}"
        for part in (exchange.request, exchange.response):
            body = part.get("body")
            if not isinstance(body, dict):
                continue
            try:
                if "file" in body:
                    inside_session(body.get("file"), root)
                for upload in (body.get("multipart") or {}).get("files") or []:
                    inside_session(upload.get("file"), root)
            except SessionError as exc:
                raise SessionError(f"{where}: {exc}") from None


def plan(session: Session) -> list[Step]:
    check_files(session)
    templates = _Templates()
    steps: list[Step] = []
    names: set[str] = set()
    auth = session.auth
    captured_auth: str | None = None
    for index, exchange in enumerate(session.exchanges, start=1):
        request = exchange.request
        headers = {k: str(v) for k, v in (request.get("headers") or {}).items()}
        body = _body(request.get("body"), headers, templates)
        path = templates.path(exchange.path, exchange.route_path)
        step = Step(
            index=index,
            exchange=exchange,
            method=exchange.method,
            path=templates.template(path, SEGMENT),
            query=[templates.template(c, QUERY) for c in templates.query(exchange.query)],
            headers=[
                (k, templates.template(v, RAW)) for k, v in headers.items()
                if k.lower() not in _OWN_HEADERS
                and not (isinstance(body, MultipartBody) and k.lower() == "content-type")
            ],
            body=body,
            status=exchange.status,
            auth=auth or captured_auth,
        )
        steps.append(step)
        answer = exchange.response_json
        if answer is MISSING or exchange.status >= 400:
            continue
        for capture in _placeholder_captures(answer):
            step.captures.append(capture)
            scheme = by_name(capture.name)
            captured_auth = captured_auth or (scheme.name if scheme is not None else None)
        resource = _resource(exchange)
        for value, path in _id_candidates(answer):
            if str(value) in templates.known:
                continue
            last = next((p for p in reversed(path) if isinstance(p, str)), "id")
            base = _identifier(f"{resource}_{last}" if last in ("id", "_id") else last)
            if base in SECRETS or base == "base_url":
                base = f"v_{base}"
            name = base if base not in names else f"{base}_{index}"
            names.add(name)
            templates.known[str(value)] = (name, len(steps) - 1, path)
    # Captures only for the values a later request used.
    for recorded in sorted(templates.used, key=lambda v: templates.known[v][1]):
        name, position, path = templates.known[recorded]
        steps[position].captures.append(Capture(name, path))
    return steps


def _body(body: Any, headers: dict[str, str], templates: _Templates) -> Body | None:
    if not isinstance(body, dict):
        return None
    if "json" in body:
        return JsonBody(templates.json(body["json"]))
    if "multipart" in body:
        multipart = body["multipart"]
        fields = templates.fields(dict(multipart.get("fields") or {}))
        return MultipartBody(
            [(k, templates.template(str(v), RAW)) for k, v in fields.items()],
            [Upload(str(f["field"]), str(f.get("filename") or "upload"),
                    str(f.get("type") or "application/octet-stream"), str(f["file"]))
             for f in multipart.get("files") or []],
        )
    if "text" in body:
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        form = is_form_type(ctype)
        return TextBody(templates.template(str(body["text"]), FORM if form else RAW), form)
    if "file" in body:
        return FileBody(str(body["file"]), str(body.get("type") or "application/octet-stream"))
    return None
