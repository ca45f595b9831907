"""The sandbox's storage: JSON documents in one sqlite table, per collection (kind).

One connection (``check_same_thread=False``) guarded by a re-entrant lock: every call
holds it, and :meth:`Store.atomic` holds it across a read-modify-write so concurrent
requests never see or write half an update.  Documents keep their insertion order
(``seq``), which is a collection's natural order.  ``:memory:`` (the default) starts
empty every time; a file keeps its data across restarts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """JSON documents by ``(kind, id)``; thread-safe."""

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._depth = 0
        try:
            with self._lock:
                self._db.executescript(SCHEMA)
        except sqlite3.Error:  # not a database, or read-only: do not leak the handle
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """Hold the lock and one transaction; nested uses join the outer one."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    # ------------------------------------------------------------------ documents

    def get(self, kind: str, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM docs WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def all(self, kind: str) -> list[dict[str, Any]]:
        """Every document of ``kind`` in insertion order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM docs WHERE kind = ? ORDER BY seq", (kind,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM docs WHERE kind = ?", (kind,)).fetchone()
        return row[0]

    def insert(self, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._db.execute(
                "INSERT INTO docs (kind, id, body) VALUES (?, ?, ?)",
                (kind, str(doc["id"]), json.dumps(doc)),
            )
        return doc

    def replace(self, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
        """Overwrite the stored document with the same id, keeping its place."""
        with self._lock:
            self._db.execute(
                "UPDATE docs SET body = ? WHERE kind = ? AND id = ?",
                (json.dumps(doc), kind, str(doc["id"])),
            )
        return doc

    def delete(self, kind: str, doc_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, doc_id))
            return cursor.rowcount > 0

    def next_number(self, kind: str, *, start: int = 1) -> int:
        """A fresh integer id for ``kind`` (Labstep ids), never reused."""
        with self.atomic():
            row = self._db.execute("SELECT next FROM counters WHERE kind = ?", (kind,)).fetchone()
            number = row[0] if row else start
            self._db.execute(
                "INSERT OR REPLACE INTO counters (kind, next) VALUES (?, ?)", (kind, number + 1)
            )
        return number

    def set_next_number(self, kind: str, number: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO counters (kind, next) VALUES (?, ?)", (kind, number)
            )

    # ----------------------------------------------------------------------- meta

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def wipe(self) -> None:
        with self.atomic():
            for table in ("docs", "counters", "meta"):
                self._db.execute(f"DELETE FROM {table}")
