"""What the shell keeps between runs (the learned ids and values, the history) never
holds a credential, even one typed as a query parameter or a body field.

The shell runs its lines from standard input (script mode), against the sandbox.
"""

from __future__ import annotations

INSTRUMENTS = "/public/v1/instruments"


def test_credentials_typed_as_items_are_not_learned(run, sandbox):
    token, key, password = sandbox.token, sandbox.api_key, sandbox.password
    lines = [
        f"get {INSTRUMENTS} limit==1 token=={token}",
        f"get {INSTRUMENTS} limit==1 api_key=={key}",
        f"get {INSTRUMENTS} limit==1 access_token=={token}",
        f"post {INSTRUMENTS} name=Sweep password={password} secret={key}",
        f"get {INSTRUMENTS} limit==1",
    ]
    result = run("--url", sandbox.url, f"--token={token}", "--no-pager",
                 input=("\n".join(lines) + "\n").encode())
    assert "Traceback" not in result.err
    kept = [p for p in run.home.rglob("*") if p.is_file()]
    assert any("learned" in p.parts for p in kept)  # the shell did learn from the answers
    leaks = [
        f"{name} in {path.relative_to(run.home)}"
        for path in kept
        for name, secret in (("token", token), ("api key", key), ("password", password))
        if secret.encode() in path.read_bytes()
    ]
    assert leaks == [], "\n".join(leaks)
