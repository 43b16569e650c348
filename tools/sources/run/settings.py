"""Canonical settings of a Cloud Run service, revision, job or execution, with platform defaults.

Split out of tools/sources/run/config.py: rules ask "is max instances 1?" or "is
CPU throttled?" the same way whether the value came from the live API or
from Terraform, so every value becomes a `tools.records.Setting` with a
canonical name and a `<resource name>#<field path>` raw_ref. Proto3 leaves
zero values off the wire, so an absent field means the platform default
applies; those settings carry `is_default: true` with the default from
tools/data/run_defaults.yaml.
"""

from __future__ import annotations

from typing import Any

from tools.records import Setting
from tools.sources.run.containers import env_names, ingress_first, probe_summary, secret_refs
from tools.sources.run.values import (
    duration_seconds,
    execution_environment,
    normalize_cpu,
    platform_defaults,
    resource_kind,
    short_name,
)

_SOURCES = {
    "service": "cloud_run_service",
    "revision": "cloud_run_revision",
    "job": "cloud_run_job",
    "execution": "cloud_run_job",
}


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


def _vpc_egress(template: dict[str, Any]) -> str | None:
    """How the instance reaches private addresses: None (default `none`) without a connector or network
    interface; otherwise the egress setting, which defaults to private ranges only."""
    vpc = template.get("vpcAccess") or {}
    if not vpc.get("connector") and not vpc.get("networkInterfaces"):
        return None
    return str(vpc.get("egress") or "PRIVATE_RANGES_ONLY").lower().replace("_", "-")


def _container_settings(out: _Collector, containers: list[dict[str, Any]], volumes: list[dict[str, Any]],
                        prefix: str, defaults: dict[str, Any], serving: bool) -> None:
    for index, container in ingress_first(containers):
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
            if ports or index == ingress_first(containers)[0][0]:
                port = ports[0].get("containerPort") if ports else None
                out.add("container_port", port, f"{path}.ports[0].containerPort", defaults["container_port"], True)
                out.add("startup_probe", probe_summary(container.get("startupProbe")), f"{path}.startupProbe",
                        defaults["startup_probe"], True)
                out.add("liveness_probe", probe_summary(container.get("livenessProbe")), f"{path}.livenessProbe",
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
    out.add("vpc_egress", _vpc_egress(template), f"{prefix}vpcAccess", defaults["vpc_egress"], True)
    _container_settings(out, template.get("containers") or [], template.get("volumes") or [], prefix, defaults, True)
    _cloudsql(out, template, prefix)
    out.add("volume_kinds", volume_kinds(template.get("volumes") or []), f"{prefix}volumes")
    return out.items


def _cloudsql(out: _Collector, template: dict[str, Any], prefix: str) -> None:
    """Cloud SQL instances the revision connects to: v2 volumes, or the v1 annotation."""
    for index, volume in enumerate(template.get("volumes") or []):
        names = (volume.get("cloudSqlInstance") or {}).get("instances") or []
        if names:
            out.add("cloudsql_instances", list(names), f"{prefix}volumes[{index}].cloudSqlInstance.instances")
    annotation = (template.get("annotations") or {}).get("run.googleapis.com/cloudsql-instances")
    if annotation:
        names = [n.strip() for n in str(annotation).split(",") if n.strip()]
        out.add("cloudsql_instances", names, f"{prefix}annotations")


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
    out.add("vpc_egress", _vpc_egress(task), f"{task_prefix}vpcAccess", defaults["vpc_egress"], True)
    _container_settings(out, task.get("containers") or [], task.get("volumes") or [], task_prefix, defaults, False)
    _cloudsql(out, task, task_prefix)
    return out.items


_VOLUME_KINDS = (("emptyDir", "in-memory"), ("nfs", "nfs"), ("gcs", "gcs"), ("cloudSqlInstance", "cloudsql"),
                 ("secret", "secret"))


def volume_kinds(volumes: list[dict[str, Any]]) -> list[str]:
    """Which kinds of volume the revision mounts (in-memory, nfs, gcs, cloudsql, secret), sorted.

    Some need the second-generation execution environment; tools/analysis/evidence/execution_environment.py
    checks them against tools/data/execution_environment.yaml.
    """
    kinds = {label for volume in volumes for key, label in _VOLUME_KINDS if isinstance(volume, dict) and key in volume}
    return sorted(kinds)


def settings_map(items: list[Setting]) -> dict[str, Any]:
    """{setting: value} for the first (ingress) container's values; handy for diffs."""
    values: dict[str, Any] = {}
    for item in items:
        values.setdefault(item["setting"], item.get("value"))
    return values
