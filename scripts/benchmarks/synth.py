"""Synthetic APIs of any size, shaped like LabOS: families, nested resources, actions.

Each family contributes :data:`ROUTES_PER_FAMILY` routes::

    GET    /public/v1/<family>/:id?                       list and one (query keys)
    POST   /public/v1/<family>
    PUT    /public/v1/<family>/:id
    PATCH  /public/v1/<family>/:id
    DELETE /public/v1/<family>/:id
    GET    /public/v1/<family>/:id/<sub>/:sid?
    POST   /public/v1/<family>/:id/<sub>
    PUT    /public/v1/<family>/:id/<sub>/:sid
    DELETE /public/v1/<family>/:id/<sub>/:sid
    POST   /public/v1/<family>/:id/<sub>/:sid/<action>     an action (``kill``)

Family names are built from lab words (``liquid-handlers``, ``cold-samples-7``), so
prefixes share letters the way real APIs do.  Everything is deterministic: the same
size gives the same document, byte for byte.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

PREFIX = "/public/v1"
ROUTES_PER_FAMILY = 10
QUERY_KEYS = ("status", "owner", "family", "location", "createdBy")

_NOUNS = [
    "instruments",
    "samples",
    "experiments",
    "protocols",
    "plates",
    "reagents",
    "batches",
    "orders",
    "runs",
    "assays",
    "devices",
    "workflows",
    "sites",
    "users",
    "teams",
    "projects",
    "tags",
    "files",
    "reports",
    "alerts",
    "locations",
    "storages",
    "racks",
    "tubes",
    "wells",
    "barcodes",
    "cultures",
    "strains",
    "plasmids",
    "primers",
    "antibodies",
    "compounds",
    "solvents",
    "buffers",
    "media",
    "kits",
    "lots",
    "vendors",
    "shipments",
    "audits",
    "calibrations",
    "maintenances",
    "schedules",
    "reservations",
    "notebooks",
    "entries",
    "templates",
    "inventories",
    "containers",
    "freezers",
    "incubators",
    "centrifuges",
    "sequencers",
    "analyzers",
]
_QUALIFIERS = [
    "liquid",
    "cold",
    "frozen",
    "shared",
    "archived",
    "pending",
    "active",
    "legacy",
    "external",
    "internal",
    "primary",
    "secondary",
    "raw",
    "processed",
    "custom",
    "default",
    "remote",
    "local",
    "staged",
    "public",
]
_SUBS = ("commands", "runs", "attachments", "comments", "versions", "members")
_ACTIONS = ("kill", "start", "approve", "archive", "retry", "lock")


def family_names() -> Iterator[str]:
    """Unique family names, plain nouns first, then qualified, then numbered."""
    yield from _NOUNS
    for qualifier in _QUALIFIERS:
        for noun in _NOUNS:
            yield f"{qualifier}-{noun}"
    number = 2
    while True:
        for qualifier in _QUALIFIERS:
            for noun in _NOUNS:
                yield f"{qualifier}-{noun}-{number}"
        number += 1


def family_routes(family: str, index: int) -> list[dict]:
    base = f"{PREFIX}/{family}"
    sub = _SUBS[index % len(_SUBS)]
    action = _ACTIONS[index % len(_ACTIONS)]
    nested = f"{base}/:id/{sub}"
    return [
        {"method": "GET", "path": f"{base}/:id?", "query": list(QUERY_KEYS)},
        {"method": "POST", "path": base},
        {"method": "PUT", "path": f"{base}/:id"},
        {"method": "PATCH", "path": f"{base}/:id"},
        {"method": "DELETE", "path": f"{base}/:id"},
        {"method": "GET", "path": f"{nested}/:sid?"},
        {"method": "POST", "path": nested},
        {"method": "PUT", "path": f"{nested}/:sid"},
        {"method": "DELETE", "path": f"{nested}/:sid"},
        {"method": "POST", "path": f"{nested}/:sid/{action}"},
    ]


def routes(count: int) -> list[dict]:
    """Exactly ``count`` route entries in the ``/discover`` format."""
    out: list[dict] = []
    for index, family in enumerate(family_names()):
        if len(out) >= count:
            break
        out.extend(family_routes(family, index))
    return out[:count]


def families(count: int) -> list[str]:
    """The families present in a document of ``count`` routes."""
    needed = -(-count // ROUTES_PER_FAMILY)
    names = family_names()
    return [next(names) for _ in range(needed)]


def discover_document(count: int) -> bytes:
    return json.dumps({"data": routes(count)}, separators=(",", ":")).encode()


def object_id(rng: random.Random) -> str:
    """A 24-hex-digit id, like MongoDB's ObjectId that LabOS uses."""
    return f"{rng.getrandbits(96):024x}"


def ids(count: int, *, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    return [object_id(rng) for _ in range(count)]


def concrete_paths(count: int, *, routes_count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` (method, concrete path) pairs served by a ``routes_count`` document."""
    rng = random.Random(seed)
    entries = routes(routes_count)
    out = []
    for _ in range(count):
        entry = rng.choice(entries)
        segments = []
        for segment in entry["path"].split("/")[1:]:
            if segment.startswith(":"):
                if segment.endswith("?") and rng.random() < 0.5:
                    continue
                segments.append(object_id(rng))
            else:
                segments.append(segment)
        out.append((entry["method"], "/" + "/".join(segments)))
    return out


def json_list(size: int) -> bytes:
    """A JSON list of LabOS-like objects, about ``size`` bytes long."""
    rng = random.Random(5)
    items = []
    length = 2
    n = 0
    while length < size:
        item = {
            "id": object_id(rng),
            "name": f"{rng.choice(_QUALIFIERS)} {rng.choice(_NOUNS)} {n}",
            "description": "Synthetic object for the benchmark",
            "family": f"@{rng.choice(_NOUNS).title()}",
            "createdBy": "bench",
            "createdAt": "2024-05-01T12:00:00.000Z",
            "updatedAt": "2024-06-01T08:30:00.000Z",
            "tags": [rng.choice(_QUALIFIERS), rng.choice(_QUALIFIERS)],
        }
        text = json.dumps(item)
        items.append(text)
        length += len(text) + 2
        n += 1
    return ("[" + ", ".join(items) + "]").encode()
