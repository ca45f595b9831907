"""``python -X importtime -m explorer --help``: where start-up time goes.

Reported, not budgeted: the wall time of ``explorer --help`` next to a bare
``python -c pass``, the heaviest imports (cumulative and self), and whether any of
the expensive libraries (requests, pygments, jsonschema, prompt_toolkit) were
imported at all, which they should not be for ``--help``.
"""

from __future__ import annotations

import re

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "importtime"
TITLE = "import cost of explorer --help"
EXPENSIVE = ("requests", "pygments", "jsonschema", "prompt_toolkit", "urllib3")
_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def parse_importtime(text: str) -> list[dict]:
    """One dict per import line: module, self_us, cumulative_us, depth."""
    out = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            out.append(
                {
                    "module": m.group(4),
                    "self_us": int(m.group(1)),
                    "cumulative_us": int(m.group(2)),
                    "depth": (len(m.group(3)) - 1) // 2,
                }
            )
    return out


def run(ws: Workspace, settings: Settings) -> list[Row]:
    env = ws.env
    argv = [ws.python, "-X", "importtime", "-m", "explorer", "--help"]
    traced = run_child(argv, env=env)
    imports = parse_importtime(traced.stderr)
    top_cumulative = sorted(
        (i for i in imports if i["depth"] == 0), key=lambda i: -i["cumulative_us"]
    )[:12]
    top_self = sorted(imports, key=lambda i: -i["self_us"])[:12]
    heavy = sorted({i["module"].split(".")[0] for i in imports} & set(EXPENSIVE))
    total = sum(i["self_us"] for i in imports) / 1e6

    reps = settings.reps(15, 5)
    times = interleave(
        {
            "explorer": lambda: run_child([ws.explorer, "--help"], env=env).wall,
            "python": lambda: run_child([ws.python, "-c", "pass"], env=env).wall,
        },
        reps=reps,
    )
    help_wall, bare = median(times["explorer"]), median(times["python"])
    note = "expensive imports: " + (", ".join(heavy) if heavy else "none")
    return [
        Row(
            NAME,
            "explorer --help wall time",
            help_wall,
            floor=bare,
            floor_label="python -c pass",
            ratio=help_wall / bare,
            note=note,
            details={
                "import_total_s": total,
                "expensive_imported": heavy,
                "top_cumulative": top_cumulative,
                "top_self": top_self,
                "samples": times,
            },
        )
    ]


def summary(row: Row) -> str:
    """The lines printed under the table: the heaviest imports."""
    d = row.details
    lines = [
        f"explorer --help imports: {d['import_total_s'] * 1000:.0f} ms in total; {row.note}",
        "  heaviest top-level imports (cumulative):",
    ]
    for item in d["top_cumulative"][:8]:
        lines.append(f"    {item['cumulative_us'] / 1000:7.1f} ms  {item['module']}")
    return "\n".join(lines)
