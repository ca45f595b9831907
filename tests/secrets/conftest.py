"""Fixtures of the secret checks: the console script run in a subprocess with its own
EXPLORER_HOME and working dir, every byte it prints kept for the final sweep."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPLORER = [sys.executable, "-m", "explorer"]


class Runner:
    """``run(*args)``: explorer in ``cwd`` with ``home``; all output kept in ``outputs``."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.home = home
        self.cwd = cwd
        self.outputs: list[bytes] = []

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("EXPLORER_") and k not in ("NO_COLOR", "PAGER")
        }
        env.update({"EXPLORER_HOME": str(self.home), "NO_PROXY": "*", "TERM": "dumb"})
        env.update(extra or {})
        return env

    def __call__(self, *args: str, input: bytes | None = None, env=None, timeout: float = 60):
        result = subprocess.run(
            [*EXPLORER, *args],
            input=input,
            capture_output=True,
            env=self.env(env),
            cwd=self.cwd,
            timeout=timeout,
        )
        self.outputs += [result.stdout, result.stderr]
        result.out = result.stdout.decode("utf-8", "replace")
        result.err = result.stderr.decode("utf-8", "replace")
        return result


@pytest.fixture
def run(tmp_path) -> Runner:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    return Runner(home, work)
