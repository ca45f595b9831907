"""Property tests: arbitrary text never escapes as anything but ItemError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.errors import ItemError
from explorer.items import Item, parse_item, parse_items

# Text biased towards the characters that matter to the grammar.
GRAMMAR = st.text(alphabet=st.sampled_from(list('ab1 =:@<>!;[]\\"{}%é\n')) | st.characters())


@given(st.text())
def test_parse_item_returns_an_item_or_raises_item_error(text):
    try:
        item = parse_item(text)
    except ItemError as exc:
        assert exc.text == text
        assert 0 <= exc.position <= len(text)
    else:
        assert isinstance(item, Item)
        assert item.key


@settings(max_examples=300)
@given(GRAMMAR)
def test_parse_item_on_grammar_heavy_text(text):
    try:
        parse_item(text)
    except ItemError as exc:
        assert 0 <= exc.position <= len(text)


@settings(max_examples=300)
@given(st.lists(GRAMMAR, max_size=4), st.sampled_from(["GET", "POST"]))
def test_parse_items_raises_only_item_errors(args, method):
    try:
        parse_items(args, method=method)
    except ItemError as exc:
        assert exc.text in args
        assert 0 <= exc.position <= len(exc.text)
