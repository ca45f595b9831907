"""Command names for the registry's entries.

A route from an API description with an ``operationId`` is named from it
(:func:`operation_words`): ``/`` and ``.`` (and ``:``, spaces) separate words, and
inside a word camelCase humps, ``_`` and any other character that is not a letter or
digit become ``-``, in lower case.  So GitHub's ``repos/get`` is ``repos get``,
``issues/list-for-repo`` is ``issues list-for-repo``, ``listPets`` and
``list_pets`` are both ``list-pets``, ``pets.list`` is ``pets list``, and FastAPI's
``read_item_items__item_id__get`` is ``read-item-items-item-id-get``.  The path
parameters still follow as positional arguments (``repos get OWNER REPO``).  An
id that leaves no word (``"__"``) counts as none.

Otherwise a name is the literal segments after the registry's common prefix, plus a verb:

* ``GET`` ending in a literal -> ``list``; ending in a param -> ``get``.  A ``GET``
  whose shapes end both ways (``/instruments/:id?``) gives two entries,
  ``instruments list`` and ``instruments get`` -- when the trie matches the pattern
  exactly (literal and plain param segments, shapes of different lengths); any
  other pattern stays one entry, named after its longest shape.
* ``POST`` ending in a literal that has a param child somewhere in the registry (a
  collection: ``/instruments`` beside ``/instruments/:id``) -> ``create``; ending in
  any other literal -> no verb, that literal is the action (``.../:cid/kill`` ->
  ``instruments commands kill``); ending in a param -> ``post``.
* ``PUT`` -> ``replace``, ``PATCH`` -> ``update``, ``DELETE`` -> ``delete``, any
  other method -> the method in lower case.

Params and complex segments add no words; they are the command's positional
arguments.  An explicit ``Route.command`` is used as given.

Whatever names it, each entry also carries its :func:`action` (``Entry.action``):
the verb above, or the action word of an action route, taken from the method and
the route's shape, never from the name.  Confirmation prompts and id remembering
read it.

The common prefix is the longest run of leading literal segments shared by every
route, stopping before a segment that is itself a resource (a route ends there, or a
param follows it): ``/public/v1`` for the LabOS routes, ``""`` when the routes share
nothing.

Collisions (names compared case-insensitively) are resolved in the open, never by
input order: every entry of a clashing group gets one more word -- ``by-<params>``
from its positional params joined with ``-`` (``by-id-cid``), or its method in lower
case when it has none.  If a name still clashes, the clashing entries get ``1``,
``2``, ... in order of (path, method).  When exactly one of the clashing entries has
an explicit name, it keeps it and only the others change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from explorer.record import Record
from explorer.registry import trie
from explorer.routing import Literal, Shape

VERBS = {"PUT": "replace", "PATCH": "update", "DELETE": "delete"}
_EMPTY = Literal("")


_ID_WORDS = re.compile(r"[/.:\s\\]+")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def operation_words(operation_id: str | None) -> tuple[str, ...]:
    """The command words of an ``operationId`` (see the module docstring); ``()``
    when there is none or nothing of it is left."""
    if not isinstance(operation_id, str):
        return ()
    words = []
    for part in _ID_WORDS.split(operation_id):
        word = _NOT_WORD.sub("-", _HUMP.sub("-", part).lower()).strip("-")
        if word:
            words.append(word)
    return tuple(words)


def fold_words(words: Sequence[str]) -> str:
    """The lookup key of a command name: its words, folded, joined by a space."""
    return " ".join(words).lower()


def _trim(shape: Shape) -> Shape:
    while shape and shape[-1] == _EMPTY:
        shape = shape[:-1]
    return shape


def common_prefix(root: trie.Node) -> tuple[str, ...]:
    """The literal texts of the common prefix (see the module docstring)."""
    prefix: list[str] = []
    node = root
    while True:
        if trie.PARAM in node or trie.TAILS in node or trie.ENDS in node:
            return tuple(prefix)
        keys = trie.literal_keys(node)
        if len(keys) != 1 or keys[0] == "/":
            return tuple(prefix)
        child = node[keys[0]]
        if trie.PARAM in child or trie.TAILS in child or trie.ENDS in child or "/" in child:
            return tuple(prefix)  # a resource: a route ends there or a param follows
        if not trie.literal_keys(child):
            return tuple(prefix)
        prefix.append(trie.text_of(node, keys[0]))
        node = child


def ends_in_literal(shape: Shape) -> bool:
    shape = _trim(shape)
    return not shape or type(shape[-1]) is Literal


def action(method: str, shape: Shape, *, is_collection: Callable[[Shape], bool]) -> str:
    """What ``method`` on ``shape`` (its longest shape) does: ``list``, ``get``,
    ``create``, ``replace``, ``update``, ``delete``, ``post`` (a POST to an item), an
    action word (the last literal of a POST that is no collection: ``kill``), or any
    other method in lower case.  It follows the route, not its name: a command named
    by an ``operationId`` or a routes file does the same as a derived one."""
    return _action(method, _trim(shape), is_collection)[0]


def _action(method: str, body: Shape, is_collection: Callable[[Shape], bool]) -> tuple[str, bool]:
    """``(action, True when it is the route's own last literal)``."""
    literal_end = not body or type(body[-1]) is Literal
    if method == "GET":
        return ("list" if literal_end else "get"), False
    if method == "POST":
        if not literal_end:
            return "post", False
        if not body or is_collection(body):
            return "create", False
        return body[-1].text.lower(), True  # an action: the last literal is the verb
    return VERBS.get(method, method.lower()), False


def derive(
    method: str, shape: Shape, *, prefix_len: int, is_collection: Callable[[Shape], bool]
) -> tuple[tuple[str, ...], str]:
    """The command words for ``method`` on ``shape`` (its longest shape), and its
    :func:`action`: the literal segments after the prefix, plus the action unless it
    is that last literal already."""
    body = _trim(shape)
    words = [s.text for s in body[prefix_len:] if type(s) is Literal and s.text]
    verb, own_word = _action(method, body, is_collection)
    if not own_word:
        words.append(verb)
    return tuple(words), verb


class Candidate(Record):
    """What collision handling needs to know about one entry; ``order`` is (path,
    method, shapes): the deterministic tie-break."""

    __slots__ = ("explicit", "method", "order", "params", "words")
    _fields = ("words", "params", "method", "explicit", "order")

    def __init__(self, words: tuple[str, ...], params: tuple[str, ...], method: str,
                 explicit: bool, order: tuple) -> None:
        self.words = words
        self.params = params
        self.method = method
        self.explicit = explicit
        self.order = order


def unique_names(
    names: list[tuple[str, ...]], candidate: Callable[[int], Candidate]
) -> list[tuple[str, ...]]:
    """Resolve clashes by the rule in the module docstring: ``names`` (each entry's
    words, changed in place and returned) made unique; ``candidate(i)`` tells about
    entry ``i``, asked only for the entries of a clash (a listing of 100,000 entries
    keeps no record per entry for it)."""
    candidates = _Asked(candidate)
    for round_ in range(16):
        clashes = _clashes(names)
        if not clashes:
            return names
        for group in clashes:
            explicit = [i for i in group if candidates[i].explicit]
            targets = group
            if len(explicit) == 1:
                targets = [i for i in group if not candidates[i].explicit]
            if round_ == 0:
                for i in targets:
                    c = candidates[i]
                    extra = "by-" + "-".join(c.params) if c.params else c.method.lower()
                    names[i] = (*names[i], extra)
            else:
                ranked = sorted(targets, key=lambda i: candidates[i].order)
                for rank, i in enumerate(ranked, start=1):
                    names[i] = (*names[i], str(rank))
    # unreachable in practice (each round lengthens every clashing name); make sure
    seen: set[str] = set()
    for i in sorted(range(len(names)), key=lambda i: candidates[i].order):
        base, number = names[i], 2
        while fold_words(names[i]) in seen:
            names[i] = (*base, str(number))
            number += 1
        seen.add(fold_words(names[i]))
    return names


class _Asked:
    """``candidate(i)`` as ``candidates[i]``, each asked once."""

    def __init__(self, candidate: Callable[[int], Candidate]) -> None:
        self._candidate = candidate
        self._known: dict[int, Candidate] = {}

    def __getitem__(self, i: int) -> Candidate:
        found = self._known.get(i)
        if found is None:
            found = self._known[i] = self._candidate(i)
        return found


def _clashes(names: Sequence[tuple[str, ...]]) -> list[list[int]]:
    first: dict[str, int] = {}
    clashes: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        key = fold_words(name)
        j = first.setdefault(key, i)
        if j != i:
            clashes.setdefault(key, [j]).append(i)
    return list(clashes.values())
