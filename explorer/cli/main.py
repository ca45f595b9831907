"""Entry point of the ``explorer`` console script: global options, then a command.

    explorer [GLOBAL] [COMMAND ...]          no command: the interactive shell

Built-in commands are listed in :data:`COMMANDS`; any other first word is looked up
among the commands generated from the server's routes (``instruments list``).
Every error ends as one line on stderr and an exit code (see :mod:`explorer.errors`),
never as a traceback.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys

from explorer import __version__
from explorer.errors import EXIT_OTHER, EXIT_USAGE, ExplorerError

#: the exit code of a command the user interrupted (Ctrl-C): 128 + SIGINT, as shells do
EXIT_INTERRUPTED = 130

COMMANDS = {
    "demo": "sandbox server + shell, nothing to configure",
    "serve": "run the sandbox server of the LabOS and Labstep APIs",
    "login": "Labstep-style login; the key is saved to the profile",
    "routes": "list the discovered routes and their command names",
    "call": "send one request: call METHOD PATH [ITEM...]",
    "probe": "call the GET routes (--max N, default 300) and print a status table",
    "replay": "replay a recorded session and check the answers",
    "export": "export a session as a script or a HAR (export --help: the formats)",
    "import": "turn a browser's HAR export into a session",
    "shell": "the interactive shell (the default without a command)",
    "completion": "print a shell completion script: completion bash|zsh|fish",
}

EPILOG = """commands:
{commands}
  <generated command>  e.g. instruments list, instruments commands kill ID CID

request items (after the path or the command's arguments):
  name==value   query parameter        name=value   JSON string (query for GET/DELETE)
  name:=json    raw JSON value         Header:value request header
  field@file    multipart file upload  field>v field<v field>=v field<=v field!=v  filters
flags (anywhere after the command; -- ends them; explorer call --help says more):
  -v headers too, --all every page, --format json|table|csv|tsv|yaml, --filter EXPR,
  -d/--download, -o FILE [-c/--continue] [--force], --offline, --curl [--show-secrets]

exit codes: 0 ok (2xx/3xx), 2 usage, 3 unreachable or timed out, 4 a 4xx answer,
            5 a 5xx answer, 1 anything else, 130 interrupted (Ctrl-C)
environment: EXPLORER_URL, EXPLORER_TOKEN, EXPLORER_API_KEY, EXPLORER_AUTH,
             EXPLORER_AUTH_TYPE, EXPLORER_PROFILE, HTTPS_PROXY, HTTP_PROXY, NO_PROXY, NO_COLOR
shell completion: eval "$(explorer completion bash)" (or zsh; fish: explorer completion fish)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse adds the usage)
        self.exit(EXIT_USAGE, f"explorer: {message} (see explorer --help)\n")


def global_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="explorer",
        description="A discovery-driven explorer for REST APIs.",
        epilog=EPILOG.format(
            commands="\n".join(f"  {name:<10} {text}" for name, text in COMMANDS.items())
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    add = parser.add_argument
    add("--url", help="the server's base URL (env EXPLORER_URL)")
    add("--token", help="Bearer token (env EXPLORER_TOKEN)")
    add("--token-file", metavar="FILE", help="read the Bearer token from FILE (token.txt)")
    add("--api-key", metavar="KEY", help="send KEY in the apikey header (Labstep)")
    add("-a", "--auth", metavar="USER[:PASS]",
        help="HTTP Basic auth; the password is asked when left out (env EXPLORER_AUTH)")
    add("-A", "--auth-type", choices=("basic", "digest"),
        help="what --auth is: basic (default) or digest (env EXPLORER_AUTH_TYPE)")
    add("--profile", help="a profile from ~/.config/explorer/config.toml (env EXPLORER_PROFILE)")
    add("--spec", metavar="FILE|URL", help="routes from an OpenAPI 3 / Swagger 2 document")
    add("--routes", metavar="FILE", help="routes from a file in the /discover format, or 'labstep'")
    add("--timeout", type=_positive_float, metavar="SECONDS",
        help="the longest wait for each read of the answer (default 30)")
    add("--max-time", type=_positive_float, metavar="SECONDS",
        help="the longest a whole exchange may take: connect, headers and body (as curl's)")
    add("--record", metavar="FILE",
        help="record every exchange to a session file (a bare NAME: sessions/NAME.jsonl)")
    add("--insecure", action="store_true", help="do not verify TLS certificates")
    add("--ca-bundle", metavar="FILE", help="verify TLS with the CA certificates in FILE")
    add("--cert", metavar="FILE",
        help="TLS client certificate (PEM; with its key unless --cert-key)")
    add("--cert-key", metavar="FILE", help="the private key of --cert (PEM, not encrypted)")
    add("--proxy", metavar="URL",
        help="send every request through this proxy (else HTTPS_PROXY, HTTP_PROXY)")
    add("--no-cookies", action="store_true",
        help="keep and send no cookies (default: the profile's cookie jar)")
    add("--no-pager", action="store_true", help="never page output")
    add("-v", "--verbose", action="store_true", help="show request and response headers")
    add("--version", action="version", version=f"explorer {__version__}")
    add("command", nargs="?", help=argparse.SUPPRESS)
    add("args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds greater than 0, not {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    """The program; ``argv=None`` means it is the process itself (console script,
    ``python -m explorer``), anything else an in-process caller such as a test."""
    program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    collecting = gc.isenabled()
    # A command that sends one request is mostly start-up and exits at once: it runs
    # without the cyclic collector (dispatch turns it back on for everything else).
    # As the process itself it also leaves it off, so the interpreter skips its final
    # full collection at exit (~6 ms; Context.close() has closed what was opened).
    # An in-process caller gets its own setting back.
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting and not program:
            gc.enable()


def _single_request(command: str | None, args: list[str]) -> bool:
    """``call``, a generated command, ``routes`` or ``login``, without ``--all``."""
    if command is None or "--all" in args:
        return False
    return command in ("call", "routes", "login") or command not in COMMANDS


def _main(argv: list[str]) -> int:
    from explorer.cli.argv import check_arguments, check_environment

    try:
        check_arguments(argv)
        check_environment(os.environ)
    except ExplorerError as exc:
        print(f"explorer: {exc}", file=sys.stderr)
        return exc.exit_code
    options = global_parser().parse_args(argv)
    from explorer.cli.context import Context

    context = Context(options)
    try:
        return dispatch(context)
    except ExplorerError as exc:
        _print_error(exc, context)
        return exc.exit_code
    except KeyboardInterrupt:
        print("explorer: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (explorer ... | head): not an error of ours.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # silence the flush at exit
        except (OSError, ValueError):
            pass
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        redact = _crash_redactor(context)
        if options.verbose:  # the traceback too: secrets in it are masked like the rest
            import traceback

            print(redact(traceback.format_exc()), end="", file=sys.stderr)
        _print_error(exc, context, redact=redact)
        return EXIT_OTHER
    finally:
        context.close()


def _print_error(exc: BaseException, context, *, redact=None) -> None:
    from explorer.render.error import format_error

    lines = format_error(exc, redact=redact or context.redact)
    print("\n".join(lines), file=sys.stderr)


def _crash_redactor(context):
    """How an error nobody foresaw is masked: its message may quote a request whose
    secrets this run never registered (the password of a login, in its JSON body), so
    besides every secret the run knows of, any value a credential's name gives away
    (``"password": "..."``, ``apikey:...``, ``--token T``) is hidden too."""
    from explorer.secrets import scrub_command

    def redact(text: str) -> str:
        return context.redact(scrub_command(text))

    return redact


def dispatch(context) -> int:
    options = context.options
    command = options.command
    args = list(options.args)
    if not _single_request(command, args) and command not in (None, "shell"):
        gc.enable()  # long-running: replay, probe, paging, the server
    # The shell turns it on itself once its start-up is over (repl.app's
    # collect_from_now_on): a prompt drawn and the routes in, without collections.
    if command is None or command == "shell":
        from explorer.cli.shell import run_shell

        return run_shell(context, args)
    if command in ("serve", "demo"):
        from explorer.cli import serve

        return serve.main(context, command, args)
    if command == "login":
        from explorer.cli.login import main as login

        return login(context, args)
    if command == "routes":
        from explorer.cli.routes import main as routes

        return routes(context, args)
    if command == "call":
        from explorer.cli.call import call

        return call(context, args)
    if command == "probe":
        from explorer.cli.probe import main as probe

        return probe(context, args)
    if command == "completion":
        from explorer.cli.completion import main as completion

        return completion(context, args)
    if command in ("replay", "export", "import"):
        from explorer.sessions import cli as sessions_cli

        return sessions_cli.main(context, command, args)
    from explorer.cli.call import generated

    return generated(context, [command, *args])
