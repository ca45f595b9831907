"""explorer.repl.learned: what answers teach, persisted per server."""

import threading

from explorer.repl import learned as learned_mod
from explorer.repl.learned import LearnedStore, field_paths, list_items, server_key

ROUTE = "/public/v1/instruments/:id?"
INSTRUMENTS = {
    "data": [
        {
            "id": "a1",
            "name": "HPLC 1",
            "family": "LiquidHandler",
            "updatedAt": "2023-05-01T00:00:00.000Z",
            "actions": [{"id": "x", "action": "prime", "params": {"volume": 1}}],
        },
        {"id": "b2", "name": "Reader", "family": "PlateReader", "tags": ["t"]},
    ]
}


def store(tmp_path):
    return LearnedStore(tmp_path / "learned" / "srv.json")


def test_list_items_shapes():
    assert list_items({"data": [1]}) == [1]
    assert list_items({"items": [2], "next_cursor": "-1"}) == [2]
    assert list_items([3]) == [3]
    assert list_items({"id": "x"}) is None


def test_field_paths_walk_nested_objects_and_arrays():
    found = field_paths(INSTRUMENTS["data"])
    assert {"id", "name", "family", "actions", "actions.action", "actions.params.volume"} <= set(
        found
    )
    assert "tags" in found


def test_a_list_answer_teaches_ids_fields_and_values(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET",
        path="/public/v1/instruments",
        route=ROUTE,
        query=["sort=-name", "family=@LiquidHandler"],
        status=200,
        body=INSTRUMENTS,
    )
    assert s.ids("/public/v1/instruments") == [("a1", "HPLC 1"), ("b2", "Reader")]
    assert "actions.action" in s.fields(ROUTE)
    # Typed filter values come first; categorical answer values follow; unique ones never.
    assert s.values(ROUTE, "family")[0] == "@LiquidHandler"
    assert "PlateReader" in s.values(ROUTE, "family")
    assert s.values(ROUTE, "name") == []
    assert s.values(ROUTE, "updatedAt") == []
    assert s.values(ROUTE, "sort") == []


def test_one_object_teaches_its_collection(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/public/v1/instruments/zz9", route=ROUTE, status=200,
        body={"id": "zz9", "name": "Centrifuge"},
    )
    assert s.ids("/public/v1/instruments") == [("zz9", "Centrifuge")]
    s.learn_exchange(
        method="POST", path="/api/generic/protocol", route="/api/generic/protocol",
        request_body={"name": "P", "description": "d"}, status=200, body={"id": 7, "name": "P"},
        created=True,
    )
    assert s.ids("/api/generic/protocol") == [("7", "P")]
    assert s.body_fields("POST /api/generic/protocol") == ["name", "description"]


def test_an_action_answer_teaches_no_ids(tmp_path):
    s = store(tmp_path)
    for path in ("/public/v1/instruments/i1/commands/c1/kill", "/public-api/user/login"):
        s.learn_exchange(
            method="POST", path=path, route=path, status=200, body={"id": "c1", "name": "x"}
        )
        assert s.ids(path) == []


def test_error_answers_teach_nothing(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/public/v1/instruments/nope", route=ROUTE, status=404,
        body={"code": 404, "message": "Instrument 'nope' not found"},
    )
    assert s.count("/public/v1/instruments") == 0
    assert s.fields(ROUTE) == []


def test_ids_by_prefix_then_by_name(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": f"id{i:03}", "name": f"Thing {i}"} for i in range(300)])
    assert [i for i, _ in s.ids("/x", "id01")] == [f"id{i:03}" for i in range(10, 20)]
    assert s.ids("/x", "thing 299") == [("id299", "Thing 299")]
    assert len(s.ids("/x", "", limit=200)) == 200


def test_persisted_and_read_back(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/public/v1/instruments", route=ROUTE, query=["family=@X"],
        status=200, body=INSTRUMENTS,
    )
    s.learn_body_fields("POST " + ROUTE, ["name"])
    assert s.save()
    assert not s.save()  # nothing new: no write
    again = LearnedStore(s.path)
    again.load()
    assert again.count("/public/v1/instruments") == 2  # read from the line, not decoded
    assert again.ids("/public/v1/instruments") == s.ids("/public/v1/instruments")
    assert again.fields(ROUTE) == s.fields(ROUTE)
    assert again.values(ROUTE, "family") == s.values(ROUTE, "family")
    assert again.body_fields("POST " + ROUTE) == ["name"]


def test_for_server_uses_a_file_per_server(tmp_path):
    a = LearnedStore.for_server(tmp_path, "http://127.0.0.1:5000")
    b = LearnedStore.for_server(tmp_path, "http://127.0.0.1:5001")
    assert a.path != b.path
    assert a.path.parent == tmp_path / "learned"
    assert server_key("http://127.0.0.1:5000/") == server_key("http://127.0.0.1:5000")
    assert server_key("http://127.0.0.1:5000").startswith("127.0.0.1_5000-")


def test_a_damaged_file_is_an_empty_store(tmp_path):
    path = tmp_path / "bad.json"
    for content in (b"{not json", b"[]", b'{"format": 1, "ids": {"/x": 3}}'):
        path.write_bytes(content)
        s = LearnedStore(path)
        s.load()
        assert s.ids("/x") == []


def test_a_damaged_list_line_costs_only_that_list(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/a", [{"id": "1", "name": "one"}])
    s.learn_ids("/b", [{"id": "2", "name": "two"}])
    s.save()
    text = s.path.read_bytes().replace(b'[["1"],["one"]]', b'[["1"],["one"')
    s.path.write_bytes(text + b"garbage line\n")
    again = LearnedStore(s.path)
    assert again.ids("/a") == []
    assert again.ids("/b") == [("2", "two")]


def test_lists_are_decoded_only_when_used_and_written_back_as_read(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/a", [{"id": str(i), "name": f"n{i}"} for i in range(10)])
    s.learn_ids("/b", [{"id": "x", "name": "y"}])
    s.save()
    again = LearnedStore(s.path)
    again.learn_ids("/b", [{"id": "z", "name": "w"}])
    assert again._ids["/a"]._names is None  # still the bytes read from the file
    assert again.save()
    third = LearnedStore(s.path)
    assert len(third.ids("/a")) == 10
    assert third.ids("/b") == [("x", "y"), ("z", "w")]


def test_sizes_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(learned_mod, "MAX_IDS", 100)
    monkeypatch.setattr(learned_mod, "MAX_COLLECTIONS", 3)
    monkeypatch.setattr(learned_mod, "MAX_TOTAL_IDS", 150)
    monkeypatch.setattr(learned_mod, "MAX_VALUES", 5)
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": str(i)} for i in range(250)])
    assert len(s.ids("/x", limit=1000)) == 100
    assert s.ids("/x", "249") == [("249", "")]  # the most recent are kept
    assert s.ids("/x", "0") == []
    for i in range(5):
        s.learn_ids(f"/c{i}", [{"id": "a"}])
    assert [s.count(c) for c in ["/x", "/c0", "/c1", "/c2", "/c3", "/c4"]] == [0, 0, 0, 1, 1, 1]
    s.learn_ids("/c4", [{"id": str(i)} for i in range(100)])
    s.learn_ids("/c3", [{"id": str(i)} for i in range(60)])
    assert s.count("/c4") == 0  # over the total: the least recently touched list goes
    assert s.count("/c3") == 61  # "a" and 0..59
    for i in range(20):
        s.learn_query(ROUTE, [f"family=v{i}"])
    assert s.values(ROUTE, "family") == ["v19", "v18", "v17", "v16", "v15"]
    s.learn_value(ROUTE, "family", "x" * 500)
    assert "x" * 500 not in s.values(ROUTE, "family")


def test_concurrent_learning_and_reading(tmp_path):
    s = store(tmp_path)
    errors = []

    def writer(n):
        try:
            for i in range(200):
                s.learn_ids("/x", [{"id": f"{n}-{i}", "name": "n"}])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader():
        try:
            for _ in range(200):
                s.ids("/x", "1")
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert len(s.ids("/x", limit=10_000)) == 600


def test_readers_do_not_wait_while_the_file_is_written(tmp_path, monkeypatch):
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": "a", "name": "A"}])
    s.learn_ids("/y", [{"id": "b", "name": "B"}])
    real = learned_mod.atomic_write
    stuck = []

    def slow_disk(path, chunks, **kwargs):
        def written():
            for chunk in chunks:
                # While a chunk goes to the disk, the completer reads and learns.
                reader = threading.Thread(
                    target=lambda: (s.ids("/x"), s.learn_ids("/z", [{"id": "c"}]))
                )
                reader.start()
                reader.join(5)
                stuck.append(reader.is_alive())
                if stuck[-1]:
                    break  # no need to wait at every chunk to know
                yield chunk

        real(path, written(), **kwargs)

    monkeypatch.setattr(learned_mod, "atomic_write", slow_disk)
    assert s.save()
    assert stuck and not any(stuck)
    assert s.dirty  # "/z" was learned during the write: the next save writes it
    monkeypatch.setattr(learned_mod, "atomic_write", real)
    assert s.save()
    again = LearnedStore(s.path)
    assert [again.count(c) for c in ("/x", "/y", "/z")] == [1, 1, 1]


def test_a_failed_write_is_tried_again(tmp_path, monkeypatch):
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": "a"}])

    def full_disk(path, chunks, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(learned_mod, "atomic_write", full_disk)
    try:
        s.save()
    except OSError:
        pass
    assert s.dirty


def test_filter_values_are_learned_for_dotted_paths(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/public/v1/instruments", route=ROUTE, status=200,
        body={"data": [
            *INSTRUMENTS["data"],
            {"id": "c3", "actions": [{"id": "y", "action": "aspirate"}],
             "location": {"room": "B12", "apiKey": "k-secret", "updatedAt": "2023"},
             "secret": {"kind": "hidden-value"}},
        ]},
    )
    assert s.values(ROUTE, "actions.action") == ["prime", "aspirate"]
    assert s.values(ROUTE, "location.room") == ["B12"]
    # unique and secret fields stay out, nested or not
    assert s.values(ROUTE, "actions.id") == []
    assert s.values(ROUTE, "location.updatedAt") == []
    assert s.values(ROUTE, "location.apiKey") == []
    assert s.values(ROUTE, "secret.kind") == []


def test_filter_keys_per_route_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(learned_mod, "MAX_FIELDS", 3)
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/x", route="/x", status=200,
        body=[{"id": "1", "a": {"b": "1", "c": "2"}, "d": ["e"], "f": "3", "g": "4"}],
    )
    assert [k for k in ("a.b", "a.c", "f", "g") if s.values("/x", k)] == ["a.b", "a.c", "f"]


def test_a_deleted_id_is_forgotten_and_stays_forgotten(tmp_path):
    s = store(tmp_path)
    s.learn_exchange(
        method="GET", path="/public/v1/instruments", route=ROUTE, status=200, body=INSTRUMENTS
    )
    s.learn_ids("/public/v1/instruments/a1/commands", [{"id": "c1", "name": "prime"}])
    s.save()
    s.learn_exchange(
        method="DELETE", path="/public/v1/instruments/nope", route=ROUTE, status=404, body=None
    )
    assert not s.dirty  # a failed delete forgets nothing
    s.learn_exchange(
        method="DELETE", path="/public/v1/instruments/a1", route=ROUTE, status=204, body=None
    )
    assert s.ids("/public/v1/instruments") == [("b2", "Reader")]
    assert s.count("/public/v1/instruments/a1/commands") == 0  # the lists under it go too
    assert s.save()
    again = LearnedStore(s.path)
    assert again.ids("/public/v1/instruments") == [("b2", "Reader")]
    assert again.count("/public/v1/instruments/a1/commands") == 0


def test_a_fetched_whole_list_replaces_the_ids(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": "old", "name": "Old"}, {"id": "kept", "name": "Kept"}])
    s.learn_ids("/x", [{"id": "kept", "name": "Kept"}, {"id": "new", "name": "New"}],
                fetched=True, complete=True)
    assert s.ids("/x") == [("kept", "Kept"), ("new", "New")]


def test_a_fetched_first_page_replaces_what_the_last_fetch_brought(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/x", [{"id": "seen", "name": "Seen in an answer"}])
    s.learn_ids("/x", [{"id": "p1"}, {"id": "p2"}], fetched=True)
    s.save()
    again = LearnedStore(s.path)  # the last fetch's ids are persisted with the list
    again.learn_ids("/x", [{"id": "p2"}, {"id": "p3"}], fetched=True)
    # p1 left the first page (deleted, or pushed past it); what answers showed stays
    assert [i for i, _ in again.ids("/x")] == ["p2", "p3", "seen"]
    again.learn_ids("/x", [{"id": "p3"}], fetched=True)
    assert [i for i, _ in again.ids("/x")] == ["p3", "seen"]


def test_an_old_list_line_without_fetched_ids_is_read(tmp_path):
    path = tmp_path / "old.json"
    meta = b'{"format":2,"fields":{},"values":{},"body":{}}\n'
    path.write_bytes(meta + b'"/x"\t1.0\t1\t[["a"],["A"]]\n')
    s = LearnedStore(path)
    s.learn_ids("/x", [{"id": "b"}], fetched=True)
    assert [i for i, _ in s.ids("/x")] == ["a", "b"]


def test_values_seen_in_the_whole_list_replace_those_seen_before(tmp_path):
    s = store(tmp_path)
    page = [{"id": "a", "status": "busy"}, {"id": "b", "status": "idle"}]
    s.learn_exchange(method="GET", path="/public/v1/instruments", route=ROUTE, status=200,
                     query=["limit=2"], body={"data": page})  # fmt: skip
    assert s.values(ROUTE, "status") == ["busy", "idle"]
    # a page, a filtered list or a projection says nothing about what is gone
    for query in (["limit=1"], ["slots>2"], ["fields=name"]):
        answer = {"data": [{"id": "b", "name": "x"}]}
        s.learn_exchange(method="GET", path="/public/v1/instruments", route=ROUTE,
                         status=200, query=query, body=answer)  # fmt: skip
        assert s.values(ROUTE, "status") == ["busy", "idle"], query
    # the whole list: nothing is busy any more
    whole = [{"id": "a", "status": "offline"}, {"id": "b", "status": "idle"}]
    s.learn_exchange(method="GET", path="/public/v1/instruments", route=ROUTE, status=200,
                     query=["sort=name"], body={"data": whole})  # fmt: skip
    assert s.values(ROUTE, "status") == ["offline", "idle"]
    s.learn_query(ROUTE, ["status=busy"])  # typed values stay, first
    assert s.values(ROUTE, "status") == ["busy", "offline", "idle"]
    s.save()
    again = store(tmp_path)
    assert again.values(ROUTE, "status") == ["busy", "offline", "idle"]
    assert again.has_seen(ROUTE) and not again.has_seen("/other")


def test_values_seen_are_bounded_per_field(tmp_path, monkeypatch):
    monkeypatch.setattr(learned_mod, "MAX_VALUES", 3)
    s = store(tmp_path)
    s.learn_seen(ROUTE, [{"id": str(i), "status": f"s{i}"} for i in range(10)], whole=True)
    assert s.values(ROUTE, "status") == ["s0", "s1", "s2"]
    s.learn_seen(ROUTE, [{"id": "x", "status": "later"}])
    assert len(s.values(ROUTE, "status")) == 3


def test_names_and_ids_of_a_list(tmp_path):
    s = store(tmp_path)
    s.learn_ids("/f", [{"id": "1", "name": "Liquid"}, {"id": "2", "name": "lamp"},
                       {"id": "3", "name": "Reader"}])  # fmt: skip
    assert s.names("/f", "l") == [("lamp", "2"), ("Liquid", "1")]
    assert s.name_of("/f", "3") == "Reader" and s.name_of("/f", "9") is None
    assert s.knows("/f", "1") and not s.knows("/g", "1")
