"""Instance starts and shutdowns and deploy markers, read from Cloud Run's system and audit log text.

Split out of tools/analysis/digest/analyze.py: the platform's wording ("Starting new
instance. Reason: ...", "Container called exit(1)", audit method names) is
matched here, and the builder only counts what these functions recognise.
"""

from __future__ import annotations

import re
from typing import Any

from tools.records import LogRecord

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


def lifecycle_event(message: str) -> tuple[str, str] | None:
    """("start", reason) or ("shutdown", kind or kind:code) for a platform lifecycle line; None otherwise."""
    m = _START_RE.search(message)
    if m:
        return "start", m.group(1)
    for name, rx in _SHUTDOWN_RES:
        m = rx.search(message)
        if m:
            return "shutdown", f"{name}:{m.group(1)}" if m.groups() else name
    return None


def deploy_action(message: str) -> str | None:
    """The deploy call or Ready transition an audit line names; None when the line is not a deploy."""
    m = _DEPLOY_RE.search(message)
    if not m or not any(word in m.group(1) for word in _DEPLOY_METHODS):
        return None
    return m.group(1)


def bump(table: dict[str, list[Any]], key: str, ts: str, record: LogRecord) -> None:
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


def lifecycle_rows(table: dict[str, list[Any]]) -> list[dict[str, Any]]:
    rows = sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))[:10]
    return [{"reason": k, "count": v[0], "first": v[1], "last": v[2], "example_raw_ref": v[3]} for k, v in rows]

