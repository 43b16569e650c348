"""The log engines behind one choice: `entries` (Cloud Logging entries.list), `duckdb`, `bigquery`.

`auto` reads SQL when a Log Analytics dataset is configured, or when the window holds more entries
than AUTO_THRESHOLD (a replayed case's entries.jsonl lines, a file's size, or live the Logging
`log_entry_count` metric or an estimate from the first entries.list page, see
tools/sources/logging/entry_count.py) and the project's linked dataset is found
(linked_dataset.py); entries otherwise: small windows keep the entries path's exact, cheap behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tools.errors import InputError

ENGINES = ("auto", "entries", "sql")
AUTO_THRESHOLD = int(os.environ.get("CROBS_SQL_THRESHOLD", "50000") or 50000)  # entries, as LOG_LIMIT
AUTO_FILE_BYTES = 64 * 1024 * 1024  # a LogEntry is ~1 KiB: a file above this holds more than ~50k


def check_engine(engine: str | None) -> str:
    engine = engine or "auto"
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


def file_engine(engine: str, path: Path) -> str:
    """`entries` or `sql` for analyze-logs FILE: SQL for big files and JSON arrays (gcloud --format=json)."""
    engine = check_engine(engine)
    if engine != "auto":
        return engine
    from tools.sources.logging.sql.log_files import file_format

    if file_format(path) == "array" or path.stat().st_size > AUTO_FILE_BYTES:
        return "sql"
    return "entries"


def open_engine(*, path: str | Path | None = None, dataset: str | None = None, max_scan_bytes: int | None = None,
                notify: Any = None) -> Any:
    """A DuckDB engine over a file, or a BigQuery engine over a Log Analytics dataset."""
    if dataset:
        from tools.sources.logging.sql.bigquery_engine import DEFAULT_MAX_SCAN_BYTES, BigQueryEngine

        return BigQueryEngine(dataset, max_scan_bytes=max_scan_bytes or DEFAULT_MAX_SCAN_BYTES, notify=notify)
    if path is None:
        raise InputError("the SQL engine needs a log file or --log-dataset PROJECT.DATASET")
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine

    return DuckDBEngine(path)
