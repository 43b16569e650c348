"""A Cloud Run container spec summarized: image, limits, probes, env var names and secret references.

Split out of tools/sources/run/config.py so summaries and canonical settings read a
container the same way. Env var values are never copied, only names;
secrets become `{secret, version}` references.
"""

from __future__ import annotations

from typing import Any


def ingress_first(containers: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
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


def probe_summary(probe: dict[str, Any] | None) -> dict[str, Any] | None:
    """The probe's kind, target and timing only, so two probes compare by what they check."""
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
        "startup_probe": probe_summary(container.get("startupProbe")),
        "liveness_probe": probe_summary(container.get("livenessProbe")),
    }
