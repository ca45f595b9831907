"""What every export needs to know about a session: requests as templates, and captures.

A session replays against a fresh server only if the ids an earlier answer gave are
captured and used later.  :func:`plan` finds, for each step, the id-like values of its
recorded answer that a later request uses (in a path parameter, a query value, a JSON
or multipart field: the rules of :mod:`explorer.sessions.capture`), names them
(``protocol_id``, ``experiment_id``), and rewrites the later requests with
:class:`Var` references.  Placeholders the recorder left (``{{password}}``,
``{{api_key}}``) stay as they are; each exporter maps them to the environment.  A
login answer's ``api_key``/``token`` is always captured: later steps authenticate with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from explorer.auth import SCHEMES
from explorer.sessions.capture import Substitution, is_id_key, is_id_list_key
from explorer.sessions.format import MISSING, Exchange, Session
from explorer.sessions.redact import PLACEHOLDER

_REENCODED = frozenset('<>"{}|\\^` ')
#: the headers an export writes itself (its auth from EXPLORER_TOKEN/EXPLORER_API_KEY, the
#: ones its client computes): recorded ones are dropped.  Any other credential header a
#: session recorded (X-Api-Key, X-Auth-Token) is sent as recorded, its placeholder filled
#: from the environment.
_OWN_HEADERS = frozenset(
    {name for cls in SCHEMES.values() for name in cls.from_session(cls.name).header_names}
    | {"content-length", "host"}
)


@dataclass(frozen=True)
class Var:
    """A reference to a captured value; ``number``: it was a JSON number when recorded."""

    name: str
    number: bool = False

    def __str__(self) -> str:
        return "{{" + self.name + "}}"


@dataclass
class Capture:
    name: str
    path: tuple  # keys and indices into the answer's JSON body


@dataclass
class Step:
    exchange: Exchange
    method: str
    path: str  # may contain {{name}}
    query: list[str]
    headers: dict[str, str]
    #: None, ("json", value with Var), ("text", str), ("file", rel path),
    #: ("multipart", fields dict with str or "{{name}}", [file dicts])
    body: tuple | None
    status: int
    captures: list[Capture] = field(default_factory=list)
    #: "bearer", "apikey" or None (unknown: take whatever the environment gives)
    auth: str | None = None

    @property
    def number(self) -> int:
        return self.exchange.step

    @property
    def target(self) -> str:
        return self.path + ("?" + "&".join(self.query) if self.query else "")

    @property
    def raw_target(self) -> bool:
        """Whether requests would re-encode the target (``updatedAt>X`` must stay as is)."""
        literal = PLACEHOLDER.sub("", self.target)
        return any(ch in _REENCODED for ch in literal)

    @property
    def title(self) -> str:
        text = self.exchange.command or f"{self.method} {self.exchange.target}"
        return " ".join(text.split())


def _identifier(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return name if name and not name[0].isdigit() else f"v_{name}"


def _resource(exchange: Exchange) -> str:
    route = exchange.route_path or exchange.path
    literals = [s for s in route.split("/") if s and not s.startswith((":", "*", "{"))]
    literals = [s for s in literals if s not in ("public", "api", "generic", "v1", "v2")]
    return literals[-1].rstrip("s") if literals else "value"


def _id_candidates(body: Any) -> list[tuple[Any, tuple]]:
    """(value, path) of id-like values in a recorded answer, first occurrence first."""
    found: list[tuple[Any, tuple]] = []
    seen: set[str] = set()

    def walk(value: Any, path: tuple, key: Any, in_list: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k), k, False)
        elif isinstance(value, list):
            ids = in_list or is_id_list_key(key)
            for i, v in enumerate(value):
                walk(v, (*path, i), key, ids)
        elif (
            isinstance(value, str | int)
            and not isinstance(value, bool)
            and (in_list or is_id_key(key))
            and str(value) not in seen
        ):
            seen.add(str(value))
            found.append((value, path))

    walk(body, (), None, False)
    return found


def _placeholder_captures(body: Any) -> list[Capture]:
    out: list[Capture] = []

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*path, i))
        elif isinstance(value, str):
            match = PLACEHOLDER.fullmatch(value)
            if match and match[1] in ("api_key", "token"):
                out.append(Capture(match[1], path))

    walk(body, ())
    return out


class _Templates(Substitution):
    """Rewrites recorded ids into Var references, by the rules replay uses
    (:class:`~explorer.sessions.capture.Substitution`)."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[Var, int, tuple]] = {}  # recorded -> var, step, path
        self.used: set[str] = set()

    def active(self) -> bool:
        return bool(self.known)

    def swap(self, recorded: str | int) -> Var | None:
        hit = self.known.get(str(recorded))
        if hit is None:
            return None
        self.used.add(str(recorded))
        return Var(hit[0].name, isinstance(recorded, int))

    def encode(self, value: Any) -> str:
        return str(value)  # {{name}}: each exporter fills it in its own way


def plan(session: Session) -> list[Step]:
    templates = _Templates()
    steps: list[Step] = []
    names: set[str] = set()
    auth = session.auth
    captured_auth: str | None = None
    for exchange in session.exchanges:
        request = exchange.request
        body = request.get("body")
        rendered: tuple | None = None
        if isinstance(body, dict):
            if "json" in body:
                rendered = ("json", templates.json(body["json"]))
            elif "multipart" in body:
                multipart = body["multipart"]
                fields = templates.fields(dict(multipart.get("fields") or {}))
                rendered = ("multipart", fields, list(multipart.get("files") or []))
            elif "text" in body:
                rendered = ("text", str(body["text"]))
            elif "file" in body:
                rendered = ("file", body["file"])
        headers = {
            k: str(v)
            for k, v in (request.get("headers") or {}).items()
            if k.lower() not in _OWN_HEADERS
            and not (isinstance(rendered, tuple) and rendered[0] == "multipart"
                     and k.lower() == "content-type")
        }
        step = Step(
            exchange=exchange,
            method=exchange.method,
            path=templates.path(exchange.path, exchange.route_path),
            query=templates.query(exchange.query),
            headers=headers,
            body=rendered,
            status=exchange.status,
            auth=auth or captured_auth,
        )
        steps.append(step)
        answer = exchange.response_json
        if answer is MISSING or exchange.status >= 400:
            continue
        for capture in _placeholder_captures(answer):
            step.captures.append(capture)
            captured_auth = captured_auth or ("apikey" if capture.name == "api_key" else "bearer")
        resource = _resource(exchange)
        for value, path in _id_candidates(answer):
            if str(value) in templates.known:
                continue
            last = next((p for p in reversed(path) if isinstance(p, str)), "id")
            base = _identifier(f"{resource}_{last}" if last in ("id", "_id") else last)
            name = base if base not in names else f"{base}_{exchange.step}"
            names.add(name)
            templates.known[str(value)] = (Var(name), len(steps) - 1, path)
    # Captures only for the values a later request used.
    for recorded in sorted(templates.used, key=lambda v: templates.known[v][1]):
        var, index, path = templates.known[recorded]
        steps[index].captures.append(Capture(var.name, path))
    return steps


def split_placeholders(text: str) -> list[str | Var]:
    """``"a{{x}}b"`` -> ``["a", Var("x"), "b"]`` (empty strings dropped)."""
    parts: list[str | Var] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        parts.append(Var(match[1]))
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return parts
