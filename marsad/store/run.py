"""``marsad run``: read → skip what is stored → process → store, resumably.

The run streams articles: each is hashed and, if the database already holds that exact
article, passed over *before* processing, so re-running over a growing folder costs only
the new articles. Processed articles are committed in batches (``batch`` articles or
``FLUSH_SECONDS``, whichever comes first); a run killed at any moment loses at most the
uncommitted batch, and the next run redoes exactly those articles. Inputs that could not
be read or processed are recorded in the ``skipped`` table with the run's id.

With ``workers`` > 1 the per-article pipeline runs in that many processes
(``marsad.parallel``); reading, the already-stored check and every write stay in this
process, and docs come back in input order, so the database ends up exactly as after a
one-process run.
"""

from __future__ import annotations

import itertools
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from marsad.ingest import read
from marsad.ingest.metadata import with_metadata
from marsad.parallel import WorkerPeaks, process_parallel
from marsad.store import open_store
from marsad.store.base import Store, article_digest
from marsad.types import Article, Doc, Skipped

__all__ = ["run", "RunSummary"]

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0  # commit at least this often, so a kill loses little work
PROGRESS_EVERY = 0.5  # seconds between progress-line updates


@dataclass
class RunSummary:
    """What a run did. ``processed`` articles were stored; ``already_stored`` were not redone."""

    run_id: int
    db: str
    read: int = 0
    already_stored: int = 0
    processed: int = 0
    events: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """The numbers, as recorded in the ``runs`` table."""
        return {"read": self.read, "already_stored": self.already_stored, "processed": self.processed,
                "events": self.events, "skipped": len(self.skipped), "seconds": round(self.seconds, 2)}

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "db": self.db, **self.counts(),
                "skipped_inputs": [s.as_dict() for s in self.skipped]}

    def __str__(self) -> str:
        rate = self.processed / self.seconds if self.seconds else 0.0
        return (f"{self.read} read, {self.already_stored} already stored, {self.processed} processed "
                f"({rate:.1f}/s), {self.events} events, {len(self.skipped)} skipped, {self.seconds:.1f} s → {self.db}")


def run(paths: Iterable[str | Path] | str | Path, db: str | Path | Store, *, batch: int = 200,
        progress: bool | None = None, skipped_out: list[Skipped] | None = None,
        limit: int | None = None, workers: int = 1, peaks: WorkerPeaks | None = None,
        metadata: dict[str, dict[str, str]] | None = None) -> RunSummary:
    """Process the articles under ``paths`` that ``db`` does not hold yet, and store them.

    ``db``: a path or URL (see ``open_store``) or an open ``Store`` (left open).
    ``progress``: a progress line on stderr; None = only when stderr is a terminal.
    ``skipped_out``: a list that also receives every ``Skipped`` (for exit codes).
    ``limit``: stop after this many articles read (for trials and benchmarks).
    ``workers``: processes for the per-article pipeline (1 = in this process).
    ``peaks``: receives the workers' peak memory (benchmarks).
    ``metadata``: article id → published/title/url/outlet from a sidecar (``ingest.metadata``).
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    store = db if isinstance(db, Store) else open_store(db)
    try:
        return _run(paths, store, batch, _Progress.maybe(progress), skipped_out, limit, workers, peaks, metadata)
    finally:
        if store is not db:
            store.close()


def _run(paths: list[str | Path], store: Store, batch: int, bar: _Progress | None,
         skipped_out: list[Skipped] | None, limit: int | None, workers: int,
         peaks: WorkerPeaks | None, metadata: dict[str, dict[str, str]] | None) -> RunSummary:
    started = time.monotonic()
    run_id = store.start_run({"paths": [str(p) for p in paths], "batch": batch, "limit": limit,
                              "workers": workers})
    summary = RunSummary(run_id=run_id, db=store.url)
    recorded = 0  # skipped items already written to the database
    try:
        articles = _unstored(itertools.islice(with_metadata(read(paths, summary.skipped), metadata), limit),
                             store, summary)
        # closing(): a failed commit or Ctrl-C stops the workers at once, not when collected
        with closing(process_parallel(articles, summary.skipped, workers=workers, peaks=peaks)) as docs:
            for group in _batches(_ticking(docs, summary, bar, started), batch):
                summary.processed += store.save_docs(group, run_id)
                summary.events += sum(len(d.events) for d in group)
                recorded = _record_skips(store, run_id, summary.skipped, recorded)
        recorded = _record_skips(store, run_id, summary.skipped, recorded)
    finally:
        summary.seconds = time.monotonic() - started
        if bar:
            bar.done(summary)
        if skipped_out is not None:
            skipped_out.extend(summary.skipped)
    store.finish_run(run_id, summary.counts())
    log.info("run %d: %s", run_id, summary)
    return summary


def _unstored(articles: Iterable[Article], store: Store, summary: RunSummary) -> Iterator[Article]:
    """The articles the store does not hold, each once (duplicates in the input count as stored)."""
    seen: set[str] = set()
    for article in articles:
        summary.read += 1
        digest = article_digest(article)
        if digest in seen or store.has_article(digest):
            summary.already_stored += 1
            continue
        seen.add(digest)
        yield article


def _ticking(docs: Iterable[Doc], summary: RunSummary, bar: _Progress | None, started: float) -> Iterator[Doc]:
    """Pass docs through, refreshing the progress line (it throttles itself)."""
    for doc in docs:
        if bar:
            summary.seconds = time.monotonic() - started
            bar.show(summary)
        yield doc


def _batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    """Groups of ``size`` docs, cut early after ``FLUSH_SECONDS`` so slow input still commits."""
    group: list[Doc] = []
    opened = time.monotonic()
    for doc in docs:
        group.append(doc)
        if len(group) >= size or time.monotonic() - opened >= FLUSH_SECONDS:
            yield group
            group, opened = [], time.monotonic()
    if group:
        yield group


def _record_skips(store: Store, run_id: int, skipped: list[Skipped], recorded: int) -> int:
    store.record_skip(run_id, skipped[recorded:])
    return len(skipped)


class _Progress:
    """A one-line, self-overwriting progress report on stderr (no dependency needed)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.last = 0.0

    @classmethod
    def maybe(cls, wanted: bool | None) -> _Progress | None:
        if wanted is None:
            wanted = sys.stderr.isatty()
        return cls(sys.stderr) if wanted else None

    def show(self, summary: RunSummary, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY:
            self.last = now
            rate = summary.processed / summary.seconds if summary.seconds else 0.0
            self.stream.write(f"\rmarsad run: {summary.read:,} read, {summary.already_stored:,} already stored, "
                              f"{summary.processed:,} processed ({rate:.1f}/s), {summary.events:,} events, "
                              f"{len(summary.skipped):,} skipped ")
            self.stream.flush()

    def done(self, summary: RunSummary) -> None:
        self.show(summary, force=True)
        self.stream.write("\n")
        self.stream.flush()
