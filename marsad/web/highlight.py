"""Article text with highlighted spans, built so that no piece of article text is ever markup.

Spans (actor mentions, event triggers, quotations) come from stored character offsets
into ``clean_text`` and may overlap. The text is cut at every span boundary; each piece
is escaped with ``markupsafe.escape`` and, when spans cover it, wrapped in our own
``<mark>`` whose classes name every covering span. Only this module writes the tags, so
a ``<script>`` in an article stays text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Span", "highlight"]


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of text: ``kind`` becomes the CSS class ``hl-KIND``."""

    start: int
    end: int
    kind: str  # actor | other | trigger | quote
    title: str = ""  # tooltip: what the span is
    anchor: str | None = None  # an element id, so other pages can link to the span


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with ``<mark>`` around the spans (spans outside the text are ignored)."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    anchored: set[str] = set()
    pieces: list[Markup] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in valid if s.start <= start and end <= s.end]
        pieces.append(_piece(text[start:end], covering, start, anchored))
    return Markup("").join(pieces)


def _piece(text: str, covering: list[Span], start: int, anchored: set[str]) -> Markup:
    if not covering:
        return escape(text)
    classes = " ".join(sorted({f"hl-{s.kind}" for s in covering}))
    title = " · ".join(dict.fromkeys(s.title for s in covering if s.title))
    anchor = next((s.anchor for s in covering if s.anchor and s.start == start and s.anchor not in anchored), None)
    attrs = Markup(' class="{}"').format(classes)
    if title:
        attrs += Markup(' title="{}"').format(title)
    if anchor:
        anchored.add(anchor)
        attrs += Markup(' id="{}"').format(anchor)
    return Markup("<mark{}>{}</mark>").format(attrs, text)
