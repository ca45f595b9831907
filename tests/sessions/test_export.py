"""Every export format, tested by running it (python, curl, locust headless) or by its
structure (HAR 1.2 against a schema written from the spec; hurl, which is not installed
here)."""

from __future__ import annotations

import ast
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from explorer.sessions.export import export
from explorer.sessions.format import read_session

EXAMPLES = Path(__file__).resolve().parents[2] / "sessions"
HAR_SCHEMA = json.loads((Path(__file__).parent / "data" / "har-1.2.schema.json").read_text())


def _write(tmp_path: Path, session: Path, fmt: str, suffix: str) -> Path:
    out = tmp_path / f"export-{fmt}{suffix}"
    out.write_text(export(read_session(session), fmt))
    return out


def _env(server, **extra) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update({"EXPLORER_URL": server.url, "NO_PROXY": "*"}, **extra)
    return env


def test_python_export_replays_labstep_flow_on_a_fresh_sandbox(labstep_session, fresh, tmp_path):
    script = _write(tmp_path, labstep_session, "python", ".py")
    text = script.read_text()
    assert "r = requests.post(url, json=data, headers=headers)" in text
    assert "API_KEY = parsed['api_key']" in text
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_PASSWORD=fresh.password),
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "Programmatic Protocol"' in result.stdout
    assert "plate-readings.csv" in result.stdout
    # the login's answer is printed with its key masked: CI logs keep no secret
    assert '"api_key": "***"' in result.stdout
    assert fresh.api_key not in result.stdout + result.stderr
    assert fresh.password not in result.stdout + result.stderr


def test_python_export_replays_labos_tour_with_raw_filters(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "python", ".py")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_TOKEN=fresh.token),
    )
    assert result.returncode == 0, result.stderr
    assert "updatedAt>2020-01-01: 200" not in result.stdout  # printed as method url status
    assert re.search(r"updatedAt>2020-01-01 200 OK", result.stdout)
    assert '"status": "killed"' in result.stdout


def test_python_export_stops_when_the_status_differs(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "python", ".py")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env=_env(fresh, EXPLORER_TOKEN="not-the-token"),
    )
    assert result.returncode == 1
    assert "expected 200, got 403" in result.stderr


def test_curl_export_runs_through_bash(labos_session, labstep_session, fresh, tmp_path):
    for session, extra in (
        (labos_session, {"EXPLORER_TOKEN": fresh.token}),
        (labstep_session, {"EXPLORER_PASSWORD": fresh.password}),
    ):
        script = _write(tmp_path, session, "curl", ".sh")
        lines = [line for line in script.read_text().splitlines() if "curl " in line]
        assert len(lines) == len(read_session(session))
        result = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                                timeout=60, env=_env(fresh, **extra))
        assert result.returncode == 0, result.stderr
        for secret in (fresh.token, fresh.api_key, fresh.password):
            assert secret not in result.stdout + result.stderr
    assert '"api_key":"***"' in result.stdout  # the login answer, its key masked
    assert '"status":"killed"' in subprocess.run(
        ["bash", str(_write(tmp_path, labos_session, "curl", ".sh"))], capture_output=True,
        text=True, timeout=60, env=_env(fresh, EXPLORER_TOKEN=fresh.token),
    ).stdout


def test_curl_export_stops_where_the_server_disagrees(labos_session, fresh, tmp_path):
    script = _write(tmp_path, labos_session, "curl", ".sh")
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60,
                            env=_env(fresh, EXPLORER_TOKEN="wrong"))
    assert result.returncode != 0
    assert "403" in result.stderr


def test_har_export_is_valid_har_1_2(labos_session, labstep_session, tmp_path):
    for session in (labos_session, labstep_session):
        har = json.loads(export(read_session(session), "har"))
        errors = list(Draft202012Validator(HAR_SCHEMA).iter_errors(har))
        assert not errors, [e.message for e in errors[:5]]
        recorded = read_session(session)
        assert len(har["log"]["entries"]) == len(recorded)
        first = har["log"]["entries"][0]
        assert first["request"]["url"].startswith(recorded.base_url)
    upload = har["log"]["entries"][3]["request"]["postData"]
    assert upload["mimeType"] == "multipart/form-data"
    assert {p["name"] for p in upload["params"]} == {"file", "experiment_id"}


def _third_party_har_validator():
    """The JSON Schemas of the npm package har-schema 2.0.0 (ISC, copied to
    data/har-schema with its LICENSE): the ones har-validator, and so the request
    library's HAR support, check with."""
    from jsonschema import Draft6Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT6

    folder = Path(__file__).parent / "data" / "har-schema"
    registry = Registry().with_resources(
        (path.name + "#", Resource.from_contents(json.loads(path.read_text()),
                                                 default_specification=DRAFT6))
        for path in folder.glob("*.json")
    )
    registry = registry.with_resources(
        (path.name, registry[path.name + "#"]) for path in folder.glob("*.json")
    )
    return Draft6Validator({"$ref": "har.json#"}, registry=registry,
                           format_checker=FormatChecker())


def test_har_export_passes_the_har_schema_package(labos_session, labstep_session):
    validator = _third_party_har_validator()
    for session in (labos_session, labstep_session):
        har = json.loads(export(read_session(session), "har"))
        errors = list(validator.iter_errors(har))
        assert not errors, [e.message for e in errors[:5]]
    har["log"]["entries"][0]["request"].pop("method")
    har["log"]["entries"][0]["timings"]["send"] = "soon"
    assert len(list(validator.iter_errors(har))) >= 2


def test_har_schema_rejects_what_is_not_har():
    validator = Draft202012Validator(HAR_SCHEMA)
    assert list(validator.iter_errors({"log": {"version": "1.2", "entries": []}}))
    broken = {"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
                      "entries": [{"startedDateTime": "yesterday"}]}}
    assert list(validator.iter_errors(broken))


def _hurl_entries(text: str) -> list[dict]:
    entries, current = [], None
    for line in text.splitlines():
        match = re.match(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+)$", line)
        if match:
            current = {"method": match[1], "url": match[2], "lines": []}
            entries.append(current)
        elif current is not None:
            current["lines"].append(line)
    return entries


def _hurl_uses_only(text: str, session, defined: set[str]) -> list[dict]:
    """Every ``{{name}}`` an entry uses is given on the command line (``defined``) or
    captured by an earlier entry."""
    entries = _hurl_entries(text)
    assert len(entries) == len(session)
    defined = set(defined)
    for entry, exchange in zip(entries, session.exchanges, strict=True):
        assert entry["url"].startswith("{{base_url}}/")
        assert f"HTTP {exchange.status}" in entry["lines"]
        body = "\n".join(entry["lines"])
        for used in re.findall(r"\{\{(\w+)\}\}", entry["url"] + body):
            assert used in defined, f"{used} is used before it is captured"
        for name in re.findall(r"^(\w+): jsonpath \"\$[^\"]*\"$", body, re.M):
            defined.add(name)
    return entries


def test_hurl_export_has_an_entry_per_step_with_status_and_captures(labstep_session, tmp_path):
    session = read_session(labstep_session)
    text = export(session, "hurl")
    # The Labstep flow needs only the password: the key comes from the login answer, and
    # the login itself carries no auth header (a dummy token was needed before).
    entries = _hurl_uses_only(text, session, {"base_url", "password"})
    assert not any(line.startswith(("Authorization:", "apikey:")) for line in entries[0]["lines"])
    assert "apikey: {{api_key}}" in entries[1]["lines"]
    assert "protocol_id: jsonpath \"$.id\"" in text
    assert '"protocol_id":{{protocol_id}}' in text
    assert "[MultipartFormData]" in text and "experiment_id: {{experiment_id}}" in text


def test_hurl_export_of_a_bearer_session_needs_only_the_token(labos_session):
    session = read_session(labos_session)
    entries = _hurl_uses_only(export(session, "hurl"), session, {"base_url", "token"})
    assert all("Authorization: Bearer {{token}}" in entry["lines"] for entry in entries)


def test_locust_export_compiles_and_has_a_task_per_step(labos_session):
    session = read_session(labos_session)
    text = export(session, "locust")
    tree = ast.parse(text)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    assert {"SessionSteps", "SessionUser"} <= set(classes)
    tasks = [
        f.name for f in classes["SessionSteps"].body
        if isinstance(f, ast.FunctionDef)
        and any(getattr(d, "id", None) == "task" for d in f.decorator_list)
    ]
    assert tasks == [f"step_{e.step}" for e in session.exchanges]
    compile(text, "locustfile.py", "exec")
    assert "self.v['command_id'] = parsed['id']" in text
    assert "{self.v['command_id']}" in text


def test_locust_export_adds_the_exact_target_adapter_only_when_a_step_needs_it(
    labos_session, labstep_session
):
    labos = export(read_session(labos_session), "locust")
    assert "class ExactTargetAdapter(HTTPAdapter):" in labos
    assert "self.client.mount(prefix, ExactTargetAdapter())" in labos
    raw = [line for line in labos.splitlines() if "as_written(url)" in line]
    assert len(raw) == 1  # the step with updatedAt>2020-01-01, and no other
    assert "NOTE" not in labos
    labstep = export(read_session(labstep_session), "locust")
    assert "ExactTargetAdapter" not in labstep and "as_written" not in labstep
    for text in (labos, labstep):
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import)
                          else [ast.alias(node.module or "")])
        }
        assert "explorer" not in imported, imported


def _locust(locustfile: Path, host: str, csv_prefix: Path, env: dict[str, str]):
    return subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", "1",
         "-r", "1", "--run-time", "5s", "--stop-timeout", "5", "--host", host,
         "--only-summary", "--csv", str(csv_prefix), "--loglevel", "WARNING"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def test_locust_export_of_both_examples_runs_headless_without_failures(sandbox, tmp_path):
    """Both example sessions, exported and run by locust at once against one sandbox: every
    recorded step is requested (the filter ``updatedAt>2020-01-01`` verbatim, or the
    sandbox would answer 400) and none fails its status check."""
    runs = []
    for name, secret in (("labos-tour", {"EXPLORER_TOKEN": sandbox.token}),
                         ("labstep-seed", {"EXPLORER_PASSWORD": sandbox.password})):
        session = read_session(EXAMPLES / f"{name}.jsonl")
        locustfile = _write(tmp_path, session.path, "locust", f"-{name}.py")
        prefix = tmp_path / "stats" / name
        runs.append((session, prefix, _locust(locustfile, sandbox.url, prefix,
                                              _env(sandbox, **secret))))
    for session, prefix, process in runs:
        try:
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
        assert process.returncode == 0, stderr
        with open(f"{prefix}_stats.csv", newline="") as stats:
            rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
        by_step = {int(re.match(r"step (\d+): ", row["Name"])[1]): row for row in rows}
        assert sorted(by_step) == [e.step for e in session.exchanges], rows
        for step, row in by_step.items():
            assert row["Type"] == session.exchanges[step - 1].method
            assert int(row["Request Count"]) >= 1, row
            assert int(row["Failure Count"]) == 0, row


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
    assert '-H "X-Api-Key: ${API_KEY}"' in command and '-H "X-Auth-Token: ${TOKEN}"' in command
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
    assert changed(recorded.path, built[1].path) == changed(recorded.path, planned[1].path)
    for i, component in enumerate(recorded.query):
        by_replay = built[1].query[i] != component
        by_export = planned[1].query[i] != component
        assert by_replay == by_export, component
    assert built[1].query == ["thing_ids=99", "limit=12", "owner=12", "thing_id>99",
                              "uuid=11111111-2222-3333-4444-555555555555"]
    body = session.exchanges[2].request["body"]["json"]
    exported = planned[2].body[1]
    for key, value in body.items():
        assert (built[2].json[key] != value) == (exported[key] != value), key
    assert built[2].json == {"thing_id": 99, "n": 12, "ids": [12], "thing_ids": [99, 5],
                             "count": 7, "note": "11111111-2222-3333-4444-555555555555"}


def test_locust_export_writes_recorded_text_as_recorded(tmp_path):
    """Only the generated call is the task's own auth_headers(); recorded text that happens
    to read 'auth_headers()' stays as it was."""
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": "bearer"}
    step = {"step": 1, "request": {
        "method": "POST", "path": "/notes", "query": [],
        "headers": {"X-Note": "calls auth_headers() first"},
        "body": {"json": {"text": "see auth_headers()"}}},
        "response": {"status": 201, "headers": {}, "body": None}}
    path = tmp_path / "notes.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(step) + "\n")
    text = export(read_session(path), "locust")
    assert "'calls auth_headers() first'" in text and "'see auth_headers()'" in text
    assert "headers = {**self.auth_headers(), **{" in text
    compile(text, "locustfile.py", "exec")
