"""Sending the request target exactly as written.

LabOS filters such as ``updatedAt>2023-05-01`` must reach the server verbatim, but
both requests (``requote_uri``) and urllib3 (``_encode_target``) percent-encode ``<``,
``>``, ``|`` and friends on the way out.  curl and Express leave them alone, and so do we:

* the client sets ``PreparedRequest.url`` itself, after requests has prepared it;
* :class:`RawTargetAdapter` remembers that exact target for the duration of ``send``;
* :class:`_RawTargetPoolMixin` swaps it back in at the last moment, when urllib3
  hands its re-encoded copy of the same target to the connection.

The swap happens only when urllib3's encoding of our target equals what urllib3 is
about to send, so redirects and anything unexpected go out exactly as urllib3 made them.

The same hook hands the connection a request uses to its deadline
(:mod:`explorer.client.deadline`), so ``--max-time`` can cut it wherever it waits.
"""

from __future__ import annotations

import threading

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.url import _encode_target

_local = threading.local()


class _RawTargetPoolMixin:
    def _make_request(self, conn, method, url, *args, **kwargs):
        raw = getattr(_local, "target", None)
        if raw is not None and raw != url and _encode_target(raw) == url:
            url = raw
        watch = getattr(_local, "watch", None)
        if watch is not None:
            watch.connection = conn  # what a deadline cuts (see explorer.client.deadline)
        return super()._make_request(conn, method, url, *args, **kwargs)


class RawHTTPConnectionPool(_RawTargetPoolMixin, HTTPConnectionPool):
    pass


class RawHTTPSConnectionPool(_RawTargetPoolMixin, HTTPSConnectionPool):
    pass


class RawTargetAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that puts the prepared request's target on the wire unchanged."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": RawHTTPConnectionPool,
            "https": RawHTTPSConnectionPool,
        }

    def send(self, request, *args, **kwargs):
        _local.target = request.path_url
        try:
            return super().send(request, *args, **kwargs)
        finally:
            _local.target = None


def watching(watch) -> None:
    """Hand the connections this thread opens from now on to ``watch`` (None: stop)."""
    _local.watch = watch
