"""The REST API under ``/api/`` (JSON; described at ``/openapi.json``).

Read endpoints answer from the store with parameterised queries (``marsad.web.queries``)
or the analysis API (``marsad.outputs.analysis``); the one write endpoint,
``POST /api/articles``, needs the write token.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, field_validator

from marsad.outputs import analysis
from marsad.web import queries
from marsad.web.app import opened_store
from marsad.web.ingest import bearer, build_article, check_token, ingest_article
from marsad.web.params import CODE, EventFilterParams, Limit, OptionalDate, Page, check_date, check_word

__all__ = ["router", "frame_records", "article_changes", "EXPORT_COLUMNS"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"])

ArticleId = Annotated[str, Path(description="Article id", max_length=200)]
Order = Annotated[Literal["asc", "desc"], Query(description="Date order: newest first (desc) or oldest first")]
EXPORT_CHUNK = 1000


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (NaN → null, numpy numbers → Python numbers)."""
    if frame.empty:
        return []
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _paged(total: int, page: int, limit: int, items: list[Any], **extra: Any) -> dict[str, Any]:
    return {"total": total, "page": page, "limit": limit, "pages": max(1, math.ceil(total / limit)), **extra,
            "items": items}


def _code(code: str) -> str:
    code = code.strip().upper()
    if not CODE.fullmatch(code):
        raise HTTPException(422, f"{code[:20]!r} is not an actor code: use letters and digits, e.g. USA")
    return code


# ---------------------------------------------------------------- articles


@router.get("/articles", summary="Articles, newest first (paginated)")
def list_articles(request: Request, page: Page = 1, limit: Limit = 50,
                  outlet: Annotated[str | None, Query(max_length=200)] = None,
                  q: Annotated[str | None, Query(max_length=200, description="Words in the title or id")] = None
                  ) -> dict[str, Any]:
    with opened_store(request) as store:
        total, items = queries.article_page(store, page=page, limit=limit, outlet=outlet or None, q=q or None)
    return _paged(total, page, limit, items)


@router.get("/articles/{article_id}", summary="One article: clean text, actor mentions, events, quotes, claims")
def get_article(request: Request, article_id: ArticleId,
                changes: Annotated[bool, Query(description="Also what cleaning removed, and why")] = False,
                raw: Annotated[bool, Query(description="Also the raw text as stored")] = False) -> dict[str, Any]:
    with opened_store(request) as store:
        article = queries.article_detail(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    if changes:
        article["changes"], article["changes_match_stored"] = article_changes(article)
    if not raw:
        article.pop("raw_text")
    return article


def article_changes(article: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """What cleaning removed from the stored raw text, and whether cleaning it today gives the stored text.

    The store keeps raw and clean text, not the edits, so cleaning is re-run: it is
    deterministic, and the flag tells when the rules have changed since the article was stored.
    """
    from marsad.clean import clean
    from marsad.types import Article

    result = clean(Article(id=article["id"], text=article["raw_text"], published=article["published"],
                           title=article["title"], url=article["url"], outlet=article["outlet"],
                           meta=article.get("meta") or {}))
    return [c.as_dict() for c in result.changes], result.text == article["clean_text"]


class NewArticle(BaseModel):
    """An article to process and store."""

    text: str = Field(min_length=1, description="The article's text (raw, as scraped: cleaning runs on it)")
    id: str | None = Field(None, max_length=200, description="Article id (default: derived from the text)")
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD")
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=200)

    @field_validator("published")
    @classmethod
    def _full_date(cls, value: str | None) -> str | None:
        if value and len(check_date(value) or "") != 10:
            raise ValueError(f"{value!r}: give the full date, YYYY-MM-DD")
        return value or None


@router.post("/articles", status_code=201, summary="Add an article (needs the write token)",
             responses={401: {"description": "missing or wrong token"}, 403: {"description": "writing disabled"}})
def add_article(request: Request, body: NewArticle,
                authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None) -> dict[str, Any]:
    check_token(request.app.state.write_token, bearer(authorization))
    article = build_article(body.text, article_id=body.id, title=body.title, published=body.published,
                            url=body.url, outlet=body.outlet, source="api")
    with opened_store(request) as store:
        done = ingest_article(store, article)
        detail = queries.article_detail(store, done.article_id)
    assert detail is not None
    detail.pop("raw_text")
    return {"id": done.article_id, "stored": done.stored, "events": done.events, "seconds": round(done.seconds, 3),
            "page": f"/articles/{done.article_id}", "api": f"/api/articles/{done.article_id}", "article": detail}


# ---------------------------------------------------------------- events


@router.get("/events", summary="Events: one row per real event, or every mention with mentions=true")
def list_events(request: Request, filters: Annotated[EventFilterParams, Depends()], page: Page = 1,
                limit: Limit = 50, order: Order = "desc",
                mentions: Annotated[bool, Query(description="Every event mention instead of one row per real "
                                                            "event")] = False) -> dict[str, Any]:
    with opened_store(request) as store:
        if mentions:
            total, items = queries.mention_page(store, filters.filters(), page=page, limit=limit, order=order)
        else:
            total, items = queries.group_page(store, filters.filters(), page=page, limit=limit, order=order)
    return _paged(total, page, limit, items, unit="mentions" if mentions else "real events",
                  filters=filters.as_query())


@router.get("/events/{event_id}", summary="A real event (group id or any mention's id) with all its mentions")
def get_event(request: Request, event_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    with opened_store(request) as store:
        detail = queries.event_detail(store, event_id)
    if detail is None:
        raise HTTPException(404, f"no event or event group with id {event_id!r}")
    return detail


@router.get("/timeline", summary="Events in date order, one row per real event (analysis.timeline)")
def get_timeline(request: Request, actor: Annotated[str | None, Query(max_length=8)] = None,
                 recipient: Annotated[str | None, Query(max_length=8)] = None,
                 context: Annotated[str | None, Query(max_length=40)] = None,
                 type: Annotated[str | None, Query(max_length=20, description="PLOVER event type")] = None,  # noqa: A002
                 since: OptionalDate = None, until: OptionalDate = None,
                 directed: Annotated[bool, Query(description="Only actor → recipient, not both ways")] = False,
                 merged: Annotated[bool, Query(description="One row per real event")] = True,
                 limit: Annotated[int, Query(ge=1, le=10000)] = 1000) -> dict[str, Any]:
    actor, recipient = (_code(c) if c else None for c in (actor, recipient))
    with opened_store(request) as store:
        frame = analysis.timeline(store, actor=actor, recipient=recipient, context=check_word(context or None),
                                  event_type=(type or "").upper() or None, since=since, until=until,
                                  directed=directed, merged=merged)
    return {"total": len(frame), "limit": limit, "items": frame_records(frame.head(limit))}


@router.get("/series", summary="Cooperation/conflict counts and score per period for a dyad (analysis.series)")
def get_series(request: Request,
               dyad: Annotated[str, Query(max_length=40, description="Two actor codes, e.g. USA:RUS")],
               freq: Literal["day", "week", "month", "quarter", "year"] = "month",
               context: Annotated[str | None, Query(max_length=40)] = None,
               since: OptionalDate = None, until: OptionalDate = None) -> dict[str, Any]:
    a, b = (_code(c) for c in analysis.parse_dyad(dyad))
    with opened_store(request) as store:
        frame = analysis.series(store, (a, b), freq=freq, context=check_word(context or None), since=since,
                                until=until)
    return {"dyad": [a, b], "freq": freq, "undated": int(frame.attrs.get("undated", 0)),
            "too_coarse": int(frame.attrs.get("too_coarse", 0)), "quads": analysis.QUADS,
            "items": frame_records(frame)}


# ---------------------------------------------------------------- actors


@router.get("/actors", summary="Actor codes with how many real events they act in and receive")
def list_actors(request: Request) -> dict[str, Any]:
    with opened_store(request) as store:
        items = queries.actor_list(store)
    return {"total": len(items), "items": items}


@router.get("/actors/{code}", summary="Who an actor acts on, who acts on it, with whom it acts")
def get_actor(request: Request, code: Annotated[str, Path(max_length=8)]) -> dict[str, Any]:
    code = _code(code)
    with opened_store(request) as store:
        detail = queries.actor_detail(store, code)
    if detail is None:
        raise HTTPException(404, f"no actor with code {code!r} in this database")
    return detail


# ---------------------------------------------------------------- quotes, claims, search


@router.get("/quotes", summary="Attributed quotations (analysis.quotes)")
def list_quotes(request: Request, speaker: Annotated[str | None, Query(max_length=8)] = None,
                article_id: Annotated[str | None, Query(max_length=200)] = None, page: Page = 1,
                limit: Limit = 50) -> dict[str, Any]:
    with opened_store(request) as store:
        frame = analysis.quotes(store, speaker=_code(speaker) if speaker else None, article_id=article_id or None)
    return _paged(len(frame), page, limit, frame_records(frame.iloc[(page - 1) * limit : page * limit]))


@router.get("/claims", summary="Numeric claims and who makes them (analysis.claims)")
def list_claims(request: Request, claimant: Annotated[str | None, Query(max_length=8)] = None,
                article_id: Annotated[str | None, Query(max_length=200)] = None, page: Page = 1,
                limit: Limit = 50) -> dict[str, Any]:
    with opened_store(request) as store:
        frame = analysis.claims(store, claimant=_code(claimant) if claimant else None, article_id=article_id or None)
    return _paged(len(frame), page, limit, frame_records(frame.iloc[(page - 1) * limit : page * limit]))


@router.get("/search", summary="Sentences containing all the words (full-text index)")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    if not q.split():
        raise HTTPException(422, "q: give at least one word to search for")
    with opened_store(request) as store:
        frame = analysis.search(store, q, limit=limit)
    return {"q": q, "total": len(frame), "items": frame_records(frame)}


# ---------------------------------------------------------------- export


EXPORT_COLUMNS = ["id", "group_id", "event_id", "date", "date_precision", "date_source", "event_type", "quad_code",
                  "quad", "event_scale", "actors", "actor_names", "recipients", "recipient_names", "mode", "context",
                  "aux", "trigger", "evidence", "article_id", "article_title", "outlet", "published",
                  "location_country", "location_place", "num_mentions", "num_articles", "num_sources"]


@router.get("/export", summary="Download the filtered events as CSV or JSONL",
            response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
def export(request: Request, filters: Annotated[EventFilterParams, Depends()],
           format: Literal["csv", "jsonl"] = "csv",  # noqa: A002 - the API's parameter name
           mentions: Annotated[bool, Query(description="Every mention instead of one row per real event")] = False,
           ) -> StreamingResponse:
    rows = _export_rows(request, filters, mentions)
    unit = "mentions" if mentions else "events"
    if format == "jsonl":
        body: Iterator[str] = (json.dumps(item, ensure_ascii=False) + "\n" for item in rows)
        media, name = "application/x-ndjson", f"marsad_{unit}.jsonl"
    else:
        body = _csv_lines(rows)
        media, name = "text/csv; charset=utf-8", f"marsad_{unit}.csv"
    return StreamingResponse(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export_rows(request: Request, filters: EventFilterParams, mentions: bool) -> Iterator[dict[str, Any]]:
    """All matching rows, a chunk at a time; the store is opened per chunk because a streamed
    response's generator may resume on a different thread (SQLite connections stay in theirs)."""
    fetch = queries.mention_page if mentions else queries.group_page
    page = 1
    while True:
        with opened_store(request) as store:
            total, items = fetch(store, filters.filters(), page=page, limit=EXPORT_CHUNK, order="asc")
        yield from items
        if page * EXPORT_CHUNK >= total or not items:
            return
        page += 1


def flat_row(item: dict[str, Any]) -> dict[str, Any]:
    """An event item as one flat CSV row."""
    location = item.get("location") or {}
    return {
        **{k: item.get(k) for k in EXPORT_COLUMNS},
        "actors": "+".join(sorted({a["code"] or a["sector"] or "?" for a in item["actors"]})),
        "actor_names": "; ".join(a["name"] for a in item["actors"]),
        "recipients": "+".join(sorted({a["code"] or a["sector"] or "?" for a in item["recipients"]})),
        "recipient_names": "; ".join(a["name"] for a in item["recipients"]),
        "mode": ",".join(item.get("mode") or []), "context": ",".join(item.get("context") or []),
        "aux": ",".join(item.get("aux") or []), "evidence": " ".join((item.get("evidence") or "").split()),
        "location_country": location.get("country_code"), "location_place": location.get("resolved_place"),
        "num_mentions": item.get("num_mentions", 1), "num_articles": item.get("num_articles", 1),
        "num_sources": item.get("num_sources", 1),
    }


def _csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    buffer.write("\ufeff")  # so spreadsheet programs read the Arabic as UTF-8
    writer.writeheader()
    for row in rows:
        writer.writerow(flat_row(row))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
