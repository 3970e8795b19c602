"""Attributed quotations and numeric claims (marsad.events.quotes, marsad.events.claims).

The cases in fixtures/quotes_claims.yaml are the authors' own sentences; the seed test
reads ../shared/corpus/seeds in place and skips when it is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from marsad.errors import DataFileError
from marsad.events.claims import extract_claims, load_numbers, parse_digits
from marsad.events.quotes import extract_quotes, load_attribution
from marsad.lexicons import data_path
from marsad.pipeline import STAGES, process
from marsad.types import Article, Claim, Doc, Quote

FIXTURES = Path(__file__).parent / "fixtures"
CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "quotes_claims.yaml").read_text(encoding="utf-8"))
SEED_DATES = {"000_3660b5f6f1aae464": "2017-02-24", "001_f10f2db986368882": "2014-10-15",
              "003_d4c3545b1fdec952": "2016-07-14", "004_50cb21330e8327af": "2016-07-15",
              "002_778c98391e51aa74": "2021-07-01"}


def _doc(case: dict[str, Any]) -> Doc:
    return process(Article(id=case["id"], text=case["text"], published=case.get("published", "2016-07-14")))


def _speaker_ok(entity: Any, expected: str | None) -> bool:
    if expected is None:
        return entity is None
    code, _, sector = expected.partition("/")
    return entity is not None and entity.code == code and (not sector or entity.sector == sector)


def _quote_matches(q: Quote, exp: dict[str, Any]) -> bool:
    return (q.kind == exp["kind"] and exp["contains"] in q.text
            and _speaker_ok(q.speaker, exp.get("speaker"))
            and ("speaker_text" not in exp or q.speaker_text == exp["speaker_text"])
            and ("starts" not in exp or q.text.startswith(exp["starts"])))


def _claim_matches(c: Claim, exp: dict[str, Any]) -> bool:
    return (all(getattr(c, k) == exp[k] for k in ("value", "low", "high") if k in exp)
            and c.qualifier == exp["qualifier"] and c.unit == exp["unit"]
            and _speaker_ok(c.claimant, exp["claimant"]) and c.attribution == exp["attribution"])


def _show(items: list[Any]) -> list[dict[str, Any]]:
    return [i.as_dict() for i in items]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_quotes_fixture(case: dict[str, Any]):
    doc = _doc(case)
    expected = case["quotes"]
    missing = [e for e in expected if not any(_quote_matches(q, e) for q in doc.quotes)]
    assert not missing, (missing, _show(doc.quotes))
    assert len(doc.quotes) == len(expected), _show(doc.quotes)
    for q in doc.quotes:  # offsets point at the words, without marks or complementizer
        assert doc.text[q.start : q.end] == q.text
        assert q.text[:1] not in "«»“”\"" and q.text.split()[0] not in ("إن", "أن", "بأن")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claims_fixture(case: dict[str, Any]):
    doc = _doc(case)
    expected = case["claims"]
    missing = [e for e in expected if not any(_claim_matches(c, e) for c in doc.claims)]
    assert not missing, (missing, _show(doc.claims))
    assert len(doc.claims) == len(expected), _show(doc.claims)
    for c in doc.claims:
        assert doc.text[c.start : c.end] == c.text


def test_fixture_covers_enough_cases():
    assert len(CASES) >= 25
    assert len({c["id"] for c in CASES}) == len(CASES)
    kinds = {q["kind"] for c in CASES for q in c["quotes"]}
    qualifiers = {e["qualifier"] for c in CASES for e in c["claims"]}
    assert kinds == {"direct", "indirect"}
    assert qualifiers == {"exact", "about", "at-least", "at-most", "range"}
    assert sum(1 for c in CASES if not c["claims"] and any(ch.isdigit() for ch in c["text"])) >= 3


def test_pipeline_runs_the_stage_after_events():
    names = [name for name, _ in STAGES]
    assert names.index("quotes") == names.index("events") + 1
    doc = process(Article(id="p", text="قال لافروف إن روسيا أرسلت 300 جندي.", published="2016-07-14"))
    assert doc.quotes and doc.claims and doc.claims[0].claimant is not None
    assert doc.claims[0].claimant.code == "RUS"


def test_claims_computes_quotes_when_not_given():
    doc = process(Article(id="p", text="قال لافروف إن روسيا أرسلت 300 جندي.", published="2016-07-14"),
                  until="events")
    assert not doc.quotes
    claims = extract_claims(doc)
    assert claims[0].attribution == "quote" and claims[0].claimant_text == "لافروف"
    assert extract_quotes(doc)[0].speaker_text == "لافروف"


def test_empty_doc():
    doc = process(Article(id="e", text="لا أرقام هنا ولا أقوال.", published=None))
    assert doc.quotes == [] and doc.claims == []


@pytest.mark.parametrize(("text", "value"), [
    ("45,000", 45000), ("٤٥٬٠٠٠", 45000), ("1.5", 1.5), ("١٫٥", 1.5), ("1.500", 1500), ("2,5", 2.5),
    ("1.000.000", 1000000), ("12/3/2016", None), ("1,2,3", None), ("12345678901234", None),
])
def test_parse_digits(text: str, value: float | None):
    assert parse_digits(text) == value


def test_parse_digits_before_a_multiplier_keeps_the_decimal():
    assert parse_digits("2.500", before_multiplier=True) == 2.5


# ----------------------------------------------------------------------------- data files


def test_numbers_file_loads_folded():
    lex = load_numbers()
    assert lex.values["ثلاثه"] == 3  # ة folded to ه
    assert lex.multipliers["الف"] == 1000 and lex.duals["الفين"] == 1000
    assert lex.qualifiers[("ما", "يصل", "الي")] == "up-to"
    assert "فبراير" in lex.months and "كانون" in lex.months  # from dates.yaml
    assert "عام" in lex.year_before


def test_attribution_file_reuses_the_speech_verbs():
    lex = load_attribution()
    assert {"قال", "اكد", "صرح"} <= lex.verbs  # modality.yaml's speech list
    assert "بحسب" not in lex.verbs and ("بحسب",) in lex.according_to
    assert {"اضاف", "تابع"} <= lex.continues and "مضيفا" in lex.participles
    assert lex.marks["«"] == "»"


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)  # an absolute name is read as is by marsad.lexicons.load_yaml


def test_numbers_file_errors_name_the_key(tmp_path: Path):
    good = yaml.safe_load(data_path("numbers.yaml").read_text(encoding="utf-8"))
    with pytest.raises(DataFileError, match="qualifiers.roughly"):
        load_numbers(_write(tmp_path, "kind.yaml", dict(good, qualifiers={"roughly": ["نحو"]})))
    with pytest.raises(DataFileError, match="positive number"):
        load_numbers(_write(tmp_path, "value.yaml", dict(good, values={"three": ["ثلاثة"]})))
    with pytest.raises(DataFileError, match="two values"):
        load_numbers(_write(tmp_path, "twice.yaml", dict(good, values={3: ["ثلاثة"], 4: ["ثلاثة"]})))
    missing = {k: v for k, v in good.items() if k != "multipliers"}
    with pytest.raises(DataFileError, match="multipliers"):
        load_numbers(_write(tmp_path, "missing.yaml", missing))


def test_attribution_file_errors_name_the_list(tmp_path: Path):
    good = yaml.safe_load(data_path("events/attribution.yaml").read_text(encoding="utf-8"))
    with pytest.raises(DataFileError, match="quote_marks"):
        load_attribution(_write(tmp_path, "marks.yaml", dict(good, quote_marks=[["«"]])))
    with pytest.raises(DataFileError, match="continues"):
        load_attribution(_write(tmp_path, "empty.yaml", dict(good, continues=[])))


# ----------------------------------------------------------------------------- seeds


def _one(claims: list[Claim], **want: Any) -> Claim:
    found = [c for c in claims if all(getattr(c, k) == v for k, v in want.items())]
    assert len(found) == 1, (want, _show(claims))
    return found[0]


def test_seed_claims(seed_texts: dict[str, str]):
    docs = {d: process(Article(id=d, text=t, published=SEED_DATES[d])) for d, t in seed_texts.items()}
    claims = [c for doc in docs.values() for c in doc.claims]

    fighters = _one(claims, value=45000.0)  # about 45,000 foreign fighters: a US military estimate
    assert (fighters.qualifier, fighters.unit, fighters.attribution) == ("about", "مسلح", "estimate")
    assert fighters.claimant is not None and fighters.claimant.code == "USA"
    countries = _one(claims, value=100.0, unit="دولة")  # … from more than 100 countries
    assert (countries.qualifier, countries.low) == ("at-least", 100.0)
    assert countries.claimant is not None and countries.claimant.code == "USA"

    russians = _one(claims, high=500.0)  # up to 500 fighters from Russia, said by Kerry
    assert (russians.qualifier, russians.unit, russians.attribution) == ("at-most", "مقاتل", "quote")
    assert russians.claimant is not None and russians.claimant.code == "USA" and "كيري" in russians.claimant_text

    khorasan = _one(claims, low=1500.0, high=2000.0)  # 1,500–2,000 ISIS-Khorasan fighters, Russian estimates
    assert (khorasan.qualifier, khorasan.unit, khorasan.attribution) == ("range", "مقاتل", "estimate")
    assert khorasan.claimant is not None and khorasan.claimant.code == "RUS"

    killed = _one(claims, value=400000.0)  # about 400,000 killed in Syria, unattributed
    assert (killed.qualifier, killed.unit, killed.attribution, killed.claimant) == ("about", "شخص", "none", None)

    dates = {2014.0, 2017.0, 2018.0, 2019.0, 2024.0, 21.0, 22.0, 16.0, 25.0, 1267.0}
    assert not [c.text for c in claims if c.value in dates or c.low in dates], "dates and references are no claims"


def test_seed_quotes(seed_texts: dict[str, str]):
    docs = {d: process(Article(id=d, text=t, published=SEED_DATES[d])) for d, t in seed_texts.items()}
    quotes = [q for doc in docs.values() for q in doc.quotes]
    kerry = [q for q in quotes if q.speaker is not None and q.speaker.name == "John Kerry"]
    assert len(kerry) >= 3 and {q.kind for q in kerry} == {"direct", "indirect"}
    assert any(q.verb == "وأضاف" for q in kerry)  # وأضاف with no named subject
    shoigu = [q for q in quotes if q.speaker is not None and q.speaker.name == "Sergei Shoigu"]
    assert shoigu and shoigu[0].kind == "direct" and shoigu[0].text.startswith("يجب التوقف")
    for doc in docs.values():
        assert all(doc.text[q.start : q.end] == q.text for q in doc.quotes)
