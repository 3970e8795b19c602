"""Matching keys for Arabic text.

A *key* is a folded form of a word used only for lookups: diacritics and tatweel
removed, alef/hamza/ya/ta-marbuta variants folded, Arabic-Indic digits made ASCII,
Latin lower-cased. Keys never replace the text shown to users.

``candidates`` lists the keys a token may stand for once proclitics are stripped
(و ف ب ل ك س and the contracted لل = ل + ال), so that وموسكو, لروسيا, بواشنطن and
للأمم match lexicon entries written as موسكو, روسيا, واشنطن and الأمم.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["key", "phrase_key", "candidates", "search_forms", "search_query_key", "verb_candidates", "strip_suffix", "is_arabic_letter", "arabic_share"]

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ۀ": "ه", "ھ": "ه",
        "ک": "ك", "گ": "ك", "ڤ": "ف", "پ": "ب", "چ": "ج",
        "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
        "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
        "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4",
        "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
        "’": "'", "‘": "'", "ـ": "",
    }
)

# Proclitic chains, longest first. "لل" is ل + ال with the alef dropped.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك", "س")
_PROCLITICS = tuple(
    sorted(
        {c + p for c in ("",) + _CONJ for p in ("",) + _PREP if c + p} | {c + "لل" for c in ("",) + _CONJ},
        key=len,
        reverse=True,
    )
)
# Pronoun suffixes (already folded: ة is ه) tried by strip_suffix, longest first.
_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ه", "ك", "ي")

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """Return the matching key of one word (or any short string)."""
    word = unicodedata.normalize("NFKC", word)
    return _DIACRITICS.sub("", word).translate(_FOLD).lower()


def phrase_key(text: str) -> str:
    """Key of a multi-word phrase: word keys joined by single spaces."""
    return " ".join(key(w) for w in text.split())


@lru_cache(maxsize=200_000)
def candidates(word_key: str, min_len: int = 2) -> tuple[str, ...]:
    """Keys a token may stand for with proclitics stripped, the token itself first.

    Each stripped stem is kept only if at least ``min_len`` letters remain. The
    contracted article (للأمم → الامم) is restored so lexicon entries with ال match.
    """
    out = [word_key]
    for prefix in _PROCLITICS:
        if not word_key.startswith(prefix) or len(word_key) - len(prefix) < min_len:
            continue
        rest = word_key[len(prefix):]
        if prefix.endswith("لل"):
            out.append("ال" + rest)
        out.append(rest)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=200_000)
def search_forms(word: str) -> tuple[str, ...]:
    """Keys a word is indexed under for full-text search: its key, the key without
    proclitics, and those without the article (والولايات → والولايات، الولايات، ولايات).

    A query word is looked up by ``search_query_key``, which is always among the forms
    of every spelling of it, so "الولايات" finds والولايات, بالولايات and للولايات.
    """
    forms = list(candidates(key(word), min_len=3))
    forms += [f[2:] for f in forms if f.startswith("ال") and len(f) >= 5]
    return tuple(dict.fromkeys(forms))


def search_query_key(word: str) -> str:
    """The form a query word is searched under (its key, without the article)."""
    k = key(word)
    return k[2:] if k.startswith("ال") and len(k) >= 5 else k


_VERB_PROCLITICS = ("وس", "فس", "ول", "فل", "و", "ف", "س", "ل")


@lru_cache(maxsize=100_000)
def verb_candidates(word_key: str, min_len: int = 2) -> tuple[str, ...]:
    """Like ``candidates`` but with only the proclitics verbs take (و ف س ل): كيري is
    not ك + يري."""
    out = [word_key]
    for prefix in _VERB_PROCLITICS:
        if word_key.startswith(prefix) and len(word_key) - len(prefix) >= min_len:
            rest = word_key[len(prefix):]
            if prefix.endswith(("ل", "س")) and rest[:1] not in "يتنا":
                continue  # ل and س go only before an imperfect (ليغزو، سيزور), never لغزا
            out.append(rest)
    return tuple(dict.fromkeys(out))


def strip_suffix(word_key: str, min_len: int = 2) -> tuple[str, ...]:
    """Forms of a key with one pronoun suffix removed (علاقاتها → علاقات)."""
    return tuple(
        word_key[: -len(s)] for s in _SUFFIXES if word_key.endswith(s) and len(word_key) - len(s) >= min_len
    )


def is_arabic_letter(ch: str) -> bool:
    return bool(_ARABIC_LETTER.match(ch))


def arabic_share(text: str) -> float:
    """Share of Arabic letters among all letters in ``text`` (0.0 when it has none)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC_LETTER.match(ch)) / len(letters)
