"""Running the real console script for the fault suite: a subprocess with its own
EXPLORER_HOME and working dir, bytes in and out; and ``one_line`` for error output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXPLORER = [sys.executable, "-m", "explorer"]


def clean_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EXPLORER_") and k not in ("NO_COLOR", "PAGER")
    }
    env.update({"EXPLORER_HOME": str(home), "NO_PROXY": "*", "TERM": "dumb"})
    env.update(extra or {})
    return env


class Runner:
    """``run(*args)``: the console script, bytes in and out, in ``cwd`` with ``home``."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.home = home
        self.cwd = cwd

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return clean_env(self.home, extra)

    def __call__(self, *args: str, env=None, timeout: float = 60, stdout=subprocess.PIPE):
        result = subprocess.run(
            [*EXPLORER, *args],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=self.env(env),
            cwd=self.cwd,
            timeout=timeout,
        )
        result.err = result.stderr.decode("utf-8", "replace")
        return result

    def popen(self, *args: str, env=None, **kwargs) -> subprocess.Popen:
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(
            [*EXPLORER, *args], env=self.env(env), cwd=self.cwd, **kwargs
        )


def one_line(text: str) -> str:
    """The single line of ``text``; fails when there is none, or more than one."""
    lines = text.splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {text!r}"
    assert "Traceback" not in text
    return lines[0]
