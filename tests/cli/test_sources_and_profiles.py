"""Routes from an OpenAPI document, profiles from config.toml, and item errors."""

from __future__ import annotations

import json

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "LabOS", "version": "1"},
    "paths": {
        "/public/v1/instruments": {
            "get": {
                "summary": "List instruments",
                "parameters": [{"name": "sort", "in": "query"}, {"name": "limit", "in": "query"}],
            },
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"name": {"type": "string"}}}
                        }
                    }
                }
            },
        },
        "/public/v1/instruments/{id}": {"get": {"summary": "One instrument"}},
    },
}


def test_routes_from_an_openapi_file(run, sandbox, tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(OPENAPI))
    base = ["--url", sandbox.url, f"--token={sandbox.token}", "--spec", str(spec)]
    rows = run.json(*base, "routes", "--json")
    assert {(r["method"], r["path"], r["command"]) for r in rows} == {
        ("GET", "/public/v1/instruments", "instruments list"),
        ("POST", "/public/v1/instruments", "instruments create"),
        ("GET", "/public/v1/instruments/:id", "instruments get"),
    }
    helped = run(*base, "instruments", "list", "--help")
    assert "List instruments" in helped.stdout
    assert "query parameters:\n  sort   any\n  limit  any\n" in helped.stdout
    assert "skip" not in helped.stdout  # LabOS's conventions: for its /discover routes only
    assert "name" in run(*base, "instruments", "create", "--help").stdout
    listed = run.json(*base, "instruments", "list", "limit==2")
    assert len(listed["data"]) == 2


def test_routes_from_an_openapi_url(run, sandbox, tmp_path):
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI))

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/openapi.json"
        rows = run.json("--url", sandbox.url, "--spec", url, "routes", "--json")
        assert len(rows) == 3
    finally:
        server.shutdown()
        server.server_close()


def test_profile_from_config(run, sandbox, tmp_path):
    token = tmp_path / "token.txt"
    token.write_text(sandbox.token)
    token.chmod(0o600)
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'default_profile = "labos"\n'
        f'[profiles.labos]\nurl = "{sandbox.url}"\ntoken_file = "{token}"\n'
        f'[profiles.labstep]\nurl = "{sandbox.url}"\nroutes = "labstep"\n'
        f'api_key = "{sandbox.api_key}"\nheaders = {{ "X-Client" = "explorer-tests" }}\n'
    )
    assert run.json("instruments", "list", "limit==1")["data"]
    assert run.json("--profile", "labstep", "protocol", "list")["items"]
    assert run.json("protocol", "list", env={"EXPLORER_PROFILE": "labstep"})["items"]
    verbose = run("--profile", "labstep", "-v", "protocol", "list")
    assert "X-Client: explorer-tests" in verbose.stderr
    assert "apikey: ***" in verbose.stderr
    assert sandbox.api_key not in verbose.stderr + verbose.stdout
    unknown = run("--profile", "nope", "routes")
    assert unknown.returncode == 2
    assert "unknown profile 'nope'" in unknown.stderr


def test_broken_config_is_one_line(run):
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[profiles.a\n")
    result = run("routes")
    assert result.returncode == 2
    assert result.stderr.startswith("explorer: ")
    assert "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_item_has_a_caret(run, labos):
    result = run(*labos, "call", "POST", "/public/v1/instruments", "tags:=[1,")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("explorer: ")
    item_line = next(i for i, line in enumerate(lines) if line.strip() == "tags:=[1,")
    caret = lines[item_line + 1]
    assert caret.strip() == "^"
    assert caret.index("^") - lines[item_line].index("t") >= len("tags:=")
