"""Percent-encoding of path parameters, the way Express and browsers do it.

``decode_component`` is JavaScript's ``decodeURIComponent`` made strict in the same
places: a ``%`` not followed by two hex digits, or bytes that are not UTF-8, raise
:class:`~explorer.errors.DecodeError` (Express answers 400 there).  ``+`` stays a
plus.  ``encode_component`` is ``encodeURIComponent`` (a lone surrogate raises
:class:`~explorer.errors.RouteError`): everything but
``A-Z a-z 0-9 - _ . ! ~ * ' ( )`` becomes ``%XX`` of its UTF-8 bytes, so a ``/`` in
a value turns into ``%2F`` and stays inside one path segment.

    >>> decode_component("caf%C3%A9%2F1")
    'café/1'
    >>> encode_component("a/b c")
    'a%2Fb%20c'

The one test of "is this ``%`` an escape" for the whole package lives here too:
:func:`is_escape` and :func:`quote_stray_percents` (a ``%`` not followed by two hex
digits is a literal percent sign, ``%25`` on the wire).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from explorer.errors import DecodeError, RouteError

#: characters ``encodeURIComponent`` leaves alone (besides ASCII letters and digits)
COMPONENT_SAFE = "-_.!~*'()"

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def is_escape(text: str, index: int) -> bool:
    """True if ``text[index:index + 3]`` is a ``%XX`` escape (two hex digits)."""
    return text.startswith("%", index) and _BAD_PERCENT.match(text, index) is None


def quote_stray_percents(text: str) -> str:
    """``text`` with every ``%`` that does not start an escape written as ``%25``."""
    return _BAD_PERCENT.sub("%25", text) if "%" in text else text


def decode_component(value: str) -> str:
    """Decode ``%XX`` sequences strictly; raise DecodeError where JS throws URIError."""
    if "%" not in value:
        return value
    bad = _BAD_PERCENT.search(value)
    if bad is not None:
        raise DecodeError(
            f"malformed percent-encoding {value[bad.start():bad.start() + 3]!r} in {value!r}"
        )
    return _PERCENT_RUN.sub(_decode_run, value)


def _decode_run(run: re.Match[str]) -> str:
    text = run.group(0)
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"percent-encoded bytes {text!r} are not valid UTF-8") from exc


def encode_component(value: str) -> str:
    """``encodeURIComponent``: percent-encode everything outside the unreserved set."""
    try:
        return quote(value, safe=COMPONENT_SAFE, encoding="utf-8", errors="strict")
    except UnicodeEncodeError as exc:
        raise RouteError(f"parameter value {value!r} cannot be encoded as UTF-8") from exc
