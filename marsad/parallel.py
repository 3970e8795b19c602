"""The per-article pipeline in several processes, streaming, with results in input order.

``process_parallel(articles, skipped, workers=N)`` is ``process_all`` spread over N worker
processes: articles are sent in small chunks, at most ``IN_FLIGHT_PER_WORKER`` chunks per
worker are outstanding at any time (so memory stays flat however large the input), and
docs come back in the order the articles went in, so a parallel run stores exactly what
a one-process run stores. Docs come back without their tokens (``slim_for_store`` has
computed what the store needs from them first): unpickling tokens cost the caller more
than storing the doc. Each worker runs ``process_all`` on its chunk: an article that
fails becomes a ``Skipped`` there, as in one process. The caller alone touches the
database; workers only compute.

Workers are forked where the platform allows it (Linux), so they share the parent's
loaded modules and any settings made before the run (user actor files, extra stages);
elsewhere they are spawned and load marsad afresh.
"""

from __future__ import annotations

import copyreg
import itertools
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from marsad.errors import MarsadError
from marsad.pipeline import process_all
from marsad.store.base import slim_for_store
from marsad.types import Article, Doc, Skipped, Token

__all__ = ["process_parallel", "WorkerPeaks", "CHUNK", "IN_FLIGHT_PER_WORKER"]

log = logging.getLogger(__name__)

CHUNK = 8  # articles per task: large enough to amortise the hand-over, small enough to balance load
IN_FLIGHT_PER_WORKER = 8  # chunks queued per worker: keeps workers busy while the caller commits


@dataclass
class WorkerPeaks:
    """Peak resident memory (VmHWM, KiB) of each worker process, by pid (for benchmarks and logs)."""

    kib: dict[int, int] = field(default_factory=dict)

    def record(self, pid: int, peak_kib: int) -> None:
        self.kib[pid] = max(peak_kib, self.kib.get(pid, 0))

    @property
    def max_mib(self) -> float:
        return max(self.kib.values(), default=0) / 1024


def process_parallel(articles: Iterable[Article], skipped: list[Skipped] | None = None, *, workers: int = 1,
                     chunk: int = CHUNK, peaks: WorkerPeaks | None = None) -> Iterator[Doc]:
    """Process ``articles`` in ``workers`` processes; docs come in input order, failures go to ``skipped``.

    ``workers`` <= 1 processes in this process (``process_all``, no pool at all).
    """
    if workers <= 1:
        yield from process_all(articles, skipped)
        return
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker)
    pending: deque[Future] = deque()
    try:
        for part in _chunks(articles, chunk):
            pending.append(pool.submit(_process_chunk, part))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from _collect(pending.popleft(), skipped, peaks)
        while pending:
            yield from _collect(pending.popleft(), skipped, peaks)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """Fork on Linux (cheap, inherits settings); the platform's default elsewhere."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _init_worker() -> None:
    """Ctrl-C is the parent's to handle: it stops the pool and keeps what was committed.
    One thread per worker for the e5 filter's model: the workers already fill the cores."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_NUM_THREADS"] = "1"


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while part := list(itertools.islice(iterator, size)):
        yield part


def _process_chunk(articles: list[Article]) -> tuple[list[Doc], list[Skipped], int, int]:
    """In a worker: ``process_all`` on one chunk; returns docs, skips, pid and peak memory (KiB)."""
    skipped: list[Skipped] = []
    docs = [slim_for_store(doc) for doc in process_all(articles, skipped)]
    return docs, skipped, os.getpid(), _peak_kib()


def _collect(future: Future, skipped: list[Skipped] | None, peaks: WorkerPeaks | None) -> list[Doc]:
    try:
        docs, failed, pid, peak = future.result()
    except BrokenProcessPool:
        raise MarsadError("a worker process died (killed, or out of memory?); what was committed is kept: "
                          "run the same command again to resume, with fewer --workers if memory is short") from None
    if skipped is not None:
        skipped.extend(failed)
    if peaks is not None:
        peaks.record(pid, peak)
    return docs


def _peak_kib() -> int:
    """This process's peak resident set size in KiB (VmHWM; 0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reduce_token(token: Token) -> tuple[type[Token], tuple]:
    """Pickle a Token as its constructor call: a doc holds hundreds of them, and the
    dataclass default (a state list set field by field) makes handing docs back from
    workers cost a third of processing them; this halves that."""
    return Token, (token.text, token.key, token.start, token.end, token.kind)


copyreg.pickle(Token, _reduce_token)
