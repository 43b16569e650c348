#!/usr/bin/env python3
"""Generator for the real-incident case `scim-bridge-startup-probe`.

Sources: https://github.com/1Password/scim-examples/issues/309 ,
https://github.com/1Password/scim-examples/issues/367 ,
https://github.com/1Password/scim-examples/pull/362
1Password SCIM Bridge on Cloud Run with a Redis sidecar: the `scim` ingress container
starts before the `redis` sidecar accepts connections, cannot boot, and the default
TCP startup probe on port 3002 fails, so the new revision never becomes ready. The fix
(PR 362) adds a TCP startupProbe on 6379 to `redis` and a container dependency
scim -> redis.
"""
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "scim-bridge-startup-probe"
SEED = 367309
PROJECT = "northwind-scim-318804"
PROJECT_NUMBER = "771093458120"
REGION = "us-central1"
SERVICE = "op-scim-bridge"
OLD_REV = "op-scim-bridge-00001-7bd"
BAD_REV = "op-scim-bridge-00002-q79"
OLD_IMAGE = "1password/scim:v2.9.9"
NEW_IMAGE = "1password/scim:v2.9.11"
RUNTIME_SA = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
USER = "it-admin@northwind-traders.example"

T0 = datetime(2025, 6, 11, 14, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2025, 6, 11, 15, 0, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2025, 6, 11, 14, 37, 48, 402000, tzinfo=timezone.utc)

PROBE_MSG = ("Default STARTUP TCP probe failed 1 time consecutively for container \"scim\" on port 3002. "
             "The instance was not started.")
COND_MSG = (
    "Revision 'op-scim-bridge-00002-q79' is not ready and cannot serve traffic. The user-provided container "
    "failed to start and listen on the port defined provided by the PORT=3002 environment variable within the "
    "allocated timeout. This can happen when the container port is misconfigured or if the timeout is too "
    "short. The health check timeout can be extended. Logs for this revision might contain more "
    "information.\n\nLogs URL: https://console.cloud.google.com/logs/viewer?project=northwind-scim-318804"
    "&resource=cloud_run_revision/service_name/op-scim-bridge/revision_name/op-scim-bridge-00002-q79"
    "&advancedFilter=resource.type%3D%22cloud_run_revision%22%0Aresource.labels.service_name%3D%22op-scim-bridge%22"
    "%0Aresource.labels.revision_name%3D%22op-scim-bridge-00002-q79%22 \nFor more troubleshooting guidance, see "
    "https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start"
)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def redis_ts(t):
    return t.strftime("%d %b %Y %H:%M:%S.") + f"{t.microsecond // 1000:03d}"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def resource(self, rev):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": rev, "configuration_name": SERVICE}}

    def add(self, t, log, rev, severity, payload, **extra):
        e = {
            "insertId": extra.pop("insertId", None) or self.hexid(24),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": self.resource(rev) if rev else extra.pop("resource"),
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(microseconds=self.rng.randint(3000, 60000))),
            "severity": severity,
        }
        e.update(payload)
        e.update(extra)
        self.entries.append(e)
        return e


def redis_boot(g, rev, inst, t, version="7.4.4"):
    lab = {"instanceId": inst, "container_name": "redis"}
    lines = [
        ("1:C", "* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
        ("1:C", f"* Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started"),
        ("1:C", "* Configuration loaded"),
        ("1:M", "* monotonic clock: POSIX clock_gettime"),
        ("1:M", "* Running mode=standalone, port=6379."),
        ("1:M", "* Server initialized"),
        ("1:M", "* Ready to accept connections tcp"),
    ]
    for i, (role, msg) in enumerate(lines):
        tt = t + timedelta(milliseconds=2 * i)
        g.add(tt, "run.googleapis.com%2Fstdout", rev, "DEFAULT",
              {"textPayload": f"{role} {redis_ts(tt)} {msg}"}, labels=dict(lab))


def scim_line(level, msg, **kv):
    parts = [level, msg] + [f"{k}={v}" for k, v in kv.items()]
    return " ".join(parts)


def build(g):
    rng = g.rng
    # --- previous revision: one always-on instance (minScale 1) serving the IdP
    old_inst = g.hexid(130)
    scim_lab = {"instanceId": old_inst, "container_name": "scim"}
    paths = [
        ("GET", "/scim/v2/Users?filter=userName+eq+%22{u}%40northwind-traders.example%22", 200, (90, 420)),
        ("GET", "/scim/v2/Users/{id}", 200, (80, 300)),
        ("PATCH", "/scim/v2/Users/{id}", 200, (180, 900)),
        ("GET", "/scim/v2/Groups?filter=displayName+eq+%22{g}%22", 200, (100, 380)),
        ("PATCH", "/scim/v2/Groups/{id}", 204, (200, 1100)),
        ("GET", "/scim/v2/Groups?startIndex=1&count=100", 200, (140, 520)),
        ("GET", "/ping", 200, (1, 4)),
    ]
    names = ["amorgan", "bchen", "cdiaz", "dokafor", "eschmidt", "fnakamura", "gsilva", "hpatel", "ilarsen"]
    groups = ["Engineering", "Finance", "Support", "Sales", "Contractors"]
    t = T0
    while t < T_END:
        t += timedelta(milliseconds=rng.randint(1200, 6500))
        if t >= T_END:
            break
        method, path, status, (lo, hi) = rng.choice(paths)
        path = path.replace("{u}", rng.choice(names)).replace("{g}", rng.choice(groups)).replace(
            "{id}", f"{g.hexid(8)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(12)}")
        if path != "/ping" and rng.random() < 0.03:
            status, (lo, hi) = 404, (60, 200)
        ms = rng.randint(lo, hi)
        ua = "GoogleHC/1.0" if path == "/ping" else "Okta SCIM Client 1.0.0"
        ip = "35.191.12.44" if path == "/ping" else rng.choice(["52.41.118.207", "44.230.79.12", "35.84.163.115"])
        sev = "INFO" if status < 400 else "WARNING"
        g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Frequests", OLD_REV, sev, {
            "httpRequest": {
                "requestMethod": method, "requestUrl": f"https://op-scim-bridge-4kxq7r2bqa-uc.a.run.app{path}",
                "requestSize": str(rng.randint(300, 1800)), "status": status,
                "responseSize": str(rng.randint(200, 24000)), "userAgent": ua, "remoteIp": ip,
                "serverIp": "216.239.34.53", "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s",
                "protocol": "HTTP/1.1"}},
            labels={"instanceId": old_inst}, trace=f"projects/{PROJECT}/traces/{g.hexid(32)}",
            spanId=g.hexid(16), traceSampled=False)
        if path != "/ping":
            kind = "Users" if "/Users" in path else "Groups"
            g.add(t + timedelta(milliseconds=ms - 1), "run.googleapis.com%2Fstderr", OLD_REV, "DEFAULT",
                  {"textPayload": scim_line("INF", "request handled", method=method, resource=kind,
                                            status=status, duration=f"{ms}ms", version="2.9.9")},
                  labels=dict(scim_lab))
    # periodic confirmation job on the old instance
    t = T0 + timedelta(seconds=23)
    while t < T_END:
        g.add(t, "run.googleapis.com%2Fstderr", OLD_REV, "DEFAULT",
              {"textPayload": scim_line("INF", "confirmation job finished", confirmed=0, pending=0, version="2.9.9")},
              labels=dict(scim_lab))
        t += timedelta(minutes=5)
    # an unrelated warning from the IdP side: one 401 from a stale token probe
    t401 = T0 + timedelta(minutes=12, seconds=8)
    g.add(t401, "run.googleapis.com%2Frequests", OLD_REV, "WARNING", {
        "httpRequest": {"requestMethod": "GET", "requestUrl": "https://op-scim-bridge-4kxq7r2bqa-uc.a.run.app/scim/v2/Users?startIndex=1&count=1",
                        "requestSize": "412", "status": 401, "responseSize": "182", "userAgent": "curl/8.7.1",
                        "remoteIp": "203.0.113.77", "serverIp": "216.239.34.53", "latency": "0.004912s",
                        "protocol": "HTTP/1.1"}},
        labels={"instanceId": old_inst}, trace=f"projects/{PROJECT}/traces/{g.hexid(32)}", spanId=g.hexid(16),
        traceSampled=False)
    g.add(t401 - timedelta(milliseconds=1), "run.googleapis.com%2Fstderr", OLD_REV, "DEFAULT",
          {"textPayload": scim_line("WRN", "request rejected: invalid bearer token", status=401, version="2.9.9")},
          labels=dict(scim_lab))

    # --- the deploy of the service YAML (gcloud run services replace)
    audit_res = {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}}
    g.add(T_DEPLOY, "cloudaudit.googleapis.com%2Factivity", None, "NOTICE", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {},
            "authenticationInfo": {"principalEmail": USER},
            "requestMetadata": {"callerIp": "34.122.8.201",
                                "callerSuppliedUserAgent": "google-cloud-sdk gcloud/524.0.0 command/gcloud.run.services.replace invocation-id/3f8e1a0c2b7d4e6f9a1b5c3d7e9f0a2b environment/devshell environment-version/None client-os/LINUX client-os-ver/6.6.72 client-pltf-arch/x86_64 interactive/True from-script/False python/3.12.8 term/screen (Linux 6.6.72+),gzip(gfe)",
                                "requestAttributes": {"time": iso(T_DEPLOY), "auth": {}}, "destinationAttributes": {}},
            "serviceName": "run.googleapis.com",
            "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/services/{SERVICE}", "permission": "run.services.update",
                                   "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                        "name": f"namespaces/{PROJECT}/services/{SERVICE}", "region": REGION},
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": 2},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"},
            "resourceLocation": {"currentLocations": [REGION]}}},
        resource=audit_res, insertId="-k2w9qfe1h4cd")

    # --- new revision: scim starts before redis accepts connections
    decisive = None
    t = T_DEPLOY + timedelta(seconds=7, milliseconds=230)
    for attempt in range(3):
        inst = g.hexid(130)
        slab = {"instanceId": inst, "container_name": "scim"}
        g.add(t, "run.googleapis.com%2Fstderr", BAD_REV, "DEFAULT",
              {"textPayload": scim_line("INF", "starting 1Password SCIM Bridge", version="2.9.11", port=3002)},
              labels=dict(slab))
        g.add(t + timedelta(milliseconds=41), "run.googleapis.com%2Fstderr", BAD_REV, "DEFAULT",
              {"textPayload": scim_line("INF", "loaded scimsession credentials", path="/home/opuser/.op/scimsession", version="2.9.11")},
              labels=dict(slab))
        te = t + timedelta(milliseconds=rng.randint(60, 140))
        g.add(te, "run.googleapis.com%2Fstderr", BAD_REV, "DEFAULT",
              {"textPayload": scim_line("ERR", "redis is not available, cannot start SCIM bridge",
                                        error="\"dial tcp 127.0.0.1:6379: connect: connection refused\"",
                                        redis_url="redis://localhost:6379", version="2.9.11")},
              labels=dict(slab))
        g.add(te + timedelta(milliseconds=230), "run.googleapis.com%2Fvarlog%2Fsystem", BAD_REV, "WARNING",
              {"textPayload": "Container called exit(1)."}, labels=dict(slab))
        # the sidecar comes up a few seconds later, after scim has already given up
        redis_boot(g, BAD_REV, inst, te + timedelta(seconds=rng.randint(3, 6), milliseconds=rng.randint(0, 900)))
        tp = te + timedelta(seconds=rng.randint(9, 14), milliseconds=rng.randint(0, 999))
        e = g.add(tp, "run.googleapis.com%2Fvarlog%2Fsystem", BAD_REV, "ERROR", {"textPayload": PROBE_MSG},
                  labels=dict(slab))
        if decisive is None:
            decisive = e["insertId"]
        t = tp + timedelta(seconds=rng.randint(5, 15))

    t_fail = t
    g.add(t_fail, "cloudaudit.googleapis.com%2Fsystem_event", None, "ERROR", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {"code": 9, "message": f"Ready condition status changed to False for Service {SERVICE} with message: {COND_MSG}"},
            "serviceName": "run.googleapis.com",
            "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"}}},
        resource=audit_res, insertId="-m8c1rte0x3a")
    return decisive, t_fail


def containers(image):
    return [
        {"name": "scim", "image": image, "ports": [{"name": "http1", "containerPort": 3002}],
         "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}, "startupCpuBoost": True},
         "volumeMounts": [{"name": "credentials", "mountPath": "/home/opuser/.op"}],
         "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                          "tcpSocket": {"port": 3002}}},
        {"name": "redis", "image": "redis",
         "args": ["--maxmemory 256mb", "--maxmemory-policy volatile-lru", "--save \"\""],
         "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}}},
    ]


VOLUMES = [{"name": "credentials", "secret": {"secret": "scimsession", "items": [{"path": "scimsession", "version": "latest"}]}}]


def revision(name, image, created, ready, failed):
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    r = {
        "name": f"{base}/revisions/{name}",
        "uid": {OLD_REV: "a61f0c3e-2b7d-4e91-8c05-f3d2e7a1b6c4", BAD_REV: "0c9e7b52-6d1a-4f3e-b8a2-9e4c1d7f5a03"}[name],
        "generation": "1",
        "labels": {"serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION},
        "annotations": {"autoscaling.knative.dev/minScale": "1", "autoscaling.knative.dev/maxScale": "1"},
        "createTime": iso(created), "updateTime": iso(ready), "launchStage": "GA", "service": SERVICE,
        "scaling": {"minInstanceCount": 1, "maxInstanceCount": 1},
        "containers": containers(image), "volumes": VOLUMES,
        "timeout": "300s", "serviceAccount": RUNTIME_SA, "maxInstanceRequestConcurrency": 80,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
    }
    if not failed:
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=9))},
            {"type": "MinInstancesProvisioned", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
        ]
    else:
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR",
             "message": COND_MSG, "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR",
             "message": COND_MSG, "lastTransitionTime": iso(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=5))},
        ]
    return r


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    if out.exists():
        shutil.rmtree(out)
    (out / "logging").mkdir(parents=True)
    (out / "run" / "services").mkdir(parents=True)
    (out / "run" / "revisions").mkdir(parents=True)
    g = Gen(SEED)
    decisive, t_fail = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    old_created = datetime(2025, 5, 20, 9, 12, 31, 77000, tzinfo=timezone.utc)
    revs = {
        OLD_REV: revision(OLD_REV, OLD_IMAGE, old_created, old_created + timedelta(seconds=24), False),
        BAD_REV: revision(BAD_REV, NEW_IMAGE, T_DEPLOY + timedelta(milliseconds=700), t_fail, True),
    }
    for name, r in revs.items():
        (out / "run" / "revisions" / f"{name}.json").write_text(json.dumps(r, sort_keys=True, indent=2) + "\n")

    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    svc = {
        "name": base, "uid": "5d2b8e61-0a4f-4c7b-9e13-6f8a2d0c4b97", "generation": "2",
        "createTime": iso(old_created - timedelta(seconds=3)), "updateTime": iso(T_DEPLOY + timedelta(milliseconds=500)),
        "creator": USER, "lastModifier": USER, "client": "gcloud", "clientVersion": "524.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {"scaling": {"minInstanceCount": 1, "maxInstanceCount": 1},
                     "annotations": {"autoscaling.knative.dev/minScale": "1", "autoscaling.knative.dev/maxScale": "1"},
                     "containers": containers(NEW_IMAGE), "volumes": VOLUMES, "timeout": "300s",
                     "serviceAccount": RUNTIME_SA, "maxInstanceRequestConcurrency": 80,
                     "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "2",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED", "message": COND_MSG,
                              "lastTransitionTime": iso(t_fail), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(old_created + timedelta(seconds=26))},
            {"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": COND_MSG,
             "lastTransitionTime": iso(t_fail), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        ],
        "latestReadyRevision": f"{base}/revisions/{OLD_REV}",
        "latestCreatedRevision": f"{base}/revisions/{BAD_REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": OLD_REV, "percent": 100}],
        "uri": "https://op-scim-bridge-4kxq7r2bqa-uc.a.run.app",
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "1Password/scim-examples",
        "commit": "3f35fa6f0679f36b12686b04b958b7384e7e7bf4",
        "license": "MIT",
        "language": "yaml",
        "fix": "https://github.com/1Password/scim-examples/pull/362",
    }, sort_keys=False))

    case = {
        "id": CASE_ID,
        "title": "1Password SCIM Bridge on Cloud Run: new revision op-scim-bridge-00002-q79 fails its startup probe on port 3002",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": iso(T0)[:-8] + "Z", "end": iso(T_END)[:-8] + "Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/1Password/scim-examples/issues/309",
                        "https://github.com/1Password/scim-examples/issues/367",
                        "https://github.com/1Password/scim-examples/pull/362"],
            "verbatim": [
                "Default STARTUP TCP probe failed 1 time consecutively for container \"scim\" on port 3002. The instance was not started.",
                "op-scim-bridge-00002-q79",
                "1password/scim:v2.9.11",
                "--maxmemory-policy volatile-lru",
                "/home/opuser/.op",
            ],
            "reconstructed": (
                "Generated by evals/realgen/scim-bridge-startup-probe.py with random.Random(367309). The varlog/system "
                "probe-failure entry copies the shape and text of the entry in issue 309 (container_name label, "
                "revision op-scim-bridge-00002-q79, us-central1); the cause is the one issue 367 and PR 362 settled "
                "on: the scim container boots before the redis sidecar is up, and the fix adds a TCP startupProbe on "
                "6379 to redis plus run.googleapis.com/container-dependencies scim->redis. Container config follows "
                "the repository's op-scim-bridge.yaml at the pre-fix commit (v2.9.11 image, redis args, minScale/maxScale "
                "1, scimsession secret volume). Invented: the project id/number, the earlier healthy revision "
                "op-scim-bridge-00001-7bd on v2.9.9, the Okta SCIM request traffic and /ping checks, the SCIM bridge's "
                "own log lines (their exact wording is not in the sources), the redis start-up lines, a stray 401, "
                "times (2025-06-11, the date of issue 367), audit entries and the revision condition text. Issue 309 "
                "itself was closed together with a documentation PR, so only its log entry is used."
            ),
            "project": "1Password/scim-examples",
            "language": "yaml",
            "covers": ["failed-rollout-probe"],
        },
        "expect": {
            "root_causes": ["startup-probe-failure"],
            "not_above": ["port-bind-mismatch", "image-or-deploy-failure", "container-crash"],
            "must_cite": [
                ["beta/google-cloud-run/op-scim-bridge.yaml:27", "beta/google-cloud-run/op-scim-bridge.yaml:12",
                 "beta/google-cloud-run/op-scim-bridge.yaml:28"],
                f"run.googleapis.com/varlog/system#{decisive}",
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
