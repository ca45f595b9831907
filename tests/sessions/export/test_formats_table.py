"""What every export shares: the table of formats (the CLI's choices, its help, the
docs), private output files, and the one set of rules for ids and credentials."""

from __future__ import annotations

import json
import re

import pytest

from explorer.sessions.export import export
from explorer.sessions.format import read_session


@pytest.mark.parametrize("fmt", ["curl", "python", "hurl", "har", "locust"])
def test_exports_through_the_cli_write_private_files(fmt, labos_session, run, tmp_path):
    out = tmp_path / f"out-{fmt}"
    result = run("export", str(labos_session), "--to", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.read_text() == export(read_session(labos_session), fmt)


def test_export_rejects_an_unknown_format(labos_session, run):
    result = run("export", str(labos_session), "--to", "postman")
    assert result.returncode == 2
    assert "invalid choice: 'postman'" in result.stderr


def test_exports_keep_typed_credential_headers_and_replace_only_their_own_auth(tmp_path):
    """The exports write their own Authorization/apikey header from the environment; any
    other credential header the session recorded (X-Api-Key, X-Auth-Token) is sent as
    recorded, its placeholder filled from the environment too."""
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": "bearer"}
    step = {"step": 1, "request": {
        "method": "GET", "path": "/x", "query": [], "body": None,
        "headers": {"Authorization": "Bearer {{token}}", "apikey": "{{api_key}}",
                    "X-Api-Key": "{{api_key}}", "X-Auth-Token": "{{token}}"}},
        "response": {"status": 200, "headers": {}, "body": None}}
    path = tmp_path / "typed.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(step) + "\n")
    curl = export(read_session(path), "curl")
    command = next(line for line in curl.splitlines() if line.startswith("BODY=$(curl "))
    assert "-H 'X-Api-Key: '\"$API_KEY\"" in command
    assert "-H 'X-Auth-Token: '\"$TOKEN\"" in command
    assert "Authorization:" not in command and '"apikey:' not in command
    hurl = export(read_session(path), "hurl")
    assert hurl.count("Authorization: Bearer {{token}}") == 1
    assert "X-Api-Key: {{api_key}}" in hurl and "X-Auth-Token: {{token}}" in hurl


def test_exports_and_replay_substitute_ids_in_the_same_places(tmp_path):
    """One set of rules decides where a recorded id is replaced: what replay changes when
    the server gives new ids is exactly what the exports take from a captured variable."""
    from explorer.sessions.replay import Replayer

    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    created = {"id": 12, "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "count": 7}
    steps = [
        {"step": 1, "route": "POST /things",
         "request": {"method": "POST", "path": "/things", "query": [], "headers": {},
                     "body": None},
         "response": {"status": 201, "headers": {}, "body": {"json": created}}},
        {"step": 2, "route": "GET /things/:id/:uuid",
         "request": {"method": "GET", "path": "/things/12/0f8fad5b-d9cb-469f-a165-70867728950e",
                     "query": ["thing_ids=12", "limit=12", "owner=12", "thing_id>12",
                               "uuid=0f8fad5b-d9cb-469f-a165-70867728950e"],
                     "headers": {}, "body": None},
         "response": {"status": 200, "headers": {}, "body": None}},
        {"step": 3, "route": "POST /other",
         "request": {"method": "POST", "path": "/other", "query": [], "headers": {},
                     "body": {"json": {"thing_id": 12, "n": 12, "ids": [12],
                                       "thing_ids": [12, 5], "count": 7,
                                       "note": "0f8fad5b-d9cb-469f-a165-70867728950e"}}},
         "response": {"status": 200, "headers": {}, "body": None}},
    ]
    path = tmp_path / "ids.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in (header, *steps)) + "\n")
    session = read_session(path)

    from explorer.sessions.export.plan import plan

    planned = plan(session)
    replayer = Replayer(session, send=lambda spec: None, base_url="http://h")
    replayer.ids.learn(created, {"id": 99, "uuid": "11111111-2222-3333-4444-555555555555",
                                 "count": 7})
    built = [replayer.build(e) for e in session.exchanges]

    def changed(before: str, after: str) -> list[int]:
        return [i for i, (a, b) in enumerate(zip(before.split("/"), after.split("/"),
                                                 strict=True)) if a != b]

    recorded = session.exchanges[1]
    assert changed(recorded.path, built[1].path) == changed(recorded.path,
                                                            str(planned[1].path))
    for i, component in enumerate(recorded.query):
        by_replay = built[1].query[i] != component
        by_export = str(planned[1].query[i]) != component
        assert by_replay == by_export, component
    assert built[1].query == ["thing_ids=99", "limit=12", "owner=12", "thing_id>99",
                              "uuid=11111111-2222-3333-4444-555555555555"]
    body = session.exchanges[2].request["body"]["json"]
    exported = planned[2].body.value
    for key, value in body.items():
        assert (built[2].json[key] != value) == (exported[key] != value), key
    assert built[2].json == {"thing_id": 99, "n": 12, "ids": [12], "thing_ids": [99, 5],
                             "count": 7, "note": "11111111-2222-3333-4444-555555555555"}


def _docs_formats() -> list[str]:
    """The formats docs/sessions.md's export table has a row for."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "sessions.md").read_text()
    table = docs[docs.index("| format | what you get |"):].split("\n\n")[0]
    return [line.split("`")[1] for line in table.splitlines()[2:]]


def test_the_docs_have_a_row_for_every_format_and_no_other():
    from explorer.sessions.export import table

    assert sorted(_docs_formats()) == sorted(table())


def test_a_new_format_is_its_module_alone(tmp_path, monkeypatch, capsys):
    """The table is the only registry: a module dropped into the formats package is a
    choice of export --to, with its line in --help, and is dispatched to; nothing else
    names the formats (the docs test above then asks for its row)."""
    from explorer.cli.main import main
    from explorer.sessions import export as exports
    from explorer.sessions.export import formats as package

    (tmp_path / "toy.py").write_text(
        '"""A toy format: one line per step."""\n'
        'SUFFIX = ".txt"\n'
        "def render(session, steps, *, files_root):\n"
        "    return ''.join(f'{s.method} {s.target}\\n' for s in steps)\n"
    )
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    exports.table.cache_clear()
    try:
        session = tmp_path / "s.jsonl"
        session.write_text(json.dumps({"session": "explorer", "format": 1, "vars": {}}) + "\n"
                           + json.dumps({"step": 1, "request": {"method": "GET", "path": "/x",
                                                                "query": ["a=1"]},
                                         "response": {"status": 200}}) + "\n")
        monkeypatch.setenv("EXPLORER_HOME", str(tmp_path / "home"))
        assert main(["export", str(session), "--to", "toy"]) == 0
        assert capsys.readouterr().out == "GET /x?a=1\n"
        assert main(["export", str(session), "--help"]) == 0
        assert re.search(r"^  toy +A toy format: one line per step$", capsys.readouterr().out, re.M)
        assert main(["export", str(session), "--to", "nope"]) == 2
        assert "curl|har|hurl|locust|python|toy" in capsys.readouterr().err
        assert "toy" not in _docs_formats()
    finally:
        exports.table.cache_clear()
