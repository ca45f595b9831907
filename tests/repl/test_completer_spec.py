"""Completion from an API description: hints at parameter segments, enum values for
path, query, header and body parameters, nested body fields with their types."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from explorer.discovery.openapi import parse_openapi
from explorer.registry import Registry
from explorer.repl.completer import ShellCompleter
from explorer.repl.state import ShellState

DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"


def _completer(doc, learned):
    registry = Registry(parse_openapi(doc, warn=lambda m: None))
    return ShellCompleter(registry=registry, learned=learned, state=ShellState())


@pytest.fixture(scope="module")
def github_doc():
    return json.loads(gzip.decompress((DATA / "github" / "api.github.com.json.gz").read_bytes()))


@pytest.fixture
def github(github_doc, learned):
    return _completer(github_doc, learned)


@pytest.fixture
def plates(learned):
    return _completer(json.loads((DATA / "fastapi" / "openapi.json").read_bytes()), learned)


def candidates(completer, line):
    return list(completer.get_completions(Document(line), CompleteEvent(completion_requested=True)))


def metas(completer, line):
    return {c.text: c.display_meta_text for c in candidates(completer, line)}


def test_a_parameter_segment_shows_a_hint_naming_it(github):
    found = candidates(github, "get /repos/")
    assert len(found) == 2  # prompt_toolkit would drop a lone completion that inserts nothing
    hint, second = found
    assert hint.text == second.text == "" and hint.display_text == "{owner}"
    assert hint.display_meta_text.startswith("string: The account owner of the repository.")
    assert second.display_meta_text == "owner (no value seen yet)"
    deeper = candidates(github, "get /repos/octocat/")
    assert [c.display_text for c in deeper] == ["{repo}", "  type the value"]


def test_learned_ids_come_before_the_hint_and_replace_it(github, learned):
    learned.learn_exchange(method="GET", path="/repos", route="GET /repos", query=[],
                           status=200, body=[{"id": "octocat", "name": "The Octocat"}])
    texts = [c.text for c in candidates(github, "get /repos/")]
    assert texts == ["octocat"]


def test_enum_values_of_query_header_and_body_parameters(github, plates):
    states = metas(github, "get /repos/o/r/issues state==")
    assert states == {"open": "enum", "closed": "enum", "all": "enum"}
    assert set(metas(github, "issues list-for-repo o r sort==c")) == {"created", "comments"}
    assert set(metas(plates, "post /plates status=")) == {"queued", "running", "done"}
    assert set(metas(plates, "post /plates kind=")) == {"plate"}
    assert set(metas(plates, "get /plates status==r")) == {"running"}
    assert set(metas(github, "put /repos/o/r/subscription subscribed:=")) == {"true", "false"}


def test_body_fields_nested_with_types(plates, github):
    fields = metas(plates, "post /plates ")
    assert fields["name="] == "string, required"
    assert fields["wells:="] == "integer"
    assert fields["notes="] == "string|null"
    assert fields["image:="] == "object|null"
    assert "image[url]=" not in fields  # nested fields once their parent is typed
    nested = metas(plates, "post /plates image")
    assert nested["image[url]="] == "string, required"
    assert nested["image[width]:="] == "integer|null"
    review = metas(github, "post /repos/o/r/pulls/1/reviews comments")
    assert review["comments[][path]="] == "string, required"


def test_query_keys_are_the_specs_and_no_labos_conventions(github):
    keys = metas(github, "get /repos/o/r/issues ")
    assert keys["state="] == "one of open, closed, all"
    assert keys["per_page="] == "integer"
    assert "skip=" not in keys and "fields=" not in keys and "limit=" not in keys


def test_the_toolbar_line_of_a_typed_command(github):
    from explorer.render.command_help import summary_line

    entry, _ = github.registry.find_command(["repos", "get", "octocat"])
    assert summary_line(entry) == "repos: Get a repository"
    assert github.registry.find_command(["nothing", "here"]) is None


def test_path_values_typed_before_are_offered_at_their_segment(tmp_path, home):
    """An API whose keys are names (GitHub's owner and repo) has no list to learn them
    from: the values of a request the server answered come back at those segments."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.repl.conftest import Console, make_context

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            data = b'{"id": 1296269, "name": "hello"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "paths": {"/repos/{owner}/{repo}": {"get": {
        "operationId": "repos/get", "parameters": [
            {"name": "owner", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "repo", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok"}}}}}}))
    context = make_context(f"http://127.0.0.1:{server.server_address[1]}", f"--spec={spec}")
    try:
        context.load_routes()
        console = Console(context)
        console.run("repos get octocat hello")
        completer = ShellCompleter(registry=context.discovery.registry,
                                   learned=console.shell.learned, state=ShellState())
        assert [c.text for c in candidates(completer, "get /repos/")] == ["octocat"]
        assert [c.text for c in candidates(completer, "get /repos/octocat/")] == ["hello"]
    finally:
        context.close()
        server.shutdown()
        server.server_close()
