"""Checks every article passes before it enters the pipeline."""

from __future__ import annotations

import datetime as dt
import logging
import re

from marsad.analyse.normalize import arabic_share
from marsad.types import Article

log = logging.getLogger(__name__)

MIN_ARABIC_SHARE = 0.5  # of letters; below it an article is "not Arabic"
MIN_LETTERS = 20  # fewer letters than this is an empty article

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def check_article(article: Article) -> str | None:
    """Return why ``article`` cannot be processed, or None when it can."""
    text = article.text
    letters = sum(1 for ch in text if ch.isalpha())
    if not text.strip():
        return "empty article (no text)"
    if letters < MIN_LETTERS:
        return f"empty article (only {letters} letters)"
    share = arabic_share(text)
    if share < MIN_ARABIC_SHARE:
        return f"not Arabic text ({share:.0%} of letters are Arabic)"
    article.published = normalize_date(article.published, article.source or article.id)
    return None


def normalize_date(value: object, where: str) -> str | None:
    """ISO date (YYYY-MM-DD) from a feed's date field, or None with a warning."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    log.warning("%s: ignoring unreadable publication date %r (want YYYY-MM-DD)", where, text[:40])
    return None
