"""The Scale issue's check: 10,000 ANT articles with three bad inputs, through three runners, same events.

    python benchmarks/check_scale.py [--limit 10000] [--only w1,w2,spark] [--partitions 8]

Builds, in a temporary directory (the ANT text never enters the repository; cite
https://antcorpus.github.io), a corpus of the first ``--limit`` ANT articles with, in the
middle of it:

- an empty article (a feed line with no text),
- a corrupted file (a gzipped feed cut off part-way: the lines before the cut are read),
- a non-Arabic page (an English page in a WARC crawl, next to two Arabic pages),

then runs ``marsad run --workers 1``, ``marsad run --workers 2`` (each into a fresh
SQLite file) and the Spark job in local mode, and compares the event ids (and article
ids) of the three. Prints times, counts, the skips, and whether all agree; exits 1 if not.
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import itertools
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "corpus" / "ant" / "ant_dev.jsonl.gz"
CORRUPT_LINES = 40  # ANT lines in the corrupted file
WARC_PAGES = 2  # ANT articles served as pages in the crawl

ENGLISH = ("The foreign ministers of Egypt and Jordan met in Cairo on Sunday and discussed regional security, "
           "trade and the situation in Gaza, according to a statement released after the meeting. They agreed "
           "to meet again next month and to coordinate their positions at the United Nations.")


def ant_lines(limit: int) -> list[str]:
    with gzip.open(ANT, "rt", encoding="utf-8") as handle:
        return list(itertools.islice(handle, limit))


def build_corpus(folder: Path, limit: int) -> dict[str, str]:
    """The input files; returns what each bad input is."""
    lines = ant_lines(limit)
    half = (limit - CORRUPT_LINES - WARC_PAGES) // 2
    first, corrupt = lines[:half], lines[half : half + CORRUPT_LINES]
    after = half + CORRUPT_LINES
    pages, rest = lines[after : after + WARC_PAGES], lines[after + WARC_PAGES :]
    empty = json.dumps({"id": "check-empty-article", "text": " ", "outlet": "check"}) + "\n"
    middle = len(first) // 2
    with gzip.open(folder / "01-ant.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(first[:middle] + [empty] + first[middle:])
    packed = gzip.compress("".join(corrupt).encode("utf-8"))
    (folder / "02-corrupt.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    write_crawl(folder / "03-crawl.warc.gz", [json.loads(p) for p in pages])
    with gzip.open(folder / "04-ant.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(rest)
    return {"empty article": f"01-ant.jsonl.gz line {middle + 1}", "corrupted file": "02-corrupt.jsonl.gz",
            "non-Arabic page": "03-crawl.warc.gz https://check.example/en/ministers"}


def write_crawl(path: Path, articles: list[dict]) -> None:
    """A small crawl: ANT articles as news pages, and one English page."""
    pages = [(a.get("url") or f"https://check.example/ar/{i}", a.get("title") or "", a["text"], "ar")
             for i, a in enumerate(articles)]
    pages.append(("https://check.example/en/ministers", "Ministers meet", ENGLISH, "en"))
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, title, text, lang in pages:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
            body = (f'<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
                    f"<body><nav><a href='/'>home</a></nav><article><h1>{html.escape(title)}</h1>{paragraphs}"
                    "</article><footer>footer</footer></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2018-10-01T00:00:00Z"}))


def run_local(corpus: Path, db: Path, workers: int) -> dict:
    from marsad.store import open_store
    from marsad.store.run import run

    summary = run([corpus], db, workers=workers, progress=False)
    with open_store(db) as store:
        events = {r[0] for r in store.query("SELECT id FROM events")}
        articles = {r[0] for r in store.query("SELECT id FROM articles")}
    return {"seconds": summary.seconds, "articles": articles, "events": events,
            "skipped": sorted(f"{s.source.removeprefix(f'{corpus}/')}: {s.reason}" for s in summary.skipped)}


def run_spark(corpus: Path, out: Path, partitions: int | None) -> dict:
    import pyarrow.parquet as pq

    from marsad.spark import run_job, spark_session

    started = time.monotonic()
    spark = spark_session("local[*]", partitions or 4)
    try:
        summary = run_job([str(corpus)], str(out), partitions=partitions, spark=spark)
    finally:
        spark.stop()
    skipped = pq.read_table(out / "skipped").to_pylist()
    return {"seconds": summary.seconds, "with_startup": time.monotonic() - started,
            "articles": set(pq.read_table(out / "articles", columns=["id"]).column("id").to_pylist()),
            "events": set(pq.read_table(out / "events", columns=["id"]).column("id").to_pylist()),
            "groups": summary.groups,
            "skipped": sorted(f"{r['source'].removeprefix(f'{corpus}/')}: {r['reason']}" for r in skipped)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=10000, help="ANT articles to use (the first N)")
    parser.add_argument("--only", default="w1,w2,spark", help="runners to use: w1 (--workers 1), w2, spark")
    parser.add_argument("--partitions", type=int, help="Spark partitions (default: twice the cores)")
    args = parser.parse_args()
    if not ANT.exists():
        sys.exit(f"{ANT} not found (../shared must be beside the checkout)")
    logging.basicConfig(level=logging.ERROR)
    runners = args.only.split(",")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="marsad-check-scale-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        bad = build_corpus(corpus, args.limit)
        print(f"input: {args.limit} ANT articles in {len(list(corpus.iterdir()))} files, with "
              + "; ".join(f"{k} ({v})" for k, v in bad.items()), flush=True)
        for name in runners:
            if name in ("w1", "w2"):
                results[name] = run_local(corpus, Path(tmp) / f"{name}.db", workers=int(name[1]))
            else:
                results[name] = run_spark(corpus, Path(tmp) / "spark-out", args.partitions)
            r = results[name]
            print(f"{name:5s}: {len(r['articles'])} articles, {len(r['events'])} events, {len(r['skipped'])} skipped, "
                  f"{r['seconds']:.1f} s ({len(r['articles']) / r['seconds']:.1f} articles/s)"
                  + (f"; {r['with_startup']:.1f} s with Spark's start, {r['groups']} event groups"
                     if name == "spark" else ""), flush=True)
    sys.exit(0 if report(results) else 1)


def report(results: dict[str, dict]) -> bool:
    """Print the comparison; True when every runner gave the same articles, events and skips."""
    names = list(results)
    first = results[names[0]]
    same = True
    for name in names[1:]:
        r = results[name]
        for what in ("events", "articles"):
            if r[what] != first[what]:
                same = False
                print(f"DIFFERENT {what}: {names[0]} vs {name}: {len(first[what] - r[what])} only in {names[0]}, "
                      f"{len(r[what] - first[what])} only in {name}")
        if r["skipped"] != first["skipped"]:
            same = False
            print(f"DIFFERENT skips: {names[0]} {first['skipped']} vs {name} {r['skipped']}")
    print(f"\nskipped ({len(first['skipped'])}):")
    for line in first["skipped"]:
        print(f"  {line}")
    verdict = "the same" if same else "NOT the same"
    print(f"\nresult: {' / '.join(names)} give {verdict} events ({len(first['events'])} event ids, "
          f"{len(first['articles'])} articles)")
    return same


if __name__ == "__main__":
    main()
