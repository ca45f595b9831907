"""Status codes: the exit code for an answer, and the status line shown for it."""

from __future__ import annotations

from http import HTTPStatus

from explorer.errors import EXIT_4XX, EXIT_5XX, EXIT_OK, EXIT_OTHER
from explorer.render.text import one_line

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
_CLASS_COLORS = {2: "\x1b[32m", 3: "\x1b[33m", 4: "\x1b[31m", 5: "\x1b[31m"}


def exit_code_for(status: int) -> int:
    """0 for 2xx/3xx, 4 for 4xx, 5 for 5xx, 1 for anything else (the CLI's contract)."""
    if 200 <= status < 400:
        return EXIT_OK
    if 400 <= status < 500:
        return EXIT_4XX
    if 500 <= status < 600:
        return EXIT_5XX
    return EXIT_OTHER


def reason_for(status: int, reason: str | None) -> str:
    """The reason phrase the server sent (its control characters escaped: it is shown),
    or the standard one when it sent none."""
    if reason:
        return one_line(reason)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def status_color(status: int) -> str:
    return _CLASS_COLORS.get(status // 100, "")


def paint(text: str, code: str, color: bool) -> str:
    """``text`` wrapped in an ANSI ``code`` when ``color`` is on."""
    return f"{code}{text}{RESET}" if color and code else text


def format_elapsed(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def status_line(status: int, reason: str | None, elapsed: float | None, *, color: bool) -> str:
    """``HTTP/1.1 200 OK  (12 ms)``, coloured by status class when ``color``."""
    line = f"HTTP/1.1 {status} {reason_for(status, reason)}".rstrip()
    if elapsed is not None:
        line += f"  ({format_elapsed(elapsed)})"
    return paint(line, BOLD + status_color(status), color)
