"""Arbitrary API descriptions: OpenAPI-shaped documents whose every part may be any
JSON value.  Reading gives routes (bad operations skipped with a warning) or one
DiscoveryError; help, completion data, request checks and answer checks on what was
read never raise and never print a control character; the cache gives the same."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.client.models import RequestSpec
from explorer.discovery import DiscoveryCache
from explorer.discovery.openapi import parse_openapi
from explorer.errors import DiscoveryError
from explorer.registry import Registry
from explorer.render.command_help import command_help, group_help
from explorer.spec.check import check_answer, check_request

SETTINGS = settings(
    max_examples=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SCALARS = st.none() | st.booleans() | st.integers() | st.text(
    st.sampled_from(list("ab\x1b\n{}/$#~0-")), max_size=6)
KEYS = st.sampled_from(["type", "properties", "items", "required", "enum", "const", "$ref",
                        "allOf", "anyOf", "oneOf", "nullable", "default", "format", "pattern",
                        "additionalProperties", "minimum", "exclusiveMinimum", "name", "in",
                        "schema", "description", "x"])
TYPES = st.sampled_from(["string", "integer", "number", "boolean", "array", "object", "null",
                         "file", ["string", "null"]])
REFS = st.sampled_from(["#/components/schemas/A", "#/components/schemas/B", "#/", "#/paths",
                        "http://elsewhere/x.json", "#/components/schemas/A/properties/a"])
JSON = st.recursive(
    SCALARS | TYPES | REFS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=4),
                                                                inner, max_size=4),
    max_leaves=24,
)
PARAM = st.fixed_dictionaries({"name": st.text("abc-", min_size=1, max_size=4),
                               "in": st.sampled_from(["path", "query", "header", "cookie", "x"])},
                              optional={"schema": JSON, "required": st.booleans(),
                                        "description": SCALARS})
OP = st.fixed_dictionaries({}, optional={
    "operationId": st.text(max_size=12),
    "parameters": st.lists(st.one_of(PARAM, JSON), max_size=3) | JSON,
    "requestBody": st.fixed_dictionaries({"content": st.dictionaries(
        st.sampled_from(["application/json", "multipart/form-data", "text/plain"]),
        st.fixed_dictionaries({"schema": JSON}), max_size=2)}) | JSON,
    "responses": st.dictionaries(st.sampled_from(["200", "201", "default", "4XX"]),
                                 st.fixed_dictionaries({"content": st.fixed_dictionaries({
                                     "application/json": st.fixed_dictionaries(
                                         {"schema": JSON})})}) | JSON, max_size=2),
    "security": JSON, "tags": JSON, "summary": SCALARS,
})
DOCS = st.fixed_dictionaries({
    "openapi": st.sampled_from(["3.0.3", "3.1.0", "2.0", "1"]),
    "paths": st.dictionaries(st.sampled_from(["/a", "/a/{id}", "/b/{x-y}/c", "/{a}{b}", "bad"]),
                             st.dictionaries(st.sampled_from(["get", "post", "parameters"]),
                                             OP | JSON, max_size=2) | JSON, max_size=3),
}, optional={"components": st.fixed_dictionaries({}, optional={
    "schemas": st.dictionaries(st.sampled_from(["A", "B"]), JSON, max_size=2),
    "securitySchemes": JSON})})


@SETTINGS
@given(doc=DOCS, body=JSON, items=st.lists(st.sampled_from(
    ["a==1", "id=x", "n:=3", "X-A:b", "name=\x1b", "q>1"]), max_size=3))
def test_any_document_reads_or_refuses_and_what_is_read_is_safe(
    doc, body, items, tmp_path_factory
):
    doc = json.loads(json.dumps(doc))
    try:
        routes = parse_openapi(doc, warn=lambda m: None)
    except DiscoveryError:
        return
    registry = Registry(routes, on_warning=lambda m: None)
    for registry_ in _with_cache(registry, tmp_path_factory):
        for entry in registry_.entries:
            text = command_help(entry)
            assert "\x1b" not in text
            operation = entry.route.operation
            spec = RequestSpec(entry.method, "/a", query=["a=1", "b%3E=2"], headers={"X-A": "b"},
                               json=body if entry.method == "POST" else None)
            for problem in check_request(operation, spec, items, {"id": "x"}):
                assert all("\x1b" not in line for line in problem.lines())
            check_answer(operation, 200, body)
            group_help(registry_, [entry.command[0]])


def _with_cache(registry, tmp_path_factory):
    yield registry
    cache = DiscoveryCache(tmp_path_factory.mktemp("cache"), "http://127.0.0.1:9", "spec:x")
    cache.write(None, registry)
    entry = cache.read()
    assert entry is not None and entry.registry.command_names() == registry.command_names()
    yield entry.registry
