"""The request flags in the shell, against the sandbox: ``| EXPR`` and ``--filter``,
``--format`` and ``output csv``, ``-o FILE`` / ``--download``, ``--offline`` /
``--curl``; and ``| EXPR`` completed from the keys of the last answer."""

from __future__ import annotations

import csv
import io
import json

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from explorer.errors import UsageError

INSTRUMENTS = "/public/v1/instruments"


def body_of(shown: str) -> str:
    """What follows the status line."""
    return shown.split("\n", 1)[1]


def test_a_pipe_filters_the_answer_with_jmespath(console):
    names = json.loads(body_of(console.run(f"get {INSTRUMENTS} limit==3 | data[].name")))
    assert len(names) == 3 and all(isinstance(n, str) for n in names)
    # the answer is still the last one, whole: {{last}} and learning see it all
    assert [i["name"] for i in console.shell.state.last["data"]] == names
    # a | inside quotes is an item's value, not a pipe
    count = json.loads(body_of(console.run(
        f"get {INSTRUMENTS} limit==2 --filter 'length(data)'")))
    assert count == 2
    with pytest.raises(UsageError, match="needs a JMESPath expression"):
        console.run(f"get {INSTRUMENTS} |")
    with pytest.raises(UsageError, match="not a JMESPath expression"):
        console.run(f"get {INSTRUMENTS} | data[")
    with pytest.raises(UsageError, match="not a JMESPath expression"):
        console.run(f"get {INSTRUMENTS} | [?status=='idle'")
    assert json.loads(body_of(console.run(f"get {INSTRUMENTS} limit==2 | [data[0].id]")))
    with pytest.raises(UsageError, match="sends no request"):
        console.run("vars | x")


def test_formats_per_line_and_with_output(console):
    rows = list(csv.reader(io.StringIO(body_of(console.run(
        f"get {INSTRUMENTS} limit==2 fields==name,status --format csv")))))
    assert rows[0] == ["id", "name", "status"] and len(rows) == 3
    assert console.run("output tsv") == "answers shown as tsv\n"
    tsv = body_of(console.run(f"get {INSTRUMENTS} limit==1 fields==name"))
    assert tsv.splitlines()[0] == "id\tname"
    yaml_text = body_of(console.run(f"get {INSTRUMENTS} limit==1 --format yaml"))
    assert yaml_text.startswith("data:\n- id: ")  # the line's flag wins over output
    console.run("output table")
    assert "1 row" in console.run(f"get {INSTRUMENTS} limit==1")


def test_curl_and_offline_print_the_request_and_send_nothing(console, sandbox):
    before = len(json.loads(body_of(console.run(f"get {INSTRUMENTS} --format json")))["data"])
    shown = console.run(f"post {INSTRUMENTS} name='$(touch pwned)' --curl")
    assert shown.startswith("curl -X POST ")
    assert "'Authorization: Bearer ***'" in shown and sandbox.token not in shown
    assert "--data-raw '{\"name\": \"$(touch pwned)\"}'" in shown
    offline = console.run(f"delete {INSTRUMENTS}/abc --offline")  # no confirmation asked
    assert offline.startswith("DELETE /public/v1/instruments/abc HTTP/1.1\n")
    assert console.questions == []
    secret = console.run(f"get {INSTRUMENTS} --offline --show-secrets")
    assert f"Authorization: Bearer {sandbox.token}" in secret
    after = len(json.loads(body_of(console.run(f"get {INSTRUMENTS} --format json")))["data"])
    assert after == before


def test_downloads_in_the_shell(console, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    console.run(f"get {INSTRUMENTS} limit==1 -o one.json")
    assert json.loads((tmp_path / "one.json").read_text())["data"]
    assert "saved" in console.err.getvalue()
    console.answers = [False]  # an existing file: asked, and refused
    with pytest.raises(UsageError, match="the file exists"):
        console.run(f"get {INSTRUMENTS} -o one.json")
    assert console.questions[-1].startswith("one.json exists; replace it?")
    console.run(f"get {INSTRUMENTS} limit==2 -o one.json --force")
    assert len(json.loads((tmp_path / "one.json").read_text())["data"]) == 2
    console.run(f"get {INSTRUMENTS} --download")
    assert (tmp_path / "instruments.json").is_file()
    console.run(f"get {INSTRUMENTS} --download")
    assert (tmp_path / "instruments-1.json").is_file()
    assert not list(tmp_path.glob("*.part"))


def completions(console, text: str) -> list[str]:
    from explorer.repl.completer import ShellCompleter

    shell = console.shell
    completer = ShellCompleter(registry=console.context.discovery.registry,
                               learned=shell.learned, state=shell.state)
    found = completer.get_completions(Document(text), CompleteEvent())
    return [c.text for c in found]


def test_the_pipe_is_completed_from_the_keys_of_the_last_answer(console):
    assert completions(console, f"get {INSTRUMENTS} | ") == []  # no answer yet
    console.run(f"get {INSTRUMENTS} limit==2")
    top = completions(console, f"get {INSTRUMENTS} | ")
    assert "data" in top
    keys = completions(console, f"get {INSTRUMENTS} | data[].")
    assert {"id", "name", "status"} <= set(keys)
    assert completions(console, f"get {INSTRUMENTS} | data[].na") == ["name"]
    assert completions(console, f"get {INSTRUMENTS} | data[0].acl.") == ["owner", "read", "write"]
