"""Exports of a session: ``curl`` (a bash script), ``python`` (requests, in the style of
the Labstep API examples), ``hurl``, ``har`` (HAR 1.2) and ``locust``.

Every format replays the whole flow against another server: ids that earlier answers
gave are captured and used later (:mod:`explorer.sessions.export.plan`).  None carries a
secret: the scripts read ``EXPLORER_TOKEN``, ``EXPLORER_API_KEY`` and
``EXPLORER_PASSWORD`` from the environment (hurl: ``--variable`` or ``HURL_*``).
"""

from __future__ import annotations

from pathlib import Path

from explorer.errors import UsageError
from explorer.sessions.format import Session

FORMATS = ("curl", "python", "hurl", "har", "locust")
SUFFIXES = {"curl": ".sh", "python": ".py", "hurl": ".hurl", "har": ".har", "locust": ".py"}


def export(session: Session, fmt: str, *, files_root: Path | None = None) -> str:
    """The text of ``session`` in format ``fmt`` (one of :data:`FORMATS`)."""
    root = files_root or session.path.resolve().parent
    if fmt == "curl":
        from explorer.sessions.export.curl import render
    elif fmt == "python":
        from explorer.sessions.export.python import render
    elif fmt == "hurl":
        from explorer.sessions.export.hurl import render
    elif fmt == "har":
        from explorer.sessions.export.har import render
    elif fmt == "locust":
        from explorer.sessions.export.locust import render
    else:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    return render(session, files_root=root)
