"""the shell now reads the discovery cache before its first prompt
(``ShellApp._setup_cached_routes``).  ``IndexFile.open`` and ``SpecStore.open`` open
their files with a plain ``os.open`` (no ``O_NONBLOCK``, no regular-file check, unlike
``read_bounded``), so a FIFO where the cache's ``.index`` or ``.spec`` file goes blocks
that open forever: the shell never shows its prompt (before, the cache was read behind
the prompt, which appeared)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

EXPLORER = Path(sys.executable).with_name("explorer")
SPEC = Path(__file__).parents[1] / "data" / "openapi" / "fastapi" / "openapi.json"
ARGS = ["--url", "http://127.0.0.1:9", "--spec", str(SPEC), "--no-pager"]


@pytest.mark.parametrize("suffix", [".index", ".spec"])
def test_a_fifo_in_the_discovery_cache_does_not_hang_the_shell_before_its_prompt(
        tmp_path, suffix):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(tmp_path), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               NO_COLOR="1")
    listed = subprocess.run([str(EXPLORER), *ARGS, "routes"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr  # parsed and cached
    (cached,) = (tmp_path / "cache" / "discovery").glob(f"*{suffix}")
    cached.unlink()
    os.mkfifo(cached)  # nobody ever writes to it
    child = pexpect.spawn(str(EXPLORER), ARGS, env=env, cwd=str(tmp_path),
                          dimensions=(40, 120), encoding="utf-8", codec_errors="replace")
    try:
        child.expect_exact("127.0.0.1:9/>", timeout=15)
    finally:
        child.terminate(force=True)
