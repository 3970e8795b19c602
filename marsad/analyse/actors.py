"""Actor resolver: find the actor mentions of a sentence and code them.

1. ``match_phrases``: longest match of knowledge-base phrases over the tokens (the
   first word may carry proclitics: وموسكو، لروسيا، بواشنطن، للأمم);
2. ``compose``: join matches into mentions by Arabic noun-phrase rules —
   title/institution + nisba or country (وزير الخارجية الأميركي، جيش روسيا),
   coordinated nisbas (الطائرات السورية والروسية → two mentions), a title + unknown
   name (رئيس هيئة الأركان المشتركة الأمريكية جوزيف دانفورد), the counterpart of the
   last person (نظيره الروسي), and backing by a relative clause
   (المعارضة التي تدعمها الولايات المتحدة);
3. ``code_person``: a person's role on the article's date (serving → GOV/MIL …,
   out of office → ELI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.analyse.kb import Entry, KnowledgeBase, Person, load_kb
from marsad.analyse.normalize import candidates, key
from marsad.analyse.places import lookup, place_words
from marsad.lexicons import load_yaml
from marsad.types import Entity, Mention, Place, Sentence, Token

__all__ = ["find_mentions", "resolve_doc", "match_phrases", "code_person"]

# kind preference when a phrase has several entries (most specific first)
_KIND_RANK = {"person": 0, "org": 1, "group": 1, "seat": 2, "country": 3, "people": 4, "nisba": 5, "agent": 6}
_MAX_GAP = 2  # words allowed between a title and its nisba (المشتركة، الدائم)


@dataclass(slots=True)
class PhraseMatch:
    start: int  # token indices, end exclusive
    end: int
    entries: list[Entry]
    clitic: str = ""  # proclitics stripped from the first token

    @property
    def kinds(self) -> set[str]:
        return {e.kind for e in self.entries}

    def best(self, kind: str | None = None) -> Entry:
        pool = [e for e in self.entries if kind is None or e.kind == kind] or self.entries
        return min(pool, key=lambda e: _KIND_RANK.get(e.kind, 9))


@dataclass(slots=True)
class _Group:
    """A noun phrase being built: head match, attached country entries, name tokens."""

    head: PhraseMatch
    countries: list[tuple[PhraseMatch, Entry]] = field(default_factory=list)
    person: Entry | None = None
    end: int = 0  # token end of the whole phrase
    name_tokens: list[Token] = field(default_factory=list)
    rule: str = ""
    former: bool = False  # الرئيس السابق: an ex-official (ELI)
    opposition: bool = False  # المتظاهرون المعارضون: protesters of the opposition (OPP)


def _rules() -> dict:
    return load_yaml("actor_rules.yaml", required=("function_words", "counterpart", "relative", "backing",
                                                   "leading", "led_by", "former", "opposition", "opposed",
                                                   "government", "opposable_sectors", "led_sectors", "seat_as_place",
                                                   "place_links", "other_words"))


@lru_cache(maxsize=32)
def _word_set(name: str) -> frozenset[str]:
    """A word list of actor_rules.yaml, folded like token keys."""
    return frozenset(key(w) for w in _rules()[name])


def _function_words() -> frozenset[str]:
    """The folded function words (أن and ان alike)."""
    return _word_set("function_words")


def _is_function_word(t: Token) -> bool:
    """A function word, with or without proclitics (وقد، ولكن)."""
    return t.kind == "word" and bool(set(candidates(t.key)) & _function_words())


def match_phrases(tokens: Sequence[Token], kb: KnowledgeBase) -> list[PhraseMatch]:
    """Longest knowledge-base phrase at each position, left to right, non-overlapping."""
    out: list[PhraseMatch] = []
    i, n = 0, len(tokens)
    while i < n:
        best = _longest_at(tokens, i, kb) if tokens[i].kind == "word" else None
        if best:
            out.append(best)
            i = best.end
        else:
            i += 1
    return out


def _longest_at(tokens: Sequence[Token], i: int, kb: KnowledgeBase) -> PhraseMatch | None:
    best = None
    first = tokens[i].key
    for cand in candidates(first):
        bucket = kb.phrases.get(cand)
        if not bucket:
            continue
        for length in range(min(kb.max_len, len(tokens) - i), 0, -1):
            if best and length <= best.end - best.start:
                break
            words = (cand, *(t.key for t in tokens[i + 1 : i + length]))
            entries = bucket.get(words)
            if entries:
                best = PhraseMatch(i, i + length, list(entries), _clitic(first, cand))
                break
    return best


def _clitic(word: str, stem: str) -> str:
    """The proclitics stripped from ``word`` to get ``stem`` (للامم → الامم: ل)."""
    if word == stem:
        return ""
    if word.endswith(stem):
        return word[: len(word) - len(stem)]
    return ""  # contracted article (للأمم): keep the whole word in the mention


def code_person(person: Person, day: dt.date | None) -> tuple[str, str, str]:
    """(code, sector, office) of ``person`` on ``day``; ELI when out of office."""
    roles = person.roles
    if day is None:  # no article date: the latest office, since nothing says it was over
        current = [r for r in roles if r.end is None]
        role = current[0] if current else max(roles, key=lambda r: r.end or dt.date.max)
        return role.code, role.sector, role.office
    active = [r for r in roles if r.active(day)]
    if active:
        r = active[0]
        return r.code, r.sector, r.office
    nearest = min(roles, key=lambda r: min(abs(((r.start or day) - day).days), abs(((r.end or day) - day).days)))
    return nearest.code, "ELI", f"former {nearest.office}"


def find_mentions(sentence: Sentence, *, day: dt.date | None = None, kb: KnowledgeBase | None = None,
                  doc_codes: set[str] | None = None) -> list[Mention]:
    """Actor mentions of one sentence, coded for an article dated ``day``."""
    kb = kb or load_kb()
    matches = match_phrases(sentence.tokens, kb)
    return compose(sentence, matches, day=day, doc_codes=doc_codes or set())


def resolve_doc(sentences: Sequence[Sentence], *, day: dt.date | None = None,
                kb: KnowledgeBase | None = None) -> list[Mention]:
    """Mentions of every sentence; names left ambiguous are settled by the countries of the article."""
    kb = kb or load_kb()
    per_sentence = [match_phrases(s.tokens, kb) for s in sentences]
    doc_codes = {e.code for ms in per_sentence for m in ms for e in m.entries
                 if e.kind in ("country", "seat", "nisba") and len(m.entries) == 1}
    out: list[Mention] = []
    for sentence, matches in zip(sentences, per_sentence, strict=True):
        out.extend(compose(sentence, matches, day=day, doc_codes=doc_codes))
    return out


# ----------------------------------------------------------------------------- composing


def compose(sentence: Sentence, matches: list[PhraseMatch], *, day: dt.date | None,
            doc_codes: set[str]) -> list[Mention]:
    """Turn phrase matches into coded mentions (see the module docstring)."""
    tokens = sentence.tokens
    out: list[Mention] = []
    j = 0
    while j < len(matches):
        m = matches[j]
        head = m.best()
        if head.kind == "agent":
            group, j = _build_group(tokens, matches, j, day)
            out.extend(_group_mentions(sentence, group, day, out))
            continue
        if head.kind == "nisba" and _is_counterpart(tokens, m):
            out.append(_counterpart(sentence, matches, j, day, out))
            j += 2 if j + 1 < len(matches) and _is_person_after(tokens, m, matches[j + 1]) else 1
            continue
        if head.kind == "nisba" and not head.plural and not _stands_alone(tokens, m):
            out.append(_mention(sentence, m.start, m.end, _entity_of(m, day, doc_codes), "nisba-adjective",
                                clitic=m.clitic, role="modifier"))
            j += 1
            continue
        if head.kind == "seat" and (place := _seat_as_place(tokens, m)):
            # في بغداد، مدينة موسكو: the city where something happens, not its government
            ent = Entity(place.country, "", place.name, "")
            out.append(_mention(sentence, m.start, m.end, ent, f"{head.source} + place {place.name}",
                                clitic=m.clitic, role="place"))
            j += 1
            continue
        out.append(_mention(sentence, m.start, m.end, _entity_of(m, day, doc_codes), head.source,
                            clitic=m.clitic, ambiguous=_alternatives(m, day)))
        j += 1
    _attach_backing(tokens, out)
    return out


def _seat_as_place(tokens: Sequence[Token], m: PhraseMatch) -> Place | None:
    """A capital named as a place: after a word of ``seat_as_place`` (في، مطار), a ب- (ببغداد)
    or a place or compass word of place_words.yaml (مدينة، العاصمة، شمال)."""
    before = tokens[m.start - 1] if m.start else None
    in_place = "ب" in m.clitic or (before is not None and before.kind == "word" and (
        before.key in _word_set("seat_as_place") or before.key in place_words()["prefixes"]
        or before.key in place_words()["directions"]))
    if not in_place:
        return None
    found = lookup(" ".join(t.text for t in tokens[m.start : m.end]))
    return found[0] if found else None


def _is_counterpart(tokens: Sequence[Token], m: PhraseMatch) -> bool:
    """نظيره الروسي: a nisba right after "counterpart" (with any pronoun suffix)."""
    if m.start == 0 or tokens[m.start - 1].kind != "word":
        return False
    prev = tokens[m.start - 1].key
    return any(c.startswith(tuple(_rules()["counterpart"])) for c in candidates(prev))


def _is_person_after(tokens: Sequence[Token], m: PhraseMatch, nxt: PhraseMatch) -> bool:
    return nxt.best().kind == "person" and _gap(tokens, m.end, nxt.start) == 0


def _counterpart(sentence: Sentence, matches: list[PhraseMatch], j: int, day: dt.date | None,
                 earlier: list[Mention]) -> Mention:
    """The counterpart takes the sector of the person it pairs with, the country of its nisba."""
    m = matches[j]
    nisba = m.best()
    sector = next((x.entity.sector for x in reversed(earlier) if x.entity.sector and x.role == "actor"), "GOV")
    start, end, name, wikidata = m.start - 1, m.end, f"counterpart ({nisba.name})", None
    if j + 1 < len(matches) and _is_person_after(sentence.tokens, m, matches[j + 1]):
        person = matches[j + 1].best("person")
        code, person_sector, _ = code_person(person.person, day)
        end, name, wikidata = matches[j + 1].end, person.name, person.wikidata
        sector = person_sector if person_sector != "ELI" else sector
    ent = Entity(nisba.code, sector, name, "", wikidata)
    first = sentence.tokens[start].key
    return _mention(sentence, start, end, ent, f"counterpart + {nisba.source}", clitic=first[0] if first[0] in "وف" else "")


def _stands_alone(tokens: Sequence[Token], m: PhraseMatch) -> bool:
    """A nisba used as a noun: sentence-initial or right after a preposition/verb-less start."""
    if m.start == 0:
        return True
    prev = tokens[m.start - 1]
    return prev.kind != "word" or prev.key in _function_words()


def _build_group(tokens: Sequence[Token], matches: list[PhraseMatch], j: int,
                 day: dt.date | None) -> tuple[_Group, int]:
    """An agent (title, institution, role) with its countries and person name."""
    group = _Group(head=matches[j], end=matches[j].end, rule=matches[j].best().source)
    k = j + 1
    _take_adjectives(tokens, group)
    while k < len(matches):
        nxt = matches[k]
        gap = _gap(tokens, group.end, nxt.start)
        if gap is None or gap > _MAX_GAP:
            break
        kind = nxt.best().kind
        if kind == "agent" and gap == 0 and not group.countries and _construct(tokens, group, nxt):
            group.head = nxt if nxt.best().agent_kind != "title" or group.head.best().agent_kind == "title" else group.head
            group.end = nxt.end
        elif kind in ("nisba", "country", "seat", "org", "group", "people"):
            if not _attaches(tokens, group, nxt):
                break
            group.countries.append((nxt, nxt.best()))
            group.end = nxt.end
            k += 1
            k = _take_coordinated(tokens, matches, k, group)
            _take_adjectives(tokens, group)
            continue
        elif kind == "person" and gap <= 1 and _names_person(tokens, group, nxt):
            group.person = nxt.best("person")
            group.end = nxt.end
            k += 1
            break
        else:
            break
        k += 1
        _take_adjectives(tokens, group)
    if group.person is None and group.head.best().agent_kind in ("title", "role"):
        group.name_tokens = _name_tokens(tokens, group.end, matches[k].start if k < len(matches) else len(tokens))
        if group.name_tokens:
            group.end = tokens.index(group.name_tokens[-1]) + 1
    while k < len(matches) and matches[k].start < group.end:  # taken as an adjective (المعارضين)
        k += 1
    return group, k


def _take_adjectives(tokens: Sequence[Token], group: _Group) -> None:
    """Consume "former" and "opposition" adjectives right after the phrase so far
    (الرئيس السابق، المتظاهرون المعارضون); they change the sector, not the country."""
    head = group.head.best()
    while group.end < len(tokens) and tokens[group.end].kind == "word":
        word = tokens[group.end].key
        if head.agent_kind in ("title", "role") and word in _word_set("former"):
            group.former = True
        elif head.sector in _rules()["opposable_sectors"] and _opposes(tokens, group.end):
            group.opposition = True
        else:
            return
        group.end += 1


def _opposes(tokens: Sequence[Token], i: int) -> bool:
    """المعارضون, or مناهضين للحكومة: the word at ``i`` says "of the opposition"."""
    word = tokens[i].key
    if word in _word_set("opposition"):
        return True
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return word in _word_set("opposed") and nxt is not None and nxt.key in _word_set("government")


def _names_person(tokens: Sequence[Token], group: _Group, nxt: PhraseMatch) -> bool:
    """A title or role followed by a person's name (الرئيس الكيني مواي كيباكي), or an
    institution with a leader's name as its genitive (حكومة السنيورة، قوات حفتر); not a
    group with a preposition between (المحتجون ضد كيباكي: the protesters are not Kibaki)."""
    kind = group.head.best().agent_kind
    if kind == "institution":  # not شركة ماكنزي، جامعة الملك فهد: named after, not led by
        return (nxt.start == group.end and not group.countries and not _definite(tokens[group.end - 1])
                and group.head.best().sector in _rules()["led_sectors"])
    if kind not in ("title", "role"):
        return False
    return not any(_is_function_word(t) for t in tokens[group.end : nxt.start])


def _construct(tokens: Sequence[Token], group: _Group, nxt: PhraseMatch) -> bool:
    """Is ``nxt`` the genitive of the head (قائد الشرطة، مئات المتظاهرين)? Only an
    indefinite head takes one: after a definite head (المتظاهرون الشرطة) or a و
    (المتظاهرين والشرطة) a second agent is a noun phrase of its own."""
    last = tokens[group.end - 1]
    # و starts a new phrase; ب/ك are prepositions (انتحاري بسيارة مفخخة: a bomber with a car)
    if set(nxt.clitic) & {"و", "ب", "ك"} or _definite(last):
        return False
    if not _definite(tokens[nxt.start]):  # فجر انتحاري سيارة مفخخة: an object, not a genitive
        return False
    # a sound plural keeps its nun only outside a construct (متظاهرون شرطيا: two phrases;
    # متظاهرو المليون: one)
    return not (last.key.endswith(("ون", "ين")) and len(last.key) > 4)


def _definite(token: Token) -> bool:
    return token.kind == "word" and any(c.startswith("ال") for c in candidates(token.key))


def _attaches(tokens: Sequence[Token], group: _Group, nxt: PhraseMatch) -> bool:
    """Does a country word belong to the head noun phrase?

    A nisba (or people plural) is an adjective: it and any words before it agree with the
    head in definiteness (وزير الدفاع الروسي، رئيس هيئة الأركان المشتركة الأمريكية). A
    name is a genitive: it follows an indefinite head directly (حكومة سوريا، مقاتلي داعش).
    """
    head_definite = _definite(tokens[group.head.end - 1])
    kind = nxt.best().kind
    if kind in ("nisba", "people"):
        between = [t for t in tokens[group.end : nxt.start] if t.kind == "word"]
        if any(_is_function_word(t) for t in between):  # مدنيين في غارة إسرائيلية: the raid's
            return False
        if between and not head_definite and not group.countries and _definite(between[0]):
            head_definite = True  # حزب الغد المصري: a definite genitive makes the head definite
        return all(_definite(t) == head_definite for t in [*between, tokens[nxt.start]])
    gap = _gap(tokens, group.end, nxt.start)
    return gap == 0 and not nxt.clitic and not group.countries and not head_definite


def _take_coordinated(tokens: Sequence[Token], matches: list[PhraseMatch], k: int, group: _Group) -> int:
    """More nisbas joined by و (السورية والروسية) attach to the same head."""
    while k < len(matches):
        nxt = matches[k]
        gap = _gap(tokens, group.end, nxt.start)
        joined = (gap == 0 and "و" in nxt.clitic) or (gap == 1 and tokens[group.end].key == "و")
        if nxt.best().kind != "nisba" or not joined:
            break
        group.countries.append((nxt, nxt.best()))
        group.end = nxt.end
        k += 1
    return k


def _gap(tokens: Sequence[Token], end: int, start: int) -> int | None:
    """Words between two matches; None when punctuation (other than a comma) separates them."""
    words = 0
    for t in tokens[end:start]:
        if t.kind == "punct":
            if t.text not in "،,“”«»\"":
                return None
            continue
        words += 1
    return words


def _name_tokens(tokens: Sequence[Token], start: int, stop: int) -> list[Token]:
    """Up to three name-like words right after a title (جوزيف دانفورد).

    Names stop at function words, words with the article, punctuation and known
    phrases; a lone word must be rare, and two or three need one rare word among them.
    """
    from marsad.clean.glue import zipf

    rules = _rules()
    out: list[Token] = []
    i = start
    if i < stop and tokens[i].text in "،,":
        i += 1
    while i < stop and len(out) < 3:
        t = tokens[i]
        if t.kind != "word" or t.key.startswith(("ال", "وال")) or _is_function_word(t):
            break
        if t.key.endswith("وا"):  # a plural verb (واحرقوا، قتلوا) ends the phrase, not a name
            break
        if any(t.key.startswith(c) for c in rules["counterpart"]) or _is_place_word(t):
            break
        out.append(t)
        i += 1
    rare = [t for t in out if zipf(t.key) < 4.0]
    if len(out) == 1:
        return out if zipf(out[0].key) < 3.5 else []
    return out if rare else []


def _is_place_word(t: Token) -> bool:
    """منطقة، بشرق: a place or compass word (with proclitics) starts a place, not a name."""
    words = place_words()
    return any(c in words["prefixes"] or c in words["directions"] for c in candidates(t.key))


def _group_mentions(sentence: Sentence, group: _Group, day: dt.date | None, earlier: list[Mention]) -> list[Mention]:
    """One mention per country attached to the head (two for السورية والروسية)."""
    head = group.head.best()
    start = group.head.start
    if group.person is not None:
        code, sector, office = code_person(group.person.person, day)
        name = group.person.name
        if head.agent_kind == "institution":  # حكومة السنيورة: the leader's government
            sector, name = head.sector, f"{head.name} ({group.person.name})"
        elif sector == "ELI" and group.countries and not group.former:
            code, sector = group.countries[0][1].code, head.sector
        ent = Entity(code, _group_sector(group, sector), name, _span_text(sentence, start, group.end),
                     group.person.wikidata)
        return [_mention(sentence, start, group.end, ent, _group_rule(group, f"{head.source} + {group.person.source}"),
                         clitic=group.head.clitic)]
    if not group.countries:
        name = head.name + (f" ({' '.join(t.text for t in group.name_tokens)})" if group.name_tokens else "")
        code, rule = head.code, head.source
        if not code and (place := _place_after(sentence.tokens, group.end)):
            code, rule = place.country, f"{head.source} + place {place.name}"  # المتظاهرون في إسطنبول
        ent = Entity(code, _group_sector(group, head.sector), name, _span_text(sentence, start, group.end))
        return [_mention(sentence, start, group.end, ent, _group_rule(group, rule), clitic=group.head.clitic)]
    out = []
    for _match, country in group.countries:
        sector = head.sector
        if country.kind in ("org", "group", "seat") and country.sector and head.agent_kind == "title":
            sector = country.sector  # المتحدث باسم البيت الأبيض: the spokesman speaks for the White House
        name = f"{head.name} ({country.name})"
        if group.name_tokens:
            name += f": {' '.join(t.text for t in group.name_tokens)}"
        ent = Entity(country.code, _group_sector(group, sector), name, _span_text(sentence, start, group.end), None)
        out.append(_mention(sentence, start, group.end, ent, _group_rule(group, f"{head.source} + {country.source}"),
                            clitic=group.head.clitic))
    return out


def _group_sector(group: _Group, sector: str) -> str:
    return "ELI" if group.former else "OPP" if group.opposition else sector


def _group_rule(group: _Group, rule: str) -> str:
    return rule + (" + former" if group.former else "") + (" + opposition" if group.opposition else "")


_MAX_MODIFIERS = 2  # words between a group and في/من: شرطة النجدة في بغداد، حاكم منطقة بشرق


def _place_after(tokens: Sequence[Token], end: int) -> Place | None:
    """A gazetteer place after a phrase: after "في/من/قرب" (المتظاهرون في إسطنبول) or a
    compass word (مصنع عسكري شمال باكستان، حاكم منطقة بشرق أفغانستان). Its country codes
    the group.

    Up to two definite words or place words may come between (الزوار الشيعة في بغداد):
    they modify the group.
    """
    words = place_words()
    for _ in range(_MAX_MODIFIERS + 1):
        t = tokens[end] if end < len(tokens) else None
        if t is None or t.kind != "word":
            return None
        if t.key in _word_set("place_links"):
            return _place_at(tokens, end + 1)
        if any(c in words["directions"] for c in candidates(t.key)):
            return _place_at(tokens, end)  # the lookup strips the compass word
        if t.key in _function_words() or not (_definite(t) or t.key in words["prefixes"]
                                              or t.key in _word_set("other_words")):
            return None
        end += 1
    return None


def _place_at(tokens: Sequence[Token], i: int) -> Place | None:
    """The longest gazetteer place (up to three words) starting at token ``i``, or a place
    word with a country nisba (في المنطقة القبلية الباكستانية → Pakistan)."""
    for n in (3, 2, 1):
        span = tokens[i : i + n]
        if len(span) == n and all(t.kind == "word" for t in span):
            found = lookup(" ".join(t.text for t in span))
            if found:
                return found[0]
    return _region_of_country(tokens, i)


def _region_of_country(tokens: Sequence[Token], i: int) -> Place | None:
    if i >= len(tokens) or not any(c.removeprefix("ال") in place_words()["prefixes"] for c in candidates(tokens[i].key)):
        return None
    kb = load_kb()
    for j in range(i + 1, min(i + 4, len(tokens))):
        if tokens[j].kind != "word" or not _definite(tokens[j]):
            return None
        m = _longest_at(tokens, j, kb)
        if m is not None and m.best().kind == "nisba":
            return Place(kb.countries.get(m.best().code, m.best().code), "", m.best().code, "country", None, None)
    return None


def _entity_of(m: PhraseMatch, day: dt.date | None, doc_codes: set[str]) -> Entity:
    entry = _pick(m, day, doc_codes)
    text = ""  # filled by _mention
    if entry.kind == "person":
        code, sector, _ = code_person(entry.person, day)
        return Entity(code, sector, entry.name, text, entry.wikidata)
    return Entity(entry.code, entry.sector, entry.name, text, entry.wikidata)


def _pick(m: PhraseMatch, day: dt.date | None, doc_codes: set[str]) -> Entry:
    """The entry a phrase most likely means here: serving people, then the article's countries."""
    if len(m.entries) == 1:
        return m.entries[0]

    def score(e: Entry) -> tuple[int, int, int]:
        serving = e.kind == "person" and day is not None and any(r.active(day) for r in e.person.roles)
        in_doc = (e.person.roles[-1].code if e.person else e.code) in doc_codes
        return (-int(serving), -int(in_doc), _KIND_RANK.get(e.kind, 9))

    return min(m.entries, key=score)


def _alternatives(m: PhraseMatch, day: dt.date | None) -> list[Entity]:
    if len(m.entries) < 2:
        return []
    chosen = _pick(m, day, set())
    return [Entity(e.code, e.sector, e.name, "", e.wikidata) for e in m.entries if e is not chosen]


def _span_text(sentence: Sentence, start: int, end: int, skip: int = 0) -> str:
    toks = sentence.tokens
    return sentence.text[toks[start].start + skip - sentence.start : toks[end - 1].end - sentence.start]


def _clitic_len(sentence: Sentence, tok: int, clitic: str) -> int:
    """Characters to skip at the start of a token so a mention's text has no و/ب/ل."""
    t = sentence.tokens[tok]
    return len(clitic) if clitic and len(t.text) == len(t.key) and len(clitic) < len(t.text) else 0


def _mention(sentence: Sentence, start: int, end: int, entity: Entity, rule: str, *, clitic: str = "",
             ambiguous: list[Entity] | None = None, role: str = "actor") -> Mention:
    """A mention whose text and offsets leave out the first word's proclitics (وموسكو → موسكو)."""
    toks = sentence.tokens
    skip = _clitic_len(sentence, start, clitic)
    text = _span_text(sentence, start, end, skip)
    if entity.text != text:
        entity = Entity(entity.code, entity.sector, entity.name, text, entity.wikidata)
    return Mention(entity, sentence.index, toks[start].start + skip, toks[end - 1].end, start, end, rule,
                   ambiguous=ambiguous or [], role=role)


def _attach_backing(tokens: Sequence[Token], mentions: list[Mention]) -> None:
    """المعارضة التي تدعمها الولايات المتحدة: the opposition is backed by the US (and armed);
    قوات التحالف بقيادة أمريكية: the coalition is led (backed) by the US, which is not the actor."""
    rules = _rules()
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = [t.key for t in tokens[a.tok_end : b.tok_start] if t.kind == "word"]
        backs = len(between) == 2 and between[0] in rules["relative"] and between[1].startswith(tuple(rules["backing"]))
        if not (backs or _leads(between)) or b.role not in ("actor", "modifier"):
            continue
        a.backed_by.append(b.entity)
        b.role = "backer"
        if backs and a.entity.sector == "OPP":
            e = a.entity
            a.entity = Entity(e.code, "REB", e.name, e.text, e.wikidata)


def _leads(between: list[str]) -> bool:
    """التي تقودها الولايات المتحدة / بقيادة أمريكية between a group and its leader."""
    if len(between) == 2 and between[0] in _rules()["relative"]:
        return between[1].startswith(tuple(_rules()["leading"]))
    return len(between) == 1 and between[0] in _word_set("led_by")
