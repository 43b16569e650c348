#!/usr/bin/env python3
"""Generator for the real-incident case `estuary-missing-sops-binary`.

Source: https://github.com/estuary/flow/pull/3308.
The `config-encryption` service shells out to `sops`, but
docker/config-encryption.Dockerfile only copied `flow-config-encryption` into
the image, so every /v1/encrypt-config call served by that image fails with
"failed to run `sops`". Here a revision built from that image replaces the
healthy 2023 revision and the encrypt calls start failing with it.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "estuary-missing-sops-binary"
SEED = 3308
PROJECT = "encsvc-prod-2207"
REGION = "us-central1"
SERVICE = "config-encryption"
HOST = "https://config-encryption-q3xv7m2kda-uc.a.run.app"
OLD_REV = "config-encryption-00012-yox"
NEW_REV = "config-encryption-00013-q8d"
T0 = datetime(2026, 8, 3, 13, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 8, 3, 14, 30, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2026, 8, 3, 13, 47, 12, 203000, tzinfo=timezone.utc)
IMAGE_NEW = "ghcr.io/estuary/config-encryption:v0.6.4-187-g3c0d9e1"
IMAGE_OLD = "us-central1-docker.pkg.dev/%s/cloud-run-source-deploy/config-encryption@sha256:5c1f0e9d7b2a4c8e6f3d1b0a9e8c7d6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d" % PROJECT
KMS_KEY = "projects/helpful-kingdom-273219/locations/us-central1/keyRings/catalog-sops/cryptoKeys/config-encryptor"
SOPS_ERR = "failed to run `sops`"   # verbatim from the PR (Error::SopsError's Display)


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
            "requestUrl": HOST + path,
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
ENV_NEW = [{"name": "KMS_TYPE", "value": "gcp"}, {"name": "KMS_KEY", "value": KMS_KEY},
           {"name": "NO_COLOR", "value": "1"}, {"name": "RUST_LOG", "value": "info"}]


def started_line(g, dt, inst):
    return g.app_json(dt, NEW_REV, inst, {
        "timestamp": ts(dt - timedelta(milliseconds=1)), "level": "INFO", "message": "started!",
        "fields": {"args": 'Args { api_port: 8765, kms_type: Gcp, kms_key: "%s" }' % KMS_KEY},
        "target": "flow_config_encryption"})


def build(g):
    rng = g.rng
    k = {"warn": []}
    old_insts = [instance_id(g), instance_id(g)]
    new_insts = []
    t_ready = None

    # deploy by hand from a workstation: gcloud run deploy --image ghcr... --port 8765 --command "" --args ""
    audit = g.base("cloudaudit.googleapis.com%2Factivity", T_DEPLOY, NEW_REV, "NOTICE", lag_ms=702)
    audit["resource"] = {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}}
    audit["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "authenticationInfo": {"principalEmail": "ops-oncall@estuary.example"},
        "requestMetadata": {"callerIp": "73.162.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)),
                            "callerSuppliedUserAgent": "google-cloud-sdk gcloud/485.0.0 command/gcloud.run.deploy invocation-id/%s environment/None environment-version/None client-os/MACOSX client-os-ver/23.5.0 client-pltf-arch/arm interactive/True from-script/False python/3.11.9 term/xterm-256color,gzip(gfe)" % g.hexid(32),
                            "requestAttributes": {"time": ts(T_DEPLOY), "auth": {}}, "destinationAttributes": {}},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "authorizationInfo": [{"resource": "namespaces/%s/services/%s" % (PROJECT, SERVICE), "permission": "run.services.update", "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                    "name": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
                    "service": {"spec": {"template": {"spec": {"containers": [{
                        "image": IMAGE_NEW, "ports": [{"name": "http1", "containerPort": 8765}], "env": ENV_NEW}],
                        "serviceAccountName": "config-encryption@%s.iam.gserviceaccount.com" % PROJECT}}}}},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                     "metadata": {"name": SERVICE, "namespace": "553017264810", "generation": 13},
                     "status": {"latestCreatedRevisionName": NEW_REV, "latestReadyRevisionName": OLD_REV}},
    }
    audit["operation"] = {"id": "projects/%s/locations/%s/operations/%s" % (PROJECT, REGION, g.hexid(8) + "-" + g.hexid(4)), "producer": "run.googleapis.com", "first": True}
    k["audit"] = audit

    # new revision comes up fine: the binary is there, only `sops` is not
    ni = instance_id(g)
    t_s = T_DEPLOY + timedelta(seconds=14, milliseconds=388)
    g.varlog(t_s, NEW_REV, "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment, or deployment health check.", instance=ni)
    started_line(g, t_s + timedelta(milliseconds=1210), ni)
    g.varlog(t_s + timedelta(milliseconds=1702), NEW_REV, 'STARTUP TCP probe succeeded after 1 attempt for container "config-encryption-1" on port 8765.', instance=ni)
    t_ready = t_s + timedelta(seconds=4, milliseconds=120)
    k["t_ready"] = t_ready
    new_insts.append(ni)
    se = g.base("cloudaudit.googleapis.com%2Fsystem_event", t_ready + timedelta(seconds=1), NEW_REV, "INFO", lag_ms=480)
    se["resource"]["labels"] = dict(se["resource"]["labels"], revision_name="")
    se["protoPayload"] = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog", "status": {"message": "Ready condition status changed to True for Service %s." % SERVICE},
                          "serviceName": "run.googleapis.com", "methodName": "/Services.ReplaceService",
                          "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE)}
    # a second new instance as retries pile up
    ni2 = instance_id(g)
    t_s2 = t_ready + timedelta(minutes=6, seconds=31)
    g.varlog(t_s2, NEW_REV, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", instance=ni2)
    started_line(g, t_s2 + timedelta(milliseconds=1188), ni2)
    g.varlog(t_s2 + timedelta(milliseconds=1650), NEW_REV, 'STARTUP TCP probe succeeded after 1 attempt for container "config-encryption-1" on port 8765.', instance=ni2)

    t = T0 + timedelta(seconds=rng.uniform(0, 6))
    while t < T_END:
        on_new = t >= t_ready
        rev = NEW_REV if on_new else OLD_REV
        insts = (new_insts + ([ni2] if t > t_s2 + timedelta(seconds=2) else [])) if on_new else old_insts
        inst = rng.choice(insts)
        ip = "%d.%d.%d.%d" % (rng.choice([34, 35, 73, 98, 172, 203]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        r = rng.random()

        def encrypt(tt, ua, remote):
            if on_new:
                lat = rng.uniform(0.004, 0.019)
                g.request(tt, rev, inst, "POST", "/v1/encrypt-config", 400, lat, ua, remote, rng.randint(1500, 9000), rng.randint(88, 96))
                w = g.app_json(tt + timedelta(microseconds=int(lat * 1e6 * 0.7)), rev, inst, {
                    "timestamp": ts(tt + timedelta(microseconds=int(lat * 1e6 * 0.7))), "level": "WARN",
                    "fields": {"error": SOPS_ERR}, "target": "config_encryption",
                    "span": {"name": "encrypt_config"}, "spans": [{"name": "encrypt_config"}]})
                k["warn"].append(w)
            else:
                if rng.random() < 0.04:
                    g.request(tt, rev, inst, "POST", "/v1/encrypt-config", 400, rng.uniform(0.004, 0.02), ua, remote, rng.randint(1800, 9000), rng.randint(300, 900))
                else:
                    g.request(tt, rev, inst, "POST", "/v1/encrypt-config", 200, rng.uniform(0.18, 0.62), ua, remote, rng.randint(1800, 9000), rng.randint(2600, 12000))

        if r < 0.40:
            ua = rng.choice(UAS_BROWSER)
            g.request(t, rev, inst, "OPTIONS", "/v1/encrypt-config", 200, rng.uniform(0.0009, 0.004), ua, ip, 412, 310)
            encrypt(t + timedelta(milliseconds=rng.randint(30, 140)), ua, ip)
            if on_new and rng.random() < 0.5:
                # the UI retries once
                t3 = t + timedelta(seconds=rng.uniform(2, 6))
                g.request(t3, rev, inst, "OPTIONS", "/v1/encrypt-config", 200, rng.uniform(0.0009, 0.004), ua, ip, 412, 310)
                encrypt(t3 + timedelta(milliseconds=rng.randint(30, 140)), ua, ip)
        elif r < 0.80:
            remote = "34.123.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
            encrypt(t, UA_AGENT, remote)
        elif r < 0.93:
            g.request(t, rev, inst, "GET", "/v1", 200, rng.uniform(0.0008, 0.003), rng.choice(UAS_BROWSER), ip, 380, 7412)
        elif r < 0.98:
            g.request(t, rev, inst, "GET", "/favicon.ico", 404, rng.uniform(0.0005, 0.002), rng.choice(UAS_BROWSER), ip, 360, 0)
        else:
            g.request(t, rev, inst, "GET", "/.env", 404, rng.uniform(0.0005, 0.002), "Mozilla/5.0 zgrab/0.x", ip, 240, 0)
        t += timedelta(seconds=rng.expovariate(1 / 7.0))
    k["warn"].sort(key=lambda e: e["timestamp"])
    return k


def revision_json(name, image, created, conditions, uid, gen, args=None, env=None):
    svc = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    c = {"name": "config-encryption-1", "image": image,
         "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
         "ports": [{"name": "http1", "containerPort": 8765}],
         "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8765}}}
    if args:
        c["args"] = args
    if env:
        c["env"] = env
    return {
        "name": "%s/revisions/%s" % (svc, name), "uid": uid, "generation": gen,
        "labels": {"cloud.googleapis.com/location": REGION, "serving.knative.dev/service": SERVICE,
                   "serving.knative.dev/configuration": SERVICE},
        "createTime": created, "updateTime": created, "launchStage": "GA", "service": SERVICE,
        "scaling": {"maxInstanceCount": 100}, "timeout": "300s",
        "serviceAccount": "config-encryption@%s.iam.gserviceaccount.com" % PROJECT,
        "containers": [c], "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "maxInstanceRequestConcurrency": 80, "conditions": conditions,
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, name),
    }


def ok_conditions(t_ready, t_res):
    return [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": t_ready},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": t_ready},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": t_res}]


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
    service = {
        "name": svc, "uid": "2a9e61c4-0b7d-4f13-8c5e-6d1f3a7b9e20", "generation": "13",
        "createTime": "2022-05-11T18:02:44.120371Z", "updateTime": ts(T_DEPLOY),
        "creator": "phil@estuary.example", "lastModifier": "ops-oncall@estuary.example",
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 100}, "timeout": "300s",
            "serviceAccount": "config-encryption@%s.iam.gserviceaccount.com" % PROJECT,
            "containers": [{"name": "config-encryption-1", "image": IMAGE_NEW, "env": ENV_NEW,
                            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
                            "ports": [{"name": "http1", "containerPort": 8765}],
                            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8765}}}],
            "maxInstanceRequestConcurrency": 80},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "13",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(k["t_ready"] + timedelta(seconds=1))},
        "conditions": [{"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(k["t_ready"])},
                       {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(k["t_ready"] + timedelta(seconds=1))}],
        "latestReadyRevision": "%s/revisions/%s" % (svc, NEW_REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc, NEW_REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": HOST,
    }
    (d / ("run/services/%s.json" % SERVICE)).write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")
    old = revision_json(OLD_REV, IMAGE_OLD, "2023-06-02T21:12:31.904116Z",
                        ok_conditions("2023-06-02T21:13:58.201934Z", "2023-06-02T21:13:40.118227Z"),
                        "1f6c2b9e-7a3d-4e85-b0c4-93d2e61a8f05", "12",
                        args=["--log.format=json", "--gcp-kms=%s" % KMS_KEY])
    new = revision_json(NEW_REV, IMAGE_NEW, ts(T_DEPLOY + timedelta(seconds=2)),
                        ok_conditions(ts(k["t_ready"]), ts(k["t_ready"] - timedelta(seconds=6))),
                        "8d3b5f70-94e2-4c1a-a6d8-7e0c52b1f9a3", "13", env=ENV_NEW)
    for r in (old, new):
        (d / ("run/revisions/%s.json" % r["name"].rsplit("/", 1)[1])).write_text(json.dumps(r, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "every POST /v1/encrypt-config returns 400 right after config-encryption moves to the CI-built image",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-08-03T13:00:00Z", "end": "2026-08-03T14:30:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/estuary/flow/pull/3308"],
            "verbatim": [SOPS_ERR, "/v1/encrypt-config", "config-encryption-00012-yox", "ghcr.io/estuary/config-encryption"],
            "reconstructed": (
                "PR 3308 states the defect (docker/config-encryption.Dockerfile copied only flow-config-encryption, not sops, so every "
                "/v1/encrypt-config call in that image fails with \"failed to run `sops`\"), names the hand-deployed 2023 revision "
                "config-encryption-00012-yox as the one running, and fixes the Dockerfile with a one-line COPY. It does not show a "
                "production rollout of the broken image; this case rebuilds what such a rollout looks like: a hand deploy (gcloud run "
                "deploy, invented principal ops-oncall@estuary.example) of the CI-built ghcr image as revision config-encryption-00013-q8d "
                "(invented name, distinct from the real 00013-78t of PR 3315), with the container port set right so the revision becomes "
                "ready. From then on every encrypt call is a 400 and the tracing instrument on encrypt_config writes a WARN event with the "
                "error's Display text; GET /v1 and CORS preflights keep answering 200. Generated by "
                "evals/realgen/estuary-missing-sops-binary.py (random.Random(3308), fixed timestamps on 2026-08-03). Invented: project id "
                "encsvc-prod-2207, image tag, instance ids, insertIds, audit metadata, background traffic (browser and agent encrypt calls, a "
                "few schema-validation 400s before the deploy, favicon and scanner 404s, one autoscaling start, UI retries). The JSON log "
                "shape follows the 'started!' line quoted in PR 3315. estuary/flow is larger than the mirror limit, so no repo.yaml was "
                "written; the fix site is docker/config-encryption.Dockerfile (no COPY of sops)."
            ),
            "project": "estuary/flow",
            "language": "rust",
            "covers": ["regression"],
        },
        "expect": {
            "root_causes": ["bad-deploy-regression"],
            "not_above": ["missing-config-or-secret", "downstream-dependency", "container-crash"],
            "must_cite": [
                "run.googleapis.com/stderr#%s" % k["warn"][0]["insertId"],
                "cloudaudit.googleapis.com/activity#%s" % k["audit"]["insertId"],
            ],
        },
    }
    (d / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d log entries" % (CASE_ID, n))
