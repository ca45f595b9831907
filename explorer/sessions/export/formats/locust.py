"""A Locust file: a SequentialTaskSet replaying the steps per user, one statistics entry per step.

Every simulated user replays the session's steps in order, with its own captured ids,
checking each recorded status::

    EXPLORER_TOKEN=... locust -f session_locust.py --host http://127.0.0.1:8080
    locust -f session_locust.py --master            # distributed: one master,
    locust -f session_locust.py --worker --master-host HOST   # and many workers

With ``EXPLORER_ONE_PASS=1`` each user replays the steps once and stops, and the run
ends when every user has (``locust -f F --headless -u 1 -r 1 --host H``: one pass over
the session, then Locust prints its statistics and exits; no ``--run-time`` to guess).

Each step is its own entry in Locust's statistics (``step 3: GET /route``).  A target
that requests and urllib3 would re-encode (a filter such as ``updatedAt>X``) is sent as
written, like the product's client does (:mod:`explorer.client.transport`): the file
then carries a small adapter of its own, since it must run without explorer installed.
Every value from the session is a Python literal (:mod:`explorer.sessions.export.pysource`).
"""

from __future__ import annotations

from pathlib import Path

from explorer import __version__
from explorer.auth import exports
from explorer.sessions.export import pysource
from explorer.sessions.export.plan import Ref, Step, one_line
from explorer.sessions.export.pysource import Source, literal
from explorer.sessions.format import Session

SUFFIX = ".py"

#: each auth scheme's variable and how requests sends it (explorer.auth)
_AUTH = exports()
_IMPORTS = sorted({"json", "os", "sys", *(m for e in _AUTH for m in e.python_imports)})
#: placeholder -> the task's expression; any other {{name}} is var('name')
_NAMES = {
    **{e.placeholder: f"self.v[{e.placeholder!r}]" for e in _AUTH},
    "password": "PASSWORD",
    "secret": "(" + " or ".join(f"self.v[{e.placeholder!r}]" for e in _AUTH if e.fills_secret)
    + ")",
    "cookie": "COOKIE",
    "base_url": "self.user.host",
}

_DOC = '''"""Locust load test from an explorer session, {count} requests (SESSION names it).

Exported by explorer {version}.  Each user replays the steps in order.  No secret
is stored here: set EXPLORER_TOKEN, EXPLORER_API_KEY, EXPLORER_AUTH (USER:PASS) or
EXPLORER_PASSWORD.

    locust -f this_file.py --host http://127.0.0.1:8080
    locust -f this_file.py --master   /   --worker --master-host HOST

EXPLORER_ONE_PASS=1: each user replays the steps once, then stops; the run ends when
every user has (EXPLORER_ONE_PASS=1 locust -f this_file.py --headless -u 1 -r 1 --host H).
"""
'''

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




#: what a value the run refuses (an id ``..`` as a path segment) does: the step fails,
#: in Locust's statistics, and the user goes on with the next one
_REFUSALS = '''

class Refused(Exception):
    pass


def fail(message):
    raise Refused(message)


def refusals(method, name):
    # a task that records a refused value as its step's failure, instead of crashing
    def wrap(task):
        def run(self):
            try:
                task(self)
            except Refused as exc:
                self.user.environment.events.request.fire(
                    request_type=method, name=name, response_time=0, response_length=0,
                    exception=exc, context={})
        run.__name__ = task.__name__
        return run
    return wrap'''


def _auth() -> list[str]:
    """How each user authenticates: the headers from the credentials it knows now (a
    login's answer sets ``self.v['api_key']`` on the way)."""
    lines = ["    def auth_headers(self):", "        headers = {}"]
    for e in _AUTH:
        lines.append(f"        if self.v.get({e.placeholder!r}):")
        value = f"str(self.v[{e.placeholder!r}])"
        lines += ["            " + line.format(value=value) for line in e.python]
    return [*lines, "        return headers"]


def _ref(ref: Ref) -> str:
    if ref.captured:
        return f"self.v[{literal(ref.name)}]"
    return _NAMES.get(ref.name) or f"var({literal(ref.name)})"


def render(session: Session, steps: list[Step], *, files_root: Path) -> str:
    exact = any(step.raw_target for step in steps)
    width = len(str(len(steps)))
    out = [
        _DOC.format(count=len(steps), version=__version__),
        *(f"import {module}" for module in _IMPORTS),
        *(["import threading", "from contextlib import contextmanager"] if exact else []),
        "from urllib.parse import quote, quote_plus",
        "",
        "import gevent",
        "from locust import HttpUser, SequentialTaskSet, between, task",
        "from locust.exception import StopUser",
        *(_EXACT_IMPORTS if exact else []),
        "",
        f"SESSION = {literal(session.path.name)}",
        f"RECORDED_FILES = {literal(str(files_root))}",
        *(f"{e.variable} = os.environ.get({e.env!r}, '')" for e in _AUTH),
        "PASSWORD = os.environ.get('EXPLORER_PASSWORD', '')",
        "COOKIE = os.environ.get('EXPLORER_COOKIE', '')",
        "FILES = os.environ.get('EXPLORER_FILES', RECORDED_FILES)",
        "#: one pass over the session per user, then the run ends (see the docstring)",
        "ONE_PASS = os.environ.get('EXPLORER_ONE_PASS', '') not in ('', '0')",
        f"STEPS = {len(steps)}",
        "_PASSES_DONE = [0]",
        pysource.HELPERS.rstrip("\n"),
        _REFUSALS,
        *(_EXACT_TARGETS if exact else []),
        "",
        "",
        "class SessionSteps(SequentialTaskSet):",
        "    def get_next_task(self):",
        "        # the step after the last one of a pass: with ONE_PASS, the user is done",
        "        self._steps_done = getattr(self, '_steps_done', 0) + 1",
        "        if ONE_PASS and self._steps_done > STEPS:",
        "            self.user.pass_done()",
        "        return super().get_next_task()",
        "",
        "    def on_start(self):",
        "        self.v = {" + ", ".join(f"{e.placeholder!r}: {e.variable}" for e in _AUTH) + "}",
        *([
            "        for prefix in ('http://', 'https://'):",
            "            self.client.mount(prefix, ExactTargetAdapter())",
        ] if exact else []),
        "",
        *_auth(),
    ]
    for step in steps:
        out += _task(step, name=_stat_name(step, width))
    out += [
        "",
        "",
        "class SessionUser(HttpUser):",
        "    tasks = [SessionSteps]",
        "    wait_time = between(0.1, 0.5)",
        "",
        "    def pass_done(self):",
        "        # one pass over the session: stop this user; the last one ends the run",
        "        _PASSES_DONE[0] += 1",
        "        runner = self.environment.runner",
        "        if runner is not None and _PASSES_DONE[0] >= max(runner.target_user_count, 1):",
        "            gevent.spawn(runner.quit)",
        "        raise StopUser()",
        "",
    ]
    return "\n".join(out)


def _stat_name(step: Step, width: int) -> str:
    """The step's entry in Locust's statistics: its place, then the route it called."""
    route = step.exchange.route or f"{step.method} {step.exchange.path}"
    return f"step {step.index:0{width}d}: {route}"


def _task(step: Step, *, name: str) -> list[str]:
    source = Source(_ref, f"step {step.number}")
    lines, kwargs = source.request(step, source.string(step.target), "self.auth_headers()")
    out = [
        "",
        "    @task",
        f"    @refusals({literal(step.method)}, {literal(name)})",
        f"    def step_{step.index}(self):",
        f"        # {one_line(step.title)}",
    ]
    out += ["        " + line for line in "\n".join(lines).split("\n")]
    opening = "as_written(url), self.client.request(" if step.raw_target else \
        "self.client.request("
    out += [
        f"        with {opening}",
        f"            {literal(step.method)}, url, {', '.join(kwargs)},",
        f"            name={literal(name)}, catch_response=True,",
        "        ) as r:",
        f"            if r.status_code != {step.status}:",
        f"                r.failure(f'expected {step.status}, got {{r.status_code}}')",
        "                return",
    ]
    if step.captures:
        out.append("            parsed = r.json()")
        for capture in step.captures:
            out.append(f"            self.v[{literal(capture.name)}] = "
                       f"parsed{pysource.path(capture.path)}")
    return out
