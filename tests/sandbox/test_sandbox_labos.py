"""The LabOS public API over HTTP: seed, list reads, CRUD, commands, actions, errors."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
import requests
from sandbox_helpers import assert_error

from explorer.sandbox import SandboxServer

INSTRUMENTS = "/public/v1/instruments"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
HEX24 = re.compile(r"[0-9a-f]{24}")


# ------------------------------------------------------------------------------ seed


COMMON_ATTRIBUTES = {
    "id", "name", "description", "createdBy", "createdAt", "updatedBy", "updatedAt",
    "tags", "acl",
}  # fmt: skip


def assert_common_attributes(item: dict) -> None:
    assert set(item) >= COMMON_ATTRIBUTES, sorted(COMMON_ATTRIBUTES - set(item))
    assert HEX24.fullmatch(item["id"])
    assert ISO.fullmatch(item["createdAt"]) and ISO.fullmatch(item["updatedAt"])
    assert item["createdAt"] <= item["updatedAt"]
    assert HEX24.fullmatch(item["createdBy"]) and HEX24.fullmatch(item["updatedBy"])
    assert isinstance(item["name"], str) and item["name"]
    assert isinstance(item["description"], str)
    assert all(isinstance(t, str) for t in item["tags"])
    assert isinstance(item["acl"], dict)


def test_seed_has_every_common_attribute(reader):
    items = reader.data(INSTRUMENTS)
    assert len(items) >= 50
    for item in items:
        assert_common_attributes(item)
        assert item["actions"]
        for action in item["actions"]:
            assert set(action) == COMMON_ATTRIBUTES | {"action", "params"}
            assert_common_attributes(action)
            assert action["name"] == action["action"]
            assert isinstance(action["params"], dict)
    for path in ("/public/v1/families", f"{INSTRUMENTS}/{items[0]['id']}/commands"):
        for item in reader.data(path):
            assert_common_attributes(item)
    families = {f["id"]: f["name"] for f in reader.data("/public/v1/families")}
    assert set(families.values()) == {"LiquidHandler", "PlateReader", "Incubator", "Centrifuge"}
    assert {families[i["family"]] for i in items} == set(families.values())
    first = items[0]
    assert families[first["family"]] == "LiquidHandler"
    assert "prime" in [a["action"] for a in first["actions"]]


def test_seed_is_the_same_on_every_start(reader):
    with SandboxServer().start() as other:
        theirs = requests.get(
            other.url + INSTRUMENTS, headers={"Authorization": f"Bearer {other.token}"}
        ).json()
        assert theirs["data"] == reader.data(INSTRUMENTS)


def test_a_command_exists_in_every_status(reader):
    statuses = set()
    for instrument in reader.data(INSTRUMENTS + "?limit=8"):
        commands = reader.data(f"{INSTRUMENTS}/{instrument['id']}/commands")
        assert all(c["instrumentId"] == instrument["id"] for c in commands)
        statuses |= {c["status"] for c in commands}
    assert statuses == {"queued", "running", "done", "killed"}


# ------------------------------------------------------------------------- reading


def test_sort_limit_skip(reader):
    everything = reader.data(INSTRUMENTS)
    by_name = sorted(everything, key=lambda i: i["name"])
    assert reader.data(INSTRUMENTS + "?sort=name") == by_name
    page = reader.data(INSTRUMENTS + "?sort=name&skip=5&limit=7")
    assert page == by_name[5:12]
    two_keys = reader.data(INSTRUMENTS + "?sort=family,-updatedAt")
    expected = sorted(everything, key=lambda i: i["updatedAt"], reverse=True)
    expected.sort(key=lambda i: i["family"])
    assert two_keys == expected


def test_paging_edges(reader):
    count = len(reader.data(INSTRUMENTS))
    assert reader.data(INSTRUMENTS + f"?skip={count}") == []
    assert reader.data(INSTRUMENTS + "?skip=100000&limit=3") == []
    assert len(reader.data(INSTRUMENTS + f"?skip={count - 1}&limit=10")) == 1
    assert len(reader.data(INSTRUMENTS + "?limit=0")) == count  # 0: no limit


def test_fields(reader):
    items = reader.data(INSTRUMENTS + "?fields=name,actions.action&limit=2")
    assert [set(i) for i in items] == [{"id", "name", "actions"}] * 2
    assert all(set(a) == {"action"} for i in items for a in i["actions"])
    one = reader.get(f"{INSTRUMENTS}/{items[0]['id']}?fields=tags")
    assert set(one.json()) == {"id", "tags"}


def test_filters_with_raw_operators(reader, raw):
    everything = reader.data(INSTRUMENTS)
    dates = sorted(i["updatedAt"] for i in everything)
    middle = dates[len(dates) // 2]
    cases = {
        f"updatedAt>{middle}": lambda i: i["updatedAt"] > middle,
        f"updatedAt>={middle}": lambda i: i["updatedAt"] >= middle,
        f"updatedAt<{middle}": lambda i: i["updatedAt"] < middle,
        f"updatedAt<={middle}": lambda i: i["updatedAt"] <= middle,
        "slots>8": lambda i: i["slots"] > 8,
        "slots<=2": lambda i: i["slots"] <= 2,
        "status!=idle": lambda i: i["status"] != "idle",
        "status=busy": lambda i: i["status"] == "busy",
        "tags=robot": lambda i: "robot" in i["tags"],
        "actions.action=prime": lambda i: any(a["action"] == "prime" for a in i["actions"]),
        "actions.params.rpm>=6000": lambda i: any(
            a["params"].get("rpm", 0) >= 6000 for a in i["actions"]
        ),
    }
    for component, keep in cases.items():
        answer = raw(f"{INSTRUMENTS}?{component}&limit=1000")
        assert answer.status == 200, (component, answer.body)
        expected = [i["id"] for i in everything if keep(i)]
        assert expected, component
        assert [i["id"] for i in answer.json()["data"]] == expected, component


def test_filter_as_requests_sends_it(reader, sandbox_session, raw):
    # requests percent-encodes a raw '<' or '>' (RFC 3986 allows neither in a query):
    # the server reads the encoded operator as the operator
    for component in ("updatedAt>2023-05-01", "updatedAt<=2023-05-01"):
        url = f"{sandbox_session.url}{INSTRUMENTS}?{component}"
        response = reader.session.get(url)
        assert "%3" in response.request.url
        assert response.status_code == 200, response.text
        verbatim = raw(f"{INSTRUMENTS}?{component}")
        assert verbatim.status == 200
        assert response.json() == verbatim.json()
    # an '=' filter survives requests' encoding, and an encoded '=' in a value is data
    assert len(reader.data(INSTRUMENTS + "?status=busy")) > 0
    assert reader.data(INSTRUMENTS + "?name=a%3Db") == []


def test_reference_by_name(reader):
    families = {f["name"]: f["id"] for f in reader.data("/public/v1/families")}
    liquid = reader.data(INSTRUMENTS + "?family=@LiquidHandler")
    assert liquid and all(i["family"] == families["LiquidHandler"] for i in liquid)
    others = reader.data(INSTRUMENTS + "?family!=@LiquidHandler")
    assert len(liquid) + len(others) == len(reader.data(INSTRUMENTS))
    assert reader.data(INSTRUMENTS + "?family=LiquidHandler") == []  # the field holds an id
    assert reader.data(INSTRUMENTS + "?family=@Nothing") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("skip=1.5", "skip"),
        ("sort=colour", "unknown field 'colour'"),
        ("fields=colour", "unknown field 'colour'"),
        ("colour=red", "unknown field 'colour'"),
        ("limit>2", "limit"),
        ("name=%ZZ", "percent-encoding"),
        ("name=%C3%28", "UTF-8"),
        ("bare", "no operator"),
    ],
)
def test_bad_queries_are_400(raw, query, message):
    assert_error(raw(f"{INSTRUMENTS}?{query}"), 400, message=message)


def test_unknown_id_is_404_naming_it(reader):
    body = assert_error(reader.get(f"{INSTRUMENTS}/nope"), 404)
    assert body["message"] == "Instrument 'nope' not found"


# ------------------------------------------------------------------------- writing


def test_create_get_replace_update_delete(labos):
    family = labos.data("/public/v1/families?name=Incubator")[0]["id"]
    created = labos("POST", INSTRUMENTS, json={"name": "New one", "family": family, "tags": ["x"]})
    assert created.status_code == 201
    doc = created.json()
    assert HEX24.fullmatch(doc["id"]) and ISO.fullmatch(doc["createdAt"])
    assert created.headers["Location"] == f"{INSTRUMENTS}/{doc['id']}"
    assert (doc["name"], doc["family"], doc["tags"], doc["actions"]) == (
        "New one",
        family,
        ["x"],
        [],
    )
    url = f"{INSTRUMENTS}/{doc['id']}"
    assert labos.get(url).json() == doc
    assert doc in labos.data(INSTRUMENTS + "?name=New+one")

    replacement = {"name": "Replaced", "actions": [{"action": "open"}], "slots": 3}
    first = labos("PUT", url, json=replacement)
    assert first.status_code == 200
    replaced = first.json()
    assert replaced["name"] == "Replaced" and replaced["tags"] == [] and replaced["family"] is None
    assert replaced["createdAt"] == doc["createdAt"] and replaced["id"] == doc["id"]
    assert HEX24.fullmatch(replaced["actions"][0]["id"])
    again = labos("PUT", url, json=replacement)
    assert again.status_code == 200 and again.json() == replaced  # idempotent

    patched = labos("PATCH", url, json={"description": "patched", "createdAt": "ignored"})
    assert patched.status_code == 200
    assert patched.json()["description"] == "patched"
    assert patched.json()["name"] == "Replaced"
    assert patched.json()["createdAt"] == doc["createdAt"]

    assert labos("DELETE", url).status_code == 204
    assert labos("DELETE", url).status_code == 204  # idempotent
    assert labos("DELETE", f"{INSTRUMENTS}/never-existed").status_code == 204
    assert_error(labos.get(url), 404, message="not found")


def test_replace_of_an_unknown_id_is_404(labos):
    assert_error(labos("PUT", f"{INSTRUMENTS}/nope", json={"name": "x"}), 404)
    assert_error(labos("PATCH", f"{INSTRUMENTS}/nope", json={"name": "x"}), 404)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b"", "JSON body is required"),
        (b'{"name": "x", "colour": "red"}', "unknown field 'colour'"),
        (b'{"name": 5}', "name: expected a non-empty string"),
        (b'{"name": ""}', "name"),
        (b'{"description": "no name"}', "missing required field 'name'"),
        (b'{"name": "x", "tags": ["a", 3]}', "tags[1]: expected a string"),
        (b'{"name": "x", "slots": -1}', "slots"),
        (b'{"name": "x", "slots": true}', "slots: expected a whole number"),
        (b'{"name": "x", "actions": [{"params": {}}]}', "missing required field 'action'"),
        (b'{"name": "x", "actions": [{"action": "a", "x": 1}]}', "unknown field 'x'"),
        (b'{"name": "x", "family": "0000"}', "no instrument family"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_bad_bodies_are_400(labos, body, message):
    response = labos("POST", INSTRUMENTS, data=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400, message=message)
    assert len(labos.data(INSTRUMENTS)) == 52  # nothing created


def test_a_body_over_the_limit_is_413(labos):
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = labos("POST", INSTRUMENTS, data=big, headers={"Content-Type": "application/json"})
    assert_error(response, 413)
    assert labos.get(INSTRUMENTS + "?limit=1").status_code == 200


def test_read_only_families_answer_405(labos):
    response = labos("POST", "/public/v1/families", json={"name": "x"})
    assert_error(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


# ------------------------------------------------------------------------ commands


def _first(labos):
    return labos.data(INSTRUMENTS + "?limit=1")[0]


def test_create_and_kill_a_command(labos):
    instrument = _first(labos)
    base = f"{INSTRUMENTS}/{instrument['id']}/commands"
    created = labos("POST", base, json={"action": "prime", "params": {"volume": 10}})
    assert created.status_code == 201
    command = created.json()
    assert command["status"] == "queued" and command["action"] == "prime"
    assert command["instrumentId"] == instrument["id"] and command["params"] == {"volume": 10}
    assert command in labos.data(base + "?status=queued")
    assert labos.get(f"{base}/{command['id']}").json() == command
    killed = labos("POST", f"{base}/{command['id']}/kill")
    assert killed.status_code == 200 and killed.json()["status"] == "killed"
    again = labos("POST", f"{base}/{command['id']}/kill")
    assert again.status_code == 200 and again.json()["status"] == "killed"
    defaults = labos("POST", base, json={"action": "prime"}).json()
    prime = next(a for a in instrument["actions"] if a["action"] == "prime")
    assert defaults["params"] == prime["params"]


def test_command_errors(labos):
    instrument = _first(labos)
    base = f"{INSTRUMENTS}/{instrument['id']}/commands"
    assert_error(labos("POST", base, json={"action": "spin"}), 400, message="no action 'spin'")
    assert_error(labos("POST", base, json={}), 400, message="action")
    assert_error(labos("POST", base, json={"action": "prime", "x": 1}), 400)
    assert_error(labos("POST", f"{INSTRUMENTS}/nope/commands", json={"action": "prime"}), 404)
    done = labos.data(base + "?status=done")[0]
    assert_error(labos("POST", f"{base}/{done['id']}/kill"), 409, message="already done")
    assert_error(labos("POST", f"{base}/nope/kill"), 404, message="Command 'nope' not found")
    other = labos.data(INSTRUMENTS + "?skip=1&limit=1")[0]
    assert_error(labos.get(f"{INSTRUMENTS}/{other['id']}/commands/{done['id']}"), 404)


def test_deleting_an_instrument_deletes_its_commands(tmp_path):
    db = tmp_path / "sandbox.db"
    with SandboxServer(db=db).start() as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        first = requests.get(f"{server.url}{INSTRUMENTS}?limit=1", headers=headers).json()
        instrument = first["data"][0]["id"]
        url = f"{server.url}{INSTRUMENTS}/{instrument}"
        assert requests.get(url + "/commands", headers=headers).json()["data"]
        assert requests.delete(url, headers=headers).status_code == 204
        assert_error(requests.get(url + "/commands", headers=headers), 404)
    with sqlite3.connect(db) as conn:
        left = [
            row[0]
            for row in conn.execute("SELECT body FROM docs WHERE kind = 'command'")
            if json.loads(row[0])["instrumentId"] == instrument
        ]
    assert left == []


def test_actions(reader):
    instrument = reader.data(INSTRUMENTS + "?limit=1")[0]
    base = f"{INSTRUMENTS}/{instrument['id']}/actions"
    assert reader.data(base) == instrument["actions"]
    assert [a["action"] for a in reader.data(base + "?sort=action")] == sorted(
        a["action"] for a in instrument["actions"]
    )
    assert reader.data(base + "?action=prime&fields=action") == [
        {"id": instrument["actions"][0]["id"], "action": "prime"}
    ]
    one = instrument["actions"][1]
    assert reader.get(f"{base}/{one['id']}").json() == one
    assert_error(reader.get(f"{base}/nope"), 404, message="Action 'nope' not found")


def test_actions_carry_the_common_attributes_through_writes(labos):
    body = {"name": "With actions", "actions": [{"action": "prime", "params": {"volume": 5}}]}
    created = labos("POST", INSTRUMENTS, json=body).json()
    (prime,) = created["actions"]
    assert set(prime) == COMMON_ATTRIBUTES | {"action", "params"}
    assert prime["name"] == "prime" and prime["description"] == "" and prime["tags"] == []
    assert prime["createdBy"] == created["createdBy"] and prime["createdAt"] == created["createdAt"]
    url = f"{INSTRUMENTS}/{created['id']}"
    assert labos.get(f"{url}/actions/{prime['id']}").json() == prime
    assert [i["id"] for i in labos.data(INSTRUMENTS + "?actions.action=prime")].count(
        created["id"]
    ) == 1
    assert labos.data(f"{url}/actions?name=prime&fields=name") == [
        {"id": prime["id"], "name": "prime"}
    ]

    same = labos("PUT", url, json={**created, "actions": created["actions"]}).json()
    assert same == created  # read-only stamps in a body are ignored; nothing changed

    renamed = {**prime, "name": "Prime the tips", "tags": ["daily"], "createdAt": "ignored"}
    changed = labos("PATCH", url, json={"actions": [renamed]}).json()
    (after,) = changed["actions"]
    assert (after["id"], after["name"], after["tags"]) == (prime["id"], "Prime the tips", ["daily"])
    assert after["createdAt"] == prime["createdAt"] and after["updatedAt"] >= prime["updatedAt"]
    empty_name = labos("PATCH", url, json={"actions": [{"action": "open", "name": ""}]})
    assert_error(empty_name, 400, message="actions[0].name")

