"""Running exported scripts in the tests: a clean environment, and Locust for one pass.

Shared by tests/sessions/export/ and tests/attacks/ (``tests/`` is on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment a script runs in: none of the machine's EXPLORER_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env["NO_PROXY"] = "*"
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
                    timeout: float = 120, failures: bool = False) -> dict[str, dict]:
    """Run an exported locustfile headless with one user until each of its ``steps``
    has been requested once (an event, not a run time), then stop: Locust's
    statistics (``--json``) by entry name.  ``failures``: some are expected (Locust
    then exits 1)."""
    wrapper = locustfile.with_name(f"one_pass_{locustfile.stem}.py")
    wrapper.write_text(_ONE_PASS.format(path=str(locustfile), steps=steps))
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(wrapper), "--headless", "-u", "1", "-r", "1",
         "--host", host, "--json", "--loglevel", "WARNING"],
        capture_output=True, text=True, env=env, cwd=locustfile.parent, timeout=timeout,
    )
    assert result.returncode == (1 if failures else 0), result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}
