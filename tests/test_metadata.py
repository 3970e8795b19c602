"""Metadata sidecars: publication dates and titles joined to bare texts by article id."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.ingest.metadata import load_metadata, with_metadata
from marsad.types import Article


def test_jsonl_sidecar_fills_articles_and_skips_other_lines(tmp_path: Path):
    side = tmp_path / "meta.jsonl"
    side.write_text('{"doc": "a", "published": "2014-10-15"}\n{"doc": "a", "gid": "x", "types": ["AGREE"]}\n'
                    '\n{"id": "b", "title": "عنوان", "url": "https://example.org/b"}\n', encoding="utf-8")
    meta = load_metadata(side)
    assert meta == {"a": {"published": "2014-10-15"}, "b": {"title": "عنوان", "url": "https://example.org/b"}}
    arts = list(with_metadata([Article("a", "نص", published="2020-01-01", meta={"date_from": "page metadata"}),
                               Article("c", "نص")], meta))
    assert arts[0].published == "2014-10-15" and arts[0].meta == {"metadata_from": "sidecar"}
    assert arts[1].published is None


def test_csv_sidecar(tmp_path: Path):
    side = tmp_path / "meta.csv"
    side.write_text("id,published,outlet\na,2016-07-14,الأناضول\nb,,\n", encoding="utf-8")
    assert load_metadata(side) == {"a": {"published": "2016-07-14", "outlet": "الأناضول"}}


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "published": "14/10/2014"}\n', "meta.jsonl:1: published='14/10/2014' is not an ISO date"),
    ('{"id": "a"\n', "meta.jsonl:1: not JSON"),
])
def test_bad_sidecar_names_file_and_line(tmp_path: Path, content: str, message: str):
    side = tmp_path / "meta.jsonl"
    side.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        load_metadata(side)


def test_corrected_sidecar_date_reprocesses_the_article(tmp_path: Path):
    from marsad.store import open_store
    from marsad.store.run import run

    (tmp_path / "a.txt").write_text("اتفقت روسيا والولايات المتحدة أمس على تبادل المعلومات.", encoding="utf-8")
    db = tmp_path / "m.db"
    first = run([tmp_path / "a.txt"], db, progress=False, metadata={"a": {"published": "2014-10-15"}})
    same = run([tmp_path / "a.txt"], db, progress=False, metadata={"a": {"published": "2014-10-15"}})
    fixed = run([tmp_path / "a.txt"], db, progress=False, metadata={"a": {"published": "2016-07-14"}})
    assert (first.processed, same.processed, fixed.processed) == (1, 0, 1)
    with open_store(db) as store:
        assert {e["date"] for e in store.events()} == {"2016-07-13"}
        assert store.count("articles") == 1
