"""docs/reliability.md names the test of each rule; every one it names must exist.

A cell names tests as ``path/test_file.py::test_name``, ``test_file.py::test_name``
(a file of the section's suite, found under tests/) and ``::test_name`` (the file named
last in the same cell, or the table's default file from its header)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
_REF = re.compile(r"((?:tests/)?[\w/]*test_\w+\.py)?::(test_\w+)")


def _files(name: str) -> list[Path]:
    if name.startswith("tests/"):
        return [ROOT / name]
    return sorted((ROOT / "tests").rglob(name))


def _named() -> list[tuple[str, str, int]]:
    """(file name or '', test name, line number) of every reference on the page."""
    found = []
    default = ""
    for number, line in enumerate(DOC.read_text().splitlines(), start=1):
        header = re.search(r"Test \(([\w/.]+?)(?: unless named)?\)", line)
        if header:
            default = header[1].rstrip(".")
            default = default.split("...")[0]
        if line.startswith("#"):
            default = ""
        for cell in line.split("|"):
            for part in cell.split(";"):
                last = ""
                for match in _REF.finditer(part):
                    if match[1]:
                        last = match[1]
                    name = last or (default if default.endswith(".py") else "")
                    found.append((name, match[2], number))
    return found


def test_every_test_the_page_names_exists():
    named = _named()
    assert len(named) > 100  # the page was read
    sources = {path: path.read_text() for path in (ROOT / "tests").rglob("test_*.py")}
    missing = []
    for name, test, number in named:
        candidates = _files(name) if name else list(sources)
        if not any(re.search(rf"^\s*(?:async )?def {test}\(", sources.get(path, ""), re.M)
                   for path in candidates):
            missing.append(f"line {number}: {name or '?'}::{test}")
    assert missing == []
