"""Raw Cloud Logging LogEntry dicts streamed once into signature hits and a digest.

Split out of tools/analysis/digest/analyze.py. Request entries without a payload (the
healthy bulk, and plain 4xx/5xx) only update counters and are never
normalized, templated or regex-matched; everything else is normalized and
goes through the signature matcher and the builder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from tools.analysis.digest.builder import DigestBuilder
from tools.analysis.digest.latency import lat_index
from tools.analysis.signatures import HitCollector, SignatureMatcher
from tools.records import LogRecord
from tools.sources.logging.payload import payload_text

_KINDS = {
    "run.googleapis.com/requests": "requests",
    "run.googleapis.com/stdout": "stdout",
    "run.googleapis.com/stderr": "stderr",
    "run.googleapis.com/varlog/system": "system",
    "cloudaudit.googleapis.com/activity": "audit_activity",
    "cloudaudit.googleapis.com/system_event": "audit_system_event",
}


def _latency_ms(value: Any) -> float | None:
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1]) * 1000.0
        except ValueError:
            return None
    if isinstance(value, dict):  # {"seconds": "1", "nanos": 5}
        return float(value.get("seconds") or 0) * 1000.0 + float(value.get("nanos") or 0) / 1e6
    return None


def _payload_message(entry: dict[str, Any]) -> str:
    if "textPayload" in entry:
        return str(entry["textPayload"])
    payload = entry.get("jsonPayload")
    if isinstance(payload, dict):
        return payload_text(payload) or json.dumps(payload, ensure_ascii=False)[:2000]
    proto = entry.get("protoPayload")
    if isinstance(proto, dict):
        status = proto.get("status") or {}
        parts = [proto.get("methodName") or "", proto.get("resourceName") or "", status.get("message") or ""]
        return " ".join(p for p in parts if p)
    return ""


def _normalize_entry(entry: dict[str, Any]) -> LogRecord:
    """Private minimal LogEntry -> LogRecord, used when tools.sources.logging.cloud_logging is absent.

    Follows tools/records.py; the sources' normalize_entry is preferred when
    importable so both paths read entries the same way.
    """
    short = _short_log_name(entry.get("logName") or "")
    resource = entry.get("resource") or {}
    res_labels = dict(resource.get("labels") or {})
    labels = entry.get("labels") or {}
    for key in ("run.googleapis.com/execution_name", "run.googleapis.com/task_index"):
        if key in labels:
            res_labels[key.split("/", 1)[1]] = labels[key]
    hr = entry.get("httpRequest")
    http = None
    if isinstance(hr, dict):
        url = hr.get("requestUrl") or ""
        http = {"method": hr.get("requestMethod") or "", "path": urlsplit(url).path if url else "",
                "status": hr.get("status"), "latency_ms": _latency_ms(hr.get("latency"))}
    insert_id = str(entry.get("insertId") or "")
    return LogRecord(
        timestamp=str(entry.get("timestamp") or ""),
        severity=str(entry.get("severity") or "DEFAULT"),
        log_kind=_KINDS.get(short, "other"),  # type: ignore[typeddict-item]
        log_name=short,
        resource_type=str(resource.get("type") or ""),
        resource=res_labels,
        instance_id=labels.get("instanceId"),
        http=http,  # type: ignore[typeddict-item]
        message=_payload_message(entry),
        insert_id=insert_id,
        trace=entry.get("trace"),
        labels=labels,
        raw_ref=f"{short}#{insert_id}",
    )


def _normalizer():
    try:
        from tools.sources.logging.cloud_logging import normalize_entry  # the logging source's, when present
    except ImportError:
        return _normalize_entry
    return normalize_entry


def analyze_entries(
    entries: Iterable[dict[str, Any]],
    *,
    matcher: SignatureMatcher | None = None,
    metrics: dict[str, Any] | None = None,
    builder: DigestBuilder | None = None,
) -> dict[str, Any]:
    """Stream raw LogEntry dicts once: {"signature_hits": [...], "digest": {...}}.

    Request entries without a payload (the healthy bulk, and plain 4xx/5xx)
    take the fast path: they cannot carry a signature text, so they only update
    counters, pre-aggregated per (minute, status, service, revision) and folded
    into the builder in batches. Every other entry is normalized, matched
    against the signature catalog and added to the digest. Memory is bounded by
    the caps, not by the input.
    """
    normalize = _normalizer()
    collector = HitCollector(matcher)
    digest = builder or DigestBuilder()
    templates = digest._templates
    instances = digest.instances
    lat_hist = digest.lat_hist
    agg: dict[tuple[str, int, str, str], list[Any]] = {}
    short_names: dict[str, str] = {}
    lat_cache: dict[str, int] = {}
    lat_n, lat_max_i, lat_max = 0, 0, 0.0

    def flush() -> None:
        for (_, status, service, revision), (n, first, last) in agg.items():
            digest.count_requests(first, status, service, revision, n, last)
        agg.clear()

    for entry in entries:
        hr = entry.get("httpRequest")
        if hr is None or "textPayload" in entry or "jsonPayload" in entry or "protoPayload" in entry:
            record = normalize(entry)
            collector.add(record)
            digest.add(record)
            continue
        try:  # the shape every Cloud Run request entry has; anything odd takes the tolerant branch
            ts = entry["timestamp"]
            status = hr["status"]
            labels = entry["resource"]["labels"]
            service = labels["service_name"]
            key = (ts[:16], status, service, labels["revision_name"])
        except (KeyError, TypeError):
            ts = str(entry.get("timestamp") or "")
            status = hr.get("status") if isinstance(hr.get("status"), int) else 0
            labels = (entry.get("resource") or {}).get("labels") or {}
            service = labels.get("service_name", "")
            key = (ts[:16], status, service, labels.get("revision_name", ""))
        row = agg.get(key)
        if row is None:
            if len(agg) >= 50_000:
                flush()
            agg[key] = [1, ts, ts]
        else:
            row[0] += 1
            if ts > row[2]:
                row[2] = ts
            elif ts < row[1]:
                row[1] = ts
        lat = hr.get("latency")
        if lat is not None:
            # Duration strings ("0.033116s") are bucketed by their first 6 characters through a cache:
            # 0.1 ms resolution, no float parse per entry. The exact value is parsed only for a new maximum.
            head = lat[:6] if type(lat) is str else None
            bi = lat_cache.get(head) if head is not None else None
            if bi is None:
                try:
                    bi = lat_index(float(head.rstrip("s")) * 1000.0)  # type: ignore[union-attr]
                    if len(lat_cache) >= 100_000:
                        lat_cache.clear()
                    lat_cache[head] = bi  # type: ignore[index]
                except (AttributeError, ValueError):
                    ms = _latency_ms(lat)
                    bi = lat_index(ms) if ms is not None and ms >= 0 else -1
            if bi >= 0:
                lat_n += 1
                lat_hist[bi] += 1
                if bi >= lat_max_i:
                    lat_max_i = bi
                    ms = _latency_ms(lat)
                    if ms is not None and ms > lat_max:
                        lat_max = ms
        instance = (entry.get("labels") or {}).get("instanceId")
        if instance and instance not in instances:
            digest._instance(instance)
        if status >= 400:
            log_name = entry.get("logName") or ""
            short = short_names.get(log_name)
            if short is None:
                short = short_names[log_name] = _short_log_name(log_name)
            url = hr.get("requestUrl") or ""
            templates.add_request(status, hr.get("requestMethod") or "", _url_path(url), "",
                                  {"raw_ref": f"{short}#{entry.get('insertId') or ''}", "log_kind": "requests"},
                                  ts, service)
    flush()
    digest.lat_n += lat_n
    digest.lat_max = max(digest.lat_max, lat_max)
    return {"signature_hits": collector.hits(), "digest": digest.result(metrics)}


def _short_log_name(log_name: str) -> str:
    short = log_name.split("/logs/", 1)[1] if "/logs/" in log_name else log_name
    return unquote(short) if "%" in short else short


def _url_path(url: str) -> str:
    """The path of a request URL without urlsplit's cost (scheme://host/path?query)."""
    start = url.find("/", url.find("://") + 3) if "://" in url else url.find("/")
    if start < 0:
        return "/"
    path = url[start:]
    cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=-1)
    return path[:cut] if cut >= 0 else path

