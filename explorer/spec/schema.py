"""JSON Schemas as explorer keeps them, and reading them for help and completion.

A document's schemas are converted once, when the document is read, into a
*compact* form: JSON Schema 2020-12 whatever the document's version (OpenAPI 3.0's
``nullable: true`` becomes a ``"null"`` in ``type``, its boolean
``exclusiveMinimum`` a number, Swagger's ``type: file`` a binary string), with only
what help, completion and checks use (examples, descriptions, ``x-`` extensions,
``xml`` and ``externalDocs`` are dropped).  Local references stay references,
rewritten to ``#/$defs/NAME`` (``#/components/schemas/repository`` ->
``#/$defs/repository``), so a cycle costs nothing and each shared schema is kept once.

    >>> c = Compactor({"components": {"schemas": {"Pet": {"type": "object"}}}})
    >>> c.schema({"$ref": "#/components/schemas/Pet", "nullable": True})
    {'$ref': '#/$defs/Pet'}
    >>> c.finish(); c.defs
    {'Pet': {'type': 'object'}}

Reading (:func:`view`, :func:`type_text`, :func:`fields`) understands the forms of
OpenAPI 3.1: ``type: [T, "null"]``, ``anyOf``/``oneOf`` with a ``null`` member,
``allOf`` (merged), ``const`` and ``enum``; ``$ref`` is followed through a lookup
function, with cycles cut.

Bounds: a document whose schemas expand to more than :data:`MAX_NODES` nodes (a
YAML alias bomb, say) raises :class:`SchemaTooLarge`; nesting deeper than
:data:`MAX_DEPTH` is cut to ``{}`` (anything).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from explorer.record import Frozen, Record, setfield

#: nodes a document's schemas may expand to, all operations together
MAX_NODES = 3_000_000
#: deeper schema nesting is cut (``{}`` accepts anything)
MAX_DEPTH = 64
#: a compacted top-level schema at least this long (as JSON) is kept once and shared
SHARE_AT = 400
#: how deep help and completion follow nested body fields
FIELD_DEPTH = 6

_SCALARS = frozenset({
    "type", "enum", "const", "default", "format", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
    "maxItems", "uniqueItems", "minProperties", "maxProperties", "required", "readOnly",
    "writeOnly", "deprecated", "contentMediaType", "contentEncoding",
})
_ONE = frozenset({
    "items", "additionalProperties", "not", "contains", "if", "then", "else",
    "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems",
})
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


class SchemaTooLarge(ValueError):
    """The schemas of a document expand to more than :data:`MAX_NODES` nodes."""


def pointer_parts(ref: str) -> list[str] | None:
    """``#/components/schemas/a~1b`` -> ``["components", "schemas", "a/b"]``; None for
    a reference that is not local."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    body = ref[1:]
    if not body:
        return []
    if not body.startswith("/"):
        return None
    return [p.replace("~1", "/").replace("~0", "~") for p in body[1:].split("/")]


def lookup_pointer(doc: Any, ref: str) -> Any:
    """What a local reference points at in ``doc``, or None."""
    parts = pointer_parts(ref)
    if parts is None:
        return None
    node = doc
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


DEF_PREFIX = "#/$defs/"


def def_ref(key: str) -> dict:
    return {"$ref": DEF_PREFIX + key.replace("~", "~0").replace("/", "~1")}


def def_key(ref: Any) -> str | None:
    """The ``$defs`` name a compact reference names, or None."""
    if isinstance(ref, str) and ref.startswith(DEF_PREFIX):
        return ref[len(DEF_PREFIX):].replace("~1", "/").replace("~0", "~")
    return None


class Compactor:
    """Converts the schemas of one document (see the module docstring).

    ``swagger``: a Swagger 2.0 document; ``openapi30``: an OpenAPI 3.0 one (its
    ``nullable`` and boolean exclusive bounds are rewritten).
    """

    def __init__(self, doc: Any, swagger: bool = False, openapi30: bool = False) -> None:
        self.doc = doc
        self.swagger = swagger
        self.openapi30 = openapi30
        #: the shared schemas, by name: referenced ones, and large ones met twice
        self.defs: dict[str, Any] = {}
        self._names: dict[str, str] = {}  # pointer -> defs name
        self._pending: list[tuple[str, str]] = []
        self._texts: dict[str, str] = {}  # JSON text -> defs name
        self._taken: set[str] = set()
        self.nodes = 0

    # -- converting --------------------------------------------------------------------

    def schema(self, node: Any, depth: int = 0) -> Any:
        """The compact form of one schema."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SchemaTooLarge(f"its schemas expand to more than {MAX_NODES:,} nodes")
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict) or depth >= MAX_DEPTH:
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            out = self.reference(ref)
            if self.swagger or self.openapi30:
                return out  # siblings of $ref are ignored before 3.1
            extra = self._keywords(node, depth)
            extra.pop("$ref", None)
            return {**out, **extra} if extra else out
        return self._keywords(node, depth)

    def _keywords(self, node: dict, depth: int) -> dict:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _SCALARS:
                out[key] = value
            elif key in _ONE:
                out[key] = self.schema(value, depth + 1)
            elif key in _MANY:
                if isinstance(value, list):
                    out[key] = [self.schema(v, depth + 1) for v in value]
            elif key in _MAPS and isinstance(value, dict):
                out[key] = {
                    str(k): self.schema(v, depth + 1) for k, v in value.items()
                }
        if "required" in out and not (
            isinstance(out["required"], list) and all(isinstance(r, str) for r in out["required"])
        ):
            del out["required"]  # Swagger parameters say ``required: true``; not a schema's
        kind = out.get("type")
        if kind == "file":
            out["type"], out["format"] = "string", "binary"
        elif kind is not None and not _valid_type(kind):
            del out["type"]
        if "enum" in out and not isinstance(out["enum"], list):
            del out["enum"]
        if self.openapi30 or self.swagger:
            for bound, edge in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
                if isinstance(out.get(bound), bool):
                    if out[bound] and edge in out:
                        out[bound] = out.pop(edge)
                    else:
                        del out[bound]
            if node.get("nullable") is True or node.get("x-nullable") is True:
                _allow_null(out)
        return out

    def reference(self, ref: str) -> dict:
        """``$ref`` as a reference to a shared schema (converted later, once)."""
        name = self._names.get(ref)
        if name is None:
            parts = pointer_parts(ref)
            if parts is None:
                return {}  # an external reference: unknown, so anything goes
            base = parts[-1] if parts and parts[-1] else "root"
            name, n = base, 2
            while name in self.defs or name in self._taken:
                name = f"{base}-{n}"
                n += 1
            self._names[ref] = name
            self._taken.add(name)
            self._pending.append((ref, name))
        return def_ref(name)

    def share(self, schema: Any) -> Any:
        """A large compact schema as a reference to one shared copy (a document whose
        references were expanded repeats the same response schemas hundreds of times)."""
        if not isinstance(schema, dict) or set(schema) == {"$ref"}:
            return schema
        text = json.dumps(schema, separators=(",", ":"), sort_keys=True)
        if len(text) < SHARE_AT:
            return schema
        name = self._texts.get(text)
        if name is None:
            name = self._texts[text] = f"~{len(self._texts)}"
            self.defs[name] = schema
        return def_ref(name)

    def finish(self) -> None:
        """Convert every schema referenced so far (references met on the way too)."""
        while self._pending:
            ref, name = self._pending.pop()
            target = lookup_pointer(self.doc, ref)
            self.defs[name] = self.schema(target) if target is not None else {}


def _valid_type(kind: Any) -> bool:
    if isinstance(kind, str):
        return kind in _TYPES
    return isinstance(kind, list) and bool(kind) and all(k in _TYPES for k in kind)


def _allow_null(out: dict) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]


# -- reading -----------------------------------------------------------------------------

Lookup = Callable[[str], Any]


def resolve(schema: Any, lookup: Lookup | None) -> Any:
    """Follow ``$ref`` (a chain of them, at most 32) through ``lookup``."""
    for _ in range(32):
        if not (isinstance(schema, dict) and "$ref" in schema):
            return schema
        key = def_key(schema["$ref"])
        target = lookup(key) if key is not None and lookup is not None else None
        if target is None:
            return {}
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **rest} if rest and isinstance(target, dict) else target
    return {}


_VIEW_FIELDS = ("types", "nullable", "enum", "const", "has_const", "properties", "required",
                "items", "default", "has_default", "format", "variants", "read_only",
                "additional")


class View(Record):
    """A schema as help reads it: its types (``null`` apart), alternatives merged;
    ``variants`` are the non-null alternatives of an anyOf/oneOf with more than one."""

    __slots__ = _VIEW_FIELDS
    _fields = _VIEW_FIELDS

    def __init__(self) -> None:
        self.types: list[str] = []
        self.nullable = False
        self.enum: list | None = None
        self.const: Any = None
        self.has_const = False
        self.properties: dict[str, Any] = {}
        self.required: list[str] = []
        self.items: Any = None
        self.default: Any = None
        self.has_default = False
        self.format: str | None = None
        self.variants: list[Any] = []
        self.read_only = False
        self.additional: Any = None


def view(schema: Any, lookup: Lookup | None = None, _depth: int = 0) -> View:
    """How ``schema`` reads (see :class:`View`); never raises."""
    out = View()
    if _depth > 16:
        return out
    schema = resolve(schema, lookup)
    if not isinstance(schema, dict):
        return out
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else list(kind) if isinstance(kind, list) else []
    if "null" in kinds:
        out.nullable = True
    out.types = [k for k in kinds if k != "null" and isinstance(k, str)]
    if isinstance(schema.get("enum"), list):
        values = schema["enum"]
        if None in values:
            out.nullable = True
        out.enum = [v for v in values if v is not None]
    if "const" in schema:
        out.const, out.has_const = schema["const"], True
        if not out.types and isinstance(out.const, str):
            out.types = ["string"]
    if "default" in schema:
        out.default, out.has_default = schema["default"], True
    if isinstance(schema.get("format"), str):
        out.format = schema["format"]
    out.read_only = schema.get("readOnly") is True
    if isinstance(schema.get("properties"), dict):
        out.properties = dict(schema["properties"])
    if isinstance(schema.get("required"), list):
        out.required = [r for r in schema["required"] if isinstance(r, str)]
    if "items" in schema:
        out.items = schema["items"]
    if "additionalProperties" in schema:
        out.additional = schema["additionalProperties"]
    for member in schema.get("allOf") or ():
        _merge(out, view(member, lookup, _depth + 1))
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if not isinstance(members, list):
            continue
        alternatives = []
        for member in members:
            v = view(member, lookup, _depth + 1)
            if v.types == [] and v.nullable and not v.properties and v.enum is None:
                out.nullable = True  # the ``{"type": "null"}`` member
                continue
            alternatives.append((member, v))
        if len(alternatives) == 1:
            _merge(out, alternatives[0][1])
        elif alternatives:
            out.variants.extend(m for m, _ in alternatives)
            for _, v in alternatives:
                for t in v.types:
                    if t not in out.types:
                        out.types.append(t)
                if v.nullable:
                    out.nullable = True
    if not out.types:
        if out.properties:
            out.types = ["object"]
        elif out.items is not None:
            out.types = ["array"]
    return out


def _merge(into: View, other: View) -> None:
    if other.types:
        into.types = [t for t in into.types if t in other.types] or (
            into.types if into.types else list(other.types)
        )
    into.nullable = into.nullable or (other.nullable and not into.types)
    if other.enum is not None:
        into.enum = other.enum
    if other.has_const:
        into.const, into.has_const = other.const, True
    if other.has_default and not into.has_default:
        into.default, into.has_default = other.default, True
    into.format = into.format or other.format
    into.properties.update(other.properties)
    into.required += [r for r in other.required if r not in into.required]
    if other.items is not None:
        into.items = other.items
    if other.additional is not None:
        into.additional = other.additional
    into.variants += other.variants
    into.read_only = into.read_only or other.read_only


def type_text(schema: Any, lookup: Lookup | None = None, _depth: int = 0) -> str:
    """``string``, ``integer|null``, ``array of string``, ``one of open, closed``,
    ``= "x"`` (a const), ``string (date-time)``."""
    v = view(schema, lookup)
    if v.has_const:
        text = "= " + _short(v.const)
    elif v.enum:
        text = "one of " + ", ".join(_short(e) for e in v.enum[:8])
        if len(v.enum) > 8:
            text += f", … ({len(v.enum)})"
    else:
        text = "|".join(v.types)
        if text == "array" and v.items is not None and _depth < 4:
            inner = type_text(v.items, lookup, _depth + 1)
            if inner:
                text = f"array of {inner}" if "|" not in inner else f"array of ({inner})"
        elif v.format and text in ("string", "integer", "number"):
            text += f" ({v.format})"
    if v.nullable and text:
        text += "|null" if not text.startswith(("one of", "= ")) else " or null"
    return text


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 40 else text[:39] + "…"


class Field(Frozen):
    """One body field: ``path`` as HTTPie's nested syntax spells it (``image[url]``)."""

    __slots__ = ("depth", "path", "read_only", "required", "schema")
    _fields = ("path", "depth", "schema", "required", "read_only")

    def __init__(self, path: str, depth: int, schema: Any, required: bool,
                 read_only: bool = False) -> None:
        setfield(self, "path", path)
        setfield(self, "depth", depth)
        setfield(self, "schema", schema)
        setfield(self, "required", required)
        setfield(self, "read_only", read_only)


def field_path(parent: str, name: str) -> str:
    return f"{parent}[{name}]" if parent else name


def fields(
    schema: Any, lookup: Lookup | None = None, *, depth: int = FIELD_DEPTH
) -> Iterator[Field]:
    """The body fields of ``schema``, parents before children, nested objects as
    ``parent[child]`` and arrays of objects as ``parent[][child]`` (HTTPie's syntax).
    A reference met again below itself is not followed (cycles)."""
    yield from _fields(schema, lookup, "", 0, depth, frozenset())


def _fields(schema, lookup, parent, level, depth, seen) -> Iterator[Field]:
    if level >= depth:
        return
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str):
        if ref in seen:
            return
        seen = seen | {ref}
    v = view(schema, lookup)
    if not v.properties and v.items is not None and "array" in v.types and parent:
        yield from _fields(v.items, lookup, parent + "[]", level, depth, seen)
        return
    required = set(v.required)
    for name, prop in v.properties.items():
        path = field_path(parent, name)
        pv = view(prop, lookup)
        yield Field(path, level, prop, name in required, pv.read_only)
        if pv.properties or ("array" in pv.types and pv.items is not None):
            yield from _fields(prop, lookup, path, level + 1, depth, seen)


def first_line(text: Any, limit: int = 120) -> str | None:
    """The first line of a description, at most ``limit`` characters, or None."""
    if not isinstance(text, str):
        return None
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return None
