"""Body validation for the sandbox: small checkers that accept a value or raise a 400.

A checker is ``check(value, where) -> value``; ``where`` names the field for the
message (``tags[1]: expected a string, got a number``).  :func:`check_body` applies a
table of checkers to a JSON object, refusing fields it does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from explorer.sandbox.wire import ApiError, json_type

Checker = Callable[[Any, str], Any]


def bad(where: str, expected: str, value: Any) -> ApiError:
    return ApiError(400, f"{where}: expected {expected}, got {json_type(value)}")


def string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise bad(where, "a string", value)
    return value


def name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad(where, "a non-empty string", value)
    return value


def optional(check: Checker) -> Checker:
    def checked(value: Any, where: str) -> Any:
        return None if value is None else check(value, where)

    return checked


def integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(where, "a whole number", value)
    return value


def identifier(value: Any, where: str) -> int:
    """A Labstep id: a whole number >= 1, or the same number as a string of digits
    (``"2522"``, as Labstep's own example scripts send it); answered as the number."""
    if isinstance(value, str):
        if value.isascii() and value.isdigit() and len(value) <= 15:
            value = int(value)
        else:
            raise ApiError(400, f"{where}: expected an id (a whole number), got {value[:40]!r}")
    value = integer(value, where)
    if value < 1:
        raise ApiError(400, f"{where}: an id is >= 1, not {value}")
    return value


def count(value: Any, where: str) -> int:
    value = integer(value, where)
    if value < 0:
        raise ApiError(400, f"{where}: must be >= 0, not {value}")
    return value


def number(value: Any, where: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(where, "a number", value)
    return value


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(where, "an object", value)
    return value


def strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise bad(where, "an array of strings", value)
    return [string(v, f"{where}[{i}]") for i, v in enumerate(value)]


def list_of(check: Checker) -> Checker:
    def checked(value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise bad(where, "an array", value)
        return [check(v, f"{where}[{i}]") for i, v in enumerate(value)]

    return checked


def check_body(
    body: Mapping[str, Any],
    checkers: Mapping[str, Checker],
    *,
    required: Collection[str] = (),
    ignored: Collection[str] = (),
    where: str = "",
) -> dict[str, Any]:
    """The fields of ``body`` that ``checkers`` know, checked; ``ignored`` ones are
    dropped; any other field, or a missing required one, is a 400."""
    unknown = sorted(k for k in body if k not in checkers and k not in ignored)
    if unknown:
        raise ApiError(
            400,
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            + (f" in {where}" if where else ""),
            details="allowed: " + ", ".join(sorted(checkers)),
        )
    missing = [k for k in required if k not in body]
    if missing:
        place = f" in {where}" if where else ""
        raise ApiError(400, f"missing required field {missing[0]!r}{place}")
    prefix = f"{where}." if where else ""
    return {k: checkers[k](v, prefix + k) for k, v in body.items() if k in checkers}
