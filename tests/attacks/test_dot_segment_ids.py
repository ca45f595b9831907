"""An id that is ``.`` or ``..`` never becomes a path segment of its own: percent-
encoding leaves dots alone, so ``things delete ..`` (an id typed, or taken from a hostile
server's listing by the shell's completion) sent ``DELETE /things/..``, which a server
or proxy folds into ``DELETE /things`` or above.  Through the console script and the
shell, against a loopback server that keeps every request line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from loopback import QuietHandler, serving

EXPLORER = str(Path(sys.executable).with_name("explorer"))
ROUTES = {"data": [{"method": "GET", "path": "/things/:id"},
                   {"method": "DELETE", "path": "/things/:id"}]}


class _Keeper(QuietHandler):
    def _any(self) -> None:
        if self.path.startswith("/discover"):
            self.send_json(ROUTES)
            return
        self.server.lines.append(f"{self.command} {self.path}")
        self.send_json({})

    do_GET = do_DELETE = _any


@pytest.fixture
def server():
    with serving(_Keeper) as server:
        server.lines = []
        yield server


def _env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
            "NO_PROXY": "*", "LANG": "C.UTF-8", "EXPLORER_PAGER": ""}


@pytest.mark.parametrize("value", ["..", "."])
def test_a_dot_id_is_refused_and_nothing_is_sent(tmp_path, server, value):
    result = subprocess.run([EXPLORER, "--url", server.url, "things", "delete", value],
                            capture_output=True, text=True, env=_env(tmp_path),
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"parameter 'id' cannot be '{value}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert server.lines == []


def test_ids_with_dots_inside_are_sent_and_the_shell_refuses_dots_and_goes_on(
        tmp_path, server):
    for value in ("...", "a..b", ".x"):
        result = subprocess.run([EXPLORER, "--url", server.url, "things", "delete", value],
                                capture_output=True, env=_env(tmp_path), cwd=tmp_path,
                                timeout=60)
        assert result.returncode == 0, result.stderr
    assert server.lines == ["DELETE /things/...", "DELETE /things/a..b", "DELETE /things/.x"]
    shell = subprocess.run([EXPLORER, "--url", server.url, "shell"],
                           input="things delete ..\nthings get ok\n", capture_output=True,
                           text=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)
    assert "parameter 'id' cannot be '..'" in shell.stdout + shell.stderr
    assert server.lines[3:] == ["GET /things/ok"]
