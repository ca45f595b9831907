"""Export as a Locust file: every simulated user replays the session's steps in order
(a ``SequentialTaskSet``), with its own captured ids, checking each recorded status.

    EXPLORER_TOKEN=... locust -f session_locust.py --host http://127.0.0.1:8080
    locust -f session_locust.py --master            # distributed: one master,
    locust -f session_locust.py --worker --master-host HOST   # and many workers

Each step is its own entry in Locust's statistics (``step 3: GET /route``).  A target
that requests and urllib3 would re-encode (a filter such as ``updatedAt>X``) is sent as
written, like the product's client does (:mod:`explorer.client.transport`): the file
then carries a small adapter of its own, since it must run without explorer installed.
"""

from __future__ import annotations

from pathlib import Path

from explorer import __version__
from explorer.sessions.export.plan import Step, plan
from explorer.sessions.export.python import PyNames, py_path, request_lines
from explorer.sessions.format import Session

#: Imports and code of the adapter, emitted only when a step needs it.
_EXACT_IMPORTS = [
    "from requests.adapters import HTTPAdapter",
    "from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool",
    "from urllib3.util.url import _encode_target",
]
_EXACT_TARGETS = '''

# requests and urllib3 percent-encode '<', '>', '|'... in a target, but a filter such as
# updatedAt>2023-05-01 must reach the server as written.  A request sent inside
# as_written(target) keeps that target: ExactTargetAdapter's connection pools swap it back
# in where urllib3 hands its encoded copy to the connection (after any path in --host).
# Anything else, a redirect elsewhere included, goes out as urllib3 made it.
_exact = threading.local()  # one per greenlet: locust patches threading


@contextmanager
def as_written(target):
    _exact.target = target
    try:
        yield
    finally:
        _exact.target = None


class _ExactTargetPool:
    def _make_request(self, conn, method, url, *args, **kwargs):
        target = getattr(_exact, 'target', None)
        encoded = _encode_target(target) if target else None
        if encoded and encoded != target and url.endswith(encoded):
            url = url[: len(url) - len(encoded)] + target
        return super()._make_request(conn, method, url, *args, **kwargs)


class ExactHTTPPool(_ExactTargetPool, HTTPConnectionPool):
    pass


class ExactHTTPSPool(_ExactTargetPool, HTTPSConnectionPool):
    pass


class ExactTargetAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {'http': ExactHTTPPool, 'https': ExactHTTPSPool}
'''.rstrip("\n").split("\n")


def render(session: Session, *, files_root: Path) -> str:
    steps = plan(session)
    exact = any(step.raw_target for step in steps)
    captured = {c.name for s in steps for c in s.captures}
    names = PyNames(captured, prefix="self.v")
    width = len(str(len(steps)))
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
        *(["import threading", "from contextlib import contextmanager"] if exact else []),
        "",
        "from locust import HttpUser, SequentialTaskSet, between, task",
        *(_EXACT_IMPORTS if exact else []),
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
        *(_EXACT_TARGETS if exact else []),
        "",
        "",
        "class SessionSteps(SequentialTaskSet):",
        "    def on_start(self):",
        "        self.v = {'token': TOKEN, 'api_key': API_KEY}",
        *([
            "        for prefix in ('http://', 'https://'):",
            "            self.client.mount(prefix, ExactTargetAdapter())",
        ] if exact else []),
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
        out += _task(step, names, files_root, name=_stat_name(step, width))
    out += [
        "",
        "",
        "class SessionUser(HttpUser):",
        "    tasks = [SessionSteps]",
        "    wait_time = between(0.1, 0.5)",
        "",
    ]
    return "\n".join(out)


def _stat_name(step: Step, width: int) -> str:
    """The step's entry in Locust's statistics: its number, then the route it called."""
    route = step.exchange.route or f"{step.method} {step.exchange.path}"
    return f"step {step.number:0{width}d}: {route}"


def _task(step: Step, names: PyNames, files_root: Path, *, name: str) -> list[str]:
    lines, kwargs = request_lines(step, names, files_root, client="locust",
                                  auth="self.auth_headers()")
    out = [
        "",
        "    @task",
        f"    def step_{step.number}(self):",
        f"        # {step.title}",
    ]
    out += ["        " + line for line in "\n".join(lines).split("\n")]
    opening = "as_written(url), self.client.request(" if step.raw_target else \
        "self.client.request("
    out += [
        f"        with {opening}",
        f"            {step.method!r}, url, {', '.join(kwargs)},",
        f"            name={name!r}, catch_response=True,",
        "        ) as r:",
        f"            if r.status_code != {step.status}:",
        f"                r.failure(f'expected {step.status}, got {{r.status_code}}')",
        "                return",
    ]
    if step.captures:
        out.append("            parsed = r.json()")
        for capture in step.captures:
            out.append(f"            self.v[{capture.name!r}] = parsed{py_path(capture.path)}")
    return out
