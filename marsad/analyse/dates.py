"""Find and resolve Arabic date expressions.

``find_dates(text, published)`` returns a :class:`~marsad.types.DateMention` for every
date expression in ``text``: explicit dates (``21 فبراير 2017``, ``الخميس 14 تموز/يوليو
2016``, ``14/7/2016``, ``عام 2014``, ``15 رمضان 1439 هـ``) and, when the publication
date is known, relative ones (``أمس``, ``الاثنين الماضي``, ``الشهر المقبل``,
``منذ عامين``, ``16 يونيو الماضي``).

How it works: the text is split at spaces; each distinct chunk is folded with
:func:`marsad.analyse.normalize.key` (keeping a map back to the original offsets) and
looked up once for words that can open a date (numbers, month and weekday names,
relative words ..., also after proclitics), and the result is cached. Only at those
places are a few anchored regular expressions tried; the longest match that resolves
wins. All vocabulary comes from ``marsad/data/dates.yaml``; the patterns are compiled
once per file and cached.

Hijri dates use the tabular (arithmetic) Islamic calendar, which can differ by a day
or two from the calendars observed in each country.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from marsad.analyse.normalize import candidates, key, phrase_key
from marsad.types import DateMention, Precision

__all__ = [
    "DATES_FILE",
    "DateDataError",
    "DateLexicon",
    "find_dates",
    "hijri_to_gregorian",
    "load_lexicon",
    "month_names",
    "resolve_weekday",
]

log = logging.getLogger(__name__)

DATES_FILE = Path(__file__).resolve().parent.parent / "data" / "dates.yaml"

# A resolved value: (value, precision, relative).
Resolved = tuple[str, Precision, bool]


class DateDataError(ValueError):
    """dates.yaml is missing, malformed or has a bad entry."""


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class DateLexicon:
    """The folded vocabulary of dates.yaml (every string is a ``phrase_key``)."""

    months: dict[str, int]
    hijri_months: dict[str, int]
    weekdays: dict[str, int]
    weekday_not_before: frozenset[str]
    weekday_not_after: frozenset[str]
    relative_days: dict[str, int]
    relative_not_before: dict[str, frozenset[str]]
    relative_not_after: dict[str, frozenset[str]]
    times_of_day: frozenset[str]
    day_words: frozenset[str]
    month_words: frozenset[str]
    periods: dict[str, str]
    period_blockers: dict[str, frozenset[str]]
    modifiers: dict[str, str]
    demonstratives: frozenset[str]
    ago: frozenset[str]
    approx: frozenset[str]
    units: dict[str, tuple[str, int | None]]  # word -> (unit, count or None for plural)
    numbers: dict[str, int]
    ordinal_days: dict[str, int]
    year_nouns: frozenset[str]
    year_nouns_plural: frozenset[str]
    year_leads: frozenset[str]
    year_suffixes: frozenset[str]
    hijri_suffixes: frozenset[str]
    corresponding: frozenset[str]


class _Reader:
    """Validating accessors over the parsed YAML that name the file and entry on error."""

    def __init__(self, path: Path, data: Any) -> None:
        self.path = path
        if not isinstance(data, dict):
            self.fail("top level", "expected a mapping")
        self.data = data

    def fail(self, where: str, problem: str) -> None:
        """Raise a DateDataError naming the file, the entry and the problem."""
        raise DateDataError(f"{self.path}: {where}: {problem}")

    def get(self, *path: str, required: bool = True) -> Any:
        """Value at a key path, or None if optional and absent."""
        node: Any = self.data
        for i, part in enumerate(path):
            if not isinstance(node, dict) or part not in node:
                if required:
                    self.fail(".".join(path[: i + 1]), "missing")
                return None
            node = node[part]
        return node

    def words(self, value: Any, where: str) -> list[str]:
        """A list of non-empty strings, folded."""
        if not isinstance(value, list) or not value:
            self.fail(where, "expected a non-empty list of words")
        out = []
        for i, word in enumerate(value):
            if not isinstance(word, str) or not word.strip():
                self.fail(f"{where}[{i}]", f"expected a non-empty string, got {word!r}")
            out.append(phrase_key(word))
        return out

    def word_set(self, *path: str, required: bool = True) -> frozenset[str]:
        """A folded word list at ``path`` as a set."""
        value = self.get(*path, required=required)
        if value is None:
            return frozenset()
        return frozenset(self.words(value, ".".join(path)))

    def numbered(self, value: Any, where: str, low: int, high: int) -> dict[str, int]:
        """A mapping number -> words, inverted to word -> number; clashes are errors."""
        if not isinstance(value, dict) or not value:
            self.fail(where, "expected a mapping of numbers to word lists")
        out: dict[str, int] = {}
        for num, words in value.items():
            if not isinstance(num, int) or isinstance(num, bool) or not low <= num <= high:
                self.fail(f"{where}.{num}", f"expected a number from {low} to {high}")
            for word_i, folded in enumerate(self.words(words, f"{where}.{num}")):
                if out.get(folded, num) != num:
                    self.fail(f"{where}.{num}[{word_i}]", f"{folded!r} is already listed under {out[folded]}")
                out[folded] = num
        return out


def load_lexicon(path: Path | str = DATES_FILE) -> DateLexicon:
    """Read and validate dates.yaml; errors name the file and the entry."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DateDataError(f"{path}: cannot read: {exc}") from exc
    r = _Reader(path, data)

    months = r.numbered(r.get("months", "gregorian"), "months.gregorian", 1, 12)
    hijri = r.numbered(r.get("months", "hijri"), "months.hijri", 1, 12)
    for word in months.keys() & hijri.keys():
        r.fail("months.hijri", f"{word!r} is also a Gregorian month")
    if set(months.values()) != set(range(1, 13)) or set(hijri.values()) != set(range(1, 13)):
        r.fail("months", "every calendar needs all twelve months")
    weekdays = r.numbered(r.get("weekdays"), "weekdays", 0, 6)
    if set(weekdays.values()) != set(range(7)):
        r.fail("weekdays", "all seven days (0-6) are needed")

    rel_days: dict[str, int] = {}
    not_before: dict[str, frozenset[str]] = {}
    not_after: dict[str, frozenset[str]] = {}
    entries = r.get("relative_days")
    if not isinstance(entries, list):
        r.fail("relative_days", "expected a list of {offset, words}")
    for i, entry in enumerate(entries):
        where = f"relative_days[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("offset"), int):
            r.fail(where, "expected a mapping with an integer 'offset' and 'words'")
        unknown = set(entry) - {"offset", "words", "not_before", "not_after"}
        if unknown:
            r.fail(where, f"unknown field(s) {sorted(unknown)}")
        before = (
            frozenset(r.words(entry["not_before"], f"{where}.not_before")) if "not_before" in entry else frozenset()
        )
        after = frozenset(r.words(entry["not_after"], f"{where}.not_after")) if "not_after" in entry else frozenset()
        for word in r.words(entry.get("words"), f"{where}.words"):
            if word in rel_days:
                r.fail(f"{where}.words", f"{word!r} is listed twice")
            rel_days[word] = entry["offset"]
            not_before[word], not_after[word] = before, after

    periods: dict[str, str] = {}
    for unit in ("week", "month", "year"):
        for word in r.words(r.get("periods", unit), f"periods.{unit}"):
            periods[word] = unit
    blockers_raw = r.get("period_blockers", required=False) or {}
    if not isinstance(blockers_raw, dict):
        r.fail("period_blockers", "expected a mapping of period word to word list")
    blockers = {}
    for word, words in blockers_raw.items():
        folded = phrase_key(str(word))
        if folded not in periods:
            r.fail(f"period_blockers.{word}", "not a word listed under periods")
        blockers[folded] = frozenset(r.words(words, f"period_blockers.{word}"))

    modifiers: dict[str, str] = {}
    for direction in ("past", "next", "this"):
        for word in r.words(r.get("modifiers", direction), f"modifiers.{direction}"):
            if modifiers.get(word, direction) != direction:
                r.fail(f"modifiers.{direction}", f"{word!r} is also under {modifiers[word]}")
            modifiers[word] = direction

    units: dict[str, tuple[str, int | None]] = {}
    for unit in ("day", "week", "month", "year"):
        for form, count in (("singular", 1), ("dual", 2), ("plural", None)):
            for word in r.words(r.get("units", unit, form), f"units.{unit}.{form}"):
                if word in units:
                    r.fail(f"units.{unit}.{form}", f"{word!r} is listed twice")
                units[word] = (unit, count)

    lex = DateLexicon(
        months=months,
        hijri_months=hijri,
        weekdays=weekdays,
        weekday_not_before=r.word_set("weekday_blockers", "before", required=False),
        weekday_not_after=r.word_set("weekday_blockers", "after", required=False),
        relative_days=rel_days,
        relative_not_before=not_before,
        relative_not_after=not_after,
        times_of_day=r.word_set("times_of_day"),
        day_words=r.word_set("day_words"),
        month_words=r.word_set("month_words"),
        periods=periods,
        period_blockers=blockers,
        modifiers=modifiers,
        demonstratives=r.word_set("demonstratives"),
        ago=r.word_set("ago"),
        approx=r.word_set("approx", required=False),
        units=units,
        numbers=r.numbered(r.get("numbers"), "numbers", 1, 99),
        ordinal_days=r.numbered(r.get("ordinal_days"), "ordinal_days", 1, 31),
        year_nouns=r.word_set("year_nouns"),
        year_nouns_plural=r.word_set("year_nouns_plural", required=False),
        year_leads=r.word_set("year_leads"),
        year_suffixes=r.word_set("year_suffixes", required=False),
        hijri_suffixes=r.word_set("hijri_suffixes", required=False),
        corresponding=r.word_set("corresponding", required=False),
    )
    log.debug("loaded %s: %d Gregorian and %d Hijri month names", path, len(months), len(hijri))
    return lex


# --------------------------------------------------------------------- calendar maths

# 1 Muharram AH 1 in the astronomical (Thursday) epoch: 15 July 622 Julian = 18 July 622
# Gregorian. Against the Umm al-Qura calendar for AH 1400-1450 this epoch is exact on
# about 58% of days and off by one on nearly all others; the civil (Friday) epoch runs a
# day late more often than not.
_HIJRI_EPOCH = dt.date(622, 7, 18).toordinal()


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Gregorian date of a Hijri date by the tabular (30-year cycle) Islamic calendar."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and year >= 1):
        raise ValueError(f"invalid Hijri date {year}-{month}-{day}")
    days = (
        day
        + -(-59 * (month - 1) // 2)  # ceil(29.5 * (month - 1)): months alternate 30/29 days
        + (year - 1) * 354
        + (3 + 11 * year) // 30  # leap days of the 30-year cycle
    )
    return dt.date.fromordinal(_HIJRI_EPOCH + days - 1)


def resolve_weekday(weekday: int, published: dt.date, direction: str = "last") -> dt.date:
    """The date of ``weekday`` (Monday = 0) seen from ``published``.

    ``last``: most recent on or before published; ``past``: strictly before;
    ``next``: strictly after.
    """
    if direction == "next":
        return published + dt.timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)
    back = (published.weekday() - weekday) % 7
    if direction == "past" and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


_FUTURE_WINDOW = 90  # days after publication an unmarked day-and-month may still lie


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by ``delta`` months."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _year_for_month(month: int, day: int | None, published: dt.date, direction: str | None) -> int:
    """Year of a month (and day) given without one: past, next, this, or unmarked.

    An unmarked date is taken in the latest year that puts it no more than
    ``_FUTURE_WINDOW`` days after publication: news mostly reports the past, but
    announces what is coming soon (on 5 May, "19 May" is this year's; "14 August" last year's).
    """
    # The publication month itself counts only when a day puts the date on the right side.
    same = month == published.month and day is not None
    if direction == "past":
        return published.year if month < published.month or (same and day < published.day) else published.year - 1
    if direction == "next":
        return published.year if month > published.month or (same and day > published.day) else published.year + 1
    if direction == "this":
        return published.year
    limit = published + dt.timedelta(days=_FUTURE_WINDOW)
    for year in (published.year + 1, published.year, published.year - 1):
        when = _safe_date(year, month, day or 1) or _safe_date(year, month, 28)
        if when and when <= limit:
            return year
    return published.year - 1


def _day(value: dt.date) -> str:
    """ISO day."""
    return value.isoformat()


def _month(year: int, month: int) -> str:
    """YYYY-MM."""
    return f"{year:04d}-{month:02d}"


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    """date(year, month, day), or None when it does not exist."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ------------------------------------------------------------------------- folding


class _FoldTable(dict):  # type: ignore[type-arg]
    """str.translate table from code point to its key(); filled lazily."""

    def __init__(self) -> None:
        super().__init__()
        self.odd: set[str] = set()  # characters whose key is not exactly one character
        self.odd_re: re.Pattern[str] | None = None

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = key(ch)
        if len(folded) != 1:
            self.odd.add(ch)
            self.odd_re = None
        self[code] = folded
        return folded

    def odd_pattern(self) -> re.Pattern[str]:
        """A regex matching every character that does not fold to one character."""
        if self.odd_re is None:
            self.odd_re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.odd)) + "]")
        return self.odd_re


_FOLD = _FoldTable()


@dataclass(frozen=True, slots=True)
class _Folded:
    """Folded text and the map from its offsets back to the original text."""

    text: str
    breaks: tuple[int, ...] = ()  # folded offsets where the shift changes
    shifts: tuple[int, ...] = ()  # original - folded from that offset on

    def orig(self, pos: int) -> int:
        """Original offset of folded offset ``pos``."""
        if not self.breaks:
            return pos
        i = bisect.bisect_right(self.breaks, pos) - 1
        return pos + (self.shifts[i] if i >= 0 else 0)


def _fold(text: str) -> _Folded:
    """Fold ``text`` with key(), remembering how offsets move."""
    folded = text.translate(_FOLD)
    if not _FOLD.odd or _FOLD.odd.isdisjoint(text):
        return _Folded(folded)
    breaks, shifts, shift = [], [], 0
    for m in _FOLD.odd_pattern().finditer(text):
        i = m.start()
        size = len(_FOLD[ord(text[i])])
        pos = i - shift
        shift += 1 - size
        breaks.append(pos + size)
        shifts.append(shift)
    return _Folded(folded, tuple(breaks), tuple(shifts))


# ------------------------------------------------------------------------ grammar

_B = r"(?!\w)"  # end of word
_NUM_SEP = r"[/.\-]"


def _word_rx(word: str) -> str:
    """Regex for one folded word or phrase; a leading ال may be the ل of a لل proclitic."""
    parts = word.split(" ")
    first = re.escape(parts[0])
    if parts[0].startswith("ال") and len(parts[0]) > 3:
        first = "(?:ال|(?<=لل))" + re.escape(parts[0][2:])
    return r"\s+".join([first] + [re.escape(p) for p in parts[1:]])


def _alt(words: Iterable[str]) -> str:
    """Non-capturing alternation of words, longest first, ending at a word boundary."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(_word_rx(w) for w in ordered) + ")" + _B


def _norm(matched: str) -> str:
    """A matched phrase with its inner whitespace made single spaces (a lexicon key)."""
    return " ".join(matched.split())


def _get(table: dict[str, Any], matched: str) -> Any:
    """Lexicon value of a matched word; a word matched after لل lacks its ال."""
    word = _norm(matched)
    return table[word] if word in table else table.get("ال" + word)


# A place where a date may start: (folded offset, number of digits or 0, rules to try).
_Start = tuple[int, int, tuple["_Rule", ...]]
_CHUNK_CACHE = 100_000


class _Chunk(NamedTuple):
    """A space-separated piece of text, folded, with its candidate starts and offset steps."""

    text: str
    starts: tuple[_Start, ...]
    steps: tuple[tuple[int, int], ...]  # (folded offset in chunk, change of original - folded)


@dataclass(frozen=True)
class _Rule:
    """An anchored pattern and the function that turns its match into a value."""

    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], dt.date | None], Resolved | None]


class _Grammar:
    """Compiled patterns and trigger words for one lexicon."""

    def __init__(self, lex: DateLexicon) -> None:
        self.lex = lex
        L = lex
        wd = _alt(L.weekdays)
        mon = _alt(L.months)
        hmon = _alt(L.hijri_months)
        mod = _alt(L.modifiers)
        day_word = _alt(L.day_words)
        month_word = _alt(L.month_words)
        year_noun = _alt(L.year_nouns)
        year_periods = _alt(w for w, u in L.periods.items() if u == "year")
        month_periods = _alt(w for w, u in L.periods.items() if u == "month")
        demo = _alt(L.demonstratives)
        y_suffix = rf"(?:\s*{_alt(L.year_suffixes)})?" if L.year_suffixes else ""
        h_suffix = rf"(?:\s*{_alt(L.hijri_suffixes)})?" if L.hijri_suffixes else ""
        corr = rf"(?:{_alt(L.corresponding)}\s+)?" if L.corresponding else ""
        year = rf"(?P<year>[0-9]{{4}})(?![0-9]|[.,][0-9]){y_suffix}"
        # A day: a number (14, 14 من) or an ordinal (التاسع من, أول).
        day = rf"(?:(?P<day>[0-9]{{1,2}})(?![0-9])|(?P<oday>{_alt(L.ordinal_days)}))"
        wd_prefix = rf"(?:(?:{day_word}\s+)?(?P<pwd>{wd})\s*[،,]?\s*{corr})?"
        mon_pair = rf"(?P<mon>{mon})(?:(?:\s*[/\\(\-–]\s*|\s+)(?P<mon2>{mon})(?:\s*\))?)?"
        tail = (
            rf"(?:(?:\s*[،,])?\s+(?:من\s+)?(?:{year_noun}\s+)?{year}"
            rf"|\s+(?:من\s+)?{year_periods}\s+(?P<ymod>{mod})"
            rf"|\s+(?:من\s+)?{demo}\s+{year_periods}(?P<ythis>)"
            rf"|\s+(?P<mod>{mod}))"
        )
        rel_day = _alt(L.relative_days)
        pod = _alt(L.times_of_day)
        periods = _alt(L.periods)
        units = _alt(L.units)
        numbers = _alt(L.numbers)
        approx = rf"(?:{_alt(L.approx)}\s+)?" if L.approx else ""
        c = re.compile
        self.rules: tuple[_Rule, ...] = (
            _Rule(
                "day-month", c(rf"{wd_prefix}{day}(?:\s+من)?\s+(?:{month_word}\s+)?{mon_pair}{tail}?"), self._day_month
            ),
            _Rule("month", c(rf"(?P<mword>{month_word}\s+)?{mon_pair}{tail}?"), self._month_only),
            _Rule(
                "numeric",
                c(
                    rf"{wd_prefix}(?<![0-9/.\-])(?:(?P<d>[0-9]{{1,2}})(?P<s>{_NUM_SEP})(?P<m>[0-9]{{1,2}})(?P=s)(?P<y>[0-9]{{4}})"
                    rf"|(?P<iy>[0-9]{{4}})(?P<s2>{_NUM_SEP})(?P<im>[0-9]{{1,2}})(?P=s2)(?P<id>[0-9]{{1,2}}))"
                    rf"(?![0-9]|[/.\-][0-9])"
                ),
                self._numeric,
            ),
            _Rule(
                "hijri",
                c(
                    rf"{wd_prefix}(?:{day}(?:\s+من)?\s+)?(?:{month_word}\s+)?(?P<hmon>{hmon})\s+(?:من\s+)?"
                    rf"(?:{year_noun}\s+)?(?P<hy>1[3-5][0-9]{{2}})(?![0-9]){h_suffix}"
                ),
                self._hijri,
            ),
            _Rule("day-of-period", c(rf"{day}(?:\s+من)?\s+{month_periods}\s+(?P<mod>{mod})"), self._day_of_period),
            _Rule(
                "relative-day",
                c(
                    rf"(?:(?P<pod>{pod})\s+)?(?P<dw>{day_word}\s+)?(?:(?P<rw>{rel_day})"
                    rf"(?:\s*[،,(]?\s*(?:{day_word}\s+)?(?P<rwd>{wd})(?:\s*\))?)?"
                    rf"|(?P<wd>{wd})(?:\s+(?P<wmod>{mod}))?)"
                ),
                self._relative_day,
            ),
            _Rule("period", c(rf"(?:{demo}\s+(?P<per1>{periods})|(?P<per2>{periods})\s+(?P<mod>{mod}))"), self._period),
            _Rule(
                "ago",
                c(
                    rf"{_alt(L.ago)}\s+{approx}(?:(?P<n>[0-9]{{1,3}})\s+|(?P<nw>{numbers})\s+)?(?P<unit>{units})"
                    rf"(?!\s*[0-9])(?!\s+(?:من{_B}|على{_B}|{wd}|{mon}|{hmon}))"  # منذ يوم الخميس: since
                ),
                self._ago,
            ),
            _Rule("year", c(rf"(?P<noun>{_alt(L.year_nouns | L.year_nouns_plural)})\s+{year}"), self._year_noun),
        )
        self.bare_year = c(year)
        self.and_year = c(rf"\s*و\s*(?:{year_noun}\s+)?{year}")

        # First words each rule can start with ("#" = a number), to try only likely rules.
        def firsts(*groups: Iterable[str]) -> set[str]:
            return {w.split(" ")[0] for group in groups for w in group}

        digit = {"#"}
        wd_first = firsts(L.weekdays, L.day_words)
        starts = {
            "day-month": digit | wd_first | firsts(L.ordinal_days),
            "month": firsts(L.months, L.month_words),
            "numeric": digit | wd_first,
            "hijri": digit | wd_first | firsts(L.month_words, L.hijri_months, L.ordinal_days),
            "day-of-period": digit | firsts(L.ordinal_days),
            "relative-day": wd_first | firsts(L.times_of_day, L.relative_days),
            "period": firsts(L.demonstratives, L.periods),
            "ago": firsts(L.ago),
            "year": firsts(L.year_nouns, L.year_nouns_plural),
        }
        by_first: dict[str, list[_Rule]] = {}
        for rule in self.rules:
            for word in starts[rule.name]:
                by_first.setdefault(word, []).append(rule)
        self.by_first = {word: tuple(rules) for word, rules in by_first.items()}
        # Words that may open a date: each first word, and each ال-word after a لل
        # proclitic (للعام is ل + العام; the date starts at عام) -> (offset, rules).
        self.needles: dict[str, tuple[int, tuple[_Rule, ...]]] = {}
        for word, rules in self.by_first.items():
            if word != "#":
                self.needles[word] = (0, rules)
                if word.startswith("ال") and len(word) > 3:
                    self.needles["لل" + word[2:]] = (2, rules)
        self._chunks: dict[str, _Chunk] = {}
        # Proclitic chains that may precede a trigger word.
        self.prefix_set = frozenset(("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"))
        # A number opens a date only before one of these words (or a / . - separator).
        self.after_number = frozenset(w.split(" ")[0] for w in (*L.months, *L.hijri_months, *L.month_words, *L.periods))

    def chunk(self, raw: str) -> _Chunk:
        """Fold one space-separated chunk and find where dates may start in it (cached)."""
        done = self._chunks.get(raw)
        if done is not None:
            return done
        steps: tuple[tuple[int, int], ...] = ()
        text = raw.translate(_FOLD)
        if not _FOLD.odd.isdisjoint(raw):  # diacritics, tatweel, ligatures: offsets move
            folded = _fold(raw)
            shifts = (0, *folded.shifts)
            steps = tuple((brk, shifts[i + 1] - shifts[i]) for i, brk in enumerate(folded.breaks))
        found: list[_Start] = []
        if text.isalpha():
            self._word_starts(text, 0, found)
        elif text.isdigit():
            found.append((0, len(text), ()))
        else:
            for m in _TOKEN.finditer(text):
                if m.group()[0].isdigit():
                    found.append((m.start(), m.end() - m.start(), ()))
                else:
                    self._word_starts(m.group(), m.start(), found)
        done = _Chunk(text, tuple(found), steps)
        if len(self._chunks) >= _CHUNK_CACHE:
            self._chunks.clear()
        self._chunks[raw] = done
        return done

    def _word_starts(self, word: str, at: int, found: list[_Start]) -> None:
        """Add the start of a trigger word, bare or after a proclitic chain (والخميس, وللعام)."""
        needles = self.needles
        hit = needles.get(word)
        if hit is not None:
            found.append((at + hit[0], 0, hit[1]))
            return
        if word[0] not in self.prefix_set:
            return
        for k in (1, 2):
            if word[:k] in self.prefix_set:
                hit = needles.get(word[k:])
                if hit is not None and len(word) - k >= 2:
                    found.append((at + k + hit[0], 0, hit[1]))
                    return

    def prepare(self, text: str) -> tuple[_Folded, list[_Start]]:
        """Folded ``text`` with its offset map, and the candidate starts, chunk by chunk."""
        get, chunk = self._chunks.get, self.chunk
        infos = [get(raw) or chunk(raw) for raw in text.split(" ")]
        texts = [info.text for info in infos]
        ends = list(accumulate(map(len, texts)))  # chunk i starts at ends[i - 1] + i
        found: list[_Start] = []
        breaks: list[int] = []
        shifts: list[int] = []
        shift = 0
        for i in [i for i, info in enumerate(infos) if info.starts or info.steps]:
            base = (ends[i - 1] if i else 0) + i
            info = infos[i]
            found.extend((base + p, digits, rules) for p, digits, rules in info.starts)
            for brk, step in info.steps:
                shift += step
                breaks.append(base + brk)
                shifts.append(shift)
        return _Folded(" ".join(texts), tuple(breaks), tuple(shifts)), found

    # -- resolvers: (match, published) -> (value, precision, relative) or None

    def _greg_tail(self, m: re.Match[str], month: int, day: int | None, pub: dt.date | None) -> tuple[int, bool] | None:
        """Year of a Gregorian month from the match's tail: number, modifier, or publication date."""
        if m["year"]:
            year = int(m["year"])
            return (year, False) if 1000 <= year <= 2199 else None
        if pub is None:
            return None
        if m["ymod"]:
            step = {"past": -1, "this": 0, "next": 1}[_get(self.lex.modifiers, m["ymod"])]
            return pub.year + step, True
        if m["ythis"] is not None:
            return pub.year, True
        direction = _get(self.lex.modifiers, m["mod"]) if m["mod"] else None
        return _year_for_month(month, day, pub, direction), True

    def _day_of(self, m: re.Match[str]) -> int | None:
        """The day number of a match: digits or an ordinal word; None when there is none."""
        if m["day"]:
            return int(m["day"])
        return _get(self.lex.ordinal_days, m["oday"]) if m["oday"] else None

    def _day_month(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        month = _get(self.lex.months, m["mon"])
        day = self._day_of(m) or 0
        found = self._greg_tail(m, month, day, pub)
        if found is None:
            return None
        when = _safe_date(found[0], month, day)
        return (_day(when), "day", found[1]) if when else None

    def _month_only(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if not (m["year"] or m["mod"] or m["ymod"] or m["ythis"] is not None or m["mword"]):
            return None  # a bare month name: مارس is also a verb, آب a noun
        month = _get(self.lex.months, m["mon"])
        found = self._greg_tail(m, month, None, pub)
        return (_month(found[0], month), "month", found[1]) if found else None

    def _numeric(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if m["y"]:
            when = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        else:
            when = _safe_date(int(m["iy"]), int(m["im"]), int(m["id"]))
        if when is None or not 1000 <= when.year <= 2199:
            return None
        return _day(when), "day", False

    def _hijri(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        month = _get(self.lex.hijri_months, m["hmon"])
        year = int(m["hy"])
        day = self._day_of(m)
        if day is not None:
            if not 1 <= day <= 30:
                return None
            return _day(hijri_to_gregorian(year, month, day)), "day", False
        mid = hijri_to_gregorian(year, month, 15)  # the Gregorian month holding most of it
        return _month(mid.year, mid.month), "month", False

    def _day_of_period(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if pub is None:
            return None
        step = {"past": -1, "this": 0, "next": 1}[_get(self.lex.modifiers, m["mod"])]
        year, month = _add_months(pub.year, pub.month, step)
        when = _safe_date(year, month, self._day_of(m) or 0)
        return (_day(when), "day", True) if when else None

    def _relative_day(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if pub is None:
            return None
        weekdays = self.lex.weekdays
        if m["rw"]:
            base = pub + dt.timedelta(days=_get(self.lex.relative_days, m["rw"]))
            if not m["rwd"]:
                return _day(base), "day", True
            weekday = _get(weekdays, m["rwd"])
            if base.weekday() != weekday:  # the text's weekday wins over the feed's date
                direction = "next" if base > pub else ("past" if base < pub else "last")
                base = resolve_weekday(weekday, pub, direction)
            return _day(base), "day", True
        weekday = _get(weekdays, m["wd"])
        direction = _get(self.lex.modifiers, m["wmod"]) if m["wmod"] else "last"
        return _day(resolve_weekday(weekday, pub, "last" if direction == "this" else direction)), "day", True

    def _period(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if pub is None:
            return None
        unit = _get(self.lex.periods, m["per1"] or m["per2"])
        step = {"past": -1, "this": 0, "next": 1}[_get(self.lex.modifiers, m["mod"])] if m["mod"] else 0
        if unit == "year":
            return f"{pub.year + step:04d}", "year", True
        if unit == "month":
            return _month(*_add_months(pub.year, pub.month, step)), "month", True
        when = pub + dt.timedelta(days=7 * step)  # a week is coded at month precision
        return _month(when.year, when.month), "month", True

    def _ago(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        if pub is None:
            return None
        unit, count = _get(self.lex.units, m["unit"])
        if m["n"]:
            count = int(m["n"])
        elif m["nw"]:
            count = _get(self.lex.numbers, m["nw"])
        if not count:
            return None  # منذ أيام: no number
        if unit == "day":
            return _day(pub - dt.timedelta(days=count)), "day", True
        if unit == "week":
            when = pub - dt.timedelta(days=7 * count)
            return _month(when.year, when.month), "month", True
        if unit == "month":
            return _month(*_add_months(pub.year, pub.month, -count)), "month", True
        return f"{pub.year - count:04d}", "year", True

    def _year_noun(self, m: re.Match[str], pub: dt.date | None) -> Resolved | None:
        year = int(m["year"])
        return (f"{year:04d}", "year", False) if 1900 <= year <= 2100 else None


@lru_cache(maxsize=1)
def month_names() -> frozenset[str]:
    """Every Gregorian and Hijri month name of dates.yaml, folded (``phrase_key``): for the
    stages that must tell a date's words from others (claims, event arguments)."""
    lex = _grammar().lex
    return frozenset((*lex.months, *lex.hijri_months))


@lru_cache(maxsize=4)
def _grammar(path: str = str(DATES_FILE)) -> _Grammar:
    """The compiled grammar for a dates file (built once)."""
    return _Grammar(load_lexicon(path))


# ------------------------------------------------------------------------- matcher

_TOKEN = re.compile(r"[^\W\d_]+|[0-9]+")
_NUMBER_TAIL = re.compile(r"([/.\-][0-9])?\s*(?:من\s+)?([^\W\d_]*)")
_WORD_AFTER = re.compile(r"\s+([^\W\d_]+|[0-9]+)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+|[0-9]+)\s+$")
_NOT_YEAR_AFTER = re.compile(r"\s*(?:الف|مليون|مليار|%|[.,][0-9])")


def _as_date(published: dt.date | str | None) -> dt.date | None:
    """Publication date as a date (accepts datetime and ISO strings)."""
    if published is None or published == "":
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    return dt.date.fromisoformat(str(published)[:10])


def _word_before(folded: str, pos: int) -> str:
    """The word just before offset ``pos`` across spaces, or '' (also when a proclitic is attached)."""
    if pos == 0 or not folded[pos - 1].isspace():
        return ""
    m = _WORD_BEFORE.search(folded, max(0, pos - 40), pos)
    return m.group(1) if m else ""


def _word_after(folded: str, end: int) -> str:
    """The word right after offset ``end`` across spaces, or ''."""
    m = _WORD_AFTER.match(folded, end)
    return m.group(1) if m else ""


def _in(word: str, words: Iterable[str]) -> bool:
    """Whether ``word``, with or without proclitics, is one of ``words``."""
    return bool(word) and any(c in words for c in candidates(word))


class _Matcher:
    """One pass of the grammar over one folded text."""

    def __init__(self, grammar: _Grammar, folded: str, published: dt.date | None, found: list[_Start]) -> None:
        self.g = grammar
        self.text = folded
        self.pub = published
        self.found = found  # (folded offset, digits, rules) from _Grammar.prepare

    def starts(self) -> Iterable[tuple[int, tuple[_Rule, ...]]]:
        """Offsets where a date may start, with the rules to try there, in text order.

        A number is kept only when a month-like word or a date separator follows it
        (or, with four digits, as a possible bare year: no rules).
        """
        text, after_number, digit_rules = self.text, self.g.after_number, self.g.by_first["#"]
        for pos, digits, rules in self.found:
            if not digits:
                yield pos, rules
                continue
            nxt = _NUMBER_TAIL.match(text, pos + digits)
            if nxt and (nxt[1] or nxt[2] in after_number):
                yield pos, digit_rules
            elif digits == 4:
                yield pos, ()

    def blocked(self, rule: str, m: re.Match[str]) -> bool:
        """Whether a neighbouring word shows the match is not a date (الأمين العام السابق)."""
        lex, text = self.g.lex, self.text
        if rule == "relative-day":
            if m["rw"] and not (m["pod"] or m["dw"] or m["rwd"]):
                return _in(_word_before(text, m.start()), _get(lex.relative_not_before, m["rw"]) or ()) or (
                    _word_after(text, m.end()) in (_get(lex.relative_not_after, m["rw"]) or ())
                )
            if m["wd"] and not (m["pod"] or m["dw"] or m["wmod"]):
                return (
                    _in(_word_before(text, m.start()), lex.weekday_not_before)
                    or _word_after(text, m.end()) in lex.weekday_not_after
                )
        elif rule == "period" and m["per2"]:
            stop = _get(lex.period_blockers, m["per2"])
            return bool(stop) and _in(_word_before(text, m.start()), stop)
        return False

    def best_at(self, pos: int, rules: tuple[_Rule, ...]) -> tuple[int, Resolved] | None:
        """Longest resolvable match of ``rules`` at ``pos``: (end, resolved)."""
        found = []
        for rule in rules:
            m = rule.pattern.match(self.text, pos)
            if m and m.end() > pos:
                found.append((m.end(), rule, m))
        found.sort(key=lambda f: -f[0])
        for end, rule, m in found:
            if self.blocked(rule.name, m):
                continue
            value = rule.resolve(m, self.pub)
            if value is not None:
                return end, value
        return None

    def bare_year(self, pos: int) -> tuple[int, Resolved] | None:
        """A four-digit year after a lead word (في 2014, منذ 2011)."""
        if not _in(_word_before(self.text, pos), self.g.lex.year_leads):
            return None
        m = self.g.bare_year.match(self.text, pos)
        if not m or not 1900 <= int(m["year"]) <= 2100 or _NOT_YEAR_AFTER.match(self.text, m.end()):
            return None
        return m.end(), (m["year"], "year", False)

    def run(self) -> list[tuple[int, int, Resolved]]:
        """All (start, end, resolved) in folded offsets, left to right, no overlaps."""
        out: list[tuple[int, int, Resolved]] = []
        done = 0  # folded offset before which everything is consumed
        digit_rules = self.g.by_first["#"]
        for pos, rules in self.starts():
            if pos < done:
                continue
            hit = self.best_at(pos, rules) if rules else None
            if hit is None and (rules is digit_rules or not rules):
                hit = self.bare_year(pos)
            if hit is None:
                continue
            end, value = hit
            out.append((pos, end, value))
            done = end
            if value[1] == "year" and not value[2]:
                done = self.second_year(out)
        return out

    def second_year(self, out: list[tuple[int, int, Resolved]]) -> int:
        """After عامي 2018 (or في 2018) add the 2019 of و2019; return the new consumed offset."""
        end = out[-1][1]
        m = self.g.and_year.match(self.text, end)
        if m and 1900 <= int(m["year"]) <= 2100 and not _NOT_YEAR_AFTER.match(self.text, m.end()):
            out.append((m.start("year"), m.end(), (m["year"], "year", False)))
            return m.end()
        return end


def find_dates(
    text: str, published: dt.date | str | None = None, *, path: Path | str = DATES_FILE
) -> list[DateMention]:
    """Every date expression in ``text``, resolved; relative ones only when ``published`` is known."""
    if not text:
        return []
    grammar = _grammar(str(path))
    folded, found = grammar.prepare(text)
    matcher = _Matcher(grammar, folded.text, _as_date(published), found)
    mentions = []
    for start, end, (value, precision, relative) in matcher.run():
        o_start, o_end = folded.orig(start), folded.orig(end)
        mentions.append(DateMention(o_start, o_end, text[o_start:o_end], value, precision, relative))
    return mentions
