"""Which request handlers serve the endpoints that failed: ties between code findings broken by the traffic.

A repository often has several findings of the same kind (three places that
load whole result sets); the one an on-call engineer needs is on the path of
the requests that actually failed. Routes are not always visible to the
scanner, but handler names usually echo the URL (`export` serves
`/v1/orders/export`), so a handler scores the failure rate of the requests
whose path carries one of its name's words. Words every path carries
(`orders` in `/v1/orders/...`) score the overall rate and so do not stand out.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
MIN_REQUESTS = 3  # a word seen on fewer requests says nothing


def words(text: str) -> set[str]:
    """Lower-case words of an identifier or path: `exportMonth`, `export_month`, `/v1/orders/export`."""
    return {w.lower() for w in _WORD.findall(text or "") if len(w) >= 3}


def path_stats(records: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """word -> (failed, total) over request log records (5xx and 429 fail)."""
    failed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for record in records:
        http = record.get("http") or {}
        status = http.get("status")
        if status is None or not http.get("path"):
            continue
        bad = status >= 500 or status == 429
        for word in words(http["path"]):
            total[word] += 1
            failed[word] += bad
    return {w: (failed[w], total[w]) for w in total}


def handler_failure_rate(handler: str | None, stats: dict[str, tuple[int, int]]) -> float:
    """The highest failure rate among the request paths that share a word with the handler's name."""
    rates = [stats[w][0] / stats[w][1] for w in words(handler or "") if w in stats and stats[w][1] >= MIN_REQUESTS]
    return max(rates, default=0.0)
