"""Crawl input: WARC / WARC.gz files built here with warcio's own writer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import marsad
from marsad.ingest import read_path, read_stream
from marsad.ingest.warc import article_id_from_url
from marsad.types import Article, Skipped

ARABIC = ("قال وزير الخارجية المصري إن بلاده مستعدة للتعاون مع جيرانها في مكافحة الإرهاب وتبادل المعلومات، "
          "وأضاف أن الاجتماع المقبل سيعقد في القاهرة الشهر المقبل بحضور وزراء خارجية الدول العربية.")
ENGLISH = ("The foreign minister said on Tuesday that his country was ready to cooperate with its neighbours "
           "on counter-terrorism and to share intelligence, adding that the next meeting would be held in Cairo.")
CRAWLED = "2024-03-05T08:30:00Z"


def page(title: str, body: str, lang: str = "ar") -> bytes:
    """A news page with navigation and a footer around the article, as crawled."""
    return f"""<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
    <meta property="article:published_time" content="2024-03-04T10:00:00"></head>
    <body><nav><a href="/">home</a> <a href="/world">world</a></nav>
    <article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>
    <footer>all rights reserved</footer></body></html>""".encode()


def response(writer: WARCWriter, url: str, payload: bytes, content_type: str = "text/html; charset=utf-8",
             status: str = "200 OK") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": CRAWLED})
    writer.write_record(record)


def write_crawl(path: Path, pages: int = 1) -> Path:
    """A crawl: Arabic pages, an English page, an image, a redirect and a request record."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "marsad tests"}))
        for i in range(pages):
            response(writer, f"https://news.example/ar/{i}", page(f"خبر رقم {i}", ARABIC))
        response(writer, "https://news.example/en/1", page("News", ENGLISH, "en"))
        response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
        response(writer, "https://news.example/old", b"", status="301 Moved Permanently")
        request = writer.create_warc_record("https://news.example/ar/0", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(request)
    return path


def _read(path: Path) -> tuple[list[Article], list[Skipped]]:
    skipped: list[Skipped] = []
    return list(marsad.read(path, skipped)), skipped


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_arabic_pages_become_articles_and_the_rest_is_skipped_or_ignored(tmp_path: Path, name: str) -> None:
    articles, skipped = _read(write_crawl(tmp_path / name, pages=2))
    assert [a.url for a in articles] == ["https://news.example/ar/0", "https://news.example/ar/1"]
    assert all("مكافحة الإرهاب" in a.text and "home" not in a.text for a in articles)
    # the English page is counted as skipped; image, redirect, request and warcinfo are not pages
    assert len(skipped) == 1
    assert skipped[0].source == f"{tmp_path / name}:https://news.example/en/1"
    assert "not Arabic" in skipped[0].reason


def test_url_and_crawl_date_metadata(tmp_path: Path) -> None:
    articles, _ = _read(write_crawl(tmp_path / "crawl.warc.gz"))
    a = articles[0]
    assert a.id == article_id_from_url("https://news.example/ar/0") and a.id.startswith("news.example-")
    assert a.meta["crawl_date"] == CRAWLED and a.meta["format"] == "warc" and a.meta["warc_record_id"]
    assert a.published == "2024-03-04"  # from the page's own metadata, never the crawl date
    assert a.title == "خبر رقم 0"
    again, _ = _read(write_crawl(tmp_path / "again.warc"))
    assert again[0].id == a.id  # stable: the same URL gives the same id in any crawl


def test_page_without_publication_date_does_not_take_the_crawl_date(tmp_path: Path) -> None:
    path = tmp_path / "undated.warc"
    body = f"<html><body><article><p>{ARABIC}</p><p>{ARABIC}</p></article></body></html>".encode()
    with path.open("wb") as handle:
        response(WARCWriter(handle, gzip=False), "https://news.example/undated", body)
    articles, skipped = _read(path)
    assert not skipped and articles[0].published is None and articles[0].meta["crawl_date"] == CRAWLED
    doc = marsad.process(articles[0])
    assert doc.published_source != "given"


def test_cp1256_page_is_decoded_by_its_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "legacy.warc.gz"
    body = f"<html><body><article><p>{ARABIC}</p><p>{ARABIC}</p></article></body></html>".encode("cp1256")
    with path.open("wb") as handle:
        response(WARCWriter(handle, gzip=True), "https://old.example/a", body, "text/html; charset=windows-1256")
    articles, skipped = _read(path)
    assert not skipped and "مكافحة الإرهاب" in articles[0].text


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_truncated_crawl_keeps_the_pages_read_and_reports_the_file(tmp_path: Path, name: str) -> None:
    full = write_crawl(tmp_path / f"full-{name}", pages=6)
    data = full.read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) // 2])
    articles, skipped = _read(cut)
    assert 1 <= len(articles) < 6
    assert [a.url for a in articles] == [f"https://news.example/ar/{i}" for i in range(len(articles))]
    assert len(skipped) == 1 and skipped[0].source == str(cut)
    assert "truncated" in skipped[0].reason and "rest of file not read" in skipped[0].reason


def test_garbage_with_a_warc_name_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "bad.warc").write_bytes(b"<html>not-an-archive</html>\n")
    items = list(read_path(tmp_path / "bad.warc.gz")) + list(read_path(tmp_path / "bad.warc"))
    assert len(items) == 2 and all(isinstance(i, Skipped) for i in items)
    assert "corrupt gzip" in items[0].reason and "not a readable WARC/ARC file" in items[1].reason


def test_folder_with_a_crawl_and_a_stream_read_the_same(tmp_path: Path) -> None:
    crawl = write_crawl(tmp_path / "c.warc.gz", pages=2)
    from_folder, _ = _read(tmp_path)
    with crawl.open("rb") as handle:
        from_stream = [i for i in read_stream(handle, str(crawl)) if isinstance(i, Article)]
    assert [a.id for a in from_folder] == [a.id for a in from_stream] and len(from_folder) == 2


def arc_record(url: str, content_type: str, payload: bytes) -> bytes:
    """One ARC (v1) record: a header line, then exactly ``len(payload)`` bytes."""
    return f"{url} 127.0.0.1 20240305083000 {content_type} {len(payload)}\n".encode() + payload + b"\n"


def test_arc_files_are_read_like_warc(tmp_path: Path) -> None:
    info = arc_record("filedesc://old.arc", "text/plain",
                      b"1 0 marsad-tests\nURL IP-address Archive-date Content-type Archive-length\n")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page("خبر", ARABIC)
    (tmp_path / "old.arc").write_bytes(info + arc_record("http://news.example/ar/9", "text/html", http))
    articles, skipped = _read(tmp_path / "old.arc")
    assert not skipped and [a.url for a in articles] == ["http://news.example/ar/9"]
    assert articles[0].meta["crawl_date"] == CRAWLED
