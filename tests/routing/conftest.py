"""Fixtures for the route-pattern tests: the vector file copied into tests/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def vector_file() -> dict:
    with (DATA / "route-patterns.json").open(encoding="utf-8") as fh:
        return json.load(fh)
