"""Replay of recorded flows against fresh and deliberately changed sandboxes."""

from __future__ import annotations

import json

import requests

from explorer.client import api_key, bearer
from explorer.sessions.format import read_session


def _messages(report) -> list[str]:
    return [m for r in report.results for m in r.messages()]


def test_labos_tour_replays_on_a_fresh_sandbox(labos_session, fresh, replay_on):
    report = replay_on(labos_session, fresh, auth=bearer(fresh.token))
    assert report.passed, _messages(report)
    assert [r.result for r in report.results] == ["passed"] * 7


def test_created_ids_are_captured_and_used_later(labos_session, fresh, replay_on):
    session = read_session(labos_session)
    recorded_cid = session.exchanges[4].response_json["id"]
    # Make the fresh server hand out different ids than the recording has.
    headers = {"Authorization": f"Bearer {fresh.token}"}
    iid = session.exchanges[3].response_json["id"]
    for _ in range(2):
        requests.post(f"{fresh.url}/public/v1/instruments/{iid}/commands",
                      json={"action": "prime"}, headers=headers, timeout=5)
    report = replay_on(labos_session, fresh, auth=bearer(fresh.token))
    assert report.passed, _messages(report)
    kill = report.results[5]
    assert "/kill" in kill.target and recorded_cid not in kill.target


def test_a_changed_value_fails_the_right_step_with_path_expected_actual(
    labos_session, fresh, replay_on
):
    session = read_session(labos_session)
    first = session.exchanges[1].response_json["data"][0]
    requests.patch(
        f"{fresh.url}/public/v1/instruments/{first['id']}",
        json={"name": "Renamed by a test"},
        headers={"Authorization": f"Bearer {fresh.token}"},
        timeout=5,
    ).raise_for_status()
    report = replay_on(labos_session, fresh, auth=bearer(fresh.token))
    assert not report.passed
    failed = [r for r in report.results if r.result == "failed"]
    assert failed[0].step == 2
    message = failed[0].messages()[0]
    assert message.startswith("step 2 (GET /public/v1/instruments?sort=name&limit=3&fields=")
    assert "$.data[" in message and f'expected "{first["name"]}"' in message


def test_a_missing_field_and_a_changed_status_are_reported(
    labos_session, fresh, tmp_path, replay_on
):
    session = read_session(labos_session)
    lines = labos_session.read_text().splitlines()
    # Pretend the recording saw a field the server does not send, and a 201 for a GET.
    step4 = json.loads(lines[4])
    step4["response"]["body"]["json"]["calibration"] = {"due": "soon"}
    step7 = json.loads(lines[7])
    step7["response"]["status"] = 201
    lines[4], lines[7] = json.dumps(step4), json.dumps(step7)
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n")
    report = replay_on(changed, fresh, auth=bearer(fresh.token))
    by_step = {r.step: r for r in report.results}
    assert by_step[4].result == "failed"
    assert "$.calibration: expected a field, got nothing (missing)" in by_step[4].messages()[0]
    assert by_step[7].failures[0].kind == "status"
    assert "status: expected 201, got 200" in by_step[7].messages()[0]
    assert session.exchanges[0].status == 200


def test_a_changed_type_fails_the_shape_check(labos_session, fresh, tmp_path, replay_on):
    lines = labos_session.read_text().splitlines()
    step4 = json.loads(lines[4])
    step4["response"]["body"]["json"]["name"] = 12
    lines[4] = json.dumps(step4)
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n")
    report = replay_on(changed, fresh, auth=bearer(fresh.token))
    message = report.results[3].messages()[0]
    assert "$.name: expected type number, got string" in message


def test_volatile_paths_are_not_compared(labos_session, fresh, replay_on):
    session = read_session(labos_session)
    first = session.exchanges[1].response_json["data"][0]
    requests.patch(
        f"{fresh.url}/public/v1/instruments/{first['id']}",
        json={"name": "Renamed"},
        headers={"Authorization": f"Bearer {fresh.token}"},
        timeout=5,
    ).raise_for_status()
    report = replay_on(labos_session, fresh, auth=bearer(fresh.token), volatile=["$.data[*].name",
                                                                             "name"])
    assert report.passed, _messages(report)


def test_labstep_flow_replays_with_login_capture(labstep_session, fresh, replay_on):
    # Shift the fresh server's ids, so the experiment must use the new protocol's id.
    key = requests.post(f"{fresh.url}/public-api/user/login",
                        json={"username": fresh.username, "password": fresh.password},
                        timeout=5).json()["api_key"]
    requests.post(f"{fresh.url}/api/generic/protocol", json={"name": "other"},
                  headers={"apikey": key}, timeout=5).raise_for_status()
    report = replay_on(labstep_session, fresh, variables={"password": fresh.password})
    assert report.passed, _messages(report)
    experiments = requests.get(f"{fresh.url}/api/generic/experiment", params={"count": 50},
                               headers={"apikey": key}, timeout=5).json()["items"]
    protocols = requests.get(f"{fresh.url}/api/generic/protocol", params={"count": 50},
                             headers={"apikey": key}, timeout=5).json()["items"]
    replayed = next(p for p in protocols if p["name"] == "Programmatic Protocol")
    assert any(e.get("protocol_id") == replayed["id"] for e in experiments)


def test_labstep_flow_without_the_password_names_what_is_missing(labstep_session, fresh, replay_on):
    report = replay_on(labstep_session, fresh)
    assert report.results[0].result == "error"
    assert "needs a value for {{password}}" in report.results[0].messages()[0]
    assert "EXPLORER_PASSWORD" in report.results[0].messages()[0]


def test_labstep_flow_with_the_key_from_the_profile(labstep_session, fresh, replay_on):
    report = replay_on(labstep_session, fresh, auth=api_key(fresh.api_key),
                    variables={"password": fresh.password})
    assert report.passed, _messages(report)


def test_only_safe_skips_writes(labos_session, fresh, replay_on):
    report = replay_on(labos_session, fresh, auth=bearer(fresh.token), only_safe=True)
    methods = {r.method: set() for r in report.results}
    for r in report.results:
        methods[r.method].add(r.result)
    assert methods["POST"] == {"skipped"}
    assert report.results[0].result == "passed"
    # the last step reads the command a skipped POST created: skipped, saying why
    created = report.results[4]
    last = report.results[-1]
    assert (last.method, last.result) == ("GET", "skipped")
    assert last.note.startswith("not sent: it uses ")
    assert last.note.endswith(f"which step {created.step} created and --only-safe did not send")
    assert report.passed
    # a GET of an object that existed before (the instrument) is still sent
    assert report.results[3].result == "passed"


def test_an_unreachable_server_stops_after_a_few_steps(labos_session, replay_on):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Nowhere:
        url = f"http://127.0.0.1:{port}"

    report = replay_on(labos_session, Nowhere(), auth=bearer("x" * 20))
    assert [r.result for r in report.results[:3]] == ["error"] * 3
    assert all(r.result == "skipped" for r in report.results[3:])
    assert not report.passed


def test_a_thousand_gets_replay_without_per_step_parsing(sandbox_session, tmp_path,
                                                          monkeypatch, replay_on):
    """Unchanged answers take the fast path: no schema, no route parsing, one client."""
    from explorer.client import Client
    from explorer.routing import RoutePattern
    from explorer.sessions import checks
    from explorer.sessions.recorder import Recorder

    client = Client(sandbox_session.url, auth=bearer(sandbox_session.token))
    path = tmp_path / "gets.jsonl"
    recorder = Recorder.open(path, base_url=sandbox_session.url, secrets=client.secrets,
                             routes_fingerprint=None, auth=client.auth)
    from explorer.client import RequestSpec

    spec = RequestSpec("GET", "/public/v1/instruments", query=["limit=5", "sort=name"],
                       route="GET /public/v1/instruments/:id?")
    _ = recorder.wrap(spec, client.send(spec)).content
    recorder.close()
    client.close()
    header, line = path.read_text().splitlines()
    lines = [header]
    for step in range(1, 1001):
        exchange = json.loads(line)
        exchange["step"] = step
        lines.append(json.dumps(exchange))
    path.write_text("\n".join(lines) + "\n")

    def forbidden(*args, **kwargs):
        raise AssertionError("per-step work that an unchanged answer does not need")

    monkeypatch.setattr(checks, "infer_schema", forbidden)
    monkeypatch.setattr(RoutePattern, "parse", forbidden)
    report = replay_on(path, sandbox_session, auth=bearer(sandbox_session.token))
    assert report.passed and len(report.results) == 1000


def test_an_unreachable_server_is_told_by_the_error_kind_not_by_its_message(labos_session):
    """Exit 3 comes from a TransportError, whatever it says; another error that happens to
    say 'reach' or 'timed out' is an ordinary failure (exit 1)."""
    from explorer.errors import ResponseError, TransportError
    from explorer.sessions.replay import Replayer

    def run(error):
        def send(spec):
            raise error

        return Replayer(read_session(labos_session), send=send, base_url="http://h").run()

    report = run(TransportError("the connection was reset by the peer"))
    assert report.unreachable
    assert {f.kind for r in report.results for f in r.failures} == {"unreachable"}
    assert report.results[0].messages() == [
        "step 1 (GET /discover): the connection was reset by the peer"]
    report = run(ResponseError("the answer could not reach its end: timed out in a proxy"))
    assert not report.unreachable
    assert {f.kind for r in report.results for f in r.failures} == {"error"}


def _session_file(tmp_path, *exchanges, auth=None):
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": auth}
    path = tmp_path / "made.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in (header, *exchanges)) + "\n")
    return path


def _exchange(step, method, path, *, headers=None, answer=None, status=200):
    return {"step": step, "request": {"method": method, "path": path, "query": [],
                                      "headers": headers or {}, "body": None},
            "response": {"status": status, "headers": {"Content-Type": "application/json"},
                         "body": {"json": answer} if answer is not None else None}}


def test_every_credential_header_of_explorer_secrets_counts_as_auth(tmp_path):
    """A recorded Api-Key or X-Auth-Token header is the request's auth: replay does not add
    the captured key beside it, and drops it when nothing can fill it."""
    from explorer.sessions.replay import Replayer

    path = _session_file(
        tmp_path,
        _exchange(1, "POST", "/login", answer={"api_key": "{{api_key}}"}),
        _exchange(2, "GET", "/a", headers={"Api-Key": "{{api_key}}"}),
        _exchange(3, "GET", "/b", headers={"X-Auth-Token": "{{token}}", "Accept": "x/y"}),
    )
    session = read_session(path)
    replayer = Replayer(session, send=lambda spec: None, base_url="http://h")
    replayer.ids.learn({"api_key": "{{api_key}}"}, {"api_key": "key-0123456789"})
    assert replayer.build(session.exchanges[1]).headers == {"Api-Key": "key-0123456789"}
    # No token anywhere: the X-Auth-Token header is left out, the captured key applies.
    assert replayer.build(session.exchanges[2]).headers == {"Accept": "x/y",
                                                           "apikey": "key-0123456789"}
