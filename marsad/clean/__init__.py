"""Clean stage: from a raw scrape to clean running text with an offset map.

1. split the raw text into lines (raw offsets kept);
2. cut the reader-comment section and the related-articles trailer;
3. take header dates, section labels and the outlet signature out as metadata;
4. drop page chrome anywhere (buttons, counters, widgets);
5. take the title (first short line) and the dateline (``واشنطن- الاناضول-``);
6. rebuild each kept line with single spaces, invisible marks removed and glued
   words repaired, paragraphs joined by "\\n", recording every change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from marsad.clean import chrome
from marsad.clean.glue import split_glued
from marsad.clean.offsets import TextBuilder
from marsad.types import Article, Change, CleanText

__all__ = ["clean", "clean_article", "clean_text"]

log = logging.getLogger(__name__)

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
# Runs of visible characters; invisible format marks (ZWNJ, LRM, BOM, soft hyphen) split nothing.
_VISIBLE_RUN = re.compile(r"[^\s\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{6,}")
_HEADER_ZONE = 6  # header dates and labels are looked for in the first lines only


@dataclass(slots=True)
class _Line:
    start: int  # raw offsets of the stripped line
    end: int
    text: str
    keep: bool = True


def clean(article: Article) -> CleanText:
    """Clean one article (see the module docstring for the steps)."""
    return clean_text(article.text, article=article)


clean_article = clean  # the public API name (``marsad.clean`` is this package)


def clean_text(raw: str, *, article: Article | None = None) -> CleanText:
    """Clean raw scraped text; ``article`` (if given) is attached to the result."""
    article = article or Article(id="text", text=raw)
    lines = _split_lines(raw)
    result = CleanText(article=article, text="", offsets=None)  # type: ignore[arg-type]
    _cut_comments(lines, result)
    _strip_header(lines, result)
    _strip_trailer(lines, result)
    _drop_chrome(lines, result)
    _drop_repeats(lines, result)
    kept = [line for line in lines if line.keep]
    _take_title(kept, result)
    builder = TextBuilder(raw)
    for i, line in enumerate(kept):
        if i:
            builder.insert("\n")
        start = _take_dateline(line, result) if i <= 1 else line.start
        _copy_line(builder, raw, start, line.end, result)
    result.text, result.offsets = builder.build()
    result.changes.sort(key=lambda c: c.raw_start)
    return result


def _split_lines(raw: str) -> list[_Line]:
    lines = []
    for m in _LINE.finditer(raw):
        text = m.group()
        stripped = _INVISIBLE.sub("", text).strip()
        if not stripped:
            continue
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        lines.append(_Line(m.start() + lead, m.end() - trail, text.strip()))
    return lines


def _remove(line: _Line, result: CleanText, kind: str, why: str) -> None:
    line.keep = False
    result.changes.append(Change(kind, line.start, line.end, line.text, "", why))


def _cut_comments(lines: list[_Line], result: CleanText) -> None:
    """Everything from the first comment-section line on is reader comments."""
    for i, line in enumerate(lines):
        if i > 0 and chrome.is_comment_start(line.text):
            for rest in lines[i:]:
                if rest.keep:
                    _remove(rest, result, "comments", "reader-comment section")
            return


def _strip_header(lines: list[_Line], result: CleanText) -> None:
    """Header dates, section labels and signatures among the first lines, before the body."""
    zone = [line for line in lines[:_HEADER_ZONE] if line.keep]
    for i, line in enumerate(zone):
        if chrome.is_paragraph(line.text):
            return
        nxt = zone[i + 1].text if i + 1 < len(zone) else ""
        if _is_date_line(line.text):
            if result.header_date is None:
                result.header_date = _date_value(line.text)
            _remove(line, result, "header-date", "page date in the header (kept as a low-confidence date)")
        elif chrome.is_section_label(line.text):
            _remove(line, result, "chrome", "section label")
        elif (name := chrome.outlet_name(line.text)) is not None:
            result.outlet = result.outlet or name
            _remove(line, result, "signature", "outlet name (kept as metadata)")
        elif chrome.word_count(line.text) <= 2 and nxt and chrome.word_count(nxt) > 2 and not chrome.is_paragraph(nxt):
            _remove(line, result, "chrome", "section label (short line above the title)")


def _strip_trailer(lines: list[_Line], result: CleanText) -> None:
    """Short lines after the last body line: signature, labels, related articles."""
    last_body = max((i for i, line in enumerate(lines) if line.keep and chrome.is_body_line(line.text)), default=-1)
    if last_body < 0:
        return
    tail = [line for line in lines[last_body + 1 :] if line.keep]
    for j, line in enumerate(tail):
        if chrome.is_trailer_start(line.text):
            for rest in tail[j:]:
                _remove(rest, result, "chrome", "related-articles block")
            return
        if (name := chrome.outlet_name(line.text)) is not None:
            result.outlet = result.outlet or name
            _remove(line, result, "signature", "outlet signature (kept as metadata)")
        elif chrome.is_section_label(line.text) or chrome.is_chrome(line.text):
            _remove(line, result, "chrome", "page chrome after the article")
        elif chrome.word_count(line.text) <= 3:
            _remove(line, result, "chrome", "short line after the article")


def _drop_chrome(lines: list[_Line], result: CleanText) -> None:
    for line in lines:
        if line.keep and chrome.is_chrome(line.text):
            _remove(line, result, "chrome", "page widget, button or counter")


def _drop_repeats(lines: list[_Line], result: CleanText) -> None:
    """A line identical to an earlier kept line (a repeated header or title)."""
    seen: set[str] = set()
    for line in lines:
        if not line.keep:
            continue
        k = chrome.line_key(line.text)
        if k in seen and chrome.word_count(line.text) < 30:
            _remove(line, result, "repeat", "repeats an earlier line")
        seen.add(k)


def _take_title(kept: list[_Line], result: CleanText) -> None:
    if len(kept) >= 2 and not chrome.is_paragraph(kept[0].text) and chrome.word_count(kept[0].text) <= 25:
        result.title = kept[0].text


def _take_dateline(line: _Line, result: CleanText) -> int:
    """Drop a leading ``place- agency-`` dateline; return the raw start of what is kept."""
    m = chrome.find_dateline(line.text)
    if m is None:
        return line.start
    result.dateline = m.group("place") + (f" ({m.group('agency')})" if m.group("agency") else "")
    result.changes.append(Change("dateline", line.start, line.start + m.end(), m.group(), "", "dateline (kept as metadata)"))
    return line.start + m.end()


def _copy_line(builder: TextBuilder, raw: str, start: int, end: int, result: CleanText) -> None:
    """Copy one line with single spaces between visible runs and glued words split."""
    first = True
    for m in _VISIBLE_RUN.finditer(raw, start, end):
        if not first:
            builder.insert(" ")
        first = False
        _copy_run(builder, raw, m.start(), m.end(), result)


def _copy_run(builder: TextBuilder, raw: str, start: int, end: int, result: CleanText) -> None:
    pos = start
    for m in _ARABIC_WORD.finditer(raw, start, end):
        cuts = split_glued(m.group())
        if not cuts:
            continue
        for cut in cuts:
            builder.copy(pos, m.start() + cut)
            builder.insert(" ")
            pos = m.start() + cut
        fixed = " ".join(m.group()[a:b] for a, b in zip([0, *cuts], [*cuts, len(m.group())], strict=False))
        result.changes.append(Change("glue", m.start(), m.end(), m.group(), fixed, "words glued by a lost space"))
    builder.copy(pos, end)


def _is_date_line(line: str) -> bool:
    """A line that is nothing but a date (``الخميس - 25 أبريل 2024``)."""
    from marsad.analyse.dates import find_dates

    found = find_dates(line, None)
    covered = sum(len(d.text.replace(" ", "")) for d in found)
    letters = len(re.sub(r"[\s\-–—,،/|:]", "", line))
    return bool(found) and covered >= 0.6 * letters


def _date_value(line: str) -> str | None:
    from marsad.analyse.dates import find_dates

    found = [d for d in find_dates(line, None) if d.value]
    return found[0].value if found else None
