"""The web app's REST API, tested over HTTP against a real uvicorn server.

The database holds marsad's own demo reports, a few articles written for these tests
and, when ../shared is beside the checkout, the seed corpus. Every read test runs on
SQLite and, when a PostgreSQL server can be started, on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("uvicorn", reason="the web extra is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

from marsad.ingest import read  # noqa: E402
from marsad.lexicons import data_path  # noqa: E402
from marsad.pipeline import process  # noqa: E402
from marsad.store import open_store  # noqa: E402
from marsad.types import Article, Doc  # noqa: E402
from marsad.web.app import BackgroundServer, create_app  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"

TOKEN = "test-token-" + uuid.uuid4().hex

# Short reports written for these tests (fictional wording, dated events, known actors).
OWN_ARTICLES = {
    "web-own-1": ("اتفاق روسي أمريكي على تمديد الهدنة",
                  "موسكو – اتفقت روسيا والولايات المتحدة يوم 12 مارس 2019 على تمديد الهدنة في جنوب سوريا، بحسب بيان "
                  "مشترك صدر في جنيف. وقال وزير الخارجية الروسي سيرغي لافروف إن «الاتفاق خطوة مهمة نحو الحل "
                  "السياسي». ورحبت الأمم المتحدة بالاتفاق ودعت الطرفين إلى الالتزام به."),
    "web-own-2": ("إيران تتهم واشنطن وتهدد بإغلاق هرمز",
                  "طهران – اتهمت إيران الولايات المتحدة يوم 3 أبريل 2019 بزعزعة استقرار المنطقة، وهددت بإغلاق مضيق "
                  "هرمز إذا فرضت واشنطن عقوبات جديدة. وقالت الخارجية الأمريكية إن أكثر من 200 شركة ستتأثر "
                  "بالعقوبات."),
    "web-own-3": ("أردوغان يستقبل لافروف",
                  "أنقرة – استقبل الرئيس التركي رجب طيب أردوغان وزير الخارجية الروسي في أنقرة يوم 20 مايو 2019، "
                  "وبحث الجانبان الوضع في إدلب. وأدانت تركيا الغارات الجوية التي استهدفت ريف إدلب."),
    "feeds/web-own-4": ("الصين تدعو إلى الحوار",  # an id with a slash, as feeds sometimes give
                        "بكين – دعت الصين يوم 8 يونيو 2019 الهند وباكستان إلى ضبط النفس وحل الخلافات عبر الحوار، "
                        "وعرضت التوسط بين البلدين الجارين."),
}
NEW_ARTICLE = ("اتفقت مصر والأردن يوم 9 يوليو 2019 على تعزيز التعاون الأمني، وقال وزير الخارجية المصري سامح شكري "
               "إن البلدين يواجهان تحديات مشتركة. ورحب العاهل الأردني بالاتفاق خلال لقائه الوزير في عمان.")

ENDPOINTS = ["/api/articles", "/api/articles/{article_id}", "/api/events", "/api/events/{event_id}", "/api/timeline",
             "/api/series", "/api/actors", "/api/actors/{code}", "/api/quotes", "/api/claims", "/api/search",
             "/api/export"]


# ---------------------------------------------------------------- the database and the server


@pytest.fixture(scope="session")
def web_docs() -> list[Doc]:
    """Processed once for every backend: the demo reports, our own articles, the seeds when present."""
    inputs = [data_path("demo")] + ([SEEDS] if SEEDS.exists() else [])
    docs = [process(a) for a in read(inputs)]
    docs += [process(Article(id=i, text=text, title=title, published="2019-06-01", outlet="مرصد الاختبار"))
             for i, (title, text) in OWN_ARTICLES.items()]
    return docs


def _fill(url: str, docs: list[Doc]) -> None:
    with open_store(url) as store:
        store.save_docs(docs)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, web_docs: list[Doc]) -> Iterator[str]:
    """A filled database of each backend (PostgreSQL skipped when no server can run)."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("web") / "web.db")
        _fill(url, web_docs)
        yield url
        return
    server = request.getfixturevalue("pg_server")
    import psycopg

    name = f"marsad_web_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    _fill(f"{server}/{name}", web_docs)
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def api(db: str) -> Iterator[httpx.Client]:
    """An HTTP client for a real server over ``db``, writing allowed with ``TOKEN``."""
    with BackgroundServer(create_app(db, write_token=TOKEN)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def read_only_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A server with no write token configured (the default)."""
    path = tmp_path_factory.mktemp("ro") / "ro.db"
    with BackgroundServer(create_app(path)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def get(client: httpx.Client, url: str, status: int = 200, **params: object) -> dict:
    response = client.get(url, params=params)
    assert response.status_code == status, (url, params, response.text[:500])
    return response.json()


def all_items(client: httpx.Client, url: str, **params: object) -> list[dict]:
    first = get(client, url, limit=500, **params)
    items = first["items"]
    for page in range(2, first["pages"] + 1):
        items += get(client, url, limit=500, page=page, **params)["items"]
    return items


def codes(entities: list[dict]) -> set[str]:
    return {e["code"] for e in entities}


# ---------------------------------------------------------------- discovery


def test_openapi_lists_every_endpoint(api: httpx.Client):
    spec = get(api, "/openapi.json")
    for path in ENDPOINTS:
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/articles"]
    assert "/events" not in spec["paths"]  # pages are not part of the API


def test_responses_carry_security_headers(api: httpx.Client):
    response = api.get("/api/events")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


# ---------------------------------------------------------------- articles


def test_articles_are_paginated(api: httpx.Client):
    first = get(api, "/api/articles", limit=5)
    second = get(api, "/api/articles", limit=5, page=2)
    assert first["total"] >= 14 and first["pages"] == -(-first["total"] // 5)
    assert len(first["items"]) == 5 and len(second["items"]) == 5
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    past = get(api, "/api/articles", limit=5, page=first["pages"] + 1)
    assert past["items"] == []
    assert {"id", "title", "published", "outlet", "num_events"} <= set(first["items"][0])


def test_article_has_text_mentions_events_and_changes_on_request(api: httpx.Client):
    article = get(api, "/api/articles/demo_02_strike")
    text = article["clean_text"]
    assert "changes" not in article and "raw_text" not in article
    assert article["mentions"] and article["events"]
    for m in article["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]
    for e in article["events"]:
        assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
    assert article["quotes"] is not None and article["claims"] is not None
    with_changes = get(api, "/api/articles/demo_02_strike", changes="true", raw="true")
    assert with_changes["changes"], "the demo scrape has page chrome and comments to remove"
    assert {"kind", "before", "why", "raw_start", "raw_end"} <= set(with_changes["changes"][0])
    assert with_changes["changes_match_stored"] is True
    change = with_changes["changes"][0]
    assert with_changes["raw_text"][change["raw_start"]:change["raw_end"]] == change["before"]


# ---------------------------------------------------------------- events


def test_events_one_row_per_real_event_or_every_mention(api: httpx.Client):
    groups = get(api, "/api/events", limit=1)
    mentions = get(api, "/api/events", limit=1, mentions="true")
    assert groups["unit"] == "real events" and mentions["unit"] == "mentions"
    assert 0 < groups["total"] < mentions["total"]
    every = all_items(api, "/api/events")
    assert len({e["group_id"] for e in every}) == len(every) == groups["total"]
    assert sum(e["num_mentions"] for e in every) == mentions["total"]


def test_event_filters(api: httpx.Client):
    for e in all_items(api, "/api/events", actor="RUS"):
        assert "RUS" in codes(e["actors"])
    for e in all_items(api, "/api/events", recipient="USA", mentions="true"):
        assert "USA" in codes(e["recipients"])
    typed = all_items(api, "/api/events", type="ASSAULT,ACCUSE")
    assert typed and {e["event_type"] for e in typed} <= {"ASSAULT", "ACCUSE"}
    dated = all_items(api, "/api/events", since="2019-03", until="2019-05-31", mentions="true")
    # a date known only to the year overlaps the period, so it matches (as in Store.events)
    assert dated and all(e["date"] == "2019" or "2019-03" <= e["date"][:7] <= "2019-05" for e in dated)
    worded = all_items(api, "/api/events", q="إدلب", mentions="true")
    assert worded and all("إدلب" in e["evidence"] or "إدلب" in e["trigger"] for e in worded)
    visits = all_items(api, "/api/events", mode="visit", mentions="true")
    assert visits and all("visit" in e["mode"] for e in visits)
    contexts = all_items(api, "/api/events", context="diplomatic", mentions="true")
    assert all("diplomatic" in e["context"] for e in contexts)
    both = all_items(api, "/api/events", actor="IRN", recipient="USA", type="ACCUSE")
    assert [e["article_id"] for e in both] == ["web-own-2"]


def test_events_pagination_and_order(api: httpx.Client):
    total = get(api, "/api/events", limit=1)["total"]
    pages = [get(api, "/api/events", limit=4, page=p)["items"] for p in range(1, 4)]
    ids = [e["id"] for page in pages for e in page]
    assert len(ids) == len(set(ids)) == min(12, total)
    newest = [e["date"] for e in get(api, "/api/events", limit=50)["items"] if e["date"]]
    assert newest == sorted(newest, reverse=True)
    oldest = [e["date"] for e in get(api, "/api/events", limit=50, order="asc")["items"] if e["date"]]
    assert oldest == sorted(oldest)


def test_event_detail_lists_every_mention_with_evidence(api: httpx.Client):
    merged = [e for e in all_items(api, "/api/events") if e["num_mentions"] > 1]
    assert merged, "the corpus repeats some events"
    group = merged[0]
    detail = get(api, f"/api/events/{group['id']}")
    assert detail["id"] == group["id"] and len(detail["mentions"]) == group["num_mentions"]
    for m in detail["mentions"]:
        span = m["trigger_in_evidence"]
        assert m["evidence"][span["start"]:span["end"]] == m["trigger"]
        for a in m["actors_in_evidence"]:
            assert 0 <= a["start"] < a["end"] <= len(m["evidence"])
    by_mention = get(api, f"/api/events/{detail['mentions'][-1]['id']}")
    assert by_mention["id"] == group["id"]


# ---------------------------------------------------------------- analysis endpoints


def test_timeline_and_series_for_a_dyad(api: httpx.Client):
    timeline = get(api, "/api/timeline", actor="IRN", recipient="USA")
    assert timeline["total"] >= 2 and all(r["date"] == "2019-04-03" for r in timeline["items"])
    series = get(api, "/api/series", dyad="irn:usa", freq="month")
    assert series["dyad"] == ["IRN", "USA"]
    april = [r for r in series["items"] if r["period"] == "2019-04"]
    assert april and sum(r["verbal_conflict"] + r["material_conflict"] for r in april) >= 2
    assert all(r["score"] < 0 for r in april)


def test_actors_with_counts_and_counterparts(api: httpx.Client):
    actors = {a["code"]: a for a in get(api, "/api/actors")["items"]}
    assert actors["IRN"]["as_actor"] >= 2 and actors["USA"]["as_recipient"] >= 2
    iran = get(api, "/api/actors/irn")
    assert iran["code"] == "IRN" and iran["name"] == "Iran"
    usa = {e["code"]: e for e in iran["acts_on"]}["USA"]
    assert usa["total"] >= 2 and usa["by_quad"]["3"] >= 1
    assert "IRN" in {e["code"] for e in get(api, "/api/actors/USA")["acted_on_by"]}


def test_quotes_claims_and_search(api: httpx.Client):
    quotes = get(api, "/api/quotes", article_id="web-own-1")
    assert quotes["total"] >= 1 and any("لافروف" in q["speaker_text"] for q in quotes["items"])
    claims = get(api, "/api/claims", article_id="web-own-2")
    assert any("200" in c["text"] for c in claims["items"])
    assert get(api, "/api/quotes", limit=2)["limit"] == 2
    found = get(api, "/api/search", q="مضيق هرمز")
    assert found["total"] >= 1 and all("هرمز" in r["text"] for r in found["items"])
    assert found["items"][0]["article_id"] == "web-own-2"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("url", "params", "status"), [
    ("/api/events", {"since": "2019-13"}, 422),
    ("/api/events", {"until": "yesterday"}, 422),
    ("/api/events", {"page": 0}, 422),
    ("/api/events", {"limit": 100000}, 422),
    ("/api/events", {"type": "FIGHT"}, 422),
    ("/api/events", {"actor": "USA' OR 1=1 --"}, 422),
    ("/api/events", {"mode": "x; DROP TABLE events"}, 422),
    ("/api/articles", {"page": -1}, 422),
    ("/api/series", {"dyad": "USA"}, 400),
    ("/api/series", {"dyad": "USA:RUS", "freq": "decade"}, 422),
    ("/api/series", {}, 422),
    ("/api/search", {"q": "   "}, 422),
    ("/api/timeline", {"since": "2019-02-30"}, 422),
    ("/api/articles/no-such-article", {}, 404),
    ("/api/events/no-such-event", {}, 404),
    ("/api/actors/ZZZ", {}, 404),
    ("/api/actors/U$A", {}, 422),
    ("/api/nothing-here", {}, 404),
])
def test_bad_requests_get_clear_json_errors(api: httpx.Client, url: str, params: dict, status: int):
    body = get(api, url, status, **params)
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]


def test_user_text_is_never_sql(api: httpx.Client):
    assert get(api, "/api/events", q="' OR '1'='1")["total"] == 0
    assert get(api, "/api/events", q="%")["total"] == 0  # LIKE wildcards are taken literally
    assert get(api, "/api/articles/x' OR '1'='1", 404)["status"] == 404
    assert get(api, "/api/search", q='" OR *')["total"] == 0


# ---------------------------------------------------------------- export


def test_export_downloads_parse(api: httpx.Client):
    expected = get(api, "/api/events", actor="RUS", limit=1)["total"]
    response = api.get("/api/export", params={"format": "csv", "actor": "RUS"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len(rows) == expected and all("RUS" in r["SourceCountry"].split(";") for r in rows)
    assert list(rows[0])[:4] == ["GlobalEventID", "Date", "DatePrecision", "DateCertainty"]  # marsad export's columns
    filtered = api.get("/api/export", params={"format": "jsonl", "type": "ASSAULT,ACCUSE", "q": "إدلب"})
    records = [json.loads(line) for line in filtered.text.splitlines()]
    assert len(records) == get(api, "/api/events", type="ASSAULT,ACCUSE", q="إدلب", limit=1)["total"] > 0
    assert all(r["event_type"] in ("ASSAULT", "ACCUSE") and len(r["mentions"]) == r["num_mentions"] for r in records)
    response = api.get("/api/export", params={"format": "jsonl", "mentions": "true"})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == get(api, "/api/events", mentions="true", limit=1)["total"]
    assert response.headers["content-type"].startswith("application/x-ndjson")
    per_mention = list(csv.DictReader(io.StringIO(api.get("/api/export", params={"mentions": "true", "actor": "IRN"})
                                                  .text.lstrip("\ufeff"))))
    assert per_mention and all("IRN" in r["actors"].split("+") for r in per_mention)
    assert get(api, "/api/export", 422, format="xlsx")["status"] == 422


# ---------------------------------------------------------------- writing


def test_writing_is_off_by_default(read_only_api: httpx.Client):
    response = read_only_api.post("/api/articles", json={"text": NEW_ARTICLE},
                                  headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "write-token" in response.json()["error"]
    page = read_only_api.post("/ingest", data={"text": NEW_ARTICLE, "token": "anything"})
    assert page.status_code == 403 and "MARSAD_WRITE_TOKEN" in page.text


def test_writing_needs_the_right_token(api: httpx.Client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = api.post("/api/articles", json={"text": NEW_ARTICLE}, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    assert get(api, "/api/articles/web-new", 404)


def test_post_article_processes_and_stores_it(api: httpx.Client):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"id": "web-new", "text": NEW_ARTICLE, "title": "مصر والأردن", "published": "2019-07-10",
            "outlet": "مرصد الاختبار"}
    started = time.perf_counter()
    response = api.post("/api/articles", json=body, headers=headers)
    page = api.get("/articles/web-new")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text
    done = response.json()
    assert done["stored"] is True and done["events"] >= 1 and done["page"] == "/articles/web-new"
    assert page.status_code == 200 and "hl-trigger" in page.text
    assert elapsed < 10, f"POST to article page took {elapsed:.1f} s"
    stored = get(api, "/api/articles/web-new")
    assert stored["title"] == "مصر والأردن" and stored["events"]
    assert {"EGY", "JOR"} & {a["code"] for e in stored["events"] for a in e["actors"]}
    again = api.post("/api/articles", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["stored"] is False


@pytest.mark.parametrize(("body", "status"), [
    ({"text": ""}, 422),
    ({"text": NEW_ARTICLE, "published": "10/07/2019"}, 422),
    ({"text": NEW_ARTICLE, "published": "2019-07"}, 422),
    ({"text": "This is an English article about nothing in particular at all."}, 422),
    ({"text": NEW_ARTICLE, "id": "has/slash"}, 422),
    ({"title": "no text"}, 422),
])
def test_post_article_rejects_bad_input(api: httpx.Client, body: dict, status: int):
    response = api.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == status, response.text
    assert response.json()["error"]


# ---------------------------------------------------------------- pages (HTML over the same server)


@pytest.mark.parametrize("path", ["/", "/events", "/events?actor=RUS&type=CONSULT", "/events?mentions=true",
                                  "/articles", "/articles/web-own-2", "/dyads", "/dyads/IRN:USA?freq=year",
                                  "/actors", "/actors/IRN", "/search?q=إدلب", "/ingest"])
def test_pages_render_right_to_left_and_in_english(api: httpx.Client, path: str):
    api.cookies.clear()  # the language chosen with ?lang= is remembered in a cookie
    arabic = api.get(path)
    assert arabic.status_code == 200, arabic.text[:300]
    assert '<html lang="ar" dir="rtl">' in arabic.text
    english = api.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert '<html lang="en" dir="ltr">' in english.text and "Overview" in english.text
    assert '<html lang="en" dir="ltr">' in api.get(path).text  # remembered
    api.cookies.clear()


def test_page_errors_are_pages(api: httpx.Client):
    missing = api.get("/articles/no-such-article")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    bad = api.get("/events", params={"since": "2019-99"})
    assert bad.status_code == 422 and "2019-99" in bad.text
    assert api.get("/events", params={"page": 999}).status_code == 404


def test_event_evidence_page_highlights_the_trigger(api: httpx.Client):
    group = get(api, "/api/events", actor="IRN", type="THREATEN")["items"][0]
    page = api.get(f"/events/{group['id']}")
    assert page.status_code == 200
    assert f'<mark class="hl-trigger" title="تهديد">{group["trigger"]}</mark>' in page.text


def test_ids_with_slashes_work_in_the_api_and_pages(api: httpx.Client):
    article = get(api, "/api/articles/feeds/web-own-4")
    assert article["id"] == "feeds/web-own-4" and article["events"]
    assert api.get("/articles/feeds%2Fweb-own-4").status_code == 200
    assert get(api, f"/api/events/{article['events'][0]['id']}")["mentions"][0]["article_id"] == "feeds/web-own-4"


def test_seed_corpus_is_served(api: httpx.Client, seeds_dir: Path):
    ids = {p.stem for p in seeds_dir.glob("*.txt")}
    listed = {a["id"] for a in all_items(api, "/api/articles")}
    assert ids <= listed
    assert get(api, "/api/events", actor="RUS", recipient="USA", limit=1)["total"] > 0
