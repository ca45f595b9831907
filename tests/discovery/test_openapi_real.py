"""Real third-party API descriptions (tests/data/openapi, with their licenses): names from
operationIds, help that says what the spec says, YAML, and the cache giving the same."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from explorer.discovery import DiscoveryCache, SpecSource
from explorer.discovery.openapi import parse_openapi
from explorer.discovery.sources import load_document
from explorer.errors import DiscoveryError
from explorer.registry import Registry
from explorer.render.command_help import command_help, group_help

DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"


def _registry(raw: bytes, where: str) -> Registry:
    warnings: list[str] = []
    routes = parse_openapi(load_document(raw, where), warn=warnings.append)
    registry = Registry(routes, on_warning=warnings.append)
    assert warnings == []
    return registry


@pytest.fixture(scope="module")
def github_raw() -> bytes:
    return gzip.decompress((DATA / "github" / "api.github.com.json.gz").read_bytes())


@pytest.fixture(scope="module")
def github(github_raw) -> Registry:
    return _registry(github_raw, "api.github.com.json")


def _help(registry: Registry, name: str) -> list[str]:
    entry, _ = registry.lookup_command(name.split())
    return command_help(entry, prog="explorer ").splitlines()


def test_every_github_operation_is_named_from_its_operation_id(github):
    entries = github.entries
    assert len(entries) == 1223
    names = [e.name for e in entries]
    assert len(set(names)) == len(names)
    # suffix-free: no ``by-...`` and no numbering was needed
    assert not [n for n in names if re.search(r" (by-[\w-]+|\d+)$", n)]
    for entry in entries:
        group, _, rest = entry.route.operation_id.partition("/")
        assert entry.command == (group, rest)
    get, _ = github.lookup_command(["repos", "get"])
    assert (get.method, get.route.path, get.usage) == (
        "GET", "/repos/:owner/:repo", "repos get OWNER REPO")
    issues, args = github.lookup_command(["issues", "list-for-repo", "octocat", "hello"])
    assert issues.route.path == "/repos/:owner/:repo/issues" and args == ["octocat", "hello"]
    assert issues.path_for(args) == "/repos/octocat/hello/issues"


def test_github_help_lists_exactly_the_spec_parameters(github):
    lines = _help(github, "issues list-for-repo")
    assert lines[:3] == [
        "usage: explorer issues list-for-repo OWNER REPO [ITEM...]",
        "  GET /repos/:owner/:repo/issues",
        "  List repository issues",
    ]
    text = "\n".join(lines)
    assert re.search(r"^  OWNER +string +The account owner of the repository\.", text, re.M)
    query = text.split("query parameters:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in query]
    assert names == ["milestone", "state", "assignee", "type", "creator", "mentioned",
                     "issue_field_values", "labels", "sort", "direction", "since", "per_page",
                     "page"]
    state = next(line for line in query if line.split()[0] == "state")
    assert "one of open, closed, all (default open)" in state
    assert "Indicates the state of the issues to return." in state
    since = next(line for line in query if line.split()[0] == "since")
    assert "string (date-time)" in since
    assert "sort, limit, skip, fields" not in text  # LabOS's conventions are not GitHub's
    assert "filters on fields" not in text


def test_github_body_fields_with_types_required_marks_and_nesting(github):
    text = "\n".join(_help(github, "repos create-for-authenticated-user"))
    body = text.split("body fields (application/json) (required):\n", 1)[1].splitlines()
    assert re.match(r"^  name +string \(required\)$", body[0])
    assert any(re.match(r"^  has_issues +boolean$", line) for line in body)
    pulls = "\n".join(_help(github, "pulls create-review"))
    assert re.search(r"^  comments +array of object$", pulls, re.M)
    assert re.search(r"^    comments\[\]\[path\] +string \(required\)$", pulls, re.M)
    assert re.search(r"^    comments\[\]\[body\] +string \(required\)$", pulls, re.M)


def test_github_group_help_uses_the_tag_and_summaries(github):
    text = group_help(github, ["repos"])
    lines = text.splitlines()
    assert lines[0] == "repos: Interact with GitHub Repos."
    assert re.search(r"^  repos get OWNER REPO +GET +/repos/:owner/:repo +Get a repository$",
                     text, re.M)


def test_the_cache_gives_the_same_commands_and_help(github_raw, github, tmp_path):
    source = tmp_path / "api.github.com.json"
    source.write_bytes(github_raw)
    cache = DiscoveryCache(tmp_path, "https://api.github.com", SpecSource(str(source)).key)
    cache.write("v1", github)
    meta = (cache.meta_path.stat().st_size, cache.spec_path.stat().st_size)
    assert meta[0] < 1_000_000 and meta[1] < 3_000_000  # was 77 MB with the raw copy
    entry = cache.read()
    assert entry is not None and entry.spec is not None
    cached = entry.registry
    assert cached.command_names() == github.command_names()
    for name in ("repos get", "issues list-for-repo", "pulls create-review", "meta root",
                 "repos create-for-authenticated-user"):
        assert _help(cached, name) == _help(github, name)
    assert group_help(cached, ["repos"]) == group_help(github, ["repos"])
    get, _ = cached.lookup_command(["repos", "get"])
    assert get.route.operation.response_schema(200) == (
        get.route.operation.response_schema(200)[0], {"$ref": "#/$defs/full-repository"})


def test_a_cache_whose_store_was_rewritten_by_another_process_is_not_used(github, tmp_path):
    cache = DiscoveryCache(tmp_path, "https://api.github.com", "spec:x")
    cache.write("v1", github)
    stale = cache.meta_path.read_bytes()
    cache.write("v2", github)  # a new store, a new token
    cache.meta_path.write_bytes(stale)
    assert cache.read() is None
    cache.spec_path.write_bytes(b"garbage")
    assert cache.read() is None


def test_fastapi_openapi_31_forms(tmp_path):
    raw = (DATA / "fastapi" / "openapi.json").read_bytes()
    registry = _registry(raw, "openapi.json")
    assert sorted(registry.command_names()) == [
        "create-plate-plates-post", "delete-plate-plates-plate-id-delete",
        "get-plate-plates-plate-id-get", "list-plates-plates-get"]
    text = "\n".join(_help(registry, "create-plate-plates-post"))
    for pattern in (
        r"^  name +string \(required\)$",
        r"^  wells +integer$",
        r"^  status +one of queued, running, done$",
        r"^  notes +string\|null$",
        r"^  image +object\|null$",
        r"^    image\[url\] +string \(required\)$",
        r"^    image\[width\] +integer\|null$",
        r"^  kind +string$|^  kind += plate$",
        r"^  tags +array of string$",
    ):
        assert re.search(pattern, text, re.M), pattern
    listing = "\n".join(_help(registry, "list-plates-plates-get"))
    assert re.search(r"^  page +integer \(default 1\)$", listing, re.M)
    assert re.search(r"^  status +one of queued, running, done or null$", listing, re.M)
    get = "\n".join(_help(registry, "get-plate-plates-plate-id-get"))
    assert re.search(r"^  PLATE_ID +integer$", get, re.M)
    assert re.search(r"^  x-request-id +string\|null$", get, re.M)
    # the tag names the group although no command name starts with it
    assert "list-plates-plates-get" in group_help(registry, ["plates"])


def test_docker_swagger_2_in_yaml(tmp_path):
    raw = gzip.decompress((DATA / "docker" / "docker.yaml.gz").read_bytes())
    registry = _registry(raw, "docker.yaml")
    assert len(registry) > 100
    entry, _ = registry.lookup_command(["container-list"])
    assert (entry.method, entry.route.path) == ("GET", "/v1.53/containers/json")
    text = "\n".join(_help(registry, "container-list"))
    assert re.search(r"^  all +boolean \(default false\) +Return all containers\.", text, re.M)
    create = "\n".join(_help(registry, "container-create"))
    assert re.search(r"^  Image +string$", create, re.M)


@pytest.mark.parametrize("name", ["petstore-v2.yaml", "petstore-v3.1.yaml"])
def test_petstores(name):
    raw = (DATA / "petstore" / name).read_bytes()
    registry = _registry(raw, name)
    assert {"list-pets", "create-pets", "show-pet-by-id"} <= set(registry.command_names())
    entry, _ = registry.lookup_command(["show-pet-by-id"])
    assert entry.usage == "show-pet-by-id PETID"
    text = "\n".join(_help(registry, "list-pets"))
    assert re.search(r"^  limit +integer \(int32\)", text, re.M)


# -- the attacker's documents ------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_in_one_line():
    lines = ["openapi: 3.0.0", "paths:", "  /x:", "    get:", "      responses:",
             "        '200':", "          content:", "            application/json:",
             "              schema: *l9", "components:", "  schemas:"]
    bomb = ["a0: &l0 {type: string}"] + [
        f"a{i}: &l{i} {{allOf: [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, "
        f"*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]}}" for i in range(1, 10)]
    head = "\n".join(bomb) + "\n"
    text = head + "\n".join(lines[:-2]) + "\n"
    with pytest.raises(DiscoveryError, match="refused: its schemas expand to more than"):
        parse_openapi(load_document(text.encode(), "bomb.yaml"), warn=lambda m: None)


def test_yaml_tags_that_build_objects_are_refused():
    text = b"openapi: 3.0.0\npaths: !!python/object/apply:os.system ['echo hacked']\n"
    with pytest.raises(DiscoveryError, match="neither JSON nor YAML"):
        load_document(text, "evil.yaml")


def test_a_document_nested_ten_thousand_deep():
    deep = '{"openapi": "3.0.0", "paths": {"/x": {"get": {"x": ' + "[" * 10000 + "]" * 10000
    with pytest.raises(DiscoveryError, match=r"nested 10,00\d levels deep, too deep to read"):
        load_document((deep + "}}}}").encode(), "deep.json")
    nested = '{"type": "object", "properties": {"a": ' * 300 + '{"type": "string"}' + "}}" * 300
    doc = ('{"openapi": "3.0.0", "paths": {"/x": {"post": {"requestBody": {"content": {'
           '"application/json": {"schema": ' + nested + "}}}}}}}")
    (route,) = parse_openapi(json.loads(doc), warn=lambda m: None)
    assert len(Registry([route]).entries[0].route.operation.body_fields()) == 6  # cut


def test_escape_sequences_and_odd_operation_ids_reach_no_terminal():
    doc = {"openapi": "3.1.0", "paths": {"/a/{id}": {"get": {
        "operationId": "x\x1b[2J$(rm -rf ~)'\";ls",
        "summary": "\x1b]0;pwned\x07 title",
        "parameters": [{"name": "id", "in": "path", "description": "\x1b[31mred\nsecond line",
                        "schema": {"type": "string", "enum": ["\x1b[1mbold"]}}]}}}}
    (route,) = parse_openapi(doc, warn=lambda m: None)
    registry = Registry([route])
    (entry,) = registry.entries
    assert entry.command == ("x-2-j-rm", "rf", "ls")  # letters, digits and dashes only
    text = command_help(entry)
    assert "\x1b" not in text and "\x07" not in text and "second line" not in text
    assert "\\x1b[31mred" in text
