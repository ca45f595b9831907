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
