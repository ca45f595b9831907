"""Running the real console script for the fault suite: a subprocess with its own
EXPLORER_HOME and working dir, bytes in and out; and ``one_line`` for error output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXPLORER = [sys.executable, "-m", "explorer"]
_MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


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

    def measured(self, *args: str, env=None, stdout_path: Path | None = None):
        """Run to the end and also report the process's peak memory (``.maxrss_kb``).

        Linux hands a process the peak RSS of whatever exec'd it, so a child of a big
        pytest would report pytest's size: a small Python in between (:data:`_MEASURE`)
        starts explorer and reports its peak from ``os.wait4``.  Output goes to files,
        so nothing waits on a full pipe.
        """
        out_path = stdout_path or self.cwd.parent / "measured.out"
        err_path = self.cwd.parent / "measured.err"
        rss_path = self.cwd.parent / "measured.rss"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            returncode = subprocess.run(
                [sys.executable, "-c", _MEASURE, str(rss_path), *EXPLORER, *args],
                stdout=out, stderr=err, env=self.env(env), cwd=self.cwd, timeout=120,
            ).returncode
        result = subprocess.CompletedProcess(
            args, returncode, None if stdout_path else out_path.read_bytes(),
            err_path.read_bytes(),
        )
        result.err = result.stderr.decode("utf-8", "replace")
        result.maxrss_kb = int(rss_path.read_text())  # kilobytes on Linux
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
