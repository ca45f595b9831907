"""Export as a Locust file: every simulated user replays the session's steps in order
(a ``SequentialTaskSet``), with its own captured ids, checking each recorded status.

    EXPLORER_TOKEN=... locust -f session_locust.py --host http://127.0.0.1:8080
    locust -f session_locust.py --master            # distributed: one master,
    locust -f session_locust.py --worker --master-host HOST   # and many workers

Locust sends through requests and urllib3, which percent-encode ``<``, ``>``, ``|``…
in a target; a filter like ``updatedAt>X`` then reaches the server as ``%3E``.  Such
steps carry a NOTE comment (the curl and python exports send them as written).
"""

from __future__ import annotations

from pathlib import Path

from explorer import __version__
from explorer.sessions.export.plan import plan
from explorer.sessions.export.python import PyNames, py_path, request_lines
from explorer.sessions.format import Session


def render(session: Session, *, files_root: Path) -> str:
    steps = plan(session)
    captured = {c.name for s in steps for c in s.captures}
    names = PyNames(captured, prefix="self.v")
    out = [
        f'"""Locust load test from the explorer session {session.path.name} '
        f"({len(steps)} requests).",
        "",
        f"Exported by explorer {__version__}.  Each user replays the steps in order.  No",
        "secret is stored here: set EXPLORER_TOKEN, EXPLORER_API_KEY or EXPLORER_PASSWORD.",
        "",
        "    locust -f this_file.py --host http://127.0.0.1:8080",
        "    locust -f this_file.py --master   /   --worker --master-host HOST",
        '"""',
        "",
        "import os",
        "",
        "from locust import HttpUser, SequentialTaskSet, between, task",
        "",
        "TOKEN = os.environ.get('EXPLORER_TOKEN', '')",
        "API_KEY = os.environ.get('EXPLORER_API_KEY', '')",
        "PASSWORD = os.environ.get('EXPLORER_PASSWORD', '')",
        "COOKIE = os.environ.get('EXPLORER_COOKIE', '')",
        f"FILES = os.environ.get('EXPLORER_FILES', {str(files_root)!r})",
        "",
        "",
        "def var(name):",
        "    return os.environ.get('EXPLORER_VAR_' + name.upper(), '')",
        "",
        "",
        "class SessionSteps(SequentialTaskSet):",
        "    def on_start(self):",
        "        self.v = {'token': TOKEN, 'api_key': API_KEY}",
        "",
        "    def auth_headers(self):",
        "        headers = {}",
        "        if self.v.get('token'):",
        "            headers['Authorization'] = 'Bearer ' + str(self.v['token'])",
        "        if self.v.get('api_key'):",
        "            headers['apikey'] = str(self.v['api_key'])",
        "        return headers",
    ]
    for step in steps:
        lines, kwargs = request_lines(step, names, files_root, client="locust")
        lines = [line.replace("auth_headers()", "self.auth_headers()") for line in lines]
        if step.raw_target:
            lines.insert(0, "# NOTE: requests percent-encodes '<' and '>' in this target")
        route = step.exchange.route or f"{step.method} {step.exchange.path}"
        out += [
            "",
            "    @task",
            f"    def step_{step.number}(self):",
            f"        # {step.title}",
        ]
        out += ["        " + line for line in "\n".join(lines).split("\n")]
        call = (
            f"self.client.request({step.method!r}, url, {', '.join(kwargs)}, "
            f"name={route!r}, catch_response=True)"
        )
        out.append(f"        with {call} as r:")
        out.append(f"            if r.status_code != {step.status}:")
        out.append(
            f"                r.failure(f'expected {step.status}, got {{r.status_code}}')"
        )
        out.append("                return")
        if step.captures:
            out.append("            parsed = r.json()")
            for capture in step.captures:
                out.append(f"            self.v[{capture.name!r}] = parsed{py_path(capture.path)}")
    out += [
        "",
        "",
        "class SessionUser(HttpUser):",
        "    tasks = [SessionSteps]",
        "    wait_time = between(0.1, 0.5)",
        "",
    ]
    return "\n".join(out)
