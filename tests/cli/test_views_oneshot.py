"""``--format``, ``--filter``, ``--offline`` and ``--curl`` of one-shot commands against
the sandbox; a ``--curl`` line holding hostile values is run by bash and only sends."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from ecoserver import EcoServer

INSTRUMENTS = "/public/v1/instruments"


def test_filter_and_formats_piped(run, labos):
    names = run.json(*labos, "instruments", "list", "limit==3", "--filter", "data[].name")
    assert len(names) == 3 and all(isinstance(n, str) for n in names)
    table = run(*labos, "call", "GET", INSTRUMENTS, "fields==name,status,acl", "limit==2",
                "--format=csv")
    assert table.returncode == 0, table.stderr
    rows = list(csv.reader(io.StringIO(table.stdout)))
    assert rows[0] == ["id", "name", "status", "acl.owner", "acl.read", "acl.write"]
    assert len(rows) == 3
    tsv = run(*labos, "instruments", "list", "limit==1", "fields==name", "--format", "tsv")
    assert tsv.stdout.splitlines()[0] == "id\tname"
    import yaml

    data = yaml.safe_load(run(*labos, "instruments", "list", "limit==1", "--format",
                              "yaml").stdout)
    assert len(data["data"]) == 1
    # no flag: the exact body, as before
    raw = run.raw(*labos, "call", "GET", INSTRUMENTS, "limit==1")
    assert raw.stdout.startswith(b'{"data":[{')


def test_a_bad_filter_is_a_usage_error_before_any_request(run, logged):
    before = len(logged.log_lines.lines)
    bad = run("--url", logged.url, "--token", logged.token, "call", "GET", INSTRUMENTS,
              "--filter", "data[?name=='x'")
    assert bad.returncode == 2
    assert "not a JMESPath expression" in bad.stderr and "^" in bad.stderr
    assert len(logged.log_lines.lines) == before


def test_an_error_answer_keeps_its_exit_code_and_a_non_json_answer_is_one_line(run, labos):
    missing = run(*labos, "instruments", "get", "nope", "--filter", "message")
    assert missing.returncode == 4
    assert json.loads(missing.stdout) == "Instrument 'nope' not found"
    with EcoServer() as files:
        binary = run("--url", files.url, "call", "GET", "/files/x?size=10", "--format", "csv")
    assert binary.returncode == 1
    assert "the answer is not JSON (application/octet-stream, 10 bytes)" in binary.stderr


def test_offline_and_curl_print_the_request_masked_and_send_nothing(run, logged):
    options = ["--url", logged.url, "--token", logged.token]
    run(*options, "routes")  # cache the routes: --offline reads only the cache
    before = len(logged.log_lines.lines)
    offline = run(*options, "instruments", "create", "name=x", "password=hunter22", "--offline")
    assert offline.returncode == 0, offline.stderr
    lines = offline.stdout.splitlines()
    assert lines[0] == "POST /public/v1/instruments HTTP/1.1"
    assert "Authorization: Bearer ***" in lines and logged.token not in offline.stdout
    assert '"password": "***"' in offline.stdout and "hunter22" not in offline.stdout
    curl = run(*options, "instruments", "list", "limit==2", "--curl")
    assert curl.stdout.startswith("curl ") and "'Authorization: Bearer ***'" in curl.stdout
    shown = run(*options, "instruments", "list", "--curl", "--show-secrets")
    assert f"'Authorization: Bearer {logged.token}'" in shown.stdout
    assert len(logged.log_lines.lines) == before  # nothing was sent, /discover included
    cold = run("--url", logged.url, "--token", logged.token, "--routes", "labstep",
               "protocol", "list", "--offline")
    assert cold.returncode == 0  # a routes file is read from disk, offline too


def test_a_curl_line_with_hostile_values_only_sends_them(run, tmp_path):
    marker = tmp_path / "pwned"
    hostile = f"$(touch {marker})`touch {marker}`'\"; touch {marker}"
    with EcoServer() as echo:
        printed = run("--url", echo.url, "call", "POST", "/anything",
                      f"X-Note:{hostile}", f"note={hostile}", "--curl")
        assert printed.returncode == 0, printed.stderr
        sent = subprocess.run(["bash", "-c", printed.stdout], capture_output=True, timeout=60,
                              cwd=tmp_path)
        assert sent.returncode == 0, sent.stderr
        assert not marker.exists()
        seen = echo.seen[-1]
        assert seen["headers"]["X-Note"] == hostile
        assert json.loads(seen["body"]) == {"note": hostile}
