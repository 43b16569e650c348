"""The requests open on an instance at one moment, and the instance's life around it.

Issue 15: matching a log line to the requests in flight on its instance took
hand-written scripts. Built on the per-instance timelines of
tools/analysis/evidence/instance_timeline.py (joined on `labels.instanceId`;
a request spans [entry timestamp, timestamp + latency], or [timestamp - latency,
timestamp] when tools/data/instance_timeline.yaml says the timestamp marks the end), and on its lifecycle wording (start
reasons, probe results, ready lines, exits, signals, memory kills).

Works on normalized records only: the `request_timeline` tool fetches them.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from tools.analysis.digest.lifecycle import lifecycle_event
from tools.analysis.evidence.instance_timeline import _is_ready_line, _time, build_timelines, knowledge


def basis() -> str:
    """How a request's span is read from its log entry (tools/data/instance_timeline.yaml request_timestamp)."""
    if knowledge().get("request_timestamp") == "end":
        span = "from its request-log entry's timestamp minus its latency to that timestamp"
    else:
        span = "from its request-log entry's timestamp to that plus its latency"
    return f"a request is open {span}, on the instance its labels.instanceId names"


def _stamp(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value is not None else None


def lifecycle_events(records: list[dict[str, Any]], instances: set[str] | None, start: datetime,
                     end: datetime) -> list[dict[str, Any]]:
    """Start, probe, ready, shutdown, exit, signal and memory-kill lines in [start, end], in time order."""
    k = knowledge()
    passed, failed = re.compile(k["probe_passed"]), re.compile(k["probe_failed"])
    events = []
    for record in sorted(records, key=lambda r: r.get("timestamp") or ""):
        instance, when = record.get("instance_id"), _time(record.get("timestamp"))
        if when is None or not start <= when <= end or (instances is not None and instance not in instances):
            continue
        if (record.get("http") or {}).get("status") is not None:
            continue
        text = str(record.get("message") or "")
        found = lifecycle_event(text)
        if found:
            event, detail = found
        elif passed.search(text):
            event, detail = "probe_passed", None
        elif failed.search(text):
            event, detail = "probe_failed", None
        elif _is_ready_line(text):
            event, detail = "ready", None
        else:
            continue
        events.append({"timestamp": _stamp(when), "instance_id": instance, "event": event, "detail": detail,
                       "message": text.splitlines()[0][:240] if text else "", "raw_ref": record.get("raw_ref")})
    return events


def _state(tl: dict[str, Any], at: datetime) -> str:
    """What the instance was doing at `at`, as far as the fetched lines tell."""
    if tl["end"] is not None and tl["end"] < at:
        return f"stopped ({tl['end_kind']})"
    if tl["start"] is not None and at < tl["start"]:
        return "not started yet"
    if tl["ready"] is not None:
        return "serving" if tl["ready"] <= at else "starting"
    if tl["start"] is not None:
        return "started (no ready line seen)"
    return "running (its start is before the fetched lines)"


def open_requests_at(records: list[dict[str, Any]], at: datetime, instance_id: str | None = None,
                     around: timedelta = timedelta(minutes=5), service: str | None = None) -> dict[str, Any]:
    """{open_requests, lifecycle, instances} at `at` (on `instance_id` only, when given)."""
    timelines = build_timelines(records, service)
    if instance_id:
        timelines = {i: tl for i, tl in timelines.items() if i == instance_id}
    rows = []
    for tl in timelines.values():
        for r in tl["requests"]:
            if r["start"] <= at <= r["end"]:
                rows.append({"instance_id": tl["instance"], "revision": tl["revision"], "start": _stamp(r["start"]),
                             "end": _stamp(r["end"]), "open_for_ms": round((at - r["start"]).total_seconds() * 1000),
                             "route": r["route"].strip(), "status": r["status"], "latency_ms": r["latency_ms"],
                             "raw_ref": r["ref"]})
    rows.sort(key=lambda row: (row["start"], row["raw_ref"] or ""))
    events = lifecycle_events(records, set(timelines), at - around, at + around)
    busy = {row["instance_id"] for row in rows} | {e["instance_id"] for e in events}
    if instance_id:
        busy.add(instance_id)
    instances = []
    for name in sorted(busy):
        tl = timelines.get(name)
        if tl is None:
            instances.append({"instance_id": name, "state_at": "no entries of this instance in the fetched window"})
            continue
        instances.append({
            "instance_id": name, "revision": tl["revision"], "state_at": _state(tl, at),
            "open_requests": sum(row["instance_id"] == name for row in rows),
            "started": _stamp(tl["start"]), "start_reason": tl["start_reason"], "ready": _stamp(tl["ready"]),
            "ended": _stamp(tl["end"]), "end_kind": tl["end_kind"], "first_seen": _stamp(tl["first_seen"]),
        })
    return {"at": _stamp(at), "basis": basis(), "open_requests": rows, "lifecycle": events,
            "instances": instances}
