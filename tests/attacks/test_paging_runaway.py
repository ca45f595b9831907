"""``--all`` against servers that would page forever, through the console script: one
that ignores ``skip`` (every page the same full page: explorer asked for page after
page, 22 a second, merging them all in memory, with MAX_PAGES at 100,000), and one whose
pages never end and always differ (stopped at ``settings.document_limit`` bytes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import QuietHandler, serving

EXPLORER = str(Path(sys.executable).with_name("explorer"))
PAGE = [{"id": str(i), "name": "x" * 50} for i in range(10)]


class _Endless(QuietHandler):
    def do_GET(self) -> None:
        self.server.asked += 1
        if self.path.startswith("/discover"):
            self.send_json({"data": [{"method": "GET", "path": "/things"}]})
        elif self.server.same:
            self.send_json({"data": PAGE})  # skip ignored: the same page every time
        else:
            n = self.server.asked
            self.send_json({"data": [{"id": f"{n}-{i}", "name": "x" * 50} for i in range(10)]})


@pytest.fixture
def server():
    with serving(_Endless) as server:
        server.asked = 0
        server.same = True
        yield server


def _run(home: Path, url: str) -> subprocess.CompletedProcess:
    config = home / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text("[settings]\ndocument_limit = 65536\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
           "NO_PROXY": "*", "LANG": "C.UTF-8", "EXPLORER_PAGER": ""}
    return subprocess.run([EXPLORER, "--url", url, "call", "GET", "/things", "--all"],
                          capture_output=True, env=env, cwd=home, timeout=60)


def test_a_server_that_repeats_its_page_ends_the_paging(tmp_path, server):
    result = _run(tmp_path, server.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == PAGE  # the repeated page is not merged
    assert b"--all: stopped after 1 pages: the server answered the same page again" \
        in result.stderr
    assert server.asked == 3  # /discover, the page, its repetition


def test_pages_past_the_document_limit_end_the_paging(tmp_path, server):
    server.same = False
    result = _run(tmp_path, server.url)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert 0 < len(json.dumps(items)) <= 65536
    assert b"the pages came to more than 65,536 bytes (settings.document_limit" \
        in result.stderr
    assert server.asked < 200
