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


class Raw:
    """A token written into the body as is: what ``json.dumps`` will not produce."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return f"Raw({self.token[:20]!r}{'...' if len(self.token) > 20 else ''})"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


#: strings with lone surrogates (sent as ``\ud800`` escapes), and one valid pair
SURROGATES = st.sampled_from(["\ud800", "a\udfff", "\udc00\ud800", "\udbff\udc00", "é"])
RAW = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400, '"\\ud800"',
     '{"\\udc00": 1}', nested(99), nested(100), nested(101), nested(5000)]
).map(Raw)  # fmt: skip
TEXT = st.text(max_size=5) | SURROGATES
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
    | RAW,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def dump(value) -> str:
    """``value`` as a JSON text (``NaN``/``Infinity`` as Python writes them), with
    :class:`Raw` tokens spliced in."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)
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


def _refuse(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


def _check(response_status: int, content_type: str, body: bytes, *, head: bool = False) -> None:
    assert response_status < 500, body
    if response_status >= 400 and not head:
        assert content_type.startswith("application/json")
        error = json.loads(body)
        assert error["code"] == response_status and error["message"]
    if body and content_type.startswith("application/json"):
        json.loads(body.decode("utf-8"), parse_constant=_refuse)  # strict, as JSON.parse


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
    data = b"" if body is None else dump(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    )
    response = raw_request(server.url, head.encode() + data)
    content_type = response.headers.get("content-type", "application/json")
    _check(response.status, content_type, response.body, head=method == "HEAD")


#: routes that read a JSON body, and a list to read back after each write
BODY_ROUTES = [
    ("POST", "/public/v1/instruments", "/public/v1/instruments"),
    ("PUT", "/public/v1/instruments/{iid}", "/public/v1/instruments/{iid}"),
    ("PATCH", "/public/v1/instruments/{iid}", "/public/v1/instruments/{iid}"),
    ("POST", "/public/v1/instruments/{iid}/commands", "/public/v1/instruments/{iid}/commands"),
    ("POST", "/api/generic/protocol", "/api/generic/protocol?count=50"),
    ("POST", "/api/generic/experiment", "/api/generic/experiment?count=50"),
    ("PUT", "/api/generic/protocol/1", "/api/generic/protocol/1"),
    ("POST", "/public-api/user/login", "/discover"),
]
#: bodies that are mostly valid, with one odd value somewhere
FIELDS = st.fixed_dictionaries(
    {"name": st.just("fuzz") | TEXT | JSON},
    optional={
        "description": TEXT | JSON,
        "tags": st.lists(TEXT, max_size=2) | JSON,
        "acl": st.dictionaries(TEXT, JSON, max_size=2),
        "action": st.just("prime") | TEXT,
        "params": st.dictionaries(TEXT, JSON, max_size=2),
        "username": TEXT,
        "password": TEXT,
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(BODY_ROUTES), body=FIELDS | JSON)
def test_random_json_bodies(server, seed_ids, route, body):
    method, target, readback = (part.format(**seed_ids) for part in route)
    data = dump(body).encode("utf-8", "surrogatepass")
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
        f"apikey: {server.api_key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    response = raw_request(server.url, head.encode() + data)
    _check(response.status, response.headers.get("content-type", ""), response.body)
    head = (
        f"GET {readback} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
        f"apikey: {server.api_key}\r\nConnection: close\r\n\r\n"
    )
    again = raw_request(server.url, head.encode())
    _check(again.status, again.headers.get("content-type", ""), again.body)


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
