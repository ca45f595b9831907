"""``explorer replay`` through the real console script: summary, reports, exit codes."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import requests

from explorer.sessions.format import read_session


def test_replay_passes_prints_a_summary_and_writes_reports(labos_session, fresh, run, tmp_path):
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(labos_session),
                 "--report-json", str(report), "--junit", str(junit))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 steps: 7 passed, 0 failed, 0 errors, 0 skipped" in result.stdout
    assert "POST /public/v1/instruments/" in result.stdout
    assert "replay [" not in result.stderr  # no progress bar when stderr is not a terminal
    data = json.loads(report.read_text())
    assert data["passed"] is True and data["summary"]["passed"] == 7
    assert [s["status"]["actual"] for s in data["steps"]] == [200, 200, 200, 200, 201, 200, 200]
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "7" and suite.get("failures") == "0"
    assert report.stat().st_mode & 0o777 == 0o600


def test_replay_against_a_changed_server_fails_the_right_step(labos_session, fresh, run,
                                                              tmp_path):
    first = read_session(labos_session).exchanges[1].response_json["data"][0]
    requests.patch(f"{fresh.url}/public/v1/instruments/{first['id']}",
                   json={"name": first["name"] + " (changed)"},
                   headers={"Authorization": f"Bearer {fresh.token}"},
                   timeout=5).raise_for_status()
    junit = tmp_path / "j.xml"
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(labos_session),
                 "--junit", str(junit))
    assert result.returncode == 1
    assert f'step 2 (GET /public/v1/instruments?sort=name&limit=3&fields=name,family): ' \
           f'$.data[0].name: expected "{first["name"]}", got "{first["name"]} (changed)"' \
           in result.stdout
    assert "7 steps: 6 passed, 1 failed" in result.stdout
    cases = ET.parse(junit).getroot().iter("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name").split(":")[0] for c in failed] == ["step 2"]
    assert "(changed)" in failed[0].find("failure").get("message")


def test_dry_run_sends_nothing_and_shows_no_secret(labstep_session, fresh, run):
    result = run("--url", fresh.url, "replay", str(labstep_session), "--dry-run",
                 "--var", f"password={fresh.password}")
    assert result.returncode == 0, result.stderr
    assert f"POST {fresh.url}/public-api/user/login" in result.stdout
    assert '"password": "{{password}}"' in result.stdout
    assert fresh.password not in result.stdout
    assert "multipart: experiment_id=" in result.stdout
    assert fresh.failures == []


def test_only_safe_skips_writes(labos_session, fresh, run):
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(labos_session),
                 "--only-safe")
    assert result.returncode == 0, result.stdout  # what needs a skipped write is skipped too
    assert "skip" in result.stdout and "7 steps:" in result.stdout
    assert "4 passed, 0 failed, 0 errors, 3 skipped" in result.stdout


def test_usage_errors_and_unreadable_sessions(run, tmp_path):
    assert run("replay").returncode == 2
    result = run("--url", "http://127.0.0.1:9", "replay", str(tmp_path / "none.jsonl"))
    assert result.returncode == 1
    assert "no such session file" in result.stderr
    result = run("--url", "http://127.0.0.1:9", "replay", "x.jsonl", "--var", "novalue")
    assert result.returncode == 2 and "expected NAME=VALUE" in result.stderr
    result = run("--url", "http://127.0.0.1:9", "replay", "x.jsonl", "--volatile", "$.a[")
    assert result.returncode == 2 and "'[' without ']'" in result.stderr


def test_replay_of_an_unreachable_server_exits_3(labos_session, run):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("--url", f"http://127.0.0.1:{port}", "--token", "t" * 20, "replay",
                 str(labos_session))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "cannot reach" in result.stdout


def test_a_long_replay_shows_a_progress_bar_on_a_terminal(labos_session, fresh, run, tmp_path):
    import pexpect

    header, *exchanges = labos_session.read_text().splitlines()
    line = json.loads(exchanges[1])
    long = tmp_path / "long.jsonl"
    steps = [json.dumps(dict(line, step=i)) for i in range(1, 26)]
    long.write_text("\n".join([header, *steps]) + "\n")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "explorer", "--url", fresh.url, "--token", fresh.token, "replay", str(long)],
        env=run.env(), encoding="utf-8", timeout=30, dimensions=(24, 120),
    )
    child.expect(r"replay \[#+\.*\] \d+/25")
    child.expect("25 steps: 25 passed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_dry_run_shows_the_auth_headers_as_placeholders(labos_session, labstep_session,
                                                        fresh, run):
    result = run("--url", fresh.url, "--token", fresh.token, "replay", str(labos_session),
                 "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("      Authorization: Bearer {{token}}") == 7, result.stdout
    assert fresh.token not in result.stdout
    result = run("--url", fresh.url, "replay", str(labstep_session), "--dry-run",
                 "--var", f"password={fresh.password}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("      apikey: {{api_key}}") == 4, result.stdout
    assert fresh.password not in result.stdout
    assert fresh.failures == []


def test_export_output_never_replaces_a_file_unless_forced(labos_session, run, tmp_path):
    """``export -o`` is like ``import -o``: an existing file is refused (exit 2, one line)
    unless ``--force``; the session being exported is refused even then."""
    out = tmp_path / "tour.py"
    out.write_text("mine\n")
    result = run("export", str(labos_session), "--to", "python", "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip() == f"explorer: {out} already exists (give --force to replace it)"
    assert out.read_text() == "mine\n"
    assert run("export", str(labos_session), "--to", "python", "-o", str(out),
               "--force").returncode == 0
    assert out.read_text().startswith("#!/usr/bin/env python")
    before = labos_session.read_bytes()
    for target in (labos_session, labos_session.parent / ".." / labos_session.parent.name
                   / labos_session.name):
        result = run("export", str(labos_session), "--to", "har", "-o", str(target), "--force")
        assert result.returncode == 2
        assert "is the session being exported" in result.stderr
    assert labos_session.read_bytes() == before
