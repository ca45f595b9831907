"""Server errors on purpose: the sandbox's ``/_sandbox/faults`` admin routes.

So that exit code 5, probe's failure rows and replay's failed checks can be seen
against the demo, a fault makes the API routes answer a 5xx error object::

    POST   /_sandbox/faults  {"status": 503, "path": "/public/v1/families", "count": 2}
    GET    /_sandbox/faults  -> {"data": [the faults in force]}
    DELETE /_sandbox/faults  -> every fault removed (204)

Every field is optional: ``status`` 500 to 599 (default 500), ``path`` a path prefix
matched segment by segment (default ``/``: every API route; ``/_sandbox/...`` never
fails), ``method`` one method (default: any) and ``count`` how many requests fail
before the fault goes away (default: until deleted).  The first fault that fits a
request answers it, after the route is known to exist and the caller authorised.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

from explorer.sandbox import validate as v
from explorer.sandbox.wire import ApiError

MAX_FAULTS = 100
ADMIN_PREFIX = "/_sandbox/"


def _status(value: Any, where: str) -> int:
    status = v.integer(value, where)
    if not 500 <= status <= 599:
        raise ApiError(400, f"{where}: a fault answers 500 to 599, not {status}")
    return status


def _prefix(value: Any, where: str) -> str:
    text = v.string(value, where)
    if not text.startswith("/") or len(text) > 2000:
        raise ApiError(400, f"{where}: expected a path starting with '/', got {text[:80]!r}")
    return text


def _method(value: Any, where: str) -> str:
    text = v.string(value, where)
    if not text.isascii() or not text.isalpha() or len(text) > 20:
        raise ApiError(400, f"{where}: expected an HTTP method, got {text[:40]!r}")
    return text.upper()


def _times(value: Any, where: str) -> int:
    count = v.integer(value, where)
    if count < 1:
        raise ApiError(400, f"{where}: must be >= 1, not {count}")
    return count


FIELDS: dict[str, v.Checker] = {
    "status": _status,
    "path": _prefix,
    "method": v.optional(_method),
    "count": v.optional(_times),
}


@dataclass
class Fault:
    id: int
    status: int = 500
    path: str = "/"
    method: str | None = None
    #: requests still to fail (None: until deleted)
    count: int | None = None

    def fits(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        prefix = self.path.rstrip("/").lower()
        path = path.lower()
        return not prefix or path == prefix or path.startswith(prefix + "/")

    def show(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "path": self.path,
            "method": self.method,
            "count": self.count,
        }


class Faults:
    """The faults in force, shared by the server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, body: dict[str, Any]) -> Fault:
        fields = v.check_body(body, FIELDS)
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:
                raise ApiError(400, f"at most {MAX_FAULTS} faults at once; DELETE some first")
            fault = Fault(next(self._ids), **{k: x for k, x in fields.items() if x is not None})
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def listed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.show() for f in self._faults]

    def check(self, method: str, path: str) -> None:
        """Raise the error of the first fault that fits, using up one of its count."""
        if path.startswith(ADMIN_PREFIX):
            return
        with self._lock:
            if not self._faults:
                return
            for fault in self._faults:
                if fault.fits(method, path):
                    break
            else:
                return
            if fault.count is not None:
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
        raise ApiError(
            fault.status,
            f"fault {fault.id}: a {fault.status} on purpose",
            details="POST /_sandbox/faults made it; DELETE /_sandbox/faults removes it",
        )
