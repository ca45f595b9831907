"""Big JSON answers are indented piece by piece and paged as they come: the pieces
must add up to exactly what the one-piece path prints."""

from __future__ import annotations

import json
import random

import pytest

from explorer.render.body import PrettyJson, pretty_json
from explorer.render.pager import emit, emit_chunks


def _document(seed: int):
    rnd = random.Random(seed)

    def value(depth: int):
        kind = rnd.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return rnd.randrange(-(10**6), 10**6)
        if kind == 1:
            return "".join(rnd.choice('abcé "\\\n✓') for _ in range(rnd.randrange(12)))
        if kind == 2:
            return rnd.choice([None, True, False, 1.5])
        if kind in (3, 4):
            return [value(depth + 1) for _ in range(rnd.randrange(8))]
        return {f"k{i}": value(depth + 1) for i in range(rnd.randrange(8))}

    return value(0)


@pytest.mark.parametrize("seed", range(40))
def test_pieces_join_to_pretty_json(seed, monkeypatch):
    monkeypatch.setattr(PrettyJson, "PIECE", 7)  # many small pieces
    data = _document(seed)
    raw = json.dumps(data)
    pieces = list(PrettyJson(data, raw).chunks())
    assert "".join(pieces) == pretty_json(data)


def test_a_big_list_comes_in_several_pieces():
    data = [{"id": i, "name": f"n{i}"} for i in range(20_000)]
    pieces = list(PrettyJson(data, json.dumps(data)).chunks())
    assert len(pieces) > 5
    assert all(len(p) < 2 * PrettyJson.PIECE for p in pieces)
    assert "".join(pieces) == pretty_json(data)


def test_final_newline_is_added_once():
    text = "".join(PrettyJson({"a": 1}, '{"a":1}').chunks(final_newline=True))
    assert text == pretty_json({"a": 1}) + "\n"


def test_too_deep_to_indent_falls_back_to_the_raw_text():
    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    raw = "[" * 10 + "…"
    text = "".join(PrettyJson(deep, raw).chunks())
    # What was indented before the encoder gave up stays; a note and the body follow.
    assert text.startswith("[\n  [\n")
    assert text.endswith("\n(nested too deeply to indent; as received:)\n" + raw)


def test_too_deep_before_any_piece_is_just_the_raw_text(monkeypatch):
    monkeypatch.setattr(PrettyJson, "PIECE", 10**9)
    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    assert "".join(PrettyJson(deep, "RAW").chunks()) == "RAW"


def test_emit_chunks_matches_emit_for_short_text(capture):
    text = "one\ntwo\nthree\n"
    a, b = capture(height=10, pager="cat"), capture(height=10, pager="cat")
    emit(text, a.env)
    emit_chunks(iter(["one\n", "two\n", "three\n"]), b.env)
    assert a.out == b.out == text


def test_emit_chunks_streams_long_text_to_the_pager(capture, tmp_path):
    paged = tmp_path / "paged.txt"
    cap = capture(height=5, pager=f"cat > '{paged}'")
    pieces = [f"line {i}\n" for i in range(50)]
    emit_chunks(iter(pieces), cap.env)
    assert paged.read_text(encoding="utf-8") == "".join(pieces)
    assert cap.out == ""


def test_emit_chunks_without_a_pager_writes_everything(capture):
    cap = capture(height=5, pager=None)
    pieces = [f"line {i}\n" for i in range(50)]
    emit_chunks(iter(pieces), cap.env)
    assert cap.out == "".join(pieces)
