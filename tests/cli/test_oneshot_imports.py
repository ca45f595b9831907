"""What a one-shot call and a Tab's completion query load: start-up is most of their
cost (issue 15), so the modules they have no use for stay unloaded.  Checked by what
``sys.modules`` holds after the real entry point ran (timings are the bench's, never a
test's)."""

from __future__ import annotations

import json
import subprocess
import sys

#: runs ``python -m explorer ARGS`` in this process, then prints the loaded modules
_RUN_AND_LIST = """\
import json, runpy, sys
sys.argv = ["explorer", *sys.argv[1:]]
try:
    runpy.run_module("explorer", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

#: compile generated source at import, or belong to features the call does not use
NOT_LOADED = {
    "dataclasses",  # explorer.record's plain classes instead (0.3-0.6 ms a class)
    "inspect",
    "explorer.items",  # the request-item parser: no items typed
    "explorer.client.paging",  # --all only
    "explorer.spec",  # no spec: a /discover listing
    "prompt_toolkit",
    "pygments",
    "jsonschema",
}


def _loaded(run, *args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _RUN_AND_LIST, *args], capture_output=True,
                          text=True, env=run.env(), timeout=60)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    assert done.stdout.startswith("{"), done.stdout[:200]  # the answer was written
    return set(report["modules"])


def test_a_get_on_cached_routes_loads_no_dataclasses_items_or_paging(run, labos):
    assert run(*labos, "routes", "--json").returncode == 0  # the listing is cached
    loaded = _loaded(run, *labos, "call", "GET", "/public/v1/instruments")
    assert "explorer.registry" in loaded and "requests" in loaded  # it did the call
    assert not {m for m in loaded if m.split(".")[0] in {"prompt_toolkit", "pygments"}}
    assert not (NOT_LOADED & loaded)


def test_items_load_the_item_parser_and_still_no_dataclasses(run, labos):
    assert run(*labos, "routes", "--json").returncode == 0
    loaded = _loaded(run, *labos, "call", "GET", "/public/v1/instruments", "limit==1")
    assert "explorer.items" in loaded
    assert not ({"dataclasses", "inspect"} & loaded)


def test_a_tab_completion_query_loads_no_openssl_requests_or_dataclasses(run, labos):
    assert run(*labos, "routes", "--json").returncode == 0
    line = "explorer " + " ".join(labos) + " instruments "
    done = subprocess.run([sys.executable, "-c", _RUN_AND_LIST, "completion", "--query",
                           "bash", "--", line, ""], capture_output=True, text=True,
                          env=run.env(), timeout=60)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    assert "list" in done.stdout.split()  # it answered from the cache
    loaded = set(report["modules"])
    assert not ({"_hashlib", "requests", "dataclasses", "inspect", "tempfile"} & loaded)


def test_the_sha256_of_explorer_hashing_is_hashlibs():
    import hashlib

    from explorer.hashing import sha256

    assert sha256(b"abc").hexdigest() == hashlib.sha256(b"abc").hexdigest()
    digest = sha256()
    digest.update(b"a")
    digest.update(b"bc")
    assert digest.hexdigest() == hashlib.sha256(b"abc").hexdigest()
