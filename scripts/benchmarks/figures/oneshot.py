"""One-shot ``explorer call GET PATH`` with the routes cached: a small ``/discover``
listing (the sandbox's) and the GitHub REST description (1,223 operations).

Floor: a ``python -c`` script doing the same GET with requests and writing the body to
stdout, as explorer does when piped.  curl is reported too (when installed): it shows
what the interpreter itself costs.  Every variant runs interleaved, output to /dev/null.
Budgets: <= 1.15x the requests script for the small listing, <= 1.20x with the GitHub
spec (``explorer --url FIXTURE/gh --spec api.github.com.json call GET
/repos/octocat/hello-world/issues``: the fixture server answers any path under ``/gh``).
"""

from __future__ import annotations

import shutil

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "oneshot"
TITLE = "one-shot call"
PATH = "/public/v1/instruments"
GITHUB_PATH = "/repos/octocat/hello-world/issues"
BUDGET = 1.15
GITHUB_BUDGET = 1.20
REQUESTS_GET = """\
import sys
import requests
r = requests.get(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
sys.stdout.buffer.write(r.content)
sys.exit(0 if r.ok else 4)
"""


def github_call(ws: Workspace, path: str = GITHUB_PATH) -> list[str]:
    """``explorer --url FIXTURE/gh --spec GITHUB call GET path`` (the spec cached once)."""
    argv = [ws.explorer, "--url", ws.github_url, "--token", "t0ken", "--spec",
            str(ws.github_spec), "call", "GET", path]
    ws.once("github spec cached", lambda: run_child(argv, env=ws.env, timeout=300))
    return argv


def run(ws: Workspace, settings: Settings) -> list[Row]:
    sandbox = ws.sandbox
    url, token = sandbox.url, sandbox.token
    ws.cache_routes(url, token=token)
    env = ws.env
    explorer = ws.explorer_argv(url, "call", "GET", PATH, token=token)
    floor = [ws.python, "-c", REQUESTS_GET, url + PATH, token]
    github = github_call(ws)
    github_floor = [ws.python, "-c", REQUESTS_GET, ws.github_url + GITHUB_PATH, "t0ken"]
    variants = {
        "explorer": lambda: run_child(explorer, env=env).wall,
        "requests": lambda: run_child(floor, env=env).wall,
        "explorer-github": lambda: run_child(github, env=env).wall,
        "requests-github": lambda: run_child(github_floor, env=env).wall,
    }
    curl = shutil.which("curl")
    if curl:
        argv = [curl, "-sf", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", url + PATH]
        variants["curl"] = lambda: run_child(argv, env=env).wall
    times = interleave(variants, reps=settings.reps(31, 5), warmup=2)
    rows = []
    for key, label, budget in (
        ("", "one-shot call GET, small /discover cached", BUDGET),
        ("-github", "one-shot call GET, GitHub spec cached (1,223 operations)", GITHUB_BUDGET),
    ):
        ours, base = median(times["explorer" + key]), median(times["requests" + key])
        rows.append(
            Row(
                NAME,
                label,
                ours,
                floor=base,
                floor_label="requests script",
                ratio=ours / base,
                budget=f"<= {budget:g}x",
                ok=ours / base <= budget,
                details={"samples": {k: times[k] for k in ("explorer" + key, "requests" + key)}},
            )
        )
    if curl:
        ours = median(times["explorer"])
        rows.append(
            Row(
                NAME,
                "one-shot GET with curl (reference)",
                median(times["curl"]),
                note=f"explorer / curl = {ours / median(times['curl']):.1f}x",
            )
        )
    return rows
