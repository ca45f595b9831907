"""Every export of every hostile session, run against a capturing hostile server: the
bytes on the wire are the recorded ones, and nothing the session holds ever runs.

One run per export per corpus: the curl script with bash, the python script with
python, the locust file with Locust (one pass of its steps), the HAR imported back and
replayed, and the session replayed itself.  hurl cannot be installed here: its file is
read back by :func:`_hurl_requests`, a reader of the hurl escapes the export uses, and
held to the same expectations.  After all of it, no ``pwned-*`` file exists anywhere.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from captureserver import Captured, CaptureServer
from corpus import (
    BASE_PATH,
    RUNTIME_ID,
    WIRE_ID,
    Expect,
    dots_session,
    hostile_har,
    hostile_session,
    hostile_spec,
    outside_sessions,
)
from exportrun import clean_env, locust_one_pass

from explorer.errors import SessionError
from explorer.sessions.export import export, table
from explorer.sessions.format import read_session

EXPLORER = [sys.executable, "-m", "explorer"]


@pytest.fixture
def places(tmp_path):
    """(the working directory scripts run in, the folder the sessions are in)."""
    work, folder = tmp_path / "work", tmp_path / "sessions"
    work.mkdir()
    folder.mkdir()
    return work, folder


def _no_marker(root: Path) -> None:
    made = sorted(str(p) for p in root.rglob("pwned*"))  # what a `touch pwned-x` makes
    assert not made, f"a hostile string ran: {made}"


def _check_wire(captured: list[Captured], expect: list[Expect], prefix: str, who: str) -> None:
    assert [c.method for c in captured] == [e.method for e in expect], (who, captured)
    for seen, wanted in zip(captured, expect, strict=True):
        where = f"{who}: {wanted.method} {wanted.target}"
        assert seen.target.startswith("/")
        # The base URL's own path may be percent-encoded by the client (requests does);
        # everything after it is the recorded target, byte for byte.
        assert unquote(seen.target[: len(seen.target) - len(wanted.target)]) == prefix, where
        assert seen.target.endswith(wanted.target), (where, seen.target)
        for name, value in wanted.headers.items():
            assert seen.header(name) == value, (where, name, seen.headers)
        if wanted.json is not None:
            assert json.loads(seen.body) == wanted.json, where
        if wanted.body is not None:
            assert seen.body == wanted.body, (where, seen.body)
        if wanted.fields is not None:
            fields, files = _multipart(seen)
            assert fields == wanted.fields, (where, fields)
            assert files == wanted.files, (where, files)


def _multipart(seen: Captured) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + seen.header("Content-Type").encode() + b"\r\n\r\n" + seen.body)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode()
        else:
            files[name] = (filename, data)
    return fields, files


def _run(command: list[str], work: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=work, env=clean_env(**env), capture_output=True,
                          timeout=120)


def test_every_export_of_the_hostile_session_sends_what_was_recorded(places):
    work, folder = places
    with CaptureServer() as server:
        path, expect = hostile_session(folder, server.url)
        session = read_session(path)
        base = server.url + BASE_PATH

        def exported(fmt: str, name: str) -> Path:
            out = work / name
            out.write_text(export(session, fmt))
            return out

        # curl and python: from the session's own (hostile) base URL, no EXPLORER_URL
        for fmt, command in (("curl", ["bash"]), ("python", [sys.executable])):
            server.ids = [RUNTIME_ID]
            result = _run([*command, str(exported(fmt, f"hostile-{fmt}"))], work)
            assert result.returncode == 0, (fmt, result.stderr.decode())
            _check_wire(server.take(), expect, BASE_PATH, fmt)

        server.ids = [RUNTIME_ID]
        stats = locust_one_pass(exported("locust", "hostile_locust.py"), base, clean_env())
        assert sum(e["num_failures"] for e in stats.values()) == 0, stats
        _check_wire(server.take(), expect, BASE_PATH, "locust")  # one pass, exactly

        server.ids = [RUNTIME_ID]  # (a URL typed with a space in it would be no URL)
        replayed = _run([*EXPLORER, "--url", base.replace(" ", "%20"), "replay", str(path)],
                        work)
        assert replayed.returncode == 0, replayed.stdout.decode() + replayed.stderr.decode()
        _check_wire(server.take(), expect, BASE_PATH, "replay")

        # the HAR, imported back and replayed (a HAR keeps no request file's content:
        # the upload and the @file body arrive empty, the rest byte for byte)
        har = exported("har", "hostile.har")
        imported = folder / "from-har.jsonl"
        result = _run([*EXPLORER, "import", str(har), "-o", str(imported)], work)
        assert result.returncode == 0, result.stderr.decode()
        server.ids = [RUNTIME_ID]
        replayed = _run([*EXPLORER, "--url", server.url, "replay", str(imported)], work)
        assert replayed.returncode in (0, 1), replayed.stderr.decode()
        from_har = [e if e.fields is None and e.body != expect[-1].body
                    else Expect(e.method, e.target) for e in expect]
        _check_wire(server.take(), from_har, BASE_PATH, "har")

        for request, wanted in zip(_hurl_requests(export(session, "hurl")), expect,
                                   strict=True):
            _check_hurl(request, wanted)
    _no_marker(work.parent)


def test_an_id_the_server_calls_dots_is_never_sent_as_a_path(places):
    """``DELETE /things/..`` is another resource: when the server answers ``..`` for
    the thing a session created, no export and no replay sends the DELETE."""
    work, folder = places
    with CaptureServer() as server:
        session = read_session(dots_session(folder, server.url))
        for fmt, command in (("curl", ["bash"]), ("python", [sys.executable])):
            server.ids = [".."]
            script = work / f"dots-{fmt}"
            script.write_text(export(session, fmt))
            result = _run([*command, str(script)], work, EXPLORER_URL=server.url)
            assert result.returncode != 0, fmt
            assert "refusing '..' as a path segment" in result.stderr.decode().replace(
                '".."', "'..'"), (fmt, result.stderr)
            assert [c.method for c in server.take()] == ["POST"], fmt
        server.ids = [".."] * 50
        locustfile = work / "dots_locust.py"
        locustfile.write_text(export(session, "locust"))
        stats = locust_one_pass(locustfile, server.url, clean_env(), failures=True)
        assert stats["step 1: POST /things"]["num_failures"] == 0
        assert stats["step 2: DELETE /things/:id"]["num_failures"] == 1  # refused, not sent
        assert "DELETE" not in {c.method for c in server.take()}
        server.ids = [".."]
        replayed = _run([*EXPLORER, "--url", server.url, "replay", str(session.path)], work)
        assert replayed.returncode == 1
        assert "the id '..' cannot be used as a path segment" in replayed.stdout.decode()
        assert [c.method for c in server.take()] == ["POST"]
        hurl = export(session, "hurl")
        assert 'jsonpath "$.id" not matches "^[.]\\u{7b}0,2\\u{7d}$"' in hurl
        assert "DELETE {{base_url}}/things/{{thing_id_url}}" in hurl


def test_a_session_naming_a_file_outside_its_folder_is_refused_by_every_export(places):
    work, folder = places
    sessions = outside_sessions(folder, "http://127.0.0.1:9")
    for path in sessions:
        session = read_session(path)
        for fmt in table():
            with pytest.raises(SessionError, match="outside the session's directory"):
                export(session, fmt)
    result = _run([*EXPLORER, "export", str(sessions[0]), "--to", "curl", "-o",
                   str(work / "out.sh")], work)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "outside the session's directory" in lines[0], lines
    assert not (work / "out.sh").exists()


def test_a_hostile_har_imported_and_exported_sends_what_the_browser_sent(places):
    work, folder = places
    with CaptureServer() as server:
        har, expect = hostile_har(folder / "browser.har", server.url)
        imported = folder / "browser.jsonl"
        result = _run([*EXPLORER, "import", str(har), "-o", str(imported)], work)
        assert result.returncode == 0, result.stderr.decode()
        replayed = _run([*EXPLORER, "--url", server.url, "replay", str(imported)], work)
        assert replayed.returncode == 0, replayed.stdout.decode()
        _check_wire(server.take(), expect, "", "replay of the import")
        session = read_session(imported)
        for fmt, command in (("curl", ["bash"]), ("python", [sys.executable])):
            script = work / f"har-{fmt}"
            script.write_text(export(session, fmt))
            result = _run([*command, str(script)], work, EXPLORER_URL=server.url)
            assert result.returncode == 0, (fmt, result.stderr.decode())
            _check_wire(server.take(), expect, "", fmt)
    _no_marker(work.parent)


def test_sessions_recorded_from_a_hostile_listing_and_spec_export_safely(places):
    """The listing's and the spec's hostile route paths reach the session (its routes and
    commands) as recorded by the real console script; every export of it sends what the
    recording sent, and runs none of it."""
    work, folder = places
    session_path = folder / "from-routes.jsonl"
    with CaptureServer() as server:
        for source in ([], ["--spec", str(hostile_spec(folder / "spec.json"))]):
            listed = _run([*EXPLORER, "--url", server.url, *source, "routes", "--json"], work)
            route = next(r for r in json.loads(listed.stdout)
                         if "pwned" in r["path"] and "\n" not in r["path"])
            recorded = _run([*EXPLORER, "--url", server.url, *source, "--record",
                             str(session_path), *route["command"].split(),
                             "x\"y`z`$(touch pwned-arg)"], work)
            assert recorded.returncode == 0, recorded.stderr.decode()
        sent = [Expect(c.method, c.target) for c in server.take()]
        assert len(sent) == 2
        session = read_session(session_path)
        assert [e.route for e in session] == [
            "GET /q'u\"o`>pwned-route`;>pwned-route2/:id",
            "GET /q'u\"o`>pwned-spec`;>pwned-spec2/:id"]
        for fmt, command in (("curl", ["bash"]), ("python", [sys.executable])):
            script = work / f"routes-{fmt}"
            script.write_text(export(session, fmt))
            result = _run([*command, str(script)], work, EXPLORER_URL=server.url)
            assert result.returncode == 0, (fmt, result.stderr.decode())
            _check_wire(server.take(), sent, "", fmt)
        locustfile = work / "routes_locust.py"
        locustfile.write_text(export(session, "locust"))
        locust_one_pass(locustfile, server.url, clean_env())
        _check_wire(server.take(), sent, "", "locust")  # one pass, exactly
        for request, wanted in zip(_hurl_requests(export(session, "hurl")), sent, strict=True):
            _check_hurl(request, wanted)
    _no_marker(work.parent)


# -- hurl, read back ------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_TEMPLATE = re.compile(r"\{\{([A-Za-z][A-Za-z0-9_-]*)\}\}")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _unescape(text: str) -> str:
    """A hurl string's value: its escapes undone, each template a stand-in value."""
    def template(match: re.Match) -> str:
        name = match[1]
        return WIRE_ID if name.endswith("_url") else RUNTIME_ID if name == "thing_id" \
            else "{{" + name + "}}"

    out, last = [], 0
    for match in re.finditer(_ESCAPE.pattern + "|" + _TEMPLATE.pattern, text):
        out.append(text[last:match.start()])
        if match[1] is not None:
            out.append(chr(int(match[1], 16)))
        elif match[2] is not None:
            out.append(_SIMPLE.get(match[2], match[2]))
        else:
            out.append(template(re.match(_TEMPLATE, match[0])))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _hurl_requests(text: str) -> list[dict]:
    """The requests of a hurl file: method, target (``{{base_url}}`` dropped), headers,
    body.  Everything outside a request is a comment, a blank or a response section;
    nothing else (a line a hostile value broke out into) may appear."""
    requests: list[dict] = []
    current = None
    in_response = False
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        request = re.fullmatch(r"([A-Z]+) \{\{base_url\}\}(\S*)", line)
        if request:
            current = {"method": request[1], "target": _unescape(request[2]), "headers": {},
                       "body": None, "fields": {}}
            requests.append(current)
            in_response = False
            continue
        assert current is not None, line
        if re.fullmatch(r"HTTP \d{3}", line) or line in ("[Captures]", "[Asserts]"):
            in_response = True
            continue
        if in_response:
            assert re.fullmatch(r'[A-Za-z][\w-]*: jsonpath "[^"]*"( .*)?|jsonpath ".*', line), line
            continue
        if line == "[MultipartFormData]":
            current["multipart"] = True
            continue
        if line.startswith(("{", "[")):
            current["body"] = json.loads(_TEMPLATE.sub('"template"', line))
            current["json"] = json.loads(line) if "{{" not in line else None
            continue
        if line.startswith("`") and line.endswith("`"):
            current["body"] = _unescape(line[1:-1]).encode()
            continue
        if line.startswith("file,"):
            current["body"] = "file"
            continue
        key, sep, value = line.partition(": ")
        assert sep and re.fullmatch(r"(?:[A-Za-z0-9_.\-\[\]@$]|\\u\{[0-9a-f]+\})+", key), line
        target = current["fields"] if current.get("multipart") else current["headers"]
        target[_unescape(key)] = _unescape(value)
    return requests


def _check_hurl(request: dict, wanted: Expect) -> None:
    where = f"hurl: {wanted.method} {wanted.target}"
    assert request["method"] == wanted.method, where
    assert request["target"] == wanted.target, (where, request["target"])
    for name, value in wanted.headers.items():
        assert request["headers"][name] == value, (where, name)
    if wanted.json is not None:
        assert request["json"] == wanted.json, where
    if wanted.body is not None and request["body"] != "file":
        assert request["body"] == wanted.body, where
    if wanted.fields is not None:
        fields = {k: v for k, v in request["fields"].items() if not v.startswith("file,")}
        assert fields == wanted.fields, where
