"""Real API descriptions through the console script: YAML by name and by content type,
the shipped GitHub document, and the cache a second command uses."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"


def test_a_swagger_2_yaml_file(run, tmp_path):
    spec = tmp_path / "docker.yaml"
    spec.write_bytes(gzip.decompress((DATA / "docker" / "docker.yaml.gz").read_bytes()))
    base = ["--url", "http://127.0.0.1:9", "--spec", str(spec)]
    rows = run.json(*base, "routes", "--json")
    commands = {row["command"]: (row["method"], row["path"]) for row in rows}
    assert commands["container-list"] == ("GET", "/v1.53/containers/json")
    assert commands["image-build"] == ("POST", "/v1.53/build")
    helped = run(*base, "container-inspect", "--help")
    assert helped.returncode == 0
    assert helped.stdout.splitlines()[0] == (
        "usage: explorer container-inspect ID [ITEM...] [-v] [--all] [--strict] [FLAG...]")


@pytest.fixture
def yaml_server():
    body = (DATA / "petstore" / "petstore-v3.1.yaml").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/yaml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_yaml_document_by_its_content_type(run, yaml_server):
    rows = run.json("--url", yaml_server, "--spec", f"{yaml_server}/openapi", "routes", "--json")
    assert {row["command"] for row in rows} >= {"list-pets", "create-pets", "show-pet-by-id"}


def test_the_github_document_and_its_cache(run, tmp_path):
    spec = tmp_path / "api.github.com.json"
    spec.write_bytes(gzip.decompress((DATA / "github" / "api.github.com.json.gz").read_bytes()))
    base = ["--url", "https://api.github.com", "--spec", str(spec)]
    first = run(*base, "repos", "get", "--help")
    assert first.returncode == 0, first.stderr
    files = sorted(p.suffix for p in (run.home / "cache" / "discovery").iterdir())
    assert files == [".index", ".json", ".spec"]
    again = run(*base, "repos", "get", "--help")  # from the cache's spec store
    assert again.stdout == first.stdout
    assert "  OWNER  string  The account owner of the repository." in again.stdout
    group = run(*base, "repos")
    assert group.stdout.splitlines()[0] == "repos: Interact with GitHub Repos."
