"""The settings of the revision the failures happened on, where they differ from the service's.

`services describe` gives the template of the *next* revision. After a
hotfix (`--memory=512Mi`) the template no longer shows the 256Mi the
instances were killed at: that value lives on the revision that served the
failing requests. So each revision that carries failures in the window (5xx
or 429 responses, ERROR+ log lines, or a rollout that never became ready) contributes the settings whose value
differs from the service template, cited at the revision's own field
(`.../revisions/<name>#containers[0].resources.limits.memory`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from tools.records import Setting

_FAILING = {"ERROR", "CRITICAL", "ALERT", "EMERGENCY"}


def _failing(record: dict[str, Any]) -> bool:
    status = (record.get("http") or {}).get("status")
    if isinstance(status, int) and (status >= 500 or status == 429):
        return True
    return str(record.get("severity") or "").upper() in _FAILING


def failing_revisions(records: list[dict[str, Any]]) -> Counter[str]:
    """Failure records per revision name (from the log entries' resource labels)."""
    counts: Counter[str] = Counter()
    for record in records:
        revision = (record.get("resource") or {}).get("revision_name")
        if revision and _failing(record):
            counts[revision] += 1
    return counts


def symptom_revision_settings(revisions: list[dict[str, Any]], records: list[dict[str, Any]],
                              service_settings: list[Setting], never_ready: Iterable[str] = ()) -> list[Setting]:
    """Settings of revisions with failures in the window (or that never became ready: a failed rollout
    writes no request log) that the service template no longer has."""
    counts = failing_revisions(records)
    for name in never_ready:
        counts[name] += 1
    template: dict[str, list[Any]] = {}
    for setting in service_settings:
        template.setdefault(setting["setting"], []).append(setting.get("value"))
    out: list[Setting] = []
    for revision in sorted(revisions, key=lambda r: -counts.get(r.get("short_name") or "", 0)):
        if not counts.get(revision.get("short_name") or ""):
            continue
        for setting in revision.get("settings") or []:
            if setting["setting"] in template and setting.get("value") not in template[setting["setting"]]:
                out.append(setting)
                template[setting["setting"]].append(setting.get("value"))  # once per value, most failures first
    return out
