"""The locust export: compiled, and run headless against the sandbox."""

from __future__ import annotations

import ast
import json
import re

from exportkit import EXAMPLES, locust_one_pass
from exportkit import script_env as _env
from exportkit import write as _write

from explorer.sessions.export import export
from explorer.sessions.format import read_session


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
    assert "segment(self.v['command_id'], 'step 6')" in text  # a literal, no f-string


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


def test_locust_export_of_both_examples_runs_headless_without_failures(sandbox, tmp_path):
    """Both example sessions, exported and run by locust against one sandbox with the
    export's EXPLORER_ONE_PASS=1, waiting for locust to exit: every recorded step was
    requested exactly once, the filter ``updatedAt>2020-01-01`` verbatim (or the
    sandbox would answer 400), and none fails its status check."""
    for name, secret in (("labos-tour", {"EXPLORER_TOKEN": sandbox.token}),
                         ("labstep-seed", {"EXPLORER_PASSWORD": sandbox.password})):
        session = read_session(EXAMPLES / f"{name}.jsonl")
        locustfile = _write(tmp_path, session.path, "locust", f"_{name.replace('-', '_')}.py")
        stats = locust_one_pass(locustfile, sandbox.url, _env(sandbox, **secret))
        by_step = {int(re.match(r"step (\d+): ", n)[1]): entry for n, entry in stats.items()}
        assert sorted(by_step) == [e.step for e in session.exchanges], stats
        for step, entry in by_step.items():
            assert entry["method"] == session.exchanges[step - 1].method
            assert entry["num_requests"] == 1, entry  # one pass, not a clock's worth
            assert entry["num_failures"] == 0, entry


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
