"""What the export tests share: writing an export to a file, and the environment a
script runs in (no EXPLORER_* of the machine running the tests)."""

from __future__ import annotations

from pathlib import Path

from exportrun import clean_env, locust_one_pass  # noqa: F401 - for the export tests

from explorer.sessions.export import export
from explorer.sessions.format import read_session

EXAMPLES = Path(__file__).resolve().parents[3] / "sessions"


def write(tmp_path: Path, session: Path, fmt: str, suffix: str) -> Path:
    out = tmp_path / f"export-{fmt}{suffix}"
    out.write_text(export(read_session(session), fmt))
    return out


def script_env(server=None, **extra) -> dict[str, str]:
    env = clean_env(**extra)
    if server is not None:
        env.setdefault("EXPLORER_URL", server.url)
    return env

