import gzip
import json
from pathlib import Path

import pytest

import marsad
from marsad.ingest import read_path
from marsad.types import Article, Skipped

ARABIC = "قال وزير الخارجية إن بلاده مستعدة للتعاون مع جيرانها في مكافحة الإرهاب وتبادل المعلومات."


def _read(paths):
    skipped = []
    return list(marsad.read(paths, skipped)), skipped


def test_ingest_txt_folder_ids_are_file_names(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARABIC, encoding="utf-8")
    articles, skipped = _read([tmp_path])
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[0].text == ARABIC and not skipped


def test_ingest_txt_strips_bom(tmp_path: Path):
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode() + ARABIC.encode())
    articles, _ = _read([tmp_path / "bom.txt"])
    assert articles[0].text == ARABIC


def test_ingest_jsonl_fields_and_bad_lines(tmp_path: Path):
    lines = [
        json.dumps({"id": "x1", "text": ARABIC, "published": "2016-07-14", "title": "ت", "url": "u", "outlet": "o"},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"id": "x2", "title": "no text"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": ARABIC, "published": "yesterday"}, ensure_ascii=False),
        "",
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    articles, skipped = _read([path])
    assert [a.id for a in articles] == ["x1", "feed-5"]
    first = articles[0]
    assert (first.published, first.title, first.url, first.outlet) == ("2016-07-14", "ت", "u", "o")
    assert articles[1].published is None  # unreadable date dropped with a warning, article kept
    reasons = {s.source: s.reason for s in skipped}
    assert reasons[f"{path}:2"].startswith("invalid JSON")
    assert "no 'text' field" in reasons[f"{path}:3"]
    assert "expected a JSON object" in reasons[f"{path}:4"]


def test_ingest_jsonl_gz(tmp_path: Path):
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g", "text": ARABIC}, ensure_ascii=False) + "\n")
    articles, skipped = _read([path])
    assert [a.id for a in articles] == ["g"] and not skipped


def test_ingest_html_main_text_and_metadata(tmp_path: Path):
    page = f"""<html lang="ar" dir="rtl"><head><title>عنوان الصفحة</title>
    <meta property="og:site_name" content="موقع الأخبار">
    <meta property="article:published_time" content="2019-05-03T10:00:00"></head>
    <body><nav><a href="/">الرئيسية</a> <a href="/s">رياضة</a></nav>
    <article><h1>عنوان الخبر الرئيسي</h1><p>{ARABIC}</p><p>{ARABIC} وأضاف أن الاجتماع المقبل سيعقد في جنيف.</p></article>
    <aside><script>alert(1)</script><a href="/x">خبر آخر</a></aside><footer>جميع الحقوق محفوظة</footer></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    articles, skipped = _read([tmp_path / "page.html"])
    assert not skipped
    a = articles[0]
    assert a.id == "page" and a.published == "2019-05-03" and a.outlet == "موقع الأخبار"
    assert "مكافحة الإرهاب" in a.text and "alert" not in a.text and "الرئيسية" not in a.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty article"),
        ("blank.txt", b"   \n\n  ", "empty article"),
        ("cp1256.txt", ARABIC.encode("cp1256"), "not valid UTF-8"),
        ("english.txt", b"The foreign minister said his country was ready to cooperate on security.", "not Arabic"),
        ("short.txt", "نعم".encode(), "empty article"),
    ],
)
def test_ingest_bad_input_is_skipped_with_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARABIC, encoding="utf-8")
    articles, skipped = _read([tmp_path])
    assert [a.id for a in articles] == ["good"]
    assert len(skipped) == 1 and skipped[0].source.endswith(name) and reason in skipped[0].reason


def test_ingest_missing_path_and_unsupported_file(tmp_path: Path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    items = list(read_path(tmp_path / "nope")) + list(read_path(tmp_path / "x.pdf"))
    assert all(isinstance(i, Skipped) for i in items)
    assert "no such file" in items[0].reason and "unsupported file type .pdf" in items[1].reason


def test_ingest_corrupt_gzip_is_skipped(tmp_path: Path):
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    items = list(read_path(tmp_path / "bad.jsonl.gz"))
    assert len(items) == 1 and isinstance(items[0], Skipped) and "cannot read" in items[0].reason


def test_ingest_seeds(seeds_dir: Path):
    articles, skipped = _read([seeds_dir])
    assert len(articles) == 5 and not skipped
    assert all(isinstance(a, Article) and a.text for a in articles)
