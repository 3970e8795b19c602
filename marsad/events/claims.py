"""Numeric claims: counts and amounts stated in the text, with who stands behind them.

A number in the news is rarely neutral (how many fighters, how many dead, how much
money) and it is only as good as its source, so each claim keeps its hedge (نحو،
أكثر من، ما يصل إلى، بين … و …), the noun it counts as written, and its claimant:

* X in an according-to or estimate phrase of the sentence (بحسب X، وفقا لـX،
  تقديرات X، أرقام X) → attribution ``according-to`` / ``estimate``;
* else the speaker of the quotation the number is in → ``quote``;
* else nobody → ``none``.

Numbers are read from digits (Western and Arabic-Indic, with , ٬ ٫ . separators) and
words (ثلاثة، عشرين، مئات، 45 ألف، 1.5 مليون، ألفين وخمسمئة). Dates, years and
references (21 فبراير، عام 2014، القرار 2254، الـ20، إف-16) are not claims. All the words
live in ``data/numbers.yaml``; month names come from ``dates.yaml``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from marsad.analyse.dates import month_names
from marsad.analyse.normalize import candidates, phrase_key
from marsad.errors import DataFileError
from marsad.events.quotes import (
    AttributionLexicon,
    DocView,
    Phrases,
    Source,
    load_attribution,
    match_phrase,
    source_after,
)
from marsad.lexicons import data_path, load_yaml
from marsad.types import Claim, Doc, Quote, Token

__all__ = ["extract_claims", "load_numbers", "NumberLexicon", "parse_digits"]

log = logging.getLogger(__name__)

NUMBERS_FILE = "numbers.yaml"
QUALIFIERS = ("about", "at-least", "at-most", "up-to")
_WORD_LISTS = ("after_noun", "teens", "year_before", "year_after", "reference_before", "count_nouns", "not_units",
               "day_after", "not_claims")
_NUMBERED = ("values", "teen_heads", "multipliers", "duals", "vague", "vague_heads")
_CLITIC_MIN = 3  # letters left after stripping و/ب/ل from a number word (لست "I am not" is not ل + ست)
_CLITICS = frozenset("وفبل")  # proclitics a number word may carry (وخمسة، بنحو، لعشرات)
_MAX_DIGITS = 13
_CUE_REACH = 30  # tokens between an according-to cue and the numbers it covers
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True, slots=True)
class NumberLexicon:
    """Folded number words and contexts of ``numbers.yaml`` (see its header)."""

    values: dict[str, float]
    teen_heads: dict[str, float]
    multipliers: dict[str, float]
    duals: dict[str, float]
    vague: dict[str, float]
    vague_heads: dict[str, float]
    after_noun: frozenset[str]
    teens: frozenset[str]
    qualifiers: dict[tuple[str, ...], str]
    after: dict[tuple[str, ...], str]
    qualifier_set: Phrases
    after_set: Phrases
    percent_words: Phrases
    percent_signs: frozenset[str]
    between: Phrases
    and_words: frozenset[str]
    from_words: frozenset[str]
    to_words: frozenset[str]
    dashes: frozenset[str]
    year_before: frozenset[str]
    year_after: frozenset[str]
    reference_before: frozenset[str]
    count_nouns: frozenset[str]
    not_units: frozenset[str]
    day_after: frozenset[str]
    not_claims: frozenset[str]
    months: frozenset[str]  # first word of each month name (dates.yaml)
    number_words: frozenset[str]  # every word that is, or may open, a number
    starts: dict[str, bool] = field(default_factory=dict)  # cache: token key → may open a number

    def is_number_word(self, word_key: str) -> bool:
        return any(word_key in t for t in (self.values, self.multipliers, self.duals, self.vague))


def load_numbers(name: str = NUMBERS_FILE) -> NumberLexicon:
    """The number vocabulary, validated (a wrong entry names the file and the key)."""
    return _load_numbers(name)


@lru_cache(maxsize=4)
def _load_numbers(name: str) -> NumberLexicon:
    required = (*_WORD_LISTS, *_NUMBERED, "qualifiers", "after", "percent", "range")
    data = load_yaml(name, required=required)
    path = str(data_path(name))
    numbered = {k: _numbered(data[k], path, k) for k in _NUMBERED}
    words = {k: _words(data[k], path, k) for k in _WORD_LISTS}
    qualifiers = _kinds(data["qualifiers"], path, "qualifiers", QUALIFIERS)
    after = _kinds(data["after"], path, "after", ("about", "at-least", "at-most"))
    percent, rng = _section(data, path, "percent", ("words", "signs")), _section(data, path, "range",
                                                                               ("between", "and", "from", "to", "dash"))
    months = frozenset(name.split()[0] for name in month_names())  # first words (كانون of كانون الثاني)
    return NumberLexicon(
        **numbered, after_noun=words["after_noun"], teens=words["teens"], qualifiers=qualifiers, after=after,
        qualifier_set=Phrases.of(qualifiers), after_set=Phrases.of(after),
        percent_words=_phrases(percent["words"], path, "percent.words"),
        percent_signs=frozenset(str(s) for s in percent["signs"]),
        between=_phrases(rng["between"], path, "range.between"), and_words=_words(rng["and"], path, "range.and"),
        from_words=_words(rng["from"], path, "range.from"), to_words=_words(rng["to"], path, "range.to"),
        dashes=frozenset(str(s) for s in rng["dash"]), year_before=words["year_before"],
        year_after=words["year_after"], reference_before=words["reference_before"],
        count_nouns=words["count_nouns"], not_units=words["not_units"], day_after=words["day_after"],
        not_claims=words["not_claims"], months=months,
        number_words=frozenset(w for table in numbered.values() for w in table))


def _phrases(value: Any, path: str, where: str) -> Phrases:
    return Phrases.of(_tuples(value, path, where))


def _tuples(value: Any, path: str, where: str) -> frozenset[tuple[str, ...]]:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, where, "expected a non-empty list of words or phrases")
    if bad := [v for v in value if not isinstance(v, (str, int)) or not str(v).strip()]:
        raise DataFileError(path, where, f"not a word or phrase: {bad[0]!r}")
    return frozenset(tuple(phrase_key(str(v)).split()) for v in value)


def _words(value: Any, path: str, where: str) -> frozenset[str]:
    return frozenset(" ".join(p) for p in _tuples(value, path, where))


def _numbered(value: Any, path: str, where: str) -> dict[str, float]:
    """{number: [words]} → {folded word: number}; a word may have one value only."""
    if not isinstance(value, dict) or not value:
        raise DataFileError(path, where, "expected a mapping of numbers to lists of words")
    out: dict[str, float] = {}
    for number, words in value.items():
        if not isinstance(number, (int, float)) or isinstance(number, bool) or number <= 0:
            raise DataFileError(path, f"{where}.{number}", "the key must be a positive number")
        for w in _words(words, path, f"{where}.{number}"):
            if w in out and out[w] != number:
                raise DataFileError(path, f"{where}.{number}", f"{w!r} is listed with two values")
            out[w] = float(number)
    return out


def _kinds(value: Any, path: str, where: str, kinds: Sequence[str]) -> dict[tuple[str, ...], str]:
    if not isinstance(value, dict) or not value:
        raise DataFileError(path, where, f"expected a mapping of {', '.join(kinds)} to lists of phrases")
    out = {}
    for kind, phrases in value.items():
        if kind not in kinds:
            raise DataFileError(path, f"{where}.{kind}", f"unknown kind (expected one of {', '.join(kinds)})")
        out.update({p: kind for p in _tuples(phrases, path, f"{where}.{kind}")})
    return out


def _section(data: dict, path: str, where: str, keys: Sequence[str]) -> dict:
    value = data[where]
    if not isinstance(value, dict) or any(k not in value for k in keys):
        raise DataFileError(path, where, f"expected keys {', '.join(keys)}")
    return value


# ----------------------------------------------------------------------------- numbers


def parse_digits(text: str, *, before_multiplier: bool = False) -> float | None:
    """The value of a written number (45,000 / ٤٥٬٠٠٠ / 1.5 / ١٫٥ / 1.500), None for what is
    no count (12/3/2016, over-long strings). A single "." before three digits is a
    thousands separator (1.500 مقاتل) unless a multiplier follows (2.500 مليون)."""
    s = phrase_key(text).replace("٬", "").replace("٫", ".")
    if "/" in s or not s or len(s.replace(",", "").replace(".", "")) > _MAX_DIGITS:
        return None
    if "," in s:
        head, *rest = s.split(",")
        if all(len(p) == 3 for p in rest) and "." not in head:
            s = head + "".join(rest)
        elif len(rest) == 1 and "." not in s:
            s = f"{head}.{rest[0]}"
        else:
            return None
    parts = s.split(".")
    if len(parts) > 2:
        return float("".join(parts)) if all(len(p) == 3 for p in parts[1:]) else None
    if len(parts) == 2 and len(parts[1]) == 3 and not before_multiplier:
        return float("".join(parts))
    try:
        return float(s)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Number:
    start: int  # token indices in the sentence, end exclusive
    end: int
    value: float
    scale: float  # the last multiplier applied (1 when none): "ألفين و500" may add less than it
    vague: bool  # عشرات، مئات، آلاف: at least that many
    year_like: bool  # a bare four-digit 19xx/20xx
    post_noun: bool  # واحد، اثنين: they follow the noun they count
    words_only: bool


def _word(tok: Token, lex: NumberLexicon, table: dict[str, float], *, first: bool) -> tuple[float | None, str]:
    """The table value of a word token, its proclitics (و ب ل) stripped when ``first``."""
    if tok.kind != "word":
        return None, ""
    forms = _number_forms(tok) if first else (tok.key,)
    for f in forms:
        if f in table:
            return table[f], f
    return None, ""


def _number_forms(tok: Token) -> tuple[str, ...]:
    """The token's key and its stems without و ف ب ل (never ك: كميات is not ك + مئات)."""
    k = tok.key
    forms = [f for f in candidates(k, _CLITIC_MIN) if f == k or (k.endswith(f) and set(k[: -len(f)]) <= _CLITICS)]
    if tok.text[:2] in ("وأ", "وإ", "وآ"):
        forms = forms[1:]  # وأحد is و + أحد "one of", not a number word written واحد
    return tuple(forms)


def _group(toks: Sequence[Token], i: int, lex: NumberLexicon, *, first: bool) -> _Number | None:
    """One number group at token i: a value (digits or words) and the multipliers after it."""
    tok = toks[i]
    j, scale, vague, post = i + 1, 1.0, False, False
    nxt_mult = j < len(toks) and _word(toks[j], lex, lex.multipliers, first=False)[0] is not None
    if tok.kind == "number":
        base = parse_digits(tok.text, before_multiplier=nxt_mult)
        if base is None:
            return None
    elif (v := _word(tok, lex, lex.vague, first=first))[0] is not None:
        base, vague, scale = v[0], True, v[0]
    elif (v := _word(tok, lex, lex.values, first=first))[0] is not None:
        base, post = v[0], v[1] in lex.after_noun
        if base < 10 and j < len(toks) and toks[j].key in lex.teens:
            base, j, post = base + 10, j + 1, False
    elif (v := _word(tok, lex, lex.teen_heads, first=first))[0] is not None:
        if not (j < len(toks) and toks[j].key in lex.teens):
            return None
        base, j = v[0] + 10, j + 1
    elif (v := _word(tok, lex, lex.duals, first=first))[0] is not None:
        base, scale = 2 * v[0], v[0]
    elif (v := _word(tok, lex, lex.multipliers, first=first))[0] is not None:
        base, scale = v[0], v[0]
    elif (v := _word(tok, lex, lex.vague_heads, first=first))[0] is not None and nxt_mult:
        base, vague = v[0], True
    else:
        return None
    while j < len(toks):
        m = _multiplier(toks[j], lex, after_vague=vague)
        if m is None:
            break
        base, scale, j, post = base * m, m, j + 1, False
    year_like = tok.kind == "number" and j == i + 1 and bool(_YEAR.fullmatch(tok.key))
    return _Number(i, j, base, scale, vague, year_like, post, tok.kind == "word")


def _multiplier(tok: Token, lex: NumberLexicon, *, after_vague: bool) -> float | None:
    """ألف، مليون after a number; الآلاف، الملايين only after a vague one (مئات الآلاف)."""
    if tok.kind != "word":
        return None
    k = tok.key
    if after_vague and k.startswith("ال"):
        k = k[2:]
    return lex.multipliers.get(k)


def _number_at(toks: Sequence[Token], i: int, lex: NumberLexicon) -> _Number | None:
    """A whole number expression: groups joined by و when each adds less than the one
    before it is worth (ألفين وخمسمئة، مليون و200 ألف، خمسة وعشرين)."""
    num = _group(toks, i, lex, first=True)
    if num is None:
        return None
    total, end, scale = num.value, num.end, num.scale
    while end < len(toks):
        tok = toks[end]
        if tok.kind == "word" and tok.key in lex.and_words and end + 1 < len(toks) and _adjacent(tok, toks[end + 1]):
            nxt = _group(toks, end + 1, lex, first=False)
        elif tok.kind == "word" and tok.key[:1] == "و" and lex.is_number_word(tok.key[1:]):
            stem = Token(tok.text[1:], tok.key[1:], tok.start + 1, tok.end, "word")  # وخمسمئة
            nxt = _group([stem, *toks[end + 1 : end + 4]], 0, lex, first=False)
            nxt = nxt and _Number(end, end + nxt.end, nxt.value, nxt.scale, nxt.vague, False, False, True)
        else:
            break
        if nxt is None or not _adds(total, scale, num, nxt):
            break
        total, end, scale = total + nxt.value, nxt.end, min(scale, nxt.scale)
    return _Number(i, end, total, scale, num.vague, num.year_like and end == num.end, num.post_noun and end == num.end,
                   num.words_only)


def _adds(total: float, scale: float, first: _Number, nxt: _Number) -> bool:
    if scale > 1 and nxt.value < scale and not nxt.vague:
        return True
    return first.words_only and total < 10 and nxt.words_only and nxt.value in (20, 30, 40, 50, 60, 70, 80, 90)


def _adjacent(a: Token, b: Token) -> bool:
    return a.end == b.start


# ----------------------------------------------------------------------------- one claim


@dataclass(slots=True)
class _Reading:
    start: int  # token range of the claim's words
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str


def _is_date_or_reference(toks: Sequence[Token], num: _Number, lex: NumberLexicon) -> bool:
    """21 فبراير، فبراير 2017، عام 2014، 2016م، القرار 2254، الـ20، إف-16، 10:30."""
    i, e = num.start, num.end
    prev = toks[i - 1] if i else None
    prev_keys = candidates(prev.key) if prev is not None and prev.kind == "word" else ()
    nxt = toks[e] if e < len(toks) else None
    if prev is not None and prev.kind in ("word", "latin") and _adjacent(prev, toks[i]) and toks[i].kind == "number" \
            and prev.key not in ("و", "ب", "ل", "ف", "وب", "ول", "بـ", "لـ", "وبـ", "ولـ"):
        return True  # الـ20، G20
    if prev is not None and prev.text in lex.dashes and _adjacent(prev, toks[i]) and i >= 2 and \
            toks[i - 2].kind in ("word", "latin") and _adjacent(toks[i - 2], prev):
        return True  # إف-16، إس-400
    if nxt is not None and nxt.text == ":" and e + 1 < len(toks) and toks[e + 1].kind == "number":
        return True  # 10:30
    if any(k in lex.reference_before or k in lex.months for k in prev_keys):
        return True
    if nxt is not None and nxt.kind == "word" and (_month(nxt, lex) or _day_of(toks, e, lex)) and num.value <= 31:
        return True
    if num.year_like:
        return (any(k in lex.year_before for k in prev_keys) or (nxt is not None and nxt.key in lex.year_after)
                or _after_year(toks, i) or (nxt is not None and _month(nxt, lex)))
    return False


def _idiom(toks: Sequence[Token], num: _Number, lex: NumberLexicon) -> bool:
    """ألف مبروك، ألف ليلة: a fixed phrase that counts nothing."""
    words = [t.key for t in toks[num.start : num.end + 1]]
    return any(" ".join(words[: n + 1]) in lex.not_claims for n in range(1, len(words)))


def _repeated(toks: Sequence[Token], end: int) -> bool:
    """ألف ليلة وليلة، ألف ذكرى وذكرى: "a thousand and one" says "many", it counts nothing."""
    return 0 < end < len(toks) and toks[end].key == "و" + toks[end - 1].key


def _month(tok: Token, lex: NumberLexicon) -> bool:
    return tok.kind == "word" and any(k in lex.months for k in candidates(tok.key))


def _day_of(toks: Sequence[Token], e: int, lex: NumberLexicon) -> bool:
    """21 من الشهر الجاري."""
    j = e + 1 if toks[e].key == "من" else e
    return j < len(toks) and toks[j].key in lex.day_after


def _after_year(toks: Sequence[Token], i: int) -> bool:
    """عامي 2018 و2019: the second year."""
    return i >= 2 and toks[i - 1].key == "و" and bool(_YEAR.fullmatch(toks[i - 2].key))


def _qualifier_before(toks: Sequence[Token], i: int, lex: NumberLexicon) -> tuple[str, int]:
    """The hedge ending right before token i (نحو، أكثر من، ما يصل إلى) and where it starts."""
    keys = [t.key for t in toks[max(0, i - lex.qualifier_set.max_len) : i]]
    for s in range(len(keys)):
        n = lex.qualifier_set.match(keys, s)
        if n == len(keys) - s and all(t.kind == "word" for t in toks[i - n : i]):
            words = tuple(keys[s:])
            kind = next(lex.qualifiers[(f, *words[1:])] for f in candidates(words[0])
                        if (f, *words[1:]) in lex.qualifiers)
            return kind, i - n
    return "exact", i


def _range(toks: Sequence[Token], num: _Number, lex: NumberLexicon) -> tuple[_Number, int] | None:
    """The upper number of بين X و Y، من X إلى Y، X-Y, and where the range's words start."""
    i, e = num.start, num.end
    start, links = _range_opener(toks, i, lex)
    j = e
    if j + 1 < len(toks) and _unit_word(toks[j], lex) and toks[j + 1].key in links:
        j += 1  # بين 1500 مقاتل و2000
    if j >= len(toks):
        return None
    if start is not None and toks[j].key in links:
        high = _number_at(toks, j + 1, lex) if j + 1 < len(toks) else None
    elif j == e and toks[j].text in lex.dashes and j + 1 < len(toks) and toks[j + 1].kind == "number" \
            and _adjacent(toks[e - 1], toks[j]) and _adjacent(toks[j], toks[j + 1]):
        high, start = _number_at(toks, j + 1, lex), i
    else:
        return None
    if high is None or start is None or high.value <= _scaled(num, high):
        return None
    return high, start


def _range_opener(toks: Sequence[Token], i: int, lex: NumberLexicon) -> tuple[int | None, frozenset[str]]:
    """Where بين / ما بين / من opens a range before token i, and the words that link its ends."""
    if i < 1 or toks[i - 1].kind != "word":
        return None, frozenset()
    if i >= 2 and (toks[i - 2].key, toks[i - 1].key) in lex.between:
        return i - 2, lex.and_words
    if any((c,) in lex.between for c in candidates(toks[i - 1].key)):
        return i - 1, lex.and_words
    if toks[i - 1].key in lex.from_words:
        return i - 1, lex.to_words
    return None, frozenset()


def _scaled(low: _Number, high: _Number) -> float:
    """بين 3 و5 آلاف: the lower number takes the upper one's multiplier."""
    if low.scale == 1 and high.scale > 1 and low.value * high.scale <= high.value:
        return low.value * high.scale
    return low.value


def _unit_word(tok: Token, lex: NumberLexicon) -> bool:
    """A word that can be the counted noun: not a particle (وحتى), a number word or a month."""
    return tok.kind == "word" and not any(c in lex.not_units for c in candidates(tok.key)) and \
        not lex.is_number_word(tok.key) and not _month(tok, lex)


def _unit(toks: Sequence[Token], e: int, lex: NumberLexicon) -> tuple[str, int]:
    """The counted noun after the number as written (مقاتل، دولار، %; 500 من المقاتلين), and
    the token after it; ("", e) when none."""
    if e < len(toks) and toks[e].text in lex.percent_signs:
        return "%", e + 1
    keys = [t.key for t in toks]
    if e < len(toks) and (n := match_phrase(keys, e, lex.percent_words, clitics=False)):
        return "%", e + n
    if e >= len(toks):
        return "", e
    tok = toks[e]
    if _unit_word(tok, lex):
        return tok.text, e + 1
    if tok.kind == "word" and tok.key == "من" and e + 1 < len(toks) and toks[e + 1].key.startswith("ال") and \
            _unit_word(toks[e + 1], lex):
        return toks[e + 1].text, e + 2
    return "", e


def _noun_before(toks: Sequence[Token], num: _Number, lex: NumberLexicon) -> str:
    """جنديين اثنين: اثنان follows the noun it counts, a dual."""
    i = num.start
    dual = i and toks[i - 1].key.endswith(("ين", "ان")) and len(toks[i - 1].key) > 4
    return toks[i - 1].text if dual and _unit_word(toks[i - 1], lex) else ""


def _unit_elsewhere(toks: Sequence[Token], num: _Number, lex: NumberLexicon) -> str:
    """ارتفع عدد القتلى إلى 50: the noun after عدد/حصيلة when none follows the number."""
    i = num.start
    for k in range(max(0, i - 6), i - 1):
        if toks[k].kind == "word" and any(c in lex.count_nouns for c in candidates(toks[k].key)) and \
                _unit_word(toks[k + 1], lex):
            return toks[k + 1].text
    return ""


def _after_qualifier(toks: Sequence[Token], e: int, lex: NumberLexicon) -> tuple[str, int]:
    """50 شخصا على الأقل، تقريبا (right after the noun, or after one adjective)."""
    keys = [t.key for t in toks[e : e + lex.after_set.max_len + 1]]
    for j in (0, 1):
        if j < len(keys) and (n := lex.after_set.match(keys, j, clitics=False)):
            if e + j + n < len(toks) and toks[e + j + n].key == "من":
                return "", e  # 5 قارات وأكثر من 31 دولة: the hedge opens the next number
            return lex.after[tuple(keys[j : j + n])], e + j + n
    return "", e


def _nisba_end(toks: Sequence[Token], e: int, lex: NumberLexicon) -> int:
    """مقاتل أجنبي: keep one adjective after the noun in the claim's text."""
    if e < len(toks) and toks[e].key.endswith(("ي", "يه", "يين", "يون")) and len(toks[e].key) > 3 and \
            _unit_word(toks[e], lex) and not _may_start(toks[e], lex):
        return e + 1
    return e


def _read(toks: Sequence[Token], i: int, lex: NumberLexicon) -> tuple[_Reading | None, int]:
    """The claim starting with the number at token i (or None), and where to go on."""
    num = _number_at(toks, i, lex)
    if num is None:
        return None, i + 1
    if _is_date_or_reference(toks, num, lex) or _idiom(toks, num, lex):
        return None, num.end
    qualifier, start = _qualifier_before(toks, i, lex)
    rng = _range(toks, num, lex) if qualifier == "exact" else None
    value: float | None = num.value
    low = high = None
    last = num
    if rng is not None:
        last, start = rng
        if last.year_like and num.year_like:
            return None, last.end
        qualifier, low, high, value = "range", _scaled(num, last), last.value, None
    if num.post_noun and rng is None:
        unit, end = _noun_before(toks, num, lex), last.end
        start = min(start, i - 1)
    else:
        unit, end = _unit(toks, last.end, lex)
        unit = unit or _unit_elsewhere(toks, num, lex)
    if not unit or any(c in lex.year_after for c in candidates(phrase_key(unit))) or _repeated(toks, end):
        return None, last.end
    end = _nisba_end(toks, end, lex)
    after, after_end = _after_qualifier(toks, end, lex)
    if after and qualifier == "exact":
        qualifier, end = after, after_end
    if qualifier == "exact" and num.vague:
        qualifier = "at-least"
    if qualifier == "up-to":
        qualifier = "at-most"
    if qualifier == "at-least":
        low = value
    elif qualifier == "at-most":
        high = value
    return _Reading(start, max(end, last.end), value, low, high, qualifier, unit), max(end, last.end)


# ----------------------------------------------------------------------------- claimants


@dataclass(frozen=True, slots=True)
class _Backer:
    at: int  # global token index of the cue
    source: Source
    attribution: str  # according-to | estimate


def _backers(doc: Doc, view: DocView, lex: AttributionLexicon, sentence: int) -> list[_Backer]:
    """According-to and estimate phrases of a sentence that name their source."""
    out: list[_Backer] = []
    i, end = view.sent_bounds[sentence]
    while i < end:
        if view.tokens[i].kind != "word":
            i += 1
            continue
        if n := match_phrase(view.keys, i, lex.according_to):
            nxt = i + n
            est = nxt < end and any(c in lex.estimate for c in candidates(view.keys[nxt]))
            src = source_after(view, doc.text, lex, nxt + 1 if est else nxt, need_entity=est, named=True)
            if src is not None:
                out.append(_Backer(i, src, "estimate" if est else "according-to"))
            i = nxt + est
            continue
        if any(c in lex.estimate for c in candidates(view.keys[i])):
            src = source_after(view, doc.text, lex, i + 1, need_entity=True)
            if src is not None:
                out.append(_Backer(i, src, "estimate"))
        i += 1
    return out


def _claimant(at: int, backers: Sequence[_Backer], quotes: Sequence[Quote], offset: int) -> tuple[Source | None, str]:
    """The nearest according-to/estimate source of the sentence, else the speaker of the
    innermost quotation holding the number."""
    near = [b for b in backers if abs(b.at - at) <= _CUE_REACH]
    if near:
        best = min(near, key=lambda b: abs(b.at - at))
        return best.source, best.attribution
    inside = [q for q in quotes if q.start <= offset < q.end]
    if inside:
        q = min(inside, key=lambda q: q.end - q.start)
        return Source(q.speaker, q.speaker_text, -1), "quote"
    return None, "none"


# ----------------------------------------------------------------------------- per document


def extract_claims(doc: Doc, quotes: Sequence[Quote] | None = None, lex: NumberLexicon | None = None) -> list[Claim]:
    """Every numeric claim of a processed doc; ``quotes`` (from ``extract_quotes``) give the
    claimants of numbers said by someone and are computed when not given."""
    lex = lex or load_numbers()
    if quotes is None:
        from marsad.events.quotes import extract_quotes

        quotes = extract_quotes(doc)
    if not any(_may_start(t, lex) for s in doc.sentences for t in s.tokens):
        return []
    att = load_attribution()
    view = DocView.of(doc)
    out: list[Claim] = []
    for sentence in doc.sentences:
        base = view.sent_bounds[sentence.index][0]
        toks = sentence.tokens
        backers: list[_Backer] | None = None
        i = 0
        while i < len(toks):
            reading, nxt = _read(toks, i, lex) if _may_start(toks[i], lex) else (None, i + 1)
            if reading is not None:
                backers = _backers(doc, view, att, sentence.index) if backers is None else backers
                out.append(_claim(doc, sentence.index, toks, reading, base, backers, quotes))
            i = max(nxt, i + 1)
    log.debug("%s: %d numeric claim(s), %d attributed", doc.article.id, len(out),
              sum(1 for c in out if c.attribution != "none"))
    return out


def _may_start(tok: Token, lex: NumberLexicon) -> bool:
    """Cheap test before parsing: digits, or a word whose key (or its stem) is a number word."""
    if tok.kind == "number":
        return True
    if tok.kind != "word":
        return False
    found = lex.starts.get(tok.key)
    if found is None:
        found = lex.starts[tok.key] = any(c in lex.number_words for c in _number_forms(tok))
    return found


def _claim(doc: Doc, sentence: int, toks: Sequence[Token], r: _Reading, base: int, backers: Sequence[_Backer],
           quotes: Sequence[Quote]) -> Claim:
    start, end = toks[r.start].start, toks[r.end - 1].end
    src, attribution = _claimant(base + r.start, backers, quotes, start)
    return Claim(doc_id=doc.article.id, sentence=sentence, text=doc.text[start:end], start=start, end=end,
                 value=r.value, low=r.low, high=r.high, qualifier=r.qualifier, unit=r.unit,
                 claimant=src.entity if src else None, claimant_text=src.text if src else "",
                 attribution=attribution)
