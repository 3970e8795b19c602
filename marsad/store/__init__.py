"""Store stage: keep processed articles, their actors and events in a database.

``open_store(target)`` opens (creating and upgrading as needed) either an embedded
SQLite file, the default, or a PostgreSQL database::

    open_store("events.db")                           # SQLite file (created if missing)
    open_store("sqlite:///data/events.db")            # a URL: relative path (sqlite:////abs/path)
    open_store("postgresql://user:pw@host:5432/db")   # PostgreSQL (needs marsad[postgres])

``marsad.store.run.run`` is the ``marsad run`` pipeline: read → skip stored articles →
process → store in batches. See ``schema`` for the tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from marsad.store.base import Store, StoreError, content_hash

__all__ = ["open_store", "Store", "StoreError", "content_hash", "ACCEPTED_FORMS"]

ACCEPTED_FORMS = ("a file path (SQLite), e.g. marsad.db; sqlite:///relative/file.db or sqlite:////absolute/file.db; "
                  ":memory:; "
                  "postgresql://user:password@host:port/dbname (or postgres://…)")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(target: str | Path, *, migrate: bool = True) -> Store:
    """Open the database named by ``target`` (a path or URL), applying schema migrations.

    ``migrate=False`` opens without upgrading (for tools that only inspect a database).
    """
    text = str(target)
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else None
    if scheme is None:
        from marsad.store.sqlite import SQLiteStore

        return SQLiteStore(text, migrate=migrate)
    if scheme == "sqlite":
        from marsad.store.sqlite import SQLiteStore

        # As in SQLAlchemy: sqlite:///relative.db, sqlite:////absolute/path.db
        path = text[len("sqlite:///"):] if text.startswith("sqlite:///") else ""
        if not path:
            raise StoreError(f"{text!r} names no file; accepted forms: {ACCEPTED_FORMS}")
        return SQLiteStore(path, migrate=migrate)
    if scheme in ("postgresql", "postgres"):
        from marsad.store.postgres import PostgresStore

        return PostgresStore(text, migrate=migrate)
    raise StoreError(f"unsupported database {text!r} (scheme {scheme}://); accepted forms: {ACCEPTED_FORMS}")
