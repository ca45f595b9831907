"""The API documents' own example scripts, run against the sandbox as a reader of the
documents would run them: the scripts in tests/data/seeds/ (copied from the documents,
see its README), with only the URL, the key, the token and the login put in and the
documents' own typos repaired.  Python scripts run in a subprocess with ``requests``
(which percent-encodes ``<`` and ``>``); the cURL lines run with the real ``curl`` (which
sends the query as written)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
LABSTEP_URL = "https://api.labstep.com"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def compiles(text: str, name: str) -> None:
    with warnings.catch_warnings():  # the upload script's docstring has "\/" in it
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        compile(text, name, "exec")


def script(name: str, swaps: dict[str, str], repairs: dict[str, str] | None = None) -> str:
    """The text of a seed script with ``swaps`` (URL, key, login) and ``repairs`` (the
    document's typos) made; each must occur, and the repairs must be needed."""
    text = (SEEDS / name).read_text()
    if repairs:
        with pytest.raises(SyntaxError):
            compiles(text, name)
    for old, new in {**swaps, **(repairs or {})}.items():
        assert old in text, (name, old)
        text = text.replace(old, new)
    compiles(text, name)
    return text


def env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return {**keep, "NO_PROXY": "*"}


def run_python(text: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = cwd / "script.py"
    path.write_text(text)
    result = subprocess.run(
        [sys.executable, str(path), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def printed_json(output: str) -> dict:
    """What the Labstep scripts print: ``print(data)`` (a dict's repr), then the JSON."""
    first, _, rest = output.partition("\n")
    assert first.startswith("{"), output
    return json.loads(rest)


def test_the_labstep_examples_in_order(sandbox, tmp_path):
    # the document's numbers: the protocol it creates is 2522, the experiment 123
    sandbox.next_labstep_id("protocol", 2522)
    sandbox.next_labstep_id("experiment", 123)
    url = {LABSTEP_URL: sandbox.url}

    login = {
        "'test@labstep.com'": repr(sandbox.username),
        "'YOUR-PASSWORD'": repr(sandbox.password),
    }
    user = printed_json(run_python(script("labstep-authenticate.py", url | login), tmp_path).stdout)
    key = user["api_key"]
    assert key == sandbox.api_key

    protocol_text = script("labstep-create-protocol.py", url, {"YOUR-API-KEY'": repr(key)})
    protocol = printed_json(run_python(protocol_text, tmp_path).stdout)
    assert (protocol["id"], protocol["name"]) == (2522, "Programmatic Protocol")

    experiment_text = script(
        "labstep-create-experiment.py",
        url | {"'YOUR_API_KEY'": repr(key)},
        {"API works,\n": "API works',\n"},
    )
    experiment = printed_json(run_python(experiment_text, tmp_path).stdout)
    assert experiment["id"] == 123
    assert experiment["protocol_id"] == 2522  # sent as the string '2522', answered a number
    assert experiment["name"] == "My Experiment"

    (tmp_path / "IMG_0001.png").write_bytes(PNG)
    upload_text = script("labstep-upload-instrument-data.py", url | {"'YOUR_API_KEY'": repr(key)})
    # the script prints `files` only; it must get through json.loads(r.content)
    upload_text += "\nprint(json.dumps(response))\n"
    answer = json.loads(run_python(upload_text, tmp_path).stdout.splitlines()[-1])
    ((file_id, meta),) = answer.items()
    assert meta["id"] == int(file_id)
    assert (meta["name"], meta["size"], meta["mime_type"]) == (
        "IMG_0001.png",
        len(PNG),
        "image/png",
    )
    assert meta["experiment_id"] == 123
    stored = Path(sandbox.storage_dir) / meta["path"]
    assert stored.read_bytes() == PNG


def labos_discover_text() -> str:
    lines = (SEEDS / "labos-discover.py").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def discover"))
    body = lines[start + 1 :]
    with pytest.raises(SyntaxError):
        compiles("\n".join(lines), "labos-discover.py")
    # the web page lost the body's indentation; the continuation line is inside braces
    return "\n".join([*lines[: start + 1], *("    " + line for line in body)]) + "\n"


def test_the_labos_discover_examples(sandbox_session, tmp_path):
    url, token = sandbox_session.url, sandbox_session.token
    call = "\nimport sys\ndiscover(sys.argv[1], sys.argv[2])\n"
    python = run_python(labos_discover_text() + call, tmp_path, url, token)
    listing = json.loads(python.stdout)
    assert {"method": "GET", "path": "/public/v1/instruments/:id?"} in listing["data"]

    if shutil.which("curl") is None:
        pytest.fail("curl is needed for the cURL example (apt-get install curl)")
    line = (SEEDS / "labos-discover.sh").read_text()
    assert "${TOKEN}" in line and "${URL}" in line
    result = subprocess.run(
        ["bash", "-c", line],
        capture_output=True,
        text=True,
        env={**env(), "TOKEN": token, "URL": url},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == listing


def _by(*keys: tuple[str, bool]):
    def order(items: list[dict]) -> list[dict]:
        out = list(items)
        for key, descending in reversed(keys):
            out.sort(key=lambda i, k=key: i[k], reverse=descending)
        return out

    return order


def expected_answers(everything: list[dict], families: dict[str, str]) -> dict[str, list]:
    by_name = _by(("name", False))(everything)
    return {
        "sort=name": by_name,
        "sort=-name": _by(("name", True))(everything),
        "sort=name,-updatedAt": _by(("name", False), ("updatedAt", True))(everything),
        "limit=10&sort=name": by_name[:10],
        "limit=10&skip=10&sort=name": by_name[10:20],
        "fields=name,description": [
            {"id": i["id"], "name": i["name"], "description": i["description"]} for i in everything
        ],
        "updatedAt>2023-05-01": [i for i in everything if i["updatedAt"] > "2023-05-01"],
        "family=@LiquidHandler": [
            i for i in everything if i["family"] == families["LiquidHandler"]
        ],
        "actions.action=prime": [
            i for i in everything if any(a["action"] == "prime" for a in i["actions"])
        ],
    }


def test_every_query_example_through_requests_and_curl(sandbox_session):
    import requests

    base = sandbox_session.url
    headers = {
        "Authorization": f"Bearer {sandbox_session.token}",
        "Content-type": "application/json",
    }
    with requests.Session() as session:
        session.trust_env = False
        everything = session.get(f"{base}/public/v1/instruments", headers=headers).json()["data"]
        families = session.get(f"{base}/public/v1/families", headers=headers).json()["data"]
        expected = expected_answers(everything, {f["name"]: f["id"] for f in families})
        examples = (SEEDS / "labos-queries.txt").read_text().splitlines()
        assert len(examples) == 9
        for example in examples:
            url = example.replace("{url}", f"{base}/public/v1")
            query = url.partition("?")[2]
            answer = session.get(url, headers=headers)
            assert answer.status_code == 200, (example, answer.text)
            data = answer.json()["data"]
            assert data, example
            assert data == expected[query], example
            curl = subprocess.run(
                ["curl", "-s", "-H", f"Authorization: Bearer {sandbox_session.token}", url],
                capture_output=True,
                text=True,
                env=env(),
                timeout=60,
            )
            assert curl.returncode == 0, curl.stderr
            assert json.loads(curl.stdout)["data"] == data, example
        # requests did encode the filters the RFC does not allow raw
        sent = session.get(f"{base}/public/v1/instruments?updatedAt>2023-05-01", headers=headers)
        assert "updatedAt%3E2023-05-01" in sent.request.url
