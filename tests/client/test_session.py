"""The HTTP client against a real loopback server: what goes on the wire, and how
failures become the package's errors."""

from __future__ import annotations

import pytest

from explorer.client import Client, FileField, RequestSpec, api_key, bearer
from explorer.errors import EXIT_UNREACHABLE, ResponseError, TransportError, UsageError


def test_filter_goes_on_the_wire_verbatim(echo):
    client = Client(echo.url)
    spec = RequestSpec(
        "GET", "/public/v1/instruments", query=["updatedAt>2023-05-01", "family=@LiquidHandler"]
    )
    assert client.send(spec).status == 200
    assert (
        echo.seen[-1]["target"]
        == "/public/v1/instruments?updatedAt>2023-05-01&family=@LiquidHandler"
    )


def test_percent_encoded_path_is_not_re_encoded_or_decoded(echo):
    Client(echo.url).send(RequestSpec("GET", "/things/a%2Fb/x%20y"))
    assert echo.seen[-1]["target"] == "/things/a%2Fb/x%20y"


def test_bearer_and_apikey_headers(echo):
    Client(echo.url, auth=bearer("tok-123")).send(RequestSpec("GET", "/a"))
    assert echo.seen[-1]["headers"]["Authorization"] == "Bearer tok-123"
    Client(echo.url, auth=api_key("key-456")).send(RequestSpec("GET", "/a"))
    assert echo.seen[-1]["headers"]["apikey"] == "key-456"
    assert "Authorization" not in echo.seen[-1]["headers"]


def test_json_body_and_content_type(echo):
    Client(echo.url).send(RequestSpec("POST", "/a", json={"name": "HPLC 2"}))
    seen = echo.seen[-1]
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["body"] == b'{"name": "HPLC 2"}'


@pytest.mark.parametrize("auth", [bearer("secret-token"), api_key("secret-key")])
def test_credentials_are_not_sent_to_another_host_after_a_redirect(echo, auth):
    other = echo.url.replace("127.0.0.1", "localhost")
    client = Client(echo.url, auth=auth)
    client.send(RequestSpec("GET", f"/redirect?to={other}/landed"))
    first, second = echo.seen[-2], echo.seen[-1]
    assert second["target"] == "/landed"
    sent = auth.headers()
    assert sent and all(first["headers"].get(name) == value for name, value in sent.items())
    assert "Authorization" not in second["headers"]
    assert "apikey" not in second["headers"]


@pytest.mark.parametrize(
    "header", ["X-Auth-Token", "api-key", "x-access-token", "X-Api-Key", "Cookie", "APIKEY"]
)
def test_secret_profile_headers_are_not_sent_to_another_host_after_a_redirect(echo, header):
    other = echo.url.replace("127.0.0.1", "localhost")
    client = Client(echo.url, headers={header: "secret-value-1", "X-Client": "tests"})
    client.send(RequestSpec("GET", f"/redirect?to={other}/landed"))
    first, second = echo.seen[-2], echo.seen[-1]
    lowered = {k.lower(): v for k, v in first["headers"].items()}
    assert lowered[header.lower()] == "secret-value-1"
    assert second["target"] == "/landed"
    assert "secret-value-1" not in str(second["headers"])
    assert second["headers"]["X-Client"] == "tests"  # only secrets are dropped


def test_typed_secret_headers_are_not_sent_to_another_host_after_a_redirect(echo):
    other = echo.url.replace("127.0.0.1", "localhost")
    spec = RequestSpec(
        "GET", f"/redirect?to={other}/landed", headers={"x-auth-token": "typed-secret"}
    )
    Client(echo.url).send(spec)
    assert "typed-secret" in str(echo.seen[-2]["headers"])
    assert "typed-secret" not in str(echo.seen[-1]["headers"])


def test_secret_profile_header_values_are_listed_as_secrets():
    client = Client(
        "http://127.0.0.1:1",
        auth=bearer("tok-1"),
        headers={"X-Auth-Token": "hdr-secret", "Authorization": "Token abc-def", "X-Client": "a"},
    )
    assert set(client.secrets) == {"tok-1", "hdr-secret", "Token abc-def", "abc-def"}


def test_content_type_typed_in_lower_case_wins_over_the_default(echo):
    spec = RequestSpec("POST", "/a", json={"n": 1}, headers={"content-type": "text/plain"})
    Client(echo.url).send(spec)
    types = [v for k, v in echo.seen[-1]["headers"].items() if k.lower() == "content-type"]
    assert types == ["text/plain"]


def test_content_type_unset_with_an_empty_value_is_not_sent(echo):
    spec = RequestSpec("POST", "/a", json={"n": 1}, headers={"content-type": None})
    Client(echo.url).send(spec)
    assert not [k for k in echo.seen[-1]["headers"] if k.lower() == "content-type"]
    assert echo.seen[-1]["body"] == b'{"n": 1}'


def test_credentials_are_kept_on_a_same_host_redirect(echo):
    client = Client(echo.url, auth=bearer("secret-token"))
    client.send(RequestSpec("GET", f"/redirect?to={echo.url}/landed"))
    assert echo.seen[-1]["headers"]["Authorization"] == "Bearer secret-token"


def test_redirect_loop_is_a_response_error(echo):
    with pytest.raises(ResponseError, match="too many redirects"):
        Client(echo.url).send(RequestSpec("GET", "/loop"))


def test_only_idempotent_methods_are_retried(echo):
    client = Client(echo.url, retries=2)
    assert client.send(RequestSpec("GET", "/status/503")).status == 503
    gets = [s for s in echo.seen if s["method"] == "GET"]
    assert len(gets) == 3
    assert client.send(RequestSpec("POST", "/status/503", json={})).status == 503
    posts = [s for s in echo.seen if s["method"] == "POST"]
    assert len(posts) == 1


def test_refused_connection_is_a_transport_error(closed_port):
    client = Client(f"http://127.0.0.1:{closed_port}", retries=0)
    with pytest.raises(TransportError, match="connection refused") as info:
        client.send(RequestSpec("GET", "/x"))
    assert info.value.exit_code == EXIT_UNREACHABLE
    assert info.value.reason == "refused" and info.value.unreachable


def test_timeout_is_a_transport_error_and_not_retried(echo):
    client = Client(echo.url, timeout=0.5)
    with pytest.raises(TransportError, match="did not answer within 0.5 s") as info:
        client.send(RequestSpec("GET", "/slow"))
    assert info.value.reason == "timeout"
    assert len([s for s in echo.seen if s["target"] == "/slow"]) == 1


def test_connect_timeout_names_the_connect_limit(monkeypatch):
    """The connect phase has its own, shorter limit: the message must say which."""
    import socket

    from explorer.client import session

    monkeypatch.setattr(session, "CONNECT_TIMEOUT", 0.3)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):  # fills the backlog
            client = Client(f"http://127.0.0.1:{port}", timeout=5, retries=0)
            with pytest.raises(TransportError) as info:
                client.send(RequestSpec("GET", "/x"))
    assert info.value.reason == "timeout"
    assert "within 0.3 s" in str(info.value) and "5 s" not in str(info.value)


def test_body_cut_off_reason_is_reset(echo):
    response = Client(echo.url).send(RequestSpec("GET", "/cut"))
    with pytest.raises(TransportError) as info:
        response.content  # noqa: B018
    assert info.value.reason == "reset" and not info.value.unreachable


def test_body_cut_off_is_a_transport_error_when_read(echo):
    response = Client(echo.url).send(RequestSpec("GET", "/cut"))
    assert response.status == 200
    with pytest.raises(TransportError, match="lost while reading the body"):
        response.content  # noqa: B018


def test_not_an_http_url():
    with pytest.raises(UsageError, match="not an http"):
        Client("ftp://example.com")


def test_multipart_upload_is_streamed_with_a_length(echo, tmp_path):
    data = tmp_path / "plate.csv"
    data.write_bytes(b"a,b\n1,2\n" * 1000)
    spec = RequestSpec(
        "POST", "/upload", form={"experiment_id": "7"}, files=[FileField("file", str(data))]
    )
    Client(echo.url).send(spec)
    seen = echo.seen[-1]
    ctype = seen["headers"]["Content-Type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    assert int(seen["headers"]["Content-Length"]) == len(seen["body"])
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + seen["body"]
    )
    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
    assert parts["experiment_id"].get_content() == "7"
    assert parts["file"].get_filename() == "plate.csv"
    assert parts["file"].get_payload(decode=True) == data.read_bytes()


def test_upload_over_the_known_limit_is_refused_before_sending(echo, tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(2000)
    spec = RequestSpec("POST", "/upload", files=[FileField("file", str(big))])
    with pytest.raises(UsageError, match="over the server's limit of 1,000 bytes"):
        Client(echo.url).send(spec, max_upload=1000)
    assert echo.seen == []


def test_missing_upload_file_is_a_usage_error(echo, tmp_path):
    spec = RequestSpec("POST", "/upload", files=[FileField("file", str(tmp_path / "nope"))])
    with pytest.raises(UsageError, match="no such file"):
        Client(echo.url).send(spec)
    assert echo.seen == []


def test_a_part_gives_the_name_it_is_told_with_control_characters_encoded(echo, tmp_path):
    """A replayed upload names the file it was recorded as, and that name is data from
    a session file: quotes, line breaks and escape sequences cannot leave its quotes."""
    data = tmp_path / "copy.csv"
    data.write_bytes(b"a,b\n")
    hostile = 'plate "1"\r\nX-Injected: yes\x1b[31m\x00.csv'
    spec = RequestSpec("POST", "/upload", files=[FileField("file", str(data),
                                                            filename=hostile)])
    Client(echo.url).send(spec)
    body = echo.seen[-1]["body"]
    head = body.split(b"\r\n\r\n", 1)[0]
    assert b'filename="plate %221%22%0D%0AX-Injected: yes%1B[31m%00.csv"' in head
    assert b"\r\nX-Injected" not in body and b"\x1b" not in head
    assert FileField("f", "/tmp/x/copy.csv").name == "copy.csv"  # else the file's own
