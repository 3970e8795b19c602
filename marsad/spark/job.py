"""The Spark job: input files → the per-article pipeline on the executors → Parquet, then the event groups.

Stage 1 (per article). Spark's ``binaryFiles`` reads every input file (local, ``hdfs://``,
``s3a://`` …) and hands its bytes to ``marsad.ingest.read_stream``, the readers ``marsad
run`` uses, so ids, checks and skip reasons are the same. Articles are spread over
``partitions`` partitions by id (keeping one version per id, the last read, as the store
does) and run through ``marsad.pipeline.process_all`` in ``mapPartitions``: an article
that fails is a row of ``skipped``, never a failed task. The rows go to Parquet:
``articles``, ``events`` (partitioned by ``date_month``), ``event_actors``, ``quotes``,
``claims`` and ``skipped``.

Stage 2 (across articles). The events are repartitioned by ``merge_key``, each key's
mentions sorted by (article id, event id), and grouped with ``marsad.events.merge``, so the
groups do not depend on how the input was split or in which order tasks ran:
``event_groups`` and the event → group mapping ``event_group_members``.
"""

from __future__ import annotations

import io
import itertools
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from marsad.errors import MarsadError
from marsad.events.merge import MergeItem, assign_groups
from marsad.ingest import read_stream
from marsad.ingest.readers import reader_for
from marsad.pipeline import process_all
from marsad.spark.rows import MERGE, SCHEMAS, doc_rows, group_rows, skipped_row
from marsad.spark.session import spark_session
from marsad.types import Article, Skipped

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["run_job", "SparkSummary", "OUTPUT_TABLES"]

log = logging.getLogger(__name__)

STAGE1_TABLES = ("articles", "events", "event_actors", "quotes", "claims", "skipped")
STAGE2_TABLES = ("event_groups", "event_group_members")
OUTPUT_TABLES = STAGE1_TABLES + STAGE2_TABLES
PARTITIONED_BY = {"events": "date_month"}


@dataclass
class SparkSummary:
    """What the job wrote; ``skip_reasons`` counts skips by reason (without its details)."""

    out: str
    articles: int = 0
    events: int = 0
    groups: int = 0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"{self.articles} articles ({rate:.1f}/s), {self.events} events in {self.groups} groups, "
                f"{self.skipped} skipped, {self.seconds:.1f} s → {self.out}")


def run_job(inputs: Sequence[str], out: str, *, partitions: int | None = None, master: str | None = None,
            overwrite: bool = False, spark: SparkSession | None = None) -> SparkSummary:
    """Process ``inputs`` (files, folders or globs Spark can read) and write the Parquet tables under ``out``.

    ``partitions``: how many pieces the articles (and the groups) are processed in; default
    twice the cores. ``spark``: an existing session (left running), else one is started
    (see ``spark_session``) and stopped at the end.
    """
    if not inputs:
        raise MarsadError("give at least one input path")
    started = time.monotonic()
    session = spark or spark_session(master, partitions)
    try:
        sc = session.sparkContext
        parts = partitions or max(2, 2 * sc.defaultParallelism)
        return _run(session, [str(p) for p in inputs], str(out).rstrip("/"), parts, overwrite, started)
    finally:
        if spark is None:
            session.stop()


def _run(session: SparkSession, inputs: list[str], out: str, partitions: int, overwrite: bool,
         started: float) -> SparkSummary:
    sc = session.sparkContext
    _check_output(sc, out, overwrite)
    stage1 = _cached_frame(session, _processed_rows(sc, inputs, partitions), (*STAGE1_TABLES, MERGE))
    try:
        counts = _counts(stage1)
        reasons = _skip_reasons(stage1)
        for table in STAGE1_TABLES:
            _write(stage1, table, out, overwrite)
        stage2 = _cached_frame(session, _grouped_rows(stage1, partitions), STAGE2_TABLES)
        try:
            counts |= _counts(stage2)
            for table in STAGE2_TABLES:
                _write(stage2, table, out, overwrite)
        finally:
            stage2.unpersist()
    finally:
        stage1.unpersist()
    summary = SparkSummary(out, counts.get("articles", 0), counts.get("events", 0), counts.get("event_groups", 0),
                           counts.get("skipped", 0), reasons, time.monotonic() - started)
    log.info("spark job: %s", summary)
    return summary


def _cached_frame(session: SparkSession, rows: RDD, tables: Sequence[str]) -> DataFrame:
    """One cached DataFrame holding several tables: a ``table`` column and one struct column per table.

    Python turns each row into Spark's format once; splitting and writing the tables is then
    left to the JVM, instead of every write going through Python again.
    """
    from pyspark import StorageLevel

    schema = ", ".join(["`table` STRING", *(f"`{t}` STRUCT<{_struct_fields(t)}>" for t in tables)])
    position = {t: i for i, t in enumerate(tables)}
    width = len(tables)

    def spread(pair: tuple[str, tuple]) -> tuple:
        table, row = pair
        cells: list[Any] = [None] * width
        cells[position[table]] = row
        return (table, *cells)

    return session.createDataFrame(rows.map(spread), schema=schema).persist(StorageLevel.MEMORY_AND_DISK)


def _struct_fields(table: str) -> str:
    return ", ".join(f"`{name}`: {kind}" for name, kind in _columns(SCHEMAS[table]))


def _columns(ddl: str) -> list[tuple[str, str]]:
    """``name TYPE`` pairs of a DDL column list (commas inside <…> belong to the type)."""
    columns, depth, start = [], 0, 0
    for i, ch in enumerate(ddl + ","):
        depth += (ch == "<") - (ch == ">")
        if ch == "," and depth == 0:
            name, kind = ddl[start:i].strip().split(" ", 1)
            columns.append((name, kind))
            start = i + 1
    return columns


def _table(frame: DataFrame, table: str) -> DataFrame:
    from pyspark.sql import functions as F

    return frame.filter(F.col("table") == table).select(f"`{table}`.*")


def _counts(frame: DataFrame) -> dict[str, int]:
    return {row["table"]: row["count"] for row in frame.groupBy("table").count().collect()}


def _skip_reasons(frame: DataFrame) -> dict[str, int]:
    """Skips by reason, without the details in parentheses (as `marsad run` reports them)."""
    from pyspark.sql import functions as F

    reason = F.substring_index(F.col("reason"), " (", 1).alias("reason")
    return {row["reason"]: row["count"] for row in _table(frame, "skipped").groupBy(reason).count().collect()}


# ---------------------------------------------------------------- stage 1: articles


def _processed_rows(sc: SparkContext, inputs: list[str], partitions: int) -> RDD:
    """``(table, row)`` pairs of every article and skip under ``inputs``."""
    found, named_files, missing = _resolve_inputs(sc, inputs)
    missing_rows = sc.parallelize([skipped_row(Skipped(p, "no such file or folder")) for p in missing], 1)
    if not found:
        return missing_rows
    files = sc.binaryFiles(",".join(found), minPartitions=partitions)
    items = files.flatMap(lambda pair: _file_items(pair, named_files))
    latest = items.reduceByKey(_later, numPartitions=partitions)  # also spreads the articles evenly
    return latest.mapPartitions(_process_partition).union(missing_rows)


def _resolve_inputs(sc: SparkContext, inputs: list[str]) -> tuple[list[str], frozenset[str], list[str]]:
    """Inputs that exist, the files named (or globbed) by them, and the inputs that match nothing.

    Hadoop's FileSystem answers for local, HDFS and S3 paths alike.
    """
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    found, named, missing = [], set(), []
    for given in inputs:
        path = jvm.org.apache.hadoop.fs.Path(given)
        statuses = path.getFileSystem(conf).globStatus(path)
        if not statuses:
            missing.append(given)
            continue
        found.append(given)
        named |= {_local_name(str(s.getPath().toString())) for s in statuses if s.isFile()}
    return found, frozenset(named), missing


def _local_name(uri: str) -> str:
    """``file:/data/x.jsonl`` → ``/data/x.jsonl`` (as `marsad run` names it); other URIs unchanged."""
    return uri.removeprefix("file:") if uri.startswith("file:/") else uri


def _file_items(pair: tuple[str, bytes], named_files: frozenset[str]
                ) -> Iterator[tuple[tuple[str, str], tuple[tuple[str, int], Any]]]:
    """Articles and skips of one file, keyed for de-duplication, with their position for "last read wins".

    As in `marsad run`, a file no reader handles is reported when it was named, and passed
    over when it was only found in a folder.
    """
    uri, data = pair
    name = _local_name(uri)
    if reader_for(PurePosixPath(name)) is None and name not in named_files:
        return
    for index, item in enumerate(read_stream(io.BytesIO(data), name)):
        if isinstance(item, Article):
            yield ("article", item.id), ((name, index), item)
        else:
            yield ("skipped", f"{item.source}\0{item.reason}"), ((name, index), item)


def _later(a: tuple[tuple[str, int], Any], b: tuple[tuple[str, int], Any]) -> tuple[tuple[str, int], Any]:
    """Of two versions of one article, the one read last (the store keeps the last version too)."""
    return a if a[0] >= b[0] else b


def _process_partition(items: Iterable[tuple[tuple[str, str], tuple[Any, Any]]]) -> Iterator[tuple[str, tuple]]:
    """Run the pipeline over one partition; failures (and ingest skips) come out as ``skipped`` rows."""
    skipped: list[Skipped] = []

    def articles() -> Iterator[Article]:
        for (kind, _), (_, payload) in items:
            if kind == "article":
                yield payload
            else:
                skipped.append(payload)

    for doc in process_all(articles(), skipped):
        try:
            rows = list(doc_rows(doc))
        except Exception as err:  # noqa: BLE001 - one article's odd values must not fail the task
            log.warning("skipped %s: cannot build its output rows: %s", doc.article.id, err)
            rows = [skipped_row(Skipped(doc.article.source or doc.article.id, f"{type(err).__name__}: {err}",
                                        "output"))]
        yield from rows
        yield from _drain(skipped)
    yield from _drain(skipped)


def _drain(skipped: list[Skipped]) -> Iterator[tuple[str, tuple]]:
    while skipped:
        yield skipped_row(skipped.pop(0))


# ---------------------------------------------------------------- stage 2: event groups


def _grouped_rows(stage1: DataFrame, partitions: int) -> RDD:
    """Event groups: all mentions of a merge key in one partition, sorted, then ``assign_groups``."""
    items = _table(stage1, MERGE).rdd.map(lambda row: (tuple(row[:3]), tuple(row)))
    ordered = items.repartitionAndSortWithinPartitions(partitions, partitionFunc=_merge_key_hash)
    return ordered.mapPartitions(_groups_of_partition)


def _merge_key_hash(key: tuple[str, str, str]) -> int:
    from pyspark.rdd import portable_hash

    return portable_hash(key[0])


def _groups_of_partition(items: Iterable[tuple[tuple, tuple]]) -> Iterator[tuple[str, tuple]]:
    for _, same_key in itertools.groupby(items, key=lambda kv: kv[0][0]):
        merge_items, quad_codes = [], {}
        for _, (key, article_id, event_id, date, precision, cluster, source, quad) in same_key:
            merge_items.append(MergeItem(event_id, key, date, precision, cluster, article_id, source))
            quad_codes[event_id] = quad
        yield from group_rows(assign_groups(merge_items), quad_codes)


# ---------------------------------------------------------------- output


def _write(frame: DataFrame, table: str, out: str, overwrite: bool) -> None:
    data = _table(frame, table)
    column = PARTITIONED_BY.get(table)
    if column:
        data = data.repartition(column)  # each month in one task: one file per month, not one per task
    writer = data.write.mode("overwrite" if overwrite else "errorifexists")
    if column:
        writer = writer.partitionBy(column)
    writer.parquet(f"{out}/{table}")


def _check_output(sc: SparkContext, out: str, overwrite: bool) -> None:
    """Refuse to mix a new run into an earlier run's tables unless asked to replace them."""
    if overwrite:
        return
    jvm = sc._jvm  # Hadoop's FileSystem: the same check for local, HDFS and S3 paths
    path = jvm.org.apache.hadoop.fs.Path(out)
    fs = path.getFileSystem(sc._jsc.hadoopConfiguration())
    clash = [t for t in OUTPUT_TABLES if fs.exists(jvm.org.apache.hadoop.fs.Path(f"{out}/{t}"))]
    if clash:
        raise MarsadError(f"{out} already holds marsad output ({', '.join(clash)}); "
                          "choose another --out or pass --overwrite to replace it")
