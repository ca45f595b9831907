"""The terminal facts the renderer needs, gathered in one injectable object.

Nothing here probes the terminal at import time: :meth:`OutputEnv.from_system`
reads ``isatty``, ``NO_COLOR``, ``TERM``, the terminal size and the pager settings
when a front end asks for them, and tests build an ``OutputEnv`` over in-memory
streams instead.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

from explorer.record import Record

DEFAULT_PAGER = "less -FRX"


_FIELDS = ("stdout", "stderr", "stdout_isatty", "color", "width", "height", "pager",
           "max_highlight_bytes", "color_256", "max_render_bytes", "redact")


def _same(text: str) -> str:
    return text


class OutputEnv(Record):
    """Where output goes and how it may look.

    ``stdout`` is a text stream that can also take bytes: its ``buffer`` attribute
    (as on ``sys.stdout``) is used to write bodies exactly as received.  ``pager``: a
    shell command to page long terminal output through (``less -FRX``), or None;
    bodies larger than ``max_highlight_bytes`` are shown without syntax highlighting;
    ``color_256``: 256-colour escapes (else the 16 basic colours); ``max_render_bytes``:
    the most of one body shown on a terminal (``settings.render_limit``), past which one
    line says how much was left out and how to get it.  ``redact`` masks every secret
    the run knows of in what ``-v`` shows of an exchange (a server may echo or move a
    credential where no name says it is one).
    """

    __slots__ = _FIELDS
    _fields = _FIELDS

    def __init__(
        self,
        stdout: IO[Any],
        stderr: IO[str],
        *,
        stdout_isatty: bool,
        color: bool,
        width: int = 80,
        height: int = 24,
        pager: str | None = None,
        max_highlight_bytes: int = 1_000_000,
        color_256: bool = True,
        max_render_bytes: int = 4 * 1024 * 1024,
        redact: Callable[[str], str] = _same,
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.stdout_isatty = stdout_isatty
        self.color = color
        self.width = width
        self.height = height
        self.pager = pager
        self.max_highlight_bytes = max_highlight_bytes
        self.color_256 = color_256
        self.max_render_bytes = max_render_bytes
        self.redact = redact

    @classmethod
    def from_system(
        cls,
        *,
        no_pager: bool = False,
        force_color: bool | None = None,
        environ: Mapping[str, str] | None = None,
        stdout: IO[Any] | None = None,
        stderr: IO[str] | None = None,
        pager_setting: str | bool | None = None,
        max_highlight_bytes: int | None = None,
        max_render_bytes: int | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> OutputEnv:
        """The real terminal: ``sys.stdout``/``sys.stderr`` and ``os.environ`` by default.

        Colour is on for a terminal unless ``NO_COLOR`` is set to anything non-empty
        or ``TERM`` is ``dumb``; ``force_color`` overrides both ways.  The pager is
        ``EXPLORER_PAGER``, else the config's ``pager`` setting (``pager_setting``:
        a command, or False for none), else ``PAGER``, else ``less -FRX`` when
        ``less`` exists (git's order); an empty value, ``no_pager`` or a non-terminal
        stdout means no pager.
        """
        env = os.environ if environ is None else environ
        out = sys.stdout if stdout is None else stdout
        err = sys.stderr if stderr is None else stderr
        isatty = _isatty(out)
        term = env.get("TERM", "")
        if force_color is not None:
            color = force_color
        else:
            color = isatty and not env.get("NO_COLOR") and term != "dumb"
        size = shutil.get_terminal_size((80, 24))
        pager: str | None = None
        if isatty and not no_pager:
            if "EXPLORER_PAGER" in env:
                pager = env["EXPLORER_PAGER"].strip() or None
            elif isinstance(pager_setting, str):
                pager = pager_setting.strip() or None
            elif pager_setting is False:
                pager = None
            elif "PAGER" in env:
                pager = env["PAGER"].strip() or None
            elif shutil.which("less"):
                pager = DEFAULT_PAGER
        color_256 = "256color" in term or env.get("COLORTERM", "") in ("truecolor", "24bit")
        found = cls(
            out,
            err,
            stdout_isatty=isatty,
            color=color,
            width=max(size.columns, 20),
            height=max(size.lines, 2),
            pager=pager,
            color_256=color_256,
            redact=redact or _same,
        )
        if max_highlight_bytes is not None:
            found.max_highlight_bytes = max_highlight_bytes
        if max_render_bytes is not None:
            found.max_render_bytes = max_render_bytes
        return found


def _isatty(stream: IO[Any]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
