"""Turn source outputs into scored evidence items that the rules can match.

Each item keeps its *true* source (code and Terraform lines are `repository`,
live configuration is `cloud_run_service`/`_revision`/`_job`, logs are
`cloud_logging`, audit entries `audit_log`, the card `trello`) and the exact
raw reference, because a report row that names the wrong source or line
misleads the reader more than a missing row.

Items that belong to another service, to a revision that served no traffic,
or to a time outside the window are kept but marked `excluded` with the
reason: they are visible for debugging, and tools/rules.py never matches
them, so they cannot drive a candidate.

Item shape: {id, type, attrs{...}, source, timestamp, static, raw_ref,
signal{en, ja}, confidence, strength, service, revisions[], excluded}.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA
from tools.timewindow import format_time, parse_time

TEXT_PATH = DATA / "evidence_text.yaml"
DEPLOY_LOOKBACK = timedelta(hours=2)
_SEVERITY = {"DEFAULT": 0, "DEBUG": 0, "INFO": 1, "NOTICE": 1, "WARNING": 2, "ERROR": 3, "CRITICAL": 4,
             "ALERT": 4, "EMERGENCY": 4}
_LIVE_SOURCES = {"cloud_run_service", "cloud_run_revision", "cloud_run_job"}
_MEMORY_UNITS = {"ki": 1 / 1024, "mi": 1, "gi": 1024, "ti": 1024 * 1024,
                 "k": 1000 / 2**20, "m": 1000**2 / 2**20, "g": 1000**3 / 2**20, "t": 1000**4 / 2**20}


@cache
def _texts() -> dict[str, Any]:
    return yaml.safe_load(TEXT_PATH.read_text(encoding="utf-8")) or {}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _one_line(text: Any, limit: int = 240) -> str:
    """Table cells are one line without stray back-quote pairs breaking the Markdown."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def render_signal(keys: list[str], values: dict[str, Any]) -> dict[str, str]:
    """The first template found among `keys`, rendered in both languages."""
    texts = _texts()
    template = next((texts[k] for k in keys if k in texts), {"en": "{type}", "ja": "{type}"})
    out = {}
    for lang in ("en", "ja"):
        out[lang] = _one_line(template[lang].format_map(_Blank(values))) or "?"
    return out


# -- normalisation ---------------------------------------------------------

def setting_number(name: str, value: Any) -> float | None:
    """A comparable number for a setting: memory in MiB, cpu in cores, durations in seconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if name == "memory":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGTkmgt]i?)?", text)
        if not match:
            return None
        unit = (match.group(2) or "").lower()
        return round(float(match.group(1)) * _MEMORY_UNITS.get(unit, 1 / 2**20), 3)
    if name == "cpu" and text.endswith("m"):
        text = text[:-1]
        return float(text) / 1000 if text.isdigit() else None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*s?", text)
    return float(match.group(1)) if match else None


def _setting_value(name: str, value: Any) -> Any:
    if name == "execution_environment" and isinstance(value, str):
        lowered = value.lower()
        return "gen1" if "gen1" in lowered else "gen2" if "gen2" in lowered else lowered
    if isinstance(value, str) and value.lower() in ("true", "false") and name in ("cpu_throttled", "startup_cpu_boost"):
        return value.lower() == "true"
    return value


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "[]"
    return str(value).replace("`", "'")


def _item(id_: str, type_: str, source: str, raw_ref: str, timestamp: str, *, static: bool,
          attrs: dict[str, Any], confidence: str, strength: float, signal: dict[str, str],
          service: str | None = None, revisions: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": id_, "type": type_, "source": source, "raw_ref": raw_ref, "timestamp": timestamp,
        "static": static, "attrs": attrs, "confidence": confidence, "strength": round(strength, 3),
        "signal": signal, "service": service, "revisions": revisions or [], "excluded": None,
    }


# -- per source --------------------------------------------------------------

def signature_items(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per (signature, service) hit group from tools.signatures.match_records."""
    items = []
    for hit in hits:
        examples = hit.get("examples") or [{}]
        first = examples[0]
        raw_ref = first.get("raw_ref") or ""
        if not raw_ref:
            continue
        count = int(hit.get("count") or len(examples))
        severity = _SEVERITY.get(str(hit.get("severity", "")).upper(), 2)
        strength = (1.0 if severity >= 3 else 0.8 if severity == 2 else 0.4) * min(1.5, 1 + math.log10(count) / 3)
        source = "audit_log" if str(first.get("log_kind", "")).startswith("audit") else "cloud_logging"
        services = hit.get("services") or ([hit["service"]] if hit.get("service") else [])
        meaning = hit.get("meaning") or {}
        values = {**hit, "count": count, "meaning_en": meaning.get("en", ""), "meaning_ja": meaning.get("ja", "")}
        items.append(_item(
            f"sig:{hit.get('signature_id')}:{services[0] if services else ''}", "signature", source, raw_ref,
            hit.get("first_seen") or first.get("timestamp") or "", static=False,
            attrs={"signature_id": str(hit.get("signature_id", "")), "labels": list(hit.get("labels") or []),
                   "primary_label": (hit.get("labels") or [None])[0], "context": bool(hit.get("context")),
                   "label_count": len(hit.get("labels") or []),
                   "severity": hit.get("severity"), "count": count, "log_kind": first.get("log_kind")},
            confidence="high" if count >= 3 and severity >= 2 else "medium", strength=strength,
            signal=render_signal(["signature"], values),
            service=services[0] if len(services) == 1 else None, revisions=list(hit.get("revisions") or []),
        ))
    return items


def _record_service(record: dict[str, Any]) -> str | None:
    return (record.get("resource") or {}).get("service_name") or (record.get("resource") or {}).get("job_name")


def _record_revision(record: dict[str, Any]) -> str | None:
    return (record.get("resource") or {}).get("revision_name")


def request_items(records: list[dict[str, Any]], target_name: str | None,
                  timeout_seconds: float | None = None) -> list[dict[str, Any]]:
    """Status-code counts, near-timeout requests and the traffic baseline from request logs.

    Only the target's request entries count, so another service's 5xx cannot
    inflate this one's error rate.
    """
    requests = [r for r in records if r.get("http") and r.get("http", {}).get("status") is not None
                and (not target_name or _record_service(r) in (None, target_name))]
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
        revisions = sorted({_record_revision(r) for r in group} - {None})
        items.append(_item(
            f"status:{code}", "status", "cloud_logging", first.get("raw_ref", ""), first.get("timestamp", ""),
            static=False, attrs={"code": code, "status_class": f"{code // 100}xx", "count": count,
                                 "rate": round(count / total, 4), "total": total},
            confidence="high" if count >= 5 else "medium", strength=1.0 if count >= 5 else 0.6,
            signal=render_signal(["status"], values), service=target_name, revisions=revisions,
        ))
    if timeout_seconds:
        slow = [r for r in requests if (r["http"].get("latency_ms") or 0) >= 0.9 * timeout_seconds * 1000]
        if slow:
            first = min(slow, key=lambda r: r.get("timestamp", ""))
            top = max(r["http"].get("latency_ms") or 0 for r in slow)
            values = {"count": len(slow), "timeout_seconds": _value_text(int(timeout_seconds)),
                      "max_latency_s": f"{top / 1000:.1f}"}
            items.append(_item(
                "slow_requests", "slow_requests", "cloud_logging", first.get("raw_ref", ""),
                first.get("timestamp", ""), static=False,
                attrs={"count": len(slow), "max_latency_ms": top, "timeout_seconds": timeout_seconds,
                       "near_timeout": True},
                confidence="high" if len(slow) >= 3 else "medium", strength=1.0,
                signal=render_signal(["slow_requests"], values), service=target_name,
            ))
    latency = latency_item(records, requests, target_name)
    if latency is not None:
        items.append(latency)
    errors = sum(len(g) for c, g in by_code.items() if c >= 500 or c == 429)
    first = min(requests, key=lambda r: r.get("timestamp", ""))
    values = {"requests": total, "errors": errors, "error_rate_pct": f"{100 * errors / total:.2f}"}
    items.append(_item(
        "traffic", "traffic", "cloud_logging", first.get("raw_ref", ""), first.get("timestamp", ""),
        static=False, attrs={"requests": total, "errors": errors, "error_rate": round(errors / total, 5)},
        confidence="medium", strength=0.5, signal=render_signal(["traffic"], values), service=target_name,
    ))
    return items


SLOW_FACTOR = 5  # a request is slow when it takes 5x the median and at least SLOW_MIN_MS
SLOW_MIN_MS = 1000.0
COLD_START_LEAD_S = 60  # a slow request within this many seconds after an instance start


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def latency_item(records: list[dict[str, Any]], requests: list[dict[str, Any]],
                 target_name: str | None) -> dict[str, Any] | None:
    """Request latency from request logs: percentiles, the slowest request, and how many slow
    requests came right after an instance start (a cold start shows up exactly so)."""
    timed = [r for r in requests if (r["http"].get("latency_ms") or 0) > 0]
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
        if any(timedelta(0) <= when - start <= timedelta(seconds=COLD_START_LEAD_S) for start in starts):
            after_start += 1
    slowest = max(timed, key=lambda r: float(r["http"]["latency_ms"]))
    values = {"p50_s": f"{p50 / 1000:.2f}", "p99_s": f"{p99 / 1000:.2f}", "max_s":
              f"{float(slowest['http']['latency_ms']) / 1000:.1f}", "slow": len(slow), "total": len(timed),
              "after_start": after_start}
    return _item(
        "latency", "latency", "cloud_logging", slowest.get("raw_ref", ""), slowest.get("timestamp", ""),
        static=False,
        attrs={"p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "max_ms": float(slowest["http"]["latency_ms"]),
               "slow_count": len(slow), "cold_start_count": after_start,
               "cold_start_share": round(after_start / len(slow), 3) if slow else 0.0},
        confidence="high" if len(slow) >= 3 else "medium", strength=1.0 if slow else 0.4,
        signal=render_signal(["latency"], values), service=target_name,
    )


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
        items.append(_item(
            f"metric:{name}", "utilization" if resource != "latency" else "latency_metric", "cloud_monitoring",
            peak["raw_ref"], peak.get("time") or "", static=False, attrs=attrs, confidence="high",
            strength=1.0, signal=render_signal([f"metric.{resource}", "metric"], values), service=target_name,
        ))
    return items


def setting_items(settings: list[dict[str, Any]], window_start: str) -> list[dict[str, Any]]:
    """Configuration values, declared (repository) or live (Cloud Run API), with comparable numbers."""
    items = []
    for index, setting in enumerate(settings):
        name = setting.get("setting")
        raw_ref = setting.get("raw_ref")
        if not name or not raw_ref:
            continue
        value = _setting_value(name, setting.get("value"))
        is_default = bool(setting.get("is_default"))
        source = setting.get("source") or "repository"
        live = source in _LIVE_SOURCES
        values = {
            "setting": name, "value_text": _value_text(value),
            "default_note_en": " (not set: platform default)" if is_default else "",
            "default_note_ja": "（未設定のため既定値）" if is_default else "",
        }
        keys = [f"setting.{name}.{'default' if is_default else 'explicit'}", f"setting.{name}", "setting"]
        items.append(_item(
            f"setting:{source}:{name}:{index}", "setting", source, raw_ref, window_start, static=True,
            attrs={"setting": name, "value": value, "number": setting_number(name, value),
                   "is_default": is_default, "origin": setting.get("origin"), "resource": setting.get("resource")},
            confidence="high" if (live or not is_default) else "medium",
            strength=1.0 if live else 0.9 if not is_default else 0.8,
            signal=render_signal(keys, values), service=setting.get("target_name"),
        ))
    return items


def finding_items(findings: list[dict[str, Any]], window_start: str) -> list[dict[str, Any]]:
    """Code findings from scan_repo; background work notes whether any durable queue exists."""
    has_queue = any(f.get("category") == "durable-queue" for f in findings)
    items = []
    for index, finding in enumerate(findings):
        raw_ref = finding.get("raw_ref") or (f"{finding['path']}:{finding['line']}" if finding.get("path") else "")
        if not raw_ref:
            continue
        in_path = finding.get("in_request_path")
        handler = finding.get("handler")
        snippet = _one_line(str(finding.get("snippet") or finding.get("pattern") or "").replace("`", "'"), 70)
        values = {
            **finding,
            "symbol": finding.get("enclosing_symbol") or finding.get("path") or "?",
            "snippet_short": snippet,
            "handler_note_en": f", reached from request handler `{handler}`" if handler else
            (", inside a request path" if in_path else ""),
            "handler_note_ja": f"（リクエストハンドラ `{handler}` から到達）" if handler else
            ("（リクエスト経路内）" if in_path else ""),
            "queue_note_en": "" if has_queue else "; no durable queue (Cloud Tasks, Pub/Sub, Jobs) in the repository",
            "queue_note_ja": "" if has_queue else "。永続キュー（Cloud Tasks・Pub/Sub・Jobs）の利用はない",
        }
        strength = 1.0 if in_path else 0.4 if in_path is False else 0.7
        items.append(_item(
            f"finding:{raw_ref}:{finding.get('category')}:{index}", "finding", "repository", raw_ref,
            window_start, static=True,
            attrs={k: v for k, v in finding.items() if k not in ("snippet", "raw_ref", "id")},
            confidence="high" if in_path else "medium" if in_path is None else "low", strength=strength,
            signal=render_signal([f"finding.{finding.get('category')}", "finding"], values),
        ))
    return items


def deploy_items(events: list[dict[str, Any]], onset: str | None) -> list[dict[str, Any]]:
    """Deploys and revision creations, with how long before the onset they happened."""
    items = []
    onset_dt = parse_time(onset) if onset else None
    for index, event in enumerate(events):
        if not event.get("raw_ref") or not event.get("timestamp"):
            continue
        minutes = None
        if onset_dt:
            minutes = round((onset_dt - parse_time(event["timestamp"])).total_seconds() / 60, 1)
        failed = event.get("ready") is False or str(event.get("kind", "")).lower() in ("failed", "deploy_failed")
        values = {**event, "actor": event.get("actor") or "?", "revision": event.get("revision") or "?",
                  "method": str(event.get("method") or event.get("kind") or "?").rsplit(".", 1)[-1],
                  "onset_note_en": f", {minutes} min before the first error" if minutes is not None else "",
                  "onset_note_ja": f"（最初のエラーの {minutes} 分前）" if minutes is not None else ""}
        source = "audit_log" if "cloudaudit" in str(event["raw_ref"]) else (
            "cloud_run_revision" if str(event["raw_ref"]).startswith("projects/") else "audit_log")
        items.append(_item(
            f"deploy:{index}", "deploy", source, event["raw_ref"], event["timestamp"], static=False,
            attrs={"kind": event.get("kind"), "method": event.get("method"), "ready": event.get("ready"),
                   "failed": failed, "minutes_before_onset": minutes},
            confidence="high", strength=1.0, signal=render_signal(["deploy"], values),
            service=event.get("service"), revisions=[event["revision"]] if event.get("revision") else [],
        ))
    return items


def _message_labels(message: str) -> tuple[list[str], list[str]]:
    """Signature ids and labels (strongest first) whose catalog text a condition message carries.

    Cloud Run repeats the deploy-time failure text (e.g. "failed to start and
    listen on the port") in revision conditions, so the catalog labels them.
    """
    if not message:
        return [], []
    from tools.signatures import default_matcher

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
        sig_ids, labels = _message_labels(str(cond.get("message") or ""))
        values = {"condition_type": cond.get("type") or "?", "state": state or "?",
                  "reason": cond.get("reason") or cond.get("revision_reason") or "?",
                  "message": _one_line(str(cond.get("message") or "").replace("`", "'"), 160) or "-"}
        items.append(_item(
            f"condition:{index}", "condition", cond.get("source") or "cloud_run_revision", cond["raw_ref"],
            cond.get("timestamp") or window_start, static=not cond.get("timestamp"),
            attrs={"condition_type": cond.get("type"), "state": state, "failed": True,
                   "reason": values["reason"], "message": cond.get("message"),
                   "signature_ids": sig_ids, "labels": labels, "primary_label": labels[0] if labels else None,
                   "label_count": len(labels)},
            confidence="high", strength=1.0, signal=render_signal(["condition"], values),
        ))
    return items


def execution_items(executions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for index, execution in enumerate(executions):
        failed = int(execution.get("failed_count") or execution.get("failedCount") or 0)
        raw_ref = execution.get("raw_ref") or execution.get("name")
        if not failed or not raw_ref:
            continue
        values = {"name": str(execution.get("name", "?")).rsplit("/", 1)[-1], "failed_count": failed,
                  "status": execution.get("status") or "?"}
        items.append(_item(
            f"execution:{index}", "execution", "cloud_run_job", raw_ref,
            execution.get("completion_time") or execution.get("timestamp") or "", static=False,
            attrs={"failed_count": failed, "status": execution.get("status"),
                   "succeeded_count": execution.get("succeeded_count")},
            confidence="high", strength=1.0, signal=render_signal(["execution"], values),
        ))
    return items


def user_report_items(rows: list[dict[str, Any]], card: dict[str, Any] | None,
                      window_start: str) -> list[dict[str, Any]]:
    """Card and comment rows from the Trello source: a reported, not measured, symptom."""
    items = []
    card = card or {}
    card_text = " ".join(str(card.get(k) or "") for k in ("name", "desc"))
    for index, row in enumerate(rows):
        raw_ref = row.get("raw_ref")
        if not raw_ref:
            continue
        text = str(row.get("signal") or "")
        match_text = text + (" " + card_text if "#comment-" not in raw_ref else "")
        items.append(_item(
            f"report:{index}", "user_report", row.get("source") or "trello", raw_ref,
            row.get("timestamp") or window_start, static=True,
            attrs={"text": match_text},
            confidence=row.get("confidence") or "medium", strength=0.8,
            signal={"en": _one_line(text) or "?", "ja": _one_line(text) or "?"},
        ))
    return items


# -- filtering -----------------------------------------------------------------

def serving_revisions(records: list[dict[str, Any]], traffic: list[dict[str, Any]] | None = None) -> set[str] | None:
    """Revisions that served requests in the window (request logs) or hold traffic; None when unknown."""
    serving = {_record_revision(r) for r in records if r.get("http")} - {None}
    for target in traffic or []:
        if (target.get("percent") or 0) > 0 and target.get("revision"):
            serving.add(str(target["revision"]).rsplit("/", 1)[-1])
    return serving or None


def mark_excluded(items: list[dict[str, Any]], target_name: str | None, start: datetime, end: datetime,
                  serving: set[str] | None = None) -> list[dict[str, Any]]:
    """Set `excluded` on items that must not drive a candidate; returns the same list."""
    live = {(i["attrs"]["setting"]): i for i in items if i["type"] == "setting" and i["source"] in _LIVE_SOURCES}
    for item in items:
        reason = None
        if target_name and item.get("service") and item["service"] != target_name:
            reason = f"belongs to service {item['service']}, not {target_name}"
        elif serving is not None and item["revisions"] and not set(item["revisions"]) & serving:
            reason = f"revision {item['revisions'][0]} served no traffic in the window"
        elif not item["static"] and item.get("timestamp"):
            when = parse_time(item["timestamp"])
            earliest = start - DEPLOY_LOOKBACK if item["type"] == "deploy" else start
            if when < earliest or when > end:
                reason = f"{item['timestamp']} is outside the window"
        elif item["type"] == "setting" and item["source"] == "repository":
            other = live.get(item["attrs"]["setting"])
            if other is not None and other["attrs"]["value"] != item["attrs"]["value"]:
                reason = f"live config says {_value_text(other['attrs']['value'])}"
        item["excluded"] = reason
    return items


def onset_time(items: list[dict[str, Any]]) -> str | None:
    """First runtime error-like evidence: failure signatures at WARNING+ or 429/5xx responses."""
    times = []
    for item in items:
        if item["static"] or item.get("excluded"):
            continue
        severe = item["type"] == "signature" and _SEVERITY.get(str(item["attrs"].get("severity", "")).upper(), 2) >= 2
        if severe or item["type"] in ("status", "slow_requests"):
            times.append(item["timestamp"])
    return min(times) if times else None


def build_items(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """All evidence items for one investigation, with exclusions marked.

    `bundle` keys (all optional but target/window): target{target_name...},
    window{start, end} (datetimes or RFC 3339), records, signature_hits,
    settings, findings, deploy_events, conditions, executions,
    trello_rows, card, traffic.
    """
    target_name = (bundle.get("target") or {}).get("target_name")
    start = parse_time(bundle["window"]["start"])
    end = parse_time(bundle["window"]["end"])
    window_start = format_time(start)
    records = bundle.get("records") or []
    settings = bundle.get("settings") or []
    timeout = next((setting_number("timeout_seconds", s.get("value")) for s in settings
                    if s.get("setting") == "timeout_seconds" and s.get("source") in _LIVE_SOURCES), None)
    items = (
        signature_items(bundle.get("signature_hits") or [])
        + request_items(records, target_name, timeout)
        + setting_items(settings, window_start)
        + finding_items(bundle.get("findings") or [], window_start)
        + condition_items(bundle.get("conditions") or [], window_start)
        + execution_items(bundle.get("executions") or [])
        + user_report_items(bundle.get("trello_rows") or [], bundle.get("card"), window_start)
        + metric_items(bundle.get("metrics"), target_name)
    )
    serving = serving_revisions(records, bundle.get("traffic"))
    mark_excluded(items, target_name, start, end, serving)
    onset = onset_time(items)
    deploys = deploy_items(bundle.get("deploy_events") or [], onset)
    mark_excluded(deploys, target_name, start, end, None)
    _dedupe_ids(items + deploys)
    return items + deploys


def _dedupe_ids(items: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for item in items:
        seen[item["id"]] += 1
        if seen[item["id"]] > 1:
            item["id"] = f"{item['id']}#{seen[item['id']]}"
