"""explorer.repl.logs: prompt_toolkit's and asyncio's log records are one line or nothing.

prompt_toolkit logs a background task that failed (``logger.exception("Loading history
failed")``) and Python's last-resort handler used to print the whole traceback on the
user's screen: a SIGTERM that arrived while the history loaded did exactly that."""

from __future__ import annotations

import logging

import pytest

from explorer.repl import logs
from explorer.sandbox.server import Terminated


@pytest.fixture
def installed():
    saved = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
             for name in logs.LOGGERS}
    logs.install()
    logs.install()  # twice: still one handler
    yield
    for name, (handlers, propagate) in saved.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate


def _log_failure(name: str, error: BaseException) -> None:
    try:
        raise error
    except BaseException:
        logging.getLogger(name).exception("Loading history failed")


@pytest.mark.parametrize("error", [Terminated(15), KeyboardInterrupt(), SystemExit(0)])
def test_a_stop_that_was_asked_for_says_nothing(installed, capsys, error):
    _log_failure("prompt_toolkit.buffer", error)
    assert capsys.readouterr().err == ""


def test_any_other_failure_is_one_escaped_line_without_a_traceback(installed, capsys):
    _log_failure("prompt_toolkit.buffer", OSError("disk \x1b]0;gone\x07"))
    _log_failure("asyncio", ValueError("bad"))
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "explorer: warning: Loading history failed (OSError: disk \\x1b]0;gone\\x07)",
        "explorer: warning: Loading history failed (ValueError: bad)",
    ]
    ours = [h for h in logging.getLogger("prompt_toolkit").handlers if isinstance(h, logs.OneLine)]
    assert len(ours) == 1
