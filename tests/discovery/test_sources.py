"""Parsing the three kinds of source documents into routes."""

from __future__ import annotations

import json

import pytest

from explorer.discovery.openapi import parse_openapi
from explorer.discovery.sources import RoutesFileSource, parse_route_list, resolve_routes_file
from explorer.errors import DiscoveryError


def parse(payload, warnings=None):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_route_list(
        raw, where="GET /discover", warn=(warnings if warnings is not None else []).append
    )


def test_seed_format_and_bare_list():
    entries = [{"method": "get", "path": "/a/:id?"}, {"method": "POST", "path": "/a"}]
    for payload in ({"data": entries}, entries):
        routes = parse(payload)
        assert [(r.method, r.path) for r in routes] == [("GET", "/a/:id?"), ("POST", "/a")]


def test_garbage_entries_are_skipped_with_a_warning_each():
    warnings = []
    routes = parse(
        {
            "data": [
                {"method": "GET", "path": "/ok"},
                "nonsense",
                {"method": "GET"},
                {"path": "/no-method"},
                {"method": "GET", "path": "relative"},
                {"method": "GET", "path": "/q", "query": "notalist"},
                None,
            ]
        },
        warnings,
    )
    assert [r.path for r in routes] == ["/ok"]
    assert len(warnings) == 6
    assert all(w.startswith("GET /discover: entry ") for w in warnings)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<html>oops</html>", "not JSON"),
        ({"code": 403, "message": "Invalid token"}, "answered an error: Invalid token"),
        ({"data": {"method": "GET"}}, "is not a list"),
        ({"routes": []}, "expected a list of routes"),
        (b'"just a string"', "is not a list"),
    ],
)
def test_unusable_documents(payload, message):
    with pytest.raises(DiscoveryError, match=message):
        parse(payload)


def test_routes_file_extras():
    routes = parse(
        {
            "data": [
                {
                    "method": "POST",
                    "path": "/api/generic/file/upload",
                    "command": "file upload",
                    "summary": "Upload",
                    "query": ["a"],
                    "body": {"type": "object"},
                    "max_upload": 10,
                }
            ]
        }
    )
    (route,) = routes
    assert route.command == "file upload"
    assert route.query_params == ("a",)
    assert route.body_schema == {"type": "object"}
    assert route.max_upload == 10


def test_builtin_labstep_routes_file():
    source = RoutesFileSource("labstep")
    routes = source.parse(source.path.read_bytes(), warn=lambda m: pytest.fail(m))
    by_command = {r.command: r for r in routes}
    assert by_command["user login"].path == "/public-api/user/login"
    assert by_command["file upload"].max_upload == 25 * 1024 * 1024
    assert by_command["experiment create"].body_schema["properties"]["protocol_id"]


def test_unknown_builtin_routes_file():
    with pytest.raises(DiscoveryError, match="no routes file 'nope' \\(built-in: labstep"):
        resolve_routes_file("nope")


OPENAPI3 = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://example.com/api/v2"}],
    "paths": {
        "/samples/{sampleId}": {
            "parameters": [{"name": "sampleId", "in": "path", "required": True}],
            "get": {
                "summary": "One sample",
                "parameters": [{"$ref": "#/components/parameters/Fields"}],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Sample"}}
                        }
                    }
                },
            },
            "patch": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Sample"}}
                    }
                },
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/samples/{sample-id}/files": {"post": {"responses": {}}},
    },
    "components": {
        "parameters": {"Fields": {"name": "fields", "in": "query"}},
        "schemas": {
            "Sample": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "parent": {"$ref": "#/components/schemas/Sample"},
                },
            }
        },
    },
}


def test_openapi3():
    routes = parse_openapi(OPENAPI3, warn=lambda m: None)
    got = {(r.method, r.path): r for r in routes}
    get = got[("GET", "/api/v2/samples/:sampleId")]
    assert get.summary == "One sample"
    assert get.origin == "spec"
    assert get.query_params == ("fields",)
    op = get.operation
    assert [(p["in"], p["name"], p["required"]) for p in op.parameters] == [
        ("path", "sampleId", True), ("query", "fields", False)]
    declared, schema = op.response_schema(200)
    assert declared and op.view(schema).properties["name"] == {"type": "string"}
    patch = got[("PATCH", "/api/v2/samples/:sampleId")].operation
    parent = patch.view(patch.body_schema).properties["parent"]
    assert parent == {"$ref": "#/$defs/Sample"}  # a cycle: a reference, kept once
    assert patch.response_schema(200) == (True, None)  # declared, no body schema
    assert patch.response_schema(404) == (False, None)
    fields = [f.path for f in patch.body_fields()]
    assert fields == ["name", "parent"]  # Sample inside Sample: the cycle is not followed
    assert ("POST", '/api/v2/samples/:"sample-id"/files') in got


def test_swagger2():
    doc = {
        "swagger": "2.0",
        "basePath": "/v1",
        "paths": {
            "/pets/{id}": {
                "put": {
                    "parameters": [
                        {"name": "id", "in": "path"},
                        {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Pet"}},
                        {"name": "dry", "in": "query"},
                    ]
                }
            }
        },
        "definitions": {"Pet": {"type": "object", "properties": {"tag": {"type": "string"}}}},
    }
    (route,) = parse_openapi(doc, warn=lambda m: None)
    assert (route.method, route.path) == ("PUT", "/v1/pets/:id")
    assert route.query_params == ("dry",)
    op = route.operation
    assert op.body["media"] == "application/json"
    assert op.view(op.body_schema).properties == {"tag": {"type": "string"}}


@pytest.mark.parametrize("doc", [[], {"info": {}}, {"openapi": "3.0.0"}])
def test_not_openapi(doc):
    with pytest.raises(DiscoveryError):
        parse_openapi(doc, warn=lambda m: None)


@pytest.mark.parametrize(
    ("template", "path", "args", "built"),
    [
        ("/v1/things/{id}:archive", "/v1/things/:id\\:archive", {"id": "7"}, "/v1/things/7:archive"),  # noqa: E501
        ("/v1/a(b)/{id}", "/v1/a\\(b\\)/:id", {"id": "7"}, "/v1/a(b)/7"),
        ("/x*y", "/x\\*y", {}, "/x*y"),
        ("/a+b/c!d/[e]", "/a\\+b/c\\!d/\\[e\\]", {}, "/a+b/c!d/[e]"),
        ("/w\\z/{user-id}", '/w\\\\z/:"user-id"', {"user-id": "u"}, "/w\\z/u"),
    ],
)
def test_openapi_literal_text_stays_literal(template, path, args, built):
    from explorer.routing import RoutePattern

    doc = {"openapi": "3.0.0", "paths": {template: {"get": {}}}}
    (route,) = parse_openapi(doc, warn=lambda m: None)
    assert route.path == path
    pattern = RoutePattern.parse(route.path)
    assert pattern.param_names == tuple(args)
    assert pattern.build(args) == built
    assert pattern.match(built) == args


def test_openapi_base_path_is_literal_too():
    doc = {"swagger": "2.0", "basePath": "/api(v1)", "paths": {"/x": {"get": {}}}}
    (route,) = parse_openapi(doc, warn=lambda m: None)
    assert route.path == "/api\\(v1\\)/x"


@pytest.mark.parametrize(
    ("server", "path"),
    [
        ({"url": "{scheme}://x/public/{ver}",
          "variables": {"scheme": {"default": "https"}, "ver": {"default": "v1"}}},
         "/public/v1/instruments"),
        ({"url": "/public/{ver}", "variables": {"ver": {"default": "v2", "enum": ["v2"]}}},
         "/public/v2/instruments"),
        ({"url": "https://x/{nodefault}", "variables": {"nodefault": {}}}, "/instruments"),
    ],
)
def test_openapi_server_variables_take_their_defaults(server, path):
    doc = {"openapi": "3.0.0", "servers": [server], "paths": {"/instruments": {"get": {}}}}
    (route,) = parse_openapi(doc, warn=lambda m: None)
    assert route.path == path


@pytest.mark.parametrize(
    "operation",
    [
        {"parameters": 5},
        {"parameters": [{"name": "a", "in": "query"}, 5, "x"]},
        {"requestBody": {"content": [{"application/json": {}}]}},
        {"requestBody": {"content": {"application/json": {"schema": {"$ref": 7}}}}},
        {"responses": {"200": {"content": ["x"]}}},
        {"responses": {"200": {"content": {"application/json": 3}}}},
        {"summary": {"text": "not a string"}, "parameters": [{"name": 3, "in": "query"}]},
    ],
)
def test_malformed_operations_are_skipped_with_a_warning(operation):
    doc = {
        "openapi": "3.0.0",
        "paths": {"/bad": {"post": operation}, "/good": {"get": {"summary": "fine"}}},
    }
    warnings: list[str] = []
    routes = parse_openapi(doc, warn=warnings.append)
    assert ("GET", "/good") in {(r.method, r.path) for r in routes}
    bad = [r for r in routes if r.path == "/bad"]
    assert bad or any("POST /bad" in w and "skipped" in w for w in warnings)


def test_malformed_path_level_parameters_skip_the_path_with_a_warning():
    doc = {"openapi": "3.0.0", "paths": {"/bad": {"parameters": 5, "get": {}}, "/ok": {"get": {}}}}
    warnings: list[str] = []
    routes = parse_openapi(doc, warn=warnings.append)
    assert {(r.method, r.path) for r in routes} >= {("GET", "/ok")}
