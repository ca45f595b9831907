"""How a front end hooks into a run's Context (in-process, no server needed): warnings
go to a subscribed handler instead of stderr, and stay with it across ``connect``;
the recorder is set and read through the context."""

from __future__ import annotations

import io

import pytest

from explorer.cli.context import Context
from explorer.cli.main import global_parser


@pytest.fixture
def home(tmp_path, monkeypatch):
    """EXPLORER_HOME in a tmp dir, and no server or credential from the environment."""
    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path / "home"))
    for name in ("EXPLORER_URL", "EXPLORER_TOKEN", "EXPLORER_API_KEY", "EXPLORER_PROFILE",
                 "EXPLORER_AUTH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


def _context(*args: str) -> Context:
    options = global_parser().parse_args(["--url=http://127.0.0.1:9", "--no-pager", *args])
    return Context(options, stderr=io.StringIO())


def test_a_subscribed_handler_shows_the_warnings_instead_of_stderr(home):
    context = _context("--token=s3cret-token")
    shown: list[str] = []
    context.subscribe_warnings(shown.append)
    context.warn("one")
    assert shown == ["one"] and context.warnings == ["one"]
    assert context.stderr.getvalue() == ""
    context.unsubscribe_warnings(shown.append)
    context.warn("two s3cret-token")
    assert shown == ["one"]
    assert context.stderr.getvalue() == "explorer: warning: two ***\n"  # printed, masked


def test_a_connected_context_keeps_the_handlers(home):
    context = _context()
    shown: list[str] = []
    context.subscribe_warnings(shown.append)
    other = context.connect(url="http://127.0.0.1:10")
    other.warn("from the other server")
    assert shown == ["from the other server"] and other.stderr.getvalue() == ""
    other.unsubscribe_warnings(shown.append)
    other.warn("printed")
    assert "explorer: warning: printed" in other.stderr.getvalue()
    assert shown == ["from the other server"]


def test_the_recorder_is_set_and_read_through_the_context(home, tmp_path):
    context = _context()
    assert context.active_recorder is None and context.routes_in_hand is None
    assert "engine" not in context.__dict__  # reading them built nothing
    from explorer.sessions.recorder import Recorder

    recorder = Recorder.open(tmp_path / "s.jsonl", base_url=context.base_url, secrets=[],
                             routes_fingerprint=None)
    try:
        assert context.set_recorder(recorder) is None
        assert context.active_recorder is recorder and context.engine.recorder is recorder
        assert context.set_recorder(None) is recorder
        assert context.active_recorder is None
    finally:
        recorder.close()
        context.close()
