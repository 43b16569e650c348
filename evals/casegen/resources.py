"""Cloud Run Admin API v2 bodies (Service, Revision, Job, Execution), camelCase as GET returns them.

Defaults are the platform's own (default TCP startup probe, 300 s timeout,
concurrency 80, cpuIdle true), so a story only states what its team set.
"""

from __future__ import annotations

import hashlib
from typing import Any


def _uid(seed: str) -> str:
    digest = hashlib.sha1(seed.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def container(name: str, image: str, *, cpu: str = "1", memory: str = "512Mi", cpu_idle: bool = True,
              boost: bool = False, port: int = 8080, env: dict[str, str] | None = None,
              secret_env: dict[str, tuple[str, str]] | None = None, startup_probe: dict[str, Any] | None = None,
              liveness_probe: dict[str, Any] | None = None, command: list[str] | None = None,
              args: list[str] | None = None, volume_mounts: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name, "image": image,
        "resources": {"limits": {"cpu": cpu, "memory": memory}, "cpuIdle": cpu_idle, "startupCpuBoost": boost},
        "ports": [{"name": "http1", "containerPort": port}],
        "startupProbe": startup_probe or {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                                          "tcpSocket": {"port": port}},
    }
    envs: list[dict[str, Any]] = [{"name": k, "value": v} for k, v in (env or {}).items()]
    envs += [{"name": k, "valueSource": {"secretKeyRef": {"secret": s, "version": v}}}
             for k, (s, v) in (secret_env or {}).items()]
    if envs:
        body["env"] = envs
    if liveness_probe:
        body["livenessProbe"] = liveness_probe
    if command:
        body["command"] = command
    if args:
        body["args"] = args
    if volume_mounts:
        body["volumeMounts"] = volume_mounts
    return body


def template(containers: list[dict[str, Any]], *, service_account: str, min_instances: int = 0,
             max_instances: int = 100, concurrency: int = 80, timeout: str = "300s",
             execution_environment: str | None = None, revision: str | None = None,
             labels: dict[str, str] | None = None, vpc_access: dict[str, Any] | None = None,
             volumes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "scaling": {"maxInstanceCount": max_instances} | ({"minInstanceCount": min_instances} if min_instances else {}),
        "timeout": timeout, "serviceAccount": service_account, "containers": containers,
        "maxInstanceRequestConcurrency": concurrency,
    }
    if execution_environment:
        body["executionEnvironment"] = execution_environment
    if revision:
        body["revision"] = revision
    if labels:
        body["labels"] = labels
    if vpc_access:
        body["vpcAccess"] = vpc_access
    if volumes:
        body["volumes"] = volumes
    return body


def _cond(kind: str, ok: bool, when: str, message: str = "", reason: str | None = None,
          reason_key: str = "reason") -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "state": "CONDITION_SUCCEEDED" if ok else "CONDITION_FAILED",
                            "lastTransitionTime": when}
    if message:
        body["message"] = message
    if reason:
        body[reason_key] = reason
    if not ok:
        body["severity"] = "ERROR"
    return body


def service(project: str, region: str, name: str, tmpl: dict[str, Any], *, traffic: list[tuple[str, int]],
            latest_ready: str, latest_created: str | None = None, create_time: str, update_time: str,
            creator: str, last_modifier: str | None = None, generation: int = 1, ready: bool = True,
            ready_message: str = "", client: str = "gcloud", url_hash: str = "uc3xk2ahba",
            region_code: str = "an", tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A Service; `traffic` is [(revision short name, percent)], the serving split."""
    full = f"projects/{project}/locations/{region}/services/{name}"
    latest_created = latest_created or latest_ready
    targets = [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": rev, "percent": pct}
               for rev, pct in traffic]
    for rev, tag in (tags or {}).items():
        targets.append({"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": rev, "tag": tag})
    statuses = [dict(t) for t in targets]
    for status in statuses:
        if "tag" in status:
            status["uri"] = f"https://{status['tag']}---{name}-{url_hash}-{region_code}.a.run.app"
    return {
        "name": full, "uid": _uid(full), "generation": str(generation),
        "createTime": create_time, "updateTime": update_time, "creator": creator,
        "lastModifier": last_modifier or creator, "client": client, "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA", "template": tmpl, "traffic": targets, "trafficStatuses": statuses,
        "observedGeneration": str(generation),
        "terminalCondition": _cond("Ready", ready, update_time, ready_message),
        "conditions": [_cond("RoutesReady", True, update_time), _cond("ConfigurationsReady", ready, update_time,
                                                                      ready_message)],
        "latestReadyRevision": f"{full}/revisions/{latest_ready}",
        "latestCreatedRevision": f"{full}/revisions/{latest_created}",
        "uri": f"https://{name}-{url_hash}-{region_code}.a.run.app",
        "urls": [f"https://{name}-{url_hash}-{region_code}.a.run.app"],
        "etag": f'"{_uid(full + update_time)[:18]}"',
    }


def revision(project: str, region: str, svc: str, name: str, tmpl: dict[str, Any], *, create_time: str,
             creator: str, generation: int, ready: bool = True, active: bool = True, message: str = "",
             reason: str | None = None) -> dict[str, Any]:
    """A Revision carrying the same template fields flattened, as the API returns them."""
    full = f"projects/{project}/locations/{region}/services/{svc}/revisions/{name}"
    body: dict[str, Any] = {
        "name": full, "uid": _uid(full), "generation": "1", "createTime": create_time, "updateTime": create_time,
        "launchStage": "GA", "service": f"projects/{project}/locations/{region}/services/{svc}",
        "labels": {"serving.knative.dev/configurationGeneration": str(generation)},
        "scaling": tmpl["scaling"], "timeout": tmpl["timeout"], "serviceAccount": tmpl["serviceAccount"],
        "containers": tmpl["containers"], "maxInstanceRequestConcurrency": tmpl["maxInstanceRequestConcurrency"],
        "executionEnvironment": tmpl.get("executionEnvironment", "EXECUTION_ENVIRONMENT_GEN2"),
        "observedGeneration": "1", "creator": creator,
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={project}&resource=cloud_run_revision/"
                  f"service_name/{svc}/revision_name/{name}",
        "conditions": [
            _cond("Ready", ready, create_time, message, reason, "revisionReason" if reason and reason.isupper()
                  and reason.startswith("HEALTH") else "reason"),
            _cond("ContainerHealthy", ready, create_time),
            _cond("ResourcesAvailable", True, create_time),
        ] + ([] if active else [{"type": "Active", "state": "CONDITION_SUCCEEDED", "reason": "RETIRED",
                                 "lastTransitionTime": create_time, "severity": "INFO"}]),
    }
    for key in ("vpcAccess", "volumes"):
        if key in tmpl:
            body[key] = tmpl[key]
    return body


def job(project: str, region: str, name: str, containers: list[dict[str, Any]], *, service_account: str,
        task_count: int, parallelism: int, max_retries: int, timeout: str, create_time: str, update_time: str,
        creator: str, latest_execution: str, latest_created: str, latest_completed: str | None,
        latest_status: str, execution_count: int) -> dict[str, Any]:
    full = f"projects/{project}/locations/{region}/jobs/{name}"
    latest: dict[str, Any] = {"name": latest_execution, "createTime": latest_created,
                              "completionStatus": latest_status}
    if latest_completed:
        latest["completionTime"] = latest_completed
    return {
        "name": full, "uid": _uid(full), "generation": "1", "createTime": create_time, "updateTime": update_time,
        "creator": creator, "lastModifier": creator, "client": "gcloud", "launchStage": "GA",
        "template": {"taskCount": task_count, "parallelism": parallelism,
                     "template": {"containers": containers, "maxRetries": max_retries, "timeout": timeout,
                                  "serviceAccount": service_account,
                                  "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"}},
        "observedGeneration": "1", "executionCount": execution_count, "latestCreatedExecution": latest,
        "terminalCondition": _cond("Ready", True, update_time), "conditions": [],
        "etag": f'"{_uid(full + update_time)[:18]}"',
    }


def execution(project: str, region: str, job_name: str, name: str, *, task_count: int, parallelism: int,
              start: str, completion: str | None, succeeded: int, failed: int, retried: int,
              failure_message: str = "", create_time: str, reason: str = "NON_ZERO_EXIT_CODE") -> dict[str, Any]:
    full = f"projects/{project}/locations/{region}/jobs/{job_name}/executions/{name}"
    ok = failed == 0
    body: dict[str, Any] = {
        "name": full, "uid": _uid(full), "generation": "1", "createTime": create_time, "startTime": start,
        "launchStage": "GA", "job": job_name, "parallelism": parallelism, "taskCount": task_count,
        "succeededCount": succeeded, "failedCount": failed, "retriedCount": retried, "runningCount": 0,
        "cancelledCount": 0, "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={project}&resource=cloud_run_job/"
                  f"job_name/{job_name}&advancedFilter=labels.%22run.googleapis.com/execution_name%22%3D{name}",
        "conditions": [
            _cond("Completed", ok, completion or start, failure_message,
                  None if ok else reason, "executionReason"),
            _cond("ResourcesAvailable", True, start),
            _cond("Started", True, start),
        ],
    }
    if completion:
        body["completionTime"] = completion
    return body
