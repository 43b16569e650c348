"""Evidence items from runtime sources: signature hits, request logs, metrics, conditions, executions.

These are what users and the platform saw; each keeps the exact log,
metric or resource reference it came from.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from tools.analysis.evidence.items import SEVERITY, make_item, one_line, render_signal, value_text
from tools.analysis.evidence.regression import regression_items
from tools.timewindow import parse_time

BLIP_MAX_LINES = 3  # a transient error seen at most this many times ...
BLIP_MAX_SECONDS = 60  # ... all within this span is a blip the clients retried
# 101 Switching Protocols: the entry's latency is how long the upgraded connection (a WebSocket)
# stayed open, not how long a request took to serve, so it is no slow request
SWITCHING_PROTOCOLS = 101


def served_time(record: dict[str, Any]) -> float:
    """How long a request took to serve (ms); 0 for an upgraded connection, whose latency is its lifetime."""
    http = record.get("http") or {}
    if http.get("status") is not None and int(http["status"]) == SWITCHING_PROTOCOLS:
        return 0.0
    return float(http.get("latency_ms") or 0)


def is_blip(hit: dict[str, Any]) -> bool:
    """A brief burst of a transient network error (two Redis dial timeouts in one second): it shows a
    dependency hiccupped, not what an incident that lasts the window is about."""
    if not hit.get("transient") or int(hit.get("count") or 0) > BLIP_MAX_LINES:
        return False
    first, last = hit.get("first_seen"), hit.get("last_seen")
    if not first or not last:
        return False
    return (parse_time(last) - parse_time(first)).total_seconds() <= BLIP_MAX_SECONDS


def signature_items(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per (signature, service) hit group from tools.analysis.signatures.match_records."""
    items = []
    for hit in hits:
        examples = hit.get("examples") or [{}]
        first = examples[0]
        raw_ref = first.get("raw_ref") or ""
        if not raw_ref:
            continue
        count = int(hit.get("count") or len(examples))
        severity = SEVERITY.get(str(hit.get("severity", "")).upper(), 2)
        strength = (1.0 if severity >= 3 else 0.8 if severity == 2 else 0.4) * min(1.5, 1 + math.log10(count) / 3)
        source = "audit_log" if str(first.get("log_kind", "")).startswith("audit") else "cloud_logging"
        services = hit.get("services") or ([hit["service"]] if hit.get("service") else [])
        meaning = hit.get("meaning") or {}
        values = {**hit, "count": count, "meaning_en": meaning.get("en", ""), "meaning_ja": meaning.get("ja", "")}
        items.append(make_item(
            f"sig:{hit.get('signature_id')}:{services[0] if services else ''}", "signature", source, raw_ref,
            hit.get("first_seen") or first.get("timestamp") or "", static=False,
            attrs={"signature_id": str(hit.get("signature_id", "")), "labels": list(hit.get("labels") or []),
                   "primary_label": (hit.get("labels") or [None])[0], "context": bool(hit.get("context")),
                   "blip": is_blip(hit), "last_seen": hit.get("last_seen") or None, "direct": bool(hit.get("direct")),
                   "minutes": int(hit.get("minutes") or 0),
                   "label_count": len(hit.get("labels") or []),
                   "severity": hit.get("severity"), "count": count, "log_kind": first.get("log_kind")},
            confidence="high" if count >= 3 and severity >= 2 else "medium", strength=strength,
            signal=render_signal(["signature"], values),
            service=services[0] if len(services) == 1 else None, revisions=list(hit.get("revisions") or []),
        ))
    return items


def record_service(record: dict[str, Any]) -> str | None:
    return (record.get("resource") or {}).get("service_name") or (record.get("resource") or {}).get("job_name")


def record_revision(record: dict[str, Any]) -> str | None:
    return (record.get("resource") or {}).get("revision_name")


def request_items(records: list[dict[str, Any]], target_name: str | None,
                  timeout_seconds: float | None = None) -> list[dict[str, Any]]:
    """Status-code counts, near-timeout requests and the traffic baseline from request logs.

    Only the target's request entries count, so another service's 5xx cannot
    inflate this one's error rate.
    """
    requests = [r for r in records if r.get("http") and r.get("http", {}).get("status") is not None
                and (not target_name or record_service(r) in (None, target_name))]
    if not requests:
        return []
    total = len(requests)
    by_code: dict[int, list[dict[str, Any]]] = {}
    for record in requests:
        by_code.setdefault(int(record["http"]["status"]), []).append(record)
    items = []
    for code in sorted(by_code):
        group = by_code[code]
        if code < 429 or (code >= 430 and code < 500):
            continue
        first = min(group, key=lambda r: r.get("timestamp", ""))
        count = len(group)
        values = {"count": count, "total": total, "code": code, "rate_pct": f"{100 * count / total:.1f}"}
        revisions = sorted({record_revision(r) for r in group} - {None})
        items.append(make_item(
            f"status:{code}", "status", "cloud_logging", first.get("raw_ref", ""), first.get("timestamp", ""),
            static=False, attrs={"code": code, "status_class": f"{code // 100}xx", "count": count,
                                 "rate": round(count / total, 4), "total": total,
                                 "last_seen": max(r.get("timestamp", "") for r in group) or None},
            confidence="high" if count >= 5 else "medium", strength=1.0 if count >= 5 else 0.6,
            signal=render_signal(["status"], values), service=target_name, revisions=revisions,
        ))
    if timeout_seconds:
        slow = [r for r in requests if served_time(r) >= 0.9 * timeout_seconds * 1000]
        if slow:
            first = min(slow, key=lambda r: r.get("timestamp", ""))
            top = max(r["http"].get("latency_ms") or 0 for r in slow)
            values = {"count": len(slow), "timeout_seconds": value_text(int(timeout_seconds)),
                      "max_latency_s": f"{top / 1000:.1f}"}
            items.append(make_item(
                "slow_requests", "slow_requests", "cloud_logging", first.get("raw_ref", ""),
                first.get("timestamp", ""), static=False,
                attrs={"count": len(slow), "max_latency_ms": top, "timeout_seconds": timeout_seconds,
                       "near_timeout": True, "last_seen": max(r.get("timestamp", "") for r in slow) or None},
                confidence="high" if len(slow) >= 3 else "medium", strength=1.0,
                signal=render_signal(["slow_requests"], values), service=target_name,
            ))
    latency = latencymake_item(records, requests, target_name)
    if latency is not None:
        items.append(latency)
        items.extend(cold_start_examples(records, requests, latency))
    errors = sum(len(g) for c, g in by_code.items() if c >= 500 or c == 429)
    first = min(requests, key=lambda r: r.get("timestamp", ""))
    values = {"requests": total, "errors": errors, "error_rate_pct": f"{100 * errors / total:.2f}"}
    peak = minute_peaks(requests)
    items.append(make_item(
        "traffic", "traffic", "cloud_logging", first.get("raw_ref", ""), first.get("timestamp", ""),
        static=False, attrs={"requests": total, "errors": errors, "error_rate": round(errors / total, 5), **peak},
        confidence="medium", strength=0.5, signal=render_signal(["traffic"], values), service=target_name,
    ))
    return items + regression_items(records, target_name)


BAD_MINUTE_RATE = 0.05  # a minute is failing when this share of its requests got 5xx/429 ...
BAD_MINUTE_MIN = 3  # ... and at least this many did


def minute_peaks(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-minute 5xx/429 figures: a busy window's average hides a burst, a minute does not.

    `bad_minutes` counts minutes at or above BAD_MINUTE_RATE with BAD_MINUTE_MIN errors;
    `peak_minute` is the worst one (by errors) and `peak_minute_rate` its share.
    """
    totals: dict[str, int] = {}
    errors: dict[str, int] = {}
    for record in requests:
        minute = str(record.get("timestamp") or "")[:16]
        totals[minute] = totals.get(minute, 0) + 1
        status = int(record["http"]["status"])
        if status >= 500 or status == 429:
            errors[minute] = errors.get(minute, 0) + 1
    bad = [m for m, n in errors.items() if n >= BAD_MINUTE_MIN and n / totals[m] >= BAD_MINUTE_RATE]
    if not errors:
        return {"bad_minutes": 0, "peak_minute": None, "peak_minute_errors": 0, "peak_minute_rate": 0.0}
    worst = max(errors, key=lambda m: (errors[m], m))
    return {"bad_minutes": len(bad), "peak_minute": worst, "peak_minute_errors": errors[worst],
            "peak_minute_rate": round(errors[worst] / totals[worst], 4)}


SLOW_FACTOR = 5  # a request is slow when it takes 5x the median and at least SLOW_MIN_MS
SLOW_MIN_MS = 1000.0
COLD_START_LEAD_S = 60  # a slow request within this many seconds after an instance start
# ... or just before it: the request that makes Cloud Run start an instance arrives (and is logged with
# its arrival time) a moment before the "Starting new instance" line
COLD_START_TRIGGER_S = 10


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def latencymake_item(records: list[dict[str, Any]], requests: list[dict[str, Any]],
                 target_name: str | None) -> dict[str, Any] | None:
    """Request latency from request logs: percentiles, the slowest request, and how many slow
    requests came right after an instance start (a cold start shows up exactly so)."""
    timed = [r for r in requests if served_time(r) > 0]
    if len(timed) < 5:
        return None
    latencies = [float(r["http"]["latency_ms"]) for r in timed]
    p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    threshold = max(SLOW_FACTOR * p50, SLOW_MIN_MS)
    slow = [r for r in timed if float(r["http"]["latency_ms"]) >= threshold]
    starts = sorted(parse_time(r["timestamp"]) for r in records
                    if str(r.get("message") or "").startswith("Starting new instance") and r.get("timestamp"))
    after_start = 0
    for record in slow:
        when = parse_time(record["timestamp"])
        if any(-timedelta(seconds=COLD_START_TRIGGER_S) <= when - start <= timedelta(seconds=COLD_START_LEAD_S)
               for start in starts):
            after_start += 1
    slowest = max(timed, key=lambda r: float(r["http"]["latency_ms"]))
    values = {"p50_s": f"{p50 / 1000:.2f}", "p99_s": f"{p99 / 1000:.2f}", "max_s":
              f"{float(slowest['http']['latency_ms']) / 1000:.1f}", "slow": len(slow), "total": len(timed),
              "after_start": after_start}
    return make_item(
        "latency", "latency", "cloud_logging", slowest.get("raw_ref", ""), slowest.get("timestamp", ""),
        static=False,
        attrs={"p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "max_ms": float(slowest["http"]["latency_ms"]),
               "slow_count": len(slow), "cold_start_count": after_start,
               "last_seen": max((r.get("timestamp", "") for r in slow), default="") or None,
               "cold_start_share": round(after_start / len(slow), 3) if slow else 0.0},
        confidence="high" if len(slow) >= 3 else "medium", strength=1.0 if slow else 0.4,
        signal=render_signal(["latency"], values), service=target_name,
    )


def _starts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((r for r in records if str(r.get("message") or "").startswith("Starting new instance")
                   and r.get("timestamp") and r.get("raw_ref")), key=lambda r: r["timestamp"])


def cold_start_examples(records: list[dict[str, Any]], requests: list[dict[str, Any]],
                        latency: dict[str, Any]) -> list[dict[str, Any]]:
    """Example entries of a cold-start symptom, beside the slowest request the latency row cites (the peak):
    the first request that waited for an instance start (the onset), the typical one (the median wait, the
    case a reader should recognise) and the start line the first one waited for. Each is an item with
    `example_of` the latency item, so a candidate cites it right after that symptom.
    """
    if not latency["attrs"].get("cold_start_count"):
        return []
    threshold = max(SLOW_FACTOR * latency["attrs"]["p50_ms"], SLOW_MIN_MS)
    slow = sorted((r for r in requests if served_time(r) >= threshold
                   and r.get("raw_ref")), key=lambda r: r.get("timestamp", ""))
    pairs = []
    for start in _starts(records):
        began = parse_time(start["timestamp"])
        waited = next((r for r in slow if -timedelta(seconds=COLD_START_TRIGGER_S) <= parse_time(r["timestamp"])
                       - began <= timedelta(seconds=COLD_START_LEAD_S)), None)
        if waited is not None:
            pairs.append((waited, start))
    if not pairs:
        return []
    first_request, first_start = pairs[0]
    typical = sorted(pairs, key=lambda pair: float(pair[0]["http"]["latency_ms"]))[(len(pairs) - 1) // 2][0]

    def waited(record: dict[str, Any], what_en: str, what_ja: str) -> tuple[dict[str, Any], dict[str, str]]:
        seconds = float(record["http"]["latency_ms"]) / 1000
        path = (record.get("http") or {}).get("path") or "?"
        return record, {"en": f"{what_en} of {len(pairs)}: {path} waited {seconds:.1f} s for a new instance",
                        "ja": f"{len(pairs)} 件中の{what_ja}: {path} が新しいインスタンスを {seconds:.1f} 秒待った"}

    reason = one_line(first_start.get("message") or "", 120)
    examples = [waited(first_request, "First cold start", "最初のコールドスタート")]
    if typical is not first_request:
        examples.append(waited(typical, "Typical cold start (median wait)", "典型的なコールドスタート（中央値）"))
    examples.append((first_start, {"en": f"The instance start the first one waited for: {reason}",
                                   "ja": f"最初のリクエストが待ったインスタンス起動: {reason}"}))
    return [dict(make_item(f"latency:example:{n}", "example", "cloud_logging", r["raw_ref"], r["timestamp"],
                           static=False, attrs={"example_of": latency["id"]}, confidence="high",
                           strength=0.9, signal=signal, service=latency.get("service")),
                 example_of=latency["id"])
            for n, (r, signal) in enumerate(examples)]


def metric_items(metrics: dict[str, Any] | None, target_name: str | None) -> list[dict[str, Any]]:
    """Peak utilization and latency from Cloud Monitoring series, cited by the peak point."""
    if not metrics:
        return []
    items = []
    series = metrics.get("series") or {}
    for name, resource in (("cpu_utilization", "cpu"), ("memory_utilization", "memory"),
                           ("request_latencies", "latency")):
        points = [p for p in series.get(name) or [] if isinstance(p.get("value"), dict)
                  and p["value"].get("p99") is not None and p.get("raw_ref")]
        if not points:
            continue
        peak = max(points, key=lambda p: p["value"]["p99"])
        p99 = float(peak["value"]["p99"])
        if resource == "latency":
            attrs = {"metric": name, "resource": resource, "p99_ms": p99}
            values = {"metric": name, "value_text": f"{p99 / 1000:.2f} s", "time": peak.get("time")}
        else:
            attrs = {"metric": name, "resource": resource, "p99": p99}
            values = {"metric": name, "value_text": f"{100 * p99:.0f}%", "time": peak.get("time")}
        items.append(make_item(
            f"metric:{name}", "utilization" if resource != "latency" else "latency_metric", "cloud_monitoring",
            peak["raw_ref"], peak.get("time") or "", static=False, attrs=attrs, confidence="high",
            strength=1.0, signal=render_signal([f"metric.{resource}", "metric"], values), service=target_name,
        ))
    return items


def message_labels(message: str) -> tuple[list[str], list[str]]:
    """Signature ids and labels (strongest first) whose catalog text a condition message carries.

    Cloud Run repeats the deploy-time failure text (e.g. "failed to start and
    listen on the port") in revision conditions, so the catalog labels them.
    """
    if not message:
        return [], []
    from tools.analysis.signatures import default_matcher

    matcher = default_matcher()
    ids: list[str] = []
    labels: list[str] = []
    for kind in ("audit_system_event", "system", "requests"):
        for sig in matcher.match_message(message, kind):
            if sig["id"] not in ids:
                ids.append(sig["id"])
                labels.extend(label for label in sig["labels"] if label not in labels)
    return ids, labels


def condition_items(conditions: list[dict[str, Any]], window_start: str) -> list[dict[str, Any]]:
    """Failed Cloud Run resource conditions: `{type, state, reason, message, raw_ref, source, timestamp}`."""
    items = []
    for index, cond in enumerate(conditions):
        state = str(cond.get("state", ""))
        failed = "FAILED" in state.upper() or str(cond.get("status", "")).lower() == "false"
        if not failed or not cond.get("raw_ref"):
            continue
        sig_ids, labels = message_labels(str(cond.get("message") or ""))
        values = {"condition_type": cond.get("type") or "?", "state": state or "?",
                  "reason": cond.get("reason") or cond.get("revision_reason") or "?",
                  "message": one_line(str(cond.get("message") or "").replace("`", "'"), 160) or "-"}
        reason = cond.get("reason") or cond.get("revision_reason")
        values["reason_note_en"] = f" ({reason})" if reason else ""
        values["reason_note_ja"] = f"（{reason}）" if reason else ""
        items.append(make_item(
            f"condition:{index}", "condition", cond.get("source") or "cloud_run_revision", cond["raw_ref"],
            cond.get("timestamp") or window_start, static=not cond.get("timestamp"),
            attrs={"condition_type": cond.get("type"), "state": state, "failed": True,
                   "reason": values["reason"], "message": cond.get("message"),
                   "signature_ids": sig_ids, "labels": labels, "primary_label": labels[0] if labels else None,
                   "label_count": len(labels)},
            confidence="high", strength=1.0, signal=render_signal(["condition"], values),
            revisions=[cond["revision"]] if cond.get("revision") else None,
        ))
    return items


def execution_items(executions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Job executions, failed and succeeded: a succeeded run with retried tasks is the job saying
    "a task failed and the retry absorbed it", which keeps a one-off error from reading as an incident."""
    items = []
    for index, execution in enumerate(executions):
        failed = int(execution.get("failed_count") or execution.get("failedCount") or 0)
        succeeded = execution.get("succeeded_count", execution.get("succeeded"))
        retried = int(execution.get("retried_count") or execution.get("retried") or 0)
        raw_ref = execution.get("raw_ref") or execution.get("name")
        if not raw_ref:
            continue
        status = execution.get("status") or ("failed" if failed else "succeeded")
        values = {"name": str(execution.get("name", "?")).rsplit("/", 1)[-1], "failed_count": failed,
                  "status": status, "succeeded_count": succeeded if succeeded is not None else "?",
                  "retried_count": retried}
        items.append(make_item(
            f"execution:{index}", "execution", "cloud_run_job", raw_ref,
            execution.get("completion_time") or execution.get("timestamp") or "", static=False,
            attrs={"failed_count": failed, "status": status, "succeeded_count": succeeded,
                   "retried_count": retried},
            confidence="high", strength=1.0 if failed else 0.6,
            signal=render_signal([f"execution.{'failed' if failed else 'succeeded'}", "execution"], values),
        ))
    return items
