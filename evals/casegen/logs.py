"""LogEntry builders in the exact camelCase shape `entries:list` returns.

Every builder appends to one `Logs` collection and returns the insertId, so a
story can put the id of the entry that proves its cause straight into
`must_cite`. Randomness comes only from the case's seeded `random.Random`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .timefmt import fmt

AUTOSCALING = ("AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, "
               "request throughput, etc.) or no existing capacity for current traffic.")
ROLLOUT = "DEPLOYMENT_ROLLOUT - Instance started because of a new revision rollout."
MIN_INSTANCE = "MANUAL_OR_CUSTOMER_MIN_INSTANCE - Instance started because of customer-configured min-instances."

# Platform texts (reference §4). Kept verbatim: analysis must recognise what Cloud Run really writes.
TXT_TIMEOUT = ("The request has been terminated because it has reached the maximum request timeout. "
               "To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout")
TXT_NO_INSTANCE = ("The request was aborted because there was no available instance. Additional troubleshooting "
                   "documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request")
TXT_MALFORMED = ("The request failed because either the HTTP response was malformed or connection to the instance "
                 "had an error. Additional troubleshooting documentation can be found at: "
                 "https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error")
TXT_OOM_REQUEST = ("While handling this request, the container instance was found to be using too much memory and "
                   "was terminated. This is likely to cause a new container instance to be used for the next request "
                   "to this revision. If you see this message frequently, you may have a memory leak in your code or "
                   "may need more memory. Consider creating a new revision with more memory.")
TXT_READINESS = "The request failed because the instance failed the readiness check."
TXT_COULD_NOT_START = "The request failed because the instance could not start successfully."


def oom_text(limit_mib: int, used_mib: int) -> str:
    return (f"Memory limit of {limit_mib} MiB exceeded with {used_mib} MiB used. Consider increasing the memory "
            "limit, see https://cloud.google.com/run/docs/configuring/memory-limits")


def tcp_probe_failed(container: str, port: int = 8080, times: int = 1, status: str | None = None) -> str:
    unit = "time" if times == 1 else "times"
    text = (f'Default STARTUP TCP probe failed {times} {unit} consecutively for container "{container}" on port '
            f"{port}. The instance was not started.")
    return text + (f" Connection failed with status {status}." if status else "")


def tcp_probe_ok(container: str, port: int = 8080, attempts: int = 1) -> str:
    unit = "attempt" if attempts == 1 else "attempts"
    return f'Default STARTUP TCP probe succeeded after {attempts} {unit} for container "{container}" on port {port}.'


@dataclass(frozen=True)
class Res:
    """Where an entry comes from: the monitored resource plus entry labels that identify the task."""

    type: str
    labels: dict[str, str]
    entry_labels: dict[str, str] = field(default_factory=dict)


def svc_res(project: str, region: str, service: str, revision: str = "") -> Res:
    return Res("cloud_run_revision", {"project_id": project, "service_name": service, "revision_name": revision,
                                      "location": region, "configuration_name": service if revision else ""})


def job_res(project: str, region: str, job: str, execution: str = "", task_index: int | None = None,
            attempt: int | None = None) -> Res:
    extra: dict[str, str] = {}
    if execution:
        extra["run.googleapis.com/execution_name"] = execution
    if task_index is not None:
        extra["run.googleapis.com/task_index"] = str(task_index)
    if attempt is not None:
        extra["run.googleapis.com/task_attempt"] = str(attempt)
    return Res("cloud_run_job", {"project_id": project, "job_name": job, "location": region}, extra)


@dataclass
class Route:
    """One endpoint of background traffic: how often, how slow, which statuses."""

    method: str
    path: str  # `{id}` is replaced by a number
    weight: float = 1.0
    latency_ms: float = 40.0
    statuses: dict[int, float] = field(default_factory=lambda: {200: 1.0})
    size: int = 1200
    app_log: str | None = None  # stdout line written while handling it (`{id}`, `{ms}` substituted)


class Logs:
    """All entries of one case; builders return the new entry's insertId."""

    def __init__(self, project: str, rng: random.Random):
        self.project = project
        self.rng = rng
        self.entries: list[dict[str, Any]] = []
        self._ids: set[str] = set()

    # -- identifiers -------------------------------------------------------
    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def insert_id(self, ts: datetime) -> str:
        """Request/container logs use `<epoch hex><micro hex><random>`; audit logs use short base36 ids."""
        while True:
            candidate = f"{int(ts.timestamp()):08x}{ts.microsecond:05x}{self.hex(11)}"
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def audit_id(self) -> str:
        while True:
            candidate = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(11))
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def instance_id(self) -> str:
        return "0069c7a988" + self.hex(62)

    def trace(self) -> str:
        return f"projects/{self.project}/traces/{self.hex(32)}"

    def ip(self) -> str:
        first = self.rng.choice([34, 35, 49, 60, 66, 104, 126, 133, 153, 203, 219])
        return f"{first}.{self.rng.randint(1, 254)}.{self.rng.randint(0, 254)}.{self.rng.randint(1, 254)}"

    # -- envelopes ---------------------------------------------------------
    def _base(self, ts: datetime, res: Res, log: str, severity: str, instance: str | None,
              insert_id: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "insertId": insert_id or self.insert_id(ts),
            "logName": f"projects/{self.project}/logs/{log.replace('/', '%2F')}",
            "resource": {"type": res.type, "labels": dict(res.labels)},
            "timestamp": fmt(ts),
            "receiveTimestamp": fmt(ts + timedelta(milliseconds=self.rng.randint(40, 900))),
        }
        if severity != "DEFAULT":  # proto3 JSON leaves the default enum value out, as entries:list does
            entry["severity"] = severity
        labels = dict(res.entry_labels)
        if instance:
            labels["instanceId"] = instance
        if labels:
            entry["labels"] = labels
        self.entries.append(entry)
        return entry

    def request(self, ts: datetime, res: Res, instance: str | None, method: str, url: str, status: int,
                latency_s: float, *, text: str | None = None, severity: str | None = None, size: int | None = None,
                user_agent: str | None = None, remote_ip: str | None = None, trace: str | None = None,
                ended: bool = False) -> str:
        """A run.googleapis.com/requests entry; 4xx WARNING and 5xx ERROR as Cloud Run writes them.

        The entry's timestamp is when the request arrived; `ended=True` says `ts` is when it finished
        (an OOM kill, a timeout), so the arrival is `ts - latency`."""
        if ended:
            ts = ts - timedelta(seconds=latency_s)
        sev = severity or ("ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO")
        entry = self._base(ts, res, "run.googleapis.com/requests", sev, instance)
        entry["httpRequest"] = {
            "requestMethod": method, "requestUrl": url,
            "requestSize": str(self.rng.randint(200, 900) if method in ("POST", "PUT", "PATCH") else 0),
            "status": status,
            "responseSize": str(size if size is not None else (0 if status >= 500 else self.rng.randint(300, 4000))),
            "userAgent": user_agent or self.rng.choice(USER_AGENTS), "remoteIp": remote_ip or self.ip(),
            "latency": f"{latency_s:.6f}s", "protocol": "HTTP/1.1",
        }
        entry["trace"] = trace or self.trace()
        entry["spanId"] = self.hex(16)
        entry["traceSampled"] = self.rng.random() < 0.1
        if text:
            entry["textPayload"] = text
        return entry["insertId"]

    def app(self, ts: datetime, res: Res, instance: str | None, text: str | None = None, *,
            json: dict[str, Any] | None = None, severity: str = "DEFAULT", stream: str = "stdout",
            trace: str | None = None) -> str:
        """Container output: plain text in textPayload, a JSON line in jsonPayload (severity lifted out)."""
        entry = self._base(ts, res, f"run.googleapis.com/{stream}", severity, instance)
        if json is not None:
            entry["jsonPayload"] = json
        else:
            entry["textPayload"] = text or ""
        if trace:
            entry["trace"] = trace
        return entry["insertId"]

    def system(self, ts: datetime, res: Res, instance: str | None, text: str, severity: str = "INFO") -> str:
        """A run.googleapis.com/varlog/system entry (OOM, probes, exits, instance starts)."""
        entry = self._base(ts, res, "run.googleapis.com/varlog/system", severity, instance)
        entry["textPayload"] = text
        return entry["insertId"]

    def audit(self, ts: datetime, res: Res, *, method: str, resource_name: str, principal: str,
              kind: str = "activity", severity: str = "NOTICE", status: dict[str, Any] | None = None,
              user_agent: str = "google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy",
              service_name: str = "run.googleapis.com", request: dict[str, Any] | None = None,
              response: dict[str, Any] | None = None) -> str:
        """cloudaudit.googleapis.com activity or system_event entry with an AuditLog protoPayload."""
        log = f"cloudaudit.googleapis.com/{kind}"
        entry = self._base(ts, res, log, severity, None, insert_id=self.audit_id())
        payload: dict[str, Any] = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": service_name, "methodName": method, "resourceName": resource_name,
            "status": status or {},
        }
        if kind == "activity":
            payload["authenticationInfo"] = {"principalEmail": principal}
            payload["requestMetadata"] = {"callerIp": self.ip(), "callerSuppliedUserAgent": user_agent,
                                          "requestAttributes": {"time": fmt(ts), "auth": {}},
                                          "destinationAttributes": {}}
            permission = PERMISSION.get(method.rsplit(".", 1)[-1], "run.services.update")
            payload["authorizationInfo"] = [{"resource": resource_name, "granted": True, "permission": permission,
                                             "permissionType": "ADMIN_WRITE", "resourceAttributes": {}}]
            payload["resourceLocation"] = {"currentLocations": [res.labels.get("location", "")]}
        if request is not None:
            payload["request"] = request
        if response is not None:
            payload["response"] = response
        entry["protoPayload"] = payload
        return entry["insertId"]

    def ready_event(self, ts: datetime, res: Res, revision: str, ok: bool, message: str) -> str:
        """system_event 'Ready condition status changed to True/False for Revision ...'."""
        state = "True" if ok else "False"
        text = f"Ready condition status changed to {state} for Revision {revision} with message: {message}"
        return self.audit(ts, res, method="/Services.ReplaceService", kind="system_event",
                          resource_name=f"namespaces/{res.labels['project_id']}/revisions/{revision}",
                          principal="", severity="INFO" if ok else "ERROR",
                          status={"message": text} if ok else {"code": 9, "message": text},
                          response={"@type": "type.googleapis.com/google.cloud.run.v1.Revision", "kind": "Revision",
                                    "metadata": {"name": revision}})

    # -- composites --------------------------------------------------------
    def instance_start(self, ts: datetime, res: Res, instance: str, container: str, *, reason: str = AUTOSCALING,
                       ready_after_s: float = 1.5, attempts: int = 1) -> str:
        """A cold start: 'Starting new instance' then the default TCP probe success."""
        first = self.system(ts, res, instance, f"Starting new instance. Reason: {reason}")
        self.system(ts + timedelta(seconds=ready_after_s), res, instance, tcp_probe_ok(container, 8080, attempts))
        return first

    def traffic(self, res: Res, start: datetime, end: datetime, count: int, routes: list[Route],
                instances: list[str], host: str, *, app_log_rate: float = 0.0,
                app_json: bool = True, agents: list[str] | None = None) -> list[str]:
        """`count` requests spread over [start, end): mostly healthy background traffic."""
        span = (end - start).total_seconds()
        weights = [r.weight for r in routes]
        ids = []
        for _ in range(count):
            ts = start + timedelta(seconds=self.rng.random() * span)
            route = self.rng.choices(routes, weights)[0]
            status = self.rng.choices(list(route.statuses), list(route.statuses.values()))[0]
            path = route.path.replace("{id}", str(self.rng.randint(1000, 99999)))
            latency = max(0.002, self.rng.lognormvariate(0, 0.45) * route.latency_ms / 1000.0)
            instance = self.rng.choice(instances)
            trace = self.trace()
            ids.append(self.request(ts, res, instance, route.method, f"https://{host}{path}", status, latency,
                                    trace=trace, user_agent=self.rng.choice(agents) if agents else None))
            if route.app_log and self.rng.random() < app_log_rate:
                line = route.app_log.replace("{id}", path.rsplit("/", 1)[-1]).replace("{ms}", str(int(latency * 1000)))
                if app_json:
                    self.app(ts - timedelta(milliseconds=2), res, instance, json={"message": line}, severity="INFO",
                             trace=trace)
                else:
                    self.app(ts - timedelta(milliseconds=2), res, instance, line, trace=trace)
        return ids


PERMISSION = {
    "ReplaceService": "run.services.update", "UpdateService": "run.services.update",
    "CreateService": "run.services.create", "UpdateJob": "run.jobs.update", "ReplaceJob": "run.jobs.update",
    "CreateJob": "run.jobs.create", "SetIamPolicy": "resourcemanager.projects.setIamPolicy",
}

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Safari/605.1.15",
    "okhttp/4.12.0",
    "python-httpx/0.28.1",
    "Go-http-client/2.0",
]
