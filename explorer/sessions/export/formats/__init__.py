"""The export formats, one module each, named for its format (``export --to NAME``).

A module here is a row of the table :func:`explorer.sessions.export.table` reads: its
docstring's first line says what the format gives (``export --help``), ``SUFFIX`` is
its files' suffix, and ``render(session, steps, *, files_root) -> str`` writes it from
the :mod:`~explorer.sessions.export.plan` steps.  Adding a format is adding a module
here, its test, and its row in docs/sessions.md.
"""
