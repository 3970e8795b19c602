"""The trigger lexicon: ``data/events/triggers.yaml`` compiled into lookup tables.

Verbs are given as (perfect, imperfect) 3rd person masculine singular; their regular
inflections are generated here, so the data file stays one line per sense. Matching
is by folded key after proclitics (و ف ب ل ك س) and one pronoun suffix are stripped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from marsad.analyse.normalize import candidates, key, phrase_key, verb_candidates
from marsad.errors import DataFileError
from marsad.lexicons import data_path, load_yaml

__all__ = ["Trigger", "TriggerLexicon", "load_triggers", "verb_forms", "PLOVER_TYPES", "MODES"]

# PLOVER types: quad class and base score (docs/plover.md §2; ACCUSE −3, SANCTION quad 4)
PLOVER_TYPES: dict[str, tuple[int, float]] = {
    "AGREE": (1, 2.5), "CONSULT": (1, 2.5), "SUPPORT": (1, 5.0), "CONCEDE": (1, 4.5),
    "COOPERATE": (2, 9.5), "AID": (2, 10.0), "RETREAT": (2, 6.5),
    "REQUEST": (3, 0.0), "ACCUSE": (3, -3.0), "REJECT": (3, -2.0), "THREATEN": (3, -3.5),
    "PROTEST": (4, -5.0), "SANCTION": (4, -6.0), "MOBILIZE": (4, -5.5), "COERCE": (4, -7.0), "ASSAULT": (4, -9.0),
}
# mode → score, per type (docs/plover.md §2); a mode's score replaces the type's
MODES: dict[str, dict[str, float | None]] = {
    "AGREE": {}, "SUPPORT": {}, "CONCEDE": {}, "COOPERATE": {}, "AID": {},
    "CONSULT": {"visit": 4, "third-party": 1, "multilateral": 4, "phone": 1.5},
    "RETREAT": {"withdraw": 8, "release": 6.5, "disarm": 10, "ceasefire": 7.5, "access": 6.5, "resign": 4.5},
    "REQUEST": {"assist": 0.5, "change": -1, "yield": -1, "meet": 0},
    "ACCUSE": {"disapprove": -2, "investigate": -3.5, "allege": -3.5},
    "REJECT": {"assist": -1.5, "change": -2, "yield": -2, "meet": -2},
    "THREATEN": {"restrict": -3, "arrest": -3.5, "relations": -3.5, "expel": -3.5, "territory": -4, "violence": -3.5},
    "PROTEST": {"demo": -5, "riot": -7, "strike": -5, "hunger": -4.5, "boycott": -4.5, "obstruct": -4.5,
                "vandalize": None},
    "SANCTION": {"convict": -6, "expel": -5.5, "withdraw": -6, "discontinue": -6},
    "MOBILIZE": {"troops": -6.5, "weapons": -6.5, "police": -5.5, "militia": -6},
    "COERCE": {"seize": -7, "restrict": -7, "censor": -6.5, "curfew": -6.5, "martial-law": -7.5, "arrest": -7,
               "deport": -7, "withhold": -7, "misinformation": -6.5, "cyber": -7},
    "ASSAULT": {"abduct": -8.5, "beat": -7.5, "torture": -8.5, "sexual": -8.5, "targeted": -9.5, "destroy": -8.5,
                "primitive": -8, "firearms": -9, "explosives": -9, "suicide-attack": -9.5, "aerial": -9.5,
                "drone": -9.5, "heavy-weapons": -9.5, "crowd-control": -7.5, "unconventional": -10},
}

_PERFECT_SUFFIXES = ("", "ت", "ا", "تا", "وا", "ن", "نا", "تم", "تما", "تن")
_IMPERFECT_PREFIXES = ("ي", "ت", "ن", "ا")
_IMPERFECT_SUFFIXES = ("", "ان", "ون", "ين", "ن", "وا", "ا")


@dataclass(frozen=True, slots=True)
class Trigger:
    id: str
    type: str
    mode: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    recipient_preps: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    avoid: frozenset[str] = frozenset()
    passive: bool = False
    pos: str = "verb"  # verb | noun | phrase (noun first: إضافة X لقائمة) | vphrase (verb first: أطلق X سراح)


@dataclass(slots=True)
class TriggerLexicon:
    words: dict[str, list[Trigger]] = field(default_factory=lambda: defaultdict(list))
    # phrases: first-word form → [(rest of the words as sets of forms, trigger)]
    phrases: dict[str, list[tuple[tuple[frozenset[str], ...], Trigger]]] = field(
        default_factory=lambda: defaultdict(list))
    imperfect: set[str] = field(default_factory=set)  # imperfect verb forms (for future/modality)
    # word lookups answered so far (the lexicon never changes once loaded); callers must not modify them
    _seen: dict[tuple[str, bool], list[tuple[Trigger, str]]] = field(default_factory=dict, repr=False)

    def lookup_word(self, word_key: str, *, ta_marbuta: bool = False) -> list[tuple[Trigger, str]]:
        """Triggers a token may stand for, with the stem that matched.

        ``ta_marbuta``: the written word ends in ة, so its final ه is no pronoun.
        """
        known = self._seen.get((word_key, ta_marbuta))
        if known is not None:
            return known
        if len(self._seen) > 300_000:  # bounded: a long run meets millions of word forms
            self._seen.clear()
        out = self._seen[(word_key, ta_marbuta)] = self._lookup(word_key, ta_marbuta)
        return out

    def _lookup(self, word_key: str, ta_marbuta: bool) -> list[tuple[Trigger, str]]:
        out: list[tuple[Trigger, str]] = []
        verb_stems = set(_stems(word_key, ta_marbuta=ta_marbuta, verb=True))
        for stem in _stems(word_key, ta_marbuta=ta_marbuta):
            for trig in self.words.get(stem, ()):
                if trig.pos != "verb" or stem in verb_stems:  # ب/ك never attach to verbs
                    out.append((trig, stem))
            if out:
                return out
        return out


_TRIGGER_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا", "ه")


@lru_cache(maxsize=200_000)
def _stems(word_key: str, *, ta_marbuta: bool = False, verb: bool = False) -> tuple[str, ...]:
    """The token, its proclitic-stripped forms, and those with one pronoun suffix stripped.

    Only object/possessive pronouns news uses are stripped (not ي, which is mostly the
    adjective ending: الاجتماعي is not الاجتماع), and never a ه that was written ة.
    """
    out: list[str] = list(verb_candidates(word_key) if verb else candidates(word_key))
    for cand in list(out):
        for suffix in _TRIGGER_SUFFIXES:
            if suffix == "ه" and ta_marbuta:
                continue
            if cand.endswith(suffix) and len(cand) - len(suffix) >= 3:
                out.append(cand[: -len(suffix)])
    return tuple(dict.fromkeys(out))


def entry_forms(word_key: str) -> frozenset[str]:
    """A lexicon word with and without the article (its own ة is no pronoun: مصادرة ≠ مصادر)."""
    if word_key.startswith("ال") and len(word_key) > 4:
        return frozenset({word_key, word_key[2:]})
    return frozenset({word_key, "ال" + word_key})


@lru_cache(maxsize=200_000)
def bare_forms(word_key: str) -> frozenset[str]:
    """A token's forms for phrase matching: with or without ال, clitics and a pronoun suffix."""
    forms = set(_stems(word_key))
    for f in list(forms):
        if f.startswith("ال") and len(f) > 4:
            forms.add(f[2:])
        else:
            forms.add("ال" + f)
    return frozenset(forms)


def verb_forms(perfect: str, imperfect: str | None) -> set[str]:
    """Regular inflections (folded) of a verb given in the 3rd person masculine singular."""
    p = key(perfect)
    forms = {p + s for s in _PERFECT_SUFFIXES}
    if p.endswith(("ا", "ي")):  # defective: دعا → دعت، دعوا
        stem = p[:-1]
        forms |= {stem + "ت", stem + "وا", stem + "تا", stem + "يا", stem + "ينا", stem + "وت"}
    if imperfect:
        i = key(imperfect)
        stem = i[1:] if i[:1] in ("ي", "ت") else i
        for prefix in _IMPERFECT_PREFIXES:
            forms |= {prefix + stem + s for s in _IMPERFECT_SUFFIXES}
            if stem.endswith(("و", "ي")):  # يدعو → يدعون، تدعين
                forms |= {prefix + stem[:-1] + s for s in ("ون", "ين", "ان", "وا")}
    return {f for f in forms if len(f) >= 2}


def _imperfect_only(perfect: str, imperfect: str | None) -> set[str]:
    if not imperfect:
        return set()
    return verb_forms("", imperfect) - verb_forms(perfect, None)


@lru_cache(maxsize=1)
def load_triggers() -> TriggerLexicon:
    """The compiled trigger lexicon (validated; errors name the entry and the problem)."""
    path = str(data_path("events/triggers.yaml"))
    data = load_yaml("events/triggers.yaml")
    if not isinstance(data, list):
        raise DataFileError(path, "top level", "expected a list of trigger entries")
    lex = TriggerLexicon()
    seen: set[str] = set()
    for i, raw in enumerate(data, 1):
        where = f"entry {i} ({raw.get('id') if isinstance(raw, dict) else raw!r})"
        try:
            _add_entry(lex, raw, seen)
        except (KeyError, TypeError, ValueError) as err:
            problem = f"missing field {err.args[0]!r}" if isinstance(err, KeyError) else str(err)
            raise DataFileError(path, where, problem) from None
    return lex


def _list(raw: dict[str, Any], name: str) -> list[str]:
    value = raw.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"field {name!r} must be a list of strings")
    return value


def _add_entry(lex: TriggerLexicon, raw: Any, seen: set[str]) -> None:
    if not isinstance(raw, dict):
        raise TypeError("expected a mapping")
    tid, etype = str(raw["id"]), str(raw["type"]).upper()
    if tid in seen:
        raise ValueError(f"duplicate id {tid!r}")
    seen.add(tid)
    if etype not in PLOVER_TYPES:
        raise ValueError(f"unknown PLOVER type {etype!r}")
    modes = tuple(_list(raw, "mode"))
    bad = [m for m in modes if m not in MODES[etype]]
    if bad:
        raise ValueError(f"mode(s) {bad} not valid for {etype} (valid: {sorted(MODES[etype])})")
    base = {
        "id": tid, "type": etype, "mode": modes, "context": tuple(_list(raw, "context")),
        "recipient_preps": tuple(key(p) for p in _list(raw, "recipient")),
        "needs": tuple(_list(raw, "needs")), "avoid": frozenset(phrase_key(a) for a in _list(raw, "avoid")),
        "passive": bool(raw.get("passive")),
    }
    verb = _list(raw, "verb")
    if verb:
        trig = Trigger(**base, pos="verb")
        perfect, imperfect = verb[0], (verb[1] if len(verb) > 1 else None)
        for form in verb_forms(perfect, imperfect):
            lex.words[form].append(trig)
        lex.imperfect |= _imperfect_only(perfect, imperfect)
        for form in _list(raw, "forms"):
            lex.words[key(form)].append(trig)
    elif _list(raw, "forms"):
        trig = Trigger(**base, pos="verb")
        for form in _list(raw, "forms"):
            lex.words[key(form)].append(trig)
    noun = Trigger(**base, pos="noun")
    for n in _list(raw, "nouns"):
        words = phrase_key(n).split()
        if len(words) == 1:
            for f in entry_forms(words[0]):
                lex.words[f].append(noun)
        else:
            _add_phrase(lex, [[w] for w in words], noun)
    for p in _list(raw, "phrases"):
        parts = []
        for w in p.split():
            if "/" in w:
                perf, imp = w.split("/", 1)
                parts.append(sorted(verb_forms(perf, imp or None)))
            else:
                parts.append([key(w)])
        verb_first = "/" in p.split()[0] or key(p.split()[0]) in lex.words and any(
            t.pos == "verb" for t in lex.words[key(p.split()[0])])
        _add_phrase(lex, parts, Trigger(**base, pos="vphrase" if verb_first else "phrase"))
    if not (verb or _list(raw, "forms") or _list(raw, "nouns") or _list(raw, "phrases")):
        raise ValueError("an entry needs verb, forms, nouns or phrases")


def _add_phrase(lex: TriggerLexicon, parts: list[list[str]], trig: Trigger) -> None:
    rest = tuple(frozenset().union(*(entry_forms(f) for f in part)) for part in parts[1:])
    for first in parts[0]:
        for f in entry_forms(first) if len(parts[0]) == 1 else {first}:
            lex.phrases[f].append((rest, trig))
