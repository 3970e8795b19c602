"""The analysis API (timeline, series, network, search) on real stores."""

from __future__ import annotations

import pytest

from marsad.outputs import network, search, series, timeline
from marsad.outputs.analysis import parse_dyad
from marsad.pipeline import process
from marsad.store import open_store
from marsad.types import Article

STORY = {
    # id: (outlet, published, text)
    "a1": ("outlet-1", "2016-03-06", "اتفقت موسكو وواشنطن يوم 5 مارس 2016 على وقف إطلاق النار في سوريا."),
    "a2": ("outlet-2", "2016-03-06",
           "أعلنت وزارة الخارجية الروسية أن روسيا والولايات المتحدة اتفقتا في 5 مارس 2016 على وقف إطلاق النار."),
    "a3": ("outlet-1", "2016-04-10", "اتهمت روسيا الولايات المتحدة يوم 9 أبريل 2016 بدعم الإرهابيين في سوريا."),
    "a4": ("outlet-2", "2016-04-12", "رفضت الولايات المتحدة يوم 11 أبريل 2016 طلبا روسيا بتنسيق الضربات الجوية."),
    "a5": ("outlet-1", "2016-05-02", "اتفقت فرنسا وألمانيا يوم 1 مايو 2016 على خطة مشتركة."),
}


@pytest.fixture()
def store(db_url: str):
    with open_store(db_url) as s:
        s.save_docs([process(Article(id=k, text=t, outlet=o, published=p)) for k, (o, p, t) in STORY.items()])
        yield s


def test_timeline_one_row_per_real_event_both_directions(store):
    frame = timeline(store, actor="USA", recipient="RUS")
    assert list(frame["date"]) == sorted(frame["date"])
    agree = frame[frame["event_type"] == "AGREE"]
    assert len(agree) == 1 and agree.iloc[0]["num_articles"] == 2 and agree.iloc[0]["direction"] == "USA+RUS"
    assert set(frame["direction"]) >= {"USA+RUS", "RUS→USA", "USA→RUS"}
    assert "a5" not in set(frame["article_id"])
    assert set(frame["certainty"]) == {"stated in the text"}


def test_timeline_directed_and_date_filters(store):
    directed = timeline(store, actor="USA", recipient="RUS", directed=True)
    assert set(directed["direction"]) == {"USA→RUS"}
    april = timeline(store, actor="USA", recipient="RUS", since="2016-04", until="2016-04")
    assert set(april["date"].str[:7]) == {"2016-04"}


def test_series_counts_quads_and_scores_per_month(store):
    frame = series(store, "USA:RUS", freq="month")
    march = frame[(frame["period"] == "2016-03") & (frame["direction"] == "USA+RUS")].iloc[0]
    assert march["verbal_coop"] == 1 and march["events"] == 1 and march["score"] > 0
    april = frame[frame["period"] == "2016-04"]
    assert april["verbal_conflict"].sum() == 2 and april["score"].sum() < 0
    assert frame.attrs["undated"] == 0


@pytest.mark.parametrize("bad", ["USA", "USA:RUS:FRA", ":RUS"])
def test_bad_dyad_is_a_clear_error(bad: str):
    with pytest.raises(ValueError, match="two actor codes"):
        parse_dyad(bad)


def test_network_edges_by_quad_class(store):
    graph = network(store)
    assert graph.edges["RUS", "USA"]["verbal_conflict"] == 1
    assert graph.edges["USA", "RUS"]["weight"] >= 1


def test_search_frame_has_article_metadata(store):
    frame = search(store, "سوريا")
    assert set(frame["article_id"]) >= {"a1", "a3"}
    assert {"published", "outlet"} <= set(frame.columns)
