"""One record per real event, and near-duplicate articles, on real SQLite and PostgreSQL stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.events.merge import EventGroup, MergeItem, assign_groups, dates_agree, merge_key
from marsad.pipeline import process
from marsad.store import open_store
from marsad.store.duplicates import signature, similarity
from marsad.store.run import run
from marsad.types import Article

AGREED_MARCH_5 = "أعلنت وزارة الخارجية الروسية أن روسيا والولايات المتحدة اتفقتا في 5 مارس 2016 على وقف إطلاق النار في سوريا."
AGREED_MARCH_5_OTHER_WORDS = "اتفقت موسكو وواشنطن يوم 5 مارس 2016 على وقف إطلاق النار في سوريا، بحسب بيان مشترك صدر في جنيف."
AGREED_APRIL_9 = "اتفقت موسكو وواشنطن يوم 9 أبريل 2016 على وقف إطلاق النار في سوريا."
AGREED_IN_2016 = "اتفقت روسيا والولايات المتحدة على تبادل المعلومات في عام 2016."
AGREED_IN_2016_AGAIN = "واتفقت روسيا والولايات المتحدة على تبادل المعلومات خلال عام 2016 كما قال مسؤولون."

WIRE_STORY = (
    "قال مسؤولون في وزارة الدفاع الأمريكية إن الولايات المتحدة وروسيا اتفقتا على تبادل المعلومات الاستخباراتية "
    "بشأن تحركات المقاتلين الأجانب في سوريا والعراق. وأضاف المسؤولون أن الاتفاق جاء بعد محادثات طويلة في جنيف "
    "بين خبراء من البلدين، وأن الجانبين سيعقدان اجتماعا آخر الشهر المقبل لمراجعة ما تحقق. "
    "وكانت موسكو قد دعت مرارا إلى تنسيق الجهود في مكافحة الإرهاب، فيما أبدت واشنطن تحفظات على ذلك في الماضي. "
    "ويرى محللون أن التعاون بين البلدين يبقى محدودا بسبب الخلافات العميقة حول مستقبل سوريا وأوكرانيا."
)


def doc(article_id: str, text: str, outlet: str | None = None, published: str = "2016-06-01"):
    return process(Article(id=article_id, text=text, published=published, outlet=outlet))


def groups(store) -> list[tuple]:
    return store.query("SELECT event_type, actor_codes, date, num_mentions, num_articles, num_sources"
                       " FROM event_groups ORDER BY date, event_type")


# ---------------------------------------------------------------- pure merging rules


def item(event_id: str, date: str | None, precision: str | None, cluster: str, key: str = "AGREE|RUS,USA||"):
    return MergeItem(event_id, key, date, precision, cluster, cluster, cluster)


def test_merge_key_ignores_order_and_keeps_negation():
    assert merge_key("AGREE", ["USA", "RUS"], []) == merge_key("AGREE", ["RUS", "USA", ""], [])
    assert merge_key("AGREE", ["USA"], ["RUS"], ["negation"]) != merge_key("AGREE", ["USA"], ["RUS"])
    assert merge_key("AGREE", ["USA"], ["RUS"], ["future"]) == merge_key("AGREE", ["USA"], ["RUS"])


@pytest.mark.parametrize(("a", "b", "same_story", "agree"), [
    (("2016-03-05", "day"), ("2016-03-05", "day"), False, True),
    (("2016-03-05", "day"), ("2016-03-06", "day"), False, False),
    (("2016", "year"), ("2016", "year"), False, False),  # a shared year is no evidence across articles
    (("2016", "year"), ("2016-03-05", "day"), True, True),  # within one story it is
    ((None, None), ("2016-03-05", "day"), True, True),
    ((None, None), ("2016-03-05", "day"), False, False),
])
def test_dates_agree(a, b, same_story, agree):
    assert dates_agree(*a, *b, same_story) is agree


def test_assign_groups_joins_existing_group_and_takes_precise_date():
    existing = EventGroup("g1", "AGREE|RUS,USA||", "2016", "year", [item("e1", "2016", "year", "art1")])
    out = assign_groups([item("e2", "2016-03-05", "day", "art1"), item("e3", "2016-03-05", "day", "art2")], [existing])
    assert len(out) == 1 and out[0].num_mentions == 3 and out[0].num_articles == 2
    assert (out[0].date, out[0].precision) == ("2016-03-05", "day")


# ---------------------------------------------------------------- in the store


@pytest.fixture()
def store(db_url: str):
    with open_store(db_url) as s:
        yield s


def test_same_event_in_two_articles_is_one_group(store):
    store.save_docs([doc("a", AGREED_MARCH_5, "outlet-1"), doc("b", AGREED_MARCH_5_OTHER_WORDS, "outlet-2"),
                     doc("c", AGREED_APRIL_9, "outlet-1")])
    assert groups(store) == [("AGREE", "RUS,USA", "2016-03-05", 2, 2, 2), ("AGREE", "RUS,USA", "2016-04-09", 1, 1, 1)]
    ids = store.query("SELECT group_id FROM events WHERE article_id IN ('a', 'b')")
    assert len({r[0] for r in ids}) == 1


def test_same_year_only_is_not_merged_across_articles(store):
    store.save_docs([doc("d", AGREED_IN_2016), doc("e", AGREED_IN_2016_AGAIN)])
    assert [g[3] for g in groups(store) if g[0] == "AGREE"] == [1, 1]


def test_groups_grow_across_batches_and_shrink_when_an_article_is_replaced(store):
    store.save_docs([doc("a", AGREED_MARCH_5, "outlet-1")])
    store.save_docs([doc("b", AGREED_MARCH_5_OTHER_WORDS, "outlet-2")])
    assert groups(store) == [("AGREE", "RUS,USA", "2016-03-05", 2, 2, 2)]
    store.save_docs([doc("b", "لم يحدث شيء يذكر في هذا اليوم في العاصمة.", "outlet-2")])  # b corrected
    assert groups(store) == [("AGREE", "RUS,USA", "2016-03-05", 1, 1, 1)]


def test_negated_event_is_not_merged_with_the_event(store):
    store.save_docs([doc("a", AGREED_MARCH_5), doc("n", "ولم تتفق موسكو وواشنطن يوم 5 مارس 2016 على وقف إطلاق النار.")])
    agree = [g for g in groups(store) if g[0] == "AGREE"]
    assert len(agree) == 2


def test_near_duplicate_articles_are_linked(store):
    copy = "موسكو (رويترز) - " + WIRE_STORY.replace("طويلة", "مطولة") + " تابعونا على تويتر."
    store.save_docs([doc("wire", WIRE_STORY, "agency"), doc("copy", copy, "paper"),
                     doc("exact", WIRE_STORY, "site"), doc("other", AGREED_APRIL_9, "paper")])
    rows = dict((r[0], r[1:]) for r in store.query("SELECT id, duplicate_of, similarity FROM articles"))
    assert rows["copy"][0] == "wire" and rows["copy"][1] >= 0.7
    assert rows["exact"] == ("wire", 1.0)
    assert rows["wire"][0] is None and rows["other"][0] is None
    # the wire story's agreement, reported in three copies, is one event in three articles
    agree = [g for g in groups(store) if g[0] in ("AGREE", "COOPERATE") and g[4] == 3]
    assert agree and all(g[5] == 3 for g in agree)


def test_similarity_of_unrelated_articles_is_low():
    a, b = signature(doc("x", WIRE_STORY)), signature(doc("y", AGREED_APRIL_9 * 3))
    assert similarity(a, b) < 0.2
    assert similarity(a, a.tobytes()) == 1.0


# ---------------------------------------------------------------- the seeds


def test_seed_kerry_lavrov_agreement_is_one_event_with_two_mentions(seeds_dir: Path, tmp_path: Path):
    run([seeds_dir / "001_f10f2db986368882.txt"], tmp_path / "s.db", progress=False)
    with open_store(tmp_path / "s.db") as s:
        rows = s.query("SELECT g.num_mentions, g.num_articles FROM event_groups g"
                       " WHERE g.event_type = 'AGREE' AND g.actor_codes = 'RUS,USA'")
        texts = s.query("SELECT e.event_text FROM events e JOIN event_groups g ON g.id = e.group_id"
                        " WHERE g.event_type = 'AGREE' AND g.actor_codes = 'RUS,USA' ORDER BY e.sentence")
    assert rows == [(2, 1)]
    assert "كيري" in texts[0][0] and "اتفقت الولايات المتحدة وروسيا" in texts[1][0]


def test_events_without_coded_parties_merge_only_within_a_story():
    a = MergeItem("e1", "ASSAULT|||", "2018-03-02", "day", "art1", "art1", "x")
    b = MergeItem("e2", "ASSAULT|||", "2018-03-02", "day", "art2", "art2", "y")
    c = MergeItem("e3", "ASSAULT|||", None, None, "art1", "art1", "x")
    assert [g.num_mentions for g in assign_groups([a, b, c])] == [2, 1]
