"""Rows of results, the table printed at the end, the JSON document and a Markdown table.

A :class:`Row` is one line of the issue's table: what was measured, its floor (when
there is one), the ratio, the budget and whether it was met.  ``ok`` is None for
figures that are only reported.  A figure that could not be measured at all is a row
with ``error`` set; it counts as a failure.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Row:
    figure: str
    label: str
    measured: float | None = None
    #: "s" (shown as ms), "B" (shown as MB), "/s", "x"
    unit: str = "s"
    floor: float | None = None
    floor_label: str = ""
    ratio: float | None = None
    budget: str = ""
    ok: bool | None = None
    note: str = ""
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.error:
            return "ERROR"
        if self.ok is None:
            return "report"
        return "PASS" if self.ok else "FAIL"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        ms = value * 1000
        return f"{ms:.3f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
    if unit == "B":
        return f"{value / 1e6:.1f} MB"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}"


def _cells(row: Row) -> list[str]:
    floor = fmt(row.floor, row.unit)
    if row.floor_label and row.floor is not None:
        floor = f"{floor} ({row.floor_label})"
    ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
    measured = f"error: {row.error[:60]}" if row.error else fmt(row.measured, row.unit)
    return [row.label, measured, floor, ratio, row.budget or "report", row.status]


HEADERS = ["figure", "measured", "floor (same run)", "ratio", "budget", "result"]


def text_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = []
    for n, line in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = [c.replace("|", "\\|") for c in _cells(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo") as handle:
            memory = int(handle.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": memory,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def document(rows: list[Row], *, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": machine(),
        **extra,
        "failures": [r.label for r in rows if r.status in ("FAIL", "ERROR")],
        "rows": [asdict(r) | {"status": r.status} for r in rows],
    }


def write_json(path: str, data: dict[str, Any]) -> None:
    with open(path, "w") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
