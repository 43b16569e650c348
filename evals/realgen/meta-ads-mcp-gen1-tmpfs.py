#!/usr/bin/env python3
"""Generator for the real-incident case `meta-ads-mcp-gen1-tmpfs`.

Source: https://github.com/byadsco/meta-ads-mcp/pull/143
Three consecutive workflow deploys (for PRs #140, #141, #142) produced revisions that never
started: no container output, no probe result, only the generic "failed to start and listen
on the port ... PORT=3000" message after the 240s startup probe. The revision specs were
identical to the healthy one apart from the image digest and one env var; the service mounts
an in-memory volume at /tmp and did not pin the execution environment. A revision created by
hand with gen2 started at once; the fix pins --execution-environment=gen2 in the workflow.
"""
import json
import random
import shutil
import uuid
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "meta-ads-mcp-gen1-tmpfs"
SEED = 143
PROJECT = "adsco-mcp-prod-2207"
PROJECT_NUMBER = "604418275390"
REGION = "southamerica-east1"
SERVICE = "meta-ads-mcp"
CONTAINER = "meta-ads-mcp-1"
GOOD_REV = "meta-ads-mcp-00139-vtq"
BAD_REVS = ["meta-ads-mcp-00140-k2m", "meta-ads-mcp-00141-wfz", "meta-ads-mcp-00142-r7d"]
HAND_REV = "meta-ads-mcp-00143-xq2"
AR = f"{REGION}-docker.pkg.dev/{PROJECT}/meta-ads-mcp/server"
SHAS = {
    GOOD_REV: "9c1e4a7b2d8f03e6a5b4c7d2e1f0a9b8c7d6e5f4",
    BAD_REVS[0]: "2f6d8e1a4c7b9d0e3f5a6b8c1d2e4f7a9b0c3d5e",
    BAD_REVS[1]: "71b3c5d9e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b1",
    BAD_REVS[2]: "e4a9c2b7d1f8e3a6b5c0d9e2f1a4b7c6d3e8f0a5",
}
HAND_IMAGE = f"{AR}@sha256:5b0e3c9a7d1f4e8b2c6a0d9e7f3b1c5a8d2e6f0b4c9a7e1d3f5b8c2a6e0d4f9b"
DEPLOY_SA = f"github-deployer@{PROJECT}.iam.gserviceaccount.com"
RUNTIME_SA = f"meta-ads-mcp-runtime@{PROJECT}.iam.gserviceaccount.com"
HUMAN = "max@byads.example"
URI = "https://meta-ads-mcp-p3v8d2k5qa-rj.a.run.app"

T0 = datetime(2026, 9, 18, 6, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 9, 18, 9, 0, 0, tzinfo=timezone.utc)
DEPLOYS = [datetime(2026, 9, 18, 6, 31, 4, 118000, tzinfo=timezone.utc),
           datetime(2026, 9, 18, 7, 22, 47, 540000, tzinfo=timezone.utc),
           datetime(2026, 9, 18, 8, 5, 12, 903000, tzinfo=timezone.utc)]
T_HAND = datetime(2026, 9, 18, 8, 44, 39, 261000, tzinfo=timezone.utc)


def cond_msg(rev):
    return (
        f"Revision '{rev}' is not ready and cannot serve traffic. The user-provided container failed to start "
        "and listen on the port defined provided by the PORT=3000 environment variable within the allocated "
        "timeout. This can happen when the container port is misconfigured or if the timeout is too short. The "
        "health check timeout can be extended. Logs for this revision might contain more information.\n\n"
        f"Logs URL: https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/"
        f"service_name/{SERVICE}/revision_name/{rev}&advancedFilter=resource.type%3D%22cloud_run_revision%22%0A"
        f"resource.labels.service_name%3D%22{SERVICE}%22%0Aresource.labels.revision_name%3D%22{rev}%22 \n"
        "For more troubleshooting guidance, see https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start"
    )


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
        e = {
            "insertId": extra.pop("insertId", None) or self.hexid(24),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": self.resource(rev) if rev is not None else extra.pop("resource"),
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(microseconds=self.rng.randint(3000, 80000))),
            "severity": severity,
        }
        e.update(payload)
        e.update(extra)
        self.entries.append(e)
        return e


def pino(t, level, msg, **kv):
    d = {"level": level, "time": int(t.timestamp() * 1000), "pid": 1, "hostname": "localhost"}
    d.update(kv)
    d["msg"] = msg
    return {"jsonPayload": d}


def instance_start(g, rev, t, inst):
    lab = {"instanceId": inst}
    g.add(t, "run.googleapis.com%2Fstdout", rev, "DEFAULT",
          pino(t, 30, "Meta Ads MCP server listening (HTTP transport — auth: API Key, OAuth 2.1)",
               port=3000, serverUrl=URI + "/", auth=["API Key", "OAuth 2.1"]), labels=dict(lab))
    g.add(t + timedelta(milliseconds=g.rng.randint(30, 400)), "run.googleapis.com%2Fvarlog%2Fsystem", rev, "INFO",
          {"textPayload": f"Default STARTUP TCP probe succeeded after 1 attempt for container \"{CONTAINER}\" on port 3000."},
          labels=dict(lab))


def traffic(g, rev, start, end, insts):
    rng = g.rng
    t = start
    paths = [("POST", "/mcp", 200, (180, 2600)), ("POST", "/mcp", 200, (120, 900)), ("GET", "/health", 200, (1, 5)),
             ("GET", "/.well-known/oauth-authorization-server", 200, (2, 9)), ("POST", "/token", 200, (40, 160))]
    agents = ["Claude-User", "python-httpx/0.28.1", "node", "Manus/1.0"]
    tools = ["get_campaigns", "get_insights", "get_adsets", "get_ads", "get_account_info", "create_campaign_report"]
    while t < end:
        t += timedelta(milliseconds=rng.randint(3000, 16000))
        if t >= end:
            break
        method, path, status, (lo, hi) = rng.choice(paths)
        if rng.random() < 0.02:
            method, path, status, (lo, hi) = "GET", "/mcp", 405, (1, 4)
        elif path == "/mcp" and method == "POST" and rng.random() < 0.03:
            status = 401
            lo, hi = 2, 8
        ms = rng.randint(lo, hi)
        inst = rng.choice(insts)
        sev = "INFO" if status < 400 else "WARNING"
        g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Frequests", rev, sev, {
            "httpRequest": {"requestMethod": method, "requestUrl": URI + path,
                            "requestSize": str(rng.randint(400, 3800)), "status": status,
                            "responseSize": str(rng.randint(150, 64000) if status == 200 else 212),
                            "userAgent": "GoogleHC/1.0" if path == "/health" else rng.choice(agents),
                            "remoteIp": f"{rng.choice([34, 160, 3, 18])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
                            "serverIp": "216.239.38.53", "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s",
                            "protocol": "HTTP/1.1"}},
            labels={"instanceId": inst}, trace=f"projects/{PROJECT}/traces/{g.hexid(32)}", spanId=g.hexid(16),
            traceSampled=False)
        if path == "/mcp" and method == "POST" and status == 200 and rng.random() < 0.5:
            g.add(t + timedelta(milliseconds=ms - 1), "run.googleapis.com%2Fstdout", rev, "DEFAULT",
                  pino(t + timedelta(milliseconds=ms - 1), 30, "Tool call completed", tool=rng.choice(tools),
                       durationMs=ms - 3, accountCount=rng.randint(1, 6)), labels={"instanceId": inst})
        if path == "/mcp" and rng.random() < 0.01:
            g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Fstdout", rev, "DEFAULT",
                  pino(t + timedelta(milliseconds=ms), 40, "Meta API rate limit header above threshold",
                       usage={"call_count": rng.randint(70, 85), "total_cputime": 12, "total_time": 18}),
                  labels={"instanceId": inst})


def build(g):
    rng = g.rng
    good_insts = [g.hexid(112) for _ in range(3)]
    # healthy revision: cold starts spread through the window (min-instances=0)
    for i, inst in enumerate(good_insts):
        instance_start(g, GOOD_REV, T0 + timedelta(minutes=1 + 47 * i, seconds=rng.randint(0, 50)), inst)
    traffic(g, GOOD_REV, T0, T_HAND + timedelta(seconds=30), good_insts)

    audit_res = {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}}

    def activity(t, who, ua_cmd, gen, iid):
        g.add(t, "cloudaudit.googleapis.com%2Factivity", None, "NOTICE", {
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog", "status": {},
                "authenticationInfo": {"principalEmail": who},
                "requestMetadata": {"callerIp": "20.119.44.18" if who == DEPLOY_SA else "177.92.14.201",
                                    "callerSuppliedUserAgent": f"google-cloud-sdk gcloud/539.0.0 command/{ua_cmd} invocation-id/{g.hexid(32)} environment/{'github-actions-deploy-cloudrun-2.7.4' if who == DEPLOY_SA else 'None'} environment-version/None client-os/LINUX client-os-ver/6.11.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.11 term/ (Linux 6.11.0),gzip(gfe)",
                                    "requestAttributes": {"time": iso(t), "auth": {}}, "destinationAttributes": {}},
                "serviceName": "run.googleapis.com",
                "methodName": "google.cloud.run.v1.Services.ReplaceService",
                "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/services/{SERVICE}", "permission": "run.services.update",
                                       "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
                "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
                "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                            "name": f"namespaces/{PROJECT}/services/{SERVICE}", "region": REGION},
                "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                             "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": gen},
                             "kind": "Service", "apiVersion": "serving.knative.dev/v1"},
                "resourceLocation": {"currentLocations": [REGION]}}},
            resource=dict(audit_res), insertId=iid)

    decisive = []
    for n, (rev, t) in enumerate(zip(BAD_REVS, DEPLOYS)):
        activity(t, DEPLOY_SA, "gcloud.run.deploy", 140 + n, f"-{g.hexid(12)}")
        # nothing at all from the container, and no probe result: only the platform's verdict 240 s later
        tf = t + timedelta(seconds=240 + rng.randint(8, 20), milliseconds=rng.randint(0, 999))
        e = g.add(tf, "cloudaudit.googleapis.com%2Fsystem_event", None, "ERROR", {
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "status": {"code": 9, "message": f"Ready condition status changed to False for Service {SERVICE} with message: {cond_msg(rev)}"},
                "serviceName": "run.googleapis.com", "methodName": "/Services.ReplaceService",
                "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
                "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                             "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                             "kind": "Service", "apiVersion": "serving.knative.dev/v1"}}},
            resource=dict(audit_res), insertId=f"-{g.hexid(12)}")
        decisive.append((e["insertId"], tf))

    # the hand-made gen2 revision while diagnosing
    activity(T_HAND, HUMAN, "gcloud.run.deploy", 143, f"-{g.hexid(12)}")
    hand_insts = [g.hexid(112)]
    th = T_HAND + timedelta(seconds=11, milliseconds=rng.randint(0, 900))
    instance_start(g, HAND_REV, th, hand_insts[0])
    g.add(th + timedelta(seconds=2), "cloudaudit.googleapis.com%2Fsystem_event", None, "INFO", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {"message": f"Ready condition status changed to True for Service {SERVICE}."},
            "serviceName": "run.googleapis.com", "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"}}},
        resource=dict(audit_res), insertId=f"-{g.hexid(12)}")
    traffic(g, HAND_REV, th + timedelta(seconds=20), T_END, hand_insts)
    return decisive, th


def template(image, env_extra, gen2=False, rev=None):
    env = [{"name": "META_API_VERSION", "value": "v22.0"}, {"name": "LOG_LEVEL", "value": "info"},
           {"name": "NODE_ENV", "value": "production"}, {"name": "META_APP_ID", "value": "1187734402215569"},
           {"name": "AUTH_ALLOWED_DOMAINS", "value": "byads.example"},
           {"name": "FIRESTORE_PROJECT_ID", "value": PROJECT},
           {"name": "SERVER_URL", "value": URI}] + env_extra
    for name, secret in [("META_TOKENS", "meta-tokens-prod"), ("OAUTH_SECRET", "oauth-secret"),
                         ("TOKEN_ENCRYPTION_KEY", "token-encryption-key"), ("SESSION_COOKIE_SECRET", "session-cookie-secret"),
                         ("META_APP_SECRET", "meta-app-secret"), ("MCP_API_KEY", "mcp-api-key")]:
        env.append({"name": name, "valueSource": {"secretKeyRef": {"secret": secret, "version": "latest"}}})
    tpl = {
        "scaling": {"maxInstanceCount": 10},
        "containers": [{
            "name": CONTAINER, "image": image, "ports": [{"name": "http1", "containerPort": 3000}], "env": env,
            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 3000}},
        }],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "MEMORY", "sizeLimit": "64Mi"}}],
        "timeout": "300s", "serviceAccount": RUNTIME_SA, "maxInstanceRequestConcurrency": 80,
    }
    if gen2:
        tpl["executionEnvironment"] = "EXECUTION_ENVIRONMENT_GEN2"
    if rev:
        tpl["revision"] = rev
    return tpl


def digest(rev):
    rng = random.Random(rev)
    return f"{AR}@sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def revision(name, created, ready, failed, gen2=False, image=None):
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    sha = SHAS.get(name, "e4a9c2b7d1f8e3a6b5c0d9e2f1a4b7c6d3e8f0a5")
    tpl = template(image or digest(name), [{"name": "GIT_SHA", "value": sha}], gen2=gen2)
    r = {"name": f"{base}/revisions/{name}", "uid": str(uuid.UUID(int=random.Random(name + "uid").getrandbits(128), version=4)),
         "generation": "1",
         "labels": {"serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION,
                    "managed-by": "github-actions" if name != HAND_REV else "gcloud", "commit-sha": sha},
         "createTime": iso(created), "updateTime": iso(ready), "launchStage": "GA", "service": SERVICE,
         "scaling": tpl["scaling"], "containers": tpl["containers"], "volumes": tpl["volumes"],
         "timeout": "300s", "serviceAccount": RUNTIME_SA, "maxInstanceRequestConcurrency": 80,
         "observedGeneration": "1",
         "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}"}
    if gen2:
        r["executionEnvironment"] = "EXECUTION_ENVIRONMENT_GEN2"
    if failed:
        m = cond_msg(name)
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR", "message": m, "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR", "message": m, "lastTransitionTime": iso(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=6))},
        ]
    else:
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
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
    decisive, t_hand_ready = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n")

    good_created = datetime(2026, 9, 17, 21, 14, 3, 550000, tzinfo=timezone.utc)
    revs = [revision(GOOD_REV, good_created, good_created + timedelta(seconds=14), False)]
    for rev, t, (iid, tf) in zip(BAD_REVS, DEPLOYS, decisive):
        revs.append(revision(rev, t + timedelta(milliseconds=800), tf, True))
    revs.append(revision(HAND_REV, T_HAND + timedelta(milliseconds=700), t_hand_ready + timedelta(seconds=1), False,
                         gen2=True, image=HAND_IMAGE))
    for r in revs:
        (out / "run" / "revisions" / f"{r['name'].rsplit('/', 1)[1]}.json").write_text(json.dumps(r, sort_keys=True, indent=2) + "\n")

    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    svc = {
        "name": base, "uid": "b3e0f6a1-47c2-4d95-8e1b-2a9c7d5f0e34", "generation": "143",
        "labels": {"managed-by": "gcloud"},
        "createTime": "2026-02-24T18:02:11.904331Z", "updateTime": iso(T_HAND + timedelta(milliseconds=400)),
        "creator": HUMAN, "lastModifier": HUMAN, "client": "gcloud", "clientVersion": "539.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": template(HAND_IMAGE, [{"name": "GIT_SHA", "value": SHAS[BAD_REVS[2]]}], gen2=True),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "143",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(t_hand_ready + timedelta(seconds=2))},
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(t_hand_ready + timedelta(seconds=2))},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(t_hand_ready + timedelta(seconds=1))}],
        "latestReadyRevision": f"{base}/revisions/{HAND_REV}", "latestCreatedRevision": f"{base}/revisions/{HAND_REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": HAND_REV, "percent": 100}],
        "uri": URI,
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Three consecutive deploys of meta-ads-mcp fail the startup probe with no container output at all",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-09-18T06:00:00Z", "end": "2026-09-18T09:00:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/byadsco/meta-ads-mcp/pull/143"],
            "verbatim": [
                "STARTUP TCP probe succeeded after 1 attempt",
                "PORT=3000",
                "/tmp",
                "EXECUTION_ENVIRONMENT_GEN2",
            ],
            "reconstructed": (
                "Generated by evals/realgen/meta-ads-mcp-gen1-tmpfs.py with random.Random(143). From the PR: three "
                "consecutive workflow deploys (for #140, #141, #142) failed on the 240s startup probe on port 3000 with "
                "zero container output and no probe result, while the healthy revision had logged a successful "
                "STARTUP TCP probe; the revision specs were identical apart from the image digest and one env var; "
                "the service uses an in-memory volume at /tmp; a revision created by hand on gen2 started and serves "
                "production; the fix pins --execution-environment=gen2. Invented: project id/number, region, revision "
                "names and suffixes, digests, the GIT_SHA env var as 'the one env var' that differs, the 64Mi size "
                "limit of the /tmp volume, times (2026-09-18), the MCP/OAuth request traffic and pino lines (the app "
                "logs with pino; the listening message follows src/transport/http.ts), a few 401s and a Meta rate-limit "
                "warning as noise, audit entries and condition text. The fetched repository snapshot predates the PR "
                "(it stops at PR #6 and has no /tmp volume in deploy.yml), so no repo.yaml is written and the fix "
                "site is cited as the Cloud Run setting."
            ),
            "project": "byadsco/meta-ads-mcp",
            "language": "typescript",
            "covers": ["environment", "failed-rollout-probe"],
        },
        "expect": {
            "root_causes": ["execution-environment-mismatch"],
            "not_above": ["port-bind-mismatch", "bad-deploy-regression", "startup-probe-failure", "image-or-deploy-failure"],
            "must_cite": [
                f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}#template.executionEnvironment",
                [f"cloudaudit.googleapis.com/system_event#{iid}" for iid, _ in decisive],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
