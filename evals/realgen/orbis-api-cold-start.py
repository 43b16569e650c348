#!/usr/bin/env python3
"""Generator for the real-incident case orbis-api-cold-start.

Rebuilt from open-orbis/open-orbis#363: orbis-api (FastAPI under uvicorn) was
deployed with --min-instances=0, so after idle periods Cloud Run scaled it to
zero and the first request paid a ~6 s cold start (VPC connector, Cloud SQL
pool and Neo4j bolt session initialised in the lifespan hook). The fix set
--min-instances=1 in .github/workflows/deploy.yml.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "orbis-api-cold-start"
SEED = 363
PROJECT = "orbis-prod-2291"
REGION = "europe-west1"
SERVICE = "orbis-api"
REVISION = "orbis-api-00041-kez"
IMAGE = "europe-west1-docker.pkg.dev/orbis-prod-2291/orbis/orbis-api:v0.9.3"
SA = "orbis-api@orbis-prod-2291.iam.gserviceaccount.com"
URL_HOST = "orbis-api-553710284196.europe-west1.run.app"
T0 = datetime(2026, 4, 16, 15, 0, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 4, 16, 20, 0, 0, tzinfo=timezone.utc)
REV_CREATED = datetime(2026, 4, 14, 9, 12, 40, tzinfo=timezone.utc)
KEY_COLD = datetime(2026, 4, 16, 18, 50, 33, 104000, tzinfo=timezone.utc)
KEY_LATENCY = 5.991846
IDLE_SHUTDOWN = timedelta(minutes=15)

PAGE_CALLS = [
    ("GET", "/api/auth/me", (0.018, 0.09), 200),
    ("GET", "/api/orbs/me", (0.06, 0.42), 200),
    ("GET", "/api/orbs/me/versions", (0.03, 0.2), 200),
    ("GET", "/api/orbs/me/share-tokens", (0.02, 0.12), 200),
    ("GET", "/api/orbs/me/connection-requests", (0.02, 0.11), 200),
    ("GET", "/api/drafts", (0.02, 0.14), 200),
    ("GET", "/api/cv/documents", (0.03, 0.18), 200),
    ("GET", "/api/cv/processing-count", (0.012, 0.05), 200),
    ("POST", "/api/auth/refresh", (0.03, 0.12), 200),
    ("GET", "/api/orbs/me/public-filters", (0.02, 0.09), 200),
]
BROWSERS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36 Edg/147.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:149.0) Gecko/20100101 Firefox/149.0",
]


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def pyts(t):
    # logging.Formatter.formatTime default: "%Y-%m-%d %H:%M:%S,mmm"
    return t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.n = 0

    def insert_id(self):
        self.n += 1
        return "%s%06d" % ("".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)), self.n)

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REVISION, "configuration_name": SERVICE}}

    def add(self, log, t, severity, instance=None, **payload):
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log), "resource": self.resource(),
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(40, 900))),
             "severity": severity, "insertId": self.insert_id()}
        if instance:
            e["labels"] = {"instanceId": instance}
        e.update(payload)
        self.entries.append(e)
        return e

    def text(self, stream, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2F" + stream, t, severity, instance, textPayload=text)

    def applog(self, t, severity, message, module, instance):
        # _CloudRunFormatter JSON line on stderr; Cloud Run lifts "severity" and keeps the rest
        return self.add("run.googleapis.com%2Fstderr", t, severity, instance,
                        jsonPayload={"message": message, "module": module, "timestamp": pyts(t)})

    def system(self, t, text, instance, severity="INFO"):
        return self.add("run.googleapis.com%2Fvarlog%2Fsystem", t, severity, instance, textPayload=text)

    def request(self, t_start, latency, status, instance, path, method, ua, remote_ip, req_size=None, resp_size=None):
        trace_id = "%032x" % self.rng.getrandbits(128)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method, "requestUrl": "https://%s%s" % (URL_HOST, path),
              "requestSize": str(req_size if req_size is not None else self.rng.randint(900, 2100)),
              "status": status,
              "responseSize": str(resp_size if resp_size is not None else self.rng.randint(600, 14000)),
              "userAgent": ua, "remoteIp": remote_ip,
              "serverIp": "34.143.%d.%d" % (self.rng.choice([72, 74, 76, 78]), self.rng.randint(1, 254)),
              "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"}
        e = self.add("run.googleapis.com%2Frequests", t_start + timedelta(seconds=latency), sev, instance,
                     httpRequest=hr, trace="projects/%s/traces/%s" % (PROJECT, trace_id),
                     spanId="%016x" % self.rng.getrandbits(64), traceSampled=False)
        e["timestamp"] = iso(t_start)
        return e


class Instance:
    def __init__(self, g, t, boot_seconds):
        rng = g.rng
        self.g = g
        self.id = "00f46b9285c2" + "".join(rng.choice("0123456789abcdef") for _ in range(116))
        self.start_entry = g.system(t, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", self.id)
        t1 = t + timedelta(seconds=boot_seconds * rng.uniform(0.18, 0.25))
        g.text("stderr", t1, "INFO:     Started server process [1]", self.id)
        g.text("stderr", t1 + timedelta(milliseconds=1), "INFO:     Waiting for application startup.", self.id)
        t2 = t1 + timedelta(seconds=boot_seconds * rng.uniform(0.42, 0.5))
        g.applog(t2, "INFO", "Neo4j connection verified", "main", self.id)
        t3 = t2 + timedelta(seconds=boot_seconds * rng.uniform(0.12, 0.16))
        g.applog(t3, "INFO", "PostgreSQL pool initialized", "main", self.id)
        self.ready = t + timedelta(seconds=boot_seconds)
        t4 = self.ready - timedelta(milliseconds=rng.randint(20, 60))
        g.text("stderr", t4, "INFO:     Application startup complete.", self.id)
        g.text("stderr", t4 + timedelta(milliseconds=1), "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)", self.id)
        g.system(self.ready - timedelta(milliseconds=rng.randint(1, 8)),
                 'Default STARTUP TCP probe succeeded after 1 attempt for container "orbis-api-1" on port 8080.', self.id)
        self.last = self.ready

    def shutdown(self, t):
        g = self.g
        g.text("stderr", t, "INFO:     Shutting down", self.id)
        g.text("stderr", t + timedelta(milliseconds=102), "INFO:     Waiting for application shutdown.", self.id)
        g.applog(t + timedelta(milliseconds=140), "INFO", "Shutdown complete", "main", self.id)
        g.text("stderr", t + timedelta(milliseconds=142), "INFO:     Application shutdown complete.", self.id)
        g.text("stderr", t + timedelta(milliseconds=143), "INFO:     Finished server process [1]", self.id)


def build():
    g = Gen()
    rng = g.rng
    # user sessions (start time, number of requests); gaps longer than 15 min let the service scale to zero
    sessions = []
    t = T0 + timedelta(minutes=4)
    while t < WINDOW_END - timedelta(minutes=10):
        sessions.append((t, rng.randint(6, 45)))
        gap = rng.choice([rng.uniform(2, 9), rng.uniform(17, 55), rng.uniform(20, 40)])
        t += timedelta(minutes=gap + 8)
    # make sure the cold start the PR quotes is in the window
    sessions = [s for s in sessions if abs((s[0] - KEY_COLD).total_seconds()) > 25 * 60] + [(KEY_COLD, 18)]
    sessions.sort()

    inst = None
    key_request = None
    cold_requests = []
    for start, nreq in sessions:
        ua = rng.choice(BROWSERS)
        ip = "%d.%d.%d.%d" % (rng.choice([79, 93, 151, 2, 185, 87]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        t = start
        cold = False
        if inst is not None and t - inst.last > IDLE_SHUTDOWN:
            inst.shutdown(inst.last + IDLE_SHUTDOWN + timedelta(seconds=rng.randint(5, 90)))
            inst = None
        if inst is None:
            boot = KEY_LATENCY - 0.012 if start == KEY_COLD else rng.uniform(5.1, 6.6)
            inst = Instance(g, t, boot)
            cold = True
        for k in range(nreq):
            if k == 0:
                method, path, (lo, hi), status = PAGE_CALLS[0]      # the SPA always starts with /api/auth/me
            else:
                method, path, (lo, hi), status = rng.choice(PAGE_CALLS)
            lat = rng.uniform(lo, hi)
            if cold and k < 4 and t < inst.ready:
                # requests that arrived during boot wait for the instance
                lat = (inst.ready - t).total_seconds() + lat
                if start == KEY_COLD and k == 0:
                    lat = KEY_LATENCY
            e = g.request(t, lat, status, inst.id, path, method, ua, ip,
                          resp_size=rng.randint(300, 900) if "auth" in path else None)
            g.text("stdout", t + timedelta(seconds=lat) - timedelta(milliseconds=1),
                   'INFO:     169.254.169.126:%d - "%s %s HTTP/1.1" %d %s' % (rng.randint(20000, 60000), method, path, status, "OK"), inst.id)
            if cold and k == 0:
                cold_requests.append(e)
                if start == KEY_COLD:
                    key_request = e
            if k < 3 and cold:
                t += timedelta(milliseconds=rng.randint(5, 60))    # the SPA fires its first calls in parallel
            else:
                t += timedelta(seconds=rng.expovariate(1 / 9.0))
            inst.last = max(inst.last, t + timedelta(seconds=lat))
        # a deprecation notice from the Neo4j driver now and then (loud, irrelevant)
        if rng.random() < 0.35:
            g.applog(t - timedelta(seconds=rng.uniform(1, 5)), "WARNING",
                     "Received notification from DBMS server: {severity: WARNING} {code: Neo.ClientNotification.Statement.FeatureDeprecationWarning} "
                     "{category: DEPRECATION} {title: This feature is deprecated and will be removed in future versions.} "
                     "{description: The query used a deprecated function: `id`.} {position: line: 3, column: 19, offset: 71} "
                     "for query: 'MATCH (p:Person {user_id: $user_id})-[r]->(n) RETURN id(n) AS nid, labels(n) AS labels, n'",
                     "result", inst.id)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    start_entry = [e for e in g.entries if e.get("textPayload", "").startswith("Starting new instance")
                   and e["timestamp"].startswith("2026-04-16T18:50:33")][0]
    return g, start_entry, key_request, cold_requests


def service_json():
    rev_path = "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION)
    secrets = ["JWT_SECRET:jwt-secret", "ENCRYPTION_KEY:encryption-key", "NEO4J_PASSWORD:neo4j-password",
               "DATABASE_URL:database-url", "RESEND_API_KEY:resend-api-key", "GOOGLE_CLIENT_ID:google-client-id",
               "GOOGLE_CLIENT_SECRET:google-client-secret", "LINKEDIN_CLIENT_ID:linkedin-client-id",
               "LINKEDIN_CLIENT_SECRET:linkedin-client-secret"]
    env = [{"name": n, "valueSource": {"secretKeyRef": {"secret": s, "version": "latest"}}} for n, s in (x.split(":") for x in secrets)]
    env += [{"name": k, "value": v} for k, v in [
        ("ENV", "production"), ("NEO4J_URI", "bolt://10.132.0.7:7687"), ("NEO4J_USER", "neo4j"),
        ("LLM_PROVIDER", "vertex"), ("GEMINI_MODEL", "gemini-2.5-pro"), ("GCP_PROJECT_ID", PROJECT),
        ("VERTEX_REGION", REGION), ("FRONTEND_URL", "https://open-orbis.com"), ("COOKIE_DOMAIN", ".open-orbis.com"),
        ("CLOUD_TASKS_QUEUE", "orbis-cv-queue"), ("CLOUD_TASKS_LOCATION", REGION),
        ("CLOUD_RUN_URL", "https://" + URL_HOST), ("CLOUD_RUN_SERVICE_ACCOUNT", SA)]]
    return {
        "name": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "uid": "0f5a9d3e-7c21-4b8e-a6d4-19e2f7c05b83",
        "generation": "41",
        "createTime": "2026-02-27T13:05:22.918331Z",
        "updateTime": iso(REV_CREATED),
        "creator": "github-deploy@%s.iam.gserviceaccount.com" % PROJECT,
        "lastModifier": "github-deploy@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 10},
            "vpcAccess": {"connector": "projects/%s/locations/%s/connectors/orbis-connector" % (PROJECT, REGION), "egress": "PRIVATE_RANGES_ONLY"},
            "timeout": "300s",
            "serviceAccount": SA,
            "containers": [{
                "name": "orbis-api-1",
                "image": IMAGE,
                "env": env,
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "cpuIdle": True, "startupCpuBoost": True},
                "ports": [{"name": "http1", "containerPort": 8080}],
                "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": ["%s:%s:orbis-db" % (PROJECT, REGION)]}}],
            "maxInstanceRequestConcurrency": 80,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "41",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=29))},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=29))},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=27))}],
        "latestReadyRevision": rev_path,
        "latestCreatedRevision": rev_path,
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + URL_HOST,
        "urls": ["https://" + URL_HOST],
        "etag": "\"CKjF_s4GEJjh0ZMB/cHJvamVjdHMvb3JiaXMtcHJvZC0yMjkxL2xvY2F0aW9ucy9ldXJvcGUtd2VzdDEvc2VydmljZXMvb3JiaXMtYXBp\"",
    }


def revision_json():
    svc = service_json()
    tpl = svc["template"]
    return {
        "name": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "uid": "c81e4f07-2a9b-4d6c-93f5-7b0e2d418a6c",
        "generation": "1",
        "labels": {"serving.knative.dev/configuration": SERVICE, "serving.knative.dev/configurationGeneration": "41",
                   "serving.knative.dev/service": SERVICE, "serving.knative.dev/route": SERVICE,
                   "cloud.googleapis.com/location": REGION},
        "annotations": {"run.googleapis.com/cloudsql-instances": "%s:%s:orbis-db" % (PROJECT, REGION),
                        "run.googleapis.com/startup-cpu-boost": "true"},
        "createTime": iso(REV_CREATED),
        "updateTime": iso(REV_CREATED + timedelta(seconds=27)),
        "launchStage": "GA",
        "service": svc["name"],
        "scaling": {"maxInstanceCount": 10},
        "vpcAccess": tpl["vpcAccess"],
        "timeout": "300s",
        "serviceAccount": SA,
        "containers": tpl["containers"],
        "volumes": tpl["volumes"],
        "maxInstanceRequestConcurrency": 80,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=27))},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=27))},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=14))}],
        "observedGeneration": "1",
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, REVISION),
        "etag": "\"CLLF_s4GEKCl3JMC/cHJvamVjdHMvb3JiaXMtcHJvZC0yMjkxL2xvY2F0aW9ucy9ldXJvcGUtd2VzdDEvcmV2aXNpb25z\"",
    }


def write(out_parent: Path) -> int:
    g, start_entry, key_request, cold_requests = build()
    root = Path(out_parent) / CASE_ID
    (root / "logging").mkdir(parents=True, exist_ok=True)
    (root / "run" / "services").mkdir(parents=True, exist_ok=True)
    (root / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(root / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (root / "run" / "services" / (SERVICE + ".json")).write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (root / "run" / "revisions" / (REVISION + ".json")).write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")
    case = {
        "id": CASE_ID,
        "title": "First request after idle periods takes ~6 s on orbis-api (e.g. /api/auth/me at 18:50:33)",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-04-16T15:00:00Z", "end": "2026-04-16T20:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/open-orbis/open-orbis/pull/363"],
            "verbatim": [
                "AUTOSCALING",
                "Application startup complete",
                "/api/auth/me",
                "5.99",
                "orbis-api",
                "europe-west1",
            ],
            "reconstructed": (
                "The PR quotes prod-log evidence: a new instance at 18:50:33 (reason AUTOSCALING, no warm "
                "capacity), 'Application startup complete' at 18:50:39 (~6 s boot), and the /api/auth/me request "
                "that triggered the spin-up returning after 5.99 s; startup CPU boost already on; 1 vCPU / 1Gi in "
                "europe-west1; deploy flags from .github/workflows/deploy.yml (min 0, max 10, concurrency 80, "
                "timeout 300s). The PR gives no date or time zone: the quoted times are placed on 2026-04-16 UTC, "
                "the PR's date. Everything else is generated by evals/realgen/orbis-api-cold-start.py with "
                "random.Random(363): the invented project orbis-prod-2291 (the real project id is not reused), the "
                "revision name, instance ids, browser sessions of the SPA separated by idle gaps, instance "
                "shutdowns after 15 idle minutes and the cold starts that follow, uvicorn start-up/shutdown and "
                "access lines, the app's JSON log lines (format of _CloudRunFormatter in backend/app/main.py at the "
                "pinned commit), and Neo4j driver deprecation warnings as noise. The exact "
                "per-step boot split (Neo4j, PostgreSQL pool) is invented."
            ),
            "project": "open-orbis/open-orbis",
            "language": "python",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["cold-start-latency"],
            "not_above": ["startup-probe-failure", "downstream-dependency", "request-timeout"],
            "must_cite": [
                ".github/workflows/deploy.yml:226",
                ["run.googleapis.com/requests#" + key_request["insertId"],
                 "run.googleapis.com/varlog/system#" + start_entry["insertId"]],
            ],
        },
    }
    with open(root / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=120)
    repo = {
        "repository": "open-orbis/open-orbis",
        "commit": "1ab3d6d570ddaf272c80d90b5ac4414f3a7642e8",
        "license": "AGPL-3.0",
        "language": "python",
        "fix": "https://github.com/open-orbis/open-orbis/pull/363",
    }
    with open(root / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real"))
