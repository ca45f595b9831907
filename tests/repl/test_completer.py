"""explorer.repl.completer: a document in, candidates out, for every kind of word."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from explorer.repl.completer import ShellCompleter
from explorer.repl.state import ShellState

INSTRUMENTS = "/public/v1/instruments"
ROUTE = "/public/v1/instruments/:id?"


@pytest.fixture
def state():
    return ShellState()


@pytest.fixture
def asked():
    return []


@pytest.fixture
def completer(registry, learned, state, asked):
    return ShellCompleter(registry=registry, learned=learned, state=state, prefetch=asked.append)


def candidates(completer, line):
    """Every completion at the end of ``line``, as Tab asks for them."""
    event = CompleteEvent(completion_requested=True)
    return list(completer.get_completions(Document(line), event))


def texts(completer, line):
    return [c.text for c in candidates(completer, line)]


def metas(completer, line):
    return {c.text: c.display_meta_text for c in candidates(completer, line)}


def teach(learned):
    learned.learn_exchange(
        method="GET",
        path=INSTRUMENTS,
        route=ROUTE,
        query=["family=@LiquidHandler"],
        status=200,
        body={
            "data": [
                {
                    "id": "64b000000000000000000001",
                    "name": "Hamilton STAR",
                    "family": "LiquidHandler",
                    "actions": [{"action": "prime"}],
                },
                {"id": "64b000000000000000000002", "name": "Tecan Spark", "family": "PlateReader"},
            ]
        },
    )


def test_first_word_verbs_shell_commands_and_generated_commands(completer):
    found = metas(completer, "")
    assert {"get", "post", "delete", "cd", "ls", "help", "refresh", "instruments", "protocols"} <= (
        set(found)
    )
    assert found["get"].startswith("GET")
    assert found["refresh"] == "fetch the routes again and show what changed"
    assert found["instruments"] == "command group"
    assert texts(completer, "re") == ["refresh", "record"]
    assert texts(completer, "GE") == ["get"]


def test_generated_command_words_with_their_routes(completer):
    found = metas(completer, "instruments ")
    assert {"list", "get", "create", "commands"} <= set(found)
    assert found["list"].startswith("GET /public/v1/instruments")
    assert texts(completer, "instruments commands k") == ["kill"]
    assert metas(completer, "protocols c")["create"] == "POST /public/v1/protocols"


def test_paths_segment_by_segment_with_methods_and_commands(completer):
    assert texts(completer, "get /") == ["public/"]
    assert texts(completer, "get /pub") == ["public/"]
    assert texts(completer, "get /public/") == ["v1/"]
    found = metas(completer, "get /public/v1/")
    assert "instruments" in found
    assert "GET" in found["instruments"] and "POST" in found["instruments"]
    assert "instruments list" in found["instruments"]
    kids = metas(completer, "get /public/v1/instruments/abc/")
    assert set(kids) == {"commands", "actions"}
    assert texts(completer, "get /public/v1/instruments/abc/com") == ["commands"]


def test_relative_paths_after_cd(completer, state):
    state.cwd = "/public/v1"
    assert texts(completer, "get ins") == ["instruments"]
    assert texts(completer, "ls ../v1/in") == ["instruments"]


def test_ids_with_names_from_the_learned_store(completer, learned, asked):
    teach(learned)
    found = metas(completer, f"get {INSTRUMENTS}/")
    assert found == {
        "64b000000000000000000001": "Hamilton STAR",
        "64b000000000000000000002": "Tecan Spark",
    }
    assert asked == [INSTRUMENTS]  # a background refresh of the list was asked for
    assert texts(completer, f"delete {INSTRUMENTS}/64b000000000000000000002") == [
        "64b000000000000000000002"
    ]
    # Typing part of a name finds the id too.
    assert texts(completer, f"get {INSTRUMENTS}/tecan") == ["64b000000000000000000002"]


def test_unknown_ids_ask_for_a_prefetch_and_offer_nothing_yet(completer, asked):
    assert texts(completer, f"get {INSTRUMENTS}/abc/commands/") == []
    assert asked == [f"{INSTRUMENTS}/abc/commands"]


def test_generated_command_parameters_offer_ids(completer, learned):
    teach(learned)
    assert texts(completer, "instruments get 64b") == [
        "64b000000000000000000001",
        "64b000000000000000000002",
    ]
    learned.learn_ids(f"{INSTRUMENTS}/i1/commands", [{"id": "c9", "name": "prime"}])
    assert metas(completer, "instruments commands kill i1 ") == {"c9": "prime"}


def test_query_keys_read_parameters_and_learned_filters(completer, learned):
    teach(learned)
    found = metas(completer, f"get {INSTRUMENTS} ")
    assert {"sort=", "limit=", "skip=", "fields=", "family=", "actions.action="} <= set(found)
    assert found["family="] == "filter"
    assert texts(completer, f"get {INSTRUMENTS} so") == ["sort="]
    # Not GET: a query parameter needs '=='.
    assert "name==" not in texts(completer, f"post {INSTRUMENTS} ")


def test_declared_query_parameters_replace_the_labos_ones(completer):
    found = texts(completer, "get /public/v1/protocols ")
    assert found[:3] == ["search=", "cursor=", "count="]
    assert "sort=" not in found
    assert texts(completer, "get /public/v1/protocols cursor=") == ["-1"]


def test_sort_offers_ascending_and_descending_and_continues_lists(completer, learned):
    teach(learned)
    found = texts(completer, f"get {INSTRUMENTS} sort=")
    assert "name" in found and "-name" in found
    assert texts(completer, f"get {INSTRUMENTS} sort=-na") == ["-name"]
    after = texts(completer, f"get {INSTRUMENTS} sort=name,")
    assert "name" not in after and "-name" not in after and "family" in after
    assert texts(completer, "instruments list sort=fam") == ["family", "-family"]


def test_sort_before_anything_was_learned_uses_the_common_attributes(completer):
    assert {"name", "-updatedAt"} <= set(texts(completer, f"get {INSTRUMENTS} sort="))


def test_fields_continue_a_comma_list(completer, learned):
    teach(learned)
    assert texts(completer, f"get {INSTRUMENTS} fields=name,fa") == ["family"]
    completion = candidates(completer, f"get {INSTRUMENTS} fields=name,fa")[0]
    assert completion.start_position == -2
    assert "actions.action" in texts(completer, f"get {INSTRUMENTS} fields=id,")


def test_filter_values_seen_before(completer, learned):
    teach(learned)
    found = metas(completer, f"get {INSTRUMENTS} family=")
    assert next(iter(found)) == "@LiquidHandler"
    assert found["@LiquidHandler"] == "seen before"
    assert "PlateReader" in found
    assert texts(completer, f"get {INSTRUMENTS} family=@") == ["@LiquidHandler"]
    assert texts(completer, f"get {INSTRUMENTS} family!=Pla") == ["PlateReader"]
    # dotted paths into arrays of objects, as the LabOS filters write them
    assert texts(completer, f"get {INSTRUMENTS} actions.action=") == ["prime"]
    assert texts(completer, "instruments list actions.action=pr") == ["prime"]


def test_body_fields_from_the_schema(completer):
    found = metas(completer, "post /public/v1/protocols ")
    assert found["name="] == "string, required"
    assert found["is_template:="] == "boolean"
    assert texts(completer, "protocols create is") == ["is_template:="]


def test_body_fields_from_earlier_bodies_and_answers(completer, learned):
    teach(learned)
    learned.learn_body_fields("POST /public/v1/instruments", ["serial"])
    found = metas(completer, f"post {INSTRUMENTS} ")
    assert found["serial="] == "sent before"
    assert found["family="] == "field"
    assert "id=" not in found
    assert texts(completer, f"patch {INSTRUMENTS}/x fam") == ["family="]


def test_header_names_and_values(completer):
    assert texts(completer, f"get {INSTRUMENTS} Accept-") == ["Accept-Language:"]
    assert texts(completer, f"get {INSTRUMENTS} acc") == ["Accept:", "Accept-Language:"]
    assert "application/json" in texts(completer, f"get {INSTRUMENTS} Accept:")
    assert texts(completer, "headers X-Re") == ["X-Request-Id:"]


def test_file_paths_after_at(completer, tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    (tmp_path / "notes.txt").write_text("x")
    assert texts(completer, f"post /api/generic/file/upload file@{tmp_path}/da") == ["ta.csv"]
    assert set(texts(completer, f"post /x file@{tmp_path}/")) >= {"data.csv", "notes.txt"}


def test_variables_inside_braces(completer, state):
    state.variables = {"pid": "p-1", "pname": "Protocol"}
    state.last = {"id": "abc", "data": [{"id": "d0"}]}
    assert texts(completer, "get /x/{{p") == ["pid}}", "pname}}"]
    assert metas(completer, "get /x/{{pi") == {"pid}}": "p-1"}
    assert texts(completer, "get /x/{{la") == ["last}}"]
    found = texts(completer, "get /x/{{last.")
    assert "last.id}}" in found and "last.data.0.id}}" in found
    assert metas(completer, "get /x/{{last.d") == {
        "last.data}}": "[1 items]",
        "last.data.0}}": "{…}",
        "last.data.0.id}}": "d0",
    }


def test_shell_command_arguments(completer, state):
    assert texts(completer, "help ref") == ["refresh"]
    assert texts(completer, "help instruments commands ") == ["create", "get", "kill", "list"]
    assert texts(completer, "record s") == ["start", "stop"]
    modes = metas(completer, "output ")
    assert list(modes) == ["table", "json", "csv", "tsv", "yaml"]
    assert modes["table"] == "lists as tables (cells cut to the screen)"
    assert modes["csv"] == "answers as CSV, a column per field (as --format csv)"
    assert texts(completer, "output j") == ["json"]
    assert texts(completer, "outp") == ["output"]
    state.variables = {"pid": "1"}
    assert texts(completer, "set p") == ["pid="]
    assert texts(completer, "unset ") == ["pid"]


def test_variables_in_the_path_resolve_the_route(completer, state, learned):
    teach(learned)
    state.variables = {"iid": "abc"}
    assert set(texts(completer, "get /public/v1/instruments/{{iid}}/")) == {"commands", "actions"}


def test_no_registry_still_completes_the_shell(learned, state):
    bare = ShellCompleter(registry=None, learned=learned, state=state)
    assert "get" in [c.text for c in candidates(bare, "")]
    assert candidates(bare, "get /pub") == []


def test_warm_builds_the_indexes_and_changes_nothing(completer, registry):
    completer.warm()
    assert "/" in completer._listings
    assert texts(completer, "instruments c") == ["commands", "create"]


def test_candidates_are_capped_and_sorted_in_a_big_directory(learned, state):
    from explorer.registry import Registry, Route
    from explorer.repl.completer import MAX_SHOWN

    routes = [Route("GET", f"/big/r{i:04d}") for i in range(MAX_SHOWN * 3)]
    big = ShellCompleter(registry=Registry(routes), learned=learned, state=state)
    found = texts(big, "get /big/")
    assert len(found) == MAX_SHOWN
    assert found == sorted(found) and found[0] == "r0000"
    assert texts(big, "get /big/r02") == [f"r02{i:02d}" for i in range(MAX_SHOWN)]
    assert texts(big, "get /big/R0299") == ["r0299"]


FAMILIES = [
    {"id": "f1000000000000000000000a", "name": "LiquidHandler"},
    {"id": "f1000000000000000000000b", "name": "PlateReader"},
]


@pytest.fixture
def with_families(learned, state, asked):
    from explorer.registry import Registry, Route

    routes = [Route("GET", f"{INSTRUMENTS}/:id?"), Route("GET", "/public/v1/families/:id?")]
    values = []
    completer = ShellCompleter(
        registry=Registry(routes), learned=learned, state=state, prefetch=asked.append,
        prefetch_values=values.append,
    )  # fmt: skip
    completer.values_asked = values
    return completer


def test_a_field_holding_ids_of_a_sibling_list_offers_them_with_their_names(
    with_families, learned, asked
):
    completer = with_families
    assert texts(completer, f"get {INSTRUMENTS} family=") == []
    assert "/public/v1/families" in asked  # its ids are fetched, for the next keystroke
    learned.learn_ids("/public/v1/families", FAMILIES, fetched=True, complete=True)
    learned.learn_exchange(
        method="GET", path=INSTRUMENTS, route=ROUTE, status=200,
        body={"data": [{"id": "i1", "family": FAMILIES[0]["id"], "status": "busy"}]},
    )  # fmt: skip
    found = metas(completer, f"get {INSTRUMENTS} family=")
    assert found[FAMILIES[0]["id"]] == "LiquidHandler"  # seen in an answer, named
    assert found[FAMILIES[1]["id"]] == "PlateReader"  # every id of the list
    assert texts(completer, "instruments list family=Plate") == [FAMILIES[1]["id"]]  # by name
    named = metas(completer, "instruments list family=@")
    assert named == {"@LiquidHandler": FAMILIES[0]["id"], "@PlateReader": FAMILIES[1]["id"]}
    assert texts(completer, f"get {INSTRUMENTS} family!=@Li") == ["@LiquidHandler"]


def test_a_field_named_like_a_list_whose_values_are_not_its_ids_is_a_plain_field(
    with_families, learned
):
    learned.learn_ids("/public/v1/families", FAMILIES, fetched=True, complete=True)
    learned.learn_exchange(
        method="GET", path=INSTRUMENTS, route=ROUTE, status=200,
        body={"data": [{"id": "i1", "family": "Robots"}]},
    )  # fmt: skip
    assert metas(with_families, f"get {INSTRUMENTS} family=") == {"Robots": "seen before"}
    assert texts(with_families, f"get {INSTRUMENTS} family=@") == []


def test_values_never_seen_are_fetched_from_a_page_of_the_list(with_families, learned):
    completer = with_families
    assert texts(completer, f"get {INSTRUMENTS} status=") == []
    assert completer.values_asked == [INSTRUMENTS]
    learned.learn_seen(ROUTE, [{"id": "i1", "status": "idle"}, {"id": "i2", "status": "busy"}])
    assert texts(completer, f"get {INSTRUMENTS} status=") == ["idle", "busy"]
    assert texts(completer, "instruments list status=b") == ["busy"]


def test_a_page_that_arrives_while_the_completion_runs_is_in_its_answer(learned, state):
    """The fetch a completion starts can end before that completion does; prompt_toolkit
    drops the restart asked meanwhile (one completion at a time), so the menu stayed
    empty. The completion waits for its page (in the completion thread) and answers."""
    import threading
    from concurrent.futures import Future

    from explorer.registry import Registry, Route

    def fetch_in_a_thread(collection, learn):
        future = Future()

        def run():
            learn()
            future.set_result(True)

        threading.Thread(target=run).start()
        return future

    seen = [{"id": "i1", "status": "idle"}, {"id": "i2", "status": "busy"}]
    ids = [{"id": "i1aaaa", "name": "Robot"}]
    completer = ShellCompleter(
        registry=Registry([Route("GET", f"{INSTRUMENTS}/:id?")]), learned=learned, state=state,
        prefetch=lambda c: fetch_in_a_thread(
            c, lambda: learned.learn_ids(c, ids, fetched=True, complete=True)),
        prefetch_values=lambda c: fetch_in_a_thread(c, lambda: learned.learn_seen(ROUTE, seen)),
    )  # fmt: skip
    assert texts(completer, f"get {INSTRUMENTS} status=") == ["idle", "busy"]
    assert texts(completer, f"get {INSTRUMENTS}/i1") == ["i1aaaa"]


def _async_texts(completer, line):
    import asyncio

    async def collect():
        event = CompleteEvent(completion_requested=True)
        return [c.text async for c in completer.get_completions_async(Document(line), event)]

    return asyncio.run(collect())


def _completing_threads(monkeypatch) -> list:
    """The threads ``ShellCompleter.get_completions`` runs in, from now on."""
    import threading

    from explorer.repl import completer as module

    threads = []
    real = module.ShellCompleter.get_completions

    def spy(self, document, event):
        threads.append(threading.current_thread())
        yield from real(self, document, event)

    monkeypatch.setattr(module.ShellCompleter, "get_completions", spy)
    return threads


def test_what_memory_answers_is_answered_in_the_event_loop(completer, monkeypatch):
    import threading

    threads = _completing_threads(monkeypatch)
    assert completer._at_once("instr")  # command words
    assert completer._at_once("get /public/v1/")  # a directory of literals only
    assert _async_texts(completer, "get /public/v1/instr") == ["instruments"]
    assert threads == [threading.main_thread()]


def test_ids_are_answered_in_a_thread_as_they_may_wait_for_a_prefetch(
    completer, learned, monkeypatch
):
    import threading

    teach(learned)
    threads = _completing_threads(monkeypatch)
    line = f"get {INSTRUMENTS}/"
    assert not completer._at_once(line)  # a parameter segment: ids
    assert _async_texts(completer, line) == texts(completer, line)
    assert "64b000000000000000000001" in texts(completer, line)
    assert threads[0] is not threading.main_thread()
