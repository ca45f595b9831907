"""Entry point of the ``explorer`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    print("explorer: not yet", file=sys.stderr)
    return 1
