"""[settings] in one-shot commands: the pager and the highlight limit."""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from pathlib import Path

import pexpect
import pytest

from explorer.cli.context import Context
from explorer.cli.main import global_parser

EXPLORER = Path(sys.executable).with_name("explorer")


class FakeTTY:
    def isatty(self):
        return True

    def write(self, text):
        return len(text)

    def flush(self):
        pass


def _config(home: Path, text: str) -> None:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _context(*args: str) -> Context:
    options: Namespace = global_parser().parse_args(["--url", "http://127.0.0.1:9", *args])
    return Context(options)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    for name in ("EXPLORER_PAGER", "EXPLORER_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_pager_false_wins_over_pager_env(home, monkeypatch):
    monkeypatch.setenv("PAGER", "most")
    _config(home, "[settings]\npager = false\n")
    assert _context().output_env(stdout=FakeTTY()).pager is None


def test_configured_pager_and_highlight_limit(home, monkeypatch):
    monkeypatch.setenv("PAGER", "most")
    _config(home, '[settings]\npager = "more -s"\nhighlight_limit = 10\n')
    env = _context().output_env(stdout=FakeTTY())
    assert (env.pager, env.max_highlight_bytes) == ("more -s", 10)
    monkeypatch.setenv("EXPLORER_PAGER", "cat")
    assert _context().output_env(stdout=FakeTTY()).pager == "cat"
    assert _context("--no-pager").output_env(stdout=FakeTTY()).pager is None


def _spawn(home: Path, sandbox, pager_file: Path, *args: str) -> str:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_") and k != "NO_COLOR"
    }
    env.update(EXPLORER_HOME=str(home), TERM="xterm", PAGER=f"cat > '{pager_file}'")
    child = pexpect.spawn(
        str(EXPLORER),
        ["--url", sandbox.url, f"--token={sandbox.token}", *args],
        env=env,
        dimensions=(10, 100),
        encoding="utf-8",
        codec_errors="replace",
        timeout=30,
    )
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return out


def test_pager_false_in_a_one_shot_command_on_a_terminal(tmp_path, sandbox):
    paged = tmp_path / "paged.txt"
    _config(tmp_path, "[settings]\npager = false\n")
    out = _spawn(tmp_path, sandbox, paged, "instruments", "list", "limit==5")
    assert not paged.exists()
    assert '"data"' in out


def test_a_configured_pager_in_a_one_shot_command_on_a_terminal(tmp_path, sandbox):
    paged, chosen = tmp_path / "paged.txt", tmp_path / "chosen.txt"
    _config(tmp_path, f"[settings]\npager = \"cat > '{chosen}'\"\n")
    _spawn(tmp_path, sandbox, paged, "instruments", "list", "limit==5")
    assert not paged.exists()
    assert '"data"' in chosen.read_text()


def test_a_shared_config_is_warned_about_through_the_context(home):
    """The loaders' warnings go through Context.warn: redacted, and kept in
    context.warnings (the shell shows them the same way)."""
    _config(home, '[profiles.default]\ntoken = "tok-abcdef"\n')
    (home / "config" / "config.toml").chmod(0o644)
    context = _context()
    context.stderr = FakeTTY()
    assert context.config.profiles
    assert len(context.warnings) == 1
    assert "readable by other users" in context.warnings[0]
