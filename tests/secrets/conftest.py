"""Fixtures of the secret checks: the console script run in a subprocess with its own
EXPLORER_HOME and working dir, every byte it prints kept for the final sweep; the same
with an internal error forced in (crashing.py); a long-running server command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

EXPLORER = [sys.executable, "-m", "explorer"]
CRASHING = [sys.executable, str(Path(__file__).with_name("crashing.py"))]


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

    def __call__(self, *args: str, input: bytes | None = None, env=None, timeout: float = 60,
                 program: list[str] = EXPLORER):
        result = subprocess.run(
            [*program, *args],
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

    def crashed(self, *args: str, **kwargs):
        """``explorer ARGS`` with an internal error while sending (see crashing.py)."""
        return self(*args, program=CRASHING, **kwargs)

    @contextmanager
    def serving(self, *args: str, timeout: float = 30):
        """``explorer ARGS`` for a command that serves until Ctrl-C (``replay --serve``):
        yields the URL from its first line, then interrupts it; its output is kept."""
        process = subprocess.Popen(
            [*EXPLORER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.env(), cwd=self.cwd,
        )
        try:
            first = process.stdout.readline()
            assert b" at http://" in first, first + process.stderr.read()
            yield first.rsplit(b" at ", 1)[1].strip().decode()
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=timeout)
            self.outputs += [first + out, err]
            assert process.returncode == 0, err


@pytest.fixture
def run(tmp_path) -> Runner:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    return Runner(home, work)
