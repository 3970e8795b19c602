"""The default backend: an embedded SQLite file (standard library only).

Settings and why:

- WAL journal: readers (a notebook, ``sqlite3`` shell) never block the writer, and a
  killed process loses only its uncommitted transaction;
- ``synchronous=NORMAL``: in WAL mode a commit survives a crash of the process (not
  necessarily of the operating system), at a fraction of FULL's cost;
- foreign keys ON: replacing an article cascades to everything derived from it;
- explicit ``BEGIN IMMEDIATE`` transactions (the connection is in autocommit mode), so a
  write transaction takes the write lock up front instead of failing half-way.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsad.analyse.normalize import search_query_key
from marsad.store.base import Store, StoreError

__all__ = ["SQLiteStore"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 60  # wait this long for another writer before giving up


class SQLiteStore(Store):
    """A store in one SQLite file (``:memory:`` for a throw-away one)."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, migrate: bool = True):
        self.url = str(path)
        if self.url != ":memory:":
            Path(self.url).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(Path(self.url).expanduser() if self.url != ":memory:" else self.url,
                                         timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._configure()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.url}: cannot open as an SQLite database ({err})") from None
        self._depth = 0
        if migrate:
            self.migrate()

    def _configure(self) -> None:
        mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() not in ("wal", "memory"):
            log.warning("%s: SQLite refused WAL mode (journal_mode=%s); concurrent readers may block", self.url, mode)
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def _json_contains(self, column: str) -> str:
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = ?)"

    def search(self, words: str, limit: int = 20) -> list[dict[str, Any]]:
        # Each word quoted: user text is matched as plain words, never parsed as FTS5 syntax.
        query = " ".join('"' + search_query_key(w).replace('"', '""') + '"' for w in words.split())
        if not query:
            return []
        rows = self._execute(
            "SELECT s.article_id, s.idx, s.text FROM sentences_fts f JOIN sentences s ON s.id = f.rowid"
            " WHERE sentences_fts MATCH ? ORDER BY f.rank LIMIT ?", (query, limit)).fetchall()
        return [{"article_id": a, "idx": i, "text": t} for a, i, t in rows]

    def integrity_check(self) -> list[str]:
        """SQLite's own check plus the full-text index's; ["ok"] when all is well."""
        problems = [row[0] for row in self._conn.execute("PRAGMA integrity_check").fetchall()]
        try:
            self._conn.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as err:
            problems.append(f"full-text index: {err}")
        return [p for p in problems if p != "ok"] or ["ok"]
