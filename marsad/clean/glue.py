"""Repair words glued together by lost spaces (الولاياتالمتحدة → الولايات المتحدة).

A unigram segmentation over word frequencies: a rare token is split where the parts
are common words and the split is far more probable than the token itself. The
frequencies are wordfreq's Arabic list (folded with ``normalize.key``), built once and
cached on disk because folding 600k words takes seconds.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
from functools import lru_cache
from pathlib import Path

from marsad.analyse.normalize import candidates, key, strip_suffix

log = logging.getLogger(__name__)

MIN_ZIPF_TABLE = 2.0  # words rarer than this are left out of the table
MIN_PART_ZIPF = 3.3  # each part of a split must be at least this common
COMMON_ZIPF = 3.0  # a token this common is a word, never split
MIN_GAIN = 1.0  # log10 advantage a split of a known (rare) word needs over the word
SPLIT_COST = 1.0  # log10 penalty per inserted space
UNMARKED_ZIPF = 4.2  # both parts at least this common: a split needs no boundary sign
MIN_LEN = 6  # shorter tokens are never split
FLOOR_ZIPF = 1.0  # zipf given to tokens missing from the table

# Parts that are clitics or affixes, never words of their own here.
_BOUND = {
    "و", "ف", "ب", "ل", "ك", "س", "ال", "وال", "بال", "فال", "كال", "لل", "ولل", "فلل", "وب", "ول", "فب", "فل",
    "ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي", "ات", "ون", "ين", "ان", "يه", "ا", "ت", "تم", "وا",
}
# Final-only letters (ة ى) cannot stand inside a word: a split after them is nearly certain.
_FINAL_ONLY = ("ة", "ى")
_NAME_HEADS = {"عبد", "ابو", "ابا", "ابي", "بن", "ابن"}
_ARTICLE_STARTS = ("ال", "وال", "بال", "فال", "لل", "ولل")


def _cache_path() -> Path:
    from importlib.metadata import version

    base = Path(os.environ.get("MARSAD_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "marsad" / f"wordfreq-ar-{version('wordfreq')}-{MIN_ZIPF_TABLE}.pickle"


def _build_table() -> dict[str, float]:
    import wordfreq

    floor = 10 ** (MIN_ZIPF_TABLE - 9)
    table: dict[str, float] = {}
    for word, p in wordfreq.get_frequency_dict("ar", "best").items():
        if p < floor:
            break  # the list is sorted by frequency
        k = key(word)
        table[k] = table.get(k, 0.0) + p
    return {k: round(math.log10(p) + 9, 2) for k, p in table.items()}


@lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Folded word → Zipf frequency (log10 per billion words), from wordfreq."""
    path = _cache_path()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    log.info("building the Arabic word-frequency table (once; cached at %s)", path)
    table = _build_table()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as err:
        log.warning("could not cache the word-frequency table at %s: %s", path, err)
    return table


def _z(word_key: str) -> float:
    return zipf_table().get(word_key, 0.0)


def zipf(word_key: str) -> float:
    return zipf_table().get(word_key, FLOOR_ZIPF)


@lru_cache(maxsize=300_000)
def split_glued(word: str) -> tuple[int, ...]:
    """Offsets inside ``word`` where spaces belong; [] when the word is not glued.

    ``word`` is a single Arabic token as written (diacritics allowed); offsets refer
    to it, so the caller can insert spaces without losing its offset map.
    """
    if len(word) < MIN_LEN:
        return ()
    folded = key(word)
    if len(folded) != len(word):
        return ()  # diacritics or tatweel: keep it simple, such tokens are rarely glued
    table = zipf_table()
    whole = table.get(folded)
    if whole is not None and whole >= COMMON_ZIPF:
        return ()
    if _is_inflected_word(folded, table):
        return ()
    return tuple(_best_segmentation(folded, word, table, known=whole is not None))


def _is_inflected_word(folded: str, table: dict[str, float]) -> bool:
    """True when clitics + a common word explain the token (فيتابع = ف + يتابع)."""
    for stem in candidates(folded, min_len=3):
        if table.get(stem, 0.0) >= COMMON_ZIPF:
            return True
        if any(table.get(s, 0.0) >= COMMON_ZIPF for s in strip_suffix(stem, min_len=3)):
            return True
    return False


def _part_score(part: str, table: dict[str, float]) -> float | None:
    if part in _BOUND or len(part) < 3:
        return None
    z = table.get(part)
    if z is None or z < MIN_PART_ZIPF:
        return None
    return z


def _best_segmentation(folded: str, word: str, table: dict[str, float], *, known: bool) -> list[int]:
    """Viterbi over marked split points: maximise summed part log-frequency.

    A token missing from the frequency table is split whenever common words make it up
    at marked boundaries; a known but rare word only when the split is ``MIN_GAIN``
    more probable than the word.
    """
    n = len(folded)
    best: list[tuple[float, int] | None] = [None] * (n + 1)
    best[0] = (0.0, -1)
    for end in range(3, n + 1):
        for start in range(max(0, end - 20), end - 2):
            if best[start] is None:
                continue
            if start and not _is_marked(word, folded[best[start][1] : start], folded[start:end], start):
                continue
            z = _part_score(folded[start:end], table)
            if z is None:
                continue
            score = best[start][0] + (z - 9) - (SPLIT_COST if start else 0.0)
            if best[end] is None or score > best[end][0]:
                best[end] = (score, start)
    if best[n] is None:
        return []
    cuts, pos = [], n
    while pos > 0:
        start = best[pos][1]
        if start > 0:
            cuts.append(start)
        pos = start
    if not cuts:
        return []
    if not known:
        return sorted(cuts)
    gain = best[n][0] - (table[folded] - 9)
    return sorted(cuts) if gain >= MIN_GAIN else []


def _is_marked(word: str, left: str, right: str, cut: int) -> bool:
    """A plausible word boundary between ``left`` and ``right`` (folded parts).

    The next word starts with an article or with و after a long or vowel-final word, or
    the previous one ends in a letter that only ends words (ة ى). Compound names written
    joined (عبدالله، أبوالفضل) are left alone.
    """
    if any(c in _NAME_HEADS for c in candidates(left)) or (left.startswith("ال") and len(left) <= 3):
        return False
    if word[cut - 1] in _FINAL_ONLY:
        return True
    if min(len(left), len(right)) >= 4 and right[0] not in "وا" and min(_z(left), _z(right)) >= UNMARKED_ZIPF:
        return True  # two very common words (شمال غربي) need no other sign
    if len(right) >= 5 and right.startswith(_ARTICLE_STARTS):
        return True
    return len(right) >= 5 and right[0] == "و" and (len(left) >= 5 or left[-1] in "اهي")
