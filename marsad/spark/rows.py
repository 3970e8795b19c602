"""The Spark job's output tables: their schemas and the rows of one processed article.

Pure Python (no PySpark), so the rows can be built and checked without a cluster. Column
names follow the SQL store (``marsad.store.base``) where a column exists in both; events
also carry their actors nested (``actor``/``recipient``: lists of entity structs), the
article's outlet and date, their ``merge_key`` and ``date_month`` (the Parquet partition:
``YYYY-MM``, ``YYYY`` for a year-only date, ``undated``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from marsad.events.merge import item_from_event
from marsad.store.base import content_hash
from marsad.types import Doc, Entity, Event, Skipped

__all__ = ["SCHEMAS", "TABLES", "doc_rows", "skipped_row", "group_rows", "event_dict_from_row", "date_month",
           "UNDATED"]

UNDATED = "undated"

_ENTITY = "STRUCT<code: STRING, sector: STRING, name: STRING, text: STRING, wikidata: STRING>"

# Spark DDL schemas, in the column order of the row tuples below.
SCHEMAS: dict[str, str] = {
    "articles": "id STRING, content_hash STRING, source STRING, url STRING, outlet STRING, title STRING, "
                "published STRING, published_source STRING, header_date STRING, dateline STRING, crawl_date STRING, "
                "raw_text STRING, clean_text STRING, meta STRING, num_sentences INT, num_mentions INT, num_events INT",
    "events": "id STRING, article_id STRING, sentence INT, event_type STRING, quad_code INT, event_scale DOUBLE, "
              f"mode ARRAY<STRING>, context ARRAY<STRING>, aux ARRAY<STRING>, actor ARRAY<{_ENTITY}>, "
              f"recipient ARRAY<{_ENTITY}>, date STRING, date_precision STRING, date_source STRING, "
              "date_text STRING, location STRING, event_text STRING, start_char INT, end_char INT, trigger STRING, "
              f"trigger_start INT, trigger_end INT, rule STRING, speaker {_ENTITY}, outlet STRING, "
              "published STRING, merge_key STRING, date_month STRING",
    "event_actors": "event_id STRING, article_id STRING, side STRING, position INT, code STRING, sector STRING, "
                    "name STRING, text STRING, wikidata STRING",
    "quotes": "article_id STRING, idx INT, sentence INT, start_char INT, end_char INT, kind STRING, verb STRING, "
              "text STRING, speaker_code STRING, speaker_sector STRING, speaker_name STRING, speaker_text STRING, "
              f"speaker {_ENTITY}",
    "claims": "article_id STRING, idx INT, sentence INT, start_char INT, end_char INT, text STRING, value DOUBLE, "
              "low DOUBLE, high DOUBLE, qualifier STRING, unit STRING, attribution STRING, claimant_code STRING, "
              f"claimant_sector STRING, claimant_name STRING, claimant_text STRING, claimant {_ENTITY}",
    "skipped": "source STRING, reason STRING, stage STRING",
    "event_groups": "id STRING, merge_key STRING, event_type STRING, quad_code INT, date STRING, "
                    "date_precision STRING, actor_codes STRING, recipient_codes STRING, num_mentions INT, "
                    "num_articles INT, num_sources INT, first_event_id STRING, date_month STRING",
    "event_group_members": "event_id STRING, group_id STRING, article_id STRING, merge_key STRING",
}
TABLES = tuple(SCHEMAS)

# Not an output: what the merge stage needs of one event (MergeItem's fields, key first, and the
# quad code for the group row).
MERGE = "merge"
SCHEMAS[MERGE] = ("merge_key STRING, article_id STRING, event_id STRING, date STRING, date_precision STRING, "
                  "cluster STRING, source STRING, quad_code INT")


def doc_rows(doc: Doc) -> Iterator[tuple[str, tuple]]:
    """``(table, row)`` pairs for one processed article, plus ``("merge", item)`` per event."""
    article, clean = doc.article, doc.clean
    outlet = (clean.outlet if clean else None) or article.outlet
    events = [ev.as_dict() if isinstance(ev, Event) else dict(ev) for ev in doc.events]
    yield "articles", (
        article.id, content_hash(article.id, article.text), article.source, article.url, outlet,
        article.title or (clean.title if clean else None), doc.published, doc.published_source,
        clean.header_date if clean else None, clean.dateline if clean else None,
        _str_or_none(article.meta.get("crawl_date")), article.text, doc.text,
        json.dumps(article.meta, ensure_ascii=False, default=str) if article.meta else None,
        len(doc.sentences), len(doc.mentions), len(events),
    )
    for ev in events:
        item = item_from_event(ev, source=outlet)
        yield "events", _event_row(ev, outlet, doc.published, item.key)
        yield from (("event_actors", row) for row in _actor_rows(ev))
        yield MERGE, (item.key, item.article_id, item.event_id, item.date, item.precision, item.cluster,
                      item.source, int(ev["quad_code"]))
    for i, quote in enumerate(getattr(doc, "quotes", None) or []):
        yield "quotes", _quote_row(article.id, i, quote.as_dict())
    for i, claim in enumerate(getattr(doc, "claims", None) or []):
        yield "claims", _claim_row(article.id, i, claim.as_dict())


def skipped_row(item: Skipped) -> tuple[str, tuple]:
    return "skipped", (item.source, item.reason, item.stage)


def date_month(date: str | None) -> str:
    """The partition of an event date: ``YYYY-MM``, ``YYYY`` (year precision) or ``undated``."""
    return date[:7] if date else UNDATED


def _event_row(ev: Mapping[str, Any], outlet: str | None, published: str | None, key: str) -> tuple:
    info = ev.get("text_info") or {}
    return (
        ev["id"], ev["doc_id"], info.get("sentence"), ev["event_type"], _int(ev.get("quad_code")),
        _float(ev.get("event_scale")), list(ev.get("mode") or []), list(ev.get("context") or []),
        list(ev.get("aux") or []), list(ev.get("actor") or []), list(ev.get("recipient") or []),
        ev.get("date"), ev.get("date_precision"), ev.get("date_source"), ev.get("date_text"),
        json.dumps(ev["location"], ensure_ascii=False) if ev.get("location") is not None else None,
        ev.get("event_text"), info.get("start"), info.get("end"), ev.get("trigger"), info.get("trigger_start"),
        info.get("trigger_end"), ev.get("rule"), ev.get("speaker"), outlet, published, key,
        date_month(ev.get("date")),
    )


def _actor_rows(ev: Mapping[str, Any]) -> Iterator[tuple]:
    for side in ("actor", "recipient"):
        for position, e in enumerate(ev.get(side) or []):
            yield (ev["id"], ev["doc_id"], side, position, e.get("code"), e.get("sector"), e.get("name"),
                   e.get("text"), e.get("wikidata"))


def _quote_row(article_id: str, idx: int, q: Mapping[str, Any]) -> tuple:
    speaker = q.get("speaker")
    return (article_id, idx, q.get("sentence"), q.get("start"), q.get("end"), q.get("kind"), q.get("verb"),
            q.get("text"), *_entity_cols(speaker), q.get("speaker_text"), speaker)


def _claim_row(article_id: str, idx: int, c: Mapping[str, Any]) -> tuple:
    claimant = c.get("claimant")
    return (article_id, idx, c.get("sentence"), c.get("start"), c.get("end"), c.get("text"), _float(c.get("value")),
            _float(c.get("low")), _float(c.get("high")), c.get("qualifier"), c.get("unit"), c.get("attribution"),
            *_entity_cols(claimant), c.get("claimant_text"), claimant)


def group_rows(groups: list, quad_codes: Mapping[str, int]) -> Iterator[tuple[str, tuple]]:
    """``event_groups`` and ``event_group_members`` rows of ``merge.assign_groups``'s groups."""
    for g in groups:
        event_type, actors, recipients, _ = g.key.split("|")
        first = g.members[0].event_id
        yield "event_groups", (g.id, g.key, event_type, quad_codes.get(first), g.date, g.precision, actors,
                               recipients, g.num_mentions, g.num_articles, g.num_sources, first, date_month(g.date))
        for m in g.members:
            yield "event_group_members", (m.event_id, g.id, m.article_id, g.key)


def event_dict_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An ``events`` row read back (Spark ``Row.asDict(recursive=True)`` or a pandas record) in the
    shape of ``Event.as_dict()``, the JSONL output contract."""
    out = {
        "id": row["id"], "doc_id": row["article_id"], "event_type": row["event_type"],
        "mode": _list(row["mode"]), "context": _list(row["context"]), "aux": _list(row["aux"]),
        "actor": [_entity(e) for e in _list(row["actor"])], "recipient": [_entity(e) for e in _list(row["recipient"])],
        "date": row["date"], "date_text": row["date_text"], "date_precision": row["date_precision"],
        "date_source": row["date_source"], "location": json.loads(row["location"]) if row["location"] else None,
        "event_text": row["event_text"],
        "text_info": {"start": row["start_char"], "end": row["end_char"], "sentence": row["sentence"],
                      "trigger_start": row["trigger_start"], "trigger_end": row["trigger_end"]},
        "trigger": row["trigger"], "quad_code": row["quad_code"], "event_scale": row["event_scale"],
        "rule": row["rule"],
    }
    if row.get("speaker") is not None:
        out["speaker"] = _entity(row["speaker"])
    return out


def _entity(value: Mapping[str, Any]) -> dict[str, Any]:
    e = dict(value)
    return Entity(e["code"], e["sector"], e["name"], e["text"], e.get("wikidata")).as_dict()


def _entity_cols(e: Mapping[str, Any] | None) -> tuple:
    return (e.get("code"), e.get("sector"), e.get("name")) if e else (None, None, None)


def _list(value: Any) -> list:
    return [] if value is None else list(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    """Spark's DOUBLE columns refuse Python ints: a count of 45000 must arrive as 45000.0."""
    return None if value is None else float(value)


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
