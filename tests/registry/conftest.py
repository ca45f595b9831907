"""Seed routes for the registry tests: the LabOS and Labstep APIs of DESIGN.md."""

from __future__ import annotations

import pytest

from explorer.registry import Registry, Route

LABOS = [
    Route("GET", "/public/v1/instruments/:id?"),
    Route("POST", "/public/v1/instruments"),
    Route("PUT", "/public/v1/instruments/:id"),
    Route("PATCH", "/public/v1/instruments/:id"),
    Route("DELETE", "/public/v1/instruments/:id"),
    Route("GET", "/public/v1/instruments/:id/commands/:cid?"),
    Route("POST", "/public/v1/instruments/:id/commands"),
    Route("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
    Route("GET", "/public/v1/instruments/:id/actions/:aid"),
]

LABSTEP = [
    Route("POST", "/public-api/user/login"),
    Route("GET", "/api/generic/protocol/:id?"),
    Route("POST", "/api/generic/protocol"),
    Route("PUT", "/api/generic/protocol/:id"),
    Route("POST", "/api/generic/file/upload"),
]


@pytest.fixture
def labos_routes() -> list[Route]:
    return list(LABOS)


@pytest.fixture
def labstep_routes() -> list[Route]:
    return list(LABSTEP)


@pytest.fixture
def labos() -> Registry:
    return Registry(LABOS)


@pytest.fixture
def labstep() -> Registry:
    return Registry(LABSTEP)
