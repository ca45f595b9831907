"""The discovery cache: one entry per (server, source) in the user cache directory.

Each entry is two files under ``~/.cache/explorer/discovery/``::

    <key>.raw     the source document exactly as fetched
    <key>.json    {"format", "server", "source", "validator", "fetched_at", "index"}
                  (index: the registry's derived form, which holds its fingerprint)

Both are written atomically (the raw document first), so a reader, or a second shell
writing at the same moment, sees a complete entry.  The server and source are keyed
without a URL's ``user:password@`` (neither the name nor the entry holds it).  An
entry that cannot be read is treated as absent: the cache can always be rebuilt, so it
never stops a command.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from explorer.client.urls import without_userinfo
from explorer.fileio import atomic_write, make_private
from explorer.registry import Registry

FORMAT = 1


@dataclass
class CacheEntry:
    validator: str | None
    fetched_at: float
    registry: Registry

    @property
    def age(self) -> float:
        return max(0.0, time.time() - self.fetched_at)


class DiscoveryCache:
    def __init__(self, root: Path, server: str, source_key: str) -> None:
        # A URL's user:password@ never reaches a file: not the key, not the entry.
        server, source_key = without_userinfo(server), without_userinfo(source_key)
        self.server = server
        self.source_key = source_key
        self.root = root
        digest = hashlib.sha256(f"{server}\n{source_key}".encode()).hexdigest()[:24]
        self.dir = root / "discovery"
        self.meta_path = self.dir / f"{digest}.json"
        self.raw_path = self.dir / f"{digest}.raw"

    def read(self) -> CacheEntry | None:
        try:
            meta = json.loads(self.meta_path.read_bytes())
            if meta.get("format") != FORMAT or meta.get("server") != self.server:
                return None
            registry = Registry.load(meta["index"])
            return CacheEntry(
                validator=meta.get("validator"),
                fetched_at=float(meta["fetched_at"]),
                registry=registry,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def read_raw(self) -> bytes | None:
        try:
            return self.raw_path.read_bytes()
        except OSError:
            return None

    def write(self, raw: bytes, validator: str | None, registry: Registry) -> None:
        atomic_write(self.raw_path, raw, root=self.root)
        self._write_meta(validator, registry, time.time())

    def touch(self, entry: CacheEntry) -> None:
        """Mark ``entry`` as just revalidated (the server said 304)."""
        self._write_meta(entry.validator, entry.registry, time.time())
        make_private(self.raw_path)  # an older version's 0644 copy

    def _write_meta(self, validator: str | None, registry: Registry, fetched_at: float) -> None:
        meta = {
            "format": FORMAT,
            "server": self.server,
            "source": self.source_key,
            "validator": validator,
            "fetched_at": fetched_at,
            "index": registry.dump(),
        }
        atomic_write(
            self.meta_path, json.dumps(meta, separators=(",", ":")).encode(), root=self.root
        )
