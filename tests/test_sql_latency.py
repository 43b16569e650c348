"""Latency on the SQL path: the Log Analytics Duration record read as BigQuery stores it.

In `_AllLogs`, `http_request.latency` is STRUCT<seconds, nanos>; a part at its proto default may be
absent (NULL), so a 0.5 s request can arrive as (NULL, 500000000). Reading such a part as NULL made
the whole latency NULL and dropped the request from every percentile.
"""

from __future__ import annotations

import duckdb

from tools.sources.logging.sql.queries import render, to_duckdb

_SCHEMA = """CREATE TABLE _AllLogs (
  timestamp TIMESTAMP, severity VARCHAR, log_name VARCHAR, insert_id VARCHAR, trace VARCHAR,
  resource STRUCT(type VARCHAR, labels JSON), labels JSON,
  http_request STRUCT(request_method VARCHAR, request_url VARCHAR, status BIGINT,
                      latency STRUCT(seconds BIGINT, nanos BIGINT), user_agent VARCHAR, remote_ip VARCHAR,
                      protocol VARCHAR),
  text_payload VARCHAR, json_payload JSON, proto_payload JSON)"""


def _latencies(rows: list[tuple[str, str | None]]) -> dict[str, float | None]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(_SCHEMA)
    for insert_id, latency in rows:
        con.execute(f"""INSERT INTO _AllLogs VALUES (TIMESTAMP '2024-05-01 06:00:00', 'ERROR', 'projects/p/logs/x',
            '{insert_id}', NULL, {{'type': 'cloud_run_revision', 'labels': '{{}}'}}, '{{}}',
            {{'request_method': 'GET', 'request_url': 'https://a/b', 'status': 500, 'latency': {latency},
              'user_agent': NULL, 'remote_ip': NULL, 'protocol': NULL}}, NULL, NULL, NULL)""")
    sql = to_duckdb(render("entries", "_AllLogs", "TRUE", limit=10, with_failed=1))
    return {r[0]: r[1] for r in con.execute(f"SELECT insert_id, latency_ms FROM ({sql})").fetchall()}


def test_a_missing_duration_part_reads_as_zero_and_a_missing_latency_stays_null() -> None:
    got = _latencies([
        ("whole", "{'seconds': 2, 'nanos': 250000000}"),
        ("no-seconds", "{'seconds': NULL, 'nanos': 500000000}"),
        ("no-nanos", "{'seconds': 3, 'nanos': NULL}"),
        ("no-latency", "NULL"),
    ])
    assert got == {"whole": 2250.0, "no-seconds": 500.0, "no-nanos": 3000.0, "no-latency": None}
