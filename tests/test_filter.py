"""The learned event filter (marsad/events/filter.py) and its wiring into extraction."""

from __future__ import annotations

import pytest

import marsad
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
    assert any(t == "ASSAULT" for t, _, _ in rec)
    assert all(isinstance(f, str) for _, feats, _ in rec for f in feats)
