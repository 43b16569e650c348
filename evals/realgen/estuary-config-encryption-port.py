#!/usr/bin/env python3
"""Generator for the real-incident case `estuary-config-encryption-port`.

Source: https://github.com/estuary/flow/pull/3315 (follow-up to #3308).
The first automated deploy of the `config-encryption` Cloud Run service set
`port: 8765` on google-github-actions/deploy-cloudrun@v2, an input the action
does not have, so the container port stayed at 8080 while the server bound
8765 (its API_PORT default). The default TCP startup probe on 8080 failed and
the new revision never became ready; the 2023 revision kept serving.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "estuary-config-encryption-port"
SEED = 3315
PROJECT = "flowctl-ops-prod-5518"
REGION = "us-central1"
SERVICE = "config-encryption"
OLD_REV = "config-encryption-00012-yox"
NEW_REV = "config-encryption-00013-78t"
T0 = datetime(2026, 8, 4, 15, 30, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 8, 4, 17, 0, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2026, 8, 4, 16, 21, 37, 412000, tzinfo=timezone.utc)
IMAGE_NEW = "us-central1-docker.pkg.dev/%s/ghcr/estuary/config-encryption:v0.6.4-212-g9aa955a" % PROJECT
IMAGE_OLD = "us-central1-docker.pkg.dev/%s/cloud-run-source-deploy/config-encryption@sha256:5c1f0e9d7b2a4c8e6f3d1b0a9e8c7d6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d" % PROJECT
KMS_KEY = "projects/helpful-kingdom-273219/locations/us-central1/keyRings/catalog-sops/cryptoKeys/config-encryptor"

# Verbatim from the PR (the PR wraps these lines for display; Cloud Run writes them unwrapped).
PROBE_FAIL = ('Default STARTUP TCP probe failed 1 time consecutively for container '
              '"config-encryption-1" on port 8080. The instance was not started.\n'
              'Connection failed with status DEADLINE_EXCEEDED.')
STARTED_ARGS = 'Args { api_port: 8765, kms_type: Gcp, kms_key: "%s" }' % KMS_KEY
READY_FALSE_MSG = ("The user-provided container failed to start and listen on the port defined provided by "
                   "the PORT=8080 environment variable within the allocated timeout. This can happen when the "
                   "container port is misconfigured or if the timeout is too short. The health check timeout can "
                   "be extended. Logs for this revision might contain more information.")


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
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": rev, "configuration_name": SERVICE}}

    def base(self, log, dt, rev, severity, lag_ms=None):
        lag = lag_ms if lag_ms is not None else self.rng.randint(4, 40)
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log), "resource": self.resource(rev),
             "timestamp": ts9(dt, self.rng), "receiveTimestamp": ts9(dt + timedelta(milliseconds=lag), self.rng),
             "severity": severity, "insertId": self.insert_id()}
        self.entries.append((dt, e))
        return e

    def request(self, dt, rev, instance, method, path, status, latency_s, ua, remote, req_size, resp_size):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = self.base("run.googleapis.com%2Frequests", dt, rev, sev)
        trace_id = self.hexid(32)
        e["httpRequest"] = {
            "requestMethod": method,
            "requestUrl": "https://config-encryption-4k7qz2a3lq-uc.a.run.app" + path,
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

    def app_json(self, dt, rev, instance, payload, log="run.googleapis.com%2Fstderr", severity="DEFAULT"):
        e = self.base(log, dt, rev, severity)
        e["jsonPayload"] = payload
        e["labels"] = {"instanceId": instance}
        return e


def instance_id(g):
    return "00f46b9285" + g.hexid(118)


UAS_BROWSER = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
]
UA_AGENT = "reqwest/0.12.5"


def build(g):
    rng = g.rng
    # --- old revision: two warm instances serving the whole window
    old_instances = [instance_id(g), instance_id(g)]
    # a scale-up instance at 16:05
    scale_inst = instance_id(g)
    t_scale = T0 + timedelta(minutes=35, seconds=12)
    g.varlog(t_scale, OLD_REV, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", instance=scale_inst)
    g.varlog(t_scale + timedelta(milliseconds=1870), OLD_REV, 'STARTUP TCP probe succeeded after 1 attempt for container "config-encryption-1" on port 8765.', instance=scale_inst)
    old_instances_late = old_instances + [scale_inst]

    # background traffic on the old revision
    t = T0 + timedelta(seconds=rng.uniform(0, 8))
    while t < T_END:
        insts = old_instances_late if t > t_scale + timedelta(seconds=2) else old_instances
        inst = rng.choice(insts)
        r = rng.random()
        ip = "%d.%d.%d.%d" % (rng.choice([34, 35, 73, 98, 172, 203]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        if r < 0.42:
            # browser: preflight then POST
            ua = rng.choice(UAS_BROWSER)
            g.request(t, OLD_REV, inst, "OPTIONS", "/v1/encrypt-config", 200, rng.uniform(0.0009, 0.004), ua, ip, 412, 310)
            t2 = t + timedelta(milliseconds=rng.randint(30, 140))
            if rng.random() < 0.05:
                # user-supplied config that does not validate: a 400 that is the user's, not the service's
                g.request(t2, OLD_REV, inst, "POST", "/v1/encrypt-config", 400, rng.uniform(0.004, 0.02), ua, ip, rng.randint(1800, 9000), rng.randint(300, 900))
            else:
                g.request(t2, OLD_REV, inst, "POST", "/v1/encrypt-config", 200, rng.uniform(0.18, 0.62), ua, ip, rng.randint(1800, 9000), rng.randint(2600, 12000))
        elif r < 0.80:
            # control-plane agent, server to server
            g.request(t, OLD_REV, inst, "POST", "/v1/encrypt-config", 200, rng.uniform(0.15, 0.55), UA_AGENT, "34.123.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)), rng.randint(1500, 6000), rng.randint(2400, 9000))
        elif r < 0.92:
            g.request(t, OLD_REV, inst, "GET", "/v1", 200, rng.uniform(0.0008, 0.003), rng.choice(UAS_BROWSER), ip, 380, 7412)
        elif r < 0.97:
            g.request(t, OLD_REV, inst, "GET", "/favicon.ico", 404, rng.uniform(0.0005, 0.002), rng.choice(UAS_BROWSER), ip, 360, 0)
        else:
            g.request(t, OLD_REV, inst, "GET", "/", 404, rng.uniform(0.0005, 0.002), "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ip, 290, 0)
        t += timedelta(seconds=rng.expovariate(1 / 7.5))

    # --- the deploy (GitHub Actions, workload identity)
    deployer = "cd-github-actions@%s.iam.gserviceaccount.com" % PROJECT
    audit = g.base("cloudaudit.googleapis.com%2Factivity", T_DEPLOY, NEW_REV, "NOTICE", lag_ms=612)
    audit["resource"] = {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
        "revision_name": "", "configuration_name": ""}}
    audit["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "authenticationInfo": {"principalEmail": deployer,
                               "serviceAccountDelegationInfo": [{"principalSubject": "principal://iam.googleapis.com/projects/918273645012/locations/global/workloadIdentityPools/github-actions/subject/repo:estuary/flow:ref:refs/heads/master"}]},
        "requestMetadata": {"callerIp": "20.57.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)),
                            "callerSuppliedUserAgent": "google-cloud-sdk gcloud/485.0.0 command/gcloud.run.deploy invocation-id/%s environment/GitHubActions environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/False from-script/True python/3.12.3 term/,gzip(gfe)" % g.hexid(32),
                            "requestAttributes": {"time": ts(T_DEPLOY), "auth": {}}, "destinationAttributes": {}},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "authorizationInfo": [{"resource": "namespaces/%s/services/%s" % (PROJECT, SERVICE), "permission": "run.services.update", "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                    "name": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
                    "service": {"spec": {"template": {"spec": {"containers": [{
                        "image": IMAGE_NEW,
                        "ports": [{"name": "http1", "containerPort": 8080}],
                        "env": [{"name": "KMS_TYPE", "value": "gcp"}, {"name": "KMS_KEY", "value": KMS_KEY},
                                {"name": "NO_COLOR", "value": "1"}, {"name": "RUST_LOG", "value": "info"}]}],
                        "serviceAccountName": "config-encryption@%s.iam.gserviceaccount.com" % PROJECT}}}}},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                     "metadata": {"name": SERVICE, "namespace": "918273645012", "generation": 13},
                     "status": {"latestCreatedRevisionName": NEW_REV, "latestReadyRevisionName": OLD_REV}},
    }
    audit["operation"] = {"id": "projects/%s/locations/%s/operations/%s" % (PROJECT, REGION, g.hexid(8) + "-" + g.hexid(4)), "producer": "run.googleapis.com", "first": True}

    # --- the new revision's only instance
    ni = instance_id(g)
    t_start = T_DEPLOY + timedelta(seconds=19, milliseconds=204)
    g.varlog(t_start, NEW_REV, "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment, or deployment health check.", instance=ni)
    started = g.app_json(t_start + timedelta(milliseconds=1432), NEW_REV, ni, {
        "timestamp": ts(t_start + timedelta(milliseconds=1431)),
        "level": "INFO",
        "message": "started!",
        "fields": {"args": STARTED_ARGS},
        "target": "flow_config_encryption",
    })
    # default TCP startup probe: 240s period/timeout, failureThreshold 1
    t_fail = t_start + timedelta(seconds=241, milliseconds=87)
    probe = g.varlog(t_fail, NEW_REV, PROBE_FAIL, severity="ERROR", instance=ni)

    sysev = g.base("cloudaudit.googleapis.com%2Fsystem_event", t_fail + timedelta(seconds=2, milliseconds=310), NEW_REV, "ERROR", lag_ms=540)
    sysev["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {"code": 9, "message": "Ready condition status changed to False for Revision %s with message: %s" % (NEW_REV, READY_FALSE_MSG)},
        "serviceName": "run.googleapis.com",
        "methodName": "/Services.ReplaceService",
        "resourceName": "namespaces/%s/revisions/%s" % (PROJECT, NEW_REV),
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Revision",
                     "metadata": {"name": NEW_REV, "namespace": "918273645012"},
                     "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "HealthCheckContainerError", "message": READY_FALSE_MSG}]}},
    }
    sysev2 = g.base("cloudaudit.googleapis.com%2Fsystem_event", t_fail + timedelta(seconds=2, milliseconds=911), NEW_REV, "ERROR", lag_ms=500)
    sysev2["resource"] = dict(sysev2["resource"])
    sysev2["resource"]["labels"] = dict(sysev2["resource"]["labels"], revision_name="")
    sysev2["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {"code": 9, "message": "Ready condition status changed to False for Service %s with message: Revision '%s' is not ready and cannot serve traffic. %s" % (SERVICE, NEW_REV, READY_FALSE_MSG)},
        "serviceName": "run.googleapis.com",
        "methodName": "/Services.ReplaceService",
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
    }
    return {"probe": probe, "started": started, "audit": audit, "t_start": t_start, "t_fail": t_fail}


def service_json(k):
    svc = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    return {
        "name": svc,
        "uid": "7b0d3e52-1c4a-4f8e-9a61-2d5c8b3f0e47",
        "generation": "13",
        "createTime": "2022-05-11T18:02:44.120371Z",
        "updateTime": ts(T_DEPLOY),
        "creator": "phil@estuary.example",
        "lastModifier": "cd-github-actions@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 100},
            "timeout": "300s",
            "serviceAccount": "config-encryption@%s.iam.gserviceaccount.com" % PROJECT,
            "containers": [{
                "name": "config-encryption-1",
                "image": IMAGE_NEW,
                "env": [{"name": "KMS_TYPE", "value": "gcp"}, {"name": "KMS_KEY", "value": KMS_KEY},
                        {"name": "NO_COLOR", "value": "1"}, {"name": "RUST_LOG", "value": "info"}],
                "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
                "ports": [{"name": "http1", "containerPort": 8080}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "maxInstanceRequestConcurrency": 80,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "13",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED",
                              "message": "Revision '%s' is not ready and cannot serve traffic. %s" % (NEW_REV, READY_FALSE_MSG),
                              "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=3)), "severity": "ERROR"},
        "conditions": [
            {"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": "Revision '%s' is not ready and cannot serve traffic. %s" % (NEW_REV, READY_FALSE_MSG), "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=3)), "severity": "ERROR"},
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2023-06-02T21:14:09.551828Z"},
        ],
        "latestReadyRevision": "%s/revisions/%s" % (svc, OLD_REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc, NEW_REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": OLD_REV, "percent": 100}],
        "uri": "https://config-encryption-4k7qz2a3lq-uc.a.run.app",
        "etag": "\"CNHe9bMGEJDmhsQB/cHJvamVjdHMvZmxvd2N0bC1vcHMtcHJvZC01NTE4L2xvY2F0aW9ucy91cy1jZW50cmFsMS9zZXJ2aWNlcy9jb25maWctZW5jcnlwdGlvbg\"",
    }


def revision_json(name, image, port, created, conditions, args=None, env=None, sa=None, gen="1"):
    svc = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    c = {"name": "config-encryption-1", "image": image,
         "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
         "ports": [{"name": "http1", "containerPort": port}],
         "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": port}}}
    if args:
        c["args"] = args
    if env:
        c["env"] = env
    return {
        "name": "%s/revisions/%s" % (svc, name),
        "uid": None,
        "generation": gen,
        "labels": {"cloud.googleapis.com/location": REGION, "serving.knative.dev/service": SERVICE,
                   "serving.knative.dev/configuration": SERVICE},
        "createTime": created, "updateTime": created,
        "launchStage": "GA",
        "service": SERVICE,
        "scaling": {"maxInstanceCount": 100},
        "timeout": "300s",
        "serviceAccount": sa,
        "containers": [c],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "maxInstanceRequestConcurrency": 80,
        "conditions": conditions,
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, name),
    }


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items() if v is not None}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


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

    (d / ("run/services/%s.json" % SERVICE)).write_text(json.dumps(clean(service_json(k)), sort_keys=True, indent=2) + "\n")
    env_new = [{"name": "KMS_TYPE", "value": "gcp"}, {"name": "KMS_KEY", "value": KMS_KEY},
               {"name": "NO_COLOR", "value": "1"}, {"name": "RUST_LOG", "value": "info"}]
    old = revision_json(OLD_REV, IMAGE_OLD, 8765, "2023-06-02T21:12:31.904116Z", [
        {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2023-06-02T21:13:58.201934Z"},
        {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2023-06-02T21:13:58.201934Z"},
        {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2023-06-02T21:13:40.118227Z"},
    ], args=["--log.format=json", "--gcp-kms=%s" % KMS_KEY], sa="config-encryption@%s.iam.gserviceaccount.com" % PROJECT, gen="12")
    old["uid"] = "1f6c2b9e-7a3d-4e85-b0c4-93d2e61a8f05"
    new = revision_json(NEW_REV, IMAGE_NEW, 8080, ts(T_DEPLOY + timedelta(seconds=2)), [
        {"type": "Ready", "state": "CONDITION_FAILED", "message": READY_FALSE_MSG, "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "message": READY_FALSE_MSG, "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(k["t_start"] - timedelta(seconds=3))},
    ], env=env_new, sa="config-encryption@%s.iam.gserviceaccount.com" % PROJECT, gen="13")
    new["uid"] = "c48e0a17-5b92-4d3f-8e6a-0f7b1c29d5e3"
    for r in (old, new):
        name = r["name"].rsplit("/", 1)[1]
        (d / ("run/revisions/%s.json" % name)).write_text(json.dumps(clean(r), sort_keys=True, indent=2) + "\n")

    svc_ref = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    case = {
        "id": CASE_ID,
        "title": "config-encryption deploy from CI never becomes ready; default STARTUP TCP probe on port 8080 fails",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-08-04T15:30:00Z", "end": "2026-08-04T17:00:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/estuary/flow/pull/3315"],
            "verbatim": [
                'Default STARTUP TCP probe failed 1 time consecutively for container "config-encryption-1" on port 8080. The instance was not started.',
                "Connection failed with status DEADLINE_EXCEEDED.",
                "started!",
                "Args { api_port: 8765, kms_type: Gcp, kms_key: ",
                "config-encryption-00013-78t",
                "config-encryption-00012-yox",
                "KMS_TYPE",
                "projects/helpful-kingdom-273219/",
            ],
            "reconstructed": (
                "The PR quotes the failed revision config-encryption-00013-78t, its probe failure and its 'started!' line, "
                "and says the 2023 revision config-encryption-00012-yox was the one running; everything else is generated by "
                "evals/realgen/estuary-config-encryption-port.py (random.Random(3315), fixed timestamps on 2026-08-04, the PR's date). "
                "Invented: the project id flowctl-ops-prod-5518 (the KMS key path is kept from the source), the image tag, instance ids, "
                "insertIds, audit metadata and the background traffic on the old revision (OPTIONS/POST /v1/encrypt-config from browsers "
                "and the control-plane agent, GET /v1, a few 400s for configs that fail schema validation, favicon 404s, one autoscaling start). "
                "The PR shows the probe message and the JSON log line wrapped over several lines and the KMS key elided with '...'; here they "
                "are written as Cloud Run emits them (one message with the newline before 'Connection failed', full key). The PR's "
                "text is cut off after 'Traffic never', so the judgment that the old revision kept 100% of traffic follows the failed rollout "
                "semantics of Cloud Run. The Ready=False platform message and system_event entries use Cloud Run's standard wording, not the "
                "source's. estuary/flow is larger than the mirror limit, so no repo.yaml was written; the fix (in "
                ".github/workflows/deploy-config-encryption.yaml, replacing the ignored port: 8765 input so the container port "
                "matches the 8765 the server binds; the exact change is past the quoted part of the PR) is cited through the service setting."
            ),
            "project": "estuary/flow",
            "language": "rust",
            "covers": ["failed-rollout-port"],
        },
        "expect": {
            "root_causes": ["port-bind-mismatch"],
            "not_above": ["startup-probe-failure", "image-or-deploy-failure", "container-crash"],
            "must_cite": [
                "run.googleapis.com/varlog/system#%s" % k["probe"]["insertId"],
                ["%s#template.containers[0].ports[0].containerPort" % svc_ref,
                 "run.googleapis.com/stderr#%s" % k["started"]["insertId"]],
            ],
        },
    }
    (d / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d log entries" % (CASE_ID, n))
