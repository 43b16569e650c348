"""One paged `entries:list` query: limits, retries with backoff, the per-project quota, data gaps.

Split out of tools/sources/logging/cloud_logging.py, which builds the queries; this is how
one is run. Pages are requested through the google-cloud-logging client's
own connection (`Client._connection.api_request`, the same call
`Client.list_entries` makes) rather than the `list_entries` generator, for
three reasons the generator cannot meet: it hides the page token, so a 429
in the middle of a fetch could not resume where it stopped; it rebuilds
entries as objects whose `to_api_repr()` drops `receiveTimestamp` and
nanoseconds, and the recorder must write entries exactly as the API
returned them; and we count calls to stay under the per-project quota (60
list calls per minute). Auth, endpoint, user agent and the mapping of HTTP
errors to google.api_core exceptions are the client's.
"""

from __future__ import annotations

import os
import random
import shlex
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from tools.errors import SourceError, ToolError, UsageError
from tools.records import DataGap, LogRecord
from tools.sources import deadline
from tools.sources.logging.entries import Unreadable

PAGE_SIZE = 1000  # the API maximum
DEFAULT_LIMIT = 1000
MAX_LIMIT = 50_000
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

    def acquire(self, key: str, max_wait: float = float("inf")) -> float | None:
        """Wait until a call is allowed; returns the seconds waited, or None when that would exceed max_wait."""
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
            if waited + pause > max_wait:
                return None
            self._sleep(pause)
            waited += pause


# Shared by every fetch in this process; CROBS_LOGGING_RPM overrides the budget.
LIMITER = RateLimiter(lambda: _env_float("CROBS_LOGGING_RPM", 55))


def _backoff(attempt: int) -> float:
    """Full jitter on an exponential base; CROBS_BACKOFF_BASE shrinks it in tests."""
    base = _env_float("CROBS_BACKOFF_BASE", 1.0)
    return random.uniform(0, base * (2**attempt))


_sleep = time.sleep


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
        self.budget = deadline.current("cloud_logging")
        self.unreadable = Unreadable("log entries")

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
        budget = self.budget
        for attempt in range(ATTEMPTS):
            if attempt:
                budget.wait(_backoff(attempt - 1), lambda seconds: _sleep(seconds))
            if budget.expired():
                self._gap(f"{last_problem + '; ' if last_problem else ''}stopped because {budget.reason()}")
                return None
            if LIMITER.acquire(self.project_id, max_wait=budget.remaining()) is None:
                self._gap(f"the per-project quota ({int(_env_float('CROBS_LOGGING_RPM', 55))} list calls a minute) "
                          f"would need a wait past the source's deadline ({deadline.SOURCE_DEADLINE_ENV})")
                return None
            self.calls += 1
            began = time.monotonic()
            timeout = min(budget.timeout(), _env_float("CROBS_LOGGING_TIMEOUT", budget.timeout()))
            try:
                return connection.api_request(method="POST", path="/entries:list", data=body, timeout=timeout)
            except gexc.Forbidden as exc:
                self._gap(
                    f"permission denied reading logs in project {self.project_id} (needs {VIEWER_ROLE}): "
                    f"{_one_line(exc)}",
                    f"gcloud projects add-iam-policy-binding {shlex.quote(self.project_id)} "
                    f"--member=user:YOUR_EMAIL --role={VIEWER_ROLE}",
                )
                return None
            except gexc.Unauthorized as exc:
                raise SourceError(
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
                budget.failed(time.monotonic() - began)
                if status not in RETRY_STATUSES:
                    break
            except rexc.Timeout as exc:
                last_problem = f"Cloud Logging did not answer within {timeout:.3g} s ({type(exc).__name__})"
                budget.failed(time.monotonic() - began)
            except ValueError as exc:  # a 2xx that is not JSON: a proxy or captive portal answered
                self._gap(f"Cloud Logging answered with something that is not JSON ({type(exc).__name__})")
                return None
            except rexc.RequestException as exc:
                last_problem = f"Cloud Logging unreachable: {type(exc).__name__}"
                budget.failed(time.monotonic() - began)
        self._gap(f"{last_problem} (after {ATTEMPTS} attempts with backoff)")
        return None

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        from tools.sources.gcp_clients import logging_client

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
            raw = response.get("entries") if isinstance(response, dict) else None
            if not isinstance(raw, list):
                if raw is not None or not isinstance(response, dict):
                    self._gap("Cloud Logging answered with a body that is not an entries:list response")
                    return
                raw = []
            self._replay_note(response.get("replay"))
            entries = []
            for entry in raw:
                if isinstance(entry, dict):
                    entries.append(entry)
                else:
                    self.unreadable.seen += 1
                    self.unreadable.add(f"expected a LogEntry object, found {type(entry).__name__}")
            entries = entries[: self.limit - self.fetched]
            self.fetched += len(entries)
            if entries:
                self.last_timestamp = entries[-1].get("timestamp") or self.last_timestamp
            token = response.get("nextPageToken") or None
            if token is not None and not isinstance(token, str):
                self._gap("Cloud Logging answered with a malformed nextPageToken")
                token = None
            if entries:
                yield entries
            if not token:
                return
        self.truncated = True

    def _replay_note(self, note: Any) -> None:
        """A replayed case saying the query missed what it recorded (tools/replay/logging_api.py): a gap."""
        if not isinstance(note, dict) or not note.get("outside_recorded_window"):
            return
        window = note.get("recorded_window") or {}
        start, end = window.get("start"), window.get("end")
        if any(g["why_missing"].startswith("outside the recorded window") for g in self.data_gaps):
            return
        self.data_gaps.append({
            "source": "cloud_logging",
            "answered": True,  # the source answered (nothing recorded then): not a failure for the exit code
            "missing_signal": self.subject,
            "why_missing": f"outside the recorded window {start}–{end}: the replayed case holds no entries "
                           "for the queried time, so 0 records says nothing about what happened then",
            "follow_up": f"query inside {start}–{end} (e.g. --start {start} --end {end}), or record the case "
                         "again over the wider window with `crobs record`",
        })

    def records(self) -> Iterator[LogRecord]:
        """Normalized records; an entry that cannot be read is counted (one data gap), never fatal."""
        for page in self.pages():
            for entry in page:
                record = self.unreadable.normalize(entry)
                if record is not None:
                    yield record
        self.note_unreadable()

    def note_unreadable(self) -> None:
        gap = self.unreadable.gap("cloud_logging", f"{self.subject}: entries that could not be read",
                                  self.follow_up())
        if gap is not None and gap not in self.data_gaps:
            self.data_gaps.append(gap)

    def result(self, records: list[LogRecord]) -> dict[str, Any]:
        return {
            "records": records,
            "filter": self.filter,
            "calls": self.calls,
            "truncated": self.truncated,
            "data_gaps": self.data_gaps,
        }

