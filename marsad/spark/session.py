"""Starting Spark for marsad: local mode that works offline, or whatever spark-submit set up.

Run as ``marsad spark`` or ``python -m marsad.spark`` without ``--master``, the job runs in
local mode on every core (``local[*]``), bound to 127.0.0.1, with no web UI and a few
shuffle partitions: nothing is reachable from outside and no network is needed. Under
``spark-submit`` the master and resources given there are used as they are.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, Any

from marsad.errors import MarsadError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["spark_session", "require_pyspark", "SparkUnavailable", "under_spark_submit"]

INSTALL_HINT = 'the Spark job needs PySpark: pip install "marsad[spark]" (and Java 17 or newer)'


class SparkUnavailable(MarsadError):
    """PySpark or Java is missing, or Spark could not start (the message says what to install)."""


def require_pyspark() -> Any:
    """The ``pyspark`` module, or a clear error saying how to install it."""
    try:
        import pyspark
    except ImportError:
        raise SparkUnavailable(INSTALL_HINT) from None
    return pyspark


def under_spark_submit() -> bool:
    """True when this Python was started by spark-submit (the JVM then hands us its gateway port)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(master: str | None = None, partitions: int | None = None, app_name: str = "marsad") -> SparkSession:
    """A SparkSession: ``master`` if given, spark-submit's if any, else local mode on all cores.

    ``partitions`` sets the shuffle partitions (default in local mode: twice the cores;
    under spark-submit, whatever was configured there).
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    if master is None and not under_spark_submit():
        master = "local[*]"
    local = master is not None and master.startswith("local")
    if local:
        _prepare_local()
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in _settings(local, partitions).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as err:  # noqa: BLE001 - PySpark raises plain exceptions when the JVM does not start
        java = "found" if _java() else "not found (install Java 17+ or set JAVA_HOME)"
        raise SparkUnavailable(f"Spark could not start ({type(err).__name__}: {err}); Java: {java}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def _settings(local: bool, partitions: int | None) -> dict[str, str]:
    if local and partitions is None:
        partitions = 2 * (os.cpu_count() or 1)
    settings = {"spark.sql.shuffle.partitions": str(partitions)} if partitions else {}
    settings |= {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
        # read folders recursively, as `marsad run` does
        "spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive": "true",
    }
    if local:
        settings |= {
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.default.parallelism": str(partitions),
        }
    return settings


def _prepare_local() -> None:
    """Local executors must run this very Python (the one with marsad), bound to the loopback address."""
    if not _java():
        raise SparkUnavailable("Spark needs Java 17 or newer: install it (e.g. apt-get install "
                               "openjdk-17-jre-headless) or set JAVA_HOME")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))
