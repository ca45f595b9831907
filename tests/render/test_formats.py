"""Output formats: CSV and TSV a spreadsheet opens as one column per field (and never
as a formula), YAML, tables; and render_view piped and on a terminal."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from explorer.client.models import Response
from explorer.render import OutputEnv, formats
from explorer.render.filter import compile_filter
from explorer.render.formats import ViewError, format_data, guard, render_view, to_csv

LIST = {"data": [
    {"id": "a1", "name": "Hamilton, STAR \"1\"", "acl": {"owner": "u1", "read": ["*", "u2"]},
     "actions": [{"id": "x"}], "slots": 8, "ok": True, "gone": None,
     "note": "line one\nline two"},
    {"id": "a2", "name": "=HYPERLINK(\"http://evil\",\"click\")", "extra": -5},
], "total": 2}


def read(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_a_list_answer_as_csv_has_a_column_per_field():
    text = to_csv(LIST)
    assert text.endswith("\r\n")
    rows = read(text)
    assert rows[0] == ["id", "name", "acl.owner", "acl.read", "actions", "slots", "ok", "gone",
                       "note", "extra"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["name"] == 'Hamilton, STAR "1"'  # quoted by the csv module, read back whole
    assert first["acl.read"] == "*; u2"
    assert json.loads(first["actions"]) == [{"id": "x"}]
    assert first["slots"] == "8" and first["ok"] == "true" and first["gone"] == ""
    assert first["note"] == "line one\nline two"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["name"] == "'=HYPERLINK(\"http://evil\",\"click\")"  # text, not a formula
    assert second["extra"] == "-5"  # a JSON number stays a number
    tsv = read(format_data(LIST, "tsv"), "\t")
    assert tsv == rows


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff20"])
def test_every_formula_start_is_guarded_in_cells_and_headers(start):
    assert guard(start + "1+1") == "'" + start + "1+1"
    rows = read(to_csv([{start + "key": start + "cmd|' /C calc'!A0"}]))
    assert rows[0][0].startswith("'") and rows[1][0].startswith("'")
    assert guard("safe") == "safe"


def test_objects_lists_and_plain_values():
    assert read(to_csv({"id": 1, "loc": {"room": "B"}})) == [["id", "loc.room"], ["1", "B"]]
    assert read(to_csv(["a", "=b"])) == [["value"], ["a"], ["'=b"]]
    assert to_csv(42) == "42\r\n"
    assert to_csv("=x") == "'=x\r\n"
    assert format_data([], "csv") == ""
    table = format_data({"id": 1, "loc": {"room": "B"}}, "table")
    assert table.splitlines()[0].split() == ["field", "value"] and "loc.room" in table


def test_yaml_round_trips_and_escapes_control_characters():
    data = {"name": "a\x1b]0;title\x07b", "n": [1, 2.5, None, True], "deep": {"x": "y"}}
    text = format_data(data, "yaml")
    assert "\x1b" not in text and yaml.safe_load(text) == data


def deep(depth: int):
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def test_deep_nesting_is_a_view_error_or_flattened_never_a_recursion_error():
    data = deep(10_000)
    for name in ("json", "yaml"):
        with pytest.raises(ViewError, match="nested too deeply"):
            format_data(data, name)
    assert to_csv(data).splitlines()[0].count(".") == 9_999


def env(*, tty: bool):
    out = io.StringIO()
    return OutputEnv(out, io.StringIO(), stdout_isatty=tty, color=False, width=100), out


def answer(body: bytes, content_type: str = "application/json", status: int = 200):
    return Response.of(status, body, headers={"Content-Type": content_type}, reason="OK")


def test_render_view_piped_is_the_text_alone_and_on_a_terminal_escaped():
    body = json.dumps({"data": [{"name": "x\x1b[2Jy\x9b"}]}).encode()
    piped, out = env(tty=False)
    render_view(answer(body), piped, query=compile_filter("data[].name"))
    assert json.loads(out.getvalue()) == ["x\x1b[2Jy\x9b"]
    terminal, screen = env(tty=True)
    render_view(answer(body), terminal, format="csv")
    shown = screen.getvalue()
    assert shown.startswith("HTTP/1.1 200 OK")
    assert "\x1b" not in shown and "\x9b" not in shown and "\\x1b[2J" in shown


def test_render_view_refuses_what_it_cannot_read(monkeypatch):
    piped, _ = env(tty=False)
    with pytest.raises(ViewError, match=r"not JSON \(text/html, 6 bytes\)"):
        render_view(answer(b"<html>", "text/html"), piped, format="csv")
    monkeypatch.setattr(formats, "VIEW_LIMIT", 100)
    with pytest.raises(ViewError, match="larger than"):
        render_view(answer(b"[" + b"1," * 100 + b"1]"), piped, format="csv")
    nothing, out = env(tty=False)
    render_view(answer(b"", status=204), nothing, format="csv")
    assert out.getvalue() == ""
