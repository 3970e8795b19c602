"""One record per real event: group the mentions of the same event across sentences and articles.

A news story reports one event many times: twice in one article, in a wire story and its
syndicated copies, in follow-ups. Like GDELT, marsad keeps every mention and links the
mentions of one event to one *event group*, with counts of mentions, articles and sources.

Two mentions belong to the same group when

- they have the same **merge key**: PLOVER type, actor countries, recipient countries and
  the modality that changes what happened (a negated or hypothetical event is not the
  event itself); mode and context are unioned, not compared, since reports word the same
  act differently; and
- their **dates agree**: within one article (or a cluster of near-duplicate articles) any
  two compatible dates agree, an undated mention included; across articles both must be
  dated at day or month precision and be equal, so that two USA→RUS "cooperate" events of
  "2014" never merge on the year alone; and the event must name a coded actor or
  recipient, since "an attack on 2018-03-02" with no known parties is many attacks.

The functions here are pure (plain records in, assignments out) so that the store and the
Spark job group events the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MergeItem", "EventGroup", "merge_key", "item_from_event", "assign_groups", "dates_agree"]

# Modality that makes a mention a different event (future/historical only change its time).
_IDENTITY_AUX = ("negation", "hypothetical")
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


@dataclass(frozen=True, slots=True)
class MergeItem:
    """What merging needs of one event mention."""

    event_id: str
    key: str  # ``merge_key`` of the event
    date: str | None
    precision: str | None
    cluster: str  # the article id, or the id of the article it near-duplicates
    article_id: str
    source: str  # outlet (or the article id when the outlet is unknown)


@dataclass(slots=True)
class EventGroup:
    """One real event and the mentions that report it."""

    id: str
    key: str
    date: str | None = None
    precision: str | None = None
    members: list[MergeItem] = field(default_factory=list)

    @property
    def num_mentions(self) -> int:
        return len(self.members)

    @property
    def num_articles(self) -> int:
        return len({m.article_id for m in self.members})

    @property
    def num_sources(self) -> int:
        return len({m.source for m in self.members})

    def add(self, item: MergeItem) -> None:
        self.members.append(item)
        if _rank(item.precision) > _rank(self.precision):  # the group takes its most precise date
            self.date, self.precision = item.date, item.precision


def merge_key(event_type: str, actor_codes: Iterable[str], recipient_codes: Iterable[str],
              aux: Iterable[str] = ()) -> str:
    """The identity of an event apart from its date: ``TYPE|ACTORS|RECIPIENTS|MODALITY``."""
    actors = ",".join(sorted({c for c in actor_codes if c}))
    recipients = ",".join(sorted({c for c in recipient_codes if c}))
    modality = ",".join(a for a in _IDENTITY_AUX if a in set(aux))
    return f"{event_type}|{actors}|{recipients}|{modality}"


def item_from_event(event: dict[str, Any], *, cluster: str | None = None, source: str | None = None) -> MergeItem:
    """A ``MergeItem`` from an event in the ``Event.as_dict()`` shape (``doc_id``, ``actor`` …)."""
    article = event["doc_id"]
    key = merge_key(event["event_type"], (a["code"] for a in event.get("actor", [])),
                    (r["code"] for r in event.get("recipient", [])), event.get("aux") or ())
    return MergeItem(event["id"], key, event.get("date"), event.get("date_precision"), cluster or article, article,
                     source or event.get("outlet") or article)


def dates_agree(a_date: str | None, a_prec: str | None, b_date: str | None, b_prec: str | None,
                same_story: bool) -> bool:
    """Whether two mentions' dates can be the same event's (see the module notes)."""
    if same_story:
        if not a_date or not b_date:
            return True
        return a_date.startswith(b_date) or b_date.startswith(a_date)
    if not a_date or not b_date or a_prec not in ("day", "month") or b_prec not in ("day", "month"):
        return False
    return a_date == b_date


def assign_groups(items: Iterable[MergeItem], groups: Iterable[EventGroup] = ()) -> list[EventGroup]:
    """Put each item into a matching group (existing ones first), or a new one; return all groups.

    Items are taken in the order given; an item joins the first group with its key that
    it agrees with: one of its mentions from the same story with a compatible date, or,
    across stories, the group's date at day/month precision. Group ids are stable: the
    hash of the first member's event id.
    """
    by_key: dict[str, list[EventGroup]] = {}
    out: list[EventGroup] = []
    for g in groups:
        by_key.setdefault(g.key, []).append(g)
        out.append(g)
    for item in items:
        group = next(_matching(item, by_key.get(item.key, [])), None)
        if group is None:
            group = EventGroup(group_id(item.event_id), item.key)
            by_key.setdefault(item.key, []).append(group)
            out.append(group)
        group.add(item)
    return out


def group_id(first_event_id: str) -> str:
    return "g" + hashlib.sha1(first_event_id.encode("utf-8")).hexdigest()[:15]


def _matching(item: MergeItem, candidates: list[EventGroup]) -> Iterator[EventGroup]:
    for g in candidates:
        same_story = [m for m in g.members if m.cluster == item.cluster]
        across = _has_parties(item.key) and dates_agree(item.date, item.precision, g.date, g.precision, False)
        if any(dates_agree(item.date, item.precision, m.date, m.precision, True) for m in same_story) or across:
            yield g


def _has_parties(key: str) -> bool:
    _, actors, recipients, _ = key.split("|")
    return bool(actors or recipients)


def _rank(precision: str | None) -> int:
    return _PRECISION_RANK.get(precision or "", 0)
