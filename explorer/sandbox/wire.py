"""What the sandbox's handlers take and give: the error they raise, the reply they
return, strict percent-decoding, and the raw query splitter.

Handlers never touch the socket.  They get a :class:`Request` (method, decoded path
parameters, the raw query string, headers, a body reader) and return a :class:`Reply`
or raise :class:`ApiError`; the server turns both into bytes.  Every error goes out as
``{"code": 404, "message": "...", "details": "..."}`` (``details`` only when there is
something to add).

Query strings are split here, never with ``parse_qs``: a component is cut at ``&``
first, and keys and values are percent-decoded only after that, so a ``&`` or ``=``
the client percent-encoded inside a value stays data (LabOS list queries also read
encoded ``<``, ``>`` and ``!`` operators: :mod:`explorer.sandbox.query`).  ``+`` is a
space in keys and values (as in Express's ``qs``); send ``%2B`` for a plus sign.

JSON bodies are strict RFC 8259 JSON, as ``JSON.parse`` reads it: ``NaN``,
``Infinity`` and numbers too big for a double (``1e400``) are refused, and so are
strings or keys with a lone surrogate escape (``"\\ud800"``: not Unicode, and not
encodable as UTF-8) and values nested deeper than :data:`MAX_DEPTH`; each is a 400
at parse time, so nothing of the kind is ever stored.  Replies are encoded with
``allow_nan=False``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    411: "Length Required",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

JSON_TYPE = "application/json; charset=utf-8"

_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: how deep arrays and objects may nest in a JSON body
MAX_DEPTH = 100
_DOUBLE_MAX = int(sys.float_info.max)


class ApiError(Exception):
    """An HTTP error answer: status, one-line message, optional details and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        details: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The error object sent to the client."""
        out: dict[str, Any] = {"code": self.status, "message": _printable(self.message)}
        if self.details:
            out["details"] = _printable(self.details)
        return out


def _printable(text: str) -> str:
    """``text`` with any lone surrogate written as a ``\\udXXX`` escape (UTF-8 safe)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class Reply:
    """A handler's answer.  ``body`` is JSON-encoded unless it is bytes or a chunk
    iterator (then ``length`` must be given); ``None`` means no body (204, 304)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None

    def payload(self) -> tuple[bytes | Iterable[bytes] | None, int | None]:
        """The encoded body and its length (``None``, ``None`` for no body)."""
        if self.body is None:
            return None, None
        if isinstance(self.body, bytes):
            return self.body, len(self.body)
        if self.length is not None and not isinstance(self.body, (dict, list)):
            return self.body, self.length
        data = encode_json(self.body)
        return data, len(data)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON; NaN or infinities, and strings that are not Unicode (lone
    surrogates), raise ValueError rather than give a reply no strict parser reads."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def error_reply(error: ApiError) -> Reply:
    headers = {"Content-Type": JSON_TYPE, **error.headers}
    return Reply(error.status, error.body(), headers)


def percent_decode(text: str, *, plus_is_space: bool = False, what: str = "query") -> str:
    """Strict percent-decoding: ``%`` must start two hex digits and the bytes must be
    UTF-8, or the request is malformed (400)."""
    if plus_is_space:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    raw = text.encode("utf-8")
    if raw.count(b"%") != len(_PERCENT.findall(raw)):
        raise ApiError(400, f"malformed percent-encoding in the {what}", details=text[:200])
    decoded = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"percent-encoding in the {what} is not UTF-8",
                       details=text[:200]) from exc


def raw_components(query: str) -> Iterator[str]:
    """The non-empty ``&``-separated components of a raw query string, undecoded."""
    for component in query.split("&"):
        if component:
            yield component


def query_pairs(query: str) -> list[tuple[str, str]]:
    """Plain ``key=value`` pairs (Labstep style): cut at the first ``=``, then decode."""
    pairs = []
    for component in raw_components(query):
        key, _, value = component.partition("=")
        pairs.append(
            (percent_decode(key, plus_is_space=True), percent_decode(value, plus_is_space=True))
        )
    return pairs


@dataclass
class Request:
    """One parsed request, as handlers see it."""

    method: str
    path: str
    params: dict[str, str]
    query: str
    headers: Mapping[str, str]
    read_body: Callable[[int], bytes]
    #: the body's declared length (``None``: chunked or absent)
    content_length: int | None = None
    has_body: bool = False
    #: set by the auth check: who is calling (a user id)
    user: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def json(self, *, limit: int, allow_empty: bool = False) -> Any:
        """The body parsed as JSON, at most ``limit`` bytes (413 beyond, 400 if bad)."""
        if self.content_length is not None and self.content_length > limit:
            raise ApiError(413, f"request body over the {limit}-byte limit")
        data = self.read_body(limit + 1) if self.has_body else b""
        if len(data) > limit:
            raise ApiError(413, f"request body over the {limit}-byte limit")
        if not data.strip():
            if allow_empty:
                return None
            raise ApiError(400, "a JSON body is required")
        try:
            return parse_json(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ApiError(400, "the body is not UTF-8") from exc

    def json_object(self, *, limit: int, allow_empty: bool = False) -> dict[str, Any]:
        body = self.json(limit=limit, allow_empty=allow_empty)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, f"the body must be a JSON object, not {json_type(body)}")
        return body


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"number {text[:40]} is out of range")
    return number


def _whole(text: str) -> int:
    number = int(text)
    if len(text) > 300 and abs(number) > _DOUBLE_MAX:  # JSON.parse would read Infinity
        raise ValueError(f"number {text[:40]}... is out of range")
    return number


def parse_json(text: str) -> Any:
    """``text`` as strict JSON, or a 400 :class:`ApiError` saying what is wrong: bad
    syntax, NaN/Infinity, a number that overflows a double, a lone surrogate escape
    in a string or key, or nesting deeper than :data:`MAX_DEPTH`."""
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_finite, parse_int=_whole)
    except RecursionError as exc:
        raise ApiError(400, f"JSON body nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:
        raise ApiError(400, "malformed JSON body", details=str(exc)) from exc
    _check_tree(value)
    return value


def _check_tree(value: Any) -> None:
    """Walk a parsed body without recursion: refuse deep nesting and lone surrogates."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item, "string")
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                raise ApiError(400, f"JSON body nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key, "key")
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def _check_text(text: str, what: str) -> None:
    found = _SURROGATE.search(text)
    if found is not None:
        raise ApiError(
            400,
            f"malformed JSON body: a {what} holds a lone surrogate escape",
            details=f"\\u{ord(found.group()):04x} at character {found.start()} of the {what}",
        )


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
