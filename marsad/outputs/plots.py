"""Charts of a store's events, drawn with matplotlib into files (PNG, SVG, PDF).

- ``plot_series``: a dyad's cooperation and conflict per period: for each direction
  (A→B, B→A, A and B together) a bar per period, cooperation stacked above zero and
  conflict below (the four PLOVER quad classes), and a panel with the sum of PLOVER
  scores per direction;
- ``plot_timeline``: real events (event groups) as points over time, one row each,
  coloured by quad class and labelled with the event type and a short Arabic snippet of
  the evidence. A date known only to the month or year is drawn as a span.

Arabic text: every Arabic string goes through ``arabic_label``. Matplotlib before 3.11
draws characters one by one, left to right, without joining letters; for it the label is
shaped by ``shape_arabic``: ``arabic_reshaper`` picks each letter's joined form (Unicode
presentation forms, U+FB50–U+FEFF) and python-bidi's ``get_display`` puts the result in
visual order. Matplotlib 3.11 and later lay text out with libraqm (HarfBuzz + FriBiDi),
which joins and reorders Arabic itself: shaping the text beforehand would make it reverse
the words a second time and break the joins, so there the logical text is passed as is.
Either way the glyphs drawn are the joined forms in right-to-left order (the tests check
the glyphs in the SVG). The font is DejaVu Sans, which ships with matplotlib and has
Arabic letters and their presentation forms, so charts look the same on every machine.
SVG text is written as glyph paths (matplotlib's default): an SVG viewer would otherwise
apply the bidirectional algorithm to the text once more.

Figures are made with ``matplotlib.figure.Figure``, never pyplot: no display, no global
backend switch, nothing left open. Needs ``pip install "marsad[plot]"``.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from marsad.errors import MarsadError
from marsad.outputs.analysis import QUADS, parse_dyad, series, timeline
from marsad.outputs.export import known_actor_names
from marsad.store.base import Store

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PlotError", "arabic_label", "shape_arabic", "has_native_layout", "evidence_snippet", "actor_title", "draw_series", "draw_timeline",
           "plot_series", "plot_timeline", "FONT"]

log = logging.getLogger(__name__)

FONT = "DejaVu Sans"  # bundled with matplotlib; has Arabic presentation forms
FORMATS = (".png", ".svg", ".pdf")

QUAD_COLORS = {"verbal_coop": "#6baed6", "material_coop": "#08519c", "verbal_conflict": "#fd8d3c",
               "material_conflict": "#a63603"}
# Darker shades of the same hues, for text (light colours are hard to read as letters).
QUAD_TEXT_COLORS = {"verbal_coop": "#2171b5", "material_coop": "#08519c", "verbal_conflict": "#d94801",
                    "material_conflict": "#7f2704"}
QUAD_LABELS = {"verbal_coop": "verbal cooperation", "material_coop": "material cooperation",
               "verbal_conflict": "verbal conflict", "material_conflict": "material conflict"}
DIRECTION_COLORS = ("#333333", "#7b3294", "#008837", "#a6611a")

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# pandas period codes for analysis.series' frequencies
_PERIOD_CODE = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_SPAN_CODE = {"month": "M", "year": "Y"}
MAX_TIMELINE_EVENTS = 60


class PlotError(MarsadError, ValueError):
    """A chart that cannot be drawn as asked (the message says why and what to do)."""


# ---------------------------------------------------------------- Arabic text


def shape_arabic(text: str | None) -> str:
    """Arabic letters joined (presentation forms) and put in visual, left-to-right drawing order.

    Text without Arabic is returned unchanged; mixed text is reordered by the Unicode
    bidirectional algorithm (numbers and Latin words keep their direction).
    """
    if not text or not _ARABIC.search(text):
        return text or ""
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


@lru_cache(maxsize=1)
def has_native_layout() -> bool:
    """Whether matplotlib shapes and reorders right-to-left text itself (libraqm, matplotlib ≥ 3.11)."""
    from matplotlib import ft2font

    return hasattr(ft2font, "__libraqm_version__")


def arabic_label(text: str | None) -> str:
    """Text to hand to matplotlib so that Arabic comes out joined and right to left (see module notes)."""
    return (text or "") if has_native_layout() else shape_arabic(text)


def evidence_snippet(evidence: str | None, trigger: str | None = None, *, before: int = 3, after: int = 4,
                     max_chars: int = 60) -> str:
    """A few words of evidence around the trigger, in logical order, "…" where cut."""
    words = (evidence or "").split()
    if not words:
        return ""
    at = _word_index(words, trigger)
    start, end = max(0, at - before), min(len(words), at + after + 1)
    text = " ".join(words[start:end])
    cut_end = end < len(words)
    if len(text) > max_chars:
        text, cut_end = text[:max_chars].rsplit(" ", 1)[0], True
    return ("… " if start > 0 else "") + text + (" …" if cut_end else "")


def _word_index(words: list[str], trigger: str | None) -> int:
    """Index of the word where the trigger starts (0 when it cannot be found)."""
    first = (trigger or "").split()[:1]
    if not first:
        return 0
    return next((i for i, w in enumerate(words) if first[0] in w), 0)


def actor_title(codes: list[str | None]) -> tuple[str, str]:
    """English and Arabic titles for actor codes: ("USA–RUS (United States – Russia)", "الولايات المتحدة – روسيا")."""
    used = [c for c in codes if c]
    if not used:
        return "all events", "كل الأحداث"
    names = [known_actor_names().get(c, (c, c)) for c in used]
    english = "–".join(used)
    if any(n[0] != c for n, c in zip(names, used, strict=True)):
        english += " (" + " – ".join(n[0] for n in names) + ")"
    return english, " – ".join(n[1] for n in names)


# ---------------------------------------------------------------- figure helpers


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _style() -> dict[str, Any]:
    return {"font.family": [FONT], "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False,
            "axes.spines.right": False, "svg.fonttype": "path"}


def _titles(fig: Figure, english: str, arabic: str, note: str) -> None:
    """English title, Arabic title under it, and a note at the bottom (what is not shown, and why)."""
    fig.suptitle(f"{english}\n{arabic_label(arabic)}", fontsize=13, fontweight="bold")
    if note:
        fig.supxlabel(note, fontsize=8, color="#555555")


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise PlotError(f"{path}: give a file name ending in {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", pad_inches=0.25, facecolor="white")
    log.info("wrote %s", path)
    return path


# ---------------------------------------------------------------- dyad series


def plot_series(store: Store, dyad: str | tuple[str, str], path: str | Path, *, freq: str = "month",
                context: str | None = None, since: str | None = None, until: str | None = None) -> Path:
    """Draw ``analysis.series`` of a dyad into ``path`` (.png, .svg or .pdf); return the path."""
    a, b = parse_dyad(dyad) if isinstance(dyad, str) else dyad
    frame = series(store, (a, b), freq=freq, context=context, since=since, until=until)
    return _save(draw_series(frame, (a, b), freq=freq, context=context), path)


def draw_series(frame: pd.DataFrame, dyad: tuple[str, str], *, freq: str = "month",
                context: str | None = None) -> Figure:
    """The series chart of an ``analysis.series`` frame: one bar panel per direction, then the scores."""
    import matplotlib as mpl

    a, b = dyad
    directions = _directions(frame, a, b)
    periods = _period_range(frame, freq)
    with mpl.rc_context(_style()):
        fig = _new_figure(max(8.0, min(18.0, 0.32 * len(periods) + 4)), 2.1 * len(directions) + 3.4)
        axes = fig.subplots(len(directions) + 1, 1, sharex=True,
                            gridspec_kw={"height_ratios": [3] * len(directions) + [2.4]})
        tallest = _tallest_stack(frame)
        for ax, direction in zip(axes[:-1], directions, strict=True):
            _quad_bars(ax, frame[frame["direction"] == direction], periods, direction)
            ax.set_ylim(-tallest * 1.1, tallest * 1.1)  # same symmetric scale in every panel: comparable
        _score_lines(axes[-1], frame, periods, directions)
        _period_ticks(axes[-1], periods, freq)
        handles = [mpl.patches.Patch(color=QUAD_COLORS[q], label=QUAD_LABELS[q]) for q in QUADS.values()]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
        english, arabic = actor_title([a, b])
        where = f", context {context}" if context else ""
        _titles(fig, f"{english}: cooperation and conflict per {freq}{where}", arabic, _series_note(frame, freq))
    return fig


def _directions(frame: pd.DataFrame, a: str, b: str) -> list[str]:
    """A→B, B→A and A+B always (an empty panel is information too), then any other direction found."""
    fixed = [f"{a}→{b}", f"{b}→{a}", f"{a}+{b}"]
    return fixed + sorted(set(frame["direction"]) - set(fixed)) if not frame.empty else fixed


def _period_range(frame: pd.DataFrame, freq: str) -> list[pd.Period]:
    """Every period from the first to the last with events, so gaps show as gaps."""
    if frame.empty:
        return []
    code = _PERIOD_CODE[freq]
    found = sorted({pd.Period(str(p).split("/")[0], freq=code) for p in frame["period"]})
    return list(pd.period_range(found[0], found[-1], freq=code))


def _period_key(value: str, freq: str) -> pd.Period:
    return pd.Period(str(value).split("/")[0], freq=_PERIOD_CODE[freq])


def _tallest_stack(frame: pd.DataFrame) -> float:
    """The highest cooperation or conflict stack of any period and direction (at least 1)."""
    if frame.empty:
        return 1.0
    coop = frame["verbal_coop"] + frame["material_coop"]
    conflict = frame["verbal_conflict"] + frame["material_conflict"]
    return float(max(1, coop.max(), conflict.max()))


def _quad_bars(ax: Axes, rows: pd.DataFrame, periods: list[pd.Period], direction: str) -> None:
    """Cooperation stacked up from zero, conflict stacked down: the balance is read at a glance."""
    freq = _freq_of(periods)
    counts = {q: [0] * len(periods) for q in QUADS.values()}
    index = {p: i for i, p in enumerate(periods)}
    for _, row in rows.iterrows():
        i = index[_period_key(row["period"], freq)]
        for q in QUADS.values():
            counts[q][i] = int(row[q])
    x = list(range(len(periods)))
    up = [0] * len(periods)
    down = [0] * len(periods)
    for q in QUADS.values():
        sign = 1 if "coop" in q else -1
        base = up if sign > 0 else down
        ax.bar(x, [sign * v for v in counts[q]], bottom=base, color=QUAD_COLORS[q], width=0.8)
        for i, v in enumerate(counts[q]):
            base[i] += sign * v
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_ylabel("events\n(conflict below 0)", fontsize=8)
    ax.set_title(direction, loc="left", fontweight="bold")
    ax.yaxis.set_major_locator(_integer_locator())
    ax.yaxis.set_major_formatter(_absolute_formatter())
    if rows.empty:
        ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center", va="center", color="#888888")
    if not periods:
        ax.set_xlim(-0.5, 0.5)


def _score_lines(ax: Axes, frame: pd.DataFrame, periods: list[pd.Period], directions: list[str]) -> None:
    freq = _freq_of(periods)
    index = {p: i for i, p in enumerate(periods)}
    for color, direction in zip(DIRECTION_COLORS * 3, directions, strict=False):
        rows = frame[frame["direction"] == direction]
        if rows.empty:
            continue
        scores = [0.0] * len(periods)
        with_events = []
        for _, row in rows.iterrows():
            i = index[_period_key(row["period"], freq)]
            scores[i] = float(row["score"])
            with_events.append(i)
        ax.plot(range(len(periods)), scores, marker="o", markersize=5, markevery=sorted(with_events), color=color,
                label=direction, linewidth=1.4)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_ylabel("sum of PLOVER scores\n(+ cooperation, − conflict)", fontsize=8)
    ax.set_title("score sum per direction", loc="left", fontweight="bold")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, frameon=False)


def _freq_of(periods: list[pd.Period]) -> str:
    if not periods:
        return "month"
    code = periods[0].freqstr.split("-")[0]
    return next((f for f, c in _PERIOD_CODE.items() if code.startswith(c)), "month")


def _period_ticks(ax: Axes, periods: list[pd.Period], freq: str) -> None:
    """At most ~24 labelled ticks; weeks labelled by their first day."""
    step = max(1, len(periods) // 24 + (1 if len(periods) % 24 else 0)) if len(periods) > 24 else 1
    ticks = list(range(0, len(periods), step))
    ax.set_xticks(ticks)
    labels = [str(periods[i].start_time.date()) if freq == "week" else str(periods[i]) for i in ticks]
    ax.set_xticklabels(labels, rotation=45 if len(ticks) > 8 else 0, ha="right" if len(ticks) > 8 else "center")


def _integer_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=5)


def _absolute_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{abs(v):g}")


def _series_note(frame: pd.DataFrame, freq: str) -> str:
    undated, coarse = frame.attrs.get("undated", 0), frame.attrs.get("too_coarse", 0)
    parts = []
    if undated:
        parts.append(f"{undated} undated event(s)")
    if coarse:
        parts.append(f"{coarse} event(s) dated less precisely than a {freq}")
    note = " and ".join(parts) + " not shown. " if parts else ""
    return note + "Each real event counted once (event groups). Source: marsad."


# ---------------------------------------------------------------- timeline


def plot_timeline(store: Store, path: str | Path, *, actor: str | None = None, recipient: str | None = None,
                  context: str | None = None, event_type: str | None = None, since: str | None = None,
                  until: str | None = None, directed: bool = False, limit: int = MAX_TIMELINE_EVENTS) -> Path:
    """Draw ``analysis.timeline`` into ``path`` (.png, .svg or .pdf); return the path."""
    frame = timeline(store, actor=actor, recipient=recipient, context=context, event_type=event_type, since=since,
                     until=until, directed=directed)
    return _save(draw_timeline(frame, actor=actor, recipient=recipient, limit=limit), path)


def draw_timeline(frame: pd.DataFrame, *, actor: str | None = None, recipient: str | None = None,
                  limit: int = MAX_TIMELINE_EVENTS) -> Figure:
    """One row per dated event: the point on a time axis, then its type and an Arabic snippet.

    With more than ``limit`` dated events the most reported ones are kept (then the latest).
    """
    import matplotlib as mpl

    dated = _dated_events(frame)
    shown = _most_reported(dated, limit)
    with mpl.rc_context(_style()):
        fig = _new_figure(13.0, 0.34 * max(len(shown), 3) + 2.4)
        chart, labels = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1.25, 1.0]})
        _timeline_points(chart, shown)
        _timeline_labels(labels, shown)
        handles = [mpl.lines.Line2D([], [], marker="o", linestyle="", color=QUAD_COLORS[q], label=QUAD_LABELS[q])
                   for q in QUADS.values()]
        handles.append(mpl.lines.Line2D([], [], color="#999999", linewidth=4, alpha=0.5,
                                        label="date known to the month/year only"))
        fig.legend(handles=handles, loc="outside lower center", ncols=5, frameon=False)
        english, arabic = actor_title([actor, recipient])
        _titles(fig, f"{english}: timeline of events", arabic, _timeline_note(frame, dated, shown))
    return fig


def _dated_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Dated events with the time span their date covers (a day, a month or a year)."""
    if frame.empty:
        return frame.assign(start=[], end=[], middle=[])
    dated = frame[frame["date"].notna()].copy()
    spans = [_date_span(d, p) for d, p in zip(dated["date"], dated["date_precision"], strict=True)]
    dated["start"] = [s for s, _ in spans]
    dated["end"] = [e for _, e in spans]
    dated["middle"] = [s + (e - s) / 2 for s, e in spans]
    return dated


def _date_span(date: str, precision: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    if precision in _SPAN_CODE:
        period = pd.Period(date, freq=_SPAN_CODE[precision])
        return period.start_time, period.end_time.normalize()
    day = pd.Timestamp(date)
    return day, day


def _most_reported(dated: pd.DataFrame, limit: int) -> pd.DataFrame:
    if len(dated) <= limit:
        return dated.reset_index(drop=True)
    keep = dated.sort_values(["num_mentions", "start"], ascending=False).head(limit).index
    return dated.loc[sorted(keep)].reset_index(drop=True)


def _timeline_points(ax: Axes, shown: pd.DataFrame) -> None:
    import matplotlib.dates as mdates

    rows = list(range(len(shown)))
    for y, (_, ev) in zip(rows, shown.iterrows(), strict=True):
        color = QUAD_COLORS.get(QUADS.get(int(ev["quad_code"]), ""), "#777777")
        if ev["end"] > ev["start"]:
            ax.hlines(y, ev["start"], ev["end"], color=color, linewidth=5, alpha=0.35)
            ax.plot(ev["middle"], y, marker="o", markerfacecolor="white", markeredgecolor=color, markersize=7)
        else:
            ax.plot(ev["start"], y, marker="o", color=color, markersize=7)
    ax.set_yticks(rows)
    ax.set_yticklabels([f"{ev['date']}  {ev['direction']}" for _, ev in shown.iterrows()], fontsize=8)
    ax.set_ylim(len(shown) - 0.5 if len(shown) else 0.5, -0.5)  # first event on top
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    if shown.empty:
        ax.text(0.5, 0.5, "no dated events", transform=ax.transAxes, ha="center", va="center", color="#888888")


def _timeline_labels(ax: Axes, shown: pd.DataFrame) -> None:
    """Type (×N mentions, auxiliary modes) on the left, the Arabic snippet right-aligned: read from the right."""
    ax.set_axis_off()
    for y, (_, ev) in enumerate(shown.iterrows()):
        color = QUAD_TEXT_COLORS.get(QUADS.get(int(ev["quad_code"]), ""), "#555555")
        times = f" ×{int(ev['num_mentions'])}" if int(ev["num_mentions"]) > 1 else ""
        aux = f" ({ev['aux'].replace(',', ', ')})" if ev["aux"] else ""  # negated, hypothetical, past …
        ax.text(0.0, y, f"{ev['event_type']}{times}{aux}", ha="left", va="center", fontsize=8, fontweight="bold",
                color=color, transform=ax.get_yaxis_transform())
        snippet = evidence_snippet(ev["evidence"], ev["trigger"])
        ax.text(1.0, y, arabic_label(snippet), ha="right", va="center", fontsize=9,
                transform=ax.get_yaxis_transform())


def _timeline_note(frame: pd.DataFrame, dated: pd.DataFrame, shown: pd.DataFrame) -> str:
    parts = []
    if len(frame) > len(dated):
        parts.append(f"{len(frame) - len(dated)} undated event(s) not shown")
    if len(dated) > len(shown):
        parts.append(f"{len(shown)} most reported of {len(dated)} dated events shown")
    note = "; ".join(parts) + ". " if parts else ""
    return note + "One row per real event (event group); ×N: mentions. Source: marsad."
