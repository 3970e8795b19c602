"""Questions an analyst asks of a store, answered as pandas DataFrames.

- ``timeline``: one row per real event (event group) in date order, with how certain
  its date is and one line of evidence;
- ``series``: per period, counts per PLOVER quad class and the sum of PLOVER scores
  (cooperation positive, conflict negative) for a dyad, both directions;
- ``quotes``, ``claims``: who said what, who claims which number;
- ``network``: the actor network (networkx) with edge weights per quad class;
- ``search``: sentences matching words.

A *dyad* A:B covers A acting on B, B acting on A, and A and B acting together (both
actors of one event, as in "اتفقت واشنطن وموسكو"); ``direction`` says which.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

from marsad.store.base import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["timeline", "series", "quotes", "claims", "network", "search", "groups", "QUADS", "DATE_CERTAINTY",
           "parse_dyad"]

log = logging.getLogger(__name__)

QUADS = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}

# How sure a date is, by where it came from (shown next to every date).
DATE_CERTAINTY = {"text": "stated in the text", "published": "publication date", "given": "publication date",
                  "text-header": "read relative to the page header date (unreliable)",
                  "header": "page header date (unreliable)", "none": "undated"}

_FREQ = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
_FREQ_NEEDS = {"day": 3, "week": 3, "month": 2, "quarter": 2, "year": 1}

TIMELINE_COLUMNS = ["date", "date_precision", "certainty", "event_type", "quad_code", "event_scale", "direction",
                    "actors", "recipients", "aux", "mode", "context", "trigger", "evidence", "article_id", "outlet",
                    "num_mentions", "num_articles", "num_sources", "group_id", "event_id"]


def parse_dyad(dyad: str) -> tuple[str, str]:
    """"USA:RUS" → ("USA", "RUS"), with a clear error for anything else."""
    parts = [p.strip().upper() for p in dyad.replace("-", ":").split(":")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"dyad {dyad!r}: write two actor codes separated by a colon, e.g. USA:RUS")
    return parts[0], parts[1]


# ---------------------------------------------------------------- timeline


def timeline(store: Store, *, actor: str | None = None, recipient: str | None = None, context: str | None = None,
             event_type: str | None = None, since: str | None = None, until: str | None = None,
             directed: bool = False, merged: bool = True) -> pd.DataFrame:
    """Events in date order (undated last), one row per event group unless ``merged=False``.

    With both ``actor`` and ``recipient``, the dyad in both directions and joint events,
    unless ``directed``. ``since``/``until`` take ISO dates, full or partial.
    """
    filters = {"context": context, "event_type": event_type, "since": since, "until": until}
    rows = _dyad_events(store, actor, recipient, directed, filters)
    frame = pd.DataFrame([_timeline_row(r, actor, recipient) for r in rows], columns=TIMELINE_COLUMNS)
    if frame.empty:
        return frame
    if merged:
        frame = _one_row_per_group(frame, _group_counts(store, frame["group_id"].dropna().unique().tolist()))
    return _date_sorted(frame)


def _dyad_events(store: Store, actor: str | None, recipient: str | None, directed: bool,
                 filters: dict[str, Any]) -> list[dict[str, Any]]:
    rows = store.events(actor=actor, recipient=recipient, **filters)
    if actor and recipient and not directed:
        rows += store.events(actor=recipient, recipient=actor, **filters)
        rows += [r for r in store.events(actor=actor, **filters) if recipient in _codes(r["actor"])]
    unique = {r["id"]: r for r in rows}
    return list(unique.values())


def _codes(entities: list[dict[str, Any]]) -> list[str]:
    return sorted({e.get("code") or e.get("sector") or "?" for e in entities})


def _direction(r: dict[str, Any], actor: str | None, recipient: str | None) -> str:
    actors, recipients = _codes(r["actor"]), _codes(r["recipient"])
    if actor and recipient:
        if actor in actors and recipient in actors:
            return f"{actor}+{recipient}"
        if actor in actors and recipient in recipients:
            return f"{actor}→{recipient}"
        if recipient in actors and actor in recipients:
            return f"{recipient}→{actor}"
    return f"{'+'.join(actors) or '?'}→{'+'.join(recipients) or '-'}"


def _timeline_row(r: dict[str, Any], actor: str | None, recipient: str | None) -> dict[str, Any]:
    return {
        "date": r["date"], "date_precision": r["date_precision"],
        "certainty": DATE_CERTAINTY.get(r.get("date_source") or "none", "undated"),
        "event_type": r["event_type"], "quad_code": r["quad_code"], "event_scale": r["event_scale"],
        "direction": _direction(r, actor, recipient), "actors": "+".join(_codes(r["actor"])),
        "recipients": "+".join(_codes(r["recipient"])), "aux": ",".join(r.get("aux") or []),
        "mode": ",".join(r.get("mode") or []), "context": ",".join(r.get("context") or []),
        "trigger": r.get("trigger"), "evidence": " ".join((r.get("event_text") or "").split()),
        "article_id": r["doc_id"], "outlet": r.get("outlet"), "num_mentions": 1, "num_articles": 1,
        "num_sources": 1, "group_id": r.get("group_id") or r["id"], "event_id": r["id"],
    }


def _group_counts(store: Store, group_ids: list[str]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for i in range(0, len(group_ids), 400):
        chunk = group_ids[i : i + 400]
        marks = ", ".join("?" * len(chunk))
        for gid, date, prec, n_m, n_a, n_s in store.query(
                "SELECT id, date, date_precision, num_mentions, num_articles, num_sources FROM event_groups"
                f" WHERE id IN ({marks})", chunk):
            out[gid] = (date, prec, n_m, n_a, n_s)
    return out


def _one_row_per_group(frame: pd.DataFrame, counts: dict[str, tuple]) -> pd.DataFrame:
    """Keep each group's best-dated mention as its evidence; take the group's date and counts."""
    rank = frame["certainty"].map({v: i for i, v in enumerate(DATE_CERTAINTY.values())}).fillna(9)
    precision = frame["date_precision"].map(_PRECISION_RANK).fillna(0)
    best = frame.assign(_r=rank, _p=-precision).sort_values(["_r", "_p", "event_id"]).drop_duplicates("group_id")
    best = best.drop(columns=["_r", "_p"]).copy()
    for col, idx in (("num_mentions", 2), ("num_articles", 3), ("num_sources", 4)):
        best[col] = [counts.get(g, (None,) * 5)[idx] or 1 for g in best["group_id"]]
    return best


def _date_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    undated = frame["date"].isna()
    frame = frame.assign(_u=undated, _d=frame["date"].fillna(""))
    return frame.sort_values(["_u", "_d", "event_id"]).drop(columns=["_u", "_d"]).reset_index(drop=True)


def groups(store: Store, *, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """All event groups (one row per real event) with their counts."""
    rows = store.query("SELECT id, event_type, quad_code, date, date_precision, actor_codes, recipient_codes,"
                       " num_mentions, num_articles, num_sources, first_event_id FROM event_groups"
                       " ORDER BY date IS NULL, date, id")
    cols = ["group_id", "event_type", "quad_code", "date", "date_precision", "actors", "recipients",
            "num_mentions", "num_articles", "num_sources", "first_event_id"]
    out = pd.DataFrame(rows, columns=cols)
    if since:
        out = out[out["date"].notna() & (out["date"].fillna("") + "~" >= since)]
    if until:
        out = out[out["date"].notna() & (out["date"] <= until + "~")]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- series


SERIES_COLUMNS = ["period", "direction", *QUADS.values(), "events", "score"]


def series(store: Store, dyad: str | tuple[str, str], *, freq: str = "month", context: str | None = None,
           since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Per period and direction: event counts per quad class, all events, and the sum of scores.

    Each real event counts once (event groups). Events dated less precisely than
    ``freq`` (a year-only date in a monthly series) cannot be placed and are left out;
    how many is in ``frame.attrs["too_coarse"]``, undated ones in ``attrs["undated"]``.
    """
    if freq not in _FREQ:
        raise ValueError(f"freq {freq!r}: choose one of {', '.join(_FREQ)}")
    a, b = parse_dyad(dyad) if isinstance(dyad, str) else dyad
    events = timeline(store, actor=a, recipient=b, context=context, since=since, until=until)
    if events.empty:
        out = pd.DataFrame(columns=SERIES_COLUMNS)
        out.attrs.update(undated=0, too_coarse=0)
        return out
    dated = events[events["date"].notna()]
    placeable = dated[dated["date_precision"].map(_PRECISION_RANK).fillna(0) >= _FREQ_NEEDS[freq]]
    periods = pd.PeriodIndex([pd.Period(d, freq=_FREQ[freq]) for d in placeable["date"]], freq=_FREQ[freq])
    counted = placeable.assign(period=periods.astype(str), quad=placeable["quad_code"].map(QUADS))
    table = counted.pivot_table(index=["period", "direction"], columns="quad", values="event_id", aggfunc="count",
                                fill_value=0)
    table = table.reindex(columns=list(QUADS.values()), fill_value=0)
    table["events"] = table.sum(axis=1)
    table["score"] = counted.groupby(["period", "direction"])["event_scale"].sum()
    out = table.reset_index()[SERIES_COLUMNS]
    out.columns.name = None
    out.attrs.update(undated=int(events["date"].isna().sum()), too_coarse=int(len(dated) - len(placeable)))
    return out


# ---------------------------------------------------------------- quotes, claims, network, search


def quotes(store: Store, *, speaker: str | None = None, article_id: str | None = None) -> pd.DataFrame:
    """Attributed quotations with their speakers (``speaker``: a PLOVER code)."""
    where, params = _where({"q.speaker_code": speaker, "q.article_id": article_id})
    rows = store.query("SELECT q.article_id, q.sentence, q.kind, q.verb, q.speaker_code, q.speaker_sector,"
                       " q.speaker_name, q.speaker_text, q.text, a.published, a.outlet FROM quotes q"
                       f" JOIN articles a ON a.id = q.article_id{where} ORDER BY a.published, q.article_id, q.idx",
                       params)
    return pd.DataFrame(rows, columns=["article_id", "sentence", "kind", "verb", "speaker_code", "speaker_sector",
                                       "speaker_name", "speaker_text", "text", "published", "outlet"])


def claims(store: Store, *, claimant: str | None = None, article_id: str | None = None) -> pd.DataFrame:
    """Numeric claims with who makes them (``claimant``: a PLOVER code)."""
    where, params = _where({"c.claimant_code": claimant, "c.article_id": article_id})
    rows = store.query("SELECT c.article_id, c.sentence, c.text, c.value, c.low, c.high, c.qualifier, c.unit,"
                       " c.attribution, c.claimant_code, c.claimant_sector, c.claimant_name, c.claimant_text,"
                       f" a.published FROM claims c JOIN articles a ON a.id = c.article_id{where}"
                       " ORDER BY a.published, c.article_id, c.idx", params)
    return pd.DataFrame(rows, columns=["article_id", "sentence", "text", "value", "low", "high", "qualifier", "unit",
                                       "attribution", "claimant_code", "claimant_sector", "claimant_name",
                                       "claimant_text", "published"])


def _where(filters: dict[str, str | None]) -> tuple[str, list[str]]:
    used = {col: v for col, v in filters.items() if v}
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{col} = ?" for col in used), list(used.values())


def network(store: Store) -> nx.DiGraph:
    """Actor → recipient graph of real events: edge attributes ``weight`` (events), one count per quad
    class and ``score`` (sum of PLOVER scores). Joint actors (A+B) make no edge."""
    import networkx as nx

    graph = nx.DiGraph()
    rows = store.query("SELECT g.actor_codes, g.recipient_codes, g.quad_code, e.event_scale FROM event_groups g"
                       " JOIN events e ON e.id = g.first_event_id")
    for actors, recipients, quad, scale in rows:
        for a in filter(None, actors.split(",")):
            for r in filter(None, recipients.split(",")):
                if a == r:
                    continue
                if not graph.has_edge(a, r):
                    graph.add_edge(a, r, weight=0, score=0.0, **{q: 0 for q in QUADS.values()})
                edge = graph.edges[a, r]
                edge["weight"] += 1
                edge[QUADS.get(quad, "verbal_coop")] += 1
                edge["score"] += float(scale or 0.0)
    return graph


def search(store: Store, words: str, limit: int = 20) -> pd.DataFrame:
    """Sentences containing all of ``words`` (full-text index), with their article's date and outlet."""
    hits = store.search(words, limit=limit)
    frame = pd.DataFrame(hits, columns=["article_id", "idx", "text"])
    if frame.empty:
        return frame.assign(published=[], outlet=[])
    meta = _article_meta(store, frame["article_id"].unique().tolist())
    frame["published"] = frame["article_id"].map(lambda a: meta.get(a, (None, None))[0])
    frame["outlet"] = frame["article_id"].map(lambda a: meta.get(a, (None, None))[1])
    return frame


def _article_meta(store: Store, ids: list[str]) -> dict[str, tuple]:
    marks = ", ".join("?" * len(ids))
    return {r[0]: r[1:] for r in store.query(f"SELECT id, published, outlet FROM articles WHERE id IN ({marks})", ids)}
