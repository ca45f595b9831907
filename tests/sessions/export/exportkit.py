"""What the export tests share: writing an export to a file, and the environment a
script runs in (no EXPLORER_* of the machine running the tests)."""

from __future__ import annotations

import os
from pathlib import Path

from explorer.sessions.export import export
from explorer.sessions.format import read_session

EXAMPLES = Path(__file__).resolve().parents[3] / "sessions"


def write(tmp_path: Path, session: Path, fmt: str, suffix: str) -> Path:
    out = tmp_path / f"export-{fmt}{suffix}"
    out.write_text(export(read_session(session), fmt))
    return out


def script_env(server=None, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env["NO_PROXY"] = "*"
    if server is not None:
        env["EXPLORER_URL"] = server.url
    env.update(extra)
    return env


_ONE_PASS = '''
import importlib.util

import gevent
from locust import events

_spec = importlib.util.spec_from_file_location("exported", {path!r})
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
SessionUser = _module.SessionUser  # the exported user and its tasks

_names = set()


@events.init.add_listener
def _on_init(environment, **kwargs):
    @environment.events.request.add_listener
    def _on_request(name, **kwargs):
        _names.add(name)
        if len(_names) == {steps}:  # every step once: stop, and print the statistics
            gevent.spawn(environment.runner.quit)
'''


def locust_one_pass(locustfile: Path, host: str, steps: int, env: dict[str, str], *,
                    timeout: float = 120) -> dict[str, dict]:
    """Run an exported locustfile headless with one user until each of its ``steps``
    has been requested once (an event, not a run time), then stop: Locust's
    statistics (``--json``) by entry name."""
    import json
    import subprocess
    import sys

    wrapper = locustfile.with_name(f"one_pass_{locustfile.stem}.py")
    wrapper.write_text(_ONE_PASS.format(path=str(locustfile), steps=steps))
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(wrapper), "--headless", "-u", "1", "-r", "1",
         "--host", host, "--json", "--loglevel", "WARNING"],
        capture_output=True, text=True, env=env, cwd=locustfile.parent, timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}
