"""The prompt loop: one ``PromptSession``, thin, pgcli-style.

The shell is three parts, each with one job: this prompt loop (:class:`ShellApp`), the
route watcher (:mod:`.watcher`: refetch on a miss, the check after an unknown write,
the periodic check) and the script runner (:mod:`.script`: a file of shell lines, no
prompt).  What each line does is :mod:`.commands`; what each key does, :mod:`.keys`.

* Routes the discovery cache answers alone (a stat and its small index: no request,
  no parse) are loaded before the first prompt, so they complete as it appears.
  Otherwise the prompt comes first: right after it is drawn, a warm-up thread loads
  the routes (fetched, or parsed again from a changed file) and builds the completer,
  while the toolbar says ``routes loading``; a completion typed meanwhile is answered as
  soon as the completer is in.  The rest of set-up (the commands, the highlighter, the
  watcher) follows once the screen has been quiet for a moment, so keys typed ahead are
  answered first; a line entered before that does it at once.  When the routes change
  (a check of the watcher, ``refresh``, or the engine's refetch of an unknown path) one
  line says what was added and removed, a new completer is built and swapped in under
  a lock (``DynamicCompleter(lambda: current)``), and the prompt is redrawn.
  Completions the routes in memory answer are made in the event loop; those that may
  wait for ids being fetched, in a thread.
* Ids are prefetched with the headers a typed request would carry now: the
  profile's, the auth's and the shell's ``headers``.
* Ctrl-C at the prompt clears the line; Ctrl-C during a request cancels it (see
  :meth:`explorer.repl.commands.Shell._send`); Ctrl-D exits with 0.  Any failure prints
  one line and the loop goes on.
* Enter runs the line when it is complete; an open quote or JSON body continues on the
  next line (Alt-Enter always adds one); Ctrl-X Ctrl-E edits the line in ``$EDITOR``.
* History in ``data_dir()/history`` (scrubbed of secrets), Ctrl-R search, suggestions
  from history, a highlighted input line and a bottom toolbar with the server, profile,
  discovery state and recording.  Warnings are shown through the context's warning
  handler (:meth:`explorer.cli.context.Context.subscribe_warnings`): those of
  background work are printed above the prompt.

Without a terminal on stdin (``explorer < script``) the lines go to the script runner.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from explorer import config as cfg
from explorer.client.headers import layered, present
from explorer.client.urls import display_netloc, display_url
from explorer.errors import EXIT_OK
from explorer.render.text import one_line, terminal_safe
from explorer.repl.state import ShellState
from explorer.repl.watcher import RouteWatcher

if TYPE_CHECKING:
    from explorer.repl.script import LineEnds

#: the learned store is written at most this often while the shell runs
SAVE_EVERY = 2.0
#: the rest of set-up (what only a line needs) starts once the screen has not been
#: redrawn for this long (seconds), or after REST_WAIT at most
QUIET = 0.05
REST_WAIT = 1.0


class ShellApp:
    def __init__(self, context, *, interactive: bool | None = None) -> None:
        self.context = context
        #: the context the shell started with (its caller closes it); ``connect``
        #: replaces :attr:`context`
        self._first = context
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.state = ShellState()
        self.session = None
        self.learned = None
        self.prefetcher = None
        self._shell = None
        self._lexer = None
        self._completer = None
        self._lock = threading.Lock()
        self._setup_lock = threading.Lock()
        self._ready = threading.Event()
        #: set once a completer over the routes is in place (before the rest of set-up)
        self._completing = threading.Event()
        self._routes_set_up = False
        #: completions asked before that (the waiting completer answered them), and
        #: when the first of them has answered (its answer redraws the prompt)
        self._asked = 0
        self._waited = threading.Event()
        #: set at every redraw (see :meth:`_wait_for_quiet`)
        self._drawn = threading.Event()
        self._waiting = None
        self._warming = False
        self._warning = ""
        self._pending: list[str] = []
        #: the prompt's text and the toolbar's command summary, as last drawn
        self._shown_message: tuple | None = None
        self._shown_summary: tuple | None = None
        self._saved_at = time.monotonic()
        #: stdout for a script (see :class:`LineEnds`); None at a terminal
        self._out: LineEnds | None = None
        #: when the routes are checked again (see :mod:`.watcher`)
        self.watcher = RouteWatcher(
            lambda: self.context,
            on_change=self._swap_completer,
            announce=self._announce,
            warn=self.warn,
            on_state=self._invalidate,
        )
        # Warnings from background threads must not scribble over the prompt.
        context.subscribe_warnings(self._show_warning)

    # -- setting up (after the first prompt is drawn) -----------------------------------

    @property
    def shell(self):
        self.setup()
        return self._shell

    def setup(self) -> None:
        """Load the routes and build everything the prompt does not need to appear."""
        self._setup_routes()
        self._setup_rest()

    def _setup_routes(self, *, cached_only: bool = False) -> bool:
        """The routes and a completer over them: what a completion needs to answer.
        ``cached_only``: only when the discovery cache answers alone (no request, no
        parse); False when it cannot."""
        with self._setup_lock:
            if self._routes_set_up:
                return True
            if not self.watcher.load(cached_only=cached_only):
                return False
            from explorer.repl.learned import LearnedStore

            self.learned = LearnedStore.for_server(cfg.cache_dir(), self.context.base_url)
            self.prefetcher = self._new_prefetcher()
            self._swap_completer(warm=False)  # the routes are usable from here on
            self._routes_set_up = True
            return True

    def _setup_cached_routes(self) -> None:
        """Before the first prompt: the routes, when the cache holds them (a stat and
        a small index, a few milliseconds), so they are usable as the prompt appears;
        else the warm-up thread loads them behind the prompt (:meth:`_warm_up`)."""
        try:
            self._setup_routes(cached_only=True)
        except Exception:  # the warm-up thread loads again and says why
            return

    def _setup_rest(self) -> None:
        """The commands, the highlighter, the watcher's checks and the completer's
        one-time indexes (after :meth:`_setup_routes`)."""
        with self._setup_lock:
            if self._shell is not None:
                return
            from explorer.repl.commands import Shell

            if self.interactive:
                from prompt_toolkit.lexers import PygmentsLexer

                from explorer.repl.highlight import ShellLexer

                self._lexer = PygmentsLexer(ShellLexer)
                if self.session is not None:
                    # The prompt's own lexer attribute: it re-lexes a line typed while
                    # the routes loaded (a lexer behind a DynamicLexer of ours kept the
                    # prompt's cache of the line, unhighlighted, until the next keystroke).
                    self.session.lexer = self._lexer
            self._shell = Shell(
                self.context,
                state=self.state,
                learned=self.learned,
                ask=self._ask,
                confirm=self.interactive,
                history=self._history_lines,
                on_routes_changed=self._routes_changed,
                on_unknown_write=self.watcher.check_soon,
                on_connect=self._connected,
                read_secret=self._read_secret,
                out=self._out,
            )
            self._ready.set()
            self._drawn.set()  # a warm-up thread waiting for a quiet screen: done
            if self.interactive:
                self.watch_routes()
            with self._lock:
                completer = self._completer
        self._invalidate()
        if completer is not None:
            _start_warming(completer)
        if self.interactive and self.session is not None:
            from explorer.repl import keys

            keys.warm(self.session.app)

    def _warm_up(self, _app=None) -> None:
        if self._warming:
            return
        self._warming = True

        def run() -> None:
            try:
                self._setup_routes()
                self._wait_for_quiet()
                self._setup_rest()
            except Exception as exc:  # a line entered later sets up again and says why
                self.warn(f"could not load the routes: {exc}")
            finally:
                collect_from_now_on()

        threading.Thread(target=run, name="explorer-warm-up", daemon=True).start()

    def revalidate(self) -> None:
        """Check the routes against the server now (:meth:`RouteWatcher.revalidate`)."""
        self.watcher.revalidate()

    def _connected(self, old, new) -> None:
        """``connect`` moved the shell to ``new``: the learned store, the prefetcher and
        the completion follow (the prompt and toolbar read :attr:`context`)."""
        from explorer.repl.learned import LearnedStore

        self._save(force=True)
        self.context = new
        self.learned = LearnedStore.for_server(cfg.cache_dir(), new.base_url)
        if self._shell is not None:
            self._shell.learned = self.learned
        previous = self.prefetcher
        self.prefetcher = self._new_prefetcher()
        if previous is not None:
            previous.close()
        self.watcher.routes_updated()
        self._swap_completer()

    def _new_prefetcher(self):
        """A prefetcher for the server of :attr:`context` now, into :attr:`learned`."""
        from explorer.repl.background import Prefetcher

        return Prefetcher(
            client_factory=self._background_client,
            registry=lambda: self.context.discovery.registry,
            learned=self.learned,
            warn=self.warn,
            on_fetched=self._fetched,
            headers=self._request_headers,
        )

    def _read_secret(self, question: str) -> str | None:
        """A password: typed without echo at the terminal, else ``EXPLORER_PASSWORD``."""
        if not self.interactive:
            return os.environ.get("EXPLORER_PASSWORD")
        from prompt_toolkit import prompt

        try:
            return prompt(question, is_password=True)
        except (EOFError, KeyboardInterrupt):
            return None

    def watch_routes(self) -> None:
        """Start the watcher's periodic check (:meth:`RouteWatcher.start`); it ends
        with :meth:`close`."""
        self.watcher.start()

    def _routes_changed(self) -> None:
        """``refresh``, or the engine's refetch, brought the routes up to date."""
        self.watcher.routes_updated()
        self._swap_completer()

    def _swap_completer(self, *, warm: bool = True) -> None:
        from explorer.repl.completer import ShellCompleter
        from explorer.repl.index import CommandIndex

        registry = self.context.discovery.registry
        completer = ShellCompleter(
            registry=registry,
            learned=self.learned,
            state=self.state,
            index=CommandIndex.from_registry(registry),
            prefetch=self.prefetcher,
            prefetch_values=self._prefetch_values,
            profiles=self._profiles,
        )
        with self._lock:
            self._completer = completer
            drawn_soon = self._asked and not self._waited.is_set()
        self._completing.set()
        if not drawn_soon:  # else the waiting completion's answer redraws the prompt
            self._invalidate()
        if warm:
            _start_warming(completer)

    def _prefetch_values(self, collection: str):
        """Fetch whole objects of ``collection``, for their values; the fetch's future."""
        if self.prefetcher is not None:
            return self.prefetcher(collection, full=True)
        return None

    def _profiles(self) -> dict[str, str]:
        """The profiles ``connect`` can switch to, with their urls."""
        profiles = self.context.config.profiles
        return {name: display_url(p.url) if p.url else "" for name, p in profiles.items()}

    def current_completer(self):
        """The completer; until set-up is done, one that waits for it (in its thread)."""
        with self._lock:
            if self._completer is None and self._waiting is not None:
                self._asked += 1
            return self._completer or self._waiting

    def _answered(self) -> None:
        """A completion asked while the routes loaded has given its answer."""
        self._waited.set()

    def _after_render(self, _app=None) -> None:
        """The screen was drawn: the rest of set-up waits for a quiet one
        (:meth:`_wait_for_quiet`)."""
        self._drawn.set()

    def _wait_for_quiet(self) -> None:
        """Until the screen has not been redrawn for :data:`QUIET` seconds (at most
        :data:`REST_WAIT`), or a line entered did the rest of set-up: keys typed ahead
        of the prompt, and their completions, are answered before the rest of set-up
        (which only a line needs) takes the interpreter."""
        deadline = time.monotonic() + REST_WAIT
        while self._shell is None and time.monotonic() < deadline:
            self._drawn.clear()
            if not self._drawn.wait(QUIET):
                return

    def _background_client(self):
        """A client of its own for prefetches (short timeout, no retries); the headers
        come with each fetch (:meth:`_request_headers`)."""
        from explorer.client.session import Client

        client = self.context.client
        return Client(
            client.base_url,
            timeout=min(client.timeout, 5.0),
            verify=client.verify,
            retries=0,
        )

    def _request_headers(self) -> dict[str, str]:
        """The headers a request typed now would carry, as the client layers them:
        the profile's, then the auth's, then the shell's ``headers`` (later ones win,
        whatever their case)."""
        client = self.context.client
        auth = client.auth.headers() if client.auth is not None else None
        return present(layered(client.headers, auth, self.state.headers))

    def _fetched(self, collection: str) -> None:
        self._save()  # at most every SAVE_EVERY seconds; close() writes the rest
        self._in_loop(self._restart_completion)

    def _restart_completion(self) -> None:
        buffer = self.session.app.current_buffer
        if buffer.text and buffer.cursor_position == len(buffer.text):
            buffer.start_completion(select_first=False)

    # -- messages ------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """A warning of the shell's own (shown by :meth:`_show_warning`)."""
        self.context.warn(message)

    def _show_warning(self, message: str) -> None:
        """How the shell shows a warning (the context's handler, see
        :meth:`Context.subscribe_warnings`): in the main thread as the current context
        prints it (its secrets masked), after a connect too; from a background thread
        above the prompt, and in the toolbar."""
        if threading.current_thread() is threading.main_thread():
            self.context.print_warning(message)
            return

        text = one_line(self.context.redact(message))  # a server's words, shown escaped
        self._warning = text
        self._announce(f"explorer: warning: {text}")

    def _announce(self, line: str) -> None:
        """Print ``line`` on stderr: above the prompt when one is up, else now (main
        thread) or before the next prompt (a background thread).  Route paths and a
        server's words in it are shown with their control characters escaped."""
        line = terminal_safe(line)
        if threading.current_thread() is threading.main_thread():
            print(line, file=sys.stderr, flush=True)
            return
        if not self._in_loop(lambda: self._print_above(line)):
            self._pending.append(line)
        self._invalidate()

    def _print_above(self, text: str) -> None:
        from prompt_toolkit.application import run_in_terminal

        run_in_terminal(lambda: print(text, file=sys.stderr, flush=True))

    def _in_loop(self, callback) -> bool:
        """Run ``callback`` in the prompt's event loop; False when no prompt is up."""
        app = self.session.app if self.session is not None else None
        if app is None or not app.is_running or app.loop is None:
            return False
        try:
            app.loop.call_soon_threadsafe(callback)
        except RuntimeError:
            return False  # the prompt ended meanwhile
        return True

    def _flush_pending(self) -> None:
        while self._pending:
            print(self._pending.pop(0), file=sys.stderr, flush=True)

    def _error(self, exc: BaseException) -> None:
        from explorer.render import format_error

        lines = format_error(exc, redact=self.context.redact)
        print("\n".join(lines), file=sys.stderr, flush=True)

    def _invalidate(self) -> None:
        if self.session is not None:
            self.session.app.invalidate()

    # -- the prompt ----------------------------------------------------------------------

    def _message(self) -> str:
        """``127.0.0.1:45511/public/v1> ``; with a profile chosen, its name first
        (``demo-labstep 127.0.0.1:45511/> ``), so two APIs on one server look apart."""
        context, cwd = self.context, self.state.cwd
        shown = self._shown_message
        if shown is not None and shown[0] is context and shown[1] == cwd:
            return shown[2]  # (asked several times a redraw)
        parts = urlsplit(context.base_url)
        where = display_netloc(context.base_url)
        name = context.profile.name
        label = f"{name} " if name != "default" else ""
        text = f"{label}{where}{parts.path.rstrip('/')}{cwd}> "
        self._shown_message = (context, cwd, text)
        return text

    def _toolbar(self):
        context = self.context
        registry = context.routes_in_hand
        if registry is not None:
            state = "refreshing" if self.watcher.refreshing else context.discovery.state
            routes = f"{state} ({len(registry)} commands)"
        elif self._shell is None:
            routes = "loading"
        else:
            routes = "none (try refresh)"
        recorder = context.active_recorder
        recording = f"recording {recorder.path}" if recorder is not None else "not recording"
        parts = [
            ("class:bottom-toolbar.key", " server "),
            ("class:bottom-toolbar", display_netloc(context.base_url)),
            ("class:bottom-toolbar.key", "  profile "),
            ("class:bottom-toolbar", context.profile.name),
            ("class:bottom-toolbar.key", "  routes "),
            ("class:bottom-toolbar", routes),
            ("class:bottom-toolbar.key", "  "),
            ("class:bottom-toolbar", recording),
        ]
        about = self._typed_command_summary()
        if about:
            parts.append(("class:bottom-toolbar", f"  {about}"))
        if self._warning:
            parts.append(("class:bottom-toolbar.warn", f"  ! {self._warning[:60]}"))
        return parts

    def _typed_command_summary(self) -> str | None:
        """The tag and summary of the generated command being typed (from the spec)."""
        registry = self.context.routes_in_hand
        if registry is None:
            return None
        from prompt_toolkit.application import get_app_or_none

        app = get_app_or_none()
        text = app.current_buffer.text if app is not None else ""
        shown = self._shown_summary
        if shown is not None and shown[0] is registry and shown[1] == text:
            return shown[2]  # (the line has not changed since the last redraw)
        summary = None
        words = text.split()
        found = registry.find_command(words) if words else None
        if found is not None:
            from explorer.render.command_help import summary_line

            summary = summary_line(found[0])
        self._shown_summary = (registry, text, summary)
        return summary

    def _history_path(self) -> str:
        from explorer.fileio import make_private, private_dirs

        path = cfg.data_dir() / "history"
        private_dirs(path.parent, root=cfg.data_dir())  # 0700
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        make_private(path)  # an older version's 0644 history
        return str(path)

    def _make_session(self):
        from prompt_toolkit.history import InMemoryHistory

        from explorer.repl import keys
        from explorer.repl.history import ScrubbedFileHistory

        if self.context.config.settings.history:
            try:
                history = ScrubbedFileHistory(
                    self._history_path(), secrets=lambda: self.context.secrets
                )
            except OSError as exc:
                self.warn(f"history not saved: {exc.strerror}")
                history = InMemoryHistory()
        else:
            history = InMemoryHistory()

        with keys.without_vi_mode():
            session = self._prompt_session(history)
        self._waiting = _waiting_completer(self)
        session.app.after_render += self._warm_up
        session.app.after_render += self._after_render
        return session

    def _prompt_session(self, history):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.completion import DynamicCompleter
        from prompt_toolkit.shortcuts import CompleteStyle
        from prompt_toolkit.styles import Style

        from explorer.repl.keys import shell_bindings
        from explorer.repl.style import STYLE

        return PromptSession(
            message=self._message,
            history=history,
            auto_suggest=AutoSuggestFromHistory(),
            completer=DynamicCompleter(self.current_completer),
            complete_while_typing=True,
            complete_style=CompleteStyle.COLUMN,
            lexer=self._lexer,
            style=Style.from_dict(STYLE),
            bottom_toolbar=self._toolbar,
            key_bindings=shell_bindings(),
            multiline=True,
            prompt_continuation=lambda width, line, wrap: "." * max(width - 1, 0) + " ",
            enable_open_in_editor=True,
            mouse_support=False,
            reserve_space_for_menu=6,
        )

    def _ask(self, question: str) -> bool:
        from prompt_toolkit import prompt

        try:
            answer = prompt(question)
        except (EOFError, KeyboardInterrupt):
            return False
        return answer.strip().lower() in ("y", "yes")

    def _history_lines(self) -> list[str]:
        """What ``history`` shows: the lines as the history file keeps them, secrets as
        ``***`` (memory keeps them as typed, for the arrow keys)."""
        if self.session is None:
            return []
        from explorer.repl.history import scrub

        secrets = self.context.secrets
        return [scrub(line, secrets) for line in self.session.history.get_strings()]

    def _save(self, *, force: bool = False) -> None:
        if self.learned is None or (not force and time.monotonic() - self._saved_at < SAVE_EVERY):
            return
        self._saved_at = time.monotonic()
        try:
            self.learned.save()
        except OSError as exc:
            self.warn(f"cannot save what was learned: {exc.strerror}")

    # -- running -------------------------------------------------------------------------

    def run(self) -> int:
        try:
            if self.interactive:
                return self._loop()
            from explorer.repl.script import LineEnds, ScriptRunner  # (not at a terminal)

            self._out = LineEnds(sys.stdout)
            try:
                self.setup()
            finally:
                collect_from_now_on()
            runner = ScriptRunner(
                lambda: self.shell,
                out=self._out,
                on_error=self._error,
                after_line=self._flush_pending,
            )
            return runner.run(sys.stdin)
        finally:
            self.close()

    def _loop(self) -> int:
        self._setup_cached_routes()
        self.session = self._make_session()
        print(
            f"explorer shell on {display_url(self.context.base_url)}: help lists the commands, "
            "Tab completes, Ctrl-D exits.",
            flush=True,
        )
        while True:
            self._flush_pending()
            try:
                text = self.session.prompt()
            except KeyboardInterrupt:
                continue
            except EOFError:
                return EXIT_OK
            if not text.strip():
                continue
            collect_from_now_on()  # (set-up did, unless a line came first)
            self._warning = ""
            try:
                from explorer.cli.argv import check_line  # (loaded by the first line)

                check_line(text)
                self.shell.execute(text)
            except KeyboardInterrupt:
                print("cancelled", file=sys.stderr, flush=True)
            except Exception as exc:  # one line, and the shell goes on
                # (the commands module is loaded by set-up, not before the first prompt)
                from explorer.repl.commands import Exit

                if isinstance(exc, Exit):
                    return EXIT_OK
                self._error(exc)
            self._save()

    def close(self) -> None:
        self.watcher.close()
        # A warm-up still running (say, fetching routes from a slow server) is not
        # waited for long: its thread is a daemon.
        if self._setup_lock.acquire(timeout=2.0):
            try:
                if self.prefetcher is not None:
                    self.prefetcher.close()
                if self._shell is not None:
                    self._shell.close()
            finally:
                self._setup_lock.release()
        self._save(force=True)
        self._flush_pending()
        for context in (self.context, self._first):
            context.unsubscribe_warnings(self._show_warning)  # printed there again
        if self.context is not self._first:
            self.context.close()  # the first one is closed by whoever opened it


def collect_from_now_on() -> None:
    """Turn the cyclic collector on once start-up is over (the shell starts without it,
    :func:`explorer.cli.main.dispatch`): what start-up made (modules, the routes, the
    completer's indexes) lives as long as the shell and holds no garbage cycles, so it
    is frozen out of every later collection first.  Start-up itself goes faster without
    collections (`routes usable` in docs/benchmarks.md)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _waiting_completer(app: ShellApp):
    """Completions asked for before set-up finished: wait for it (in a thread of their
    own), then answer."""
    from prompt_toolkit.completion import Completer, ThreadedCompleter

    class Waiting(Completer):
        def get_completions(self, document, complete_event):
            answer = []
            try:
                if app._completing.wait(30.0):
                    completer = app.current_completer()
                    if completer is not None and completer is not app._waiting:
                        answer = list(completer.get_completions(document, complete_event))
            finally:
                app._answered()  # before the prompt can draw the answer
            yield from answer

    return ThreadedCompleter(Waiting())


def _start_warming(completer) -> None:
    """Build ``completer``'s one-time indexes in a thread of their own."""
    thread = threading.Thread(target=completer.warm, name="explorer-warm-completer")
    thread.daemon = True
    thread.start()
