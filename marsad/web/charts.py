"""Charts as server-rendered SVG: they work offline, need no JavaScript and print well.

Every piece of text placed in the SVG goes through ``markupsafe`` (``Markup.format``
escapes its arguments), so codes and labels taken from the database stay text.
Colours are SVG presentation attributes and classes, never ``style`` attributes, so the
app's Content-Security-Policy can forbid inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup

__all__ = ["SeriesPoint", "series_chart", "network_chart", "quad_bar", "QUAD_COLORS"]

QUAD_COLORS = {1: "#74add1", 2: "#2166ac", 3: "#f4a582", 4: "#b2182b"}
SCORE_COLOR = "#222222"


@dataclass
class SeriesPoint:
    """One period of a dyad's series: real events per quad class and the sum of their scores."""

    period: str
    by_quad: dict[int, int] = field(default_factory=dict)
    score: float = 0.0


def _nice_max(value: float) -> float:
    """A round number at least ``value`` (axis top), 1 for nothing."""
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def series_chart(points: Sequence[SeriesPoint], *, quad_names: dict[int, str], score_name: str,
                 width: int = 960, height: int = 340) -> Markup:
    """Cooperation stacked above the zero line, conflict below, per period; the score as a line.

    Counts use the left axis; the score its own axis on the right, scaled so both zero
    lines coincide.
    """
    left, right, top, bottom = 48, 56, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    most_up = max((p.by_quad.get(1, 0) + p.by_quad.get(2, 0) for p in points), default=0)
    most_down = max((p.by_quad.get(3, 0) + p.by_quad.get(4, 0) for p in points), default=0)
    up, down = _halves(most_up, most_down)
    zero = top + plot_h * up / (up + down)
    unit = plot_h / (up + down)  # pixels per event
    score_top, score_unit = _score_scale(points, up * unit, down * unit)
    band = plot_w / max(len(points), 1)
    bar_w = max(min(band * 0.7, 48), 1.5)

    parts: list[Markup] = [Markup(
        '<svg class="chart series-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%"'
        ' role="img" aria-label="{label}" direction="ltr">').format(w=width, h=height, label=score_name)]
    parts += _count_axis(left, width - right, zero, unit, up if most_up else 0, down if most_down else 0)
    parts += _score_axis(width - right, zero, score_unit, score_top, up * unit, down * unit)
    for i, p in enumerate(points):
        x = left + band * i + (band - bar_w) / 2
        parts += _stacked_bars(p, x, bar_w, zero, unit, quad_names)
    parts += _period_labels(points, left, band, height - bottom + 16)
    parts.append(_score_line(points, left, band, zero, score_unit, score_name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _count_axis(x0: float, x1: float, zero: float, unit: float, up: float, down: float) -> list[Markup]:
    out = []
    for value in _ticks(up) + [-v for v in _ticks(down) if v]:
        y = zero - value * unit
        out.append(Markup('<line class="grid{z}" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>'
                          '<text class="tick" x="{tx}" y="{ty:.1f}" text-anchor="end">{v}</text>').format(
            z=" zero" if value == 0 else "", x0=x0, x1=x1, y=y, tx=x0 - 6, ty=y + 4, v=_fmt(abs(value))))
    return out


def _halves(most_up: int, most_down: int) -> tuple[float, float]:
    """Axis tops above and below zero; a side with no events keeps a sliver, so zero stays visible."""
    if most_up and most_down:
        return _nice_max(most_up), _nice_max(most_down)
    if most_down:
        return _nice_max(most_down) * 0.15, _nice_max(most_down)
    top = _nice_max(most_up)
    return top, top * 0.15


def _score_scale(points: Sequence[SeriesPoint], up_px: float, down_px: float) -> tuple[float, float]:
    """The score axis' tick step base and pixels per score point, so every score fits its half."""
    highest = max((p.score for p in points), default=0.0)
    lowest = -min((p.score for p in points), default=0.0)
    score_top = _nice_max(max(highest, lowest))
    fits = [px / _nice_max(v) for v, px in ((highest, up_px), (lowest, down_px)) if v > 0]
    return score_top, min(fits) if fits else up_px / score_top


def _score_axis(x: float, zero: float, score_unit: float, score_top: float, up_px: float,
                down_px: float) -> list[Markup]:
    out = []
    for value in _ticks(score_top):
        for signed in sorted({value, -value}):
            y = zero - signed * score_unit
            if -down_px - 0.5 <= zero - y <= up_px + 0.5:
                out.append(Markup('<text class="tick score-tick" x="{x}" y="{y:.1f}">{v}</text>').format(
                    x=x + 6, y=y + 4, v=_fmt(signed)))
    return out


def _ticks(top: float) -> list[float]:
    """Round tick values from 0 to ``top``: every unit up to 5, else five or four steps."""
    if top <= 5:
        return [float(v) for v in range(int(top) + 1)]
    step = top / 5 if (top / 5).is_integer() else top / 4
    return [step * i for i in range(int(round(top / step)) + 1)]


def _stacked_bars(p: SeriesPoint, x: float, bar_w: float, zero: float, unit: float,
                  quad_names: dict[int, str]) -> list[Markup]:
    out = []
    above = below = zero
    for quad in (1, 2, 3, 4):
        n = p.by_quad.get(quad, 0)
        if not n:
            continue
        h = n * unit
        if quad <= 2:
            above -= h
            y = above
        else:
            y = below
            below += h
        out.append(Markup('<rect class="bar q{q}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"'
                          ' fill="{c}"><title>{period} · {name}: {n}</title></rect>').format(
            q=quad, x=x, y=y, w=bar_w, h=h, c=QUAD_COLORS[quad], period=p.period, name=quad_names[quad], n=n))
    return out


def _period_labels(points: Sequence[SeriesPoint], left: float, band: float, y: float) -> list[Markup]:
    step = max(1, math.ceil(len(points) / 12))
    return [Markup('<text class="tick period" x="{x:.1f}" y="{y}" text-anchor="middle">{t}</text>').format(
        x=left + band * (i + 0.5), y=y, t=p.period) for i, p in enumerate(points) if i % step == 0]


def _score_line(points: Sequence[SeriesPoint], left: float, band: float, zero: float, score_unit: float,
                score_name: str) -> Markup:
    coords = [(left + band * (i + 0.5), zero - p.score * score_unit) for i, p in enumerate(points)]
    if not coords:
        return Markup("")
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = Markup("").join(
        Markup('<circle class="score-dot" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"><title>{period} · {name}: {s}'
               "</title></circle>").format(x=x, y=y, c=SCORE_COLOR, period=p.period, name=score_name, s=_fmt(p.score))
        for (x, y), p in zip(coords, points, strict=True))
    return Markup('<polyline class="score-line" points="{p}" fill="none" stroke="{c}" stroke-width="2"/>{d}').format(
        p=path, c=SCORE_COLOR, d=dots)


def quad_bar(by_quad: dict[int, int], quad_names: dict[int, str], *, width: int = 160, height: int = 12) -> Markup:
    """A thin horizontal bar split by quad class (for ranked lists)."""
    total = sum(by_quad.values())
    if not total:
        return Markup("")
    parts = [Markup('<svg class="quadbar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}"'
                    ' height="{h}" direction="ltr">').format(w=width, h=height)]
    x = 0.0
    for quad in (1, 2, 3, 4):
        n = by_quad.get(quad, 0)
        if n:
            w = width * n / total
            parts.append(Markup('<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{h}" fill="{c}"><title>{name}: {n}'
                                "</title></rect>").format(x=x, w=w, h=height, c=QUAD_COLORS[quad],
                                                          name=quad_names[quad], n=n))
            x += w
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def network_chart(center: str, incoming: Sequence[dict], outgoing: Sequence[dict], *, link: str,
                  quad_names: dict[int, str], limit: int = 10, width: int = 720) -> Markup:
    """Actors acting on ``center`` on the left, ``center`` in the middle, those it acts on on the right.

    Edge width grows with the number of real events, its colour is the most frequent quad
    class; each node links to its own actor page (``link`` is the URL with ``{code}``).
    """
    incoming, outgoing = list(incoming)[:limit], list(outgoing)[:limit]
    rows = max(len(incoming), len(outgoing), 1)
    height = max(120, rows * 34 + 30)
    cx, cy = width / 2, height / 2
    biggest = max([e["total"] for e in [*incoming, *outgoing]] or [1])
    parts = [Markup('<svg class="chart network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}"'
                    ' width="100%" role="img" aria-label="{c}" direction="ltr">').format(w=width, h=height, c=center)]
    for side, entries, x in (("in", incoming, 90), ("out", outgoing, width - 90)):
        for i, entry in enumerate(entries):
            y = (height - 30) * (i + 0.5) / max(len(entries), 1) + 15
            parts.append(_edge(entry, x, y, cx, cy, side, biggest, quad_names))
            parts.append(_node(entry["code"], x, y, link, "node"))
    parts.append(_node(center, cx, cy, link, "node center"))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _edge(entry: dict, x: float, y: float, cx: float, cy: float, side: str, biggest: int,
          quad_names: dict[int, str]) -> Markup:
    quad = max(entry["by_quad"], key=lambda q: (entry["by_quad"][q], -q))
    width = 1.5 + 7 * entry["total"] / biggest
    (x0, y0), (x1, y1) = ((x + 30, y), (cx - 34, cy)) if side == "in" else ((cx + 34, cy), (x - 30, y))
    mid = (x0 + x1) / 2
    return Markup('<path class="edge" d="M{x0:.1f},{y0:.1f} C{m:.1f},{y0:.1f} {m:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"'
                  ' fill="none" stroke="{c}" stroke-width="{sw:.1f}" stroke-opacity="0.75"><title>{code}: {n} ({q})'
                  "</title></path>").format(x0=x0, y0=y0, m=mid, x1=x1, y1=y1, c=QUAD_COLORS[quad], sw=width,
                                            code=entry["code"], n=entry["total"], q=quad_names[quad])


def _node(code: str, x: float, y: float, link: str, css: str) -> Markup:
    href = link.replace("{code}", quote(code, safe=""))
    return Markup('<a href="{href}"><rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w}" height="24" rx="12"/>'
                  '<text class="node-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle">{code}</text></a>').format(
        href=href, css=css, x=x - 30, y=y - 12, w=60, tx=x, ty=y + 5, code=code)
