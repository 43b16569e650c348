"""How close the fleet came to its instance cap: one `instance_scale` evidence item.

Why: "no available instance" (429/500) and "requests are slow" read differently depending on whether
the service could still add instances. At `max_instances` the cap is the limit (no-available-instance,
and a per-instance resource such as a database pool becomes the fleet's whole budget); far below it,
the autoscaler could have started instances and did not, so each instance was saturated by the requests
it already held (concurrency-overload). The Cloud Monitoring `container/instance_count` series measures
this; the live `max_instances` setting gives the cap. Rules read the attributes:

    peak, max_instances, at_cap (peak >= cap), cap_share (peak / cap), minutes_at_cap
"""

from __future__ import annotations

from typing import Any

from tools.analysis.evidence.items import LIVE_SOURCES, make_item, render_signal, setting_number


def _per_minute(points: list[dict[str, Any]]) -> dict[str, tuple[float, str]]:
    """Active instances per minute (idle ones do not serve), with the raw_ref of that minute."""
    states = {(p.get("labels") or {}).get("state") for p in points}
    wanted = [p for p in points if (p.get("labels") or {}).get("state") == "active"] if "active" in states else points
    minutes: dict[str, tuple[float, str]] = {}
    for point in wanted:
        value = point.get("value")
        if not isinstance(value, int | float | str) or not point.get("time"):
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        total, ref = minutes.get(point["time"], (0.0, point.get("raw_ref") or ""))
        minutes[point["time"]] = (total + number, ref)
    return minutes


def _max_instances(settings: list[dict[str, Any]]) -> float | None:
    values = [setting_number("max_instances", s.get("value")) for s in settings
              if s.get("setting") == "max_instances" and s.get("source") in LIVE_SOURCES]
    values = [v for v in values if v]
    return max(values) if values else None


def scale_items(metrics: dict[str, Any] | None, settings: list[dict[str, Any]],
                target_name: str | None) -> list[dict[str, Any]]:
    """The peak of active instances against the live instance cap; none without both."""
    points = ((metrics or {}).get("series") or {}).get("instance_count") or []
    minutes = _per_minute(points)
    cap = _max_instances(settings)
    if not minutes or not cap:
        return []
    when = max(sorted(minutes), key=lambda t: minutes[t][0])
    peak, ref = minutes[when]
    at_cap = sum(1 for total, _ in minutes.values() if total >= cap)
    attrs = {"peak": int(peak), "max_instances": int(cap), "at_cap": peak >= cap,
             "cap_share": round(peak / cap, 3), "minutes_at_cap": at_cap}
    key = "scale.at_cap" if peak >= cap else "scale.below_cap"
    values = {"peak": int(peak), "cap": int(cap), "time": when, "minutes": at_cap}
    return [make_item("metric:instance_scale", "instance_scale", "cloud_monitoring", ref or f"instance_count@{when}",
                      when, static=False, attrs=attrs, confidence="high", strength=1.0,
                      signal=render_signal([key], values), service=target_name)]
