"""The digest's time buckets: keys as timestamp prefixes, coarsening, and the timeline an LLM reads.

Split out of tools/analysis/digest/analyze.py. Granularities are prefixes of an RFC 3339 UTC
timestamp, so coarsening a bucket is slicing a string and the per-entry cost
stays a slice and a dict hit.
"""

from __future__ import annotations

import math
from typing import Any

GRANULARITIES = ((16, "1m"), (15, "10m"), (13, "1h"), (10, "1d"), (7, "1mo"))
COLUMNS = ("2xx", "3xx", "4xx", "5xx", "error_logs")


def bucket_time(key: str) -> str:
    """A bucket key (a timestamp prefix) as a full RFC 3339 start time."""
    full = {16: ":00Z", 15: "0:00Z", 13: ":00:00Z", 10: "T00:00:00Z", 7: "-01T00:00:00Z"}
    return key + full.get(len(key), "")


def merge_buckets(buckets: dict[str, list[int]], prefix: int) -> dict[str, list[int]]:
    """The buckets summed into the coarser keys of length `prefix`."""
    merged: dict[str, list[int]] = {}
    for key, row in buckets.items():
        into = merged.setdefault(key[:prefix], [0, 0, 0, 0, 0])
        for i, v in enumerate(row):
            into[i] += v
    return merged


def bucket_series(buckets: dict[str, list[int]], granularity: str) -> dict[str, Any]:
    """Every bucket in time order, at full resolution, for programmatic onset detection."""
    return {"granularity": granularity, "columns": list(COLUMNS),
            "rows": [[bucket_time(k), *v] for k, v in sorted(buckets.items())]}


def timeline(buckets: dict[str, list[int]], granularity: str, max_rows: int) -> dict[str, Any]:
    """At most `max_rows` rows of summed buckets, with the first error and the peak 5xx bucket named."""
    rows = sorted(buckets.items())
    step = max(1, math.ceil(len(rows) / max_rows)) if rows else 1
    out = []
    for i in range(0, len(rows), step):
        chunk = rows[i : i + step]
        out.append([bucket_time(chunk[0][0]), *[sum(r[1][c] for r in chunk) for c in range(len(COLUMNS))]])
    unit = f"{step}x{granularity}"
    # the peak 5xx bucket is the one with the most 5xx responses; error logs alone (no 5xx) name none
    peak = max(rows, key=lambda kv: (kv[1][3], kv[1][4]), default=None)
    first_err = next((k for k, v in rows if v[3] or v[4]), None)
    return {
        "bucket": unit, "columns": ["start", *COLUMNS], "rows": out,
        "first_error_bucket": bucket_time(first_err) if first_err else None,
        "peak_5xx_bucket": bucket_time(peak[0]) if peak and peak[1][3] else None,
    }
