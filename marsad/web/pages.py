"""HTML pages: overview, events table, event evidence, articles, dyads, actors, search, ingest.

Pages are Arabic-first (``dir="rtl"``) with English labels on ``?lang=en``; every label
comes from ``marsad.web.labels``. Templates autoescape; the only markup built in Python
is the highlighted text (``marsad.web.highlight``) and the SVG charts
(``marsad.web.charts``), both of which escape every piece of data they place.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from marsad.outputs import analysis
from marsad.web import charts, queries
from marsad.web.app import opened_store, render
from marsad.web.highlight import Span, highlight
from marsad.web.ingest import MAX_UPLOAD, article_from_upload, build_article, check_token, ingest_article
from marsad.web.labels import (
    DIRECTION,
    EVENT_TYPES,
    QUAD_LABELS,
    date_source_label,
    event_type_label,
    label,
    quad_label,
)
from marsad.web.params import CODE, EventFilterParams, Page

__all__ = ["router", "page_context"]

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 50
TIMELINE_ROWS = 300
FREQS = ("day", "week", "month", "quarter", "year")
NAV = (("/", "nav_overview"), ("/events", "nav_events"), ("/articles", "nav_articles"), ("/dyads", "nav_dyads"),
       ("/actors", "nav_actors"), ("/search", "nav_search"), ("/ingest", "nav_ingest"))


# ---------------------------------------------------------------- helpers shared by every template


def link(path: str, **params: Any) -> str:
    """``path`` with the non-empty ``params`` as a query string."""
    used = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(used) if used else "")


def _lang_switch_url(request: Request, lang: str) -> str:
    other = "en" if lang == "ar" else "ar"
    params = dict(request.query_params)
    params["lang"] = other
    return request.url.path + "?" + urlencode(params)


def page_context(request: Request, lang: str) -> dict[str, Any]:
    """What every template can use: the language, labels and small formatting helpers."""
    path = request.url.path
    active = next((p for p, _ in reversed(NAV) if p != "/" and path.startswith(p)), "/" if path == "/" else "")
    return {
        "lang": lang, "dir": DIRECTION[lang], "t": partial(label, lang=lang), "other_lang_url":
            _lang_switch_url(request, lang), "nav": NAV, "active": active, "link": link, "urlq": quote,
        "quad_label": partial(quad_label, lang=lang), "type_label": partial(event_type_label, lang=lang),
        "date_source_label": partial(date_source_label, lang=lang), "fmt_int": _fmt_int,
        "entity_codes": _entity_codes, "evidence_html": _evidence_html, "snippet": _evidence_snippet,
        "safe_url": _safe_url,
        "quad_bar": partial(charts.quad_bar, quad_names={q: quad_label(q, lang) for q in QUAD_LABELS}),
        "quad_colors": charts.QUAD_COLORS, "quads": list(QUAD_LABELS), "event_types": EVENT_TYPES,
    }


def _fmt_int(n: int | None) -> str:
    return f"{n or 0:,}"


def _entity_codes(entities: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Distinct actors of one side of an event: code (or sector) to show, and the names behind it."""
    shown: dict[str, list[str]] = {}
    for e in entities:
        key = e.get("code") or e.get("sector") or "?"
        shown.setdefault(key, []).append(e.get("name") or e.get("text") or "")
    return [{"code": k, "names": ", ".join(dict.fromkeys(n for n in v if n)), "linkable": bool(CODE.fullmatch(k))}
            for k, v in shown.items()]


def _safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (a ``javascript:`` URL from a scrape must not)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _evidence_html(event: dict[str, Any], lang: str = "ar") -> Markup:
    """An event's evidence sentence with its trigger (and, when known, its actors) highlighted."""
    spans = []
    trigger = _trigger_in(event, event.get("evidence") or "")
    if trigger:
        spans.append(Span(trigger["start"], trigger["end"], "trigger", event_type_label(event["event_type"], lang)))
    for a in event.get("actors_in_evidence") or []:
        spans.append(Span(a["start"], a["end"], "actor" if a["role"] == "actor" else "other",
                          f"{a['code'] or '—'} {a['sector']} · {a['name']}".strip()))
    return highlight(event.get("evidence") or "", spans)


def _evidence_snippet(event: dict[str, Any], lang: str = "ar", context: int = 45) -> Markup:
    """A few words either side of the trigger, the trigger highlighted: the evidence at a glance."""
    text = event.get("evidence") or ""
    trigger = _trigger_in(event, text)
    if not trigger:
        short = text[: 2 * context]
        return highlight(short + ("…" if len(text) > len(short) else ""), [])
    start = max(0, text.rfind(" ", 0, max(0, trigger["start"] - context)) + 1)
    end = text.find(" ", min(len(text), trigger["end"] + context))
    end = len(text) if end < 0 else end
    piece = highlight(text[start:end], [Span(trigger["start"] - start, trigger["end"] - start, "trigger",
                                             event_type_label(event["event_type"], lang))])
    return Markup("{}{}{}").format("…" if start > 0 else "", piece, "…" if end < len(text) else "")


def _trigger_in(event: dict[str, Any], text: str) -> dict[str, int] | None:
    """Where the trigger is in the evidence: from stored offsets, else (timeline rows) by searching for it."""
    if "trigger_in_evidence" in event:
        return event["trigger_in_evidence"]
    if "trigger_start" in event:
        return queries.evidence_spans(event, [])["trigger_in_evidence"]
    found = text.find(event.get("trigger") or "\0")
    return {"start": found, "end": found + len(event["trigger"])} if found >= 0 else None


def _pages(total: int, page: int, size: int) -> int:
    return max(1, math.ceil(total / size))


def _check_page(page: int, total: int, size: int) -> None:
    if page > _pages(total, page, size) and total:
        raise HTTPException(404, f"page {page} is past the last page ({_pages(total, page, size)})")


# ---------------------------------------------------------------- overview


@router.get("/")
def overview_page(request: Request) -> Response:
    with opened_store(request) as store:
        counts = queries.overview(store)
        dyads = queries.top_dyads(store, 10)
        today = dt.date.today().isoformat()
        _, recent = queries.group_page(store, queries.EventFilters(until=today), page=1, limit=12)
    return render(request, "overview.html", {"counts": counts, "dyads": dyads, "recent": recent})


# ---------------------------------------------------------------- events


@router.get("/events")
def events_page(request: Request, filters: Annotated[EventFilterParams, Depends()], page: Page = 1,
                mentions: bool = False, order: Literal["asc", "desc"] = "desc") -> Response:
    with opened_store(request) as store:
        fetch = queries.mention_page if mentions else queries.group_page
        total, items = fetch(store, filters.filters(), page=page, limit=PAGE_SIZE, order=order)
    _check_page(page, total, PAGE_SIZE)
    query = filters.as_query() | ({"mentions": "true"} if mentions else {}) | ({"order": order} if order != "desc"
                                                                              else {})
    return render(request, "events.html", {
        "items": items, "total": total, "page": page, "pages": _pages(total, page, PAGE_SIZE), "f": filters,
        "mentions": mentions, "order": order, "query": query,
        "export_csv": link("/api/export", format="csv", **query), "export_jsonl": link("/api/export", format="jsonl",
                                                                                       **query)})


@router.get("/events/{event_id:path}")
def event_page(request: Request, event_id: Annotated[str, Path(max_length=200)]) -> Response:
    with opened_store(request) as store:
        detail = queries.event_detail(store, event_id)
    if detail is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    return render(request, "event.html", {"event": detail, "group": detail["group"], "mentions": detail["mentions"]})


# ---------------------------------------------------------------- articles


@router.get("/articles")
def articles_page(request: Request, page: Page = 1, q: Annotated[str | None, Query(max_length=200)] = None,
                  outlet: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    with opened_store(request) as store:
        total, items = queries.article_page(store, page=page, limit=PAGE_SIZE, q=q or None, outlet=outlet or None)
    _check_page(page, total, PAGE_SIZE)
    return render(request, "articles.html", {"items": items, "total": total, "page": page, "q": q or "",
                                             "outlet": outlet or "", "pages": _pages(total, page, PAGE_SIZE),
                                             "query": {"q": q, "outlet": outlet}})


@router.get("/articles/{article_id:path}")
def article_page(request: Request, article_id: Annotated[str, Path(max_length=200)]) -> Response:
    from marsad.web.api import article_changes
    from marsad.web.app import request_lang

    with opened_store(request) as store:
        article = queries.article_detail(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    lang = request_lang(request)
    changes, changes_match = article_changes(article)
    return render(request, "article.html", {
        "a": article, "text_html": highlight(article["clean_text"], _article_spans(article, lang)),
        "changes": changes, "changes_match": changes_match, "url": _safe_url(article["url"]),
        "actors": _actor_summary(article["mentions"])})


def _article_spans(article: dict[str, Any], lang: str) -> list[Span]:
    spans = [Span(m["start"], m["end"], "actor" if m["role"] == "actor" else "other",
                  f"{m['code'] or '—'} {m['sector']} · {m['name']}".strip()) for m in article["mentions"]]
    spans += [Span(e["trigger_start"], e["trigger_end"], "trigger",
                   f"{e['event_type']} · {event_type_label(e['event_type'], lang)}"
                   f" · {quad_label(e['quad_code'], lang)}",
                   anchor=f"ev-{e['id']}") for e in article["events"]]
    spans += [Span(q["start"], q["end"], "quote", q["speaker_name"] or q["speaker_text"] or "")
              for q in article["quotes"]]
    return spans


def _actor_summary(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Codes mentioned in an article, most mentioned first, with their names."""
    by_code: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if not m["code"]:
            continue
        entry = by_code.setdefault(m["code"], {"code": m["code"], "count": 0, "names": {}})
        entry["count"] += 1
        entry["names"][m["name"]] = entry["names"].get(m["name"], 0) + 1
    out = sorted(by_code.values(), key=lambda e: (-e["count"], e["code"]))
    for e in out:
        e["names"] = ", ".join(sorted(e["names"], key=lambda n: -e["names"][n])[:3])
    return out


# ---------------------------------------------------------------- dyads


@router.get("/dyads")
def dyads_page(request: Request, a: Annotated[str | None, Query(max_length=8)] = None,
               b: Annotated[str | None, Query(max_length=8)] = None,
               freq: Literal["day", "week", "month", "quarter", "year"] = "month") -> Response:
    if a and b:
        codes = [c.strip().upper() for c in (a, b)]
        bad = [c for c in codes if not CODE.fullmatch(c)]
        if bad:
            raise HTTPException(422, f"{bad[0][:20]!r} is not an actor code: use letters and digits, e.g. USA")
        return RedirectResponse(link(f"/dyads/{codes[0]}:{codes[1]}", freq=freq), status_code=303)
    with opened_store(request) as store:
        dyads = queries.top_dyads(store, 30)
        actors = queries.actor_list(store)
    return render(request, "dyads.html", {"dyads": dyads, "actors": actors, "freq": freq, "freqs": FREQS})


@router.get("/dyads/{dyad}")
def dyad_page(request: Request, dyad: Annotated[str, Path(max_length=40)],
              freq: Literal["day", "week", "month", "quarter", "year"] = "month") -> Response:
    from marsad.web.app import request_lang

    a, b = analysis.parse_dyad(dyad)
    for code in (a, b):
        if not CODE.fullmatch(code):
            raise HTTPException(422, f"{code[:20]!r} is not an actor code: use letters and digits, e.g. USA:RUS")
    with opened_store(request) as store:
        frame = analysis.series(store, (a, b), freq=freq)
        timeline = analysis.timeline(store, actor=a, recipient=b)
    lang = request_lang(request)
    points = _series_points(frame, freq)
    chart = charts.series_chart(points, quad_names={q: quad_label(q, lang) for q in QUAD_LABELS},
                                score_name=label("chart_score", lang)) if points else None
    from marsad.web.api import frame_records

    rows = frame_records(timeline.head(TIMELINE_ROWS))
    return render(request, "dyad.html", {
        "a": a, "b": b, "freq": freq, "freqs": FREQS, "chart": chart, "points": points,
        "undated": int(frame.attrs.get("undated", 0)), "too_coarse": int(frame.attrs.get("too_coarse", 0)),
        "timeline": rows, "timeline_total": len(timeline), "timeline_cut": TIMELINE_ROWS})


def _series_points(frame: Any, freq: str) -> list[charts.SeriesPoint]:
    """One point per period, both directions and joint events summed, empty periods included."""
    points: dict[str, charts.SeriesPoint] = {}
    for row in frame.to_dict("records"):
        p = points.setdefault(row["period"], charts.SeriesPoint(row["period"], dict.fromkeys(analysis.QUADS, 0)))
        for quad, name in analysis.QUADS.items():
            p.by_quad[quad] += int(row[name])
        p.score += float(row["score"] or 0.0)
    for period in _all_periods(sorted(points), freq):
        points.setdefault(period, charts.SeriesPoint(period, dict.fromkeys(analysis.QUADS, 0)))
    return [points[k] for k in sorted(points)]


_PANDAS_FREQ = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
MAX_PERIODS = 600  # a longer axis is left with only the periods that have events


def _all_periods(periods: list[str], freq: str) -> list[str]:
    """Every period from the first to the last, so the chart's axis is a real time axis."""
    import pandas as pd

    if len(periods) < 2:
        return periods
    first, last = (pd.Period(periods[i].split("/")[0], freq=_PANDAS_FREQ[freq]) for i in (0, -1))
    if (last - first).n > MAX_PERIODS:
        return periods
    return [str(p) for p in pd.period_range(first, last, freq=_PANDAS_FREQ[freq])]


# ---------------------------------------------------------------- actors


@router.get("/actors")
def actors_page(request: Request) -> Response:
    with opened_store(request) as store:
        actors = queries.actor_list(store)
    return render(request, "actors.html", {"actors": actors})


@router.get("/actors/{code}")
def actor_page(request: Request, code: Annotated[str, Path(max_length=8)]) -> Response:
    from marsad.web.app import request_lang

    code = code.strip().upper()
    if not CODE.fullmatch(code):
        raise HTTPException(422, f"{code[:20]!r} is not an actor code")
    with opened_store(request) as store:
        detail = queries.actor_detail(store, code)
    if detail is None:
        raise HTTPException(404, f"no actor with code {code!r} in this database")
    lang = request_lang(request)
    network = charts.network_chart(code, detail["acted_on_by"], detail["acts_on"], link="/actors/{code}",
                                   quad_names={q: quad_label(q, lang) for q in QUAD_LABELS})
    return render(request, "actor.html", {"actor": detail, "network": network})


# ---------------------------------------------------------------- search


@router.get("/search")
def search_page(request: Request, q: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    results: list[dict[str, Any]] = []
    if q and q.split():
        from marsad.web.api import frame_records

        with opened_store(request) as store:
            results = frame_records(analysis.search(store, q, limit=100))
        for r in results:
            r["html"] = highlight(r["text"], _word_spans(r["text"], q.split()))
    return render(request, "search.html", {"q": q or "", "results": results})


def _word_spans(text: str, words: list[str]) -> list[Span]:
    spans = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            spans.append(Span(start, start + len(word), "trigger"))
            start = text.find(word, start + len(word))
    return spans


# ---------------------------------------------------------------- ingest


@router.get("/ingest")
def ingest_form(request: Request) -> Response:
    empty = dict.fromkeys(("text", "title", "published", "outlet", "url", "article_id"), "")
    return render(request, "ingest.html", {"enabled": bool(request.app.state.write_token), "error": None,
                                           "form": empty})


@router.post("/ingest")
def ingest_submit(request: Request, token: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
                  title: Annotated[str, Form()] = "", published: Annotated[str, Form()] = "",
                  outlet: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "",
                  article_id: Annotated[str, Form()] = "",
                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Process a pasted or uploaded article and open its page; errors re-show the form with the message."""
    form = {"text": text, "title": title, "published": published, "outlet": outlet, "url": url,
            "article_id": article_id}
    try:
        check_token(request.app.state.write_token, token)
        article = _submitted_article(form, file)
        with opened_store(request) as store:
            done = ingest_article(store, article)
    except HTTPException as err:
        return render(request, "ingest.html", {"enabled": bool(request.app.state.write_token), "error": err.detail,
                                               "form": form}, status_code=err.status_code)
    return RedirectResponse(f"/articles/{quote(done.article_id, safe='')}", status_code=303)


def _submitted_article(form: dict[str, str], file: UploadFile | None) -> Any:
    from marsad.web.params import check_date

    published = form["published"].strip() or None
    if published:
        try:
            if len(check_date(published) or "") != 10:
                raise ValueError(f"{published!r}: give the full date, YYYY-MM-DD")
        except ValueError as err:
            raise HTTPException(422, str(err)) from None
    if file is not None and file.filename:
        data = file.file.read(MAX_UPLOAD + 1)
        article = article_from_upload(file.filename, data, article_id=form["article_id"] or None)
        for field in ("title", "outlet", "url"):
            if form[field].strip():
                setattr(article, field, form[field].strip())
        article.published = published or article.published
        return article
    if not form["text"].strip():
        raise HTTPException(422, "paste the article's text or choose a file")
    return build_article(form["text"], article_id=form["article_id"] or None, title=form["title"],
                         published=published, url=form["url"], outlet=form["outlet"])
