"""``explorer`` with no command: the interactive shell (see :mod:`explorer.repl`)."""

from __future__ import annotations


def run_shell(context, args: list[str]) -> int:
    from explorer.repl import run

    return run(context, args)
