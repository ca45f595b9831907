"""An OpenAPI document fetched from another host: the API's TLS settings apply to it,
its credentials do not."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from loopback import QuietHandler, serving

from explorer.client import Client, bearer
from explorer.discovery import SpecSource
from explorer.errors import TransportError

DOC = {"openapi": "3.0.0", "paths": {"/things": {"get": {}}}}


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("these tests need the openssl command (apt-get install openssl)")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def spec_server(cert):
    seen: list[dict[str, str]] = []

    class Handler(QuietHandler):
        def do_GET(self):
            seen.append(dict(self.headers.items()))
            self.send_json(DOC)

    with serving(Handler, tls=cert) as server:
        server.seen = seen
        server.spec_url = f"{server.url}/openapi.json"
        yield server


def _routes(client, url):
    source = SpecSource(url)
    fetched = source.fetch(client, None)
    return [(r.method, r.path) for r in source.parse(fetched.raw, lambda m: None)]


def test_ca_bundle_of_the_api_verifies_the_spec_host(spec_server, cert):
    client = Client("http://127.0.0.1:9", verify=str(cert[0]), auth=bearer("api-token"))
    assert _routes(client, spec_server.spec_url) == [("GET", "/things")]
    assert "api-token" not in str(spec_server.seen)


def test_insecure_applies_to_the_spec_host(spec_server):
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    client = Client("http://127.0.0.1:9", verify=False)
    assert _routes(client, spec_server.spec_url) == [("GET", "/things")]


def test_default_verification_refuses_a_self_signed_spec_host(spec_server):
    with pytest.raises(TransportError) as info:
        _routes(Client("http://127.0.0.1:9"), spec_server.spec_url)
    assert info.value.reason == "tls"


def test_sibling_client_keeps_tls_settings_and_drops_credentials():
    client = Client(
        "http://127.0.0.1:9", verify="/ca.pem", auth=bearer("t0k3n"), headers={"X-A": "1"},
        timeout=7, retries=1,
    )
    with client.sibling("https://elsewhere.example/openapi.json") as other:
        assert (other.verify, other.timeout, other.retries) == ("/ca.pem", 7, 1)
        assert other.auth is None and other.headers == {} and other.secrets == []
