"""Who did it and to whom: actor and recipient of a trigger, by Arabic word order.

- verb–subject–object and subject–verb (also كان + subject + verb): the subject is the
  first actor mention right after the verb, else the nearest one before it in its clause;
- coordinated subjects (الولايات المتحدة وروسيا، كيري ونظيره الروسي) are all actors;
- the recipient follows a preposition that marks it (مع، إلى، على، ضد، لـ …) or is the
  direct object after the subject;
- nominal events take their actors from nisba modifiers (اتفاق أميركي روسي) or from
  بين X و Y, and their recipient from a preposition;
- "تعرض لـ … من …" and passives swap the roles: the subject is the one attacked;
- in reported speech (قال X إن …) the clause after إن/أن is searched first and the
  speaker is the actor when the clause names nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from marsad.analyse.normalize import candidates
from marsad.types import Mention, Token

__all__ = ["Args", "assign", "clause_bounds", "COMPLEMENTIZERS"]

RELATIVES = frozenset({"التي", "الذي", "الذين", "اللتين", "اللذين", "التى"})
COMPLEMENTIZERS = frozenset({"ان", "بان", "لان", "وان", "فان", "اذ"})
_DEFAULT_PREPS = ("مع", "الي", "علي", "ضد", "ل", "لدي", "تجاه", "بحق", "نحو")  # folded keys (إلى → الي)
_BETWEEN = "بين"
_ALL_PREPS = (*_DEFAULT_PREPS, "من", "في", "عن", "بين")
_SUFFER = ("تعرض", "يتعرض", "تتعرض", "تعرضت", "تعرضوا", "يتعرضون")
_CLAUSE_PUNCT = frozenset(":؛;“”«»\"")
_VICTIM_SECTORS = frozenset({"CVL", "REF", "JRN", "EDU", "MED", "REL", "LAB", "AGR", "BUS"})


@dataclass(slots=True)
class Args:
    actor: list[Mention] = field(default_factory=list)
    recipient: list[Mention] = field(default_factory=list)
    rule: str = ""
    anchored: bool = False  # a nominal trigger with a party named on it (nisba, بين, مع, تعرض لـ)


def _opens_clause(tokens: Sequence[Token], j: int) -> bool:
    """إن/أن opening a reported or complement clause (not يمكن أن, يجب أن)."""
    t = tokens[j]
    if t.text in _CLAUSE_PUNCT:
        return True
    if t.kind != "word" or t.key not in COMPLEMENTIZERS:
        return False
    prev = next((tokens[k].key for k in range(j - 1, -1, -1) if tokens[k].kind == "word"), "")
    return prev not in _modals()


def _modals() -> frozenset[str]:
    return anchor_words("modal_before_an")


def clause_bounds(tokens: Sequence[Token], i: int, speech_at: set[int]) -> tuple[int, int]:
    """Token range of the clause holding token i: cut at quotes, colons and at إن/أن."""
    start = 0
    for j in range(i - 1, -1, -1):
        if _opens_clause(tokens, j):
            start = j + 1
            break
    end = len(tokens)
    for j in range(i + 1, len(tokens)):
        if _opens_clause(tokens, j) or j in speech_at:
            end = j
            break
    return start, end


def _prep_before(tokens: Sequence[Token], m: Mention) -> str:
    """The preposition governing a mention: a separate word before it or its clitic (لروسيا)."""
    first = tokens[m.tok_start]
    if first.kind == "word" and first.key[:1] in ("ل", "ب") and first.text != m.entity.text[: len(first.text)]:
        return first.key[0]
    j = m.tok_start - 1
    while j >= 0 and tokens[j].text in "،,":
        j -= 1
    for back in (j, j - 1):  # the word before, or the one before an apposition (إلى منافستها روسيا)
        if back >= 0 and tokens[back].kind == "word":
            prep = next((c for c in candidates(tokens[back].key) if c in _ALL_PREPS), "")
            if prep and (back == j or tokens[j].key.endswith(("ها", "ه", "هم"))):
                return prep
    return tokens[j].key if j >= 0 else ""


def _coordinated(tokens: Sequence[Token], mentions: Sequence[Mention], first: Mention, end: int) -> list[Mention]:
    """The mention and those joined to it by و (a clitic or a separate word)."""
    group = [first] + [m for m in mentions if m is not first and (m.tok_start, m.tok_end) == (first.tok_start, first.tok_end)]
    rest = [m for m in mentions if m.tok_start >= first.tok_end and m.tok_end <= end]
    for m in rest:
        last = group[-1]
        between = [t for t in tokens[last.tok_end : m.tok_start] if t.text not in "،,"]
        joined = (not between and tokens[m.tok_start].key.startswith("و")) or (
            len(between) == 1 and between[0].key == "و")
        if not joined:
            break
        group.append(m)
    return group


def assign(tokens: Sequence[Token], mentions: Sequence[Mention], t_start: int, t_end: int, *,
           pos: str, clause: tuple[int, int], preps: Sequence[str], passive: bool,
           matched: set[int] | None = None) -> Args:
    """Actor and recipient mentions for a trigger at tokens [t_start, t_end)."""
    c_start, c_end = clause[0], max(clause[1], t_end)  # a phrase trigger's own words (its gap) are in its clause
    matched = matched if matched is not None else set(range(t_start, t_end))
    local = [m for m in mentions if m.role != "backer" and c_start <= m.tok_start and m.tok_end <= c_end
             and not matched & set(range(m.tok_start, m.tok_end))]  # not one of the trigger's own words
    gap_objects = [m for m in local if t_start < m.tok_start < t_end]
    if gap_objects and pos == "vphrase":
        t_end = t_start + 1  # أطلقت السلطات سراح …: the subject stands inside the phrase
    elif gap_objects:  # إضافة تنظيم داعش خراسان لقائمة العقوبات: the object stands inside the phrase
        local = [m for m in local if m not in gap_objects]
        args = assign(tokens, local, t_start, t_end, pos="noun", clause=clause, preps=preps, passive=passive,
                      matched=matched)
        args.recipient, args.anchored = gap_objects[:1], True
        return args
    if pos not in ("verb", "vphrase"):
        nominal = _nominal(tokens, local, t_start, t_end, preps)
        if nominal.actor:
            return nominal
    else:
        nominal = Args()
    if _suffered(tokens, t_start):
        return _suffer_args(tokens, local, t_start, t_end)
    actors = [m for m in local if m.role == "actor" and m not in nominal.recipient]
    subject, rule = _subject(tokens, actors, t_start, t_end, noun=pos not in ("verb", "vphrase"))
    args = Args(rule=rule)
    if subject:
        args.actor = _coordinated(tokens, actors, subject, c_end)
    after = max([t_end] + [m.tok_end for m in args.actor if m.tok_start >= t_end])
    args.recipient = nominal.recipient or _recipient(tokens, actors, after, c_end, preps, exclude=args.actor)
    if not args.recipient and args.actor and args.actor[-1].tok_end <= t_start:
        # subject … object … trigger (الروس بالتعاون … لإضافة داعش خراسان لقائمة العقوبات)
        between = [m for m in actors if args.actor[-1].tok_end <= m.tok_start and m.tok_end <= t_start]
        args.recipient = between[-1:]
    if nominal.anchored:
        args.anchored, args.rule = True, f"{nominal.rule}; {args.rule}".strip("; ")
    # قتل خمسة مدنيين (في غارة على غزة): the victims, not a target behind a preposition
    if passive and args.actor and all(m.entity.sector in _VICTIM_SECTORS for m in args.actor) \
            and all(_prep_before(tokens, m) for m in args.recipient):
        args.actor, args.recipient, args.rule = [], args.actor, "passive: victims after the verb"
    return args


def _subject(tokens: Sequence[Token], actors: Sequence[Mention], t_start: int, t_end: int,
             *, noun: bool = False) -> tuple[Mention | None, str]:
    """Verb–subject first (the mention right after the verb), else subject–verb (the nearest
    one before that is not governed by a preposition). A verbal noun's doer stands before it."""
    after = [m for m in actors if m.tok_start >= t_end]
    if after and not noun:
        m = after[0]
        gap = [t for t in tokens[t_end : m.tok_start] if t.kind == "word"]
        if len(gap) <= 2 and _prep_before(tokens, m) not in (*_DEFAULT_PREPS, "من", "في", "عن", "ب", "بين"):
            return m, "verb-subject"
    before = [m for m in actors if m.tok_end <= t_start]
    for m in reversed(before):
        if _prep_before(tokens, m) not in (*_DEFAULT_PREPS, "من", "في", "عن", "ب", "بين"):
            first = m
            # walk back over coordination to the first conjunct (الولايات المتحدة وروسيا اتفقتا)
            for prev in reversed([x for x in before if x.tok_end <= m.tok_start]):
                if _coordinated(tokens, before, prev, t_start)[-1] is m or m in _coordinated(tokens, before, prev, t_start):
                    first = prev
            return first, "subject-verb"
    return None, ""


def _recipient(tokens: Sequence[Token], actors: Sequence[Mention], after: int, end: int, preps: Sequence[str],
               *, exclude: Sequence[Mention]) -> list[Mention]:
    wanted = tuple(preps) or _DEFAULT_PREPS
    for m in actors:
        if m.tok_start < after or m.tok_end > end or m in exclude:
            continue
        prep = _prep_before(tokens, m)
        direct = (m.tok_start - after <= 1 or _owned_object(tokens, after, m.tok_start)) \
            and prep not in ("من", "في", "عن", "ب")
        if prep in wanted or direct:
            return _coordinated(tokens, actors, m, end)
        if prep in ("في",):
            continue
    return []


def _owned_object(tokens: Sequence[Token], after: int, start: int) -> bool:
    """Whether the words before a mention are a date and/or an object noun it owns (طلب موسكو)."""
    words = [t for t in tokens[after:start] if t.kind in ("word", "number")]
    heads = anchor_words("object_heads")
    if not words or len(words) > 6 or not set(candidates(words[-1].key)) & heads:
        return False
    return all(t.kind == "number" or t.key in anchor_words("time_words") or t.key in _month_keys()
               for t in words[:-1])


def _is_instrument(tokens: Sequence[Token], m: Mention) -> bool:
    """انفجار عبوة ناسفة: a bomb (UAF) after the event noun is the means, standing for the doer."""
    return m.entity.sector == "UAF" and tokens[m.tok_start].key in anchor_words("instruments")


def anchor_words(name: str, _cache: dict = {}) -> frozenset[str]:  # noqa: B006
    """A folded word list of events/anchors.yaml."""
    if name not in _cache:
        from marsad.analyse.normalize import key
        from marsad.lexicons import load_yaml

        _cache[name] = frozenset(key(w) for w in load_yaml("events/anchors.yaml")[name])
    return _cache[name]


def _month_keys(_cache: dict = {}) -> frozenset[str]:  # noqa: B006
    if "m" not in _cache:
        from marsad.analyse.dates import month_names
        from marsad.analyse.normalize import key

        _cache["m"] = frozenset({key(w) for w in ("يوم", "في", "الماضي", "الجاري", "الحالي", "المقبل")}
                                | {w for name in month_names() for w in name.split()})
    return _cache["m"]


def _nominal(tokens: Sequence[Token], local: Sequence[Mention], t_start: int, t_end: int,
             preps: Sequence[str]) -> Args:
    """Nominal events: اتفاق أميركي روسي، اجتماع بين بوتين وبايدن، زيارة كيري إلى موسكو."""
    after = [m for m in local if m.tok_start >= t_end]
    modifiers = []
    pos = t_end
    for m in after:
        gap = [t for t in tokens[pos : m.tok_start] if t.kind == "word"]
        if m.role == "modifier" and len(gap) <= 2:
            modifiers.append(m)
            pos = m.tok_end
        else:
            break
    if modifiers:
        return Args(actor=modifiers, recipient=_recipient(tokens, [m for m in local if m.role == "actor"], pos,
                                                            len(tokens), preps, exclude=modifiers),
                    rule="noun + nisba", anchored=True)
    for j in range(t_end, min(t_end + 6, len(tokens))):
        if tokens[j].key == _BETWEEN:
            first = next((m for m in after if m.tok_start > j), None)
            if first and first.role == "actor":
                return Args(actor=_coordinated(tokens, after, first, len(tokens)), rule="noun + بين", anchored=True)
    genitive = next((m for m in after if m.role == "actor" and m.tok_start == t_end), None)
    if genitive is not None:
        rest = [m for m in after if m.tok_start > genitive.tok_end and m.role == "actor"]
        to = [m for m in rest if _prep_before(tokens, m) in (tuple(preps) or _DEFAULT_PREPS)]
        if _is_instrument(tokens, genitive):
            return Args(actor=[genitive], recipient=to[:1], rule="noun + instrument", anchored=True)
        if to:  # زيارة كيري إلى موسكو: the genitive does it, the preposition names the other side
            return Args(actor=[genitive], recipient=to[:1], rule="noun + genitive + preposition", anchored=True)
        # دعم الأسد: the genitive of a verbal noun is what it acts on; the doer stands outside
        return Args(recipient=[genitive], rule="noun + genitive object", anchored=True)
    partners = [m for m in after if m.role == "actor" and _prep_before(tokens, m) == "مع"
                and m.tok_start - t_end <= 4]
    if partners:  # اجتماع في باريس مع لافروف: the partner is named, the actor is the clause's subject
        return Args(recipient=_coordinated(tokens, after, partners[0], len(tokens)), rule="noun + مع", anchored=True)
    return Args()


def _suffered(tokens: Sequence[Token], t_start: int) -> bool:
    """تعرضت X لـ…: a form of تعرض up to four words before a trigger that carries ل (or follows إلى)."""
    marked = tokens[t_start].key.startswith("ل") or (t_start and tokens[t_start - 1].key in ("الي", "ل"))
    return marked and any(any(c in _SUFFER for c in candidates(tokens[j].key))
                          for j in range(max(0, t_start - 4), t_start))


def _suffer_args(tokens: Sequence[Token], local: Sequence[Mention], t_start: int, t_end: int) -> Args:
    """X تعرض لهجوم من Y: Y attacked X."""
    victims = [m for m in local if m.tok_end <= t_start and m.role == "actor"][-1:]
    doers = [m for m in local if m.tok_start >= t_end and _prep_before(tokens, m) == "من"][:1]
    if doers:
        doers = _coordinated(tokens, local, doers[0], len(tokens))
    return Args(actor=doers, recipient=victims, rule="تعرض ل… من", anchored=True)
