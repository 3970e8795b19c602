"""Whole-pipeline speed and sport precision on the ANT corpus (needs ../shared/).

    python benchmarks/bench_pipeline.py [--limit N] [--filter fast|e5|off]

Reports articles per second per core for clean, tokens, actors and events separately
and together (one process), and the conflict events per article by ANT category:
sport, technology and culture should have almost none (target well under 0.1).
The ANT corpus is read in place and never copied (cite https://antcorpus.github.io).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import time
from pathlib import Path

import marsad
from marsad.events.filter import FILTER_MODES, set_filter_mode
from marsad.pipeline import STAGES
from marsad.types import Doc

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpus" / "ant" / "ant_dev.jsonl.gz"
CONFLICT = {"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "THREATEN"}


def load(limit: int) -> list[tuple[marsad.Article, str]]:
    out = []
    with gzip.open(ANT, "rt", encoding="utf-8") as handle:
        for _, line in zip(range(limit), handle, strict=False):
            row = json.loads(line)
            article = marsad.Article(id=row["id"], text=row["text"], published=row.get("published"),
                                     title=row.get("title"), outlet=row.get("outlet"))
            out.append((article, row.get("category", "?")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=20000)
    parser.add_argument("--filter", choices=FILTER_MODES, default="fast", help="event filter mode to time")
    args = parser.parse_args()
    set_filter_mode(args.filter)
    rows = load(args.limit)
    marsad.process(rows[0][0])  # load every table before timing
    docs = [Doc(article=a) for a, _ in rows]
    timings = {}
    for name, stage in STAGES:
        started = time.perf_counter()
        for doc in docs:
            stage(doc)
        timings[name] = time.perf_counter() - started
    total = sum(timings.values())
    n = len(docs)
    print(f"ANT articles: {n} (event filter: {args.filter})")
    for name, seconds in timings.items():
        print(f"  {name:8s} {n / seconds:9.0f} articles/s  ({seconds:.1f} s)")
    print(f"  {'all':8s} {n / total:9.0f} articles/s per core ({total:.1f} s)")
    per_cat: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for doc, (_, cat) in zip(docs, rows, strict=True):
        reported = [e for e in doc.events if not {"negation", "hypothetical"} & set(e.aux)]
        per_cat[cat][0] += 1
        per_cat[cat][1] += sum(e.event_type in CONFLICT for e in reported)
        per_cat[cat][2] += len(reported)
    print("events per article by category (conflict / all):")
    for cat, (articles, conflict, events) in sorted(per_cat.items()):
        print(f"  {cat:20s} {articles:6d} articles  {conflict / articles:6.3f} conflict  {events / articles:6.3f} all")


if __name__ == "__main__":
    main()
