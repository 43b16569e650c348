#!/usr/bin/env python3
"""Generator for the real-incident case `orbis-mcp-localhost-bind`.

Source: https://github.com/open-orbis/open-orbis/pull/342.
The first CI deploy of the `orbis-mcp` Cloud Run service never became ready:
server.py started uvicorn with FastMCP's own settings (host/port), which did
not pick up FASTMCP_HOST/FASTMCP_PORT from the Dockerfile, so uvicorn listened
on 127.0.0.1:8000 while Cloud Run's default TCP startup probe checked 8080.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "orbis-mcp-localhost-bind"
SEED = 342
PROJECT = "orbis-prod-30415"
PROJECT_NUMBER = "407215938861"
REGION = "europe-west1"
SERVICE = "orbis-mcp"
API = "orbis-api"
HOSTS = {"orbis-mcp": "https://orbis-mcp-pq4x7yb2ra-ew.a.run.app",
         "orbis-api": "https://orbis-api-pq4x7yb2ra-ew.a.run.app"}
MCP_REV = "orbis-mcp-00001-xq2"
API_PREV = "orbis-api-00007-f6m"
API_NEW = "orbis-api-00008-wbn"
T0 = datetime(2026, 4, 15, 18, 30, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 4, 15, 19, 30, 0, tzinfo=timezone.utc)
T_API_DEPLOY = datetime(2026, 4, 15, 18, 58, 41, 517000, tzinfo=timezone.utc)
TAG = "main"
IMG_MCP = "europe-west1-docker.pkg.dev/%s/orbis/mcp:%s" % (PROJECT, TAG)
IMG_API = "europe-west1-docker.pkg.dev/%s/orbis/api:%s" % (PROJECT, TAG)
SA = "orbis-api@%s.iam.gserviceaccount.com" % PROJECT
DEPLOYER = "github-deployer@%s.iam.gserviceaccount.com" % PROJECT

# verbatim from the PR ("Cloud Run logs showed:")
UVICORN_BIND = "Uvicorn running on http://127.0.0.1:8000"
PROBE_FAIL = ('Default STARTUP TCP probe failed 1 time consecutively for container "orbis-mcp-1" on port 8080. '
              'The instance was not started.\nConnection failed with status DEADLINE_EXCEEDED.')
READY_FALSE_MSG = ("The user-provided container failed to start and listen on the port defined provided by the "
                   "PORT=8080 environment variable within the allocated timeout. This can happen when the container "
                   "port is misconfigured or if the timeout is too short. The health check timeout can be extended. "
                   "Logs for this revision might contain more information.")


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
    return "0069c7a988" + g.hexid(118)


UAS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:137.0) Gecko/20100101 Firefox/137.0",
]
API_PATHS = [  # (method, path, status, latency range, weight)
    ("GET", "/api/auth/me", 200, (0.012, 0.06), 22),
    ("GET", "/api/orbs/me", 200, (0.08, 0.42), 18),
    ("GET", "/api/orbs/{orb}", 200, (0.06, 0.35), 14),
    ("GET", "/api/orbs/{orb}/nodes?type=skill", 200, (0.05, 0.3), 8),
    ("PATCH", "/api/orbs/me/nodes/{uid}", 200, (0.09, 0.4), 5),
    ("POST", "/api/cv/upload", 202, (0.8, 2.9), 2),
    ("GET", "/api/cv/jobs/{job}", 200, (0.02, 0.09), 6),
    ("GET", "/health/live", 200, (0.001, 0.004), 6),
    ("GET", "/api/auth/me", 401, (0.004, 0.02), 4),
    ("GET", "/api/orbs/{orb}", 404, (0.02, 0.08), 1),
]


def audit_entry(g, dt, rev_for_res, method, resource_name, principal, request=None, response=None, status=None, log="cloudaudit.googleapis.com%2Factivity", severity="NOTICE", ua=None):
    e = g.base(log, dt, rev_for_res, severity, lag_ms=640)
    e["resource"]["labels"]["revision_name"] = ""
    e["resource"]["labels"]["configuration_name"] = ""
    p = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog", "serviceName": "run.googleapis.com",
         "methodName": method, "resourceName": resource_name, "status": status or {}}
    if principal:
        p["authenticationInfo"] = {"principalEmail": principal}
        p["requestMetadata"] = {"callerIp": "172.183.%d.%d" % (g.rng.randrange(256), g.rng.randrange(1, 255)),
                                "callerSuppliedUserAgent": ua or ("google-cloud-sdk gcloud/519.0.0 command/gcloud.run.deploy invocation-id/%s environment/GitHubActions environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.3 term/,gzip(gfe)" % g.hexid(32)),
                                "requestAttributes": {"time": ts(dt), "auth": {}}, "destinationAttributes": {}}
        p["authorizationInfo"] = [{"resource": resource_name, "permission": "run.services.create" if "Create" in method else "run.services.update", "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}]
    if request:
        p["request"] = request
    if response:
        p["response"] = response
    e["protoPayload"] = p
    if principal:
        e["operation"] = {"id": "projects/%s/locations/%s/operations/%s-%s" % (PROJECT, REGION, g.hexid(8), g.hexid(4)), "producer": "run.googleapis.com", "first": True}
    return e


def build(g):
    rng = g.rng
    k = {}
    # ---- orbis-api background (other service in the same project)
    api_prev_insts = [instance_id(g)]
    api_new_inst = instance_id(g)
    t_api_ready = T_API_DEPLOY + timedelta(seconds=17, milliseconds=420)
    audit_entry(g, T_API_DEPLOY, API_NEW, "google.cloud.run.v1.Services.ReplaceService",
                "namespaces/%s/services/%s" % (PROJECT, API), DEPLOYER,
                response={"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                          "metadata": {"name": API, "namespace": PROJECT_NUMBER, "generation": 8},
                          "status": {"latestCreatedRevisionName": API_NEW, "latestReadyRevisionName": API_PREV}})
    g.varlog(T_API_DEPLOY + timedelta(seconds=6, milliseconds=80), API_NEW, "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment, or deployment health check.", instance=api_new_inst)
    for j, line in enumerate(["INFO:     Started server process [1]", "INFO:     Waiting for application startup.",
                              "INFO:     Application startup complete.",
                              "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)"]):
        g.app_text(T_API_DEPLOY + timedelta(seconds=9, milliseconds=310 + 600 * j + (4200 if j >= 2 else 0)), API_NEW, api_new_inst, line)
    g.varlog(t_api_ready - timedelta(milliseconds=900), API_NEW, 'Default STARTUP TCP probe succeeded after 1 attempt for container "orbis-api-1" on port 8080.', instance=api_new_inst)

    # ---- orbis-mcp: first deploy creates the service
    t_mcp = t_api_ready + timedelta(seconds=21, milliseconds=305)
    mcp_req = {"@type": "type.googleapis.com/google.cloud.run.v1.CreateServiceRequest",
               "parent": "namespaces/%s" % PROJECT,
               "service": {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                           "metadata": {"name": SERVICE, "namespace": PROJECT},
                           "spec": {"template": {"metadata": {"annotations": {
                               "run.googleapis.com/vpc-access-connector": "orbis-connector",
                               "run.googleapis.com/vpc-access-egress": "private-ranges-only",
                               "run.googleapis.com/cloudsql-instances": "%s:%s:orbis-db" % (PROJECT, REGION),
                               "autoscaling.knative.dev/maxScale": "3"}},
                               "spec": {"containerConcurrency": 80, "timeoutSeconds": 300, "serviceAccountName": SA,
                                        "containers": [{"image": IMG_MCP, "ports": [{"name": "http1", "containerPort": 8080}],
                                                        "resources": {"limits": {"cpu": "1", "memory": "256Mi"}}}]}}}}}
    k["create"] = audit_entry(g, t_mcp, MCP_REV, "google.cloud.run.v1.Services.CreateService",
                              "namespaces/%s/services/%s" % (PROJECT, SERVICE), DEPLOYER, request=mcp_req,
                              response={"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                                        "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": 1},
                                        "status": {"latestCreatedRevisionName": MCP_REV}})
    mi = instance_id(g)
    t_s = t_mcp + timedelta(seconds=16, milliseconds=922)
    k["t_start"] = t_s
    g.varlog(t_s, MCP_REV, "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment, or deployment health check.", instance=mi)
    g.app_text(t_s + timedelta(milliseconds=3811), MCP_REV, mi, "INFO:     Started server process [1]")
    g.app_text(t_s + timedelta(milliseconds=3812), MCP_REV, mi, "INFO:     Waiting for application startup.")
    g.app_text(t_s + timedelta(milliseconds=3840), MCP_REV, mi, "INFO:     Application startup complete.")
    k["bind"] = g.app_text(t_s + timedelta(milliseconds=3843), MCP_REV, mi, "INFO:     " + UVICORN_BIND + " (Press CTRL+C to quit)")
    t_fail = t_s + timedelta(seconds=240, milliseconds=611)
    k["t_fail"] = t_fail
    k["probe"] = g.varlog(t_fail, MCP_REV, PROBE_FAIL, severity="ERROR", instance=mi)
    e = audit_entry(g, t_fail + timedelta(seconds=1, milliseconds=944), MCP_REV, "/Services.CreateService",
                    "namespaces/%s/revisions/%s" % (PROJECT, MCP_REV), None,
                    status={"code": 9, "message": "Ready condition status changed to False for Revision %s with message: %s" % (MCP_REV, READY_FALSE_MSG)},
                    log="cloudaudit.googleapis.com%2Fsystem_event", severity="ERROR")
    e["resource"]["labels"]["revision_name"] = MCP_REV
    e["resource"]["labels"]["configuration_name"] = SERVICE
    audit_entry(g, t_fail + timedelta(seconds=2, milliseconds=503), MCP_REV, "/Services.CreateService",
                "namespaces/%s/services/%s" % (PROJECT, SERVICE), None,
                status={"code": 9, "message": "Ready condition status changed to False for Service %s with message: Revision '%s' is not ready and cannot serve traffic. %s" % (SERVICE, MCP_REV, READY_FALSE_MSG)},
                log="cloudaudit.googleapis.com%2Fsystem_event", severity="ERROR")
    # the instance is torn down after the failed probe
    g.app_text(t_fail + timedelta(milliseconds=420), MCP_REV, mi, "INFO:     Shutting down")
    g.app_text(t_fail + timedelta(milliseconds=522), MCP_REV, mi, "INFO:     Waiting for application shutdown.")
    g.app_text(t_fail + timedelta(milliseconds=530), MCP_REV, mi, "INFO:     Application shutdown complete.")
    g.app_text(t_fail + timedelta(milliseconds=531), MCP_REV, mi, "INFO:     Finished server process [1]")

    # ---- the workflow's rollback job moves orbis-api traffic back (deploy job failed)
    t_rb = t_fail + timedelta(seconds=71, milliseconds=208)
    k["t_rb"] = t_rb
    audit_entry(g, t_rb, API_PREV, "google.cloud.run.v1.Services.ReplaceService",
                "namespaces/%s/services/%s" % (PROJECT, API), DEPLOYER,
                ua="google-cloud-sdk gcloud/519.0.0 command/gcloud.run.services.update-traffic invocation-id/%s environment/GitHubActions environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.3 term/,gzip(gfe)" % g.hexid(32),
                request={"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                         "service": {"spec": {"traffic": [{"revisionName": API_PREV, "percent": 100}]}}})

    # api request traffic
    paths, weights = zip(*[(p, p[4]) for p in API_PATHS])
    t = T0 + timedelta(seconds=rng.uniform(0, 5))
    while t < T_END:
        on_new = t_api_ready <= t < t_rb + timedelta(seconds=9)
        rev = API_NEW if on_new else API_PREV
        inst = api_new_inst if on_new else api_prev_insts[0]
        m, path, st, (lo, hi), _ = rng.choices(paths, weights)[0]
        path = path.replace("{orb}", rng.choice(["eugypalu", "brotherhood94", "m-rossi", "a-bianchi", "demo"])) \
                   .replace("{uid}", g.hexid(12)).replace("{job}", g.hexid(8) + "-" + g.hexid(4))
        ua = "Google-Cloud-Tasks" if path.startswith("/api/cv/jobs") and rng.random() < 0.2 else rng.choice(UAS)
        ip = "%d.%d.%d.%d" % (rng.choice([2, 5, 37, 79, 87, 93, 151]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        g.request(t, rev, inst, m, path, st, rng.uniform(lo, hi), ua, ip, rng.randint(300, 1400) if m == "GET" else rng.randint(900, 480000), rng.randint(120, 24000) if st < 400 else rng.randint(40, 120))
        t += timedelta(seconds=rng.expovariate(1 / 4.2))
    # a noisy-but-harmless warning on the api
    for _ in range(6):
        tt = T0 + timedelta(seconds=rng.uniform(0, 3500))
        rev = API_NEW if t_api_ready <= tt < t_rb else API_PREV
        g.app_text(tt, rev, api_new_inst if rev == API_NEW else api_prev_insts[0],
                   "/app/.venv/lib/python3.12/site-packages/neo4j/_sync/driver.py:547: DeprecationWarning: Relying on Driver's destructor to close the session is deprecated. Please make sure to close the session. Use it as a context (`with` statement) or make sure to call `.close()` explicitly. Future versions of the driver will not close drivers automatically.")
    return k


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items() if v is not None}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


def mcp_container():
    secrets = ["JWT_SECRET=jwt-secret", "ENCRYPTION_KEY=encryption-key", "NEO4J_PASSWORD=neo4j-password", "DATABASE_URL=database-url"]
    env = [{"name": "ENV", "value": "production"}, {"name": "NEO4J_URI", "value": "bolt://10.132.0.2:7687"},
           {"name": "NEO4J_USER", "value": "neo4j"}, {"name": "GCP_PROJECT_ID", "value": PROJECT}]
    for s in secrets:
        n, sec = s.split("=")
        env.append({"name": n, "valueSource": {"secretKeyRef": {"secret": sec, "version": "latest"}}})
    return {"name": "orbis-mcp-1", "image": IMG_MCP, "env": env,
            "resources": {"limits": {"cpu": "1", "memory": "256Mi"}, "cpuIdle": True},
            "ports": [{"name": "http1", "containerPort": 8080}],
            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
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
    tmpl = {"scaling": {"maxInstanceCount": 3}, "timeout": "300s", "serviceAccount": SA,
            "vpcAccess": {"connector": "projects/%s/locations/%s/connectors/orbis-connector" % (PROJECT, REGION), "egress": "PRIVATE_RANGES_ONLY"},
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": ["%s:%s:orbis-db" % (PROJECT, REGION)]}}],
            "containers": [mcp_container()], "maxInstanceRequestConcurrency": 80,
            "executionEnvironment": None}
    fail_msg = "Revision '%s' is not ready and cannot serve traffic. %s" % (MCP_REV, READY_FALSE_MSG)
    service = {
        "name": svc, "uid": "5e0b7c21-9d48-4a36-b1f2-8c6e3d70a914", "generation": "1",
        "createTime": k["create"]["timestamp"][:26] + "Z",
        "updateTime": k["create"]["timestamp"][:26] + "Z",
        "creator": DEPLOYER, "lastModifier": DEPLOYER, "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": tmpl,
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "1",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED", "message": fail_msg,
                              "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR"},
        "conditions": [{"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": fail_msg,
                        "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR"},
                       {"type": "RoutesReady", "state": "CONDITION_FAILED", "message": fail_msg,
                        "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR"}],
        "latestCreatedRevision": "%s/revisions/%s" % (svc, MCP_REV),
        "uri": HOSTS[SERVICE],
    }
    (d / ("run/services/%s.json" % SERVICE)).write_text(json.dumps(clean(service), sort_keys=True, indent=2) + "\n")
    rev = {
        "name": "%s/revisions/%s" % (svc, MCP_REV), "uid": "a3c95e18-6f0d-4b72-9e41-d28b7c5f0e63", "generation": "1",
        "labels": {"cloud.googleapis.com/location": REGION, "serving.knative.dev/service": SERVICE,
                   "serving.knative.dev/configuration": SERVICE},
        "annotations": {"run.googleapis.com/vpc-access-connector": "orbis-connector"},
        "createTime": ts(datetime.fromisoformat(k["create"]["timestamp"][:26]).replace(tzinfo=timezone.utc) + timedelta(seconds=2)),
        "updateTime": ts(k["t_fail"] + timedelta(seconds=2)),
        "launchStage": "GA", "service": SERVICE, "scaling": {"maxInstanceCount": 3}, "timeout": "300s",
        "serviceAccount": SA, "vpcAccess": tmpl["vpcAccess"], "volumes": tmpl["volumes"],
        "containers": [mcp_container()], "maxInstanceRequestConcurrency": 80,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_FAILED", "message": READY_FALSE_MSG, "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
            {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "message": READY_FALSE_MSG, "lastTransitionTime": ts(k["t_fail"] + timedelta(seconds=2)), "severity": "ERROR", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(k["t_start"] - timedelta(seconds=2))},
        ],
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, MCP_REV),
    }
    (d / ("run/revisions/%s.json" % MCP_REV)).write_text(json.dumps(clean(rev), sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "first deploy of orbis-mcp never becomes ready: default STARTUP TCP probe on port 8080 fails",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-04-15T18:30:00Z", "end": "2026-04-15T19:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/open-orbis/open-orbis/pull/342"],
            "verbatim": [UVICORN_BIND, "Default STARTUP TCP probe failed", "on port 8080", "orbis-mcp",
                         "orbis-api", "orbis-connector", "europe-west1"],
            "reconstructed": (
                "PR 342 quotes two Cloud Run log lines ('Uvicorn running on http://127.0.0.1:8000' and a shortened 'Default STARTUP "
                "TCP probe failed for container on port 8080'); the probe line is written here in Cloud Run's full wording. Deploy "
                "settings (service names, region, 256Mi, max 3 instances, VPC connector, Cloud SQL, secrets, orbis-api service account) "
                "come from .github/workflows/deploy.yml at the pre-fix commit; the failing deploy is taken to be the first one of "
                "orbis-mcp (the workflow that added the MCP deploy landed the same day), so the service has no ready revision. The "
                "orbis-api deploy that precedes it in the same job and the rollback job's update-traffic back to the previous orbis-api "
                "revision follow from that workflow; they and the orbis-api request traffic (with 401s, 404s and a neo4j "
                "DeprecationWarning as noise) are background. Generated by evals/realgen/orbis-mcp-localhost-bind.py "
                "(random.Random(342), fixed timestamps on 2026-04-15, the fix commit's date). Invented: project id/number, revision "
                "suffixes, deployer service account, instance ids, insertIds, timings, the uvicorn startup/shutdown lines around the "
                "quoted one."
            ),
            "project": "open-orbis/open-orbis",
            "language": "python",
            "covers": ["failed-rollout-port"],
        },
        "expect": {
            "root_causes": ["port-bind-mismatch"],
            "not_above": ["startup-probe-failure", "image-or-deploy-failure", "missing-config-or-secret"],
            "must_cite": [
                ["backend/mcp_server/server.py:99", "backend/mcp_server/server.py:100"],
                "run.googleapis.com/stderr#%s" % k["bind"]["insertId"],
                "run.googleapis.com/varlog/system#%s" % k["probe"]["insertId"],
            ],
        },
    }
    (d / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    (d / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "open-orbis/open-orbis",
        "commit": "718c2291a923dcd7f2efd89d4409997eb3a75890",
        "license": "AGPL-3.0",
        "language": "python",
        "fix": "https://github.com/open-orbis/open-orbis/pull/342",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d log entries" % (CASE_ID, n))
