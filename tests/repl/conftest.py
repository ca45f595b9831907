"""Fixtures of the shell's tests: a registry of the seed routes, a learned store, and a
shell over a context wired to the sandbox (``sandbox`` from tests/conftest.py), with
EXPLORER_HOME in a tmp dir."""

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
    # A route with declared query parameters (cursor paging, as Labstep's) and one with
    # a body schema, as a routes file or an OpenAPI document gives them.
    routes += [
        Route("GET", "/public/v1/protocols/:id?", query_params=("search", "cursor", "count")),
        Route("POST", "/public/v1/protocols", body_schema=PROTOCOL_BODY),
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

    options = global_parser().parse_args([f"--url={url}", "--no-pager", *extra])
    return Context(options, stderr=io.StringIO())


@pytest.fixture
def make_console(sandbox, home):
    """``make_console(*global_options, **shell_options)``: a new shell (and context) on
    the sandbox, with its token and any other options (``--routes=labstep``)."""
    contexts = []

    def make(*extra: str, **kwargs) -> Console:
        context = make_context(sandbox.url, f"--token={sandbox.token}", *extra)
        contexts.append(context)
        context.load_routes()
        return Console(context, **kwargs)

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def console(make_console):
    return make_console()
