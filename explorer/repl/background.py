"""Work the shell does behind the prompt, so typing never waits on the network.

:class:`Prefetcher`: when completion reaches a list whose ids are unknown (or were
fetched long ago), fetch a small page of it (``fields=name&limit=50``, or ``count=50``
for routes that declare cursor paging) with its own short timeout, on one worker
thread, and teach the ids and names to the learned store.

Failures are quiet here (a failed prefetch is retried after a while); nothing raises
into the prompt.  No prompt_toolkit.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from explorer.client.models import RequestSpec
from explorer.errors import ExplorerError
from explorer.repl.learned import LearnedStore, list_items

#: a list is fetched again after this many seconds
REFETCH_AFTER = 300.0
#: a failed fetch is tried again after this many seconds
RETRY_AFTER = 30.0
PAGE = 50


class Prefetcher:
    def __init__(
        self,
        *,
        client_factory: Callable[[], object],
        registry: Callable[[], object | None],
        learned: LearnedStore,
        on_fetched: Callable[[str], None] = lambda collection: None,
        refetch_after: float = REFETCH_AFTER,
    ) -> None:
        self._client_factory = client_factory
        self._client = None
        self._registry = registry
        self.learned = learned
        self.on_fetched = on_fetched
        self.refetch_after = refetch_after
        self._lock = threading.Lock()
        self._tried: dict[str, float] = {}
        self._pending: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer-prefetch")
        self._closed = False

    def __call__(self, collection: str) -> None:
        """Ask for ``collection``'s ids; returns at once (the fetch runs in the background)."""
        now = time.monotonic()
        with self._lock:
            if self._closed or collection in self._pending:
                return
            tried = self._tried.get(collection)
            if tried is not None and now - tried < min(self.refetch_after, RETRY_AFTER):
                return
            ago = self.learned.fetched_ago(collection)
            if ago is not None and ago < self.refetch_after:
                return
            self._pending.add(collection)
            self._tried[collection] = now
        try:
            self._pool.submit(self._run, collection)
        except RuntimeError:  # shut down meanwhile
            with self._lock:
                self._pending.discard(collection)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until no fetch is pending (for tests); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        client = self._client
        if client is not None:
            client.close()

    # -- the worker --------------------------------------------------------------------

    def _run(self, collection: str) -> None:
        try:
            if self.fetch(collection):
                self.on_fetched(collection)
        except Exception:
            pass
        finally:
            with self._lock:
                self._pending.discard(collection)

    def fetch(self, collection: str) -> bool:
        """Fetch one page of ``collection`` now; True when ids were learned."""
        from explorer.engine import quote_path

        registry = self._registry()
        if registry is None:
            return False
        path = quote_path(collection)
        entry = registry.resolve("GET", path).entry
        if entry is None:
            return False
        declared = set(getattr(entry.route, "query_params", ()) or ())
        if "count" in declared:
            query = [f"count={PAGE}"] + (["cursor=-1"] if "cursor" in declared else [])
        else:
            query = ["fields=name", f"limit={PAGE}"]
        if self._client is None:
            self._client = self._client_factory()
        spec = RequestSpec("GET", path, query=query)
        try:
            response = self._client.send(spec)
            try:
                content = response.content
            finally:
                response.close()
        except ExplorerError:
            return False
        if not 200 <= response.status < 300:
            return False
        try:
            items = list_items(json.loads(content))
        except ValueError:
            return False
        if items is None:
            return False
        self.learned.learn_ids(collection, items, fetched=True)
        return True

