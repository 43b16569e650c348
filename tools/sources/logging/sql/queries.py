"""The GoogleSQL aggregates of tools/data/sql/, rendered for one window and translated for DuckDB.

Each query is written once, in GoogleSQL over the Log Analytics `_AllLogs` schema, so the same text
runs on BigQuery and (through sqlglot) on DuckDB; the shared `logs` CTE (logs.sql) derives the
fields every aggregate reads. The window and target are rendered into the WHERE clause from
validated values only (RFC 3339 times, names of letters, digits and `-_.:`), never from free text.
"""

from __future__ import annotations

import re
from functools import cache

from tools.errors import InputError
from tools.paths import DATA

SQL_DIR = DATA / "sql"
AGGREGATES = ("counts", "request_minutes", "latency_buckets", "latency_by_path", "request_templates",
              "log_templates", "instances", "entries", "sample_requests", "rest_logs", "quiet_logs")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_DATASET_RE = re.compile(r"^[a-z][a-z0-9-]{4,61}[a-z0-9]\.[A-Za-z0-9_]{1,1024}$|^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+$")


@cache
def _text(name: str) -> str:
    lines = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()


def literal(value: str) -> str:
    """A GoogleSQL string literal of a validated name."""
    if not _NAME_RE.match(value):
        raise InputError(f"not a valid name for a log query: {value!r}")
    return f"'{value}'"


def where_clause(start: str | None = None, end: str | None = None, target_type: str | None = None,
                 target_name: str | None = None) -> str:
    """The window and target as a GoogleSQL condition (TRUE when neither is given)."""
    parts = []
    for op, value in ((">=", start), ("<", end)):
        if value:
            if not _TIME_RE.match(value):
                raise InputError(f"not an RFC 3339 time: {value!r}")
            parts.append(f"timestamp {op} TIMESTAMP '{value}'")
    if target_name:
        label = "job_name" if target_type == "job" else "service_name"
        resource = "cloud_run_job" if target_type == "job" else "cloud_run_revision"
        parts.append(f"resource.type = '{resource}'")
        parts.append(f"JSON_VALUE(resource.labels, '$.{label}') = {literal(target_name)}")
    return " AND ".join(parts) or "TRUE"


def table_name(dataset: str) -> str:
    """`PROJECT.DATASET` -> the quoted `_AllLogs` view of that linked dataset."""
    if not _DATASET_RE.match(dataset or ""):
        raise InputError(f"--log-dataset must be PROJECT.DATASET (a Log Analytics linked dataset), not {dataset!r}")
    return f"`{dataset}._AllLogs`"


def time_literal(value: str) -> str:
    """A validated RFC 3339 time as a GoogleSQL string literal (for `TIMESTAMP {{x}}`)."""
    if not _TIME_RE.match(value or ""):
        raise InputError(f"not an RFC 3339 time: {value!r}")
    return f"'{value}'"


# The logs CTE over a table that already holds logs.sql's columns (DuckDB derives them once, at load).
_DERIVED_LOGS = "logs AS (SELECT * FROM {{table}} WHERE {{where}})"


def render(name: str, table: str, where: str, *, derived: bool = False, **values: int | str) -> str:
    """One aggregate as GoogleSQL: the logs CTE inlined, placeholders filled (strings arrive as validated literals).

    `derived`: `table` is a table of logs.sql's own output (every _AllLogs column plus the derived
    ones, see `derived_table_sql`), so the CTE only filters it instead of deriving every field again.
    """
    if name not in AGGREGATES:
        raise InputError(f"unknown log aggregate {name!r}")
    sql = _text(name).replace("{{logs}}", _DERIVED_LOGS if derived else _text("logs"))
    sql = sql.replace("{{table}}", table).replace("{{where}}", where)
    values = {"quiet": "FALSE", **values}  # no line is left to quiet_logs.sql unless the caller says which
    for key, value in values.items():
        sql = sql.replace("{{" + key + "}}", value if isinstance(value, str) else str(int(value)))
    if "{{" in sql:
        raise InputError(f"log aggregate {name!r} needs a value for {sql[sql.index('{{'):].split('}}')[0]}}}}}")
    return sql


def derived_table_sql(source: str) -> str:
    """DuckDB SQL selecting logs.sql's columns (every _AllLogs column plus the derived ones) from `source`.

    `source` is a DuckDB relation shaped like `_AllLogs`; the result is what `render(..., derived=True)`
    reads, so the JSON look-ups of logs.sql run once per entry instead of once per entry and query.
    """
    sql = "WITH " + _text("logs").replace("{{table}}", "_AllLogs").replace("{{where}}", "TRUE") + " SELECT * FROM logs"
    return to_duckdb(sql, source)


def to_duckdb(sql: str, table: str = "_AllLogs") -> str:
    """GoogleSQL -> DuckDB through sqlglot, every table reference pointed at the local `table`."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="bigquery")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.Table):
        if node.name not in ctes:
            node.set("catalog", None)
            node.set("db", None)
            node.set("this", exp.to_identifier(table))
    return tree.sql(dialect="duckdb")
