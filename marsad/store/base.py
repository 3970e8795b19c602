"""The store interface and the SQL both backends share.

A ``Store`` keeps processed articles (``Doc``) in a relational database: articles,
sentences, actor mentions, events and their actors (see ``schema`` for the tables).
Backends differ only in how they connect, open transactions and spell a few types, so
everything else lives here and is written once, with ``?`` placeholders that a backend
may translate.

Versions: an article is identified by its ``id``; its content hash covers id and raw
text. Saving an article whose hash is stored does nothing (re-runs add nothing twice).
Saving one whose id is stored with a *different* hash **replaces** the old version and
everything derived from it, in the same transaction: a corrected scrape should not leave
the events of its faulty predecessor behind, and analysts count each article once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from marsad.analyse.normalize import search_forms
from marsad.analyse.tokens import tokenize
from marsad.errors import MarsadError
from marsad.store.linking import group_events, groups_of_article, link_duplicates, recount_groups
from marsad.store.schema import LATEST, MIGRATIONS, SCHEMA_VERSION_DDL, TABLES
from marsad.types import Article, Doc, Entity, Event, Skipped, Token

__all__ = ["Store", "StoreError", "content_hash", "article_digest", "EventFilter"]

log = logging.getLogger(__name__)

_ACTOR_CHUNK = 500  # event ids per "IN (...)" query when fetching actors


class StoreError(MarsadError):
    """The database cannot be opened, upgraded or used (the message says why and what to do)."""


def content_hash(article_id: str, raw_text: str) -> str:
    """sha256 of the article id and raw text: equal hashes mean an identical re-run."""
    digest = hashlib.sha256(article_id.encode("utf-8"))
    digest.update(b"\0")
    digest.update(raw_text.encode("utf-8"))
    return digest.hexdigest()


def article_digest(article: Article) -> str:
    """The hash a run compares: ``content_hash``, plus the publication date when a metadata
    sidecar gave it (a corrected sidecar date must re-process the article, not be ignored)."""
    if article.meta.get("metadata_from") == "sidecar" and article.published:
        return content_hash(article.id, f"{article.text}\0published={article.published}")
    return content_hash(article.id, article.text)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str | None:
    """JSON text for a JSON column; None stays SQL NULL."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _unjson(value: Any) -> Any:
    """A JSON column's value: SQLite returns text, psycopg already-parsed objects."""
    return json.loads(value) if isinstance(value, str) else value


# ---------------------------------------------------------------- rows from a Doc

_ARTICLE_COLS = ("id", "content_hash", "source", "url", "outlet", "title", "published", "published_source",
                 "header_date", "dateline", "raw_text", "clean_text", "meta", "run_id", "ingested_at")
_SENTENCE_COLS = ("article_id", "idx", "paragraph", "start_char", "end_char", "text", "search_text")
_MENTION_COLS = ("article_id", "sentence", "start_char", "end_char", "code", "sector", "name", "text", "wikidata",
                 "rule", "role", "ambiguous", "backed_by")
_EVENT_COLS = ("id", "article_id", "sentence", "event_type", "quad_code", "event_scale", "mode", "context", "aux",
               "date", "date_precision", "date_source", "date_text", "location", "event_text", "start_char",
               "end_char", "trigger", "trigger_start", "trigger_end", "rule", "speaker")
_ACTOR_COLS = ("event_id", "side", "position", "code", "sector", "name", "text", "wikidata")
_QUOTE_COLS = ("article_id", "idx", "sentence", "start_char", "end_char", "kind", "verb", "text", "speaker_code",
               "speaker_sector", "speaker_name", "speaker_text", "speaker")
_CLAIM_COLS = ("article_id", "idx", "sentence", "start_char", "end_char", "text", "value", "low", "high", "qualifier",
               "unit", "attribution", "claimant_code", "claimant_sector", "claimant_name", "claimant_text")


# Rows derived from an article, in insertion order (a table after those it references).
_CHILD_COLS = {"sentences": _SENTENCE_COLS, "mentions": _MENTION_COLS, "events": _EVENT_COLS,
               "event_actors": _ACTOR_COLS, "quotes": _QUOTE_COLS, "claims": _CLAIM_COLS}


def _add_child_rows(pending: dict[str, list[tuple]], doc: Doc) -> None:
    events = [ev for ev in doc.events if isinstance(ev, Event)]
    pending["sentences"] += _sentence_rows(doc)
    pending["mentions"] += _mention_rows(doc)
    pending["events"] += [_event_row(doc.article.id, ev) for ev in events]
    pending["event_actors"] += [row for ev in events for row in _actor_rows(ev)]
    pending["quotes"] += _quote_rows(doc)
    pending["claims"] += _claim_rows(doc)


def _insert_sql(table: str, cols: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def _article_row(doc: Doc, digest: str, run_id: int | None) -> tuple:
    article, clean = doc.article, doc.clean
    return (
        article.id, digest, article.source, article.url,
        (clean.outlet if clean else None) or article.outlet,
        article.title or (clean.title if clean else None),
        doc.published, doc.published_source,
        clean.header_date if clean else None, clean.dateline if clean else None,
        article.text, doc.text, _json(article.meta or None), run_id, _now(),
    )


def _sentence_rows(doc: Doc) -> list[tuple]:
    texts = doc.store_extras.get("search_text") or [search_text(s.tokens) for s in doc.sentences]
    return [(doc.article.id, s.index, s.paragraph, s.start, s.end, s.text, text)
            for s, text in zip(doc.sentences, texts, strict=True)]


def slim_for_store(doc: Doc) -> Doc:
    """Compute what storing needs from the tokens, then drop them (a worker does this before
    handing the doc back: tokens are most of what crossing processes costs)."""
    from marsad.store.duplicates import signature

    doc.store_extras = {"search_text": [search_text(s.tokens) for s in doc.sentences], "minhash": signature(doc)}
    for s in doc.sentences:
        s.tokens = []
    return doc


def search_text(tokens: Sequence[Token]) -> str:
    """What a sentence is indexed under: every word's folded forms (see ``search_forms``)."""
    return " ".join(f for t in tokens if t.kind != "punct" for f in search_forms(t.text))


def fill_search_text(store: Store, batch: int = 2000) -> None:
    """Compute ``search_text`` for sentences stored before it existed (schema version 3)."""
    last = 0
    while True:
        rows = store._execute("SELECT id, text FROM sentences WHERE id > ? ORDER BY id LIMIT ?",
                              (last, batch)).fetchall()
        if not rows:
            return
        store._executemany("UPDATE sentences SET search_text = ? WHERE id = ?",
                           [(search_text(tokenize(text)), sid) for sid, text in rows])
        last = rows[-1][0]


def _mention_rows(doc: Doc) -> list[tuple]:
    rows = []
    for m in doc.mentions:
        e = m.entity
        rows.append((doc.article.id, m.sentence, m.start, m.end, e.code, e.sector, e.name, e.text, e.wikidata,
                     m.rule, m.role, _json([a.as_dict() for a in m.ambiguous] or None),
                     _json([b.as_dict() for b in m.backed_by] or None)))
    return rows


def _event_row(article_id: str, ev: Event) -> tuple:
    return (
        ev.id, article_id, ev.sentence, ev.event_type, ev.quad_code, ev.event_scale,
        _json(ev.mode), _json(ev.context), _json(ev.aux),
        ev.date, ev.date_precision, ev.date_source, ev.date_text, _json(ev.location),
        ev.event_text, ev.start, ev.end, ev.trigger, ev.trigger_start, ev.trigger_end, ev.rule,
        _json(ev.speaker.as_dict() if ev.speaker else None),
    )


def _actor_rows(ev: Event) -> list[tuple]:
    rows = []
    for side, entities in (("actor", ev.actor), ("recipient", ev.recipient)):
        for pos, e in enumerate(entities):
            rows.append((ev.id, side, pos, e.code, e.sector, e.name, e.text, e.wikidata))
    return rows


def _entity_cols(e: Entity | None) -> tuple:
    return (e.code, e.sector, e.name) if e else (None, None, None)


def _quote_rows(doc: Doc) -> list[tuple]:
    return [(doc.article.id, i, q.sentence, q.start, q.end, q.kind, q.verb, q.text, *_entity_cols(q.speaker),
             q.speaker_text, _json(q.speaker.as_dict() if q.speaker else None)) for i, q in enumerate(doc.quotes)]


def _claim_rows(doc: Doc) -> list[tuple]:
    return [(doc.article.id, i, c.sentence, c.start, c.end, c.text, c.value, c.low, c.high, c.qualifier, c.unit,
             c.attribution, *_entity_cols(c.claimant), c.claimant_text) for i, c in enumerate(doc.claims)]


# ---------------------------------------------------------------- event queries

EventFilter = str | Iterable[str] | None


def _codes(value: EventFilter) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _iso(value: str, name: str) -> str:
    """A date filter, checked: dates compare as strings, so only ISO forms make sense."""
    if not _ISO_DATE.fullmatch(value):
        raise StoreError(f"{name}={value!r}: give an ISO date, YYYY-MM-DD, YYYY-MM or YYYY")
    return value


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


# ---------------------------------------------------------------- the store


class Store:
    """A database of processed articles. Open one with ``marsad.store.open_store``.

    Subclasses provide the connection (``_conn``), ``dialect``, ``_transaction`` and
    ``_json_contains``; ``_sql`` translates the shared ``?`` placeholders if needed.
    Use as a context manager, or call ``close()``.
    """

    dialect: str = ""
    url: str = ""
    _conn: Any

    # -- backend hooks

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql

    def _json_contains(self, column: str) -> str:
        """SQL true when JSON array ``column`` holds the (text) parameter."""
        raise NotImplementedError

    def _lock_schema(self) -> None:
        """Serialise concurrent migrations (SQLite's write transaction already does)."""

    # -- low level

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._sql(sql), params)

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self._conn.cursor().executemany(self._sql(sql), rows)

    def _insert_many(self, table: str, cols: Sequence[str], rows: list[tuple]) -> None:
        """Insert rows into ``table`` (a backend may use a faster bulk path)."""
        self._executemany(_insert_sql(table, cols), rows)

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return row[0] if row else None

    # -- schema

    def schema_version(self) -> int:
        """The highest migration applied (0 for a new, empty database)."""
        return self._scalar("SELECT MAX(version) FROM schema_version") or 0

    def migrate(self, target: int | None = None) -> int:
        """Apply missing migrations up to ``target`` (default: all), one transaction each; return the version."""
        target = LATEST if target is None else target
        with self._transaction():
            self._execute(SCHEMA_VERSION_DDL)
        current = self.schema_version()
        if current > LATEST:
            raise StoreError(
                f"{self.url}: database schema version {current} is newer than this marsad knows "
                f"(up to {LATEST}); upgrade marsad to use this database"
            )
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                current = self._apply(migration)
        return current

    def _apply(self, migration: Any) -> int:
        with self._transaction():
            self._lock_schema()
            if self.schema_version() >= migration.version:  # another process got there first
                return self.schema_version()
            for statement in migration.statements(self.dialect):
                self._execute(statement)
            if migration.backfill is not None:
                migration.backfill(self)
            for statement in migration.finish(self.dialect):
                self._execute(statement)
            self._execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                          (migration.version, migration.description, _now()))
        log.info("%s: schema upgraded to version %d (%s)", self.url, migration.version, migration.description)
        return migration.version

    # -- writing

    def has_article(self, digest: str) -> bool:
        """True when an article with this content hash is stored."""
        return self._scalar("SELECT 1 FROM articles WHERE content_hash = ?", (digest,)) is not None

    def save_doc(self, doc: Doc, digest: str | None = None, run_id: int | None = None) -> bool:
        """Store one processed article in its own transaction; False when already stored."""
        return self.save_docs([doc], run_id, [digest] if digest else None) == 1

    def save_docs(self, docs: Sequence[Doc], run_id: int | None = None,
                  digests: Sequence[str] | None = None) -> int:
        """Store several articles in ONE transaction (all or none); return how many were new.

        Batching is what makes bulk ingest fast; a crash loses at most this batch and
        never leaves part of an article. ``digests`` default to ``content_hash``.
        """
        saved: list[Doc] = []
        regroup: list[str] = []  # groups of replaced articles' events, to recount
        pending: dict[str, list[tuple]] = {table: [] for table in _CHILD_COLS}
        with self._transaction():
            for i, doc in enumerate(docs):
                digest = digests[i] if digests else article_digest(doc.article)
                stored = self._scalar("SELECT content_hash FROM articles WHERE id = ?", (doc.article.id,))
                if stored == digest:
                    continue
                if stored is not None:
                    log.info("article %s changed since it was stored: replacing the old version", doc.article.id)
                    self._flush(pending)  # the old version's rows may still be pending in this batch
                    regroup += groups_of_article(self, doc.article.id)
                    self._execute("DELETE FROM articles WHERE id = ?", (doc.article.id,))
                self._execute(_insert_sql("articles", _ARTICLE_COLS), _article_row(doc, digest, run_id))
                _add_child_rows(pending, doc)
                saved.append(doc)
            self._flush(pending)
            recount_groups(self, sorted(set(regroup)))
            group_events(self, saved, link_duplicates(self, saved))
        return len(saved)

    def _flush(self, pending: dict[str, list[tuple]]) -> None:
        """Insert the batch's rows one table at a time (parents first): bulk inserts are fast."""
        for table, rows in pending.items():
            self._insert_many(table, _CHILD_COLS[table], rows)
            rows.clear()

    def start_run(self, args: dict[str, Any] | None = None) -> int:
        """Record the start of a run; its id tags the articles and skips it stores."""
        from marsad import __version__

        with self._transaction():
            return self._insert_id("INSERT INTO runs (started, marsad_version, args) VALUES (?, ?, ?)",
                                   (_now(), __version__, _json(args or {})))

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Insert one row and return its generated ``id`` (both backends support RETURNING)."""
        return int(self._scalar(sql + " RETURNING id", params))

    def finish_run(self, run_id: int, counts: dict[str, Any]) -> None:
        """Record the end of a run and what it did. A run never finished was killed."""
        with self._transaction():
            self._execute("UPDATE runs SET finished = ?, counts = ? WHERE id = ?", (_now(), _json(counts), run_id))

    def record_skip(self, run_id: int, skipped: Iterable[Skipped]) -> None:
        """Record inputs a run passed over, and why."""
        rows = [(run_id, s.source, s.reason, s.stage) for s in skipped]
        if rows:
            with self._transaction():
                self._insert_many("skipped", ("run_id", "source", "reason", "stage"), rows)

    # -- reading

    def count(self, table: str) -> int:
        """Number of rows in one of the store's tables."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}; the store has: {', '.join(TABLES)}")
        return int(self._scalar(f"SELECT COUNT(*) FROM {table}"))

    def events(self, *, actor: EventFilter = None, recipient: EventFilter = None, event_type: EventFilter = None,
               context: str | None = None, since: str | None = None, until: str | None = None,
               article_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored events, oldest first (undated last), as ``Event.as_dict()`` plus outlet/published.

        ``actor``/``recipient``/``event_type`` take one code or several (any matches);
        ``context`` one PLOVER context. ``since``/``until`` are inclusive ISO dates, full or
        partial ("2024-03" = all of March); an event dated only "2024-03" overlaps any
        period touching March. Undated events match no date filter.
        """
        where, params = self._event_where(actor, recipient, event_type, context, since, until, article_id)
        sql = ("SELECT e.*, a.outlet AS outlet, a.published AS published FROM events e"
               " JOIN articles a ON a.id = e.article_id")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.date IS NULL, e.date, e.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        cur = self._execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        actors = self._actors_of([r["id"] for r in rows])
        return [_event_dict(r, actors.get(r["id"], {})) for r in rows]

    def _event_where(self, actor: EventFilter, recipient: EventFilter, event_type: EventFilter,
                     context: str | None, since: str | None, until: str | None,
                     article_id: str | None) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        for side, value in (("actor", actor), ("recipient", recipient)):
            if codes := _codes(value):
                # IN (subquery) lets the database start from the actor index (EXISTS would probe it per event)
                where.append("e.id IN (SELECT x.event_id FROM event_actors x"
                             f" WHERE x.side = ? AND {_in('x.code', codes)})")
                params += [side, *codes]
        if types := _codes(event_type):
            where.append(_in("e.event_type", types))
            params += types
        if context:
            where.append(self._json_contains("e.context"))
            params.append(context)
        # '~' sorts after digits and '-': "2024-03~" is past every day of March 2024.
        if since:
            where.append("e.date || '~' >= ?")
            params.append(_iso(since, "since"))
        if until:
            where.append("e.date <= ?")
            params.append(_iso(until, "until") + "~")
        if article_id:
            where.append("e.article_id = ?")
            params.append(article_id)
        return where, params

    def _actors_of(self, event_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for i in range(0, len(event_ids), _ACTOR_CHUNK):
            chunk = event_ids[i : i + _ACTOR_CHUNK]
            sql = ("SELECT event_id, side, code, sector, name, text, wikidata FROM event_actors"
                   f" WHERE {_in('event_id', chunk)} ORDER BY event_id, side, position")
            for event_id, side, code, sector, name, text, wikidata in self._execute(sql, chunk).fetchall():
                entity = Entity(code, sector, name, text, wikidata).as_dict()
                out.setdefault(event_id, {}).setdefault(side, []).append(entity)
        return out

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of any SELECT, with ``?`` placeholders on every backend (for analysts and tools)."""
        return [tuple(row) for row in self._execute(sql, params).fetchall()]

    def search(self, words: str, limit: int = 20) -> list[dict[str, Any]]:
        """Sentences containing all of ``words`` (full-text index): article_id, idx, text."""
        raise NotImplementedError

    # -- lifetime

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _event_dict(row: dict[str, Any], actors: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """An events row in the shape of ``Event.as_dict()`` (the JSONL output contract)."""
    out = {
        "id": row["id"], "doc_id": row["article_id"], "event_type": row["event_type"],
        "mode": _unjson(row["mode"]), "context": _unjson(row["context"]), "aux": _unjson(row["aux"]),
        "actor": actors.get("actor", []), "recipient": actors.get("recipient", []),
        "date": row["date"], "date_text": row["date_text"], "date_precision": row["date_precision"],
        "date_source": row["date_source"], "location": _unjson(row["location"]), "event_text": row["event_text"],
        "text_info": {"start": row["start_char"], "end": row["end_char"], "sentence": row["sentence"],
                      "trigger_start": row["trigger_start"], "trigger_end": row["trigger_end"]},
        "trigger": row["trigger"], "quad_code": row["quad_code"], "event_scale": row["event_scale"],
        "rule": row["rule"], "outlet": row["outlet"], "published": row["published"],
        "group_id": row.get("group_id"),
    }
    if row["speaker"] is not None:
        out["speaker"] = _unjson(row["speaker"])
    return out
