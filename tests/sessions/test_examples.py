"""The example sessions in the repository's sessions/ replay against a fresh sandbox,
and a deliberately changed sandbox fails the right step with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from explorer.sandbox import SandboxServer
from explorer.sessions.format import read_session

EXAMPLES = Path(__file__).resolve().parents[2] / "sessions"
LABOS = EXAMPLES / "labos-tour.jsonl"
LABSTEP = EXAMPLES / "labstep-seed.jsonl"


def test_the_examples_cover_the_two_seed_flows():
    labstep = read_session(LABSTEP)
    routes = [(e.method, e.route) for e in labstep.exchanges]
    assert ("POST", "POST /public-api/user/login") in routes
    assert ("POST", "POST /api/generic/protocol") in routes
    experiment = next(e for e in labstep.exchanges if e.route == "POST /api/generic/experiment")
    assert "protocol_id" in experiment.request["body"]["json"]
    upload = next(e for e in labstep.exchanges if e.route == "POST /api/generic/file/upload")
    assert upload.request["body"]["multipart"]["files"][0]["filename"] == "plate-readings.csv"
    labos = read_session(LABOS)
    commands = [e.command or "" for e in labos.exchanges]
    assert any(c.startswith("call GET /discover") for c in commands)
    assert any("sort==" in c and "fields==" in c for c in commands)
    assert any("updatedAt>" in c for c in commands)
    assert any(e.route and e.route.endswith("/kill") for e in labos.exchanges)
    for session in (labstep, labos):
        assert session.header["explorer"] and session.header["vars"]["base_url"]


def test_labos_tour_replays_on_a_fresh_sandbox(fresh, run, tmp_path):
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(LABOS),
                 "--report-json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["passed"] is True


def test_labstep_seed_replays_on_a_fresh_sandbox(fresh, run):
    result = run("--url", fresh.url, "replay", str(LABSTEP), "--var",
                 f"password={fresh.password}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_labos_tour_on_a_changed_sandbox_fails_the_right_step(fresh, run):
    session = read_session(LABOS)
    step, listed = next(
        (e.step, e.response_json["data"][0]) for e in session.exchanges
        if e.method == "GET" and "fields=" in e.target
    )
    requests.patch(f"{fresh.url}/public/v1/instruments/{listed['id']}",
                   json={"name": listed["name"] + " (renamed)"},
                   headers={"Authorization": f"Bearer {fresh.token}"}, timeout=5,
                   ).raise_for_status()
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(LABOS))
    assert result.returncode == 1
    failures = [line for line in result.stdout.splitlines() if line.startswith("step ")]
    assert failures == [
        f"step {step} ({session.exchanges[step - 1].label()}): $.data[0].name: "
        f'expected "{listed["name"]}", got "{listed["name"]} (renamed)"'
    ]


def test_labstep_seed_against_another_user_fails_at_login(run, tmp_path):
    with SandboxServer(storage_dir=tmp_path / "files", username="someone@example.com") as other:
        other.start()
        result = run("--url", other.url, "replay", str(LABSTEP), "--var",
                     f"password={other.password}")
    assert result.returncode == 1
    first = next(line for line in result.stdout.splitlines() if line.startswith("step "))
    assert first.startswith("step 1 (POST /public-api/user/login): status: expected 200, got 40")


def test_the_cli_explores_a_served_session_with_no_server(run):
    from explorer.sessions.serve import SessionServer

    with SessionServer(read_session(LABOS)).start() as served:
        routes = run("--url", served.url, "--token", "offline", "routes", "--json")
        assert routes.returncode == 0, routes.stderr
        listed = {(r["method"], r["path"]) for r in json.loads(routes.stdout)}
        assert ("POST", "/public/v1/instruments/:id/commands/:cid/kill") in listed
        answer = run("--url", served.url, "--token", "offline", "instruments", "list",
                     "sort==name", "limit==5", "fields==name,family")
        assert answer.returncode == 0, answer.stderr
        recorded = next(e for e in read_session(LABOS).exchanges if "fields=" in e.target)
        assert json.loads(answer.stdout) == recorded.response_json
        missing = run("--url", served.url, "--token", "offline", "call", "GET",
                      "/public/v1/instruments/nope/actions")
        assert missing.returncode == 4
        assert "closest recorded request" in missing.stdout + missing.stderr


def test_the_examples_replay_green_twice_in_a_row_on_one_sandbox(fresh, run):
    # the second run finds the first run's protocol, experiment and command: the lists
    # and totals hold data the session did not create, and are shape checks
    for _ in range(2):
        labstep = run("--url", fresh.url, "replay", str(LABSTEP), "--var",
                      f"password={fresh.password}")
        assert labstep.returncode == 0, labstep.stdout + labstep.stderr
        labos = run("--url", fresh.url, "--token", fresh.token, "replay", str(LABOS))
        assert labos.returncode == 0, labos.stdout + labos.stderr
