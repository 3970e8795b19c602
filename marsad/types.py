"""Plain records passed between pipeline stages.

ingest → ``Article``; clean → ``CleanText``; analyse → ``Sentence``/``Token``/``Mention``;
events → ``Event``. Each has ``as_dict()`` for JSON output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "year"]


def _as_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


@dataclass(slots=True)
class Article:
    """One news article as read from its source, before cleaning."""

    id: str
    text: str
    published: str | None = None  # ISO date given by the source (trusted)
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    source: str | None = None  # file (and line) the article came from
    meta: dict[str, Any] = field(default_factory=dict)

    as_dict = _as_dict


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not become an article, and why."""

    source: str  # file, or file:line
    reason: str
    stage: str = "ingest"

    as_dict = _as_dict

    def __str__(self) -> str:
        return f"{self.source}: {self.reason} (skipped at {self.stage})"


@dataclass(frozen=True, slots=True)
class Change:
    """One edit cleaning made to the raw text (for ``marsad clean --changes``)."""

    kind: str  # "chrome", "comments", "header-date", "signature", "glue", "space", ...
    raw_start: int
    raw_end: int
    before: str
    after: str
    why: str

    as_dict = _as_dict


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written in the cleaned text
    key: str  # normalized matching key (see analyse.normalize)
    start: int  # offsets in the cleaned text
    end: int
    kind: str = "word"  # word | number | punct | latin

    as_dict = _as_dict


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)
    paragraph: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text, "paragraph": self.paragraph}


@dataclass(frozen=True, slots=True)
class Entity:
    """A coded actor: PLOVER country code + sector, as in the extractor contract."""

    code: str  # ISO alpha-3, or UNO, IGO, IMG, NGO, EUR, ... ("" when unknown)
    sector: str  # PLOVER sector (GOV, MIL, REB, ...), "" when unknown
    name: str  # English canonical name
    text: str  # words as written
    wikidata: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "sector": self.sector, "name": self.name, "text": self.text}
        if self.wikidata:
            out["wikidata"] = self.wikidata
        return out


@dataclass(slots=True)
class Mention:
    """An actor mention found in a sentence: the entity plus where and why."""

    entity: Entity
    sentence: int
    start: int  # offsets in the cleaned text
    end: int
    tok_start: int  # token indices in the sentence, end exclusive
    tok_end: int
    rule: str  # knowledge-base entry or rule that matched
    ambiguous: list[Entity] = field(default_factory=list)
    backed_by: list[Entity] = field(default_factory=list)
    role: str = "actor"  # actor | modifier (a nisba on a non-actor noun) | backer | place (في بغداد)

    def as_dict(self) -> dict[str, Any]:
        out = self.entity.as_dict() | {"start": self.start, "end": self.end, "sentence": self.sentence,
                                       "rule": self.rule, "role": self.role}
        if self.ambiguous:
            out["ambiguous"] = [e.as_dict() for e in self.ambiguous]
        if self.backed_by:
            out["backed_by"] = [e.as_dict() for e in self.backed_by]
        return out


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression and the calendar date it stands for."""

    start: int  # offsets in the text it was found in
    end: int
    text: str
    value: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    precision: Precision
    relative: bool  # resolved against the publication date

    as_dict = _as_dict


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry."""

    name: str  # English name
    name_ar: str
    country: str  # ISO alpha-3
    kind: str  # country | capital | city | region
    lat: float | None = None
    lon: float | None = None

    as_dict = _as_dict


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Runs of cleaned text copied from the raw text: run i is cleaned
    ``[clean_starts[i], clean_starts[i] + lengths[i])`` = raw ``[raw_starts[i], …)``."""

    clean_starts: list[int]
    raw_starts: list[int]
    lengths: list[int]

    def to_raw(self, clean_offset: int) -> int:
        from marsad.clean.offsets import to_raw

        return to_raw(self, clean_offset)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw span of a cleaned span (end exclusive)."""
        if end <= start:
            return self.to_raw(start), self.to_raw(start)
        return self.to_raw(start), self.to_raw(end - 1) + 1


@dataclass(slots=True)
class CleanText:
    """The clean stage's result for one article."""

    article: Article
    text: str  # cleaned text: paragraphs separated by "\n"
    offsets: OffsetMap  # cleaned offset → raw offset (raw = article.text)
    changes: list[Change] = field(default_factory=list)
    title: str | None = None
    header_date: str | None = None  # a page date found in the header: low confidence
    outlet: str | None = None
    dateline: str | None = None  # place (and agency) the report was filed from

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.article.id,
            "text": self.text,
            "title": self.title,
            "published": self.article.published,
            "header_date": self.header_date,
            "outlet": self.outlet or self.article.outlet,
            "dateline": self.dateline,
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass(slots=True)
class Quote:
    """An attributed statement: who said what, in their own words or reported (قال X إن …)."""

    doc_id: str
    sentence: int
    text: str  # the words said, without the quotation marks or the complementizer
    start: int  # offsets of ``text`` in the cleaned text
    end: int
    kind: str  # direct (« … », " … ") | indirect (إن/أن …)
    verb: str  # the reporting word as written (قال، أضاف، صرح، بحسب …)
    speaker: Entity | None = None  # the resolved speaker, None when nobody could be coded
    speaker_text: str = ""  # the words naming the speaker, as written (a person's name, a pronoun's antecedent …)

    def as_dict(self) -> dict[str, Any]:
        out = {"doc_id": self.doc_id, "sentence": self.sentence, "text": self.text, "start": self.start,
               "end": self.end, "kind": self.kind, "verb": self.verb, "speaker_text": self.speaker_text,
               "speaker": self.speaker.as_dict() if self.speaker else None}
        return out


@dataclass(slots=True)
class Claim:
    """A number stated in the text (a count, an amount), with what it counts and who says so."""

    doc_id: str
    sentence: int
    text: str  # the number expression as written (نحو 45 ألف مقاتل أجنبي)
    start: int  # offsets of ``text`` in the cleaned text
    end: int
    value: float | None  # the single value, or the range's upper bound when only that is known
    low: float | None = None  # range or bound (بين 1500 و2000 → 1500, 2000; ما يصل إلى 500 → high 500)
    high: float | None = None
    qualifier: str = "exact"  # exact | about | at-least | at-most | range
    unit: str = ""  # what is counted, as written (مقاتل، قتيل، دولار، دولة)
    claimant: Entity | None = None  # who makes the claim, None when unattributed
    claimant_text: str = ""
    attribution: str = "none"  # quote (inside an attributed quotation) | according-to (بحسب/وفق) | estimate (تقديرات X) | none

    def as_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "sentence": self.sentence, "text": self.text, "start": self.start,
                "end": self.end, "value": self.value, "low": self.low, "high": self.high,
                "qualifier": self.qualifier, "unit": self.unit, "attribution": self.attribution,
                "claimant_text": self.claimant_text, "claimant": self.claimant.as_dict() if self.claimant else None}


@dataclass(slots=True)
class Doc:
    """One article as it moves through the pipeline; each stage fills its fields."""

    article: Article
    clean: CleanText | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    published: str | None = None  # best publication date (ISO)
    published_source: str = "none"  # given | page-metadata | header | none
    # What the store derives from the tokens, computed early when the tokens are dropped
    # before a doc leaves a worker process ("search_text": one string per sentence,
    # "minhash": the near-duplicate signature); see ``store.base.slim_for_store``.
    store_extras: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.clean.text if self.clean else ""


@dataclass(slots=True)
class Event:
    """One PLOVER event, as in the extractor contract (shared/eval/README.md)."""

    id: str
    doc_id: str
    event_type: str
    mode: list[str]
    context: list[str]
    aux: list[str]
    actor: list[Entity]
    recipient: list[Entity]
    date: str | None
    date_text: str | None
    event_text: str
    start: int  # the sentence's offsets in the cleaned text
    end: int
    trigger: str
    quad_code: int
    event_scale: float | None
    location: dict[str, Any] | None = None
    date_precision: str | None = None
    date_source: str = "none"  # text | text-header (relative to an unsure header date) | published | header | none
    rule: str = ""  # trigger entry and argument rules that produced the event
    sentence: int = 0
    trigger_start: int = 0  # offsets of the trigger in the cleaned text
    trigger_end: int = 0
    speaker: Entity | None = None  # who reported it (قال X إن …)

    def as_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id, "doc_id": self.doc_id, "event_type": self.event_type, "mode": self.mode,
            "context": self.context, "aux": self.aux,
            "actor": [e.as_dict() for e in self.actor], "recipient": [e.as_dict() for e in self.recipient],
            "date": self.date, "date_text": self.date_text, "date_precision": self.date_precision,
            "date_source": self.date_source, "location": self.location, "event_text": self.event_text,
            "text_info": {"start": self.start, "end": self.end, "sentence": self.sentence,
                          "trigger_start": self.trigger_start, "trigger_end": self.trigger_end},
            "trigger": self.trigger, "quad_code": self.quad_code, "event_scale": self.event_scale,
            "rule": self.rule,
        }
        if self.speaker is not None:
            out["speaker"] = self.speaker.as_dict()
        return out
