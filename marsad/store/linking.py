"""What saving a batch adds across articles: near-duplicate links and event groups.

Both run inside ``Store.save_docs``'s transaction, after the batch's rows are inserted,
so a batch is stored with its links or not at all. See ``store.duplicates`` for how
copies are found and ``events.merge`` for when two mentions are one event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from marsad.events.merge import EventGroup, MergeItem, assign_groups, merge_key
from marsad.store.duplicates import THRESHOLD, band_hashes, signature, similarity
from marsad.types import Doc, Event

if TYPE_CHECKING:
    from marsad.store.base import Store

__all__ = ["link_duplicates", "group_events", "recount_groups", "groups_of_article"]

log = logging.getLogger(__name__)

_CHUNK = 400  # values per "IN (...)"


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


# ---------------------------------------------------------------- near-duplicate articles


def link_duplicates(store: Store, docs: Sequence[Doc]) -> dict[str, str]:
    """Sign each new article, link it to the stored article it copies; return article id → cluster id.

    Docs are taken in order, so a copy within the batch links to the earlier article.
    """
    clusters: dict[str, str] = {}
    for doc in docs:
        sig = doc.store_extras["minhash"] if "minhash" in doc.store_extras else signature(doc)
        article_id = doc.article.id
        clusters[article_id] = article_id
        if sig is None:
            continue
        bands = band_hashes(sig)
        original, sim = _best_original(store, article_id, sig, bands)
        if original is not None:
            clusters[article_id] = original
            log.debug("article %s repeats %s (similarity %.2f)", article_id, original, sim)
        store._execute("UPDATE articles SET minhash = ?, duplicate_of = ?, similarity = ? WHERE id = ?",
                       (sig.tobytes(), original, sim if original else None, article_id))
        store._executemany("INSERT INTO article_bands (band, hash, article_id) VALUES (?, ?, ?)",
                           [(b, h, article_id) for b, h in bands])
    return clusters


def _best_original(store: Store, article_id: str, sig, bands: list[tuple[int, int]]) -> tuple[str | None, float]:
    """The cluster root of the most similar stored article at or above ``THRESHOLD``."""
    where = " OR ".join("(b.band = ? AND b.hash = ?)" for _ in bands)
    params = [v for pair in bands for v in pair]
    rows = store._execute(
        "SELECT DISTINCT a.id, a.duplicate_of, a.minhash FROM article_bands b JOIN articles a ON a.id = b.article_id"
        f" WHERE ({where}) AND a.id <> ?", [*params, article_id]).fetchall()
    best: tuple[str | None, float] = (None, 0.0)
    for cand_id, cand_root, cand_sig in rows:
        if cand_sig is None:
            continue
        sim = similarity(sig, cand_sig)
        if sim >= THRESHOLD and sim > best[1]:
            best = (cand_root or cand_id, sim)
    return best


# ---------------------------------------------------------------- event groups


def _item(doc: Doc, ev: Event, cluster: str) -> MergeItem:
    outlet = (doc.clean.outlet if doc.clean else None) or doc.article.outlet
    key = merge_key(ev.event_type, (e.code for e in ev.actor), (e.code for e in ev.recipient), ev.aux)
    return MergeItem(ev.id, key, ev.date, ev.date_precision, cluster, doc.article.id, outlet or doc.article.id)


def group_events(store: Store, docs: Sequence[Doc], clusters: dict[str, str]) -> None:
    """Assign the batch's events to event groups, existing or new, and refresh the groups' counts."""
    items = [_item(d, ev, clusters.get(d.article.id, d.article.id)) for d in docs for ev in d.events
             if isinstance(ev, Event)]
    if not items:
        return
    existing = _load_groups(store, sorted({i.key for i in items}), sorted(set(clusters.values())))
    known = {g.id for g in existing}
    before = {g.id: (g.date, g.precision) for g in existing}
    groups = assign_groups(items, existing)
    quad = _quad_codes(docs)
    new_rows, changed = [], []
    for g in groups:
        if g.id not in known:
            t, actors, recipients, _ = g.key.split("|")
            new_rows.append((g.id, g.key, t, quad[g.members[0].event_id], g.date, g.precision, actors, recipients,
                             0, 0, 0, g.members[0].event_id))
        elif before[g.id] != (g.date, g.precision):
            changed.append((g.date, g.precision, g.id))
    store._executemany(
        "INSERT INTO event_groups (id, merge_key, event_type, quad_code, date, date_precision, actor_codes,"
        " recipient_codes, num_mentions, num_articles, num_sources, first_event_id)"
        f" VALUES ({_marks(12)})", new_rows)
    store._executemany("UPDATE event_groups SET date = ?, date_precision = ? WHERE id = ?", changed)
    owner = {m.event_id: (g.id, g.key) for g in groups for m in g.members}
    store._executemany("UPDATE events SET group_id = ?, merge_key = ? WHERE id = ?",
                       [(*owner[i.event_id], i.event_id) for i in items])
    recount_groups(store, sorted({owner[i.event_id][0] for i in items}))


def _quad_codes(docs: Sequence[Doc]) -> dict[str, int]:
    return {ev.id: ev.quad_code for d in docs for ev in d.events if isinstance(ev, Event)}


def _load_groups(store: Store, keys: list[str], clusters: list[str]) -> list[EventGroup]:
    """Stored groups with these keys, each with its members from the batch's stories (for same-story merging)."""
    groups: dict[str, EventGroup] = {}
    for chunk in _chunks(keys):
        rows = store._execute(f"SELECT id, merge_key, date, date_precision FROM event_groups"
                              f" WHERE merge_key IN ({_marks(len(chunk))}) ORDER BY id", list(chunk)).fetchall()
        for gid, key, date, precision in rows:
            groups[gid] = EventGroup(gid, key, date, precision)
    if not groups:
        return []
    ids = list(groups)
    for gchunk in _chunks(ids):
        for cchunk in _chunks(clusters):
            sql = ("SELECT e.id, e.merge_key, e.date, e.date_precision, e.group_id, e.article_id,"
                   " COALESCE(a.duplicate_of, a.id), COALESCE(a.outlet, a.id) FROM events e"
                   " JOIN articles a ON a.id = e.article_id"
                   f" WHERE e.group_id IN ({_marks(len(gchunk))})"
                   f" AND COALESCE(a.duplicate_of, a.id) IN ({_marks(len(cchunk))})")
            for eid, key, date, prec, gid, aid, cluster, source in store._execute(sql, [*gchunk, *cchunk]).fetchall():
                groups[gid].members.append(MergeItem(eid, key, date, prec, cluster, aid, source))
    return list(groups.values())


def groups_of_article(store: Store, article_id: str) -> list[str]:
    """The groups an article's events belong to (to recount when the article is replaced)."""
    rows = store._execute("SELECT DISTINCT group_id FROM events WHERE article_id = ? AND group_id IS NOT NULL",
                          (article_id,)).fetchall()
    return [r[0] for r in rows]


def recount_groups(store: Store, group_ids: Sequence[str]) -> None:
    """Refresh mention/article/source counts of these groups; drop groups left with no mention."""
    for chunk in _chunks(list(group_ids)):
        marks = _marks(len(chunk))
        store._execute(
            "UPDATE event_groups SET"
            " num_mentions = (SELECT COUNT(*) FROM events e WHERE e.group_id = event_groups.id),"
            " num_articles = (SELECT COUNT(DISTINCT e.article_id) FROM events e WHERE e.group_id = event_groups.id),"
            " num_sources = (SELECT COUNT(DISTINCT COALESCE(a.outlet, a.id)) FROM events e"
            "   JOIN articles a ON a.id = e.article_id WHERE e.group_id = event_groups.id)"
            f" WHERE id IN ({marks})", list(chunk))
        store._execute(f"DELETE FROM event_groups WHERE num_mentions = 0 AND id IN ({marks})", list(chunk))
