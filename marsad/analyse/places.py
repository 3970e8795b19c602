"""The gazetteer: Arabic place names → candidate ``Place`` records.

``data/places.tsv`` (built by ``scripts/build_places.py``) maps a folded key
(``phrase_key`` of the Arabic name) to one or more places, best candidate first:
``عمان`` is both Amman (JOR capital) and Oman (OMN country), ``طرابلس`` is Tripoli in
Libya and in Lebanon. Choosing between candidates is the resolver's job.

``lookup`` also finds names written with a proclitic or a prefix word
("بمدينة الرقة", "محافظة إدلب", "ريف حلب", "شمال سوريا"); the prefix and direction
words live in ``data/place_words.yaml``. The sentence matcher lives elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from marsad.analyse.normalize import candidates, phrase_key
from marsad.errors import DataFileError
from marsad.lexicons import data_path, read_yaml_file
from marsad.types import Place

__all__ = ["load_gazetteer", "lookup", "country_of", "place_words", "KINDS", "COLUMNS"]

KINDS = frozenset({"country", "capital", "city", "region"})
COLUMNS = ("key", "name_ar", "name", "country", "kind", "lat", "lon", "population", "source")
SOURCES = frozenset({"wikidata-cities", "marsad"})
_ISO3 = re.compile(r"[A-Z]{3}")
_WORD_LISTS = ("prefixes", "directions", "not_places", "ambiguous")


def load_gazetteer(path: str | Path | None = None) -> dict[str, list[Place]]:
    """Key → candidate places (best first), read once per file.

    Raises ``DataFileError`` naming the file and line of the first invalid row.
    The returned mapping is shared: do not modify it.
    """
    return _load(str(Path(path) if path is not None else data_path("places.tsv")))


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, list[Place]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise DataFileError(path, "file", f"cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise DataFileError(path, f"byte {err.start}", "not valid UTF-8") from None
    out: dict[str, list[Place]] = {}
    header = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header:
            if tuple(cells) != COLUMNS:
                raise DataFileError(path, f"line {lineno}", f"header must be {' '.join(COLUMNS)} (tab-separated)")
            header = True
            continue
        key, place = _parse_row(cells, path, lineno)
        out.setdefault(key, []).append(place)
    if not header:
        raise DataFileError(path, "file", "no header line: is this a places.tsv file?")
    return out


def _parse_row(cells: list[str], path: str, lineno: int) -> tuple[str, Place]:
    where = f"line {lineno}"
    if len(cells) != len(COLUMNS):
        raise DataFileError(path, where, f"expected {len(COLUMNS)} tab-separated cells, found {len(cells)}")
    key, name_ar, name, country, kind, lat, lon, population, source = cells
    if not name_ar.strip():
        raise DataFileError(path, where, "empty name_ar")
    if key != phrase_key(name_ar):
        raise DataFileError(path, where, f"key {key!r} is not phrase_key({name_ar!r}) = {phrase_key(name_ar)!r}")
    if kind not in KINDS:
        raise DataFileError(path, where, f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    if country and not _ISO3.fullmatch(country):
        raise DataFileError(path, where, f"country {country!r} is not an ISO alpha-3 code")
    if not country and kind != "region":
        raise DataFileError(path, where, f"a {kind} needs a country code (only regions may span countries)")
    if source not in SOURCES:
        raise DataFileError(path, where, f"source {source!r} is not one of {', '.join(sorted(SOURCES))}")
    if population and not population.isdigit():
        raise DataFileError(path, where, f"population {population!r} is not a whole number")
    if bool(lat) != bool(lon):
        raise DataFileError(path, where, "give both lat and lon, or neither")
    la = lo = None
    if lat:
        try:
            la, lo = float(lat), float(lon)
        except ValueError:
            raise DataFileError(path, where, f"lat/lon {lat!r}/{lon!r} are not numbers") from None
        if not (-90 <= la <= 90 and -180 <= lo <= 180):
            raise DataFileError(path, where, f"lat/lon {la}/{lo} out of range")
    return key, Place(name=name, name_ar=name_ar, country=country, kind=kind, lat=la, lon=lo)


def country_of(place: Place) -> str:
    """ISO alpha-3 code of the country the place is in ("" for multi-country regions)."""
    return place.country


def place_words(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Folded word lists from ``place_words.yaml``: prefixes, directions, not_places, ambiguous."""
    return _words(str(Path(path) if path is not None else data_path("place_words.yaml")))


@lru_cache(maxsize=8)
def _words(path: str) -> dict[str, frozenset[str]]:
    data: Any = read_yaml_file(Path(path))
    if not isinstance(data, dict):
        raise DataFileError(path, "top level", "expected a mapping of word lists")
    out: dict[str, frozenset[str]] = {}
    for name in _WORD_LISTS:
        words = data.get(name, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DataFileError(path, name, "expected a list of words")
        out[name] = frozenset(phrase_key(w) for w in words)
    return out


def lookup(phrase: str, path: str | Path | None = None) -> list[Place]:
    """Candidate places for a phrase as written (best first), or [] when unknown.

    Tries the folded phrase itself, then with a proclitic stripped from the first word
    (و ف ب ل ك س لل: "وحلب", "للرقة"); then without one leading prefix or direction
    word ("مدينة الرقة", "بمحافظة إدلب", "ريف حلب", "شمال سوريا"); then without a
    trailing direction adjective ("حلب الشرقية", "ريف حلب الشمالي").
    """
    gazetteer = load_gazetteer(path)
    words = phrase_key(phrase).split()
    if not words:
        return []
    lists = place_words()
    strippable = lists["prefixes"] | lists["directions"]
    shorter = words[:-1] if len(words) > 1 and words[-1] in _DIRECTION_ADJECTIVES else None
    for tail in (words, shorter):
        if not tail:
            continue
        for first in candidates(tail[0]):  # the word itself first, then without proclitics
            found = gazetteer.get(" ".join([first, *tail[1:]]))
            if found:
                return list(found)
        if len(tail) > 1:
            for first in candidates(tail[0]):
                if first in strippable:
                    found = gazetteer.get(" ".join(tail[1:]))
                    if found:
                        return list(found)
    return []


_DIRECTION_ADJECTIVES = frozenset(
    phrase_key(w) for w in ("الشمالي", "الجنوبي", "الشرقي", "الغربي", "الشمالية", "الجنوبية", "الشرقية", "الغربية")
)
