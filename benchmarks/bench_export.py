"""Benchmark exports: merged events (event groups) written per second, per format.

Uses an existing database (build one with, e.g.,
``marsad run ../shared/corpus/ant/ant_dev.jsonl.gz --db /tmp/ant.db --limit 1500``)
and writes each format into a temporary folder, best of ``--repeat`` runs.

Usage: python benchmarks/bench_export.py --db /tmp/ant.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from marsad.outputs.export import export
from marsad.store import open_store

log = logging.getLogger("bench_export")

FORMATS = {"jsonl": "events.jsonl", "csv": "events.csv", "tsv": "events.tsv", "parquet": "events.parquet",
           "graphml": "network.graphml", "gexf": "network.gexf"}


def best_time(store, fmt: str, path: Path, repeat: int) -> tuple[float, int]:
    """Fastest of ``repeat`` exports (seconds) and how many records (graphs: edges) it wrote."""
    best, n = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        n = export(store, path, fmt)
        best = min(best, time.perf_counter() - started)
    return best, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="Database written by `marsad run`.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per format; the best is reported.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    with open_store(args.db, migrate=False) as store, tempfile.TemporaryDirectory() as folder:
        groups, mentions = store.count("event_groups"), store.count("events")
        log.info("%s: %d merged events from %d mentions", args.db, groups, mentions)
        for fmt, name in FORMATS.items():
            seconds, n = best_time(store, fmt, Path(folder) / name, args.repeat)
            unit = "edges" if fmt in ("graphml", "gexf") else "merged events"
            size = (Path(folder) / name).stat().st_size / 1e6
            log.info("%-8s %6d %s in %.3f s = %8.0f %s/s  (%.1f MB)", fmt, n, unit, seconds, n / seconds, unit, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
