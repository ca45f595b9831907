"""The command line: global options, the shell commands and the generated commands.

``main`` (options, dispatch, exit codes), ``context`` (config, profile, credentials,
client, discovery and engine of one run; ``connect`` makes one for another server; a
front end hooks in by subscribing to its warnings and route changes and setting its
recorder, never by replacing its methods),
``flags`` (``-v``, ``--all``, ``--help`` anywhere on a request line), ``call`` (one-shot
requests), ``login``, ``probe``, ``routes``, ``serve`` (the sandbox and ``explorer
demo``), ``shell``.
"""
