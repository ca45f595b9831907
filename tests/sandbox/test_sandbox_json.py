"""Strict JSON bodies: lone surrogates, NaN/Infinity, numbers that overflow a double and
deep nesting are a 400 error object at parse time with nothing stored, and a reply that
cannot be encoded is a 500 error object, never an empty answer."""

from __future__ import annotations

import json

import pytest
import requests
from sandbox_helpers import assert_error

from explorer.sandbox import SandboxServer
from explorer.sandbox.labos import LabOS
from explorer.sandbox.wire import MAX_DEPTH, Reply

INSTRUMENTS = "/public/v1/instruments"
SAMPLES = "/public/v1/samples"
PROTOCOLS = "/api/generic/protocol"
LOGIN = "/public-api/user/login"
JSON = {"Content-Type": "application/json"}


def strict(text: str):
    """Parse as JSON.parse would: NaN and Infinity are not JSON."""

    def refuse(name: str):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BAD_BODIES = [
    (rb'{"name": "p\ud800"}', "lone surrogate"),
    (rb'{"name": "p\udfff tail"}', "lone surrogate"),
    (rb'{"name": "x", "tags": ["ok", "\udc00"]}', "lone surrogate"),
    (rb'{"name": "x", "acl": {"\ud800": 1}}', "lone surrogate"),
    (rb'{"name": "x", "acl": {"x": NaN}}', "malformed JSON"),
    (rb'{"name": "x", "acl": {"x": Infinity}}', "malformed JSON"),
    (rb'{"name": "x", "acl": {"x": -Infinity}}', "malformed JSON"),
    (rb'{"name": "x", "acl": {"x": 1e400}}', "out of range"),
    (rb'{"name": "x", "acl": {"x": -1.5e999}}', "out of range"),
    (b'{"name": "x", "acl": {"x": 1' + b"0" * 400 + b"}}", "out of range"),
    (b'{"name": "x", "acl": {"a": ' + nested(5000).encode() + b"}}", "nested deeper"),
    (b'{"name": "x", "acl": {"a": ' + nested(MAX_DEPTH).encode() + b"}}", "nested deeper"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_labos_refuses_non_json_values_and_stores_nothing(sandbox, labos, body, message):
    assert len(body) < 1024 * 1024  # within the body limit: refused for what it is
    before = labos.get(INSTRUMENTS).text
    error = assert_error(labos("POST", INSTRUMENTS, data=body, headers=JSON), 400)
    assert message in f"{error['message']} {error.get('details', '')}", error
    first = strict(before)["data"][0]["id"]
    assert_error(labos("PUT", f"{INSTRUMENTS}/{first}", data=body, headers=JSON), 400)
    assert_error(labos("PATCH", f"{INSTRUMENTS}/{first}", data=body, headers=JSON), 400)
    after = labos.get(INSTRUMENTS)
    assert after.status_code == 200 and after.text == before  # nothing stored or changed
    assert sandbox.failures == []


@pytest.mark.parametrize(
    "value", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b'"\\ud800"', nested(400).encode()]
)
def test_samples_and_labstep_refuse_them_too(sandbox, labos, labstep, value):
    sandbox.enable_family("samples")
    before = labos.get(SAMPLES).text
    body = b'{"name": "s", "volume": ' + value + b"}"
    assert_error(labos("POST", SAMPLES, data=body, headers=JSON), 400)
    assert labos.get(SAMPLES).text == before
    strict(before)

    listed = labstep.get(PROTOCOLS + "?count=50").text
    body = b'{"name": ' + value + b"}"
    assert_error(labstep("POST", PROTOCOLS, data=body, headers=JSON), 400)
    again = labstep.get(PROTOCOLS + "?count=50")
    assert again.status_code == 200 and again.text == listed
    assert sandbox.failures == []


@pytest.mark.parametrize(
    "body",
    [
        rb'{"username": "\ud800", "password": "x"}',
        rb'{"username": "demo@example.com", "password": "\udfff"}',
        b'{"username": "demo@example.com", "password": NaN}',
        b'{"username": ' + nested(3000).encode() + b', "password": "x"}',
    ],
)
def test_login_with_a_bad_value_is_a_4xx_error_object(sandbox, body):
    response = requests.post(sandbox.url + LOGIN, data=body, headers=JSON, timeout=10)
    assert_error(response, 400)
    assert sandbox.failures == []


def test_valid_escapes_numbers_and_nesting_are_kept(labos):
    deep = nested(MAX_DEPTH - 3)  # the body object and acl add levels
    body = (
        b'{"name": "smile \\ud83d\\ude00 \\u00e9", "acl": {"big": 1.5e300, "int": 1'
        + b"0" * 300
        + b', "deep": '
        + deep.encode()
        + b"}}"
    )
    response = labos("POST", INSTRUMENTS, data=body, headers=JSON)
    assert response.status_code == 201, response.text
    doc = strict(response.text)
    assert doc["name"] == "smile \U0001f600 \u00e9"
    assert doc["acl"]["big"] == 1.5e300 and doc["acl"]["int"] == 10**300
    assert labos.get(f"{INSTRUMENTS}/{doc['id']}").json() == doc


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "lone \ud800"])
def test_a_reply_that_cannot_be_encoded_is_a_500_object_not_an_empty_answer(monkeypatch, bad):
    def broken(self, request):
        return Reply(200, {"value": bad})

    monkeypatch.setattr(LabOS, "get_actions", broken)
    with SandboxServer().start() as server, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {server.token}"
        first = session.get(server.url + INSTRUMENTS + "?limit=1").json()["data"][0]
        response = session.get(f"{server.url}{INSTRUMENTS}/{first['id']}/actions", timeout=10)
        assert_error(response, 500, message="internal server error")
        assert len(server.failures) == 1
        assert session.get(server.url + INSTRUMENTS + "?limit=1").status_code == 200
