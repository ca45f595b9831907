"""Redaction: headers, secret fields, query values, typed commands, known values in streams."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.sessions.redact import Redactor, secret_field

TOKEN = "tok-3f9a8b7c6d5e4f3a2b1c"
KEY = "key-0123456789abcdef"


def test_secret_headers_become_placeholders():
    r = Redactor()
    out = r.headers({"Authorization": f"Bearer {TOKEN}", "apikey": KEY, "Cookie": "sid=1",
                     "Set-Cookie": "sid=2; HttpOnly", "X-Trace": f"seen {TOKEN}",
                     "Accept": "application/json"})
    assert out == {"Authorization": "Bearer {{token}}", "apikey": "{{api_key}}",
                   "Cookie": "{{cookie}}", "Set-Cookie": "{{cookie}}",
                   "X-Trace": "seen {{token}}", "Accept": "application/json"}


def test_secret_fields_anywhere_in_json_and_their_values_everywhere_else():
    r = Redactor()
    body = {"user": {"username": "ada", "password": "hunter2-long", "api_key": KEY},
            "items": [{"token": TOKEN, "note": f"key is {KEY}"}], "count": 3}
    out = r.json(body)
    assert out == {"user": {"username": "ada", "password": "{{password}}",
                            "api_key": "{{api_key}}"},
                   "items": [{"token": "{{token}}", "note": "key is {{api_key}}"}],
                   "count": 3}
    assert r.text(f"GET /x?k={KEY}") == "GET /x?k={{api_key}}"
    assert body["user"]["password"] == "hunter2-long"  # the input is not changed


def test_known_secrets_from_the_profile_are_replaced_in_any_text():
    r = Redactor([TOKEN], names={TOKEN: "token"})
    assert r.text(f"a{TOKEN}b") == "a{{token}}b"
    assert r.data(TOKEN.encode() * 2) == b"{{token}}{{token}}"
    assert Redactor([KEY]).text(KEY) == "{{secret}}"


def test_query_values_and_typed_commands():
    r = Redactor()
    assert r.query(["limit=5", f"api_key={KEY}", "updatedAt>2023-01-01"]) == [
        "limit=5", "api_key={{api_key}}", "updatedAt>2023-01-01"]
    typed = "user login username=ada password=hunter2-long --token abcdefgh"
    assert r.command(typed) == "user login username=ada password={{password}} --token {{token}}"
    assert r.text("hunter2-long") == "{{password}}"


def test_field_names():
    assert secret_field("Password") == "password"
    assert secret_field("new_password") == "password"
    assert secret_field("apiKey".lower()) == "api_key"
    assert secret_field("access_token") == "token"
    assert secret_field("client_secret") == "secret"
    assert secret_field("name") is None and secret_field("token_count") is None


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.binary(max_size=200),
    suffix=st.binary(max_size=200),
    cuts=st.lists(st.integers(min_value=0, max_value=500), max_size=6),
)
def test_the_stream_redactor_catches_a_secret_split_across_chunks(prefix, suffix, cuts):
    r = Redactor([TOKEN], names={TOKEN: "token"})
    data = prefix + TOKEN.encode() + suffix
    stream = r.stream()
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    out = b"".join(stream.feed(data[a:b]) for a, b in itertools.pairwise(bounds))
    out += stream.finish()
    assert TOKEN.encode() not in out
    assert out == r.data(data)


def test_every_secret_header_of_explorer_secrets_is_redacted_and_learned():
    r = Redactor()
    out = r.headers({"X-Auth-Token": "supersecretvalue1", "X-Access-Token": "thirdsecret333",
                     "Api-Key": "fourthsecret44", "Proxy-Authorization": "Basic dXNlcjpwdw==",
                     "X-Note": "copied supersecretvalue1"})
    assert out == {"X-Auth-Token": "{{token}}", "X-Access-Token": "{{token}}",
                   "Api-Key": "{{api_key}}", "Proxy-Authorization": "Basic {{secret}}",
                   "X-Note": "copied {{token}}"}
    typed = "call GET /x X-Auth-Token:supersecretvalue1 'X-Access-Token:thirdsecret333'"
    assert r.command(typed) == "call GET /x X-Auth-Token:{{token}} 'X-Access-Token:{{token}}'"


def test_a_typed_authorization_item_keeps_its_scheme_and_never_teaches_the_scheme_word():
    for typed, expected in (
        ("call GET /x 'Authorization:Bearer abcdefgh123'",
         "call GET /x 'Authorization:Bearer {{token}}'"),
        ("call GET /x Authorization:Bearer abcdefgh123 limit==1",
         "call GET /x Authorization:Bearer {{token}} limit==1"),
        ('call GET /x "Authorization: Basic dXNlcjpwdw=="',
         'call GET /x "Authorization: Basic {{secret}}"'),
        ("call GET /x 'Authorization:Custom abcdefgh123'",
         "call GET /x 'Authorization:Custom {{secret}}'"),
        ("call GET /x Authorization:Bearer", "call GET /x Authorization:Bearer"),
    ):
        r = Redactor()
        assert r.command(typed) == expected
        assert not {"Bearer", "Basic", "Custom"} & set(r.known), r.known
        assert r.text("Authorization: Bearer x") == "Authorization: Bearer x"


def test_a_secret_learned_late_is_replaced_in_strings_only_never_by_field_name():
    r = Redactor()
    exchange = {"request": {"headers": {"Authorization": "Bearer {{token}}"},
                            "body": {"json": {"token": "abcdefgh123", "password": 1234}}},
                "command": "login note=abcdefgh123"}
    r.learn("abcdefgh123", "token")
    assert r.strings(exchange) == {
        "request": {"headers": {"Authorization": "Bearer {{token}}"},
                    "body": {"json": {"token": "{{token}}", "password": 1234}}},
        "command": "login note={{token}}"}


def test_a_form_body_is_redacted_component_by_component():
    r = Redactor()
    assert r.form("username=ada&password=hunter2+secret%21&remember=1") == (
        "username=ada&password={{password}}&remember=1")
    assert r.text("the password was hunter2 secret!") == "the password was {{password}}"
    assert r.text("hunter2+secret%21") == "{{password}}"
