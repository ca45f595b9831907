"""``import FILE.har``: only the API host's calls, secrets redacted, and it replays."""

from __future__ import annotations

import json

from explorer.client import bearer
from explorer.sessions.export import export
from explorer.sessions.format import read_session


def _browser_har(session_path, server, tmp_path):
    """What a browser's network tab would save: real secrets, assets, another host."""
    text = export(read_session(session_path), "har").replace("{{token}}", server.token)
    har = json.loads(text)
    entries = har["log"]["entries"]
    for entry in entries:
        entry["request"]["headers"] += [
            {"name": "Cookie", "value": f"session={server.token}"},
            {"name": "User-Agent", "value": "Mozilla/5.0"},
            {"name": "sec-ch-ua", "value": '"Chromium"'},
            {"name": ":authority", "value": "127.0.0.1"},
        ]
    asset = json.loads(json.dumps(entries[0]))
    asset["request"]["url"] = "https://cdn.example.com/app.js"
    asset["response"]["content"] = {"size": 5, "mimeType": "text/javascript", "text": "x=1;"}
    analytics = json.loads(json.dumps(entries[0]))
    analytics["request"]["url"] = "https://stats.example.com/collect?api_key=" + server.token
    entries[1:1] = [asset, analytics]
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(har))
    return path


def test_import_keeps_the_api_host_redacts_and_replays(labos_session, sandbox, fresh, tmp_path,
                                                       run, replay_on):
    har = _browser_har(labos_session, sandbox, tmp_path)
    out = tmp_path / "sessions" / "imported.jsonl"
    result = run("import", str(har), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "imported 7 of 9 requests" in result.stdout
    text = out.read_text()
    assert sandbox.token not in text
    assert out.stat().st_mode & 0o777 == 0o600
    session = read_session(out)
    assert session.auth == "bearer"
    first = session.exchanges[0].request["headers"]
    assert first["Authorization"] == "Bearer {{token}}" and first["Cookie"] == "{{cookie}}"
    assert "User-Agent" not in first and "sec-ch-ua" not in first and ":authority" not in first
    report = replay_on(out, fresh, auth=bearer(fresh.token))
    assert report.passed, [m for r in report.results for m in r.messages()]


def test_import_with_an_explicit_host(labos_session, sandbox, tmp_path, run):
    har = _browser_har(labos_session, sandbox, tmp_path)
    out = tmp_path / "cdn.jsonl"
    result = run("import", str(har), "-o", str(out), "--host", "cdn.example.com")
    assert result.returncode == 0, result.stderr
    assert len(read_session(out)) == 1


def test_import_of_something_that_is_not_a_har(tmp_path, run):
    bad = tmp_path / "bad.har"
    bad.write_text('{"hello": 1}')
    result = run("import", str(bad), "-o", str(tmp_path / "x.jsonl"))
    assert result.returncode == 1
    assert "not a HAR file (no log.entries)" in result.stderr


def _har(tmp_path, *entries, name="made.har"):
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


def _entry(url="http://api.example.com/login", *, method="POST", status=200, post=None,
           headers=None, response_headers=None):
    entry = {
        "startedDateTime": "2024-05-01T09:00:00.000Z", "time": 3,
        "request": {"method": method, "url": url, "headers": headers or [],
                    "queryString": []},
        "response": {"status": status, "statusText": "", "headers": response_headers or [],
                     "content": {"size": 2, "mimeType": "application/json", "text": "{}"}},
    }
    if post is not None:
        entry["request"]["postData"] = post
    return entry


def test_import_redacts_form_urlencoded_passwords(tmp_path, run):
    form = "application/x-www-form-urlencoded"
    har = _har(
        tmp_path,
        _entry(post={"mimeType": form, "text": "username=ada&password=hunter2secret"}),
        # Some browsers save only params: the body is rebuilt from them, redacted too.
        _entry(post={"mimeType": form + "; charset=UTF-8", "params": [
            {"name": "username", "value": "ada"},
            {"name": "password", "value": "other secret&x"}]}),
    )
    out = tmp_path / "form.jsonl"
    result = run("import", str(har), "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "hunter2secret" not in text and "other secret" not in text
    assert "other+secret" not in text and "other%20secret" not in text
    first, second = read_session(out).exchanges
    assert first.request["body"] == {"text": "username=ada&password={{password}}"}
    assert second.request["body"] == {"text": "username=ada&password={{password}}"}


def test_a_replayed_form_body_gets_its_placeholders_url_encoded(tmp_path):
    from explorer.sessions.replay import Replayer

    form = "application/x-www-form-urlencoded"
    har = _har(tmp_path, _entry(post={"mimeType": form, "text": "user=ada&password=pw1234"},
                                headers=[{"name": "Content-Type", "value": form}]))
    from explorer.sessions.har_import import import_har

    import_har(har, tmp_path / "form.jsonl")
    session = read_session(tmp_path / "form.jsonl")
    replayer = Replayer(session, send=lambda spec: None, base_url="http://h",
                        variables={"password": "p&ss w0rd"})
    assert replayer.build(session.exchanges[0]).data == b"user=ada&password=p%26ss+w0rd"


def test_entries_without_a_real_status_are_skipped_and_reported(tmp_path, run):
    har = _har(
        tmp_path,
        _entry("http://api.example.com/a", method="GET"),
        _entry("http://api.example.com/blocked", method="GET", status=0),
        _entry("http://api.example.com/odd", method="GET", status=999),
        _entry("http://api.example.com/b", method="GET", status=201),
    )
    out = tmp_path / "s.jsonl"
    result = run("import", str(har), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "imported 2 of 4 requests" in result.stdout
    assert "skipped entry 2 (GET http://api.example.com/blocked): status 0" in result.stderr
    assert "skipped entry 3 (GET http://api.example.com/odd): status 999" in result.stderr
    session = read_session(out)  # status 999 made the file unreadable
    assert [e.status for e in session.exchanges] == [200, 201]
    assert [e.step for e in session.exchanges] == [1, 2]


def test_malformed_entries_are_a_clear_error_not_a_crash(tmp_path, run):
    bad_header = _entry(headers=["Authorization: Bearer x"])
    bad_status = _entry(status="abc")
    bad_param = _entry(post={"mimeType": "multipart/form-data", "params": ["file"]})
    bad_response_headers = _entry(response_headers={"a": "b"})
    bad_response = _entry()
    bad_response["response"] = ["x"]
    no_request = {"response": {"status": 200}}
    for number, (entry, message) in enumerate([
        (bad_header, "entry 1: request.headers[0] must be an object with a name"),
        (bad_status, "entry 1: response.status must be a number"),
        (bad_param, "entry 1: request.postData.params[0] must be an object with a name"),
        (bad_response_headers, "entry 1: response.headers must be a list"),
        (bad_response, "entry 1: response must be an object"),
        (no_request, "entry 1: not a HAR entry (no request object)"),
    ]):
        har = _har(tmp_path, entry, name=f"bad{number}.har")
        result = run("import", str(har), "-o", str(tmp_path / f"bad{number}.jsonl"),
                     "--host", "api.example.com")
        assert result.returncode == 1, (message, result.stderr)
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_the_session_auth_kind_comes_from_the_list_of_credential_headers(tmp_path, run):
    har = _har(tmp_path, _entry(headers=[{"name": "Api-Key", "value": "k-0123456789"}]))
    out = tmp_path / "key.jsonl"
    assert run("import", str(har), "-o", str(out)).returncode == 0
    session = read_session(out)
    assert session.auth == "apikey"
    assert session.exchanges[0].request["headers"] == {"Api-Key": "{{api_key}}"}
