"""Documents explorer reads whole (a ``/discover`` listing, a spec by file or URL, a
routes file, a HAR file, a discovery cache entry) have a maximum decoded size,
``settings.document_limit`` (64 MB by default): past it the document is refused with
one line, nothing is cached, and a compressed answer is not inflated past the limit.
Deeply nested JSON in any of them is one line too, never a RecursionError.

The limit is set low in each test's config.toml (64 KB), so the documents stay small.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from documentserver import document_server

from explorer.config import Settings

EXPLORER = str(Path(sys.executable).with_name("explorer"))
LIMIT = 64 * 1024


def _listing(size: int) -> bytes:
    """A valid /discover listing of about ``size`` bytes."""
    routes, total = [], 0
    while total < size:
        route = {"method": "GET", "path": f"/things{len(routes)}/:id"}
        routes.append(route)
        total += len(json.dumps(route)) + 2
    return json.dumps({"data": routes}).encode()


@pytest.fixture
def home(tmp_path) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(f"[settings]\ndocument_limit = {LIMIT}\n")
    return tmp_path


def _run(home: Path, *args: str):
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
        "NO_PROXY": "*", "LANG": "C.UTF-8", "EXPLORER_PAGER": "",
    }  # fmt: skip
    result = subprocess.run([EXPLORER, *args], capture_output=True, env=env, cwd=home,
                            timeout=60)
    result.err = result.stderr.decode("utf-8", "replace")
    return result


def _refused(result, *needles: str, code: int = 1) -> None:
    assert result.returncode == code, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("explorer: "), result.err
    for needle in needles:
        assert needle in lines[0], result.err


def _cached(home: Path) -> list[Path]:
    directory = home / "cache" / "discovery"
    return sorted(directory.iterdir()) if directory.exists() else []


def test_the_default_limit_is_tens_of_megabytes_and_holds_githubs_whole_document():
    """GitHub's dereferenced OpenAPI document (api.github.com.deref.json of npm
    @octokit/openapi 23.0.2, 72,996,611 bytes; the bench's ``bigspec`` figure reads it)
    must be read with the default settings; a 64 MB default refused it."""
    assert 72_996_611 < Settings().document_limit == 90 * 1024 * 1024 < 100_000_000


def test_a_listing_within_the_limit_is_used_and_cached(home):
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"},
                                      _listing(LIMIT - 4096))
        result = _run(home, "--url", server.url, "routes")
    assert result.returncode == 0, result.err
    assert b"/things0/:id" in result.stdout
    assert _cached(home)


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "until-close"])
def test_a_listing_past_the_limit_is_refused_and_nothing_is_cached(home, length):
    body = _listing(LIMIT + 4096)
    headers = {"Content-Type": "application/json"}
    if length:
        headers["Content-Length"] = str(len(body))
    with document_server() as server:
        server.bodies["/discover"] = (headers, body)
        result = _run(home, "--url", server.url, "routes")
    _refused(result, "GET /discover", "larger than 64 KB", "document_limit")
    assert _cached(home) == []


def test_a_gzip_listing_that_inflates_past_the_limit_is_refused(home):
    body = gzip.compress(_listing(4 * LIMIT))  # a few KB on the wire
    assert len(body) < LIMIT
    with document_server() as server:
        server.bodies["/discover"] = (
            {"Content-Type": "application/json", "Content-Encoding": "gzip",
             "Content-Length": str(len(body))}, body)  # fmt: skip
        result = _run(home, "--url", server.url, "routes")
    _refused(result, "larger than 64 KB")
    assert _cached(home) == []


def test_a_spec_url_past_the_limit_is_refused(home):
    spec = {"openapi": "3.0.0", "info": {"title": "x" * (2 * LIMIT), "version": "1"},
            "paths": {"/a": {"get": {}}}}  # fmt: skip
    with document_server() as server:
        server.bodies["/openapi.json"] = ({"Content-Type": "application/json"},
                                          json.dumps(spec).encode())
        result = _run(home, "--url", server.url, "--spec", server.url + "/openapi.json",
                      "routes")
    _refused(result, "/openapi.json", "larger than 64 KB")
    assert _cached(home) == []


@pytest.mark.parametrize("option", ["--spec", "--routes"])
def test_a_spec_or_routes_file_past_the_limit_or_not_a_file_is_refused(home, option):
    document = home / "document.json"
    document.write_bytes(_listing(LIMIT + 4096))
    result = _run(home, "--url", "http://127.0.0.1:9", option, str(document), "routes")
    _refused(result, "document.json", "larger than 64 KB", code=2)
    result = _run(home, "--url", "http://127.0.0.1:9", option, "/dev/zero", "routes")
    _refused(result, "/dev/zero", "not a regular file", code=2)
    assert _cached(home) == []


def test_a_har_file_past_the_limit_or_not_a_file_is_refused(home):
    har = home / "capture.har"
    entry = {"request": {"method": "GET", "url": "http://h/x", "headers": []},
             "response": {"status": 200, "headers": [], "content": {"text": "y" * LIMIT}}}
    har.write_text(json.dumps({"log": {"entries": [entry]}}))
    result = _run(home, "import", str(har), "-o", str(home / "s.jsonl"))
    _refused(result, "capture.har", "larger than 64 KB")
    result = _run(home, "import", "/dev/zero", "-o", str(home / "s.jsonl"))
    _refused(result, "/dev/zero", "not a regular file")
    assert not (home / "s.jsonl").exists()


NESTED = b"[" * 50_000  # under the 64 KB limit of these tests


@pytest.mark.parametrize("wrap", [NESTED, b'{"data": ' + NESTED], ids=["bare", "in-data"])
def test_a_listing_nested_50000_deep_is_one_line(home, wrap):
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"}, wrap)
        result = _run(home, "--url", server.url, "routes")
    _refused(result, "GET /discover", "levels deep, too deep to read")
    assert "nested 50,00" in result.err  # the depth is named


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_spec_file_nested_50000_deep_is_one_line(home, suffix):
    spec = home / f"spec{suffix}"
    spec.write_bytes(b'{"openapi": "3.0.0", "paths": ' + NESTED)
    result = _run(home, "--url", "http://127.0.0.1:9", "--spec", str(spec), "routes")
    _refused(result, spec.name)
    # JSON names the depth; PyYAML stops at its own limit and says so
    assert "nested 50,001 levels deep" in result.err or "maximum nesting depth" in result.err


def test_a_har_nested_50000_deep_is_one_line(home):
    har = home / "deep.har"
    har.write_bytes(b'{"log": {"entries": ' + NESTED)
    result = _run(home, "import", str(har), "-o", str(home / "s.jsonl"))
    _refused(result, "deep.har", "nested 50,002 levels deep")


def test_a_cache_entry_nested_deep_or_too_large_is_not_used(home):
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"}, _listing(2000))
        assert _run(home, "--url", server.url, "routes").returncode == 0
        (entry,) = [p for p in _cached(home) if p.suffix == ".json"]
        for poison in (NESTED, b'{"format": 3, "pad": "' + b"x" * (2 << 20) + b'"}'):
            entry.write_bytes(poison)
            before = server.seen.count("/discover")
            result = _run(home, "--url", server.url, "routes")
            assert result.returncode == 0, result.err  # fetched again instead
            assert "Traceback" not in result.err
            assert server.seen.count("/discover") == before + 1


def test_a_gzip_spec_file_is_read_and_inflated_no_further_than_the_limit(home):
    data = Path(__file__).resolve().parents[1] / "data" / "openapi"
    # the shipped documents as they are, gzip (the README's tour names them)
    wide = home / "wide"
    wide.mkdir()
    for name, count in (("github/api.github.com.json.gz", 1223),
                        ("docker/docker.yaml.gz", 107)):
        result = _run(wide, "--url", "http://127.0.0.1:9", "--spec", str(data / name),
                      "routes", "--json")
        assert result.returncode == 0, result.err
        assert len(json.loads(result.stdout)) == count
    bomb = home / "bomb.json.gz"  # 64 KB of limit; this inflates to 10 MB
    bomb.write_bytes(gzip.compress(b'{"openapi": "3.0.0", "x": "' + b"a" * 10_000_000 + b'"}'))
    assert bomb.stat().st_size < LIMIT
    _refused(_run(home, "--url", "http://127.0.0.1:9", "--spec", str(bomb), "routes"),
             "bomb.json.gz", "larger than 64 KB")
    cut = home / "cut.yaml.gz"
    cut.write_bytes(gzip.compress(b"openapi: 3.0.0\npaths: {}\n" * 50)[:40])
    _refused(_run(home, "--url", "http://127.0.0.1:9", "--spec", str(cut), "routes"),
             "cut.yaml.gz", "cut short")
