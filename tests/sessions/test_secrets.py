"""No token, key or password in any session, body file, export or report."""

from __future__ import annotations

from pathlib import Path

from explorer.sessions.export import FORMATS


def _secrets(*servers) -> list[str]:
    out = []
    for server in servers:
        out += [server.token, server.api_key, server.password]
    return [s for s in out if s]


def test_no_secret_in_sessions_exports_or_reports(labos_session, labstep_session, sandbox,
                                                  fresh, run, tmp_path):
    outputs = []
    for session in (labos_session, labstep_session):
        for fmt in FORMATS:
            result = run("export", str(session), "--to", fmt, "-o",
                         str(tmp_path / "exports" / f"{session.stem}.{fmt}"))
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout + result.stderr)
    result = run("--url", fresh.url, "--token", fresh.token,
                 "--record", str(tmp_path / "sessions" / "replayed-labos.jsonl"),
                 "replay", str(labos_session),
                 "--report-json", str(tmp_path / "reports" / "labos.json"),
                 "--junit", str(tmp_path / "reports" / "labos.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    outputs.append(result.stdout + result.stderr)
    result = run("--url", fresh.url,
                 "--record", str(tmp_path / "sessions" / "replayed-labstep.jsonl"),
                 "replay", str(labstep_session), "--var", f"password={fresh.password}",
                 "--volatile", "$.name",  # a failure must not leak either: make one
                 "--report-json", str(tmp_path / "reports" / "labstep.json"),
                 "--junit", str(tmp_path / "reports" / "labstep.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    outputs.append(result.stdout + result.stderr)

    files = [p for p in tmp_path.rglob("*") if p.is_file() and "home" not in p.parts]
    kinds = {p.suffix for p in files}
    assert {".jsonl", ".json", ".xml", ".csv", ".curl", ".python", ".har"} <= kinds
    assert len([p for p in files if p.suffix == ".jsonl"]) == 4
    for secret in _secrets(sandbox, fresh):
        for path in files:
            if path.name == "plate-readings.csv" and path.parent == tmp_path:
                continue
            assert secret.encode() not in path.read_bytes(), f"a secret in {path}"
        for text in outputs:
            assert secret not in text


def test_a_failure_message_does_not_leak_a_captured_key(labstep_session, fresh, run, tmp_path):
    # Make the recorded login answer disagree with the actual one where the key is:
    # the failure must not quote the key.
    text = labstep_session.read_text().replace('"api_key":"{{api_key}}"', '"api_key":5', 1)
    changed = tmp_path / "changed.jsonl"
    changed.write_text(text)
    Path(str(changed) + ".d").symlink_to(Path(str(labstep_session) + ".d"))
    report = tmp_path / "r.json"
    result = run("--url", fresh.url, "replay", str(changed), "--var",
                 f"password={fresh.password}", "--report-json", str(report))
    assert result.returncode == 1
    assert "$.api_key: expected type number, got string" in result.stdout
    for secret in _secrets(fresh):
        assert secret not in result.stdout + result.stderr
        assert secret not in report.read_text()
