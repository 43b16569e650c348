"""Manifest tools that belong to no single stage.

`list_tools` is the manifest as an assistant sees it. `request_timeline` joins
two stages (it fetches Cloud Logging entries and reads them with the analysis
timeline), which no stage may do on its own, so it lives here at the top.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tools.registry import load_tools


# tool
def list_tools() -> dict[str, Any]:
    """What each tool is for, so an assistant can pick without reading skill.yaml."""
    return {
        "tools": [
            {
                "name": t.name,
                "command": f"crobs {t.command}",
                "read_only": t.read_only,
                "description": t.description,
            }
            for t in load_tools()
        ]
    }


def format_tools(result: dict[str, Any]) -> str:
    lines = []
    for tool in result["tools"]:
        mode = "read-only" if tool["read_only"] else "WRITES"
        lines.append(f"{tool['command']:<40} {mode:<9} {tool['description'].split('. ')[0]}")
    return "\n".join(lines)


_KINDS = ["requests", "system", "stdout", "stderr"]
_FETCH_LIMIT = 5000


# tool
def request_timeline(project_id: str, service: str, at: str | None = None, insert_id: str | None = None,
                     instance_id: str | None = None, region: str | None = None, start: str | None = None,
                     end: str | None = None, lookback: str = "15m", around: str = "5m",
                     replay: str | None = None) -> dict[str, Any]:
    """The requests open on an instance at a moment (or at a log line, by insertId) and its lifecycle around it."""
    from tools.collect import replay_env

    with replay_env(replay):
        return _request_timeline(project_id, service, at, insert_id, instance_id, region, start, end, lookback,
                                 around)


def _request_timeline(project_id: str, service: str, at: str | None, insert_id: str | None,
                      instance_id: str | None, region: str | None, start: str | None, end: str | None,
                      lookback: str, around: str) -> dict[str, Any]:
    from tools.analysis.evidence.request_timeline import open_requests_at
    from tools.errors import UsageError
    from tools.sources.logging.cloud_logging import LogFetch
    from tools.sources.logging.query import build_filter, quote_value
    from tools.timewindow import format_time, parse_duration, parse_time, parse_window

    if not at and not insert_id:
        raise UsageError("give --at TIME or --insert-id ID (a log line's insertId)")
    back, side = parse_duration(lookback), parse_duration(around)
    moment = parse_time(at, "at") if at else None
    gaps: list[dict[str, Any]] = []
    anchor = None
    calls = 0
    if insert_id:
        if start and end:
            low, high = parse_window(start, end)
        elif moment is not None:
            low, high = moment - timedelta(hours=1), moment + timedelta(hours=1)
        else:
            raise UsageError("--insert-id needs --at (about when the line was written) or --start and --end")
        text = build_filter(project_id, "service", service, low, high, region) + f"\ninsertId={quote_value(insert_id)}"
        lookup = LogFetch(project_id, text, 5, subject=f"log line {insert_id}")
        found = list(lookup.records())
        calls += lookup.calls
        gaps += lookup.data_gaps
        if not found:
            gaps.append({"source": "cloud_logging", "missing_signal": f"log line {insert_id}",
                         "why_missing": f"no entry of service {service} with that insertId between "
                                        f"{format_time(low)} and {format_time(high)}",
                         "follow_up": "give the window the line is in (--start/--end), or --at its time"})
            return {"at": at or format_time(low), "instance_id": instance_id, "service": service, "anchor": None,
                    "open_requests": [],
                    "lifecycle": [], "instances": [], "calls": calls, "truncated": False, "data_gaps": gaps}
        anchor = found[0]
        moment = parse_time(anchor["timestamp"], "the line's timestamp")
        instance_id = instance_id or anchor.get("instance_id")
    assert moment is not None
    low, high = moment - back, moment + side
    text = build_filter(project_id, "service", service, low, high, region, log_kinds_wanted=_KINDS)
    if instance_id:
        text += f"\nlabels.instanceId={quote_value(instance_id)}"
    fetch = LogFetch(project_id, text, _FETCH_LIMIT, subject=f"Cloud Run logs for service {service} around {at}")
    records = list(fetch.records())
    gaps += fetch.data_gaps
    if fetch.truncated:
        gaps.append({"source": "cloud_logging", "missing_signal": "entries after the limit",
                     "why_missing": f"more than {_FETCH_LIMIT} entries between {format_time(low)} and "
                                    f"{format_time(high)}: later lifecycle lines may be missing",
                     "follow_up": "narrow with --instance-id, a shorter --lookback or --around"})
    result = open_requests_at(records, moment, instance_id, side, service)
    anchor_row = None if anchor is None else {k: anchor.get(k) for k in (
        "timestamp", "severity", "log_kind", "instance_id", "message", "insert_id", "raw_ref")}
    return {**result, "instance_id": instance_id, "service": service, "anchor": anchor_row,
            "window": {"start": format_time(low), "end": format_time(high)},
            "note": f"requests that started more than {lookback} before {result['at']} are not seen: "
                    "raise --lookback for longer requests (a request may run up to the service timeout)",
            "filter": text, "calls": calls + fetch.calls, "truncated": fetch.truncated, "data_gaps": gaps}


def format_request_timeline(result: dict[str, Any]) -> str:
    """Open requests, then the instances and their lifecycle lines, for a terminal."""
    lines = [f"at {result['at']}" + (f" on instance {result['instance_id'][:16]}" if result.get("instance_id") else "")
             + (f" (line {result['anchor']['raw_ref']})" if result.get("anchor") else "")]
    lines.append(f"{len(result['open_requests'])} open request(s):")
    lines += [f"  {r['start'][:23]} +{r['latency_ms']:.0f}ms {r['status']} {r['route']:<28} "
              f"{(r['instance_id'] or '')[:12]} {r['raw_ref']}" for r in result["open_requests"]]
    lines.append("instances:")
    lines += [f"  {i['instance_id'][:16]} {i.get('revision') or ''} {i['state_at']}" for i in result["instances"]]
    lines.append("lifecycle:")
    lines += [f"  {e['timestamp'][:23]} {e['event']:<13} {(e['instance_id'] or '')[:12]} {e['message'][:90]}"
              for e in result["lifecycle"]]
    lines += [f"data gap: {g['missing_signal']}: {g['why_missing']}" for g in result.get("data_gaps", [])]
    return "\n".join(lines)
