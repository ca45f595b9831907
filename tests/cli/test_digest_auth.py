"""HTTP Digest end to end: the console script against a loopback server
(tests/ecoserver.py) whose checker the standard library's urllib client also passes."""

from __future__ import annotations

import json
import urllib.request

import pytest
from ecoserver import DIGEST_PASSWORD, DIGEST_USER, EcoServer


@pytest.fixture
def eco():
    with EcoServer() as server:
        yield server


def test_urllib_passes_the_test_servers_digest_check(eco):
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, eco.url, DIGEST_USER, DIGEST_PASSWORD)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    with opener.open(eco.url + "/digest") as answer:
        assert json.loads(answer.read()) == {"user": DIGEST_USER}


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-256-sess"])
def test_digest_end_to_end(run, eco, tmp_path, algorithm):
    good = run("--url", eco.url, "--auth", f"{DIGEST_USER}:{DIGEST_PASSWORD}", "--auth-type",
               "digest", "call", "GET", f"/digest?algorithm={algorithm}")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout) == {"user": DIGEST_USER}
    sent = [s["headers"].get("Authorization", "") for s in eco.seen if s["target"].startswith(
        "/digest")]
    assert sent[-2] == "" and sent[-1].startswith("Digest ")  # challenged, then answered
    assert DIGEST_PASSWORD not in json.dumps(eco.seen)


def test_a_wrong_password_is_the_servers_401_and_basic_is_not_digest(run, eco):
    wrong = run("--url", eco.url, "-a", f"{DIGEST_USER}:nope", "-A", "digest",
                "call", "GET", "/digest")
    assert wrong.returncode == 4 and "HTTP 401" in wrong.stderr
    basic = run("--url", eco.url, "-a", f"{DIGEST_USER}:{DIGEST_PASSWORD}", "call", "GET",
                "/digest")
    assert basic.returncode == 4  # Basic unless asked: no challenge is answered


def test_a_recorded_digest_session_holds_no_password_nor_answer(run, eco, tmp_path):
    session = tmp_path / "d.jsonl"
    done = run("--url", eco.url, "-a", f"{DIGEST_USER}:{DIGEST_PASSWORD}", "-A", "digest",
               "--record", str(session), "call", "GET", "/digest")
    assert done.returncode == 0, done.stderr
    text = session.read_text()
    assert DIGEST_PASSWORD not in text and "response=" not in text
    assert '"auth": "digest"' in text or '"auth":"digest"' in text
    replayed = run("--url", eco.url, "-a", f"{DIGEST_USER}:{DIGEST_PASSWORD}", "-A", "digest",
                   "replay", str(session))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


def test_curl_prints_the_digest_credential_and_the_line_runs(run, eco):
    import shlex
    import shutil
    import subprocess

    base = ["--url", eco.url, "-a", f"{DIGEST_USER}:{DIGEST_PASSWORD}", "-A", "digest",
            "call", "GET", "/digest", "--curl"]
    masked = run(*base)
    assert masked.returncode == 0, masked.stderr
    words = shlex.split(masked.stdout)
    assert words[1:4] == ["--digest", "-u", f"{DIGEST_USER}:***"]
    assert DIGEST_PASSWORD not in masked.stdout and eco.seen == []  # nothing was sent
    shown = run(*base, "--show-secrets")
    assert shutil.which("curl"), "curl is needed (apt-get install curl)"
    answer = subprocess.run(["bash", "-c", shown.stdout], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "NO_PROXY": "*"}, timeout=60)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"user": DIGEST_USER}
