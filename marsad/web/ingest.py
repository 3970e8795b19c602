"""Adding an article from the web app: check the write token, build the ``Article``, process, store.

Shared by ``POST /api/articles`` (JSON) and the ``/ingest`` page (form or file upload),
so both apply the same token rule, the same article checks as ``marsad run`` and the
same pipeline.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from fastapi import HTTPException

from marsad.ingest.checks import check_article
from marsad.ingest.readers import article_from_html, decode
from marsad.ingest.readers import stem as file_stem
from marsad.pipeline import process
from marsad.store.base import Store, content_hash
from marsad.types import Article

__all__ = ["check_token", "build_article", "article_from_upload", "ingest_article", "Ingested", "MAX_TEXT",
           "MAX_UPLOAD", "ARTICLE_ID"]

log = logging.getLogger(__name__)

MAX_TEXT = 500_000  # characters: far more than any news article
MAX_UPLOAD = 5_000_000  # bytes
ARTICLE_ID = re.compile(r"[\w.:\-]{1,200}")
_PIPELINE = threading.Lock()  # the pipeline's lexicons load lazily; one article at a time is plenty here


def check_token(configured: str | None, given: str | None) -> None:
    """403 when writing is disabled, 401 when the token is missing or wrong (compared in constant time)."""
    if not configured:
        raise HTTPException(403, "writing is disabled on this server: start it with --write-token TOKEN "
                                 "(or the MARSAD_WRITE_TOKEN environment variable) to allow adding articles")
    if not given or not hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8")):
        raise HTTPException(401, "a valid write token is needed: send 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def build_article(text: str, *, article_id: str | None = None, title: str | None = None,
                  published: str | None = None, url: str | None = None, outlet: str | None = None,
                  source: str = "web") -> Article:
    """An ``Article`` from submitted fields; the id defaults to a hash of the text (resubmitting is a no-op)."""
    if len(text) > MAX_TEXT:
        raise HTTPException(413, f"the text is too long ({len(text):,} characters; at most {MAX_TEXT:,})")
    article_id = (article_id or "").strip() or "web-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if not ARTICLE_ID.fullmatch(article_id):
        raise HTTPException(422, f"article id {article_id[:60]!r}: use letters, digits, '.', ':', '_' or '-' "
                                 "(at most 200 characters)")
    return Article(id=article_id, text=text, published=published or None, title=(title or "").strip() or None,
                   url=(url or "").strip() or None, outlet=(outlet or "").strip() or None, source=source,
                   meta={"format": "web"})


def article_from_upload(filename: str, data: bytes, *, article_id: str | None = None) -> Article:
    """An article from an uploaded .txt or .html file (HTML: main text extracted, as ``marsad run`` does)."""
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"the file is too large ({len(data):,} bytes; at most {MAX_UPLOAD:,})")
    suffix = PurePosixPath(filename).suffix.lower()
    try:
        text = decode(data, filename)
    except Exception as err:  # noqa: BLE001 - InputError says which byte is bad
        raise HTTPException(422, str(err)) from None
    if suffix == ".txt":
        return build_article(text, article_id=article_id or file_stem(filename), source=f"upload:{filename}")
    if suffix in (".html", ".htm"):
        article = article_from_html(text, article_id or file_stem(filename), f"upload:{filename}")
        if article is None:
            raise HTTPException(422, f"{filename}: no main text found in the HTML page")
        return build_article(article.text, article_id=article.id, title=article.title, published=article.published,
                             url=article.url, outlet=article.outlet, source=article.source or "upload")
    raise HTTPException(415, f"{filename}: upload a .txt or .html file")


@dataclass
class Ingested:
    """What adding an article did."""

    article_id: str
    stored: bool  # False: this exact article was already stored
    events: int
    seconds: float


def ingest_article(store: Store, article: Article) -> Ingested:
    """Check, process and store one article (replacing an older version with the same id)."""
    problem = check_article(article)
    if problem:
        raise HTTPException(422, f"cannot process this article: {problem}")
    started = time.perf_counter()
    if store.has_article(content_hash(article.id, article.text)):
        return Ingested(article.id, False, 0, time.perf_counter() - started)
    with _PIPELINE:
        doc = process(article)
    stored = store.save_docs([doc]) == 1
    elapsed = time.perf_counter() - started
    log.info("ingested %s: %d events in %.2f s", article.id, len(doc.events), elapsed)
    return Ingested(article.id, stored, len(doc.events), elapsed)


def warm_up() -> None:
    """Load the pipeline's lexicons now, so the first article added is not the slow one."""
    try:
        with _PIPELINE:
            process(Article(id="warm-up", text="اتفقت روسيا والولايات المتحدة على وقف إطلاق النار في سوريا."))
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first article is slower
        log.warning("pipeline warm-up failed", exc_info=True)
