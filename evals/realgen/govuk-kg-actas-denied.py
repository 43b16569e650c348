#!/usr/bin/env python3
"""Generator for the real-incident case `govuk-kg-actas-denied`.

Sources: https://github.com/alphagov/govuk-knowledge-graph-gcp/pull/806 and
https://github.com/alphagov/govuk-knowledge-graph-gcp/pull/794 (the same fix,
two weeks earlier, for another service).
The docker-data-loss-prevention GitHub Action deploys with the
artifact-registry-docker service account; in the staging project that account
was not allowed to act as the service's runtime account, so `gcloud run
deploy` was refused with PERMISSION_DENIED on iam.serviceaccounts.actAs and no
revision was created. The running revision kept serving.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "govuk-kg-actas-denied"
SEED = 806
PROJECT = "govgraph-stg-4471"
PROJECT_NUMBER = "612093857314"
REGION = "europe-west2"
SERVICE = "data-loss-prevention"
HOSTS = {SERVICE: "https://data-loss-prevention-m4tq2hx7fa-nw.a.run.app"}
REV = "data-loss-prevention-00001-hzd"
T0 = datetime(2025, 5, 15, 10, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2025, 5, 15, 11, 30, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2025, 5, 15, 10, 43, 26, 118000, tzinfo=timezone.utc)
COMMIT = "9f2daea24bc8bd3ed3c6d801052f4e947b810a05"   # the commit-sha label in the failed command (from the source)
IMAGE = "europe-west2-docker.pkg.dev/%s/docker/data-loss-prevention:latest" % PROJECT
RUNTIME_SA = "data-loss-prevention@%s.iam.gserviceaccount.com" % PROJECT
DEPLOY_SA = "artifact-registry-docker@%s.iam.gserviceaccount.com" % PROJECT
BQ_CONN_SA = "bqcx-%s-k2pa@gcp-sa-bigquery-condel.iam.gserviceaccount.com" % PROJECT_NUMBER
DENIED = ("Permission 'iam.serviceaccounts.actAs' denied on service account %s (or it may not exist)." % RUNTIME_SA)


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
        if not ua:
            del e["httpRequest"]["userAgent"]
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
    return "00f8e1c3a7" + g.hexid(118)


def ruby_log(dt, msg, level="I", name="INFO"):
    return "%s, [%s #1]  %s -- : %s" % (level, dt.strftime("%Y-%m-%dT%H:%M:%S.%f"), name, msg)


def cold_start(g, t, reason="AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic."):
    inst = instance_id(g)
    g.varlog(t, REV, "Starting new instance. Reason: " + reason, instance=inst)
    t1 = t + timedelta(milliseconds=2410)
    for i, m in enumerate(["FunctionsFramework v1.6.1",
                           'FunctionsFramework: Loading functions from "./app.rb"...',
                           'FunctionsFramework: Looking for function name "data_loss_prevention"...',
                           "FunctionsFramework: Starting server...",
                           'FunctionsFramework: Serving function "data_loss_prevention" on port 8080...']):
        tt = t1 + timedelta(milliseconds=[0, 3, 1840, 1846, 2391][i])
        g.app_text(tt, REV, inst, ruby_log(tt, m))
    g.varlog(t1 + timedelta(milliseconds=2460), REV, 'Default STARTUP TCP probe succeeded after 1 attempt for container "data-loss-prevention-1" on port 8080.', instance=inst)
    return inst, t1 + timedelta(milliseconds=2500)


def build(g):
    rng = g.rng
    k = {}
    # BigQuery scheduled queries call mask_pii() every 30 minutes; the remote function batches rows into POST /
    for burst_start in (T0 + timedelta(minutes=5, seconds=3), T0 + timedelta(minutes=35, seconds=2),
                        T0 + timedelta(minutes=65, seconds=4)):
        inst, t = cold_start(g, burst_start)
        insts = [inst]
        n = rng.randint(70, 120)
        t2_started = False
        for i in range(n):
            if i == n // 3 and not t2_started:
                i2, _ = cold_start(g, t - timedelta(seconds=3))
                insts.append(i2)
                t2_started = True
            status = 200
            lat = rng.lognormvariate(0.2, 0.6)
            if rng.random() < 0.015:
                status, lat = 500, rng.uniform(0.3, 1.2)
            g.request(t, REV, rng.choice(insts), "POST", "/", status, lat, None,
                      "2600:1900:%x:%x::" % (rng.randrange(4096), rng.randrange(4096)),
                      rng.randint(4000, 240000), rng.randint(3000, 260000) if status == 200 else 88)
            t += timedelta(seconds=rng.expovariate(1 / 1.4))
    # Cloud Run tears idle instances down; nothing is logged for that by the app.

    # the deploy from GitHub Actions (workload identity federation as artifact-registry-docker@)
    res = "namespaces/%s/services/%s" % (PROJECT, SERVICE)
    e = g.base("cloudaudit.googleapis.com%2Factivity", T_DEPLOY, REV, "ERROR", lag_ms=710)
    e["resource"]["labels"]["revision_name"] = ""
    e["resource"]["labels"]["configuration_name"] = ""
    e["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {"code": 7, "message": DENIED},
        "authenticationInfo": {
            "principalEmail": DEPLOY_SA,
            "serviceAccountDelegationInfo": [{"principalSubject": "principal://iam.googleapis.com/projects/%s/locations/global/workloadIdentityPools/github-pool/subject/repo:alphagov/govuk-knowledge-graph-gcp:ref:refs/heads/staging" % PROJECT_NUMBER}]},
        "requestMetadata": {
            "callerIp": "4.227.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)),
            "callerSuppliedUserAgent": "google-github-actions:deploy-cloudrun/2.7.3 google-cloud-sdk gcloud/522.0.0 command/gcloud.run.deploy invocation-id/%s environment/GitHubActions environment-version/None client-os/LINUX client-os-ver/6.11.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.8 term/,gzip(gfe)" % g.hexid(32),
            "requestAttributes": {"time": ts(T_DEPLOY), "auth": {}}, "destinationAttributes": {}},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "authorizationInfo": [
            {"resource": res, "permission": "run.services.update", "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"},
            {"resource": "projects/-/serviceAccounts/1%s" % "".join(rng.choice("0123456789") for _ in range(20)), "permission": "iam.serviceaccounts.actAs", "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"},
        ],
        "resourceName": res,
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest", "name": res,
                    "service": {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                                "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER,
                                             "labels": {"managed-by": "github-actions", "commit-sha": COMMIT, "cloud.googleapis.com/location": REGION}},
                                "spec": {"template": {"spec": {"serviceAccountName": RUNTIME_SA, "containers": [{"image": IMAGE,
                                         "resources": {"limits": {"cpu": "1000m", "memory": "2048Mi"}}, "ports": [{"name": "http1", "containerPort": 8080}]}]}}}}},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service"},
    }
    k["denied"] = e
    return k


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
    created = "2025-05-15T09:21:47.604218Z"   # terraform apply of PR 805 earlier that morning
    ready = "2025-05-15T09:22:31.117402Z"
    container = {"name": "data-loss-prevention-1", "image": IMAGE,
                 "resources": {"limits": {"cpu": "1000m", "memory": "2048Mi"}, "cpuIdle": True, "startupCpuBoost": True},
                 "ports": [{"name": "http1", "containerPort": 8080}],
                 "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}}
    service = {
        "name": svc, "uid": "3f71a0c8-2e5b-4d94-8b16-c07e9a5d42f1", "generation": "1",
        "createTime": created, "updateTime": created,
        "creator": "terraform-staging@%s.iam.gserviceaccount.com" % PROJECT,
        "lastModifier": "terraform-staging@%s.iam.gserviceaccount.com" % PROJECT,
        "client": "terraform", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "launchStage": "GA",
        "template": {"scaling": {"maxInstanceCount": 100}, "timeout": "300s", "serviceAccount": RUNTIME_SA,
                     "containers": [container], "maxInstanceRequestConcurrency": 80},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "1",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
        "conditions": [{"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
                       {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready}],
        "latestReadyRevision": "%s/revisions/%s" % (svc, REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc, REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": HOSTS[SERVICE],
    }
    (d / ("run/services/%s.json" % SERVICE)).write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")
    rev = {
        "name": "%s/revisions/%s" % (svc, REV), "uid": "b8e20f63-71d4-4c5a-9a0e-64f3d1c8b2a7", "generation": "1",
        "labels": {"cloud.googleapis.com/location": REGION, "serving.knative.dev/service": SERVICE,
                   "serving.knative.dev/configuration": SERVICE},
        "createTime": created, "updateTime": ready, "launchStage": "GA", "service": SERVICE,
        "scaling": {"maxInstanceCount": 100}, "timeout": "300s", "serviceAccount": RUNTIME_SA,
        "containers": [dict(container, image=IMAGE.replace(":latest", "@sha256:2d9f5c0e7a14b83f6e1d2c5a9b0e47f3c8d1a6b2e5f09c3d7a4b8e1f2c6d0a95"))],
        "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "conditions": [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
                       {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
                       {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-05-15T09:22:09.845120Z"}],
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, REV),
    }
    (d / ("run/revisions/%s.json" % REV)).write_text(json.dumps(rev, sort_keys=True, indent=2) + "\n")

    tf = "terraform-staging/data-loss-prevention.tf"
    case = {
        "id": CASE_ID,
        "title": "docker-data-loss-prevention deploy fails in staging with PERMISSION_DENIED; service stays on its old revision",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2025-05-15T10:00:00Z", "end": "2025-05-15T11:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/alphagov/govuk-knowledge-graph-gcp/pull/806",
                        "https://github.com/alphagov/govuk-knowledge-graph-gcp/pull/794"],
            "verbatim": ["Permission 'iam.serviceaccounts.actAs' denied on service account data-loss-prevention@",
                         ".iam.gserviceaccount.com (or it may not exist).",
                         "artifact-registry-docker@", "github-actions", COMMIT,
                         "/docker/data-loss-prevention:latest", "europe-west2"],
            "reconstructed": (
                "PR 806 quotes the failed GitHub Action: gcloud run deploy data-loss-prevention (image "
                "europe-west2-docker.pkg.dev/<project>/docker/data-loss-prevention:latest, labels managed-by=github-actions and "
                "commit-sha=9f2daea..., region europe-west2) refused with PERMISSION_DENIED on iam.serviceaccounts.actAs for the "
                "runtime account data-loss-prevention@, while authenticated as artifact-registry-docker@; PR 794 is the same fix made "
                "two weeks earlier for another service ('This used to work, but now more permission is required'). The fix adds "
                "roles/iam.serviceAccountUser for artifact-registry-docker on the runtime account in terraform-*/data-loss-prevention.tf. "
                "Here the refusal is the Admin Activity audit entry of the ReplaceService call (status 7); gcloud's own client-side "
                "sentence ('This command is authenticated as ...') is not in Cloud Logging and is left out. The real project id "
                "govuk-knowledge-graph-staging is replaced by the invented govgraph-stg-4471 throughout, so only project-free parts of "
                "the message are quoted as verbatim. Service settings (INTERNAL_ONLY ingress, 1000m CPU, 2048Mi, runtime service account, "
                ":latest image) come from the Terraform at the pre-fix commit; the existing revision is taken to have been created by "
                "Terraform earlier that morning (the service arrived with PR 805, merged that day) and keeps serving. Background is the "
                "BigQuery remote function traffic (batched POST / every 30 minutes, scale from zero with functions-framework-ruby startup "
                "lines, an occasional stray 500). Generated by evals/realgen/govuk-kg-actas-denied.py (random.Random(806), fixed timestamps on "
                "2025-05-15). Invented: project id/number, revision suffix, instance ids, insertIds, the workload identity subject, "
                "timings, request sizes."
            ),
            "project": "alphagov/govuk-knowledge-graph-gcp",
            "language": "ruby",
            "covers": ["failed-rollout-permission"],
        },
        "expect": {
            "root_causes": ["image-or-deploy-failure"],
            "also": ["permission-denied"],
            "not_above": ["healthy", "bad-deploy-regression", "downstream-dependency"],
            "must_cite": [
                "cloudaudit.googleapis.com/activity#%s" % k["denied"]["insertId"],
                ["%s:22" % tf, "%s:9" % tf, "%s:87" % tf],
            ],
        },
    }
    (d / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    (d / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "alphagov/govuk-knowledge-graph-gcp",
        "commit": COMMIT,
        "license": "MIT",
        "language": "ruby",
        "fix": "https://github.com/alphagov/govuk-knowledge-graph-gcp/pull/806",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d log entries" % (CASE_ID, n))
