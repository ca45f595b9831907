"""explorer.repl.highlight: the input line's tokens (names, separators, values)."""

from __future__ import annotations

import pytest
from pygments.token import Keyword, Name, Operator, String

from explorer.repl.highlight import ShellLexer


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in ShellLexer().get_tokens(text) if v.strip()]


@pytest.mark.parametrize(
    ("item", "key", "sep", "value"),
    [
        ("limit==5", "limit", "==", "5"),
        ("name=x", "name", "=", "x"),
        ("count:=3", "count", ":=", "3"),
        ("meta:=@m.json", "meta", ":=@", "m.json"),
        ("notes=@n.txt", "notes", "=@", "n.txt"),
        ("Accept:text/csv", "Accept", ":", "text/csv"),
        ("file@data.csv", "file", "@", "data.csv"),
        ("size>=10", "size", ">=", "10"),
        ("state!=done", "state", "!=", "done"),
        ("at<2023", "at", "<", "2023"),
    ],
)
def test_an_item_is_its_name_its_separator_and_its_value(item, key, sep, value):
    found = tokens(f"post /x {item}")
    assert found[0] == (Keyword, "post")
    assert found[1] == (Name.Tag, "/x")
    assert found[2:] == [(Name.Attribute, key), (Operator, sep), (String, value)]


def test_variables_inside_a_value():
    found = tokens("get /x id=={{last.id}}")
    assert found[-3:] == [(Name.Attribute, "id"), (Operator, "=="), (Name.Variable, "{{last.id}}")]
