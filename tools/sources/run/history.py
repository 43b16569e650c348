"""What the Cloud Run API remembers about the window: failed rollouts, what they changed, failed runs.

A revision that never became ready, the settings a new revision changed and a
job execution's failed tasks are each evidence the logs alone do not carry;
this module turns list_revisions / list_executions / describe_execution
output into the bundle entries the evidence stage reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools.sources.calls import call
from tools.sources.run.revision_timeline import diff_settings
from tools.timewindow import DEPLOY_LOOKBACK, parse_time

MAX_FAILED_EXECUTIONS = 3  # each costs one executions.get and one tasks.list


def execution_failures(project: str, region: str, job: str, executions: list[dict[str, Any]], start: str,
                       end: str, gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed conditions of the window's failed executions, and their tasks' last-attempt results.

    "Task failed" on an execution is the wrapper; the task's own exit code and
    status message (a timeout, a memory kill, the app's error) is what says why,
    so it is read and matched against the catalog like a log line.
    """
    from tools.sources.run import cloud_run as cloud_run

    rows: list[dict[str, Any]] = []
    lo, hi = parse_time(start), parse_time(end)
    failed = [e for e in executions if e.get("failed") and e.get("name") and
              lo <= parse_time(e.get("completion_time") or e.get("create_time") or start) <= hi]
    for execution in failed[:MAX_FAILED_EXECUTIONS]:
        for cond in execution.get("conditions") or []:
            rows.append({**cond, "raw_ref": f"{execution['name']}#{cond.get('field') or 'conditions'}",
                         "source": "cloud_run_job", "timestamp": cond.get("last_transition_time")})
        described = call("cloud_run_job", "task results (exit codes)", f"crobs describe-execution --project-id "
                          f"{project} --region {region} --job {job} --execution {execution['short_name']}",
                          lambda e=execution: cloud_run.describe_execution(project, region, job, e["short_name"]),
                          gaps)
        for task in (described or {}).get("tasks") or []:
            code, message = task.get("exit_code"), task.get("message")
            if not code and not task.get("term_signal") and not task.get("status_code"):
                continue
            text = message or f"exit code {code}"
            rows.append({"type": "TaskAttempt", "state": "CONDITION_FAILED", "message": text,
                         "reason": f"exit code {code}" if code is not None else None,
                         "raw_ref": f"{execution['name']}/tasks/{task['name']}#lastAttemptResult",
                         "source": "cloud_run_job", "timestamp": task.get("completion_time")})
    return rows


def window_changes(revisions: list[dict[str, Any]], start: str, end: str) -> list[dict[str, Any]]:
    """Settings each revision created for this window (from 2 h before it) changed."""

    return revision_changes(revisions, parse_time(start) - DEPLOY_LOOKBACK, parse_time(end))


def symptom_revision_settings(revisions: list[dict[str, Any]], records: list[dict[str, Any]],
                              service_settings: list[dict[str, Any]], failed: list[str]) -> list[dict[str, Any]]:
    from tools.sources.run.revision_settings import symptom_revision_settings as on_revisions

    return list(on_revisions(revisions, records, service_settings, failed))  # type: ignore[arg-type]


def failed_revisions(revisions: list[dict[str, Any]], start: str, end: str) -> list[dict[str, Any]]:
    """Revisions created for this window (from 2 h before it) that never became ready.

    They served no traffic, which is exactly why they matter: a rollout that failed is
    the incident, and its conditions say why (the image, the port, a secret, a probe).
    """

    earliest, latest = parse_time(start) - DEPLOY_LOOKBACK, parse_time(end)
    found = []
    for revision in revisions:
        created = revision.get("create_time")
        if revision.get("ready") is not False or not revision.get("name") or not created:
            continue
        if earliest <= parse_time(created) <= latest:
            found.append(revision)
    return found


IGNORED = {"image"}  # every rollout changes it; `deploy` rows already stand for it


def revision_changes(revisions: list[dict[str, Any]], earliest: datetime, latest: datetime) -> list[dict[str, Any]]:
    """Changed settings of each revision created in [earliest, latest] against its predecessor.

    `revisions` is list_revisions output (summary plus `settings`); the
    predecessor is the newest revision created before it.
    """
    dated = sorted((r for r in revisions if r.get("create_time") and r.get("settings") is not None),
                   key=lambda r: parse_time(r["create_time"]))
    changes = []
    for before, after in zip(dated, dated[1:], strict=False):
        created = parse_time(after["create_time"])
        if not earliest <= created <= latest:
            continue
        for change in diff_settings(before["settings"], after["settings"]):
            if change["setting"] in IGNORED or not change.get("raw_ref"):
                continue
            changes.append({**change, "revision": after.get("short_name") or after.get("name"),
                            "previous": before.get("short_name") or before.get("name"),
                            "created": after["create_time"], "ready": after.get("ready")})
    return changes
