"""One-shot commands end to end: the real console script against the sandbox server."""

from __future__ import annotations

import json

EXIT_USAGE, EXIT_UNREACHABLE, EXIT_4XX, EXIT_5XX = 2, 3, 4, 5


def test_routes_json_lists_every_discovered_route_with_its_command(run, labos):
    result = run(*labos, "routes", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    commands = {(r["method"], r["path"]): set() for r in rows}
    for r in rows:
        commands[(r["method"], r["path"])].add(r["command"])
    assert commands[("GET", "/public/v1/instruments/:id?")] == {
        "instruments list",
        "instruments get",
    }
    assert commands[("POST", "/public/v1/instruments/:id/commands/:cid/kill")] == {
        "instruments commands kill"
    }
    assert commands[("DELETE", "/public/v1/instruments/:id")] == {"instruments delete"}


def test_routes_table(run, labos):
    result = run(*labos, "routes")
    assert result.returncode == 0
    line = next(x for x in result.stdout.splitlines() if "/kill" in x)
    assert line.split()[0] == "POST"
    assert line.endswith("instruments commands kill")


def test_piped_output_is_exactly_the_body(run, labos, sandbox):
    import requests

    url = f"{sandbox.url}/public/v1/instruments?sort=name&limit=3"
    expected = requests.get(url, headers={"Authorization": f"Bearer {sandbox.token}"}).content
    result = run.raw(*labos, "call", "GET", "/public/v1/instruments", "sort==name", "limit==3")
    assert result.returncode == 0
    assert result.stdout == expected


def test_generated_commands(run, labos):
    listed = run(*labos, "instruments", "list", "fields==name", "limit==2")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["data"]
    assert len(items) == 2
    assert set(items[0]) == {"id", "name"}
    one = run(*labos, "instruments", "get", items[0]["id"])
    assert one.returncode == 0
    assert json.loads(one.stdout)["name"] == items[0]["name"]


def test_create_command_and_kill_it(run, labos):
    first = run.json(*labos, "instruments", "list", "limit==1")["data"][0]
    created = run(*labos, "instruments", "commands", "create", first["id"], "action=prime")
    assert created.returncode == 0, created.stderr
    command = json.loads(created.stdout)
    killed = run(*labos, "instruments", "commands", "kill", first["id"], command["id"])
    assert killed.returncode == 0, killed.stderr
    assert json.loads(killed.stdout)["status"] == "killed"


def test_filters_reach_the_server_as_written(run, labos, sandbox):
    everything = json.loads(
        run(*labos, "call", "GET", "/public/v1/instruments", "limit==1000").stdout
    )
    dates = sorted(i["updatedAt"] for i in everything["data"])
    middle = dates[len(dates) // 2]
    result = run(*labos, "instruments", "list", f"updatedAt>{middle}", "limit==1000")
    assert result.returncode == 0, result.stderr
    later = json.loads(result.stdout)["data"]
    assert later and all(i["updatedAt"] > middle for i in later)
    assert len(later) == sum(1 for d in dates if d > middle)


def test_generated_command_help(run, labos):
    result = run(*labos, "instruments", "commands", "kill", "--help")
    assert result.returncode == 0
    assert "usage: explorer instruments commands kill ID CID" in result.stdout
    assert "POST /public/v1/instruments/:id/commands/:cid/kill" in result.stdout


def test_missing_positional_argument(run, labos):
    result = run(*labos, "instruments", "get")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert result.stderr.strip() == (
        "explorer: instruments get: missing ID (usage: instruments get ID [ITEM...])"
    )


def test_unknown_command_names_the_closest(run, labos):
    result = run(*labos, "instrument", "lst")
    assert result.returncode == EXIT_USAGE
    assert "unknown command" in result.stderr
    assert "instruments list" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_4xx_exit_code_and_error_line_on_a_terminal_is_one_line(run, labos):
    result = run(*labos, "instruments", "get", "nope")
    assert result.returncode == EXIT_4XX
    assert json.loads(result.stdout)["code"] == 404


def test_missing_token_is_a_403(run, sandbox):
    result = run("--url", sandbox.url, "call", "GET", "/public/v1/instruments")
    assert result.returncode == EXIT_4XX


def test_unreachable_server(run, sandbox):
    url = sandbox.url
    sandbox.stop()
    result = run("--url", url, "--token", "t", "call", "GET", "/public/v1/instruments")
    assert result.returncode == EXIT_UNREACHABLE
    assert "cannot reach" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage(run):
    assert run("--timeout", "zero", "routes").returncode == EXIT_USAGE
    result = run("routes")
    assert result.returncode == EXIT_USAGE
    assert "no server" in result.stderr


def test_verbose_hides_the_token(run, labos, sandbox):
    result = run(*labos, "-v", "instruments", "list", "limit==1")
    assert result.returncode == 0
    assert sandbox.token not in result.stdout + result.stderr
    assert "Bearer ***" in result.stderr


def test_token_file(run, sandbox, tmp_path):
    token = tmp_path / "token.txt"
    token.write_text(sandbox.token + "\n")
    token.chmod(0o600)
    result = run("--url", sandbox.url, "--token-file", str(token), "instruments", "list")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_all_follows_pages(run, labos):
    every = run.json(*labos, "call", "GET", "/public/v1/instruments", "limit==1000")
    result = run(*labos, "instruments", "list", "limit==7", "sort==name", "--all")
    assert result.returncode == 0, result.stderr
    merged = json.loads(result.stdout)
    assert [i["id"] for i in merged] == [
        i["id"] for i in sorted(every["data"], key=lambda i: i["name"])
    ]


def test_probe(run, labos):
    result = run(*labos, "probe")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ROUTE", "PATH", "STATUS"]
    statuses = {line.split()[1]: line for line in lines[1:]}
    assert any("200" in line for line in statuses.values())
    kill = [line for line in lines if "actions/:aid?" in line]
    assert kill and all("200" in line for line in kill)


def test_all_on_a_create_is_refused_before_anything_is_sent(run, labos):
    for words in (["instruments", "create"], ["call", "POST", "/public/v1/instruments"]):
        result = run(*labos, *words, "name=all-refused", "--all")
        assert result.returncode == EXIT_USAGE, result.stderr
        assert "--all" in result.stderr and "POST" in result.stderr
    listed = run.json(*labos, "call", "GET", "/public/v1/instruments", "limit==1000")
    assert not [i for i in listed["data"] if i["name"] == "all-refused"]


def test_all_on_an_answer_that_is_not_a_list_shows_it_with_a_warning(run, labos):
    first = run.json(*labos, "instruments", "list", "limit==1")["data"][0]
    result = run(*labos, "instruments", "get", first["id"], "--all")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == first["id"]
    assert "did not answer a list" in result.stderr


def test_malformed_percent_encoding_is_sent_and_answered(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    result = run(*base, "call", "GET", "/public/v1/instruments/%C3")
    assert logged.log_lines.count('"GET /public/v1/instruments/%C3 ') == 1
    assert result.returncode == EXIT_4XX, result.stderr
    assert "sending anyway" in result.stderr


def test_a_full_url_on_the_server_is_called(run, labos, sandbox):
    result = run(*labos, "call", "GET", f"{sandbox.url}/public/v1/instruments?limit=2")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["data"]) == 2
    assert result.stderr == ""


def test_a_full_url_elsewhere_is_refused(run, labos, logged):
    result = run(*labos, "call", "GET", f"{logged.url}/public/v1/instruments")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip().endswith("or choose the server with --url")
    assert logged.log_lines.lines == []


def test_a_malformed_item_costs_no_round_trip(run, logged):
    base = ["--url", logged.url, f"--token={logged.token}"]
    result = run(*base, "call", "POST", "/public/v1/instruments", "tags:=[1,")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.startswith("explorer: ")
    assert logged.log_lines.lines == []
    missing = run(*base, "call", "POST", "/public/v1/instruments", "name=@/no/such/file")
    assert missing.returncode == EXIT_USAGE and "no such file" in missing.stderr
    assert logged.log_lines.lines == []


def test_a_fault_on_purpose_is_exit_5_and_a_failure_row_in_probe(run, labos, sandbox):
    # the admin call through the console script itself, as the README shows it
    made = run(*labos, "call", "POST", "/_sandbox/faults", "status:=503",
               "path=/public/v1/families")  # fmt: skip
    assert made.returncode == 0, made.stderr
    failed = run(*labos, "call", "GET", "/public/v1/families")
    assert failed.returncode == EXIT_5XX, failed.stderr
    assert json.loads(failed.stdout)["code"] == 503
    probed = run(*labos, "probe")
    rows = [line.split() for line in probed.stdout.splitlines()[1:]]
    assert ["/public/v1/families", "503"] in [row[2:4] for row in rows], probed.stdout
    assert probed.returncode == EXIT_5XX
    assert any("200" in line for line in probed.stdout.splitlines()[1:])
    assert run(*labos, "call", "DELETE", "/_sandbox/faults").returncode == 0
    assert run(*labos, "call", "GET", "/public/v1/families").returncode == 0
