"""Benchmark the store stage: ingest speed and database size per 1,000 articles.

Reads the first N articles of the shared ANT corpus in place (its text never enters the
repository) and measures, into a fresh SQLite file (and PostgreSQL with --postgres URL):

- ``run``: the whole ``marsad run`` (read → process → store), articles/s;
- ``store only``: saving already-processed docs (the cost the store adds), articles/s;
- ``re-run``: the same input again, every article recognised as stored;
- size: the SQLite file per 1,000 articles, and which tables take the space.

Usage: python benchmarks/bench_store.py [-n 2000] [--batch 200] [--postgres postgresql://…]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table  # noqa: E402 - benchmarks/ is on sys.path when run as a script

import marsad
from marsad.store import open_store
from marsad.store.run import run

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ant" / "ant_dev.jsonl.gz"


def store_only(docs: list[marsad.Doc], target: str, batch: int) -> float:
    """Seconds to save pre-processed docs in batches (what the store itself costs).

    Any stored articles are deleted first (cascading to everything derived), so every
    doc is new again; give SQLite a fresh file, as deletions slow its full-text index.
    """
    with open_store(target) as store:
        with store._transaction():
            store._execute("DELETE FROM articles")
        started = time.perf_counter()
        for i in range(0, len(docs), batch):
            store.save_docs(docs[i : i + batch])
        return time.perf_counter() - started


def timed_run(target: str, n: int, batch: int) -> tuple[float, int]:
    summary = run([CORPUS], target, batch=batch, progress=False, limit=n)
    return summary.seconds, summary.processed


def sqlite_sizes(path: Path) -> tuple[int, list[tuple[str, int]]]:
    """File size after folding the WAL in, and bytes per table (indexes counted with their table)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat d"
                            " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC").fetchall()
    return path.stat().st_size, rows


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds else "-"


def bench(label: str, target: str, docs: list[marsad.Doc], n: int, batch: int, scratch: str) -> list[str]:
    """One backend's row of the table; store-only timing goes to ``scratch``."""
    seconds, processed = timed_run(target, n, batch)
    rerun, _ = timed_run(target, n, batch)
    saving = store_only(docs, scratch, batch)
    return [label, str(processed), f"{seconds:.1f}", rate(processed, seconds), rate(len(docs), saving),
            f"{rerun:.2f}", rate(n, rerun)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="articles to use (the first N of ant_dev)")
    parser.add_argument("--batch", type=int, default=200, help="articles per transaction")
    parser.add_argument("--postgres", help="also benchmark this PostgreSQL URL (an EMPTY database: it is filled)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} not found (../shared must be beside the checkout)")
    logging.basicConfig(level=logging.ERROR)
    docs = list(marsad.process_all(itertools.islice(marsad.read(CORPUS), args.n)))
    header = ["backend", "articles", "run s", "run art/s", "store-only art/s", "re-run s", "re-run art/s"]
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        rows = [bench("sqlite", str(db), docs, args.n, args.batch, str(Path(tmp) / "scratch.db"))]
        size, tables = sqlite_sizes(db)
        if args.postgres:
            rows.append(bench("postgres", args.postgres, docs, args.n, args.batch, args.postgres))
    print(f"store benchmark: first {args.n} articles of {CORPUS.name}, batch {args.batch}\n")
    print_table(header, rows)
    per_k = size / len(docs) * 1000 / 2**20
    print(f"\nSQLite file: {size / 2**20:.1f} MiB for {len(docs)} articles = {per_k:.1f} MiB per 1,000 articles")
    print("space by table (MiB per 1,000 articles, indexes included):")
    print_table(["table", "MiB/1000"], [[name, f"{b / len(docs) * 1000 / 2**20:.2f}"] for name, b in tables])


if __name__ == "__main__":
    main()
