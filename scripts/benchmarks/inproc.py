"""Measurements inside one interpreter: ``python -m benchmarks.inproc TASK ARGS OUT``.

``ARGS`` is a JSON file of the task's keyword arguments; the answer, a JSON object,
is written to ``OUT``.

Each task runs in a fresh child process (``EXPLORER_HOME`` set by the workspace), so
one figure's imports, caches and garbage never colour another's, and a part of
explorer that is missing or broken fails that figure alone.

Tasks:

* ``registry``  -- loading a cached registry, and parsing + indexing a fresh
  ``/discover`` document, per size;
* ``resolve``   -- concrete paths resolved per second against one registry;
* ``completion`` -- per-keystroke latency of the shell's completer over scripted
  inputs (paths, ids, query keys, generated commands), with learned ids;
* ``learn``     -- write learned ids for a server, as a shell would have saved them;
* ``record``    -- record a session of GETs against the sandbox with explorer's recorder.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from typing import Any

from benchmarks import synth
from benchmarks.measure import median, percentile

#: lists that get learned ids: the first families of every synthetic size
ID_COLLECTIONS = ("instruments", "samples", "experiments", "protocols", "plates")


def _cache(url: str):
    from explorer.config import cache_dir
    from explorer.discovery import DiscoverSource, DiscoveryCache

    return DiscoveryCache(cache_dir(), url.rstrip("/"), DiscoverSource().key)


def _registry(url: str):
    entry = _cache(url).read()
    if entry is None:
        raise SystemExit(f"no discovery cache for {url}")
    return entry.registry


def _quiet(message: str) -> None:
    pass


# -- registry load and parse -------------------------------------------------------------


def task_registry(urls: dict[str, str], reps: int) -> dict[str, Any]:
    """``urls``: size -> base URL (each already cached by explorer)."""
    from explorer.discovery import DiscoverSource
    from explorer.registry import Registry

    source = DiscoverSource()
    out: dict[str, Any] = {}
    # the documents the fixture server serves (the cache keeps no copy of them)
    raws = {size: synth.discover_document(int(size)) for size in urls}
    loads: dict[str, list[float]] = {size: [] for size in urls}
    parses: dict[str, list[float]] = {size: [] for size in urls}
    for _ in range(reps):
        for size, url in urls.items():
            cache = _cache(url)
            gc.collect()
            started = time.perf_counter()
            entry = cache.read()
            loads[size].append(time.perf_counter() - started)
            if entry is None:
                raise SystemExit(f"the discovery cache of {url} does not load")
            count = len(entry.registry.entries)
            del entry
            gc.collect()
            started = time.perf_counter()
            registry = Registry(source.parse(raws[size], _quiet), on_warning=_quiet)
            parses[size].append(time.perf_counter() - started)
            out.setdefault(size, {})["entries"] = count
            out[size]["parsed_entries"] = len(registry.entries)
            del registry
    for size in urls:
        out[size]["load"] = median(loads[size])
        out[size]["parse"] = median(parses[size])
        out[size]["load_samples"] = loads[size]
        out[size]["parse_samples"] = parses[size]
        out[size]["raw_bytes"] = len(raws[size] or b"")
    return out


# -- resolve throughput -------------------------------------------------------------------


def task_resolve(url: str, routes: int, paths: int, reps: int) -> dict[str, Any]:
    registry = _registry(url)
    pairs = synth.concrete_paths(paths, routes_count=routes)
    resolve = registry.resolve
    hits = sum(1 for method, path in pairs if resolve(method, path).entry is not None)
    rates = []
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        for method, path in pairs:
            resolve(method, path)
        rates.append(len(pairs) / (time.perf_counter() - started))
    return {"rate": median(rates), "samples": rates, "paths": len(pairs), "hits": hits}


# -- completion latency -------------------------------------------------------------------


def _script_inputs(ids_by_collection: dict[str, list[str]]) -> list[str]:
    """Lines a user types, keystroke by keystroke, across every kind of completion."""
    ins, sam, exp = (ids_by_collection[c][7] for c in ID_COLLECTIONS[:3])
    return [
        f"get /public/v1/instruments/{ins}/commands/",
        f"get /public/v1/samples/{sam} fields==name,desc",
        "get /public/v1/experiments status==active sort==-name limit==10",
        f"instruments get {ins}",
        f"post /public/v1/experiments/{exp}/runs name=first",
        "get /public/v1/plates own",
        f"delete /public/v1/samples/{sam}",
        "get /public/v1/cold-",
        f"patch /public/v1/instruments/{ins} descr",
        "routes instr",
    ]


def _learned_store(count: int):
    from explorer.repl.learned import LearnedStore

    store = LearnedStore(None)
    per = count // len(ID_COLLECTIONS)
    all_ids = synth.ids(count)
    by_collection = {}
    for n, family in enumerate(ID_COLLECTIONS):
        chunk = all_ids[n * per : (n + 1) * per]
        by_collection[family] = chunk
        store.learn_ids(
            f"{synth.PREFIX}/{family}",
            ({"id": i, "name": f"{family[:-1]} {k}"} for k, i in enumerate(chunk)),
        )
    return store, by_collection


def task_completion(urls: dict[str, str], ids: int, reps: int) -> dict[str, Any]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from explorer.repl.completer import ShellCompleter
    from explorer.repl.state import ShellState

    store, by_collection = _learned_store(ids)
    lines = _script_inputs(by_collection)
    out: dict[str, Any] = {}
    for size, url in urls.items():
        registry = _registry(url)
        started = time.perf_counter()
        completer = ShellCompleter(
            registry=registry, learned=store, state=ShellState(), prefetch=lambda c: None
        )
        build = time.perf_counter() - started
        latencies: list[float] = []
        by_kind: dict[str, list[float]] = {}
        candidates = 0
        for _ in range(reps):
            for line in lines:
                kind = line.split()[0]
                for end in range(1, len(line) + 1):
                    document = Document(line[:end])
                    event = CompleteEvent(text_inserted=True)
                    started = time.perf_counter()
                    found = list(completer.get_completions(document, event))
                    elapsed = time.perf_counter() - started
                    latencies.append(elapsed)
                    by_kind.setdefault(kind, []).append(elapsed)
                    candidates += len(found)
        out[size] = {
            "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99),
            "max": max(latencies),
            "keystrokes": len(latencies),
            "candidates": candidates,
            "completer_build": build,
            "entries": len(registry.entries),
            "p99_by_kind": {k: percentile(v, 99) for k, v in by_kind.items()},
        }
        del completer, registry
        gc.collect()
    return out


# -- learned ids on disk ------------------------------------------------------------------


def task_learn(url: str, ids: int) -> dict[str, Any]:
    from explorer.config import cache_dir
    from explorer.repl.learned import LearnedStore

    store, _ = _learned_store(ids)
    store.path = LearnedStore.for_server(cache_dir(), url.rstrip("/")).path
    store.dirty = True
    store.save()
    return {"path": str(store.path), "bytes": store.path.stat().st_size}


# -- a recorded session -----------------------------------------------------------------


def task_record(url: str, token: str, path: str, exchanges: int) -> dict[str, Any]:
    """Record ``exchanges`` GETs against the sandbox with explorer's own recorder.

    The targets cycle through lists (with sort, limit, fields and a filter) and single
    objects, so replay checks a realistic mix of shapes.
    """
    from explorer.auth import bearer
    from explorer.client import Client
    from explorer.client.models import RequestSpec
    from explorer.sessions.recorder import Recorder

    client = Client(url, auth=bearer(token))
    listing = client.send(RequestSpec("GET", "/public/v1/instruments")).json()
    ids = [item["id"] for item in listing["data"]][:5]
    targets: list[tuple[str, list[str]]] = [
        ("/public/v1/instruments", []),
        ("/public/v1/instruments", ["sort=name", "limit=5"]),
        ("/public/v1/instruments", ["fields=name,description"]),
        ("/public/v1/instruments", ["status=idle"]),
        ("/public/v1/families", []),
    ] + [(f"/public/v1/instruments/{i}", []) for i in ids]
    targets.append((f"/public/v1/instruments/{ids[0]}/actions", []))
    recorder = Recorder.open(path, base_url=url, secrets=[token], routes_fingerprint=None)
    plain = []
    try:
        for n in range(exchanges):
            target, query = targets[n % len(targets)]
            spec = RequestSpec("GET", target, query=list(query), command=None)
            response = recorder.wrap(spec, client.send(spec))
            if response.status != 200:
                raise SystemExit(f"GET {spec.target} answered {response.status}")
            response.content  # noqa: B018 - reading the body completes the exchange
            response.close()
            plain.append(spec.target)
    finally:
        recorder.close()
        client.close()
    return {"targets": plain}


TASKS = {
    "registry": task_registry,
    "resolve": task_resolve,
    "completion": task_completion,
    "learn": task_learn,
    "record": task_record,
}


def main(argv: list[str]) -> int:
    task, given, out = argv
    with open(given) as handle:
        result = TASKS[task](**json.load(handle))
    with open(out, "w") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
