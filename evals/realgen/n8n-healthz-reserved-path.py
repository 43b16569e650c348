#!/usr/bin/env python3
"""Generator for the real-incident case `n8n-healthz-reserved-path`.

Source: https://github.com/datawranglerai/self-host-n8n-on-gcr/pull/47
n8n v2.7.0+ has the browser poll `/healthz`. Cloud Run intercepts requests to paths ending in
'z' (including /healthz) at the load-balancer level, so n8n's health handler never runs and the
editor permanently shows the "Offline" badge. Fix: N8N_ENDPOINT_HEALTH=health.
"""
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "n8n-healthz-reserved-path"
SEED = 47
PROJECT = "brightlane-automation-3310"
PROJECT_NUMBER = "905512736648"
REGION = "europe-west2"
SERVICE = "n8n"
OLD_REV = "n8n-00013-fdk"
NEW_REV = "n8n-00014-hwc"
OLD_IMAGE = "docker.io/n8nio/n8n@sha256:8a41d0c7e3b96f25d1c84e0a7b3f9d26c5e18a40f7b2d93c6e05a1f8b4d7c2e9"
NEW_IMAGE = "docker.io/n8nio/n8n:latest"
OLD_VERSION, NEW_VERSION = "1.123.4", "2.8.3"
SA = f"n8n-service-account@{PROJECT}.iam.gserviceaccount.com"
USER = "ops@brightlane.example"
URI = "https://n8n-905512736648.europe-west2.run.app"
SQL = f"{PROJECT}:{REGION}:n8n-db"

T0 = datetime(2026, 5, 10, 14, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 5, 10, 16, 0, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2026, 5, 10, 14, 26, 33, 580000, tzinfo=timezone.utc)

ENV_LINE = ("N8N_PORT=5678,N8N_PROTOCOL=https,DB_TYPE=postgresdb,DB_POSTGRESDB_DATABASE=n8n,DB_POSTGRESDB_USER=n8n-user,"
            "DB_POSTGRESDB_HOST=/cloudsql/$SQL_CONNECTION,DB_POSTGRESDB_PORT=5432,DB_POSTGRESDB_SCHEMA=public,"
            "N8N_USER_FOLDER=/home/node/.n8n,GENERIC_TIMEZONE=UTC,QUEUE_HEALTH_CHECK_ACTIVE=true")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


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
        e = {"insertId": extra.pop("insertId", None) or self.hexid(24), "logName": f"projects/{PROJECT}/logs/{log}",
             "resource": self.resource(rev) if rev is not None else extra.pop("resource"),
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(microseconds=self.rng.randint(4000, 70000))),
             "severity": severity}
        e.update(payload)
        e.update(extra)
        self.entries.append(e)
        return e


def n8n_boot(g, rev, t, inst, version, migrate):
    lab = {"instanceId": inst}
    lines = []
    lines.append(("stdout", "Permissions 0644 for n8n settings file /home/node/.n8n/config are too wide. This is ignored for now, but in the future n8n will attempt to change the permissions automatically. To automatically enforce correct permissions now set N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true (recommended), or turn this check off set N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false."))
    lines.append(("stdout", "Initializing n8n process"))
    if migrate:
        lines += [("stdout", "Migrations in progress, please do NOT stop the process."),
                  ("stdout", "Starting migration AddWorkflowVersionIdToExecutionData1761000000000"),
                  ("stdout", "Finished migration AddWorkflowVersionIdToExecutionData1761000000000"),
                  ("stdout", "Starting migration CreateBinaryDataTable1764000000000"),
                  ("stdout", "Finished migration CreateBinaryDataTable1764000000000")]
    lines += [("stdout", f"n8n ready on ::, port 5678"),
              ("stdout", f"Version: {version}"),
              ("stdout", ""),
              ("stdout", "Editor is now accessible via:"),
              ("stdout", URI)]
    tt = t
    for stream, text in lines:
        if text == "":
            continue
        tt += timedelta(milliseconds=g.rng.randint(5, 900) if "migration" in text.lower() else g.rng.randint(2, 60))
        g.add(tt, f"run.googleapis.com%2F{stream}", rev, "DEFAULT", {"textPayload": text}, labels=dict(lab))
    g.add(tt + timedelta(milliseconds=g.rng.randint(50, 300)), "run.googleapis.com%2Fvarlog%2Fsystem", rev, "INFO",
          {"textPayload": "Default STARTUP TCP probe succeeded after 1 attempt for container \"n8n-1\" on port 5678."},
          labels=dict(lab))
    return tt


def editor_session(g, rev, inst, start, end, user_ip, ua, editing):
    rng = g.rng
    def req(t, method, path, status, ms, size=None):
        sev = "INFO" if status < 400 else "WARNING"
        g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Frequests", rev, sev, {
            "httpRequest": {"requestMethod": method, "requestUrl": URI + path, "requestSize": str(rng.randint(500, 2400)),
                            "status": status, "responseSize": str(size or rng.randint(300, 48000)), "userAgent": ua,
                            "remoteIp": user_ip, "serverIp": "216.239.36.53",
                            "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s", "protocol": "HTTP/1.1" if status == 101 else "HTTP/2"}},
            labels={"instanceId": inst}, trace=f"projects/{PROJECT}/traces/{g.hexid(32)}", spanId=g.hexid(16), traceSampled=False)
    t = start
    for method, path, status, (lo, hi) in [("GET", "/", 200, (8, 40)), ("GET", f"/assets/index-{g.hexid(8)}.js", 200, (15, 120)),
                                           ("GET", f"/assets/index-{g.hexid(8)}.css", 200, (5, 40)), ("GET", "/rest/settings", 200, (20, 90)),
                                           ("GET", "/rest/login", 200, (15, 60)), ("GET", "/rest/workflows?includeScopes=true&filter=%7B%22isArchived%22%3Afalse%7D&skip=0&take=50&sortBy=updatedAt%3Adesc", 200, (40, 220)),
                                           ("GET", "/types/nodes.json", 200, (30, 400)), ("GET", "/rest/credentials?includeScopes=true", 200, (20, 90))]:
        t += timedelta(milliseconds=rng.randint(30, 400))
        req(t, method, path, status, rng.randint(lo, hi))
    push_ms = int((end - t).total_seconds() * 1000) - rng.randint(1000, 4000)
    if push_ms > 2000:
        req(t + timedelta(milliseconds=5), "GET", f"/rest/push?pushRef={g.hexid(10)}", 101, push_ms, size=rng.randint(2000, 30000))
    wf = rng.randint(10, 99)
    while t < end - timedelta(seconds=20):
        t += timedelta(seconds=rng.randint(15, 90))
        choice = rng.random()
        if choice < 0.45:
            req(t, "GET", f"/rest/workflows/{g.hexid(16)}", 200, rng.randint(25, 160))
        elif choice < 0.7:
            req(t, "GET", f"/rest/executions?filter=%7B%22workflowId%22%3A%22{g.hexid(16)}%22%7D&limit=10", 200, rng.randint(30, 200))
        elif choice < 0.85 and editing:
            req(t, "PATCH", f"/rest/workflows/{g.hexid(16)}", 200, rng.randint(60, 300))
        else:
            req(t, "GET", "/rest/active-workflows", 200, rng.randint(10, 50))


def build(g):
    rng = g.rng
    old_inst = g.hexid(112)
    # the old revision has been up since before the window
    # webhooks from outside (work both before and after the upgrade)
    def webhooks(rev, inst, start, end):
        t = start
        while t < end:
            t += timedelta(seconds=rng.randint(5, 40))
            if t >= end:
                break
            ms = rng.randint(40, 900)
            path = rng.choice(["/webhook/3f1c8a2e-5d7b-4e90-b1a6-9c2d4f8e7a10", "/webhook/b7e2d9c4-1a3f-4c58-8e6d-2f0a9b7c5d31",
                               "/webhook/stripe-payments", "/webhook-test/9d4a1e7c-3b2f-4f6a-a8c5-7e1d0b2c9f43"])
            status = 404 if path.startswith("/webhook-test") else 200
            g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Frequests", rev, "INFO" if status == 200 else "WARNING", {
                "httpRequest": {"requestMethod": "POST", "requestUrl": URI + path, "requestSize": str(rng.randint(700, 6000)),
                                "status": status, "responseSize": str(rng.randint(30, 120)),
                                "userAgent": rng.choice(["Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Typeform Webhooks", "Slackbot 1.0 (+https://api.slack.com/robots)"]),
                                "remoteIp": f"{rng.choice([3, 54, 35])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
                                "serverIp": "216.239.36.53", "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s", "protocol": "HTTP/1.1"}},
                labels={"instanceId": inst}, trace=f"projects/{PROJECT}/traces/{g.hexid(32)}", spanId=g.hexid(16), traceSampled=False)
            if status == 404:
                g.add(t + timedelta(milliseconds=ms - 1), "run.googleapis.com%2Fstdout", rev, "DEFAULT",
                      {"textPayload": 'Received request for unknown webhook: The requested webhook "POST 9d4a1e7c-3b2f-4f6a-a8c5-7e1d0b2c9f43" is not registered.'},
                      labels={"instanceId": inst})

    webhooks(OLD_REV, old_inst, T0, T_DEPLOY + timedelta(seconds=20))
    editor_session(g, OLD_REV, old_inst, T0 + timedelta(minutes=4, seconds=12), T0 + timedelta(minutes=21), "81.149.22.107",
                   "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36", True)

    # upgrade: redeploy with :latest (n8n 2.x)
    audit_res = {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                                                         "revision_name": "", "configuration_name": ""}}
    g.add(T_DEPLOY, "cloudaudit.googleapis.com%2Factivity", None, "NOTICE", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog", "status": {},
            "authenticationInfo": {"principalEmail": USER},
            "requestMetadata": {"callerIp": "81.149.22.107",
                                "callerSuppliedUserAgent": "google-cloud-sdk gcloud/560.0.0 command/gcloud.run.deploy invocation-id/7c2e9b1d4a8f40e6b3d5a1c9e7f20b46 environment/devshell environment-version/None client-os/LINUX client-os-ver/6.6.111 client-pltf-arch/x86_64 interactive/True from-script/False python/3.13.3 term/screen (Linux 6.6.111+),gzip(gfe)",
                                "requestAttributes": {"time": iso(T_DEPLOY), "auth": {}}, "destinationAttributes": {}},
            "serviceName": "run.googleapis.com", "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/services/{SERVICE}", "permission": "run.services.update",
                                   "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                        "name": f"namespaces/{PROJECT}/services/{SERVICE}", "region": REGION},
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": 14},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"},
            "resourceLocation": {"currentLocations": [REGION]}}},
        resource=dict(audit_res), insertId="-f3k8w1d2q9ab")
    new_inst = g.hexid(112)
    t_ready = n8n_boot(g, NEW_REV, T_DEPLOY + timedelta(seconds=14, milliseconds=220), new_inst, NEW_VERSION, True)
    g.add(t_ready + timedelta(seconds=2), "cloudaudit.googleapis.com%2Fsystem_event", None, "INFO", {
        "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                         "status": {"message": f"Ready condition status changed to True for Service {SERVICE}."},
                         "serviceName": "run.googleapis.com", "methodName": "/Services.ReplaceService",
                         "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
                         "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                                      "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                                      "kind": "Service", "apiVersion": "serving.knative.dev/v1"}}},
        resource=dict(audit_res), insertId="-f3k8w1d2q9ac")
    # old instance is shut down after the rollout
    g.add(t_ready + timedelta(seconds=rng.randint(20, 40)), "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
          {"textPayload": "Received SIGTERM. Shutting down..."}, labels={"instanceId": old_inst})
    g.add(t_ready + timedelta(seconds=41), "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
          {"textPayload": "n8n has been shut down"}, labels={"instanceId": old_inst})

    webhooks(NEW_REV, new_inst, t_ready + timedelta(seconds=3), T_END)
    # after the upgrade the editor keeps showing "Offline": sessions load, no edits get saved,
    # and not one /healthz request reaches the container
    for k, (start_min, dur, ip, ua) in enumerate([
            (33, 9, "81.149.22.107", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36"),
            (48, 14, "81.149.22.107", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36"),
            (71, 6, "92.40.177.18", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:150.0) Gecko/20100101 Firefox/150.0"),
            (95, 17, "81.149.22.107", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36")]):
        s = T0 + timedelta(minutes=start_min, seconds=rng.randint(0, 59))
        editor_session(g, NEW_REV, new_inst, s, s + timedelta(minutes=dur), ip, ua, False)


def template(image, rev=None):
    env = []
    for kv in ENV_LINE.split(","):
        k, v = kv.split("=", 1)
        env.append({"name": k, "value": v.replace("$SQL_CONNECTION", SQL)})
    env += [{"name": "DB_POSTGRESDB_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "n8n-db-password", "version": "latest"}}},
            {"name": "N8N_ENCRYPTION_KEY", "valueSource": {"secretKeyRef": {"secret": "n8n-encryption-key", "version": "latest"}}}]
    tpl = {"scaling": {"maxInstanceCount": 1},
           "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [SQL]}}],
           "containers": [{"name": "n8n-1", "image": image, "command": ["/bin/sh"], "args": ["-c", "sleep 5; n8n start"],
                           "ports": [{"name": "http1", "containerPort": 5678}], "env": env,
                           "resources": {"limits": {"cpu": "1000m", "memory": "2Gi"}, "cpuIdle": False, "startupCpuBoost": True},
                           "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
                           "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 5678}}}],
           "timeout": "300s", "serviceAccount": SA, "maxInstanceRequestConcurrency": 80}
    if rev:
        tpl["revision"] = rev
    return tpl


def revision(name, image, created, ready, digest):
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    tpl = template(image)
    return {"name": f"{base}/revisions/{name}",
            "uid": {OLD_REV: "7e30b1c4-58d2-4a9f-b6e1-0c3d9a7f2e58", NEW_REV: "d2f46a81-3c9e-4b07-9a5d-e18b6c0f4a27"}[name],
            "generation": "1", "labels": {"serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION},
            "createTime": iso(created), "updateTime": iso(ready), "launchStage": "GA", "service": SERVICE,
            "scaling": tpl["scaling"], "volumes": tpl["volumes"], "containers": tpl["containers"], "timeout": "300s",
            "serviceAccount": SA, "maxInstanceRequestConcurrency": 80, "observedGeneration": "1", "imageDigest": digest,
            "conditions": [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
                           {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
                           {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=7))}],
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}"}


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    if out.exists():
        shutil.rmtree(out)
    (out / "logging").mkdir(parents=True)
    (out / "run" / "services").mkdir(parents=True)
    (out / "run" / "revisions").mkdir(parents=True)
    g = Gen(SEED)
    build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    ready_new = [e for e in g.entries if e["logName"].endswith("system_event")][0]["timestamp"]
    ready_new_t = datetime.strptime(ready_new, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    old_created = datetime(2026, 3, 2, 19, 40, 12, 331000, tzinfo=timezone.utc)
    new_digest = "docker.io/n8nio/n8n@sha256:f19c27e4a0d85b36c7e2f1a94d0b6c38e5a72d91f4c0b8e36a5d27c1e9f0b4a8"
    revs = [revision(OLD_REV, OLD_IMAGE, old_created, old_created + timedelta(seconds=41), OLD_IMAGE),
            revision(NEW_REV, NEW_IMAGE, T_DEPLOY + timedelta(milliseconds=650), ready_new_t - timedelta(seconds=1), new_digest)]
    for r in revs:
        (out / "run" / "revisions" / f"{r['name'].rsplit('/', 1)[1]}.json").write_text(json.dumps(r, sort_keys=True, indent=2) + "\n")
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    svc = {"name": base, "uid": "60a2c9e7-14d8-4f3b-b5e0-9a7c2d1f8e43", "generation": "14",
           "createTime": "2025-11-18T10:02:47.550218Z", "updateTime": iso(T_DEPLOY + timedelta(milliseconds=420)),
           "creator": USER, "lastModifier": USER, "client": "gcloud", "clientVersion": "560.0.0",
           "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA", "template": template(NEW_IMAGE),
           "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}], "observedGeneration": "14",
           "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready_new},
           "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready_new},
                          {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready_new}],
           "latestReadyRevision": f"{base}/revisions/{NEW_REV}", "latestCreatedRevision": f"{base}/revisions/{NEW_REV}",
           "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": NEW_REV, "percent": 100}],
           "uri": URI, "urls": [URI, "https://n8n-7rq4vd2mxa-nw.a.run.app"]}
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "datawranglerai/self-host-n8n-on-gcr",
        "commit": "adc01b99cb5674240e0f1a683515b9234415e15e",
        "license": "MIT",
        "language": "hcl",
        "fix": "https://github.com/datawranglerai/self-host-n8n-on-gcr/pull/47",
    }, sort_keys=False))

    case = {
        "id": CASE_ID,
        "title": "After redeploying n8n (now v2.x) the workflow editor permanently shows the Offline badge; everything else looks up",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-05-10T14:00:00Z", "end": "2026-05-10T16:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/datawranglerai/self-host-n8n-on-gcr/pull/47"],
            "verbatim": [
                "QUEUE_HEALTH_CHECK_ACTIVE",
                "N8N_USER_FOLDER",
                "/home/node/.n8n",
                "docker.io/n8nio/n8n:latest",
                "sleep 5; n8n start",
                "n8n-service-account@",
            ],
            "reconstructed": (
                "Generated by evals/realgen/n8n-healthz-reserved-path.py with random.Random(47). From the PR: from n8n "
                "v2.7.0 the browser polls /healthz; Cloud Run intercepts paths ending in 'z' at the load-balancer level, so "
                "the request never reaches n8n and the editor shows a permanent Offline badge; the fix adds "
                "N8N_ENDPOINT_HEALTH=health to the README deploy commands. The service config follows the README's Option A "
                "deploy command at the pre-fix commit (image n8nio/n8n:latest, sleep 5; n8n start, port 5678, 1 CPU / 2Gi, "
                "min 0 / max 1, no CPU throttling, the env and secret list, Cloud SQL). Accordingly no /healthz request "
                "appears in the request log. Invented: project, region, revision names, the redeploy from n8n 1.123.4 to "
                "2.8.3 that brings in the new frontend, n8n's start-up/migration/shutdown lines (wording approximated), "
                "editor sessions with REST calls and a websocket push connection (no workflow saves after the upgrade), "
                "external webhook deliveries with one unregistered test webhook 404, a settings-permissions warning as noise, audit entries and times (2026-05-10, the PR's date)."
            ),
            "project": "datawranglerai/self-host-n8n-on-gcr",
            "language": "typescript",
            "covers": ["other", "healthy-or-red-herring"],
        },
        "expect": {
            "root_causes": ["other"],
            "not_above": ["healthy", "bad-deploy-regression", "port-bind-mismatch"],
            "must_cite": [
                ["README.md:285", "README.md:306"],
                f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}#template.containers[0].env",
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
