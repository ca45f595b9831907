"""The shell's commands: HTTP verbs, generated commands, and its own (``cd``, ``set``...).

:meth:`Shell.execute` runs one line.  Requests go through ``context.engine`` (the one
request path every front end shares), are shown by :func:`explorer.render.render_response`
and teach the learned store; the parsed answer becomes ``{{last}}``.  No prompt_toolkit
here: the prompt loop (:mod:`.app`) hands in how to ask a yes/no question and how to
read the history, so tests drive this class directly.

A line may end with a raw JSON body (see :mod:`.line`); ``{{name}}`` and
``{{last.data.0.id}}`` are expanded in every word and in the body.  In a body item,
``protocol_id={{pid}}`` keeps the JSON type of a non-string value (see
:func:`explorer.variables.expand_items`).

When the engine's refetch (an unknown path or command) or a background revalidation
changes the routes, one line says what was added and removed (:func:`change_note`)
and ``on_routes_changed`` rebuilds the completion at once.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote

from explorer.client.headers import layered, present
from explorer.client.models import NO_BODY
from explorer.client.urls import display_url, same_origin
from explorer.errors import ItemError, UsageError
from explorer.items.syntax import BODY_METHODS
from explorer.record import Frozen, Record, setfield
from explorer.render.text import one_line, terminal_safe
from explorer.repl.learned import LearnedStore
from explorer.repl.line import is_item, tokenize
from explorer.repl.line import resolve_path as _resolve
from explorer.repl.state import ShellState
from explorer.repl.vocabulary import (
    OUTPUT_MODES,
    PAGER_MODES,
    VERBS,
    VIEW_FORMATS,
)
from explorer.routing.segments import Literal, Param
from explorer.variables import NAME, TEMPLATE, as_text, expand_items, lookup

if TYPE_CHECKING:
    from explorer.cli.flags import Flags

#: answers up to this size are kept for ``{{last}}`` and learning; bigger ones stream past
KEEP_LIMIT = 8 * 1024 * 1024
#: ``get https://host/path``: a full URL, not a ``https:...`` header item
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


class Exit(Exception):
    """``exit`` / ``quit``: leave the shell."""


class Outcome(Record):
    """What the last request did (for tests and the toolbar)."""

    __slots__ = ("cancelled", "status")
    _fields = ("status", "cancelled")

    def __init__(self, status: int | None = None, cancelled: bool = False) -> None:
        self.status = status
        self.cancelled = cancelled


class Shell:
    def __init__(
        self,
        context,
        *,
        state: ShellState | None = None,
        learned: LearnedStore | None = None,
        ask: Callable[[str], bool] | None = None,
        confirm: bool = True,
        history: Callable[[], Sequence[str]] | None = None,
        on_routes_changed: Callable[[], None] | None = None,
        on_unknown_write: Callable[[], None] | None = None,
        on_connect: Callable[[Any, Any], None] | None = None,
        read_secret: Callable[[str], str | None] | None = None,
        out: IO[str] | None = None,
        err: IO[str] | None = None,
        env_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.context = context
        self.state = state or ShellState()
        self.learned = learned or LearnedStore()
        self.ask = ask or _ask_stdin
        #: destructive requests ask first (when the setting says so); False: no terminal
        self.confirm = confirm
        self.history = history or (lambda: [])
        self.on_routes_changed = on_routes_changed or (lambda: None)
        #: a write to a path no route serves went through (``post /_sandbox/families/x``):
        #: the server may have added routes, so the shell checks in the background
        self.on_unknown_write = on_unknown_write or (lambda: None)
        #: ``connect`` switched the context (old, new): the app rebuilds what hangs on it
        self.on_connect = on_connect or (lambda old, new: None)
        #: reads a password (no echo at a terminal; None: there is no one to ask)
        self.read_secret = read_secret or _read_secret
        self._out = out
        self._err = err
        self.env_factory = env_factory or self._system_env
        self.outcome = Outcome()
        #: the JMESPath filter after ``|`` on the line being run (None: no ``|``)
        self.pipe: str | None = None
        #: the recorder ``record start`` opened (the ``--record`` one stays the context's)
        self.recording = None
        #: the session a recording began in, its server's label and the recorder now
        #: open (``connect`` names the sessions of other servers after the first one)
        self._recording_origin: tuple[Any, str, Any] | None = None
        context.subscribe_routes(self.routes_changed)

    @property
    def out(self) -> IO[str]:
        return self._out or sys.stdout

    @property
    def err(self) -> IO[str]:
        return self._err or sys.stderr

    def say(self, text: str) -> None:
        """Text for the user (values of ``set`` and ``vars``, listings): what the server
        put in it is shown with its control characters escaped."""
        print(terminal_safe(text), file=self.out, flush=True)

    def note(self, text: str) -> None:
        """A line about the shell itself (not an answer): on stderr, escaped as ``say``."""
        print(terminal_safe(text), file=self.err, flush=True)

    def routes_changed(self, change) -> None:
        """The engine's refetch changed the routes: say how, rebuild the completion."""
        self.note(change_note(change, self.context.discovery.registry))
        self.on_routes_changed()

    # -- one line ----------------------------------------------------------------------

    def execute(self, text: str) -> None:
        """Run one line; raises :class:`Exit` for ``exit``, ExplorerError on failure."""
        line = tokenize(text)
        if line.open_quote or line.dangling_escape:
            raise UsageError("unterminated quote or escape at the end of the line")
        text, self.pipe = split_pipe(line)
        if self.pipe is not None:
            line = tokenize(text)
        words = line.values
        if not words:
            return
        name = words[0].lower()
        if name in VERBS:
            self.request(name.upper(), words[1:], line.body, typed=text.strip())
        elif name in BUILTINS:
            if line.body is not None:
                raise UsageError(f"{name} takes no JSON body")
            if self.pipe is not None:
                raise UsageError(f"| EXPR filters an answer; {name} sends no request")
            BUILTINS[name].run(self, words[1:])
        else:
            self.generated(words, line.body, typed=text.strip())

    # -- requests ----------------------------------------------------------------------

    def request(self, method: str, args: list[str], body: str | None, *, typed: str) -> None:
        from explorer.cli.flags import split_flags  # (with the engine: not for completion)

        verb = method.lower()
        flags = split_flags(args, usage=f"usage: {verb} {VERBS[verb]}")
        if flags.help:
            self.cmd_help([verb])
            return
        args = flags.rest
        if args and (_SCHEME.match(args[0]) or not is_item(args[0])):
            path, items = self.state.expand(args[0]), args[1:]
            if not _SCHEME.match(path):  # a full URL: the engine strips this server's
                path = _resolve(self.state.cwd, path)
        else:
            path, items = self.state.cwd, args
        items = expand_items(items, self.state.scope(), body=method in BODY_METHODS)
        prepared = self.context.engine.prepare_call(method, path, items, command=typed)
        self._send(prepared, body, flags=flags)

    def generated(self, words: list[str], body: str | None, *, typed: str) -> None:
        from explorer.cli.flags import split_flags

        flags = split_flags(words, usage="usage: COMMAND [ARG...] [ITEM...] [-v] [--all]")
        words = flags.rest
        if flags.help:
            self.cmd_help(words)
            return
        scope = self.state.scope()
        engine = self.context.engine
        expanded = expand_items(words, scope, body=False)
        try:
            prepared = engine.prepare_command(expanded, command=typed)
        except UsageError as exc:
            raise _verb_typo(words, exc) from None
        if prepared.spec.method in BODY_METHODS:
            # The method is known once the command is: body items keep their JSON types.
            typed_words = expand_items(words, scope, body=True)
            if typed_words != expanded:
                prepared = engine.prepare_command(typed_words, command=typed)
        self._send(prepared, body, flags=flags)

    def _send(self, prepared, body: str | None, *, flags: Flags | None = None) -> None:
        from explorer.cli.delivery import prepare
        from explorer.cli.flags import Flags
        from explorer.engine import WRITES

        spec = prepared.spec
        if body is not None:
            _merge_body(spec, self._body(body))
        # The shell's ``headers`` under the typed items (explorer.client.headers).
        spec.headers = layered(self.state.headers, spec.headers)
        flags = flags or Flags()
        problems = self.context.engine.check(prepared)  # the spec's view; sent anyway
        for problem in problems:
            self.note("warning: " + "\n".join(problem.lines()))
        if problems and flags.strict:
            count = len(problems)
            raise UsageError(f"--strict: not sent, {count} problem{'s' if count > 1 else ''} "
                             "against the spec")
        chosen = self.state.output if self.state.output in VIEW_FORMATS else None
        delivery = prepare(flags, format=chosen, filter=self.pipe, ask=self.ask)
        env = self.env_factory()
        if delivery.preview(self.context.client, prepared, out=self.out,
                            redact=self.context.redact, terminal=env.stdout_isatty):
            return
        settings = self.context.config.settings
        if prepared.destructive and self.confirm and settings.confirm_destructive:
            question = f"Really {spec.method} {spec.path}? [y/N] "
            if not self.ask(question):
                self.say("not sent")
                return
        delivery.before_send(spec)
        if flags.all:
            from explorer.client.paging import PAGED_METHODS

            if spec.method not in PAGED_METHODS:
                raise UsageError(
                    f"--all follows the pages of a list; it cannot be used with {spec.method}"
                )
        self.outcome = Outcome()
        response = None
        try:
            if flags.all:
                from explorer.cli.call import fetch_all

                response = fetch_all(self.context, prepared)
            else:
                response = self.context.engine.send(prepared)
            if delivery.save(response, url=response.url, stderr=self.err):
                self.outcome = Outcome(status=response.status)
                return
            view, kept = _keep(response)
            from explorer.render import render_response

            verbose = flags.verbose or bool(getattr(self.context.options, "verbose", False))
            if not delivery.view(view, env, verbose=verbose, spec=spec,
                                 base_url=self.context.base_url):
                render_response(
                    delivery.view_fallback or view,
                    env,
                    verbose=verbose,
                    spec=spec,
                    base_url=self.context.base_url,
                    table=self.table_view,
                )
        except KeyboardInterrupt:
            # The connection may be half-read: drop it (and the pool) and start afresh.
            if response is not None:
                response.close()
            self.context.client.close()
            self.outcome = Outcome(cancelled=True)
            print("\nrequest cancelled", file=self.err, flush=True)
            return
        finally:
            if response is not None:
                response.close()
        self.outcome = Outcome(status=response.status)
        self._remember(prepared, response, kept)
        if prepared.entry is None and spec.method in WRITES and 200 <= response.status < 300:
            self.on_unknown_write()

    def _body(self, text: str) -> Any:
        expanded = self.state.expand(text)
        try:
            return json.loads(expanded)
        except json.JSONDecodeError as exc:
            lines = expanded.splitlines() or [""]
            row = lines[min(exc.lineno, len(lines)) - 1]
            raise ItemError(
                f"the JSON body is not valid JSON: {exc.msg} (line {exc.lineno})",
                text=row,
                position=min(exc.colno - 1, len(row)),
            ) from exc

    def _remember(self, prepared, response, kept: bytes | None) -> None:
        data: Any = None
        if kept is not None and kept and response.is_json:
            try:
                data = json.loads(kept)
            except ValueError:
                data = None
        self.state.last = data
        spec = prepared.spec
        entry = prepared.entry
        # A create: the registry says the route is one (a POST to a collection), whatever
        # its command is called; on a path it does not know, 201 Created says so.
        if entry is not None:
            created = spec.method == "POST" and entry.action == "create"
        else:
            created = spec.method == "POST" and response.status == 201
        self.learned.learn_exchange(
            method=spec.method,
            path=spec.path,
            route=entry.route.path if entry is not None else None,
            query=spec.query,
            request_body=spec.json,
            status=response.status,
            body=data,
            created=created,
        )
        if entry is not None and entry.route.operation is not None and (
            200 <= response.status < 300
        ):
            self._remember_typed_values(entry, spec.path)

    def _remember_typed_values(self, entry, path: str) -> None:
        """The path parameters a spec route answered for (``octocat``, ``hello`` of
        ``/repos/octocat/hello``) become values Tab offers at those segments: an API
        whose keys are names has no list of them to learn ids from."""
        pattern = entry.pattern
        if not pattern.is_plain:
            return
        typed = path.split("?", 1)[0].strip("/").split("/")
        segments = list(pattern.segments)
        if len(segments) != len(typed):
            return
        for index, segment in enumerate(segments):
            if type(segment) is Param:
                collection = "/" + "/".join(typed[:index])
                self.learned.learn_ids(collection, [{"id": unquote(typed[index])}])
            elif type(segment) is not Literal:
                return

    @property
    def table_view(self) -> bool:
        """Lists as tables: ``output table|json``, else the config's ``table``."""
        chosen = self.state.output
        return self.context.config.settings.table if chosen is None else chosen == "table"

    # -- the shell's own commands ------------------------------------------------------

    def cmd_exit(self, args: list[str]) -> None:
        raise Exit()

    def cmd_cd(self, args: list[str]) -> None:
        if len(args) > 1:
            raise UsageError("usage: cd [PATH]")
        target = self.state.expand(args[0]) if args else "/"
        path = _resolve(self.state.cwd, target).partition("?")[0]
        if len(path) > 1:
            path = path.rstrip("/")
        registry = self.context.discovery.registry
        if registry is not None and path != "/":
            from explorer.engine import quote_path

            if not registry.children(path + "/") and not registry.match(quote_path(path)):
                raise UsageError(f"cd: no routes at or under {path} (try ls, or routes)")
        self.state.cwd = path

    def cmd_ls(self, args: list[str]) -> None:
        registry = self._registry()
        target = self.state.expand(args[0]) if args else self.state.cwd
        path = _resolve(self.state.cwd, target).partition("?")[0]
        directory = path if path.endswith("/") else path + "/"
        children = registry.children(directory)
        if not children:
            self.say(f"nothing under {directory}")
            return
        collection = directory.rstrip("/") or "/"
        known = self.learned.count(collection)
        total = self.learned.total(collection)
        if known and total is not None and total >= known:
            known_text = f"{known} of {total} ids known"
        else:
            known_text = f"{known} known ids" if known else ""
        rows = []
        for child in children:
            slash = "/" if child.has_children else ""
            described = [", ".join(child.commands)] if child.commands else []
            if child.kind == "literal":
                label = child.text + slash
            else:
                label = f":{child.name}{slash}"
                described += [known_text] if known_text else []
            methods = " ".join(sorted(child.methods))
            rows.append((label, methods, "; ".join(described)))
        width = max(len(r[0]) for r in rows) + 2
        mwidth = max(len(r[1]) for r in rows) + 2
        self._emit("\n".join(f"{a:<{width}}{b:<{mwidth}}{c}".rstrip() for a, b, c in rows))

    def cmd_routes(self, args: list[str]) -> None:
        registry = self._registry()
        needle = " ".join(args).lower()
        rows = []
        for entry in registry.entries:
            path = entry.route.path
            command = entry.name
            if needle and needle not in f"{entry.method} {path} {command}".lower():
                continue
            rows.append((entry.method, path, command))
        if not rows:
            self.say(f"no route matches {needle!r}" if needle else "no routes")
            return
        width = max(len(r[1]) for r in rows) + 2
        self._emit("\n".join(f"{m:<8}{p:<{width}}{c}".rstrip() for m, p, c in rows))

    def cmd_help(self, args: list[str]) -> None:
        if not args:
            self._emit(self._general_help())
            return
        name = args[0].lower()
        if name in BUILTINS and len(args) == 1:
            builtin = BUILTINS[name]
            self.say(f"{builtin.usage}\n  {builtin.text}")
            return
        if name in VERBS and len(args) == 1:
            self.say(f"{name} {VERBS[name]}\n{ITEMS_HELP}")
            return
        registry = self._registry()
        if name.startswith("/"):
            self._path_help(registry, _resolve(self.state.cwd, args[0]))
            return
        words = [a.lower() for a in args]
        from explorer.render.command_help import group_help, is_group

        try:
            entry, rest = registry.lookup_command(words)
        except UsageError:
            if not is_group(registry, words):
                raise
            entry, rest = None, words
        if rest and is_group(registry, words):
            self._emit(group_help(registry, words))  # ``help instruments commands``
            return
        self._emit(command_help(entry, learned=self.learned))

    def _path_help(self, registry, path: str) -> None:
        from explorer.engine import quote_path

        matches = registry.match(quote_path(path))
        if not matches:
            raise UsageError(f"no route matches {path}")
        self._emit(
            "\n\n".join(command_help(entry, learned=self.learned) for entry, _ in matches)
        )

    def _general_help(self) -> str:
        registry = self.context.discovery.registry
        lines = ["requests:"]
        lines += [f"  {verb:<8} {text}" for verb, text in VERBS.items()]
        lines += ["", "shell commands:"]
        lines += [f"  {b.usage:<34} {b.text}" for b in BUILTINS.values()]
        count = len(registry) if registry is not None else 0
        lines += [
            "",
            f"generated commands: {count} from the server's routes "
            "(e.g. instruments list); `routes` lists them, `help COMMAND` shows one",
            "",
            ITEMS_HELP,
            "",
            "values from answers: {{last.id}}, {{last.data.0.id}}; set pid={{last.id}}, then "
            "{{pid}}",
            "  in a body, name={{pid}} sends a number, boolean, null, object or list as that "
            "JSON value",
            "  (name={{pid}}-x is a string; name:='\"{{pid}}\"' makes one of a number)",
            "keys: Tab completes, Ctrl-R searches history, Ctrl-X Ctrl-E opens $EDITOR, "
            "Alt-Enter adds a line, Ctrl-C cancels, Ctrl-D exits",
        ]
        return "\n".join(lines)

    def cmd_refresh(self, args: list[str]) -> None:
        discovery = self.context.discovery
        change = discovery.refresh()
        self.on_routes_changed()
        count = len(discovery.registry) if discovery.registry is not None else 0
        if change:
            self.say("\n".join(change.lines()))
            self.say(f"{len(change.added)} added, {len(change.removed)} removed; {count} commands")
        else:
            self.say(f"routes unchanged ({count} commands)")

    def cmd_output(self, args: list[str]) -> None:
        if len(args) > 1 or (args and args[0].lower() not in OUTPUT_MODES):
            raise UsageError(f"usage: output [{'|'.join(OUTPUT_MODES)}]")
        if args:
            self.state.output = args[0].lower()
        if self.state.output in VIEW_FORMATS:
            self.say(f"answers shown as {self.state.output}")
            return
        mode = "table" if self.table_view else "json"
        origin = "" if self.state.output is not None else " (the config's table setting)"
        self.say(f"lists shown as {mode}{origin}")

    def cmd_pager(self, args: list[str]) -> None:
        if len(args) > 1 or (args and args[0].lower() not in PAGER_MODES):
            raise UsageError("usage: pager [on|off]")
        if args:
            self.state.pager = args[0].lower() == "on"
        pager = self.env_factory().pager
        if pager:
            self.say(f"long output is paged through {pager}")
        elif self.state.pager:
            self.say("pager on, but no pager to run (set PAGER, or install less)")
        else:
            self.say("pager off: output is never paged")

    def cmd_set(self, args: list[str]) -> None:
        if not args:
            self.cmd_vars([])
            return
        for arg in args:
            name, eq, raw = arg.partition("=")
            if not eq or not NAME.match(name):
                raise UsageError(f"set: expected NAME=VALUE, not {arg!r}")
            if name == "last":
                raise UsageError("set: 'last' is the last answer; choose another name")
            whole = TEMPLATE.fullmatch(raw)
            value = lookup(self.state.scope(), whole.group(1)) if whole else self.state.expand(raw)
            self.state.variables = {**self.state.variables, name: value}
            self.say(f"{name} = {_short(value)}")

    def cmd_unset(self, args: list[str]) -> None:
        if not args:
            raise UsageError("usage: unset NAME")
        variables = dict(self.state.variables)
        for name in args:
            if name not in variables:  # a variable may hold null
                raise UsageError(f"unset: no variable {name!r}")
            del variables[name]
        self.state.variables = variables

    def cmd_vars(self, args: list[str]) -> None:
        lines = [f"{name} = {_short(value)}" for name, value in self.state.variables.items()]
        if self.state.has_last:
            lines.append(f"last = {_short(self.state.last)}")
        self.say("\n".join(lines) if lines else "no variables (set NAME=VALUE)")

    def cmd_headers(self, args: list[str]) -> None:
        if not args:
            self._show_headers()
            return
        from explorer.items import Kind, parse_item

        headers = dict(self.state.headers)
        for arg in args:
            item = parse_item(self.state.expand(arg))
            if item.kind not in (Kind.HEADER, Kind.EMPTY_HEADER):
                raise UsageError(f"headers: expected Name:value, not {arg!r}")
            for existing in [k for k in headers if k.lower() == item.key.lower()]:
                del headers[existing]
            if item.kind is Kind.EMPTY_HEADER or item.value:
                headers[item.key] = item.value
        self.state.headers = headers
        self._show_headers()

    def _show_headers(self) -> None:
        from explorer.render import redact_headers

        client = self.context.client
        auth = client.auth.headers() if client.auth is not None else None
        merged = present(layered(client.headers, auth, self.state.headers))
        if not merged:
            self.say("no default headers (headers Name:value)")
            return
        self.say("\n".join(f"{k}: {v}" for k, v in redact_headers(merged)))

    def cmd_history(self, args: list[str]) -> None:
        try:
            count = int(args[0]) if args else 20
        except ValueError:
            count = 0
        if count < 1 or len(args) > 1:
            raise UsageError(f"history N: N is a number of 1 or more, not {' '.join(args)!r}")
        every = list(self.history())
        lines = every[-count:]
        start = len(every) - len(lines) + 1
        self.say("\n".join(f"{i:>4}  {line}" for i, line in enumerate(lines, start)))

    def cmd_record(self, args: list[str]) -> None:
        engine = self.context.engine
        if not args:
            current = getattr(engine.recorder, "path", None)
            self.say(f"recording to {current}" if current else "not recording")
            return
        action = args[0].lower()
        if action == "start":
            if len(args) != 2:
                raise UsageError("usage: record start NAME")
            if engine.recorder is not None:
                where = getattr(engine.recorder, "path", "a session")
                raise UsageError(f"already recording to {where}; record stop first")
            recorder = self.context.open_recorder(args[1])
            self.context.set_recorder(recorder)
            self.recording = recorder
            self.say(f"recording to {recorder.path}")
        elif action == "stop":
            if engine.recorder is None:
                raise UsageError("not recording")
            recorder = self.context.set_recorder(None)
            recorder.close()
            self.recording = None
            self.say(f"recorded {recorder.path}")
        else:
            raise UsageError("usage: record start NAME | record stop")

    def cmd_login(self, args: list[str]) -> None:
        from explorer.cli.login import LOGIN_PATH, log_in_and_save

        registry = self._registry()
        if registry.resolve("POST", LOGIN_PATH).entry is None:
            raise UsageError(
                f"login: these routes have no login (POST {LOGIN_PATH}); connect to a "
                "Labstep profile, or give routes that have one (connect URL --routes labstep)"
            )
        username = _login_username(args)
        username = username or self.context.profile.username
        if not username:
            username = (self.read_line("username: ") or "").strip()
            if not username:
                raise UsageError("login needs a username (login NAME)")
        password = self.read_secret(f"password for {username}: ")
        if password is None:
            raise UsageError(
                "login needs a password: type it at a terminal, or set EXPLORER_PASSWORD"
            )
        key = log_in_and_save(self.context, username, password, say=self.say)
        from explorer.auth import api_key

        scheme = api_key(key)
        self.context.use_auth(scheme)  # used at once, by every later line
        self.note(f"every request now carries {_auth_text(scheme)}")

    def read_line(self, prompt: str) -> str | None:
        """A line typed at the terminal (None without one)."""
        if not sys.stdin.isatty():
            return None
        try:
            return input(prompt)
        except EOFError:
            return None

    def cmd_connect(self, args: list[str]) -> None:
        if not args:
            self.say(self._connection())
            return
        target, options = _connect_args(args)
        if _SCHEME.match(target):
            new = self.context.connect(url=target, **options)
        else:
            if options.get("routes") or options.get("spec"):
                raise UsageError("connect PROFILE takes the profile's routes; --routes and "
                                 "--spec go with connect URL")
            new = self.context.connect(profile=target, credentials=options.get("credentials"))
        try:
            new.load_routes()  # an unreachable server leaves the shell where it was
        except BaseException:
            new.close()
            raise
        old = self.context
        recorder = old.active_recorder

        if not same_origin(old.base_url, new.base_url):
            self.state.headers = {}  # the shell's headers may hold a credential
        self.state.cwd = "/"
        old.unsubscribe_routes(self.routes_changed)
        new.subscribe_routes(self.routes_changed)
        self.context = new
        if recorder is not None:
            self._follow_recording(old, new, recorder)
        if old is not new:
            old.close()
        self.on_connect(old, new)
        self.say(f"connected to {self._connection()}")

    def _connection(self) -> str:
        """``http://h:1 (profile demo-labstep): 11 commands from --routes labstep; no
        credentials yet (login gets a key)``."""
        from explorer.cli.login import LOGIN_PATH

        context = self.context
        registry = context.discovery.registry
        count = len(registry) if registry is not None else 0
        profile = context.profile
        source = (
            f"--routes {profile.routes}" if profile.routes
            else f"--spec {profile.spec}" if profile.spec
            else "/discover"
        )
        auth = context.client.auth
        if auth is not None:
            sent = f"sending {_auth_text(auth)}"
        elif registry is not None and registry.resolve("POST", LOGIN_PATH).entry is not None:
            sent = "no credentials yet (login gets a key)"
        else:
            sent = "no credentials"
        named = f" (profile {profile.name})" if profile.name != "default" else ""
        return f"{display_url(context.base_url)}{named}: {count} commands from {source}; {sent}"

    def _follow_recording(self, old, new, recorder) -> None:
        """The recording goes on, in a session of the new server beside the first one
        (a session holds one server): ``tour.jsonl`` -> ``tour-demo-labstep.jsonl``,
        and back to ``tour.jsonl`` (appended to) on the first server again."""
        path = Path(recorder.path)
        recorder.close()
        if self._recording_origin is None or self._recording_origin[2] is not recorder:
            self._recording_origin = (path, _connection_label(old), None)
        first, first_label, _ = self._recording_origin
        label = _connection_label(new)
        following = first
        if label != first_label:
            following = first.with_name(f"{first.name.removesuffix('.jsonl')}-{label}.jsonl")
        opened = new.open_recorder(str(following))
        new.set_recorder(opened)
        self.recording = opened
        self._recording_origin = (first, first_label, opened)
        self.note(f"recorded {path}; now recording to {following}")

    def close(self) -> None:
        if self.recording is not None:
            self.recording.close()
            if self.context.active_recorder is self.recording:
                self.context.set_recorder(None)
            self.recording = None

    # -- helpers -----------------------------------------------------------------------

    def _registry(self):
        registry = self.context.discovery.registry
        if registry is None:
            raise UsageError("no routes were discovered (try refresh)")
        return registry

    def _emit(self, text: str) -> None:
        from explorer.render.pager import emit

        emit(text + "\n", self.env_factory())

    def _system_env(self):
        no_pager = None if self.state.pager is None else not self.state.pager
        return self.context.output_env(stdout=self._out, stderr=self._err, no_pager=no_pager)


class Builtin(Frozen):
    """One of the shell's own commands: its usage and description (for ``help``, the
    completion and the highlighter) and what it does."""

    __slots__ = ("run", "text", "usage")
    _fields = ("usage", "text", "run")

    def __init__(self, usage: str, text: str, run: Callable[[Shell, list[str]], None]) -> None:
        setfield(self, "usage", usage)
        setfield(self, "text", text)
        setfield(self, "run", run)


#: the shell's own commands, in the order ``help`` lists them: the one table for help,
#: completion and dispatch (a new command is a method and a row here)
BUILTINS: dict[str, Builtin] = {
    "cd": Builtin("cd [PATH]", "move to PATH in the route tree (relative paths then work)",
                  Shell.cmd_cd),
    "ls": Builtin("ls [PATH]", "what follows the current path", Shell.cmd_ls),
    "routes": Builtin("routes [FILTER]", "list the discovered routes and command names",
                      Shell.cmd_routes),
    "help": Builtin("help [COMMAND | GROUP]",
                    "this help, a command's route and fields, or a group's", Shell.cmd_help),
    "refresh": Builtin("refresh", "fetch the routes again and show what changed",
                       Shell.cmd_refresh),
    "set": Builtin("set NAME=VALUE", "set a variable, used as {{NAME}} in any later line",
                   Shell.cmd_set),
    "unset": Builtin("unset NAME", "forget a variable", Shell.cmd_unset),
    "vars": Builtin("vars", "list the variables (and what {{last...}} holds)", Shell.cmd_vars),
    "headers": Builtin("headers [Name:value | Name:]", "show, set or remove default headers",
                       Shell.cmd_headers),
    "history": Builtin("history [N]", "the last N lines typed", Shell.cmd_history),
    "output": Builtin("output [table | json | csv | tsv | yaml]",
                      "show lists as tables or JSON, or every answer as csv, tsv or yaml",
                      Shell.cmd_output),
    "record": Builtin("record start NAME | record stop", "record exchanges to sessions/NAME.jsonl",
                      Shell.cmd_record),
    "pager": Builtin("pager [on | off]", "page long output (less, or $PAGER) or never",
                     Shell.cmd_pager),
    "connect": Builtin("connect PROFILE | URL [--routes F]",
                       "switch server and profile (psql's \\c)", Shell.cmd_connect),
    "login": Builtin("login [NAME]", "Labstep's login: the key it gives is used at once",
                     Shell.cmd_login),
    "exit": Builtin("exit", "leave the shell (Ctrl-D too)", Shell.cmd_exit),
    "quit": Builtin("quit", "leave the shell", Shell.cmd_exit),
}


ITEMS_HELP = """request items (after the path):
  name==value  query parameter       name=value  JSON string (query for GET/DELETE)
  name:=json   raw JSON value        Header:value  request header
  field@file   file upload           name>v name<v name>=v name<=v name!=v  filters
  a trailing {...} or [...] is a raw JSON body (it may span lines)
flags, anywhere on the line (-- ends them): -v headers too, --all every page, --help,
  --format json|table|csv|tsv|yaml, --filter EXPR, -o FILE [--continue] [--force],
  --download, --offline, --curl [--show-secrets]
| EXPR after a request filters its answer with JMESPath: get /x | data[].name"""


def command_help(entry, *, learned: LearnedStore | None = None) -> str:
    """A generated command's help (:mod:`explorer.render.command_help`), with the
    fields ``learned`` saw in answers (GET) or in bodies sent before."""
    from explorer.render.command_help import command_help as render_help

    seen: Sequence[str] = ()
    title = ""
    if learned is not None:
        if entry.method == "GET":
            seen, title = learned.fields(entry.route.path), "fields seen in answers:"
        else:
            seen = learned.body_fields(f"{entry.method} {entry.route.path}")
            title = "body fields sent before:"
    return render_help(entry, seen=seen, seen_title=title)


def change_note(change, registry, *, shown: int = 4) -> str:
    """One line for a change of the routes: ``routes: +2 (labware list, labware get, …)``
    with the new commands by name, and the routes removed by pattern."""
    parts = []
    if change.added:
        added = {(r.method, r.path) for r in change.added}
        names = [
            e.name
            for e in (registry.entries if registry is not None else ())
            if (e.route.method, e.route.path) in added
        ]
        parts.append(f"+{len(change.added)}" + _listed(names, shown))
    if change.removed:
        gone = [f"{r.method} {r.path}" for r in change.removed]
        parts.append(f"-{len(change.removed)}" + _listed(gone, shown))
    return "routes: " + ", ".join(parts) if parts else "routes unchanged"


def _listed(names: list[str], shown: int) -> str:
    if not names:
        return ""
    more = ", …" if len(names) > shown else ""
    return f" ({', '.join(names[:shown])}{more})"


_CONNECT_USAGE = (
    "usage: connect PROFILE | connect URL [--routes FILE | --spec FILE] "
    "[--token-file FILE | --token T | --api-key K]"
)
_CONNECT_OPTIONS = {"--routes": "routes", "--spec": "spec"}
_CONNECT_CREDENTIALS = {"--token": "token", "--token-file": "token_file", "--api-key": "api_key"}


def _connect_args(args: list[str]) -> tuple[str, dict[str, Any]]:
    """``connect``'s words: the target, and ``routes``/``spec``/``credentials``."""
    target = None
    options: dict[str, Any] = {}
    credentials: dict[str, str] = {}
    it = iter(args)
    for arg in it:
        name, eq, value = arg.partition("=")
        if name in _CONNECT_OPTIONS or name in _CONNECT_CREDENTIALS:
            if not eq:
                value = next(it, "")
            if not value:
                raise UsageError(f"{name} needs a value ({_CONNECT_USAGE})")
            if name in _CONNECT_OPTIONS:
                options[_CONNECT_OPTIONS[name]] = value
            else:
                credentials[_CONNECT_CREDENTIALS[name]] = value
        elif arg.startswith("-") or target is not None:
            raise UsageError(f"unexpected {arg!r} ({_CONNECT_USAGE})")
        else:
            target = arg
    if target is None:
        raise UsageError(_CONNECT_USAGE)
    if "routes" in options and "spec" in options:
        raise UsageError(f"give --routes or --spec, not both ({_CONNECT_USAGE})")
    if credentials:
        options["credentials"] = credentials
    return target, options


def _connection_label(context) -> str:
    """A file-name word for a context's server: its profile, else its host and port."""
    label = context.profile.name if context.profile.name != "default" else context.base_url
    return re.sub(r"[^A-Za-z0-9.-]+", "_", label.split("://")[-1]).strip("_.") or "server"


def _auth_text(scheme) -> str:
    """``the api key (apikey)``: what a credential sends, never its secret."""
    names = ", ".join(scheme.headers()) or "the query"
    return f"the {scheme.what} ({names})"


def _login_username(args: list[str]) -> str | None:
    if not args:
        return None
    if args[0] == "--username" and len(args) == 2:
        return args[1]
    if args[0].startswith("--username=") and len(args) == 1:
        return args[0].split("=", 1)[1]
    if len(args) == 1 and not args[0].startswith("-"):
        return args[0]
    raise UsageError("usage: login [NAME | --username NAME]")


def _read_secret(prompt: str) -> str | None:
    """A password without echo at a terminal; else ``EXPLORER_PASSWORD`` (None: neither)."""
    import os

    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            return None
    return os.environ.get("EXPLORER_PASSWORD")


def _verb_typo(words: list[str], error: UsageError) -> UsageError:
    """``gett /x``: the unknown command's error, naming the verb or shell command meant."""
    if not words:
        return error
    import difflib

    typed = words[0].lower()
    close = difflib.get_close_matches(typed, [*VERBS, *BUILTINS], n=1, cutoff=0.75)
    if not close:
        return error
    meant = close[0]
    usage = f"{meant} {VERBS[meant]}" if meant in VERBS else BUILTINS[meant].usage
    return UsageError(f"unknown command {words[0]!r}; did you mean {meant}? ({usage})")


def _merge_body(spec, body: Any) -> None:
    if spec.files or spec.form:
        raise UsageError("a JSON body cannot be combined with file uploads")
    if spec.json is NO_BODY:
        spec.json = body
    elif isinstance(spec.json, dict) and isinstance(body, dict):
        spec.json = {**body, **spec.json}
    else:
        raise UsageError("the JSON body and the field items cannot be merged (not both objects)")


def split_pipe(line) -> tuple[str, str | None]:
    """``get /x | data[].name``: the line before the first ``|`` word (unquoted, outside
    a JSON body) and the JMESPath expression after it, as typed; ``(text, None)``
    when there is none."""
    for word in line.words:
        if line.text[word.start:word.end] == "|":
            expression = line.text[word.end:].strip()
            if not expression:
                raise UsageError("| needs a JMESPath expression after it: | data[].name")
            return line.text[: word.start], expression
    return line.text, None


def _keep(response) -> tuple[Any, bytes | None]:
    """The response to render, and its body when it is small enough to keep."""
    chunks: list[bytes] = []
    size = 0
    stream = response.iter_bytes()
    for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > KEEP_LIMIT:
            view = response.with_body(itertools.chain(chunks, stream), close=response.close)
            return view, None
    content = b"".join(chunks)
    return response.with_body(content), content


def _short(value: Any) -> str:
    """A value as ``set`` and ``vars`` echo it: one line, at most 200 characters, its
    control characters escaped (it may come from an answer)."""
    text = one_line(as_text(value))
    return text if len(text) <= 200 else text[:199] + "…"


def _ask_stdin(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")

