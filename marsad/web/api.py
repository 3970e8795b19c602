"""The REST API under ``/api/`` (JSON; described at ``/openapi.json``).

Read endpoints answer from the store with parameterised queries (``marsad.web.queries``)
or the analysis API (``marsad.outputs.analysis``); the one write endpoint,
``POST /api/articles``, needs the write token.
"""

from __future__ import annotations

import json
import logging
import math
from functools import partial
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from marsad.outputs import analysis
from marsad.web import download, queries
from marsad.web.app import opened_store
from marsad.web.ingest import bearer, build_article, check_token, ingest_article
from marsad.web.params import CODE, EventFilterParams, Limit, OptionalDate, Page, Types, check_date, check_word

__all__ = ["router", "frame_records", "article_changes", "Json"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"])

ArticleId = Annotated[str, Path(description="Article id", max_length=200)]
Order = Annotated[Literal["asc", "desc"], Query(description="Date order: newest first (desc) or oldest first")]


class Json(JSONResponse):
    """JSON straight from ``json.dumps``: FastAPI's generic encoder took longer than the query on
    large pages. Dates and other non-JSON values (PostgreSQL timestamps) become strings."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


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


@router.get("/articles", response_model=None,
             summary="Articles, newest first (paginated)")
def list_articles(request: Request, page: Page = 1, limit: Limit = 50,
                  outlet: Annotated[str | None, Query(max_length=200)] = None,
                  q: Annotated[str | None, Query(max_length=200, description="Words in the title or id")] = None
                  ) -> Json:
    with opened_store(request) as store:
        total, items = queries.article_page(store, page=page, limit=limit, outlet=outlet or None, q=q or None)
    return Json(_paged(total, page, limit, items))


@router.get("/articles/{article_id:path}", response_model=None,
             summary="One article: clean text, actor mentions, events, quotes, claims")
def get_article(request: Request, article_id: ArticleId,
                changes: Annotated[bool, Query(description="Also what cleaning removed, and why")] = False,
                raw: Annotated[bool, Query(description="Also the raw text as stored")] = False) -> Json:
    with opened_store(request) as store:
        article = queries.article_detail(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    if changes:
        article["changes"], article["changes_match_stored"] = article_changes(article)
    if not raw:
        article.pop("raw_text")
    return Json(article)


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


@router.post("/articles", status_code=201, response_model=None,
             summary="Add an article (needs the write token)",
             responses={401: {"description": "missing or wrong token"}, 403: {"description": "writing disabled"}})
def add_article(request: Request, body: NewArticle,
                authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None) -> Json:
    """Process the article through the pipeline and store it: 201, or 200 when this exact article was stored."""
    check_token(request.app.state.write_token, bearer(authorization))
    article = build_article(body.text, article_id=body.id, title=body.title, published=body.published,
                            url=body.url, outlet=body.outlet, source="api")
    with opened_store(request) as store:
        done = ingest_article(store, article)
        detail = queries.article_detail(store, done.article_id)
    assert detail is not None
    detail.pop("raw_text")
    return Json({"id": done.article_id, "stored": done.stored, "events": done.events,
                 "seconds": round(done.seconds, 3), "page": f"/articles/{done.article_id}",
                 "api": f"/api/articles/{done.article_id}", "article": detail},
                status_code=201 if done.stored else 200)


# ---------------------------------------------------------------- events


@router.get("/events", response_model=None,
             summary="Events: one row per real event, or every mention with mentions=true")
def list_events(request: Request, filters: Annotated[EventFilterParams, Depends()], page: Page = 1,
                limit: Limit = 50, order: Order = "desc",
                mentions: Annotated[bool, Query(description="Every event mention instead of one row per real "
                                                            "event")] = False) -> Json:
    with opened_store(request) as store:
        if mentions:
            total, items = queries.mention_page(store, filters.filters(), page=page, limit=limit, order=order)
        else:
            total, items = queries.group_page(store, filters.filters(), page=page, limit=limit, order=order)
    return Json(_paged(total, page, limit, items, unit="mentions" if mentions else "real events",
                       filters=filters.as_query()))


@router.get("/events/{event_id:path}", response_model=None,
             summary="A real event (group id or any mention's id) with all its mentions")
def get_event(request: Request, event_id: Annotated[str, Path(max_length=200)]) -> Json:
    with opened_store(request) as store:
        detail = queries.event_detail(store, event_id)
    if detail is None:
        raise HTTPException(404, f"no event or event group with id {event_id!r}")
    return Json(detail)


@router.get("/timeline", response_model=None,
             summary="Events in date order, one row per real event (analysis.timeline)")
def get_timeline(request: Request, actor: Annotated[str | None, Query(max_length=8)] = None,
                 recipient: Annotated[str | None, Query(max_length=8)] = None,
                 context: Annotated[str | None, Query(max_length=40)] = None,
                 type: Types = None,  # noqa: A002 - the API's parameter name
                 since: OptionalDate = None, until: OptionalDate = None,
                 directed: Annotated[bool, Query(description="Only actor → recipient, not both ways")] = False,
                 merged: Annotated[bool, Query(description="One row per real event")] = True,
                 limit: Annotated[int, Query(ge=1, le=10000)] = 1000) -> Json:
    actor, recipient = (_code(c) if c else None for c in (actor, recipient))
    with opened_store(request) as store:
        frame = analysis.timeline(store, actor=actor, recipient=recipient, context=check_word(context or None),
                                  event_type=type.split(",") if type else None, since=since, until=until,
                                  directed=directed, merged=merged)
    return Json({"total": len(frame), "limit": limit, "items": frame_records(frame.head(limit))})


@router.get("/series", response_model=None,
             summary="Cooperation/conflict counts and score per period for a dyad (analysis.series)")
def get_series(request: Request,
               dyad: Annotated[str, Query(max_length=40, description="Two actor codes, e.g. USA:RUS")],
               freq: Literal["day", "week", "month", "quarter", "year"] = "month",
               context: Annotated[str | None, Query(max_length=40)] = None,
               since: OptionalDate = None, until: OptionalDate = None) -> Json:
    a, b = (_code(c) for c in analysis.parse_dyad(dyad))
    with opened_store(request) as store:
        frame = analysis.series(store, (a, b), freq=freq, context=check_word(context or None), since=since,
                                until=until)
    return Json({"dyad": [a, b], "freq": freq, "undated": int(frame.attrs.get("undated", 0)),
                 "too_coarse": int(frame.attrs.get("too_coarse", 0)), "quads": analysis.QUADS,
                 "items": frame_records(frame)})


# ---------------------------------------------------------------- actors


@router.get("/actors", response_model=None,
             summary="Actor codes with how many real events they act in and receive")
def list_actors(request: Request) -> Json:
    with opened_store(request) as store:
        items = queries.actor_list(store)
    return Json({"total": len(items), "items": items})


@router.get("/actors/{code}", response_model=None,
             summary="Who an actor acts on, who acts on it, with whom it acts")
def get_actor(request: Request, code: Annotated[str, Path(max_length=8)]) -> Json:
    code = _code(code)
    with opened_store(request) as store:
        detail = queries.actor_detail(store, code)
    if detail is None:
        raise HTTPException(404, f"no actor with code {code!r} in this database")
    return Json(detail)


# ---------------------------------------------------------------- quotes, claims, search


@router.get("/quotes", response_model=None,
             summary="Attributed quotations (analysis.quotes)")
def list_quotes(request: Request, speaker: Annotated[str | None, Query(max_length=8)] = None,
                article_id: Annotated[str | None, Query(max_length=200)] = None, page: Page = 1,
                limit: Limit = 50) -> Json:
    with opened_store(request) as store:
        frame = analysis.quotes(store, speaker=_code(speaker) if speaker else None, article_id=article_id or None)
    return Json(_paged(len(frame), page, limit, frame_records(frame.iloc[(page - 1) * limit : page * limit])))


@router.get("/claims", response_model=None,
             summary="Numeric claims and who makes them (analysis.claims)")
def list_claims(request: Request, claimant: Annotated[str | None, Query(max_length=8)] = None,
                article_id: Annotated[str | None, Query(max_length=200)] = None, page: Page = 1,
                limit: Limit = 50) -> Json:
    with opened_store(request) as store:
        frame = analysis.claims(store, claimant=_code(claimant) if claimant else None, article_id=article_id or None)
    return Json(_paged(len(frame), page, limit, frame_records(frame.iloc[(page - 1) * limit : page * limit])))


@router.get("/search", response_model=None,
             summary="Sentences containing all the words (full-text index)")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Json:
    if not q.split():
        raise HTTPException(422, "q: give at least one word to search for")
    with opened_store(request) as store:
        frame = analysis.search(store, q, limit=limit)
    return Json({"q": q, "total": len(frame), "items": frame_records(frame)})


# ---------------------------------------------------------------- export


@router.get("/export", summary="Download the filtered events as CSV or JSONL",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
def export(request: Request, filters: Annotated[EventFilterParams, Depends()],
           format: Literal["csv", "jsonl"] = "csv",  # noqa: A002 - the API's parameter name
           mentions: Annotated[bool, Query(description="Every mention instead of one row per real event")] = False,
           ) -> StreamingResponse:
    """Real events as ``marsad export`` writes them (JSONL records with every mention, or its flat CSV
    columns), or with ``mentions=true`` one flat row per mention; the same filters as /api/events."""
    produce = download.mention_rows if mentions else download.merged_events
    lines = download.threaded_lines(request.app.state.db, partial(produce, filters=filters.filters(), fmt=format))
    name = f"marsad_{'mentions' if mentions else 'events'}.{format}"
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return StreamingResponse(lines, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
