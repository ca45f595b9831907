"""Recorded sessions: record every exchange, replay it against any server, export, import.

* :mod:`~explorer.sessions.format`: the JSON Lines file format (read, write, bodies).
* :mod:`~explorer.sessions.redact`: secrets out, placeholders in.
* :mod:`~explorer.sessions.recorder`: tees responses into a session file as they stream
  (through :meth:`explorer.client.Response.tee`; a failed write is a warning, never a
  lost answer).
* :mod:`~explorer.sessions.replay`, :mod:`~explorer.sessions.capture`,
  :mod:`~explorer.sessions.checks`, :mod:`~explorer.sessions.report`: replay and its checks.
* :mod:`~explorer.sessions.serve`: a recorded session as a transport
  (``SessionTransport``, the client's seam) and as an offline server in front of it.
* :mod:`~explorer.sessions.export`: exports, a table of formats (curl, python, hurl, HAR
  1.2, locust), one module each in ``export/formats/``.
* :mod:`~explorer.sessions.har_import`: a browser's HAR export turned into a session.
* :mod:`~explorer.sessions.cli`: ``explorer replay|export|import``.
"""
