"""Result rows of the SQL aggregates as plain values: LogEntry dicts for entries, strings for times.

BigQuery's client returns aware datetimes and parsed JSON, DuckDB naive datetimes and JSON text;
everything past this module sees RFC 3339 strings and dicts, and an evidence row becomes the
camelCase LogEntry the entries path reads, so both paths normalise entries the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson


def as_json(value: Any) -> Any:
    """JSON text (DuckDB, the replay) or an already parsed value (BigQuery) -> a Python value."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def as_time(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value or "")


def _duration(ms: Any) -> str | None:
    if ms is None:
        return None
    return f"{float(ms) / 1000.0:.9f}".rstrip("0").rstrip(".") + "s"


def entry_of(row: dict[str, Any]) -> dict[str, Any]:
    """One evidence row (entries.sql / sample_requests.sql) as a camelCase LogEntry dict."""
    entry: dict[str, Any] = {"timestamp": as_time(row.get("ts")), "logName": row.get("log_name") or "",
                             "insertId": row.get("insert_id") or ""}
    if row.get("severity"):
        entry["severity"] = row["severity"]
    if row.get("trace"):
        entry["trace"] = row["trace"]
    resource: dict[str, Any] = {"type": row.get("resource_type") or ""}
    labels = as_json(row.get("resource_labels"))
    if isinstance(labels, dict):
        resource["labels"] = labels
    entry["resource"] = resource
    entry_labels = as_json(row.get("labels"))
    if isinstance(entry_labels, dict):
        entry["labels"] = entry_labels
    if row.get("has_http"):
        http = {"requestMethod": row.get("request_method"), "requestUrl": row.get("request_url"),
                "status": row.get("status"), "latency": _duration(row.get("latency_ms")),
                "userAgent": row.get("user_agent"), "remoteIp": row.get("remote_ip"), "protocol": row.get("protocol")}
        entry["httpRequest"] = {k: v for k, v in http.items() if v is not None}
    if row.get("text_payload") is not None:
        entry["textPayload"] = row["text_payload"]
    for column, key in (("json_payload", "jsonPayload"), ("proto_payload", "protoPayload")):
        value = as_json(row.get(column))
        if isinstance(value, dict):
            entry[key] = value
    return entry


def plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Aggregate rows with times as strings and JSON parsed."""
    out = []
    for row in rows:
        out.append({k: as_time(v) if isinstance(v, datetime) else v for k, v in row.items()})
    return out
