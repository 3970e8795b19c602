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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import marsad
from marsad.errors import MarsadError
from marsad.ingest.metadata import load_metadata, with_metadata
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


def _set_filter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Use --filter, or check MARSAD_FILTER once here rather than fail on every article."""
    from marsad.errors import MarsadError
    from marsad.events.filter import check_filter_mode, set_filter_mode

    try:
        if value is not None:
            set_filter_mode(value)
        else:
            check_filter_mode()
    except MarsadError as err:
        raise (click.BadParameter(str(err)) if value is not None else click.UsageError(str(err))) from None
    return value


_filter_option = click.option(
    "--filter", "filter_mode", type=click.Choice(["fast", "e5", "off"]), callback=_set_filter, expose_value=False,
    help="Learned check on ASSAULT/PROTEST candidates: fast (default, sparse model), e5 (adds a sentence "
         "embedding: better on new wording, ~100 ms a sentence; needs marsad[e5]) or off (rules alone).")


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@_filter_option
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
        for doc in marsad.process_all(with_metadata(marsad.read(inputs, skipped), _metadata(meta_file)), skipped):
            n_docs += 1
            for event in doc.events:
                n_events += 1
                out.write(json.dumps(event.as_dict(), ensure_ascii=False) + "\n")
    log.info("%d events from %d articles", n_events, n_docs)
    _finish(skipped)


def _metadata(meta_file: str | None) -> dict[str, dict[str, str]] | None:
    """The ``--meta`` sidecar, read and checked (None without one)."""
    return load_metadata(meta_file) if meta_file else None


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
@_filter_option
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
@_filter_option
@click.option("--db", default=DEFAULT_DB, show_default=True,
              help="SQLite file, sqlite:///path, or postgresql://user@host/db (needs marsad[postgres]).")
@click.option("--batch", default=200, show_default=True, help="Articles per committed transaction.")
@click.option("--limit", type=int, help="Stop after reading this many articles.")
@click.option("--progress/--no-progress", default=None, help="Progress line (default: when stderr is a terminal).")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for the per-article pipeline (e.g. the number of cores); the database is written by one.")
@click.option("--meta", "meta_file", type=click.Path(exists=True, dir_okay=False),
              help="Sidecar of article metadata (JSONL/CSV: id, published, title, url, outlet), joined by article id.")
def run_cmd(paths: tuple[str, ...], db: str, batch: int, limit: int | None, progress: bool | None,
            workers: int, meta_file: str | None) -> None:
    """Process articles into the event database: ingest → clean → actors → events → store.

    Re-running adds nothing twice; only articles not yet stored are processed, and a run
    that is killed resumes where its last committed batch ended. PATHS may also be web
    crawls (.warc, .warc.gz).
    """
    from marsad.store.run import run

    skipped: list[Skipped] = []
    summary = run(paths, db, batch=batch, progress=progress, skipped_out=skipped, limit=limit, workers=workers,
                  metadata=_metadata(meta_file))
    click.echo(f"marsad run: {summary}", err=True)
    _finish(skipped)


@cli.command("spark")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, help="Output folder or URL (hdfs://, s3a://) for the Parquet tables.")
@click.option("--partitions", type=click.IntRange(min=1), help="Pieces to process in (default: twice the cores).")
@click.option("--master", help="Spark master (default: local[*], or what spark-submit set).")
@click.option("--overwrite", is_flag=True, help="Replace the tables of an earlier job in --out.")
def spark_cmd(inputs: tuple[str, ...], out: str, partitions: int | None, master: str | None,
              overwrite: bool) -> None:
    """Process INPUTS (JSONL, WARC, folders, globs; local, HDFS or S3) with Spark into Parquet tables.

    Needs marsad[spark] and Java 17+. Tables: articles, events (by date_month),
    event_actors, quotes, claims, skipped, event_groups, event_group_members; see docs/spark.md.
    """
    from marsad.spark import run_job

    summary = run_job(inputs, out, partitions=partitions, master=master, overwrite=overwrite)
    click.echo(f"marsad spark: {summary}", err=True)
    if summary.skipped:
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(summary.skip_reasons.items(), key=lambda kv: -kv[1]))
        click.echo(f"marsad: {summary.skipped} input(s) skipped (see {out}/skipped): {reasons}", err=True)
        sys.exit(EXIT_SKIPPED)


# ---------------------------------------------------------------- reading a store: timeline, series, search …

_db_option = click.option("--db", default=DEFAULT_DB, show_default=True,
                          help="Database written by `marsad run` (SQLite file or postgresql:// URL).")
_DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


def _date_param(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ISO date, full or partial (2018, 2018-03, 2018-03-05), or a one-line usage error."""
    if value is None:
        return None
    shape_ok = [len(p) for p in value.split("-")] in ([4], [4, 2], [4, 2, 2]) and value.replace("-", "").isdigit()
    try:
        if not shape_ok:
            raise ValueError(value)
        time.strptime(value, _DATE_FORMATS[len(value)])
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; give YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2018-03)") from None
    return value


def _code_param(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A PLOVER actor code, upper-cased (usa → USA)."""
    if value is None:
        return None
    code = value.strip().upper()
    if not (code.isalpha() and code.isascii() and len(code) == 3):
        raise click.BadParameter(f"{value!r}: give a three-letter PLOVER code, e.g. USA, RUS, IGO")
    return code


def _dyad_param(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    """USA:RUS → ("USA", "RUS")."""
    from marsad.outputs.analysis import parse_dyad

    if value is None:
        return None
    try:
        a, b = parse_dyad(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return _code_param(ctx, param, a), _code_param(ctx, param, b)  # type: ignore[return-value]


def _chart_param(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if Path(value).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise click.BadParameter(f"{value!r}: give a file name ending in .png, .svg or .pdf")
    return value


_FREQ_CHOICE = click.Choice(["day", "week", "month", "quarter", "year"])


def _with_store(db: str, query: Callable[[Any], Any]) -> Any:
    """Run ``query`` on the database ``marsad run`` wrote; marsad's errors become one-line messages."""
    from marsad.store import open_store

    if not Path(db).exists() and "://" not in db:
        raise click.ClickException(f"no database at {db}; create it with `marsad run PATH --db {db}`")
    try:
        store = open_store(db)
    except MarsadError as err:
        raise click.ClickException(str(err)) from None
    try:
        return query(store)
    except MarsadError as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()


def _short(text: Any, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN


@cli.command("timeline")
@_db_option
@click.option("--actor", callback=_code_param, help="Actor code (e.g. USA).")
@click.option("--recipient", callback=_code_param, help="Recipient code (e.g. RUS).")
@click.option("--context", help="PLOVER context (e.g. terrorism).")
@click.option("--type", "event_type", help="PLOVER event type (e.g. COOPERATE).")
@click.option("--since", callback=_date_param, help="First date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", callback=_date_param, help="Last date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--directed", is_flag=True, help="With --actor and --recipient: only actor → recipient events.")
@click.option("--both-ways", is_flag=True, hidden=True, help="Kept for compatibility: both ways is the default.")
@click.option("--mentions", is_flag=True, help="Under each event, every mention of it (article, outlet, evidence).")
def timeline_cmd(db: str, actor: str | None, recipient: str | None, context: str | None, event_type: str | None,
                 since: str | None, until: str | None, directed: bool, both_ways: bool, mentions: bool) -> None:
    """Real events in date order (undated last): one line each, with how sure the date is,
    who acted on whom, how often it was reported (×N mentions) and one line of evidence.

    With --actor and --recipient: both directions and joint events (A+B), unless --directed.

    \b
    Examples:
      marsad timeline --actor USA --recipient RUS
      marsad timeline --actor USA --type ASSAULT --since 2018-03 --until 2018-06
      marsad timeline --context terrorism --mentions
    """
    from marsad.outputs import analysis

    filters = {"actor": actor, "recipient": recipient, "context": context, "event_type": event_type,
               "since": since, "until": until, "directed": directed}

    def query(store: Any) -> tuple[Any, Any]:
        merged = analysis.timeline(store, **filters)
        return merged, analysis.timeline(store, **filters, merged=False) if mentions else None

    events, every = _with_store(db, query)
    mentions_of = dict(tuple(every.groupby("group_id", sort=False))) if every is not None else {}
    for row in events.itertuples(index=False):
        click.echo(_event_line(row))
        if row.group_id in mentions_of:
            for m in mentions_of[row.group_id].itertuples(index=False):
                click.echo(_mention_line(m))
    n_mentions = int(events["num_mentions"].sum()) if not events.empty else 0
    click.echo(f"({len(events)} events, {n_mentions} mentions)", err=True)


def _event_line(row: Any) -> str:
    """One real event: date (precision; certainty), type, direction, ×N mentions, trigger, evidence."""
    date = "????" if _missing(row.date) else row.date
    precision = "?" if _missing(row.date_precision) else row.date_precision
    aux = f" [{row.aux}]" if row.aux else ""
    times = f" ×{int(row.num_mentions)} mentions" if int(row.num_mentions) > 1 else ""
    return (f"{date} ({precision}; {row.certainty})  {row.event_type:9s} {row.direction}{aux}{times}"
            f"  «{row.trigger}» {row.article_id}: {_short(row.evidence, 140)}")


def _mention_line(m: Any) -> str:
    where = ", ".join(str(v) for v in (m.outlet, m.date) if not _missing(v)) or "no outlet, undated"
    return f"    · {m.article_id} ({where})  «{m.trigger}»: {_short(m.evidence, 120)}"


@cli.command("series")
@_db_option
@click.option("--dyad", required=True, callback=_dyad_param,
              help="Two actor codes A:B (e.g. USA:RUS): A→B, B→A and A+B (joint) rows.")
@click.option("--freq", type=_FREQ_CHOICE, default="month", show_default=True, help="Period length.")
@click.option("--context", help="Only events with this PLOVER context (e.g. terrorism).")
@click.option("--since", callback=_date_param, help="First date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", callback=_date_param, help="Last date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout instead of an aligned table.")
def series_cmd(db: str, dyad: tuple[str, str], freq: str, context: str | None, since: str | None,
               until: str | None, as_csv: bool) -> None:
    """Cooperation and conflict between two actors per period: events per PLOVER quad class
    and the sum of PLOVER scores (+ cooperation, − conflict), for each direction.

    Each real event counts once. Events without a date, or dated less precisely than the
    period (a year-only date in a monthly series), cannot be placed: the last line says
    how many were left out.

    \b
    Examples:
      marsad series --dyad USA:RUS --freq year
      marsad series --dyad USA:RUS --freq month --context terrorism --since 2016
      marsad series --dyad SAU:YEM --csv > sau_yem.csv
    """
    from marsad.outputs import analysis

    frame = _with_store(db, lambda store: analysis.series(store, dyad, freq=freq, context=context, since=since,
                                                          until=until))
    if as_csv:
        click.echo(frame.to_csv(index=False), nl=False)
    elif frame.empty:
        click.echo(f"no dated events between {dyad[0]} and {dyad[1]}")
    else:
        click.echo(frame.to_string(index=False))
    click.echo(_series_footer(frame, freq), err=as_csv)


def _series_footer(frame: Any, freq: str) -> str:
    counted = int(frame["events"].sum()) if not frame.empty else 0
    undated, coarse = frame.attrs.get("undated", 0), frame.attrs.get("too_coarse", 0)
    return (f"({counted} events counted in {frame['period'].nunique() if counted else 0} {freq}(s); "
            f"{undated} undated and {coarse} dated less precisely than a {freq} left out)")


@cli.command("search")
@click.argument("words", nargs=-1, required=True)
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many.")
def search_cmd(words: tuple[str, ...], db: str, limit: int) -> None:
    """Sentences containing all of WORDS (full-text index), with article id, date and outlet.

    \b
    Examples:
      marsad search روسيا
      marsad search "وقف إطلاق النار" --limit 50
    """
    from marsad.outputs import analysis

    hits = _with_store(db, lambda store: analysis.search(store, " ".join(words), limit=limit))
    for hit in hits.itertuples(index=False):
        date = "undated" if _missing(hit.published) else hit.published
        outlet = "" if _missing(hit.outlet) else f"  {hit.outlet}"
        click.echo(f"{hit.article_id}  {date}{outlet}  [sentence {hit.idx}]")
        click.echo(f"    {' '.join(str(hit.text).split())}")
    click.echo(f"({len(hits)} sentences)", err=True)


@cli.command("quotes")
@_db_option
@click.option("--speaker", callback=_code_param, help="Only quotes by this actor code (e.g. RUS).")
@click.option("--article", "article_id", help="Only quotes in this article.")
def quotes_cmd(db: str, speaker: str | None, article_id: str | None) -> None:
    """Attributed statements: who said what (direct « … » or reported قال إن …), where and when.

    \b
    Examples:
      marsad quotes --speaker RUS
      marsad quotes --article 001_f10f2db986368882
    """
    from marsad.outputs import analysis

    rows = _with_store(db, lambda store: analysis.quotes(store, speaker=speaker, article_id=article_id))
    for q in rows.itertuples(index=False):
        who = q.speaker_code if not _missing(q.speaker_code) else "?"
        name = q.speaker_name if not _missing(q.speaker_name) else q.speaker_text
        date = "undated" if _missing(q.published) else q.published
        click.echo(f"{date}  {q.article_id} [{q.sentence}]  {who} ({name}) {q.verb} [{q.kind}]: «{_short(q.text, 160)}»")
    click.echo(f"({len(rows)} quotes)", err=True)


@cli.command("claims")
@_db_option
@click.option("--claimant", callback=_code_param, help="Only claims made by this actor code (e.g. SYR).")
@click.option("--article", "article_id", help="Only claims in this article.")
def claims_cmd(db: str, claimant: str | None, article_id: str | None) -> None:
    """Numbers stated in the news (counts, amounts), with what they count and who says so.

    \b
    Examples:
      marsad claims
      marsad claims --claimant USA
    """
    from marsad.outputs import analysis

    rows = _with_store(db, lambda store: analysis.claims(store, claimant=claimant, article_id=article_id))
    for c in rows.itertuples(index=False):
        who = c.claimant_code if not _missing(c.claimant_code) else (c.claimant_text or "unattributed")
        value = "?" if _missing(c.value) else f"{c.value:g}"
        date = "undated" if _missing(c.published) else c.published
        click.echo(f"{date}  {c.article_id} [{c.sentence}]  {c.text} = {value} {c.unit} ({c.qualifier};"
                   f" {c.attribution}: {who})")
    click.echo(f"({len(rows)} claims)", err=True)


@cli.command("export")
@_db_option
@click.option("-o", "--output", required=True,
              help="File to write ('-' = stdout for jsonl, csv, tsv); its extension gives the format.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "tsv", "parquet", "graphml", "gexf"]),
              help="Output format (default: from the --output extension).")
@click.option("--since", callback=_date_param, help="First event date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", callback=_date_param, help="Last event date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--actor", callback=_code_param, help="Only events with this actor code.")
@click.option("--recipient", callback=_code_param, help="Only events with this recipient code.")
def export_cmd(db: str, output: str, fmt: str | None, since: str | None, until: str | None, actor: str | None,
               recipient: str | None) -> None:
    """Write the events, one record per real event (merged mentions), or the actor network.

    \b
    jsonl          PLOVER records with every mention as evidence (canonical)
    csv, tsv       flat ICEWS/GDELT-like columns (see marsad/outputs/export.py)
    parquet        the same flat columns, typed (needs marsad[parquet])
    graphml, gexf  actor → recipient network, edge weights per quad class

    \b
    Examples:
      marsad export -o events.jsonl
      marsad export -o usa.csv --actor USA --since 2018-01 --until 2018-06
      marsad export -o network.gexf
    """
    from marsad.outputs.export import export, format_from_path

    fmt = fmt or format_from_path(output)
    if fmt is None:
        raise click.BadParameter(f"cannot tell the format of {output!r}; add --format", param_hint="'--format'")
    filters = {"since": since, "until": until, "actor": actor, "recipient": recipient}
    target: Any = sys.stdout if output == "-" else output
    n = _with_store(db, lambda store: export(store, target, fmt, **filters))
    what = "edges" if fmt in ("graphml", "gexf") else "events"
    click.echo(f"marsad export: {n} {what} → {'stdout' if output == '-' else output} ({fmt})", err=True)


@cli.group("plot")
def plot_group() -> None:
    """Draw charts into PNG, SVG or PDF files (needs marsad[plot]).

    \b
    Examples:
      marsad plot series --dyad USA:RUS --freq year -o usa_rus.png
      marsad plot timeline --actor USA --recipient RUS -o usa_rus_timeline.svg
    """


@plot_group.command("series")
@_db_option
@click.option("--dyad", required=True, callback=_dyad_param, help="Two actor codes A:B (e.g. USA:RUS).")
@click.option("--freq", type=_FREQ_CHOICE, default="month", show_default=True, help="Period length.")
@click.option("--context", help="Only events with this PLOVER context (e.g. terrorism).")
@click.option("--since", callback=_date_param, help="First date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", callback=_date_param, help="Last date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("-o", "--output", required=True, callback=_chart_param, help="Chart file (.png, .svg or .pdf).")
def plot_series_cmd(db: str, dyad: tuple[str, str], freq: str, context: str | None, since: str | None,
                    until: str | None, output: str) -> None:
    """Cooperation (up) and conflict (down) per period for A→B, B→A and A+B, and the score sums."""
    plots = _import_plots()
    path = _with_store(db, lambda store: plots.plot_series(store, dyad, output, freq=freq, context=context,
                                                           since=since, until=until))
    click.echo(f"marsad plot: wrote {path}", err=True)


@plot_group.command("timeline")
@_db_option
@click.option("--actor", callback=_code_param, help="Actor code (e.g. USA).")
@click.option("--recipient", callback=_code_param, help="Recipient code (e.g. RUS).")
@click.option("--context", help="PLOVER context (e.g. terrorism).")
@click.option("--type", "event_type", help="PLOVER event type (e.g. COOPERATE).")
@click.option("--since", callback=_date_param, help="First date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", callback=_date_param, help="Last date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--directed", is_flag=True, help="With --actor and --recipient: only actor → recipient events.")
@click.option("--limit", type=click.IntRange(min=1), default=60, show_default=True,
              help="At most this many events (the most reported are kept).")
@click.option("-o", "--output", required=True, callback=_chart_param, help="Chart file (.png, .svg or .pdf).")
def plot_timeline_cmd(db: str, actor: str | None, recipient: str | None, context: str | None,
                      event_type: str | None, since: str | None, until: str | None, directed: bool, limit: int,
                      output: str) -> None:
    """Dated events over time, coloured by quad class, with type and an Arabic snippet."""
    plots = _import_plots()
    path = _with_store(db, lambda store: plots.plot_timeline(
        store, output, actor=actor, recipient=recipient, context=context, event_type=event_type, since=since,
        until=until, directed=directed, limit=limit))
    click.echo(f"marsad plot: wrote {path}", err=True)


def _import_plots() -> Any:
    try:
        import matplotlib  # noqa: F401

        from marsad.outputs import plots
    except ImportError as err:
        raise click.ClickException(f'charts need matplotlib: pip install "marsad[plot]" ({err})') from None
    return plots


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


@cli.command("serve")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database written by `marsad run` (file or URL).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (localhost only by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--write-token", envvar="MARSAD_WRITE_TOKEN", default=None,
              help="Allow adding articles (POST /api/articles, /ingest) with this token [env MARSAD_WRITE_TOKEN].")
def serve_cmd(db: str, host: str, port: int, write_token: str | None) -> None:
    """Serve the web app (pages and REST API under /api/) over the event database."""
    if not Path(db).exists() and "://" not in db:
        raise click.ClickException(f"no database at {db}; create it with `marsad run PATH --db {db}`")
    try:
        from marsad.web import serve
    except ImportError as err:
        raise click.ClickException(f'the web app needs the web extra: pip install "marsad[web]" ({err})') from None
    click.echo(f"marsad serve: http://{host}:{port}/ (API: /api/, /openapi.json; writing "
               f"{'enabled' if write_token else 'disabled'})", err=True)
    serve(db, host=host, port=port, write_token=write_token)


def main() -> None:
    """Console-script entry point: friendly messages for marsad's own errors."""
    try:
        cli(standalone_mode=True)
    except MarsadError as err:
        click.echo(f"marsad: error: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
