"""The discovery cache: one entry per (server, source) in the user cache directory.

Each entry is two or three files under ``~/.cache/explorer/discovery/``::

    <key>.json    {"format", "server", "source", "validator", "fetched_at", "index",
                   "spec"}: a few hundred bytes (index, spec: the tokens of the two
                   files below)
    <key>.index   the registry's cache form (:mod:`explorer.registry.serial`): rows,
                  trie nodes and hashed command names, each its own JSON text found
                  through tables of offsets; mapped, and read piece by piece
    <key>.spec    the spec store, when the routes come from an API description: each
                  route's spec data (parameters, body schema, response schemas, auth)
                  and each shared schema as its own JSON text, found through a table
                  of offsets at the start of the file

A one-shot command reads the small ``.json`` file, the header of the index and the
pieces of it on the way to its one route (the trie nodes of its path, or the hashed
bucket of its command name, and that route's rows), and checks the first line of the
``.spec`` file; the route's spec data is read (one ``pread``) the first time help,
completion or a check asks for it.  Nothing decodes every route on that path.  The
source document itself is not kept: everything explorer uses from it is in the store.

Every file is written atomically (the store and the index first, each under a new
token), so a reader, or a second shell writing at the same moment, sees a complete
entry; an entry whose store or index carries another token (rewritten in between) is
treated as absent.  A revalidation the server answers with 304 rewrites the small
``.json`` file only.  The server
and source are keyed without a URL's ``user:password@`` (neither the name nor the
entry holds it).  An entry that cannot be read is treated as absent: the cache can
always be rebuilt, so it never stops a command.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from explorer.client.urls import without_userinfo
from explorer.fileio import atomic_write, locked, make_private, open_regular, read_bounded
from explorer.hashing import sha256
from explorer.record import Record
from explorer.registry import Registry
from explorer.registry.serial import IndexFile

FORMAT = 3
#: the largest entry (.json) read: a few hundred bytes are written; more is not ours
META_LIMIT = 1024 * 1024
STORE_MAGIC = b"explorer-spec 1"


class CacheEntry(Record):
    """One cached discovery: its validator and time, the registry, and the tokens of
    its spec store (``spec``; None: the routes carry no spec data) and of its index file
    (``index``; None: an entry not read from the cache)."""

    __slots__ = ("fetched_at", "index", "registry", "spec", "validator")
    _fields = ("validator", "fetched_at", "registry", "spec", "index")

    def __init__(self, validator: str | None, fetched_at: float, registry: Registry,
                 spec: str | None = None, index: str | None = None) -> None:
        self.validator = validator
        self.fetched_at = fetched_at
        self.registry = registry
        self.spec = spec
        self.index = index

    @property
    def age(self) -> float:
        return max(0.0, time.time() - self.fetched_at)


def _token() -> str:
    """A fresh name for a file of the cache (the entry names the files it goes with)."""
    import secrets

    return secrets.token_hex(8)


class DiscoveryCache:
    def __init__(self, root: Path, server: str, source_key: str) -> None:
        # A URL's user:password@ never reaches a file: not the key, not the entry.
        server, source_key = without_userinfo(server), without_userinfo(source_key)
        self.server = server
        self.source_key = source_key
        self.root = root
        digest = sha256(f"{server}\n{source_key}".encode()).hexdigest()[:24]
        self.dir = root / "discovery"
        self.meta_path = self.dir / f"{digest}.json"
        self.spec_path = self.dir / f"{digest}.spec"
        self.index_path = self.dir / f"{digest}.index"
        self._legacy_raw = self.dir / f"{digest}.raw"

    def read(self) -> CacheEntry | None:
        try:
            meta = json.loads(read_bounded(self.meta_path, META_LIMIT))
            if meta.get("format") != FORMAT or meta.get("server") != self.server:
                return None
            token = meta.get("spec")
            operations = None
            if token is not None:
                store = SpecStore.open(self.spec_path, token)
                if store is None:
                    return None
                operations = store.operations
            index = IndexFile.open(self.index_path, str(meta["index"]))
            registry = Registry.from_index(index, operations=operations)
            return CacheEntry(
                validator=meta.get("validator"),
                fetched_at=float(meta["fetched_at"]),
                registry=registry,
                spec=token,
                index=str(meta["index"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # a foreign, cut, too large or too deeply nested entry: not used

    def write(self, validator: str | None, registry: Registry) -> CacheEntry:
        """Write the entry for a freshly read ``registry``; returns it (its tokens).
        The three files are written under a lock on the cache's directory, so two
        processes refreshing at once never leave one's index beside the other's entry."""
        with locked(self.dir, root=self.root, directory=True):
            token = write_store(self.spec_path, registry, root=self.root)
            index = _token()
            atomic_write(self.index_path, registry.index_chunks(index), root=self.root)
            fetched_at = time.time()
            self._write_meta(validator, index, fetched_at, token)
        try:
            self._legacy_raw.unlink()  # format 1 kept the source document beside it
        except OSError:
            pass
        return CacheEntry(validator, fetched_at, registry, token, index)

    def touch(self, entry: CacheEntry) -> None:
        """Mark ``entry`` as just revalidated (the server said 304)."""
        if entry.index is None:  # not read from this cache: write it whole
            self.write(entry.validator, entry.registry)
            return
        with locked(self.dir, root=self.root, directory=True):
            try:
                current = json.loads(read_bounded(self.meta_path, META_LIMIT)).get("index")
            except (OSError, ValueError, AttributeError):
                current = None
            if current not in (None, entry.index):
                return  # another process wrote a newer entry meanwhile: it stays
            self._write_meta(entry.validator, entry.index, time.time(), entry.spec)
        make_private(self.spec_path)  # an older version's 0644 copy

    def _write_meta(
        self, validator: str | None, index: str, fetched_at: float, spec: str | None
    ) -> None:
        meta = {
            "format": FORMAT,
            "server": self.server,
            "source": self.source_key,
            "validator": validator,
            "fetched_at": fetched_at,
            "index": index,
            "spec": spec,
        }
        atomic_write(
            self.meta_path, json.dumps(meta, separators=(",", ":")).encode(), root=self.root
        )


# -- the spec store ----------------------------------------------------------------------


def _text(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def write_store(path: Path, registry: Registry, *, root: Path | None = None) -> str | None:
    """Write the spec data of ``registry``'s routes to ``path``; the new token, or None
    (and no file) when no route has any."""
    document = None
    parts: list[bytes] = []
    ops: dict[str, list[int]] = {}
    offset = 0
    for index, operation in registry.operations():
        document = document or operation.document
        blob = _text(operation.data)
        ops[str(index)] = [offset, len(blob)]
        parts.append(blob)
        offset += len(blob)
    if document is None:
        try:
            path.unlink()
        except OSError:
            pass
        return None
    defs: dict[str, list[int]] = {}
    for name, schema in document.defs.items():
        blob = _text(schema)
        defs[name] = [offset, len(blob)]
        parts.append(blob)
        offset += len(blob)
    info = _text(document.info)
    parts.append(info)
    header = _text({"ops": ops, "defs": defs, "info": [offset, len(info)]})
    token = _token()
    first = STORE_MAGIC + b" " + token.encode() + b" " + str(len(header)).encode() + b"\n"
    atomic_write(path, [first, header, *parts], root=root)
    return token


class SpecStore:
    """Reads one route's spec data, or one shared schema, on demand (thread-safe)."""

    def __init__(self, fd: int, base: int, header_size: int) -> None:
        self._fd = fd
        self._base = base
        self._header_size = header_size
        self._table: dict | None = None
        self._lock = threading.Lock()
        self._document: Any = None

    @classmethod
    def open(cls, path: Path, token: str) -> SpecStore | None:
        """The store at ``path`` if it carries ``token`` (None otherwise)."""
        try:
            fd = open_regular(path)  # a FIFO there must not block
        except OSError:
            return None
        try:
            first = os.pread(fd, 128, 0).split(b"\n", 1)[0]
            parts = first.split(b" ")
            if len(parts) != 4 or b" ".join(parts[:2]) != STORE_MAGIC:
                raise ValueError("not a spec store")
            size = int(parts[3])
            if parts[2].decode() != token or size < 2:
                raise ValueError("another store")
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            os.close(fd)
            return None
        store = cls(fd, len(first) + 1, size)
        return store

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (OSError, AttributeError, TypeError):
            pass

    def _read(self, offset: int, size: int) -> bytes:
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise ValueError("the spec store is cut short")
        return data

    @property
    def table(self) -> dict:
        with self._lock:
            if self._table is None:
                try:
                    table = json.loads(self._read(self._base, self._header_size))
                except (OSError, ValueError):
                    table = {}
                self._table = table if isinstance(table, dict) else {}
            return self._table

    def _blob(self, where: Any) -> Any:
        if not (isinstance(where, list) and len(where) == 2):
            return None
        try:
            start = self._base + self._header_size + int(where[0])
            return json.loads(self._read(start, int(where[1])))
        except (OSError, ValueError, TypeError, RecursionError):
            return None

    def operation_data(self, index: int) -> dict | None:
        ops = self.table.get("ops")
        return self._blob(ops.get(str(index))) if isinstance(ops, dict) else None

    def definition(self, name: str) -> Any:
        defs = self.table.get("defs")
        return self._blob(defs.get(name)) if isinstance(defs, dict) else None

    def info(self) -> dict:
        found = self._blob(self.table.get("info"))
        return found if isinstance(found, dict) else {}

    @property
    def document(self):
        if self._document is None:
            from explorer.spec import SpecDocument

            self._document = SpecDocument(load_def=self.definition, load_info=self.info)
        return self._document

    def operations(self, index: int):
        """The :class:`~explorer.spec.Operation` of route ``index``, read on first use."""
        from explorer.spec import Operation

        return Operation(document=self.document, load=lambda: self.operation_data(index))
