"""Each auth scheme on its own: what it sends, hides, records, fills and accepts, and
the one precedence rule between the places credentials come from."""

from __future__ import annotations

import base64

import pytest

from explorer.auth import (
    SCHEMES,
    ApiKey,
    Basic,
    Bearer,
    Place,
    by_placeholder,
    from_session,
    given_secrets,
    placeholder_for_authorization,
    recognise,
    resolve,
)
from explorer.errors import UsageError


def test_the_schemes_in_order_of_precedence():
    assert list(SCHEMES) == ["bearer", "apikey", "digest", "basic"]


@pytest.mark.parametrize(
    ("scheme", "headers", "recorded", "secrets"),
    [
        (Bearer("tok-1234"), {"Authorization": "Bearer tok-1234"},
         {"Authorization": "Bearer {{token}}"}, ["tok-1234"]),
        (ApiKey("key-5678"), {"apikey": "key-5678"}, {"apikey": "{{api_key}}"}, ["key-5678"]),
        (Basic("alice", "pw:with colon"),
         {"Authorization": "Basic " + base64.b64encode(b"alice:pw:with colon").decode()},
         {"Authorization": "Basic {{secret}}"},
         [base64.b64encode(b"alice:pw:with colon").decode(), "pw:with colon"]),
    ],
)
def test_headers_secrets_and_what_a_session_records(scheme, headers, recorded, secrets):
    assert scheme.headers() == headers
    assert scheme.recorded_headers() == recorded
    assert scheme.secrets == secrets
    assert "tok" not in repr(scheme) and "key-" not in repr(scheme) and "pw" not in repr(scheme)
    assert scheme.accepts(headers)
    assert scheme.accepts({k.lower(): v for k, v in headers.items()})
    assert type(scheme).presented(headers)
    assert not scheme.accepts({k: v + "x" for k, v in headers.items()})


def test_replay_fills_placeholders_from_the_scheme():
    pair = Basic("alice", "s3cret")
    assert pair.value("secret") == base64.b64encode(b"alice:s3cret").decode()
    assert pair.value("password") == "s3cret" and pair.value("username") == "alice"
    assert pair.value("token") is None
    assert Bearer("t0ken").value("token") == "t0ken" and Bearer("t0ken").value("api_key") is None
    assert ApiKey("k3y").value("api_key") == "k3y"


def test_basic_round_trips_through_its_encoded_form():
    pair = Basic("ünïcode", "pässwörd")
    assert Basic.from_value(pair.value("secret")) == pair
    with pytest.raises(UsageError, match="not a Basic credential"):
        Basic.from_value("not base64!")


def test_an_api_key_in_a_header_a_query_or_a_cookie():
    header = ApiKey("k 3y".replace(" ", ""), name="X-API-Key")
    assert header.headers() == {"X-API-Key": "k3y"} and header.query() == []
    query = ApiKey("a/b+c", name="api_key", where="query")
    assert query.headers() == {} and query.query() == ["api_key=a%2Fb%2Bc"]
    assert query.accepts({}, {"api_key": "a/b+c"})
    assert query.session_value() == {"type": "apikey", "name": "api_key", "in": "query"}
    cookie = ApiKey("c00kie", name="session", where="cookie")
    assert cookie.headers() == {"Cookie": "session=c00kie"}
    assert cookie.accepts({"cookie": "a=1; session=c00kie"})
    assert from_session(cookie.session_value()).recorded_headers() == {
        "Cookie": "session={{api_key}}"
    }
    for bad in ("", "a b", 'x"y', "a:b"):
        with pytest.raises(UsageError):
            ApiKey("k", name=bad)
    with pytest.raises(UsageError):
        ApiKey("k", where="body")


def test_a_session_header_names_a_template_of_its_scheme():
    assert from_session("bearer").recorded_headers() == {"Authorization": "Bearer {{token}}"}
    assert from_session("apikey").recorded_headers() == {"apikey": "{{api_key}}"}
    assert from_session("basic").recorded_headers() == {"Authorization": "Basic {{secret}}"}
    assert from_session(None) is None and from_session("kerberos") is None


def test_what_headers_carry_and_what_was_captured():
    assert recognise({"Authorization": "Bearer x"}) == "bearer"
    assert recognise({"Api-Key": "k"}) == "apikey"
    assert recognise({"authorization": "Basic eA=="}) == "basic"
    assert recognise({"Accept": "*/*"}) is None
    assert by_placeholder({"api_key": "k3y"}).headers() == {"apikey": "k3y"}
    assert by_placeholder({"token": "t0k"}).headers() == {"Authorization": "Bearer t0k"}
    assert by_placeholder({"id": "x"}) is None
    assert [placeholder_for_authorization(w) for w in ("", "Bearer", "BASIC", "Token")] == [
        "token", "token", "secret", "secret"]


def _place(kind, values, asked=None):
    def read_file(path):
        return f"from-file-{path}"

    return Place(kind, lambda: values, read_file, asked or (lambda prompt: None))


def test_precedence_options_environment_profile_saved():
    places = [
        _place("options", {}),
        _place("environment", {"EXPLORER_API_KEY": "env-key"}),
        _place("profile", {"token": "profile-token"}),
        _place("saved", {"api_key": "saved-key"}),
    ]
    assert resolve(places) == ApiKey("env-key")
    assert resolve(places[2:]) == Bearer("profile-token")
    assert resolve(places[3:]) == ApiKey("saved-key")
    assert resolve([_place("options", {"token_file": "t.txt"})]) == Bearer("from-file-t.txt")
    # in one place, the schemes' own order: --token before --api-key before --auth
    both = _place("options", {"auth": "u:p", "api_key": "k", "token": "t"})
    assert resolve([both]) == Bearer("t")
    assert resolve([_place("options", {"auth": "u:p", "api_key": "k"})]) == ApiKey("k")
    assert resolve([_place("saved", {"auth": "u:p"})]) is None  # passwords are never saved
    assert resolve([]) is None


def test_basic_asks_for_a_left_out_password_and_refuses_without_a_terminal():
    prompts = []

    def ask(prompt):
        prompts.append(prompt)
        return "typed-pw"

    assert resolve([_place("options", {"auth": "alice"}, ask)]) == Basic("alice", "typed-pw")
    assert prompts == ["password for alice: "]
    assert resolve([_place("options", {"auth": "alice:"}, ask)]) == Basic("alice", "")
    assert len(prompts) == 1  # an empty password is given, not left out
    with pytest.raises(UsageError, match="no terminal to ask"):
        resolve([_place("environment", {"EXPLORER_AUTH": "alice"})])
    with pytest.raises(UsageError, match="user name"):
        resolve([_place("options", {"auth": ":pw"})])


def test_the_secrets_given_for_a_run_are_known_before_anything_is_resolved():
    values = {"token": " tok-1234\n", "auth": "alice:pa55word", "EXPLORER_API_KEY": "k3y-9"}
    found = given_secrets(values.get)
    assert {"tok-1234", " tok-1234\n", "alice:pa55word", "pa55word", "k3y-9"} <= set(found)
    assert "alice" not in found
