"""The sandbox: a reference server of the Genie LabOS public API and the Labstep API,
on the standard library (``http.server`` + ``sqlite3``), for ``explorer demo``,
``explorer serve`` and the end-to-end tests.

    from explorer.sandbox import SandboxServer, serve

    with SandboxServer().start() as srv:        # port 0: a free port
        srv.url, srv.token                       # LabOS: Authorization: Bearer TOKEN
        srv.username, srv.password, srv.api_key  # Labstep: login, then apikey: KEY
        srv.enable_family("labware")             # more routes, listed by /discover

Modules: ``server`` (sockets, framing, lifecycle), ``app`` (dispatch, auth, discovery,
admin and test helpers), ``labos`` and ``labstep`` (the two APIs), ``query`` (LabOS list
queries), ``multipart`` (streaming uploads), ``validate`` (body checks), ``routing``
(Express-style route table), ``store`` (sqlite documents), ``seed`` (deterministic data),
``wire`` (request, reply, errors, percent-decoding), ``faults`` (5xx answers on
purpose, ``/_sandbox/faults``).
"""

from explorer.sandbox.server import SandboxServer, serve

__all__ = ["SandboxServer", "serve"]
