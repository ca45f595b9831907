"""Discovery through the command line: cache, revalidation, endpoints added later."""

from __future__ import annotations

import json

LABWARE = "/public/v1/labware"


def _config(run, text):
    path = run.home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_endpoint_switched_on_while_the_cache_is_fresh_works_at_once(run, labos, sandbox):
    first = run(*labos, "routes", "--json")
    assert LABWARE not in first.stdout
    sandbox.enable_family("labware")
    listed = run(*labos, "labware", "list")
    assert listed.returncode == 0, listed.stderr
    assert "data" in json.loads(listed.stdout)
    routes = run(*labos, "routes", "--json")
    assert any(r["path"].startswith(LABWARE) for r in json.loads(routes.stdout))


def test_raw_call_to_a_new_path_refetches_without_a_warning(run, labos, sandbox):
    run(*labos, "routes")
    sandbox.enable_family("labware")
    result = run(*labos, "call", "GET", LABWARE)
    assert result.returncode == 0
    assert result.stderr == ""


def test_unknown_path_is_sent_anyway_with_a_warning(run, labos):
    result = run(*labos, "call", "GET", "/public/v1/nothing-here")
    assert result.returncode == 4
    assert "no discovered route matches GET /public/v1/nothing-here" in result.stderr


def test_fresh_cache_needs_no_server(run, labos, sandbox):
    assert run(*labos, "routes").returncode == 0
    sandbox.stop()
    result = run(*labos, "routes", "--json")
    assert result.returncode == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)


def test_stale_cache_with_the_server_down_is_used_with_a_warning(run, labos, sandbox):
    _config(run, "[settings]\ndiscovery_ttl = 0\n")
    assert run(*labos, "routes").returncode == 0
    sandbox.stop()
    result = run(*labos, "routes", "--json")
    assert result.returncode == 0
    assert "using the routes cached" in result.stderr
    assert json.loads(result.stdout)


def test_refresh_prints_what_was_added_and_removed(run, labos, sandbox):
    run(*labos, "routes")
    sandbox.enable_family("labware")
    added = run(*labos, "routes", "--refresh")
    assert added.returncode == 0
    assert f"+ GET {LABWARE}/:id?" in added.stdout
    sandbox.disable_family("labware")
    removed = run(*labos, "routes", "--refresh")
    assert f"- GET {LABWARE}/:id?" in removed.stdout
    same = run(*labos, "routes", "--refresh")
    assert "routes unchanged" in same.stdout


def test_no_cache_and_server_down(run, sandbox):
    url = sandbox.url
    sandbox.stop()
    result = run("--url", url, "--token", "x", "routes")
    assert result.returncode == 3
    assert "cannot reach" in result.stderr


def _discover_fetches(server) -> int:
    return server.log_lines.count('"GET /discover ')


def test_cold_cache_and_an_unknown_path_fetch_the_routes_once(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    result = run(*base, "call", "GET", "/public/v1/nothing-here")
    assert result.returncode == 4
    assert _discover_fetches(logged) == 1


def test_cold_cache_and_an_unknown_command_fetch_the_routes_once(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    assert run(*base, "nothing", "list").returncode == 2
    assert _discover_fetches(logged) == 1


def test_refresh_on_a_cold_cache_fetches_once(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    result = run(*base, "routes", "--refresh")
    assert result.returncode == 0, result.stderr
    assert _discover_fetches(logged) == 1
    assert "routes fetched (none were cached)" in result.stdout
    again = run(*base, "routes", "--refresh")
    assert "routes unchanged" in again.stdout
    assert _discover_fetches(logged) == 2


def test_a_fresh_cache_refetches_an_unknown_path_conditionally(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    run(*base, "routes")
    run(*base, "call", "GET", "/public/v1/nothing-here")
    assert _discover_fetches(logged) == 2
    revalidations = [line for line in logged.log_lines.lines if '"GET /discover ' in line]
    assert " 304 " in revalidations[-1]


def test_editing_a_local_spec_file_is_seen_at_once(run, sandbox, tmp_path):
    spec = tmp_path / "openapi.json"

    def write(*names):
        paths = {f"/public/v1/{n}": {"get": {}} for n in names}
        spec.write_text(json.dumps({"openapi": "3.0.0", "paths": paths}))

    base = ["--url", sandbox.url, f"--token={sandbox.token}", "--spec", str(spec)]
    write("instruments")
    assert {r["path"] for r in run.json(*base, "routes", "--json")} == {"/public/v1/instruments"}
    write("instruments", "families")
    import os
    import time

    stamp = time.time() + 5
    os.utime(spec, (stamp, stamp))
    rows = run.json(*base, "routes", "--json")
    assert {r["path"] for r in rows} == {"/public/v1/instruments", "/public/v1/families"}
    assert run(*base, "families", "list").returncode == 0
