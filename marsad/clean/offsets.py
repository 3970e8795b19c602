"""Build cleaned text while remembering where each piece came from in the raw text."""

from __future__ import annotations

from bisect import bisect_right

from marsad.types import OffsetMap


class TextBuilder:
    """Append raw slices and inserted strings; ``build()`` returns text and offset map."""

    def __init__(self, raw: str):
        self.raw = raw
        self.parts: list[str] = []
        self.length = 0
        self.clean_starts: list[int] = []
        self.raw_starts: list[int] = []
        self.lengths: list[int] = []

    def copy(self, raw_start: int, raw_end: int) -> None:
        """Append ``raw[raw_start:raw_end]`` unchanged."""
        if raw_end <= raw_start:
            return
        if self.lengths and self.raw_starts[-1] + self.lengths[-1] == raw_start and (
            self.clean_starts[-1] + self.lengths[-1] == self.length
        ):
            self.lengths[-1] += raw_end - raw_start  # extend the previous run
        else:
            self.clean_starts.append(self.length)
            self.raw_starts.append(raw_start)
            self.lengths.append(raw_end - raw_start)
        self.parts.append(self.raw[raw_start:raw_end])
        self.length += raw_end - raw_start

    def insert(self, text: str) -> None:
        """Append text that is not in the raw (a repaired space, a paragraph break)."""
        self.parts.append(text)
        self.length += len(text)

    def endswith(self, text: str) -> bool:
        return bool(self.parts) and "".join(self.parts[-2:]).endswith(text)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self.parts), OffsetMap(self.clean_starts, self.raw_starts, self.lengths)


def to_raw(offsets: OffsetMap, clean_offset: int) -> int:
    """Raw offset of a cleaned-text offset; inserted characters map to the next raw one."""
    i = bisect_right(offsets.clean_starts, clean_offset) - 1
    if i < 0:
        return offsets.raw_starts[0] if offsets.raw_starts else 0
    inside = clean_offset - offsets.clean_starts[i]
    if inside < offsets.lengths[i]:
        return offsets.raw_starts[i] + inside
    return offsets.raw_starts[i] + offsets.lengths[i]
