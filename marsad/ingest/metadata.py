"""Article metadata kept apart from the texts: a sidecar file of publication dates, titles, URLs.

Scraped texts often arrive as bare ``.txt`` files while their dates sit in a spreadsheet
or a feed index. ``marsad run TEXTS --meta FILE`` joins them by article id (for a
``.txt`` file, its name without the extension). The sidecar is JSONL (one object a line)
or CSV/TSV with a header; the id column is ``id`` (or ``doc``/``doc_id``), and the fields
used are ``published`` (ISO date), ``title``, ``url`` and ``outlet``. Lines with no id or
none of those fields are passed over (so an evaluation file that mixes metadata lines and
other records can be given as it is). A sidecar date is the analyst's word: it replaces
a date read from the page.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.types import Article

__all__ = ["load_metadata", "with_metadata", "FIELDS"]

log = logging.getLogger(__name__)

FIELDS = ("published", "title", "url", "outlet")
_ID_KEYS = ("id", "doc", "doc_id", "article_id")
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def load_metadata(path: str | Path) -> dict[str, dict[str, str]]:
    """Article id → its fields, from a JSONL, CSV or TSV sidecar; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such metadata file")
    rows = _csv_rows(path) if path.suffix.lower() in (".csv", ".tsv") else _jsonl_rows(path)
    out: dict[str, dict[str, str]] = {}
    for line, row in rows:
        article_id = next((str(row[k]) for k in _ID_KEYS if row.get(k)), None)
        fields = {f: str(row[f]).strip() for f in FIELDS if row.get(f)}
        if not article_id or not fields:
            continue
        if "published" in fields and not _ISO.fullmatch(fields["published"]):
            raise InputError(f"{path}:{line}", f"published={fields['published']!r} is not an ISO date (YYYY-MM-DD)")
        out.setdefault(article_id, {}).update(fields)
    log.info("%s: metadata for %d articles", path, len(out))
    return out


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{n}", f"not JSON ({err.msg})") from None
            if isinstance(row, dict):
                yield n, row


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh, delimiter=delimiter), 2)


def with_metadata(articles: Iterable[Article], metadata: dict[str, dict[str, str]] | None) -> Iterator[Article]:
    """The articles, each completed from the sidecar when it has an entry for its id (no sidecar: as they are)."""
    for article in articles:
        fields = metadata.get(article.id) if metadata else None
        if fields:
            for name, value in fields.items():
                setattr(article, name, value)
            article.meta["metadata_from"] = "sidecar"
            article.meta.pop("date_from", None)  # the published date is no longer the page's
        yield article
