"""The sandbox application: route table, authentication, discovery and the admin and
test-helper endpoints; from a :class:`~explorer.sandbox.wire.Request` to a reply.

Authentication, checked once a path is known to exist (unknown paths are 404 for all):

* LabOS routes, ``/discover`` and ``/_sandbox/families``: ``Authorization: Bearer
  TOKEN``; missing or wrong: 403.
* Labstep routes (``/api/generic/...``): header ``apikey: KEY``, ``Authorization:
  Bearer`` with that key or the LabOS token, or HTTP Basic with the account's username
  and password; missing or wrong: 401.

Each credential is checked by its :mod:`explorer.auth` scheme (``accepts``).
* ``POST /public-api/user/login``, ``/_sandbox/slow`` and ``/_sandbox/bytes``: anyone.
* ``/_sandbox/faults`` (server errors on purpose, :mod:`explorer.sandbox.faults`):
  the LabOS Bearer token.

``GET /discover`` lists the LabOS routes and the endpoint families switched on, with an
``ETag``; ``If-None-Match`` with that tag answers 304.  Endpoint families are switched
on and off with ``POST``/``DELETE /_sandbox/families/:name`` (``GET`` lists them).
Test helpers, not listed in ``/discover``: ``GET /_sandbox/slow?seconds=N`` answers
after N seconds (at most 60; sooner when the server stops) and ``GET
/_sandbox/bytes?size=N`` streams a JSON list of exactly N bytes (2 to 1 GiB).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

from explorer.auth import ApiKey, Basic, Bearer, Scheme
from explorer.sandbox import seed
from explorer.sandbox.faults import Faults
from explorer.sandbox.labos import ENDPOINT_FAMILIES, PREFIX, LabOS
from explorer.sandbox.labstep import Account, Labstep
from explorer.sandbox.routing import LABOS, LABSTEP, PUBLIC, Router, allowed, pick
from explorer.sandbox.store import Store
from explorer.sandbox.wire import JSON_TYPE, ApiError, Reply, Request, encode_json, query_pairs

MAX_SLEEP = 60.0
MAX_BYTES = 1 << 30
BYTES_CHUNK = 64 * 1024
FAULT_BODY_LIMIT = 64 * 1024


class App:
    """Everything behind the socket, for one server."""

    def __init__(self, *, store: Store, token: str, account: Account, storage: Path) -> None:
        self.store = store
        self.token = token
        self.account = account
        self.stopping = threading.Event()
        #: set when a ``/_sandbox/slow`` request starts waiting (tests interrupt it then)
        self.slow_started = threading.Event()
        self._lock = threading.Lock()
        self._families: frozenset[str] = frozenset()
        self.faults = Faults()
        self.router = Router()
        self.router.add("GET", "/discover", self.discover, discover=False)
        LabOS(store).register(self.router)
        Labstep(store, account, storage).register(self.router)
        admin = {"discover": False}
        self.router.add("GET", "/_sandbox/families/:name?", self.show_families, **admin)
        self.router.add("POST", "/_sandbox/families/:name", self.switch_on, **admin)
        self.router.add("DELETE", "/_sandbox/families/:name", self.switch_off, **admin)
        self.router.add("GET", "/_sandbox/faults", self.show_faults, **admin)
        self.router.add("POST", "/_sandbox/faults", self.add_fault, **admin)
        self.router.add("DELETE", "/_sandbox/faults", self.clear_faults, **admin)
        helper = {"discover": False, "auth": PUBLIC}
        self.router.add("GET", "/_sandbox/slow", self.slow, **helper)
        self.router.add("GET", "/_sandbox/bytes", self.bytes, **helper)

    # -------------------------------------------------------------------- dispatch

    def handle(self, request: Request) -> Reply:
        found = self.router.candidates(request.path, families=self._families)
        if not found:
            raise ApiError(404, f"no route for {request.method} {request.path}")
        self.authorise(found[0][0].auth, request)
        self.faults.check(request.method, request.path)
        if request.method == "OPTIONS":
            return Reply(204, headers={"Allow": ", ".join(allowed(found))})
        route, params = pick(found, request.method)
        request.params = params
        return route.handler(request)

    def credentials(self, realm: str) -> list[Scheme]:
        """What a route of ``realm`` accepts (see the module docstring)."""
        if realm == LABOS:
            return [Bearer(self.token)]
        account = self.account
        return [
            ApiKey(account.api_key),
            Bearer(account.api_key),
            Bearer(self.token),
            Basic(account.username, account.password),
        ]

    def authorise(self, realm: str, request: Request) -> None:
        if realm == PUBLIC:
            return
        if realm not in (LABOS, LABSTEP):
            raise ApiError(500, f"route with unknown realm {realm!r}")
        if any(c.accepts(request.headers) for c in self.credentials(realm)):
            request.user = seed.user_id()
            return
        if realm == LABOS:
            if not Bearer.presented(request.headers):
                raise ApiError(
                    403, "missing Bearer token", details="send Authorization: Bearer <token>"
                )
            raise ApiError(403, "invalid token")
        raise ApiError(
            401,
            "missing or invalid API key",
            details="send the header apikey: <key>; POST /public-api/user/login gives it",
        )

    # ------------------------------------------------------------------- families

    @property
    def families(self) -> frozenset[str]:
        return self._families

    def switch(self, name: str, on: bool) -> None:
        if name not in ENDPOINT_FAMILIES:
            known = ", ".join(sorted(ENDPOINT_FAMILIES))
            raise ApiError(404, f"no endpoint family {name!r}", details=f"families: {known}")
        with self._lock:
            self._families = self._families | {name} if on else self._families - {name}

    def _family(self, name: str) -> dict[str, object]:
        kind = ENDPOINT_FAMILIES[name]
        base = f"{PREFIX}/{kind.collection}"
        return {
            "name": name,
            "enabled": name in self._families,
            "routes": [
                {"method": r.method, "path": r.pattern}
                for r in self.router.routes
                if r.family == name and r.pattern.startswith(base)
            ],
        }

    def show_families(self, request: Request) -> Reply:
        name = request.params.get("name")
        if name is None:
            return Reply(200, {"data": [self._family(n) for n in sorted(ENDPOINT_FAMILIES)]})
        self.switch(name, name in self._families)  # 404 for unknown names
        return Reply(200, self._family(name))

    def switch_on(self, request: Request) -> Reply:
        self.switch(request.params["name"], True)
        return Reply(200, self._family(request.params["name"]))

    def switch_off(self, request: Request) -> Reply:
        self.switch(request.params["name"], False)
        return Reply(200, self._family(request.params["name"]))

    # --------------------------------------------------------------------- faults

    def show_faults(self, request: Request) -> Reply:
        return Reply(200, {"data": self.faults.listed()})

    def add_fault(self, request: Request) -> Reply:
        body = request.json_object(limit=FAULT_BODY_LIMIT, allow_empty=True)
        return Reply(201, self.faults.add(body).show())

    def clear_faults(self, request: Request) -> Reply:
        self.faults.clear()
        return Reply(204)

    # ------------------------------------------------------------------ discovery

    def discover(self, request: Request) -> Reply:
        body = encode_json({"data": self.router.listed(families=self._families)})
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        wanted = request.headers.get("If-None-Match")
        if wanted is not None:
            tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
            if etag in tags or "*" in tags:
                return Reply(304, None, headers)
        return Reply(200, body, {"Content-Type": JSON_TYPE, **headers})

    # --------------------------------------------------------------- test helpers

    def slow(self, request: Request) -> Reply:
        text = dict(query_pairs(request.query)).get("seconds", "1")
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds < float("inf"):
            raise ApiError(400, f"seconds must be a number >= 0, not {text!r}")
        seconds = min(seconds, MAX_SLEEP)
        self.slow_started.set()
        self.stopping.wait(seconds)
        return Reply(200, {"slept": seconds})

    def bytes(self, request: Request) -> Reply:
        text = dict(query_pairs(request.query)).get("size", "")
        if not text.isascii() or not text.isdigit() or not 2 <= int(text) <= MAX_BYTES:
            raise ApiError(400, f"size must be a whole number from 2 to {MAX_BYTES}, not {text!r}")
        size = int(text)
        return Reply(200, json_list_bytes(size), {"Content-Type": JSON_TYPE}, length=size)


def json_list_bytes(size: int) -> Iterator[bytes]:
    """A JSON list of zeros that is exactly ``size`` bytes long (``size >= 2``), in chunks."""
    if size < 3:
        yield b"[]"
        return
    pairs, pad = divmod(size - 3, 2)
    yield b"["
    block = b"0," * (BYTES_CHUNK // 2)
    while pairs:
        take = min(pairs, len(block) // 2)
        yield block[: 2 * take]
        pairs -= take
    yield b"0" + b" " * pad + b"]"

