"""What the shell loads before its routes are usable (issue 15's "routes usable"):
routes the discovery cache holds come in before the first prompt, and naming a command
in a completion reads no spec data and builds no HTTP stack.  Checked by what
``sys.modules`` holds in a fresh interpreter (timings are the bench's, never a test's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SPEC = Path(__file__).parents[1] / "data" / "openapi" / "fastapi" / "openapi.json"

_START = """\
import io, json, sys
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from explorer.cli.context import Context
from explorer.cli.main import global_parser
from explorer.repl.app import ShellApp

context = Context(global_parser().parse_args(sys.argv[1:]), stderr=io.StringIO())
app = ShellApp(context, interactive=False)
app._setup_cached_routes()  # what the prompt loop does before it draws the prompt
event = CompleteEvent(completion_requested=True)
found = [(c.text, c.display_meta_text)
         for c in app.current_completer().get_completions(Document("list-pl"), event)]
print(json.dumps({"state": context.discovery.state, "found": found,
                  "modules": sorted(sys.modules)}))
"""


def test_cached_spec_routes_complete_a_command_without_spec_data_or_http(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env["EXPLORER_HOME"] = str(tmp_path)
    args = ["--url", "http://127.0.0.1:9", "--spec", str(SPEC), "--no-pager"]
    listed = subprocess.run([sys.executable, "-m", "explorer", *args, "routes"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr  # parsed and cached
    done = subprocess.run([sys.executable, "-c", _START, *args], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["state"] == "cached"
    assert report["found"] == [["list-plates-plates-get", "GET /plates"]]
    loaded = set(report["modules"])
    assert "explorer.spec" not in loaded  # the command's method and path: its index row
    assert not ({"requests", "urllib3", "http.cookiejar"} & loaded)  # nothing to send yet


# -- the keys' bindings, looked up ahead of the first keystroke ---------------------------


def _prompt_with_warm_keys(fail_first=False):
    """A real PromptSession on a pipe: ``keys.warm`` runs once it is drawn, and when it
    says it is done, a line is typed.  Returns (the line read, the keys the warm-up
    looked up, in order)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from explorer.repl.keys import warm

    warmed = []
    with create_pipe_input() as pipe:
        session = PromptSession(input=pipe, output=DummyOutput())
        app = session.app
        registry = app.key_processor._bindings
        real = registry.get_bindings_for_keys
        warming = True

        def spy(keys):
            if warming:
                warmed.append(keys[0])
                if fail_first:
                    raise RuntimeError("a registry that breaks")
            return real(keys)

        def done():
            nonlocal warming
            warming = False
            pipe.send_text("typed\r")

        registry.get_bindings_for_keys = spy
        app.pre_run_callables.append(lambda: warm(app, done))
        line = session.prompt("> ")
    return line, warmed


def test_warm_keys_looks_up_tab_and_the_editing_keys_before_they_are_pressed():
    from prompt_toolkit.keys import Keys

    from explorer.repl.keys import WARM_KEYS

    line, warmed = _prompt_with_warm_keys()
    assert line == "typed"
    # every name is one of prompt_toolkit's (a str is cached apart from its Keys member)
    assert warmed == [getattr(Keys, name) for name in WARM_KEYS]
    assert all(type(key) is Keys for key in warmed)  # ("c-i" == Keys.ControlI, too)
    assert Keys.ControlI in warmed and Keys.BackTab in warmed


def test_warm_keys_failing_stops_and_leaves_the_prompt_working():
    from prompt_toolkit.keys import Keys

    line, warmed = _prompt_with_warm_keys(fail_first=True)
    assert warmed == [Keys.ControlI]  # stopped at its first failure, and said done
    assert line == "typed"  # the prompt reads its line as ever
