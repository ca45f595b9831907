"""Recorded answers read when a check needs them (``read_session(defer_answers=True)``,
what ``explorer replay`` reads): the same values as a whole read, none read for an
answer of the very same bytes, and a recorded answer that is no JSON value a one-line
error of its step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.client import bearer
from explorer.sessions.format import read_session

EXAMPLES = sorted((Path(__file__).parents[2] / "sessions").glob("*.jsonl"))


def _both(path):
    return read_session(path), read_session(path, defer_answers=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_deferred_answers_are_the_values_a_whole_read_gives(path):
    whole, deferred = _both(path)
    assert len(deferred.exchanges) == len(whole.exchanges)
    unread = [d for d in deferred.exchanges if d.answer_unread]
    assert unread  # the examples hold JSON answers, laid out as the recorder writes them
    for w, d in zip(whole.exchanges, deferred.exchanges, strict=True):
        assert not w.answer_unread
        assert d.response_json == w.response_json
        assert not d.answer_unread  # read once, then kept
        assert d.raw == w.raw


def test_a_recorded_session_reads_alike_deferred(labos_session):
    whole, deferred = _both(labos_session)
    assert [d.response_json for d in deferred] == [w.response_json for w in whole]


def test_unchanged_answers_are_never_read(sandbox, tmp_path):
    """Replayed on the server it was recorded on, with nothing changed between, every
    answer comes back in the same bytes: every step passes and none is read."""
    from explorer.client import Client, RequestSpec
    from explorer.sessions.recorder import Recorder
    from explorer.sessions.replay import Replayer

    client = Client(sandbox.url, auth=bearer(sandbox.token))
    path = tmp_path / "gets.jsonl"
    recorder = Recorder.open(path, base_url=sandbox.url, secrets=client.secrets,
                             routes_fingerprint=None, auth=client.auth)
    targets = [("/public/v1/instruments", ["limit=5", "sort=name"]),
               ("/public/v1/instruments", ["fields=id,name"]),
               ("/public/v1/instruments/seed-hplc-1", [])]
    try:
        for target, query in targets:
            spec = RequestSpec("GET", target, query=query)
            _ = recorder.wrap(spec, client.send(spec)).content
        recorder.close()
        session = read_session(path, defer_answers=True)
        assert all(e.answer_unread for e in session.exchanges)
        report = Replayer(session, send=client.send, base_url=sandbox.url,
                          auth_configured=True, secrets=client.secrets).run()
    finally:
        client.close()
    assert [r.result for r in report.results] == ["passed"] * len(targets)
    assert all(e.answer_unread for e in session.exchanges)  # none needed reading


# (a changed answer read and its change reported: test_replay.py's, whose replay_on
# reads deferred, as the console script does)


def _crafted(tmp_path, text: bytes) -> Path:
    """A session of one GET whose recorded answer's text is ``text``, spliced in where
    the recorder puts an answer (a line no recorder writes)."""
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    line = json.dumps({"step": 1, "request": {"method": "GET", "path": "/discover",
                                              "query": [], "headers": {}, "body": None},
                       "response": {"status": 200, "headers": {},
                                    "body": {"json": "HOLE"}, "duration_ms": 1.0}},
                      separators=(",", ":")).encode()
    path = tmp_path / "crafted.jsonl"
    path.write_bytes(json.dumps(header).encode() + b"\n" + line.replace(b'"HOLE"', text) + b"\n")
    return path


def test_a_line_the_answer_split_would_misread_reads_as_a_whole_read(tmp_path):
    """``1,"x":2`` is no JSON value, though the whole line parses (``"x"`` becomes a key
    of the body): the deferred read reads that line whole, as the other readers do."""
    path = _crafted(tmp_path, b'1,"x":2')
    whole, deferred = _both(path)
    exchange = deferred.exchanges[0]
    assert not exchange.answer_unread
    assert exchange.response_json == whole.exchanges[0].response_json == 1
    assert exchange.raw == whole.exchanges[0].raw


def test_a_recorded_answer_that_is_no_json_is_refused_in_one_line(tmp_path, sandbox, run):
    path = _crafted(tmp_path, b"<html>down</html>")
    result = run("--url", sandbox.url, "--token", sandbox.token, "replay", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    said = [line for line in result.stderr.splitlines() if "crafted.jsonl:2" in line]
    assert len(said) == 1 and len(said[0]) < 300, result.stderr


def test_distinct_answer_texts_are_checked_once(tmp_path, monkeypatch):
    """Deferring, each distinct text is parsed once to know it is one JSON value."""
    from explorer.sessions import format as session_format

    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    line = json.dumps({"step": 1, "request": {"method": "GET", "path": "/a", "query": [],
                                              "headers": {}, "body": None},
                       "response": {"status": 200, "headers": {},
                                    "body": {"json": {"big": list(range(50))}},
                                    "duration_ms": 1.0}}, separators=(",", ":"))
    path = tmp_path / "same.jsonl"
    path.write_text(json.dumps(header) + "\n" + "\n".join([line] * 20) + "\n")
    texts = []
    real = session_format._one_value

    def counting(text, known):
        if text not in known:
            texts.append(text)
        return real(text, known)

    monkeypatch.setattr(session_format, "_one_value", counting)
    session = read_session(path, defer_answers=True)
    assert len(session.exchanges) == 20 and all(e.answer_unread for e in session.exchanges)
    assert len(texts) == 1
