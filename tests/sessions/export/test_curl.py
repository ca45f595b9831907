"""The curl export: a bash script, run against a fresh sandbox."""

from __future__ import annotations

import subprocess

from exportkit import script_env as _env
from exportkit import write as _write

from explorer.sessions.format import read_session


def test_curl_export_runs_through_bash(labos_session, labstep_session, fresh, tmp_path):
    for session, extra in (
        (labos_session, {"EXPLORER_TOKEN": fresh.token}),
        (labstep_session, {"EXPLORER_PASSWORD": fresh.password}),
    ):
        script = _write(tmp_path, session, "curl", ".sh")
        lines = [line for line in script.read_text().splitlines() if "curl " in line]
        assert len(lines) == len(read_session(session))
        result = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                                timeout=60, env=_env(fresh, **extra))
        assert result.returncode == 0, result.stderr
        for secret in (fresh.token, fresh.api_key, fresh.password):
            assert secret not in result.stdout + result.stderr
    assert '"api_key":"***"' in result.stdout  # the login answer, its key masked
    assert '"status":"killed"' in subprocess.run(
        ["bash", str(_write(tmp_path, labos_session, "curl", ".sh"))], capture_output=True,
        text=True, timeout=60, env=_env(fresh, EXPLORER_TOKEN=fresh.token),
    ).stdout


def test_curl_export_stops_where_the_server_disagrees(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "curl", ".sh")
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60,
                            env=_env(fresh, EXPLORER_TOKEN="wrong"))
    assert result.returncode != 0
    assert "403" in result.stderr
