"""The gazetteer: places.tsv loads, every row is valid, lookups fold and strip prefixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.analyse.normalize import phrase_key
from marsad.analyse.places import COLUMNS, KINDS, country_of, load_gazetteer, lookup, place_words
from marsad.errors import DataFileError
from marsad.lexicons import data_path
from marsad.types import Place


def test_loads_and_is_cached():
    gaz = load_gazetteer()
    assert len(gaz) > 5000
    assert load_gazetteer() is gaz


def test_every_row_valid():
    path = data_path("places.tsv")
    assert path.stat().st_size < 1_500_000
    seen_header = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == len(COLUMNS), line
        if not seen_header:
            assert tuple(cells) == COLUMNS
            seen_header = True
            continue
        key, name_ar, name, country, kind, lat, lon, population, source = cells
        assert key == phrase_key(name_ar) and key, line
        assert name and kind in KINDS, line
        assert len(country) == 3 or (kind == "region" and country == ""), line
        assert source in {"marsad", "wikidata-cities"}, line
        assert bool(lat) == bool(lon), line
        assert not population or population.isdigit(), line
    for places in load_gazetteer().values():
        for p in places:
            assert isinstance(p, Place)
            if p.lat is not None:
                assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


def test_credit_in_header():
    head = data_path("places.tsv").read_text(encoding="utf-8")[:1000]
    assert "CC BY 4.0" in head and "jamsshhayd/world-cities-translations" in head


def test_aleppo():
    (aleppo,) = lookup("حلب")
    assert (aleppo.country, aleppo.kind, aleppo.name) == ("SYR", "city", "Aleppo")
    assert aleppo.lat == pytest.approx(36.2, abs=0.2) and aleppo.lon == pytest.approx(37.16, abs=0.2)
    assert country_of(aleppo) == "SYR"


def test_amman_oman():
    found = lookup("عمان")
    assert [(p.country, p.kind) for p in found] == [("JOR", "capital"), ("OMN", "country")]
    assert lookup("عُمان") == found  # diacritics fold


def test_tripoli_two():
    found = lookup("طرابلس")
    assert [p.country for p in found] == ["LBY", "LBN"]
    assert found[0].kind == "capital"


def test_rafah_both():
    assert {p.country for p in lookup("رفح")} == {"PSE", "EGY"}


@pytest.mark.parametrize(
    ("phrase", "country", "name"),
    [
        ("محافظة إدلب", "SYR", "Idlib"),
        ("مدينة الرقة", "SYR", "Raqqa"),
        ("بمدينة الرقة", "SYR", "Raqqa"),
        ("للرقة", "SYR", "Raqqa"),
        ("ريف حلب", "SYR", "Aleppo"),
        ("ريف حلب الشمالي", "SYR", "Aleppo"),
        ("ولاية قندهار", "AFG", "Kandahar"),
        ("وموسكو", "RUS", "Moscow"),
        ("كوباني", "SYR", "Kobani"),
        ("عين العرب", "SYR", "Kobani"),
        ("نور سلطان", "KAZ", "Astana"),
        ("الأنبار", "IRQ", "Anbar"),
        ("شمال سوريا", "SYR", "Syria"),
        ("جنوب السودان", "SSD", "South Sudan"),
        ("الولايات المتحدة", "USA", "United States"),
    ],
)
def test_resolves(phrase, country, name):
    found = lookup(phrase)
    assert found, phrase
    assert (found[0].country, found[0].name) == (country, name)


def test_regions():
    (mideast,) = lookup("الشرق الأوسط")
    assert mideast.kind == "region" and mideast.country == ""
    assert lookup("شمال القوقاز")[0].country == "RUS"


def test_every_country_has_a_row():
    gaz = load_gazetteer()
    countries = {p.country for ps in gaz.values() for p in ps if p.kind == "country"}
    assert len(countries) >= 195
    capitals = {p.country for ps in gaz.values() for p in ps if p.kind == "capital"}
    assert countries - capitals <= {"ISR", "PSE", "MCO", "VAT", "ESH"}


def test_unknown_and_junk():
    assert lookup("كلمة") == []
    assert lookup("") == []
    assert lookup("مدينة") == []
    # mislinked world-cities labels are filtered out
    for word in ("فاموتيدين", "البلد", "القاعدة", "كان", "سنة"):
        assert lookup(word) == [], word


def test_place_words():
    words = place_words()
    assert phrase_key("محافظة") in words["prefixes"]
    assert phrase_key("الباب") in words["ambiguous"]


def test_bad_file_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "places.tsv"
    bad.write_text(
        "# comment\n" + "\t".join(COLUMNS) + "\n" + "حلب\tحلب\tAleppo\tSYR\tcity\t36.2\t37.16\t\tmarsad\n"
        "xx\tحماة\tHama\tSYR\ttown\t35.1\t36.7\t\tmarsad\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        load_gazetteer(bad)
    assert str(bad) in str(err.value) and "line 4" in str(err.value)


def test_custom_file(tmp_path: Path):
    good = tmp_path / "mine.tsv"
    good.write_text("\t".join(COLUMNS) + "\nحماه\tحماة\tHama\tSYR\tcity\t35.13\t36.75\t\tmarsad\n", encoding="utf-8")
    assert lookup("حماة", path=good)[0].name == "Hama"
