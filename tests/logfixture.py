"""A deterministic Cloud Run log fixture in the real LogEntry JSON shapes.

Used by the logging tests (a few hundred entries) and by
benchmarks/fetch_logs.py (hundreds of thousands): the same generator, so the
benchmark measures the shapes the tests prove correct. Entries cycle through
templates that mirror real Cloud Run output (request logs with httpRequest,
stdout/stderr text and JSON, varlog/system platform lines, audit activity and
system_event entries with protoPayload, job task logs).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT = "demo-proj"
REGION = "us-central1"
SERVICE = "checkout"
OTHER_SERVICE = "frontend"
JOB = "nightly"
EXECUTION = "nightly-abcde"
OLD_REV = "checkout-00041-abc"
NEW_REV = "checkout-00042-xyz"
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

_INSTANCES = [f"00{i:02x}" + "c7a9887544eefac3a648639e78fce573cf3ef4ce1929c7758a2c196cb71d" for i in range(4)]


def _log(kind: str, project: str = PROJECT) -> str:
    return f"projects/{project}/logs/{kind.replace('/', '%2F')}"


def _service_resource(service: str, revision: str, project: str) -> dict[str, Any]:
    return {
        "type": "cloud_run_revision",
        "labels": {
            "project_id": project,
            "service_name": service,
            "revision_name": revision,
            "configuration_name": service,
            "location": REGION,
        },
    }


def _job_resource(project: str) -> dict[str, Any]:
    return {"type": "cloud_run_job", "labels": {"project_id": project, "job_name": JOB, "location": REGION}}


def _request(status: int, severity: str, text: str | None, path: str, latency: str, method: str = "GET"):
    def build(ctx: dict[str, Any]) -> dict[str, Any]:
        entry = {
            "logName": _log("run.googleapis.com/requests", ctx["project"]),
            "resource": _service_resource(SERVICE, ctx["revision"], ctx["project"]),
            "severity": severity,
            "httpRequest": {
                "requestMethod": method,
                "requestUrl": f"https://checkout-abc-uc.a.run.app{path}",
                "requestSize": "512",
                "status": status,
                "responseSize": "0" if status >= 500 else "2048",
                "userAgent": "python-httpx/0.28.1",
                "remoteIp": "68.5.230.82",
                "serverIp": "34.54.41.44",
                "latency": latency,
                "protocol": "HTTP/1.1",
            },
            "labels": {"instanceId": ctx["instance"]},
            "trace": f"projects/{ctx['project']}/traces/{ctx['trace']}",
            "spanId": "00f067aa0ba902b7",
            "traceSampled": True,
        }
        if text:
            entry["textPayload"] = text
        return entry

    return build


def _container(stream: str, severity: str, text: str | None = None, payload: dict[str, Any] | None = None):
    def build(ctx: dict[str, Any]) -> dict[str, Any]:
        entry = {
            "logName": _log(f"run.googleapis.com/{stream}", ctx["project"]),
            "resource": _service_resource(SERVICE, ctx["revision"], ctx["project"]),
            "severity": severity,
            "labels": {"instanceId": ctx["instance"]},
        }
        if payload is not None:
            entry["jsonPayload"] = dict(payload)
            entry["trace"] = f"projects/{ctx['project']}/traces/{ctx['trace']}"
        else:
            entry["textPayload"] = text
        return entry

    return build


def _audit(log: str, severity: str, method: str, status_message: str | None, principal: str | None):
    def build(ctx: dict[str, Any]) -> dict[str, Any]:
        resource = _service_resource(SERVICE, "", ctx["project"])
        payload: dict[str, Any] = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": method,
            "resourceName": f"namespaces/{ctx['project']}/services/{SERVICE}",
        }
        if principal:
            payload["authenticationInfo"] = {"principalEmail": principal}
            payload["requestMetadata"] = {"callerSuppliedUserAgent": "google-cloud-sdk gcloud/527.0.0"}
        if status_message:
            payload["status"] = {"code": 0 if severity != "ERROR" else 9, "message": status_message}
        name = _log(log, ctx["project"])
        return {"logName": name, "resource": resource, "severity": severity, "protoPayload": payload}

    return build


def _job(severity: str, text: str, stream: str = "stderr"):
    def build(ctx: dict[str, Any]) -> dict[str, Any]:
        return {
            "logName": _log(f"run.googleapis.com/{stream}", ctx["project"]),
            "resource": _job_resource(ctx["project"]),
            "severity": severity,
            "textPayload": text,
            "labels": {
                "instanceId": ctx["instance"],
                "run.googleapis.com/execution_name": EXECUTION,
                "run.googleapis.com/task_index": str(ctx["i"] % 3),
                "run.googleapis.com/task_attempt": "0",
            },
        }

    return build


def _other_service(ctx: dict[str, Any]) -> dict[str, Any]:
    entry = _request(200, "INFO", None, "/", "0.010s")(ctx)
    entry["resource"] = _service_resource(OTHER_SERVICE, "frontend-00007-qqq", ctx["project"])
    entry["httpRequest"]["requestUrl"] = "https://frontend-abc-uc.a.run.app/"
    return entry


NO_INSTANCE = (
    "The request was aborted because there was no available instance. Additional troubleshooting "
    "documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request"
)
TIMEOUT = (
    "The request has been terminated because it has reached the maximum request timeout. To change this "
    "limit, see https://cloud.google.com/run/docs/configuring/request-timeout"
)
OOM = (
    "Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit, see "
    "https://cloud.google.com/run/docs/configuring/memory-limits"
)

# (template name, builder); the name becomes part of the insertId so a failing
# test says which shape it was about.
TEMPLATES: list[tuple[str, Any]] = [
    ("req200", _request(200, "INFO", None, "/cart?id=7&token=abc", "0.045s")),
    ("req200b", _request(200, "INFO", None, "/health", "0.002s")),
    ("req404", _request(404, "WARNING", None, "/missing", "0.003s")),
    ("req429", _request(429, "WARNING", NO_INSTANCE, "/pay", "0.001s", "POST")),
    ("req500", _request(500, "ERROR", NO_INSTANCE, "/pay", "10.5s", "POST")),
    ("req503", _request(503, "ERROR", None, "/pay", "2.25s", "POST")),
    ("req504", _request(504, "ERROR", TIMEOUT, "/report", "300.001234s")),
    ("outtxt", _container("stdout", "DEFAULT", "GET /cart handled in 45ms")),
    ("outjson", _container("stdout", "INFO", payload={"message": "order placed", "orderId": 1234, "amount": 99.5})),
    (
        "errjson",
        _container("stderr", "ERROR", payload={"message": "payment gateway timeout", "error": {"code": "ETIMEDOUT"}}),
    ),
    ("errtrace", _container("stderr", "ERROR", 'Traceback (most recent call last):\n  File "app.py", line 42')),
    ("errsecret", _container("stderr", "WARNING", "retrying with Authorization: Bearer ya29.a0AfH6SMBexampletoken")),
    ("sysoom", _container("varlog/system", "ERROR", OOM)),
    ("sysexit", _container("varlog/system", "WARNING", "Container called exit(1).")),
    (
        "sysstart",
        _container(
            "varlog/system",
            "INFO",
            "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors",
        ),
    ),
    (
        "sysprobe",
        _container(
            "varlog/system",
            "ERROR",
            'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080. '
            "The instance was not started.",
        ),
    ),
    (
        "auditact",
        _audit(
            "cloudaudit.googleapis.com/activity",
            "NOTICE",
            "google.cloud.run.v1.Services.ReplaceService",
            None,
            "deployer@example.com",
        ),
    ),
    (
        "auditsys",
        _audit(
            "cloudaudit.googleapis.com/system_event",
            "ERROR",
            "/Services.ReplaceService",
            f"Ready condition status changed to False for Revision {NEW_REV} with message: Container failed to start.",
            None,
        ),
    ),
    ("joberr", _job("ERROR", "ValueError: bad row 17")),
    ("jobout", _job("INFO", "processed 500 rows", "stdout")),
    ("front", _other_service),
]


def make_entries(
    n: int = 240, seed: int = 7, project: str = PROJECT, span_seconds: float = 3600.0
) -> list[dict[str, Any]]:
    """n entries spread evenly over span_seconds from T0, in timestamp order."""
    rng = random.Random(seed)
    step = span_seconds / n
    entries = []
    for i in range(n):
        name, build = TEMPLATES[i % len(TEMPLATES)]
        when = T0 + timedelta(seconds=i * step)
        ctx = {
            "i": i,
            "project": project,
            "revision": OLD_REV if i < n // 3 else NEW_REV,
            "instance": _INSTANCES[rng.randrange(len(_INSTANCES))],
            "trace": f"{rng.getrandbits(128):032x}",
        }
        entry = build(ctx)
        nanos = f"{when.microsecond:06d}{i % 1000:03d}"
        entry["timestamp"] = when.strftime("%Y-%m-%dT%H:%M:%S.") + nanos + "Z"
        entry["receiveTimestamp"] = (when + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        entry["insertId"] = f"{name}-{i:06d}"
        entries.append(entry)
    return entries


def write_case(
    case_dir: Path, entries: list[dict[str, Any]], project: str | None = PROJECT, target_type: str = "service"
) -> Path:
    """A minimal case directory: case.yaml plus logging/entries.jsonl."""
    case_dir = Path(case_dir)
    (case_dir / "logging").mkdir(parents=True, exist_ok=True)
    (case_dir / "case.yaml").write_text(
        "id: log-fixture\n"
        "title: logging fixture\n"
        f"target:\n  project_id: {project or 'null'}\n  region: {REGION}\n"
        f"  target_type: {target_type}\n  target_name: {SERVICE if target_type == 'service' else JOB}\n"
        "window:\n  start: 2024-05-01T12:00:00Z\n  end: 2024-05-01T13:00:00Z\n",
        encoding="utf-8",
    )
    with open(case_dir / "logging" / "entries.jsonl", "w", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return case_dir
