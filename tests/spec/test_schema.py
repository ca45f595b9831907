"""explorer.spec.schema: compacting OpenAPI 3.0/3.1/Swagger schemas, and reading them."""

from __future__ import annotations

from explorer.spec.schema import Compactor, fields, type_text, view

DOC = {"components": {"schemas": {
    "Node": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "description": "dropped", "example": "x"},
        "child": {"$ref": "#/components/schemas/Node"},
    }},
    "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
}}}


def compact(schema, **kw):
    c = Compactor(DOC, **kw)
    out = c.schema(schema)
    c.finish()
    return out, c.defs


def test_references_stay_references_and_cycles_cost_nothing():
    out, defs = compact({"$ref": "#/components/schemas/Node"})
    assert out == {"$ref": "#/$defs/Node"}
    assert defs == {"Node": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "child": {"$ref": "#/$defs/Node"}}}}
    assert [f.path for f in fields(out, defs.get)] == ["name", "child"]


def test_openapi_30_nullable_and_boolean_bounds():
    out, _ = compact({"type": "integer", "nullable": True, "minimum": 3,
                      "exclusiveMinimum": True, "enum": [3, 4]}, openapi30=True)
    assert out == {"type": ["integer", "null"], "exclusiveMinimum": 3, "enum": [3, 4, None]}
    assert type_text(out) == "one of 3, 4 or null"


def test_openapi_31_forms():
    lookup = {"Base": compact({"$ref": "#/components/schemas/Base"})[1]["Base"]}.get
    assert type_text({"type": ["string", "null"]}) == "string|null"
    assert type_text({"anyOf": [{"type": "string"}, {"type": "null"}]}) == "string|null"
    assert type_text({"oneOf": [{"type": "integer"}, {"type": "string"}]}) == "integer|string"
    assert type_text({"const": "plate"}) == "= plate"
    assert type_text({"type": "array", "items": {"type": ["integer", "null"]}}) == (
        "array of (integer|null)")
    merged = view({"allOf": [{"$ref": "#/$defs/Base"},
                             {"properties": {"name": {"type": "string"}}, "required": ["name"]}]},
                  lookup)
    assert list(merged.properties) == ["id", "name"] and merged.required == ["id", "name"]
    assert merged.types == ["object"]


def test_swagger_file_and_unknown_types():
    out, _ = compact({"type": "file"}, swagger=True)
    assert out == {"type": "string", "format": "binary"}
    assert compact({"type": "weird", "required": True})[0] == {}
