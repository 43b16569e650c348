"""The digest's bounded counters, folded one record (or one pre-aggregated batch of requests) at a time.

Split out of tools/analysis/digest/analyze.py: the builder owns the state (time buckets,
status classes, per-revision and per-service rows, instances, latency
histogram, lifecycle and deploy tables, error templates) and every cap that
keeps it from growing with the input; reading the platform's wording,
latency and templates is left to the digest_* modules it imports.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tools.analysis.digest.latency import LAT_BUCKETS, lat_index, latency_summary
from tools.analysis.digest.lifecycle import bump, deploy_action, lifecycle_event, lifecycle_rows
from tools.analysis.digest.templates import TemplateCounter
from tools.analysis.digest.timeline import GRANULARITIES, bucket_series, merge_buckets, timeline
from tools.records import LogRecord

SEVERITY_RANK = {
    "DEFAULT": 0, "DEBUG": 1, "INFO": 2, "NOTICE": 3, "WARNING": 4, "ERROR": 5, "CRITICAL": 6, "ALERT": 7,
    "EMERGENCY": 8,
}
WARNING, ERROR = 4, 5


class DigestBuilder:
    """Folds records into bounded counters; `result()` renders the digest dict."""

    def __init__(
        self,
        *,
        max_buckets: int = 1440,
        timeline_rows: int = 48,
        top_templates: int = 15,
        top_revisions: int = 20,
        top_services: int = 15,
        max_deploy_markers: int = 30,
        max_keys: int = 500,
    ) -> None:
        self.max_buckets = max_buckets
        self.timeline_rows = timeline_rows
        self.top_templates = top_templates
        self.top_revisions = top_revisions
        self.top_services = top_services
        self.max_deploy_markers = max_deploy_markers
        self.max_keys = max_keys  # distinct revisions / services tracked before folding into "(other)"
        self._prefix, self._gran = GRANULARITIES[0]
        self._gran_index = 0
        self.buckets: dict[str, list[int]] = {}
        self.total = 0
        self.kinds: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self.status_codes: Counter[int] = Counter()
        self.first_ts = ""
        self.last_ts = ""
        self.first_error_ts = ""
        self.lat_hist = [0] * LAT_BUCKETS
        self.lat_n = 0
        self.lat_max = 0.0
        self.revisions: dict[str, list[Any]] = {}  # name -> [service, requests, 4xx, 5xx, error_logs, first, last]
        self.services: dict[str, list[int]] = {}  # name -> [requests, 4xx, 5xx, error_logs, records]
        self.instances: set[str] = set()
        self.instances_capped = False
        self.starts: dict[str, list[Any]] = {}  # reason -> [count, first, last, raw_ref]
        self.shutdowns: dict[str, list[Any]] = {}
        self.deploys: list[dict[str, Any]] = []
        self.deploys_dropped = 0
        self._templates = TemplateCounter(max_clusters=max_keys)

    # -- time buckets ------------------------------------------------------
    def _bucket(self, ts: str) -> list[int]:
        key = ts[: self._prefix]
        row = self.buckets.get(key)
        if row is None:
            if len(self.buckets) >= self.max_buckets and self._gran_index < len(GRANULARITIES) - 1:
                self._coarsen()
                key = ts[: self._prefix]
                row = self.buckets.get(key)
            if row is None:
                row = self.buckets[key] = [0, 0, 0, 0, 0]
        return row

    def _coarsen(self) -> None:
        """Too many buckets for one digest: merge into the next coarser granularity (10m, 1h, ...)."""
        while len(self.buckets) >= self.max_buckets and self._gran_index < len(GRANULARITIES) - 1:
            self._gran_index += 1
            self._prefix, self._gran = GRANULARITIES[self._gran_index]
            self.buckets = merge_buckets(self.buckets, self._prefix)

    def _seen(self, ts: str) -> None:
        if ts:
            if not self.first_ts or ts < self.first_ts:
                self.first_ts = ts
            if ts > self.last_ts:
                self.last_ts = ts

    def _error_at(self, ts: str) -> None:
        if ts and (not self.first_error_ts or ts < self.first_error_ts):
            self.first_error_ts = ts

    def _revision(self, name: str, service: str, ts: str) -> list[Any]:
        row = self.revisions.get(name)
        if row is None:
            if len(self.revisions) >= self.max_keys:
                name = "(other)"
                row = self.revisions.get(name)
            if row is None:
                row = self.revisions[name] = [service, 0, 0, 0, 0, ts, ts]
        if ts:
            if not row[5] or ts < row[5]:
                row[5] = ts
            if ts > row[6]:
                row[6] = ts
        return row

    def _service(self, name: str) -> list[int]:
        row = self.services.get(name)
        if row is None:
            if len(self.services) >= self.max_keys:
                name = "(other)"
                row = self.services.get(name)
            if row is None:
                row = self.services[name] = [0, 0, 0, 0, 0]
        return row

    def _instance(self, instance: str | None) -> None:
        if instance and instance not in self.instances:
            if len(self.instances) < 10_000:
                self.instances.add(instance)
            else:
                self.instances_capped = True

    # -- adding ----------------------------------------------------------------
    def add_request(
        self,
        ts: str,
        status: int | None,
        latency_ms: float | None,
        service: str,
        revision: str,
        instance: str | None = None,
    ) -> None:
        """One request's counters: time bucket, status class, service, revision, latency, instance."""
        self.count_requests(ts, status, service, revision, 1, ts)
        if latency_ms is not None and latency_ms >= 0:
            self.add_latency(latency_ms)
        if instance:
            self._instance(instance)

    def count_requests(self, ts: str, status: int | None, service: str, revision: str, n: int, last_ts: str) -> None:
        """`n` requests with one status between ts and last_ts (the streaming path pre-aggregates per minute)."""
        self.total += n
        self.kinds["requests"] += n
        self._seen(ts)
        self._seen(last_ts)
        row = self._bucket(ts)
        svc = self._service(service)
        svc[0] += n
        svc[4] += n
        rev = self._revision(revision, service, ts) if revision else None
        if rev is not None:
            rev[1] += n
            if last_ts > rev[6]:
                rev[6] = last_ts
        if status:
            self.status_codes[status] += n
            cls = status // 100
            if 2 <= cls <= 5:
                row[cls - 2] += n
            if cls == 4:
                svc[1] += n
                if rev is not None:
                    rev[2] += n
            elif cls == 5:
                svc[2] += n
                if rev is not None:
                    rev[3] += n
                self._error_at(ts)

    def add_latency(self, latency_ms: float) -> None:
        self.lat_n += 1
        if latency_ms > self.lat_max:
            self.lat_max = latency_ms
        self.lat_hist[lat_index(latency_ms)] += 1

    def add(self, record: LogRecord) -> None:
        """Fold one normalized LogRecord into the digest."""
        ts = record.get("timestamp") or ""
        kind = record.get("log_kind") or "other"
        resource = record.get("resource") or {}
        service = resource.get("service_name") or resource.get("job_name") or ""
        revision = resource.get("revision_name") or resource.get("execution_name") or ""
        severity = (record.get("severity") or "DEFAULT").upper()
        rank = SEVERITY_RANK.get(severity, 0)
        message = record.get("message") or ""
        if kind == "requests":
            http = record.get("http") or {}
            status = http.get("status")
            self.add_request(ts, status, http.get("latency_ms"), service, revision, record.get("instance_id"))
            if status and status >= 400:
                self._templates.add_request(status, http.get("method") or "", http.get("path") or "", message,
                                            record, ts, service)
            return
        self.total += 1
        self.kinds[kind] += 1
        self.severities[severity] += 1  # of log lines; requests are counted by status instead
        self._seen(ts)
        self._instance(record.get("instance_id"))
        svc = self._service(service)
        svc[4] += 1
        if rank >= ERROR:
            self._bucket(ts)[4] += 1
            svc[3] += 1
            if revision:
                self._revision(revision, service, ts)[4] += 1
            self._error_at(ts)
        if rank >= WARNING and message:
            self._templates.add(message, record, ts, service)
        if kind == "system":
            self._lifecycle(message, record, ts)
        elif kind.startswith("audit"):
            self._deploy(message, record, ts, service, revision, severity)

    def _lifecycle(self, message: str, record: LogRecord, ts: str) -> None:
        event = lifecycle_event(message)
        if event:
            bump(self.starts if event[0] == "start" else self.shutdowns, event[1], ts, record)

    def _deploy(self, message: str, record: LogRecord, ts: str, service: str, revision: str, severity: str) -> None:
        what = deploy_action(message)
        if what is None:
            return
        marker = {
            "timestamp": ts, "what": what[:120], "service": service or None, "revision": revision or None,
            "severity": severity, "raw_ref": record.get("raw_ref") or "",
        }
        self.deploys.append(marker)
        if len(self.deploys) > self.max_deploy_markers:
            # keep the latest: a deploy right before the onset matters more than an old one
            self.deploys.sort(key=lambda d: d["timestamp"])
            del self.deploys[0]
            self.deploys_dropped += 1

    # -- output --------------------------------------------------------------
    def series(self) -> dict[str, Any]:
        """The full-resolution time series (≤ max_buckets rows) for programmatic onset detection."""
        return bucket_series(self.buckets, self._gran)

    def result(self, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
        revisions = sorted(self.revisions.items(), key=lambda kv: (-kv[1][1] - kv[1][4], kv[0]))
        services = sorted(self.services.items(), key=lambda kv: (-kv[1][2] - kv[1][3], -kv[1][0], kv[0]))
        return {
            "totals": {
                "records": self.total,
                "by_kind": dict(self.kinds.most_common()),
                "log_lines_by_severity": dict(self.severities.most_common(9)),
                "status_codes": {str(k): v for k, v in sorted(self.status_codes.most_common(12))},
                "first_timestamp": self.first_ts or None,
                "last_timestamp": self.last_ts or None,
                "first_error_timestamp": self.first_error_ts or None,
                "instances_seen": len(self.instances),
                "instances_seen_capped": self.instances_capped,
            },
            "timeline": timeline(self.buckets, self._gran, self.timeline_rows),
            "latency": latency_summary(self.lat_hist, self.lat_n, self.lat_max, metrics),
            "error_templates": self._templates.top(self.top_templates),
            "error_template_clusters": self._templates.clusters(),
            "instance_starts": lifecycle_rows(self.starts),
            "instance_shutdowns": lifecycle_rows(self.shutdowns),
            "revisions": [_revision_row(name, row) for name, row in revisions[: self.top_revisions]],
            "revisions_total": len(self.revisions),
            "services": [_service_row(name, row) for name, row in services[: self.top_services]],
            "services_total": len(self.services),
            "deploy_markers": sorted(self.deploys, key=lambda d: d["timestamp"]),
            "deploy_markers_dropped": self.deploys_dropped,
        }


def _revision_row(name: str, row: list[Any]) -> dict[str, Any]:
    service, requests, c4, c5, errs, first, last = row
    return {
        "revision": name, "service": service or None, "requests": requests, "4xx": c4, "5xx": c5,
        "error_logs": errs, "error_rate": round(c5 / requests, 4) if requests else None,
        "first_seen": first or None, "last_seen": last or None,
    }


def _service_row(name: str, row: list[int]) -> dict[str, Any]:
    requests, c4, c5, errs, records = row
    return {
        "service": name or None, "records": records, "requests": requests, "4xx": c4, "5xx": c5, "error_logs": errs,
        "error_rate": round(c5 / requests, 4) if requests else None,
    }
