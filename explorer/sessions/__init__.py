"""Recorded sessions: record every exchange, replay it against any server, export, import.

* :mod:`~explorer.sessions.format`: the JSON Lines file format (read, write, bodies).
* :mod:`~explorer.sessions.redact`: secrets out, placeholders in.
* :mod:`~explorer.sessions.recorder`: tees responses into a session file as they stream.
* :mod:`~explorer.sessions.replay`, :mod:`~explorer.sessions.capture`,
  :mod:`~explorer.sessions.checks`, :mod:`~explorer.sessions.report`: replay and its checks.
* :mod:`~explorer.sessions.serve`: a recorded session served as an offline server.
* :mod:`~explorer.sessions.export`: exports, a table of formats (curl, python, hurl, HAR
  1.2, locust), one module each in ``export/formats/``.
* :mod:`~explorer.sessions.har_import`: a browser's HAR export turned into a session.
* :mod:`~explorer.sessions.cli`: ``explorer replay|export|import``.
"""
