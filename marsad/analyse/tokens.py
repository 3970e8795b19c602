"""Sentences and tokens with offsets into the cleaned text.

Sentences end at . ! ? ؟ … and at paragraph breaks, but not inside a quotation
(« » ‹ › “ ” " pairs within one paragraph), nor between digits (3.5), nor after a
one-letter abbreviation (د. for doctor).
"""

from __future__ import annotations

import re

from marsad.analyse.normalize import key
from marsad.types import Sentence, Token

__all__ = ["split_sentences", "tokenize", "analyse_text"]

_TOKEN = re.compile(
    r"(?P<word>[\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06fa-\u06ff\u0640\u064b-\u065f\u0670]+)"
    r"|(?P<number>[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c/][0-9\u0660-\u0669\u06f0-\u06f9]+)*)"
    r"|(?P<latin>[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z]+)*)"
    r"|(?P<punct>\S)"
)
_ENDERS = ".!?؟…"
_ENDER_RX = re.compile("[.!?؟…]")
_HAS_QUOTE = re.compile("[«»‹›\"“”„]")
_OPENERS = {"«": "»", "‹": "›"}
_TOGGLES = "\"“”„"
MAX_QUOTE = 600  # a quotation longer than this is treated as unbalanced


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``; offsets are shifted by ``offset``."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        word = m.group()
        out.append(Token(word, key(word), m.start() + offset, m.end() + offset, kind))
    return out


def _quoted_spans(par: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quotations in one paragraph."""
    spans, stack, toggle = [], [], None
    for i, ch in enumerate(par):
        if ch in _OPENERS:
            stack.append((ch, i))
        elif stack and ch == _OPENERS[stack[-1][0]]:
            spans.append((stack.pop()[1], i))
        elif ch in _TOGGLES:
            if toggle is None:
                toggle = i
            else:
                spans.append((toggle, i))
                toggle = None
    return [(a, b) for a, b in spans if b - a <= MAX_QUOTE]


def _is_boundary(par: str, i: int, quotes: list[tuple[int, int]]) -> bool:
    ch = par[i]
    if ch not in _ENDERS:
        return False
    nxt = par[i + 1] if i + 1 < len(par) else " "
    prev = par[i - 1] if i else " "
    if ch == "." and prev.isdigit() and nxt.isdigit():
        return False
    if ch == "." and i >= 1 and (i < 2 or not par[i - 2].isalnum()) and prev.isalpha():
        return False  # one-letter abbreviation: د. م. أ.
    if any(a < i < b - 1 for a, b in quotes):
        return False  # inside a quotation (an ender just before the closing mark counts)
    return nxt.isspace() or nxt in "»”\"’)]" or i + 1 == len(par)


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) spans of the sentences of cleaned ``text``."""
    out = []
    pos = 0
    for p_index, par in enumerate(text.split("\n")):
        quotes = _quoted_spans(par) if _HAS_QUOTE.search(par) else []
        start = 0
        for m in _ENDER_RX.finditer(par):
            i = m.start()
            if i >= start and _is_boundary(par, i, quotes):
                end = i + 1
                while end < len(par) and par[end] in "»”\"’)]" + _ENDERS:
                    end += 1
                _add_span(out, par, pos, start, end, p_index)
                start = end
        _add_span(out, par, pos, start, len(par), p_index)
        pos += len(par) + 1
    return out


def _add_span(out: list[tuple[int, int, int]], par: str, pos: int, start: int, end: int, p_index: int) -> None:
    piece = par[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if any(ch.isalnum() for ch in piece):
        out.append((pos + start + lead, pos + start + lead + len(piece), p_index))


def analyse_text(text: str) -> list[Sentence]:
    """Sentences of cleaned ``text``, each with its tokens."""
    sentences = []
    for index, (start, end, paragraph) in enumerate(split_sentences(text)):
        chunk = text[start:end]
        sentences.append(Sentence(index, start, end, chunk, tokenize(chunk, start), paragraph))
    return sentences
