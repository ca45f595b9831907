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
