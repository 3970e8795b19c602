"""``marsad run --workers N``: the same database as one process, bad inputs skipped, input streamed.

The corpus is written here: generated Arabic reports (several templates, varied actors
and dates) and the demo corpus, with three bad inputs in the middle: an empty article,
a truncated .jsonl.gz and an English page.
"""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

import marsad
import marsad.pipeline
from marsad.lexicons import data_path
from marsad.parallel import CHUNK, IN_FLIGHT_PER_WORKER, WorkerPeaks, process_parallel
from marsad.store import open_store
from marsad.store.run import RunSummary, run
from marsad.store.schema import TABLES
from marsad.types import Article, Doc

COUNTRIES = [("فرنسا", "باريس"), ("تركيا", "أنقرة"), ("روسيا", "موسكو"), ("الصين", "بكين"), ("إيران", "طهران"),
             ("العراق", "بغداد"), ("لبنان", "بيروت"), ("تونس", "تونس"), ("السودان", "الخرطوم"), ("اليمن", "صنعاء")]
TEMPLATES = [
    "القاهرة - استقبل الرئيس المصري وزير خارجية {country} في القاهرة يوم {day} مارس 2024، وبحث الجانبان "
    "العلاقات الثنائية وسبل تعزيز التعاون الاقتصادي.\nوقال المتحدث باسم الرئاسة إن اللقاء تناول الأوضاع في المنطقة.",
    "أدانت وزارة الخارجية الأردنية الهجوم الذي استهدف دورية للجيش في {country} يوم {day} مارس 2024 وأسفر عن "
    "مقتل {n} جنود.\nودعت الوزارة المجتمع الدولي إلى التحرك العاجل لوقف العنف وحماية المدنيين.",
    "اعتقلت القوات الإسرائيلية {n} فلسطينيين في مدينة الخليل بالضفة الغربية فجر يوم {day} مارس 2024، بحسب ما "
    "أفاد نادي الأسير الفلسطيني.\nوأضاف النادي أن حملة الاعتقالات طالت طلابا وناشطين من {city2}.",
    "فرض الاتحاد الأوروبي عقوبات جديدة على {n} مسؤولين في {country} يوم {day} مارس 2024 بسبب انتهاكات حقوق "
    "الإنسان.\nوقالت حكومة {country} إنها سترد على هذه الخطوة في الوقت المناسب.",
    "تظاهر آلاف المواطنين في العاصمة {capital} يوم {day} مارس 2024 احتجاجا على ارتفاع الأسعار، وطالبوا الحكومة "
    "بالاستقالة.\nواستخدمت الشرطة الغاز المسيل للدموع لتفريق المحتجين واعتقلت {n} منهم.",
]
ENGLISH_PAGE = """<html lang="en"><head><title>Ministers meet</title></head><body><article>
<p>The foreign ministers of Egypt and Jordan met in Cairo on Sunday and discussed regional security,
trade and the situation in Gaza, according to a statement released after the meeting.</p>
<p>They agreed to meet again next month and to coordinate their positions at the United Nations.</p>
</article></body></html>"""


def generated(i: int) -> dict:
    country, capital = COUNTRIES[i % len(COUNTRIES)]
    text = TEMPLATES[i % len(TEMPLATES)].format(country=country, capital=capital, day=1 + i % 28, n=2 + i % 9,
                                                city2=COUNTRIES[(i + 3) % len(COUNTRIES)][1])
    return {"id": f"gen-{i:03d}", "text": text, "published": f"2024-03-{1 + i % 28:02d}", "outlet": f"outlet-{i % 3}"}


def demo_articles() -> list[dict]:
    """The demo corpus (txt, html and feed) as feed lines with their own ids."""
    return [{"id": f"demo-{a.id}", "text": a.text, "published": a.published, "outlet": a.outlet}
            for a in marsad.read(data_path("demo"))]


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def truncated_gzip(rows: list[dict]) -> bytes:
    data = gzip.compress(jsonl(rows).encode("utf-8"))
    return data[: len(data) * 2 // 3]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder: feed with an empty article, a truncated .gz, an English page, then .gz and .bz2 feeds."""
    folder = tmp_path_factory.mktemp("parallel-corpus")
    rows = [generated(i) for i in range(48)] + demo_articles()
    (folder / "01-feed.jsonl").write_text(jsonl(rows[:12] + [{"id": "blank", "text": "  \n "}] + rows[12:20]),
                                          encoding="utf-8")
    (folder / "02-broken.jsonl.gz").write_bytes(truncated_gzip([generated(i) for i in range(100, 112)]))
    (folder / "03-english.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    (folder / "04-feed.jsonl.gz").write_bytes(gzip.compress(jsonl(rows[20:40]).encode("utf-8")))
    (folder / "05-feed.jsonl.bz2").write_bytes(bz2.compress(jsonl(rows[40:]).encode("utf-8")))
    return folder


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every stored row that does not depend on when or in which run it was written."""
    out: dict[str, list[tuple]] = {}
    with open_store(db) as store:
        for table in TABLES:
            if table in ("runs", "schema_version", "skipped"):
                continue
            cursor = store._execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in ("run_id", "ingested_at")]
            out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
        out["skipped"] = sorted(store.query("SELECT source, reason, stage FROM skipped"))
    return out


@pytest.fixture(scope="module")
def one_worker(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    db = tmp_path_factory.mktemp("one") / "one.db"
    return db, run([corpus], db, workers=1, batch=16, progress=False)


def _reasons(skipped: list) -> list[str]:
    return sorted(s.reason.split(" (")[0] for s in skipped)


EXPECTED_SKIPS = ["cannot read file: Compressed file ended before the end-of-stream marker was reached",
                  "empty article", "not Arabic text"]


def test_two_workers_store_everything_and_report_the_three_skips(corpus: Path, tmp_path: Path) -> None:
    summary = run([corpus], tmp_path / "two.db", workers=2, batch=16, progress=False)
    readable = [a.id for a in marsad.read(corpus)]
    assert _reasons(summary.skipped) == EXPECTED_SKIPS
    assert {s.source.rsplit("/", 1)[-1] for s in summary.skipped} == {"01-feed.jsonl:13", "02-broken.jsonl.gz",
                                                                     "03-english.html"}
    assert summary.processed == summary.read == len(readable) > 60
    assert any(i.startswith("gen-1") for i in readable)  # the lines before the truncation are kept
    with open_store(tmp_path / "two.db") as store:
        stored = {r[0] for r in store.query("SELECT id FROM articles")}
        assert stored == set(readable)
        assert store.count("skipped") == 3 and store.count("events") == summary.events > 40


def test_one_and_two_workers_store_the_same_rows(corpus: Path, one_worker: tuple, tmp_path: Path) -> None:
    db1, first = one_worker
    second = run([corpus], tmp_path / "two.db", workers=2, batch=16, progress=False)
    assert (second.read, second.processed, second.events) == (first.read, first.processed, first.events)
    one, two = snapshot(db1), snapshot(tmp_path / "two.db")
    assert [r[0] for r in one["events"]] == [r[0] for r in two["events"]] and one["events"]
    assert one == two


def test_resume_with_workers_processes_only_the_rest(corpus: Path, one_worker: tuple, tmp_path: Path) -> None:
    db = tmp_path / "resumed.db"
    part = run([corpus], db, workers=2, limit=25, progress=False)
    rest = run([corpus], db, workers=2, progress=False)
    again = run([corpus], db, workers=2, progress=False)
    assert part.processed == 25 and rest.already_stored == 25
    assert rest.processed == rest.read - 25 and again.processed == 0 and again.already_stored == again.read
    expected = snapshot(one_worker[0])
    got = snapshot(db)
    assert {t: rows for t, rows in got.items() if t != "skipped"} == {
        t: rows for t, rows in expected.items() if t != "skipped"}


def stage_fail_on_gen_007(doc: Doc) -> None:
    """A stage that breaks on one article, to show a worker's failure becomes a Skipped."""
    if doc.article.id == "gen-007":
        raise RuntimeError("this stage cannot handle gen-007")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers inherit the extra stage only when forked")
def test_article_failing_in_a_worker_is_skipped_as_in_one_process(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(marsad.pipeline, "STAGES", [*marsad.pipeline.STAGES, ("fail", stage_fail_on_gen_007)])
    out: list = []
    summary = run([corpus], tmp_path / "f.db", workers=2, progress=False, skipped_out=out)
    failed = [s for s in out if s.stage != "ingest"]
    assert len(failed) == 1 and failed[0].stage == "fail_on_gen_007"
    assert failed[0].reason == "RuntimeError: this stage cannot handle gen-007"
    assert failed[0].source.endswith("01-feed.jsonl:8")
    with open_store(tmp_path / "f.db") as store:
        assert store.query("SELECT stage FROM skipped WHERE reason LIKE 'RuntimeError%'") == [("fail_on_gen_007",)]
        assert store.count("articles") == summary.processed and not store.query(
            "SELECT 1 FROM articles WHERE id = 'gen-007'")


def test_input_is_streamed_with_a_bounded_number_in_flight() -> None:
    pulled = 0

    def endless() -> itertools.count:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield Article(id=f"a{i}", text=generated(i)["text"])

    peaks = WorkerPeaks()
    docs = process_parallel(endless(), workers=2, peaks=peaks)
    first = [d.article.id for d in itertools.islice(docs, 30)]
    docs.close()
    assert first == [f"a{i}" for i in range(30)]  # in input order
    assert pulled <= 30 + (2 * IN_FLIGHT_PER_WORKER + 1) * CHUNK
    assert len(peaks.kib) == 2 and peaks.max_mib > 0


def test_cli_run_with_two_workers(corpus: Path, one_worker: tuple, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run([sys.executable, "-m", "marsad", "run", str(corpus), "--db", str(db), "--workers", "2",
                           "--no-progress"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr  # 3: some inputs were skipped
    assert "3 input(s) skipped" in done.stderr and f"{one_worker[1].processed} processed" in done.stderr
    assert snapshot(db) == snapshot(one_worker[0])


def test_cli_refuses_zero_workers(corpus: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "marsad", "run", str(corpus), "--db", str(tmp_path / "z.db"),
                           "--workers", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--workers" in done.stderr
