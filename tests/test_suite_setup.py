"""The suite's own set-up: what ``./scripts/test`` relies on to stay under four minutes."""

from __future__ import annotations

import os

import pytest


@pytest.mark.xdist_group("suite-setup")
def test_xdist_groups_the_tests_that_share_an_expensive_fixture(request):
    """Under ``--dist loadgroup`` pytest-xdist sends an ``xdist_group`` test to its group's
    worker by adding ``@GROUP`` to its node id.  pytest 9.2 moved the id (``Node._id``)
    and xdist 3.8 still writes ``Node._nodeid``: grouping stopped in silence and each of
    the three 100,000-route tests built the shared fixture in another worker (pinned in
    pyproject.toml).  Outside xdist there are no groups, and the id is the plain one."""
    grouping = bool(os.environ.get("PYTEST_XDIST_WORKER")) and getattr(
        request.config.option, "loadgroup", False)
    expected = "@suite-setup" if grouping else ""
    assert request.node.nodeid == f"tests/test_suite_setup.py::{request.node.name}{expected}", (
        "pytest-xdist does not group tests with this pytest: see the pin in pyproject.toml")
