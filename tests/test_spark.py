"""The Spark job in local mode: the same events as ``process()``, Parquet by date, groups, skips.

Skips cleanly when PySpark or Java is missing. One SparkSession (local[2]) serves the
module; the job runs once over a handful of articles and the tests read its output.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_parallel import ENGLISH_PAGE, generated
from test_warc import write_crawl

import marsad
from marsad.errors import MarsadError
from marsad.events.merge import assign_groups, item_from_event

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'marsad[spark]')")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Spark needs Java (17+), which is not installed", allow_module_level=True)

from marsad.spark import run_job, spark_session  # noqa: E402 - only once PySpark is known to be there
from marsad.spark.rows import event_dict_from_row  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Any:
    session = spark_session("local[2]", partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A feed with an empty article in the middle, a gzipped feed, a crawl (one English page) and an English page."""
    folder = tmp_path_factory.mktemp("spark-in")
    rows = [generated(i) for i in range(8)] + [generated(140)]  # 140 reports the event of 0 (same day)
    rows[2]["published"] = None  # dated from the text alone, or undated
    feed = rows[:3] + [{"id": "blank", "text": ""}] + rows[3:5]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in feed), "utf-8")
    (folder / "more.jsonl.gz").write_bytes(gzip.compress("".join(
        json.dumps(r, ensure_ascii=False) + "\n" for r in rows[5:]).encode()))
    write_crawl(folder / "crawl.warc.gz", pages=1)
    (folder / "english.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    (folder / "notes.md").write_text("not an input: files no reader handles are passed over in folders")
    return folder


@pytest.fixture(scope="module")
def job(spark: Any, inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("spark-out") / "out"
    summary = run_job([str(inputs), str(inputs / "missing.jsonl")], str(out), partitions=2, spark=spark)
    return out, summary


def _table(spark: Any, out: Path, name: str) -> list[dict[str, Any]]:
    return [r.asDict(recursive=True) for r in spark.read.parquet(str(out / name)).collect()]


def test_events_equal_those_of_process(spark: Any, inputs: Path, job: tuple[Path, Any]) -> None:
    out, summary = job
    docs = list(marsad.process_all(marsad.read(inputs)))
    expected = sorted((e.as_dict() for d in docs for e in d.events), key=lambda e: e["id"])
    got = sorted((event_dict_from_row(r) for r in _table(spark, out, "events")), key=lambda e: e["id"])
    assert got == expected and len(got) >= 8
    assert summary.articles == len(docs) == 10 and summary.events == len(expected)
    articles = {r["id"]: r for r in _table(spark, out, "articles")}
    assert set(articles) == {d.article.id for d in docs}
    crawled = next(a for a in articles.values() if a["url"])
    assert crawled["crawl_date"] == "2024-03-05T08:30:00Z" and crawled["published"] == "2024-03-04"


def test_events_are_partitioned_by_month(spark: Any, job: tuple[Path, Any]) -> None:
    import pandas as pd

    out, _ = job
    folders = {p.name for p in (out / "events").iterdir() if p.is_dir()}
    assert "date_month=2024-03" in folders and all(f.startswith("date_month=") for f in folders)
    frame = pd.read_parquet(out / "events")  # pandas/pyarrow read the partition column back
    months = {str(m) for m in frame["date_month"]}
    assert months == {f.split("=", 1)[1] for f in folders}
    assert all(str(d).startswith(m) for d, m in zip(frame["date"], frame["date_month"], strict=True) if d)


def test_groups_match_grouping_in_one_process(spark: Any, inputs: Path, job: tuple[Path, Any]) -> None:
    out, summary = job
    docs = list(marsad.process_all(marsad.read(inputs)))
    items = sorted((item_from_event(e.as_dict(), source=(d.clean.outlet or d.article.outlet))
                    for d in docs for e in d.events), key=lambda i: (i.key, i.article_id, i.event_id))
    expected = {m.event_id: g.id for g in assign_groups(items) for m in g.members}
    members = _table(spark, out, "event_group_members")
    assert {m["event_id"]: m["group_id"] for m in members} == expected
    groups = _table(spark, out, "event_groups")
    assert summary.groups == len(groups) == len(set(expected.values()))
    sizes = Counter(m["group_id"] for m in members)
    assert all(g["num_mentions"] == sizes[g["id"]] for g in groups)
    assert any(g["num_articles"] > 1 for g in groups)  # the same story told by several generated articles


def test_bad_inputs_land_in_skipped(spark: Any, inputs: Path, job: tuple[Path, Any]) -> None:
    out, summary = job
    skipped = {(Path(r["source"].split(":")[0]).name, r["reason"].split(" (")[0]) for r in _table(spark, out, "skipped")}
    assert skipped == {("feed.jsonl", "empty article"), ("english.html", "not Arabic text"),
                       ("crawl.warc.gz", "not Arabic text"), ("missing.jsonl", "no such file or folder")}
    assert summary.skipped == 4 and summary.skip_reasons["not Arabic text"] == 2


def test_quotes_claims_and_actor_tables_are_written(spark: Any, job: tuple[Path, Any]) -> None:
    out, _ = job
    for table in ("quotes", "claims", "event_actors"):
        assert (out / table / "_SUCCESS").exists()
    actors = _table(spark, out, "event_actors")
    events = {r["id"]: r for r in _table(spark, out, "events")}
    assert actors and all(a["event_id"] in events for a in actors)


def test_existing_output_is_not_mixed_into(spark: Any, inputs: Path, job: tuple[Path, Any]) -> None:
    out, _ = job
    with pytest.raises(MarsadError, match="--overwrite"):
        run_job([str(inputs / "feed.jsonl")], str(out), spark=spark)


def test_without_pyspark_the_error_says_what_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['pyspark'] = None; sys.argv = ['marsad', 'spark', 'x.jsonl', '--out', 'o'];"
            " from marsad.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1 and 'pip install "marsad[spark]"' in done.stderr
