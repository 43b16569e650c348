"""Cloud Run v2 resource JSON → a plain summary and canonical settings.

Pure functions over the camelCase JSON that `GET /v2/{name}` returns (or that
`MessageToDict` gives for a client object). They exist so that rules can ask
"is max instances 1?" or "is CPU throttled?" the same way whether the value
came from the live API or from Terraform: every value becomes a
`tools.records.Setting` with a canonical name and a `<resource name>#<field
path>` raw_ref.

Proto3 leaves zero values off the wire, so an absent field means the platform
default applies; those settings carry `is_default: true` with the default from
tools/data/run_defaults.yaml. Env var values are never copied, only names;
secrets become `{secret, version}` references.

The pieces live in tools/sources/run/values.py (single values), run_conditions.py,
run_containers.py and run_settings.py; this module summarizes a resource
and re-exports them, where the sources, the timeline and the tests import
them.
"""

from __future__ import annotations

from typing import Any

from tools.sources.run.conditions import conditions, is_ready
from tools.sources.run.containers import container_summary, env_names, secret_refs
from tools.sources.run.settings import settings, settings_map
from tools.sources.run.values import (
    duration_seconds,
    execution_environment,
    normalize_cpu,
    platform_defaults,
    resource_kind,
    rfc3339,
    short_name,
    state_name,
)

__all__ = [
    "conditions", "container_summary", "duration_seconds", "env_names", "execution_environment", "is_ready",
    "normalize_cpu", "platform_defaults", "resource_kind", "rfc3339", "secret_refs", "settings", "settings_map",
    "short_name", "summarize",
]

_TRAFFIC_TYPES = {
    0: "UNSPECIFIED",
    1: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST",
    2: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
}
_COMPLETION = {
    0: None,
    1: "EXECUTION_SUCCEEDED",
    2: "EXECUTION_FAILED",
    3: "EXECUTION_RUNNING",
    4: "EXECUTION_PENDING",
    5: "EXECUTION_CANCELLED",
}


def _traffic(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    result = []
    for item in items or []:
        kind = state_name(item.get("type"), _TRAFFIC_TYPES) or ""
        result.append(
            {
                "revision": item.get("revision") or None,
                "latest": kind.endswith("LATEST"),
                "percent": item.get("percent", 0),
                "tag": item.get("tag") or None,
            }
        )
    return result


def summarize(resource: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """The fields an investigation reads, in plain data, for any of the four kinds."""
    kind = kind or resource_kind(resource)
    base: dict[str, Any] = {
        "kind": kind,
        "name": resource.get("name"),
        "short_name": short_name(resource.get("name")),
        "create_time": rfc3339(resource.get("createTime")),
        "update_time": rfc3339(resource.get("updateTime")),
        "creator": resource.get("creator"),
        "last_modifier": resource.get("lastModifier"),
        "generation": resource.get("generation"),
        "labels": resource.get("labels") or {},
        "conditions": conditions(resource),
        "ready": is_ready(resource),
    }
    if kind in ("service", "revision"):
        template = resource.get("template") or {} if kind == "service" else resource
        volumes = template.get("volumes") or []
        base["containers"] = [container_summary(c, volumes) for c in template.get("containers") or []]
        base["scaling"] = dict(template.get("scaling") or {})
        base["max_instance_request_concurrency"] = template.get("maxInstanceRequestConcurrency")
        base["timeout_seconds"] = duration_seconds(template.get("timeout"))
        base["service_account"] = template.get("serviceAccount")
        base["execution_environment"] = execution_environment(template.get("executionEnvironment"))
    if kind == "service":
        base.update(
            uri=resource.get("uri"),
            service_scaling=dict(resource.get("scaling") or {}),
            traffic=_traffic(resource.get("traffic")),
            traffic_statuses=_traffic(resource.get("trafficStatuses")),
            latest_ready_revision=short_name(resource.get("latestReadyRevision")),
            latest_created_revision=short_name(resource.get("latestCreatedRevision")),
            ingress=resource.get("ingress"),
        )
    elif kind == "revision":
        base.update(service=short_name(resource.get("service")), log_uri=resource.get("logUri"))
    elif kind == "job":
        template = resource.get("template") or {}
        task = template.get("template") or {}
        volumes = task.get("volumes") or []
        latest = resource.get("latestCreatedExecution") or {}
        base.update(
            containers=[container_summary(c, volumes) for c in task.get("containers") or []],
            task_count=template.get("taskCount") or 1,
            parallelism=template.get("parallelism") or 0,
            max_retries=task.get("maxRetries", platform_defaults()["job"]["max_retries"]),
            task_timeout_seconds=duration_seconds(task.get("timeout")),
            execution_count=resource.get("executionCount", 0),
            latest_execution={
                "name": short_name(latest.get("name")),
                "create_time": rfc3339(latest.get("createTime")),
                "completion_time": rfc3339(latest.get("completionTime")),
                "completion_status": state_name(latest.get("completionStatus"), _COMPLETION),
            }
            if latest
            else None,
        )
    elif kind == "execution":
        task = resource.get("template") or {}
        base.update(
            job=short_name(resource.get("job")),
            task_count=resource.get("taskCount") or 1,
            parallelism=resource.get("parallelism") or 0,
            max_retries=task.get("maxRetries", platform_defaults()["job"]["max_retries"]),
            task_timeout_seconds=duration_seconds(task.get("timeout")),
            start_time=rfc3339(resource.get("startTime")),
            completion_time=rfc3339(resource.get("completionTime")),
            running=resource.get("runningCount", 0),
            succeeded=resource.get("succeededCount", 0),
            failed=resource.get("failedCount", 0),
            cancelled=resource.get("cancelledCount", 0),
            retried=resource.get("retriedCount", 0),
            log_uri=resource.get("logUri"),
        )
    return base
