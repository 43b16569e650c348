"""Revisions in order, what changed between consecutive ones, and which served traffic when.

"It broke after the deploy" becomes checkable: the timeline lines up each
revision's settings diff (image, env names, memory, concurrency, ...) with
the period it served requests. Serving periods come from the best evidence
available, and each says its basis:

- `cloud_monitoring`: minutes with requests in request_count by revision
  (one call, whatever the traffic);
- `request_logs`: first and last request seen on the revision (exact; two
  one-entry probes per recent revision, used when there are no metrics);
- `service_traffic`: the service's current traffic split (now only);
- `latest_ready`: traffic follows the latest ready revision, so each ready
  revision served from its Ready time until the next one's (inferred).

`build_timeline` is pure; `revision_timeline` fetches and calls it.
"""

from __future__ import annotations

from typing import Any

from tools.records import DataGap
from tools.sources.run.config import conditions, is_ready, rfc3339, settings, settings_map, short_name
from tools.timewindow import format_time, parse_time, parse_window

MAX_REVISIONS_PROBED = 6  # request-log probes cost two entries:list calls per revision


def ready_time(revision: dict[str, Any], events: list[dict[str, Any]] | None = None) -> str | None:
    """When the revision turned Ready: a System Event if known, else its Ready condition, else None."""
    name = short_name(revision.get("name"))
    for event in events or []:
        if event.get("kind") == "ready" and event.get("revision") == name:
            return event.get("timestamp")
    for cond in conditions(revision):
        if cond["type"] == "Ready" and cond["state"] == "CONDITION_SUCCEEDED":
            return _norm(cond.get("last_transition_time"))
    return None


def _norm(value: str | None) -> str | None:
    return rfc3339(value)


def diff_settings(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per canonical setting (matched on container path), the values that differ."""

    def keyed(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(s["setting"], s["raw_ref"].split("#", 1)[1]): s for s in items}

    old, new = keyed(before), keyed(after)
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        va = a.get("value") if a else None
        vb = b.get("value") if b else None
        if va == vb:
            continue
        changes.append(
            {
                "setting": key[0],
                "field": key[1],
                "before": va,
                "after": vb,
                "raw_ref": (b or a or {}).get("raw_ref"),
                **_list_delta(va, vb),
            }
        )
    return changes


def _list_delta(before: Any, after: Any) -> dict[str, Any]:
    """For env names and secret refs: what was added and removed, easier to read than two lists."""
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)):
        old, new = before or [], after or []
        return {"added": [x for x in new if x not in old], "removed": [x for x in old if x not in new]}
    return {}


def _traffic_now(service: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not service:
        return []
    latest = short_name(service.get("latestReadyRevision"))
    split = []
    for item in service.get("trafficStatuses") or service.get("traffic") or []:
        kind = item.get("type")
        is_latest = kind in (1, "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST") or not item.get("revision")
        revision = latest if is_latest else short_name(item.get("revision"))
        if item.get("percent", 0):
            split.append({"revision": revision, "percent": item.get("percent", 0), "latest": is_latest,
                          "tag": item.get("tag") or None})
    return split


def build_timeline(
    revisions: list[dict[str, Any]],
    service: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    request_usage: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Revision JSON (any order) + optional service JSON, deploy events and per-revision request usage.

    request_usage: {revision short name: {first_seen, last_seen}} from request logs.
    """
    ordered = sorted(revisions, key=lambda r: r.get("createTime") or "")
    rows = []
    previous: dict[str, Any] | None = None
    for revision in ordered:
        items = settings(revision, "revision")
        row = {
            "revision": short_name(revision.get("name")),
            "create_time": _norm(revision.get("createTime")),
            "creator": revision.get("creator"),
            "ready": is_ready(revision),
            "ready_time": ready_time(revision, events),
            "settings": settings_map(items),  # the ingress container's values
            "changes": diff_settings(previous["items"], items) if previous else [],
            "changed_from": previous["row"]["revision"] if previous else None,
        }
        rows.append(row)
        previous = {"row": row, "items": items}
    traffic_now = _traffic_now(service)
    periods: list[dict[str, Any]] = []
    if request_usage:
        for name, usage in sorted(request_usage.items(), key=lambda kv: kv[1].get("first_seen") or ""):
            period = {"revision": name, "start": usage.get("first_seen"), "end": usage.get("last_seen"),
                      "basis": usage.get("basis", "request_logs")}
            if "requests" in usage:
                period["requests"] = usage["requests"]
            periods.append(period)
    elif traffic_now and all(t["latest"] for t in traffic_now):
        ready_rows = [r for r in rows if r["ready_time"] and r["ready"] is not False]
        ready_rows.sort(key=lambda r: r["ready_time"])
        for index, row in enumerate(ready_rows):
            end = ready_rows[index + 1]["ready_time"] if index + 1 < len(ready_rows) else None
            periods.append({"revision": row["revision"], "start": row["ready_time"], "end": end,
                            "basis": "latest_ready"})
    for split in traffic_now:
        if not split["latest"]:
            periods.append({"revision": split["revision"], "start": _norm(service.get("updateTime")) if service
                            else None, "end": None, "percent": split["percent"], "basis": "service_traffic"})
    changes = [
        {"from": r["changed_from"], "to": r["revision"], "at": r["create_time"], "changes": r["changes"]}
        for r in rows
        if r["changed_from"]
    ]
    return {
        "service": short_name(service.get("name")) if service else None,
        "revisions": rows,
        "changes": changes,
        "traffic_now": traffic_now,
        "serving_periods": periods,
    }


def _request_usage(project_id: str, region: str, service: str, revisions: list[str], start: Any,
                   end: Any) -> tuple[dict[str, dict[str, Any]], list[DataGap]]:
    """First/last request per revision in the window: two one-entry queries per revision."""
    from tools.sources.deploy_events import _quote
    from tools.sources.logging.cloud_logging import LogFetch

    usage: dict[str, dict[str, Any]] = {}
    base = (
        'resource.type="cloud_run_revision" AND '
        f"logName={_quote(f'projects/{project_id}/logs/run.googleapis.com%2Frequests')} AND "
        f"resource.labels.service_name={_quote(service)} AND resource.labels.location={_quote(region)} AND "
        f"timestamp>={_quote(format_time(start))} AND timestamp<{_quote(format_time(end))}"
    )
    try:
        for revision in revisions:
            seen = {}
            for order, key in (("timestamp asc", "first_seen"), ("timestamp desc", "last_seen")):
                filter_text = f"{base} AND resource.labels.revision_name={_quote(revision)}"
                fetch = LogFetch(project_id, filter_text, 1, order_by=order, subject="request logs")
                for page in fetch.pages():
                    seen[key] = format_time(parse_time(page[0]["timestamp"]))
                if fetch.data_gaps:
                    return {}, [dict(fetch.data_gaps[0], missing_signal="which revision served requests when "
                                     "(request logs)")]
            if seen:
                usage[revision] = seen
    except Exception as exc:
        from tools.sources.deploy_events import _gap

        command = (
            f"crobs fetch-logs --project-id {project_id} --region {region} --target-type service "
            f"--target-name {service} --log-kinds requests --start {format_time(start)} --end {format_time(end)} --json"
        )
        gap = _gap(exc, project_id, command)
        if gap is None:
            raise
        gap["source"] = "cloud_logging"
        gap["missing_signal"] = "which revision served requests when (request logs)"
        return {}, [gap]
    return usage, []


def _metric_usage(project_id: str, region: str, service: str, start: Any, end: Any) -> dict[str, dict[str, Any]]:
    """Serving periods from request_count by revision (one call); empty when unavailable, so logs are probed."""
    from tools.sources.monitoring import MonitoringError, revision_usage

    try:
        return revision_usage(project_id, region, service, start, end)
    except MonitoringError:
        return {}


# tool
def revision_timeline(
    project_id: str,
    region: str,
    service: str,
    start: str | None = None,
    end: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """The service's revisions in order with settings diffs and serving periods."""
    from google.api_core import exceptions

    from tools.sources.run import cloud_run as cloud_run

    parent = f"{cloud_run.location_name(project_id, region)}/services/{service}"
    cloud_run._check_name("service", service)
    gaps: list[DataGap] = []
    retry_command = f"crobs revision-timeline --project-id {project_id} --region {region} --service {service} --json"
    try:
        service_json = cloud_run.to_json(cloud_run.call(cloud_run.run_client("services").get_service, name=parent))
        revisions = []
        pager = cloud_run.call(cloud_run.run_client("revisions").list_revisions,
                               request={"parent": parent, "page_size": min(max(limit, 1), 100)})
        for item in pager:
            revisions.append(cloud_run.to_json(item))
            if len(revisions) >= limit:
                break
    except exceptions.NotFound as exc:
        raise cloud_run.not_found_error("service", service, project_id, region) from exc
    except Exception as exc:
        gap = cloud_run.access_gap(exc, "revision", project_id, region, retry_command)
        if gap is None:
            raise
        return {**build_timeline([]), "data_gaps": [gap]}
    usage: dict[str, dict[str, Any]] = {}
    if start:
        window_start, window_end = parse_window(start, end)
        usage = _metric_usage(project_id, region, service, window_start, window_end)
        created = sorted(
            (r for r in revisions if r.get("createTime") and parse_time(r["createTime"]) < window_end
             and is_ready(r) is not False),
            key=lambda r: r.get("createTime") or "",
        )[-MAX_REVISIONS_PROBED:]
        if not usage:
            usage, gaps = _request_usage(project_id, region, service, [short_name(r["name"]) for r in created],
                                         window_start, window_end)
    result = build_timeline(revisions, service_json, None, usage)
    result["data_gaps"] = gaps
    return result
