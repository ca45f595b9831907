"""A deadline for a whole exchange: ``--max-time SECONDS``, as curl's.

The per-read timeout (``--timeout``) bounds each wait for bytes; a server that sends
one byte every half second never trips it.  A :class:`Deadline` bounds everything:
making the connection (its limit is at most what is left), the headers and the body.
When it passes, a timer thread shuts the request's socket down, so a read blocked
anywhere in http.client returns at once, and the failure that follows is reported as
``URL did not finish within N s (--max-time)``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from explorer.errors import TransportError


class Deadline:
    """Armed for ``seconds`` from now; :meth:`cancel` once the body was read."""

    def __init__(self, seconds: float, label: str) -> None:
        self.seconds = seconds
        self.label = label
        self.ends = time.monotonic() + seconds
        #: the urllib3 connection the request uses (set by the raw-target adapter)
        self.connection = None
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return max(self.ends - time.monotonic(), 0.001)

    def _expire(self) -> None:
        self.expired = True
        sock = getattr(self.connection, "sock", None)
        if sock is None:
            return
        with contextlib.suppress(OSError):  # already closed: the reader has its answer
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()

    def error(self) -> TransportError:
        return TransportError(
            f"{self.label} did not finish within {self.seconds:g} s (--max-time)",
            reason="timeout",
        )
