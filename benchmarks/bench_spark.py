"""Spark local-mode throughput: articles/s of the whole ``marsad spark`` job on N articles.

    python benchmarks/bench_spark.py [--limit 2000] [--partitions 8] [--repeat 1] [--master local[*]] [--input FILE]

Writes the first N articles of the ANT corpus (read in place; cite
https://antcorpus.github.io) or of ``--input`` to a temporary .jsonl.gz outside the
repository, starts one SparkSession, and times the job (read → pipeline on the executors
→ Parquet → event groups) ``--repeat`` times. The session start (JVM) is reported apart:
on a cluster it is paid once per job, whatever the corpus size. Compare with
``bench_parallel.py`` (``marsad run --workers N`` on the same articles).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from _table import print_table  # noqa: E402 - benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "corpus" / "ant" / "ant_dev.jsonl.gz"


def write_sample(source: Path, limit: int, folder: Path) -> Path:
    """The first ``limit`` lines of ``source`` as a gzipped JSONL in ``folder`` (a temporary directory)."""
    opener = gzip.open if source.name.endswith(".gz") else open
    target = folder / "sample.jsonl.gz"
    with opener(source, "rt", encoding="utf-8") as src, gzip.open(target, "wt", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, limit))
    return target


def executor_cores(master: str, spark: object) -> int:
    """Cores the job runs on: N of local[N] (all of local[*]); on a cluster, Spark's default parallelism."""
    if master.startswith("local"):
        inside = master.partition("[")[2].rstrip("]")
        return (os.cpu_count() or 1) if inside in ("", "*") else int(inside.split(",")[0])
    return spark.sparkContext.defaultParallelism  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default=str(ANT), help="JSONL(.gz) of articles (default: the ANT dev corpus)")
    parser.add_argument("--limit", type=int, default=2000, help="articles to use (the first N)")
    parser.add_argument("--partitions", type=int, help="partitions (default: twice the cores)")
    parser.add_argument("--repeat", type=int, default=1, help="run the job this many times in one session")
    parser.add_argument("--master", default="local[*]", help="Spark master (default: local mode, all cores)")
    args = parser.parse_args()
    source = Path(args.input)
    if not source.exists():
        sys.exit(f"{source} not found (../shared must be beside the checkout, or give --input)")
    logging.basicConfig(level=logging.ERROR)
    from marsad.spark import run_job, spark_session

    with tempfile.TemporaryDirectory(prefix="marsad-bench-spark-") as tmp:
        sample = write_sample(source, args.limit, Path(tmp))
        started = time.perf_counter()
        spark = spark_session(args.master, args.partitions or 2 * (os.cpu_count() or 1))
        startup = time.perf_counter() - started
        rows = []
        try:
            cores = executor_cores(args.master, spark)
            for i in range(args.repeat):
                summary = run_job([str(sample)], str(Path(tmp) / "out"), partitions=args.partitions, spark=spark,
                                  overwrite=True)
                rate = summary.articles / summary.seconds
                rows.append([str(i + 1), str(summary.articles), f"{summary.seconds:.1f}", f"{rate:.1f}",
                             f"{rate / cores:.1f}", str(summary.events), str(summary.groups), str(summary.skipped)])
        finally:
            spark.stop()
    print(f"spark benchmark: first {args.limit} articles of {source.name}; master {args.master} "
          f"({cores} cores); session start {startup:.1f} s\n")
    print_table(["run", "articles", "job s", "art/s", "art/s/core", "events", "groups", "skipped"], rows)


if __name__ == "__main__":
    main()
