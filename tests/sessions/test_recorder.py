"""The recorder: line per exchange, flushed when the body is read, spill to files, 0600."""

from __future__ import annotations

import json
import os
import tracemalloc

from explorer.client import Client, RequestSpec, bearer
from explorer.engine import Engine
from explorer.sessions.format import INLINE_LIMIT, files_dir, read_session
from explorer.sessions.recorder import Recorder


def _open(path, server, client):
    return Recorder.open(path, base_url=server.url, secrets=client.secrets,
                         routes_fingerprint="sha256:abc", auth=client.auth)


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_header_then_one_line_per_exchange_in_stable_key_order(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "s.jsonl"
    recorder = _open(path, sandbox_session, client)
    spec = RequestSpec("GET", "/public/v1/instruments", query=["limit=2", "sort=name"],
                       command="instruments list limit==2 sort==name",
                       route="GET /public/v1/instruments/:id?")
    response = recorder.wrap(spec, client.send(spec))
    assert len(path.read_text().splitlines()) == 1  # nothing until the body is read
    body = response.content
    header, exchange = _lines(path)
    assert list(header) == ["session", "format", "explorer", "created", "vars", "routes", "auth"]
    assert header["vars"] == {"base_url": sandbox_session.url} and header["auth"] == "bearer"
    assert header["routes"] == "sha256:abc"
    assert list(exchange) == ["step", "time", "command", "route", "request", "response"]
    assert list(exchange["request"]) == ["method", "url", "path", "query", "headers", "body"]
    assert list(exchange["response"]) == ["status", "reason", "headers", "body", "duration_ms"]
    assert exchange["request"]["url"] == "{{base_url}}/public/v1/instruments?limit=2&sort=name"
    assert exchange["request"]["query"] == ["limit=2", "sort=name"]
    assert exchange["route"] == "GET /public/v1/instruments/:id?"
    assert exchange["response"]["body"]["json"] == json.loads(body)
    recorder.close()
    client.close()


def test_iter_bytes_is_teed_and_close_writes_a_truncated_body(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "s.jsonl"
    recorder = _open(path, sandbox_session, client)
    spec = RequestSpec("GET", "/public/v1/instruments", query=["limit=5"])
    streamed = b"".join(recorder.wrap(spec, client.send(spec)).iter_bytes(chunk_size=16))
    assert _lines(path)[1]["response"]["body"]["json"] == json.loads(streamed)
    spec = RequestSpec("GET", "/_sandbox/bytes", query=["size=300000"])
    response = recorder.wrap(spec, client.send(spec))
    next(response.iter_bytes())
    response.close()
    last = _lines(path)[2]
    assert last["step"] == 2
    assert last["response"]["body"]["truncated"] is True
    recorder.close()
    client.close()


def test_a_large_body_streams_to_a_file_beside_the_session(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "big.jsonl"
    recorder = _open(path, sandbox_session, client)
    size = 20 * 1024 * 1024
    spec = RequestSpec("GET", "/_sandbox/bytes", query=[f"size={size}"])
    tracemalloc.start()
    total = 0
    for chunk in recorder.wrap(spec, client.send(spec)).iter_bytes():
        total += len(chunk)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == size
    assert peak < 4 * 1024 * 1024, f"the recorder held {peak} bytes"
    body = _lines(path)[1]["response"]["body"]
    assert body["size"] == size and body["file"].startswith("big.jsonl.d/")
    stored = tmp_path / body["file"]
    assert stored.stat().st_size == size
    assert stored.stat().st_mode & 0o777 == 0o600
    assert files_dir(path).stat().st_mode & 0o777 == 0o700
    assert len(path.read_bytes()) < INLINE_LIMIT
    recorder.close()
    client.close()


def test_session_files_are_private_and_appended_to(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "sessions" / "s.jsonl"
    for _ in range(2):
        recorder = _open(path, sandbox_session, client)
        spec = RequestSpec("GET", "/public/v1/families")
        _ = recorder.wrap(spec, client.send(spec)).content
        recorder.close()
    assert path.stat().st_mode & 0o777 == 0o600
    session = read_session(path)
    assert [e.step for e in session.exchanges] == [1, 2]
    client.close()


def test_a_torn_last_line_is_cut_before_appending(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "s.jsonl"
    recorder = _open(path, sandbox_session, client)
    spec = RequestSpec("GET", "/public/v1/families")
    _ = recorder.wrap(spec, client.send(spec)).content
    recorder.close()
    with open(path, "ab") as f:
        f.write(b'{"step":2,"time":"2024-01-0')  # a crash in the middle of a write
    assert read_session(path).warnings
    recorder = _open(path, sandbox_session, client)
    _ = recorder.wrap(spec, client.send(spec)).content
    recorder.close()
    session = read_session(path)
    assert not session.warnings
    assert [e.step for e in session.exchanges] == [1, 2]
    client.close()


def test_each_line_is_on_disk_before_the_recorder_closes(sandbox_session, tmp_path):
    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "s.jsonl"
    recorder = _open(path, sandbox_session, client)
    spec = RequestSpec("GET", "/public/v1/families")
    for expected in (2, 3):
        _ = recorder.wrap(spec, client.send(spec)).content
        with open(path, "rb") as other_reader:
            assert other_reader.read().count(b"\n") == expected
    os.kill(os.getpid(), 0)  # the process is alive: nothing was closed
    recorder.close()
    client.close()


def test_an_upload_is_copied_beside_the_session(sandbox, tmp_path, upload_file):
    import requests

    key = requests.post(f"{sandbox.url}/public-api/user/login",
                        json={"username": sandbox.username, "password": sandbox.password},
                        timeout=5).json()["api_key"]
    from explorer.client import FileField, api_key

    client = Client(sandbox.url, auth=api_key(key))
    path = tmp_path / "up.jsonl"
    recorder = _open(path, sandbox, client)
    experiment = requests.post(f"{sandbox.url}/api/generic/experiment", json={"name": "e"},
                               headers={"apikey": key}, timeout=5).json()
    spec = RequestSpec("POST", "/api/generic/file/upload",
                       form={"experiment_id": str(experiment["id"])},
                       files=[FileField("file", str(upload_file))])
    _ = recorder.wrap(spec, client.send(spec)).content
    recorder.close()
    upload = _lines(path)[1]["request"]["body"]["multipart"]
    assert upload["fields"] == {"experiment_id": str(experiment["id"])}
    (item,) = upload["files"]
    assert item["filename"] == "plate-readings.csv" and item["type"] == "text/csv"
    copy = tmp_path / item["file"]
    assert copy.read_bytes() == upload_file.read_bytes()
    assert copy.name == "plate-readings.csv"
    upload_file.write_text("changed later")
    assert copy.read_text().startswith("well,od600")
    client.close()


def test_typed_credential_headers_are_redacted_and_the_session_still_replays(
    sandbox, fresh, tmp_path, replay_on
):
    """One recording (as the shell's ``record start`` keeps one recorder): a typed
    ``Authorization:Bearer …`` item, X-Auth-Token/X-Access-Token headers, then more steps.
    No value reaches the file, the scheme word is never taken for the secret, and every
    later step still replays (the Authorization header keeps ``Bearer``)."""
    import shlex

    from explorer.client import bearer
    from explorer.engine import Engine

    client = Client(sandbox.url, auth=bearer(sandbox.token))
    path = tmp_path / "typed.jsonl"
    recorder = _open(path, sandbox, client)
    engine = Engine(client, None, recorder=recorder)
    calls = [
        ("GET", "/public/v1/instruments", "limit==1"),
        ("GET", "/public/v1/instruments/nonexistent", f"Authorization:Bearer {sandbox.token}"),
        ("GET", "/public/v1/families", "X-Auth-Token:supersecretvalue1",
         "X-Access-Token:thirdsecret333"),
        ("GET", "/public/v1/instruments", "limit==2"),
        ("GET", "/public/v1/instruments/nonexistent"),
    ]
    for method, target, *items in calls:
        typed = shlex.join(["call", method, target, *items])
        response = engine.send(engine.prepare_call(method, target, items, command=typed))
        assert response.content is not None  # read to the end: the exchange is written
    recorder.close()
    client.close()
    text = path.read_text()
    for secret in (sandbox.token, "supersecretvalue1", "thirdsecret333"):
        assert secret not in text
    exchanges = _lines(path)[1:]
    assert exchanges[1]["command"] == (
        "call GET /public/v1/instruments/nonexistent 'Authorization:Bearer {{token}}'")
    assert exchanges[2]["command"] == ("call GET /public/v1/families X-Auth-Token:{{token}} "
                                       "X-Access-Token:{{token}}")
    assert exchanges[2]["request"]["headers"]["X-Auth-Token"] == "{{token}}"
    assert exchanges[2]["request"]["headers"]["X-Access-Token"] == "{{token}}"
    for exchange in exchanges:
        assert exchange["request"]["headers"]["Authorization"] == "Bearer {{token}}"
    assert "{{token}}" not in json.dumps([e["response"] for e in exchanges])
    report = replay_on(path, fresh, auth=bearer(fresh.token))
    assert report.passed, [m for r in report.results for m in r.messages()]
    assert [r.actual_status for r in report.results] == [200, 404, 200, 200, 404]


def test_a_secret_the_answer_reveals_late_is_replaced_as_text_and_the_scheme_stays(tmp_path):
    """The answer names a secret (``"token": …``) the request had already carried in an
    ordinary field: the line is written again with the value replaced in its strings, and
    the Authorization header keeps ``Bearer {{token}}``."""
    from explorer.client import Response, bearer

    client = Client("http://127.0.0.1:9", auth=bearer("profile-token-0123456789"))
    path = tmp_path / "late.jsonl"
    recorder = Recorder.open(path, base_url=client.base_url, secrets=client.secrets,
                             routes_fingerprint=None, auth=client.auth)
    spec = RequestSpec("POST", "/sessions", json={"note": "minted-abcdef123"},
                       command="sessions create note=minted-abcdef123")
    answer = Response(201, "Created", {"Content-Type": "application/json"}, "http://x/sessions",
                      0.01, _content=b'{"token": "minted-abcdef123", "count": 1234}')
    recorder.wrap(spec, answer)
    recorder.close()
    client.close()
    text = path.read_text()
    assert "minted-abcdef123" not in text
    exchange = _lines(path)[1]
    assert exchange["command"] == "sessions create note={{token}}"
    assert exchange["request"]["headers"] == {"Authorization": "Bearer {{token}}"}
    assert exchange["request"]["body"] == {"json": {"note": "{{token}}"}}
    assert exchange["response"]["body"] == {"json": {"token": "{{token}}", "count": 1234}}


def test_a_form_urlencoded_request_body_is_redacted(tmp_path):
    from explorer.client import Response

    client = Client("http://127.0.0.1:9")
    path = tmp_path / "form.jsonl"
    recorder = Recorder.open(path, base_url=client.base_url, secrets=[],
                             routes_fingerprint=None)
    spec = RequestSpec("POST", "/login", data=b"username=ada&password=hunter2secret",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    recorder.wrap(spec, Response(204, "No Content", {}, "http://x/login", 0.01, _content=b""))
    recorder.close()
    client.close()
    assert "hunter2secret" not in path.read_text()
    assert _lines(path)[1]["request"]["body"] == {"text": "username=ada&password={{password}}"}


def _login(server) -> str:
    """The sandbox's Labstep login: its api_key."""
    import requests

    return requests.post(f"{server.url}/public-api/user/login",
                         json={"username": server.username, "password": server.password},
                         timeout=5).json()["api_key"]


def test_a_secret_inside_an_uploaded_file_is_hidden_and_replay_fills_it_back(
    sandbox, fresh, tmp_path, replay_on
):

    from explorer.client import FileField, api_key

    key = _login(sandbox)
    secret_file = tmp_path / "config.txt"
    secret_file.write_text(f"apikey={key}\nplate=7\n")
    client = Client(sandbox.url, auth=api_key(key))
    path = tmp_path / "up.jsonl"
    recorder = _open(path, sandbox, client)
    engine = Engine(client, None, recorder=recorder)
    experiment = engine.send(engine.prepare_call("POST", "/api/generic/experiment",
                                                 ["name=e"])).json()
    spec = RequestSpec("POST", "/api/generic/file/upload",
                       form={"experiment_id": str(experiment["id"])},
                       files=[FileField("file", str(secret_file))])
    _ = engine.send(spec).content
    recorder.close()
    client.close()
    (item,) = _lines(path)[2]["request"]["body"]["multipart"]["files"]
    assert item["placeholders"] == ["api_key"]
    assert (tmp_path / item["file"]).read_text() == "apikey={{api_key}}\nplate=7\n"

    fresh_key = _login(fresh)
    report = replay_on(path, fresh, auth=api_key(fresh_key))
    assert report.passed, [f.describe() for r in report.results for f in r.failures]
    stored = [p for p in fresh.storage_dir.rglob("*") if p.is_file()]
    assert [p.read_text() for p in stored] == [f"apikey={fresh_key}\nplate=7\n"]


def test_replay_gives_the_server_the_name_an_upload_was_recorded_under(
    sandbox, fresh, tmp_path, replay_on
):
    """The copy beside the session has a safe name (``my_plate_1_.csv``) and one with a
    secret filled back in a temporary one: the part still says ``my plate (1).csv``."""
    import requests

    from explorer.client import FileField, api_key

    key = _login(sandbox)
    named = tmp_path / "my plate (1).csv"
    named.write_text(f"key={key}\nwell,value\n")  # a secret inside: a temporary copy
    client = Client(sandbox.url, auth=api_key(key))
    path = tmp_path / "named.jsonl"
    recorder = _open(path, sandbox, client)
    engine = Engine(client, None, recorder=recorder)
    experiment = engine.send(engine.prepare_call("POST", "/api/generic/experiment",
                                                 ["name=e"])).json()
    spec = RequestSpec("POST", "/api/generic/file/upload",
                       form={"experiment_id": str(experiment["id"])},
                       files=[FileField("file", str(named))])
    _ = engine.send(spec).content
    recorder.close()
    client.close()
    (item,) = _lines(path)[2]["request"]["body"]["multipart"]["files"]
    assert item["filename"] == "my plate (1).csv"
    assert item["file"].endswith("/my_plate_1_.csv")

    fresh_key = _login(fresh)
    report = replay_on(path, fresh, auth=api_key(fresh_key))
    assert report.passed, [f.describe() for r in report.results for f in r.failures]
    stored = requests.get(f"{fresh.url}/api/generic/file/1", headers={"apikey": fresh_key},
                          timeout=5).json()  # the fresh sandbox's first file
    assert stored["name"] == "my plate (1).csv"


def test_a_secret_learned_later_is_scrubbed_from_lines_and_files_already_written(
    sandbox, tmp_path
):
    """The password goes into an ordinary field first and is only known to be one at the
    login; a second run appending to the file learns the key the login answered."""
    from explorer.client import FileField

    password = sandbox.password
    leak = tmp_path / "notes.txt"
    leak.write_text(f"pw={password}\n")
    path = tmp_path / "late.jsonl"
    client = Client(sandbox.url, auth=bearer(sandbox.token))
    recorder = _open(path, sandbox, client)
    engine = Engine(client, None, recorder=recorder)
    _ = engine.send(engine.prepare_call(
        "POST", "/public/v1/instruments", ["name=late", f"description={password}"],
        command=f"post /public/v1/instruments description={password}")).content
    experiment = engine.send(engine.prepare_call("POST", "/api/generic/experiment",
                                                 ["name=e"])).json()
    spec = RequestSpec("POST", "/api/generic/file/upload",
                       form={"experiment_id": str(experiment["id"])},
                       files=[FileField("file", str(leak))])
    _ = engine.send(spec).content
    assert password in path.read_text()  # not known to be a secret yet
    _ = engine.send(engine.prepare_call(
        "POST", "/public-api/user/login",
        [f"username={sandbox.username}", f"password={password}"])).content
    recorder.close()
    client.close()
    text = path.read_text()
    assert password not in text
    lines = _lines(path)
    assert lines[1]["command"] == "post /public/v1/instruments description={{password}}"
    assert lines[1]["request"]["body"]["json"]["description"] == "{{password}}"
    (upload,) = lines[3]["request"]["body"]["multipart"]["files"]
    assert upload["placeholders"] == ["password"]
    for body in files_dir(path).rglob("*"):
        if body.is_file():
            assert password.encode() not in body.read_bytes()
    assert os.stat(path).st_mode & 0o777 == 0o600
    # recording goes on into the rewritten file
    key = lines[4]["response"]["body"]["json"]["api_key"]
    assert key == "{{api_key}}"
    client = Client(sandbox.url, auth=bearer(sandbox.token))
    recorder = _open(path, sandbox, client)
    _ = recorder.wrap(RequestSpec("GET", "/discover"), client.send(RequestSpec("GET", "/discover")))
    recorder.close()
    client.close()
    assert [line.get("step") for line in _lines(path)[1:]] == [1, 2, 3, 4, 5]
    assert read_session(path).exchanges[-1].path == "/discover"


def test_a_line_another_process_writes_while_this_recorder_opens_keeps_its_step(
        tmp_path, monkeypatch):
    """Another process appends a line after this recorder counted the steps under the
    lock but before it started following the file: this recorder's first line still gets
    the next step, not the same one (eight processes recording at once lost a step so)."""
    from explorer.client import Response

    path = tmp_path / "shared.jsonl"

    def record(recorder, where):
        spec = RequestSpec("GET", where)
        assert recorder.wrap(spec, Response.of(200, b"{}", url="http://x" + where)).content

    def opened():
        return Recorder.open(path, base_url="http://x", secrets=[], routes_fingerprint=None)

    first = opened()
    original = Recorder.__init__

    def late_init(self, *args, **kwargs):
        monkeypatch.setattr(Recorder, "__init__", original)
        other = opened()  # "another process", between the count and the follow
        record(other, "/other")
        other.close()
        original(self, *args, **kwargs)

    monkeypatch.setattr(Recorder, "__init__", late_init)
    second = opened()
    record(second, "/second")
    record(first, "/first")
    second.close()
    first.close()
    steps = {line["request"]["path"]: line["step"] for line in _lines(path)[1:]}
    assert steps == {"/other": 1, "/second": 2, "/first": 3}
