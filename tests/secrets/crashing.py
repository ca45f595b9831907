"""Run explorer with an internal error in the middle of sending: the command line of
``python crashing.py ARGS`` is ``explorer ARGS``, except that the HTTP adapter (the last
step before the socket) raises a RuntimeError quoting the request it was given -- its
headers and its body, credentials and passwords included -- as a bug deep in a library
would.  The secret sweep runs it with ``-v`` to check the traceback printed then.

Test-only: it patches the running process (``explorer.cli.main.main`` is then called in
it, like the console script), and nothing in explorer reads or knows of it.
"""

from __future__ import annotations

import sys


def _broken_send(self, request, *args, **kwargs):
    body = request.body if isinstance(request.body, bytes | str) else "(streamed)"
    raise RuntimeError(
        f"adapter fell over on {request.method} {request.url} "
        f"headers={dict(request.headers)!r} body={body!r}"
    )


def main() -> int:
    from explorer.client import rawtarget as transport

    transport.RawTargetAdapter.send = _broken_send
    from explorer.cli.main import main as explorer

    return explorer(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
