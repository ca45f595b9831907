"""explorer.repl.commands: the shell's lines against a real sandbox server."""

from __future__ import annotations

import json

import pytest

from explorer.errors import ItemError, TransportError, UsageError
from explorer.repl.commands import Exit

INSTRUMENTS = "/public/v1/instruments"


def first_instrument(console):
    console.run(f"get {INSTRUMENTS} limit==1 sort=name")
    return console.shell.state.last["data"][0]


def test_a_request_and_its_output(console):
    text = console.run(f"get {INSTRUMENTS} limit==2 sort=-name fields=name")
    assert "200 OK" in text
    data = console.shell.state.last["data"]
    assert len(data) == 2
    assert data[0]["name"] in text and data[1]["name"] in text
    assert console.shell.outcome.status == 200


def test_answers_teach_the_learned_store(console):
    instrument = first_instrument(console)
    learned = console.shell.learned
    assert (instrument["id"], instrument["name"]) in learned.ids(INSTRUMENTS)
    assert "actions.action" in learned.fields(f"{INSTRUMENTS}/:id?")


def test_only_creates_teach_ids_to_the_path_posted_to(console):
    console.run(f"get {INSTRUMENTS} limit==20")
    instrument = next(i for i in console.shell.state.last["data"] if i["actions"])
    commands = f"{INSTRUMENTS}/{instrument['id']}/commands"
    console.run(f"post {commands} action={instrument['actions'][0]['action']}")
    assert console.shell.outcome.status == 201
    command = console.shell.state.last
    learned = console.shell.learned
    assert (command["id"], command["name"]) in learned.ids(commands)
    # An action answers with the object it acted on: not an id of ``.../kill``.
    console.answers = [True]
    console.run(f"instruments commands kill {instrument['id']} {command['id']}")
    assert console.shell.outcome.status == 200
    assert console.shell.state.last["id"] == command["id"]
    assert learned.ids(f"{commands}/{command['id']}/kill") == []


def test_what_the_route_does_decides_not_its_name(make_console, tmp_path):
    # A routes file names a create "instruments add" and a GET "instruments delete":
    # the create's id is remembered and asks nothing; the GET asks nothing either.
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps({"data": [
        {"method": "GET", "path": f"{INSTRUMENTS}/:id", "command": "instruments delete"},
        {"method": "POST", "path": INSTRUMENTS, "command": "instruments add"},
    ]}))
    console = make_console(f"--routes={routes}")
    console.run("instruments add name=Fresh")
    assert console.shell.outcome.status == 201 and console.questions == []
    created = console.shell.state.last
    assert (created["id"], "Fresh") in console.shell.learned.ids(INSTRUMENTS)
    console.run(f"instruments delete {created['id']}")
    assert console.questions == [] and console.shell.outcome.status == 200


def test_cd_then_relative_paths_and_ls(console):
    instrument = first_instrument(console)
    console.run("cd /public/v1")
    assert console.shell.state.cwd == "/public/v1"
    assert "instruments/" in console.run("ls")
    console.run("cd instruments")
    console.run(f"get {instrument['id']}")
    assert console.shell.state.last["id"] == instrument["id"]
    console.run("get limit=1")  # an item only: the current directory is the path
    assert len(console.shell.state.last["data"]) == 1
    console.run("cd ..")
    assert console.shell.state.cwd == "/public/v1"
    console.run("cd")
    assert console.shell.state.cwd == "/"
    with pytest.raises(UsageError, match="no routes at or under /nowhere"):
        console.run("cd /nowhere")


def test_ls_counts_every_known_id_of_a_list(console):
    ids = [{"id": f"i{n}"} for n in range(12_345)]
    console.shell.learned.learn_ids(INSTRUMENTS, ids)
    row = next(r for r in console.run(f"ls {INSTRUMENTS}").splitlines() if r.startswith(":id/"))
    assert row.endswith("instruments update; 12345 known ids")
    assert "known ids" not in console.run(f"ls {INSTRUMENTS}/i1/commands")


def test_a_variable_carried_into_the_next_request(console):
    instrument = first_instrument(console)
    console.run("set iid={{last.data.0.id}}")
    assert console.shell.state.variables["iid"] == instrument["id"]
    console.run(INSTRUMENTS.join(["get ", "/{{iid}}"]))
    assert console.shell.state.last["name"] == instrument["name"]
    assert "iid = " + instrument["id"] in console.run("vars")


def test_labstep_protocol_then_experiment_with_protocol_id(console):
    console.run('post /api/generic/protocol name="PCR protocol"')
    protocol = console.shell.state.last
    console.run("set pid={{last.id}}")
    assert console.shell.state.variables["pid"] == protocol["id"]  # kept as a number
    console.run("post /api/generic/experiment name=Run protocol_id:={{pid}}")
    assert console.shell.state.last["protocol_id"] == protocol["id"]


def test_a_multi_line_json_body_merges_with_items(console):
    console.run("set n=2")
    console.run('post /public/v1/instruments description=merged {\n  "name": "HPLC {{n}}"\n}')
    created = console.shell.state.last
    assert console.shell.outcome.status == 201
    assert created["name"] == "HPLC 2" and created["description"] == "merged"


def test_a_bad_json_body_points_at_the_error(console):
    body = '{"name": "x",, "b": 1}'
    with pytest.raises(ItemError) as info:
        console.run(f"post {INSTRUMENTS} {body}")
    assert "not valid JSON" in str(info.value)
    assert info.value.text == body
    assert info.value.caret().splitlines()[1].index("^") == body.index(",,") + 1


def test_destructive_calls_ask_first(console):
    instrument = first_instrument(console)
    path = f"{INSTRUMENTS}/{instrument['id']}"
    console.answers = [False]
    assert "not sent" in console.run(f"delete {path}")
    assert console.questions == [f"Really DELETE {path}? [y/N] "]
    console.run(f"get {path}")
    assert console.shell.outcome.status == 200
    console.answers = [True]
    console.run(f"delete {path}")
    assert console.shell.outcome.status == 204
    console.run(f"get {path}")
    assert console.shell.outcome.status == 404


def test_confirmation_can_be_switched_off(make_console, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text("[settings]\nconfirm_destructive = false\n")
    console = make_console()
    console.run(f"delete {INSTRUMENTS}/does-not-matter")
    assert console.questions == []
    assert console.shell.outcome.status == 204


def test_without_a_terminal_destructive_calls_are_sent_without_asking(make_console):
    console = make_console(confirm=False)
    instrument = first_instrument(console)
    console.run(f"delete {INSTRUMENTS}/{instrument['id']}")
    assert console.questions == []
    assert console.shell.outcome.status == 204


def test_generated_commands_with_variables(console):
    instrument = first_instrument(console)
    console.run("set iid={{last.data.0.id}}")
    console.run("instruments get {{iid}}")
    assert console.shell.state.last["id"] == instrument["id"]
    console.run("instruments list limit=3")
    assert len(console.shell.state.last["data"]) == 3


def test_unknown_commands_and_variables_are_clear_errors(console):
    with pytest.raises(UsageError, match="instrument"):
        console.run("instrument lst")
    with pytest.raises(UsageError, match="unknown variable 'nope'"):
        console.run("get /public/v1/instruments/{{nope}}")
    with pytest.raises(UsageError, match="unterminated quote"):
        console.run('get /x name="a')
    with pytest.raises(UsageError, match="expected NAME=VALUE"):
        console.run("set 9x=1")


def test_error_answers_become_last_and_say_why(console):
    text = console.run(f"get {INSTRUMENTS}/nope")
    assert "404" in text and "not found" in text
    assert console.shell.state.last["code"] == 404


def test_default_headers_shown_redacted(console):
    text = console.run("headers X-Trace:abc")
    assert "X-Trace: abc" in text
    assert "Authorization: Bearer ***" in text
    assert console.context.options.token not in text
    console.run("headers X-Trace:")
    assert "X-Trace" not in console.shell.state.headers


def test_default_headers_are_sent(console):
    console.run("headers Accept:text/plain")
    sent = []
    engine = console.context.engine
    original = engine.send

    def spy(prepared, **kw):
        sent.append(dict(prepared.spec.headers))
        return original(prepared, **kw)

    engine.send = spy
    console.run(f"get {INSTRUMENTS} limit==1")
    console.run(f"get {INSTRUMENTS} limit==1 Accept:application/json")
    assert sent[0]["Accept"] == "text/plain"
    assert sent[1]["Accept"] == "application/json"  # the item wins


def test_routes_and_help(console):
    text = console.run("routes kill")
    assert "POST" in text and "/public/v1/instruments/:id/commands/:cid/kill" in text
    assert "instruments commands kill" in text
    # only the routes that mention kill: the one action route, one row
    assert [row.split() for row in text.splitlines()] == [
        ["POST", "/public/v1/instruments/:id/commands/:cid/kill", "instruments", "commands", "kill"]
    ]
    help_text = console.run("help instruments commands kill")
    assert "usage: instruments commands kill ID CID [ITEM...]" in help_text
    assert "POST /public/v1/instruments/:id/commands/:cid/kill" in help_text
    assert "refresh" in console.run("help")
    assert "cd [PATH]" in console.run("help cd")
    assert "GET" in console.run(f"help {INSTRUMENTS}")


def test_refresh_shows_an_endpoint_switched_on(console, sandbox):
    swapped = []
    console.shell.on_routes_changed = lambda: swapped.append(True)
    sandbox.enable_family("labware")
    text = console.run("refresh")
    assert "+ GET /public/v1/labware/:id?" in text
    assert swapped == [True]
    console.run("get /public/v1/labware limit==1")
    assert console.shell.outcome.status == 200
    assert "routes unchanged" in console.run("refresh")


def test_record_start_and_stop(console, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "recording to sessions/tour.jsonl" in console.run("record start tour")
    with pytest.raises(UsageError, match="already recording"):
        console.run("record start other")
    token = console.context.options.token
    console.run(f"get {INSTRUMENTS} limit==1")
    console.run(f"get {INSTRUMENTS} limit==1 'Authorization:Bearer {token}' X-Auth-Token:xsecret42")
    console.run("record stop")
    text = (tmp_path / "sessions" / "tour.jsonl").read_text()
    assert token not in text and "xsecret42" not in text
    header, *steps = [json.loads(line) for line in text.splitlines()]
    assert header["session"] == "explorer"
    assert header["auth"] == "bearer"  # replay knows which credential to ask for
    assert len(steps) == 2
    assert steps[0]["command"] == f"get {INSTRUMENTS} limit==1"
    for step in steps:
        assert step["request"]["headers"]["Authorization"] == "Bearer {{token}}"
        assert step["response"]["status"] == 200
    assert "'Authorization:Bearer {{token}}'" in steps[1]["command"]
    assert console.context.engine.recorder is None


def test_history_lists_what_the_provider_gives(make_console):
    calls = []

    def history():
        calls.append(1)
        return iter(["get /a", "get /b", "ls"])  # read once: it may be a file

    console = make_console(history=history)
    assert console.run("history 2") == "   2  get /b\n   3  ls\n"
    assert calls == [1]
    assert console.run("history") == "   1  get /a\n   2  get /b\n   3  ls\n"
    assert console.run("history 9") == console.run("history 3")
    for bad in ("0", "-2", "x"):
        with pytest.raises(UsageError, match="history N: N is a number of 1 or more"):
            console.run(f"history {bad}")


def test_unset_removes_any_variable_even_null(console):
    console.shell.state.last = {"gone": None}
    console.run("set a=1 b={{last.gone}}")
    assert console.shell.state.variables == {"a": "1", "b": None}
    console.run("unset b")
    assert console.shell.state.variables == {"a": "1"}
    with pytest.raises(UsageError, match="no variable 'b'"):
        console.run("unset b")


def test_exit(console):
    with pytest.raises(Exit):
        console.run("exit")
    with pytest.raises(Exit):
        console.run("quit")


def test_a_server_going_away_is_an_error_not_a_crash(console, sandbox):
    instrument = first_instrument(console)
    sandbox.stop()
    with pytest.raises(TransportError):
        console.run(f"get {INSTRUMENTS}")
    # nothing came back: the last answer is still the one before, no status is kept
    assert console.shell.state.last["data"][0] == instrument
    assert console.shell.outcome.status is None
    console.run("set iid={{last.data.0.id}}")  # and the shell goes on
    assert console.shell.state.variables["iid"] == instrument["id"]


def test_a_malformed_json_answer_is_shown_not_fatal(console, monkeypatch):
    from explorer.client.models import Response

    def broken(prepared, **kw):
        return Response(200, "OK", {"Content-Type": "application/json"}, "u", 0.01,
                        _content=b'{"data": [')

    monkeypatch.setattr(console.context.engine, "send", broken)
    console.run(f"get {INSTRUMENTS}")
    assert console.shell.state.last is None
    assert console.shell.outcome.status == 200


def test_body_on_a_shell_command_is_refused(console):
    with pytest.raises(UsageError, match="takes no JSON body"):
        console.run('set {"a": 1}')


def test_variables_keep_json_types(console):
    console.run('post /api/generic/protocol name=P')
    console.run("set whole={{last}} n={{last.id}} text=id-{{last.id}}")
    variables = console.shell.state.variables
    assert isinstance(variables["whole"], dict)
    assert isinstance(variables["n"], int)
    assert variables["text"] == f"id-{variables['n']}"
    json.dumps(variables)


def test_a_relative_path_with_a_query_goes_to_that_path(console):
    sent = []
    engine = console.context.engine
    original = engine.send

    def spy(prepared, **kw):
        sent.append(prepared.spec.target)
        return original(prepared, **kw)

    engine.send = spy
    console.run("cd /public/v1")
    console.run("get instruments?limit=1&fields=name")
    console.run("get ./instruments?limit=2 sort=name")
    assert len(console.shell.state.last["data"]) == 2
    console.run("get url==http://x/y")  # a separator before the '/': an item
    assert sent[0] == f"{INSTRUMENTS}?limit=1&fields=name"
    assert sent[1].startswith(f"{INSTRUMENTS}?limit=2&")
    assert sent[2] == "/public/v1?url=http://x/y"


def test_a_refetch_says_what_it_added_and_rebuilds_the_completion(make_console, sandbox):
    make_console()  # an earlier shell fetched the routes and cached them
    console = make_console()  # this one starts from the cache, as the audit's did
    swapped = []
    console.shell.on_routes_changed = lambda: swapped.append(True)
    sandbox.enable_family("labware")
    console.run("get /public/v1/labware limit==1")  # unknown: the engine refetches
    assert console.shell.outcome.status == 200
    note = console.err.getvalue()
    assert "routes: +" in note and "labware list" in note
    assert swapped == [True]  # the completion was rebuilt then, not at the next refresh
    assert "routes unchanged" in console.run("refresh")


def test_a_whole_reference_keeps_its_json_type_in_a_body(make_console):
    console = make_console("--routes=labstep")
    console.run('protocol create name="PCR protocol"')
    protocol = console.shell.state.last
    console.run("set pid={{last.id}}")
    console.run('experiment create name="Run 1" protocol_id={{pid}}')  # as the issue types it
    assert console.shell.outcome.status == 200
    assert console.shell.state.last["protocol_id"] == protocol["id"]
    assert console.shell.state.last["name"] == "Run 1"
    console.run('post /api/generic/experiment name="Run {{pid}}" protocol_id={{pid}}')
    assert console.shell.state.last["protocol_id"] == protocol["id"]
    assert console.shell.state.last["name"] == f"Run {protocol['id']}"  # text stays text
    console.run('post /api/generic/experiment name={{pid}}-b')
    assert console.shell.state.last["name"] == f"{protocol['id']}-b"
    console.run("set n=2")
    console.run("protocol list count={{n}}")  # a query parameter is text on the wire
    assert len(console.shell.state.last["items"]) == 2


def test_a_deleted_id_leaves_completion_here_and_in_the_next_shell(make_console, tmp_path):
    from explorer.repl.learned import LearnedStore

    learned = LearnedStore(tmp_path / "learned.json")
    console = make_console(learned=learned)
    instrument = first_instrument(console)
    assert (instrument["id"], instrument["name"]) in learned.ids(INSTRUMENTS)
    learned.save()
    console.answers = [True]
    console.run(f"delete {INSTRUMENTS}/{instrument['id']}")
    assert console.shell.outcome.status == 204
    assert instrument["id"] not in dict(learned.ids(INSTRUMENTS))
    assert learned.save()
    assert instrument["id"] not in dict(LearnedStore(learned.path).ids(INSTRUMENTS))


def test_output_switches_lists_between_table_and_json(console):
    assert console.run("output") == "lists shown as table (the config's table setting)\n"
    table = console.run(f"get {INSTRUMENTS} limit==2 fields=name")
    assert "2 rows" in table and '"data"' not in table
    assert console.run("output json") == "lists shown as json\n"
    shown = console.run(f"get {INSTRUMENTS} limit==2 fields=name")
    body = json.loads(shown.split("\n", 1)[1])  # the status line, then the whole answer
    assert body == console.shell.state.last
    console.run("output table")
    assert "2 rows" in console.run(f"get {INSTRUMENTS} limit==2 fields=name")
    with pytest.raises(UsageError, match=r"usage: output \[table\|json\|csv\|tsv\|yaml\]"):
        console.run("output xml")


def test_help_for_a_group_and_for_a_command_with_its_parameters(console):
    group = console.run("help instruments commands")
    for name in ("list", "get", "create", "kill"):
        assert f"instruments commands {name}" in group
    assert "POST   /public/v1/instruments/:id/commands\n" in group + "\n"
    assert "instruments create" in console.run("help instruments")
    before = console.run("help instruments list")
    assert "query parameters:\n  sort, limit, skip, fields" in before
    assert "fields seen in answers" not in before
    console.run(f"get {INSTRUMENTS} limit==2")
    after = console.run("help instruments list")
    assert "fields seen in answers:" in after and "actions.action" in after
    with pytest.raises(UsageError, match="unknown command"):
        console.run("help nothing here")


def test_help_shows_declared_query_parameters(make_console):
    console = make_console("--routes=labstep")
    text = console.run("help protocol list")
    assert "query parameters:\n  search, cursor, count, is_deleted, sort" in text
    console.run('protocol create name="P"')
    assert "body fields sent before:\n  name" in console.run("help protocol create")
