"""Attributed quotations: who said what, in their words or reported.

Events code the act inside reported speech and drop the speech itself; users who
follow statements (who claims what, who denies what) need the statement and its
speaker. This module finds them from an analysed ``Doc`` (sentences, tokens, actor
mentions):

* a reporting verb (the ``speech`` list of ``modality.yaml``) followed by its
  complement: a quotation in marks (وقال كيري: «…»، قال إنه «…»), or a clause after
  the complementizer (أكد X أن …) up to the end of the sentence or the next
  reporting cue;
* a quotation in marks followed by its verb («…»، قال X؛ "…"، بحسب الوثيقة);
* an according-to cue before or after the content (وبحسب X، …؛ …، وفقا لـX).

The speaker is the actor mention right after the verb, else the subject named just
before it, else (وأضاف، مضيفا, a verb joined with و) the speaker of the previous
quotation. Quotations in marks are found per paragraph, so one spanning several
sentences comes out whole. The cue words live in ``data/events/attribution.yaml``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeGuard

from marsad.analyse.normalize import candidates, phrase_key, verb_candidates
from marsad.errors import DataFileError
from marsad.events.modality import cues
from marsad.lexicons import data_path, load_yaml
from marsad.types import Doc, Entity, Mention, Quote, Token

__all__ = ["extract_quotes", "load_attribution", "AttributionLexicon", "DocView", "Source", "source_after",
           "match_phrase", "Phrases"]

log = logging.getLogger(__name__)

ATTRIBUTION_FILE = "events/attribution.yaml"
_WORD_LISTS = ("continues", "participles", "relay", "relay_from", "according_to", "estimate", "quote_nouns",
               "complementizers", "pronoun_suffixes", "not_reporting", "stop_scan", "quote_enders", "not_subject",
               "source_nouns", "skip_after_cue", "before_verb_gap", "not_reporting_after",
               "impersonal")
_SCAN_WORDS = 22  # words after a verb in which its complement must start
_SUBJECT_WORDS = 6  # words kept as the text of an uncoded speaker (التقرير، مصادر مطلعة)
_MIN_DIRECT_WORDS = 3  # fewer words in marks are a name or a scare quote («داعش»), not a quotation
_LONG_QUOTE_WORDS = 6  # so many words in marks after a verb are its quotation wherever they start
_MAX_QUOTE_TOKENS = 600
_SENTENCE_END = frozenset(".!?؟…")
_COMMAS = frozenset("،,؛;")


@dataclass(frozen=True, slots=True)
class Phrases:
    """Folded phrases (word tuples) indexed by their first word, so that most tokens are
    rejected with one set look-up."""

    phrases: frozenset[tuple[str, ...]]
    firsts: frozenset[str]
    max_len: int
    _heads: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict, compare=False)  # cache

    @classmethod
    def of(cls, phrases: Iterable[tuple[str, ...]]) -> Phrases:
        items = frozenset(p for p in phrases if p)
        return cls(items, frozenset(p[0] for p in items), max((len(p) for p in items), default=0))

    def __contains__(self, words: object) -> bool:
        return words in self.phrases

    def words(self) -> frozenset[str]:
        """The one-word entries."""
        return frozenset(p[0] for p in self.phrases if len(p) == 1)

    def match(self, keys: Sequence[str], i: int, *, clitics: bool = True) -> int:
        """Length of the longest phrase starting at ``keys[i]`` (its first word may carry
        و ف ب ل when ``clitics``), or 0."""
        firsts = self._heads.get((keys[i], clitics))
        if firsts is None:
            forms = candidates(keys[i]) if clitics else (keys[i],)
            firsts = self._heads[(keys[i], clitics)] = tuple(f for f in forms if f in self.firsts)
        if not firsts:
            return 0
        for n in range(min(self.max_len, len(keys) - i), 0, -1):
            rest = tuple(keys[i + 1 : i + n])
            if any((f, *rest) in self.phrases for f in firsts):
                return n
        return 0


@dataclass(frozen=True, slots=True)
class AttributionLexicon:
    """Folded cue words of ``attribution.yaml`` and the reporting verbs of ``modality.yaml``."""

    verbs: frozenset[str]  # single-word reporting verbs (folded)
    continues: frozenset[str]
    participles: frozenset[str]
    relay: frozenset[str]
    relay_from: frozenset[str]
    according_to: Phrases
    estimate: frozenset[str]
    quote_nouns: frozenset[str]
    complementizers: Phrases
    pronoun_suffixes: tuple[str, ...]
    stop_scan: Phrases
    quote_enders: Phrases
    not_subject: Phrases
    source_nouns: frozenset[str]
    skip_after_cue: Phrases
    before_verb_gap: Phrases
    not_reporting_after: frozenset[str]
    impersonal: frozenset[str]
    marks: dict[str, str]  # opening mark → closing mark
    kinds: dict[str, str] = field(default_factory=dict)  # cache: token key → reporting cue kind ("" for none)


def load_attribution(name: str = ATTRIBUTION_FILE) -> AttributionLexicon:
    """The attribution cues, validated (a wrong entry names the file and the list)."""
    return _load_attribution(name)


@lru_cache(maxsize=4)
def _load_attribution(name: str) -> AttributionLexicon:
    data = load_yaml(name, required=(*_WORD_LISTS, "quote_marks"))
    path = str(data_path(name))
    lists = {k: _phrases(data[k], path, k) for k in _WORD_LISTS}
    marks = _marks(data["quote_marks"], path)
    words = {k: v.words() for k, v in lists.items()}
    excluded = words["according_to"] | words["not_reporting"]
    speech = {p[0] for p in cues().phrases["speech"] if len(p) == 1}
    verbs = frozenset(speech - excluded) | words["continues"] | words["participles"] | words["relay"]
    return AttributionLexicon(
        verbs=verbs, continues=words["continues"], participles=words["participles"], relay=words["relay"],
        relay_from=words["relay_from"], according_to=lists["according_to"], estimate=words["estimate"],
        quote_nouns=words["quote_nouns"], complementizers=lists["complementizers"],
        pronoun_suffixes=tuple(sorted(words["pronoun_suffixes"], key=len, reverse=True)),
        stop_scan=lists["stop_scan"], quote_enders=lists["quote_enders"], not_subject=lists["not_subject"],
        source_nouns=words["source_nouns"], skip_after_cue=lists["skip_after_cue"],
        before_verb_gap=lists["before_verb_gap"], not_reporting_after=words["not_reporting_after"],
        impersonal=words["impersonal"], marks=marks)


def _phrases(value: Any, path: str, where: str) -> Phrases:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, where, "expected a non-empty list of words or phrases")
    out = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(path, where, f"not a word or phrase: {item!r}")
        out.add(tuple(phrase_key(item).split()))
    return Phrases.of(out)


def _marks(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, "quote_marks", "expected a list of [opening, closing] pairs")
    out: dict[str, str] = {}
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(m, str) and len(m) == 1 for m in pair)):
            raise DataFileError(path, "quote_marks", f"not an [opening, closing] pair of characters: {pair!r}")
        out.setdefault(pair[0], pair[1])
    return out


# ----------------------------------------------------------------------------- a doc as one token list


@dataclass(slots=True)
class DocView:
    """All tokens of a doc in one list, with sentence, paragraph and mentions by global index."""

    tokens: list[Token]
    keys: list[str]
    sent: list[int]  # sentence index of each token
    para: list[int]
    sent_bounds: dict[int, tuple[int, int]]  # sentence index → global token range
    actors: dict[int, tuple[int, Mention]]  # global start → (global end, mention) of actor mentions
    modifiers: dict[int, tuple[int, Mention]]
    inside: set[int] = field(default_factory=set)  # tokens inside actor mentions

    @classmethod
    def of(cls, doc: Doc) -> DocView:
        tokens: list[Token] = []
        sent: list[int] = []
        para: list[int] = []
        bounds: dict[int, tuple[int, int]] = {}
        for s in doc.sentences:
            bounds[s.index] = (len(tokens), len(tokens) + len(s.tokens))
            tokens.extend(s.tokens)
            sent.extend([s.index] * len(s.tokens))
            para.extend([s.paragraph] * len(s.tokens))
        view = cls(tokens, [t.key for t in tokens], sent, para, bounds, {}, {})
        for m in doc.mentions:
            if m.sentence not in bounds:
                continue
            base = bounds[m.sentence][0]
            table = view.actors if m.role == "actor" else view.modifiers if m.role == "modifier" else None
            if table is not None and base + m.tok_start not in table:
                table[base + m.tok_start] = (base + m.tok_end, m)
                if m.role == "actor":
                    view.inside.update(range(base + m.tok_start, base + m.tok_end))
        return view

    def is_word(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and self.tokens[i].kind in ("word", "latin")

    def same_sentence(self, i: int, j: int) -> bool:
        return 0 <= i < len(self.tokens) and 0 <= j < len(self.tokens) and self.sent[i] == self.sent[j]

    def text(self, doc_text: str, i: int, j: int) -> str:
        """Text of tokens [i, j) as written."""
        return doc_text[self.tokens[i].start : self.tokens[j - 1].end] if j > i else ""


def match_phrase(keys: Sequence[str], i: int, phrases: Phrases, *, clitics: bool = True) -> int:
    """Length of the longest phrase of ``phrases`` starting at ``keys[i]``, or 0."""
    return phrases.match(keys, i, clitics=clitics)


# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Source:
    """Who stands behind words or numbers: a coded entity and/or the words naming it."""

    entity: Entity | None
    text: str
    end: int  # global token index after the source's words
    start: int = -1  # global token index of its first word (-1: inherited from another quotation)


def source_after(view: DocView, doc_text: str, lex: AttributionLexicon, i: int, *,
                 need_entity: bool = False, named: bool = False) -> Source | None:
    """The source named at token ``i`` (after a verb, بحسب، تقديرات …): an actor mention, a
    word phrase with a nisba (المنتج المصري، تقديرات روسية), or uncoded words (التقرير،
    نانو) unless ``need_entity``. With ``named`` (after بحسب، وفقا) the words between the
    cue and its source are skipped (بحسب ما ذكرت X) and an uncoded source must open with a
    source noun (بحسب التقرير, not بحسب التوقعات)."""
    if named or need_entity:
        i = _skip(view, lex, i)
    if not view.same_sentence(i, i) or not view.is_word(i):
        return None
    if i in view.actors and not _prepositional(view, i):
        end, m = view.actors[i]
        return Source(m.entity, view.text(doc_text, i, end), end, i)
    if i in view.modifiers:  # تقديرات روسية: the nisba right after an estimate noun
        end, m = view.modifiers[i]
        return Source(m.entity, view.text(doc_text, i, end), end, i)
    if not _subject_word(view, lex, i) or (named and not _source_noun(lex, view.keys[i])):
        return None
    end = _phrase_end(view, lex, i)
    if i + 1 in view.actors and not _prepositional(view, i + 1):  # الجنرال رئيس هيئة الأركان …: a title first
        end, m = view.actors[i + 1]
        return Source(m.entity, view.text(doc_text, i, end), end, i)
    entity = None
    nisba = next((k for k in range(i + 1, end + 1) if k in view.modifiers), None)
    if nisba is not None:  # المنتج المصري، الأديب والروائي الليبي: the nisba tells whose
        entity = view.modifiers[nisba][1].entity
        end = max(end, view.modifiers[nisba][0])
    if need_entity and entity is None:
        return None
    return Source(entity, view.text(doc_text, i, end), end, i)


def _source_noun(lex: AttributionLexicon, word_key: str) -> bool:
    return any(_bare(c) in lex.source_nouns or _bare(c) in lex.estimate for c in candidates(word_key))


def _skip(view: DocView, lex: AttributionLexicon, i: int) -> int:
    """Past the words between a cue and its source (ما ذكرت، قول، لـ)."""
    start = i
    while i < len(view.tokens) and view.same_sentence(i, start) and i - start < 4:
        n = match_phrase(view.keys, i, lex.skip_after_cue, clitics=False)
        if n and i not in view.actors:
            i += n
            continue
        if view.tokens[i].text in "_ـ":
            i += 1
            continue
        break
    return i


def _prepositional(view: DocView, i: int) -> bool:
    """لروسيا، بواشنطن: a mention carrying ل or ب is an object or a place, not a speaker."""
    first, name = view.tokens[i], view.actors[i][1].entity.text
    return first.key[:1] in ("ل", "ب") and first.text != name[: len(first.text)]


def _bare(word_key: str) -> str:
    return word_key[2:] if word_key.startswith("ال") and len(word_key) > 4 else word_key


def _subject_word(view: DocView, lex: AttributionLexicon, i: int) -> bool:
    """A word that can open a speaker's name after a verb (VSO order: وقال أويس، وأكد البيان):
    not a time word or preposition (وقال، الخميس، …؛ قال لوكالة …), a complementizer, a
    reporting word or a number."""
    tok = view.tokens[i]
    if tok.kind != "word" or match_phrase(view.keys, i, lex.not_subject):
        return False
    if _complementizer(view, lex, i) or _speech_cue(view, lex, i) or match_phrase(view.keys, i, lex.according_to):
        return False
    k = tok.key
    if k[:1] in ("ل", "ب") and not _source_noun(lex, k) and not _name_alone(view, lex, i):
        return False  # للصحفيين، لصاحبة الفندق، باللهجة: the hearer or a manner, not the speaker
    return not any(ch.isdigit() for ch in k)


def _name_alone(view: DocView, lex: AttributionLexicon, i: int) -> bool:
    """وذكرت لطيفة، …: a word standing alone before a comma or إن is a name, even if it opens with ل/ب."""
    nxt = i + 1
    return nxt < len(view.tokens) and view.same_sentence(i, nxt) and (
        view.tokens[nxt].text in _COMMAS or bool(_complementizer(view, lex, nxt)))


def _phrase_end(view: DocView, lex: AttributionLexicon, i: int) -> int:
    """End of an uncoded speaker's words: up to punctuation, a complementizer, a relative
    pronoun or a preposition (وأضاف تيم باللهجة السورية), at most a few words."""
    j = i + 1
    while (j < len(view.tokens) and j - i < _SUBJECT_WORDS and view.same_sentence(i, j) and view.is_word(j)
           and not view.keys[j].startswith(("ل", "بال", "كال"))
           and not match_phrase(view.keys, j, lex.not_subject, clitics=False)
           and not _complementizer(view, lex, j) and not _speech_cue(view, lex, j)
           and not any(_bare(c) in lex.quote_nouns for c in candidates(view.keys[j]))):
        j += 1
    return j


# ----------------------------------------------------------------------------- cues


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    kind: str  # verb | continues | participle | relay | according


def _speech_cue(view: DocView, lex: AttributionLexicon, i: int) -> str:
    """The kind of reporting cue at token i, or ""."""
    if i in view.inside or view.tokens[i].kind != "word":
        return ""
    k = view.keys[i]
    kind = lex.kinds.get(k)
    if kind is None:
        kind = lex.kinds[k] = _cue_kind(lex, k)
    return kind


def _cue_kind(lex: AttributionLexicon, word_key: str) -> str:
    forms = [f for f in verb_candidates(word_key) if "س" not in word_key[: len(word_key) - len(f)]]  # not سيرى
    for kind, words in (("participle", lex.participles), ("continues", lex.continues), ("relay", lex.relay)):
        if any(f in words for f in forms):
            return kind
    return "verb" if any(f in lex.verbs for f in forms) else ""


def _cues(view: DocView, lex: AttributionLexicon) -> list[_Cue]:
    """Reporting verbs and according-to phrases outside actor mentions, in text order."""
    out = []
    keys, tokens, kinds, accord = view.keys, view.tokens, lex.kinds, lex.according_to
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "word" or i in view.inside:
            i += 1
            continue
        kind = kinds.get(keys[i])
        if kind is None:
            kind = kinds[keys[i]] = _cue_kind(lex, keys[i])
        n = accord.match(keys, i) if kind == "" or kind == "verb" else 0
        if n:
            out.append(_Cue(i, i + n, "according"))
            i += n
            continue
        if kind and not _not_reporting(view, lex, i):
            out.append(_Cue(i, i + 1, kind))
        i += 1
    return out


def _not_reporting(view: DocView, lex: AttributionLexicon, i: int) -> bool:
    """وكان لافتا أن …، ويذكر أن …: a reporting word that reports nobody here."""
    if i and view.sent[i - 1] == view.sent[i] and \
            any(c in lex.not_reporting_after for c in verb_candidates(view.keys[i - 1])):
        return True
    if any(c in lex.impersonal for c in verb_candidates(view.keys[i])) and i + 1 < len(view.tokens):
        return bool(_complementizer(view, lex, i + 1)) or view.keys[i + 1] in ("الي", "بان")
    return False


def _complementizer(view: DocView, lex: AttributionLexicon, i: int) -> int:
    """Length of the complementizer at token i (إن، أن، بأنه، على أن), or 0."""
    if view.tokens[i].kind != "word":
        return 0
    if n := match_phrase(view.keys, i, lex.complementizers, clitics=False):
        return n
    k = view.keys[i]
    return int(any(k.endswith(s) and (k[: -len(s)],) in lex.complementizers for s in lex.pronoun_suffixes))


# ----------------------------------------------------------------------------- quotation marks


def _mark_spans(view: DocView, lex: AttributionLexicon) -> dict[int, int]:
    """Opening-mark token → closing-mark token, pairs within one paragraph.

    A mark that both opens and closes (") opens only when a word follows it at once: a
    stray closing mark (القاعدة". وأكد …) would otherwise pair with the next quotation's
    opening and swallow the text between them."""
    spans: dict[int, int] = {}
    stack: list[tuple[int, str]] = []
    para = -1
    closers = set(lex.marks.values())
    for i, tok in enumerate(view.tokens):
        if view.para[i] != para:
            stack, para = [], view.para[i]
        ch = tok.text
        if tok.kind != "punct" or not (ch in lex.marks or ch in closers):
            continue
        if stack and ch == stack[-1][1]:
            o = stack.pop()[0]
            if i - o <= _MAX_QUOTE_TOKENS:
                spans[o] = i
        elif ch in lex.marks and (lex.marks[ch] != ch or _opens(view, i)):
            stack.append((i, lex.marks[ch]))
    return spans


def _opens(view: DocView, i: int) -> bool:
    nxt = i + 1
    return (nxt < len(view.tokens) and view.tokens[nxt].start == view.tokens[i].end
            and view.tokens[nxt].kind != "punct" and view.para[nxt] == view.para[i])


def _words_between(view: DocView, i: int, j: int) -> int:
    return sum(1 for k in range(i, j) if view.tokens[k].kind in ("word", "number", "latin"))


# ----------------------------------------------------------------------------- extraction


@dataclass(slots=True)
class _Found:
    start: int  # global token range of the quotation's words
    end: int
    kind: str
    cue: _Cue
    speaker: Entity | None
    speaker_text: str


def extract_quotes(doc: Doc, lex: AttributionLexicon | None = None) -> list[Quote]:
    """Every attributed quotation of a processed doc (sentences and mentions set)."""
    lex = lex or load_attribution()
    view = DocView.of(doc)
    spans = _mark_spans(view, lex)
    closes = {c: o for o, c in spans.items()}
    quoted = {k for o, c in spans.items() if _words_between(view, o, c) >= _MIN_DIRECT_WORDS for k in range(o, c)}
    found: list[_Found] = []
    cues_found = _cues(view, lex)
    for cue in cues_found:
        if cue.start in quoted:
            continue  # words reported inside a quotation belong to it
        q = _according(doc.text, view, lex, cue, spans, closes, found) if cue.kind == "according" else \
            _reported(doc.text, view, lex, cue, spans, closes, found)
        if _usable(q, found):
            found.append(q)
    log.debug("%s: %d quotation(s) from %d reporting cue(s)", doc.article.id, len(found), len(cues_found))
    return [_as_quote(doc, view, q) for q in found]


def _usable(q: _Found | None, found: Sequence[_Found]) -> TypeGuard[_Found]:
    """A quotation with words and someone to say them, not found already through another cue."""
    return (q is not None and q.end > q.start and (q.speaker is not None or bool(q.speaker_text))
            and not any(f.start == q.start and f.end == q.end for f in found))


def _as_quote(doc: Doc, view: DocView, q: _Found) -> Quote:
    start, end = view.tokens[q.start].start, view.tokens[q.end - 1].end
    verb = view.text(doc.text, q.cue.start, q.cue.end)
    return Quote(doc_id=doc.article.id, sentence=view.sent[q.start], text=doc.text[start:end], start=start, end=end,
                 kind=q.kind, verb=verb, speaker=q.speaker, speaker_text=q.speaker_text)


def _reported(text: str, view: DocView, lex: AttributionLexicon, cue: _Cue, spans: dict[int, int],
              closes: dict[int, int], found: list[_Found]) -> _Found | None:
    """The quotation a reporting verb introduces (after it) or closes (before it), with its speaker."""
    subject = source_after(view, text, lex, cue.end) if cue.kind != "participle" else None
    content = _complement(view, lex, cue, spans, subject.end if subject else cue.end)
    if content is None:
        content = _marks_before(view, cue, closes)
    if content is None:
        return None
    start, end, kind = content
    speaker = _relayed(view, text, lex, cue, start) if cue.kind == "relay" else None
    if speaker is None and subject is not None:
        speaker = _coded(view, text, subject, start)
    if speaker is None:
        speaker = _implicit_speaker(view, text, lex, cue, found)
    if speaker is None:
        return None
    return _Found(start, end, kind, cue, speaker.entity, speaker.text)


def _complement(view: DocView, lex: AttributionLexicon, cue: _Cue, spans: dict[int, int],
                j: int) -> tuple[int, int, str] | None:
    """The quotation after a verb: marks after the verb/subject/colon/complementizer, or the
    clause after a complementizer; None when another clause starts first."""
    prev_ok = j == cue.end  # may a short quotation in marks start here (right after the verb, ":" or "،")
    words = 0
    while j < len(view.tokens) and view.same_sentence(j, cue.start) and words <= _SCAN_WORDS:
        tok = view.tokens[j]
        if j in spans:
            size = _words_between(view, j, spans[j])
            if (prev_ok and size >= _MIN_DIRECT_WORDS) or size >= _LONG_QUOTE_WORDS:
                return j + 1, spans[j], "direct"
            j, prev_ok = spans[j] + 1, False  # a name in marks («داعش»): go past it
            continue
        if tok.kind == "punct":
            if tok.text in _SENTENCE_END:
                return None
            if tok.text == ":":
                return _after_colon(view, spans, j + 1, cue)
            prev_ok = tok.text in _COMMAS
            j += 1
            continue
        if j >= cue.end and (_speech_cue(view, lex, j) or match_phrase(view.keys, j, lex.stop_scan)):
            return None
        if cue.kind != "relay" and view.keys[j] in lex.relay_from and j + 1 < len(view.tokens) and \
                not _complementizer(view, lex, j + 1):
            return None  # كشف X عن تورطه …: the verb's object is a noun, a later أن is another clause's
        if n := _complementizer(view, lex, j):
            return _after_complementizer(view, lex, spans, j + n, cue)
        if any(_bare(c) in lex.quote_nouns for c in candidates(view.keys[j])):  # عن X قوله إن … / قوله: «…»
            n = _complementizer(view, lex, j + 1) if j + 1 < len(view.tokens) else 0
            if n:
                return _after_complementizer(view, lex, spans, j + 1 + n, cue)
            return _after_colon(view, spans, j + 2 if view.tokens[j + 1].text == ":" else j + 1, cue)
        prev_ok = False
        words += 1
        j += 1
    return None


def _after_colon(view: DocView, spans: dict[int, int], j: int, cue: _Cue) -> tuple[int, int, str] | None:
    """After "قال:" (or قوله): words in marks, else the rest of the sentence as said."""
    if j < len(view.tokens) and j in spans:
        return j + 1, spans[j], "direct"
    end = _sentence_end(view, cue.start)
    return (j, end, "direct") if _words_between(view, j, end) >= _MIN_DIRECT_WORDS else None


def _after_complementizer(view: DocView, lex: AttributionLexicon, spans: dict[int, int], j: int,
                          cue: _Cue) -> tuple[int, int, str] | None:
    """After إن/أن: a quotation in marks when the clause is one (قال إنه «…»), else the clause."""
    if j < len(view.tokens) and j in spans and _words_between(view, j, spans[j]) >= _MIN_DIRECT_WORDS:
        return j + 1, spans[j], "direct"
    end = _clause_end(view, lex, j, cue)
    return (j, end, "indirect") if end > j else None


def _sentence_end(view: DocView, i: int) -> int:
    """Global index after the sentence's last token that is not final punctuation."""
    end = view.sent_bounds[view.sent[i]][1]
    while end > i and view.tokens[end - 1].kind == "punct" and view.tokens[end - 1].text not in "»”\")":
        end -= 1
    return end


def _clause_end(view: DocView, lex: AttributionLexicon, j: int, cue: _Cue) -> int:
    """End of an indirect quotation: the sentence's end, or where the next reporting cue or a
    contrast (غير أن، بينما) begins a new clause."""
    end = _sentence_end(view, cue.start)
    k = j + 1
    while k < end:
        after_comma = view.tokens[k - 1].text in _COMMAS
        if view.tokens[k].kind == "word" and (
                match_phrase(view.keys, k, lex.quote_enders)
                or (after_comma and (_speech_cue(view, lex, k) or match_phrase(view.keys, k, lex.according_to)))):
            end = k
            break
        k += 1
    while end > j and view.tokens[end - 1].kind == "punct" and view.tokens[end - 1].text not in "»”\")":
        end -= 1
    return end


def _marks_before(view: DocView, cue: _Cue, closes: dict[int, int]) -> tuple[int, int, str] | None:
    """«…»، قال X: a quotation in marks closing right before the verb (a comma or و between)."""
    k = cue.start - 1
    while k >= 0 and k > cue.start - 3 and view.tokens[k].text in _COMMAS:
        k -= 1
    if k in closes and _words_between(view, closes[k], k) >= _MIN_DIRECT_WORDS:
        return closes[k] + 1, k, "direct"
    return None


def _coded(view: DocView, text: str, subject: Source, limit: int) -> Source:
    """المسؤول الصحفي في البيت الأبيض جوش إرنست: when the first words name no country, a
    coded actor later in the same phrase (no comma between) names the speaker better."""
    if (subject.entity is not None and subject.entity.code) or subject.start < 0:
        return subject
    j = subject.start + 1
    while j < min(limit, subject.end + _SUBJECT_WORDS) and view.tokens[j].text not in _COMMAS:
        if j in view.actors and view.actors[j][1].entity.code and not _prepositional(view, j):
            end, m = view.actors[j]
            return Source(m.entity, view.text(text, subject.start, end), end, subject.start)
        j += 1
    return subject


def _relayed(view: DocView, text: str, lex: AttributionLexicon, cue: _Cue, content_start: int) -> Source | None:
    """نقلت وكالة … عن X: the actor after عن, before the quotation."""
    for j in range(cue.end, content_start):
        if view.tokens[j].kind == "word" and view.keys[j] in lex.relay_from:
            src = source_after(view, text, lex, j + 1)
            if src is not None:
                return src
    return None


def _implicit_speaker(view: DocView, text: str, lex: AttributionLexicon, cue: _Cue,
                      found: Sequence[_Found]) -> Source | None:
    """The speaker when none is named after the verb: the subject just before it (X قال),
    the previous speaker (وأضاف، مضيفا), or the subject opening the sentence (ورفض X …، وقال)."""
    conjoined = view.keys[cue.start][:1] in ("و", "ف") and len(view.keys[cue.start]) > 3
    before = None if conjoined else _subject_before(view, text, lex, cue.start, gap=cue.kind != "participle")
    if before is not None:
        return before
    if cue.kind not in ("continues", "participle") and not conjoined:
        return None
    sent, para = view.sent[cue.start], view.para[cue.start]
    gender = _gender(lex, view.keys[cue.start])
    earlier = [f for f in found if f.cue.start < cue.start and _agrees(lex, gender, view.keys[f.cue.start])]
    same = [f for f in earlier if view.sent[f.cue.start] == sent  # the main verb's, not one reported inside
            and not any(g.start <= f.cue.start < g.end for g in earlier)]
    if same:
        return _source_of(same[-1])
    if cue.kind == "participle" or cue.start > view.sent_bounds[sent][0]:
        opener = _sentence_subject(view, text, sent, cue.start)
        if opener is not None:
            return opener
    in_para = [f for f in earlier if view.para[f.cue.start] == para]
    if in_para:
        return _source_of(in_para[-1])
    if cue.kind == "participle":
        return None  # it hangs on a verb of its own sentence, which did not report
    return _source_of(earlier[-1]) if earlier else None


def _gender(lex: AttributionLexicon, word_key: str) -> str:
    """"f" for a feminine reporting word (قالت، تقول، مضيفة), "m" for a masculine one, ""
    when it does not show (بحسب): a وأضافت does not go on from a man's words."""
    for k in verb_candidates(word_key):
        if k in lex.participles:
            return "f" if k.endswith("ه") and (k[:-1] + "ا") in lex.participles else "m"
        if k in lex.verbs:
            feminine = (k.endswith("ت") and k[:-1] in lex.verbs) or (k.startswith("ت") and "ي" + k[1:] in lex.verbs)
            return "f" if feminine else "m"
    return ""


def _agrees(lex: AttributionLexicon, gender: str, other_key: str) -> bool:
    other = _gender(lex, other_key)
    return not gender or not other or gender == other


def _source_of(f: _Found) -> Source:
    return Source(f.speaker, f.speaker_text, f.start)


def _subject_before(view: DocView, text: str, lex: AttributionLexicon, v: int, *, gap: bool = True) -> Source | None:
    """فإن أشتون كارتر قال، وكانت الوزارة، قد أعلنت: an actor ending right before the verb
    (across a comma or قد/كان when ``gap``), else a definite noun right before it (الضابط قال)."""
    k = v
    while gap and k > 0 and view.same_sentence(k - 1, v):
        if match_phrase(view.keys, k - 1, lex.before_verb_gap, clitics=True) or \
                view.tokens[k - 1].text in _COMMAS:
            k -= 1
            continue
        break
    for start, (end, m) in view.actors.items():
        if end == k and view.same_sentence(start, v) and not _prepositional(view, start):
            return Source(m.entity, view.text(text, start, end), end, start)
    w = v - 1
    if gap and w >= 0 and view.same_sentence(w, v) and view.tokens[w].kind == "word" and view.keys[w].startswith("ال") \
            and _subject_word(view, lex, w):
        return Source(None, view.tokens[w].text, v, w)
    return None


def _sentence_subject(view: DocView, text: str, sent: int, before: int) -> Source | None:
    """ورفض X …، وقال: the actor right after the verb that opens the sentence."""
    first = view.sent_bounds[sent][0]
    while first < before and view.tokens[first].kind == "punct":
        first += 1
    start = first + 1
    if start >= before or start not in view.actors or _prepositional(view, start) or \
            view.tokens[first].kind != "word" or len(view.keys[first]) < 3:
        return None
    end, m = view.actors[start]
    if view.keys[start][:1] == "و" and not phrase_key(m.entity.text).startswith("و"):
        return None  # واليونان: a conjunct, not a subject
    return Source(m.entity, view.text(text, start, end), end, start)


def _according(text: str, view: DocView, lex: AttributionLexicon, cue: _Cue, spans: dict[int, int],
               closes: dict[int, int], found: list[_Found]) -> _Found | None:
    """وبحسب X، …  (content after the source) or …، بحسب X (content before the cue)."""
    src = source_after(view, text, lex, cue.end, named=True)
    if src is None:
        return None
    first = view.sent_bounds[view.sent[cue.start]][0]
    lead = all(view.tokens[k].kind == "punct" or view.keys[k] in ("و", "ف") for k in range(first, cue.start))
    if lead:
        j = src.end
        while j < len(view.tokens) and view.tokens[j].text in _COMMAS:
            j += 1
        if j in spans:
            return _Found(j + 1, spans[j], "direct", cue, src.entity, src.text)
        end = _clause_end(view, lex, j, cue)
        if _words_between(view, j, end) < _MIN_DIRECT_WORDS:
            return None
        return _Found(j, end, "indirect", cue, src.entity, src.text)
    marks = _marks_before(view, cue, closes)
    if marks is not None:
        return _Found(marks[0], marks[1], "direct", cue, src.entity, src.text)
    return _content_before(view, lex, cue, first, src, found)


def _content_before(view: DocView, lex: AttributionLexicon, cue: _Cue, first: int, src: Source,
                    found: Sequence[_Found]) -> _Found | None:
    """…، وفقا لـX: the clause before the cue (from the last comma when that leaves enough
    words), unless a reporting verb already covers it."""
    start = first
    for k in range(cue.start - 2, first, -1):
        if view.tokens[k].text in _COMMAS and _words_between(view, k, cue.start) >= _MIN_DIRECT_WORDS:
            start = k + 1
            break
    while start < cue.start and (view.tokens[start].kind == "punct" or _complementizer(view, lex, start)
                                 or (view.keys[start][:1] == "و" and _complementizer_key(lex, view.keys[start][1:]))):
        start += 1
    end = cue.start
    while end > start and view.tokens[end - 1].kind == "punct":
        end -= 1
    if _words_between(view, start, end) < _MIN_DIRECT_WORDS:
        return None
    if any(f.start < end and start < f.end for f in found):
        return None
    if any(_speech_cue(view, lex, k) for k in range(start, end)):
        return None
    return _Found(start, end, "indirect", cue, src.entity, src.text)


def _complementizer_key(lex: AttributionLexicon, k: str) -> bool:
    return (k,) in lex.complementizers or any(k.endswith(s) and (k[: -len(s)],) in lex.complementizers
                                              for s in lex.pronoun_suffixes)
