"""Ingest stage: turn files, folders and feeds into ``Article`` records.

Supported inputs: a folder (searched recursively), ``.txt`` (one article, id = file
name), ``.jsonl``/``.ndjson``/``.json`` (one article a line; ``.gz``/``.bz2`` too),
``.html``/``.htm`` (main text and metadata by trafilatura) and ``-`` (JSONL on stdin).
Bad input never stops a run: it becomes a ``Skipped`` record with a clear reason,
logged once, and the rest goes on.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from marsad.errors import InputError
from marsad.ingest.checks import check_article
from marsad.ingest.readers import READERS, reader_for
from marsad.types import Article, Skipped

__all__ = ["read", "read_path", "iter_files", "READERS"]

log = logging.getLogger(__name__)


def read(paths: Iterable[str | Path] | str | Path, skipped: list[Skipped] | None = None) -> Iterator[Article]:
    """Yield every usable article under ``paths``; append what was skipped to ``skipped``.

    Each skip is also logged as a warning naming the file (and line) and the reason.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for path in paths:
        for item in read_path(path):
            if isinstance(item, Skipped):
                log.warning("skipped %s", item)
                if skipped is not None:
                    skipped.append(item)
            else:
                yield item


def read_path(path: str | Path) -> Iterator[Article | Skipped]:
    """Articles and skips from one path (file, folder or ``-``)."""
    if str(path) == "-":
        yield from _checked(READERS["jsonl"].read_stdin())
        return
    path = Path(path)
    if not path.exists():
        yield Skipped(str(path), "no such file or folder")
        return
    files = iter_files(path) if path.is_dir() else [path]
    found = False
    for file in files:
        found = True
        yield from _read_file(file)
    if not found:
        yield Skipped(str(path), "folder holds no .txt, .jsonl, .json, .html or .htm file")


def iter_files(folder: Path) -> Iterator[Path]:
    """Readable files under ``folder`` in a stable (sorted) order, hidden files left out."""
    for file in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in file.relative_to(folder).parts)
        if file.is_file() and not hidden and reader_for(file) is not None:
            yield file


def _read_file(file: Path) -> Iterator[Article | Skipped]:
    reader = reader_for(file)
    if reader is None:
        yield Skipped(str(file), f"unsupported file type {file.suffix or '(none)'}; use .txt, .jsonl, .html")
        return
    try:
        yield from _checked(reader.read(file))
    except InputError as err:
        yield Skipped(err.source, err.reason)
    except (OSError, EOFError, zlib.error) as err:
        # a truncated or corrupt file: what was read before stays, the rest is reported
        yield Skipped(str(file), f"cannot read file: {getattr(err, 'strerror', None) or err}")


def _checked(items: Iterator[Article | Skipped]) -> Iterator[Article | Skipped]:
    for item in items:
        if isinstance(item, Article):
            problem = check_article(item)
            if problem:
                yield Skipped(item.source or item.id, problem)
                continue
        yield item
