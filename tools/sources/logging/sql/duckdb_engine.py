"""DuckDB, embedded: LogEntry files read once into a Log Analytics-shaped table, then queried in SQL.

The input is a case's entries.jsonl, the JSON array `gcloud logging read --format=json` prints, or
a downloaded Cloud Storage sink directory of JSON-lines shards (log_files.py): all camelCase LogEntry
objects. One `read_json` pass
maps them to the snake_case `_AllLogs` shape (timestamp as TIMESTAMP, resource.labels, labels and
payloads as JSON, http_request as a record whose latency is a Duration record) in an in-memory
database with a memory limit, a thread count and a spill directory under a temporary directory,
so a file larger than memory streams through DuckDB and never through Python (an on-disk database
cost twice the load time for no gain: the table lives for one run). The same pass also computes
logs.sql's derived fields (service, revision, instance from the JSON labels, status, latency in ms,
the minute, "plain"), translated from that one GoogleSQL file, and stores them alongside as `_logs`:
every aggregate then only filters that table instead of repeating the JSON look-ups per query
(1M entries: 1.3 s of queries down to 0.3 s). `_AllLogs` stays as a view of it for SQL written
against the Log Analytics schema (the replay's BigQuery API).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.errors import InputError
from tools.sources.logging.sql.log_files import log_files

# DuckDB's buffers. With Python's share (the fold, the aggregate rows) and two queries at once (see
# aggregate._streamed), a 10M-entry file peaked at 1410 MiB with 800MB and 1317 MiB with 700MB, both in
# 42 s (benchmarks/sql_engine.py); the goal is 1.5 GB, so the margin is taken.
MEMORY_LIMIT = os.environ.get("CROBS_DUCKDB_MEMORY", "700MB")
THREADS = int(os.environ.get("CROBS_DUCKDB_THREADS", "2") or 2)

_COLUMNS = {
    "timestamp": "VARCHAR", "severity": "VARCHAR", "logName": "VARCHAR", "insertId": "VARCHAR", "trace": "VARCHAR",
    "resource": "STRUCT(type VARCHAR, labels JSON)", "labels": "JSON",
    "httpRequest": "STRUCT(requestMethod VARCHAR, requestUrl VARCHAR, status BIGINT, latency VARCHAR, "
                   "userAgent VARCHAR, remoteIp VARCHAR, protocol VARCHAR)",
    "textPayload": "VARCHAR", "jsonPayload": "JSON", "protoPayload": "JSON",
}

_ALL_LOGS = ("timestamp", "severity", "log_name", "insert_id", "trace", "resource", "labels", "http_request",
             "text_payload", "json_payload", "proto_payload")

# camelCase LogEntry -> the Log Analytics columns the GoogleSQL aggregates read. Latency is a Duration
# string ("0.031860s") as Cloud Logging's JSON writes it, or a {seconds, nanos} object in some exports.
_SELECT = """
SELECT
  CAST(TRY_CAST("timestamp" AS TIMESTAMPTZ) AS TIMESTAMP) AS timestamp,
  severity, logName AS log_name, insertId AS insert_id, trace, resource, labels,
  CASE WHEN httpRequest IS NULL THEN NULL ELSE struct_pack(
    request_method := httpRequest.requestMethod, request_url := httpRequest.requestUrl, status := httpRequest.status,
    latency := CASE WHEN secs IS NULL THEN NULL ELSE struct_pack(seconds := CAST(FLOOR(secs) AS BIGINT),
                           nanos := CAST(ROUND((secs - FLOOR(secs)) * 1e9) AS BIGINT)) END,
    user_agent := httpRequest.userAgent, remote_ip := httpRequest.remoteIp, protocol := httpRequest.protocol) END
    AS http_request,
  textPayload AS text_payload, jsonPayload AS json_payload, protoPayload AS proto_payload
FROM (
  SELECT *, CASE
    WHEN httpRequest.latency IS NULL THEN NULL
    WHEN ends_with(httpRequest.latency, 's') THEN TRY_CAST(rtrim(httpRequest.latency, 's') AS DOUBLE)
    ELSE COALESCE(TRY_CAST(json_extract_string(httpRequest.latency, '$.seconds') AS DOUBLE), 0)
         + COALESCE(TRY_CAST(json_extract_string(httpRequest.latency, '$.nanos') AS DOUBLE), 0) / 1e9 END AS secs
  FROM src
  WHERE "timestamp" IS NOT NULL OR logName IS NOT NULL OR insertId IS NOT NULL)  -- a malformed line reads as all NULL
"""


# What a digest-only engine (`lean`) keeps of a payload-less request: its status and latency (the derived
# columns hold the rest). Its resource, labels and trace only ever come back in evidence entries and
# samples, which a digest never reads; not storing them is a fifth of the load on a million entries.
_LEAN = """* REPLACE (
  CASE WHEN plain THEN NULL ELSE resource END AS resource, CASE WHEN plain THEN NULL ELSE labels END AS labels,
  CASE WHEN plain THEN NULL ELSE trace END AS trace,
  CASE WHEN plain THEN struct_pack(request_method := NULL::VARCHAR, request_url := NULL::VARCHAR,
    status := http_request.status, latency := http_request.latency, user_agent := NULL::VARCHAR,
    remote_ip := NULL::VARCHAR, protocol := NULL::VARCHAR) ELSE http_request END AS http_request)"""


class DuckDBEngine:
    """One log file loaded into `_AllLogs`; `query(sql)` runs already-translated DuckDB SQL."""

    name = "duckdb"

    def __init__(self, path: str | Path, *, memory_limit: str = MEMORY_LIMIT, threads: int = THREADS,
                 lean: bool = False) -> None:
        """`lean`: for a digest only (analyze-logs FILE): payload-less requests keep no evidence columns
        and there is no `_AllLogs` view, so SQL written against the full schema fails instead of
        reading NULLs."""
        import duckdb

        self.path = Path(path)
        self.lean = lean
        self.files, self.skipped = log_files(self.path)  # one export, or every file of a sink's tree
        self.queries = 0
        self._lock = threading.Lock()
        self._dir = tempfile.mkdtemp(prefix="crobs-duckdb-")
        try:
            self.con = duckdb.connect(":memory:")  # spills to temp_directory above memory_limit
            self.con.execute(f"SET threads = {int(threads)}")
            for setting, value in (("memory_limit", memory_limit), ("preserve_insertion_order", False),
                                   ("TimeZone", "UTC"), ("temp_directory", str(Path(self._dir) / "spill"))):
                self.con.execute(f"SET {setting} = ?", [value])
            self._load()
        except duckdb.Error as exc:
            self.close()
            raise InputError(f"{self.path}: cannot read as Cloud Logging LogEntry JSON: {str(exc).splitlines()[0]}") \
                from exc
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        """One pass over the file: parse, shape as `_AllLogs`, derive logs.sql's fields, store as `_logs`."""
        from tools.sources.logging.sql.queries import derived_table_sql

        columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _COLUMNS.items()) + "}"
        src = " UNION ALL ".join(f"SELECT * FROM read_json(?, format='{fmt}', columns={columns}, ignore_errors=true, "
                                 "maximum_object_size=16777216)" for fmt in self.files)
        self.con.execute(f"CREATE TABLE _logs AS WITH src AS ({src}), shaped AS ({_SELECT}) "
                         f"SELECT {_LEAN if self.lean else '*'} FROM ({derived_table_sql('shaped')})",
                         [[str(p) for p in paths] for paths in self.files.values()])
        if not self.lean:  # the Log Analytics view itself, for queries written against it (the replay's BigQuery API)
            self.con.execute(f"CREATE VIEW _AllLogs AS SELECT {', '.join(_ALL_LOGS)} FROM _logs")

    def _sql(self, name: str, where: str, values: dict[str, int | str]) -> str:
        from tools.sources.logging.sql.queries import render, to_duckdb

        return to_duckdb(render(name, "_logs", where, derived=True, **values), "_logs")

    def run(self, name: str, where: str, **values: int | str) -> list[dict[str, Any]]:
        """One GoogleSQL aggregate (tools/data/sql/NAME.sql), translated and run on the derived table."""
        return self.query(self._sql(name, where, values))

    def stream(self, name: str, where: str, **values: int | str) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        """Like `run`, as (column names, batch of row tuples): the caller folds rows as they come, never all.

        The cursor (its own connection to the same database) is opened here, in the caller's thread,
        and the query runs on the first `next`: `run` may then go on in another thread meanwhile.
        """
        self._count()
        cur = self.con.cursor()
        sql = self._sql(name, where, values)

        def batches() -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
            try:
                cur.execute(sql)
                names = [d[0] for d in cur.description]
                while batch := cur.fetchmany(10_000):
                    yield names, batch
            finally:
                cur.close()

        return batches()

    def _count(self) -> None:
        with self._lock:  # `stream` and `run` may be called from two threads at once
            self.queries += 1

    def query(self, sql: str) -> list[dict[str, Any]]:
        self._count()
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
            self.con = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
