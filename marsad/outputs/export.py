"""Files an analyst takes away from a store: merged events and the actor network.

Every export has **one record per real event** (an event group, see ``events.merge``),
never one per mention: a story syndicated ten times is one event with ten mentions.
Exports stream: groups are read a page at a time, so a large database is never held in
memory (the graph formats excepted: a network is small).

Formats
-------

- ``jsonl`` (canonical, ``write_jsonl``): one PLOVER record per line, in the shape of
  ``Event.as_dict()`` plus what merging adds::

      {"id": "g…", "event_type", "quad_code", "event_scale", "mode", "context", "aux",
       "actor": [entity…], "recipient": [entity…], "date", "date_precision", "date_source",
       "date_certainty", "location", "num_mentions", "num_articles", "num_sources",
       "mentions": [{"event_id", "article_id", "outlet", "published", "url", "event_text",
                     "trigger", "text_info": {"start", "end", "sentence", "trigger_start",
                     "trigger_end"}, "date", "date_text", "date_precision", "date_source",
                     "mode", "context", "aux", "actor", "recipient", "location",
                     "event_scale", "rule"}, …]}

  ``mode``/``context``/``aux`` are the union over the mentions (reports word one act
  differently); ``actor``/``recipient`` the union of the mentions' entities, one per
  code as the first mention names it (the codes are what made the mentions one event;
  each mention keeps its own entities); ``mentions`` is every mention, the
  group's first mention first, then by publication date: all the evidence.
  ``num_mentions == len(mentions)``.
- ``csv``/``tsv`` (``write_csv``) and ``parquet`` (``write_parquet``): flat rows with
  ICEWS/GDELT-like columns, described below.
- ``graphml``/``gexf`` (``write_network``): the actor → recipient network of
  ``analysis.network``: edge ``weight`` (events), one count per quad class
  (``verbal_coop``, ``material_coop``, ``verbal_conflict``, ``material_conflict``) and
  ``score`` (sum of PLOVER scores); nodes labelled "CODE — English name".

Flat columns (CSV, TSV, Parquet), in this order
-----------------------------------------------

Several actors in one cell are joined with ";", position by position across the
Name/Sector/Country columns (so ``SourceName`` "NATO;United States" goes with
``SourceCountry`` "IGO;USA"). Missing values are empty cells (null in Parquet).

=================  ========  =============================================================
Column             Parquet   Meaning
=================  ========  =============================================================
GlobalEventID      string    event group id ("g" + 15 hex digits), stable across re-runs
Date               string    ISO date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY
DatePrecision      string    day, month or year (empty when undated)
DateCertainty      string    where the date comes from (``analysis.DATE_CERTAINTY``): stated
                             in the text, publication date, page header date (unreliable) …
SourceName         string    actor entities' English names
SourceSector       string    actor entities' PLOVER sectors (GOV, MIL, REB …)
SourceCountry      string    actor entities' PLOVER codes (ISO alpha-3, IGO, UNO …)
EventType          string    PLOVER event type (AGREE … ASSAULT)
Mode               string    PLOVER modes, union over the mentions
Context            string    PLOVER contexts, union over the mentions
Aux                string    auxiliary modes (negation, hypothetical, future, historical)
QuadClass          int8      1 verbal cooperation, 2 material cooperation, 3 verbal
                             conflict, 4 material conflict
PloverScore        float64   PLOVER ``event_scale`` (−10 conflict … +10 cooperation) of
                             the first mention
TargetName         string    recipient entities' English names
TargetSector       string    recipient entities' PLOVER sectors
TargetCountry      string    recipient entities' PLOVER codes
NumMentions        int32     mentions of the event (GDELT NumMentions)
NumSources         int32     distinct outlets reporting it (GDELT NumSources)
NumArticles        int32     distinct articles reporting it (GDELT NumArticles)
Location           string    place of the event (English gazetteer name)
LocationCountry    string    ISO alpha-3 code of the place's country
Latitude           float64   of the place
Longitude          float64   of the place
Evidence           string    the first mention's sentence (whitespace collapsed)
SourceArticle      string    article id of the first mention
SourceURL          string    that article's URL, when known
SourceOutlet       string    that article's outlet, when known
=================  ========  =============================================================

Filters (all exports but the network): ``since``/``until`` (inclusive ISO dates, full or
partial, on the event's date; undated events match no date filter), ``actor`` (a code
among the event's actors) and ``recipient`` (a code among its recipients).
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from marsad.errors import MarsadError
from marsad.lexicons import load_yaml
from marsad.outputs.analysis import DATE_CERTAINTY, network
from marsad.store.base import Store
from marsad.types import Entity

__all__ = ["ExportError", "FORMATS", "FLAT_COLUMNS", "export", "format_from_path", "iter_merged_events", "flat_row",
           "write_jsonl", "write_csv", "write_parquet", "write_network", "actor_network", "known_actor_names"]

log = logging.getLogger(__name__)


class ExportError(MarsadError, ValueError):
    """An export that cannot be written as asked (the message says why and what to do)."""


FORMATS = ("jsonl", "csv", "tsv", "parquet", "graphml", "gexf")
_SUFFIXES = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
             ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".graphml": "graphml", ".gexf": "gexf"}

# (column, Parquet type): the order of CSV/TSV/Parquet columns; meanings in the module docstring.
FLAT_COLUMNS: list[tuple[str, str]] = [
    ("GlobalEventID", "string"), ("Date", "string"), ("DatePrecision", "string"), ("DateCertainty", "string"),
    ("SourceName", "string"), ("SourceSector", "string"), ("SourceCountry", "string"), ("EventType", "string"),
    ("Mode", "string"), ("Context", "string"), ("Aux", "string"), ("QuadClass", "int8"),
    ("PloverScore", "float64"), ("TargetName", "string"), ("TargetSector", "string"), ("TargetCountry", "string"),
    ("NumMentions", "int32"), ("NumSources", "int32"), ("NumArticles", "int32"), ("Location", "string"),
    ("LocationCountry", "string"), ("Latitude", "float64"), ("Longitude", "float64"), ("Evidence", "string"),
    ("SourceArticle", "string"), ("SourceURL", "string"), ("SourceOutlet", "string"),
]

PAGE_SIZE = 500  # event groups read per query: bounds memory, keeps round trips few
_CHUNK = 400  # values per "IN (...)"
_SEP = ";"
# Best first: which mention's date source a group's date is credited to.
_CERTAINTY_ORDER = {source: i for i, source in enumerate(("text", "published", "given", "text-header", "header"))}


class _Group(NamedTuple):
    id: str
    event_type: str
    quad_code: int
    date: str | None
    date_precision: str | None
    num_mentions: int
    num_articles: int
    num_sources: int
    first_event_id: str


_GROUP_COLS = ("id, event_type, quad_code, date, date_precision, num_mentions, num_articles, num_sources,"
               " first_event_id")


# ---------------------------------------------------------------- reading merged events


def iter_merged_events(store: Store, *, since: str | None = None, until: str | None = None,
                       actor: str | None = None, recipient: str | None = None,
                       page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """Merged events (the JSONL records), dated ones by date then id, undated ones last.

    The order is ``analysis.groups``'s, so exports line up with it row for row.
    """
    where, params = _group_filters(since, until, actor, recipient)
    for page in _group_pages(store, where, params, dated_only=bool(since or until), page_size=page_size):
        mentions = _mentions_of(store, [g.id for g in page])
        for group in page:
            yield _merged_record(group, mentions.get(group.id, []))


def _group_filters(since: str | None, until: str | None, actor: str | None,
                   recipient: str | None) -> tuple[str, list[Any]]:
    """SQL conditions on event_groups (actor codes are stored comma-joined, e.g. "IGO,USA")."""
    where, params = "", []
    if since:  # '~' sorts after digits and '-': "2016-03~" is past every day of March 2016
        where += " AND date || '~' >= ?"
        params.append(since)
    if until:
        where += " AND date <= ?"
        params.append(until + "~")
    for column, code in (("actor_codes", actor), ("recipient_codes", recipient)):
        if code:
            where += f" AND (',' || {column} || ',') LIKE ?"
            params.append(f"%,{code},%")
    return where, params


def _group_pages(store: Store, where: str, params: list[Any], *, dated_only: bool,
                 page_size: int) -> Iterator[list[_Group]]:
    """Pages of groups by keyset (date, id), then undated groups by id: each page one indexed query."""
    after: tuple[str, str] | None = None
    while True:
        sql = f"SELECT {_GROUP_COLS} FROM event_groups WHERE date IS NOT NULL{where}"
        page_params = list(params)
        if after:
            sql += " AND (date > ? OR (date = ? AND id > ?))"
            page_params += [after[0], after[0], after[1]]
        page = [_Group(*row) for row in store.query(sql + " ORDER BY date, id LIMIT ?", [*page_params, page_size])]
        if not page:
            break
        yield page
        after = (page[-1].date, page[-1].id)
    if dated_only:
        return
    last_id = ""
    while True:
        sql = f"SELECT {_GROUP_COLS} FROM event_groups WHERE date IS NULL{where} AND id > ? ORDER BY id LIMIT ?"
        page = [_Group(*row) for row in store.query(sql, [*params, last_id, page_size])]
        if not page:
            break
        yield page
        last_id = page[-1].id


_MENTION_SQL = (
    "SELECT e.group_id, e.id, e.article_id, a.outlet, a.published, a.url, e.event_text, e.trigger, e.start_char,"
    " e.end_char, e.sentence, e.trigger_start, e.trigger_end, e.date, e.date_text, e.date_precision, e.date_source,"
    " e.mode, e.context, e.aux, e.location, e.event_scale, e.rule"
    " FROM events e JOIN articles a ON a.id = e.article_id WHERE e.group_id IN ({marks})"
)


def _mentions_of(store: Store, group_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each group's mentions with their actors, in the mention shape of the JSONL records."""
    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(group_ids):
        for row in store.query(_MENTION_SQL.format(marks=_marks(len(chunk))), chunk):
            out.setdefault(row[0], []).append(_mention(row[1:]))
    mentions = {m["event_id"]: m for ms in out.values() for m in ms}
    for event_id, side, entity in _entities_of(store, list(mentions)):
        mentions[event_id][side].append(entity)
    return out


def _mention(row: Sequence[Any]) -> dict[str, Any]:
    (event_id, article_id, outlet, published, url, text, trigger, start, end, sentence, t_start, t_end,
     date, date_text, precision, source, mode, context, aux, location, scale, rule) = row
    return {
        "event_id": event_id, "article_id": article_id, "outlet": outlet, "published": published, "url": url,
        "event_text": text, "trigger": trigger,
        "text_info": {"start": start, "end": end, "sentence": sentence, "trigger_start": t_start,
                      "trigger_end": t_end},
        "date": date, "date_text": date_text, "date_precision": precision, "date_source": source,
        "mode": _unjson(mode) or [], "context": _unjson(context) or [], "aux": _unjson(aux) or [],
        "actor": [], "recipient": [], "location": _unjson(location),
        "event_scale": None if scale is None else float(scale), "rule": rule,
    }


def _entities_of(store: Store, event_ids: list[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for chunk in _chunks(event_ids):
        rows = store.query("SELECT event_id, side, code, sector, name, text, wikidata FROM event_actors"
                           f" WHERE event_id IN ({_marks(len(chunk))}) ORDER BY event_id, side, position", chunk)
        for event_id, side, code, sector, name, text, wikidata in rows:
            yield event_id, side, Entity(code, sector, name, text, wikidata).as_dict()


def _merged_record(group: _Group, mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """One real event from its group row and its mentions (first mention first)."""
    mentions = sorted(mentions, key=lambda m: (m["event_id"] != group.first_event_id, m["published"] or "~",
                                               m["article_id"], m["text_info"]["sentence"], m["event_id"]))
    first = mentions[0] if mentions else {}
    date_source = _date_source(group, mentions)
    return {
        "id": group.id, "event_type": group.event_type, "quad_code": group.quad_code,
        "event_scale": first.get("event_scale"),
        "mode": _union(m["mode"] for m in mentions), "context": _union(m["context"] for m in mentions),
        "aux": _union(m["aux"] for m in mentions),
        "actor": _union_entities(m["actor"] for m in mentions),
        "recipient": _union_entities(m["recipient"] for m in mentions),
        "date": group.date, "date_precision": group.date_precision, "date_source": date_source,
        "date_certainty": _certainty(date_source),
        "location": next((m["location"] for m in mentions if m["location"]), None),
        "num_mentions": group.num_mentions, "num_articles": group.num_articles, "num_sources": group.num_sources,
        "mentions": mentions,
    }


def _date_source(group: _Group, mentions: list[dict[str, Any]]) -> str:
    """Where the group's date comes from: the most reliable mention that carries exactly that date."""
    if not group.date:
        return "none"
    sources = [m["date_source"] for m in mentions
               if m["date"] == group.date and m["date_precision"] == group.date_precision]
    return min(sources, key=lambda s: _CERTAINTY_ORDER.get(s, 99), default="none")


def _certainty(date_source: str) -> str:
    return DATE_CERTAINTY.get(date_source, date_source)


def _union(lists: Iterable[list[str]]) -> list[str]:
    return list(dict.fromkeys(v for values in lists for v in values))


def _union_entities(lists: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One entity per code, first seen first; uncoded entities (code "") one per sector and name."""
    seen: dict[tuple, dict[str, Any]] = {}
    for entities in lists:
        for e in entities:
            seen.setdefault((e["code"],) if e["code"] else ("", e["sector"], e["name"]), e)
    return list(seen.values())


# ---------------------------------------------------------------- flat rows


def flat_row(record: dict[str, Any]) -> dict[str, Any]:
    """The flat (CSV/Parquet) row of a merged-event record; columns as in ``FLAT_COLUMNS``."""
    first = record["mentions"][0] if record["mentions"] else {}
    place = record.get("location") or {}
    return {
        "GlobalEventID": record["id"], "Date": record["date"], "DatePrecision": record["date_precision"],
        "DateCertainty": record["date_certainty"],
        **_entity_columns("Source", record["actor"]),
        "EventType": record["event_type"], "Mode": _joined(record["mode"]), "Context": _joined(record["context"]),
        "Aux": _joined(record["aux"]), "QuadClass": record["quad_code"], "PloverScore": record["event_scale"],
        **_entity_columns("Target", record["recipient"]),
        "NumMentions": record["num_mentions"], "NumSources": record["num_sources"],
        "NumArticles": record["num_articles"],
        "Location": place.get("resolved_place") or place.get("extracted_place"),
        "LocationCountry": place.get("country_code"), "Latitude": place.get("lat"), "Longitude": place.get("lon"),
        "Evidence": " ".join((first.get("event_text") or "").split()) or None,
        "SourceArticle": first.get("article_id"), "SourceURL": first.get("url"), "SourceOutlet": first.get("outlet"),
    }


def _entity_columns(prefix: str, entities: list[dict[str, Any]]) -> dict[str, str | None]:
    if not entities:
        return {f"{prefix}Name": None, f"{prefix}Sector": None, f"{prefix}Country": None}
    return {f"{prefix}Name": _aligned(e.get("name") for e in entities),
            f"{prefix}Sector": _aligned(e.get("sector") for e in entities),
            f"{prefix}Country": _aligned(e.get("code") for e in entities)}


def _aligned(values: Iterable[str | None]) -> str | None:
    """Values joined position by position; None when all are empty (no ";;" cells of nothing)."""
    values = [v or "" for v in values]
    return _SEP.join(values) if any(values) else None


def _joined(values: list[str]) -> str | None:
    return _SEP.join(values) or None


# ---------------------------------------------------------------- writers


def write_jsonl(store: Store, target: str | Path | IO[str], **filters: Any) -> int:
    """Write merged events as PLOVER JSONL (one per line); return how many."""
    n = 0
    with _text_sink(target) as out:
        for record in iter_merged_events(store, **filters):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_csv(store: Store, target: str | Path | IO[str], *, delimiter: str = ",", **filters: Any) -> int:
    """Write merged events as flat CSV (``delimiter="\\t"`` for TSV), UTF-8 with a header; return how many."""
    names = [name for name, _ in FLAT_COLUMNS]
    n = 0
    with _text_sink(target) as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(names)
        for record in iter_merged_events(store, **filters):
            row = flat_row(record)
            writer.writerow(["" if row[c] is None else row[c] for c in names])
            n += 1
    return n


def write_parquet(store: Store, path: str | Path, *, batch_rows: int = 5000, **filters: Any) -> int:
    """Write merged events as flat Parquet with typed columns (needs pyarrow); return how many."""
    pa, pq = _import_pyarrow()
    schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in FLAT_COLUMNS])
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for rows in _batched((flat_row(r) for r in iter_merged_events(store, **filters)), batch_rows):
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            n += len(rows)
        if n == 0:  # a file with the columns and no rows, rather than no row group at all
            writer.write_table(schema.empty_table())
    return n


@lru_cache(maxsize=1)
def known_actor_names() -> dict[str, tuple[str, str]]:
    """Code → (English name, Arabic name) from the knowledge base, for codes that name one actor:
    countries, the UN (UNO) and the EU (EUR); not IGO, NGO … which stand for many."""
    names = {c["code"]: (c["name"], c["names"][0]) for c in load_yaml("actors/countries.yaml") if c.get("names")}
    for org in load_yaml("actors/organizations.yaml"):
        if org.get("code") in ("UNO", "EUR") and not org.get("parent") and org["code"] not in names:
            names[org["code"]] = (org["name"], org["names"][0])
    return names


def actor_network(store: Store) -> Any:
    """``analysis.network`` with node labels ("USA — United States") and event counts per node."""
    graph = network(store)
    seen = _actor_names(store)
    for code in graph.nodes:
        used = seen.get(code, [])
        name = known_actor_names().get(code, (None,))[0] or (used[0] if len(used) == 1 else "")
        node = graph.nodes[code]
        node["label"] = f"{code} — {name}" if name else code
        node["name"] = name
        node["names"] = "; ".join(used[:5])  # as the events name it, most used first
        node["events_as_actor"] = int(graph.out_degree(code, weight="weight"))
        node["events_as_recipient"] = int(graph.in_degree(code, weight="weight"))
    return graph


def _actor_names(store: Store) -> dict[str, list[str]]:
    """English names per code in the store's events, most used first."""
    rows = store.query("SELECT code, name, COUNT(*) FROM event_actors WHERE code <> '' GROUP BY code, name"
                       " ORDER BY code, COUNT(*) DESC, name")
    out: dict[str, list[str]] = {}
    for code, name, _ in rows:
        if name:
            out.setdefault(code, []).append(name)
    return out


def write_network(store: Store, path: str | Path, fmt: str = "graphml") -> tuple[int, int]:
    """Write the actor network as GraphML or GEXF; return (nodes, edges)."""
    import networkx as nx

    graph = actor_network(store)
    if fmt == "graphml":
        nx.write_graphml(graph, str(path))
    elif fmt == "gexf":
        nx.write_gexf(graph, str(path))
    else:
        raise ExportError(f"network format {fmt!r}: choose graphml or gexf")
    return graph.number_of_nodes(), graph.number_of_edges()


def format_from_path(path: str | Path) -> str | None:
    """The export format a file name implies (``events.parquet`` → parquet), or None."""
    return _SUFFIXES.get(Path(str(path)).suffix.lower())


def export(store: Store, target: str | Path | IO[str], fmt: str, **filters: Any) -> int:
    """Write the store in one of ``FORMATS``; return the records (for graphs: edges) written.

    ``filters``: since, until, actor, recipient (not for the graph formats).
    """
    used = {k: v for k, v in filters.items() if v}
    if fmt == "jsonl":
        return write_jsonl(store, target, **used)
    if fmt in ("csv", "tsv"):
        return write_csv(store, target, delimiter="\t" if fmt == "tsv" else ",", **used)
    if fmt in ("parquet", "graphml", "gexf") and not isinstance(target, str | Path):
        raise ExportError(f"{fmt} is a binary or structured format: give a file name, not a stream")
    if fmt == "parquet":
        return write_parquet(store, target, **used)
    if fmt in ("graphml", "gexf"):
        if used:
            raise ExportError(f"the {fmt} network covers the whole store; filters ({', '.join(used)}) apply to "
                             "jsonl, csv, tsv and parquet only")
        return write_network(store, target, fmt)[1]
    raise ExportError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------- helpers


@contextmanager
def _text_sink(target: str | Path | IO[str]) -> Iterator[IO[str]]:
    """A text stream to write to: the stream given, stdout for "-", or a file opened (and closed) here."""
    if hasattr(target, "write"):
        yield target  # type: ignore[misc]
    elif str(target) == "-":
        yield sys.stdout
    else:
        with open(target, "w", encoding="utf-8", newline="") as out:
            yield out


def _import_pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError('Parquet export needs pyarrow: pip install "marsad[parquet]"') from None
    return pa, pq


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _chunks(values: list[str], size: int = _CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _unjson(value: Any) -> Any:
    """A JSON column's value: SQLite returns text, psycopg parsed objects."""
    return json.loads(value) if isinstance(value, str) else value
