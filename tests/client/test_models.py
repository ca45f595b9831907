"""Response values: the declared charset, read once for every reader of the body."""

from __future__ import annotations

import pytest

from explorer.client.models import Response, charset_of


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/plain; charset=latin-1", "latin-1"),
        ('text/plain; Charset="ISO-8859-15"', "ISO-8859-15"),
        ("text/plain; charset=no-such-codec", "utf-8"),
        ("text/plain; charset=", "utf-8"),
        ("application/json", "utf-8"),
        ("", "utf-8"),
    ],
)
def test_charset_of(content_type, charset):
    assert charset_of(content_type) == charset


def test_response_charset_never_names_an_unknown_codec():
    response = Response(
        status=200,
        reason="OK",
        headers={"Content-Type": "text/plain; charset=x-unknown-1"},
        url="http://127.0.0.1/",
        elapsed=0.0,
        _content="é".encode(),
    )
    assert response.content.decode(response.charset) == "é"
