"""Is a trigger a specific reported event, or general talk, analysis or habit?

Verbs in the past tense report events. A verbal noun (هجوم، اغتيال، مظاهرة) does only
with an anchor: a verb that carries it (شن هجوما), counted casualties (مقتل 12 شخصا),
a named party on it (اتفاق أميركي روسي) or "تعرض لـ". An imperfect verb needs a time
word or the future (سيزور), else it is habitual or general (يقتل الإرهاب الأبرياء).
The words live in ``data/events/anchors.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from marsad.analyse.dates import month_names
from marsad.analyse.normalize import candidates, key
from marsad.lexicons import load_yaml
from marsad.types import Token

__all__ = ["not_specific", "reference_or_aim", "has_casualties"]

_DIGITS = re.compile(r"^\d")
_LIGHT_WINDOW = 3  # words between a light verb and its noun


@dataclass(frozen=True, slots=True)
class _Anchors:
    demonstratives: frozenset[str]
    purpose: frozenset[tuple[str, ...]]
    light_verbs: frozenset[str]
    casualty_nouns: frozenset[str]
    casualty_heads: frozenset[str]
    numbers: frozenset[str]
    time_words: frozenset[str]
    not_between: frozenset[str]  # time words and words of a date (month names, شهر, عام …)


@lru_cache(maxsize=1)
def _anchors() -> _Anchors:
    data = load_yaml("events/anchors.yaml",
                     required=("demonstratives", "purpose", "light_verbs", "casualty_nouns", "casualty_heads", "number_words",
                               "time_words", "date_fillers"))
    fold = lambda name: frozenset(key(w) for w in data[name])  # noqa: E731
    purpose = frozenset(tuple(key(w) for w in p.split()) for p in data["purpose"])
    months = {w for month in month_names() for w in month.split()}
    return _Anchors(fold("demonstratives"), purpose, fold("light_verbs"), fold("casualty_nouns"), fold("casualty_heads"), fold("number_words"),
                    fold("time_words"), fold("time_words") | fold("date_fillers") | months)


def _is_number(t: Token, a: _Anchors) -> bool:
    return t.kind == "number" or (t.kind == "word" and bool(set(candidates(t.key)) & a.numbers))


def has_casualties(tokens: Sequence[Token]) -> bool:
    """A count of victims: "12 قتيلا"، "مقتل 30"، "مقتل ما لا يقل عن ثلاثة"."""
    a = _anchors()
    for i, t in enumerate(tokens):
        if _is_number(t, a) and any(set(candidates(u.key)) & a.casualty_nouns for u in tokens[i + 1 : i + 3]):
            return True
        if t.kind == "word" and set(candidates(t.key)) & a.casualty_heads and any(
                _is_number(u, a) for u in tokens[i + 1 : i + 6]):
            return True
    return False


def has_time(tokens: Sequence[Token], has_date: bool) -> bool:
    a = _anchors()
    return has_date or any(t.kind == "word" and set(candidates(t.key)) & a.time_words for t in tokens)


def _light_verb_before(tokens: Sequence[Token], start: int, inside: set[int]) -> bool:
    """A carrying verb a few words before the noun; its subject and time words don't count
    as words between (بدأ وزير الخارجية الأمريكي، جون كيري، الخميس، زيارة)."""
    a = _anchors()
    seen = 0
    for j in range(start - 1, -1, -1):
        t = tokens[j]
        if t.kind != "word" or j in inside:
            continue
        if set(candidates(t.key)) & a.light_verbs:
            return True
        if not set(candidates(t.key)) & a.not_between:
            seen += 1
        if seen > _LIGHT_WINDOW:
            return False
    return False


_AIMS = frozenset({"COOPERATE", "AID", "CONSULT", "SUPPORT", "AGREE"})  # للتعاون، لمساعدة، لتنسيق: aims
_ANY = frozenset({"اي", "لاي", "باي", "واي"})


def reference_or_aim(tokens: Sequence[Token], start: int, etype: str) -> str | None:
    """هذه الدعوات (an event told before), للتعاون / من أجل التنسيق (an aim of cooperation)."""
    a = _anchors()
    words = [t.key for t in tokens[max(0, start - 3) : start] if t.kind == "word"]
    if words and words[-1] in a.demonstratives:
        return "refers back to an event already told (demonstrative)"
    first = tokens[start].key
    if etype in _AIMS and first.startswith("ل") and not first.startswith("ال") and first[1:3] != "ل":
        return "purpose (ل + verbal noun): an aim, not an event"
    words = [t.key for t in tokens[max(0, start - 5) : start] if t.kind == "word"]
    for i in range(len(words)):
        for n in (1, 2, 3):
            if tuple(words[i : i + n]) in a.purpose and len(words) - (i + n) <= 2:
                return "purpose (من أجل …): an aim, not an event"
    return None


def not_specific(tokens: Sequence[Token], start: int, *, pos: str, imperfect: bool, aux: Sequence[str],
                 named_party: bool, has_date: bool, mentions: Sequence = (), etype: str = "") -> str | None:
    """Why the trigger at ``start`` is not a specific event, or None when it is."""
    if start and tokens[start - 1].key in _ANY:
        return "'any …': no specific event"
    if pos in ("verb", "vphrase"):
        if imperfect and "future" not in aux and not has_time(tokens, has_date):
            return "imperfect verb with no time or future: habitual or general"
        return None
    inside = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    if named_party or _light_verb_before(tokens, start, inside) or has_casualties(tokens):
        return None
    return "a noun with no verb, casualty count or named party on it: general talk"
