"""The Labstep flow through the built-in routes file: login, protocol, experiment with
protocol_id, file upload, and the 25 MB limit checked before anything is sent."""

from __future__ import annotations

import json
import stat


def test_labstep_flow(run, sandbox, tmp_path):
    base = ["--url", sandbox.url, "--routes", "labstep"]
    login = run(
        *base,
        "login",
        "--username",
        sandbox.username,
        "--password-stdin",
        input=sandbox.password + "\n",
    )
    assert login.returncode == 0, login.stderr
    assert sandbox.password not in login.stdout + login.stderr
    credentials = run.home / "config" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    saved = credentials.read_text()
    assert sandbox.password not in saved
    assert sandbox.api_key in saved

    protocol = run(*base, "protocol", "create", "name=PCR")
    assert protocol.returncode == 0, protocol.stderr
    pid = json.loads(protocol.stdout)["id"]

    experiment = run(*base, "experiment", "create", "name=Run 1", f"protocol_id:={pid}")
    assert experiment.returncode == 0, experiment.stderr
    eid = json.loads(experiment.stdout)["id"]
    assert json.loads(experiment.stdout)["protocol_id"] == pid

    data = tmp_path / "plate.csv"
    data.write_text("well,od\nA1,0.5\n")
    upload = run(*base, "file", "upload", f"file@{data}", f"experiment_id={eid}")
    assert upload.returncode == 0, upload.stderr
    (info,) = json.loads(upload.stdout).values()
    assert info["name"] == "plate.csv"
    assert info["size"] == data.stat().st_size

    listed = run(*base, "protocol", "list", "count==50", "--all")
    assert listed.returncode == 0, listed.stderr
    assert pid in [p["id"] for p in json.loads(listed.stdout)]


def test_upload_over_the_limit_is_refused_before_sending(run, sandbox, tmp_path):
    base = ["--url", sandbox.url, "--routes", "labstep", "--api-key", sandbox.api_key]
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(25 * 1024 * 1024 + 1)
    result = run(*base, "file", "upload", f"file@{big}", "experiment_id=1")
    assert result.returncode == 2
    assert "over the server's limit" in result.stderr


def test_wrong_password(run, sandbox):
    result = run(
        "--url",
        sandbox.url,
        "--routes",
        "labstep",
        "login",
        "--username",
        sandbox.username,
        "--password-stdin",
        input="wrong\n",
    )
    assert result.returncode == 4
    assert result.stderr.startswith("explorer: login failed: 40")
    assert not (run.home / "config" / "credentials.json").exists()


def test_a_login_whose_key_cannot_be_saved_prints_it_and_succeeds(run, sandbox):
    lock = run.home / "config" / "credentials.json.lock"
    lock.mkdir(parents=True)  # the credentials file cannot be written past a directory
    login = run("--url", sandbox.url, "--routes", "labstep", "login", "--username",
                sandbox.username, "--password-stdin", input=sandbox.password + "\n")
    assert login.returncode == 0, login.stderr
    assert f"key (not saved): {sandbox.api_key}" in login.stdout
    warnings = [line for line in login.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "could not be saved" in warnings[0]
    assert sandbox.password not in login.stdout + login.stderr
    assert not (run.home / "config" / "credentials.json").exists()


def test_a_login_whose_session_cannot_be_written_keeps_the_key(run, sandbox, tmp_path):
    """--record to a path that cannot be a session: one warning, the login works and
    its key is saved."""
    folder = tmp_path / "not-a-file.jsonl"
    folder.mkdir()
    login = run("--url", sandbox.url, "--routes", "labstep", "--record", str(folder), "login",
                "--username", sandbox.username, "--password-stdin", input=sandbox.password + "\n")
    assert login.returncode == 0, login.stderr
    warnings = [line for line in login.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "not a regular file" in warnings[0]
    assert sandbox.api_key in (run.home / "config" / "credentials.json").read_text()
