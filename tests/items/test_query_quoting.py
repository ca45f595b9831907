"""quote_query: filters verbatim, only what cannot be in a query is encoded."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.items import quote_query
from explorer.items.quoting import QUERY_SAFE


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("updatedAt>2023-05-01", "updatedAt>2023-05-01"),
        ("updatedAt<=2023-05-01", "updatedAt<=2023-05-01"),
        ("state!=done", "state!=done"),
        ("family=@LiquidHandler", "family=@LiquidHandler"),
        ("sort=name,-updatedAt", "sort=name,-updatedAt"),
        ("actions.action=prime", "actions.action=prime"),
        ("a b", "a%20b"),
        ("a&b", "a%26b"),
        ("a#b", "a%23b"),
        ("%41", "%41"),  # an existing escape is kept
        ("%4g", "%254g"),  # a lone '%' is encoded
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("日", "%E6%97%A5"),
        ("\x01\x7f", "%01%7F"),
        ("a+b", "a+b"),
        ("x=[1]{2}|3", "x=%5B1%5D%7B2%7D%7C3"),
        ('"q"', "%22q%22"),
        ("a?b", "a%3Fb"),
        ("~*$'();:/", "~*$'();:/"),
    ],
)
def test_quoting(text, wire):
    assert quote_query(text) == wire


# RFC 3986 query characters, plus '<' and '>' which the filter syntax needs.
LEGAL = set(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?%<>")


@given(st.text())
def test_output_is_legal_and_has_no_separators(text):
    quoted = quote_query(text)
    assert set(quoted) <= LEGAL
    assert "&" not in quoted and "#" not in quoted and " " not in quoted
    # every '%' starts an escape
    for i, ch in enumerate(quoted):
        if ch == "%":
            assert all(c in string.hexdigits for c in quoted[i + 1 : i + 3])
            assert len(quoted[i + 1 : i + 3]) == 2


@given(st.text())
def test_idempotent(text):
    once = quote_query(text)
    assert quote_query(once) == once


@given(st.text(alphabet=sorted(QUERY_SAFE)))
def test_safe_text_is_unchanged(text):
    assert quote_query(text) == text
