"""render_table: column order, alignment, truncation to the width."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.render import render_table
from explorer.render.table import display_width


def test_layout_id_and_name_first():
    rows = [
        {"description": "first", "name": "Hamilton", "id": 1, "tags": ["a", "b"]},
        {"id": 22, "name": "Tecan", "active": True, "extra": None},
    ]
    assert render_table(rows, width=80) == (
        "id  name      description  tags       active  extra\n"
        "--  --------  -----------  ---------  ------  -----\n"
        '1   Hamilton  first        ["a","b"]\n'
        "22  Tecan                             true\n"
    )


def test_explicit_columns():
    rows = [{"id": 1, "name": "a", "x": 2}]
    assert render_table(rows, columns=["x", "id"], width=80) == "x  id\n-  --\n2  1\n"


def test_cells_are_truncated_to_fit():
    rows = [{"id": "1", "name": "n" * 30, "description": "d" * 100}]
    out = render_table(rows, width=40)
    lines = out.splitlines()
    assert all(display_width(line) <= 40 for line in lines)
    assert lines[2].endswith("…")
    assert lines[2].startswith("1   ")


def test_columns_dropped_when_nothing_fits():
    rows = [{"id": "1", "a": "aaaaaaa", "b": "bbbbbbb", "c": "ccccccc"}]
    out = render_table(rows, width=16)
    assert out.splitlines()[0].split() == ["id", "a", "b"]  # 'c' does not fit
    assert all(display_width(line) <= 16 for line in out.splitlines())


def test_control_characters_cannot_break_the_layout():
    rows = [{"name": "a\nb\x1b[31mred\tc\x9b2J\rx", "k\x1b]0;t\x07": "v"}]
    out = render_table(rows, width=80)
    assert not any(c in out for c in "\x1b\x07\x9b\r\t")
    assert out.splitlines()[0].split() == ["name", "k\\x1b]0;t\\x07"]  # keys too
    assert out.splitlines()[2].split() == ["a\\nb\\x1b[31mred\\tc\\x9b2J\\rx", "v"]


def test_wide_characters_count_double():
    rows = [{"name": "日本語", "id": "1"}]
    out = render_table(rows, width=80)
    assert out.splitlines()[1] == "--  ------"
    out = render_table([{"name": "日本語日本語", "x": "y"}], width=10)
    assert all(display_width(line) <= 10 for line in out.splitlines())


def test_empty():
    assert render_table([], width=80) == ""


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
)


@settings(max_examples=200)
@given(
    st.lists(st.dictionaries(st.sampled_from(["id", "name", "a", "bb", "ccc"]), CELLS), max_size=5),
    st.integers(min_value=1, max_value=120),
)
def test_no_line_is_wider_than_the_width(rows, width):
    out = render_table(rows, width=width)
    for line in out.splitlines():
        assert display_width(line) <= width
