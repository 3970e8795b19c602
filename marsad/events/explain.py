"""``marsad explain``: a readable account of what the pipeline saw in each sentence."""

from __future__ import annotations

from marsad.analyse.dates import find_dates
from marsad.events.extract import extract_events
from marsad.events.modality import aux_for
from marsad.types import Doc, Event


def explain_doc(doc: Doc) -> str:
    """Per sentence: actors, date words, triggers with modality cues, and each trigger's outcome."""
    trace: list[tuple] = []
    extract_events(doc, trace=trace)
    lines = [f"# {doc.article.id}  published: {doc.published or 'unknown'} ({doc.published_source})"]
    for s in doc.sentences:
        lines.append(f"\n[{s.index}] {s.text}")
        for m in (m for m in doc.mentions if m.sentence == s.index):
            lines.append(f"    actor   {m.entity.code or '---'} {m.entity.sector or '---'}  {m.entity.text}"
                         f"  ({m.role}; {m.rule})")
        for d in find_dates(s.text, _day(doc.published)):
            lines.append(f"    date    {d.text} → {d.value or '?'} ({d.precision}{', relative' if d.relative else ''})")
        for index, hit, outcome in trace:
            if index != s.index:
                continue
            _, cues = aux_for(s.tokens, hit.start, hit.end, 0, imperfect=False)
            cue_text = f" cues: {', '.join(cues)}" if cues else ""
            lines.append(f"    trigger {hit.text(s.tokens, s)} = {hit.trigger.type} ({hit.trigger.id}){cue_text}")
            lines.append("      → " + (_describe(outcome) if isinstance(outcome, Event) else f"no event: {outcome}"))
    return "\n".join(lines)


def _describe(e: Event) -> str:
    actors = ", ".join(f"{a.code or '?'}/{a.sector or '-'} {a.text}" for a in e.actor)
    recipients = ", ".join(f"{r.code or '?'}/{r.sector or '-'} {r.text}" for r in e.recipient) or "none"
    aux = f" aux={e.aux}" if e.aux else ""
    mode = f" mode={e.mode}" if e.mode else ""
    return (f"EVENT {e.event_type}{mode}{aux}: {actors} → {recipients}; date {e.date} ({e.date_source}"
            f"{': ' + e.date_text if e.date_text else ''}); rule {e.rule}")


def _day(value: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
