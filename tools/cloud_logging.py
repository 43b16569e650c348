"""Cloud Logging: the skill's first evidence source (fetch_logs, query_logs).

Talks to `entries:list` through the real google-cloud-logging client over
HTTP. Pages are requested through the client's own connection
(`Client._connection.api_request`, the same call `Client.list_entries` makes)
rather than the `list_entries` generator, for three reasons the generator
cannot meet: it hides the page token, so a 429 in the middle of a fetch
could not resume where it stopped; it rebuilds entries as objects whose
`to_api_repr()` drops `receiveTimestamp` and nanoseconds, and the recorder
must write entries exactly as the API returned them; and we count calls to
stay under the per-project quota (60 list calls per minute). Auth, endpoint,
user agent and the mapping of HTTP errors to google.api_core exceptions are
the client's.

Failures never end in a traceback: 403 becomes a data gap naming
roles/logging.viewer, 429/503 are retried with jittered backoff and then
become a gap that keeps the pages already fetched, a missing project is one
clear error, and a bad window is a usage error (exit 2).
"""

from __future__ import annotations

import os
import random
import shlex
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tools.errors import InputError, ToolError, UsageError
from tools.log_query import build_filter, kind_of_log_id, with_window
from tools.records import DataGap, HttpInfo, LogRecord
from tools.timewindow import format_time, parse_window

PAGE_SIZE = 1000  # the API maximum
DEFAULT_LIMIT = 1000
MAX_LIMIT = 50_000
MAX_MESSAGE = 4000
ATTEMPTS = 4  # one call plus three retries per page
RETRY_STATUSES = (429, 500, 502, 503, 504)
VIEWER_ROLE = "roles/logging.viewer"


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


class RateLimiter:
    """At most `per_minute` calls per key in any sliding 60 s (the entries.list quota is per project)."""

    def __init__(
        self,
        per_minute: Callable[[], float] | float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._per_minute = per_minute if callable(per_minute) else (lambda: per_minute)
        self._clock = clock
        self._sleep = sleep
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Wait until a call is allowed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                limit = max(1, int(self._per_minute()))
                now = self._clock()
                calls = self._calls.setdefault(key, deque())
                while calls and now - calls[0] >= 60.0:
                    calls.popleft()
                if len(calls) < limit:
                    calls.append(now)
                    return waited
                pause = 60.0 - (now - calls[0])
            self._sleep(pause)
            waited += pause


# Shared by every fetch in this process; CROBS_LOGGING_RPM overrides the budget.
LIMITER = RateLimiter(lambda: _env_float("CROBS_LOGGING_RPM", 55))


def _backoff(attempt: int) -> float:
    """Full jitter on an exponential base; CROBS_BACKOFF_BASE shrinks it in tests."""
    base = _env_float("CROBS_BACKOFF_BASE", 1.0)
    return random.uniform(0, base * (2**attempt))


_sleep = time.sleep


# -- normalization -------------------------------------------------------------


def short_log_name(log_name: str) -> str:
    """`projects/p/logs/run.googleapis.com%2Fstderr` -> `run.googleapis.com/stderr`."""
    _, sep, rest = (log_name or "").partition("/logs/")
    return unquote(rest if sep else log_name or "")


def _latency_ms(value: Any) -> float | None:
    if isinstance(value, dict):  # protobuf Duration as an object
        seconds = float(value.get("seconds", 0) or 0) + float(value.get("nanos", 0) or 0) / 1e9
        return round(seconds * 1000, 3)
    if isinstance(value, str) and value.endswith("s"):
        try:
            return round(float(value[:-1]) * 1000, 3)
        except ValueError:
            return None
    if isinstance(value, int | float):
        return round(float(value) * 1000, 3)
    return None


def _http(request: Any) -> HttpInfo | None:
    if not isinstance(request, dict) or not request:
        return None
    info: HttpInfo = {}
    if request.get("requestMethod"):
        info["method"] = str(request["requestMethod"])
    url = request.get("requestUrl")
    if isinstance(url, str) and url:
        info["path"] = urlsplit(url).path or "/"
    status = request.get("status")
    if status not in (None, ""):
        try:
            info["status"] = int(status)
        except (TypeError, ValueError):
            pass
    latency = _latency_ms(request.get("latency"))
    if latency is not None:
        info["latency_ms"] = latency
    return info


def _message(entry: dict[str, Any]) -> str:
    if isinstance(entry.get("textPayload"), str):
        text = entry["textPayload"]
    elif isinstance(entry.get("jsonPayload"), dict):
        payload = entry["jsonPayload"]
        text = payload.get("message")
        if not isinstance(text, str):
            import orjson

            text = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    elif isinstance(entry.get("protoPayload"), dict):
        payload = entry["protoPayload"]
        status = payload.get("status") if isinstance(payload.get("status"), dict) else {}
        text = status.get("message") or payload.get("methodName") or ""
    else:
        text = ""
    text = str(text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + f"… [{len(text) - MAX_MESSAGE} more characters]"
    return text


def _utc(timestamp: Any) -> str:
    if not isinstance(timestamp, str) or not timestamp:
        return ""
    if timestamp.endswith("Z"):
        return timestamp
    from tools.timewindow import parse_time

    try:
        return format_time(parse_time(timestamp))
    except ToolError:
        return timestamp


_JOB_LABELS = ("run.googleapis.com/execution_name", "run.googleapis.com/task_index")


def normalize_entry(entry: dict[str, Any]) -> LogRecord:
    """One REST LogEntry dict as the compact record analysis and the report read."""
    log_name = short_log_name(str(entry.get("logName") or ""))
    resource = entry.get("resource") if isinstance(entry.get("resource"), dict) else {}
    labels = entry.get("labels") if isinstance(entry.get("labels"), dict) else {}
    insert_id = str(entry.get("insertId") or "")
    severity = entry.get("severity") or "DEFAULT"
    if isinstance(severity, int):
        from tools.log_filter import SEVERITIES

        severity = next((name for name, level in SEVERITIES.items() if level == severity), str(severity))
    resource_labels = {str(k): str(v) for k, v in (resource.get("labels") or {}).items()}
    for key in _JOB_LABELS:  # a job's execution and task live in entry labels; analysis groups by them
        if key in labels:
            resource_labels.setdefault(key.split("/", 1)[1], str(labels[key]))
    return {
        "timestamp": _utc(entry.get("timestamp")),
        "severity": str(severity).upper(),
        "log_kind": kind_of_log_id(log_name),  # type: ignore[typeddict-item]
        "log_name": log_name,
        "resource_type": str(resource.get("type") or ""),
        "resource": resource_labels,
        "instance_id": labels.get("instanceId") or None,
        "http": _http(entry.get("httpRequest")),
        "message": _message(entry),
        "insert_id": insert_id,
        "trace": entry.get("trace") or None,
        "labels": {str(k): str(v) for k, v in labels.items()},
        "raw_ref": f"{log_name}#{insert_id}",
    }


def normalize(entries: Iterable[dict[str, Any]]) -> list[LogRecord]:
    """normalize_entry over raw entries (a case file, a recording, a fetch)."""
    return [normalize_entry(e) for e in entries if isinstance(e, dict)]


MAX_LINE_BYTES = 4 * 1024 * 1024  # a LogEntry is at most 512 KiB; anything far bigger is not one


def iter_entries_file(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream a case's logging/entries.jsonl (one LogEntry per line) without loading it whole."""
    import orjson

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if len(line) > MAX_LINE_BYTES:
                raise InputError(f"{path}:{lineno}: line of {len(line)} bytes is too large for a LogEntry")
            line = line.strip()
            if not line:
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({str(exc).split(':')[0]})") from exc
            if not isinstance(value, dict):
                raise InputError(f"{path}:{lineno}: expected a LogEntry object, found {type(value).__name__}")
            yield value


# -- fetching ------------------------------------------------------------------


def _status_of(exc: Exception) -> int | None:
    code = getattr(exc, "code", None)
    return int(code) if isinstance(code, int) else None


def _one_line(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]


class LogFetch:
    """One paged entries:list query with limits, retries, the quota and data gaps.

    Iterate `pages()` (raw LogEntry dicts, as the API returned them) or
    `records()` (normalized); afterwards `calls`, `truncated`, `data_gaps`
    and `fetched` describe what happened. Analysis code can stream a big
    window this way without holding every record.
    """

    def __init__(
        self,
        project_id: str,
        filter_text: str,
        limit: int = DEFAULT_LIMIT,
        order_by: str = "timestamp asc",
        subject: str = "Cloud Run logs",
        bad_filter: type[ToolError] = ToolError,
    ):
        if not project_id or not str(project_id).strip():
            raise UsageError("project_id is empty")
        self.project_id = str(project_id).strip()
        self.filter = filter_text
        self.limit = limit
        self.order_by = order_by
        self.subject = subject
        self.bad_filter = bad_filter
        self.calls = 0
        self.fetched = 0
        self.truncated = False
        self.data_gaps: list[DataGap] = []
        self.last_timestamp: str | None = None

    def follow_up(self) -> str:
        """The exact gcloud command that re-runs this query by hand."""
        one_line = " ".join(self.filter.split("\n"))
        return (
            f"gcloud logging read {shlex.quote(one_line)} --project={shlex.quote(self.project_id)} "
            f"--limit={self.limit} --format=json"
        )

    def _gap(self, why: str, follow_up: str | None = None) -> None:
        where = "before any entry was fetched"
        if self.fetched:
            where = f"after {self.calls} page(s), {self.fetched} entries (last timestamp {self.last_timestamp})"
        missing = self.subject if not self.fetched else f"{self.subject} after {self.last_timestamp}"
        self.data_gaps.append(
            {
                "source": "cloud_logging",
                "missing_signal": missing,
                "why_missing": f"{why}; stopped {where}",
                "follow_up": follow_up or self.follow_up(),
            }
        )

    def _call(self, connection: Any, body: dict[str, Any]) -> dict[str, Any] | None:
        """One page with retries; None when the fetch must stop (a gap was recorded)."""
        from google.api_core import exceptions as gexc
        from requests import exceptions as rexc

        last_problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                _sleep(_backoff(attempt - 1))
            LIMITER.acquire(self.project_id)
            self.calls += 1
            try:
                return connection.api_request(
                    method="POST", path="/entries:list", data=body, timeout=_env_float("CROBS_LOGGING_TIMEOUT", 60.0)
                )
            except gexc.Forbidden as exc:
                self._gap(
                    f"permission denied reading logs in project {self.project_id} (needs {VIEWER_ROLE}): "
                    f"{_one_line(exc)}",
                    f"gcloud projects add-iam-policy-binding {shlex.quote(self.project_id)} "
                    f"--member=user:YOUR_EMAIL --role={VIEWER_ROLE}",
                )
                return None
            except gexc.Unauthorized as exc:
                raise ToolError(
                    "Cloud Logging rejected the credentials (401): run `gcloud auth application-default login`"
                ) from exc
            except gexc.NotFound as exc:
                if not self.fetched:
                    raise ToolError(
                        f"Cloud Logging: project {self.project_id!r} not found or not accessible (404); "
                        "check --project-id"
                    ) from exc
                self._gap(f"Cloud Logging answered 404: {_one_line(exc)}")
                return None
            except gexc.BadRequest as exc:
                raise self.bad_filter(f"Cloud Logging rejected the query: {_one_line(exc)}") from exc
            except gexc.GoogleAPICallError as exc:
                status = _status_of(exc)
                last_problem = f"Cloud Logging answered {status or 'an error'}: {_one_line(exc)}"
                if status not in RETRY_STATUSES:
                    break
            except (rexc.ConnectionError, rexc.Timeout) as exc:
                last_problem = f"Cloud Logging unreachable: {type(exc).__name__}"
            except ValueError as exc:  # a 2xx that is not JSON: a proxy or captive portal answered
                self._gap(f"Cloud Logging answered with something that is not JSON ({type(exc).__name__})")
                return None
        self._gap(f"{last_problem} (after {ATTEMPTS} attempts with backoff)")
        return None

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        from tools.gcp_clients import logging_client

        connection = logging_client(self.project_id)._connection
        token: str | None = None
        while self.fetched < self.limit:
            body: dict[str, Any] = {
                "resourceNames": [f"projects/{self.project_id}"],
                "filter": self.filter,
                "orderBy": self.order_by,
                "pageSize": min(PAGE_SIZE, self.limit - self.fetched),
            }
            if token:
                body["pageToken"] = token
            response = self._call(connection, body)
            if response is None:
                return
            entries = [e for e in response.get("entries") or [] if isinstance(e, dict)]
            entries = entries[: self.limit - self.fetched]
            self.fetched += len(entries)
            if entries:
                self.last_timestamp = entries[-1].get("timestamp") or self.last_timestamp
            token = response.get("nextPageToken") or None
            if entries:
                yield entries
            if not token:
                return
        self.truncated = True

    def records(self) -> Iterator[LogRecord]:
        for page in self.pages():
            yield from (normalize_entry(e) for e in page)

    def result(self, records: list[LogRecord]) -> dict[str, Any]:
        return {
            "records": records,
            "filter": self.filter,
            "calls": self.calls,
            "truncated": self.truncated,
            "data_gaps": self.data_gaps,
        }


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
def query_logs(project_id: str, filter: str, start: str, end: str, limit: int | None = None) -> dict[str, Any]:
    """A caller's own Logging filter, still bounded by the window and the limit."""
    start_dt, end_dt = parse_window(start, end)
    if not isinstance(filter, str):
        raise UsageError("filter must be a string in the Logging query language")
    from tools.log_filter import FilterError, parse

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
    return fetch.result(list(fetch.records()))


# -- human output ----------------------------------------------------------------


def format_logs(result: dict[str, Any]) -> str:
    """A compact table: time, severity, kind, status, instance, first line of the message."""
    lines = []
    for rec in result.get("records", []):
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
