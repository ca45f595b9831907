"""The secret sweep: a realistic day with explorer, then every byte it wrote or printed is
searched for the token, the api key and the password used.

The day: a token given with --token, from a token file and from EXPLORER_TOKEN; a
Labstep login with a password; calls with -v (request and response heads shown);
errors (a 404, an unreachable server, a bad item, a credential typed as a header or a
body field, a session that cannot be read); internal errors with their -v traceback (a
real crash: crashing.py breaks the HTTP adapter, which then quotes the request with its
token, key or login password); ``probe -v`` and ``routes``; three recorded sessions
(LabOS, the Labstep login and upload, the shell); exports of every format; a browser's
HAR holding the real secrets imported; replay reports (JSON and JUnit); ``replay
--serve`` answering a call; the shell with its history; the discovery and learned caches.

None of the three secrets may appear in any file under EXPLORER_HOME or the working
dir, nor in any output of the commands -- except where they belong: the api key in
credentials.json (0600), the token in the token file the user made, and all three in the
HAR file the user's browser saved.  The shell's
screen is swept for the token and the password (less the typed line drawn back).
Files holding credentials, sessions and reports are 0600.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pexpect

from explorer.sessions.export import FORMATS

EXPLORER = Path(sys.executable).with_name("explorer")
INSTRUMENTS = "/public/v1/instruments"


def variants(secret: str) -> set[bytes]:
    """The secret as bytes, and as it would look percent-encoded or JSON-escaped."""
    return {secret.encode(), quote(secret, safe="").encode(), secret.encode().hex().encode()}


def shell_session(run, sandbox, token: str, session: Path) -> bytes:
    """Drive the real shell in a pseudo-terminal; what it showed, less the echo of what
    was typed (the terminal shows a typed token back to the one who typed it)."""
    env = run.env({"TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1",
                   "PYTHONUNBUFFERED": "1"})
    child = pexpect.spawn(
        str(EXPLORER), [f"--url={sandbox.url}", f"--token={token}", "--no-pager",
                        f"--record={session}"],
        env=env, cwd=str(run.cwd), dimensions=(40, 160), timeout=20,
    )
    prompt = f"{urlsplit(sandbox.url).netloc}/>".encode()
    screen = io.BytesIO()
    child.logfile_read = screen
    try:
        child.expect_exact(prompt)
        for line, expected in [
            (f"get {INSTRUMENTS} limit==1", b"1 row"),
            (f'get {INSTRUMENTS} limit==1 "Authorization:Bearer {token}"', b"1 row"),
            (f"post /public-api/user/login username={sandbox.username} "
             f"password={sandbox.password}", b"200 OK"),
            ("set key={{last.api_key}}", b"key = "),
            (f"get {INSTRUMENTS}/nope", b"404"),
        ]:
            child.send(line.encode() + b"\r")
            child.expect_exact(expected)
            child.expect_exact(prompt)
        child.sendcontrol("d")
        child.expect(pexpect.EOF, timeout=10)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    shown = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|[\r\x08]", b"", screen.getvalue())
    # The prompt's lines are the typed text drawn back (in pieces, as it is highlighted).
    return b"\n".join(line for line in shown.split(b"\n") if prompt not in line)


def test_no_secret_in_any_file_or_output_after_a_days_work(run, sandbox, tmp_path):
    token, key, password = sandbox.token, sandbox.api_key, sandbox.password
    secrets = {"token": token, "api key": key, "password": password}
    labos = ["--url", sandbox.url]
    labstep = ["--url", sandbox.url, "--routes", "labstep"]
    sessions = run.cwd / "sessions"
    token_file = run.cwd / "token.txt"
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    upload = run.cwd / "plate.csv"
    upload.write_text("well,od\nA1,0.51\nA2,0.49\n")
    (run.home / "config").mkdir()
    (run.home / "config" / "config.toml").write_text(
        f'default_profile = "lab"\n[profiles.lab]\nurl = "{sandbox.url}"\n'
        f'token_file = "{token_file}"\n[profiles.labstep]\nurl = "{sandbox.url}"\n'
        'routes = "labstep"\n'
    )

    def ok(result):
        assert result.returncode == 0, result.err
        return result

    # LabOS with a token: flag, token file (through the profile), environment; -v heads.
    labos_session = sessions / "labos.jsonl"
    record = ["--record", str(labos_session)]
    ok(run(*labos, f"--token={token}", "-v", *record, "instruments", "list", "limit==2"))
    ok(run("-v", *record, "call", "GET", INSTRUMENTS, "fields==name", "limit==1"))
    ok(run(*labos, "--token-file", str(token_file), "-v", *record, "instruments", "create",
           "name=Sweep pipette"))
    ok(run(*labos, "-v", "instruments", "list", "limit==1", env={"EXPLORER_TOKEN": token}))
    # Errors, with -v: a 404, a typed credential header and body field, a bad item,
    # an unreachable server, and an internal error (its traceback is printed with -v).
    assert run(*labos, f"--token={token}", "-v", *record, "call", "GET",
               f"{INSTRUMENTS}/nope").returncode == 4
    assert run(*labos, f"--token={token}", "-v", "call", "POST", INSTRUMENTS, "name=x",
               f"Authorization:Bearer {token}", f"password={password}",
               f"apikey:{key}").returncode in (0, 4)
    assert run(*labos, f"--token={token}", "call", "GET", INSTRUMENTS,
               f"x:=[{token}").returncode == 2
    assert run("--url", "http://127.0.0.1:9", f"--token={token}", "-v", "instruments",
               "list").returncode == 3
    broken = run.cwd / "broken.jsonl"
    broken.write_bytes(labos_session.read_bytes().splitlines(keepends=True)[0]
                       + b'{"step":1,"request":{"method":"GET","path":"/x","headers":-1},'
                         b'"response":{"status":200}}\n')
    assert run(*labos, f"--token={token}", "-v", "replay", str(broken)).returncode == 1
    # Internal errors with -v: the traceback and the one-line error are printed, and the
    # secret the broken adapter quoted (the run's token or key, a login's password) is not.
    for args, stdin in [
        ((*labos, f"--token={token}", "-v", "instruments", "list"), None),
        ((*labstep, f"--api-key={key}", "-v", "protocol", "list"), None),
        ((*labstep, "-v", "login", "--username", sandbox.username, "--password-stdin"),
         password.encode() + b"\n"),
    ]:
        crashed = run.crashed(*args, input=stdin)
        assert crashed.returncode == 1, crashed.err
        assert crashed.err.startswith("Traceback (most recent call last):"), crashed.err
        assert "\nexplorer: internal error: RuntimeError: adapter fell over on " in crashed.err
        assert "***" in crashed.err  # the secret was there, masked
    # probe -v and routes, with the token.
    assert run(*labos, f"--token={token}", "-v", "probe").returncode in (0, 5)
    ok(run(*labos, f"--token={token}", "routes"))
    ok(run(*labos, f"--token={token}", "routes", "--json", "--refresh"))

    # Labstep: login with a password (recorded), then the saved key, then --api-key.
    labstep_session = sessions / "labstep.jsonl"
    ok(run(*labstep, "--record", str(labstep_session), "login", "--username",
           sandbox.username, "--password-stdin", input=password.encode() + b"\n"))
    created = ok(run(*labstep, "-v", "--record", str(labstep_session), "protocol", "create",
                     "name=PCR"))
    assert b'"id"' in created.stdout
    ok(run(*labstep, "--record", str(labstep_session), "experiment", "create", "name=Run 1"))
    ok(run(*labstep, f"--api-key={key}", "-v", "--record", str(labstep_session), "file",
           "upload", f"file@{upload}", "experiment_id=1"))
    ok(run(*labstep, "protocol", "list", "count==5", env={"EXPLORER_API_KEY": key}))

    # The shell: typed credentials, a login, a variable holding the key; recorded.  What
    # it shows must hold neither the token nor the password; the api key it does show:
    # the login's answer, and the variable set from it, which the user asked to see.
    shown = shell_session(run, sandbox, token, sessions / "shell.jsonl")
    assert b"1 row" in shown
    for secret in (token, password):
        assert not any(v in shown for v in variants(secret))

    # Exports of every format, and replays with their reports.
    for session in (labos_session, labstep_session, sessions / "shell.jsonl"):
        for fmt in FORMATS:
            ok(run("export", str(session), "--to", fmt, "-o",
                   str(run.cwd / "exports" / f"{session.stem}.{fmt}")))
        ok(run("export", str(session), "--to", "curl"))  # to stdout too
    # A HAR the browser saved, with the real secrets in it, imported as a session.
    har = run.cwd / "browser.har"
    har.write_text((run.cwd / "exports" / "labstep.har").read_text()
                   .replace("{{token}}", token).replace("{{api_key}}", key)
                   .replace("{{password}}", password))
    assert password in har.read_text() and key in har.read_text()
    ok(run(*labstep, "import", str(har), "-o", str(sessions / "imported.jsonl")))
    # The recorded LabOS session served offline, and a call with the token against it.
    with run.serving("replay", str(labos_session), "--serve") as served:
        ok(run("--url", served, f"--token={token}", "-v", "call", "GET", INSTRUMENTS, "limit==2"))
    reports = run.cwd / "reports"
    for session in (labos_session, labstep_session):
        result = run(*labos, f"--token={token}", "--record",
                     str(sessions / f"replayed-{session.name}"), "replay", str(session),
                     "--var", f"password={password}",
                     "--report-json", str(reports / f"{session.stem}.json"),
                     "--junit", str(reports / f"{session.stem}.xml"))
        assert result.returncode in (0, 1), result.err  # a changed answer may fail a step

    # The sweep.
    allowed = {
        token_file: {"token"},  # the user's own token file
        run.home / "config" / "credentials.json": {"api key"},  # by design, 0600
        har: set(secrets),  # the user's own browser export
    }
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".jsonl", ".json", ".xml", ".curl", ".python", ".hurl", ".har", ".locust"} <= kinds
    assert (run.home / "data" / "history").is_file()
    assert any((run.home / "cache").rglob("*.json"))
    leaks = []
    for path in files:
        data = path.read_bytes()
        for name, secret in secrets.items():
            if name in allowed.get(path, set()):
                continue
            if any(v in data for v in variants(secret)):
                leaks.append(f"the {name} in {path.relative_to(tmp_path)}")
    for index, output in enumerate(run.outputs):
        for name, secret in secrets.items():
            if any(v in output for v in variants(secret)):
                leaks.append(f"the {name} in output #{index}: {output[:200]!r}")
    assert leaks == [], "\n".join(leaks)

    # Files that hold credentials or recorded traffic are private.
    private = [run.home / "config" / "credentials.json", run.home / "data" / "history"]
    private += [p for p in sessions.rglob("*") if p.is_file()]
    private += [p for p in reports.iterdir()]
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is not 0600"
    assert stat.S_IMODE(os.stat(sessions / "labstep.jsonl.d").st_mode) == 0o700
