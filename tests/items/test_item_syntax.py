"""parse_item: separators, precedence, escapes, and malformed items."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.errors import ItemError
from explorer.items import Kind, parse_item
from explorer.items.syntax import SEPARATORS, find_separator


@pytest.mark.parametrize(
    ("text", "kind", "key", "sep", "value"),
    [
        ("limit==5", Kind.QUERY, "limit", "==", "5"),
        ("name=Pipette", Kind.DATA, "name", "=", "Pipette"),
        ("count:=3", Kind.JSON, "count", ":=", "3"),
        ("Accept:text/csv", Kind.HEADER, "Accept", ":", "text/csv"),
        ("X-Empty;", Kind.EMPTY_HEADER, "X-Empty", ";", ""),
        ("file@data.csv", Kind.FILE, "file", "@", "data.csv"),
        ("notes=@notes.txt", Kind.DATA_FILE, "notes", "=@", "notes.txt"),
        ("meta:=@meta.json", Kind.JSON_FILE, "meta", ":=@", "meta.json"),
        ("updatedAt>2023-05-01", Kind.FILTER, "updatedAt", ">", "2023-05-01"),
        ("updatedAt<2023-05-01", Kind.FILTER, "updatedAt", "<", "2023-05-01"),
        ("size>=10", Kind.FILTER, "size", ">=", "10"),
        ("size<=10", Kind.FILTER, "size", "<=", "10"),
        ("state!=done", Kind.FILTER, "state", "!=", "done"),
    ],
)
def test_every_separator(text, kind, key, sep, value):
    item = parse_item(text)
    assert (item.kind, item.key, item.sep, item.value, item.text) == (kind, key, sep, value, text)


@pytest.mark.parametrize(
    ("text", "sep", "key", "value"),
    [
        ("a>=1", ">=", "a", "1"),  # longest at the same index
        ("x!=1", "!=", "x", "1"),  # '!=' starts before '='
        ("url==http://x:8", "==", "url", "http://x:8"),  # '==' beats '=' and the later ':'
        ("Accept:application/json", ":", "Accept", "application/json"),
        ("name=a:b", "=", "name", "a:b"),  # '=' comes first
        ("a:=1", ":=", "a", "1"),
        ("a:=@f.json", ":=@", "a", "f.json"),
        ("a=@f.txt", "=@", "a", "f.txt"),
        ("a==@x", "==", "a", "@x"),
        ("a=>b", "=", "a", ">b"),
        ("a>b=c", ">", "a", "b=c"),
        ("X-Time:12:00", ":", "X-Time", "12:00"),
        ("f@x;type=text/plain", "@", "f", "x;type=text/plain"),
        ("a;b=c", "=", "a;b", "c"),  # ';' separates only at the end
        ("name=x;", "=", "name", "x;"),
        ("q==a=b", "==", "q", "a=b"),
    ],
)
def test_precedence_first_then_longest(text, sep, key, value):
    item = parse_item(text)
    assert (item.sep, item.key, item.value) == (sep, key, value)


def test_every_separator_is_in_the_table():
    assert set(SEPARATORS) == {
        "==", "=", ":=", ":", ";", "@", "=@", ":=@", ">=", "<=", "!=", ">", "<",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "key", "sep", "value"),
    [
        (r"a\=b=c", "a=b", "=", "c"),
        (r"a\:b=c", "a:b", "=", "c"),
        (r"mail\@x=y", "mail@x", "=", "y"),
        (r"a\>b==1", "a>b", "==", "1"),
        (r"a=b\=c", "a", "=", r"b=c"),
        (r"a:=\"x\"", "a", ":=", r"\"x\""),  # a backslash before a non-separator is kept
        (r"path=C:\dir", "path", "=", r"C:\dir"),
    ],
)
def test_backslash_escapes(text, key, sep, value):
    item = parse_item(text)
    assert (item.key, item.sep, item.value) == (key, sep, value)


def test_value_column_points_into_the_original_text():
    assert parse_item("count:=3").value_column == 7
    assert parse_item(r"a\=b=c").value_column == 5
    assert parse_item("a=").value_column == 2


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("=v", 0, "empty name"),
        (":=1", 0, "empty name"),
        ("==x", 0, "empty name"),
        (">5", 0, "empty name"),
        ("foo", 3, "no separator"),
        ("", 0, "no separator"),
        (r"a\=b", 4, "no separator"),
    ],
)
def test_malformed_items_name_the_item_and_point_at_it(text, position, words):
    with pytest.raises(ItemError) as info:
        parse_item(text)
    err = info.value
    assert words in err.message
    assert repr(text) in err.message
    assert err.text == text
    assert err.position == position
    assert err.caret() == f"{text}\n{' ' * position}^"


def test_header_names_must_be_tokens():
    with pytest.raises(ItemError) as info:
        parse_item("X Bad:1")
    assert info.value.position == 1
    assert "header name" in info.value.message
    with pytest.raises(ItemError) as info:
        parse_item("X(a);")
    assert info.value.position == 1


@pytest.mark.parametrize("value", ["a\r\nInjected: 1", "a\nb", "a\x00"])
def test_header_values_cannot_carry_cr_lf(value):
    with pytest.raises(ItemError) as info:
        parse_item(f"X-A:{value}")
    assert info.value.position == 4 + value.index(next(c for c in value if c in "\r\n\x00"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("limit==5", (5, "==")),
        ("a>=1", (1, ">=")),
        (r"a\=b=c", (4, "=")),  # the column is in the text as typed, escapes included
        (r"a\:b\@c:=1", (7, ":=")),
        ("X-Empty;", (7, ";")),
        ("a;b=c", (3, "=")),
        ("id42", None),
        (r"a\=b", None),
        ("", None),
    ],
)
def test_find_separator_gives_the_column_in_the_typed_text(text, found):
    assert find_separator(text) == found


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list('ab1 =:@<>!;[]\\"{}')), max_size=12))
def test_find_separator_splits_as_parse_item_does(text):
    found = find_separator(text)
    try:
        item = parse_item(text)
    except ItemError:
        return  # no separator, an empty name, or a bad header: checked above
    assert found is not None
    column, sep = found
    assert sep == item.sep
    assert text[column : column + len(sep)] == sep
    if item.value:
        assert item.value_column == column + len(sep)
