"""Error templates of a digest: drain3 over WARNING+ lines, failed requests by status and masked path.

Split out of tools/analysis/digest/analyze.py. drain3 runs in memory over WARNING+ log lines
and 4xx/5xx requests only, never over successful requests: healthy traffic
would drown the templates and cost most of the time.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tools.analysis.error_line import error_line
from tools.records import LogRecord

# Variable tokens masked before drain3 sees a line, with ONE regex: a token that starts with a digit
# (numbers, IPs, durations, ids like 8f3a2b1c) or a long hex run with a digit. Masking first lets the
# exact-text cache hit for lines that differ only in ids, so drain3 runs once per shape, not per line.
_MASK_RE = re.compile(r"(?<![A-Za-z])\d[\w.:-]*|\b(?=[a-f]*\d)[0-9a-f]{8,}\b")
_MASK = "<NUM>"
_CACHE_MAX = 20_000
_PATH_ID_RE = re.compile(r"/(?=[^/]*\d)[^/]+")  # path segments with a digit (ids, hashes, dates)


class TemplateCounter:
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
        return error_line(message.strip())

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

