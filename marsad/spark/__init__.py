"""marsad on Spark: the per-article pipeline on a cluster's executors, output as Parquet.

    marsad spark INPUT... --out DIR [--partitions N] [--master URL] [--overwrite]
    python -m marsad.spark INPUT... --out DIR          # the same
    spark-submit … marsad/spark/__main__.py INPUT... --out DIR

INPUT: JSONL (.gz, .bz2), WARC (.warc, .warc.gz) or any file ``marsad run`` reads, as
local paths, folders, globs or ``hdfs://``/``s3a://`` URLs. See docs/spark.md for running
on a cluster and for the output tables. PySpark is optional (``pip install "marsad[spark]"``)
and imported only when a job starts.
"""

from __future__ import annotations

from marsad.spark.job import OUTPUT_TABLES, SparkSummary, run_job
from marsad.spark.session import SparkUnavailable, spark_session

__all__ = ["run_job", "SparkSummary", "OUTPUT_TABLES", "spark_session", "SparkUnavailable"]
