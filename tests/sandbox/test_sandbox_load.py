"""Load: 8 concurrent clients, about 2,000 mixed requests, no errors, consistent data."""

from __future__ import annotations

import random
import threading
import time

import requests

INSTRUMENTS = "/public/v1/instruments"
CLIENTS = 8
ROUNDS = 25  # 10 requests a round: 8 * 25 * 10 = 2,000


def client(server, number: int, shared: str, results: dict, errors: list) -> None:
    rng = random.Random(number)
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Bearer {server.token}"
    base = server.url
    mine: dict[str, str] = {}
    deleted: set[str] = set()
    commands: list[str] = []
    protocols: list[int] = []

    def call(method, path, expected, **kwargs):
        response = session.request(method, base + path, timeout=30, **kwargs)
        if response.status_code != expected:
            errors.append((method, path, response.status_code, response.text[:200]))
        return response

    try:
        for round_ in range(ROUNDS):
            name = f"c{number}-{round_}"
            created = call("POST", INSTRUMENTS, 201, json={"name": name, "tags": [f"c{number}"]})
            doc_id = created.json()["id"]
            mine[doc_id] = name
            call("GET", f"{INSTRUMENTS}?tags=c{number}&sort=-createdAt&limit=5", 200)
            call("GET", f"{INSTRUMENTS}/{doc_id}?fields=name", 200)
            renamed = f"{name}-patched"
            call("PATCH", f"{INSTRUMENTS}/{doc_id}", 200, json={"name": renamed})
            mine[doc_id] = renamed
            if rng.random() < 0.3:
                call("PUT", f"{INSTRUMENTS}/{doc_id}", 200, json={"name": renamed, "slots": 2})
            command = call(
                "POST", f"{INSTRUMENTS}/{shared}/commands", 201, json={"action": "prime"}
            )
            commands.append(command.json()["id"])
            call("POST", f"{INSTRUMENTS}/{shared}/commands/{command.json()['id']}/kill", 200)
            call("GET", "/discover", 200)
            key = {"apikey": server.api_key}
            protocol = call("POST", "/api/generic/protocol", 200, json={"name": name}, headers=key)
            protocols.append(protocol.json()["id"])
            if round_ % 5 == 4:
                victim = rng.choice(sorted(set(mine) - deleted))
                call("DELETE", f"{INSTRUMENTS}/{victim}", 204)
                deleted.add(victim)
            else:
                # requests percent-encodes '>' and '<' (see test_sandbox_labos); '!=' survives
                call("GET", f"{INSTRUMENTS}?status!=offline&sort=-updatedAt&limit=3", 200)
    except Exception as exc:  # a broken connection is an error of the test, too
        errors.append(repr(exc))
    finally:
        session.close()
    results[number] = (mine, deleted, commands, protocols)


def test_concurrent_mixed_load(sandbox):
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    shared = requests.get(sandbox.url + INSTRUMENTS + "?limit=1", headers=headers).json()
    shared_id = shared["data"][0]["id"]
    commands_url = f"{sandbox.url}{INSTRUMENTS}/{shared_id}/commands"
    before = len(requests.get(commands_url, headers=headers).json()["data"])
    results: dict = {}
    errors: list = []
    threads = [
        threading.Thread(target=client, args=(sandbox, n, shared_id, results, errors))
        for n in range(CLIENTS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert time.monotonic() - started < 30  # a guard against hanging, not a speed test
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert sandbox.failures == []
    assert len(results) == CLIENTS

    everything = requests.get(sandbox.url + INSTRUMENTS, headers=headers).json()["data"]
    by_id = {d["id"]: d for d in everything}
    assert len(by_id) == len(everything)
    expected_total = 52
    for mine, deleted, _, _ in results.values():
        expected_total += len(mine) - len(deleted)
        for doc_id, name in mine.items():
            if doc_id in deleted:
                assert doc_id not in by_id
            else:
                assert by_id[doc_id]["name"] == name
    assert len(everything) == expected_total

    commands = requests.get(commands_url, headers=headers).json()["data"]
    created = [c for r in results.values() for c in r[2]]
    assert len(commands) == before + len(created) == before + CLIENTS * ROUNDS
    status = {c["id"]: c["status"] for c in commands}
    assert all(status[c] == "killed" for c in created)

    protocol_ids = [p for r in results.values() for p in r[3]]
    assert len(set(protocol_ids)) == len(protocol_ids) == CLIENTS * ROUNDS
    listed = requests.get(
        sandbox.url + "/api/generic/protocol?count=1", headers={"apikey": sandbox.api_key}
    ).json()
    assert listed["total"] == 5 + CLIENTS * ROUNDS
