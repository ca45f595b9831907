"""Random input never gets a 5xx: every answer is a success or a 4xx error object, and
the server keeps serving."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_helpers import raw_request

from explorer.sandbox import SandboxServer

SEGMENTS = st.sampled_from(
    ["public", "v1", "instruments", "commands", "actions", "kill", "families", "labware",
     "api", "generic", "protocol", "experiment", "file", "upload", "discover", "_sandbox",
     "%zz", "%2F", "%C3%A9", "", "..", "x", "1", "-1", "%00", "é"]
)  # fmt: skip
#: real routes, with the seed's first instrument and one of its commands
TEMPLATES = [
    "/public/v1/instruments",
    "/public/v1/instruments/{iid}",
    "/public/v1/instruments/{iid}/commands",
    "/public/v1/instruments/{iid}/commands/{cid}",
    "/public/v1/instruments/{iid}/commands/{cid}/kill",
    "/public/v1/instruments/{iid}/actions",
    "/public/v1/families",
    "/api/generic/protocol",
    "/api/generic/experiment/1",
    "/api/generic/file/upload",
    "/public-api/user/login",
    "/_sandbox/families/labware",
    "/discover",
]
KEYS = st.sampled_from(
    ["name", "sort", "limit", "skip", "fields", "updatedAt", "slots", "actions.action",
     "count", "cursor", "is_deleted", "x", "", "%3E"]
)  # fmt: skip
OPERATORS = st.sampled_from(["=", "!=", ">", "<", ">=", "<=", "", "=="])
QUERY = st.lists(
    st.tuples(KEYS, OPERATORS, st.text(alphabet="ab1-,.@%zZ+& é", max_size=8)), max_size=4
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
BODY_KEYS = st.sampled_from(
    ["name", "description", "tags", "acl", "family", "status", "slots", "actions", "action",
     "params", "protocol_id", "deleted_at", "username", "password", "id", "wells"]
)  # fmt: skip


@pytest.fixture(scope="module")
def server():
    with SandboxServer().start() as running:
        yield running


@pytest.fixture(scope="module")
def seed_ids(server):
    headers = {"Authorization": f"Bearer {server.token}"}
    base = server.url + "/public/v1/instruments"
    iid = requests.get(base + "?limit=1", headers=headers).json()["data"][0]["id"]
    cid = requests.get(f"{base}/{iid}/commands", headers=headers).json()["data"][0]["id"]
    return {"iid": iid, "cid": cid}


@pytest.fixture(scope="module")
def session(server):
    with requests.Session() as s:
        s.trust_env = False
        s.headers["Authorization"] = f"Bearer {server.token}"
        yield s


def _check(response_status: int, content_type: str, body: bytes, *, head: bool = False) -> None:
    assert response_status < 500, body
    if response_status >= 400 and not head:
        assert content_type.startswith("application/json")
        error = json.loads(body)
        assert error["code"] == response_status and error["message"]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    segments=st.lists(SEGMENTS, min_size=1, max_size=6) | st.sampled_from(TEMPLATES),
    query=QUERY,
    body=st.none() | st.dictionaries(BODY_KEYS, JSON, max_size=4) | JSON,
)
def test_random_requests(server, session, seed_ids, method, segments, query, body):
    path = segments.format(**seed_ids) if isinstance(segments, str) else "/" + "/".join(segments)
    if query:
        path += "?" + "&".join(k + op + v for k, op, v in query)
    data = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    )
    response = raw_request(server.url, head.encode() + data)
    content_type = response.headers.get("content-type", "application/json")
    _check(response.status, content_type, response.body, head=method == "HEAD")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_random_bytes_on_the_wire(server, session, data):
    try:
        response = raw_request(server.url, data + b"\r\n\r\n", timeout=5)
    except (OSError, ValueError):
        pass  # hanging up on garbage is fine; the check is that the server survives
    else:
        _check(response.status, response.headers.get("content-type", ""), response.body)
    assert session.get(server.url + "/public/v1/instruments?limit=1", timeout=10).status_code == 200


def test_no_handler_failed(server, session):
    assert session.get(server.url + "/discover").status_code == 200
    assert server.failures == []
