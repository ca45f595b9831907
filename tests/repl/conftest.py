"""Fixtures of the shell's tests: a registry of the seed routes, a learned store, a
sandbox server and a context wired to it (EXPLORER_HOME in a tmp dir)."""

from __future__ import annotations

import io

import pytest

LABOS = [
    ("GET", "/public/v1/instruments/:id?"),
    ("POST", "/public/v1/instruments"),
    ("PUT", "/public/v1/instruments/:id"),
    ("PATCH", "/public/v1/instruments/:id"),
    ("DELETE", "/public/v1/instruments/:id"),
    ("GET", "/public/v1/instruments/:id/commands/:cid?"),
    ("POST", "/public/v1/instruments/:id/commands"),
    ("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
    ("GET", "/public/v1/instruments/:id/actions/:aid?"),
]
PROTOCOL_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "is_template": {"type": "boolean"}},
}


def seed_routes():
    from explorer.registry import Route

    routes = [Route(method, path) for method, path in LABOS]
    routes += [
        Route(
            "GET",
            "/api/generic/protocol",
            command="protocol list",
            query_params=("search", "cursor", "count"),
        ),
        Route("GET", "/api/generic/protocol/:id", command="protocol get"),
        Route(
            "POST", "/api/generic/protocol", command="protocol create", body_schema=PROTOCOL_BODY
        ),
    ]
    return routes


@pytest.fixture
def registry():
    from explorer.registry import Registry

    return Registry(seed_routes())


@pytest.fixture
def home(tmp_path, monkeypatch):
    """EXPLORER_HOME in a tmp dir, so caches and history stay in the test."""
    root = tmp_path / "home"
    monkeypatch.setenv("EXPLORER_HOME", str(root))
    for name in ("EXPLORER_URL", "EXPLORER_TOKEN", "EXPLORER_API_KEY", "EXPLORER_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def learned(tmp_path):
    from explorer.repl.learned import LearnedStore

    return LearnedStore(tmp_path / "learned.json")


@pytest.fixture
def server():
    from explorer.sandbox import SandboxServer

    with SandboxServer().start() as srv:
        yield srv


class Console:
    """A shell over a real context, its output captured."""

    def __init__(self, context, **kwargs) -> None:
        from explorer.render import OutputEnv
        from explorer.repl.commands import Shell

        self.out = io.StringIO()
        self.err = io.StringIO()
        self.context = context
        self.answers: list[bool] = []
        self.questions: list[str] = []
        context.stderr = self.err

        def env():
            return OutputEnv(
                self.out, self.err, stdout_isatty=True, color=False, width=120, height=10_000
            )

        def ask(question: str) -> bool:
            self.questions.append(question)
            return self.answers.pop(0) if self.answers else False

        self.shell = Shell(context, out=self.out, err=self.err, env_factory=env, ask=ask, **kwargs)

    def run(self, line: str) -> str:
        """Run ``line``; what it printed (stdout) since the last call."""
        start = len(self.out.getvalue())
        self.shell.execute(line)
        return self.out.getvalue()[start:]


def make_context(url: str, *extra: str):
    from explorer.cli.context import Context
    from explorer.cli.main import global_parser

    options = global_parser().parse_args(["--url", url, "--no-pager", *extra])
    return Context(options, stderr=io.StringIO())


@pytest.fixture
def console(server, home):
    context = make_context(server.url, "--token", server.token)
    context.load_routes()
    try:
        yield Console(context)
    finally:
        context.close()
