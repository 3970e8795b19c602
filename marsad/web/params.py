"""Query parameters shared by the API and the pages, checked before they reach a query.

A bad value is a 422 with a message saying what a good one looks like. Empty strings
(what an HTML form sends for an empty field) mean "no filter", so the events form and
the API accept the same URLs.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, BeforeValidator

from marsad.web.labels import EVENT_TYPES
from marsad.web.queries import EventFilters

__all__ = ["EventFilterParams", "event_filters", "Page", "Limit", "OptionalDate", "check_date", "CODE"]

CODE = re.compile(r"[A-Za-z0-9]{1,8}")
_WORD = re.compile(r"[a-z][a-z_-]{0,39}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MAX_Q = 200


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def check_date(value: str | None) -> str | None:
    """An ISO date, full or partial (YYYY, YYYY-MM, YYYY-MM-DD), that exists on the calendar."""
    if value is None:
        return None
    value = value.strip()
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{value!r} is not a date on the calendar") from None
    return value


def check_codes(value: str | None) -> str | None:
    """Comma-separated actor codes (USA, RUS, IGO …), upper-cased."""
    if value is None:
        return None
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    bad = [c for c in codes if not CODE.fullmatch(c)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not an actor code: use letters and digits, e.g. USA or USA,RUS")
    return ",".join(codes) or None


def check_types(value: str | None) -> str | None:
    """Comma-separated PLOVER event types, upper-cased."""
    if value is None:
        return None
    types = [t.strip().upper() for t in value.split(",") if t.strip()]
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event type {unknown[0]!r}; PLOVER types are {', '.join(EVENT_TYPES)}")
    return ",".join(types) or None


def check_word(value: str | None) -> str | None:
    """A PLOVER mode or context: a lower-case word (e.g. future, terrorism)."""
    if value is None:
        return None
    value = value.strip().lower()
    if not _WORD.fullmatch(value):
        raise ValueError(f"{value!r}: give one PLOVER mode/context word, e.g. negation or terrorism")
    return value


def check_q(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_Q:
        raise ValueError(f"the text filter is limited to {MAX_Q} characters")
    return value


Blank = BeforeValidator(_blank_is_none)
OptionalDate = Annotated[str | None, Blank, AfterValidator(check_date),
                         Query(description="ISO date, full or partial: YYYY-MM-DD, YYYY-MM or YYYY")]
Codes = Annotated[str | None, Blank, AfterValidator(check_codes),
                  Query(description="Actor code(s), comma-separated (any matches), e.g. USA or USA,RUS")]
Types = Annotated[str | None, Blank, AfterValidator(check_types),
                  Query(description="PLOVER event type(s), comma-separated, e.g. AGREE,CONSULT")]
Word = Annotated[str | None, Blank, AfterValidator(check_word), Query()]
Text = Annotated[str | None, Blank, AfterValidator(check_q),
                 Query(description="Words that must all appear in the evidence sentence or trigger")]
Page = Annotated[int, Query(ge=1, description="Page number, from 1")]
Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page (1-500)")]


class EventFilterParams:
    """The events filters as FastAPI query parameters (used with ``Depends``)."""

    def __init__(self, actor: Codes = None, recipient: Codes = None, type: Types = None,  # noqa: A002 - API name
                 mode: Annotated[str | None, Blank, AfterValidator(check_word),
                                 Query(description="PLOVER mode, e.g. negation, future, visit")] = None,
                 context: Annotated[str | None, Blank, AfterValidator(check_word),
                                    Query(description="PLOVER context, e.g. terrorism, economic")] = None,
                 since: OptionalDate = None, until: OptionalDate = None, q: Text = None):
        self.actor, self.recipient, self.type, self.mode, self.context = actor, recipient, type, mode, context
        self.since, self.until, self.q = since, until, q

    def filters(self, article_id: str | None = None) -> EventFilters:
        return event_filters(self, article_id)

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as URL query parameters (for pagination and export links)."""
        names = ("actor", "recipient", "type", "mode", "context", "since", "until", "q")
        return {n: getattr(self, n) for n in names if getattr(self, n)}


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(",") if v)


def event_filters(params: EventFilterParams, article_id: str | None = None) -> EventFilters:
    return EventFilters(actor=_split(params.actor), recipient=_split(params.recipient), event_type=_split(params.type),
                        mode=params.mode, context=params.context, since=params.since, until=params.until,
                        q=params.q, article_id=article_id)
