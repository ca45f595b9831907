"""Two processes (here threads, each with its own open of the lock) refreshing one
server's discovery cache at once leave an entry whose files belong together."""

from __future__ import annotations

import fcntl
import threading

from explorer.discovery import cache as cache_module
from explorer.discovery.cache import DiscoveryCache
from explorer.registry import Registry, Route


def test_a_refresh_that_stops_between_its_files_never_mixes_with_another(tmp_path, monkeypatch):
    """Writer A has written its index and not yet its entry when writer B refreshes:
    B waits for A (the lock on the cache's directory), so the entry on disk and the
    index beside it are one writer's, and the cache loads.  Without the lock B wrote
    both files in between and A's entry then named A's index, which B had replaced:
    the entry was not used, and four shells at once left no usable cache."""
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover")
    a_wrote_index = threading.Event()
    b_waits = threading.Event()  # B is done, or waiting for the lock A holds
    original, real_flock = cache_module.atomic_write, fcntl.flock

    def slow_for_a(path, data, **kwargs):
        original(path, data, **kwargs)
        if threading.current_thread().name == "A" and str(path).endswith(".index"):
            a_wrote_index.set()
            assert b_waits.wait(20)  # B gets as far as it can while A is half way

    def flock(fd, operation):
        if threading.current_thread().name == "B" and operation == fcntl.LOCK_EX:
            try:
                return real_flock(fd, operation | fcntl.LOCK_NB)
            except BlockingIOError:
                b_waits.set()  # blocked: A goes on
        return real_flock(fd, operation)

    def write_b():
        cache.write("b", second)
        b_waits.set()

    monkeypatch.setattr(cache_module, "atomic_write", slow_for_a)
    monkeypatch.setattr(fcntl, "flock", flock)
    first = Registry([Route("GET", "/a/:id?")])
    second = Registry([Route("GET", "/b/:id?")])
    a = threading.Thread(target=cache.write, args=("a", first), name="A")
    a.start()
    assert a_wrote_index.wait(10)
    b = threading.Thread(target=write_b, name="B")
    b.start()
    a.join(20)
    b.join(20)
    entry = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover").read()
    assert entry is not None, "the entry and its index belong to different writers"
    assert entry.validator == "b" and [r.path for r in entry.registry.routes] == ["/b/:id?"]
