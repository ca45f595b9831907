"""Exports of a session: one module per format in :mod:`explorer.sessions.export.formats`.

The formats are a table, ``{name: module}`` (:func:`table`): the package's modules,
each named for its format, with a docstring whose first line says what it gives, a
``SUFFIX`` for its files and ``render(session, steps, *, files_root) -> str``.  The
table gives ``export --to``'s choices and help, the dispatch here, and the format list
docs/sessions.md is checked against; a new format is its module, its test and its row
in the docs.

Every format replays the whole flow against another server: ids that earlier answers
gave are captured and used later (:mod:`explorer.sessions.export.plan`).  What a session
holds is data, written as literals of the target language (:mod:`.shell`,
:mod:`.pysource`, the hurl module's escapes), never as code.  None carries a secret: the
scripts read each auth scheme's variable (``EXPLORER_TOKEN``, ``EXPLORER_API_KEY``,
``EXPLORER_AUTH``: :meth:`explorer.auth.Scheme.export`) and ``EXPLORER_PASSWORD`` from
the environment (hurl: ``--variable`` or ``HURL_*``), and send them as the scheme says.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType

from explorer.errors import SessionError, UsageError
from explorer.sessions.format import Session

_PACKAGE = "explorer.sessions.export.formats"


@cache
def table() -> dict[str, ModuleType]:
    """``{name: module}`` of every export format, by name."""
    package = importlib.import_module(_PACKAGE)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg
                   and not m.name.startswith("_"))
    return {name: importlib.import_module(f"{_PACKAGE}.{name}") for name in names}


def summary(name: str) -> str:
    """The first line of the format's docstring: what it gives."""
    doc = table()[name].__doc__ or name
    return doc.strip().splitlines()[0].rstrip(".")


def suffix(name: str) -> str:
    return table()[name].SUFFIX


def export(session: Session, fmt: str, *, files_root: Path | None = None) -> str:
    """The text of ``session`` in format ``fmt`` (a name of :func:`table`).

    A session naming a file outside its directory is refused (a SessionError), before
    anything is rendered.  The text is checked to be writable as UTF-8 (a lone
    surrogate in a session would otherwise fail later, when it is written).
    """
    from explorer.sessions.export.plan import plan

    formats = table()
    if fmt not in formats:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(formats)})")
    root = files_root or session.path.resolve().parent
    try:
        text = formats[fmt].render(session, plan(session), files_root=root)
    except RecursionError as exc:
        raise SessionError(f"{session.path}: a body is nested too deeply to export") from exc
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SessionError(
            f"{session.path}: holds text that is not valid Unicode ({exc.object[exc.start]!r})"
        ) from exc
    return text


def __getattr__(name: str):
    if name == "FORMATS":  # the names, as a tuple (what callers used before the table)
        return tuple(table())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
