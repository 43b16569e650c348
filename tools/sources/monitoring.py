"""Cloud Monitoring source: per-minute Cloud Run request, latency, instance and job series.

Rates come from metrics, not from paging through every request log: one
`timeSeries.list` call per series (tools/data/run_metrics.yaml) covers any
traffic volume. Distributions (latency, utilization) are fetched merged per
minute and read as p50/p95/p99 here: one query, not three.

Transport: google-cloud-monitoring ships only a gRPC transport (2.32 has no
`transport="rest"`), and the replay server speaks HTTP/1.1, so the documented
REST endpoint `GET /v3/projects/{p}/timeSeries` is called with google-auth's
AuthorizedSession and each response is validated by parsing it into
`monitoring_v3.ListTimeSeriesResponse`: the real message types, on the wire
format the API documents.

When there are no series at all (metrics absent from a case, a brand-new
service), the result carries a data gap so the caller computes rates from
the request logs and says so.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import yaml

from tools.errors import UsageError
from tools.paths import DATA
from tools.records import DataGap
from tools.sources import deadline
from tools.timewindow import format_time, parse_time, parse_window

API_ROOT = "https://monitoring.googleapis.com"
VIEWER_ROLE = "roles/monitoring.viewer"
CALL_TIMEOUT = 30.0
RETRY_STATUSES = (429, 500, 503)
RETRIES = 2  # extra attempts after the first, with a short backoff
BACKOFF = 0.3
MAX_PAGES = 20


class MonitoringError(Exception):
    """A failed timeSeries.list call: status code (0 when the network failed) and message."""

    def __init__(self, status: int, message: str, partial: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.partial = list(partial or [])  # series from earlier pages, kept by the caller


@cache
def metric_specs() -> dict[str, Any]:
    return yaml.safe_load((DATA / "run_metrics.yaml").read_text(encoding="utf-8"))


# -- pure helpers -----------------------------------------------------------


def bucket_bounds(options: dict[str, Any]) -> list[float]:
    """Finite bucket boundaries of a Distribution's bucketOptions."""
    if "explicitBuckets" in options:
        return [float(b) for b in options["explicitBuckets"].get("bounds") or []]
    if "linearBuckets" in options:
        lin = options["linearBuckets"]
        n = int(lin.get("numFiniteBuckets", 0))
        return [float(lin.get("offset", 0)) + float(lin.get("width", 0)) * i for i in range(n + 1)]
    if "exponentialBuckets" in options:
        exp = options["exponentialBuckets"]
        n = int(exp.get("numFiniteBuckets", 0))
        return [float(exp.get("scale", 1)) * float(exp.get("growthFactor", 2)) ** i for i in range(n + 1)]
    return []


def percentile(bounds: list[float], counts: list[int], pct: float) -> float | None:
    """The pct-th percentile of bucketed data, interpolated linearly inside its bucket.

    Bucket 0 is the underflow (-inf, b0), bucket i is [b(i-1), b(i)), the last
    one the overflow [b_last, inf); underflow reads as [0, b0) and overflow
    as its lower bound, the most that can be said.
    """
    total = sum(counts)
    if total <= 0 or not bounds:
        return None
    rank = pct / 100.0 * total
    cumulative = 0
    for index, count in enumerate(counts):
        if count <= 0:
            continue
        if cumulative + count >= rank:
            lower = 0.0 if index == 0 else bounds[index - 1]
            if index >= len(bounds):
                return bounds[-1]
            upper = bounds[index]
            fraction = (rank - cumulative) / count
            return round(lower + (upper - lower) * max(0.0, min(1.0, fraction)), 3)
        cumulative += count
    return bounds[-1]


def _value(value: dict[str, Any]) -> Any:
    if "int64Value" in value:
        return int(value["int64Value"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "distributionValue" in value:
        return value["distributionValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    return None


def _labels(series: dict[str, Any], group_by: list[str]) -> dict[str, str]:
    found = {}
    for field in group_by:
        scope, _, key = field.partition(".label.")
        block = (series.get("metric") if scope == "metric" else series.get("resource")) or {}
        found[key] = (block.get("labels") or {}).get(key, "")
    return found


def combine(series_list: list[dict[str, Any]], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """TimeSeries JSON → [{time, value, labels}] per minute and group, oldest first.

    Numbers are summed (or maxed) across series with the same time and group
    labels; distributions are merged bucket by bucket, then read as the
    configured percentiles (value is {p50, p95, p99, count}).
    """
    group_by = list(spec.get("group_by") or [])
    how = spec.get("combine", "sum")
    cells: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}
    for series in series_list:
        labels = _labels(series, group_by)
        key_labels = tuple(sorted(labels.items()))
        for point in series.get("points") or []:
            when = format_time(parse_time(((point.get("interval") or {}).get("endTime")) or ""))
            value = _value(point.get("value") or {})
            if value is None:
                continue
            key = (when, key_labels)
            if how == "distribution":
                if not isinstance(value, dict):
                    continue
                bounds = bucket_bounds(value.get("bucketOptions") or {})
                counts = [int(c) for c in value.get("bucketCounts") or []]
                cell = cells.setdefault(key, {"bounds": bounds, "counts": []})
                if cell["bounds"] != bounds:
                    continue  # different bucket layouts cannot be merged; keep the first
                width = max(len(cell["counts"]), len(counts))
                cell["counts"] = [
                    (cell["counts"][i] if i < len(cell["counts"]) else 0) + (counts[i] if i < len(counts) else 0)
                    for i in range(width)
                ]
            elif isinstance(value, int | float):
                if key not in cells:
                    cells[key] = value
                elif how == "max":
                    cells[key] = max(cells[key], value)
                else:
                    cells[key] = cells[key] + value
    points = []
    for (when, key_labels), cell in sorted(cells.items()):
        if how == "distribution":
            value = {f"p{p}": percentile(cell["bounds"], cell["counts"], p) for p in spec.get("percentiles", [])}
            value["count"] = sum(cell["counts"])
        else:
            value = round(cell, 6) if isinstance(cell, float) else cell
        points.append({"time": when, "value": value, "labels": dict(key_labels)})
    return points


def summarize(series: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Totals an analysis reads first: requests by class, 5xx ratio, peaks."""
    summary: dict[str, Any] = {}
    if series.get("request_count"):
        totals: dict[str, int] = {}
        for point in series["request_count"]:
            cls = point["labels"].get("response_code_class") or "unknown"
            totals[cls] = totals.get(cls, 0) + int(point["value"])
        total = sum(totals.values())
        summary["requests_by_class"] = dict(sorted(totals.items()))
        summary["error_ratio_5xx"] = round(totals.get("5xx", 0) / total, 4) if total else None
        peak = max(series["request_count"], key=lambda p: p["value"] if p["labels"].get("response_code_class") == "5xx"
                   else -1)
        if peak["labels"].get("response_code_class") == "5xx" and peak["value"]:  # a window with no 5xx has no peak
            summary["peak_5xx_minute"] = {"time": peak["time"], "count": peak["value"]}
    for name in ("request_latencies", "memory_utilization", "cpu_utilization"):
        p99s = [p for p in series.get(name) or [] if p["value"].get("p99") is not None]
        if p99s:
            top = max(p99s, key=lambda p: p["value"]["p99"])
            summary[f"max_{name}_p99"] = {"time": top["time"], "value": top["value"]["p99"]}
    if series.get("instance_count"):
        per_minute: dict[str, int] = {}
        for point in series["instance_count"]:
            per_minute[point["time"]] = per_minute.get(point["time"], 0) + int(point["value"])
        when = max(per_minute, key=lambda t: per_minute[t])
        summary["peak_instances"] = {"time": when, "count": per_minute[when]}
    if series.get("completed_execution_count"):
        totals = {}
        for point in series["completed_execution_count"]:
            result = point["labels"].get("result") or "unknown"
            totals[result] = totals.get(result, 0) + int(point["value"])
        summary["executions_by_result"] = totals
    return summary


def build_filter(metric_type: str, resource_type: str, label: str, target: str, region: str) -> str:
    def q(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return (
        f"metric.type = {q(metric_type)} AND resource.type = {q(resource_type)} AND "
        f"resource.labels.{label} = {q(target)} AND resource.labels.location = {q(region)}"
    )


def query_params(spec: dict[str, Any], filter_text: str, start: Any, end: Any) -> list[tuple[str, str]]:
    """ListTimeSeriesRequest as the REST query string: dotted names, groupByFields repeated."""
    return [
        ("filter", filter_text),
        ("interval.startTime", format_time(start)),
        ("interval.endTime", format_time(end)),
        ("aggregation.alignmentPeriod", metric_specs()["alignment_period"]),
        ("aggregation.perSeriesAligner", spec["aligner"]),
        ("aggregation.crossSeriesReducer", spec["reducer"]),
        *[("aggregation.groupByFields", field) for field in spec.get("group_by") or []],
        ("view", "FULL"),
    ]


def revision_usage(project_id: str, region: str, service: str, start: Any, end: Any) -> dict[str, dict[str, Any]]:
    """{revision: {first_seen, last_seen, requests, basis}} from request_count by revision: one call.

    Raises MonitoringError when the call fails; empty when there are no series.
    """
    spec = {"aligner": "ALIGN_DELTA", "reducer": "REDUCE_SUM", "combine": "sum",
            "group_by": ["resource.label.revision_name"]}
    filter_text = build_filter("run.googleapis.com/request_count", "cloud_run_revision", "service_name", service,
                               region)
    points = combine(list_time_series(_session(), project_id, query_params(spec, filter_text, start, end)), spec)
    usage: dict[str, dict[str, Any]] = {}
    for point in points:
        revision = point["labels"].get("revision_name")
        if not revision or not point["value"]:
            continue
        entry = usage.setdefault(revision, {"first_seen": point["time"], "last_seen": point["time"], "requests": 0,
                                            "basis": "cloud_monitoring"})
        entry["last_seen"] = max(entry["last_seen"], point["time"])
        entry["first_seen"] = min(entry["first_seen"], point["time"])
        entry["requests"] += int(point["value"])
    return usage


# -- the REST call ------------------------------------------------------------


def _session() -> Any:
    from tools.sources.gcp_clients import authorized_session

    return authorized_session()


def list_time_series(session: Any, project_id: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """All pages of projects.timeSeries.list; raises MonitoringError on failure."""
    import requests
    from google.cloud import monitoring_v3

    from tools.sources.gcp_clients import endpoint

    url = f"{(endpoint() or API_ROOT).rstrip('/')}/v3/projects/{project_id}/timeSeries"
    found: list[dict[str, Any]] = []
    token = None
    budget = deadline.current("cloud_monitoring")
    for _ in range(MAX_PAGES):
        query = params + ([("pageToken", token)] if token else [])
        response = None
        for attempt in range(RETRIES + 1):
            if budget.expired():
                last = f"HTTP {response.status_code}; " if response is not None else ""
                raise MonitoringError(0, f"{last}stopped: {budget.reason()}", found)
            began = time.monotonic()
            try:
                response = session.get(url, params=query, timeout=min(CALL_TIMEOUT, budget.timeout()))
            except requests.exceptions.Timeout as exc:
                budget.failed(time.monotonic() - began)
                raise MonitoringError(0, f"Cloud Monitoring did not answer in time ({type(exc).__name__})",
                                      found) from exc
            except requests.exceptions.RequestException as exc:
                budget.failed(time.monotonic() - began)
                raise MonitoringError(0, f"cannot reach Cloud Monitoring: {type(exc).__name__}", found) from exc
            if response.status_code not in RETRY_STATUSES or attempt == RETRIES:
                break
            budget.failed(time.monotonic() - began)
            budget.wait(BACKOFF * (2**attempt), time.sleep)
        assert response is not None
        if response.status_code != 200:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:200]
            raise MonitoringError(response.status_code, " ".join(str(message).split())[:300], found)
        text = response.text
        try:
            monitoring_v3.ListTimeSeriesResponse.from_json(text, ignore_unknown_fields=True)
            body = response.json()
        except Exception as exc:  # noqa: BLE001 - a malformed body is a failed call, not a crash
            raise MonitoringError(200, f"malformed timeSeries.list response: {type(exc).__name__}", found) from exc
        found.extend(body.get("timeSeries") or [])
        token = body.get("nextPageToken")
        if not token:
            break
    return found


def _gap(error: MonitoringError, project_id: str, retry_command: str) -> DataGap:
    if error.status in (401, 403):
        return DataGap(
            source="cloud_monitoring",
            missing_signal="request, latency and instance metrics",
            why_missing=f"permission denied reading Cloud Monitoring in project {project_id} (needs {VIEWER_ROLE})",
            follow_up=f"gcloud projects add-iam-policy-binding {project_id} --member=user:YOUR_EMAIL "
            f"--role={VIEWER_ROLE} && {retry_command}",
        )
    status = f"HTTP {error.status}: " if error.status else ""
    return DataGap(
        source="cloud_monitoring",
        missing_signal="request, latency and instance metrics",
        why_missing=f"Cloud Monitoring timeSeries.list failed: {status}{error}",
        follow_up=retry_command,
    )


# tool
def fetch_metrics(
    project_id: str,
    region: str,
    start: str,
    end: str | None = None,
    service: str | None = None,
    job: str | None = None,
) -> dict[str, Any]:
    """Per-minute Cloud Run metrics for a service or job in the window, with a summary."""
    if bool(service) == bool(job):
        raise UsageError("give exactly one of --service or --job")
    target_type, target = ("service", service) if service else ("job", job)
    for label, value in (("project_id", project_id), ("region", region), (target_type, target)):
        if not value or "/" in str(value) or '"' in str(value):
            raise UsageError(f"{label}: {value!r} is not valid")
    window_start, window_end = parse_window(start, end)
    specs = metric_specs()
    block = specs[target_type]
    retry_command = (
        f"crobs fetch-metrics --project-id {project_id} --region {region} --{target_type} {target} "
        f"--start {format_time(window_start)} --end {format_time(window_end)} --json"
    )
    session = _session()
    series: dict[str, list[dict[str, Any]]] = {}
    gaps: list[DataGap] = []
    queries = 0
    for spec in block["metrics"]:
        resource_type = spec.get("resource_type") or block["resource_type"]
        filter_text = build_filter(spec["type"], resource_type, block["target_label"], str(target), region)
        params = query_params(spec, filter_text, window_start, window_end)
        queries += 1
        try:
            raw = list_time_series(session, project_id, params)
        except MonitoringError as error:
            gaps.append(_gap(error, project_id, retry_command))
            if not error.partial:
                if error.status in (0, 401, 403):
                    break  # the same for every series: one gap, not five
                continue
            raw = error.partial
        points = combine(raw, spec)
        for point in points:
            point["raw_ref"] = f"{spec['type']}#{block['target_label']}={target}@{point['time']}"
        series[spec["name"]] = points
    if not gaps and not any(series.values()):
        kinds = " --log-kinds requests" if target_type == "service" else ""
        gaps.append(
            DataGap(
                source="cloud_monitoring",
                missing_signal="request, latency and instance metrics",
                why_missing=f"no Cloud Monitoring time series for {target_type} {target} in {region} in the window; "
                "rates must come from request logs",
                follow_up=f"crobs fetch-logs --project-id {project_id} --region {region} --target-type {target_type} "
                f"--target-name {target}{kinds} --start {format_time(window_start)} "
                f"--end {format_time(window_end)} --json",
            )
        )
    return {
        "series": series,
        "summary": summarize(series),
        "source": "cloud_monitoring",
        "rates_from": "cloud_monitoring" if any(series.values()) else "request_logs",
        "queries": queries,
        "window": {"start": format_time(window_start), "end": format_time(window_end)},
        "data_gaps": gaps,
    }

