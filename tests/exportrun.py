"""Running exported scripts in the tests: a clean environment, and Locust for one pass.

Shared by tests/sessions/export/ and tests/attacks/ (``tests/`` is on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment a script runs in: none of the machine's EXPLORER_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env["NO_PROXY"] = "*"
    env.update(extra)
    return env


def locust_one_pass(locustfile: Path, host: str, env: dict[str, str], *,
                    timeout: float = 120, failures: bool = False) -> dict[str, dict]:
    """Run an exported locustfile headless with one user and ``EXPLORER_ONE_PASS=1``
    (the export's own option): the user replays the session once and the run ends, so
    this waits for the process to exit, not for a clock.  Locust's statistics
    (``--json``) by entry name.  ``failures``: some are expected (Locust then exits 1).
    ``timeout`` only guards against a hang."""
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", "1",
         "-r", "1", "--host", host, "--json", "--loglevel", "WARNING"],
        capture_output=True, text=True, env={**env, "EXPLORER_ONE_PASS": "1"},
        cwd=locustfile.parent, timeout=timeout,
    )
    assert result.returncode == (1 if failures else 0), result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}
