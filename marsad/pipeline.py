"""The pipeline: ingest → clean → analyse (tokens, actors) → events.

``process(article)`` runs every stage on one article and returns a ``Doc``;
``process_all(articles)`` does so for many, turning a failure in any stage into a
``Skipped`` record instead of stopping the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator

from marsad.analyse.actors import resolve_doc
from marsad.analyse.tokens import analyse_text
from marsad.clean import clean
from marsad.events import extract_events
from marsad.events.claims import extract_claims
from marsad.events.quotes import extract_quotes
from marsad.types import Article, Doc, Skipped

__all__ = ["process", "process_all", "STAGES"]

log = logging.getLogger(__name__)


def stage_clean(doc: Doc) -> None:
    doc.clean = clean(doc.article)
    doc.published, doc.published_source = _best_published(doc)


def stage_tokens(doc: Doc) -> None:
    doc.sentences = analyse_text(doc.text)


def stage_actors(doc: Doc) -> None:
    doc.mentions = resolve_doc(doc.sentences, day=_date(doc.published))


def stage_events(doc: Doc) -> None:
    doc.events = extract_events(doc)


def stage_quotes(doc: Doc) -> None:
    doc.quotes = extract_quotes(doc)
    doc.claims = extract_claims(doc, doc.quotes)


STAGES: list[tuple[str, Callable[[Doc], None]]] = [
    ("clean", stage_clean),
    ("tokens", stage_tokens),
    ("actors", stage_actors),
    ("events", stage_events),
    ("quotes", stage_quotes),
]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def process(article: Article, *, until: str | None = None) -> Doc:
    """Run the stages on one article (up to and including ``until``)."""
    doc = Doc(article=article)
    for name, stage in STAGES:
        stage(doc)
        if name == until:
            break
    return doc


def process_all(
    articles: Iterable[Article], skipped: list[Skipped] | None = None, *, until: str | None = None
) -> Iterator[Doc]:
    """Process many articles; one that fails is logged, recorded in ``skipped`` and passed over."""
    for article in articles:
        try:
            yield process(article, until=until)
        except Exception as err:  # noqa: BLE001 - one bad article must never stop a run
            stage = _failed_stage(err)
            item = Skipped(article.source or article.id, f"{type(err).__name__}: {err}", stage)
            log.warning("skipped %s", item, exc_info=log.isEnabledFor(logging.DEBUG))
            if skipped is not None:
                skipped.append(item)


def _failed_stage(err: Exception) -> str:
    tb = err.__traceback__
    names = {fn.__name__ for _, fn in STAGES}
    stage = "pipeline"
    while tb is not None:
        if tb.tb_frame.f_code.co_name in names:
            stage = tb.tb_frame.f_code.co_name.removeprefix("stage_")
        tb = tb.tb_next
    return stage


def _best_published(doc: Doc) -> tuple[str | None, str]:
    """The publication date to resolve relative dates against, and where it came from."""
    article = doc.article
    if article.published:
        source = "page-metadata" if article.meta.get("date_from") == "page metadata" else "given"
        return article.published, source
    if doc.clean and doc.clean.header_date and len(doc.clean.header_date) == 10:
        return doc.clean.header_date, "header"
    return None, "none"
