"""Cloud Monitoring `GET /v3/projects/{p}/timeSeries` over a case's monitoring/timeseries.jsonl.

The query string is the REST shape of ListTimeSeriesRequest: `filter`,
`interval.startTime`, `interval.endTime`, `aggregation.*`, `view`,
`pageSize`, `pageToken`. The filter's equality clauses joined by AND are
honoured (`metric.type`, `resource.type`, `resource.labels.K` /
`resource.label.K`, `metric.labels.K` / `metric.label.K`); points are kept
when their interval end lies in [startTime, endTime]. Aggregation is not
emulated: recorded series come back as recorded, and fetch_metrics merges
series itself, so it reads the same from a real (already reduced) response.

Route name (for `server.inject`): monitoring.timeseries.list.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.replay.server import ReplayServer, Request, Response, google_error
from tools.timewindow import parse_time

ROUTE = "monitoring.timeseries.list"
DEFAULT_PAGE_SIZE = 100
_CLAUSE = re.compile(
    r'^\s*(?P<field>(metric|resource)\.(type|labels?\.[A-Za-z0-9_]+))\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*$'
)


def parse_filter(text: str) -> list[tuple[str, str]]:
    """`a = "x" AND b = "y"` → [(a, x), (b, y)]; ValueError on anything else."""
    clauses = []
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _CLAUSE.match(part)
        if not match:
            raise ValueError(f"unsupported filter clause: {part.strip()!r}")
        field = match.group("field").replace(".label.", ".labels.")
        clauses.append((field, match.group("value").replace('\\"', '"')))
    return clauses


def _field(series: dict[str, Any], field: str) -> str | None:
    scope, _, rest = field.partition(".")
    block = series.get(scope) or {}
    if rest == "type":
        return block.get("type")
    return (block.get("labels") or {}).get(rest.split(".", 1)[1])


def _load(server: ReplayServer) -> list[dict[str, Any]]:
    with server.lock:
        cached = server.state.get("monitoring")
        if cached is not None:
            return cached
        series: list[dict[str, Any]] = []
        path = server.case_dir / "monitoring" / "timeseries.jsonl" if server.case_dir else None
        if path and path.is_file():
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if isinstance(item, dict):
                        series.append(item)
        server.state["monitoring"] = series
        return series


def list_time_series(server: ReplayServer, request: Request) -> Response:
    filter_text = request.arg("filter") or ""
    if not filter_text:
        return google_error(400, "Field filter had an invalid value: a filter is required.")
    try:
        clauses = parse_filter(filter_text)
    except ValueError as exc:
        return google_error(400, f"Field filter had an invalid value of \"{filter_text}\": {exc}")
    if not any(field == "metric.type" for field, _ in clauses):
        return google_error(400, "Field filter had an invalid value: it must specify a metric type.")
    end_text, start_text = request.arg("interval.endTime"), request.arg("interval.startTime")
    if not end_text:
        return google_error(400, "Field interval.endTime had an invalid value: it is required.")
    try:
        end = parse_time(end_text)
        start = parse_time(start_text) if start_text else end
    except Exception:  # noqa: BLE001 - any unreadable time is the caller's 400
        return google_error(400, f"Field interval had an invalid value: {start_text!r}..{end_text!r}")
    if start > end:
        return google_error(400, "Field interval.startTime must not be later than interval.endTime.")
    matched = []
    for series in _load(server):
        if any(_field(series, field) != value for field, value in clauses):
            continue
        points = []
        for point in series.get("points") or []:
            try:
                when = parse_time(((point.get("interval") or {}).get("endTime")) or "")
            except Exception:  # noqa: BLE001 - a malformed recorded point is skipped
                continue
            if start <= when <= end:
                points.append((when, point))
        if points:
            points.sort(key=lambda item: item[0], reverse=True)  # the API returns newest first
            matched.append({**series, "points": [p for _, p in points]})
    try:
        size = int(request.arg("pageSize") or DEFAULT_PAGE_SIZE)
        offset = int(request.arg("pageToken") or 0)
    except ValueError:
        return google_error(400, "Invalid page token or page size.")
    size = size if size > 0 else DEFAULT_PAGE_SIZE
    page = matched[offset : offset + size]
    body: dict[str, Any] = {"timeSeries": page} if page else {}
    if offset + size < len(matched):
        body["nextPageToken"] = str(offset + size)
    return Response(200, body)


def register(server: ReplayServer) -> None:
    server.route(ROUTE, "GET", r"/v3/projects/(?P<project>[^/]+)/timeSeries", list_time_series)
