"""Recognise lines of page chrome, comment sections, signatures and datelines.

Knowledge lives in ``data/chrome.yaml``; this module only compiles and applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.analyse.normalize import phrase_key
from marsad.lexicons import load_yaml

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_PARAGRAPH_END = re.compile(r"[.!?؟…\"'”»)]\s*$")
_SENTENCE_END = re.compile(r"[.!?؟…:\"'”»)]\s*$")
_DATELINE = re.compile(
    r"^(?P<place>[\u0621-\u064a]+(?: [\u0621-\u064a]+){0,2})\s*[-–—]\s*"
    r"(?:\(?(?P<agency>[\u0621-\u064a]+(?: [\u0621-\u064a]+){0,2})\)?\s*[-–—:]\s*)"
)


@dataclass(frozen=True, slots=True)
class ChromeRules:
    lines: frozenset[str]
    sections: frozenset[str]
    trailers: frozenset[str]
    comment_starts: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    outlets: dict[str, str]  # folded → as written


def line_key(line: str) -> str:
    """Folded line with punctuation removed, for comparing against the lists."""
    return " ".join(phrase_key(_PUNCT.sub(" ", line)).split())


@lru_cache(maxsize=1)
def rules() -> ChromeRules:
    data = load_yaml("chrome.yaml", required=("lines", "sections", "trailers", "comment_starts", "patterns", "outlets"))
    return ChromeRules(
        lines=frozenset(line_key(x) for x in data["lines"]),
        sections=frozenset(line_key(x) for x in data["sections"]),
        trailers=frozenset(line_key(x) for x in data["trailers"]),
        comment_starts=tuple(line_key(x) for x in data["comment_starts"]),
        patterns=tuple(re.compile(p) for p in data["patterns"]),
        outlets={line_key(x): x for x in data["outlets"]},
    )


def is_chrome(line: str) -> bool:
    """A widget, button or counter line anywhere in the page."""
    r = rules()
    return line_key(line) in r.lines or any(p.search(line) for p in r.patterns)


def is_section_label(line: str) -> bool:
    return line_key(line) in rules().sections


def is_trailer_start(line: str) -> bool:
    return line_key(line) in rules().trailers


def is_comment_start(line: str) -> bool:
    k = line_key(line)
    return bool(k) and any(k.startswith(s) for s in rules().comment_starts)


def outlet_name(line: str) -> str | None:
    """The outlet a signature line names, as written in the list, or None."""
    return rules().outlets.get(line_key(line))


def word_count(line: str) -> int:
    return len(line.split())


def is_body_line(line: str) -> bool:
    """A line of running text: long, or ending like a sentence."""
    return word_count(line) >= 10 or (word_count(line) >= 4 and bool(_SENTENCE_END.search(line)))


def is_paragraph(line: str) -> bool:
    """Running text rather than a title: ends like a sentence, or is long."""
    return word_count(line) >= 25 or (word_count(line) >= 6 and bool(_PARAGRAPH_END.search(line)))


def find_dateline(line: str) -> re.Match[str] | None:
    """``واشنطن- الاناضول-`` at the start of a paragraph (place, agency)."""
    m = _DATELINE.match(line)
    if m and len(line) > m.end() + 20:
        return m
    return None
