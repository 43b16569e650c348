"""Cloud Logging filters built from typed parameters.

fetch_logs never lets a caller hand-assemble the common filter: the target,
the log kinds and the severity come in as checked values and leave as one
filter in the Logging query language, always with an explicit timestamp
range (without one the client silently adds a 24 h clause).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote

import yaml

from tools.errors import UsageError
from tools.paths import DATA
from tools.sources.logging.filter import SEVERITIES
from tools.timewindow import format_time


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load((DATA / "log_kinds.yaml").read_text(encoding="utf-8"))


def log_kinds() -> dict[str, str]:
    """Short kind name -> log ID (`requests` -> `run.googleapis.com/requests`)."""
    return dict(_data()["log_kinds"])


@cache
def _kinds_by_log_id() -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, known in log_kinds().items():
        out.setdefault(known, kind)  # the first kind listed for a log ID, as the linear search gave
    return out


def kind_of_log_id(log_id: str) -> str:
    """The short kind for a URL-decoded log ID; `other` when it is not a Cloud Run log (read per entry: a dict)."""
    return _kinds_by_log_id().get(log_id, "other")


def quote_value(value: str) -> str:
    """A Logging query string literal: double quotes, backslash escapes."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def log_name(project_id: str, log_id: str) -> str:
    """The full, URL-encoded logName, as entries carry it."""
    return f"projects/{project_id}/logs/{quote(log_id, safe='')}"


def time_clause(start: datetime, end: datetime) -> str:
    """Half-open [start, end): consecutive windows never count an entry twice."""
    return f"timestamp>={quote_value(format_time(start))} AND timestamp<{quote_value(format_time(end))}"


def build_filter(
    project_id: str,
    target_type: str,
    target_name: str,
    start: datetime,
    end: datetime,
    region: str | None = None,
    revision: str | None = None,
    severity_min: str | None = None,
    log_kinds_wanted: list[str] | None = None,
    text: str | None = None,
) -> str:
    """One line per clause (newlines are AND in the language), timestamp range last."""
    targets = _data()["targets"]
    if target_type not in targets:
        raise UsageError(f"target_type {target_type!r}: use one of {', '.join(targets)}")
    if not target_name or not str(target_name).strip():
        raise UsageError("target_name is empty")
    target = targets[target_type]
    clauses = [
        f"resource.type={quote_value(target['resource_type'])}",
        f"resource.labels.{target['name_label']}={quote_value(target_name)}",
    ]
    if region:
        clauses.append(f"resource.labels.location={quote_value(region)}")
    if revision:
        if target_type != "service":
            raise UsageError("revision applies to services; a job's runs are filtered by execution")
        clauses.append(f"resource.labels.revision_name={quote_value(revision)}")
    if severity_min:
        level = str(severity_min).strip().upper()
        if level not in SEVERITIES:
            raise UsageError(f"severity_min {severity_min!r}: use one of {', '.join(SEVERITIES)}")
        clauses.append(f"severity>={level}")
    if log_kinds_wanted:
        known = log_kinds()
        unknown = [k for k in log_kinds_wanted if k not in known]
        if unknown:
            raise UsageError(f"log_kinds {', '.join(unknown)}: use any of {', '.join(known)}")
        names = [f"logName={quote_value(log_name(project_id, known[k]))}" for k in dict.fromkeys(log_kinds_wanted)]
        clauses.append(names[0] if len(names) == 1 else "(" + " OR ".join(names) + ")")
    if text:
        literal = quote_value(text)
        clauses.append(f"(textPayload:{literal} OR jsonPayload:{literal} OR protoPayload.status.message:{literal})")
    clauses.append(time_clause(start, end))
    return "\n".join(clauses)


def with_window(filter_text: str, start: datetime, end: datetime) -> str:
    """A caller's filter, parenthesized, ANDed with the enforced window."""
    body = filter_text.strip()
    if not body:
        return time_clause(start, end)
    return f"({body})\n{time_clause(start, end)}"
