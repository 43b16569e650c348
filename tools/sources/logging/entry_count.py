"""How many log entries a live window holds, counted before the logs are read, to choose the engine.

`investigate --engine auto` reads a small window page by page (entries.list) and a big one in SQL.
The count comes first from Cloud Monitoring's system metric `logging.googleapis.com/log_entry_count`
summed over the window: one `timeSeries.list` call through tools/sources/monitoring.py's request
code, whatever the traffic. When that metric cannot be read (permission, no series, an error), the
entries path's own first page tells how many entries fall in how much of the window (entries come
oldest first, `orderBy: timestamp asc`, see paging.py), extrapolated and labelled an estimate.
That page is kept and handed to the entries path (`FirstPages.result`), so counting never costs
a list call the entries path would not have made anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.timewindow import format_time, parse_time, parse_window

# Metric shape (Google Cloud metrics, "logging": https://cloud.google.com/monitoring/api/metrics_gcp_i_o#gcp-logging,
# linked as the list of system-defined metrics from https://cloud.google.com/logging/docs/logs-based-metrics;
# the filter form below is the one public Cloud Run dashboards and alerts use; Google's own Kubernetes
# History Inspector counts a window the same way, `metric.type = "logging.googleapis.com/log_entry_count"
# AND resource.type = ... AND metric.labels.log != "events"` (github.com/GoogleCloudPlatform/khi,
# pkg/task/inspection/googlecloudlogk8snode/impl tests), which confirms the `log` label):
# logging.googleapis.com/log_entry_count, DELTA, INT64, unit "1", metric labels `log` (the log ID) and
# `severity`, written once a minute on the entry's monitored resource: cloud_run_revision
# (service_name, revision_name, location, ...) for services, cloud_run_job (job_name, location) for jobs.
METRIC = "logging.googleapis.com/log_entry_count"
ESTIMATE_PAGES = 1  # entries.list pages read to estimate when the metric is unavailable (1,000 entries each)


class FirstPages:
    """The entries path's query, started: its first page(s) are read now, the rest when `result()` is called."""

    def __init__(self, project: str, kind: str, name: str, start: str, end: str, region: str | None,
                 limit: int) -> None:
        from tools.sources.logging.cloud_logging import fetch_logs_iter

        self.fetch = fetch_logs_iter(project, kind, name, start, end, region=region, limit=limit)
        self._pages = self.fetch.pages()
        self.read: list[list[dict[str, Any]]] = []
        self.finished = False

    def take(self, pages: int) -> None:
        for _ in range(pages):
            page = next(self._pages, None)
            if page is None:
                self.finished = True
                return
            self.read.append(page)

    @property
    def entries(self) -> int:
        return sum(len(page) for page in self.read)

    def result(self) -> dict[str, Any]:
        """What `fetch_logs` returns for the same query, without fetching the pages already read again."""
        records = []
        for page in [*self.read, *([] if self.finished else self._pages)]:
            for entry in page:
                record = self.fetch.unreadable.normalize(entry)
                if record is not None:
                    records.append(record)
        self.fetch.note_unreadable()
        return self.fetch.result(records)


@dataclass
class Count:
    """The window's entry count and how it was known (the scope line quotes `describe()`)."""

    entries: int
    basis: str  # "log_entry_count" | "first pages"
    exact: bool = True
    detail: str = ""  # the estimate's basis, or why the metric was not used
    first_pages: FirstPages | None = field(default=None, repr=False)
    known: bool = True  # False: the first page failed too (its data gap says why)

    def describe(self) -> str:
        if not self.known:
            return f"entry count unknown ({self.detail}; the first entries.list page failed)"
        if self.basis == "log_entry_count":
            return f"log_entry_count {self.entries:,}"
        if self.exact:
            return f"{self.entries:,} entries, all on the first page" + (f" ({self.detail})" if self.detail else "")
        return f"estimate {self.entries:,} entries from the first page ({self.detail})"


def _target(kind: str) -> tuple[str, str]:
    from tools.sources.logging.query import _data

    target = _data()["targets"]["job" if kind == "job" else "service"]
    return target["resource_type"], target["name_label"]


def metric_count(project: str, region: str | None, kind: str, name: str, start: str, end: str) -> int | None:
    """log_entry_count summed over the window (one timeSeries.list call); None when there is no series.

    Raises monitoring.MonitoringError when the call fails.
    """
    from tools.sources import monitoring
    from tools.sources.gcp_clients import authorized_session

    start_dt, end_dt = parse_window(start, end)
    resource_type, label = _target(kind)
    filter_text = monitoring.build_filter(METRIC, resource_type, label, name, region or "")
    if not region:
        filter_text = filter_text.rsplit(" AND resource.labels.location = ", 1)[0]
    spec = {"aligner": "ALIGN_DELTA", "reducer": "REDUCE_SUM", "group_by": []}
    period = f"{max(60, int((end_dt - start_dt).total_seconds() + 0.999))}s"  # one point for the whole window
    params = [(key, period if key == "aggregation.alignmentPeriod" else value)
              for key, value in monitoring.query_params(spec, filter_text, start_dt, end_dt)]
    series = monitoring.list_time_series(authorized_session(), project, params)
    if not series:
        return None
    return sum(int((point.get("value") or {}).get("int64Value") or 0)
               for one in series for point in one.get("points") or [])


def first_pages_count(project: str, region: str | None, kind: str, name: str, start: str, end: str,
                      limit: int, why_not_metric: str) -> Count:
    """The first page of the entries path's own query, extrapolated over the window when there is more."""
    pages = FirstPages(project, kind, name, start, end, region, limit)
    pages.take(ESTIMATE_PAGES)
    fetched = pages.entries
    if not fetched and pages.fetch.data_gaps:
        return Count(0, "first pages", exact=False, detail=why_not_metric, first_pages=pages, known=False)
    if pages.finished or not fetched:
        return Count(fetched, "first pages", exact=True, detail=why_not_metric, first_pages=pages)
    start_dt, end_dt = parse_window(start, end)
    last = pages.read[-1][-1].get("timestamp") or ""
    try:
        covered = (parse_time(last) - start_dt).total_seconds()
    except Exception:  # noqa: BLE001 - an unreadable timestamp: assume the page covered 1 s
        covered = 0.0
    window = (end_dt - start_dt).total_seconds()
    estimate = max(fetched + 1, round(fetched * window / max(covered, 1.0)))
    detail = f"{fetched:,} entries up to {format_time(parse_time(last)) if covered else last}; {why_not_metric}"
    return Count(estimate, "first pages", exact=False, detail=detail, first_pages=pages)


def count_entries(project: str, region: str | None, kind: str, name: str, start: str, end: str,
                  limit: int) -> Count | None:
    """The window's entry count: the metric, else the first page; None when neither could be read."""
    from tools.sources import deadline
    from tools.sources.monitoring import MonitoringError

    why = ""
    with deadline.source_budget("cloud_monitoring"):
        try:
            total = metric_count(project, region, kind, name, start, end)
            if total is not None:
                return Count(total, "log_entry_count")
            why = "log_entry_count has no series for the window"
        except MonitoringError as exc:
            status = f"HTTP {exc.status}: " if exc.status else ""
            why = f"log_entry_count unavailable ({status}{' '.join(str(exc).split())[:120]})"
        except Exception as exc:  # noqa: BLE001 - no credentials, a bad window: fall back, never fail
            why = f"log_entry_count unavailable ({type(exc).__name__})"
    with deadline.source_budget("cloud_logging"):
        try:
            return first_pages_count(project, region, kind, name, start, end, limit, why)
        except Exception:  # noqa: BLE001 - the entries path reports the same failure as its own data gap
            return None
