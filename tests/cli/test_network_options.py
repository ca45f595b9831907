"""--proxy through a real forward proxy (proxy.py from PyPI), --cert/--cert-key against a
TLS server that requires a client certificate, and the cookie jar, end to end."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest
from ecoserver import EcoServer, certificates, mutual_tls


@pytest.fixture
def proxy(tmp_path):
    """proxy.py on a free port of 127.0.0.1, its access log in ``proxy.log``."""
    port_file, log = tmp_path / "proxy.port", tmp_path / "proxy.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
         "--port-file", str(port_file), "--num-workers", "1", "--num-acceptors", "1",
         "--log-file", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("proxy.py did not start")
            time.sleep(0.05)
        proxy_port = port_file.read_text().split()[0]
        process.url = f"http://127.0.0.1:{proxy_port}"
        process.log = log
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def logged(proxy, needle: str) -> bool:
    """Whether proxy.py's access log names ``needle`` (it writes it as the request ends)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proxy.log.exists() and needle in proxy.log.read_text():
            return True
        time.sleep(0.05)
    return False


def test_proxy_carries_every_request_and_a_dead_one_is_one_line(run, sandbox, proxy):
    options = ["--url", sandbox.url, "--token", sandbox.token, "--proxy", proxy.url]
    assert run(*options, "routes").returncode == 0  # /discover, through the proxy
    assert logged(proxy, f"GET {sandbox.url.removeprefix('http://')}/discover")
    names = run.json(*options, "instruments", "list", "limit==1", "--filter", "data[].name")
    assert len(names) == 1
    assert logged(proxy, "/public/v1/instruments?limit=1")
    dead = run("--url", sandbox.url, "--proxy", "http://127.0.0.1:1", "call", "GET", "/x")
    assert dead.returncode == 3
    assert "the proxy http://127.0.0.1:1 failed on the way to" in dead.stderr
    bad = run("--url", sandbox.url, "--proxy", "ftp://h", "call", "GET", "/x")
    assert bad.returncode == 2 and "not an http(s) proxy URL" in bad.stderr


def test_https_through_the_proxy_is_a_tunnel(run, proxy, tmp_path):
    paths = certificates(tmp_path)
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths["server_cert"], paths["server_key"])
    with EcoServer(tls=context) as server:
        got = run("--url", server.url, "--ca-bundle", str(paths["ca"]), "--proxy", proxy.url,
                  "call", "GET", "/cookies")
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout) == {"cookie": None}
    assert logged(proxy, "CONNECT 127.0.0.1:")


@pytest.fixture
def mtls(tmp_path):
    paths = certificates(tmp_path)
    with EcoServer(tls=mutual_tls(paths)) as server:
        server.paths = paths
        yield server


def test_a_client_certificate_opens_a_server_that_requires_one(run, mtls):
    p = mtls.paths
    base = ["--url", mtls.url, "--ca-bundle", str(p["ca"])]
    without = run(*base, "call", "GET", "/cookies", timeout=60)
    assert without.returncode == 3 and "explorer:" in without.stderr
    assert "Traceback" not in without.stderr
    pair = run(*base, "--cert", str(p["client_cert"]), "--cert-key", str(p["client_key"]),
               "call", "GET", "/cookies")
    assert pair.returncode == 0, pair.stderr
    one = run(*base, "--cert", str(p["client_pem"]), "call", "GET", "/cookies")
    assert one.returncode == 0, one.stderr
    stranger = run(*base, "--cert", str(p["stranger_cert"]), "--cert-key",
                   str(p["stranger_key"]), "call", "GET", "/cookies")
    assert stranger.returncode == 3


def test_bad_certificate_options_are_usage_errors(run, mtls, tmp_path):
    base = ["--url", mtls.url]
    missing = run(*base, "--cert", str(tmp_path / "none.pem"), "call", "GET", "/x")
    assert missing.returncode == 2 and "No such file" in missing.stderr
    encrypted = tmp_path / "enc.key"
    encrypted.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\nxx\n")
    enc = run(*base, "--cert", str(mtls.paths["client_cert"]), "--cert-key", str(encrypted),
              "call", "GET", "/x")
    assert enc.returncode == 2 and "encrypted" in enc.stderr
    alone = run(*base, "--cert-key", str(encrypted), "call", "GET", "/x")
    assert alone.returncode == 2 and "--cert-key goes with --cert" in alone.stderr


@pytest.fixture
def eco():
    with EcoServer() as server:
        yield server


def test_cookies_are_kept_per_profile_sent_back_and_never_recorded(run, eco, tmp_path):
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.eco]\nurl = "{eco.url}"\n')
    base = ["--profile", "eco"]
    assert run(*base, "call", "GET", "/cookies/set", "sid==secretsession42").returncode == 0
    jar = run.home / "data" / "cookies" / "eco.txt"
    assert stat.S_IMODE(jar.stat().st_mode) == 0o600
    assert stat.S_IMODE(jar.parent.stat().st_mode) == 0o700
    back = run.json(*base, "call", "GET", "/cookies")
    assert back == {"cookie": "sid=secretsession42"}
    verbose = run(*base, "-v", "call", "GET", "/cookies")
    assert "Cookie: ***" in verbose.stderr and "secretsession42" not in verbose.stderr
    session = tmp_path / "s.jsonl"
    recorded = run(*base, "--record", str(session), "call", "GET", "/cookies/set",
                   "sid==othersecret99")
    assert recorded.returncode == 0, recorded.stderr
    run(*base, "--record", str(session), "call", "GET", "/cookies")
    text = session.read_text()
    assert "othersecret99" not in text and "secretsession42" not in text
    assert "{{cookie}}" in text
    # --no-cookies: nothing sent, nothing kept
    assert run.json(*base, "--no-cookies", "call", "GET", "/cookies") == {"cookie": None}
    before = jar.read_text()
    run(*base, "--no-cookies", "call", "GET", "/cookies/set", "other==1")
    assert jar.read_text() == before


def test_another_server_never_gets_the_cookies(run, eco):
    run("--url", eco.url, "call", "GET", "/cookies/set", "sid==abcdefgh1234")
    assert run.json("--url", eco.url, "call", "GET", "/cookies") == {"cookie": "sid=abcdefgh1234"}
    with EcoServer() as other:
        assert run.json("--url", other.url, "call", "GET", "/cookies") == {"cookie": None}


def test_a_profiles_certificate_is_not_presented_elsewhere(run, mtls):
    p = mtls.paths
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.lab]\nurl = "{mtls.url}"\ncert = "{p["client_pem"]}"\n'
                      f'ca_bundle = "{p["ca"]}"\n')
    home = run("--profile", "lab", "call", "GET", "/cookies")
    assert home.returncode == 0, home.stderr
    with EcoServer(tls=mutual_tls(p)) as other:  # the same CA, another origin
        away = run("--profile", "lab", "--url", other.url, "call", "GET", "/cookies")
        assert away.returncode == 3  # no certificate offered: the handshake fails
