"""Downloads: the filtered events as CSV or JSONL, streamed.

Real events (the default) are written by ``marsad.outputs.export``, so a download has
the same records and columns as ``marsad export`` (JSONL: PLOVER records with every
mention as evidence; CSV: the flat ICEWS/GDELT-like columns), restricted to the real
events that match the web filters. ``mentions=true`` writes one flat row per mention
(``MENTION_COLUMNS``), a shape the export module does not have.

One producer thread owns the store connection for the whole download, because SQLite
connections must stay in the thread that opened them and a streamed response resumes
on any thread of the pool. It hands text over a bounded queue, so memory stays flat,
and stops when the client goes away.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from marsad.outputs import export as export_module
from marsad.store import Store, open_store
from marsad.web import queries

__all__ = ["threaded_lines", "merged_events", "mention_rows", "MENTION_COLUMNS"]

log = logging.getLogger(__name__)

FLUSH_BYTES = 64_000  # text handed over per queue item
QUEUE_ITEMS = 64
MENTION_CHUNK = 1000

MENTION_COLUMNS = ["event_id", "group_id", "date", "date_precision", "date_source", "event_type", "quad_code",
                   "event_scale", "actors", "actor_names", "recipients", "recipient_names", "mode", "context", "aux",
                   "trigger", "evidence", "article_id", "article_title", "outlet", "published", "location_country",
                   "location_place"]

Emit = Callable[[str], None]
_DONE = object()


class _ClientGone(Exception):
    """The reader stopped reading: the producer ends quietly."""


def threaded_lines(db: str, produce: Callable[..., None]) -> Iterator[str]:
    """Text chunks from ``produce(store, emit)``, run in a thread of its own over its own connection."""
    handover: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_ITEMS)
    stop = threading.Event()

    def emit(text: str) -> None:
        while not stop.is_set():
            try:
                handover.put(text, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _ClientGone

    def work() -> None:
        try:
            with open_store(db, migrate=False) as store:
                produce(store, _Buffered(emit))
        except _ClientGone:
            log.info("download stopped: the client went away")
        except Exception:
            log.exception("download failed; the file sent is incomplete")
        finally:
            _put_quietly(handover, _DONE, stop)

    threading.Thread(target=work, name="marsad-download", daemon=True).start()
    try:
        while (item := handover.get()) is not _DONE:
            yield item
    finally:
        stop.set()


def _put_quietly(handover: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            handover.put(item, timeout=0.5)
            return
        except queue.Full:
            continue


class _Buffered:
    """Collects small writes into chunks of about ``FLUSH_BYTES`` before handing them over."""

    def __init__(self, emit: Emit):
        self.emit = emit
        self.parts: list[str] = []
        self.size = 0

    def __call__(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.emit("".join(self.parts))
            self.parts, self.size = [], 0


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return out.getvalue()


def merged_events(store: Store, emit: _Buffered, *, filters: queries.EventFilters, fmt: str) -> None:
    """Real events matching ``filters``, written by the export module's record and row builders."""
    wanted = queries.matching_group_ids(store, filters)
    names = [name for name, _ in export_module.FLAT_COLUMNS]
    if fmt == "csv":
        emit("\ufeff" + _csv_line(names))  # the BOM: spreadsheet programs then read the Arabic as UTF-8
    single = {side: codes[0] if len(codes) == 1 else None
              for side, codes in (("actor", filters.actor), ("recipient", filters.recipient))}
    for record in export_module.iter_merged_events(store, **single):
        if wanted is not None and record["id"] not in wanted:
            continue
        if fmt == "jsonl":
            emit(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            row = export_module.flat_row(record)
            emit(_csv_line([row[c] for c in names]))
    emit.flush()


def mention_rows(store: Store, emit: _Buffered, *, filters: queries.EventFilters, fmt: str) -> None:
    """Every event mention matching ``filters``, oldest first, as flat rows or JSON objects."""
    if fmt == "csv":
        emit("\ufeff" + _csv_line(MENTION_COLUMNS))
    page = 1
    while True:
        total, items = queries.mention_page(store, filters, page=page, limit=MENTION_CHUNK, order="asc")
        for item in items:
            if fmt == "jsonl":
                emit(json.dumps(item, ensure_ascii=False, default=str) + "\n")
            else:
                row = mention_row(item)
                emit(_csv_line([row[c] for c in MENTION_COLUMNS]))
        if page * MENTION_CHUNK >= total or not items:
            break
        page += 1
    emit.flush()


def _codes(entities: list[dict[str, Any]]) -> str:
    return "+".join(sorted({e["code"] or e["sector"] or "?" for e in entities}))


def mention_row(item: dict[str, Any]) -> dict[str, Any]:
    """An event mention as one flat row (``MENTION_COLUMNS``)."""
    location = item.get("location") or {}
    return {
        **{k: item.get(k) for k in MENTION_COLUMNS},
        "event_id": item["id"], "actors": _codes(item["actors"]), "recipients": _codes(item["recipients"]),
        "actor_names": "; ".join(a["name"] for a in item["actors"]),
        "recipient_names": "; ".join(a["name"] for a in item["recipients"]),
        "mode": ",".join(item.get("mode") or []), "context": ",".join(item.get("context") or []),
        "aux": ",".join(item.get("aux") or []), "evidence": " ".join((item.get("evidence") or "").split()),
        "location_country": location.get("country_code"), "location_place": location.get("resolved_place"),
    }
