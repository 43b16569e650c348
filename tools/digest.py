"""A bounded, streaming summary of any amount of Cloud Run telemetry.

The digest is what an LLM (or a person) reads instead of a million log lines:
per-minute counts by status class, latency percentiles, error templates,
instance starts and shutdowns, per-revision and per-service error rates and
deploy markers. Every collection in it is capped, so its size does not grow
with the input; `digest_tokens` tells how big it is.

Two ways in:

- `DigestBuilder.add(record)` for normalized LogRecords (tools/records.py);
- `analyze_entries(entries)` / `analyze_jsonl(path)` for raw LogEntry dicts
  (a case's logging/entries.jsonl). These fast-path the healthy bulk: a 2xx/3xx
  request entry only updates counters (minute, status class, latency,
  revision), and is never normalized, templated or regex-matched. Everything
  else is normalized and goes through the signature matcher and the builder.

Error templates come from drain3 run in memory over WARNING+ log lines and
4xx/5xx requests only, never over successful requests: healthy traffic would
drown the templates and cost most of the time.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tools.errors import InputError
from tools.records import LogRecord
from tools.signatures import HitCollector, SignatureMatcher

SEVERITY_RANK = {
    "DEFAULT": 0, "DEBUG": 1, "INFO": 2, "NOTICE": 3, "WARNING": 4, "ERROR": 5, "CRITICAL": 6, "ALERT": 7,
    "EMERGENCY": 8,
}
WARNING, ERROR = 4, 5

# Bucket granularities as prefixes of an RFC 3339 UTC timestamp: coarsening a
# bucket is slicing a string, so the per-entry cost stays a slice and a dict hit.
GRANULARITIES = ((16, "1m"), (15, "10m"), (13, "1h"), (10, "1d"), (7, "1mo"))
COLUMNS = ("2xx", "3xx", "4xx", "5xx", "error_logs")

# Latency histogram: log-spaced buckets, ratio 1.05, 0.1 ms .. ~3.9 h. A
# percentile read from it is within ~2.5 % of the true value, in fixed memory.
LAT_RATIO = 1.05
LAT_LOG = math.log(LAT_RATIO)
LAT_MIN_MS = 0.1
LAT_BUCKETS = 400

def _lat_index(ms: float) -> int:
    """Histogram bucket of a latency: 0 below LAT_MIN_MS, then one bucket per factor LAT_RATIO."""
    if ms <= LAT_MIN_MS:
        return 0
    i = int(math.log(ms / LAT_MIN_MS) / LAT_LOG) + 1
    return i if i < LAT_BUCKETS else LAT_BUCKETS - 1


_START_RE = re.compile(r"Starting new instance\. Reason: ([A-Z_]+)")
_SHUTDOWN_RES = (
    ("user_disabled_shutdown", re.compile(r"Shutting down user disabled instance")),
    ("signal", re.compile(r"Container terminated on signal (\d+)")),
    ("exit", re.compile(r"Container called exit\((\d+)\)")),
    ("oom_kill", re.compile(r"Memory limit of \d+")),
    ("liveness_kill", re.compile(r"LIVENESS \w+ probe failed")),
)
_DEPLOY_RE = re.compile(
    r"(google\.cloud\.run\.v\d\.(?:Services|Jobs|Revisions)\.\w+|/(?:Services|Jobs)\.\w+"
    r"|Ready condition status changed to (?:True|False) for \w+ \S+)"
)
_DEPLOY_METHODS = ("Create", "Replace", "Update", "Delete", "Ready condition")


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
        self._templates = _TemplateCounter(max_clusters=max_keys)

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
            merged: dict[str, list[int]] = {}
            for key, row in self.buckets.items():
                into = merged.setdefault(key[: self._prefix], [0, 0, 0, 0, 0])
                for i, v in enumerate(row):
                    into[i] += v
            self.buckets = merged

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
        self.lat_hist[_lat_index(latency_ms)] += 1

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
        m = _START_RE.search(message)
        if m:
            _bump(self.starts, m.group(1), ts, record)
            return
        for name, rx in _SHUTDOWN_RES:
            m = rx.search(message)
            if m:
                _bump(self.shutdowns, f"{name}:{m.group(1)}" if m.groups() else name, ts, record)
                return

    def _deploy(self, message: str, record: LogRecord, ts: str, service: str, revision: str, severity: str) -> None:
        m = _DEPLOY_RE.search(message)
        if not m or not any(word in m.group(1) for word in _DEPLOY_METHODS):
            return
        marker = {
            "timestamp": ts, "what": m.group(1)[:120], "service": service or None, "revision": revision or None,
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
        return {"granularity": self._gran, "columns": list(COLUMNS),
                "rows": [[_bucket_time(k), *v] for k, v in sorted(self.buckets.items())]}

    def _timeline(self) -> dict[str, Any]:
        rows = sorted(self.buckets.items())
        step = max(1, math.ceil(len(rows) / self.timeline_rows)) if rows else 1
        out = []
        for i in range(0, len(rows), step):
            chunk = rows[i : i + step]
            out.append([_bucket_time(chunk[0][0]), *[sum(r[1][c] for r in chunk) for c in range(len(COLUMNS))]])
        unit = f"{step}x{self._gran}"
        peak = max(rows, key=lambda kv: (kv[1][3], kv[1][4]), default=None)
        first_err = next((k for k, v in rows if v[3] or v[4]), None)
        return {
            "bucket": unit, "columns": ["start", *COLUMNS], "rows": out,
            "first_error_bucket": _bucket_time(first_err) if first_err else None,
            "peak_5xx_bucket": _bucket_time(peak[0]) if peak and (peak[1][3] or peak[1][4]) else None,
        }

    def _latency(self, metrics: dict[str, Any] | None) -> dict[str, Any]:
        from_metrics = _metric_latency(metrics)
        if from_metrics:
            return {"source": "cloud_monitoring", **from_metrics}
        if not self.lat_n:
            return {"source": "none", "p50_ms": None, "p95_ms": None, "p99_ms": None}
        return {
            "source": "request_logs",
            "method": f"log-bucket histogram (ratio {LAT_RATIO}, within ~{(LAT_RATIO - 1) / 2:.1%})",
            "count": self.lat_n,
            "p50_ms": self._percentile(0.50),
            "p95_ms": self._percentile(0.95),
            "p99_ms": self._percentile(0.99),
            "mean_ms": self._mean(),
            "max_ms": round(self.lat_max, 1),
        }

    def _mean(self) -> float:
        """Mean from the histogram's bucket middles (the streaming path keeps no exact sum)."""
        total = sum(n * (LAT_MIN_MS * LAT_RATIO ** (i - 0.5) if i else LAT_MIN_MS) for i, n in enumerate(self.lat_hist))
        return round(total / self.lat_n, 1)

    def _percentile(self, q: float) -> float:
        rank = q * self.lat_n
        acc = 0
        for i, n in enumerate(self.lat_hist):
            acc += n
            if acc >= rank and n:
                if i == 0:
                    return LAT_MIN_MS
                # geometric middle of bucket i: [MIN*r^(i-1), MIN*r^i)
                value = LAT_MIN_MS * LAT_RATIO ** (i - 0.5)
                return round(min(value, self.lat_max), 1)
        return round(self.lat_max, 1)

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
            "timeline": self._timeline(),
            "latency": self._latency(metrics),
            "error_templates": self._templates.top(self.top_templates),
            "error_template_clusters": self._templates.clusters(),
            "instance_starts": _lifecycle_rows(self.starts),
            "instance_shutdowns": _lifecycle_rows(self.shutdowns),
            "revisions": [_revision_row(name, row) for name, row in revisions[: self.top_revisions]],
            "revisions_total": len(self.revisions),
            "services": [_service_row(name, row) for name, row in services[: self.top_services]],
            "services_total": len(self.services),
            "deploy_markers": sorted(self.deploys, key=lambda d: d["timestamp"]),
            "deploy_markers_dropped": self.deploys_dropped,
        }


def _bump(table: dict[str, list[Any]], key: str, ts: str, record: LogRecord) -> None:
    row = table.get(key)
    if row is None:
        if len(table) >= 50:
            key = "(other)"
            row = table.get(key)
        if row is None:
            row = table[key] = [0, ts, ts, record.get("raw_ref") or ""]
    row[0] += 1
    if ts and (not row[1] or ts < row[1]):
        row[1] = ts
        row[3] = record.get("raw_ref") or row[3]
    if ts > row[2]:
        row[2] = ts


def _lifecycle_rows(table: dict[str, list[Any]]) -> list[dict[str, Any]]:
    rows = sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))[:10]
    return [{"reason": k, "count": v[0], "first": v[1], "last": v[2], "example_raw_ref": v[3]} for k, v in rows]


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


def _bucket_time(key: str) -> str:
    """A bucket key (a timestamp prefix) as a full RFC 3339 start time."""
    full = {16: ":00Z", 15: "0:00Z", 13: ":00:00Z", 10: "T00:00:00Z", 7: "-01T00:00:00Z"}
    return key + full.get(len(key), "")


_PCT_RE = re.compile(r"(?:p|percentile_?)(50|95|99)\b", re.IGNORECASE)


def _metric_latency(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
    """p50/p95/p99 from Monitoring series named like `request_latencies_p99` (worst point in the window)."""
    series = (metrics or {}).get("series") or {}
    out: dict[str, Any] = {}
    for name, points in series.items():
        if "latenc" not in name.lower() or not isinstance(points, list):
            continue
        m = _PCT_RE.search(name)
        values = [p.get("value") for p in points if isinstance(p, dict) and isinstance(p.get("value"), int | float)]
        if not m or not values:
            continue
        key = f"p{m.group(1)}_ms"
        out[key] = round(max(max(values), out.get(key) or 0.0), 1)
        out.setdefault("series", []).append(name)
    if not out:
        return None
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        out.setdefault(key, None)
    out["method"] = "worst aligned point per percentile series in the window"
    return out


# -- error templates (drain3) ---------------------------------------------------

# Variable tokens masked before drain3 sees a line, with ONE regex: a token that starts with a digit
# (numbers, IPs, durations, ids like 8f3a2b1c) or a long hex run with a digit. Masking first lets the
# exact-text cache hit for lines that differ only in ids, so drain3 runs once per shape, not per line.
_MASK_RE = re.compile(r"(?<![A-Za-z])\d[\w.:-]*|\b(?=[a-f]*\d)[0-9a-f]{8,}\b")
_MASK = "<NUM>"
_CACHE_MAX = 20_000
_ERROR_LINE_RE = re.compile(r"[\w.$]*(?:Error|Exception|panic|Panic)\b.{0,3}:")
_PATH_ID_RE = re.compile(r"/(?=[^/]*\d)[^/]+")  # path segments with a digit (ids, hashes, dates)


class _TemplateCounter:
    """drain3 in memory, with an exact-text cache so repeated lines skip the miner entirely."""

    def __init__(self, max_clusters: int) -> None:
        from drain3 import TemplateMiner
        from drain3.template_miner_config import TemplateMinerConfig

        config = TemplateMinerConfig()
        config.profiling_enabled = False
        config.drain_max_clusters = max_clusters
        config.drain_sim_th = 0.5
        config.masking_instructions = []  # lines arrive masked by _MASK_RE
        self.miner = TemplateMiner(config=config)
        self.cache: dict[str, Any] = {}
        # id -> [count, first, last, [raw_refs], Counter(kind), services set, first line]
        self.stats: dict[int | str, list[Any]] = {}
        self.max_clusters = max_clusters

    @staticmethod
    def _line(message: str) -> str:
        """The line that names the error: a traceback's last line, else the first line, trimmed."""
        text = message.strip()
        if "\n" in text:
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            named = [ln for ln in lines if _ERROR_LINE_RE.match(ln)]
            if named:  # Python's last "KeyError: ...", Node's "TypeError: ..." under the source excerpt
                text = named[-1] if lines[0].startswith("Traceback") else named[0]
            else:
                text = lines[0] if lines else ""
        return text[:240]

    def add(self, message: str, record: LogRecord, ts: str, service: str) -> None:
        line = _MASK_RE.sub(_MASK, self._line(message))
        cid = self.cache.get(line)
        if cid is None:
            cid = self.miner.add_log_message(line)["cluster_id"]
            if len(self.cache) >= _CACHE_MAX:
                self.cache.clear()
            self.cache[line] = cid
        self._count(cid, line, record, ts, service)

    def add_request(self, status: int, method: str, path: str, message: str, record: LogRecord, ts: str,
                    service: str) -> None:
        """Failed requests template by status and masked path (or platform text), never merged across statuses:
        429 and 500 with the same no-instance text mean different things."""
        raw = f"{status}|{method}|{path}|{message}"
        key = self.cache.get(raw)
        if key is None:
            detail = self._line(message) if message else f"{method} {_PATH_ID_RE.sub('/<ID>', path)}"
            key = f"HTTP {status} {detail}"
            if len(self.cache) >= _CACHE_MAX:
                self.cache.clear()
            self.cache[raw] = key
        self._count(key, key, record, ts, service)

    def _count(self, cid: int | str, line: str, record: LogRecord, ts: str, service: str) -> None:
        st = self.stats.get(cid)
        if st is None:
            if len(self.stats) >= 2 * self.max_clusters:
                self._prune()
            st = self.stats[cid] = [0, ts, ts, [], Counter(), set(), ""]
        st[0] += 1
        if ts and (not st[1] or ts < st[1]):
            st[1] = ts
        if ts > st[2]:
            st[2] = ts
        ref = record.get("raw_ref")
        if ref and len(st[3]) < 2:
            st[3].append(ref)
        st[4][record.get("log_kind") or "other"] += 1
        if service and len(st[5]) < 5:
            st[5].add(service)
        if not st[6]:
            st[6] = line

    def _prune(self) -> None:
        keep = sorted(self.stats.items(), key=lambda kv: -kv[1][0])[: self.max_clusters]
        self.stats = dict(keep)

    def _template(self, cid: int | str, fallback: str) -> str:
        if isinstance(cid, str):
            return cid
        cluster = self.miner.drain.id_to_cluster.get(cid)
        return cluster.get_template() if cluster is not None else fallback

    def clusters(self) -> int:
        return len(self.stats)

    def top(self, n: int) -> list[dict[str, Any]]:
        rows = sorted(self.stats.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:n]
        return [
            {
                "template": self._template(cid, st[6])[:200], "count": st[0], "first_seen": st[1], "last_seen": st[2],
                "log_kinds": dict(st[4].most_common(3)), "services": sorted(st[5]), "example_raw_refs": list(st[3]),
            }
            for cid, st in rows
        ]


# -- size and text ---------------------------------------------------------------


def digest_tokens(digest: dict[str, Any]) -> int:
    """Approximate LLM tokens: compact JSON length / 4 (the usual English-text ratio; an estimate, not a count)."""
    text = json.dumps(digest, ensure_ascii=False, separators=(",", ":"), default=str)
    return math.ceil(len(text) / 4)


def render_digest_text(digest: dict[str, Any]) -> str:
    """The digest as compact text: the lines an LLM would read first."""
    t = digest.get("totals", {})
    out = [
        f"records {t.get('records', 0)} from {t.get('first_timestamp')} to {t.get('last_timestamp')}; "
        f"first error {t.get('first_error_timestamp')}; instances {t.get('instances_seen', 0)}",
        "by kind: " + ", ".join(f"{k}={v}" for k, v in (t.get("by_kind") or {}).items()),
        "status: " + ", ".join(f"{k}={v}" for k, v in (t.get("status_codes") or {}).items()),
    ]
    lat = digest.get("latency") or {}
    out.append(f"latency ({lat.get('source')}): p50={lat.get('p50_ms')}ms p95={lat.get('p95_ms')}ms "
               f"p99={lat.get('p99_ms')}ms")
    tl = digest.get("timeline") or {}
    if tl.get("rows"):
        out.append(f"timeline per {tl['bucket']} [{' '.join(tl['columns'])}] first error bucket "
                   f"{tl.get('first_error_bucket')}, peak 5xx {tl.get('peak_5xx_bucket')}:")
        out.extend("  " + " ".join(str(v) for v in row) for row in tl["rows"])
    if digest.get("error_templates"):
        out.append("error templates:")
        out.extend(f"  {r['count']}x {r['template']} [{', '.join(r['services'])}] {r['first_seen']}..{r['last_seen']}"
                   f" e.g. {', '.join(r['example_raw_refs'])}" for r in digest["error_templates"])
    for key, title in (("instance_starts", "instance starts"), ("instance_shutdowns", "instance shutdowns")):
        if digest.get(key):
            out.append(f"{title}: " + "; ".join(f"{r['reason']} x{r['count']} ({r['first']}..{r['last']})"
                                               for r in digest[key]))
    if digest.get("revisions"):
        out.append("revisions:")
        out.extend(f"  {r['revision']} ({r['service']}): requests {r['requests']}, 5xx {r['5xx']}, 4xx {r['4xx']}, "
                   f"error logs {r['error_logs']}, error rate {r['error_rate']}, {r['first_seen']}..{r['last_seen']}"
                   for r in digest["revisions"])
    if digest.get("services"):
        out.append("services: " + "; ".join(f"{r['service']} req {r['requests']} 5xx {r['5xx']} err {r['error_logs']}"
                                            for r in digest["services"]))
    if digest.get("deploy_markers"):
        out.append("deploys:")
        out.extend(f"  {d['timestamp']} {d['what']} {d['service'] or ''} {d['raw_ref']}"
                   for d in digest["deploy_markers"])
    return "\n".join(out)


# -- raw LogEntry streaming ---------------------------------------------------------

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
        for key in ("message", "msg", "textPayload", "error"):
            if isinstance(payload.get(key), str):
                return payload[key]
        return json.dumps(payload, ensure_ascii=False)[:2000]
    proto = entry.get("protoPayload")
    if isinstance(proto, dict):
        status = proto.get("status") or {}
        parts = [proto.get("methodName") or "", proto.get("resourceName") or "", status.get("message") or ""]
        return " ".join(p for p in parts if p)
    return ""


def _normalize_entry(entry: dict[str, Any]) -> LogRecord:
    """Private minimal LogEntry -> LogRecord, used when tools.cloud_logging is absent.

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
        from tools.cloud_logging import normalize_entry  # the logging source's, when present
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
                    bi = _lat_index(float(head.rstrip("s")) * 1000.0)  # type: ignore[union-attr]
                    if len(lat_cache) >= 100_000:
                        lat_cache.clear()
                    lat_cache[head] = bi  # type: ignore[index]
                except (AttributeError, ValueError):
                    ms = _latency_ms(lat)
                    bi = _lat_index(ms) if ms is not None and ms >= 0 else -1
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


MAX_LINE_BYTES = 1 << 20  # a LogEntry is at most 256 KiB (512 KiB for audit); anything far larger is not one


def iter_jsonl(path: str | Path, stats: dict[str, int] | None = None) -> Iterator[dict[str, Any]]:
    """LogEntry dicts from a JSONL file; malformed lines are counted in `stats`, binary files refused."""
    import orjson

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    stats = stats if stats is not None else {}
    lines = malformed = 0
    try:
        with p.open("rb") as fh:
            head = fh.read(8192)
            if b"\x00" in head:
                raise InputError(f"{p}: binary file, expected JSON lines of Cloud Logging LogEntry objects")
            fh.seek(0)
            loads = orjson.loads
            for line in fh:
                lines += 1
                if len(line) > MAX_LINE_BYTES:
                    malformed += 1
                    continue
                try:
                    entry = loads(line)
                except orjson.JSONDecodeError:
                    if line.strip():
                        malformed += 1
                    continue
                if type(entry) is dict:
                    yield entry
                else:
                    malformed += 1
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from exc
    finally:
        stats["lines"] = stats.get("lines", 0) + lines
        stats["malformed_lines"] = stats.get("malformed_lines", 0) + malformed


def analyze_jsonl(path: str | Path, *, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """`analyze_entries` over a case's logging/entries.jsonl; reports skipped lines in digest.input."""
    stats: dict[str, int] = {}
    result = analyze_entries(iter_jsonl(path, stats), metrics=metrics)
    result["digest"]["input"] = dict(stats)
    return result



# tool
def analyze_logs(path: str, lang: str = "en") -> dict[str, Any]:
    """Signature hits and a bounded digest of a LogEntry JSONL file (or a case directory's logging/entries.jsonl).

    Lets an assistant look at any volume of recorded logs through a few
    thousand tokens instead of reading the lines. `lang` picks the language of
    each hit's meaning and fix.
    """
    if lang not in ("en", "ja"):
        raise InputError(f"lang must be en or ja, not {lang!r}")
    p = Path(path)
    if p.is_dir():
        p = p / "logging" / "entries.jsonl"
    result = analyze_jsonl(p)
    for hit in result["signature_hits"]:
        hit["meaning"] = hit["meaning"][lang]  # type: ignore[typeddict-item]
        hit["fix"] = hit["fix"][lang]  # type: ignore[typeddict-item]
    result["digest_tokens"] = digest_tokens(result["digest"])
    return result


def format_analysis(result: dict[str, Any]) -> str:
    """CLI text: one line per signature hit group, then the digest text."""
    lines = [f"{h['count']:>6}x {h['signature_id']} [{h['service'] or '-'}] {h['first_seen']}..{h['last_seen']} "
             f"labels={','.join(h['labels'])} e.g. {h['examples'][0]['raw_ref'] if h['examples'] else ''}"
             for h in result["signature_hits"]]
    if not lines:
        lines = ["no failure signatures"]
    return "\n".join([*lines, "", render_digest_text(result["digest"])])
