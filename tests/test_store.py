"""The store stage against real databases: SQLite always, PostgreSQL when a server can run.

The PostgreSQL server is started once per session from the local binaries (initdb,
pg_ctl) in a temporary folder on a free port; tests on it skip, saying why, when that is
impossible. ``MARSAD_TEST_POSTGRES=postgresql://user@host:port`` uses an existing server
instead (the user must be allowed to CREATE DATABASE).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import marsad
from marsad.store import StoreError, base, open_store
from marsad.store.run import run
from marsad.store.schema import Migration
from marsad.types import Article, Doc, Entity, Event

BACKENDS = ["sqlite", "postgres"]
DATA_TABLES = ("articles", "sentences", "mentions", "events", "event_actors")

# ---------------------------------------------------------------- generated corpus

COUNTRIES = ["فرنسا", "ألمانيا", "إيطاليا", "إسبانيا", "تركيا", "روسيا", "الصين", "اليابان", "الهند", "البرازيل",
             "كندا", "اليونان", "قبرص", "النمسا", "السويد"]
TEMPLATE = (
    "القاهرة - استقبل الرئيس المصري وزير خارجية {country} في القاهرة يوم {day} مارس 2024 "
    "وبحث معه العلاقات الثنائية والأوضاع في المنطقة.\n"
    "وأدان وزير الخارجية الأردني الهجوم الذي شنته قوات مسلحة على الحدود مع {country}.\n"
    "وقال المتحدث باسم الحكومة إن الجيش الإسرائيلي اعتقل {n} فلسطينيين في الضفة الغربية."
)


def article_line(i: int) -> str:
    """One generated article as a JSONL line: the country and date vary with ``i``."""
    text = TEMPLATE.format(country=COUNTRIES[i % len(COUNTRIES)], day=1 + i % 28, n=2 + i % 9)
    return json.dumps({"id": f"gen-{i:04d}", "text": text, "published": f"2024-03-{1 + i % 28:02d}",
                       "outlet": "generated"}, ensure_ascii=False)


def write_corpus(path: Path, ids: range) -> Path:
    path.write_text("".join(article_line(i) + "\n" for i in ids), encoding="utf-8")
    return path


def counts(url: str) -> dict[str, int]:
    with open_store(url) as store:
        return {t: store.count(t) for t in DATA_TABLES}


def _integrity_ok(url: str) -> None:
    with open_store(url) as store:
        if store.dialect == "sqlite":
            assert store.integrity_check() == ["ok"]


# ---------------------------------------------------------------- runs


def test_rerun_adds_nothing_twice(db_url: str, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "a.jsonl", range(30))
    first = run([corpus], db_url, batch=7, progress=False)
    before = counts(db_url)
    second = run([corpus], db_url, batch=7, progress=False)
    assert (first.read, first.processed, first.already_stored) == (30, 30, 0)
    assert (second.read, second.processed, second.already_stored, second.events) == (30, 0, 30, 0)
    assert counts(db_url) == before
    assert before["articles"] == 30 and before["events"] > 0 and before["sentences"] >= 90
    with open_store(db_url) as store:
        finished = store.query("SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL")[0][0]
    assert finished == 2
    _integrity_ok(db_url)


def test_only_new_articles_are_processed(db_url: str, tmp_path: Path) -> None:
    old = write_corpus(tmp_path / "old.jsonl", range(20))
    new = write_corpus(tmp_path / "new.jsonl", range(20, 25))
    run([old], db_url, progress=False)
    second = run([old, new], db_url, progress=False)
    assert (second.read, second.already_stored, second.processed) == (25, 20, 5)
    with open_store(db_url) as store:
        ids = [r[0] for r in store.query("SELECT id FROM articles WHERE run_id = ? ORDER BY id", (second.run_id,))]
    assert ids == [f"gen-{i:04d}" for i in range(20, 25)]


def test_changed_text_replaces_the_old_version(db_url: str, tmp_path: Path) -> None:
    run([write_corpus(tmp_path / "a.jsonl", range(3))], db_url, progress=False)
    changed = json.loads(article_line(1))
    changed["text"] = "أعلنت وزارة الخارجية المصرية اليوم أن الوزير سيزور باريس."
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = run([path], db_url, progress=False)
    assert summary.processed == 1
    with open_store(db_url) as store:
        assert store.count("articles") == 3
        n = store.query("SELECT COUNT(*) FROM sentences WHERE article_id = ?", ("gen-0001",))[0][0]
        assert n == 1  # the old version's three sentences are gone
        assert all(e["doc_id"] != "gen-0001" or "باريس" in e["event_text"] for e in store.events())
    _integrity_ok(db_url)


def test_two_versions_in_one_batch_keep_the_last(db_url: str) -> None:
    old = marsad.process(Article(id="x", text="قصف الجيش الإسرائيلي غزة. وأدان الأردن القصف."))
    old.events = [_event("x", 1, "ASSAULT", [_entity("ISR", "MIL")], [], "2024-03-20", [])]
    new = marsad.process(Article(id="x", text="استقبل الرئيس المصري وزير الخارجية الفرنسي."))
    with open_store(db_url) as store:
        assert store.save_docs([old, new]) == 2
        texts = [r[0] for r in store.query("SELECT text FROM sentences WHERE article_id = ?", ("x",))]
        assert texts == [s.text for s in new.sentences]
        assert store.count("articles") == 1
        assert sorted(e["id"] for e in store.events()) == sorted(ev.id for ev in new.events)  # old ASSAULT gone
        assert store.search("غزة") == []
    _integrity_ok(db_url)


def test_skipped_inputs_are_recorded(db_url: str, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "a.jsonl", range(2))
    with corpus.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    out: list = []
    summary = run([corpus, tmp_path / "missing.txt"], db_url, progress=False, skipped_out=out)
    assert summary.processed == 2 and len(summary.skipped) == 2 and out == summary.skipped
    with open_store(db_url) as store:
        rows = store.query("SELECT run_id, stage FROM skipped ORDER BY id")
    assert rows == [(summary.run_id, "ingest"), (summary.run_id, "ingest")]


def test_progress_line_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run([write_corpus(tmp_path / "a.jsonl", range(3))], tmp_path / "p.db", progress=True)
    err = capsys.readouterr().err
    assert "\rmarsad run: 3 read" in err and err.endswith("\n")


# ---------------------------------------------------------------- kill and resume


@pytest.fixture(scope="module")
def corpus300(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """300 generated articles and the row counts a clean, uninterrupted run stores."""
    path = write_corpus(tmp_path_factory.mktemp("corpus") / "300.jsonl", range(300))
    with open_store(":memory:") as store:
        store.save_docs(list(marsad.process_all(marsad.read(path))))
        expected = {t: store.count(t) for t in DATA_TABLES}
    return path, expected


# The child run is slowed by 10 ms an article (an extra pipeline stage) so that the kill
# surely lands mid-run on any machine; what it stores is unchanged.
CHILD = """
import sys, time
import marsad.pipeline
from marsad.store.run import run
marsad.pipeline.STAGES.append(("pause", lambda doc: time.sleep(0.01)))
run([sys.argv[1]], sys.argv[2], batch=10, progress=False)
"""


def _kill_mid_run(corpus: Path, url: str, at_least: int) -> int:
    """Start a run in a subprocess; SIGKILL it once ``at_least`` articles are stored."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), url])
    try:
        stored = _wait_for_articles(url, at_least, proc)
        time.sleep(random.uniform(0, 0.03))  # land anywhere in the batch cycle
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    return stored


def _wait_for_articles(url: str, at_least: int, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open_store(url) as store:
                while proc.poll() is None and time.monotonic() < deadline:
                    if (stored := store.count("articles")) >= at_least:
                        return stored
                    time.sleep(0.01)
        except StoreError:
            time.sleep(0.05)  # the child has not created the schema yet
    raise AssertionError("the child run stopped or stalled before storing enough articles")


def test_kill_and_resume(db_url: str, corpus300: tuple[Path, dict[str, int]]) -> None:
    corpus, expected = corpus300
    first = _kill_mid_run(corpus, db_url, 40)
    second = _kill_mid_run(corpus, db_url, first + 60)
    assert 40 <= first < second < 300
    summary = run([corpus], db_url, progress=False)
    assert summary.already_stored >= second and summary.processed == 300 - summary.already_stored
    assert counts(db_url) == expected
    with open_store(db_url) as store:
        runs = store.query("SELECT finished IS NOT NULL FROM runs ORDER BY id")
        assert [bool(r[0]) for r in runs] == [False, False, True]  # the killed runs show as unfinished
        assert store.query("SELECT COUNT(DISTINCT article_id) FROM events")[0][0] > 200
    _integrity_ok(db_url)


# ---------------------------------------------------------------- migrations


NEXT = base.LATEST + 1
TEST_MIGRATION = Migration(NEXT, "test: a reviewed flag on events",
                           sqlite=("ALTER TABLE events ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0",),
                           postgres=("ALTER TABLE events ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0",))


def _with_migration(monkeypatch: pytest.MonkeyPatch, migration: Migration) -> None:
    monkeypatch.setattr(base, "MIGRATIONS", [*base.MIGRATIONS, migration])
    monkeypatch.setattr(base, "LATEST", migration.version)


def test_old_database_is_upgraded_keeping_its_data(db_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run([write_corpus(tmp_path / "a.jsonl", range(5))], db_url, progress=False)
    before = counts(db_url)
    _with_migration(monkeypatch, TEST_MIGRATION)
    with open_store(db_url) as store:
        assert store.schema_version() == NEXT
        assert [r[0] for r in store.query("SELECT version FROM schema_version ORDER BY version")] == list(
            range(1, NEXT + 1))
        assert store.query("SELECT SUM(reviewed) FROM events")[0][0] == 0
    assert counts(db_url) == before


def test_failed_migration_leaves_the_previous_version(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(db_url).close()
    bad = Migration(NEXT, "test: fails half-way",
                    sqlite=("ALTER TABLE events ADD COLUMN reviewed INTEGER", "CREATE TABLE broken (("),
                            postgres=("ALTER TABLE events ADD COLUMN reviewed INTEGER", "CREATE TABLE broken (("))
    _with_migration(monkeypatch, bad)
    with pytest.raises(Exception, match="(?i)syntax"):
        open_store(db_url)
    monkeypatch.undo()
    with open_store(db_url) as store:
        assert store.schema_version() == NEXT - 1
        cols = [d[0] for d in store._execute("SELECT * FROM events").description]
        assert "reviewed" not in cols  # the first statement was rolled back too


def test_newer_database_is_refused(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_migration(monkeypatch, TEST_MIGRATION)
    open_store(db_url).close()
    monkeypatch.undo()
    with pytest.raises(StoreError, match="newer than this marsad"):
        open_store(db_url)


def test_new_database_starts_at_latest_version(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.schema_version() == base.LATEST
        assert all(store.count(t) == 0 for t in DATA_TABLES)


# ---------------------------------------------------------------- querying events


def _entity(code: str, sector: str = "", name: str = "", text: str = "") -> Entity:
    return Entity(code, sector, name or code, text or code)


def _event(doc_id: str, n: int, event_type: str, actor: list[Entity], recipient: list[Entity], date: str | None,
           context: list[str], precision: str | None = "day") -> Event:
    return Event(id=f"{doc_id}-0-{n}", doc_id=doc_id, event_type=event_type, mode=[], context=context, aux=[],
                 actor=actor, recipient=recipient, date=date, date_text=None, event_text=f"{event_type} text",
                 start=0, end=10, trigger="t", quad_code=1, event_scale=-9.5, date_precision=precision,
                 date_source="text" if date else "none", rule=f"rule-{n}", sentence=0, trigger_start=2,
                 trigger_end=3, location={"name": "Cairo", "country": "EGY"} if n == 1 else None,
                 speaker=_entity("EGY", "GOV", "Egypt") if n == 1 else None)


def _filter_docs() -> list[Doc]:
    a = marsad.process(Article(id="doc-a", text="استقبل الرئيس المصري وزير الخارجية الفرنسي.", published="2024-03-05"))
    b = marsad.process(Article(id="doc-b", text="قصف الجيش الإسرائيلي غزة.", published="2024-03-20"))
    a.events = [
        _event("doc-a", 1, "CONSULT", [_entity("EGY", "GOV")], [_entity("FRA", "GOV")], "2024-03-05", ["diplomatic"]),
        _event("doc-a", 2, "AID", [Entity("USA", "GOV", "United States", "واشنطن", "Q30")],
               [_entity("PSE"), _entity("EGY")], None, []),
    ]
    b.events = [
        _event("doc-b", 1, "ASSAULT", [_entity("ISR", "MIL")], [_entity("PSE", "CVL")], "2024-03-20", ["military"]),
        _event("doc-b", 2, "ACCUSE", [_entity("JOR", "GOV")], [_entity("ISR")], "2024-04", [], "month"),
    ]
    return [a, b]


@pytest.fixture
def filled(db_url: str) -> Iterator[tuple[base.Store, list[Doc]]]:
    docs = _filter_docs()
    with open_store(db_url) as store:
        store.save_doc(docs[0])
        store.save_docs(docs[1:])
        yield store, docs


def _ids(events: list[dict]) -> list[str]:
    return [e["id"] for e in events]


def test_events_round_trip_as_the_output_contract(filled: tuple[base.Store, list[Doc]]) -> None:
    store, docs = filled
    stored = {e["id"]: e for e in store.events()}
    for doc in docs:
        for ev in doc.events:
            got = stored[ev.id]
            assert {k: got[k] for k in ev.as_dict()} == ev.as_dict()
            assert got["published"] == doc.published  # the article's date rides along


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["doc-a-0-1", "doc-b-0-1", "doc-b-0-2", "doc-a-0-2"]),  # by date, undated last
    ({"actor": "EGY"}, ["doc-a-0-1"]),
    ({"recipient": "EGY"}, ["doc-a-0-2"]),
    ({"recipient": "PSE"}, ["doc-b-0-1", "doc-a-0-2"]),
    ({"actor": ["ISR", "JOR"]}, ["doc-b-0-1", "doc-b-0-2"]),
    ({"actor": "ISR", "recipient": "PSE"}, ["doc-b-0-1"]),
    ({"actor": "PSE"}, []),
    ({"event_type": "ASSAULT"}, ["doc-b-0-1"]),
    ({"event_type": ["AID", "ACCUSE"]}, ["doc-b-0-2", "doc-a-0-2"]),
    ({"context": "diplomatic"}, ["doc-a-0-1"]),
    ({"since": "2024-03-06"}, ["doc-b-0-1", "doc-b-0-2"]),
    ({"since": "2024-04-15"}, ["doc-b-0-2"]),  # "2024-04" overlaps the second half of April
    ({"until": "2024-03"}, ["doc-a-0-1", "doc-b-0-1"]),  # all of March
    ({"until": "2024-03-19"}, ["doc-a-0-1"]),
    ({"since": "2024-03-05", "until": "2024-03-05"}, ["doc-a-0-1"]),
    ({"since": "2024", "until": "2024"}, ["doc-a-0-1", "doc-b-0-1", "doc-b-0-2"]),
    ({"article_id": "doc-b", "limit": 1}, ["doc-b-0-1"]),
])
def test_events_filters(filled: tuple[base.Store, list[Doc]], query: dict, expected: list[str]) -> None:
    store, _ = filled
    assert _ids(store.events(**query)) == expected


def test_dyads_view_and_actor_table_are_plain_sql(filled: tuple[base.Store, list[Doc]]) -> None:
    store, _ = filled
    rows = store.query("SELECT actor_code, recipient_code FROM dyads WHERE event_type = ?"
                       " ORDER BY recipient_code", ("AID",))
    assert rows == [("USA", "EGY"), ("USA", "PSE")]
    qid = store.query("SELECT wikidata FROM event_actors WHERE code = ?", ("USA",))[0][0]
    assert qid == "Q30"


def test_bad_date_filter_says_what_is_accepted(filled: tuple[base.Store, list[Doc]]) -> None:
    store, _ = filled
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        store.events(since="05/03/2024")


def test_full_text_search_finds_sentences(filled: tuple[base.Store, list[Doc]]) -> None:
    store, _ = filled
    hits = store.search("الجيش غزة")
    assert [(h["article_id"], h["idx"]) for h in hits] == [("doc-b", 0)]
    assert store.search('"unbalanced') == []


def test_saving_the_same_doc_twice_stores_it_once(filled: tuple[base.Store, list[Doc]]) -> None:
    store, docs = filled
    assert store.save_doc(docs[0]) is False
    digest = base.content_hash(docs[0].article.id, docs[0].article.text)
    assert store.has_article(digest) and not store.has_article(base.content_hash("doc-a", "other text"))
    assert store.count("articles") == 2 and store.count("events") == 4


# ---------------------------------------------------------------- opening


@pytest.mark.parametrize("target", ["mysql://u@h/db", "https://example.org/x.db", "sqlite://"])
def test_unsupported_target_lists_the_accepted_forms(target: str) -> None:
    with pytest.raises(StoreError, match=r"postgresql://user:password@host:port/dbname"):
        open_store(target)


def test_sqlite_url_and_memory_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    open_store("sqlite:///sub/rel.db").close()
    open_store(f"sqlite:///{tmp_path}/abs.db").close()
    assert (tmp_path / "sub" / "rel.db").exists() and (tmp_path / "abs.db").exists()
    with open_store(":memory:") as store:
        assert store.count("articles") == 0


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    with open_store(tmp_path / "w.db") as store:
        assert store.query("PRAGMA journal_mode")[0][0] == "wal"
        assert store.query("PRAGMA foreign_keys")[0][0] == 1


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="cannot open as an SQLite database"):
        open_store(bogus)


def test_postgres_without_psycopg_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"marsad\[postgres\]"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_unknown_table_is_refused(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store, pytest.raises(StoreError, match="unknown table"):
        store.count("articles; DROP TABLE articles")


def test_search_ignores_clitics_and_spelling_variants(db_url: str) -> None:
    from marsad.pipeline import process
    from marsad.types import Article

    texts = {"a": "التقى وزير الخارجية بنظيره في واشنطن لبحث الإرهاب.",
             "b": "وقالت والولايات المتحدة إنها ستدعم الجهود.",
             "c": "أعلنت الأمم المتحدة أن للإرهاب أسبابا كثيرة."}
    with open_store(db_url) as store:
        store.save_docs([process(Article(id=k, text=v)) for k, v in texts.items()])
        assert {h["article_id"] for h in store.search("الإرهاب")} == {"a", "c"}
        assert {h["article_id"] for h in store.search("الولايات")} == {"b"}
        assert {h["article_id"] for h in store.search("إرهاب واشنطن")} == {"a"}
        assert store.search('"; DROP TABLE sentences; --') == []


def test_version_2_database_gets_search_forms_on_upgrade(db_url: str, tmp_path: Path) -> None:
    with open_store(db_url, migrate=False) as store:
        store.migrate(2)
        with store._transaction():
            store._execute("INSERT INTO articles (id, content_hash, published_source, raw_text, clean_text,"
                           " ingested_at) VALUES ('old', 'h', 'none', 'x', 'x', '2024-01-01')")
            store._execute("INSERT INTO sentences (article_id, idx, paragraph, start_char, end_char, text)"
                           " VALUES ('old', 0, 0, 0, 20, 'وبالإرهاب يقصدون كل شيء')")
    with open_store(db_url) as store:
        assert store.schema_version() == base.LATEST
        assert [h["article_id"] for h in store.search("الإرهاب")] == ["old"]
