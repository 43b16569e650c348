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


# The columns of entries.sql and sample_requests.sql, in their order.
ENTRY_COLUMNS = ("ts", "severity", "log_name", "insert_id", "trace", "resource_type", "resource_labels", "labels",
                 "has_http", "request_method", "request_url", "status", "latency_ms", "user_agent", "remote_ip",
                 "protocol", "text_payload", "json_payload", "proto_payload")


def entry_of(row: dict[str, Any]) -> dict[str, Any]:
    """One evidence row (entries.sql / sample_requests.sql) as a camelCase LogEntry dict."""
    return entry_of_values(tuple(row.get(c) for c in ENTRY_COLUMNS))


def entry_of_values(row: tuple[Any, ...]) -> dict[str, Any]:
    """`entry_of` for a positional row in ENTRY_COLUMNS order: the streamed path builds no dict per row."""
    (ts, severity, log_name, insert_id, trace, resource_type, resource_labels, labels, has_http, method, url, status,
     latency_ms, user_agent, remote_ip, protocol, text_payload, json_payload, proto_payload) = row
    entry: dict[str, Any] = {"timestamp": as_time(ts), "logName": log_name or "", "insertId": insert_id or ""}
    if severity:
        entry["severity"] = severity
    if trace:
        entry["trace"] = trace
    resource: dict[str, Any] = {"type": resource_type or ""}
    parsed = as_json(resource_labels)
    if isinstance(parsed, dict):
        resource["labels"] = parsed
    entry["resource"] = resource
    parsed = as_json(labels)
    if isinstance(parsed, dict):
        entry["labels"] = parsed
    if has_http:
        http = {"requestMethod": method, "requestUrl": url, "status": status, "latency": _duration(latency_ms),
                "userAgent": user_agent, "remoteIp": remote_ip, "protocol": protocol}
        entry["httpRequest"] = {k: v for k, v in http.items() if v is not None}
    if text_payload is not None:
        entry["textPayload"] = text_payload
    for value, key in ((json_payload, "jsonPayload"), (proto_payload, "protoPayload")):
        parsed = as_json(value)
        if isinstance(parsed, dict):
            entry[key] = parsed
    return entry


def plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Aggregate rows with times as strings and JSON parsed."""
    out = []
    for row in rows:
        out.append({k: as_time(v) if isinstance(v, datetime) else v for k, v in row.items()})
    return out
