"""A pseudo-terminal for the interactive figures: spawn, wait for a prompt, exit, reap.

It behaves like a real terminal where it matters for timing: the child gets the pty as
its controlling terminal (``less`` opens ``/dev/tty``), a window size, ``TERM``, and
answers to cursor-position requests (``ESC [ 6 n``), which prompt_toolkit sends when it
draws its first prompt.  Times are measured from just before the fork.

The child is reaped with ``os.wait4`` so its own peak memory is known.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence

from benchmarks.measure import ChildFailed

_CPR_REQUEST = b"\x1b[6n"
_ANSI = re.compile(rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def strip_ansi(data: bytes) -> str:
    return _ANSI.sub(b"", data).decode("utf-8", "replace")


class Terminal:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        rows: int = 24,
        cols: int = 80,
        cwd: str | None = None,
    ) -> None:
        self.rows, self.cols = rows, cols
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environ = dict(env)
        environ.setdefault("TERM", "xterm-256color")
        environ["LINES"], environ["COLUMNS"] = str(rows), str(cols)
        self.output = bytearray()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_take_controlling_tty,
        )
        os.close(slave)
        self.master = master
        self._eof = False

    # -- reading -------------------------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Read what is there (waiting up to ``timeout``); False at end of output."""
        if self._eof:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed its side
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        tail = bytes(self.output[-8:]) + chunk
        self.output += chunk
        for _ in range(tail.count(_CPR_REQUEST)):
            self.send(b"\x1b[1;1R")
        return True

    def wait_for(self, done: Callable[[bytes], bool], *, timeout: float = 30.0) -> float:
        """Seconds from the fork until ``done(output so far)`` holds."""
        deadline = time.monotonic() + timeout
        while not done(bytes(self.output)):
            if time.monotonic() > deadline:
                raise ChildFailed(f"timed out; the screen showed: {self.screen_tail()!r}")
            if not self.pump(0.05):
                if done(bytes(self.output)):
                    break
                raise ChildFailed(f"the program ended; it showed: {self.screen_tail()!r}")
        #: when it held, on the system-wide monotonic clock (comparable across processes)
        self.done_at = time.monotonic()
        return time.perf_counter() - self.started

    def wait_for_prompt(self, prompt: re.Pattern[str], *, timeout: float = 30.0) -> float:
        return self.wait_for(lambda out: bool(prompt.search(strip_ansi(out))), timeout=timeout)

    def wait_for_lines(self, lines: int, *, timeout: float = 30.0) -> float:
        return self.wait_for(lambda out: out.count(b"\n") >= lines, timeout=timeout)

    def settle(self, quiet: float = 0.15, *, timeout: float = 30.0) -> float:
        """Read until nothing has arrived for ``quiet`` seconds; the perf_counter time
        of the last byte that arrived (now, when nothing came at all)."""
        last = time.perf_counter()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.output)
            if not self.pump(quiet):
                return last
            if len(self.output) != before:
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return last
        raise ChildFailed(f"the screen never went quiet: {self.screen_tail()!r}")

    def keystroke_to_quiet(self, keys: bytes, quiet: float = 0.15) -> float:
        """Seconds from sending ``keys`` to the last byte of the redraw they caused."""
        self.settle(quiet)
        sent = time.perf_counter()
        self.send(keys)
        return max(0.0, self.settle(quiet) - sent)

    def screen_tail(self, size: int = 300) -> str:
        return strip_ansi(bytes(self.output))[-size:]

    # -- writing and ending ------------------------------------------------------------

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def finish(self, keys: bytes = b"\x04", *, timeout: float = 10.0) -> tuple[int, int]:
        """Send ``keys`` (Ctrl-D), drain until exit; the exit code and peak RSS in bytes.

        A child still running after ``timeout`` is sent SIGTERM, two seconds later SIGKILL.
        """
        if keys:
            try:
                self.send(keys)
            except OSError:
                pass
        steps = [(timeout, None), (2.0, signal.SIGTERM), (5.0, signal.SIGKILL)]
        for allowed, sig in steps:
            if sig is not None:
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + allowed
            while time.monotonic() < deadline:
                reaped = self._try_reap()
                if reaped is not None:
                    os.close(self.master)
                    return reaped
                if not self.pump(0.01):
                    time.sleep(0.005)
        raise ChildFailed("the child could not be stopped")

    def _try_reap(self) -> tuple[int, int] | None:
        pid, status, rusage = os.wait4(self.process.pid, os.WNOHANG)
        if not pid:
            return None
        code = os.waitstatus_to_exitcode(status)
        self.process.returncode = code
        return code, rusage.ru_maxrss * 1024


def _take_controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
