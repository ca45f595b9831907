"""The segment trie behind the registry.

A node is one dict, so that the trie is its own compact JSON form:

* ``"/" + folded text`` -> child node: a literal edge, keyed case-folded
  (``"/"`` alone is the empty segment of ``//`` or a required trailing slash);
* ``"~"`` -> ``{folded: text}``: the literal's own spelling, only where it differs;
* ``":"`` -> child node: the one param edge every plain ``:name`` segment shares;
  ``"@"`` -> the first name seen on it;
* ``"$"`` -> ``[entry, shape, entry, shape, ...]``: shapes that end here;
* ``"*"`` -> ``[entry, shape, text, first name or None, more, ...]`` (five per item):
  shapes whose next segment is complex, confirmed with ``RoutePattern.match``.

Matching a path (its segments after the leading ``/``) tries, at every node, the
literal edge, then the param edge (never for an empty segment: ``//`` matches no
param), then the shapes that end here -- directly or before one trailing ``/`` --
then the complex tails.  A node is reached at most once per path, so the cost is
bounded by the part of the trie that matches the path, not by the number of routes.
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.registry.model import Child
from explorer.routing import Literal, Param, Shape

PARAM = ":"
PARAM_NAME = "@"
ENDS = "$"
TAILS = "*"
TEXTS = "~"
TAIL_WIDTH = 5

Node = dict

#: a candidate: (entry, shape, raw param values or None when the pattern must confirm)
Candidate = tuple[int, int, tuple[str, ...] | None]


def insert(root: Node, shape: Shape, owner: int, shape_index: int) -> None:
    """Add one shape; ``owner`` is whatever index the caller keeps (route or entry)."""
    node = root
    for k, segment in enumerate(shape):
        kind = type(segment)
        if kind is Literal:
            text = segment.text
            folded = text.lower()
            key = "/" + folded
            child = node.get(key)
            if child is None:
                child = node[key] = {}
                if folded != text:
                    node.setdefault(TEXTS, {})[folded] = text
            node = child
        elif kind is Param:
            child = node.get(PARAM)
            if child is None:
                child = node[PARAM] = {}
                node[PARAM_NAME] = segment.name
            node = child
        else:
            first = segment.names[0] if segment.names else None
            node.setdefault(TAILS, []).extend(
                (owner, shape_index, segment.text, first, k + 1 < len(shape))
            )
            return
    node.setdefault(ENDS, []).extend((owner, shape_index))


def find(root: Node, shape: Shape) -> Node | None:
    """The node a plain shape ends at (None if it is not in the trie)."""
    node: Node | None = root
    for segment in shape:
        if node is None:
            return None
        if type(segment) is Literal:
            node = node.get("/" + segment.text.lower())
        elif type(segment) is Param:
            node = node.get(PARAM)
        else:
            return None
    return node


def literal_keys(node: Node) -> list[str]:
    return [key for key in node if key[:1] == "/"]


def text_of(node: Node, key: str) -> str:
    """The original spelling of the literal edge ``key`` of ``node``."""
    folded = key[1:]
    texts = node.get(TEXTS)
    return texts.get(folded, folded) if texts else folded


def candidates(root: Node, segments: list[str]) -> list[Candidate]:
    """Every entry that may match, best first (see the module docstring)."""
    out: list[Candidate] = []
    _walk(root, segments, 0, len(segments), [], out)
    return out


def _walk(node: Node, segments: list[str], i: int, n: int, raw: list[str],
          out: list[Candidate]) -> None:
    if i < n:
        segment = segments[i]
        child = node.get("/" + segment.lower())
        if child is not None:
            _walk(child, segments, i + 1, n, raw, out)
        if segment:
            child = node.get(PARAM)
            if child is not None:
                raw.append(segment)
                _walk(child, segments, i + 1, n, raw, out)
                raw.pop()
    if i == n or (i == n - 1 and not segments[i]):
        ends = node.get(ENDS)
        if ends:
            values = tuple(raw)
            for j in range(0, len(ends), 2):
                out.append((ends[j], ends[j + 1], values))
    tails = node.get(TAILS)
    if tails:
        for j in range(0, len(tails), TAIL_WIDTH):
            out.append((tails[j], tails[j + 1], None))


def nodes_at(root: Node, segments: list[str]) -> list[Node]:
    """Every node a concrete prefix can lead to (literal and param edges)."""
    nodes = [root]
    for segment in segments:
        following: list[Node] = []
        key = "/" + segment.lower()
        for node in nodes:
            child = node.get(key)
            if child is not None:
                following.append(child)
            if segment:
                child = node.get(PARAM)
                if child is not None:
                    following.append(child)
        nodes = following
        if not nodes:
            break
    return nodes


def has_children(node: Node) -> bool:
    return any(key[:1] == "/" or key in (PARAM, TAILS) for key in node)


def children(nodes: list[Node], describe: Callable[[int], tuple[str, str]]) -> list[Child]:
    """What may follow: literals (sorted), then the param edge, then complex segments.

    ``describe(entry)`` gives ``(method, command name)`` of an entry.
    """
    literals: dict[str, list] = {}
    params: dict[str, list] = {}
    complex_: dict[str, list] = {}
    for node in nodes:
        for key in literal_keys(node):
            child = node[key]
            _merge(literals, key, text_of(node, key), "literal", None, child.get(ENDS, ()),
                   has_children(child))
        child = node.get(PARAM)
        if child is not None:
            name = node[PARAM_NAME]
            _merge(params, name, ":" + name, "param", name, child.get(ENDS, ()),
                   has_children(child))
        tails = node.get(TAILS, ())
        for j in range(0, len(tails), TAIL_WIDTH):
            entry, shape, text, first, more = tails[j : j + TAIL_WIDTH]
            _merge(complex_, text, text, "param", first, () if more else (entry, shape), more)
    out: list[Child] = []
    method_sets: dict[tuple[str, ...], frozenset[str]] = {}  # few distinct: share them
    for table in (dict(sorted(literals.items())), params, complex_):
        for text, kind, name, ends, more in table.values():
            methods: list[str] = []
            commands: set[str] = set()
            for j in range(0, len(ends), 2):
                method, command = describe(ends[j])
                methods.append(method)
                commands.add(command)
            key = tuple(methods)
            shared = method_sets.get(key)
            if shared is None:
                shared = method_sets[key] = frozenset(methods)
            out.append(Child(text, kind, name, shared, tuple(sorted(commands)), more))
    return out


def _merge(table: dict, key: str, text: str, kind: str, name: str | None, ends,
           more: bool) -> None:
    row = table.get(key)
    if row is None:
        table[key] = [text, kind, name, list(ends), more]
    else:
        row[3].extend(ends)
        row[4] = row[4] or more

