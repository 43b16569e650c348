"""Logs of the dependencies the service's configuration names (Cloud SQL today).

"too many connections" seen by the app is a symptom; the database's own
`postgres.log`/`mysql.err` says whether it ran out of slots, restarted or was
overloaded, which is what separates a pool misconfiguration from an outage of
the database. The Cloud SQL instances come from the revision's Cloud SQL
volume or the `run.googleapis.com/cloudsql-instances` annotation; the read is
one bounded query in the same window, so it costs one list call in the quota.
"""

from __future__ import annotations

from typing import Any

from tools.sources.logging.query import quote_value

CLOUDSQL_LIMIT = 2_000  # warnings and errors of the database in the window; more is a data gap


def cloudsql_instances(settings: list[dict[str, Any]]) -> list[str]:
    """Connection names (`project:region:instance`) from live settings, in order, once each."""
    found: list[str] = []
    for item in settings:
        if item.get("setting") != "cloudsql_instances":
            continue
        for name in item.get("value") or []:
            if isinstance(name, str) and name.count(":") == 2 and name not in found:
                found.append(name)
    return found


def database_id(connection_name: str) -> str:
    """Cloud SQL log entries label the instance `project:instance` (no region)."""
    project, _, instance = connection_name.split(":")
    return f"{project}:{instance}"


def cloudsql_filter(connection_names: list[str]) -> str:
    """Warnings and errors of the named instances (the window is added by the caller)."""
    ids = [f"resource.labels.database_id={quote_value(database_id(n))}" for n in connection_names]
    which = ids[0] if len(ids) == 1 else "(" + " OR ".join(ids) + ")"
    return "\n".join(['resource.type="cloudsql_database"', which, "severity>=WARNING"])


def fetch_cloudsql_logs(connection_names: list[str], start: str, end: str) -> dict[str, Any]:
    """The instances' warning and error entries in the window, as normalized records.

    An instance's logs live in its own project (the connection name's first part),
    which may not be the service's; one query per project.
    """
    from tools.sources.logging.cloud_logging import query_logs

    records: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    by_project: dict[str, list[str]] = {}
    for name in connection_names:
        by_project.setdefault(name.split(":")[0], []).append(name)
    for project, names in by_project.items():
        result = query_logs(project, cloudsql_filter(names), start, end, limit=CLOUDSQL_LIMIT)
        records.extend(result.get("records") or [])
        gaps.extend(result.get("data_gaps") or [])
    return {"records": records, "data_gaps": gaps}
