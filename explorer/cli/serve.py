"""``explorer serve`` (the sandbox server) and ``explorer demo`` (sandbox + shell).

Both stop in order on Ctrl-C, SIGTERM and SIGHUP (a closed terminal), so the sandbox's
temporary upload directory never outlives it.  A ``--db`` that cannot be opened as a
sqlite database, like a port that cannot be bound, is a one-line usage error.
"""

from __future__ import annotations

import argparse
import sys

from explorer.errors import UsageError

EPILOG = """\
endpoint families (switched on and off while the server runs; Bearer token):
  POST   /_sandbox/families/labware   switch on the labware routes
  POST   /_sandbox/families/samples   switch on the samples routes
  DELETE /_sandbox/families/NAME      switch a family off again
  GET    /_sandbox/families           list the families and whether they are on
GET /discover lists the new routes at once (its ETag changes), so a running shell
picks them up by itself.  From the demo shell: post /_sandbox/families/labware.
  POST   /_sandbox/faults             answer 5xx on purpose ({"status", "path", "count"})
  DELETE /_sandbox/faults             stop
explorer demo defines two profiles for its run: demo-labos (LabOS, /discover) and
demo-labstep (Labstep, the built-in routes file); in the shell: connect demo-labstep.
SIGTERM and SIGHUP stop the server like Ctrl-C.  More: docs/sandbox.md.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line: main() prints it, exit 2
        raise UsageError(f"{message} (see {self.prog} --help)")


def argument_parser(command: str) -> argparse.ArgumentParser:
    """The options of ``explorer COMMAND`` (for running it, and for shell completion)."""
    parser = _Parser(
        prog=f"explorer {command}",
        allow_abbrev=False,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    if command == "serve":
        parser.add_argument("--token", help="the Bearer token to accept (default: random)")
        parser.add_argument("--db", metavar="PATH", help="sqlite file that keeps data")
        parser.add_argument("--reset", action="store_true", help="wipe --db and reseed")
    return parser


def main(context, command: str, args: list[str]) -> int:
    parser = argument_parser(command)
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:  # --help: printed, and that is all
        return exc.code if isinstance(exc.code, int) else 0
    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {options.port}")
    if command == "serve":
        return serve(options)
    return demo(context, options)


def serve(options) -> int:
    import sqlite3

    from explorer.sandbox import serve as run_sandbox

    try:
        run_sandbox(
            host=options.host,
            port=options.port,
            token=options.token,
            db=options.db,
            reset=options.reset,
            out=sys.stdout,
        )
    except sqlite3.Error as exc:
        raise UsageError(f"cannot use --db {options.db}: {exc}") from exc
    except OSError as exc:
        raise UsageError(_cannot("serve", options, exc)) from exc
    return 0


def demo(context, options) -> int:
    from explorer.sandbox import SandboxServer
    from explorer.sandbox.server import stopping_on_signals

    server = SandboxServer(host=options.host, port=options.port)
    with stopping_on_signals(server):  # SIGTERM/SIGHUP end the shell; the server stops
        try:
            server.start()
        except OSError as exc:
            raise UsageError(_cannot("start the sandbox", options, exc)) from exc
        print(f"sandbox: {server.url}  token: {server.token}", file=sys.stderr)
        print(f"labstep user: {server.username}  password: {server.password}", file=sys.stderr)
        define_demo_profiles(context, server)
        print(
            f"profiles: {LABOS_PROFILE} (LabOS, routes from /discover), {LABSTEP_PROFILE} "
            f"(Labstep, the built-in routes file); switch with: connect {LABSTEP_PROFILE}, "
            "then login",
            file=sys.stderr,
        )
        from explorer.cli.shell import run_shell

        return run_shell(context, [])
    return 0  # a signal ended the shell


#: the profiles ``explorer demo`` defines for its run (in memory: config.toml is not
#: touched, and names of the user's own profiles are not taken)
LABOS_PROFILE = "demo-labos"
LABSTEP_PROFILE = "demo-labstep"


def define_demo_profiles(context, server) -> None:
    """Both APIs of the running sandbox as profiles of this run, the shell opening on
    LabOS: ``demo-labos`` (its Bearer token, routes from ``/discover``) and
    ``demo-labstep`` (the built-in Labstep routes file and the demo user; ``login``
    gets the key)."""
    from explorer.config import Profile

    profiles = context.config.profiles
    profiles[LABOS_PROFILE] = Profile(
        name=LABOS_PROFILE, url=server.url, credentials={"token": server.token}
    )
    profiles[LABSTEP_PROFILE] = Profile(
        name=LABSTEP_PROFILE, url=server.url, routes="labstep", username=server.username
    )
    context.options.profile = LABOS_PROFILE
    context.options.url = server.url
    context.options.token = server.token  # over EXPLORER_TOKEN, as before


def _cannot(what: str, options, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.filename is not None:  # the upload directory, not the socket
        return f"cannot {what}: {reason}: {exc.filename}"
    return f"cannot {what} on {options.host}:{options.port}: {reason}"
