"""Crawl archives: WARC and ARC files (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``), read with warcio.

Each HTML ``response`` record (status 2xx) goes through the same extraction as a saved
``.html`` page (``readers.article_from_html``). Everything else in a crawl, such as requests,
metadata, images, scripts, redirects and error pages, is not an article and is passed over
silently. ``WARC-Target-URI`` becomes ``Article.url`` and the article id is derived from
it (stable across runs and crawls); ``WARC-Date`` is when the page was *crawled*, kept in
``meta["crawl_date"]``, never as the publication date.

warcio treats a file that ends early as a clean end, so a truncated download would lose
its tail without a word. This reader notices: gzip is decompressed here, strictly, and a
record shorter than its ``Content-Length`` is reported; the pages read before the damage
are kept and the file is reported as a ``Skipped``.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from marsad.errors import InputError
from marsad.ingest.readers import article_from_html
from marsad.types import Article, Skipped

__all__ = ["WarcReader", "article_id_from_url"]

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FALLBACK_ENCODINGS = ("utf-8", "windows-1256")  # Arabic sites that do not declare UTF-8 mostly use cp1256
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class WarcReader:
    """Web crawl archives: one article per HTML page (see the module notes)."""

    suffixes = (".warc", ".warc.gz", ".arc", ".arc.gz")

    def read(self, path: Path) -> Iterator[Article | Skipped]:
        with path.open("rb") as handle:
            yield from self.read_stream(handle, str(path))

    def read_stream(self, stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        raw: Any = _StrictGzip(stream, name) if name.lower().endswith(".gz") else stream
        try:
            for record in ArchiveIterator(raw, arc2warc=True):
                item = _item_from_record(record, name)
                _check_complete(record, name)
                if item is not None:
                    yield item
        except ArchiveLoadFailed as err:
            raise InputError(name, f"not a readable WARC/ARC file ({_first_line(err)})") from None


def _item_from_record(record: Any, name: str) -> Article | Skipped | None:
    """The article of an HTML response record, a Skipped when it has no text, None when it is not a page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not content_type.startswith(HTML_TYPES):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = f"{name}:{url}" if url else name
    body = record.content_stream().read()
    html = _html_text(body, content_type)
    article = article_from_html(html, article_id_from_url(url) if url else _digest_id(body), source, url or None)
    if article is None:
        return Skipped(source, "no main text found in the HTML page")
    article.url = url or article.url
    article.meta.update(format="warc", crawl_date=record.rec_headers.get_header("WARC-Date"))
    if record_id := record.rec_headers.get_header("WARC-Record-ID"):
        article.meta["warc_record_id"] = record_id
    return article


def article_id_from_url(url: str) -> str:
    """A stable article id from a page URL: host and a hash (the same URL is the same article)."""
    host = urlsplit(url).hostname or "page"
    return f"{host.removeprefix('www.')}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:16]}"


def _digest_id(body: bytes) -> str:
    return f"page-{hashlib.sha1(body).hexdigest()[:16]}"


def _html_text(body: bytes, content_type: str) -> str:
    """The page's text: the declared charset (HTTP header, then <meta>), else UTF-8, else windows-1256."""
    declared = [m.group(1).decode("ascii", "replace") for m in [_META_CHARSET.search(body[:4096])] if m]
    header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type)
    for encoding in ([header.group(1)] if header else []) + declared + list(FALLBACK_ENCODINGS):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace")


def _check_complete(record: Any, name: str) -> None:
    """Raise when the record's body ended before its declared length: the file is truncated."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        url = record.rec_headers.get_header("WARC-Target-URI") or "?"
        raise InputError(name, f"truncated WARC file: record for {url} lacks {missing} bytes; rest of file not read")


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0][:120] if str(err).strip() else type(err).__name__


class _StrictGzip:
    """Multi-member gzip decompression that raises on a truncated or corrupt file.

    warcio takes an ``EOFError`` for the end of the archive, so the one gzip raises on a
    cut file is turned into an ``InputError`` that warcio lets through.
    """

    def __init__(self, stream: IO[bytes], name: str):
        self._gzip = gzip.GzipFile(fileobj=stream, mode="rb")
        self._name = name

    def read(self, size: int = -1) -> bytes:
        try:
            return self._gzip.read1(size)
        except (EOFError, OSError, zlib.error) as err:
            raise InputError(self._name, f"truncated or corrupt gzip ({err}); rest of file not read") from None

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._gzip.readline(size)
        except (EOFError, OSError, zlib.error) as err:
            raise InputError(self._name, f"truncated or corrupt gzip ({err}); rest of file not read") from None

    def close(self) -> None:
        self._gzip.close()
