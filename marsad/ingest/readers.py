"""One reader per input format. Each yields ``Article`` or ``Skipped``; none raises on bad data."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Protocol

from marsad.errors import InputError
from marsad.types import Article, Skipped

log = logging.getLogger(__name__)


class Reader(Protocol):
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> Iterator[Article | Skipped]: ...

    def read_stream(self, stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
        """The same from an open binary stream named ``name`` (a path or URL): for files not
        on the local disk, such as those the Spark job receives as bytes."""
        ...


def stem(name: str) -> str:
    """File name without directories and extension, for a local path or a URL alike."""
    return PurePosixPath(name).stem


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); InputError naming the bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        raise InputError(
            source, f"not valid UTF-8 (byte 0x{bad} at offset {err.start}); convert it, e.g. iconv -f cp1256 -t utf-8"
        ) from None


class TxtReader:
    """A plain-text scrape: one article per file, id = file name without extension."""

    suffixes = (".txt",)

    def read(self, path: Path) -> Iterator[Article | Skipped]:
        with path.open("rb") as handle:
            yield from self.read_stream(handle, str(path))

    def read_stream(self, stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
        yield Article(id=stem(name), text=decode(stream.read(), name), source=name)


class HtmlReader:
    """A saved web page: main text, title, date and site name extracted by trafilatura."""

    suffixes = (".html", ".htm")

    def read(self, path: Path) -> Iterator[Article | Skipped]:
        with path.open("rb") as handle:
            yield from self.read_stream(handle, str(path))

    def read_stream(self, stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
        article = article_from_html(decode(stream.read(), name), stem(name), name)
        if article is None:
            yield Skipped(name, "no main text found in the HTML page")
        else:
            yield article


def article_from_html(html: str, article_id: str, source: str, url: str | None = None) -> Article | None:
    """Extract one article from an HTML page, or None when the page has no main text."""
    import trafilatura  # imported here: loading it costs ~0.3 s and only HTML needs it

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None or not (doc.text or "").strip():
        return None
    return Article(
        id=article_id,
        text=doc.text,
        published=doc.date or None,
        title=doc.title or None,
        url=doc.url or url,
        outlet=doc.sitename or None,
        source=source,
        meta={"format": "html", "date_from": "page metadata"} if doc.date else {"format": "html"},
    )


class JsonlReader:
    """One JSON object a line: ``id``, ``text`` and optional ``published``, ``title``, ``url``, ``outlet``."""

    suffixes = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".jsonl.bz2", ".json.gz", ".ndjson.gz")

    def read(self, path: Path) -> Iterator[Article | Skipped]:
        with path.open("rb") as handle:
            yield from self.read_stream(handle, str(path))

    def read_stream(self, stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
        with _text(stream, name) as handle:
            yield from self.read_lines(handle, name, PurePosixPath(name).name.split(".")[0])

    def read_stdin(self) -> Iterator[Article | Skipped]:
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
        yield from self.read_lines(stream, "<stdin>", "stdin")

    def read_lines(self, handle: IO[str], name: str, stem: str) -> Iterator[Article | Skipped]:
        lineno = 0
        while True:
            lineno += 1
            try:
                line = handle.readline()
            except UnicodeDecodeError as err:
                yield Skipped(f"{name}:{lineno}", f"not valid UTF-8 ({err.reason}); rest of file not read")
                return
            if not line:
                return
            if line.strip():
                yield article_from_json(line, f"{name}:{lineno}", f"{stem}-{lineno}")


def article_from_json(line: str, where: str, fallback_id: str) -> Article | Skipped:
    """One article from one JSON line; a Skipped naming the line and the problem otherwise."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return Skipped(where, f"invalid JSON ({err.msg} at column {err.colno})")
    if not isinstance(obj, dict):
        return Skipped(where, f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        return Skipped(where, "no 'text' field (a string) in the object")
    article_id = obj.get("id")
    article_id = str(article_id) if article_id not in (None, "") else fallback_id
    known = {"id", "text", "published", "title", "url", "outlet"}
    return Article(
        id=article_id,
        text=text,
        published=obj.get("published") or None,
        title=_str_or_none(obj.get("title")),
        url=_str_or_none(obj.get("url")),
        outlet=_str_or_none(obj.get("outlet")),
        source=where,
        meta={k: v for k, v in obj.items() if k not in known},
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _text(stream: IO[bytes], name: str) -> IO[str]:
    """UTF-8 text of a binary stream, decompressed when ``name`` ends in .gz or .bz2."""
    lower = name.lower()
    if lower.endswith(".gz"):
        return gzip.open(stream, "rt", encoding="utf-8-sig")
    if lower.endswith(".bz2"):
        return bz2.open(stream, "rt", encoding="utf-8-sig")
    return io.TextIOWrapper(stream, encoding="utf-8-sig")


READERS: dict[str, Reader] = {"txt": TxtReader(), "html": HtmlReader(), "jsonl": JsonlReader()}


def reader_for(path: PurePath) -> Reader | None:
    """The reader whose suffixes match ``path`` (compound suffixes such as .jsonl.gz first)."""
    name = path.name.lower()
    matches = [(s, r) for r in READERS.values() for s in r.suffixes if name.endswith(s)]
    return max(matches, key=lambda m: len(m[0]))[1] if matches else None
