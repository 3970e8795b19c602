"""Cleaning speed and glued-word repair rates on real news (needs ../shared/).

    python benchmarks/bench_clean.py [--limit N]

Reports articles per second for ingest+clean and for sentence/token analysis on the
ANT corpus (read in place, never copied), and how often glue repair splits a token in
text whose spacing is already right (the GSR dev sentences and ANT articles): every
such split is counted as suspect (a reader checks the listed samples).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import re
import time
from pathlib import Path

from marsad.analyse.tokens import analyse_text
from marsad.clean import clean_text
from marsad.clean.glue import split_glued, zipf_table

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpus" / "ant" / "ant_dev.jsonl.gz"
GSR = SHARED / "eval" / "gsr"
_WORD = re.compile("[\u0621-\u064a]+")


def ant_texts(limit: int) -> list[str]:
    with gzip.open(ANT, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for _, line in zip(range(limit), handle, strict=False)]


def gsr_texts() -> list[str]:
    return [row["text"] for name in ("assault_dev.csv", "protest_dev.csv")
            for row in csv.DictReader((GSR / name).open(encoding="utf-8"))]


def split_rate(texts: list[str]) -> tuple[int, int, collections.Counter]:
    tokens, splits = 0, collections.Counter()
    for text in texts:
        for m in _WORD.finditer(text):
            tokens += 1
            cuts = split_glued(m.group())
            if cuts:
                w = m.group()
                splits[f"{w} → {' '.join(w[a:b] for a, b in zip([0, *cuts], [*cuts, len(w)], strict=True))}"] += 1
    return tokens, sum(splits.values()), splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=20000, help="ANT articles to use (default: all)")
    args = parser.parse_args()
    zipf_table()  # load the frequency table outside the timed part
    texts = ant_texts(args.limit)
    chars = sum(map(len, texts))

    started = time.perf_counter()
    cleaned = [clean_text(t).text for t in texts]
    t_clean = time.perf_counter() - started
    started = time.perf_counter()
    n_sent = sum(len(analyse_text(t)) for t in cleaned)
    t_tok = time.perf_counter() - started

    print(f"ANT articles: {len(texts)} ({chars / len(texts):.0f} chars on average)")
    print(f"clean:             {len(texts) / t_clean:8.0f} articles/s  ({t_clean:.1f} s)")
    print(f"sentences+tokens:  {len(texts) / t_tok:8.0f} articles/s  ({t_tok:.1f} s, {n_sent} sentences)")
    print(f"clean+analyse:     {len(texts) / (t_clean + t_tok):8.0f} articles/s on one core")
    for name, corpus in (("GSR dev sentences", gsr_texts()), ("ANT articles", texts)):
        tokens, n, samples = split_rate(corpus)
        print(f"glue splits in {name}: {n} of {tokens} tokens = {2000 * n / tokens:.3f} per 2,000 tokens")
        for sample, count in samples.most_common(30):
            print(f"    {count:3d}  {sample}")


if __name__ == "__main__":
    main()
