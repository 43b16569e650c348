#!/usr/bin/env python3
"""Generator for the real-incident case rhesis-pdf-extract-timeout.

Rebuilt from rhesis-ai/rhesis#206 and #207: POST /services/documents/extract
returns 503 on Cloud Run for PDFs because the backend image starts gunicorn
(4 UvicornWorker workers) without --timeout, so gunicorn's default 30 s worker
timeout aborts the worker (SIGABRT) while Docling converts the PDF inside the
request. The fix added "--timeout", "300" to apps/backend/Dockerfile.
"""
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "rhesis-pdf-extract-timeout"
SEED = 206
PROJECT = "acme-rhesis-stg-4471"
REGION = "europe-west4"
SERVICE = "rhesis-backend-stg"
REVISION = SERVICE + "-00087-xuv"
IMAGE = "gcr.io/acme-rhesis-stg-4471/rhesis-backend-stg:latest"
SA = "rhesis-backend@acme-rhesis-stg-4471.iam.gserviceaccount.com"
URL_HOST = SERVICE + "-481930257714.europe-west4.run.app"
T0 = datetime(2025, 8, 18, 9, 30, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2025, 8, 18, 11, 30, 0, tzinfo=timezone.utc)
REV_CREATED = datetime(2025, 8, 14, 16, 2, 51, tzinfo=timezone.utc)
MALFORMED = ("The request failed because either the HTTP response was malformed or connection to the instance had an "
             "error. Additional troubleshooting documentation can be found at: "
             "https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error")

API_PATHS = [
    ("GET", "/test_sets/?skip=0&limit=10&sort_by=created_at&sort_order=desc", (0.08, 0.45), 0.16),
    ("GET", "/tests/?skip=0&limit=25", (0.06, 0.35), 0.14),
    ("GET", "/test_runs/?skip=0&limit=10", (0.07, 0.40), 0.10),
    ("GET", "/behaviors/", (0.03, 0.15), 0.06),
    ("GET", "/topics/", (0.03, 0.14), 0.06),
    ("GET", "/projects/", (0.04, 0.20), 0.08),
    ("GET", "/endpoints/", (0.04, 0.22), 0.06),
    ("GET", "/statuses/?entity_type=TestRun", (0.02, 0.09), 0.05),
    ("GET", "/tasks/?skip=0&limit=20", (0.05, 0.30), 0.06),
    ("GET", "/home/protected", (0.01, 0.05), 0.05),
    ("GET", "/auth/verify?session_token=", (0.02, 0.10), 0.08),
    ("GET", "/health", (0.002, 0.01), 0.10),
]


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def gts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S +0000")


def rts(t):
    # rhesis logger datefmt "%m/%d/%Y %I:%M:%S%p"
    return t.strftime("%m/%d/%Y %I:%M:%S%p")


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

    def stdout(self, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2Fstdout", t, severity, instance, textPayload=text)

    def stderr(self, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2Fstderr", t, severity, instance, textPayload=text)

    def system(self, t, text, instance, severity="INFO"):
        return self.add("run.googleapis.com%2Fvarlog%2Fsystem", t, severity, instance, textPayload=text)

    def request(self, t_start, latency, status, instance, path, method="GET", req_size=None, resp_size=None,
                ua=None, remote_ip=None, text=None):
        trace_id = "%032x" % self.rng.getrandbits(128)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method, "requestUrl": "https://%s%s" % (URL_HOST, path),
              "requestSize": str(req_size if req_size is not None else self.rng.randint(600, 1400)),
              "status": status,
              "responseSize": str(resp_size if resp_size is not None else self.rng.randint(400, 24000)),
              "userAgent": ua or "node", "remoteIp": remote_ip or "35.204.%d.%d" % (self.rng.randint(1, 254), self.rng.randint(1, 254)),
              "serverIp": "34.143.%d.%d" % (self.rng.choice([72, 73, 74, 75, 76, 77, 78, 79]), self.rng.randint(1, 254)),
              "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"}
        kw = {}
        if text:
            kw["textPayload"] = text
        e = self.add("run.googleapis.com%2Frequests", t_start + timedelta(seconds=latency), sev, instance,
                     httpRequest=hr, trace="projects/%s/traces/%s" % (PROJECT, trace_id),
                     spanId="%016x" % self.rng.getrandbits(64), traceSampled=False, **kw)
        e["timestamp"] = iso(t_start)
        return e


class Instance:
    def __init__(self, g, t, reason="AUTOSCALING"):
        self.g = g
        rng = g.rng
        self.id = "00f46b9285" + "".join(rng.choice("0123456789abcdef") for _ in range(118))
        self.next_pid = 7
        self.workers = []
        if reason == "AUTOSCALING":
            g.system(t, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", self.id)
        t1 = t + timedelta(milliseconds=rng.randint(1800, 3200))
        g.stderr(t1, "[%s] [1] [INFO] Starting gunicorn 23.0.0" % gts(t1), self.id)
        g.stderr(t1 + timedelta(milliseconds=2), "[%s] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)" % gts(t1), self.id)
        g.stderr(t1 + timedelta(milliseconds=3), "[%s] [1] [INFO] Using worker: uvicorn.workers.UvicornWorker" % gts(t1), self.id)
        last = t1
        for _ in range(4):
            last = self.boot_worker(t1 + timedelta(milliseconds=rng.randint(10, 80)))
        g.system(last + timedelta(milliseconds=rng.randint(20, 200)),
                 'Default STARTUP TCP probe succeeded after 1 attempt for container "rhesis-backend-stg-1" on port 8080.', self.id)
        self.ready = last + timedelta(milliseconds=300)

    def boot_worker(self, t):
        g, rng = self.g, self.g.rng
        pid = self.next_pid
        self.next_pid += 1
        g.stderr(t, "[%s] [%d] [INFO] Booting worker with pid: %d" % (gts(t), pid, pid), self.id)
        t2 = t + timedelta(milliseconds=rng.randint(2500, 6000))   # importing the app (docling, sqlalchemy, ...)
        g.stderr(t2, "[%s] [%d] [INFO] Started server process [%d]" % (gts(t2), pid, pid), self.id)
        g.stderr(t2 + timedelta(milliseconds=1), "[%s] [%d] [INFO] Waiting for application startup." % (gts(t2), pid), self.id)
        g.stderr(t2 + timedelta(milliseconds=3), "[%s] [%d] [INFO] Application startup complete." % (gts(t2), pid), self.id)
        self.workers.append(pid)
        return t2


def app_request(g, inst, t, method, path, latency, status, ua=None, req_size=None, resp_size=None, remote_ip=None):
    full = "http://%s%s" % (URL_HOST, path)
    g.stdout(t + timedelta(milliseconds=1), "%s - __rhesis__ - INFO - Request started: %s %s" % (rts(t), method, full), inst.id)
    te = t + timedelta(seconds=latency)
    g.stdout(te, "%s - __rhesis__ - INFO - Request completed: %s %s - Status: %d - Duration: %.3fs"
             % (rts(te), method, full, status, latency - 0.002), inst.id)
    return g.request(t, latency, status, inst.id, path, method, req_size, resp_size, ua, remote_ip)


def build():
    g = Gen()
    rng = g.rng
    browser_ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36"
    insts = [Instance(g, T0 - timedelta(minutes=rng.randint(3, 9)))]
    insts[0].ready = T0
    second_at = T0 + timedelta(minutes=37)
    weights = [w for _, _, _, w in API_PATHS]
    t = T0
    # background API traffic
    while t < WINDOW_END:
        hour_frac = (t - T0).total_seconds() / 7200.0
        rate = 0.08 + 0.07 * (1 - abs(hour_frac - 0.5) * 2)     # requests per second
        t += timedelta(seconds=rng.expovariate(rate))
        if t >= WINDOW_END:
            break
        if len(insts) == 1 and t >= second_at:
            insts.append(Instance(g, t))
        inst = insts[rng.randrange(len(insts))] if len(insts) > 1 and t > insts[-1].ready else insts[0]
        method, path, (lo, hi), _ = rng.choices(API_PATHS, weights=weights)[0]
        if path.endswith("session_token="):
            path += "%032x" % rng.getrandbits(128)
        lat = rng.uniform(lo, hi)
        status = 200
        r = rng.random()
        if path.startswith("/home/protected") and r < 0.25:
            status = 401
        elif path.startswith("/auth/verify") and r < 0.1:
            status = 401
            g.stdout(t + timedelta(milliseconds=3), "%s - __rhesis__ - WARNING - JWT token has expired" % rts(t), inst.id)
        if path == "/health":
            g.request(t, lat, 200, inst.id, path, "GET", 0, 15, "GoogleHC/1.0", "35.191.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254)))
            continue
        app_request(g, inst, t, method, path, lat, status, ua="node", resp_size=rng.randint(300, 42000) if status == 200 else 52)

    # Irrelevant loud stuff: scanners and a favicon from a browser hitting the API root
    for _ in range(9):
        tt = T0 + timedelta(seconds=rng.randint(0, 7000))
        p = rng.choice(["/favicon.ico", "/.env", "/wp-admin/setup-config.php", "/.git/config", "/robots.txt"])
        app_request(g, insts[0], tt, "GET", p, rng.uniform(0.003, 0.01), 404,
                    ua="Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
                    req_size=rng.randint(300, 500), resp_size=22, remote_ip="185.220.%d.%d" % (rng.randint(1, 254), rng.randint(1, 254)))

    # Document uploads and extractions from the UI
    docs = [
        (T0 + timedelta(minutes=6), "product_faq.md", 0.9),
        (T0 + timedelta(minutes=14), "support_policy.txt", 0.05),
        (T0 + timedelta(minutes=22), "release_notes.docx", 4.8),
        (T0 + timedelta(minutes=44), "Insurance_Terms_2025.pdf", 71.0),
        (T0 + timedelta(minutes=47), "Insurance_Terms_2025.pdf", 69.5),
        (T0 + timedelta(minutes=52), "faq_short.pdf", 12.4),
        (T0 + timedelta(minutes=58), "Claims_Handbook_v3.pdf", 118.0),
        (T0 + timedelta(minutes=63), "Claims_Handbook_v3.pdf", 121.0),
        (T0 + timedelta(minutes=71), "onepager.pdf", 7.9),
        (T0 + timedelta(minutes=79), "Insurance_Terms_2025.pdf", 70.2),
        (T0 + timedelta(minutes=86), "Model_Card_LLM_Eval.pdf", 44.0),
        (T0 + timedelta(minutes=97), "glossary.csv", 0.6),
        (T0 + timedelta(minutes=104), "Privacy_Policy.pdf", 38.5),
    ]
    for t, name, work in docs:
        inst = insts[-1] if t > insts[-1].ready else insts[0]
        ip = "84.139.%d.%d" % (rng.randint(1, 254), rng.randint(1, 254))
        up_lat = rng.uniform(0.15, 0.9)
        size = rng.randint(40_000, 4_900_000) if name.endswith(".pdf") else rng.randint(2_000, 300_000)
        app_request(g, inst, t, "POST", "/services/documents/upload", up_lat, 200, ua=browser_ua, req_size=size + 420, resp_size=122, remote_ip=ip)
        t2 = t + timedelta(seconds=up_lat + rng.uniform(0.3, 1.2))
        full = "http://%s/services/documents/extract" % URL_HOST
        if work < 29.0:
            app_request(g, inst, t2, "POST", "/services/documents/extract", work, 200, ua=browser_ua,
                        req_size=rng.randint(700, 800), resp_size=rng.randint(3000, 90000), remote_ip=ip)
            continue
        # the worker blocks in Docling, stops heart-beating and is aborted by the gunicorn arbiter
        g.stdout(t2 + timedelta(milliseconds=1), "%s - __rhesis__ - INFO - Request started: POST %s" % (rts(t2), full), inst.id)
        pid = rng.choice(inst.workers)
        tt = t2 + timedelta(seconds=30, milliseconds=rng.randint(300, 990))
        g.stderr(tt, "[%s] [1] [CRITICAL] WORKER TIMEOUT (pid:%d)" % (gts(tt), pid), inst.id)
        tk = tt + timedelta(milliseconds=rng.randint(30, 120))
        g.stderr(tk, "[%s] [1] [ERROR] Worker (pid:%d) was sent SIGABRT!" % (gts(tk), pid), inst.id)
        g.request(t2, (tk - t2).total_seconds() + 0.003, 503, inst.id, "/services/documents/extract", "POST",
                  rng.randint(700, 800), 0, browser_ua, ip, text=MALFORMED)
        # a request that happened to be in flight on the same worker dies with it
        if rng.random() < 0.5:
            tc = tk - timedelta(seconds=rng.uniform(0.5, 6.0))
            method, path, _, _ = API_PATHS[rng.randrange(0, 3)]
            g.stdout(tc + timedelta(milliseconds=1), "%s - __rhesis__ - INFO - Request started: %s http://%s%s" % (rts(tc), method, URL_HOST, path), inst.id)
            g.request(tc, (tk - tc).total_seconds() + 0.002, 503, inst.id, path, method, 900, 0, "node", None, text=MALFORMED)
        inst.workers.remove(pid)
        inst.boot_worker(tk + timedelta(milliseconds=rng.randint(20, 90)))

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g


def service_json():
    rev_path = "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION)
    return {
        "name": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "uid": "3d0b7c55-91e4-4a2e-b0f3-6c18a92e47d1",
        "generation": "87",
        "createTime": "2025-05-06T08:41:17.412095Z",
        "updateTime": iso(REV_CREATED),
        "creator": "github-deployer@acme-rhesis-stg-4471.iam.gserviceaccount.com",
        "lastModifier": "github-deployer@acme-rhesis-stg-4471.iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 100},
            "vpcAccess": {"connector": "projects/%s/locations/%s/connectors/redis-connector" % (PROJECT, REGION), "egress": "PRIVATE_RANGES_ONLY"},
            "timeout": "300s",
            "serviceAccount": SA,
            "containers": [{
                "name": "rhesis-backend-stg-1",
                "image": IMAGE,
                "env": [{"name": k, "value": v} for k, v in [
                    ("SQLALCHEMY_DB_MODE", "production"), ("SQLALCHEMY_DB_DRIVER", "postgresql"),
                    ("SQLALCHEMY_DB_HOST", "/cloudsql/%s:%s:rhesis-db-stg" % (PROJECT, REGION)),
                    ("SQLALCHEMY_DB_NAME", "rhesis-db"), ("LOG_LEVEL", "INFO"),
                    ("FRONTEND_URL", "https://app-stg.rhesis.example"), ("GEMINI_MODEL_NAME", "gemini-2.0-flash")]],
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "cpuIdle": True, "startupCpuBoost": True},
                "ports": [{"name": "http1", "containerPort": 8080}],
                "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": ["%s:%s:rhesis-db-stg" % (PROJECT, REGION)]}}],
            "maxInstanceRequestConcurrency": 80,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "87",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=38))},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=38))},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=36))}],
        "latestReadyRevision": rev_path,
        "latestCreatedRevision": rev_path,
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + URL_HOST,
        "urls": ["https://" + URL_HOST],
        "etag": "\"CLuY_sQGEJjs9ZMB/cHJvamVjdHMvYWNtZS1yaGVzaXMtc3RnLTQ0NzEvbG9jYXRpb25zL2V1cm9wZS13ZXN0NC9zZXJ2aWNlcy9yaGVzaXMtYmFja2VuZC1zdGc\"",
    }


def revision_json():
    svc = service_json()
    tpl = svc["template"]
    return {
        "name": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "uid": "b7e2f0a1-5c3d-4e69-8a4f-0d2c91e6b358",
        "generation": "1",
        "labels": {"serving.knative.dev/configuration": SERVICE, "serving.knative.dev/configurationGeneration": "87",
                   "serving.knative.dev/service": SERVICE, "serving.knative.dev/route": SERVICE,
                   "cloud.googleapis.com/location": REGION},
        "annotations": {"run.googleapis.com/cloudsql-instances": "%s:%s:rhesis-db-stg" % (PROJECT, REGION)},
        "createTime": iso(REV_CREATED),
        "updateTime": iso(REV_CREATED + timedelta(seconds=36)),
        "launchStage": "GA",
        "service": svc["name"],
        "scaling": {"maxInstanceCount": 100},
        "vpcAccess": tpl["vpcAccess"],
        "timeout": "300s",
        "serviceAccount": SA,
        "containers": tpl["containers"],
        "volumes": tpl["volumes"],
        "maxInstanceRequestConcurrency": 80,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=36))},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=36))},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=21))}],
        "observedGeneration": "1",
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, REVISION),
        "etag": "\"CNOY_sQGEPiD2JEC/cHJvamVjdHMvYWNtZS1yaGVzaXMtc3RnLTQ0NzEvbG9jYXRpb25zL2V1cm9wZS13ZXN0NC9yZXZpc2lvbnM\"",
    }


def write(out_parent: Path) -> int:
    g = build()
    root = Path(out_parent) / CASE_ID
    (root / "logging").mkdir(parents=True, exist_ok=True)
    (root / "run" / "services").mkdir(parents=True, exist_ok=True)
    (root / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(root / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (root / "run" / "services" / (SERVICE + ".json")).write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (root / "run" / "revisions" / (REVISION + ".json")).write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")

    timeouts = [e for e in g.entries if "WORKER TIMEOUT" in e.get("textPayload", "")]
    aborts = [e for e in g.entries if "was sent SIGABRT!" in e.get("textPayload", "")]
    extract_503 = [e for e in g.entries if e.get("httpRequest", {}).get("status") == 503
                   and e["httpRequest"]["requestUrl"].endswith("/services/documents/extract")]
    case = {
        "id": CASE_ID,
        "title": "POST /services/documents/extract returns 503 on Cloud Run for PDFs (works locally)",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": iso(T0).replace(".000000", ""), "end": iso(WINDOW_END).replace(".000000", "")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/rhesis-ai/rhesis/issues/206",
                        "https://github.com/rhesis-ai/rhesis/pull/207"],
            "verbatim": [
                "/services/documents/extract",
                "SIGABRT",
                "uvicorn.workers.UvicornWorker",
                "0.0.0.0:8080",
            ],
            "reconstructed": (
                "The sources state the symptom (503 from POST /services/documents/extract on Cloud Run for PDFs, fine "
                "locally under plain uvicorn), the cause (gunicorn's default 30 s worker timeout killing the worker "
                "with SIGABRT during PDF processing) and the fix (\"--timeout\", \"300\" added to the gunicorn CMD in "
                "apps/backend/Dockerfile, PR #207, commit 3901ab2); they quote no log lines. All log entries are "
                "generated by evals/realgen/rhesis-pdf-extract-timeout.py with random.Random(206): the invented "
                "project acme-rhesis-stg-4471 in europe-west4, the revision name, instance ids, times on 2025-08-18, "
                "background API traffic on routes that exist in the backend, the backend's own 'Request started / "
                "Request completed' stdout lines (format from rhesis_logger.py and main.py at the pinned commit), "
                "gunicorn 23 / uvicorn worker start-up lines, the arbiter's WORKER TIMEOUT and 'was sent SIGABRT!' "
                "lines, Cloud Run's malformed-response 503 text on the request log, a few collateral 503s of "
                "requests that shared the aborted worker, and scanner 404s. Service settings follow the repo's "
                "deploy workflow and the stg Terraform values (1 CPU, 1Gi, concurrency 80, timeout 300s); the "
                "service name follows backend.yml (rhesis-backend-<env>). Extraction durations are invented: PDFs "
                "above 30 s fail, small documents succeed."
            ),
            "project": "rhesis-ai/rhesis",
            "language": "python",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["request-timeout"],
            "not_above": ["container-crash", "memory-limit-exceeded", "downstream-dependency"],
            "must_cite": [
                "apps/backend/Dockerfile:53",
                ["run.googleapis.com/stderr#" + timeouts[0]["insertId"], "run.googleapis.com/stderr#" + aborts[0]["insertId"]],
            ],
        },
    }
    with open(root / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=120)
    repo = {
        "repository": "rhesis-ai/rhesis",
        "commit": "dc1e755b5de62b4efbb801699b35b0a15bd923e9",
        "license": "MIT",
        "language": "python",
        "fix": "https://github.com/rhesis-ai/rhesis/pull/207",
    }
    with open(root / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real"))
