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
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA
from tools.records import Setting

_KINDS = (("executions", "execution"), ("revisions", "revision"), ("services", "service"), ("jobs", "job"))
_SOURCES = {
    "service": "cloud_run_service",
    "revision": "cloud_run_revision",
    "job": "cloud_run_job",
    "execution": "cloud_run_job",
}
# Integer enum values as the API returns them with `enum-encoding=int`.
_EXEC_ENV = {0: "unspecified", 1: "gen1", 2: "gen2"}
_CONDITION_STATES = {
    0: "STATE_UNSPECIFIED",
    1: "CONDITION_PENDING",
    2: "CONDITION_RECONCILING",
    3: "CONDITION_FAILED",
    4: "CONDITION_SUCCEEDED",
}
_TRAFFIC_TYPES = {
    0: "UNSPECIFIED",
    1: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST",
    2: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
}
_SEVERITIES = {0: None, 1: "ERROR", 2: "WARNING", 3: "INFO"}
_COMPLETION = {
    0: None,
    1: "EXECUTION_SUCCEEDED",
    2: "EXECUTION_FAILED",
    3: "EXECUTION_RUNNING",
    4: "EXECUTION_PENDING",
    5: "EXECUTION_CANCELLED",
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@cache
def platform_defaults() -> dict[str, dict[str, Any]]:
    """Platform defaults per target type (service/job), from the data file."""
    return yaml.safe_load((DATA / "run_defaults.yaml").read_text(encoding="utf-8"))


def rfc3339(value: Any) -> str | None:
    """API timestamps (nanosecond precision, offsets) → the RFC 3339 UTC form every record uses."""
    if not value:
        return None
    from tools.errors import UsageError
    from tools.timewindow import format_time, parse_time

    try:
        return format_time(parse_time(str(value)))
    except UsageError:
        return str(value)


def short_name(name: str | None) -> str | None:
    """`projects/p/locations/r/services/s/revisions/s-001` → `s-001`."""
    return name.rsplit("/", 1)[-1] if name else None


def resource_kind(resource: dict[str, Any]) -> str:
    """service | revision | job | execution, from the resource name's collection."""
    name = str(resource.get("name") or "")
    parts = name.split("/")
    for collection, kind in _KINDS:
        if len(parts) >= 2 and parts[-2] == collection:
            return kind
    if "service" in resource and "containers" in resource:
        return "revision"
    if "job" in resource:
        return "execution"
    if isinstance(resource.get("template"), dict) and "template" in resource["template"]:
        return "job"
    return "service"


def duration_seconds(value: Any) -> float | int | None:
    """`"300s"` → 300; `{"seconds": 300}` → 300; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, dict):
        seconds = float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
    else:
        match = _DURATION.match(str(value))
        if not match:
            return None
        seconds = float(match.group(1))
    return int(seconds) if seconds == int(seconds) else seconds


def normalize_cpu(value: Any) -> str | None:
    """`"1000m"` → `"1"`, `"500m"` stays; so that API and declared config compare equal."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith("m") and text[:-1].isdigit() and int(text[:-1]) % 1000 == 0:
        return str(int(text[:-1]) // 1000)
    return text


def execution_environment(value: Any) -> str | None:
    """EXECUTION_ENVIRONMENT_GEN2 / 2 → gen2; None when absent."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, int):
        return _EXEC_ENV.get(value, str(value))
    text = str(value).upper()
    if text.endswith("GEN1"):
        return "gen1"
    if text.endswith("GEN2"):
        return "gen2"
    return None


def _state_name(value: Any, table: dict[int, str]) -> str | None:
    if value is None:
        return None
    return table.get(value, str(value)) if isinstance(value, int) else str(value)


def _reason_name(field: str, value: Any) -> str:
    """Integer reason → the library's enum name (the integers are not contiguous)."""
    if not isinstance(value, int):
        return str(value)
    from google.cloud.run_v2.types import condition

    enum = {
        "reason": condition.Condition.CommonReason,
        "revisionReason": condition.Condition.RevisionReason,
        "executionReason": condition.Condition.ExecutionReason,
    }[field]
    try:
        return enum(value).name
    except ValueError:
        return str(value)


def conditions(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """terminalCondition + conditions as plain dicts (state names, one `reason` field)."""
    found = []
    items = []
    if isinstance(resource.get("terminalCondition"), dict):
        items.append(resource["terminalCondition"])
    items.extend(c for c in resource.get("conditions") or [] if isinstance(c, dict))
    seen = set()
    for cond in items:
        key = (cond.get("type"), cond.get("lastTransitionTime"), cond.get("message"))
        if key in seen:
            continue
        seen.add(key)
        reason = None
        for field in ("reason", "revisionReason", "executionReason"):
            if cond.get(field):
                reason = _reason_name(field, cond[field])
                break
        found.append(
            {
                "type": cond.get("type"),
                "state": _state_name(cond.get("state"), _CONDITION_STATES),
                "reason": reason,
                "message": cond.get("message"),
                "last_transition_time": rfc3339(cond.get("lastTransitionTime")),
                "severity": _SEVERITIES.get(cond["severity"]) if isinstance(cond.get("severity"), int)
                else cond.get("severity"),
            }
        )
    return found


def is_ready(resource: dict[str, Any]) -> bool | None:
    """True/False from the Ready/Completed (else terminal) condition; None when unknown."""
    found = conditions(resource)
    chosen = next((c for c in found if c["type"] in ("Ready", "Completed")), found[0] if found else None)
    if chosen is None:
        return None
    if chosen["state"] == "CONDITION_SUCCEEDED":
        return True
    if chosen["state"] == "CONDITION_FAILED":
        return False
    return None


# -- containers ------------------------------------------------------------


def _ingress_first(containers: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Containers with their index, the one serving traffic (has ports) first."""
    indexed = list(enumerate(containers))
    return sorted(indexed, key=lambda item: 0 if item[1].get("ports") else 1)


def env_names(container: dict[str, Any]) -> list[str]:
    return [e["name"] for e in container.get("env") or [] if isinstance(e, dict) and e.get("name")]


def secret_refs(container: dict[str, Any], volumes: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Secret references by env var or mount path: never the value."""
    refs = []
    for env in container.get("env") or []:
        ref = ((env or {}).get("valueSource") or {}).get("secretKeyRef")
        if ref:
            version = ref.get("version") or "latest"
            refs.append({"env": env.get("name"), "secret": ref.get("secret"), "version": version})
    mounts = {m.get("name"): m.get("mountPath") for m in container.get("volumeMounts") or []}
    for volume in volumes or []:
        secret = volume.get("secret")
        if secret and volume.get("name") in mounts:
            versions = [i.get("version") for i in secret.get("items") or [] if i.get("version")]
            version = ",".join(versions) or "latest"
            refs.append({"mount": mounts[volume["name"]], "secret": secret.get("secret"), "version": version})
    return refs


def _probe(probe: dict[str, Any] | None) -> dict[str, Any] | None:
    if not probe:
        return None
    summary: dict[str, Any] = {}
    for kind in ("httpGet", "tcpSocket", "grpc"):
        if kind in probe:
            summary[kind] = {k: v for k, v in (probe[kind] or {}).items() if k in ("path", "port", "service")}
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "failureThreshold"):
        if key in probe:
            summary[key] = probe[key]
    return summary


def container_summary(container: dict[str, Any], volumes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    resources = container.get("resources") or {}
    return {
        "name": container.get("name"),
        "image": container.get("image"),
        "command": container.get("command") or [],
        "args": container.get("args") or [],
        "ports": [p.get("containerPort") for p in container.get("ports") or []],
        "limits": dict(resources.get("limits") or {}),
        "cpu_idle": resources.get("cpuIdle"),
        "startup_cpu_boost": resources.get("startupCpuBoost", False),
        "env_names": env_names(container),
        "secret_refs": secret_refs(container, volumes),
        "startup_probe": _probe(container.get("startupProbe")),
        "liveness_probe": _probe(container.get("livenessProbe")),
    }


# -- settings ----------------------------------------------------------------


class _Collector:
    """Builds Setting dicts that share resource, source and target."""

    def __init__(self, name: str, kind: str, target_name: str | None):
        self.name = name
        self.source = _SOURCES[kind]
        self.target = target_name
        self.items: list[Setting] = []

    def add(self, setting: str, value: Any, path: str, default: Any = None, use_default: bool = False) -> None:
        is_default = value is None and use_default
        self.items.append(
            Setting(
                setting=setting,
                value=default if is_default else value,
                is_default=is_default,
                raw_ref=f"{self.name}#{path}",
                source=self.source,  # type: ignore[typeddict-item]
                origin="api",
                resource=self.name,
                target_name=self.target,
            )
        )


def _cpu_throttled(resources: dict[str, Any] | None) -> bool | None:
    """True/False, or None when `resources` is absent (default applies).

    The API omits `cpuIdle: false` (proto3 zero value) and documents that once
    `resources` is set the caller must send cpuIdle true to keep throttling; so
    `resources` present without `cpuIdle` means CPU is always allocated.
    """
    if not resources:
        return None
    return bool(resources.get("cpuIdle", False))


def _container_settings(out: _Collector, containers: list[dict[str, Any]], volumes: list[dict[str, Any]],
                        prefix: str, defaults: dict[str, Any], serving: bool) -> None:
    for index, container in _ingress_first(containers):
        path = f"{prefix}containers[{index}]"
        resources = container.get("resources") or {}
        limits = resources.get("limits") or {}
        out.add("image", container.get("image"), f"{path}.image")
        out.add("memory", limits.get("memory"), f"{path}.resources.limits.memory", defaults["memory"], True)
        out.add("cpu", normalize_cpu(limits.get("cpu")), f"{path}.resources.limits.cpu", defaults["cpu"], True)
        if serving:
            out.add("cpu_throttled", _cpu_throttled(resources), f"{path}.resources.cpuIdle",
                    defaults["cpu_throttled"], True)
            out.add("startup_cpu_boost", resources.get("startupCpuBoost"), f"{path}.resources.startupCpuBoost",
                    defaults["startup_cpu_boost"], True)
            ports = container.get("ports") or []
            if ports or index == _ingress_first(containers)[0][0]:
                port = ports[0].get("containerPort") if ports else None
                out.add("container_port", port, f"{path}.ports[0].containerPort", defaults["container_port"], True)
                out.add("startup_probe", _probe(container.get("startupProbe")), f"{path}.startupProbe",
                        defaults["startup_probe"], True)
                out.add("liveness_probe", _probe(container.get("livenessProbe")), f"{path}.livenessProbe",
                        defaults["liveness_probe"], True)
        command = " ".join([*(container.get("command") or []), *(container.get("args") or [])])
        if command:
            out.add("command", command, f"{path}.command" if container.get("command") else f"{path}.args")
        out.add("env_names", env_names(container), f"{path}.env")
        out.add("secret_refs", secret_refs(container, volumes), f"{path}.env")


def settings(resource: dict[str, Any], kind: str | None = None) -> list[Setting]:
    """Canonical settings of a service, revision, job or execution resource."""
    kind = kind or resource_kind(resource)
    name = str(resource.get("name") or "")
    if kind == "service":
        return _serving_settings(resource.get("template") or {}, "template.", resource, name, kind, short_name(name))
    if kind == "revision":
        return _serving_settings(resource, "", resource, name, kind, short_name(resource.get("service")))
    if kind == "job":
        return _job_settings(resource.get("template") or {}, "template.", name, kind, short_name(name))
    if kind == "execution":
        return _job_settings(resource, "", name, kind, short_name(resource.get("job")))
    raise ValueError(f"unknown Cloud Run resource kind {kind!r}")


def _serving_settings(template: dict[str, Any], prefix: str, resource: dict[str, Any], name: str, kind: str,
                      target: str | None) -> list[Setting]:
    defaults = platform_defaults()["service"]
    out = _Collector(name, kind, target)
    scaling = template.get("scaling") or {}
    service_scaling = resource.get("scaling") or {} if kind == "service" else {}
    min_value, min_path = scaling.get("minInstanceCount"), f"{prefix}scaling.minInstanceCount"
    if min_value is None and service_scaling.get("minInstanceCount") is not None:
        min_value, min_path = service_scaling["minInstanceCount"], "scaling.minInstanceCount"
    max_value, max_path = scaling.get("maxInstanceCount"), f"{prefix}scaling.maxInstanceCount"
    if max_value is None and service_scaling.get("maxInstanceCount") is not None:
        max_value, max_path = service_scaling["maxInstanceCount"], "scaling.maxInstanceCount"
    out.add("min_instances", min_value, min_path, defaults["min_instances"], True)
    out.add("max_instances", max_value, max_path, defaults["max_instances"], True)
    out.add("concurrency", template.get("maxInstanceRequestConcurrency") or None,
            f"{prefix}maxInstanceRequestConcurrency", defaults["concurrency"], True)
    out.add("timeout_seconds", duration_seconds(template.get("timeout")), f"{prefix}timeout",
            defaults["timeout_seconds"], True)
    out.add("execution_environment", execution_environment(template.get("executionEnvironment")),
            f"{prefix}executionEnvironment", defaults["execution_environment"], True)
    out.add("service_account", template.get("serviceAccount") or None, f"{prefix}serviceAccount",
            defaults["service_account"], True)
    _container_settings(out, template.get("containers") or [], template.get("volumes") or [], prefix, defaults, True)
    return out.items


def _job_settings(job_template: dict[str, Any], prefix: str, name: str, kind: str,
                  target: str | None) -> list[Setting]:
    """Job: template.{taskCount,parallelism} + template.template (TaskTemplate); execution: flat."""
    defaults = platform_defaults()["job"]
    out = _Collector(name, kind, target)
    task = job_template.get("template") or {}
    task_prefix = f"{prefix}template."
    out.add("task_count", job_template.get("taskCount") or None, f"{prefix}taskCount", defaults["task_count"], True)
    out.add("parallelism", job_template.get("parallelism") or None, f"{prefix}parallelism",
            defaults["parallelism"], True)
    out.add("max_retries", task.get("maxRetries"), f"{task_prefix}maxRetries", defaults["max_retries"], True)
    out.add("task_timeout_seconds", duration_seconds(task.get("timeout")), f"{task_prefix}timeout",
            defaults["task_timeout_seconds"], True)
    out.add("execution_environment", execution_environment(task.get("executionEnvironment")),
            f"{task_prefix}executionEnvironment", defaults["execution_environment"], True)
    out.add("service_account", task.get("serviceAccount") or None, f"{task_prefix}serviceAccount",
            defaults["service_account"], True)
    _container_settings(out, task.get("containers") or [], task.get("volumes") or [], task_prefix, defaults, False)
    return out.items


def settings_map(items: list[Setting]) -> dict[str, Any]:
    """{setting: value} for the first (ingress) container's values; handy for diffs."""
    values: dict[str, Any] = {}
    for item in items:
        values.setdefault(item["setting"], item.get("value"))
    return values


# -- summaries ----------------------------------------------------------------


def _traffic(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    result = []
    for item in items or []:
        kind = _state_name(item.get("type"), _TRAFFIC_TYPES) or ""
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
                "completion_status": _state_name(latest.get("completionStatus"), _COMPLETION),
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
