"""``scripts/bench [--json OUT] [--quick] [--only NAME...] [--strict]``: run, print, save.

Every figure runs in one shared :class:`~benchmarks.workspace.Workspace` (temporary
``EXPLORER_HOME``, the sandbox and fixture servers started on first use).  A figure that
raises is reported as ERROR and the others still run.  The exit status is 0 even when a
budget is missed (this is a report); ``--strict`` makes it 1.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime

from benchmarks import report
from benchmarks.figures import ORDER, Settings
from benchmarks.report import Row
from benchmarks.workspace import Workspace


def _figures() -> dict[str, Callable]:
    from benchmarks.figures import (
        bigspec,
        bodies,
        completion,
        importtime,
        memory,
        oneshot,
        registry,
        replay,
        resolve,
        shell,
        startup,
        tab,
    )

    return {
        "importtime": importtime.run,
        "registry": registry.run,
        "bigspec": bigspec.run,
        "resolve": resolve.run,
        "completion": completion.run,
        "tab": tab.run,
        "oneshot": oneshot.run,
        "startup": startup.run,
        "shell": shell.run,
        "memory": memory.run,
        "replay": replay.run,
        "terminal": bodies.run_terminal,
        "pipe": bodies.run_pipe,
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Measure explorer against its floors, side by side, and check the budgets.",
        epilog="figures: " + ", ".join(ORDER),
    )
    p.add_argument("--json", metavar="OUT", help="write every figure, sample and the machine")
    p.add_argument("--markdown", metavar="OUT", help="write the table as Markdown")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    p.add_argument("--only", nargs="+", metavar="NAME", choices=ORDER, help="only these figures")
    p.add_argument("--strict", action="store_true", help="exit 1 when a budget is not met")
    p.add_argument("--keep", action="store_true", help="keep the temporary EXPLORER_HOME")
    return p


def _log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _own_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _check_peaks(rows: list[Row]) -> None:
    """Flag peak-memory figures this process's own peak could have coloured.

    On Linux a child's ``ru_maxrss`` starts from the peak of the process it was forked
    from (exec keeps the larger of the two), so a child is measured correctly only
    while it outgrows this process, which stays small (no documents are held here).
    """
    own = _own_peak()
    for row in rows:
        if row.unit != "B" or row.error:
            continue
        for value in (row.measured, row.floor):
            if value is not None and value <= own * 1.1:
                row.note = (row.note + "; " if row.note else "") + (
                    f"may be inflated: the benchmark process peaked at {own / 1e6:.0f} MB"
                )
                break


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    names = [n for n in ORDER if not options.only or n in options.only]
    settings = Settings(quick=options.quick)
    figures = _figures()
    rows: list[Row] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    begun = datetime.now(UTC).isoformat(timespec="seconds")
    ws = Workspace(keep=options.keep, log=_log)
    try:
        for name in names:
            print(f"[{name}]", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            try:
                got = figures[name](ws, settings)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                detail = traceback.format_exc(limit=4)
                _log(f"{name} failed: {type(exc).__name__}: {exc}")
                got = [
                    Row(
                        name,
                        name,
                        error=f"{type(exc).__name__}: {exc}",
                        details={"traceback": detail},
                    )
                ]
            timings[name] = time.perf_counter() - t0
            for row in got:
                by_round = row.details.get("rounds")
                said = (f" (round by round: {by_round['median_ratio']:.2f}x, explorer "
                        f"faster in {by_round['faster']} of {by_round['of']})"
                        if by_round else "")
                _log(f"{row.label}: {report.fmt(row.measured, row.unit)} {row.status}{said}")
            rows.extend(got)
    finally:
        ws.close()
    total = time.perf_counter() - started
    _check_peaks(rows)

    print()
    print(report.text_table(rows))
    extra = [r for r in rows if r.figure == "importtime" and not r.error]
    if extra:
        from benchmarks.figures.importtime import summary

        print()
        print(summary(extra[0]))
    failed = [r for r in rows if r.status in ("FAIL", "ERROR")]
    print()
    if failed:
        print(f"NOT MET ({len(failed)}):")
        for r in failed:
            why = r.error or f"{report.fmt(r.measured, r.unit)} vs budget {r.budget}"
            print(f"  - {r.label}: {why}")
    else:
        print("every budget met")
    print(f"({total:.0f} s{', quick' if options.quick else ''})")

    data = report.document(
        rows,
        extra={
            "started": begun,
            "duration_s": total,
            "quick": options.quick,
            "figures": names,
            "figure_seconds": timings,
            "bench_process_peak_rss": _own_peak(),
        },
    )
    if options.json:
        report.write_json(options.json, data)
    if options.markdown:
        with open(options.markdown, "w") as handle:
            handle.write(report.markdown_table(rows) + "\n")
    return 1 if failed and options.strict else 0
