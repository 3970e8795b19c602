"""Ingest stage: turn files, folders and feeds into ``Article`` records.

Supported inputs: a folder (searched recursively), ``.txt`` (one article, id = file
name), ``.jsonl``/``.ndjson``/``.json`` (one article a line; ``.gz``/``.bz2`` too),
``.html``/``.htm`` (main text and metadata by trafilatura), web crawls in
``.warc``/``.warc.gz`` (and ARC; one article per HTML page, see ``ingest.warc``) and
``-`` (JSONL on stdin).
Bad input never stops a run: it becomes a ``Skipped`` record with a clear reason,
logged once, and the rest goes on.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from marsad.errors import InputError
from marsad.ingest.checks import check_article
from marsad.ingest.readers import READERS, reader_for
from marsad.ingest.warc import WarcReader
from marsad.types import Article, Skipped

__all__ = ["read", "read_path", "read_stream", "iter_files", "READERS"]

READERS.setdefault("warc", WarcReader())  # registered here: warc reuses readers' HTML extraction

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
        yield Skipped(str(path), "folder holds no .txt, .jsonl, .json, .html, .htm or .warc file")


def iter_files(folder: Path) -> Iterator[Path]:
    """Readable files under ``folder`` in a stable (sorted) order, hidden files left out."""
    for file in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in file.relative_to(folder).parts)
        if file.is_file() and not hidden and reader_for(file) is not None:
            yield file


def read_stream(stream: IO[bytes], name: str) -> Iterator[Article | Skipped]:
    """Articles and skips from one file's bytes; ``name`` (a path or URL) picks the reader.

    The same checks and error handling as for a local file: the Spark job reads remote
    files (HDFS, S3) as bytes and must turn them into exactly the articles a local run would.
    """
    reader = reader_for(PurePosixPath(name))
    if reader is None:
        yield _unsupported(name, PurePosixPath(name).suffix)
        return
    yield from _guarded(reader.read_stream(stream, name), name)


def _read_file(file: Path) -> Iterator[Article | Skipped]:
    reader = reader_for(file)
    if reader is None:
        yield _unsupported(str(file), file.suffix)
        return
    yield from _guarded(reader.read(file), str(file))


def _unsupported(name: str, suffix: str) -> Skipped:
    return Skipped(name, f"unsupported file type {suffix or '(none)'}; use .txt, .jsonl, .html, .warc")


def _guarded(items: Iterator[Article | Skipped], name: str) -> Iterator[Article | Skipped]:
    """Checked articles from a reader; a file that cannot be read (further) becomes a Skipped."""
    try:
        yield from _checked(items)
    except InputError as err:
        yield Skipped(err.source, err.reason)
    except (OSError, EOFError, zlib.error) as err:
        # a truncated or corrupt file: what was read before stays, the rest is reported
        yield Skipped(name, f"cannot read file: {getattr(err, 'strerror', None) or err}")


def _checked(items: Iterator[Article | Skipped]) -> Iterator[Article | Skipped]:
    for item in items:
        if isinstance(item, Article):
            problem = check_article(item)
            if problem:
                yield Skipped(item.source or item.id, problem)
                continue
        yield item
