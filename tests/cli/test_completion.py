"""``explorer completion``: the candidates (in-process, from text alone), the answer's
format for each shell, and bash in a pseudo-terminal pressing Tab against the sandbox."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from explorer.cli.completion import format_answer, split_line
from explorer.cli.completion.candidates import Answer, Candidate, Facts, complete
from explorer.registry import Registry, Route

ROUTES = [
    Route("GET", "/public/v1/instruments/:id?"),
    Route("POST", "/public/v1/instruments",
          body_schema={"type": "object", "required": ["name"],
                       "properties": {"name": {}, "slots": {}}}),
    Route("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
    Route("GET", "/public/v1/families/:id?", query_params=("sort", "limit")),
]


def facts(registry=None, seen=None) -> Facts:
    from explorer.cli.completion import system_facts

    real = system_facts()
    registry = Registry(ROUTES) if registry is None else registry

    def lookup(global_words):
        if seen is not None:
            seen.append(list(global_words))
        return registry

    real.registry = lookup
    real.profiles = lambda: ["labos", "labstep"]
    return real


def texts(answer: Answer) -> list[str]:
    return [c.text for c in answer.candidates]


def test_the_first_word_is_a_global_option_a_builtin_or_a_generated_command():
    f = facts()
    first = texts(complete([], "", f))
    assert {"call", "routes", "completion", "instruments", "families"} <= set(first)
    assert texts(complete([], "ins", f)) == ["instruments"]
    options = texts(complete([], "--to", f))
    assert options == ["--token", "--token-file"]
    # the option's value, in both spellings
    assert texts(complete(["--profile"], "lab", f)) == ["labos", "labstep"]
    assert texts(complete([], "--profile=labs", f)) == ["--profile=labstep"]
    assert complete(["--spec"], "", f).files
    # after a global option with its value, the command comes
    seen: list = []
    f = facts(seen=seen)
    assert "instruments" in texts(complete(["--url", "http://h", "--token", "T"], "", f))
    assert seen[-1] == ["--url", "http://h", "--token", "T"]


def test_generated_commands_word_by_word_then_their_items_and_flags():
    f = facts()
    assert texts(complete(["instruments"], "", f)) == ["commands", "create", "get", "list"]
    described = {c.text: c.help for c in complete(["instruments"], "", f).candidates}
    assert described["list"] == "GET /public/v1/instruments/:id?"
    assert described["commands"] == "…"
    body = complete(["instruments", "create"], "", f)
    assert texts(body) == ["name=", "slots="] and body.nospace
    assert body.candidates[0].help == "body field (required)"
    assert texts(complete(["families", "list"], "l", f)) == ["limit=="]
    # a LabOS list from /discover: its read parameters
    assert texts(complete(["instruments", "list"], "", f)) == [
        "sort==", "limit==", "skip==", "fields=="]
    assert "--all" in texts(complete(["families", "list"], "--", f))
    # a path parameter comes first: nothing to guess
    assert texts(complete(["instruments", "commands", "kill"], "", f)) == []
    assert texts(complete(["instruments", "commands", "kill", "a", "b"], "", f)) == []


def test_call_methods_paths_segment_by_segment_and_items():
    f = facts()
    assert texts(complete(["call"], "g", f)) == ["get"]
    assert texts(complete(["call"], "P", f)) == ["POST", "PUT", "PATCH"]
    first = complete(["call", "GET"], "/pu", f)
    assert texts(first) == ["/public/"] and first.nospace
    assert texts(complete(["call", "GET"], "/public/v1/", f)) == [
        "/public/v1/families/", "/public/v1/instruments/"]
    assert texts(complete(["call", "GET", "/public/v1/families"], "", f)) == [
        "sort==", "limit=="]


def test_builtin_commands_offer_their_own_options_and_files():
    f = facts()
    assert texts(complete(["completion"], "", f)) == ["bash", "zsh", "fish"]
    assert "--json" in texts(complete(["routes"], "--", f))
    assert "--max" in texts(complete(["probe"], "--", f))
    assert "--port" in texts(complete(["serve"], "--p", f))
    assert complete(["export"], "", f).files
    assert sorted(texts(complete(["export", "s.jsonl", "--to"], "", f))) == [
        "curl", "har", "hurl", "locust", "python"]


def test_no_cache_means_builtins_only_and_odd_lines_never_raise():
    f = facts(registry=None)
    f.registry = lambda words: None
    assert "instruments" not in texts(complete([], "", f))
    assert texts(complete(["instruments"], "", f)) == []
    f = facts()
    line = "explorer --url http://h instruments commands kill x y name='a b' --all -- %zz"
    words, _ = split_line(line)
    for end in range(len(words) + 1):  # every prefix of a long line, as pgcli's tests do
        for current in ("", "-", "--", "%", "/%C3", "a=", "'"):
            complete(words[:end], current, f)
    assert texts(complete(["call", "GET"], "/%C3%", f)) == []


def test_split_line_finds_the_program_and_the_word_being_typed():
    assert split_line("explorer --url http://h ins") == (["--url", "http://h"], "ins")
    assert split_line("explorer --url http://h ") == (["--url", "http://h"], "")
    assert split_line("cd x && /opt/bin/explorer call GET '/a b") == (["call", "GET"], "/a b")
    assert split_line("explorer call GET /x name=\\") == (["call", "GET", "/x"], "name=\\")


def test_each_shell_gets_its_format_and_hostile_candidates_are_quoted_or_dropped():
    answer = Answer([Candidate("list", "GET /x"), Candidate("$(touch pwned)", "…"),
                     Candidate("a\x1b]0;title\x07b", "x"), Candidate("ok", "a\x1b[2Jb")])
    bash = format_answer(answer, "bash", current="", word="").splitlines()
    assert bash == ["-", "list", "'$(touch pwned)'", "ok"]
    zsh = format_answer(answer, "zsh", current="", word="").splitlines()
    assert zsh == ["-", "list:GET /x", "$(touch pwned):…", "ok:a [2Jb"]
    fish = format_answer(answer, "fish", current="", word="").splitlines()
    assert fish[1] == "list\tGET /x"
    # bash completes the end of a word it split at '=' or ':'
    items = Answer([Candidate("limit==")], nospace=True)
    assert format_answer(items, "bash", current="lim", word="lim").splitlines() == [
        "nospace", "limit=="]
    urls = Answer([Candidate("--url=http://h:8080")])
    assert format_answer(urls, "bash", current="--url=http://h:8", word="8").splitlines()[1] == (
        "8080")
    # a word typed with a quote is replaced whole, quoted
    spaced = Answer([Candidate("/a b/")])
    assert format_answer(spaced, "bash", current="/a ", word="'/a ").splitlines()[1] == "'/a b/'"


def test_completion_prints_each_script_and_refuses_other_shells(run):
    for shell, marker in (("bash", "complete -F _explorer_complete explorer"),
                          ("zsh", "compdef _explorer explorer"),
                          ("fish", "complete -c explorer")):
        result = run("completion", shell)
        assert result.returncode == 0 and marker in result.stdout
    bad = run("completion", "tcsh")
    assert bad.returncode == 2 and "bash, zsh, fish" in bad.stderr
    assert "eval \"$(explorer completion bash)\"" in run("completion", "--help").stdout
    assert "completion" in run("--help").stdout
    syntax = subprocess.run(["bash", "-n"], input=run("completion", "bash").stdout, text=True)
    assert syntax.returncode == 0


# -- bash in a pseudo-terminal --------------------------------------------------------------


@pytest.fixture
def bash_shell(tmp_path, logged):
    """bash --norc with the completion script loaded, ``explorer`` on PATH, and the
    sandbox's routes in the discovery cache."""
    home = tmp_path / "home"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "explorer"
    program.write_text(f"#!/bin/sh\nexec {sys.executable} -m explorer \"$@\"\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(home), PATH=f"{bin_dir}:{env['PATH']}", TERM="dumb",
               INPUTRC="/dev/null", HISTFILE="/dev/null", NO_PROXY="*")
    cached = subprocess.run([str(program), "--url", logged.url, "--token", logged.token,
                             "routes"], env=env, capture_output=True, text=True, timeout=60)
    assert cached.returncode == 0, cached.stderr
    child = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, cwd=str(tmp_path),
                          encoding="utf-8", dimensions=(24, 200), timeout=30)
    child.sendline('eval "$(explorer completion bash)"; PS1="READY> "')
    child.expect_exact("READY> ")
    child.tmp = tmp_path
    yield child
    child.sendcontrol("u")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()


def test_bash_completes_options_commands_and_paths_from_the_cache_alone(bash_shell, logged):
    child, url = bash_shell, logged.url
    requests_before = len(logged.log_lines.lines)
    child.send("explorer --ur\t")
    child.expect_exact("--url ")
    child.send(f"{url} --tok\t")  # --token and --token-file: their common part
    child.expect("--tok\x07?en")  # (the bell: more than one candidate)
    child.send(f" {logged.token} ins\t")
    child.expect_exact("instruments ")
    child.send("li\t")
    child.expect_exact("list ")
    child.send("--a\t")
    child.expect_exact("--all ")
    child.sendcontrol("u")
    child.send(f"explorer --url {url} call GET /pu\t")
    child.expect_exact("/public/")
    child.send("v1/\t\t")  # two candidates: bash lists them
    child.expect_exact("/public/v1/instruments/")
    child.expect_exact("READY> ")
    child.sendcontrol("u")
    child.send("explorer compl\t")
    child.expect_exact("completion ")
    child.send("b\t")
    child.expect_exact("bash ")
    child.sendcontrol("u")
    # a server whose cache is absent: the built-ins only, and still no request
    child.send("explorer --url http://127.0.0.1:9 ro\t")
    child.expect_exact("routes ")
    child.sendcontrol("u")
    child.sendline("echo done-$?")
    child.expect_exact("done-")
    assert len(logged.log_lines.lines) == requests_before  # Tab sent no request


def test_bash_inserts_a_hostile_route_segment_as_a_quoted_literal(bash_shell):
    child, tmp = bash_shell, bash_shell.tmp
    routes = tmp / "routes.json"
    routes.write_text(json.dumps({"data": [
        {"method": "GET", "path": "/x/`touch pwned`;touch pwned2/y"},
        {"method": "GET", "path": "/x/\x1b]0;owned\x07/z"},
    ]}))
    cache = subprocess.run([sys.executable, "-m", "explorer", "--url", "http://127.0.0.1:9",
                            "--routes", str(routes), "routes"], capture_output=True, text=True,
                           env={**os.environ, "EXPLORER_HOME": str(tmp / "home")}, timeout=60)
    assert cache.returncode == 0, cache.stderr
    child.send(f"explorer --url http://127.0.0.1:9 --routes {routes} call GET /x/\t")
    child.expect_exact("'/x/`touch pwned`;touch pwned2/'")
    child.send("y\r")  # run it: the request fails (nothing listens), nothing is created
    child.expect_exact("READY> ")
    child.sendline("echo status-$?")
    child.expect(r"status-(\d+)")
    assert child.match.group(1) == "3"
    assert not (tmp / "pwned").exists() and not (tmp / "pwned2").exists()
    assert not Path("pwned").exists()
    # the generated command's words are quoted the same way
    child.send(f"explorer --url http://127.0.0.1:9 --routes {routes} x \t")
    child.expect_exact("x '`touch' ")  # (command words are split at spaces)


def test_request_flags_come_from_the_flag_table_with_their_values():
    f = facts()
    flags = texts(complete(["instruments", "list"], "--f", f))
    assert flags == ["--format", "--filter", "--force"]
    assert texts(complete(["instruments", "list", "--format"], "c", f)) == ["csv"]
    assert texts(complete(["instruments", "list"], "--format=t", f)) == [
        "--format=table", "--format=tsv"]
    assert complete(["call", "GET", "/x", "-o"], "", f).files
    # a flag and its value are not command words
    assert texts(complete(["instruments", "--format", "csv"], "li", f)) == ["list"]
    assert texts(complete(["call", "--curl", "GET"], "/pu", f)) == ["/public/"]
