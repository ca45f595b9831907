"""load_file_refs: =@ and :=@ items read from real files."""

from __future__ import annotations

import pytest

from explorer.client.models import NO_BODY, RequestSpec
from explorer.errors import ItemError
from explorer.items import apply_items, load_file_refs, parse_items


def test_text_and_json_files_fill_their_fields_in_order(tmp_path):
    (tmp_path / "notes.txt").write_text("line 1\nline 2\n", encoding="utf-8")
    (tmp_path / "meta.json").write_text('{"k": [1, 2]}', encoding="utf-8")
    items = parse_items(
        [
            "notes=@" + str(tmp_path / "notes.txt"),
            "meta:=@" + str(tmp_path / "meta.json"),
            "meta[extra]=x",  # typed after the file item: lands inside the file's object
        ],
        method="POST",
    )
    assert load_file_refs(items) is items
    assert items.file_refs == []
    assert items.json == {"notes": "line 1\nline 2\n", "meta": {"k": [1, 2], "extra": "x"}}
    spec = apply_items(RequestSpec("POST", "/x"), items)
    assert spec.json["meta"]["extra"] == "x"


def test_text_file_becomes_a_form_field_with_uploads(tmp_path):
    (tmp_path / "d.txt").write_text("hello", encoding="utf-8")
    items = parse_items(["file@x.bin", f"description=@{tmp_path / 'd.txt'}"], method="POST")
    load_file_refs(items)
    assert items.form == {"description": "hello"}
    assert items.json is NO_BODY


def test_missing_file_raises_with_a_caret_under_the_path(tmp_path):
    text = f"notes=@{tmp_path / 'missing.txt'}"
    items = parse_items([text], method="POST")
    with pytest.raises(ItemError) as info:
        load_file_refs(items)
    assert info.value.position == 7
    assert "no such file" in info.value.message
    assert info.value.caret() == f"{text}\n{' ' * 7}^"


def test_directory_and_bad_utf8_and_bad_json(tmp_path):
    with pytest.raises(ItemError, match="directory"):
        load_file_refs(parse_items([f"a=@{tmp_path}"], method="POST"))
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ItemError, match="UTF-8"):
        load_file_refs(parse_items([f"a=@{tmp_path / 'bin'}"], method="POST"))
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(ItemError, match=r"valid JSON.*line 1 column 2") as info:
        load_file_refs(parse_items([f"a:=@{tmp_path / 'bad.json'}"], method="POST"))
    assert info.value.position == 4


def test_reader_is_injectable():
    seen = []

    def read(path):
        seen.append(path.name)
        return "[1]"

    items = load_file_refs(parse_items(["a:=@one.json"], method="PUT"), read=read)
    assert seen == ["one.json"]
    assert items.json == {"a": [1]}


def test_text_files_keep_their_line_ends(tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"a\r\nb\rc\n")
    items = load_file_refs(parse_items([f"n=@{tmp_path / 'crlf.txt'}"], method="POST"))
    assert items.json == {"n": "a\r\nb\rc\n"}


def test_files_are_utf8_whatever_the_locale(tmp_path):
    """Under an ASCII locale (no UTF-8 mode) a UTF-8 file still reads as UTF-8."""
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "u.txt").write_bytes("café ✓".encode())
    code = (
        "import json, sys, locale; from explorer.items import parse_items, load_file_refs; "
        "items = load_file_refs(parse_items([sys.argv[1]], method='POST')); "
        "print(locale.getpreferredencoding(False)); print(json.dumps(items.json))"
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": "utf-8"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code, f"n=@{tmp_path / 'u.txt'}"],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    encoding, body = done.stdout.splitlines()
    assert "utf" not in encoding.lower().replace("-", "")  # the locale really is not UTF-8
    assert json.loads(body) == {"n": "café ✓"}
