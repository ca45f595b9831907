"""The credential the user gave goes where the operation's securitySchemes say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.auth import ApiKey, Basic, Bearer
from explorer.client.session import Client
from explorer.discovery.openapi import parse_openapi
from explorer.engine import Engine
from explorer.registry import Registry

DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"
SCHEMES = {
    "header": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "query": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
}
DOC = {
    "openapi": "3.0.3",
    "components": {"securitySchemes": SCHEMES},
    "security": [{"bearer": []}],
    "paths": {f"/{name}": {"get": {"operationId": name, "security": [{name: []}]}}
              for name in SCHEMES} | {"/default": {"get": {"operationId": "default"}},
                                      "/open": {"get": {"operationId": "open", "security": []}}},
}


class Recording(Client):
    def __init__(self, auth):
        super().__init__("http://127.0.0.1:9", auth=auth)
        self.built = []

    def send(self, spec, **kwargs):
        kwargs.pop("max_upload", None)
        self.built.append(self.build(spec, **kwargs))
        raise _Sent


class _Sent(Exception):
    pass


def wire(auth, command, doc=DOC):
    client = Recording(auth)
    engine = Engine(client, type("D", (), {"registry": Registry(parse_openapi(
        doc, warn=print))})())
    prepared = engine.prepare_command(command.split())
    with pytest.raises(_Sent):
        engine.send(prepared)
    built = client.built[0]
    client.close()
    return built.url, {k: v for k, v in built.headers.items() if k.lower() in (
        "authorization", "x-api-key", "cookie", "apikey")}


@pytest.mark.parametrize("auth", [ApiKey("k3y-secret"), Bearer("k3y-secret")])
def test_a_secret_goes_where_each_operation_says(auth):
    assert wire(auth, "header") == ("http://127.0.0.1:9/header", {"X-API-Key": "k3y-secret"})
    assert wire(auth, "query") == ("http://127.0.0.1:9/query?api_key=k3y-secret", {})
    assert wire(auth, "cookie") == ("http://127.0.0.1:9/cookie", {"Cookie": "session=k3y-secret"})
    assert wire(auth, "bearer") == ("http://127.0.0.1:9/bearer",
                                    {"Authorization": "Bearer k3y-secret"})
    assert wire(auth, "default")[1] == {"Authorization": "Bearer k3y-secret"}  # document-wide


def test_basic_goes_only_where_basic_is_taken_and_nothing_else_changes():
    basic = Basic("alice", "pw")
    assert wire(basic, "basic")[1] == {"Authorization": f"Basic {basic.encoded}"}
    assert wire(basic, "header")[1] == {"Authorization": f"Basic {basic.encoded}"}  # kept
    labstep = ApiKey("k3y-secret")
    assert wire(labstep, "open")[1] == {"apikey": "k3y-secret"}  # no auth needed: as given


def test_fastapis_generated_security():
    doc = json.loads((DATA / "fastapi" / "openapi.json").read_bytes())
    key = ApiKey("k3y-secret")
    assert wire(key, "get-plate-plates-plate-id-get 7", doc)[1] == {"X-API-Key": "k3y-secret"}
    assert wire(key, "list-plates-plates-get", doc)[1] == {"Authorization": "Bearer k3y-secret"}
