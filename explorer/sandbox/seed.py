"""Deterministic seed data: the same objects, ids and dates on every start.

LabOS: a demo user, 4 instrument families, 52 instruments (every family, with actions;
the first is a LiquidHandler that can ``prime``), a few commands, and the data of the
extra endpoint families (labware, samples) that are switched on at run time.
Labstep: protocols and experiments (one of each soft-deleted).

Ids are 24 hex characters (MongoDB ObjectId shape) derived from a name, so a seed
object's id never changes; new objects get time-ordered ids like ObjectIds.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from explorer.sandbox.store import Store

BASE = datetime(2023, 1, 2, 8, 0, 0, tzinfo=UTC)
USER_NAME = "Demo User"

FAMILIES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "LiquidHandler": [
        ("prime", {"volume": 50}),
        ("aspirate", {"volume": 100, "well": "A1"}),
        ("dispense", {"volume": 100, "well": "B1"}),
        ("wash", {"cycles": 3}),
    ],
    "PlateReader": [
        ("read", {"wavelength": 450}),
        ("shake", {"seconds": 30}),
        ("open", {}),
        ("close", {}),
    ],
    "Incubator": [
        ("set_temperature", {"celsius": 37}),
        ("open", {}),
        ("close", {}),
    ],
    "Centrifuge": [
        ("spin", {"rpm": 3000, "seconds": 300}),
        ("stop", {}),
        ("open", {}),
    ],
}
MODELS = {
    "LiquidHandler": ["Hamilton STAR", "Opentrons OT-2", "Tecan Fluent", "Beckman Biomek"],
    "PlateReader": ["BMG CLARIOstar", "Tecan Spark", "BioTek Synergy"],
    "Incubator": ["Liconic STX44", "Thermo Cytomat", "Heracell VIOS"],
    "Centrifuge": ["Agilent VSpin", "Eppendorf 5810", "Hettich Rotanta"],
}
SLOTS = {
    "LiquidHandler": (8, 12, 24),
    "PlateReader": (1, 2),
    "Incubator": (22, 44, 88),
    "Centrifuge": (2, 4),
}
TAGS = ["robot", "shared", "calibrated", "maintenance", "bsl2", "room-101", "room-204"]
STATUSES = ["idle", "idle", "busy", "offline"]
INSTRUMENTS = 52
#: action parameters that differ between instruments of a family
SCALED = ("volume", "cycles", "seconds", "rpm")


def oid(kind: str, number: int) -> str:
    """The deterministic 24-hex id of seed object ``number`` of ``kind``."""
    return hashlib.sha1(f"{kind}:{number}".encode()).hexdigest()[:24]


def new_oid() -> str:
    """A fresh, time-ordered 24-hex id (like a MongoDB ObjectId)."""
    return f"{int(time.time()):08x}{os.urandom(8).hex()}"


def _pick(key: str, n: int) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % n


def iso(moment: datetime) -> str:
    """LabOS time format: ``2023-05-01T12:00:00.000Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def labstep_time(moment: datetime) -> str:
    """Labstep time format: ``2023-05-01T12:00:00+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def now_iso() -> str:
    return iso(datetime.now(UTC))


def now_labstep() -> str:
    return labstep_time(datetime.now(UTC))


def user_id() -> str:
    return oid("user", 0)


def common(kind: str, number: int, name: str, description: str, tags: list[str]) -> dict:
    created = BASE + timedelta(hours=37 * number + _pick(f"{kind}c{number}", 30))
    updated = created + timedelta(days=_pick(f"{kind}u{number}", 120), seconds=number * 61)
    return {
        "id": oid(kind, number),
        "name": name,
        "description": description,
        "createdBy": user_id(),
        "createdAt": iso(created),
        "updatedBy": user_id(),
        "updatedAt": iso(updated),
        "tags": tags,
        "acl": {"owner": user_id(), "read": ["*"], "write": [user_id()]},
    }


def _tags(kind: str, number: int) -> list[str]:
    first = _pick(f"{kind}t{number}", len(TAGS))
    count = 1 + _pick(f"{kind}n{number}", 3)
    return sorted({TAGS[(first + 2 * k) % len(TAGS)] for k in range(count)})


def families() -> list[dict[str, Any]]:
    return [common("family", n, name, f"{name} instruments", []) for n, name in enumerate(FAMILIES)]


def instruments() -> list[dict[str, Any]]:
    names = list(FAMILIES)
    out = []
    for n in range(INSTRUMENTS):
        family = names[n % len(names)]
        models = MODELS[family]
        model = models[(n // len(names)) % len(models)]
        serial = n // len(names) + 1
        doc = common(
            "instrument",
            n,
            f"{model} #{serial}",
            f"{family} {serial} in the automation lab",
            _tags("instrument", n),
        )
        actions = []
        for a, (action, params) in enumerate(FAMILIES[family]):
            scaled = {k: v * (1 + n % 3) if k in SCALED else v for k, v in params.items()}
            words = action.replace("_", " ").capitalize()
            item = common("action", n * 10 + a, action, f"{words} ({family})", [])
            item.update(createdAt=doc["createdAt"], updatedAt=doc["createdAt"])
            actions.append({**item, "action": action, "params": scaled})
        doc.update(
            family=oid("family", n % len(names)),
            status=STATUSES[_pick(f"s{n}", len(STATUSES))],
            slots=SLOTS[family][n % len(SLOTS[family])],
            actions=actions,
        )
        out.append(doc)
    return out


def commands(instrument_docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    statuses = ["done", "done", "running", "queued", "killed"]
    number = 0
    for instrument in instrument_docs[:8]:
        for k in range(2):
            action = instrument["actions"][k % len(instrument["actions"])]
            doc = common("command", number, action["action"], "", [])
            doc.update(
                status=statuses[number % len(statuses)],
                action=action["action"],
                params=dict(action["params"]),
                instrumentId=instrument["id"],
            )
            out.append(doc)
            number += 1
    return out


def labware() -> list[dict[str, Any]]:
    formats = [("96-well plate", 96), ("384-well plate", 384), ("tube rack", 24)]
    out = []
    for n in range(12):
        label, wells = formats[n % len(formats)]
        doc = common("labware", n, f"{label} {n + 1:02d}", f"A {label}", _tags("labware", n))
        doc.update(format=label, wells=wells)
        out.append(doc)
    return out


def samples() -> list[dict[str, Any]]:
    out = []
    for n in range(20):
        doc = common("sample", n, f"Sample S-{1000 + n}", "", _tags("sample", n))
        doc.update(barcode=f"S{1000 + n}", volume=round(5 + 2.5 * _pick(f"v{n}", 40), 1))
        out.append(doc)
    return out


# --------------------------------------------------------------------- Labstep

PROTOCOLS = [
    "PCR amplification",
    "Western blot",
    "Plasmid miniprep",
    "ELISA",
    "Cell passaging",
    "Gel electrophoresis",
]
EXPERIMENTS = [
    ("Gene X expression", 0),
    ("Antibody titration", 3),
    ("Clone screening", 2),
    ("Protein Y detection", 1),
    ("HeLa growth curve", 4),
    ("Primer test", 0),
    ("Old trial run", None),
    ("Plate uniformity", 3),
]


def labstep_author() -> dict[str, Any]:
    return {"id": 1, "username": "", "first_name": "Demo", "last_name": "User"}


def labstep_entities(author: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    protocols = []
    for n, name in enumerate(PROTOCOLS, start=1):
        created = BASE + timedelta(days=3 * n, hours=n)
        protocols.append(
            {
                "id": n,
                "name": name,
                "description": f"Standard {name.lower()} protocol",
                "created_at": labstep_time(created),
                "updated_at": labstep_time(created + timedelta(days=n)),
                "deleted_at": labstep_time(created + timedelta(days=40)) if n == 5 else None,
                "author": dict(author),
            }
        )
    experiments = []
    for n, (name, protocol) in enumerate(EXPERIMENTS, start=1):
        created = BASE + timedelta(days=5 * n, hours=2 * n)
        experiments.append(
            {
                "id": n,
                "name": name,
                "description": f"{name} (seed)",
                "protocol_id": protocols[protocol]["id"] if protocol is not None else None,
                "created_at": labstep_time(created),
                "updated_at": labstep_time(created + timedelta(hours=n)),
                "deleted_at": labstep_time(created + timedelta(days=9)) if n == 7 else None,
                "author": dict(author),
            }
        )
    return {"protocol": protocols, "experiment": experiments}


def seed(store: Store, *, username: str) -> None:
    """Fill an empty store (idempotent: does nothing when it was seeded before)."""
    with store.atomic():
        if store.meta("seeded"):
            return
        for doc in families():
            store.insert("family", doc)
        instrument_docs = instruments()
        for doc in instrument_docs:
            store.insert("instrument", doc)
        for doc in commands(instrument_docs):
            store.insert("command", doc)
        for doc in labware():
            store.insert("labware", doc)
        for doc in samples():
            store.insert("sample", doc)
        author = labstep_author()
        author["username"] = username
        for kind, docs in labstep_entities(author).items():
            for doc in docs:
                store.insert(kind, doc)
            store.set_next_number(kind, len(docs) + 1)
        store.set_meta("seeded", now_iso())
