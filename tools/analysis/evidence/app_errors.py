"""Application errors that recur and that the catalog does not name.

A service whose own code logs the same error every minute for an hour
("unlock failed: context canceled") is not healthy, even when every request
succeeds: something it does outside the request path keeps failing. Such a
line is a measured symptom without a known cause, so it counts for `other`
(shared) and forbids a `healthy` verdict (tools/analysis/ranking.py failure_signs).
One-off errors and lines the catalog names are left alone: those are either
noise or already a signature item with its own labels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from tools.analysis.evidence.items import make_item, one_line

MIN_LINES = 10  # a template logged at least this often ...
MIN_MINUTES = 5  # ... in at least this many distinct minutes recurs
MAX_ITEMS = 3
_APP_KINDS = {"stdout", "stderr"}
_FAILING = {"ERROR", "CRITICAL", "ALERT", "EMERGENCY"}
_MASK = re.compile(r"(?<![A-Za-z])\d[\w.:-]*|\b(?=[a-f]*\d)[0-9a-f]{8,}\b")


def _service(record: dict[str, Any]) -> str | None:
    resource = record.get("resource") or {}
    return resource.get("service_name") or resource.get("job_name")


def recurring_error_items(records: list[dict[str, Any]], target_name: str | None) -> list[dict[str, Any]]:
    """One item per recurring, uncatalogued application error template, most frequent first."""
    from tools.analysis.signatures import default_matcher

    matcher = default_matcher()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if (record.get("log_kind") not in _APP_KINDS or str(record.get("severity") or "").upper() not in _FAILING
                or (target_name and _service(record) not in (None, target_name)) or not record.get("raw_ref")):
            continue
        head = one_line(str(record.get("message") or "").split("\n", 1)[0], 160)
        groups[_MASK.sub("<N>", head)].append(record)
    found = []
    for template, group in groups.items():
        minutes = {str(r.get("timestamp") or "")[:16] for r in group}
        if len(group) >= MIN_LINES and len(minutes) >= MIN_MINUTES and not matcher.match(group[0]):
            found.append((template, sorted(group, key=lambda r: r.get("timestamp", "")), len(minutes)))
    found.sort(key=lambda f: (-len(f[1]), f[0]))
    items = []
    for index, (template, group, minutes) in enumerate(found[:MAX_ITEMS]):
        first, last = group[0], group[-1]
        text = one_line(str(first.get("message") or ""), 160)
        items.append(make_item(
            f"app_error:{index}", "app_error", "cloud_logging", first["raw_ref"], first.get("timestamp", ""),
            static=False,
            attrs={"template": template, "count": len(group), "minutes": minutes, "last_seen": last.get("timestamp"),
                   "severity": "ERROR"},
            confidence="high", strength=0.8,
            signal={"en": f"{len(group)}× an application error no catalog entry names, in {minutes} distinct "
                          f"minutes ({first.get('timestamp')} to {last.get('timestamp')}): {text}",
                    "ja": f"カタログにないアプリケーションエラーが {minutes} 分にわたり {len(group)} 件"
                          f"（{first.get('timestamp')} から {last.get('timestamp')}）: {text}"},
            service=target_name,
        ))
    return items
