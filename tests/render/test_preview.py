"""``--offline`` and ``--curl``: the request as it would go, credentials masked."""

from __future__ import annotations

import shlex

from explorer.auth import Bearer
from explorer.client import Client, RequestSpec
from explorer.client.models import FileField
from explorer.render.preview import curl_command, http_text


def built(spec: RequestSpec, **client):
    c = Client("http://alice:pw1234@127.0.0.1:9/base", auth=Bearer("tok-123456"), **client)
    return c.build(spec), c


def test_http_text_masks_credentials_unless_asked():
    spec = RequestSpec("POST", "/x", query=["access_token=zzz999", "limit=5"],
                       headers={"X-Api-Key": "k-777777"}, json={"user": "a", "password": "p1"})
    request, _ = built(spec)
    text = http_text(request, spec, redact=lambda t: t.replace("pw1234", "***"))
    assert text.startswith("POST /base/x?access_token=***&limit=5 HTTP/1.1\nHost: 127.0.0.1:9\n")
    assert "Authorization: Bearer ***" in text and "X-Api-Key: ***" in text
    assert '"password": "***"' in text
    for secret in ("tok-123456", "k-777777", "zzz999", "pw1234", '"p1"'):
        assert secret not in text
    clear = http_text(request, spec, show_secrets=True)
    assert "Authorization: Bearer tok-123456" in clear and '"password": "p1"' in clear


def test_curl_words_are_each_one_literal_shell_word():
    hostile = "$(touch /tmp/x)'`id`\";ls"
    spec = RequestSpec("POST", "/a%20b/[x]/../y", headers={"X-N": hostile},
                       json={"v": hostile + "\n"})
    request, _ = built(spec)
    line = curl_command(request, spec, show_secrets=True)
    words = shlex.split(line)
    assert words[:4] == ["curl", "--globoff", "--path-as-is", "-X"]
    assert f"X-N: {hostile}" in words
    assert words[words.index("--data-raw") + 1] == '{"v": "$(touch /tmp/x)\'`id`\\";ls\\n"}'
    assert words[-1] == "http://127.0.0.1:9/base/a%20b/[x]/../y"  # no userinfo


def test_curl_sends_form_values_as_strings_and_files_quoted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'we"ird.csv').write_text("a,b\n")
    spec = RequestSpec("POST", "/up", form={"note": "@/etc/passwd", "password": "p"},
                       files=[FileField("file", 'we"ird.csv', "text/csv")])
    request, _ = built(spec)
    words = shlex.split(curl_command(request, spec))
    assert words[words.index("--form-string") + 1] == "note=@/etc/passwd"  # never read
    assert "password=***" in words
    assert 'file=@"we\\"ird.csv";type=text/csv' in words
    assert not any(w.lower().startswith("content-type: multipart") for w in words)


def test_a_raw_body_starting_with_an_at_sign_is_sent_as_data_not_read_as_a_file():
    """``--data-binary @x`` makes curl read the file x; the printed line must send the
    body's own bytes, as the curl export does (``--data-raw``)."""
    spec = RequestSpec("POST", "/notes", data=b"@/etc/passwd",
                       headers={"Content-Type": "text/plain"})
    request, _ = built(spec)
    words = shlex.split(curl_command(request, spec))
    assert words[words.index("@/etc/passwd") - 1] == "--data-raw"
    assert "--data-binary" not in words


def test_curl_goes_the_way_the_client_would():
    from explorer.render.preview import connection_words

    spec = RequestSpec("GET", "/x")
    request, client = built(spec, verify=False, proxy="http://bob:pr0xypw@127.0.0.1:3128",
                            cert=("/certs/my client.pem", "/certs/$(id).key"), max_time=7.5)
    words = shlex.split(curl_command(request, spec,
                                     connection=connection_words(client)))
    assert words[:2] == ["curl", "--insecure"]
    assert words[words.index("--proxy") + 1] == "http://bob:***@127.0.0.1:3128"
    assert words[words.index("--cert") + 1] == "/certs/my client.pem"  # one word each
    assert words[words.index("--key") + 1] == "/certs/$(id).key"
    assert words[words.index("--max-time") + 1] == "7.5"
    assert words[-1] == "http://127.0.0.1:9/base/x"
    clear = connection_words(client, show_secrets=True)
    assert clear[clear.index("--proxy") + 1] == "http://bob:pr0xypw@127.0.0.1:3128"
    _, checked = built(spec, verify="/etc/ssl/my-ca.pem", cert="/certs/both.pem")
    assert connection_words(checked) == ["--cacert", "/etc/ssl/my-ca.pem",
                                         "--cert", "/certs/both.pem"]
    _, plain = built(spec)
    assert connection_words(plain) == []


def test_curl_masks_a_proxy_password_no_url_parser_finds():
    from explorer.render.preview import connection_words

    for proxy, shown in (("http://bob:12/x@proxy:3128", "http://bob:***@proxy:3128"),
                         ("http://TOKEN-only-9@proxy:1", "http://***@proxy:1"),
                         ("http://a:b@c@proxy:2", "http://a:***@proxy:2")):
        _, client = built(RequestSpec("GET", "/x"), proxy=proxy)
        words = connection_words(client)
        assert words[words.index("--proxy") + 1] == shown
