"""Every exit code explorer uses is listed in ``explorer --help``, the README and
docs/reliability.md, 130 (interrupted) included."""

from __future__ import annotations

import re
from pathlib import Path

from explorer.cli.main import EXIT_INTERRUPTED
from explorer.errors import EXIT_4XX, EXIT_5XX, EXIT_OK, EXIT_OTHER, EXIT_UNREACHABLE, EXIT_USAGE

ROOT = Path(__file__).resolve().parents[2]
CODES = {
    EXIT_OK: "ok",
    EXIT_OTHER: "anything else",
    EXIT_USAGE: "usage",
    EXIT_UNREACHABLE: "unreachable or timed out",
    EXIT_4XX: "a 4xx answer",
    EXIT_5XX: "a 5xx answer",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


def _listed(text: str) -> dict[int, str]:
    """``{code: words}`` from an "exit codes: 0 ok, 2 usage, ..." passage."""
    start = text.lower().index("exit codes:")
    passage = " ".join(text[start:].split("\n\n")[0].split())
    passage = passage.split(":", 1)[1]
    found = {}
    for item in passage.split(","):
        match = re.match(r"\s*(\d+) (.+?)\.?$", item)
        if match:
            found[int(match[1])] = match[2]
    return found


def _agrees(found: dict[int, str]) -> None:
    assert sorted(found) == sorted(CODES)
    for code, words in CODES.items():
        assert found[code].startswith(words), (code, found[code])


def test_help_lists_every_exit_code(run):
    result = run("--help")
    assert result.returncode == 0
    _agrees(_listed(result.stdout))


def test_the_readme_and_the_reliability_page_list_every_exit_code():
    _agrees(_listed((ROOT / "README.md").read_text()))
    _agrees(_listed((ROOT / "docs" / "reliability.md").read_text()))
