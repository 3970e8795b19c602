"""The web pages in a real browser (Playwright driving the system's Chromium).

Skipped when Playwright or /usr/bin/chromium is missing. One browser for the module;
each test gets a fresh context (no cookies). The database holds marsad's demo reports
and, when ../shared is beside the checkout, the seed corpus.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("fastapi", reason="the web extra is not installed")

from marsad.lexicons import data_path  # noqa: E402
from marsad.store.run import run  # noqa: E402
from marsad.web.app import BackgroundServer, create_app  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TOKEN = "browser-token-" + uuid.uuid4().hex

HOSTILE_TITLE = '<script>window.__xss=1</script>عنوان خبيث <img src=x onerror="window.__xss=2;alert(2)">'
HOSTILE_TEXT = ("اتفقت روسيا والولايات المتحدة يوم 5 مارس 2019 على وقف إطلاق النار في سوريا بعد محادثات طويلة في جنيف "
                "<script>window.__xss=1</script> وقال المتحدث باسم الخارجية الروسية "
                '<img src=x onerror="window.__xss=2;alert(2)"> إن الاتفاق خطوة مهمة للمنطقة كلها، وإن الجانبين '
                "سيعقدان اجتماعا آخر الشهر المقبل في العاصمة السويسرية لمراجعة ما تحقق من تقدم.")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "browser.db"
    run([data_path("demo")] + ([SEEDS] if SEEDS.exists() else []), db, progress=False)
    with BackgroundServer(create_app(db, write_token=TOKEN)) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page plus what went wrong on it: script errors and dialogs (alert/confirm) that opened."""

    def __init__(self, page: object):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture()
def watched(browser: object) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="ar")
    context.set_default_timeout(15_000)
    yield Watched(context.new_page())
    context.close()


def goto(w: Watched, url: str) -> object:
    response = w.page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    return w.page


# ---------------------------------------------------------------- every page loads


@pytest.mark.parametrize(("path", "selector"), [
    ("/", ".stats .stat"), ("/events", "table.events-table"), ("/articles", "table"),
    ("/articles/demo_02_strike", "#article-text mark"), ("/dyads", "#dyad-picker"),
    ("/actors", "#actors-table"), ("/actors/RUS", "svg.network"), ("/search?q=إدلب", ".search-results li"),
    ("/ingest", "form.ingest-form"),
])
def test_each_page_loads_right_to_left(server: str, watched: Watched, path: str, selector: str):
    page = goto(watched, server + path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(selector).first.is_visible()
    assert page.title()
    assert not watched.errors


# ---------------------------------------------------------------- events table


def test_filter_events_and_open_evidence(server: str, watched: Watched):
    page = goto(watched, server + "/events")
    page.fill("input[name=actor]", "RUS")
    page.select_option("select[name=type]", "CONSULT")
    page.click("#event-filters button[type=submit]")
    page.wait_for_url(re.compile(r"actor=RUS"))
    rows = page.locator("tr.event-row")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert "RUS" in rows.nth(i).locator("td").nth(2).inner_text()
        assert "CONSULT" in rows.nth(i).locator("td").nth(1).inner_text()
    first = rows.first.locator("details.evidence")
    assert not first.locator("p.sentence").is_visible()
    first.locator("summary").click()
    assert first.locator("p.sentence mark.hl-trigger").is_visible()
    first.locator("a.event-link").click()
    page.wait_for_url(re.compile(r"/events/"))
    assert page.locator("article.mention").count() >= 1
    assert page.locator("article.mention .sentence mark.hl-trigger").first.is_visible()
    assert not watched.errors


def test_article_view_highlights_and_cleaning_changes(server: str, watched: Watched):
    page = goto(watched, server + "/articles/demo_02_strike")
    text = page.locator("#article-text")
    assert text.locator("mark.hl-actor").count() >= 3 and text.locator("mark.hl-trigger").count() >= 3
    changes = page.locator("#cleaning-changes")
    assert not changes.locator("table").is_visible()
    changes.locator("summary").click()
    assert changes.locator("table tbody tr").count() >= 3
    page.locator("[data-toggle=hl-actor]").uncheck()
    assert "hide-hl-actor" in (text.get_attribute("class") or "")
    assert not watched.errors


# ---------------------------------------------------------------- language, dyads, actors


def test_language_toggle_flips_labels_and_direction(server: str, watched: Watched):
    page = goto(watched, server + "/")
    assert page.locator("nav.nav a").nth(1).inner_text() == "الأحداث"
    page.click("#lang-toggle")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("nav.nav a").nth(1).inner_text() == "Events"
    page.locator("nav.nav a").nth(1).click()  # the choice is remembered
    page.wait_for_url(re.compile(r"/events$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Events"
    page.click("#lang-toggle")
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_dyad_picker_opens_the_chart(server: str, watched: Watched):
    page = goto(watched, server + "/dyads")
    page.fill("#dyad-picker input[name=a]", "rus")
    page.fill("#dyad-picker input[name=b]", "tur")
    page.click("#dyad-picker button[type=submit]")
    page.wait_for_url(re.compile(r"/dyads/RUS:TUR"))
    chart = page.locator("#dyad-chart svg.series-chart")
    assert chart.is_visible()
    assert chart.locator("rect.bar").count() >= 1 and chart.locator("polyline.score-line").count() == 1
    assert page.locator("table.timeline tbody tr").count() >= 1
    page.click("nav.freqs a[href*='freq=year']")
    page.wait_for_url(re.compile(r"freq=year"))
    assert page.locator("#dyad-chart svg.series-chart rect.bar").count() >= 1


def test_actor_page_ranks_counterparts_and_draws_network(server: str, watched: Watched):
    page = goto(watched, server + "/actors/RUS")
    assert page.locator("#actor-network svg.network a").count() >= 2
    assert page.locator("table.ranked tbody tr").count() >= 1
    page.locator("#actor-network svg.network a").first.click()
    page.wait_for_url(re.compile(r"/actors/[A-Z]+$"))


# ---------------------------------------------------------------- hostile text stays text


def test_hostile_article_is_shown_as_text_and_runs_nothing(server: str, watched: Watched):
    page = goto(watched, server + "/ingest")
    page.fill("input[name=title]", HOSTILE_TITLE)
    page.fill("textarea[name=text]", HOSTILE_TEXT)
    page.fill("input[name=outlet]", "<b onmouseover=alert(3)>outlet</b>")
    page.fill("input[name=url]", "javascript:alert(4)")
    page.fill("input[name=article_id]", "hostile-1")
    page.fill("input[name=token]", TOKEN)
    page.click("form.ingest-form button[type=submit]")
    page.wait_for_url(re.compile(r"/articles/hostile-1$"))
    assert page.locator("h1.article-title").inner_text() == HOSTILE_TITLE
    assert "<script>window.__xss=1</script>" in page.locator("#article-text").inner_text()
    assert "<b onmouseover=alert(3)>outlet</b>" in page.locator(".article-head .meta").inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("#article-text mark.hl-trigger").count() >= 1
    for path in ("/articles/hostile-1", "/articles", "/events?q=جنيف", "/"):
        goto(watched, server + path)
        page.hover("body")
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("img[src=x], #article-text script, h1 script").count() == 0, path
    assert not watched.dialogs and not watched.errors


def test_ingest_form_refuses_a_wrong_token(server: str, watched: Watched):
    page = goto(watched, server + "/ingest")
    page.fill("textarea[name=text]", HOSTILE_TEXT)
    page.fill("input[name=token]", "wrong")
    page.click("form.ingest-form button[type=submit]")
    assert page.locator("#ingest-error").is_visible()
    assert page.locator("textarea[name=text]").input_value() == HOSTILE_TEXT  # nothing typed is lost
