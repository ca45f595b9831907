"""Id capture: what a fresh server calls the objects a session created, and where to use it.

When a replayed ``POST`` answers ``{"id": "b7"}`` where the recording said ``{"id": "a1"}``,
every later use of ``a1`` must become ``b7``: in path parameters, in query values
(``experiment_id=a1``), in JSON and multipart bodies (``"protocol_id": "a1"``).

* :meth:`IdMap.learn` walks a recorded body and the actual one side by side and maps each
  recorded id to the actual one: values under id-like keys (``id``, ``*_id``, ``*Id``,
  ``*_ids`` lists), and the keys of objects keyed by id (Labstep's upload answer
  ``{"<file id>": {...}}``).  A mapping is never overwritten, and lists of different
  lengths are not paired (a list that grew says nothing about which item is which).
  A recorded placeholder (``"api_key": "{{api_key}}"``) captures the actual value as a
  variable.
* :meth:`IdMap.path`, :meth:`IdMap.query`, :meth:`IdMap.json`, :meth:`IdMap.fields`
  substitute, by the rules of :class:`Substitution`, which the exports use too.
  Numbers are only substituted where the key says id, or at a path parameter, so
  ``count: 3`` never changes because some object had id 3.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from explorer.errors import SessionError
from explorer.sessions.format import PLACEHOLDER

_ID_KEYS = frozenset({"id", "_id", "uuid", "guid", "cid", "aid"})
#: a UUID as written (8-4-4-4-12); without hyphens it is still an id to
#: :func:`looks_like_id` (a hex token), not a volatile value to the checks
UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_QUERY = re.compile(r"(?P<key>[^=<>!]*?)(?P<op>>=|<=|!=|==|=|>|<)(?P<value>.*)", re.S)


def is_id_key(key: Any) -> bool:
    if not isinstance(key, str) or not key:
        return False
    if key.lower() in _ID_KEYS:
        return True
    return key.endswith(("_id", "Id", "ID", "_uuid", "Uuid"))


def is_id_list_key(key: Any) -> bool:
    return isinstance(key, str) and key.endswith(("_ids", "Ids", "IDs"))


def looks_like_id(text: Any) -> bool:
    """An object key that is an id: digits, a UUID, or a short token with digits."""
    if not isinstance(text, str) or not text:
        return False
    if text.isdigit() or UUID.fullmatch(text):
        return True
    return bool(re.fullmatch(r"[A-Za-z]*[-_]?[0-9a-fA-F]{6,}", text))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def paired_id_keys(recorded: dict, actual: dict) -> list[tuple[Any, Any]]:
    """Keys of two objects keyed by id, paired in order: the recorded keys the actual
    object lacks with the actual keys the recording lacks, when all of them look like ids
    (Labstep's upload answer ``{"<file id>": {...}}``).  Empty otherwise."""
    missing = [k for k in recorded if k not in actual]
    if not missing:
        return []
    extra = [k for k in actual if k not in recorded]
    if all(map(looks_like_id, missing)) and all(map(looks_like_id, extra)):
        return list(zip(missing, extra, strict=False))
    return []


class Substitution:
    """Where a recorded id may be replaced, and how: the one set of rules replay
    (:class:`IdMap`) and the exports (:mod:`explorer.sessions.export.plan`) share.

    A subclass says what replaces a recorded value (:meth:`swap`, None when it is not a
    known id) and how a replacement is written into a path or a query (:meth:`encode`).
    Numbers are only replaced where the key says id, or at a path parameter.
    """

    def swap(self, recorded: str | int) -> Any | None:
        raise NotImplementedError

    def encode(self, value: Any) -> str:
        """A replacement as it goes into a query value: percent-encoded."""
        return quote(str(value), safe="")

    def segment(self, value: Any) -> str:
        """A replacement as it goes into a path: one percent-encoded segment, never
        ``.``, ``..`` or empty (``DELETE /items/..`` is another resource)."""
        return path_segment(value)

    def active(self) -> bool:
        """False when nothing can be replaced (every method then returns its input)."""
        return True

    def value(self, recorded: Any, *, id_context: bool) -> Any:
        """The replacement for ``recorded`` (unchanged when it is not a known id)."""
        if not _scalar(recorded):
            return recorded
        if not id_context and (isinstance(recorded, int) or str(recorded).isdigit()):
            return recorded  # a bare number far from any id key: leave it
        found = self.swap(recorded)
        return recorded if found is None else found

    def path(self, path: str, route_path: str | None = None) -> str:
        """Segments at the route's parameters (every segment when the route is unknown)."""
        if not self.active():
            return path
        segments = path.split("/")
        params = _param_positions(route_path, len(segments))
        for i, segment in enumerate(segments):
            if not segment or (params is not None and i not in params):
                continue
            decoded = unquote(segment)
            new = self.value(decoded, id_context=True)
            if new is not decoded:
                segments[i] = self.segment(new)
        return "/".join(segments)

    def query(self, components: list[str]) -> list[str]:
        """Values of ``key=value`` (and filter) components; numbers only under id keys."""
        if not self.active():
            return components
        out = []
        for component in components:
            match = _QUERY.fullmatch(component)
            if match:
                key, value = unquote(match["key"]), unquote(match["value"])
                new = self.value(value, id_context=is_id_key(key) or is_id_list_key(key))
                if new is not value:
                    component = match["key"] + match["op"] + self.encode(new)
            out.append(component)
        return out

    def json(self, value: Any, key: Any = None, in_id_list: bool = False) -> Any:
        """A JSON body: values under id keys, in id lists, and strings anywhere."""
        if not self.active():
            return value
        if isinstance(value, dict):
            return {k: self.json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            ids = in_id_list or is_id_list_key(key)
            return [self.json(v, key, ids) for v in value]
        return self.value(value, id_context=in_id_list or is_id_key(key))

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Multipart fields (text): like JSON values, under their field names."""
        if not self.active():
            return fields
        return {k: self.field(self.value(v, id_context=is_id_key(k))) for k, v in fields.items()}

    def field(self, value: Any) -> Any:
        """A replacement as it goes into a multipart field: text."""
        return str(value)


def path_segment(value: Any) -> str:
    """``value`` as one path segment, percent-encoded; ``.``, ``..`` and the empty
    string are a SessionError: they would name another resource than an id does."""
    text = str(value)
    if text in ("", ".", ".."):
        raise SessionError(f"the id {text!r} cannot be used as a path segment")
    return quote(text, safe="")


class IdMap(Substitution):
    """Recorded id (as text) -> the actual value, plus variables captured on the way."""

    def __init__(self) -> None:
        self.ids: dict[str, Any] = {}
        self.captured: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __contains__(self, value: Any) -> bool:
        return _scalar(value) and str(value) in self.ids

    # -- learning ----------------------------------------------------------------------

    def learn(self, recorded: Any, actual: Any) -> None:
        self._walk(recorded, actual, None, False)

    def _map(self, recorded: Any, actual: Any) -> None:
        if not _scalar(recorded) or not _scalar(actual):
            return
        if isinstance(recorded, str) and PLACEHOLDER.fullmatch(recorded):
            return
        key = str(recorded)
        if key not in self.ids and str(actual) != key:
            self.ids[key] = actual

    def _walk(self, rec: Any, act: Any, key: Any, in_id_list: bool) -> None:
        if isinstance(rec, dict) and isinstance(act, dict):
            for k, value in rec.items():
                if k in act:
                    self._walk(value, act[k], k, False)
            for rk, ak in paired_id_keys(rec, act):
                self._map(rk, ak)
                self._walk(rec[rk], act[ak], None, False)
            return
        if isinstance(rec, list) and isinstance(act, list):
            if len(rec) == len(act):
                ids = in_id_list or is_id_list_key(key)
                for r, a in zip(rec, act, strict=True):
                    self._walk(r, a, key, ids)
            return
        if isinstance(rec, str) and isinstance(act, str):
            match = PLACEHOLDER.fullmatch(rec)
            if match:
                self.captured.setdefault(match[1], act)
                return
        if in_id_list or is_id_key(key):
            self._map(rec, act)

    # -- substituting ------------------------------------------------------------------

    def active(self) -> bool:
        return bool(self.ids)

    def swap(self, recorded: str | int) -> Any | None:
        actual = self.ids.get(str(recorded), _NONE)
        if actual is _NONE:
            return None
        if isinstance(recorded, str):
            return str(actual)
        if isinstance(recorded, int) and isinstance(actual, str) and actual.isdigit():
            return int(actual)
        return actual


_NONE = object()


def ids_in(value: Any, key: Any = None, in_id_list: bool = False) -> set[str]:
    """The ids a recorded body holds, by the rules :meth:`IdMap.learn` maps them with:
    values under id keys and in id lists, and the keys of an object keyed by ids."""
    found: set[str] = set()
    if isinstance(value, dict):
        if value and all(map(looks_like_id, value)):
            found.update(value)
        for k, v in value.items():
            found |= ids_in(v, k)
    elif isinstance(value, list):
        ids = in_id_list or is_id_list_key(key)
        for v in value:
            found |= ids_in(v, key, ids)
    elif (
        _scalar(value)
        and (in_id_list or is_id_key(key))
        and not (isinstance(value, str) and PLACEHOLDER.fullmatch(value))
    ):
        found.add(str(value))
    return found


class Uses(Substitution):
    """Finds whether a request uses one of ``ids`` where an id goes (nothing is
    replaced): ``uses.found`` names the first one met."""

    def __init__(self, ids: set[str] | dict[str, Any]) -> None:
        self.ids = ids
        self.found: str | None = None

    def active(self) -> bool:
        return bool(self.ids)

    def swap(self, recorded: str | int) -> Any | None:
        if str(recorded) in self.ids and self.found is None:
            self.found = str(recorded)
        return None


def _param_positions(route_path: str | None, count: int) -> set[int] | None:
    """Indices of the path segments that are parameters in ``route_path`` (None: unknown)."""
    if not route_path:
        return None
    parts = route_path.split("/")
    positions = set()
    for i, part in enumerate(parts):
        if part.startswith(":") or part.startswith("*") or "{" in part:
            positions.add(i)
    if any(p.startswith("*") for p in parts):
        positions.update(range(len(parts), count))
    return positions
