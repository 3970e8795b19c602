"""Build marsad/data/places.tsv, the gazetteer, from two sources.

1. The world-cities list (``world-cities.csv``: 6,340 cities with Arabic and English
   names, country and population), derived from Wikidata and published under
   CC BY 4.0 by the GitHub repository jamsshhayd/world-cities-translations
   (https://github.com/jamsshhayd/world-cities-translations). Its Arabic labels are
   noisy (some are provinces, football clubs, drugs or viruses linked by mistake),
   so rows are cleaned and filtered:
   * "ولاية قندهار", "محافظة إدلب", ... also get a row for the bare name;
   * labels with Latin letters, or naming a club, university, airport, ... are dropped;
   * labels that do not sound like the English name (a crude consonant-skeleton
     comparison) are dropped, which removes most mislinked labels;
   * labels that are common Arabic words (place_words.yaml ``not_places``, and,
     when ``wordfreq`` is installed, very frequent words) are dropped.
2. Our own entries in ``marsad/data/places_extra.tsv``: every country (with a rough
   centroid), every capital, and the cities and regions Arabic news mentions most,
   with coordinates. Where a key has hand-written entries, world-cities rows with the
   same key are only used to add a population to the entry of the same country.

Rows sharing a key are all kept, ordered capitals first, then countries, then our
own entries, then by population (largest first).

Usage:  python scripts/build_places.py [--cities PATH] [--out PATH]
Needs PyYAML and pycountry (pip install pycountry); wordfreq is optional.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.analyse.normalize import phrase_key  # noqa: E402

DATA = ROOT / "marsad" / "data"
DEFAULT_CITIES = Path("/work/shared/reference/world_cities/world-cities.csv")
KINDS = ("country", "capital", "city", "region")
COLUMNS = ("key", "name_ar", "name", "country", "kind", "lat", "lon", "population", "source")
MIN_SKELETON_SCORE = 0.5  # labels at or below this are taken as mislinked
MAX_ZIPF = 4.3  # wordfreq Zipf frequency above which a one-word label is a common word

# world-cities English country names that pycountry does not resolve by itself.
COUNTRY_OVERRIDES = {
    "Bosnia and Herzevina": "BIH",
    "Palestinian Territory Occupied": "PSE",
    "Man (Isle of)": "IMN",
    "Hong Kong S.A.R.": "HKG",
    "Fiji Islands": "FJI",
    "Turkey": "TUR",
    "Russia": "RUS",
    "Iran": "IRN",
    "Syria": "SYR",
    "Laos": "LAO",
    "Vietnam": "VNM",
    "Taiwan": "TWN",
    "Tanzania": "TZA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Moldova": "MDA",
    "Brunei": "BRN",
    "Czech Republic": "CZE",
    "South Korea": "KOR",
    "North Korea": "PRK",
    "Cape Verde": "CPV",
    "Ivory Coast": "CIV",
    "Swaziland": "SWZ",
    "Eswatini": "SWZ",
}

LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
PARENS = re.compile(r"\s*\([^)]*\)\s*")


@dataclass
class Row:
    key: str
    name_ar: str
    name: str
    country: str
    kind: str
    lat: str
    lon: str
    population: int | None
    source: str

    def cells(self) -> list[str]:
        pop = "" if self.population is None else str(self.population)
        return [self.key, self.name_ar, self.name, self.country, self.kind, self.lat, self.lon, pop, self.source]


# ---------------------------------------------------------------------------
# Transliteration check: consonant skeletons of the Arabic and the English name.

_AR_CLASS = dict(zip("بفتطدضذثظسصشزجكقغخرلمن", "PPTTTTTSSSSSSJKKKKRLMN", strict=True))
# English spellings of one sound, longest first: (spelling, class or placeholder).
_EN_SPELLINGS = (
    "tch=S sch=S ch=S sh=S th=T kh=K gh=K ph=P dh=T zh=J ts=S tz=S ck=K qu=K x=KS ge=Je gi=Ji ce=Se ci=Si cy=Sy"
)
_EN_DIGRAPHS = tuple(tuple(pair.split("=")) for pair in re.findall(r"\S+", _EN_SPELLINGS))
_EN_CLASS = dict(zip("bpvftdszjckqgrlmn", "PPPPTTSSJKKKKRLMN", strict=True))
_EN_ARTICLE = re.compile(r"\b(?:al|el|ad|ar|as|at|az|ash|an|ol)[ -]")


def _ar_skeleton(label_key: str, prefixes: set[str]) -> str:
    words = label_key.split()
    while len(words) > 1 and words[0] in prefixes:
        words = words[1:]
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
    text = "".join(words).replace("تش", "ش")
    return "".join(_AR_CLASS.get(ch, "") for ch in text)


def _en_skeleton(name: str) -> str:
    text = _EN_ARTICLE.sub("", name.lower())
    for a, b in _EN_DIGRAPHS:
        text = text.replace(a, b)
    return "".join(_EN_CLASS.get(ch, ch if ch in "PTSKJ" else "") for ch in text)


def skeleton_score(label_key: str, english: str, prefixes: set[str]) -> float:
    """0..1 similarity of consonant skeletons (ج may stand for j, g or z)."""
    a, e = _ar_skeleton(label_key, prefixes), _en_skeleton(english)
    return max(difflib.SequenceMatcher(None, a.replace("J", j), e.replace("J", j)).ratio() for j in ("S", "K"))


# ---------------------------------------------------------------------------


def load_words(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: [str(w) for w in v] for k, v in data.items()}


def country_codes(names: set[str]) -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for name in sorted(names):
        if name in COUNTRY_OVERRIDES:
            out[name] = COUNTRY_OVERRIDES[name]
            continue
        try:
            out[name] = pycountry.countries.lookup(name).alpha_3
        except LookupError:
            try:
                out[name] = pycountry.countries.search_fuzzy(name)[0].alpha_3
            except LookupError:
                raise SystemExit(
                    f"no ISO code for world-cities country {name!r}: add it to COUNTRY_OVERRIDES"
                ) from None
    return out


def read_extra(path: Path) -> list[Row]:
    rows: list[Row] = []
    header_seen = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells[:6] != ["name_ar", "name", "country", "kind", "lat", "lon"]:
                raise SystemExit(f"{path}:{lineno}: unexpected header {cells}")
            continue
        if len(cells) != 7:
            raise SystemExit(f"{path}:{lineno}: expected 7 tab-separated cells, found {len(cells)}")
        name_ar, name, country, kind, lat, lon, aliases = (c.strip() for c in cells)
        if kind not in KINDS:
            raise SystemExit(f"{path}:{lineno}: kind {kind!r} is not one of {KINDS}")
        if country and not re.fullmatch(r"[A-Z]{3}", country):
            raise SystemExit(f"{path}:{lineno}: country {country!r} is not an ISO alpha-3 code")
        if not country and kind != "region":
            raise SystemExit(f"{path}:{lineno}: only a region may have no country")
        try:
            la, lo = float(lat), float(lon)
        except ValueError:
            raise SystemExit(f"{path}:{lineno}: lat/lon must be numbers") from None
        if not (-90 <= la <= 90 and -180 <= lo <= 180):
            raise SystemExit(f"{path}:{lineno}: lat/lon out of range")
        for ar in [name_ar, *[a for a in aliases.split("|") if a.strip()]]:
            ar = ar.strip()
            rows.append(Row(phrase_key(ar), ar, name, country, kind, f"{la:.2f}", f"{lo:.2f}", None, "marsad"))
    return rows


def clean_label(label: str) -> str:
    label = PARENS.sub(" ", label)
    label = re.split(r"[،,]", label)[0]
    return " ".join(label.replace("_", " ").split())


def common_word_check():
    """A function telling whether a label is a frequent Arabic word, or None."""
    try:
        import wordfreq
    except ImportError:
        print("wordfreq not installed: skipping the common-word filter", file=sys.stderr)
        return None
    return lambda label: " " not in label and wordfreq.zipf_frequency(label, "ar") > MAX_ZIPF


def read_cities(path: Path, words: dict[str, list[str]], ours: set[str], stats: dict[str, int]) -> list[Row]:
    """world-cities rows that pass the filters. Keys in ``ours`` (hand-written entries)
    skip the sound-alike and frequency filters: such rows only lend a population."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    codes = country_codes({r["CountryNameEn"] for r in records})
    strip_words = {phrase_key(w) for w in words["strip_in_build"]}
    all_prefixes = strip_words | {phrase_key(w) for w in words["prefixes"]}
    not_places = {phrase_key(w) for w in words["not_places"]}
    bad_parts = [phrase_key(w) for w in words["not_place_words"]]
    is_common = common_word_check()
    rows: list[Row] = []
    for rec in records:
        label = clean_label(rec["CityNameAr"])
        name = rec["CityNameEn"].strip()
        key = phrase_key(label)
        why = None
        if not label or LATIN_OR_DIGIT.search(label):
            why = "latin"
        elif any(part in key.split() or (" " in part and part in key) for part in bad_parts):
            why = "not a place"
        elif key in not_places:
            why = "common word"
        elif key in ours:
            pass
        elif skeleton_score(key, name, all_prefixes) <= MIN_SKELETON_SCORE:
            why = "mislinked"
        elif is_common is not None and is_common(label):
            why = "frequent word"
        if why:
            stats[why] = stats.get(why, 0) + 1
            continue
        pop = int(rec["Population"]) if rec["Population"].strip() else None
        country = codes[rec["CountryNameEn"]]
        parts = label.split()
        bare = " ".join(parts[1:]) if len(parts) > 1 and phrase_key(parts[0]) in strip_words else ""
        bare_key = phrase_key(bare)
        if not bare or bare_key not in ours:  # else lookup() strips the prefix and finds our entry
            rows.append(Row(key, label, name, country, "city", "", "", pop, "wikidata-cities"))
        if bare:
            frequent = bare_key not in ours and is_common is not None and is_common(bare)
            if bare_key not in not_places and len(bare_key) > 1 and not frequent:
                rows.append(Row(bare_key, bare, name, country, "city", "", "", pop, "wikidata-cities"))
                stats["stripped alias"] = stats.get("stripped alias", 0) + 1
    return rows


def merge(extra: list[Row], cities: list[Row], stats: dict[str, int]) -> list[Row]:
    by_key: dict[str, list[Row]] = {}
    for row in extra:
        same = [r for r in by_key.get(row.key, []) if (r.country, r.kind, r.name) == (row.country, row.kind, row.name)]
        if not same:
            by_key.setdefault(row.key, []).append(row)
    ours = set(by_key)
    for row in cities:
        group = by_key.setdefault(row.key, [])
        if row.key in ours:
            # Hand-written entries define the candidates for this key: take only a population.
            for r in group:
                same_place = r.source == "marsad" and r.country == row.country and r.kind != "country"
                if same_place and row.population and (r.population or 0) < row.population:
                    r.population = row.population
            stats["merged or overridden"] = stats.get("merged or overridden", 0) + 1
            continue
        twin = next((r for r in group if r.country == row.country), None)
        if twin is not None:  # same name twice in one country: keep the larger
            if (row.population or 0) > (twin.population or 0):
                group[group.index(twin)] = row
            stats["duplicate"] = stats.get("duplicate", 0) + 1
            continue
        group.append(row)
    rank = {"capital": 0, "country": 1}
    out: list[Row] = []
    for key in sorted(by_key):
        group = sorted(
            by_key[key],
            key=lambda r: (rank.get(r.kind, 2), r.source != "marsad", -(r.population or 0), r.name),
        )
        out.extend(group)
    return out


def write(rows: list[Row], path: Path, n_extra: int, n_cities: int) -> None:
    header = [
        "# marsad gazetteer. GENERATED by scripts/build_places.py; edit places_extra.tsv instead.",
        "# Sources:",
        "#  * source=wikidata-cities: world-cities list derived from Wikidata, CC BY 4.0,",
        "#    https://github.com/jamsshhayd/world-cities-translations (Arabic/English names,",
        "#    country, population; filtered and cleaned, see the script).",
        "#  * source=marsad: marsad's own entries (places_extra.tsv), coordinates approximate.",
        f"# Rows: {len(rows)} ({n_extra} from places_extra.tsv with aliases, {n_cities} from world-cities",
        "#    before merging). Rows sharing a key are candidates, best first.",
        "# key = phrase_key(name_ar); country = ISO 3166 alpha-3 (empty for multi-country regions);",
        "# kind = country | capital | city | region; lat/lon in degrees, empty when unknown.",
        "\t".join(COLUMNS),
    ]
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(row.cells()) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cities", type=Path, default=DEFAULT_CITIES, help="world-cities.csv")
    ap.add_argument("--extra", type=Path, default=DATA / "places_extra.tsv")
    ap.add_argument("--words", type=Path, default=DATA / "place_words.yaml")
    ap.add_argument("--out", type=Path, default=DATA / "places.tsv")
    args = ap.parse_args(argv)
    words = load_words(args.words)
    stats: dict[str, int] = {}
    extra = read_extra(args.extra)
    cities = read_cities(args.cities, words, {r.key for r in extra}, stats)
    rows = merge(extra, cities, stats)
    write(rows, args.out, len(extra), len(cities))
    keys = len({r.key for r in rows})
    print(f"wrote {args.out}: {len(rows)} rows, {keys} keys ({args.out.stat().st_size:,} bytes)")
    for what, n in sorted(stats.items()):
        print(f"  {what}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
