"""Event extraction: PLOVER rules, arguments, modality, dates, and the seeds quality floor."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import marsad
from marsad.events.lexicon import load_triggers, verb_forms

# Floors set from the achieved scores (seeds: F1 0.84, P 0.939, dates 8/8 with the
# learned filter on); CI fails when quality drops below them.
SEEDS_F1_FLOOR = 0.81
SEEDS_PRECISION_FLOOR = 0.88


def events(text: str, published: str | None = "2016-07-14"):
    doc = marsad.process(marsad.Article(id="t", text=text, published=published))
    return [e for e in doc.events if not {"negation", "hypothetical"} & set(e.aux)], doc


def codes(entities) -> set[str]:
    return {e.code for e in entities}


def test_lexicon_loads_all_types():
    lex = load_triggers()
    types = {t.type for ts in lex.words.values() for t in ts}
    assert len(types) == 16
    assert {"اتفقت", "يتفقون", "تتفق", "اتفقا"} <= verb_forms("اتفق", "يتفق")


def test_events_verb_subject_object_and_recipient_preposition():
    found, _ = events("دعت روسيا الولايات المتحدة إلى التعاون في مكافحة الإرهاب.")
    request = next(e for e in found if e.event_type == "REQUEST")
    assert codes(request.actor) == {"RUS"} and "USA" in codes(request.recipient)


def test_events_coordinated_actors_agree():
    found, _ = events("اتفقت الولايات المتحدة وروسيا على تبادل المعلومات بشأن الجماعات المسلحة.")
    agree = next(e for e in found if e.event_type == "AGREE")
    assert codes(agree.actor) == {"USA", "RUS"}


def test_events_negated_intent_is_reject():
    found, _ = events("أعلنت الحكومة الفرنسية أن باريس لا تنوي توسيع التعاون العسكري مع موسكو.")
    assert [e.event_type for e in found] == ["REJECT"]
    assert codes(found[0].actor) == {"FRA"} and codes(found[0].recipient) == {"RUS"}


def test_events_hypothetical_is_not_reported():
    found, doc = events("قال التقرير إن الخطة قد تفتح الطريق لغارات جوية مشتركة ضد المسلحين.")
    assert not [e for e in found if e.event_type == "ASSAULT"]


def test_events_future_cooperation_becomes_agree():
    found, _ = events("قال وزير الخارجية التركي إن أنقرة ستتعاون مع بغداد في ملف المياه.")
    assert any(e.event_type == "AGREE" and codes(e.actor) == {"TUR"} for e in found)


def test_events_visit_actor_is_visitor():
    found, _ = events("بدأ وزير الخارجية الأمريكي الخميس زيارة إلى موسكو لبحث الأزمة.")
    visit = next(e for e in found if e.event_type == "CONSULT")
    assert codes(visit.actor) == {"USA"} and codes(visit.recipient) == {"RUS"}


def test_events_suffered_attack_swaps_roles(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")  # roles are the rules' job; the learned filter is tested apart
    found, _ = events("تتعرض مدينة إدلب لحملة جوية من الطائرات السورية والروسية منذ أسبوع.")
    attack = next(e for e in found if e.event_type == "ASSAULT")
    assert codes(attack.actor) == {"SYR", "RUS"}


def test_events_reported_speech_speaker_and_actor():
    found, _ = events("وقال لافروف إن واشنطن رفضت المقترح الروسي أمس.")
    reject = next(e for e in found if e.event_type == "REJECT")
    assert codes(reject.actor) == {"USA"} and reject.speaker is not None and reject.speaker.code == "RUS"


def test_events_relative_date_resolved_against_publication():
    found, _ = events("التقى وزير الخارجية الأمريكي نظيره الروسي في جنيف أمس الثلاثاء.", "2014-10-15")
    meeting = next(e for e in found if e.event_type == "CONSULT")
    assert meeting.date == "2014-10-14" and meeting.date_text and meeting.date_source == "text"


def test_events_undated_uses_publication_date_and_says_so():
    found, _ = events("اتهمت طهران واشنطن بدعم الجماعات المسلحة.", "2019-03-02")
    accuse = next(e for e in found if e.event_type == "ACCUSE")
    assert accuse.date == "2019-03-02" and accuse.date_text is None and accuse.date_source == "published"


@pytest.mark.parametrize("text", [
    "وشن المهاجم هجوما خطيرا على مرمى الفريق المنافس في الشوط الثاني من المباراة وسجل هدفا.",
    "هل يمكن أن تؤدي هذه السياسة إلى هجوم جديد؟",
    "تناول الكتاب تاريخ الاغتيالات السياسية في القرن الماضي.",
])
def test_events_not_every_violent_word_is_an_event(text: str):
    found, _ = events(text)
    assert not [e for e in found if e.event_type == "ASSAULT"]


def test_events_contract_fields():
    found, doc = events("اتهمت طهران واشنطن بدعم الجماعات المسلحة.")
    out = found[0].as_dict()
    for field in ("id", "doc_id", "event_type", "mode", "context", "aux", "actor", "recipient", "date", "date_text",
                  "location", "event_text", "text_info", "trigger", "quad_code", "event_scale"):
        assert field in out
    start, end = out["text_info"]["start"], out["text_info"]["end"]
    assert doc.text[start:end] == out["event_text"]
    assert out["quad_code"] == 3 and out["event_scale"] < 0


def test_extract_cli_stdin_stdout():
    line = json.dumps({"id": "a1", "text": "اتهمت طهران واشنطن بدعم الجماعات المسلحة.", "published": "2019-03-02"},
                      ensure_ascii=False)
    out = subprocess.run([sys.executable, "-m", "marsad", "extract", "-", "-o", "-"], input=line, text=True,
                         capture_output=True, check=True).stdout
    rows = [json.loads(x) for x in out.splitlines()]
    assert rows and rows[0]["doc_id"] == "a1" and rows[0]["event_type"] == "ACCUSE"


def test_events_seeds_quality_floor(eval_dir: Path, tmp_path: Path):
    """The reference scorer on the five seeds must stay above the floors set above."""
    scorer = eval_dir / "score.py"
    inp = tmp_path / "in.jsonl"
    inp.write_text(subprocess.run([sys.executable, str(scorer), "input", "seeds", str(eval_dir.parent / "corpus" / "seeds"),
                                   str(eval_dir / "seeds.gold.jsonl")], capture_output=True, text=True,
                                  check=True).stdout, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    subprocess.run([sys.executable, "-m", "marsad", "extract", str(inp), "-o", str(out)], check=True)
    score = json.loads(subprocess.run([sys.executable, str(scorer), "events", "--gold", str(eval_dir / "seeds.gold.jsonl"),
                                       "--pred", str(out)], capture_output=True, text=True, check=True).stdout)
    assert score["f1"] >= SEEDS_F1_FLOOR, score
    assert score["precision"] >= SEEDS_PRECISION_FLOOR, score
    assert score["dates_right"] == score["dates_scored"], score


def test_events_place_from_gazetteer():
    found, _ = events("التقى وزير الخارجية الأمريكي نظيره الروسي في جنيف أمس.")
    meeting = next(e for e in found if e.event_type == "CONSULT")
    assert meeting.location["country_code"] == "CHE" and meeting.location["lat"] is not None


@pytest.mark.parametrize("text", [
    "رفضت الولايات المتحدة يوم 11 أبريل 2016 طلب روسيا تنسيق الضربات الجوية.",
    "رفضت واشنطن عرض موسكو.",
])
def test_events_owner_of_rejected_object_is_recipient(text: str):
    from marsad.pipeline import process
    from marsad.types import Article

    doc = process(Article(id="x", text=text, published="2016-04-12"))
    reject = [e for e in doc.events if e.event_type == "REJECT"]
    assert [(a.code, r.code) for e in reject for a in e.actor for r in e.recipient] == [("USA", "RUS")]


@pytest.mark.parametrize(("text", "protest"), [
    ("وتجمع مئات المتظاهرين أمام مبنى البرلمان في العاصمة للمطالبة بإقالة الحكومة.", True),
    ("أطلقت قوات الأمن النار على المتظاهرين فقتلت ثلاثة منهم.", False),
])
def test_events_protesters_gathering_is_a_protest(text: str, protest: bool):
    from marsad.pipeline import process
    from marsad.types import Article

    doc = process(Article(id="x", text=text, published="2018-06-04"))
    assert ("PROTEST" in {e.event_type for e in doc.events}) is protest


def test_triggers_protesters_acting_in_the_street():
    from marsad.analyse.tokens import analyse_text
    from marsad.events import find_triggers, load_triggers

    tokens = analyse_text("وأغلق المحتجون الطريق الرئيسي المؤدي إلى الميناء.")[0].tokens
    assert [h.trigger.id for h in find_triggers(tokens, load_triggers())] == ["protest-protesters-act"]


def test_events_light_verb_reaches_its_noun_over_a_date():
    # بادر … في شهر مايو 2019 لإدراج: the date's words do not separate the verb from its noun
    found, _ = events("بادرت بريطانيا في شهر مارس 2019 لإدراج جماعة بوكو حرام على قائمة العقوبات الدولية.",
                      published="2019-04-02")
    sanction = [e for e in found if e.event_type == "SANCTION"]
    assert sanction and codes(sanction[0].actor) == {"GBR"}
    assert sanction[0].date.startswith("2019-03")


def test_events_object_inside_a_phrase_trigger_past_a_quote():
    # the quote marks around the object must not end the trigger's clause
    found, _ = events("ونجحت فرنسا العام الماضي في إضافة جماعة «بوكو حرام» لقائمة العقوبات.", published="2019-04-02")
    sanction = [e for e in found if e.event_type == "SANCTION"]
    assert sanction and codes(sanction[0].actor) == {"FRA"}
    assert [(e.code, e.sector) for e in sanction[0].recipient] == [("NGA", "REB")]


def test_events_passive_victims_before_a_target_behind_a_preposition(monkeypatch: pytest.MonkeyPatch):
    # the victims after قتل are recipients even when "على غزة" follows: they did not attack
    # Gaza; the raid (في غارة إسرائيلية) is the same event and gives its actor and mode
    # (rules alone, so the learned filter's threshold does not decide the test)
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")
    found, _ = events("قتل خمسة مدنيين في غارة إسرائيلية على قطاع غزة أمس.")
    assert [e.trigger for e in found] == ["قتل"]
    killing = found[0]
    assert codes(killing.actor) == {"ISR"} and killing.mode == ["aerial"]
    assert [(e.code, e.sector) for e in killing.recipient] == [("", "CVL"), ("PSE", "")]
    assert "circumstance" in killing.rule


def test_events_bomb_after_an_event_noun_is_the_means(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MARSAD_NO_FILTER", "1")
    found, _ = events("أصيب جنديان جراء انفجار عبوة ناسفة في كابول.")
    assert [e.sector for e in found[0].actor] == ["UAF"] and found[0].event_type == "ASSAULT"
    assert not found[0].recipient
