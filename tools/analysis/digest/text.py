"""A digest's size in tokens, and the digest as the compact text an LLM reads first.

Split out of tools/analysis/digest/analyze.py: both read a finished digest dict only, so the
CLI, the benchmarks and the investigation can size or print a digest without
building one.
"""

from __future__ import annotations

import json
import math
from typing import Any


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
        peak = f"peak 5xx {tl['peak_5xx_bucket']}" if tl.get("peak_5xx_bucket") else "no 5xx"
        out.append(f"timeline per {tl['bucket']} [{' '.join(tl['columns'])}] first error bucket "
                   f"{tl.get('first_error_bucket')}, {peak}:")
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
    skipped = (digest.get("input") or {}).get("files_skipped")
    if skipped:
        out.append(f"input: {digest['input'].get('files')} files read, {skipped} skipped: "
                   + "; ".join(digest["input"].get("skipped") or []))
    return "\n".join(out)

