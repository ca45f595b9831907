"""HTTP Digest (RFC 7616): the answer to a challenge, checked against the RFC's own
example; which place chooses it.  End to end: tests/cli/test_digest_auth.py."""

from __future__ import annotations

import importlib

import pytest

from explorer.auth import Basic, Digest, Place, resolve

digest_module = importlib.import_module("explorer.auth.digest")

RFC_CHALLENGE = ('Digest realm="http-auth@example.org", qop="auth, auth-int", '
                 'algorithm={algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
                 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')
RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


@pytest.mark.parametrize(("algorithm", "response"), [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_the_answer_is_the_one_of_rfc_7616s_example(monkeypatch, algorithm, response):
    monkeypatch.setattr(digest_module, "_cnonce", lambda: RFC_CNONCE)
    scheme = Digest("Mufasa", "Circle of Life")
    answer = scheme.respond(RFC_CHALLENGE.format(algorithm=algorithm), "GET",
                           "http://www.example.org/dir/index.html")
    value = answer["Authorization"]
    assert value.startswith('Digest username="Mufasa", realm="http-auth@example.org"')
    assert f'response="{response}"' in value
    assert 'uri="/dir/index.html"' in value and "nc=00000001" in value
    assert 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"' in value
    assert "Circle of Life" not in value


def test_what_it_does_not_answer():
    scheme = Digest("u", "p")
    url = "http://h/"
    assert scheme.respond('Basic realm="x"', "GET", url) is None
    assert scheme.respond('Digest realm="x", nonce="n", qop="auth-int"', "GET", url) is None
    assert scheme.respond('Digest realm="x", nonce="n", algorithm=SHA-1', "GET", url) is None
    assert scheme.headers() == {} and "p" not in repr(scheme)
    offered = scheme.respond('Basic realm="b", Digest realm="x", nonce="n"', "GET", "http://h/a")
    assert offered is not None  # several schemes offered in one header


def test_auth_type_chooses_digest_over_basic_in_each_place():
    def place(kind, values):
        return Place(kind, lambda: values, lambda path: "")

    assert isinstance(resolve([place("options", {"auth": "u:p"})]), Basic)
    chosen = resolve([place("options", {"auth": "u:p", "auth_type": "digest"})])
    assert isinstance(chosen, Digest) and chosen.username == "u"
    env = resolve([place("environment", {"EXPLORER_AUTH": "u:p", "EXPLORER_AUTH_TYPE": "digest"})])
    assert isinstance(env, Digest)
    profile = resolve([place("profile", {"auth": "u:p", "auth_type": "digest"})])
    assert isinstance(profile, Digest)
