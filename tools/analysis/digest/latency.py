"""Request latency in fixed memory: a log-bucket histogram and its percentiles, or Monitoring's own.

Split out of tools/analysis/digest/analyze.py: the builder and the raw-entry fast path both
fill the same histogram, and the digest prefers Cloud Monitoring's latency
percentiles when they were fetched, so reading latency lives in one place.
"""

from __future__ import annotations

import math
import re
from typing import Any

# Latency histogram: log-spaced buckets, ratio 1.05, 0.1 ms .. ~3.9 h. A
# percentile read from it is within ~2.5 % of the true value, in fixed memory.
LAT_RATIO = 1.05
LAT_LOG = math.log(LAT_RATIO)
LAT_MIN_MS = 0.1
LAT_BUCKETS = 400


def lat_index(ms: float) -> int:
    """Histogram bucket of a latency: 0 below LAT_MIN_MS, then one bucket per factor LAT_RATIO."""
    if ms <= LAT_MIN_MS:
        return 0
    i = int(math.log(ms / LAT_MIN_MS) / LAT_LOG) + 1
    return i if i < LAT_BUCKETS else LAT_BUCKETS - 1


def histogram_mean(hist: list[int], count: int) -> float:
    """Mean from the histogram's bucket middles (the streaming path keeps no exact sum)."""
    total = sum(n * (LAT_MIN_MS * LAT_RATIO ** (i - 0.5) if i else LAT_MIN_MS) for i, n in enumerate(hist))
    return round(total / count, 1)


def histogram_percentile(hist: list[int], count: int, max_ms: float, q: float) -> float:
    """The q-quantile as its bucket's geometric middle, never above the largest latency seen."""
    rank = q * count
    acc = 0
    for i, n in enumerate(hist):
        acc += n
        if acc >= rank and n:
            if i == 0:
                return LAT_MIN_MS
            # geometric middle of bucket i: [MIN*r^(i-1), MIN*r^i)
            value = LAT_MIN_MS * LAT_RATIO ** (i - 0.5)
            return round(min(value, max_ms), 1)
    return round(max_ms, 1)


def latency_summary(hist: list[int], count: int, max_ms: float, metrics: dict[str, Any] | None) -> dict[str, Any]:
    """The digest's latency block: Monitoring's percentiles when given, else the request-log histogram's."""
    from_metrics = metric_latency(metrics)
    if from_metrics:
        return {"source": "cloud_monitoring", **from_metrics}
    if not count:
        return {"source": "none", "p50_ms": None, "p95_ms": None, "p99_ms": None}
    return {
        "source": "request_logs",
        "method": f"log-bucket histogram (ratio {LAT_RATIO}, within ~{(LAT_RATIO - 1) / 2:.1%})",
        "count": count,
        "p50_ms": histogram_percentile(hist, count, max_ms, 0.50),
        "p95_ms": histogram_percentile(hist, count, max_ms, 0.95),
        "p99_ms": histogram_percentile(hist, count, max_ms, 0.99),
        "mean_ms": histogram_mean(hist, count),
        "max_ms": round(max_ms, 1),
    }


_PCT_RE = re.compile(r"(?:p|percentile_?)(50|95|99)\b", re.IGNORECASE)


def metric_latency(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
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

