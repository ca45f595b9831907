"""The python export: a requests script, run against a fresh sandbox."""

from __future__ import annotations

import re
import subprocess
import sys

from exportkit import script_env as _env
from exportkit import write as _write


def test_python_export_replays_labstep_flow_on_a_fresh_sandbox(labstep_session, fresh, tmp_path):
    script = _write(tmp_path, labstep_session, "python", ".py")
    text = script.read_text()
    assert "r = requests.post(url, json=data, headers=headers)" in text
    assert "API_KEY = parsed['api_key']" in text
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_PASSWORD=fresh.password),
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "Programmatic Protocol"' in result.stdout
    assert "plate-readings.csv" in result.stdout
    # the login's answer is printed with its key masked: CI logs keep no secret
    assert '"api_key": "***"' in result.stdout
    assert fresh.api_key not in result.stdout + result.stderr
    assert fresh.password not in result.stdout + result.stderr


def test_python_export_replays_labos_tour_with_raw_filters(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "python", ".py")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_TOKEN=fresh.token),
    )
    assert result.returncode == 0, result.stderr
    assert "updatedAt>2020-01-01: 200" not in result.stdout  # printed as method url status
    assert re.search(r"updatedAt>2020-01-01 200 OK", result.stdout)
    assert '"status": "killed"' in result.stdout


def test_python_export_stops_when_the_status_differs(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "python", ".py")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_TOKEN="not-the-token"),
    )
    assert result.returncode == 1
    assert "expected 200, got 403" in result.stderr
