"""``explorer serve`` (the sandbox server) and ``explorer demo`` (sandbox + shell)."""

from __future__ import annotations

import argparse
import sys

from explorer.errors import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line: main() prints it, exit 2
        raise UsageError(f"{message} (see {self.prog} --help)")


def _parser(command: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"explorer {command}", allow_abbrev=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    if command == "serve":
        parser.add_argument("--token", help="the Bearer token to accept (default: random)")
        parser.add_argument("--db", metavar="PATH", help="sqlite file that keeps data")
        parser.add_argument("--reset", action="store_true", help="wipe --db and reseed")
    return parser


def main(context, command: str, args: list[str]) -> int:
    parser = _parser(command)
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:  # --help: printed, and that is all
        return exc.code if isinstance(exc.code, int) else 0
    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {options.port}")
    if command == "serve":
        from explorer.sandbox import serve

        try:
            serve(
                host=options.host,
                port=options.port,
                token=options.token,
                db=options.db,
                reset=options.reset,
                out=sys.stdout,
            )
        except OSError as exc:
            raise UsageError(f"cannot serve on {options.host}:{options.port}: {exc.strerror}")
        return 0
    return demo(context, options)


def demo(context, options) -> int:
    from explorer.sandbox import SandboxServer

    try:
        server = SandboxServer(host=options.host, port=options.port).start()
    except OSError as exc:
        raise UsageError(
            f"cannot start the sandbox on {options.host}:{options.port}: {exc.strerror}"
        )
    with server:
        print(f"sandbox: {server.url}  token: {server.token}", file=sys.stderr)
        print(f"labstep user: {server.username}  password: {server.password}", file=sys.stderr)
        context.options.url = server.url
        context.options.token = server.token
        from explorer.cli.shell import run_shell

        return run_shell(context, [])
