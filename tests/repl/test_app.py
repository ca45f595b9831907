"""explorer.repl.app: the prompt loop's own bookkeeping (no terminal needed)."""

from __future__ import annotations

import io

from explorer.cli.context import Context
from explorer.cli.main import global_parser
from explorer.repl.app import ShellApp
from explorer.repl.learned import LearnedStore


def test_background_fetches_do_not_write_the_store_each_time(home, tmp_path):
    options = global_parser().parse_args(["--url=http://127.0.0.1:9", "--no-pager"])
    context = Context(options, stderr=io.StringIO())
    try:
        app = ShellApp(context, interactive=False)
        saves = []

        class Counting(LearnedStore):
            def save(self) -> bool:
                saves.append(1)
                return super().save()

        app.learned = Counting(tmp_path / "learned.json")
        for n in range(5):
            app.learned.learn_ids(f"/c{n}", [{"id": "a"}])
            app._fetched(f"/c{n}")  # a prefetch finished (no prompt is up)
        assert len(saves) <= 1  # at most one write per SAVE_EVERY seconds
        app.close()  # closing writes what is left
        assert LearnedStore(tmp_path / "learned.json").count("/c4") == 1
    finally:
        context.close()


def test_prompt_and_toolbar_never_show_a_url_password(home):
    options = global_parser().parse_args(
        ["--url=http://ada:s3cretpw@127.0.0.1:9/api", "--no-pager"]
    )
    context = Context(options, stderr=io.StringIO())
    try:
        app = ShellApp(context, interactive=False)
        assert app._message() == "127.0.0.1:9/api/> "
        toolbar = "".join(text for _style, text in app._toolbar())
        assert "127.0.0.1:9" in toolbar
        assert "s3cretpw" not in toolbar and "ada" not in toolbar
    finally:
        context.close()


def _app(sandbox, *extra: str) -> ShellApp:
    options = global_parser().parse_args([f"--url={sandbox.url}", "--no-pager", *extra])
    return ShellApp(Context(options, stderr=io.StringIO()), interactive=False)


def _completions(app: ShellApp, line: str) -> list[str]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    event = CompleteEvent(completion_requested=True)
    return [c.text for c in app.current_completer().get_completions(Document(line), event)]


def test_a_revalidation_swaps_new_routes_into_the_completion(home, sandbox, capsys):
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app.setup()
        assert _completions(app, "get /public/v1/lab") == []
        sandbox.enable_family("labware")
        app.revalidate()
        assert _completions(app, "get /public/v1/lab") == ["labware"]
        assert "list" in _completions(app, "labware ")
        assert "routes: +" in capsys.readouterr().err
    finally:
        app.close()
        app.context.close()


def test_routes_are_revalidated_while_the_shell_stays_open(home, sandbox):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text("[settings]\ndiscovery_ttl = 1\n")
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app.setup()
        app.watch_routes()  # the prompt loop starts it; no terminal here
        watcher = app.watcher
        checks = watcher.checks
        sandbox.enable_family("labware")
        for _ in range(20):  # the checks that end, one by one (each waits on the event)
            if "labware" in _completions(app, "get /public/v1/lab"):
                break
            assert watcher.wait_for_check(checks, timeout=60), "no check ended"
            checks += 1
        assert "labware" in _completions(app, "get /public/v1/lab"), "never joined"
        sandbox.disable_family("labware")
        for _ in range(20):
            if not _completions(app, "get /public/v1/lab"):
                break
            assert watcher.wait_for_check(checks, timeout=60), "no check ended"
            checks += 1
        assert _completions(app, "get /public/v1/lab") == [], "the removed routes stayed"
    finally:
        app.close()
        app.context.close()


def test_prefetches_use_the_shells_headers_after_a_login(home, sandbox):
    app = _app(sandbox, "--routes=labstep")  # no credentials at all
    try:
        shell = app.shell
        app.prefetcher("/api/generic/protocol")
        assert app.prefetcher.wait(10)
        assert app.learned.count("/api/generic/protocol") == 0  # 401: no key yet
        shell.execute(f"user login username={sandbox.username} password={sandbox.password}")
        shell.execute("headers apikey:{{last.api_key}}")
        assert app._request_headers() == {"apikey": sandbox.api_key}
        app.prefetcher("/api/generic/protocol")  # at once: the headers changed
        assert app.prefetcher.wait(10)
        assert app.learned.count("/api/generic/protocol") > 0
    finally:
        app.close()
        app.context.close()


def test_a_background_failure_reaches_the_contexts_warnings(home, sandbox, monkeypatch):
    from explorer.repl.background import Prefetcher

    def broken(self, collection, *, full=False):
        raise RuntimeError("prefetch bug")

    monkeypatch.setattr(Prefetcher, "fetch", broken)
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app.setup()
        app.prefetcher("/public/v1/instruments")
        assert app.prefetcher.wait(10)
        assert any("prefetch bug" in w for w in app.context.warnings)
    finally:
        app.close()
        app.context.close()


def test_completion_answers_once_the_routes_are_in_before_the_rest_of_set_up(
    home, sandbox, monkeypatch
):
    import threading

    from explorer.repl import app as app_module
    from explorer.repl import commands

    app = _app(sandbox, f"--token={sandbox.token}")
    app._waiting = app_module._waiting_completer(app)  # the prompt's, before set-up
    toolbar = "".join(text for _style, text in app._toolbar())
    assert "routes loading" in toolbar
    waiting = app.current_completer()
    release = threading.Event()
    real = commands.Shell.__init__

    def held(self, *args, **kwargs):  # the rest of set-up waits until the test says
        release.wait(30)
        real(self, *args, **kwargs)

    monkeypatch.setattr(commands.Shell, "__init__", held)
    answered: list[str] = []
    asked = threading.Thread(target=lambda: answered.extend(_from(waiting, "get /public/v1/instr")))
    asked.start()
    setup = threading.Thread(target=app.setup)
    setup.start()
    try:
        asked.join(30)
        assert answered == ["instruments"]
        assert app._shell is None  # the rest of set-up has not finished
        assert "routes loading" not in "".join(text for _style, text in app._toolbar())
    finally:
        release.set()
        setup.join(30)
        app.close()
        app.context.close()


def _from(completer, line: str) -> list[str]:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    event = CompleteEvent(completion_requested=True)
    return [c.text for c in completer.get_completions(Document(line), event)]


def test_a_line_typed_while_the_routes_load_is_highlighted_once_set_up_ends(home, sandbox):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.document import Document
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        app = _app(sandbox, f"--token={sandbox.token}")
        app.interactive = True
        try:
            app.session = app._make_session()
            lexer = app.session.app.layout.current_control.lexer  # the prompt line's
            before = lexer.invalidation_hash()  # the prompt caches the line's lexing by it
            line = Document("get /public/v1/instruments")
            assert {style for style, _ in lexer.lex_document(line)(0)} == {""}
            app.setup()
            assert lexer.invalidation_hash() != before  # so the line is lexed again
            styles = {style for style, _ in lexer.lex_document(line)(0)}
            assert "class:pygments.keyword" in styles
        finally:
            app.close()
            app.context.close()


def test_the_rest_of_set_up_waits_for_a_quiet_screen_or_a_line(home, sandbox, monkeypatch):
    import threading

    from explorer.repl import app as app_module

    monkeypatch.setattr(app_module, "QUIET", 60.0)  # the screen stays busy for the test
    monkeypatch.setattr(app_module, "REST_WAIT", 120.0)
    app = _app(sandbox, f"--token={sandbox.token}")
    app._waiting = app_module._waiting_completer(app)  # the prompt's, before set-up
    waiting = app.current_completer()
    answered: list[str] = []
    asked = threading.Thread(
        target=lambda: answered.extend(_from(waiting, "get /public/v1/instr"))
    )
    asked.start()
    try:
        app._warm_up()  # the thread the first prompt starts
        asked.join(30)
        assert answered == ["instruments"]
        assert app._waited.is_set()
        app._after_render()  # the answer is drawn; the screen is not quiet yet
        assert app._shell is None  # the rest of set-up waits
        threads = [t for t in threading.enumerate() if t.name == "explorer-warm-up"]
        app.setup()  # a line entered does it at once
        assert app._ready.is_set() and app._shell is not None
        for thread in threads:
            thread.join(30)  # and the waiting thread ends
            assert not thread.is_alive()
    finally:
        app.close()
        app.context.close()


def test_the_rest_of_set_up_goes_on_once_the_screen_is_quiet(home, sandbox, monkeypatch):
    from explorer.repl import app as app_module

    monkeypatch.setattr(app_module, "QUIET", 0.0)  # no redraw comes
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app._warm_up()
        assert app._ready.wait(30)
        assert app._shell is not None
    finally:
        app.close()
        app.context.close()


def test_cached_routes_are_in_place_before_the_first_prompt(home, sandbox):
    first = _app(sandbox, f"--token={sandbox.token}")
    try:
        first.setup()  # fetched: the cache is written
    finally:
        first.close()
        first.context.close()
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app._setup_cached_routes()  # what the loop does before it draws the prompt
        assert app._completing.is_set()
        assert app.context.discovery.state == "cached"
        assert "client" not in app.context.__dict__  # nothing sent, no HTTP stack built
        assert _completions(app, "get /public/v1/instr") == ["instruments"]
        assert app._shell is None  # the rest comes behind the prompt
    finally:
        app.close()
        app.context.close()


def test_without_a_cache_the_routes_load_behind_the_prompt(home, sandbox):
    app = _app(sandbox, f"--token={sandbox.token}")
    try:
        app._setup_cached_routes()
        assert not app._completing.is_set()  # nothing cached: nothing loaded, nothing sent
        assert app.context.discovery.state == "not loaded"
        assert "client" not in app.context.__dict__
        app.setup()  # the warm-up thread's part: fetched
        assert app.context.discovery.state == "fetched"
        assert _completions(app, "get /public/v1/instr") == ["instruments"]
    finally:
        app.close()
        app.context.close()
