"""``explorer replay|export|import``: the command-line front end of recorded sessions.

    replay FILE [--var k=v]... [--report-json OUT] [--junit OUT] [--dry-run] [--only-safe]
                [--yes] [--volatile JSONPATH]... [--serve [--host H] [--port N]]
    export FILE --to FORMAT [-o OUT] [--force]
    import FILE.har -o sessions/NAME.jsonl [--host HOST] [--force]

Global options (``--url``, ``--token``, ``--api-key``…) come before the command and
reach here in the context: replay sends through ``context.engine``, so auth, timeouts
and ``--record`` apply as for any other request.  Without a server (no ``--url``,
``EXPLORER_URL`` or profile url) replay goes to the one the session was recorded on,
named on stderr, with only the credentials given on the command line; a session with
writes then asks first on a terminal, and needs ``--yes`` when not on one.  Exit codes:
0 when every check passed, 1 when one failed, 3 when the server could not be reached (a step failed
with kind ``unreachable``: a TransportError), 2 for usage.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from explorer.client.models import NO_BODY
from explorer.client.urls import display_url
from explorer.errors import EXIT_OK, EXIT_OTHER, EXIT_UNREACHABLE, DecodeError, UsageError
from explorer.render.text import one_line, terminal_safe

USAGES = {
    "replay": "explorer [GLOBAL] replay FILE [--var k=v]... [--report-json OUT] [--junit OUT] "
    "[--dry-run] [--only-safe] [--yes] [--volatile JSONPATH]... [--serve [--port N]]",
    "export": "explorer export FILE --to {formats} [-o OUT] [--force]",
    "import": "explorer [--url URL] import FILE.har -o sessions/NAME.jsonl [--host HOST] "
    "[--force]",
}


def usage(command: str) -> str:
    if command == "export":
        from explorer.sessions.export import table

        return USAGES["export"].format(formats="|".join(table()))
    return USAGES[command]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise UsageError(f"{self.prog}: {message} (usage: {usage(self.prog.split()[-1])})")


def argument_parser(command: str) -> argparse.ArgumentParser:
    """The options of ``explorer COMMAND`` (for running it, and for shell completion)."""
    parser = _Parser(prog=f"explorer {command}", allow_abbrev=False, add_help=True)
    add = parser.add_argument
    add("file", metavar="FILE")
    if command == "replay":
        add("--var", action="append", default=[], metavar="NAME=VALUE",
            help="a value for {{NAME}} in the session")
        add("--report-json", metavar="OUT", help="write a JSON report")
        add("--junit", metavar="OUT", help="write a JUnit XML report")
        add("--dry-run", action="store_true", help="print what would be sent; send nothing")
        add("--only-safe", action="store_true", help="send only GET and HEAD requests")
        add("-y", "--yes", action="store_true",
            help="without --url: send the session's writes to its recorded server unasked")
        add("--check-spec", action="store_true",
            help="check each answer against the response schema of the API description")
        add("--volatile", action="append", default=[], metavar="JSONPATH",
            help="a JSON path whose values may differ ($.data[*].updatedBy, or a field name)")
        add("--serve", action="store_true", help="serve the recorded answers offline")
        add("--host", default="127.0.0.1", help="with --serve: the address to listen on")
        add("--port", type=int, default=0, help="with --serve: the port (0: a free one)")
    elif command == "export":
        from explorer.sessions.export import summary, table

        add("--to", required=True, choices=list(table()), metavar="FORMAT",
            help="one of the formats below")
        width = max(map(len, table()))
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = "formats:\n" + "\n".join(
            f"  {name:<{width}}  {summary(name)}" for name in table())
        add("-o", "--output", metavar="OUT", help="write here instead of standard output")
        add("--force", action="store_true", help="replace OUT if it already exists")
    else:
        add("-o", "--output", metavar="OUT", required=True, help="the session file to write")
        add("--host", help="keep the requests to this host (default: the API host)")
        add("--force", action="store_true", help="replace OUT if it already exists")
    return parser


def main(context, command: str, args: list[str]) -> int:
    parser = argument_parser(command)
    try:
        options = parser.parse_args(args)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if command == "replay":
        return replay(context, options)
    if command == "export":
        return export(context, options)
    return import_(context, options)


# -- replay --------------------------------------------------------------------------------


def _variables(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var {pair!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def _session(context, path: str, *, defer_answers: bool = False):
    from explorer.sessions.format import read_session

    session = read_session(path, defer_answers=defer_answers)
    for warning in session.warnings:
        context.warn(warning)
    return session


def _configured_url(context) -> str | None:
    try:
        return context.base_url
    except UsageError:
        return None


def _profile_lookup(context):
    def lookup(name: str) -> str | None:
        auth = context.auth
        value = auth.value(name) if auth is not None else None
        if value:
            return value
        if name == "secret" and auth is not None and auth.secrets:
            return auth.secrets[0]  # a recorded credential of another scheme
        if name == "password" and context.run_credentials:  # not to a server the file names
            return os.environ.get("EXPLORER_PASSWORD")
        if name == "username":
            return getattr(context.profile, "username", None)
        return None

    return lookup


def replay(context, options) -> int:
    from explorer.sessions.checks import Checker

    if options.serve:
        return serve(context, options)
    variables = _variables(options.var)
    checker = Checker(volatile=options.volatile)
    thawed = gc.get_freeze_count() == 0
    collecting = gc.isenabled()
    gc.disable()
    try:
        # (the recorded answers are read when a check needs them: an answer of the
        # same bytes never does)
        session = _session(context, options.file, defer_answers=True)
        if thawed:
            # The session (a few million lists, dicts and strings, no cycles) is set
            # aside from the cyclic collector before it runs again: else its first
            # collections carry all of it through every generation, a full rescan
            # each time (0.3 s of the bench's 15 MB session).  Handed back at the end.
            gc.freeze()
    finally:
        if collecting:
            gc.enable()
    try:
        return _run_replay(context, session, options, variables, checker)
    finally:
        if thawed:
            gc.unfreeze()


def _run_replay(context, session, options, variables, checker) -> int:
    from explorer.sessions.replay import Replayer

    if options.dry_run:
        base_url = _configured_url(context) or session.base_url or "{{base_url}}"
        replayer = Replayer(session, send=_no_send, base_url=base_url, variables=variables,
                            checker=checker, only_safe=options.only_safe)
        return _dry_run(replayer, base_url)
    target = _target(context, session, options)
    try:
        return _replay(target, session, options, variables, checker)
    finally:
        if target is not context:
            target.close()


def _replay(context, session, options, variables, checker) -> int:
    from explorer.sessions.replay import Replayer

    base_url = context.base_url
    auth = context.auth
    stderr = context.stderr
    progress = _progress_bar(stderr) if _isatty(stderr) and len(session) >= 20 else None
    replayer = Replayer(
        session,
        send=context.engine.send,
        base_url=base_url,
        variables=variables,
        profile=_profile_lookup(context),
        auth_configured=auth is not None,
        checker=checker,
        only_safe=options.only_safe,
        secrets=context.secrets,
        progress=progress,
        spec_check=_spec_checker(context) if options.check_spec else None,
    )
    report = replayer.run()
    from explorer.sessions.report import json_report, junit_report, summary_table, write_private

    def clean(text: str) -> str:
        return context.redact(replayer.redactor.text(text))

    width = _terminal_width(100) if _isatty(sys.stdout) else 100
    print(clean(summary_table(report, width=width)), flush=True)
    if options.report_json:
        write_private(options.report_json, clean(json_report(report)))
    if options.junit:
        write_private(options.junit, clean(junit_report(report)))
    if report.passed:
        return EXIT_OK
    return EXIT_UNREACHABLE if report.unreachable else EXIT_OTHER


def _target(context, session, options):
    """The context replay sends through: ``context`` when it names a server, else one for
    the server the session was recorded on (named on stderr), which gets only the
    credentials given on the command line (not the environment's, nor a profile's: the
    file says where they would go).  A session with writes asks first (see the module)."""
    from explorer.auth.resolve import keys
    from explorer.sessions.replay import SAFE_METHODS

    if _configured_url(context) is not None:
        return context
    recorded = session.base_url
    if not isinstance(recorded, str) or not recorded.lower().startswith(("http://", "https://")):
        raise UsageError("no server: give --url URL (the session names none it was recorded on)")
    given = {key: getattr(context.options, key) for key in keys("options")
             if getattr(context.options, key, None)}
    target = context.connect(url=recorded, routes=context.options.routes,
                             spec=context.options.spec, credentials=given)
    target.options.record = context.options.record
    shown = one_line(display_url(target.base_url))
    print(f"explorer: replaying against {shown}, the server the session was recorded on "
          "(--url chooses another)", file=context.stderr, flush=True)
    unused = [name for name in sorted(keys("environment")) if os.environ.get(name)]
    if unused:
        context.warn(f"{', '.join(unused)} is not sent to the session's server; give the "
                     "credential as an option (--token, --api-key, --auth)")
    writes = [e for e in session.exchanges if e.method not in SAFE_METHODS]
    if writes and not options.only_safe and not options.yes:
        methods = ", ".join(sorted({e.method for e in writes}))
        what = f"{len(writes)} write{'s' if len(writes) != 1 else ''} ({methods})"
        if not (_isatty(sys.stdin) and _isatty(context.stderr)):
            raise UsageError(f"the session sends {what} to {shown}: give --yes to replay "
                             "them there, --url URL for another server, or --only-safe")
        context.stderr.write(f"Replay {what} on {shown}? [y/N] ")
        context.stderr.flush()
        answer = sys.stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            raise UsageError("not replayed: nothing was sent")
    return target


def _spec_checker(context):
    """``--check-spec``: each answer against the response schema its route's spec
    declares for the status (a route without spec data is not checked)."""
    from explorer.sessions.checks import Failure
    from explorer.spec.check import check_answer

    registry = context.load_routes()
    if not registry.has_spec:
        raise UsageError("--check-spec needs routes from an API description (give --spec)")

    def check(spec, status: int, body: Any) -> list[Failure]:
        try:
            entry = registry.resolve(spec.method, spec.path).entry
        except DecodeError:
            return []
        operation = entry.route.operation if entry is not None else None
        _checked, mismatches = check_answer(operation, status, body)
        return [Failure(m.path, "the spec's schema", m.message, kind="schema")
                for m in mismatches]

    return check


def _no_send(spec) -> Any:
    raise UsageError("--dry-run sends nothing")


def _dry_run(replayer, base_url: str) -> int:
    from explorer.sessions.replay import SAFE_METHODS


    for exchange in replayer.session.exchanges:  # a colleague's session: shown escaped
        if replayer.only_safe and exchange.method not in SAFE_METHODS:
            print(one_line(f"{exchange.step:>4}  (skipped: {exchange.method} with --only-safe)"))
            continue
        spec = replayer.preview(exchange)
        print(one_line(f"{exchange.step:>4}  {spec.method} {base_url}{spec.target}"))
        for name, value in spec.headers.items():
            print(one_line(f"      {name}: {value}"))
        if spec.json is not NO_BODY:
            print(one_line("      " + json.dumps(spec.json, ensure_ascii=False)))
        if spec.form or spec.files:
            fields = " ".join(f"{k}={v}" for k, v in spec.form.items())
            files = " ".join(f"{f.field}@{f.path}" for f in spec.files)
            print(one_line(f"      multipart: {fields} {files}".rstrip()))
        if spec.data is not None:
            print(f"      ({len(spec.data)} bytes)")
    return EXIT_OK


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal_width(default: int) -> int:
    import shutil

    return shutil.get_terminal_size((default, 24)).columns


def _progress_bar(stream):
    state = {"shown": -1}

    def update(done: int, total: int) -> None:
        filled = done * 30 // total
        if filled == state["shown"] and done != total:
            return
        state["shown"] = filled
        bar = "#" * filled + "." * (30 - filled)
        end = "\r\033[K" if done == total else ""
        stream.write(f"\rreplay [{bar}] {done}/{total}{end}")
        stream.flush()

    return update


def serve(context, options) -> int:
    from explorer.sessions.serve import SessionServer

    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {options.port}")

    session = _session(context, options.file)
    from explorer.sessions.export.plan import check_files

    check_files(session)  # a body file outside the session's folder: refused, one line
    try:
        server = SessionServer(session, host=options.host, port=options.port).start()
    except OSError as exc:
        raise UsageError(
            f"cannot serve on {options.host}:{options.port}: {exc.strerror}") from exc
    try:  # from the moment it answers, Ctrl-C stops it cleanly (exit 0)
        name = one_line(session.path.name)
        print(f"serving {name} ({len(session)} exchanges) at {server.url}", flush=True)
        print("explore it with: explorer --url " + server.url, file=sys.stderr, flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK


# -- export and import -------------------------------------------------------------------


def export(context, options) -> int:
    from explorer.sessions.export import export as render
    from explorer.sessions.report import write_private

    if options.output:
        _check_output(options.output, options.file, force=options.force)
    session = _session(context, options.file)
    text = render(session, options.to)
    if options.output:
        write_private(options.output, text)
        print(f"exported {len(session)} requests to {options.output}", file=sys.stderr)
    else:
        if _isatty(sys.stdout):  # a script on a terminal: a session's escapes shown, not run

            text = terminal_safe(text)
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK


def _check_output(output: str, source: str, *, force: bool) -> None:
    """``export -o OUT`` never replaces the session it exports (or a file beside it),
    and replaces another existing file only with ``--force``, as ``import`` does."""
    from explorer.sessions.format import files_dir

    out, session = Path(output), Path(source)
    try:
        target = out.resolve()
        mine = session.resolve()
    except OSError as exc:
        raise UsageError(f"-o {output}: {exc.strerror or exc}") from exc
    if target == mine or files_dir(mine) in target.parents:
        raise UsageError(f"-o {output} is the session being exported (or one of its files)")
    if not force and (out.exists() or out.is_symlink()):
        raise UsageError(f"{output} already exists (give --force to replace it)")


def import_(context, options) -> int:
    from explorer.sessions.har_import import import_har

    host = options.host
    if not host:
        url = _configured_url(context)
        host = urlsplit(url).netloc if url else None
    result = import_har(options.file, options.output, host=host, force=options.force,
                        limit=context.config.settings.document_limit)
    for skipped in result.skipped:
        context.warn(f"skipped {skipped}")

    print(one_line(f"imported {result.imported} of {result.total} requests "
                   f"(host {result.host}) into {options.output}"))
    return EXIT_OK
