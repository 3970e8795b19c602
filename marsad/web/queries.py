"""Read-only questions the web app asks of a store, answered as plain dicts (ready for JSON and templates).

The analysis API (``marsad.outputs.analysis``) answers whole-corpus questions as
DataFrames; a web page needs *pages* of rows and a few aggregates, which are cheaper as
SQL with LIMIT/OFFSET. Every value that comes from a user goes in as a ``?`` parameter
(translated per backend by ``Store.query``); the only text formatted into SQL is
constants and runs of ``?`` placeholders.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from marsad.outputs.analysis import QUADS
from marsad.store.base import Store

__all__ = ["EventFilters", "group_page", "mention_page", "matching_group_ids", "events_by_ids", "event_detail", "article_page",
           "article_detail", "overview", "top_dyads", "actor_list", "actor_detail", "article_exists"]

log = logging.getLogger(__name__)

_CHUNK = 400  # ids per "IN (...)" query


def _unjson(value: Any) -> Any:
    """A JSON column's value: SQLite returns text, psycopg already-parsed objects."""
    return json.loads(value) if isinstance(value, str) else value


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _like(word: str) -> str:
    """A LIKE pattern matching ``word`` anywhere, with LIKE's own wildcards taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---------------------------------------------------------------- event filters


@dataclass(frozen=True)
class EventFilters:
    """The filters of the events table and API; empty fields filter nothing.

    ``actor``/``recipient``/``event_type`` match any of their codes; ``mode`` and
    ``context`` one PLOVER mode/context; ``since``/``until`` inclusive ISO dates, full or
    partial, with the same overlap rule as ``Store.events``; ``q`` words that must all
    appear in the evidence sentence or the trigger.
    """

    actor: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    event_type: tuple[str, ...] = ()
    mode: str | None = None
    context: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    article_id: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition on ``events e`` (joined to ``articles a``) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        for side, codes in (("actor", self.actor), ("recipient", self.recipient)):
            if codes:
                # IN (uncorrelated subquery): SQLite would run a correlated EXISTS once per event through
                # the code index (USA on 1,000 articles: 130 ms instead of 2 ms)
                parts.append("e.id IN (SELECT x.event_id FROM event_actors x WHERE x.side = ?"
                             f" AND x.code IN ({_marks(list(codes))}))")
                params += [side, *codes]
        if self.event_type:
            parts.append(f"e.event_type IN ({_marks(list(self.event_type))})")
            params += list(self.event_type)
        # JSON arrays of plain words: match the quoted element in the column's text form (both backends).
        for column, value in (("e.mode", self.mode), ("e.context", self.context)):
            if value:
                parts.append(f"CAST({column} AS TEXT) LIKE ? ESCAPE '\\'")
                params.append(_like(f'"{value}"'))
        if self.since:  # '~' sorts after digits and '-': "2024-03~" is past every day of March 2024
            parts.append("e.date || '~' >= ?")
            params.append(self.since)
        if self.until:
            parts.append("e.date <= ?")
            params.append(self.until + "~")
        for word in (self.q or "").split():
            parts.append("(e.event_text LIKE ? ESCAPE '\\' OR e.trigger LIKE ? ESCAPE '\\')")
            params += [_like(word), _like(word)]
        if self.article_id:
            parts.append("e.article_id = ?")
            params.append(self.article_id)
        return (" WHERE " + " AND ".join(parts) if parts else ""), params


_FROM_EVENTS = " FROM events e JOIN articles a ON a.id = e.article_id"


def _direction(order: str) -> str:
    return "ASC" if order == "asc" else "DESC"


def group_page(store: Store, filters: EventFilters, *, page: int, limit: int,
               order: str = "desc") -> tuple[int, list[dict[str, Any]]]:
    """One page of real events (event groups) with at least one mention matching ``filters``.

    Each row is the group's first matching mention, with the group's date and counts.
    """
    where, params = filters.where()
    if where:
        total, rows = _matching_groups(store, where, params, page, limit, _direction(order))
    else:  # every real event: straight from event_groups, by its date index, without grouping the events
        total = store.count("event_groups")
        rows = store.query("SELECT id, first_event_id, date, date_precision, num_mentions, num_articles, num_sources"
                           f" FROM event_groups ORDER BY date IS NULL, date {_direction(order)}, id LIMIT ? OFFSET ?",
                           [limit, (page - 1) * limit])
    reps = {e["id"]: e for e in events_by_ids(store, [r[1] for r in rows])}
    items = []
    for gid, rep, date, precision, n_m, n_a, n_s in rows:
        if rep not in reps:  # a group whose first mention is gone (its article replaced mid-request)
            continue
        item = dict(reps[rep])
        if date is not None or precision is not None:
            item["date"], item["date_precision"] = date, precision
        item.update(id=gid, group_id=gid, event_id=rep, num_mentions=n_m or 1, num_articles=n_a or 1,
                    num_sources=n_s or 1)
        items.append(item)
    return total, items


def matching_group_ids(store: Store, filters: EventFilters) -> set[str] | None:
    """Ids of the real events with a mention matching ``filters``; None when nothing is filtered."""
    where, params = filters.where()
    if not where:
        return None
    return {r[0] for r in store.query(f"SELECT DISTINCT COALESCE(e.group_id, e.id){_FROM_EVENTS}{where}", params)}


def _matching_groups(store: Store, where: str, params: list[Any], page: int, limit: int,
                     direction: str) -> tuple[int, list[tuple]]:
    """Groups with a mention matching the condition: (total, page rows), each represented by its
    first matching mention."""
    hits = (f"SELECT COALESCE(e.group_id, e.id) AS gid, MIN(e.id) AS rep, MAX(e.date) AS edate{_FROM_EVENTS}{where}"
            " GROUP BY COALESCE(e.group_id, e.id)")
    total = int(store.query(f"SELECT COUNT(*) FROM ({hits}) h", params)[0][0])
    rows = store.query(
        "SELECT h.gid, h.rep, g.date, g.date_precision, g.num_mentions, g.num_articles, g.num_sources"
        f" FROM ({hits}) h LEFT JOIN event_groups g ON g.id = h.gid"
        f" ORDER BY COALESCE(g.date, h.edate) IS NULL, COALESCE(g.date, h.edate) {direction}, h.gid"
        " LIMIT ? OFFSET ?", [*params, limit, (page - 1) * limit])
    return total, rows


def mention_page(store: Store, filters: EventFilters, *, page: int, limit: int | None,
                 order: str = "desc") -> tuple[int, list[dict[str, Any]]]:
    """One page of event mentions (``events`` rows) matching ``filters``; ``limit=None``: all of them."""
    where, params = filters.where()
    total = int(store.query(f"SELECT COUNT(*){_FROM_EVENTS}{where}", params)[0][0])
    sql = f"SELECT e.id{_FROM_EVENTS}{where} ORDER BY e.date IS NULL, e.date {_direction(order)}, e.id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, (page - 1) * limit]
    ids = [r[0] for r in store.query(sql, params)]
    found = {e["id"]: e for e in events_by_ids(store, ids)}
    return total, [found[i] | {"event_id": i} for i in ids]


_EVENT_SELECT = (
    "SELECT e.id, e.article_id, e.sentence, e.event_type, e.quad_code, e.event_scale, e.mode, e.context, e.aux,"
    " e.date, e.date_precision, e.date_source, e.date_text, e.location, e.event_text, e.start_char, e.end_char,"
    " e.trigger, e.trigger_start, e.trigger_end, e.rule, e.speaker, e.group_id, a.title, a.outlet, a.published"
    " FROM events e JOIN articles a ON a.id = e.article_id"
)
_EVENT_NAMES = ("id", "article_id", "sentence", "event_type", "quad_code", "event_scale", "mode", "context", "aux",
                "date", "date_precision", "date_source", "date_text", "location", "evidence", "start", "end",
                "trigger", "trigger_start", "trigger_end", "rule", "speaker", "group_id", "article_title", "outlet",
                "published")


def events_by_ids(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """The events with these ids, in the given order, each with its actors and recipients."""
    rows: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for row in store.query(f"{_EVENT_SELECT} WHERE e.id IN ({_marks(chunk)})", chunk):
            rows[row[0]] = _event_item(dict(zip(_EVENT_NAMES, row, strict=True)))
    for event_id, sides in _actors_of(store, list(rows)).items():
        rows[event_id].update(actors=sides.get("actor", []), recipients=sides.get("recipient", []))
    return [rows[i] for i in ids if i in rows]


def _event_item(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("mode", "context", "aux", "location", "speaker"):
        row[key] = _unjson(row[key])
    row["quad"] = QUADS.get(row["quad_code"])
    row["group_id"] = row["group_id"] or row["id"]
    row.update(actors=[], recipients=[])
    return row


def _actors_of(store: Store, event_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for i in range(0, len(event_ids), _CHUNK):
        chunk = event_ids[i : i + _CHUNK]
        for event_id, side, code, sector, name, text in store.query(
                "SELECT event_id, side, code, sector, name, text FROM event_actors"
                f" WHERE event_id IN ({_marks(chunk)}) ORDER BY event_id, side, position", chunk):
            entity = {"code": code, "sector": sector, "name": name, "text": text}
            out[event_id].setdefault(side, []).append(entity)
    return out


# ---------------------------------------------------------------- one event and its evidence


def event_detail(store: Store, some_id: str) -> dict[str, Any] | None:
    """A real event (by group id, or by the id of any of its mentions) with every mention and its evidence."""
    group = _group_row(store, some_id)
    if group is None:
        found = store.query("SELECT group_id FROM events WHERE id = ?", [some_id])
        if not found:
            return None
        group = _group_row(store, found[0][0]) if found[0][0] else None
    if group is None:  # an event stored without a group: it is its own real event
        mention_ids = [some_id]
        group = {"id": some_id, "num_mentions": 1, "num_articles": 1, "num_sources": 1}
    else:
        mention_ids = [r[0] for r in store.query(
            "SELECT id FROM events WHERE group_id = ? ORDER BY date IS NULL, date, id", [group["id"]])]
    mentions = events_by_ids(store, mention_ids)
    actor_spans = _mention_spans(store, mentions)
    for m in mentions:
        m.update(evidence_spans(m, actor_spans.get((m["article_id"], m["sentence"]), [])))
    first = mentions[0] if mentions else {}
    group.setdefault("event_type", first.get("event_type"))
    group.setdefault("quad_code", first.get("quad_code"))
    group.setdefault("date", first.get("date"))
    group["quad"] = QUADS.get(group.get("quad_code"))
    return {"id": group["id"], "group": group, "mentions": mentions}


_GROUP_NAMES = ("id", "event_type", "quad_code", "date", "date_precision", "actor_codes", "recipient_codes",
                "num_mentions", "num_articles", "num_sources", "first_event_id")


def _group_row(store: Store, group_id: str) -> dict[str, Any] | None:
    rows = store.query(f"SELECT {', '.join(_GROUP_NAMES)} FROM event_groups WHERE id = ?", [group_id])
    return dict(zip(_GROUP_NAMES, rows[0], strict=True)) if rows else None


def _mention_spans(store: Store, events: list[dict[str, Any]]) -> dict[tuple[str, int], list[tuple]]:
    """Actor mentions in the events' sentences, keyed by (article, sentence)."""
    out: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for article_id in {e["article_id"] for e in events}:
        for sentence, start, end, code, sector, name, role in store.query(
                "SELECT sentence, start_char, end_char, code, sector, name, role FROM mentions"
                " WHERE article_id = ? ORDER BY start_char", [article_id]):
            out[(article_id, sentence)].append((start, end, code, sector, name, role))
    return out


def evidence_spans(event: dict[str, Any], mentions: list[tuple]) -> dict[str, Any]:
    """The trigger's and the actors' offsets inside the evidence sentence (for highlighting)."""
    base, text = event["start"], event["evidence"] or ""
    t_start, t_end = event["trigger_start"] - base, event["trigger_end"] - base
    if not (0 <= t_start < t_end <= len(text)) or text[t_start:t_end] != event["trigger"]:
        found = text.find(event["trigger"] or "\0")
        t_start, t_end = (found, found + len(event["trigger"])) if found >= 0 else (-1, -1)
    actors = [{"start": s - base, "end": e - base, "code": code, "sector": sector, "name": name, "role": role}
              for s, e, code, sector, name, role in mentions if 0 <= s - base < e - base <= len(text)]
    trigger = {"start": t_start, "end": t_end} if t_start >= 0 else None
    return {"trigger_in_evidence": trigger, "actors_in_evidence": actors}


# ---------------------------------------------------------------- articles


_ARTICLE_LIST = ("id", "title", "published", "outlet", "url", "duplicate_of", "num_events")


def article_page(store: Store, *, page: int, limit: int, outlet: str | None = None,
                 q: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One page of articles, newest first, with how many events each holds."""
    parts, params = [], []
    if outlet:
        parts.append("a.outlet = ?")
        params.append(outlet)
    for word in (q or "").split():
        parts.append("(a.title LIKE ? ESCAPE '\\' OR a.id LIKE ? ESCAPE '\\')")
        params += [_like(word), _like(word)]
    where = " WHERE " + " AND ".join(parts) if parts else ""
    total = int(store.query(f"SELECT COUNT(*) FROM articles a{where}", params)[0][0])
    rows = store.query(
        "SELECT a.id, a.title, a.published, a.outlet, a.url, a.duplicate_of,"
        f" (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id) FROM articles a{where}"
        " ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ? OFFSET ?", [*params, limit, (page - 1) * limit])
    return total, [dict(zip(_ARTICLE_LIST, r, strict=True)) for r in rows]


def article_exists(store: Store, article_id: str) -> bool:
    return bool(store.query("SELECT 1 FROM articles WHERE id = ?", [article_id]))


_ARTICLE_NAMES = ("id", "title", "published", "published_source", "outlet", "url", "source", "dateline",
                  "header_date", "duplicate_of", "similarity", "ingested_at", "meta", "clean_text", "raw_text")
_MENTION_NAMES = ("sentence", "start", "end", "code", "sector", "name", "text", "rule", "role")
_QUOTE_NAMES = ("idx", "sentence", "start", "end", "kind", "verb", "text", "speaker_code", "speaker_sector",
                "speaker_name", "speaker_text")
_CLAIM_NAMES = ("idx", "sentence", "start", "end", "text", "value", "low", "high", "qualifier", "unit", "attribution",
                "claimant_code", "claimant_sector", "claimant_name", "claimant_text")


def article_detail(store: Store, article_id: str) -> dict[str, Any] | None:
    """An article with its clean text and everything found in it (offsets index ``clean_text``)."""
    rows = store.query(f"SELECT {', '.join(_ARTICLE_NAMES)} FROM articles WHERE id = ?", [article_id])
    if not rows:
        return None
    article = dict(zip(_ARTICLE_NAMES, rows[0], strict=True))
    article["meta"] = _unjson(article["meta"]) or {}
    article["mentions"] = [dict(zip(_MENTION_NAMES, r, strict=True)) for r in store.query(
        "SELECT sentence, start_char, end_char, code, sector, name, text, rule, role FROM mentions"
        " WHERE article_id = ? ORDER BY start_char", [article_id])]
    event_ids = [r[0] for r in store.query("SELECT id FROM events WHERE article_id = ? ORDER BY trigger_start, id",
                                           [article_id])]
    article["events"] = events_by_ids(store, event_ids)
    article["quotes"] = [dict(zip(_QUOTE_NAMES, r, strict=True)) for r in store.query(
        "SELECT idx, sentence, start_char, end_char, kind, verb, text, speaker_code, speaker_sector, speaker_name,"
        " speaker_text FROM quotes WHERE article_id = ? ORDER BY idx", [article_id])]
    article["claims"] = [dict(zip(_CLAIM_NAMES, r, strict=True)) for r in store.query(
        "SELECT idx, sentence, start_char, end_char, text, value, low, high, qualifier, unit, attribution,"
        " claimant_code, claimant_sector, claimant_name, claimant_text FROM claims WHERE article_id = ? ORDER BY idx",
        [article_id])]
    return article


# ---------------------------------------------------------------- overview, dyads, actors


def overview(store: Store) -> dict[str, Any]:
    """Counts for the front page: articles, duplicates, events, real events, actors, real events per quad
    class and per event type."""
    actors = store.query("SELECT COUNT(DISTINCT code) FROM event_actors WHERE code <> ''")[0][0]
    duplicates = store.query("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL")[0][0]
    quads = dict(store.query("SELECT quad_code, COUNT(*) FROM event_groups GROUP BY quad_code"))
    types = store.query("SELECT event_type, MIN(quad_code), COUNT(*) FROM event_groups GROUP BY event_type"
                        " ORDER BY COUNT(*) DESC, event_type")
    return {"articles": store.count("articles"), "duplicates": int(duplicates), "events": store.count("events"),
            "real_events": store.count("event_groups"), "actors": int(actors),
            "by_quad": {q: int(quads.get(q, 0)) for q in QUADS},
            "by_type": [{"event_type": t, "quad_code": q, "count": int(n)} for t, q, n in types]}


def top_dyads(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """The dyads (A:B, either direction) with the most real events, with counts per quad class."""
    rows = store.query(
        "SELECT CASE WHEN a.code < r.code THEN a.code ELSE r.code END AS code_a,"
        " CASE WHEN a.code < r.code THEN r.code ELSE a.code END AS code_b, e.quad_code,"
        " COUNT(DISTINCT COALESCE(e.group_id, e.id)) FROM events e"
        " JOIN event_actors a ON a.event_id = e.id AND a.side = 'actor'"
        " JOIN event_actors r ON r.event_id = e.id AND r.side = 'recipient'"
        " WHERE a.code <> '' AND r.code <> '' AND a.code <> r.code GROUP BY code_a, code_b, e.quad_code")
    dyads: dict[tuple[str, str], dict[str, Any]] = {}
    for code_a, code_b, quad, n in rows:
        d = dyads.setdefault((code_a, code_b),
                             {"a": code_a, "b": code_b, "total": 0, "by_quad": dict.fromkeys(QUADS, 0)})
        d["total"] += int(n)
        d["by_quad"][quad] = d["by_quad"].get(quad, 0) + int(n)
    ranked = sorted(dyads.values(), key=lambda d: (-d["total"], d["a"], d["b"]))
    return ranked[:limit]


def _names(store: Store, code: str | None = None) -> dict[str, str]:
    """Each code's most frequent English name, preferring country-level mentions (no sector)."""
    where, params = (" AND code = ?", [code]) if code else ("", [])
    counts: dict[str, Counter] = defaultdict(Counter)
    for c, name, sector, n in store.query(
            f"SELECT code, name, sector, COUNT(*) FROM mentions WHERE code <> ''{where} GROUP BY code, name, sector",
            params):
        counts[c][name] += int(n) * (1000 if not sector else 1)
    return {c: names.most_common(1)[0][0] for c, names in counts.items()}


def actor_list(store: Store) -> list[dict[str, Any]]:
    """Every coded actor with how many real events it acts in and receives, most active first."""
    sides: dict[str, dict[str, int]] = defaultdict(lambda: {"actor": 0, "recipient": 0})
    for code, side, n in store.query(
            "SELECT x.code, x.side, COUNT(DISTINCT COALESCE(e.group_id, e.id)) FROM event_actors x"
            " JOIN events e ON e.id = x.event_id WHERE x.code <> '' GROUP BY x.code, x.side"):
        sides[code][side] = int(n)
    mentions = dict(store.query("SELECT code, COUNT(*) FROM mentions WHERE code <> '' GROUP BY code"))
    names = _names(store)
    codes = set(sides) | set(mentions)
    out = [{"code": c, "name": names.get(c, ""), "as_actor": sides[c]["actor"] if c in sides else 0,
            "as_recipient": sides[c]["recipient"] if c in sides else 0, "mentions": int(mentions.get(c, 0))}
           for c in codes]
    return sorted(out, key=lambda a: (-(a["as_actor"] + a["as_recipient"]), -a["mentions"], a["code"]))


def _counterparts(store: Store, code: str, my_side: str, their_side: str) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT o.code, e.quad_code, COUNT(DISTINCT COALESCE(e.group_id, e.id)) FROM event_actors me"
        " JOIN events e ON e.id = me.event_id"
        " JOIN event_actors o ON o.event_id = e.id AND o.side = ?"
        " WHERE me.code = ? AND me.side = ? AND o.code <> '' AND o.code <> me.code GROUP BY o.code, e.quad_code",
        [their_side, code, my_side])
    table: dict[str, dict[str, Any]] = {}
    for other, quad, n in rows:
        entry = table.setdefault(other, {"code": other, "total": 0, "by_quad": dict.fromkeys(QUADS, 0)})
        entry["total"] += int(n)
        entry["by_quad"][quad] = entry["by_quad"].get(quad, 0) + int(n)
    return sorted(table.values(), key=lambda x: (-x["total"], x["code"]))


def actor_detail(store: Store, code: str) -> dict[str, Any] | None:
    """Who an actor acts on, who acts on it and with whom it acts, ranked, with counts per quad class."""
    named = store.query("SELECT name, sector, text, COUNT(*) FROM mentions WHERE code = ?"
                        " GROUP BY name, sector, text ORDER BY COUNT(*) DESC, name, text", [code])
    in_events = store.query("SELECT COUNT(*) FROM event_actors WHERE code = ?", [code])[0][0]
    if not named and not in_events:
        return None
    names: Counter = Counter()
    forms: Counter = Counter()
    for name, sector, text, n in named:
        names[(name, sector)] += int(n)
        forms[text] += int(n)
    return {
        "code": code, "name": _names(store, code).get(code, ""),
        "acts_on": _counterparts(store, code, "actor", "recipient"),
        "acted_on_by": _counterparts(store, code, "recipient", "actor"),
        "acts_with": _counterparts(store, code, "actor", "actor"),
        "names": [{"name": n, "sector": s, "count": c} for (n, s), c in names.most_common(15)],
        "forms": [{"text": t, "count": c} for t, c in forms.most_common(20)],
        "mentions": sum(forms.values()),
    }
