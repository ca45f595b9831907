"""Usage errors are one line; group words list their commands."""

from __future__ import annotations

import json

import pytest

EXIT_USAGE = 2


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "zero"])
def test_timeout_must_be_a_finite_positive_number(run, value):
    result = run(f"--timeout={value}", "--url", "http://127.0.0.1:9", "call", "GET", "/x")
    assert result.returncode == EXIT_USAGE
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("explorer: argument --timeout")


@pytest.mark.parametrize("args", [["--port", "abc"], ["--bogus"], ["--port"]])
def test_serve_argument_errors_are_one_line(run, args):
    result = run("serve", *args)
    assert result.returncode == EXIT_USAGE
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("explorer: ")
    assert "explorer serve --help" in result.stderr
    assert result.stdout == ""


def test_serve_help_still_prints_its_help(run):
    result = run("serve", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: explorer serve")


@pytest.mark.parametrize("extra", [[], ["--help"]])
def test_a_group_word_lists_all_its_commands(run, labos, extra):
    result = run(*labos, "instruments", *extra)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("usage: explorer instruments COMMAND")
    names = [line.split()[:3] for line in lines if line.startswith("  instruments ")]
    usages = {line.strip().split("  ")[0] for line in lines if line.startswith("  instruments ")}
    assert len(names) == 12
    assert {"instruments commands kill ID CID", "instruments list", "instruments get ID"} <= usages
    assert any("POST   /public/v1/instruments/:id/commands/:cid/kill" in line for line in lines)


def test_a_nested_group_word_lists_its_commands(run, labos):
    result = run(*labos, "instruments", "commands")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[2] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert sorted(listed) == ["create", "get", "kill", "list"]


def test_the_shell_and_the_command_line_list_a_group_with_the_same_text(run, labos):
    oneshot = run(*labos, "instruments", "commands")
    shell = run(*labos, "shell", input="help instruments commands\n")
    assert oneshot.returncode == 0 and shell.returncode == 0, oneshot.stderr + shell.stderr
    assert "COMMAND --help shows one" in oneshot.stdout  # a hint that works in both
    usage, _, rest = oneshot.stdout.partition("\n")
    assert usage.startswith("usage: explorer instruments commands COMMAND")
    assert shell.stdout == usage.replace("usage: explorer ", "usage: ", 1) + "\n" + rest


def test_an_item_error_shows_escaped_control_characters_and_a_caret(run, labos):
    result = run(*labos, "call", "POST", "/public/v1/instruments", "a\x1bb:=[1,")
    assert result.returncode == EXIT_USAGE
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    item = next(i for i, line in enumerate(lines) if line.startswith("  a\\x1bb"))
    assert lines[item + 1].index("^") == len(lines[item])  # after the last character


@pytest.mark.parametrize(("command", "words"), [
    ("routes", ["--json", "--refresh", "FILTER"]),
    ("login", ["--username", "--password-stdin", "api_key"]),
])
def test_subcommand_help_prints_its_options_without_a_server(run, command, words):
    result = run(command, "--help")  # no --url: help needs no server
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: explorer [GLOBAL] {command}")
    for word in words:
        assert word in result.stdout


@pytest.mark.parametrize("option", ["--routes", "--spec", "--token-file"])
def test_a_missing_file_named_by_an_option_is_a_usage_error(run, tmp_path, option):
    missing = tmp_path / "nosuch.json"
    result = run("--url", "http://127.0.0.1:9", option, str(missing), "routes")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and str(missing) in result.stderr


def _help(run, server, source: dict, tmp_path, *words):
    path = tmp_path / "source.json"
    path.write_text(json.dumps(source))
    option = "--spec" if "openapi" in source else "--routes"
    result = run("--url", server.url, option, str(path), *words, "--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_generated_help_shows_wildcards_types_and_required_fields(run, sandbox, tmp_path):
    routes = {"data": [{"method": "GET", "path": "/files/*"},
                       {"method": "GET", "path": "/docs/*rest"}]}
    files = _help(run, sandbox, routes, tmp_path, "files", "get")
    usage = "usage: explorer files get PATH [ITEM...] [-v] [--all] [FLAG...]"
    assert files.splitlines()[0] == usage
    assert "  PATH  *" in files.splitlines()
    docs = _help(run, sandbox, routes, tmp_path, "docs", "get")
    assert "  REST  *rest" in docs.splitlines()
    schema = {"type": "object", "required": ["name"],
              "properties": {"name": {"type": "string"},
                             "experiment_id": {"type": ["integer", "null"]},
                             "tags": {"type": "array", "items": {"type": "string"}}}}
    body = {"content": {"application/json": {"schema": schema}}}
    spec = {"openapi": "3.0.0", "paths": {
        "/samples": {"get": {}, "post": {"requestBody": body}},
        "/samples/{id}": {"get": {}},
    }}
    create = _help(run, sandbox, spec, tmp_path, "samples", "create").splitlines()
    # no --all on a POST
    assert create[0] == "usage: explorer samples create [ITEM...] [-v] [--strict] [FLAG...]"
    fields = create.index("body fields (application/json):")
    assert create[fields:fields + 4] == [
        "body fields (application/json):",
        "  name           string (required)",
        "  experiment_id  integer|null",
        "  tags           array of string",
    ]


def test_every_subcommand_has_help_and_call_explains_its_items(run):
    for command in ("shell", "call", "login", "serve", "demo", "replay", "export", "probe"):
        result = run(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout.startswith("usage: explorer"), command
    call = run("call", "--help").stdout
    for item in ("name==value", "name:=json", "Header:value", "field@file", "updatedAt>"):
        assert item in call
    assert "-v, --verbose" in call and "--all" in call


def test_no_server_names_the_demo(run):
    result = run()
    assert result.returncode == EXIT_USAGE
    assert len(result.stderr.splitlines()) == 1
    assert "explorer demo" in result.stderr


def test_flags_anywhere_after_the_command(run, labos, sandbox):
    result = run(*labos, "call", "GET", "/public/v1/instruments", "limit==1", "-v")
    assert result.returncode == 0, result.stderr
    assert "GET /public/v1/instruments?limit=1 HTTP/1.1" in result.stderr
    assert "Authorization: Bearer ***" in result.stderr and sandbox.token not in result.stderr
    merged = run(*labos, "instruments", "list", "sort==name", "fields==name", "--all")
    assert merged.returncode == 0 and len(json.loads(merged.stdout)) == 52
    dashed = run(*labos, "call", "GET", "--", "/public/v1/families")
    assert dashed.returncode == 0, dashed.stderr
    bad = run(*labos, "call", "GET", "/public/v1/families", "--nope")
    assert bad.returncode == EXIT_USAGE and "unknown option --nope" in bad.stderr


def test_the_listing_head_and_options_are_called_without_warnings(run, labos):
    for method, path in [("GET", "/discover"), ("HEAD", "/public/v1/instruments"),
                         ("OPTIONS", "/public/v1/instruments/x1")]:  # fmt: skip
        result = run(*labos, "call", method, path)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", (method, path, result.stderr)
    unknown = run(*labos, "call", "HEAD", "/public/v1/nothing")
    assert "no discovered route matches HEAD /public/v1/nothing" in unknown.stderr
