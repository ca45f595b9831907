"""``--curl`` through the real console script: the printed line goes the way explorer's
own request would (TLS checks, proxy, client certificate, time limit), its secrets
masked unless ``--show-secrets``."""

from __future__ import annotations

import json
import shlex

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_curl_carries_insecure_proxy_cert_and_max_time(run, tmp_path):
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps([{"method": "GET", "path": "/x"}]))
    (tmp_path / "c.pem").write_text(PEM)
    (tmp_path / "k.pem").write_text(PEM.replace("CERTIFICATE", "PRIVATE KEY"))
    args = ["--url", "http://127.0.0.1:9", "--routes", str(routes), "--insecure",
            "--proxy", "http://bob:pr0xypw@127.0.0.1:3128", "--cert", str(tmp_path / "c.pem"),
            "--cert-key", str(tmp_path / "k.pem"), "--max-time", "5",
            "call", "GET", "/x", "--curl"]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert "pr0xypw" not in done.stdout + done.stderr
    words = shlex.split(done.stdout)
    assert words[0] == "curl" and words[-1] == "http://127.0.0.1:9/x"
    assert "--insecure" in words
    assert words[words.index("--proxy") + 1] == "http://bob:***@127.0.0.1:3128"
    assert words[words.index("--cert") + 1] == str(tmp_path / "c.pem")
    assert words[words.index("--key") + 1] == str(tmp_path / "k.pem")
    assert words[words.index("--max-time") + 1] == "5"
    shown = shlex.split(run(*args, "--show-secrets").stdout)
    assert shown[shown.index("--proxy") + 1] == "http://bob:pr0xypw@127.0.0.1:3128"
