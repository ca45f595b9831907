"""The checks replay makes on each answer: status, body shape, and the values that must hold.

1. Status: the recorded one, exactly.  When it differs nothing else is checked (the
   body of a 404 says nothing about the body of a 200), but its error message is shown.
2. Shape: the actual JSON body is validated (jsonschema) against a schema inferred from
   the recorded body (:func:`infer_schema`): every recorded field is required with its
   JSON type; new fields are allowed; a recorded ``null`` accepts anything; objects
   keyed by ids (``{"<file id>": {...}}``) are checked as maps.
3. Values: every recorded value that is not volatile must be equal.  Volatile are ids
   and timestamps by name (``id``, ``*_id``, ``*At``, ``*_at``, ``created*``, cursors…) or
   by look (ISO dates, UUIDs, placeholders), ids the replay has mapped, and whatever
   ``--volatile JSONPATH`` names (``$.data[*].name``, ``$..updatedBy``, or a bare field
   name, which matches at any depth).
4. Lists of records (objects with an ``id``) and their counts (``total``, ``count``… beside
   a list) hold data the session did not create, so they are shape checks: a list that
   grew or shrank is no failure, and its records are compared by id (the ids this replay
   mapped followed), not by position.  A session replays green twice in a row on the
   same server.  A list of anything else must keep its length.

A text body must be equal; a body kept in a file beside the session is not compared.
A body equal to the recorded one passes at once: replaying 1,000 unchanged answers
costs one comparison each, not a schema validation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from explorer.errors import UsageError
from explorer.sessions.capture import (
    UUID,
    IdMap,
    is_id_key,
    is_id_list_key,
    looks_like_id,
    paired_id_keys,
)
from explorer.sessions.format import MISSING, Exchange
from explorer.sessions.redact import PLACEHOLDER, is_placeholder

#: at most this many failures are reported for one step
MAX_FAILURES = 10

_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
)
_VOLATILE_NAMES = frozenset(
    {
        "created", "updated", "modified", "deleted", "timestamp", "date", "time", "etag",
        "path", "url", "href", "location", "version", "revision", "elapsed", "duration",
        "cursor", "next_cursor", "nonce", "expires", "api_key", "token",
    }
)


#: a list's count beside it in a page envelope (``{"items": [...], "total": 6}``)
_COUNT_NAMES = frozenset(
    {"total", "count", "totalcount", "total_count", "totalitems", "total_items",
     "totalresults", "total_results", "num_results", "filtered", "size_total"}
)


def _records(items: list) -> bool:
    """Whether ``items`` is a list of records: objects that each carry an ``id``."""
    return bool(items) and all(isinstance(i, dict) and _scalar_id(i.get("id")) for i in items)


def _scalar_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def volatile_key(key: Any) -> bool:
    if not isinstance(key, str):
        return False
    if is_id_key(key) or is_id_list_key(key):
        return True
    low = key.lower()
    if low in _VOLATILE_NAMES:
        return True
    if low.startswith(("created", "updated", "modified", "deleted", "last_", "next_")):
        return True
    if low.endswith(("_at", "_on", "date", "time", "timestamp", "cursor", "_token", "etag")):
        return True
    return key.endswith(("At", "On", "Date", "Time"))


def volatile_value(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return bool(
        is_placeholder(value) or _TIMESTAMP.fullmatch(value) or UUID.fullmatch(value)
    )


def matches_template(recorded: str, actual: str) -> bool:
    """Whether ``actual`` is ``recorded`` with each ``{{name}}`` standing for some text:
    ``Instrument '{{token}}' not found`` was recorded with the token hidden, and the
    answer now quotes the real one."""
    pieces, last = [], 0
    for match in PLACEHOLDER.finditer(recorded):
        pieces.append(re.escape(recorded[last : match.start()]))
        pieces.append("(?:.+?)")
        last = match.end()
    if not pieces:
        return False
    pieces.append(re.escape(recorded[last:]))
    return re.fullmatch("".join(pieces), actual, re.DOTALL) is not None


@dataclass
class Failure:
    """One failed check: where, what was expected, what came instead."""

    path: str
    expected: str
    actual: str
    #: status | shape | value | body | error | unreachable (the server could not be
    #: reached: a TransportError, or a step not sent after too many of them) | schema
    #: (the answer breaks the response schema of the API description, ``--check-spec``)
    kind: str = "value"

    def describe(self) -> str:
        if self.kind in ("error", "unreachable"):
            return self.actual
        if self.kind == "schema":
            return f"{self.path}: {self.actual} (against the spec's response schema)"
        return f"{self.path}: expected {self.expected}, got {self.actual}"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.describe(),
        }


def preview(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_path(parts) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += "." + part
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


# -- --volatile patterns -------------------------------------------------------------------


_SEGMENT = r'(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])'


def compile_volatile(pattern: str) -> re.Pattern:
    """A matcher for concrete JSON paths from a JSONPath subset.

    ``$.a.b``, ``$.a[0]``, ``$.a[*].b``, ``$.*``, ``$..b`` (at any depth), and a bare
    ``b`` (same as ``$..b``).  A pattern also covers everything below what it matches.
    """
    text = pattern.strip()
    if not text:
        raise UsageError("--volatile needs a JSON path")
    if not text.startswith("$"):
        text = "$.." + text.lstrip(".")
    out = [r"\$"]
    i, n = 1, len(text)
    while i < n:
        if text.startswith("..", i):
            out.append(_SEGMENT + "*")
            i += 2 if text[i + 2 : i + 3] == "[" else 1
            continue
        if text[i] == ".":
            name = re.match(r"[^.\[]+", text[i + 1 :])
            if not name:
                raise UsageError(f"--volatile {pattern!r}: a name must follow '.'")
            i += 1 + len(name[0])
            out.append(_SEGMENT if name[0] == "*" else re.escape(json_path([name[0]])[1:]))
        elif text[i] == "[":
            end = text.find("]", i)
            if end < 0:
                raise UsageError(f"--volatile {pattern!r}: '[' without ']'")
            inner = text[i + 1 : end].strip()
            i = end + 1
            if inner == "*":
                out.append(_SEGMENT)
            elif inner.isdigit():
                out.append(re.escape(f"[{inner}]"))
            else:
                out.append(re.escape(json_path([inner.strip("'\"")])[1:]))
        else:
            raise UsageError(f"--volatile {pattern!r}: unexpected {text[i]!r} at {i}")
    return re.compile("".join(out) + r"(?:[.\[].*)?\Z", re.S)


# -- schema inference -----------------------------------------------------------------------


def infer_schema(value: Any) -> dict[str, Any]:
    """A JSON Schema that ``value`` satisfies and that fixes its shape (see the module)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int | float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if value is None:
        return {}
    if isinstance(value, list):
        if not value:
            return {"type": "array"}
        items = infer_schema(value[0])
        for item in value[1:]:
            items = merge_schemas(items, infer_schema(item))
        return {"type": "array", "items": items}
    if isinstance(value, dict):
        if value and all(looks_like_id(k) for k in value):
            inner = None
            for item in value.values():
                schema = infer_schema(item)
                inner = schema if inner is None else merge_schemas(inner, schema)
            return {"type": "object", "minProperties": 1, "additionalProperties": inner}
        return {
            "type": "object",
            "properties": {k: infer_schema(v) for k, v in value.items()},
            "required": list(value),
        }
    return {}


def merge_schemas(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The schema of values that satisfy ``a`` or ``b``, as tight as this inference gets."""
    if a == b:
        return a
    if not a or not b or a.get("type") != b.get("type"):
        return {}
    if a["type"] == "array":
        if "items" in a and "items" in b:
            return {"type": "array", "items": merge_schemas(a["items"], b["items"])}
        return {"type": "array"}
    if a["type"] == "object":
        if "properties" in a and "properties" in b:
            props = dict(a["properties"])
            for key, schema in b["properties"].items():
                props[key] = merge_schemas(props[key], schema) if key in props else schema
            required = [k for k in a["required"] if k in set(b["required"])]
            return {"type": "object", "properties": props, "required": required}
        if "additionalProperties" in a and "additionalProperties" in b:
            return {
                "type": "object",
                "additionalProperties": merge_schemas(
                    a["additionalProperties"], b["additionalProperties"]
                ),
            }
        return {"type": "object"}
    return a


_JSON_TYPES = (
    (bool, "boolean"), (int, "number"), (float, "number"), (str, "string"),
    (list, "array"), (dict, "object"), (type(None), "null"),
)


def json_type(value: Any) -> str:
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def shape_failures(recorded: Any, actual: Any) -> list[Failure]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(infer_schema(recorded))
    failures: list[Failure] = []
    for error in sorted(validator.iter_errors(actual), key=lambda e: list(map(str, e.path))):
        where = list(error.absolute_path)
        if error.validator == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    failures.append(
                        Failure(json_path([*where, name]), "a field", "nothing (missing)",
                                "shape")
                    )
        elif error.validator == "type":
            failures.append(
                Failure(
                    json_path(where),
                    f"type {error.validator_value}",
                    f"{json_type(error.instance)} {preview(error.instance, 40)}",
                    "shape",
                )
            )
        else:
            failures.append(Failure(json_path(where), "the recorded shape", error.message,
                                    "shape"))
        if len(failures) >= MAX_FAILURES:
            break
    return failures


# -- checking one answer ----------------------------------------------------------------


class Checker:
    def __init__(self, *, volatile: list[str] | tuple[str, ...] = ()) -> None:
        self.patterns = [compile_volatile(p) for p in volatile]

    def check(
        self,
        exchange: Exchange,
        *,
        status: int,
        content_type: str,
        body: bytes,
        ids: IdMap,
        parsed: Any = MISSING,
    ) -> list[Failure]:
        """Failures of the answer (``status``, ``body``) against the recorded ``exchange``."""
        expected_status = exchange.status
        if status != expected_status:
            return [Failure("status", str(expected_status), _status_text(status, body),
                            "status")]
        recorded = exchange.response_json
        if recorded is MISSING:
            recorded_body = exchange.response.get("body")
            if isinstance(recorded_body, dict) and "text" in recorded_body:
                text = body.decode("utf-8", errors="replace")
                if text != recorded_body["text"] and not matches_template(
                    recorded_body["text"], text
                ):
                    return [Failure("body", preview(recorded_body["text"]), preview(text),
                                    "body")]
            return []
        if parsed is MISSING:
            try:
                parsed = json.loads(body) if body else MISSING
            except ValueError:
                parsed = MISSING
        if parsed is MISSING:
            kind = content_type or "no content type"
            return [Failure("body", "a JSON body", f"{len(body)} bytes of {kind}", "body")]
        if parsed == recorded:
            return []
        failures = shape_failures(recorded, parsed)
        self._values(recorded, parsed, [], None, ids, failures)
        return failures[:MAX_FAILURES]

    def _volatile_path(self, parts: list) -> bool:
        if not self.patterns:
            return False
        path = json_path(parts)
        return any(p.match(path) for p in self.patterns)

    def _values(self, rec, act, parts, key, ids: IdMap, failures: list[Failure]) -> None:
        if len(failures) >= MAX_FAILURES or self._volatile_path(parts):
            return
        if isinstance(rec, dict) and isinstance(act, dict):
            envelope = any(isinstance(v, list) for v in rec.values())
            for k, value in rec.items():
                if envelope and isinstance(k, str) and k.lower() in _COUNT_NAMES \
                        and isinstance(value, int):
                    continue  # counts the list beside it: data the session did not create
                if k in act:
                    self._values(value, act[k], [*parts, k], k, ids, failures)
            for rk, ak in paired_id_keys(rec, act):
                self._values(rec[rk], act[ak], [*parts, ak], None, ids, failures)
            return
        if isinstance(rec, list) and isinstance(act, list):
            if volatile_key(key):
                return
            if len(rec) != len(act) and _records(rec) and _records(act):
                self._records_by_id(rec, act, parts, key, ids, failures)
                return
            if len(rec) != len(act):
                failures.append(
                    Failure(json_path(parts), f"{len(rec)} items", f"{len(act)} items")
                )
            for i, (r, a) in enumerate(zip(rec, act, strict=False)):
                self._values(r, a, [*parts, i], key, ids, failures)
            return
        if rec == act and type(rec) is type(act):
            return
        if isinstance(rec, dict | list) or isinstance(act, dict | list):
            return  # a changed type: the shape check reported it
        if rec is not None and act is not None and json_type(rec) != json_type(act):
            return
        if volatile_key(key) or volatile_value(rec) or rec in ids:
            return
        if isinstance(rec, str) and isinstance(act, str) and matches_template(rec, act):
            return
        failures.append(Failure(json_path(parts), preview(rec), preview(act)))


    def _records_by_id(self, rec: list, act: list, parts, key, ids: IdMap,
                       failures: list[Failure]) -> None:
        """Records of two lists of different lengths compared by id: the recorded record
        with the actual one of the same id, or of the id this replay mapped it to (the
        map spans every kind of id, so of the two the one that matches better)."""
        where = {str(item["id"]): i for i, item in enumerate(act)}
        for item in rec:
            recorded_id = str(item["id"])
            candidates = [where.get(recorded_id)]
            if recorded_id in ids.ids:
                candidates.insert(0, where.get(str(ids.ids[recorded_id])))
            best: list[Failure] | None = None
            for index in dict.fromkeys(c for c in candidates if c is not None):
                found: list[Failure] = []
                self._values(item, act[index], [*parts, index], key, ids, found)
                if best is None or len(found) < len(best):
                    best = found
                if not found:
                    break
            failures.extend(best or [])


def _status_text(status: int, body: bytes) -> str:
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
        return f"{status} ({parsed['message'][:120]})"
    return str(status)
