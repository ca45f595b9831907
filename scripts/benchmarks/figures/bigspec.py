"""The 73 MB dereferenced GitHub document (``api.github.com.deref.json`` of the npm
package ``@octokit/openapi`` 23.0.2): cold read, its peak memory, a warm start, and the
size of the cache it leaves (issue 13).

Budgets: the cold read (``explorer --spec DEREF routes --json`` with no cache) at most
2x the time of a bare ``json.load`` of the file, its peak memory at most 2x
``json.load``'s, both measured side by side in the same rounds; a warm start
(``repos get --help`` with the cache written) at most 0.3 s.  The document is fetched
once with ``npm pack`` into ``~/.cache/explorer-bench/`` (it is too big for git); the
13 MB document the tests ship is measured beside it for reference.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "bigspec"
TITLE = "a 73 MB OpenAPI document"
PACKAGE = "@octokit/openapi@23.0.2"
MEMBER = "package/generated/api.github.com.deref.json"
SHIPPED = Path(__file__).resolve().parents[3] / "tests/data/openapi/github/api.github.com.json.gz"
URL = "https://api.github.com"
COLD_RATIO = 2.0
MEMORY_RATIO = 2.0
WARM_BUDGET = 0.300


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "explorer-bench" / "octokit-openapi-23.0.2"


def deref_document(log) -> Path:
    """The dereferenced document, fetched with npm the first time."""
    target = _cache_dir() / "api.github.com.deref.json"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to fetch @octokit/openapi (not found)")
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"fetching {PACKAGE} with npm pack (29 MB, once)")
    done = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=target.parent,
                          capture_output=True, text=True, timeout=600, check=True)
    tarball = target.parent / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise RuntimeError(f"{tarball} has no {MEMBER}")
        tmp = target.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            shutil.copyfileobj(member, out)
        tmp.replace(target)
    tarball.unlink()
    return target


def run(ws: Workspace, settings: Settings) -> list[Row]:
    deref = deref_document(ws.log)
    shipped = ws.dir / "api.github.com.json"
    shipped.write_bytes(gzip.decompress(SHIPPED.read_bytes()))
    rows = []
    reps = settings.reps(5, 2)
    for doc, label, budgeted in ((deref, "GitHub deref spec (73 MB)", True),
                                 (shipped, "GitHub spec (13 MB, the tests')", False)):
        home = ws.dir / f"home-{doc.stem}"
        env = {**ws.env, "EXPLORER_HOME": str(home)}
        cold_argv = [ws.explorer, "--url", URL, "--spec", str(doc), "routes", "--json"]
        floor_argv = [ws.python, "-c", f"import json; json.load(open({str(doc)!r}, 'rb'))"]
        memory: dict[str, list[float]] = {"cold": [], "floor": []}

        def cold(env=env, home=home, argv=cold_argv, memory=memory):
            shutil.rmtree(home, ignore_errors=True)
            child = run_child(argv, env=env, timeout=300)
            memory["cold"].append(child.max_rss)
            return child.wall

        def floor(argv=floor_argv, memory=memory):
            child = run_child(argv, env=ws.env, timeout=300)
            memory["floor"].append(child.max_rss)
            return child.wall

        times = interleave({"cold": cold, "floor": floor}, reps=reps)
        memory = {k: v[-reps:] for k, v in memory.items()}
        run_child(cold_argv, env=env, timeout=300)  # the cache, for the warm start
        warm_argv = [ws.explorer, "--url", URL, "--spec", str(doc), "repos", "get", "--help"]
        warm = interleave({"warm": lambda a=warm_argv, e=env: run_child(a, env=e).wall},
                          reps=settings.reps(11, 3))["warm"]
        sizes = sum(p.stat().st_size for p in (home / "cache" / "discovery").iterdir())
        cold_row = Row(NAME, f"{label}: cold read", median(times["cold"]),
                       floor=median(times["floor"]), floor_label="json.load",
                       details={"samples": times})
        cold_row.ratio = cold_row.measured / cold_row.floor
        mem_row = Row(NAME, f"{label}: peak memory, cold", median(memory["cold"]), unit="B",
                      floor=median(memory["floor"]), floor_label="json.load",
                      details={"samples": memory})
        mem_row.ratio = mem_row.measured / mem_row.floor
        warm_row = Row(NAME, f"{label}: warm start (repos get --help)", median(warm),
                       details={"samples": warm})
        size_row = Row(NAME, f"{label}: discovery cache on disk", sizes, unit="B",
                       note="index + spec store; the document itself is not kept")
        if budgeted:
            cold_row.budget, cold_row.ok = f"<= {COLD_RATIO:g}x", cold_row.ratio <= COLD_RATIO
            mem_row.budget, mem_row.ok = f"<= {MEMORY_RATIO:g}x", mem_row.ratio <= MEMORY_RATIO
            warm_row.budget = f"<= {WARM_BUDGET * 1000:.0f} ms"
            warm_row.ok = warm_row.measured <= WARM_BUDGET
        rows += [cold_row, mem_row, warm_row, size_row]
    return rows
