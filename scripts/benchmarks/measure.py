"""Timing and memory primitives: interleaved repetitions, summaries, measured children.

These machines are noisy, so a figure and its floor are never measured in separate
blocks: :func:`interleave` runs one repetition of every variant per round, rotating
the order each round, and the figure is the ratio of the medians.

:func:`run_child` starts a process, waits for it with ``os.wait4`` and returns its wall
time together with its own peak resident memory (``ru_maxrss``), not the maximum over
every child the benchmark ever started (which ``RUSAGE_CHILDREN`` would give).
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of nothing")
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def rounds(ours: Sequence[float], floor: Sequence[float], *,
           throughput: bool = False) -> dict[str, float]:
    """The figure round by round, from :func:`interleave`'s times (the i-th of each
    variant is from the same round): the median of the per-round ratios (``throughput``:
    the floor's time over ours, as a throughput's ratio is), and in how many rounds ours
    took less time.  Reported beside the ratio of the medians (the budget's): when the
    machine's speed drifts from round to round, the two variants of one round saw the
    same machine."""
    pairs = list(zip(ours, floor, strict=True))
    return {
        "median_ratio": median([b / a if throughput else a / b for a, b in pairs]),
        "faster": sum(a < b for a, b in pairs),
        "of": len(pairs),
    }


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of nothing")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def interleave(
    variants: Mapping[str, Callable[[], float]], *, reps: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Each variant ``reps`` times, one of each per round, the order rotating.

    A variant is a callable returning its own measurement (seconds, bytes, ...).  The
    ``warmup`` rounds fill the page cache and the pools and are thrown away.
    """
    names = list(variants)
    results: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(warmup + reps):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            value = variants[name]()
            if round_ >= warmup:
                results[name].append(value)
    return results


@dataclass
class ChildRun:
    wall: float
    #: peak resident set of the child itself, in bytes
    max_rss: int
    returncode: int
    stderr: str


class ChildFailed(RuntimeError):
    pass


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    stdout=subprocess.DEVNULL,
    stdin=subprocess.DEVNULL,
    timeout: float = 120.0,
    check: bool = True,
) -> ChildRun:
    """Run ``argv`` to completion; wall time from just before the fork to its exit."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), env=dict(env), stdout=stdout, stdin=stdin, stderr=err
        )
        status, rusage = _wait(process, timeout)
        wall = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        raise ChildFailed(f"{shown(argv)} exited {code}: {text.strip()[-400:]}")
    return ChildRun(wall, rusage.ru_maxrss * 1024, code, text)


def shown(argv: Sequence[str], words: int = 8) -> str:
    """``argv`` for a message: the value after ``--token`` masked, long ones cut."""
    out = []
    for n, arg in enumerate(argv[:words]):
        arg = str(arg)
        if n and str(argv[n - 1]) == "--token":
            arg = "***"
        out.append(arg if len(arg) <= 60 else arg[:57] + "...")
    return " ".join(out)


def _wait(process: subprocess.Popen, timeout: float):
    """Block in ``wait4`` (no polling delay); a timer kills a child that overstays."""
    fired = threading.Event()

    def overdue() -> None:
        fired.set()
        process.kill()

    timer = threading.Timer(timeout, overdue)
    timer.start()
    try:
        _, status, rusage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    if fired.is_set():
        raise ChildFailed(f"{shown(process.args)} overran {timeout:g} s")
    return status, rusage


def wait_child(process: subprocess.Popen, timeout: float) -> tuple[int, int]:
    """Reap ``process`` (started elsewhere); its exit code and peak RSS in bytes."""
    status, rusage = _wait(process, timeout)
    return os.waitstatus_to_exitcode(status), rusage.ru_maxrss * 1024
