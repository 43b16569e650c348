"""Log aggregates in SQL where the logs live: GoogleSQL over Log Analytics, run on BigQuery or on embedded DuckDB.

Takes a log source (a Log Analytics dataset `PROJECT.DATASET`, a case's entries.jsonl, or an exported
log file) and a window; gives aggregate rows (per-minute request counts, latency histogram and
percentiles, request and log templates, per-instance rows, counts) plus the bounded evidence entries
as LogEntry dicts, from the queries in tools/data/sql/*.sql, written once in GoogleSQL and
translated to DuckDB with sqlglot.
Must not analyse anything (the digest and evidence stages fold these rows), hold a file's entries in
Python, or scan more BigQuery bytes than the caller allowed.
"""
