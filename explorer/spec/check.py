"""Checks against an API description: a request before it is sent, an answer after.

:func:`check_request` compares what is about to be sent with the operation: a query
parameter the spec does not declare, a required one missing, a query, header or path
value that is not of the declared type or not among its enum values, and, in a JSON
or form body, a required field missing or a field of the wrong type.  Each finding
is a :class:`Problem` naming the item as typed (so a front end can draw a caret
under it) and the spec's rule.  The request is still the user's to send: the front
ends warn, and refuse only under ``--strict``.

:func:`check_answer` validates an answer's JSON body against the response schema the
spec declares for its status (jsonschema's Draft 2020-12 validator, the shared
schemas the schema references loaded for it), and returns each mismatch with its
JSON path (``$.owner.id: 'x' is not of type 'integer'``), at most
:data:`MAX_MISMATCHES` of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote_plus

from explorer.client.models import NO_BODY
from explorer.errors import UsageError
from explorer.record import Frozen, Record, setfield
from explorer.render.text import one_line
from explorer.spec import schema as sch

#: mismatches reported per answer (the rest are counted)
MAX_MISMATCHES = 10
_FILTER_CHARS = "<>!"


class Problem(Frozen):
    """One finding: ``message`` (the spec's rule), and the typed item it is about
    (``item``, with the caret under ``item[start:start + length]``), if any."""

    __slots__ = ("item", "length", "message", "start")
    _fields = ("message", "item", "start", "length")

    def __init__(self, message: str, item: str | None = None, start: int = 0,
                 length: int = 0) -> None:
        setfield(self, "message", message)
        setfield(self, "item", item)
        setfield(self, "start", start)
        setfield(self, "length", length)

    def lines(self) -> list[str]:
        """The message, then the item and a caret line (when there is an item)."""
        if not self.item:
            return [one_line(self.message)]
        item = one_line(self.item)
        lead = len(one_line(self.item[: self.start]))
        width = max(1, len(one_line(self.item[self.start : self.start + self.length])))
        return [one_line(f"{self.item}: {self.message}"), "  " + item,
                "  " + " " * lead + "^" * width]


# -- requests ----------------------------------------------------------------------------


def check_request(operation, spec, items: Sequence[str] = (), params: dict | None = None
                  ) -> list[Problem]:
    """The problems of request ``spec`` (a RequestSpec) against ``operation``;
    ``items`` are the request items as typed, ``params`` the path parameters."""
    if operation is None or not operation.available:
        return []
    typed = _Typed(items)
    out: list[Problem] = []
    declared = {
        p["name"]: p for p in operation.params_in("query") if isinstance(p.get("name"), str)
    }
    seen: set[str] = set()
    for component in spec.query:
        key, value = _split_component(component)
        seen.add(key)
        param = declared.get(key)
        if param is None:
            names = ", ".join(declared) if declared else "none"
            out.append(typed.problem(
                f"unknown query parameter {key!r} (the spec declares: {_cut(names)})",
                key, where="key", kinds=("query", "filter", "data")))
            continue
        rule = value_rule(operation, param.get("schema"), value)
        if rule:
            out.append(typed.problem(f"query parameter {key!r}: {rule}", key, where="value",
                                     kinds=("query", "data")))
    for name, param in declared.items():
        if param.get("required") and name not in seen:
            out.append(Problem(f"missing required query parameter {name!r} "
                               f"({operation.type_text(param.get('schema')) or 'any'})"))
    for param in operation.params_in("header"):
        name = param.get("name")
        value = _header(spec.headers, name) if isinstance(name, str) else None
        if value is None:
            continue
        rule = value_rule(operation, param.get("schema"), value)
        if rule:
            out.append(typed.problem(f"header {name}: {rule}", name, where="value",
                                     kinds=("header",)))
    for name, value in (params or {}).items():
        param = operation.param("path", name)
        if param is None or value is None:
            continue
        rule = value_rule(operation, param.get("schema"), str(value))
        if rule:
            out.append(Problem(f"path parameter {name.upper()} {value!r}: {rule}"))
    body = operation.body
    if body is not None:
        out += _body_problems(operation, body, spec, typed)
    return out


def _body_problems(operation, body: dict, spec, typed: _Typed) -> list[Problem]:
    schema = body.get("schema")
    if spec.json is not _no_body():
        document = spec.json
        texts = False
    elif spec.form or spec.files:
        document = {**spec.form, **{f.field: "" for f in spec.files}}
        texts = True
    else:
        if body.get("required") and spec.data is None:
            return [Problem("the spec requires a request body "
                            f"({body.get('media', 'application/json')})")]
        return []
    out = []
    for path, rule in body_mismatches(operation, schema, document, texts=texts):
        if rule.startswith("missing required field"):
            out.append(Problem(f"body: {rule}"))
        else:
            out.append(typed.problem(f"body field {path}: {rule}", path, where="value",
                                     kinds=("data", "json", "data_file", "json_file")))
    return out


def body_mismatches(operation, schema: Any, document: Any, *, texts: bool = False,
                    path: str = "", depth: int = 0) -> Iterable[tuple[str, str]]:
    """(field path, rule) for each required field missing (read-only ones aside) and
    each field whose value breaks its type, enum or const.  ``texts``: a form body,
    whose values are all text (their types are read from the text)."""
    if depth > 8:
        return
    view = operation.view(schema)
    if view.variants:
        return  # alternatives: the server decides which one was meant
    if not isinstance(document, dict) or not (view.properties or view.required):
        return
    for name in view.required:
        prop = view.properties.get(name)
        if name not in document and not (prop is not None and operation.view(prop).read_only):
            kind = operation.type_text(prop) if prop is not None else ""
            where = sch.field_path(path, name)
            yield where, f"missing required field {where!r}" + (f" ({kind})" if kind else "")
    for name, value in document.items():
        prop = view.properties.get(name)
        if prop is None:
            continue
        where = sch.field_path(path, name)
        rule = value_rule(operation, prop, value, text=texts)
        if rule:
            yield where, rule
        elif isinstance(value, dict):
            yield from body_mismatches(operation, prop, value, texts=texts, path=where,
                                       depth=depth + 1)


def value_rule(operation, schema: Any, value: Any, *, text: bool = True) -> str | None:
    """Why ``value`` breaks ``schema``'s type, enum or const (None when it does not).
    ``text``: the value is text as typed (``5`` may be an integer)."""
    view = operation.view(schema)
    if value is None:
        if view.nullable or not view.types:
            return None
        return f"null is not allowed (the spec says {operation.type_text(schema)})"
    candidate = _as_json(value) if text and isinstance(value, str) else value
    if view.has_const:
        if candidate != view.const and value != view.const:
            return f"must be {_show(view.const)}"
        return None
    if view.enum:
        if value in view.enum or candidate in view.enum or str(value) in map(str, view.enum):
            return None
        return f"{_show(value)} is not one of {_cut(', '.join(_show(e) for e in view.enum))}"
    if not view.types:
        return _bounds(operation, schema, candidate)
    for kind in view.types:
        if _is(candidate, kind) or _is(value, kind):
            return _bounds(operation, schema, candidate if _is(candidate, kind) else value)
        if text and kind == "string":
            return _bounds(operation, schema, value)
        if text and kind == "array" and isinstance(value, str):
            return None  # an array in a query: comma-separated, or repeated keys
    return f"{_show(value)} is not {' or '.join(_a(k) for k in view.types)}"


def _bounds(operation, schema: Any, value: Any) -> str | None:
    """``minimum``/``maximum`` (and their exclusive forms), ``minLength``/``maxLength``."""
    raw = sch.resolve(schema, operation.lookup)
    if not isinstance(raw, dict):
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    for key, broken, words in (
        ("minimum", lambda v, b: v < b, "at least"),
        ("maximum", lambda v, b: v > b, "at most"),
        ("exclusiveMinimum", lambda v, b: v <= b, "more than"),
        ("exclusiveMaximum", lambda v, b: v >= b, "less than"),
    ):
        bound = raw.get(key)
        if number and isinstance(bound, int | float) and not isinstance(bound, bool) and (
            broken(value, bound)
        ):
            return f"{_show(value)} is not {words} {_show(bound)}"
    if isinstance(value, str):
        low, high = raw.get("minLength"), raw.get("maxLength")
        if isinstance(low, int) and len(value) < low:
            return f"{_show(value)} is shorter than {low} characters"
        if isinstance(high, int) and len(value) > high:
            return f"{_show(value)} is longer than {high} characters"
    return None


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return kind == "null" and value is None


def _a(kind: str) -> str:
    return {"integer": "an integer", "array": "an array", "object": "an object"}.get(
        kind, f"a {kind}")


def _as_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_component(component: str) -> tuple[str, str]:
    cut = len(component)
    for i, char in enumerate(component):
        if char == "=" or char in _FILTER_CHARS:
            cut = i
            break
    key = unquote_plus(component[:cut])
    rest = component[cut:]
    value = rest.lstrip("<>!=")
    return key, unquote_plus(value)


def _header(headers: dict, name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _no_body():
    return NO_BODY


class _Typed:
    """The request items as typed, found by key (for the caret)."""

    def __init__(self, items: Sequence[str]) -> None:
        from explorer.items.syntax import parse_item

        self.items = []
        for text in items:
            try:
                self.items.append(parse_item(text))
            except UsageError:
                continue

    def problem(self, message: str, key: str, *, where: str, kinds: Sequence[str]) -> Problem:
        for item in self.items:
            if item.kind.value not in kinds:
                continue
            same = item.key.lower() == key.lower() if "header" in kinds else item.key == key
            if same:
                if where == "value" and item.value_column < len(item.text):
                    return Problem(message, item.text, item.value_column,
                                   len(item.text) - item.value_column)
                return Problem(message, item.text, 0, max(1, len(item.key)))
        return Problem(message)


# -- answers -----------------------------------------------------------------------------


class Mismatch(Frozen):
    """Where (a JSON path) and how an answer breaks its schema."""

    __slots__ = ("message", "path")
    _fields = ("path", "message")

    def __init__(self, path: str, message: str) -> None:
        setfield(self, "path", path)
        setfield(self, "message", message)

    def describe(self) -> str:
        return f"{self.path}: {self.message}"


class Checked(Record):
    """What :func:`check_answer` found: ``checked`` is False when there was nothing to
    check against (``note`` says why: a status the spec does not declare, no JSON
    schema for it); ``mismatches`` are the ways the answer breaks the schema."""

    __slots__ = ("checked", "mismatches", "note")
    _fields = ("checked", "mismatches", "note")

    def __init__(self, checked: bool, mismatches: list[Mismatch],
                 note: str | None = None) -> None:
        self.checked = checked
        self.mismatches = mismatches
        self.note = note

    def __iter__(self):  # ``checked, mismatches = check_answer(...)``
        return iter((self.checked, self.mismatches))


def check_answer(operation, status: int, body: Any) -> Checked:
    """An answer's parsed JSON ``body`` against the schema the spec declares for
    ``status`` (see :class:`Checked`)."""
    if operation is None or not operation.available:
        return Checked(False, [], "no spec data for this route")
    declared, schema = operation.response_schema(status)
    if not declared:
        return Checked(False, [], f"status {status} is not in the spec")
    if schema is None or schema == {}:
        return Checked(False, [], f"no JSON schema for {status}")
    from jsonschema import Draft202012Validator  # only when answers are checked
    from jsonschema.exceptions import SchemaError, best_match

    root = _closure(operation, schema)
    document = {"$defs": root, "allOf": [schema]} if isinstance(schema, dict) else schema
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the root"
        return Checked(False, [], f"the spec's schema for {status} is not valid JSON Schema "
                                  f"(at {where})")
    except RecursionError:
        return Checked(False, [], "the spec's schema is nested too deeply")
    validator = Draft202012Validator(document)
    mismatches: list[Mismatch] = []
    extra = 0
    try:
        for error in validator.iter_errors(body):
            if len(mismatches) >= MAX_MISMATCHES:
                extra += 1
                continue
            for _ in range(16):  # into an anyOf/oneOf: the alternative that came closest
                if error.validator not in ("anyOf", "oneOf") or not error.context:
                    break
                error = _closest(error, best_match)
            mismatches.append(Mismatch(_json_path(error), _message(error)))
    except RecursionError:
        return Checked(True, [Mismatch("$", "nested too deeply to check")])
    except (re.error, TypeError, ValueError, LookupError) as exc:  # a pattern Python rejects
        return Checked(False, [], f"the spec's schema cannot be applied ({type(exc).__name__})")
    if extra:
        mismatches.append(Mismatch("$", f"{extra} more mismatches"))
    return Checked(True, mismatches)


def _closest(error, best_match):
    """Of an anyOf/oneOf that failed, the error of the alternative the value's type
    fits (``{"id": 1}`` against ``Thing | null``: Thing's missing ``name``)."""
    branches: dict[Any, list] = {}
    for sub in error.context:
        key = sub.relative_schema_path[0] if sub.relative_schema_path else None
        branches.setdefault(key, []).append(sub)
    for subs in branches.values():
        if not any(sub.validator == "type" and not sub.relative_path for sub in subs):
            return subs[0]
    return best_match(error.context)


def _closure(operation, schema: Any) -> dict[str, Any]:
    """The shared schemas ``schema`` references, directly or not (loaded once each)."""
    found: dict[str, Any] = {}
    stack = [schema]
    budget = 200_000
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if isinstance(node, dict):
            name = sch.def_key(node.get("$ref"))
            if name is not None and name not in found:
                target = operation.lookup(name)
                found[name] = target if target is not None else {}
                stack.append(found[name])
            stack.extend(v for k, v in node.items() if isinstance(v, dict | list)
                         and k not in ("enum", "const", "default"))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return found


def _json_path(error) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (
            f".{part}" if str(part).isidentifier() else f"[{json.dumps(part)}]")
    return path


def _message(error) -> str:
    """jsonschema's message without the whole instance quoted (it can be megabytes)."""
    validator, expected = error.validator, error.validator_value
    instance = error.instance
    shown = _show(instance) if not isinstance(instance, dict | list) else (
        "an object" if isinstance(instance, dict) else "an array")
    if validator == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return f"{shown} is not {' or '.join(_a(str(k)) for k in kinds)}"
    if validator == "required":
        return _cut(error.message)
    if validator in ("enum", "const"):
        return f"{shown} is not {'one of ' if validator == 'enum' else ''}{_cut(_show(expected))}"
    return _cut(f"{shown}: {validator} {_show(expected)}")
