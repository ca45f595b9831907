"""What prompt_toolkit and asyncio log while the shell runs: one line, never a traceback.

prompt_toolkit reports a failed background task (loading the history, a completion
thread) with ``logger.exception``; with no handler configured, Python's last-resort
handler prints the whole traceback onto the user's screen.  :func:`install` gives the two
libraries' loggers a handler of their own: a stop that was asked for (SIGTERM, SIGHUP and
Ctrl-C arrive as ``SystemExit`` or ``KeyboardInterrupt`` in whatever task the main thread
was running) says nothing, and anything else is one warning line.
"""

from __future__ import annotations

import logging
import sys

from explorer.render.text import one_line

#: the loggers of the libraries under the shell
LOGGERS = ("prompt_toolkit", "asyncio")


class OneLine(logging.Handler):
    """Writes ``explorer: warning: MESSAGE (ERROR)`` to stderr, once per record."""

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, SystemExit | KeyboardInterrupt):
            return  # a stop the user (or a signal) asked for: the shell is ending anyway
        message = record.getMessage()
        if error is not None:
            message = f"{message} ({type(error).__name__}: {error})"
        try:
            sys.stderr.write(f"explorer: warning: {one_line(message)}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # stderr is gone: nothing to tell


def install() -> None:
    """Route the libraries' log records through :class:`OneLine` (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, OneLine) for h in logger.handlers):
            logger.addHandler(OneLine(logging.WARNING))
        logger.propagate = False
