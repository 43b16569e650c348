#!/usr/bin/env python3
"""Generator for the real-incident case `pulumi-template-arm64-image`.

Source: https://github.com/pulumi/templates/pull/490.
The container-gcp-typescript template built its image with the host's
default platform; on an Apple M1 that is linux/arm64, which Cloud Run cannot
run, so every revision of the new service failed with "The user-provided
container failed to start and listen on the port defined provided by the
PORT=8080 environment variable". The fix sets DOCKER_DEFAULT_PLATFORM to
linux/amd64 in the docker.Image build.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "pulumi-template-arm64-image"
SEED = 490
PROJECT = "acme-sandbox-371208"
PROJECT_NUMBER = "830114457209"
REGION = "us-central1"
SERVICE = "service-5d1e0a4"
OTHER = "hello-web"
HOSTS = {SERVICE: "https://service-5d1e0a4-7qhw3bkfma-uc.a.run.app",
         OTHER: "https://hello-web-7qhw3bkfma-uc.a.run.app"}
REV1 = "service-5d1e0a4-00001-kex"
REV2 = "service-5d1e0a4-00002-wov"
OTHER_REV = "hello-web-00004-tav"
T0 = datetime(2023, 1, 3, 19, 45, 0, tzinfo=timezone.utc)
T_END = datetime(2023, 1, 3, 21, 15, 0, tzinfo=timezone.utc)
T_CREATE = datetime(2023, 1, 3, 20, 12, 48, 331000, tzinfo=timezone.utc)
T_UPDATE = datetime(2023, 1, 3, 20, 39, 5, 870000, tzinfo=timezone.utc)
IMG1 = "gcr.io/%s/my-app:4f2c9a7be01d53e8c6a1f0b27d94e3c5a8b61f0d2e7c94a3b5d8e1f6a2c0b947" % PROJECT
IMG2 = "gcr.io/%s/my-app:9b03e6d1c72f48a5e0b3c9d7f1a26e84b5c0d3f9a7e12b64c8d0f5a3e9b71c26" % PROJECT
USER = "antoine@acme-sandbox.example"
UA = "Pulumi/3.50.2 (https://www.pulumi.com) Terraform-Plugin-SDK/2.10.1 terraform-provider-google/dev6,gzip(gfe)"

# verbatim from the PR
NOT_READY = ("The user-provided container failed to start and listen on the port defined provided by the PORT=8080 "
             "environment variable. Logs for this revision might contain more information.")
# Cloud Run's first-generation sandbox wording for a binary of the wrong architecture (not in the source)
EXEC_ERR = "terminated: Application failed to start: failed to load /usr/local/bin/docker-entrypoint.sh: exec format error"


def ts(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def ts9(dt, rng):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "%03dZ" % rng.randrange(1000)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def insert_id(self):
        return self.hexid(16)

    def resource(self, rev):
        svc = rev.rsplit("-", 2)[0]
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": svc,
            "revision_name": rev, "configuration_name": svc}}

    def base(self, log, dt, rev, severity, lag_ms=None):
        lag = lag_ms if lag_ms is not None else self.rng.randint(4, 40)
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log), "resource": self.resource(rev),
             "timestamp": ts9(dt, self.rng), "receiveTimestamp": ts9(dt + timedelta(milliseconds=lag), self.rng),
             "severity": severity, "insertId": self.insert_id()}
        self.entries.append((dt, e))
        return e

    def request(self, dt, rev, instance, method, path, status, latency_s, ua, remote, req_size, resp_size):
        svc = rev.rsplit("-", 2)[0]
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = self.base("run.googleapis.com%2Frequests", dt, rev, sev)
        trace_id = self.hexid(32)
        e["httpRequest"] = {
            "requestMethod": method,
            "requestUrl": HOSTS[svc] + path,
            "requestSize": str(req_size), "status": status, "responseSize": str(resp_size),
            "userAgent": ua, "remoteIp": remote, "serverIp": "216.239.32.53",
            "latency": "%.6fs" % latency_s, "protocol": "HTTP/1.1"}
        e["labels"] = {"instanceId": instance}
        e["trace"] = "projects/%s/traces/%s" % (PROJECT, trace_id)
        e["spanId"] = self.hexid(16)
        e["traceSampled"] = False
        return e

    def varlog(self, dt, rev, text, severity="INFO", instance=None):
        e = self.base("run.googleapis.com%2Fvarlog%2Fsystem", dt, rev, severity)
        e["textPayload"] = text
        if instance:
            e["labels"] = {"instanceId": instance}
        return e

    def app_text(self, dt, rev, instance, text, log="run.googleapis.com%2Fstderr", severity="DEFAULT"):
        e = self.base(log, dt, rev, severity)
        e["textPayload"] = text
        e["labels"] = {"instanceId": instance}
        return e

    def app_json(self, dt, rev, instance, payload, log="run.googleapis.com%2Fstderr", severity="DEFAULT"):
        e = self.base(log, dt, rev, severity)
        e["jsonPayload"] = payload
        e["labels"] = {"instanceId": instance}
        return e


def instance_id(g):
    return "00bf4bf02d" + g.hexid(118)


def audit(g, dt, rev_for_res, method, resource_name, principal=None, request=None, response=None, status=None,
          log="cloudaudit.googleapis.com%2Factivity", severity="NOTICE"):
    e = g.base(log, dt, rev_for_res, severity, lag_ms=590)
    e["resource"]["labels"]["revision_name"] = ""
    e["resource"]["labels"]["configuration_name"] = ""
    p = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog", "serviceName": "run.googleapis.com",
         "methodName": method, "resourceName": resource_name, "status": status or {}}
    if principal:
        p["authenticationInfo"] = {"principalEmail": principal}
        p["requestMetadata"] = {"callerIp": "2a01:cb00:%x:%x::%x" % (g.rng.randrange(65536), g.rng.randrange(65536), g.rng.randrange(65536)),
                                "callerSuppliedUserAgent": UA,
                                "requestAttributes": {"time": ts(dt), "auth": {}}, "destinationAttributes": {}}
        p["authorizationInfo"] = [{"resource": resource_name, "permission": "run.services.create" if "Create" in method else "run.services.update",
                                   "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}]
        e["operation"] = {"id": "projects/%s/locations/%s/operations/%s-%s" % (PROJECT, REGION, g.hexid(8), g.hexid(4)), "producer": "run.googleapis.com", "first": True}
    if request:
        p["request"] = request
    if response:
        p["response"] = response
    e["protoPayload"] = p
    return e


def knative_spec(image):
    return {"template": {"spec": {"containerConcurrency": 80, "containers": [{
        "image": image, "ports": [{"containerPort": 8080}],
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}},
        "traffic": [{"latestRevision": True, "percent": 100}]}


def failing_revision(g, k, rev, t_dep, method, image):
    rng = g.rng
    res = "namespaces/%s/services/%s" % (PROJECT, SERVICE)
    req_type = "CreateServiceRequest" if "Create" in method else "ReplaceServiceRequest"
    a = audit(g, t_dep, rev, "google.cloud.run.v1.Services." + method, res, USER,
              request={"@type": "type.googleapis.com/google.cloud.run.v1." + req_type,
                       "service": {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                                   "metadata": {"name": SERVICE, "namespace": PROJECT,
                                                "annotations": {"run.googleapis.com/launch-stage": "GA"}},
                                   "spec": knative_spec(image)}},
              response={"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                        "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": 1 if rev == REV1 else 2},
                        "status": {"latestCreatedRevisionName": rev}})
    k.setdefault("audits", []).append(a)
    t = t_dep + timedelta(seconds=9, milliseconds=rng.randint(100, 900))
    errs = []
    for attempt in range(3):
        inst = instance_id(g)
        e1 = g.varlog(t, rev, EXEC_ERR, severity="ERROR", instance=inst)
        g.varlog(t + timedelta(milliseconds=rng.randint(1, 9)), rev, "Application exec likely failed", severity="ERROR", instance=inst)
        errs.append(e1)
        t += timedelta(seconds=rng.uniform(6, 14))
    t_fail = t + timedelta(seconds=rng.uniform(2, 5))
    status_msg = "Revision '%s' is not ready and cannot serve traffic. %s" % (rev, NOT_READY)
    se = audit(g, t_fail, rev, "/Services." + method, "namespaces/%s/revisions/%s" % (PROJECT, rev),
               status={"code": 9, "message": "Ready condition status changed to False for Revision %s with message: %s" % (rev, NOT_READY)},
               log="cloudaudit.googleapis.com%2Fsystem_event", severity="ERROR")
    se["resource"]["labels"]["revision_name"] = rev
    se["resource"]["labels"]["configuration_name"] = SERVICE
    audit(g, t_fail + timedelta(milliseconds=640), rev, "/Services." + method, res,
          status={"code": 9, "message": "Ready condition status changed to False for Service %s with message: %s" % (SERVICE, status_msg)},
          log="cloudaudit.googleapis.com%2Fsystem_event", severity="ERROR")
    return errs, t_fail


def build(g):
    rng = g.rng
    k = {}
    # unrelated service in the same sandbox project: uptime checks + a little traffic
    oi = instance_id(g)
    t = T0 + timedelta(seconds=rng.uniform(0, 20))
    while t < T_END:
        r = rng.random()
        if r < 0.55:
            g.request(t, OTHER_REV, oi, "GET", "/", 200, rng.uniform(0.002, 0.011), "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", "35.238.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)), 180, 412)
        elif r < 0.85:
            g.request(t, OTHER_REV, oi, "GET", rng.choice(["/", "/about", "/api/time"]), 200, rng.uniform(0.003, 0.04), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36", "90.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)), 520, rng.randint(400, 9000))
        elif r < 0.95:
            g.request(t, OTHER_REV, oi, "GET", "/favicon.ico", 404, rng.uniform(0.001, 0.004), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36", "90.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)), 480, 150)
        else:
            g.request(t, OTHER_REV, oi, "GET", rng.choice(["/wp-login.php", "/.git/config", "/admin"]), 404, rng.uniform(0.001, 0.004), "Mozilla/5.0 zgrab/0.x", "167.94.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)), 220, 150)
        t += timedelta(seconds=rng.expovariate(1 / 11.0))
    # cold starts of the unrelated service now and then
    for m in (3, 47, 71):
        tt = T0 + timedelta(minutes=m, seconds=rng.uniform(0, 50))
        g.app_text(tt, OTHER_REV, oi, "Listening on port 8080", log="run.googleapis.com%2Fstdout")

    errs1, t_fail1 = failing_revision(g, k, REV1, T_CREATE, "CreateService", IMG1)
    errs2, t_fail2 = failing_revision(g, k, REV2, T_UPDATE, "ReplaceService", IMG2)
    k.update(errs1=errs1, errs2=errs2, t_fail1=t_fail1, t_fail2=t_fail2)
    return k


def clean(o):
    if isinstance(o, dict):
        return {kk: clean(v) for kk, v in o.items() if v is not None}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


def container(image):
    return {"name": "service-1", "image": image,
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "cpuIdle": True},
            "ports": [{"name": "http1", "containerPort": 8080}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}}


def write(out_parent: Path) -> int:
    g = Gen(SEED)
    k = build(g)
    d = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    g.entries.sort(key=lambda x: (x[0], x[1]["insertId"]))
    with open(d / "logging/entries.jsonl", "w") as f:
        for _, e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    svc = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    fail_msg = "Revision '%s' is not ready and cannot serve traffic. %s" % (REV2, NOT_READY)
    tf = ts(k["t_fail2"])
    service = {
        "name": svc, "uid": "0c7f2e93-4b18-4d6a-a25e-71b9d3f80c5e", "generation": "2",
        "createTime": ts(T_CREATE), "updateTime": ts(T_UPDATE), "creator": USER, "lastModifier": USER,
        "client": "terraform", "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {"scaling": {"maxInstanceCount": 100}, "timeout": "300s",
                     "serviceAccount": "%s-compute@developer.gserviceaccount.com" % PROJECT_NUMBER,
                     "containers": [container(IMG2)], "maxInstanceRequestConcurrency": 80,
                     "executionEnvironment": None},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "2",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED", "message": fail_msg, "lastTransitionTime": tf, "severity": "ERROR"},
        "conditions": [{"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": fail_msg, "lastTransitionTime": tf, "severity": "ERROR"},
                       {"type": "RoutesReady", "state": "CONDITION_FAILED", "message": fail_msg, "lastTransitionTime": tf, "severity": "ERROR"}],
        "latestCreatedRevision": "%s/revisions/%s" % (svc, REV2),
        "uri": HOSTS[SERVICE],
    }
    (d / ("run/services/%s.json" % SERVICE)).write_text(json.dumps(clean(service), sort_keys=True, indent=2) + "\n")
    for rev, img, t_dep, t_fail, gen, uid in ((REV1, IMG1, T_CREATE, k["t_fail1"], "1", "6a0d84f2-c319-4e57-b8a0-2f5e71c9d3b4"),
                                              (REV2, IMG2, T_UPDATE, k["t_fail2"], "2", "e1b47c05-8d26-4f9a-93c1-5a7e0d2f6b18")):
        r = {
            "name": "%s/revisions/%s" % (svc, rev), "uid": uid, "generation": gen,
            "labels": {"cloud.googleapis.com/location": REGION, "serving.knative.dev/service": SERVICE,
                       "serving.knative.dev/configuration": SERVICE},
            "createTime": ts(t_dep + timedelta(seconds=1)), "updateTime": ts(t_fail), "launchStage": "GA",
            "service": SERVICE, "scaling": {"maxInstanceCount": 100}, "timeout": "300s",
            "serviceAccount": "%s-compute@developer.gserviceaccount.com" % PROJECT_NUMBER,
            "containers": [container(img)], "maxInstanceRequestConcurrency": 80,
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
            "conditions": [
                {"type": "Ready", "state": "CONDITION_FAILED", "message": NOT_READY, "lastTransitionTime": ts(t_fail), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
                {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "message": NOT_READY, "lastTransitionTime": ts(t_fail), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(t_dep + timedelta(seconds=8))},
            ],
            "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, rev),
        }
        (d / ("run/revisions/%s.json" % rev)).write_text(json.dumps(clean(r), sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "pulumi up of the container-gcp-typescript template fails: revision is not ready and cannot serve traffic",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2023-01-03T19:45:00Z", "end": "2023-01-03T21:15:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/pulumi/templates/pull/490"],
            "verbatim": [NOT_READY, "is not ready and cannot serve traffic.", "gcr.io/", "/my-app"],
            "reconstructed": (
                "PR 490 quotes the Pulumi diagnostic for an update of the template's Cloud Run service built on an Apple M1 "
                "(\"Revision 'service-XXXXXXX-XXXXX' is not ready and cannot serve traffic. The user-provided container failed to "
                "start and listen on the port defined provided by the PORT=8080 environment variable. ...\") and the documentation hint "
                "that images built on ARM machines may not run on Cloud Run. Service settings (gcr.io/<project>/my-app, 1 CPU, 1Gi, "
                "concurrency 80, port 8080, us-central1) come from container-gcp-typescript/index.ts at the pre-fix commit. Because the "
                "source says 'updating', the case has two failed revisions: the create (00001) and the update after a rebuild (00002); "
                "no revision was ever ready. The container-side lines ('terminated: Application failed to start: failed to load "
                "/usr/local/bin/docker-entrypoint.sh: exec format error', 'Application exec likely failed') are not in the source: they "
                "are Cloud Run's first-generation wording for a wrong-architecture binary, applied to the node:16 image's entrypoint. "
                "Background is an unrelated hello-web service in the same sandbox project (uptime checks, a few page views, favicon "
                "and scanner 404s). Generated by evals/realgen/pulumi-template-arm64-image.py (random.Random(490), fixed timestamps "
                "on 2023-01-03, the PR's date). Invented: project id/number, service and revision suffixes, image tags, user, ids."
            ),
            "project": "pulumi/templates",
            "language": "typescript",
            "covers": ["failed-rollout-image"],
        },
        "expect": {
            "root_causes": ["image-or-deploy-failure"],
            "not_above": ["port-bind-mismatch", "startup-probe-failure", "container-crash"],
            "must_cite": [
                ["container-gcp-typescript/index.ts:23", "container-gcp-typescript/index.ts:22", "container-gcp-typescript/index.ts:20"],
                ["run.googleapis.com/varlog/system#%s" % e["insertId"] for e in k["errs2"] + k["errs1"]],
            ],
        },
    }
    (d / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    (d / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "pulumi/templates",
        "commit": "02486137775b4d539c8c17a4fbbf2254323487f8",
        "license": "Apache-2.0",
        "language": "typescript",
        "fix": "https://github.com/pulumi/templates/pull/490",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d log entries" % (CASE_ID, n))
