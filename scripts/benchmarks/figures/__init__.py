"""One module per figure of the issue's table; each has ``NAME``, ``TITLE`` and ``run``.

``run(workspace, settings) -> list[Row]`` measures the figure and its floor in the same
run (interleaved) and returns the rows for the table.  Figures run in the order of
:data:`ORDER`; ``--only NAME`` picks some of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    quick: bool = False

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full


ORDER = (
    "importtime",
    "registry",
    "bigspec",
    "resolve",
    "completion",
    "tab",
    "oneshot",
    "startup",
    "shell",
    "memory",
    "replay",
    "terminal",
    "pipe",
)
