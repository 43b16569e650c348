"""Deploy history from Cloud Run audit logs: who changed the target, when, and did it become ready.

A regression that starts right after a deploy is the most common Cloud Run
incident, so the window is widened by a lead-in (default 2 h) before the
incident start. Admin Activity entries say who deployed (principalEmail) with
which API (v1 ReplaceService from gcloud, v2 UpdateService from Terraform or
the console); System Event entries say whether the new revision turned Ready.

The entries are read with the google-cloud-logging client directly rather
than through the normalized LogRecord, because the audit payload fields this
needs (methodName, principalEmail, status, operation) are not part of
LogRecord. Patterns live in tools/data/deploy_events.yaml.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

import yaml

from tools.errors import UsageError
from tools.paths import DATA
from tools.records import DataGap
from tools.timewindow import format_time, parse_duration, parse_time, parse_window

LOGS_VIEWER_ROLE = "roles/logging.viewer"
MAX_LIMIT = 5000
PAGE_SIZE = 1000


@cache
def _patterns() -> dict[str, Any]:
    data = yaml.safe_load((DATA / "deploy_events.yaml").read_text(encoding="utf-8"))
    return {
        "deploy": {kind: [re.compile(p) for p in pats] for kind, pats in data["deploy_methods"].items()},
        "system": [
            {**item, "regex": re.compile(item["pattern"])} for item in data["system_messages"]
        ],
    }


def _quote(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_filter(project_id: str, region: str, target_type: str, target_name: str, start: datetime,
                 end: datetime) -> str:
    """The Logging filter for the target's activity and system-event audit entries in [start, end)."""
    label = "service_name" if target_type == "service" else "job_name"
    plural = "services" if target_type == "service" else "jobs"
    logs = " OR ".join(
        f"logName={_quote(f'projects/{project_id}/logs/cloudaudit.googleapis.com%2F{log}')}"
        for log in ("activity", "system_event")
    )
    return (
        f'protoPayload.serviceName="run.googleapis.com" AND ({logs}) AND '
        f"(resource.labels.{label}={_quote(target_name)} OR "
        f"protoPayload.resourceName:{_quote(f'{plural}/{target_name}')}) AND "
        f"resource.labels.location={_quote(region)} AND "
        f"timestamp>={_quote(format_time(start))} AND timestamp<{_quote(format_time(end))}"
    )


def _short_log(log_name: str) -> str:
    return unquote(log_name.split("/logs/", 1)[-1]) if log_name else ""


def _timestamp(value: Any) -> str | None:
    """RFC 3339 UTC with Z, the form every other record uses."""
    if not value:
        return None
    try:
        return format_time(parse_time(value, "timestamp"))
    except UsageError:
        return str(value)


def classify(entry: dict[str, Any], target_type: str = "service") -> dict[str, Any] | None:
    """One audit LogEntry (API JSON) → a deploy event, or None when it is not one.

    Events: {timestamp, kind: deploy|ready|failed, method, actor, revision,
    service, job, ready, message, raw_ref}.
    """
    payload = entry.get("protoPayload") or {}
    if not isinstance(payload, dict):
        return None
    method = str(payload.get("methodName") or "")
    labels = (entry.get("resource") or {}).get("labels") or {}
    status = payload.get("status") or {}
    log = _short_log(str(entry.get("logName") or ""))
    event: dict[str, Any] = {
        "timestamp": _timestamp(entry.get("timestamp")),
        "kind": None,
        "method": method,
        "actor": (payload.get("authenticationInfo") or {}).get("principalEmail"),
        "revision": labels.get("revision_name") or None,
        "service": labels.get("service_name") or None,
        "job": labels.get("job_name") or None,
        "execution": None,
        "ready": None,
        "message": status.get("message") or "",
        "raw_ref": f"{log}#{entry.get('insertId', '')}",
    }
    patterns = _patterns()
    if log.endswith("system_event"):
        for item in patterns["system"]:
            match = item["regex"].search(event["message"])
            if match:
                event["kind"], event["ready"] = item["kind"], item["ready"]
                groups = {k: v for k, v in match.groupdict().items() if v}
                event["revision"] = groups.get("revision", event["revision"])
                event["service"] = groups.get("service", event["service"])
                if "execution" in groups:
                    event["execution"] = groups["execution"]
                return event
        return None
    if any(p.search(method) for p in patterns["deploy"].get(target_type, [])):
        failed = entry.get("severity") == "ERROR" or bool(status.get("code"))
        event["kind"] = "failed" if failed else "deploy"
        event["ready"] = False if failed else None
        agent = (payload.get("requestMetadata") or {}).get("callerSuppliedUserAgent")
        verb = method.rsplit(".", 1)[-1]
        detail = event["message"] or (f"via {agent.split()[0]}" if agent else "")
        event["message"] = f"{verb} by {event['actor'] or 'unknown principal'}" + (f" ({detail})" if detail else "")
        event["operation"] = entry.get("operation") or None
        return event
    return None


def collapse_operations(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep one event per long-running operation (its first entry), so a deploy counts once."""
    seen: set[str] = set()
    kept = []
    for event in events:
        op = event.pop("operation", None) or {}
        op_id = op.get("id") if isinstance(op, dict) else None
        if op_id:
            if op_id in seen:
                continue
            seen.add(op_id)
        kept.append(event)
    return kept


def is_target(entry: dict[str, Any], target_type: str, name: str) -> bool:
    """The entry is about exactly this service/job (`resourceName:` in the filter also matches prefixes)."""
    labels = (entry.get("resource") or {}).get("labels") or {}
    if labels.get("service_name" if target_type == "service" else "job_name") == name:
        return True
    plural = "services" if target_type == "service" else "jobs"
    resource_name = str((entry.get("protoPayload") or {}).get("resourceName") or "")
    return re.search(rf"(^|/){plural}/{re.escape(name)}(/|$)", resource_name) is not None


def summarize_events(entries: list[dict[str, Any]], target_type: str, name: str | None = None,
                     unreadable: Any = None) -> list[dict[str, Any]]:
    """Audit entries (API JSON) → classified, time-ordered, one per operation.

    An entry that cannot be read (not an object, odd field types) is skipped and, given an
    `Unreadable` counter, counted: one such entry must not cost the deploy history.
    """
    events = []
    for entry in entries:
        try:
            if name and not is_target(entry, target_type, name):
                continue
            event = classify(entry, target_type)
        except Exception as exc:  # noqa: BLE001 - per-record isolation
            if unreadable is not None:
                unreadable.add("nested too deeply" if isinstance(exc, RecursionError)
                               else f"{type(exc).__name__}: {str(exc)[:80]}")
            continue
        if event:
            events.append(event)
    events.sort(key=lambda e: str(e["timestamp"] or ""))
    return collapse_operations(events)


def _gap(exc: Exception, project_id: str, retry_command: str) -> DataGap | None:
    import requests
    from google.api_core import exceptions

    if isinstance(exc, exceptions.Forbidden | exceptions.Unauthorized):
        return DataGap(
            source="audit_log",
            missing_signal="deploy history (Cloud Run audit logs)",
            why_missing=f"permission denied reading logs in project {project_id} (needs {LOGS_VIEWER_ROLE})",
            follow_up=f"gcloud projects add-iam-policy-binding {project_id} --member=user:YOUR_EMAIL "
            f"--role={LOGS_VIEWER_ROLE} && {retry_command}",
        )
    if isinstance(exc, exceptions.GoogleAPICallError | exceptions.RetryError | requests.exceptions.RequestException):
        text = str(getattr(exc, "message", None) or exc).splitlines()[0][:300]
        return DataGap(
            source="audit_log",
            missing_signal="deploy history (Cloud Run audit logs)",
            why_missing=f"Cloud Logging entries:list failed: {text}",
            follow_up=retry_command,
        )
    return None


def _target(service: str | None, job: str | None) -> tuple[str, str]:
    if bool(service) == bool(job):
        raise UsageError("give exactly one of --service or --job")
    target_type, name = ("service", service) if service else ("job", job)
    if "/" in str(name) or '"' in str(name) or not str(name).strip():
        raise UsageError(f"{target_type}: {name!r} is not a valid Cloud Run {target_type} name")
    return target_type, str(name)


# tool
def fetch_deploy_events(
    project_id: str,
    region: str,
    start: str,
    end: str | None = None,
    service: str | None = None,
    job: str | None = None,
    lead_in: str = "2h",
    limit: int = 500,
) -> dict[str, Any]:
    """Deploys and readiness changes of a service or job from the window start minus lead_in to the end."""
    target_type, name = _target(service, job)
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    window_start, window_end = parse_window(start, end)
    fetch_start = window_start - parse_duration(lead_in)
    filter_text = build_filter(project_id, region, target_type, name, fetch_start, window_end)
    retry_command = (
        f"crobs fetch-deploy-events --project-id {project_id} --region {region} --{target_type} {name} "
        f"--start {format_time(window_start)} --end {format_time(window_end)} --json"
    )
    from tools.sources.logging.cloud_logging import LogFetch

    # The raw pager, not Client.list_entries: the latter builds a Logger per log
    # name, which probes the GCE metadata server (seconds per probe off GCP).
    fetch = LogFetch(project_id, filter_text, limit + 1, subject="deploy history (Cloud Run audit logs)")
    entries: list[dict[str, Any]] = []
    try:
        for page in fetch.pages():
            entries.extend(page)
    except Exception as exc:
        gap = _gap(exc, project_id, retry_command)
        if gap is None:
            raise
        return {"events": [], "data_gaps": [gap], "filter": filter_text, "truncated": False}
    truncated = len(entries) > limit
    entries = entries[:limit]
    gaps: list[DataGap] = []
    for gap in fetch.data_gaps:
        gaps.append(DataGap(source="audit_log", missing_signal="deploy history (Cloud Run audit logs)",
                            why_missing=gap["why_missing"],
                            follow_up=f"{gap['follow_up']} && {retry_command}"
                            if "add-iam-policy-binding" in gap["follow_up"] else retry_command))
    if truncated:
        gaps.append(
            DataGap(
                source="audit_log",
                missing_signal="deploy events after the first " + str(limit),
                why_missing=f"more than {limit} audit entries matched; later ones were not read",
                follow_up=retry_command.replace(" --json", f" --limit {min(limit * 4, MAX_LIMIT)} --json"),
            )
        )
    from tools.sources.logging.entries import Unreadable

    unreadable = Unreadable("audit log entries")
    unreadable.seen = len(entries)
    events = summarize_events(entries, target_type, name, unreadable)
    if unreadable.count:
        gaps.append(DataGap(source="audit_log", missing_signal="deploy events in entries that could not be read",
                            why_missing=unreadable.why(), follow_up=retry_command))
    return {
        "events": events,
        "data_gaps": gaps,
        "filter": filter_text,
        "window": {"start": format_time(fetch_start), "end": format_time(window_end)},
        "truncated": truncated,
    }
