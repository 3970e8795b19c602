"""Parallel runs: articles/s with 1 and N worker processes, speed-up, memory per worker, SQLite ingest.

    python benchmarks/bench_parallel.py [--limit 2000] [--workers 1,2] [--repeat 1] [--input FILE]

On the first ``--limit`` articles of the ANT corpus (read in place, never copied; cite
https://antcorpus.github.io), or of ``--input``, measures:

- ``run``: the whole ``marsad run --workers N`` into a fresh SQLite file (read → process →
  store), articles/s;
- ``pipeline``: ``marsad.parallel.process_parallel`` alone, no database (the per-article
  pipeline plus handing docs back from the workers), articles/s and per core;
- the speed-up over one worker, and the peak resident memory (VmHWM) of each worker and
  of the main process (which reads, and writes the database);
- ``store only``: saving already-processed docs into SQLite (``bench_store.store_only``).

Each measurement runs in a fresh Python process, so memory figures are not inflated by
earlier ones. Per-stage speeds are in bench_pipeline.py; the store in bench_store.py.
Targets: 100+ articles/s per core for the pipeline, near-linear speed-up from 1 to 2
workers, under 500 MB per worker.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table  # noqa: E402 - benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "corpus" / "ant" / "ant_dev.jsonl.gz"

TARGET_PER_CORE = 100.0  # articles/s per core, whole pipeline
TARGET_MB = 500.0  # per worker


def vm_hwm_mib() -> float:
    """This process's peak resident memory in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure_run(source: str, limit: int, workers: int, db: str) -> dict:
    """In a child process: the whole `marsad run` into ``db``."""
    from marsad.parallel import WorkerPeaks
    from marsad.store.run import run

    peaks = WorkerPeaks()
    summary = run([source], db, limit=limit, workers=workers, progress=False, peaks=peaks)
    return {"articles": summary.processed, "seconds": summary.seconds, "events": summary.events,
            "worker_mib": peaks.max_mib if workers > 1 else vm_hwm_mib(), "main_mib": vm_hwm_mib()}


def measure_pipeline(source: str, limit: int, workers: int) -> dict:
    """In a child process: the per-article pipeline over articles already in memory, no database."""
    import marsad
    from marsad.parallel import WorkerPeaks, process_parallel

    articles = list(itertools.islice(marsad.read(source), limit))
    if workers == 1:
        marsad.process(articles[0])  # load the tables first, as a forked worker finds them
    peaks = WorkerPeaks()
    started = time.perf_counter()
    n = sum(1 for _ in process_parallel(articles, workers=workers, peaks=peaks))
    seconds = time.perf_counter() - started
    return {"articles": n, "seconds": seconds, "events": 0,
            "worker_mib": peaks.max_mib if workers > 1 else vm_hwm_mib(), "main_mib": vm_hwm_mib()}


def measure_store(source: str, limit: int, db: str) -> dict:
    """In a child process: saving processed docs into SQLite, the cost the store adds (bench_store's)."""
    import marsad
    from marsad.parallel import process_parallel

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_store import store_only

    docs = list(process_parallel(itertools.islice(marsad.read(source), limit), workers=os.cpu_count() or 1))
    seconds = store_only(docs, db, 200)
    return {"articles": len(docs), "seconds": seconds}


def child(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    if args.child == "run":
        result = measure_run(args.input, args.limit, args.workers_n, args.db)
    elif args.child == "pipeline":
        result = measure_pipeline(args.input, args.limit, args.workers_n)
    else:
        result = measure_store(args.input, args.limit, args.db)
    print(json.dumps(result))


def in_child(mode: str, source: str, limit: int, workers: int = 1) -> dict:
    """Run one measurement in a fresh interpreter (clean memory figures, nothing cached)."""
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        cmd = [sys.executable, __file__, "--child", mode, "--input", source, "--limit", str(limit),
               "--workers-n", str(workers), "--db", str(Path(tmp) / "bench.db")]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"benchmark child failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(mode: str, source: str, limit: int, workers: int, repeat: int) -> dict:
    """The fastest of ``repeat`` measurements (others running on the machine only slow things down)."""
    results = [in_child(mode, source, limit, workers) for _ in range(repeat)]
    return max(results, key=lambda r: r["articles"] / r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default=str(ANT), help="JSONL(.gz) of articles (default: the ANT dev corpus)")
    parser.add_argument("--limit", type=int, default=2000, help="articles to use (the first N)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2,4")
    parser.add_argument("--repeat", type=int, default=1, help="measure each this many times, keep the best")
    parser.add_argument("--child", choices=["run", "pipeline", "store"], help=argparse.SUPPRESS)
    parser.add_argument("--workers-n", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not Path(args.input).exists():
        sys.exit(f"{args.input} not found (../shared must be beside the checkout, or give --input)")
    counts = [int(w) for w in args.workers.split(",")]
    rows, base = [], {}
    summary: dict[str, dict[int, dict]] = {"run": {}, "pipeline": {}}
    for mode in ("run", "pipeline"):
        for workers in counts:
            r = best(mode, args.input, args.limit, workers, args.repeat)
            summary[mode][workers] = r
            rate = r["articles"] / r["seconds"]
            base.setdefault(mode, rate)
            rows.append([mode, str(workers), str(r["articles"]), f"{r['seconds']:.1f}", f"{rate:.1f}",
                         f"{rate / workers:.1f}", f"{rate / base[mode]:.2f}x", f"{r['worker_mib']:.0f}",
                         f"{r['main_mib']:.0f}"])
    store = best("store", args.input, args.limit, 1, args.repeat)
    print(f"parallel benchmark: first {args.limit} articles of {Path(args.input).name}; "
          f"{os.cpu_count()} cores; best of {args.repeat}\n")
    print_table(["mode", "workers", "articles", "seconds", "art/s", "art/s/core", "speed-up", "peak MB/worker",
                 "main MB"], rows)
    print(f"\nSQLite ingest (store only, batches of 200): {store['articles'] / store['seconds']:.0f} articles/s")
    report_targets(summary, counts)


def report_targets(summary: dict[str, dict[int, dict]], counts: list[int]) -> None:
    """The issue's targets, met or not."""
    one = summary["pipeline"][counts[0]]
    per_core = one["articles"] / one["seconds"] / counts[0]
    print(f"target 100+ articles/s per core (pipeline): {per_core:.0f} → {'met' if per_core >= TARGET_PER_CORE else 'NOT met'}")
    if len(counts) > 1:
        for mode in ("pipeline", "run"):
            lo, hi = summary[mode][counts[0]], summary[mode][counts[-1]]
            speedup = (hi["articles"] / hi["seconds"]) / (lo["articles"] / lo["seconds"])
            print(f"speed-up {counts[0]}→{counts[-1]} workers ({mode}): {speedup:.2f}x "
                  f"(linear: {counts[-1] / counts[0]:.0f}x)")
    worst = max(r["worker_mib"] for mode in summary.values() for r in mode.values())
    print(f"target < {TARGET_MB:.0f} MB per worker: peak {worst:.0f} MB → {'met' if worst < TARGET_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
