"""The registry's cache form: one file answering one lookup without decoding the rest.

:func:`index_chunks` writes a :class:`~explorer.registry.Registry` as::

    explorer-index 3 <token>\n
    <sections>         each its blobs, one JSON text each, then a table of
                       little-endian uint64 offsets into them (count + 1 of them):
                         routes    one route row per route
                         entries   one entry row per command
                         nodes     one trie node each (the root last), its child
                                   edges given as the numbers of other nodes
                         edges     the literal edges of each node with more than
                                   :data:`WIDE` of them, hashed into buckets of their
                                   own (``/public/v1/`` of 10,000 families)
                         buckets   the command names hashed (crc32 of the folded
                                   name) into a power-of-two table: [[name, entry], ...]
                         names     one blob: every command name, one a line
                         methods   one blob: every entry's method, one a line
    <header: JSON>     fingerprint, prefix, spec, longest command, the root node, and
                       for each section where its table and data start
    <16 bytes>         where the header starts and its size (uint64 each)

The header comes last so that the file is written section by section, one blob at a
time (a 100,000-route index is 40 MB of blobs, never held at once).

:class:`IndexFile` maps the file (``mmap``) and :meth:`Registry.from_index` gives a
registry that decodes a row, a node or a bucket the first time it is asked for:
resolving one path reads the header, the trie nodes on that path (one bucket of a
wide node's edges) and the rows of the entries found there; looking up one command
reads one bucket per length tried.  A start of the shell, which lists and completes
everything, decodes the rest as it goes.  Measured against the other candidates in
docs/benchmarks.md (one JSON document, ``marshal``, ``sqlite3``).

A file of another version, cut short, or carrying another token raises
:class:`~explorer.registry.registry.RouteIndexError`; the discovery cache then treats
the entry as absent.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from typing import Any

from explorer.fileio import open_regular

MAGIC = b"explorer-index 3"
_PAIR = struct.Struct("<QQ")
_SECTIONS = ("routes", "entries", "nodes", "edges", "buckets", "names", "methods")
#: a node with more literal edges than this keeps them in hashed buckets of their own
#: (``"#": [first bucket, buckets]``), so following one edge decodes one bucket
WIDE = 64
HASHED = "#"


def fold_hash(folded: str, size: int) -> int:
    """The bucket of a folded command name in a table of ``size`` (a power of two)."""
    return zlib.crc32(folded.encode("utf-8", "surrogatepass")) & (size - 1)


def _text(value: Any) -> bytes:
    if type(value) is str:  # a row kept as JSON text already
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _buckets(count: int) -> int:
    size = 1
    while size < count:
        size *= 2
    return size


def _flatten(root: dict, edges: list[bytes]) -> Iterator[bytes]:
    """Every trie node as JSON text, children first (the root last); child edges become
    node numbers.  The literal edges of a wide node go to ``edges``, hashed."""
    count = 0

    def visit(node: dict):
        nonlocal count
        out = {}
        literal = []
        for key, value in node.items():
            if key[:1] == "/":
                literal.append(key)
                out[key] = yield from visit(value)
            elif key == ":":
                out[key] = yield from visit(value)
            else:
                out[key] = value
        if len(literal) > WIDE:
            size = _buckets(len(literal))
            table: list[dict] = [{} for _ in range(size)]
            for key in literal:
                table[fold_hash(key, size)][key] = out.pop(key)
            out[HASHED] = [len(edges), size]
            edges.extend(_text(bucket) if bucket else b"" for bucket in table)
        yield _text(out)
        count += 1
        return count - 1

    yield from visit(root)


def _name_buckets(names: list[str], size: int) -> Iterator[bytes]:
    """The command names hashed into ``size`` buckets, bucket by bucket.  The names
    are put in bucket order in arrays (a counting sort), not lists of objects: 120,000
    names cost 3 MB here, not 20."""
    hashes = array("L", (fold_hash(name.lower(), size) for name in names))
    starts = array("L", [0]) * (size + 1)
    for bucket in hashes:
        starts[bucket + 1] += 1
    for bucket in range(size):
        starts[bucket + 1] += starts[bucket]
    order = array("L", [0]) * len(names)
    place = array("L", starts)
    for i, bucket in enumerate(hashes):
        order[place[bucket]] = i
        place[bucket] += 1
    del hashes, place
    for bucket in range(size):
        first, end = starts[bucket], starts[bucket + 1]
        yield _text([[names[i].lower(), i] for i in order[first:end]]) if end > first else b""


def index_chunks(
    *,
    token: str,
    fingerprint: str,
    prefix: list[str],
    spec: bool,
    route_rows: list,
    entry_rows: list,
    root: dict,
    names: list[str],
    methods: list[str],
) -> Iterator[bytes]:
    """The file, in chunks (for :func:`explorer.fileio.atomic_write`).

    Each section's blobs are encoded and given out one by one, its table of offsets
    after them, and the header (which says where each section is) after everything,
    found through the 16 bytes that end the file: writing holds one blob at a time,
    not the whole file.
    """
    first = MAGIC + b" " + token.encode() + b"\n"
    yield first
    at = len(first)
    edges: list[bytes] = []
    size = _buckets(len(names))
    parts = {
        "routes": (_text(row) for row in route_rows),
        "entries": (_text(row) for row in entry_rows),
        "nodes": _flatten(root, edges),
        "edges": iter(edges),  # filled while the nodes are written, written after them
        "buckets": _name_buckets(names, size),
        "names": iter(["\n".join(names).encode("utf-8", "surrogatepass")]),
        "methods": iter(["\n".join(methods).encode()]),
    }
    sections = {}
    for name in _SECTIONS:
        offsets = array("Q", [0])
        total = 0
        for blob in parts.pop(name):
            total += len(blob)
            offsets.append(total)
            yield blob
        if sys.byteorder != "little":
            offsets.byteswap()
        table = offsets.tobytes()
        sections[name] = [at + total, at, len(offsets) - 1]
        yield table
        at += total + len(table)
    longest = max((name.count(" ") + 1 for name in names), default=0)
    header = _text({
        "fingerprint": fingerprint, "prefix": prefix, "spec": spec, "longest": longest,
        "root": sections["nodes"][2] - 1, "entries": sections["entries"][2],
        "sections": sections,
    })
    yield header
    yield _PAIR.pack(at, len(header))


class IndexFile:
    """A mapped index file: its header and the blobs of its sections, read on demand."""

    def __init__(self, buffer, base: int, header: dict) -> None:
        self._buffer = buffer
        self._base = base
        self.header = header
        self._sections = header["sections"]

    @classmethod
    def open(cls, path: os.PathLike | str, token: str) -> IndexFile:
        """The index at ``path`` written under ``token``; ValueError (or OSError) else."""
        fd = open_regular(path)  # a FIFO there must not block
        try:
            buffer = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)
        first_end = buffer.find(b"\n", 0, 256)
        parts = buffer[:first_end].split(b" ") if first_end > 0 else []
        if len(parts) != 3 or b" ".join(parts[:2]) != MAGIC:
            raise ValueError("not a route index")
        if parts[2].decode("ascii", "replace") != token:
            raise ValueError("another route index")
        try:
            at, size = _PAIR.unpack_from(buffer, len(buffer) - _PAIR.size)
        except struct.error as exc:
            raise ValueError("route index is cut short") from exc
        if at + size + _PAIR.size != len(buffer):
            raise ValueError("route index is cut short")
        header = json.loads(buffer[at : at + size])
        if not isinstance(header, dict) or set(header.get("sections") or ()) != set(_SECTIONS):
            raise ValueError("route index header is damaged")
        base = 0
        index = cls(buffer, base, header)
        index.blob("methods", 0)  # the last section: the file is not cut short
        return index

    def count(self, section: str) -> int:
        return self._sections[section][2]

    def blob(self, section: str, index: int) -> bytes:
        table, data, count = self._sections[section]
        if not 0 <= index < count:
            raise ValueError(f"route index: no blob {index} in {section}")
        try:
            start, end = _PAIR.unpack_from(self._buffer, self._base + table + 8 * index)
        except struct.error as exc:
            raise ValueError("route index is cut short") from exc
        begin = self._base + data
        if end < start or begin + end > len(self._buffer):
            raise ValueError("route index is cut short")
        return self._buffer[begin + start : begin + end]

    def value(self, section: str, index: int) -> Any:
        return json.loads(self.blob(section, index))

    def lines(self, section: str) -> list[str]:
        text = self.blob(section, 0).decode("utf-8", "surrogatepass")
        return text.split("\n") if text else []

    def command(self, folded: str) -> int | None:
        """The entry whose folded command name is ``folded`` (None: no such command)."""
        size = self.count("buckets")
        raw = self.blob("buckets", fold_hash(folded, size))
        if not raw:
            return None
        for name, index in json.loads(raw):
            if name == folded:
                return index
        return None


class Rows:
    """A sequence of the rows of one section, each decoded the first time it is read."""

    __slots__ = ("_decoded", "_index", "_section")

    def __init__(self, index: IndexFile, section: str) -> None:
        self._index = index
        self._section = section
        self._decoded: list[Any] = [None] * index.count(section)

    def __len__(self) -> int:
        return len(self._decoded)

    def __getitem__(self, i: int) -> Any:
        row = self._decoded[i]
        if row is None:
            row = self._decoded[i] = self._index.value(self._section, i)
        return row

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self._decoded)):
            yield self[i]

    @property
    def decoded(self) -> int:
        """How many rows were decoded so far."""
        return sum(1 for row in self._decoded if row is not None)


class Node(dict):
    """A trie node whose child edges are decoded when first followed.

    A wide node's literal edges stay in their hashed buckets: following one edge
    decodes its bucket only; listing the node (iterating its keys) decodes them all.
    """

    __slots__ = ("_hashed", "_nodes")

    def __init__(self, data: dict, nodes: Nodes) -> None:
        hashed = data.pop(HASHED, None)
        super().__init__(data)
        self._nodes = nodes
        self._hashed = hashed

    def _edge(self, key):
        """The child number of the literal edge ``key`` from its bucket (or None)."""
        first, size = self._hashed
        return self._nodes.edges(int(first) + fold_hash(key, int(size))).get(key)

    def get(self, key, default=None):  # the trie's hot path: kept flat
        value = dict.get(self, key)
        if value is None:
            if self._hashed is None or key[:1] != "/":
                return default
            value = self._edge(key)
            if value is None:
                return default
        if type(value) is int:
            value = self._nodes[value]
            dict.__setitem__(self, key, value)
        return value

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def _whole(self) -> None:
        """Every hashed edge merged into the node (for listing it)."""
        if self._hashed is not None:
            first, size = self._hashed
            for n in range(int(first), int(first) + int(size)):
                for key, number in self._nodes.edges(n).items():
                    if not dict.__contains__(self, key):
                        dict.__setitem__(self, key, number)
            self._hashed = None

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self):
        self._whole()
        return iter(list(dict.keys(self)))

    def keys(self):
        self._whole()
        return list(dict.keys(self))

    def __len__(self) -> int:
        self._whole()
        return dict.__len__(self)

    def items(self):
        for key in self.keys():
            yield key, self[key]

    def values(self):
        for _key, value in self.items():
            yield value


class Nodes:
    """The trie's nodes, each decoded once when first reached."""

    def __init__(self, index: IndexFile) -> None:
        self._index = index
        self._decoded: dict[int, Node] = {}
        self._edges: dict[int, dict] = {}

    def edges(self, bucket: int) -> dict:
        """One bucket of a wide node's literal edges: ``{key: node number}``."""
        found = self._edges.get(bucket)
        if found is None:
            raw = self._index.blob("edges", bucket)
            found = json.loads(raw) if raw else {}
            if not isinstance(found, dict):
                raise ValueError("route index edges are damaged")
            self._edges[bucket] = found
        return found

    def __getitem__(self, number: int) -> Node:
        node = self._decoded.get(number)
        if node is None:
            data = self._index.value("nodes", number)
            if not isinstance(data, dict):
                raise ValueError("route index node is damaged")
            node = self._decoded[number] = Node(data, self)
        return node

    @property
    def decoded(self) -> int:
        return len(self._decoded)


def plain(node: dict) -> dict:
    """A trie (or a part of one) as plain nested dicts, every node decoded."""
    return {
        key: plain(value) if key[:1] == "/" or key == ":" else value
        for key, value in node.items()
    }
