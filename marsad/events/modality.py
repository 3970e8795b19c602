"""Auxiliary modes of an event (negation, hypothetical, future, historical) and
sentence kinds that carry no event (questions), from the cues in ``modality.yaml``.

Cues are looked for in a short window before the trigger, inside its clause: "لا تنوي
توسيع التعاون" negates التعاون, "قد يفتح الطريق لغارات" makes the raids hypothetical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from marsad.analyse.normalize import phrase_key, verb_candidates
from marsad.lexicons import load_yaml
from marsad.types import Token

__all__ = ["Cues", "cues", "aux_for", "is_question", "WINDOW"]

WINDOW = 6  # words before the trigger (punctuation not counted) in which a cue applies
_KEYS = ("negation", "not_negation", "hypothetical", "conditional_ambiguous", "future", "future_time",
         "historical", "speech", "question", "generic")


@dataclass(frozen=True, slots=True)
class Cues:
    phrases: dict[str, frozenset[tuple[str, ...]]]  # kind → folded word tuples
    max_len: int

    def has(self, kind: str, words: tuple[str, ...]) -> bool:
        return words in self.phrases[kind]


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = load_yaml("events/modality.yaml", required=_KEYS)
    phrases = {k: frozenset(tuple(phrase_key(str(w)).split()) for w in data[k] if str(w).strip()) for k in _KEYS}
    return Cues(phrases, max(len(p) for ps in phrases.values() for p in ps))


def _matches_at(words: Sequence[str], i: int, kind: str, c: Cues) -> int:
    """Length of the longest ``kind`` cue starting at word i (first word may carry و/ف), or 0."""
    for n in range(min(c.max_len, len(words) - i), 0, -1):
        first = verb_candidates(words[i])
        for f in first:
            if c.has(kind, (f, *words[i + 1 : i + n])):
                return n
    return 0


def aux_for(tokens: Sequence[Token], trig_start: int, trig_end: int, clause_start: int,
            *, imperfect: bool) -> tuple[list[str], list[str]]:
    """Auxiliary modes for a trigger at tokens [trig_start, trig_end), and the cue words found."""
    c = cues()
    window = [t.key for t in tokens[clause_start:trig_start] if t.kind == "word"][-WINDOW:]
    found: list[str] = []
    aux: list[str] = []
    i = 0
    while i < len(window):
        if n := _matches_at(window, i, "not_negation", c):
            i += n
            continue
        for kind in ("negation", "hypothetical", "future", "historical"):
            n = _matches_at(window, i, kind, c)
            if n and _applies(kind, window, i, n, imperfect):
                aux.append(kind)
                found.append(" ".join(window[i : i + n]))
                break
        i += 1
    if _future_prefix(tokens[trig_start].key, imperfect):
        aux.append("future")
        found.append(tokens[trig_start].text)
    return sorted(set(aux)), found


def _applies(kind: str, window: Sequence[str], i: int, n: int, imperfect: bool) -> bool:
    word = window[i]
    if kind == "hypothetical" and word in ("قد", "وقد", "فقد"):
        nxt = window[i + 1] if i + 1 < len(window) else ""
        return nxt[:1] in ("ي", "ت", "ن") or imperfect  # قد + imperfect = may; قد + perfect = has
    if kind == "negation" and word in ("ما", "وما", "فما"):
        nxt = window[i + 1] if i + 1 < len(window) else ""
        return nxt[:1] in ("ي", "ت", "ن") or not nxt.startswith(("ال", "زال"))
    return True


def _future_prefix(word_key: str, imperfect: bool) -> bool:
    """سيزور، وستنسحب: the future prefix glued to an imperfect verb."""
    for prefix in ("س", "وس", "فس"):
        if word_key.startswith(prefix) and len(word_key) > len(prefix) + 2 and word_key[len(prefix)] in "يتنا":
            return imperfect
    return False


def is_question(tokens: Sequence[Token]) -> bool:
    """A question (ends with ؟ or opens with هل/لماذا …): it reports no event."""
    if tokens and tokens[-1].text in ("؟", "?"):
        return True
    words = [t.key for t in tokens if t.kind == "word"][:2]
    return bool(words) and any(_matches_at(words, 0, "question", cues()) for _ in [0]) and words[0] in ("هل", "لماذا")
