"""Per-instance timelines joined on `instanceId`, and the symptoms only a timeline shows.

Request logs, stdout/stderr and Cloud Run's system lines all carry
`labels.instanceId`. Joined, they give each instance a life: its start (and
reason), probe results, the first line where the application says it serves,
the requests it served (start = entry timestamp, end = start + latency), and
its shutdown or kill. Three failure shapes are invisible in per-entry counts
and obvious on that timeline:

- `starting_requests`: requests that failed or were slow on an instance that
  had not finished starting (a cold start, or a TCP probe that passed on a
  bound socket while the application was still loading);
- `outside_request`: lines an instance writes while no request is in flight
  on it, after start-up: work that outlives the request or runs on a timer.
  Where the same line reports a duration far longer between requests than
  while CPU is allocated, the work is CPU-starved (`starved` count);
- `stuck_instances`: instances that served requests, then, from their first
  request timeout on, failed every later request: the process wedged;
- `vanished_with_work`: an instance that accepted work (202), kept writing
  lines after its last request ended, then fell silent for good with no
  shutdown or termination line: stopped while the work was still running;
- `rollout_cut`: responses cut short (truncated body, malformed response)
  on an older revision's instances after a newer revision started serving:
  a shutdown that did not wait for in-flight requests.

Patterns and thresholds live in tools/data/instance_timeline.yaml.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import yaml

from tools.analysis.digest.lifecycle import lifecycle_event
from tools.paths import DATA
from tools.timewindow import parse_time

_WARN = {"WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s?(ms|µs|us|s|sec|seconds|m|min)\b")
_UNIT_SECONDS = {"ms": 0.001, "µs": 1e-6, "us": 1e-6, "s": 1.0, "sec": 1.0, "seconds": 1.0, "m": 60.0, "min": 60.0}
_DIGITS = re.compile(r"\d+")


@cache
def knowledge() -> dict[str, Any]:
    data = yaml.safe_load((DATA / "instance_timeline.yaml").read_text(encoding="utf-8")) or {}
    data["_ready"] = [re.compile(p) for p in data.get("ready") or []]
    data["_bind"] = [re.compile(p) for p in data.get("bind_only") or []]
    data["_cut"] = [re.compile(re.escape(p)) for p in data.get("cut_response") or []]
    return data


def _time(value: str | None) -> datetime | None:
    try:
        return parse_time(value) if value else None
    except Exception:  # noqa: BLE001 - a malformed timestamp leaves the entry off the timeline
        return None


def _is_ready_line(text: str) -> bool:
    k = knowledge()
    return not any(rx.search(text) for rx in k["_bind"]) and any(rx.search(text) for rx in k["_ready"])


def build_timelines(records: list[dict[str, Any]], target_name: str | None = None) -> dict[str, dict[str, Any]]:
    """{instance id: timeline} for the target's entries that name an instance."""
    k = knowledge()
    passed, failed = re.compile(k["probe_passed"]), re.compile(k["probe_failed"])
    lines: dict[str, dict[str, Any]] = {}
    for record in sorted(records, key=lambda r: r.get("timestamp") or ""):
        instance = record.get("instance_id")
        when = _time(record.get("timestamp"))
        service = (record.get("resource") or {}).get("service_name")
        if not instance or when is None or (target_name and service not in (None, target_name)):
            continue
        tl = lines.setdefault(instance, {"instance": instance, "revision": None, "start": None, "start_reason": None,
                                         "ready": None, "probe_passed": None, "probe_failed": 0, "end": None,
                                         "end_kind": None, "requests": [], "logs": [], "first_seen": when})
        tl["revision"] = tl["revision"] or (record.get("resource") or {}).get("revision_name")
        text, ref = str(record.get("message") or ""), record.get("raw_ref") or ""
        http = record.get("http")
        if http and http.get("status") is not None:
            latency = float(http.get("latency_ms") or 0.0)
            route = f"{http.get('method') or ''} {_DIGITS.sub('#', str(http.get('path') or ''))}"
            began = when - timedelta(milliseconds=latency) if k.get("request_timestamp") == "end" else when
            tl["requests"].append({"start": began, "end": began + timedelta(milliseconds=latency), "route": route,
                                   "status": int(http["status"]), "latency_ms": latency, "ref": ref, "text": text})
            continue
        event = lifecycle_event(text)
        if event and event[0] == "start":
            tl["start"], tl["start_reason"] = tl["start"] or when, event[1]
        elif event:
            tl["end"], tl["end_kind"] = tl["end"] or when, event[1]
        elif passed.search(text):
            tl["probe_passed"] = tl["probe_passed"] or when
        elif failed.search(text):
            tl["probe_failed"] += 1
        elif record.get("log_kind") in ("stdout", "stderr", "app", None) or "std" in str(record.get("log_name")):
            if tl["ready"] is None and _is_ready_line(text):
                tl["ready"] = when
            tl["logs"].append({"at": when, "severity": str(record.get("severity") or ""), "ref": ref, "text": text})
    return lines


def _startup_end(tl: dict[str, Any]) -> datetime | None:
    """When the instance finished starting: its ready line, else the start (or first entry) plus a grace."""
    if tl["ready"] is not None:
        return tl["ready"]
    grace = timedelta(seconds=knowledge()["startup_grace_seconds"])
    return (tl["start"] or tl["first_seen"]) + grace


def starting_requests(tl: dict[str, Any]) -> list[dict[str, Any]]:
    """Requests that arrived before the instance was ready and then failed (5xx) or ran slow."""
    slow_ms = knowledge()["slow_request_seconds"] * 1000
    return [r for r in _while_starting(tl) if r["status"] >= 500 or r["latency_ms"] >= slow_ms]


def _while_starting(tl: dict[str, Any]) -> list[dict[str, Any]]:
    """Requests that reached the instance before it was ready (the one that triggered a cold start
    is logged before the "Starting new instance" line, so the instance's first entry opens the phase)."""
    if tl["start"] is None and tl["ready"] is None:
        return []
    ready = _startup_end(tl)
    return [r for r in tl["requests"] if tl["first_seen"] <= r["start"] < ready]


def slow_by_phase(timelines: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Slow requests split by whether their instance was still starting; None when none was slow.

    When nearly every slow request ran on a warm instance, start-up does not explain the latency.
    """
    threshold = knowledge()["phase_slow_seconds"] * 1000
    starting: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    for tl in timelines.values():
        if tl["start"] is None and tl["ready"] is None:
            continue  # an instance whose start is outside the window: its phase is unknown
        early = {r["ref"] for r in _while_starting(tl)}
        for r in tl["requests"]:
            if r["latency_ms"] >= threshold:
                (starting if r["ref"] in early else warm).append(r)
    if not starting and not warm:
        return None
    return {"kind": "slow_by_phase", "count": len(starting) + len(warm), "starting": len(starting),
            "warm": len(warm), "warm_share": round(len(warm) / (len(starting) + len(warm)), 3),
            "instances": len({tl["instance"] for tl in timelines.values() if tl["requests"]}),
            "revisions": [], "examples": sorted(warm or starting, key=lambda r: -r["latency_ms"])}


def _in_request(at: datetime, spans: list[tuple[datetime, datetime]], slack: timedelta) -> bool:
    return any(start - slack <= at <= end + slack for start, end in spans)


def outside_request(tl: dict[str, Any]) -> list[dict[str, Any]]:
    """Application lines written after start-up while no request was in flight on the instance."""
    if not tl["requests"]:
        return []  # an instance with no request log (a worker, a job) has no "between requests"
    slack = timedelta(seconds=knowledge()["request_slack_seconds"])
    spans = [(r["start"], r["end"]) for r in tl["requests"]]
    ready = _startup_end(tl) if (tl["start"] or tl["ready"]) else None
    return [line for line in tl["logs"] if (ready is None or line["at"] > ready)
            and not _in_request(line["at"], spans, slack)]


def _seconds(text: str) -> float | None:
    m = _DURATION.search(text)
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)] if m else None


def _template(text: str) -> str:
    return _DIGITS.sub("#", _DURATION.sub("<d>", text))


def starved(tl: dict[str, Any], outside: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outside-request lines reporting a duration `starved_ratio` times the same line's time with CPU allocated."""
    outside_refs = {line["ref"] for line in outside}
    allocated: dict[str, float] = {}
    for line in tl["logs"]:
        took = _seconds(line["text"])
        if line["ref"] in outside_refs or took is None:
            continue
        key = _template(line["text"])
        allocated[key] = min(allocated.get(key, took), took)
    ratio = knowledge()["starved_ratio"]
    out = []
    for line in outside:
        took, base = _seconds(line["text"]), allocated.get(_template(line["text"]))
        if took is not None and base is not None and took >= ratio * max(base, 0.001):
            out.append(line)
    return out


def stuck(tl: dict[str, Any]) -> list[dict[str, Any]]:
    """From the instance's first 504 on, every request failed (at least three), after at least one success."""
    ordered = sorted(tl["requests"], key=lambda r: r["start"])
    first = next((i for i, r in enumerate(ordered) if r["status"] == 504), None)
    if first is None or first == 0 or not any(r["status"] < 500 for r in ordered[:first]):
        return []
    rest = ordered[first:]
    return rest if len(rest) >= 3 and all(r["status"] >= 500 for r in rest) else []


def vanished_with_work(tl: dict[str, Any], window_last: datetime) -> list[dict[str, Any]]:
    """The accepted (202) requests of an instance that went silent mid-work without a termination line."""
    accepted = [r for r in tl["requests"] if r["status"] == 202]
    if not accepted or tl["end"] is not None:
        return []
    last_request = max(r["end"] for r in tl["requests"])
    after = [line for line in tl["logs"] if line["at"] > last_request]
    last = max([last_request] + [line["at"] for line in tl["logs"]])
    silent = window_last - last >= timedelta(minutes=knowledge()["vanished_minutes"])
    return accepted if len(after) >= 3 and silent else []


def rollout_cut(timelines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut responses on an instance of an older revision after a newer revision's first entry."""
    k = knowledge()
    first_of: dict[str, datetime] = {}
    for tl in timelines.values():
        if tl["revision"]:
            seen = min([tl["first_seen"], *(r["start"] for r in tl["requests"])])
            first_of[tl["revision"]] = min(first_of.get(tl["revision"], seen), seen)
    window = timedelta(minutes=k["rollout_minutes"])
    cut = []
    for tl in timelines.values():
        newer = [t for rev, t in first_of.items() if tl["revision"] and rev > tl["revision"]]
        if not newer:
            continue
        rollout = min(newer)
        cut.extend(r for r in tl["requests"] if rollout <= r["end"] <= rollout + window
                   and any(rx.search(r["text"]) for rx in k["_cut"]))
    return cut


def symptoms(records: list[dict[str, Any]], target_name: str | None = None) -> list[dict[str, Any]]:
    """Timeline symptoms with counts, instances and example entries; [] when no entry names an instance."""
    timelines = build_timelines(records, target_name)
    found: dict[str, dict[str, Any]] = {}

    def add(kind: str, tl: dict[str, Any] | None, rows: list[dict[str, Any]], **extra: Any) -> None:
        if not rows:
            return
        row = found.setdefault(kind, {"kind": kind, "count": 0, "instances": set(), "revisions": set(),
                                      "examples": [], **{key: 0 for key in extra}})
        row["count"] += len(rows)
        for key, value in extra.items():
            row[key] += value
        for r in rows:
            row["examples"].append(r)
        if tl is not None:
            row["instances"].add(tl["instance"])
            if tl["revision"]:
                row["revisions"].add(tl["revision"])

    window_last = max((max([tl["first_seen"], *(x["at"] for x in tl["logs"]), *(r["end"] for r in tl["requests"])])
                       for tl in timelines.values()), default=None)
    for tl in timelines.values():
        if window_last is not None:
            add("vanished_with_work", tl, vanished_with_work(tl, window_last))
        early = starting_requests(tl)
        probe_early = bool(tl["probe_passed"] and tl["ready"]
                           and tl["ready"] - tl["probe_passed"] > timedelta(seconds=5))
        add("starting_requests", tl, early, failed=sum(r["status"] >= 500 for r in early),
            probe_before_ready=int(probe_early) if early else 0)
        add("stuck_instances", tl, stuck(tl))
        outside = outside_request(tl)
        slow = starved(tl, outside)
        for line in slow:
            line["starved"] = True
        add("outside_request", tl, outside, warnings=sum(line["severity"] in _WARN for line in outside),
            starved=len(slow))
    cuts = rollout_cut(timelines)
    add("rollout_cut", None, cuts)
    if "starting_requests" in found:  # how much of the failure the start-up explains
        total = sum(r["status"] >= 500 for tl in timelines.values() for r in tl["requests"])
        row = found["starting_requests"]
        row["failed_share"] = round(row["failed"] / total, 3) if total else 0.0
    for row in found.values():
        if row["kind"] == "rollout_cut":
            refs = {r["ref"] for r in cuts}
            for tl in timelines.values():
                if any(r["ref"] in refs for r in tl["requests"]):
                    row["instances"].add(tl["instance"])
                    row["revisions"].add(tl["revision"])
    if "starting_requests" in found:  # clearest first: a normally fast route that failed while starting
        usual = _warm_medians(timelines)
        for r in found["starting_requests"]["examples"]:
            r["usual_ms"] = usual.get(r["route"], float("inf"))
    phases = slow_by_phase(timelines)
    if phases is not None:
        found["slow_by_phase"] = phases
    return [_finish(row, timelines) for row in found.values()]


def _warm_medians(timelines: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Median latency per route (method and path, digits folded) on instances already serving."""
    by_route: dict[str, list[float]] = {}
    for tl in timelines.values():
        early = {r["ref"] for r in _while_starting(tl)}
        for r in tl["requests"]:
            if r["ref"] not in early and r["status"] < 500:
                by_route.setdefault(r["route"], []).append(r["latency_ms"])
    return {route: sorted(values)[len(values) // 2] for route, values in by_route.items()}


def _example_key(row: dict[str, Any]) -> Any:
    """Failures first (on a normally fast route first), then starved lines, then warnings, then time order."""
    def key(entry: dict[str, Any]) -> tuple[Any, ...]:
        failed = entry.get("status", 0) >= 500
        warned = entry.get("severity") in _WARN
        stamp = entry.get("start") or entry.get("at")
        return (not failed, entry.get("usual_ms", 0.0), not entry.get("starved"), not warned, stamp)
    return key


def _finish(row: dict[str, Any], timelines: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    from tools.analysis.evidence.timeline_examples import telling

    examples = row["examples"] if row["kind"] == "slow_by_phase" else sorted(row["examples"], key=_example_key(row))
    row["telling"] = telling(row, timelines or {}, knowledge()["request_slack_seconds"], examples)
    first = min((e.get("start") or e.get("at")) for e in row["examples"])
    instances = row["instances"] if isinstance(row["instances"], int) else len(row["instances"])
    row.update(instances=instances, revisions=sorted(r for r in row["revisions"] if r),
               examples=[e["ref"] for e in examples[:3]], first_seen=first.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    return row


def timeline_items(records: list[dict[str, Any]], target_name: str | None = None) -> list[dict[str, Any]]:
    """One `instance_timeline` evidence item per symptom kind, citing its first example entry.

    Attributes for tools/data/rules.yaml: kind, count, instances, failed,
    probe_before_ready, warnings, starved.
    """
    from tools.analysis.evidence.items import make_item, render_signal
    from tools.analysis.evidence.timeline_examples import example_items

    items = []
    for row in symptoms(records, target_name):
        if not row["examples"]:
            continue
        attrs = {key: value for key, value in row.items()
                 if key not in ("examples", "revisions", "first_seen", "telling")}
        attrs["example_refs"] = row["examples"]
        strong = row["count"] >= 3
        items.append(make_item(
            f"timeline:{row['kind']}", "instance_timeline", "cloud_logging", row["examples"][0], row["first_seen"],
            static=False, attrs=attrs, confidence="high" if strong else "medium", strength=1.0 if strong else 0.6,
            signal=render_signal([f"timeline_{row['kind']}"], {**row, "examples": ", ".join(row["examples"])}),
            service=target_name, revisions=row["revisions"],
        ))
        items += example_items(items[-1], row["telling"])  # the symptom's telling entries, each its own row
    return items
