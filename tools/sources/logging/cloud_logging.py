"""Cloud Logging: the skill's first evidence source (fetch_logs, query_logs).

Builds the query for a service or job over a window (or takes the caller's
own filter), runs it as a tools/sources/logging/paging.py LogFetch through the real
google-cloud-logging client over HTTP, and returns normalized records
(tools/sources/logging/entries.py). The names those modules define are re-exported here,
where the recorder, the sources and the tests import them.

Failures never end in a traceback: 403 becomes a data gap naming
roles/logging.viewer, 429/503 are retried with jittered backoff and then
become a gap that keeps the pages already fetched, a missing project is one
clear error, and a bad window is a usage error (exit 2).
"""

from __future__ import annotations

import json
from typing import Any

from tools.errors import UsageError
from tools.sources.logging.entries import (
    MAX_LINE_BYTES,
    MAX_MESSAGE,
    iter_entries_file,
    normalize,
    normalize_entry,
    short_log_name,
)
from tools.sources.logging.paging import (
    ATTEMPTS,
    DEFAULT_LIMIT,
    LIMITER,
    MAX_LIMIT,
    PAGE_SIZE,
    RETRY_STATUSES,
    VIEWER_ROLE,
    LogFetch,
    RateLimiter,
)
from tools.sources.logging.query import build_filter, with_window
from tools.timewindow import parse_window

__all__ = [
    "ATTEMPTS", "DEFAULT_LIMIT", "LIMITER", "MAX_LIMIT", "MAX_LINE_BYTES", "MAX_MESSAGE", "PAGE_SIZE",
    "RETRY_STATUSES", "VIEWER_ROLE", "LogFetch", "RateLimiter", "fetch_logs", "fetch_logs_iter", "format_logs",
    "iter_entries_file", "normalize", "normalize_entry", "query_logs", "short_log_name",
]


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"limit {limit!r}: must be a positive integer")
    if limit > MAX_LIMIT:
        raise UsageError(f"limit {limit} is above the maximum {MAX_LIMIT}; narrow the window or the filter")
    return limit


def fetch_logs_iter(
    project_id: str,
    target_type: str,
    target_name: str,
    start: str,
    end: str,
    region: str | None = None,
    revision: str | None = None,
    severity_min: str | None = None,
    log_kinds: list[str] | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> LogFetch:
    """fetch_logs without collecting: a LogFetch to stream `records()` or raw `pages()` from."""
    start_dt, end_dt = parse_window(start, end)
    filter_text = build_filter(
        project_id, target_type, target_name, start_dt, end_dt, region, revision, severity_min, log_kinds, text
    )
    return LogFetch(project_id, filter_text, _limit(limit), subject=f"Cloud Run logs for {target_type} {target_name}")


# tool
def fetch_logs(
    project_id: str,
    target_type: str,
    target_name: str,
    start: str,
    end: str,
    region: str | None = None,
    revision: str | None = None,
    severity_min: str | None = None,
    log_kinds: list[str] | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Normalized Cloud Run log records for one service or job over an explicit window."""
    fetch = fetch_logs_iter(
        project_id, target_type, target_name, start, end, region, revision, severity_min, log_kinds, text, limit
    )
    return fetch.result(list(fetch.records()))


# tool
def query_logs(project_id: str, filter: str, start: str, end: str, limit: int | None = None,
               raw: bool = False) -> dict[str, Any]:
    """A caller's own Logging filter, still bounded by the window and the limit.

    Records keep what analysis reads; `raw` also returns the entries whole, because an
    audit entry's request, authorization info and user agent are often the answer.
    """
    start_dt, end_dt = parse_window(start, end)
    if not isinstance(filter, str):
        raise UsageError("filter must be a string in the Logging query language")
    from tools.sources.logging.filter import FilterError, parse

    try:
        parse(filter)
    except FilterError as exc:
        raise UsageError(f"filter: {exc}") from exc
    fetch = LogFetch(
        project_id,
        with_window(filter, start_dt, end_dt),
        _limit(limit),
        subject="log entries matching the query",
        bad_filter=UsageError,
    )
    if not raw:
        return fetch.result(list(fetch.records()))
    entries = [entry for page in fetch.pages() for entry in page]
    records = [r for r in (fetch.unreadable.normalize(e) for e in entries) if r is not None]
    fetch.note_unreadable()
    return {**fetch.result(records), "entries": entries}


# -- human output ----------------------------------------------------------------


def format_logs(result: dict[str, Any]) -> str:
    """A compact table: time, severity, kind, status, instance, first line of the message."""
    lines = []
    if "entries" in result:  # --raw: each entry whole, one JSON object a line
        lines.extend(json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in result["entries"])
    for rec in [] if "entries" in result else result.get("records", []):
        http = rec.get("http") or {}
        status = str(http.get("status", "")) if http else ""
        instance = (rec.get("instance_id") or "")[:8]
        message = (rec.get("message") or "").splitlines()[0] if rec.get("message") else ""
        if not message and http:
            message = f"{http.get('method', '')} {http.get('path', '')} {http.get('latency_ms', '')}ms".strip()
        lines.append(
            f"{rec.get('timestamp', '')[:23]:<23} {rec.get('severity', ''):<8} {rec.get('log_kind', ''):<18} "
            f"{status:>3} {instance:<8} {message[:110]}"
        )
    footer = f"{len(result.get('records', []))} records, {result.get('calls', 0)} list call(s)"
    if result.get("truncated"):
        footer += ", truncated at the limit"
    lines.append(footer)
    for gap in result.get("data_gaps", []):
        lines.append(f"data gap: {gap['missing_signal']}: {gap['why_missing']}")
        lines.append(f"  follow up: {gap['follow_up']}")
    return "\n".join(lines)
