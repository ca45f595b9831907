"""What a replay tells its user: a summary table, a JSON report, a JUnit XML report.

The JSON report is :meth:`ReplayReport.as_dict`; the JUnit file follows the schema CI
servers read (one ``testsuite`` per session, one ``testcase`` per step, ``failure`` and
``error`` elements carrying the messages, ``skipped`` for steps not sent, ``system-out``
for what a step did not check), like newman's ``junit`` reporter.  Both are written 0600
and atomically (write, fsync, rename): they name the server and the requests.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from explorer.errors import SessionError
from explorer.render.text import one_line
from explorer.sessions.replay import ReplayReport

_MARKS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "skipped": "skip"}


def summary_table(report: ReplayReport, *, width: int = 100) -> str:
    """Step, request, expected and actual status, result, time; then the failures.

    Paths come from the session and messages quote the server: their control
    characters are shown escaped (:func:`explorer.render.text.one_line`)."""
    rows = [("#", "request", "want", "got", "result", "ms")]
    for r in report.results:
        rows.append(
            (
                str(r.step),
                one_line(r.label),
                str(r.expected_status),
                "-" if r.actual_status is None else str(r.actual_status),
                _MARKS.get(r.result, r.result),
                f"{r.duration_ms:.0f}",
            )
        )
    fixed = sum(max(len(row[i]) for row in rows) for i in (0, 2, 3, 4, 5)) + 10
    room = max(width - fixed, 20)
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    widths[1] = min(widths[1], room)
    lines = []
    for row in rows:
        cells = [_fit(cell, widths[i]) for i, cell in enumerate(row)]
        cells[5] = cells[5].strip().rjust(widths[5])
        cells[0] = cells[0].strip().rjust(widths[0])
        lines.append("  ".join(cells).rstrip())
    messages = []
    for r in report.results:
        messages += r.messages()
        note = r.note_line()
        if note is not None:
            messages.append(note)
    if messages:
        lines.append("")
        lines.extend(one_line(message) for message in messages)
    lines.append("")
    lines.append(
        f"{len(report.results)} steps: {report.count('passed')} passed, "
        f"{report.count('failed')} failed, {_plural(report.count('error'), 'error')}, "
        f"{report.count('skipped')} skipped in {report.duration_s:.2f} s"
    )
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width)


def json_report(report: ReplayReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def junit_report(report: ReplayReport) -> str:
    name = Path(report.session).stem
    cases = []
    for r in report.results:
        attrs = (
            f"classname={quoteattr('explorer.replay.' + name)} "
            f"name={quoteattr(f'step {r.step}: {r.label}')} "
            f"time={quoteattr(f'{r.duration_ms / 1000:.3f}')}"
        )
        text = "\n".join(m for m in r.messages())
        if r.result == "failed":
            first = r.failures[0].describe() if r.failures else "failed"
            body = f"<failure message={quoteattr(first)} type=\"replay\">{escape(text)}</failure>"
        elif r.result == "error":
            first = r.failures[0].describe() if r.failures else "error"
            body = f"<error message={quoteattr(first)} type=\"replay\">{escape(text)}</error>"
        elif r.result == "skipped":
            body = "<skipped/>"
        else:
            body = ""
        if r.note is not None:
            body += f"<system-out>{escape(r.note)}</system-out>"
        cases.append(f"    <testcase {attrs}>{body}</testcase>" if body else
                     f"    <testcase {attrs}/>")
    counts = (
        f"tests=\"{len(report.results)}\" failures=\"{report.count('failed')}\" "
        f"errors=\"{report.count('error')}\" skipped=\"{report.count('skipped')}\" "
        f"time=\"{report.duration_s:.3f}\""
    )
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f"<testsuites name=\"explorer replay\" {counts}>",
            f"  <testsuite name={quoteattr(name)} {counts}>",
            *cases,
            "  </testsuite>",
            "</testsuites>",
            "",
        ]
    )


def write_private(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by the owner only, atomically: a reader
    (or a replay interrupted while writing) sees the old report or the new one."""
    from explorer.fileio import atomic_write

    path = Path(path)
    try:
        atomic_write(path, text.encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise SessionError(f"cannot write {path}: {exc.strerror or exc}") from exc
