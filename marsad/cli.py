"""The ``marsad`` command line: each command parses options and calls one API function.

Exit codes: 0 all inputs used; 3 some inputs were skipped (each reported on stderr);
1 a fatal error; 2 a usage error.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import click

import marsad
from marsad.errors import MarsadError
from marsad.lexicons import data_path
from marsad.types import Skipped

log = logging.getLogger("marsad")

EXIT_SKIPPED = 3


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("marsad: %(levelname)s: %(message)s"))
    root = logging.getLogger("marsad")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(marsad.__version__, prog_name="marsad")
@click.option("-v", "--verbose", count=True, help="More messages (-vv for debugging).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def cli(verbose: int, quiet: bool) -> None:
    """marsad (مرصد): Arabic news → PLOVER political event data.

    Start with `marsad demo`; `marsad COMMAND --help` explains each command.
    """
    _setup_logging(verbose, quiet)


def _finish(skipped: list[Skipped]) -> None:
    """Report skipped inputs and exit with the code that says whether any were."""
    if skipped:
        reasons = Counter(s.reason.split(" (")[0] for s in skipped)
        summary = ", ".join(f"{n} {r}" for r, n in reasons.most_common())
        click.echo(f"marsad: {len(skipped)} input(s) skipped: {summary}", err=True)
        sys.exit(EXIT_SKIPPED)


def _out(path: str) -> click.File:
    return click.open_file(path, "w", encoding="utf-8")


@cli.command("read")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="JSONL file to write ('-' = stdout).")
def read_cmd(paths: tuple[str, ...], output: str) -> None:
    """Read articles from PATHS (folders, .txt, .jsonl, .html, '-') and write them as JSONL."""
    skipped: list[Skipped] = []
    with _out(output) as out:
        for article in marsad.read(paths, skipped):
            out.write(json.dumps(article.as_dict(), ensure_ascii=False) + "\n")
    _finish(skipped)


@cli.command("clean")
@click.argument("paths", nargs=-1, required=True)
@click.option("--changes", is_flag=True, help="Also list what was removed or repaired, and why.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article (text, metadata, changes).")
@click.option("--sentences", is_flag=True, help="Print one sentence per line.")
def clean_cmd(paths: tuple[str, ...], changes: bool, as_json: bool, sentences: bool) -> None:
    """Print the cleaned text of the articles in PATHS."""
    skipped: list[Skipped] = []
    for doc in marsad.process_all(marsad.read(paths, skipped), skipped, until="tokens"):
        if as_json:
            click.echo(json.dumps(doc.clean.as_dict() | {"sentences": [s.as_dict() for s in doc.sentences]},
                                  ensure_ascii=False))
            continue
        click.echo(f"# {doc.article.id}" + (f" — {doc.clean.title}" if doc.clean.title else ""))
        _echo_meta(doc)
        if sentences:
            for s in doc.sentences:
                click.echo(f"[{s.index}] {s.text}")
        else:
            click.echo(doc.text)
        if changes:
            _echo_changes(doc.clean.changes)
        click.echo()
    _finish(skipped)


def _echo_meta(doc: marsad.Doc) -> None:
    c = doc.clean
    meta = {"published": doc.published and f"{doc.published} ({doc.published_source})",
            "outlet": c.outlet or doc.article.outlet, "dateline": c.dateline, "header date": c.header_date}
    shown = "; ".join(f"{k}: {v}" for k, v in meta.items() if v)
    if shown:
        click.echo(f"# {shown}")


def _echo_changes(changes: list) -> None:
    click.echo("# changes:")
    for ch in changes:
        after = f" → {ch.after!r}" if ch.after else ""
        click.echo(f"#   [{ch.raw_start}:{ch.raw_end}] {ch.kind}: {ch.before[:70]!r}{after} ({ch.why})")


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="Events JSONL file ('-' = stdout).")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Your own actor file (same format as the built-in ones); repeatable.")
@click.option("--meta", "meta_file", type=click.Path(exists=True, dir_okay=False),
              help="Sidecar of article metadata (JSONL/CSV with id, published, title, url, outlet).")
def extract_cmd(inputs: tuple[str, ...], output: str, actor_files: tuple[str, ...], meta_file: str | None) -> None:
    """Extract PLOVER events from articles (JSONL, '-' for stdin, or any input `read` takes).

    Writes one event per line as specified in shared/eval/README.md.
    """
    _use_actor_files(actor_files)
    skipped: list[Skipped] = []
    n_docs = n_events = 0
    with _out(output) as out:
        for doc in marsad.process_all(_with_meta(marsad.read(inputs, skipped), meta_file), skipped):
            n_docs += 1
            for event in doc.events:
                n_events += 1
                out.write(json.dumps(event.as_dict(), ensure_ascii=False) + "\n")
    log.info("%d events from %d articles", n_events, n_docs)
    _finish(skipped)


def _with_meta(articles, meta_file: str | None):
    """Articles completed from a metadata sidecar (``--meta``), or as they are."""
    if not meta_file:
        return articles
    from marsad.ingest.metadata import load_metadata, with_metadata

    return with_metadata(articles, load_metadata(meta_file))


@cli.command("actors")
@click.argument("source", nargs=-1, required=True)
@click.option("--date", "day", help="Article date (YYYY-MM-DD) for time-aware roles when SOURCE is text.")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Your own actor file (same format as the built-in ones); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per mention.")
def actors_cmd(source: tuple[str, ...], day: str | None, actor_files: tuple[str, ...], as_json: bool) -> None:
    """Show the actor mentions in files (PATH...) or in Arabic TEXT given on the command line."""
    _use_actor_files(actor_files)
    skipped: list[Skipped] = []
    for doc in _docs_from(source, day, skipped, until="actors"):
        click.echo(f"# {doc.article.id}" + (f" ({doc.published})" if doc.published else ""))
        for m in doc.mentions:
            if as_json:
                click.echo(json.dumps(m.as_dict() | {"doc_id": doc.article.id}, ensure_ascii=False))
                continue
            e = m.entity
            extra = f" [{m.role}]" if m.role != "actor" else ""
            extra += f" backed by {', '.join(b.code for b in m.backed_by)}" if m.backed_by else ""
            extra += f" (also: {', '.join(a.name for a in m.ambiguous)})" if m.ambiguous else ""
            click.echo(f"{e.code or '---':4} {e.sector or '---':4} {e.text}  →  {e.name}{extra}  ‹{m.rule}›")
    _finish(skipped)


@cli.command("explain")
@click.argument("source", nargs=-1, required=True)
@click.option("--date", "day", help="Article date (YYYY-MM-DD) when SOURCE is text.")
def explain_cmd(source: tuple[str, ...], day: str | None) -> None:
    """Show, sentence by sentence, triggers, actors, modality and dates, and why each event was or was not emitted."""
    from marsad.events.explain import explain_doc

    skipped: list[Skipped] = []
    for doc in _docs_from(source, day, skipped):
        click.echo(explain_doc(doc))
    _finish(skipped)


def _docs_from(source: tuple[str, ...], day: str | None, skipped: list[Skipped], until: str | None = None):
    """Docs from paths, or from the words of SOURCE when they are not paths (Arabic text)."""
    if all(s == "-" or _is_path(s) for s in source):
        articles = marsad.read(source, skipped)
        if day:
            articles = (a if a.published else _with_date(a, day) for a in articles)
        return marsad.process_all(articles, skipped, until=until)
    article = marsad.Article(id="text", text=" ".join(source), published=day, source="command line")
    return [marsad.process(article, until=until)]


def _is_path(text: str) -> bool:
    try:
        return Path(text).exists()
    except OSError:  # text too long to be a file name: it is Arabic text
        return False


def _with_date(article: marsad.Article, day: str) -> marsad.Article:
    article.published = day
    return article


def _use_actor_files(actor_files: tuple[str, ...]) -> None:
    if actor_files:
        from marsad.analyse import kb

        kb.set_user_files(actor_files)


DEFAULT_DB = "marsad.db"


@cli.command("run")
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True,
              help="SQLite file, sqlite:///path, or postgresql://user@host/db (needs marsad[postgres]).")
@click.option("--batch", default=200, show_default=True, help="Articles per committed transaction.")
@click.option("--limit", type=int, help="Stop after reading this many articles.")
@click.option("--progress/--no-progress", default=None, help="Progress line (default: when stderr is a terminal).")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for the per-article pipeline (e.g. the number of cores); the database is written by one.")
def run_cmd(paths: tuple[str, ...], db: str, batch: int, limit: int | None, progress: bool | None,
            workers: int) -> None:
    """Process articles into the event database: ingest → clean → actors → events → store.

    Re-running adds nothing twice; only articles not yet stored are processed, and a run
    that is killed resumes where its last committed batch ended. PATHS may also be web
    crawls (.warc, .warc.gz).
    """
    from marsad.store.run import run

    skipped: list[Skipped] = []
    summary = run(paths, db, batch=batch, progress=progress, skipped_out=skipped, limit=limit, workers=workers)
    click.echo(f"marsad run: {summary}", err=True)
    _finish(skipped)


@cli.command("timeline")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database written by `marsad run`.")
@click.option("--actor", help="Actor code (e.g. USA).")
@click.option("--recipient", help="Recipient code (e.g. RUS).")
@click.option("--context", help="PLOVER context (e.g. terrorism).")
@click.option("--type", "event_type", help="PLOVER event type (e.g. COOPERATE).")
@click.option("--since", help="First date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Last date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--both-ways", is_flag=True, help="Also events from the recipient to the actor.")
def timeline_cmd(db: str, actor: str | None, recipient: str | None, context: str | None,
                 event_type: str | None, since: str | None, until: str | None, both_ways: bool) -> None:
    """Events in date order, with how certain each date is and one line of evidence."""
    from marsad.store import open_store

    if not Path(db).exists() and "://" not in db:
        raise click.ClickException(f"no database at {db}; create it with `marsad run PATH --db {db}`")
    store = open_store(db)
    try:
        rows = store.events(actor=actor, recipient=recipient, context=context, event_type=event_type,
                            since=since, until=until)
        if both_ways and actor and recipient:
            rows += store.events(actor=recipient, recipient=actor, context=context, event_type=event_type,
                                 since=since, until=until)
            rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["id"]))
    finally:
        store.close()
    for r in rows:
        click.echo(_timeline_line(r))
    click.echo(f"({len(rows)} events)", err=True)


_DATE_SOURCE = {"text": "from the text", "text-header": "relative to an unsure header date",
                "published": "publication date", "header": "page header date, unsure",
                "none": "undated"}


def _timeline_line(r: dict) -> str:
    actors = "+".join(sorted({a.get("code") or a.get("sector") or "?" for a in r["actor"]}))
    recips = "+".join(sorted({a.get("code") or a.get("sector") or "?" for a in r["recipient"]})) or "-"
    aux = f" [{', '.join(r['aux'])}]" if r.get("aux") else ""
    when = f"{r['date'] or '????'} ({r.get('date_precision') or '?'}; {_DATE_SOURCE.get(r.get('date_source'), '?')})"
    evidence = " ".join((r.get("event_text") or "").split())[:140]
    return f"{when}  {r['event_type']:9s} {actors} → {recips}{aux}  «{r.get('trigger')}» {r['doc_id']}: {evidence}"


@cli.command("demo")
@click.option("--show", type=int, default=1, show_default=True, help="How many articles to show in full.")
@click.option("--db", default=None, help="Also store the demo into this database (e.g. demo.db).")
def demo_cmd(show: int, db: str | None) -> None:
    """Run marsad on its built-in demo corpus (short reports written by the marsad authors)."""
    folder = data_path("demo")
    skipped: list[Skipped] = []
    started = time.perf_counter()
    docs = list(marsad.process_all(marsad.read([folder], skipped), skipped))
    elapsed = time.perf_counter() - started
    kinds = Counter(ch.kind for d in docs for ch in d.clean.changes)
    events = [e for d in docs for e in d.events]
    click.echo(f"marsad demo: {len(docs)} articles from {folder}")
    click.echo(f"  sentences: {sum(len(d.sentences) for d in docs)}; actor mentions: "
               f"{sum(len(d.mentions) for d in docs)}; events: {len(events)}")
    click.echo(f"  cleaning changes: {', '.join(f'{n} {k}' for k, n in kinds.most_common()) or 'none'}")
    for doc in docs[:show]:
        click.echo(f"\n# {doc.article.id}" + (f" — {doc.clean.title}" if doc.clean.title else ""))
        _echo_meta(doc)
        click.echo(doc.text)
        _echo_changes(doc.clean.changes)
    click.echo("\n# events")
    for e in events:
        click.echo(_timeline_line(e.as_dict()))
    if db:
        from marsad.store.run import run

        click.echo(f"\nstored: {run([folder], db, progress=False)}")
    click.echo(f"\ndone in {elapsed:.2f} s; try `marsad explain {folder}/demo_02_strike.txt`")
    _finish(skipped)


def main() -> None:
    """Console-script entry point: friendly messages for marsad's own errors."""
    try:
        cli(standalone_mode=True)
    except MarsadError as err:
        click.echo(f"marsad: error: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
