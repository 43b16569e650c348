"""The replay server's Log Analytics discovery: log buckets, their links, and the log_entry_count metric.

- `GET /v2/projects/{p}/locations/{loc}/buckets` answers the case's optional `logging/buckets.json`
  (a ListBucketsResponse, `{"buckets": [LogBucket, ...]}`, or a bare list); without it, the two
  buckets every project has, `_Required` and `_Default` in `global`, neither with Log Analytics.
  `loc` `-` means every location.
- `GET /v2/projects/{p}/locations/{loc}/buckets/{b}/links` answers the links in the case's optional
  `logging/links.json` (`{"links": [Link, ...]}` or a list) whose `name` lies under that bucket.
- Cloud Monitoring `timeSeries.list` for `logging.googleapis.com/log_entry_count`: the case's
  monitoring/timeseries.jsonl answers when it records that metric; otherwise the count is computed
  from the case's logging/entries.jsonl for the requested resource and window, one series per
  (`log`, `severity`) with one point covering the window, so every case can answer it. Every other
  metric is left to monitoring_api unchanged (this wraps its handler, same route name for faults).

Route names (for `server.inject`): logging.buckets.list, logging.links.list,
monitoring.timeseries.list (shared with monitoring_api).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tools.replay.server import ReplayServer, Request, Response

BUCKETS_ROUTE = "logging.buckets.list"
LINKS_ROUTE = "logging.links.list"
MONITORING_ROUTE = "monitoring.timeseries.list"
METRIC = "logging.googleapis.com/log_entry_count"


def _case_list(server: ReplayServer, name: str, key: str) -> list[dict[str, Any]] | None:
    """The objects of logging/<name>, or None when the case has no such file."""
    path = server.case_dir / "logging" / name if server.case_dir else None
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data.get(key) if isinstance(data, dict) else data
    return [item for item in items or [] if isinstance(item, dict)]


def list_buckets(server: ReplayServer, request: Request) -> Response:
    project, location = request.params["project"], request.params["location"]
    buckets = _case_list(server, "buckets.json", "buckets")
    if buckets is None:
        buckets = [{"name": f"projects/{project}/locations/global/buckets/{b}", "retentionDays": days,
                    "lifecycleState": "ACTIVE", "analyticsEnabled": False}
                   for b, days in (("_Required", 400), ("_Default", 30))]
    prefix = f"projects/{project}/locations/" + ("" if location == "-" else f"{location}/")
    found = [b for b in buckets if str(b.get("name") or "").startswith(prefix)]
    return Response(200, {"buckets": found} if found else {})


def list_links(server: ReplayServer, request: Request) -> Response:
    p = request.params
    bucket = f"projects/{p['project']}/locations/{p['location']}/buckets/{p['bucket']}"
    links = [link for link in _case_list(server, "links.json", "links") or []
             if str(link.get("name") or "").startswith(bucket + "/links/")]
    return Response(200, {"links": links} if links else {})


def _recorded(server: ReplayServer) -> bool:
    from tools.replay.monitoring_api import _load

    return any((s.get("metric") or {}).get("type") == METRIC for s in _load(server))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def count_series(server: ReplayServer, request: Request) -> Response | None:
    """log_entry_count from entries.jsonl; None when monitoring_api should answer (or reject) instead."""
    from tools.replay.logging_api import _store
    from tools.replay.monitoring_api import parse_filter
    from tools.timewindow import format_time, parse_time

    try:
        clauses = parse_filter(request.arg("filter") or "")
        start, end = parse_time(request.arg("interval.startTime") or ""), parse_time(request.arg("interval.endTime"))
    except Exception:  # noqa: BLE001 - monitoring_api answers a bad request with its 400
        return None
    if dict(clauses).get("metric.type") != METRIC or start > end or _recorded(server):
        return None
    wanted_metric = {f.split(".", 2)[2]: v for f, v in clauses if f.startswith("metric.labels.")}
    resource = {f.split(".", 2)[2]: v for f, v in clauses if f.startswith("resource.labels.")}
    lines = [f"resource.{f.split('.', 1)[1]}={_quote(v)}" for f, v in clauses if f.startswith("resource.")]
    lines.append(f"timestamp>={_quote(format_time(start))} AND timestamp<{_quote(format_time(end))}")
    store = _store(server)
    counts: dict[tuple[str, str], int] = {}
    for index in store.matches("\n".join(lines), (request.params["project"],), False):
        entry = store.entry(index)
        log = unquote(str(entry.get("logName") or "").split("/logs/", 1)[-1])
        key = (log, str(entry.get("severity") or "DEFAULT"))
        counts[key] = counts.get(key, 0) + 1
    resource_type = dict(clauses).get("resource.type", "")
    interval = {"startTime": format_time(start), "endTime": format_time(end)}
    series = [{"metric": {"type": METRIC, "labels": {"log": log, "severity": severity}},
               "resource": {"type": resource_type, "labels": resource}, "metricKind": "DELTA", "valueType": "INT64",
               "points": [{"interval": interval, "value": {"int64Value": str(n)}}]}
              for (log, severity), n in sorted(counts.items())
              if all({"log": log, "severity": severity}.get(k) == v for k, v in wanted_metric.items())]
    return Response(200, {"timeSeries": series} if series else {})


def register(server: ReplayServer) -> None:
    for route in server.routes:
        if route.name == MONITORING_ROUTE:
            inner = route.handler

            def handler(srv: ReplayServer, request: Request, inner: Any = inner) -> Response:
                return count_series(srv, request) or inner(srv, request)

            route.handler = handler
    base = r"/v2/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/buckets"
    server.route(BUCKETS_ROUTE, "GET", base, list_buckets)
    server.route(LINKS_ROUTE, "GET", base + r"/(?P<bucket>[^/]+)/links", list_links)

