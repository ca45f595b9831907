"""TLS and redirects: verification is on by default, ``--insecure`` is explicit and warns,
``--ca-bundle`` works; credentials never follow a redirect to another host. Token files
others can read get a warning; files holding credentials are 0600."""

from __future__ import annotations

import json
import stat

import pytest
from echoserver import EchoServer, self_signed

TOKEN = "tok-4f3a9c1d2e7b6a5f"
KEY = "key-9b8a7c6d5e4f3a2b"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate):
    with EchoServer(tls=certificate) as server:
        yield server


@pytest.fixture
def plain_server():
    with EchoServer() as server:
        yield server


def test_tls_is_verified_by_default(run, tls_server):
    result = run("--url", tls_server.url, f"--token={TOKEN}", "echo-headers", "list")
    assert result.returncode == 3
    assert result.err == (
        f"explorer: TLS error talking to {tls_server.url}: certificate verify failed "
        "(try --ca-bundle FILE)\n"
    )
    assert tls_server.seen == []  # the handshake failed: no request, no token, went out


def test_ca_bundle_verifies_the_server(run, tls_server, certificate):
    result = run("--url", tls_server.url, "--ca-bundle", str(certificate[0]),
                 f"--token={TOKEN}", "echo-headers", "list")
    assert result.returncode == 0, result.err
    assert result.err == ""
    assert json.loads(result.stdout)["Authorization"] == f"Bearer {TOKEN}"


def test_insecure_is_explicit_and_warns(run, tls_server):
    result = run("--url", tls_server.url, "--insecure", "echo-headers", "list")
    assert result.returncode == 0, result.err
    assert result.err == (
        "explorer: warning: TLS certificate verification is off (--insecure)\n"
    )


def test_insecure_from_a_profile_warns_too(run, tls_server):
    (run.home / "config").mkdir()
    (run.home / "config" / "config.toml").write_text(
        f'[profiles.lab]\nurl = "{tls_server.url}"\ninsecure = true\n'
    )
    result = run("--profile", "lab", "echo-headers", "list")
    assert result.returncode == 0, result.err
    assert "TLS certificate verification is off" in result.err


def test_a_missing_ca_bundle_is_a_usage_error(run, tls_server, tmp_path):
    missing = tmp_path / "nowhere.pem"
    result = run("--url", tls_server.url, "--ca-bundle", str(missing), "echo-headers", "list")
    assert result.returncode == 2
    assert result.err == f"explorer: --ca-bundle {missing}: no such file\n"


@pytest.mark.parametrize(("auth", "header"), [
    ([f"--token={TOKEN}"], "Authorization"),
    ([f"--api-key={KEY}"], "apikey"),
])
def test_credentials_do_not_follow_a_redirect_to_another_host(run, plain_server, auth, header):
    result = run("--url", plain_server.url, *auth, "redirect-host", "list")
    assert result.returncode == 0, result.err
    final = json.loads(result.stdout)
    assert final["Host"] == f"localhost:{plain_server.port}"  # it did go to the other host
    assert header not in final
    assert [s["path"] for s in plain_server.seen][-2:] == ["/redirect-host", "/echo-headers"]
    assert header in plain_server.seen[-2]  # sent to 127.0.0.1, as asked
    for seen in plain_server.seen:
        if seen["Host"].startswith("localhost"):
            assert header not in seen and TOKEN not in json.dumps(seen)


def test_credentials_do_follow_a_redirect_on_the_same_host(run, plain_server):
    result = run("--url", plain_server.url, f"--token={TOKEN}", "redirect-same", "list")
    assert result.returncode == 0, result.err
    assert json.loads(result.stdout)["Authorization"] == f"Bearer {TOKEN}"


def test_a_world_readable_token_file_gets_a_warning(run, plain_server):
    token_file = run.cwd / "token.txt"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o644)
    result = run("--url", plain_server.url, "--token-file", str(token_file),
                 "echo-headers", "list")
    assert result.returncode == 0
    assert result.err == (
        f"explorer: warning: token file {token_file} is readable by other users; "
        f"run: chmod 600 {token_file}\n"
    )
    assert json.loads(result.stdout)["Authorization"] == f"Bearer {TOKEN}"
    token_file.chmod(0o600)
    result = run("--url", plain_server.url, "--token-file", str(token_file),
                 "echo-headers", "list")
    assert result.returncode == 0
    assert result.err == ""


@pytest.mark.parametrize("token", [TOKEN + "\n", "  " + TOKEN + "\r\n"])
def test_a_pasted_token_with_a_line_break_is_sent_trimmed(run, plain_server, token):
    result = run("--url", plain_server.url, "echo-headers", "list",
                 env={"EXPLORER_TOKEN": token})
    assert result.returncode == 0, result.err
    assert json.loads(result.stdout)["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("token", ["tok en", "tok\nen", "tok\x00en"])
def test_a_token_that_cannot_be_sent_is_refused_without_quoting_it(run, plain_server, token):
    result = run("--url", plain_server.url, "-v", "echo-headers", "list",
                 env={"EXPLORER_TOKEN": token.replace("\x00", "\x01")})
    assert result.returncode == 2
    assert result.err == (
        "explorer: the token contains a space or a control character, so it cannot be sent "
        "in a header; check where it was copied from\n"
    )
    assert plain_server.seen == []


def test_a_profile_header_that_cannot_be_sent_names_the_header_not_the_value(run, plain_server):
    (run.home / "config").mkdir()
    config = run.home / "config" / "config.toml"
    config.write_text(
        f'[profiles.lab]\nurl = "{plain_server.url}"\n'
        f'headers = {{ "X-Secret" = "{KEY}\\n" }}\n'
    )
    config.chmod(0o600)  # a credential header: a readable config would get a warning too
    result = run("--profile", "lab", "-v", "echo-headers", "list")
    assert result.returncode == 2
    assert result.err == (
        "explorer: the X-Secret header cannot be sent: its value starts with a space or "
        "holds a line break or NUL\n"
    )
    assert KEY not in result.err


def test_login_saves_the_key_0600_and_never_the_password(run, sandbox):
    result = run("--url", sandbox.url, "--routes", "labstep", "login", "--username",
                 sandbox.username, "--password-stdin", input=sandbox.password.encode() + b"\n")
    assert result.returncode == 0, result.err
    credentials = run.home / "config" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    saved = credentials.read_text()
    assert sandbox.api_key in saved and sandbox.password not in saved
    assert sandbox.password not in result.out + result.err
    assert sandbox.api_key not in result.out + result.err
