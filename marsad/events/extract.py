"""From a doc's sentences and actor mentions to PLOVER events.

For each sentence:
1. find triggers (words, verbal nouns, phrases from ``triggers.yaml``);
2. drop triggers cancelled by a neighbouring word (``avoid``) or in questions;
3. read the auxiliary modes in the trigger's clause (negation, future …);
4. assign actor and recipient (``events.arguments``), using the speaker of reported
   speech when the reported clause names nobody;
5. apply PLOVER's rules (future cooperation → AGREE, future retreat → CONCEDE,
   a refused cooperation → REJECT);
6. date the event (nearest date words, else the publication date, flagged) and place it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.analyse.dates import find_dates
from marsad.analyse.normalize import candidates, phrase_key, verb_candidates
from marsad.events import arguments
from marsad.events.filter import keep
from marsad.events.lexicon import MODES, PLOVER_TYPES, Trigger, TriggerLexicon, bare_forms, load_triggers
from marsad.events.modality import aux_for, cues, is_question
from marsad.events.specific import not_specific, reference_or_aim
from marsad.lexicons import load_yaml
from marsad.types import DateMention, Doc, Entity, Event, Mention, Sentence, Token

__all__ = ["extract_events", "find_triggers", "TriggerHit"]

_COOPERATIVE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
_NEEDS_RECIPIENT = {"COOPERATE", "AID", "SANCTION"}
_UNKNOWN = Entity("", "UNK", "unidentified", "")
_OK_WITHOUT_ACTOR = {"ASSAULT", "PROTEST", "COERCE"}
_MATERIAL = {"COOPERATE", "AID", "RETREAT", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
_STATE_SECTORS = {"GOV", "MIL", "", "LEG", "SPY"}
_CONDITION_WORDS = {"شريطه", "بشرط", "شرط"}
_RESPONSIVE = {"REJECT", "ACCUSE", "SANCTION", "THREATEN"}  # "… لكن واشنطن ترفض ذلك": answers the party before
_CLAUSAL = {"ACCUSE", "REQUEST", "REJECT", "THREATEN", "SUPPORT"}  # their object is often a clause
_HISTORICAL_DAYS = 365


@dataclass(slots=True)
class TriggerHit:
    start: int  # token indices, end exclusive
    end: int
    trigger: Trigger
    matched: tuple[int, ...] = ()  # the tokens that are the trigger's words (a phrase may skip some)

    def __post_init__(self) -> None:
        if not self.matched:
            self.matched = tuple(range(self.start, self.end))

    def text(self, tokens: Sequence[Token], sentence: Sentence) -> str:
        return sentence.text[tokens[self.start].start - sentence.start : tokens[self.end - 1].end - sentence.start]


def find_triggers(tokens: Sequence[Token], lex: TriggerLexicon) -> list[TriggerHit]:
    """Trigger hits, phrases first, then single words not inside a phrase; one sense per span."""
    hits: list[TriggerHit] = []
    taken: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        for hit in _phrases_at(tokens, i, lex):
            if not taken & set(hit.matched):
                hits.append(hit)
                taken |= set(hit.matched)
                break
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or i in taken:
            continue
        found = lex.lookup_word(tok.key, ta_marbuta=tok.text.endswith(("ة", "ةً", "ةٌ", "ةٍ")))
        if found:
            trig = _prefer(found)
            hits.append(TriggerHit(i, i + 1, trig))
    return sorted(hits, key=lambda h: h.start)


def _prefer(found: list[tuple[Trigger, str]]) -> Trigger:
    """One sense for an ambiguous word: verbs before nouns, then the first listed."""
    return sorted(found, key=lambda f: (f[0].pos != "verb"))[0][0]


def _phrases_at(tokens: Sequence[Token], i: int, lex: TriggerLexicon) -> list[TriggerHit]:
    out = []
    firsts = list(candidates(tokens[i].key))
    for stem in firsts:
        for rest, trig in lex.phrases.get(stem, ()):
            matched = _match_rest(tokens, i + 1, rest)
            if matched is not None:
                out.append(TriggerHit(i, (matched[-1] if matched else i) + 1, trig, (i, *matched)))
    return sorted(out, key=lambda h: h.start - h.end)


def _match_rest(tokens: Sequence[Token], j: int, rest: tuple[frozenset[str], ...],
                max_gap: int = 3) -> list[int] | None:
    """Token indices of the remaining phrase words, in order, allowing a few words (and
    quotation marks) between them; sentence punctuation ends the search."""
    matched = []
    for forms in rest:
        gap = 0
        while j < len(tokens) and (tokens[j].kind == "word" or tokens[j].text in "«»“”\"") and not (
                bare_forms(tokens[j].key) & forms):
            gap += tokens[j].kind == "word"
            j += 1
            if gap > max_gap:
                return None
        if j >= len(tokens) or tokens[j].kind != "word":
            return None
        matched.append(j)
        j += 1
    return matched


# ----------------------------------------------------------------------------- per document


def extract_events(doc: Doc, lex: TriggerLexicon | None = None, trace: list[tuple] | None = None) -> list[Event]:
    """All events of a processed doc (sentences and mentions set).

    With ``trace`` (a list), every trigger considered is appended to it as
    ``(sentence index, hit, event or reason it was dropped)`` for ``marsad explain``.
    """
    lex = lex or load_triggers()
    published = _as_date(doc.published)
    per_sentence = [_sentence_contexts(s.tokens) for s in doc.sentences]
    doc_contexts = _doc_contexts(per_sentence)
    by_sentence: dict[int, list[Mention]] = {}
    for m in doc.mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    events: list[Event] = []
    sport = _is_sport_doc(doc)
    for sentence in doc.sentences:
        events.extend(_sentence_events(doc, sentence, by_sentence.get(sentence.index, []), lex, published,
                                       doc_contexts | per_sentence[sentence.index], trace))
    if sport:  # a sports report: violence words are football unless armed or state forces take part
        events = [e for e in events if e.event_type not in _VIOLENT or _armed(e)]
    return events


def _sentence_events(doc: Doc, sentence: Sentence, mentions: list[Mention], lex: TriggerLexicon,
                     published: dt.date | None, doc_contexts: set[str], trace: list[tuple] | None) -> list[Event]:
    tokens = sentence.tokens
    hits = find_triggers(tokens, lex)
    note = (lambda hit, why: trace.append((sentence.index, hit, why))) if trace is not None else (lambda *_: None)
    if hits and _is_title(doc, sentence):
        for hit in hits:
            note(hit, "headline: its events are told again in the body")
        return []
    if hits and (is_question(tokens) or _is_sport(tokens)):
        for hit in hits:
            note(hit, "the sentence is a question" if is_question(tokens) else "the sentence is about sport")
        return []
    for hit in [h for h in hits if _avoided(tokens, h)]:
        note(hit, "cancelled by a neighbouring word (avoid list)")
    hits = [h for h in hits if not _avoided(tokens, h)]
    if not hits:
        return []
    speech = _speech_positions(tokens, mentions)
    dates = find_dates(sentence.text, published)
    contexts = doc_contexts
    out: list[Event] = []
    hit_of: dict[str, TriggerHit] = {}  # event id → its trigger, for merging a circumstance into it
    aims: list[int] = []  # where an aim (للتعاون، لمساعدة) was found: nouns right after it are part of it
    for n, hit in enumerate(hits):
        if hit.trigger.pos not in ("verb", "vphrase") and any(0 < hit.start - a <= 4 for a in aims):
            note(hit, "part of an aim told just before (لمساعدة روسيا في تطوير استهدافها)")
            aims.append(hit.start)
            continue
        event = _build_event(doc, sentence, mentions, hit, speech, dates, contexts, published, lex, n, out)
        if isinstance(event, Event) and (told := _told_before(tokens, out, hit_of, hit, event)) is not None:
            _merge_into(told, event)
            event = f"the circumstance of the {told.event_type} told just before: merged into it"
        note(hit, event)
        if isinstance(event, Event):
            out.append(event)
            hit_of[event.id] = hit
        elif event.startswith("purpose"):
            aims.append(hit.start)
    return out


_MERGE_REACH = 8  # tokens from the verb to a circumstance noun of the same event


def _told_before(tokens: Sequence[Token], out: Sequence[Event], hit_of: dict[str, TriggerHit], hit: TriggerHit,
                 event: Event) -> Event | None:
    """The verb event of this sentence that a noun event describes (قتل خمسة في غارة)."""
    if hit.trigger.pos in ("verb", "vphrase") or hit.start == 0:
        return None
    if tokens[hit.start - 1].key not in arguments.anchor_words("circumstance"):
        return None
    for earlier in reversed(out):
        verb = hit_of[earlier.id]
        if earlier.event_type == event.event_type and verb.trigger.pos in ("verb", "vphrase") \
                and 0 < hit.start - verb.end <= _MERGE_REACH and earlier.aux == event.aux:
            return earlier
    return None


def _merge_into(event: Event, noun: Event) -> None:
    """The verb event keeps its trigger; a known actor, mode and recipients come from the noun."""
    if (not event.actor or event.actor == [_UNKNOWN]) and noun.actor != [_UNKNOWN]:
        event.actor = list(noun.actor)
    event.recipient += [e for e in noun.recipient if e not in event.recipient and e not in event.actor]
    event.mode = sorted(set(event.mode) | set(noun.mode))
    event.location = event.location or noun.location
    event.rule += f"; with {noun.trigger} (circumstance)"
    event.quad_code, event.event_scale = _score(event.event_type, event.mode)


def _build_event(doc: Doc, sentence: Sentence, mentions: list[Mention], hit: TriggerHit, speech: set[int],
                 dates: list[DateMention], contexts: set[str], published: dt.date | None,
                 lex: TriggerLexicon, n: int, earlier: Sequence[Event] = ()) -> Event | str:
    """The event a trigger signals, or the reason there is none."""
    tokens = sentence.tokens
    trig = hit.trigger
    if trig.pos not in ("verb", "vphrase") and (why := reference_or_aim(tokens, hit.start, trig.type)):
        return why
    clause = arguments.clause_bounds(tokens, hit.start, speech)
    imperfect = any(s in lex.imperfect for s in candidates(tokens[hit.start].key))
    aux, cue_words = aux_for(tokens, hit.start, hit.end, clause[0], imperfect=imperfect)
    args = arguments.assign(tokens, mentions, hit.start, hit.end, pos=trig.pos, clause=clause,
                            preps=trig.recipient_preps, passive=trig.passive, matched=set(hit.matched))
    speaker = _speaker(tokens, mentions, clause[0], speech)
    actor = [m.entity for m in args.actor]
    rule = args.rule
    if earlier and trig.pos in ("verb", "vphrase") and _conjoined(tokens[hit.start]) and not _subject_after(args, hit):
        actor, rule = list(earlier[-1].actor), "shares the subject of the verb before (و + verb)"
    if trig.type == "SUPPORT" and _describes_party(tokens, hit.start):
        return "describes a party (relative clause): no new event"
    if not actor and speaker is not None and clause[0] > 0:
        actor, rule = [speaker], "speaker of the reported clause"
    recipient = [m.entity for m in args.recipient if m.entity not in actor]
    if not actor:
        if trig.type not in _OK_WITHOUT_ACTOR:
            return "no actor found in the clause"
        if not recipient and "actor" in trig.needs:
            return "no actor or victim found (the trigger needs one)"
        actor = [_UNKNOWN]
    if not recipient and trig.type in _CLAUSAL:
        recipient = _complement_recipient(tokens, mentions, clause, actor)
    if not recipient and trig.type in _RESPONSIVE and earlier:
        recipient = _responsive_recipient(earlier, actor)
    if trig.type in _NEEDS_RECIPIENT and not recipient and len(actor) < 2:
        return f"{trig.type} needs a recipient (or several actors) and none was found"
    if trig.type == "CONSULT" and len(actor) + len(recipient) < 2:
        return "a meeting needs two parties and only one was found"
    named = args.anchored
    why_not = not_specific(tokens, hit.start, pos=trig.pos, imperfect=imperfect and trig.type in _MATERIAL, aux=aux,
                           named_party=named, has_date=any(d.value for d in dates), mentions=mentions,
                           etype=trig.type)
    if why_not:
        return why_not
    etype, mode, aux = _plover_rules(trig, aux, actor, speaker)
    if earlier and any(c.split()[0] in _CONDITION_WORDS for c in cue_words):
        # عرض … شريطة أن تتوقف موسكو عن القصف: the condition is a demand on the clause's actor
        etype, mode, aux = "REQUEST", [], [a for a in aux if a != "hypothetical"]
        actor, recipient = list(earlier[-1].actor), [a for a in actor if a not in earlier[-1].actor]
        rule += "; condition set by the event before → REQUEST"
    kept, p = keep(etype, sentence.text, hit.text(tokens, sentence), {
        "tokens": tokens, "start": hit.start, "end": hit.end, "pos": trig.pos, "trigger_id": trig.id,
        "imperfect": imperfect, "aux": aux, "has_actor": bool(args.actor), "has_recipient": bool(recipient),
        "speech": clause[0] > 0, "named": named, "has_date": any(d.value for d in dates)})
    if not kept:
        return f"learned filter: p={p:.2f} below threshold"
    date, date_text, precision, source = _date_for(doc, sentence, hit, dates)
    if date and published and source == "text" and _days_before(date, published) > _HISTORICAL_DAYS:
        aux = sorted(set(aux) | {"historical"})
    quad, scale = _score(etype, mode)
    t0, t1 = tokens[hit.start].start, tokens[hit.end - 1].end
    return Event(
        id=f"{doc.article.id}-{sentence.index}-{n}", doc_id=doc.article.id, event_type=etype, mode=mode,
        context=sorted(contexts | set(trig.context)), aux=aux, actor=actor, recipient=recipient,
        date=date, date_text=date_text, event_text=sentence.text, start=sentence.start, end=sentence.end,
        trigger=hit.text(tokens, sentence), quad_code=quad, event_scale=scale, date_precision=precision,
        date_source=source, rule=f"{trig.id}; {rule}" if rule else trig.id, sentence=sentence.index,
        trigger_start=t0, trigger_end=t1, speaker=speaker if speaker not in actor else None,
        location=_place_for(tokens, hit),
    )


def _plover_rules(trig: Trigger, aux: list[str], actor: Sequence[Entity],
                  speaker: Entity | None) -> tuple[str, list[str], list[str]]:
    """PLOVER's rules: type + auxiliary mode that equals another type becomes that type (§4);
    a state's offer of possible cooperation is AGREE; a state's boycott is no PROTEST."""
    etype, mode, aux = trig.type, list(trig.mode), list(aux)
    codes = {a.code for a in actor}
    if etype in _COOPERATIVE and "hypothetical" in aux and speaker is not None and speaker.code in codes \
            and len(actor) > 1:
        return "AGREE", [], [a for a in aux if a != "hypothetical"]  # "we could cooperate": an offer
    if etype == "PROTEST" and actor and all(a.code and a.sector in _STATE_SECTORS for a in actor):
        # PLOVER: protest needs civilians; a government's boycott cuts relations, its "protest" is a complaint
        return ("SANCTION", ["discontinue"], aux) if "boycott" in mode else ("ACCUSE", ["disapprove"], aux)
    if etype in _COOPERATIVE | {"AGREE"} and "negation" in aux and "future" in aux:
        return "REJECT", ["assist"] if etype in ("COOPERATE", "AID") else [], [a for a in aux if a not in ("negation", "future")]
    if etype in _COOPERATIVE and "future" in aux and "negation" not in aux:
        return "AGREE", [], [a for a in aux if a != "future"]
    if etype == "RETREAT" and "future" in aux and "negation" not in aux:
        return "CONCEDE", [], [a for a in aux if a != "future"]
    return etype, mode, aux


def _score(etype: str, mode: list[str]) -> tuple[int, float | None]:
    quad, score = PLOVER_TYPES[etype]
    for m in mode:
        value = MODES[etype].get(m)
        if value is not None:
            return quad, float(value)
    return quad, score


# ----------------------------------------------------------------------------- helpers


def _avoided(tokens: Sequence[Token], hit: TriggerHit) -> bool:
    """A neighbouring word that cancels the trigger (هجوم + الفريق, أطلق + حملة)."""
    if not hit.trigger.avoid:
        return False
    lo, hi = max(0, hit.start - 3), min(len(tokens), hit.end + 3)
    near = {f for t in tokens[lo:hi] if t.kind == "word" for f in bare_forms(t.key)}
    return bool(near & hit.trigger.avoid)


def _speech_positions(tokens: Sequence[Token], mentions: Sequence[Mention] = ()) -> set[int]:
    """Reporting verbs (قال، أكد …) outside actor mentions."""
    c = cues()
    inside = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    return {i for i, t in enumerate(tokens) if t.kind == "word" and i not in inside
            and any(c.has("speech", (k,)) for k in verb_candidates(t.key))}


def _describes_party(tokens: Sequence[Token], i: int) -> bool:
    """المعارضة التي تدعمها …، قوات معارضة تدعمها …: a clause describing the noun before it."""
    if not i or tokens[i - 1].kind != "word":
        return False
    prev = tokens[i - 1].key
    return prev in arguments.RELATIVES or (tokens[i].key.endswith(("ها", "هم", "ه")) and prev not in _PARTICLES)


_PARTICLES = frozenset({"و", "ف", "ان", "لا", "لم", "لن", "قد", "ما", "كما", "ثم"})


def _is_title(doc: Doc, sentence: Sentence) -> bool:
    title = doc.clean.title if doc.clean else None
    return bool(title) and sentence.paragraph == 0 and sentence.text.strip() in title and len(doc.sentences) > 1


def _subject_after(args: arguments.Args, hit: TriggerHit) -> bool:
    return bool(args.actor) and args.actor[0].tok_start >= hit.end


def _conjoined(token: Token) -> bool:
    """A verb carrying و/ف (وتصر): it shares the subject of the verb before it."""
    return token.key[:1] in ("و", "ف") and len(token.key) > 3


def _responsive_recipient(earlier: Sequence[Event], actor: Sequence[Entity]) -> list[Entity]:
    """The parties of the previous event in the sentence that are not this event's actor."""
    codes = {a.code for a in actor}
    prev = earlier[-1]
    return [e for e in [*prev.actor, *prev.recipient] if e.code and e.code not in codes][:1]


def _complement_recipient(tokens: Sequence[Token], mentions: Sequence[Mention], clause: tuple[int, int],
                          actor: Sequence[Entity]) -> list[Entity]:
    """تشكك موسكو في أن الهدف النهائي لواشنطن …: the first party named in the next clause."""
    end = clause[1]
    if end >= len(tokens) or tokens[end].key not in arguments.COMPLEMENTIZERS:
        return []
    nxt = arguments.clause_bounds(tokens, end + 1, set())
    for m in mentions:
        if nxt[0] <= m.tok_start < nxt[1] and m.role in ("actor", "modifier") and m.entity not in actor \
                and m.entity.code not in {a.code for a in actor}:
            return [m.entity]
    return []


def _speaker(tokens: Sequence[Token], mentions: Sequence[Mention], clause_start: int,
             speech: set[int]) -> Entity | None:
    """In "قال X إن …", X: the actor mention nearest to the speech verb before the clause."""
    verbs = [i for i in speech if i < clause_start]
    if not verbs:
        return None
    v = max(verbs)
    after = [m for m in mentions if v < m.tok_start < clause_start and m.role == "actor"]
    if after:
        return after[0].entity
    before = [m for m in mentions if m.tok_end <= v and m.role == "actor"]
    return before[-1].entity if before else None


_PLACE_CUES = frozenset({"في", "قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب", "وسط", "ريف", "مدينه", "العاصمه",
                         "محافظه", "بلده", "داخل", "الي", "من"})


def _place_for(tokens: Sequence[Token], hit: TriggerHit) -> dict | None:
    """The place named nearest the trigger after في/قرب/… or with ب (في حلب، بجنيف), from the gazetteer."""
    from marsad.analyse.places import lookup

    best: tuple[int, dict] | None = None
    for i, t in enumerate(tokens):
        if t.kind != "word" or not (t.key.startswith("ب") or (i and tokens[i - 1].key in _PLACE_CUES)):
            continue
        for n in (2, 1):
            words = [u for u in tokens[i : i + n] if u.kind == "word"]
            if len(words) < n:
                continue
            found = lookup(" ".join(u.text for u in words))
            if found:
                dist = abs(i - hit.start)
                if best is None or dist < best[0]:
                    place = found[0]
                    best = (dist, {"extracted_place": " ".join(u.text for u in words), "resolved_place": place.name,
                                   "country_code": place.country, "feature": place.kind,
                                   "lat": place.lat, "lon": place.lon})
                break
    return best[1] if best else None


def _date_for(doc: Doc, sentence: Sentence, hit: TriggerHit,
              dates: list[DateMention]) -> tuple[str | None, str | None, str | None, str]:
    """The date words nearest the trigger, else the publication date (flagged by its source)."""
    usable = [d for d in dates if d.value]
    if usable:
        t = sentence.tokens[hit.start].start - sentence.start
        d = min(usable, key=lambda d: abs(d.start - t))
        # "16 يونيو الماضي" read against a page's header date is only as sure as that date
        source = "text-header" if d.relative and doc.published_source == "header" else "text"
        return d.value, d.text, d.precision, source
    if doc.published:
        return doc.published, None, "day", "published" if doc.published_source != "header" else "header"
    return None, None, None, "none"


def _days_before(value: str, published: dt.date) -> int:
    try:
        parts = [int(p) for p in value.split("-")]
        day = dt.date(parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 28)
    except (ValueError, IndexError):
        return 0
    return (published - day).days


def _as_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- contexts


def _context_index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    return _context_table()


def _context_table(_cache: dict = {}) -> dict[str, list[tuple[tuple[str, ...], str]]]:  # noqa: B006
    if not _cache:
        data = load_yaml("events/contexts.yaml")
        for context, words in data.items():
            for w in words:
                k = tuple(phrase_key(str(w)).split())
                if k:
                    _cache.setdefault(k[0], []).append((k, context))
    return _cache


def _sentence_contexts(tokens: Sequence[Token]) -> set[str]:
    table = _context_index()
    words = [t.key for t in tokens if t.kind == "word"]
    found = set()
    for i, w in enumerate(words):
        for c in candidates(w):
            for phrase, context in table.get(c, ()):
                if tuple(words[i + 1 : i + len(phrase)]) == phrase[1:]:
                    found.add(context)
    return found


def _doc_contexts(per_sentence: list[set[str]]) -> set[str]:
    """Contexts that run through the article (cues in three or more sentences)."""
    counts: Counter[str] = Counter()
    for found in per_sentence:
        counts.update(found)
    return {c for c, n in counts.items() if n >= 3}


_VIOLENT = {"ASSAULT", "PROTEST", "THREATEN", "COERCE", "MOBILIZE"}
_ARMED = {"MIL", "COP", "REB", "UAF", "SPY", "PRM"}


def _armed(event: Event) -> bool:
    return any(e.sector in _ARMED or e.code == "IMG" for e in [*event.actor, *event.recipient])


def _is_sport_doc(doc: Doc) -> bool:
    """Three sentences in ten (and at least two) mention sport."""
    words = _sport_words()
    hits = sum(1 for s in doc.sentences if any(c in words for t in s.tokens if t.kind == "word"
                                                for c in candidates(t.key)))
    return hits >= 2 and hits >= 0.3 * len(doc.sentences)


def _is_sport(tokens: Sequence[Token]) -> bool:
    words = {c for t in tokens if t.kind == "word" for c in candidates(t.key)}
    return len(words & _sport_words()) >= 2


def _sport_words(_cache: dict = {}) -> frozenset[str]:  # noqa: B006
    if "w" not in _cache:
        data = load_yaml("events/domains.yaml")
        _cache["w"] = frozenset(phrase_key(w) for w in data["sport"])
    return _cache["w"]
