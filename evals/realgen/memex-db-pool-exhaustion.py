#!/usr/bin/env python3
"""Real-incident case: mindset-ai/memex-ai prod API queues emit requests on a
5-connection postgres-js pool during an integrator's load test (spec-489, PR #555).

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "memex-db-pool-exhaustion"
SEED = 555
PROJECT = "memex-prod-demo-2207"
REGION = "europe-west2"
SERVICE = "memex-api"
REV = "memex-api-00117-lup"
HOST = "memex-api-5q7rj2ckva-nw.a.run.app"
SQL_INSTANCE = "memex-prod-pg"
WIN_START = datetime(2026, 7, 21, 9, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 7, 21, 10, 0, 0, tzinfo=timezone.utc)
BURST_START = datetime(2026, 7, 21, 9, 31, 4, tzinfo=timezone.utc)
BURST_LEN = 11 * 60 + 20.0      # seconds
N_EMITS = 2400
N_WORKERS = 14
POOL_FLEET = 15                 # DB_POOL_MAX=5 x 3 instances

BROWSER_PATHS = [
    ("GET", "/api/auth/me", 0.012, 0.05),
    ("GET", "/api/acme/handbook/docs", 0.03, 0.16),
    ("GET", "/api/acme/handbook/docs/onboarding", 0.025, 0.12),
    ("GET", "/api/acme/handbook/whats-new", 0.03, 0.14),
    ("GET", "/api/acme/handbook/acs", 0.04, 0.2),
    ("POST", "/api/acme/handbook/docs/onboarding/sections", 0.06, 0.3),
]
UAS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
]
CI_UA = "node"


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.entries = []

    def hexs(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def base(self, dt, log, severity, instance=None):
        e = {
            "insertId": self.hexs(16),
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2F{log}",
            "resource": {"type": "cloud_run_revision", "labels": {
                "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                "revision_name": REV, "configuration_name": SERVICE}},
            "timestamp": ts(dt),
            "receiveTimestamp": ts(dt + timedelta(milliseconds=self.rng.randint(20, 900))),
            "severity": severity,
        }
        if instance:
            e["labels"] = {"instanceId": instance}
        self.entries.append(e)
        return e

    def request(self, dt, instance, method, path, status, latency, ua, ip, size=None):
        # Cloud Run writes the request log entry when the response completes; its
        # timestamp is the request's start time.
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = self.base(dt, "requests", sev, instance)
        e["trace"] = f"projects/{PROJECT}/traces/{self.hexs(32)}"
        e["spanId"] = self.hexs(16)
        e["httpRequest"] = {
            "requestMethod": method,
            "requestUrl": f"https://{HOST}{path}",
            "requestSize": str(size or self.rng.randint(200, 700)),
            "status": status,
            "responseSize": str(self.rng.randint(90, 400) if path == "/api/test-events" else self.rng.randint(400, 9000)),
            "userAgent": ua,
            "remoteIp": ip,
            "serverIp": "216.239.36.53",
            "latency": f"{latency:.6f}s",
            "protocol": "HTTP/1.1",
        }
        return e

    def text(self, dt, log, severity, instance, text):
        e = self.base(dt, log, severity, instance)
        e["textPayload"] = text
        return e


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    g = Gen(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions", "monitoring"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    inst = ["00f46b9" + g.hexs(57) for _ in range(3)]
    # min-instances 0: one instance warm from browser traffic; the burst scales to 3 (the cap)
    inst_start = [WIN_START - timedelta(minutes=40), BURST_START + timedelta(seconds=1.3), BURST_START + timedelta(seconds=2.9)]
    inst_stop = [WIN_END + timedelta(hours=1), BURST_START + timedelta(seconds=BURST_LEN + 16 * 60), BURST_START + timedelta(seconds=BURST_LEN + 14 * 60 + 31)]

    def live(dt):
        return [inst[k] for k in range(3) if inst_start[k] <= dt < inst_stop[k]]

    for k in (1, 2):
        t0 = inst_start[k]
        g.text(t0, "varlog%2Fsystem", "INFO", inst[k],
               "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.")
        g.text(t0 + timedelta(seconds=3.4), "stdout", "DEFAULT", inst[k], "Server listening on http://localhost:8080")
        g.text(t0 + timedelta(seconds=3.5), "varlog%2Fsystem", "INFO", inst[k],
               'Default STARTUP TCP probe succeeded after 1 attempt for container "memex-api-1" on port 8080.')
        g.text(t0 + timedelta(seconds=3.9), "stdout", "DEFAULT", inst[k], "[bus-relay] LISTEN memex_bus established")
        if inst_stop[k] < WIN_END:
            g.text(inst_stop[k], "varlog%2Fsystem", "INFO", inst[k],
                   "Shutting down instance. Reason: AUTOSCALING - Instance shut down due to configured scaling factors (e.g. CPU utilization, request throughput, etc.).")
            g.text(inst_stop[k] + timedelta(milliseconds=40), "stdout", "DEFAULT", inst[k], "[shutdown] SIGTERM received — draining connections")
            g.text(inst_stop[k] + timedelta(milliseconds=310), "stdout", "DEFAULT", inst[k], "[shutdown] all connections drained — exiting cleanly")

    # ---- background browser traffic across the whole window
    users = [f"{rng.randint(80, 212)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(9)]
    t = WIN_START
    while True:
        t += timedelta(seconds=rng.expovariate(4.0 / 60.0))
        if t >= WIN_END:
            break
        m, p, lo, hi = rng.choice(BROWSER_PATHS)
        in_burst = BURST_START <= t <= BURST_START + timedelta(seconds=BURST_LEN)
        lat = rng.uniform(lo, hi) + (rng.uniform(0.8, 4.5) if in_burst else 0.0)
        status = 200 if m == "GET" else 201
        if rng.random() < 0.03:
            status = 304 if m == "GET" else 200
        g.request(t, rng.choice(live(t)), m, p, status, lat, rng.choice(UAS), rng.choice(users))
        if rng.random() < 0.02:
            g.request(t + timedelta(milliseconds=3), rng.choice(live(t)), "GET", "/favicon.ico", 404, rng.uniform(0.001, 0.003), rng.choice(UAS), rng.choice(users))

    # ---- the integrator's CI burst: 14 workers, each posting emits back to back.
    # Model the fleet as 15 pool slots; an emit holds a slot for its DB work
    # (emission insert + activity_log + usage sink writes) and waits in the
    # postgres-js queue when all slots are busy. Clients give up at 3s.
    ci_ip = "20.163.41.118"
    slot_free = [BURST_START] * POOL_FLEET
    worker_t = [BURST_START + timedelta(milliseconds=rng.randint(0, 900)) for _ in range(N_WORKERS)]
    slow = []
    timeouts = 0
    emitted = 0
    while emitted < N_EMITS:
        w = min(range(N_WORKERS), key=lambda i: worker_t[i])
        start = worker_t[w]
        # per-emit DB hold: mostly short, occasionally long (lock waits, bus fan-out)
        hold = rng.lognormvariate(-1.25, 0.75)
        if rng.random() < 0.10:
            hold += rng.uniform(1.0, 3.5)
        s = min(range(POOL_FLEET), key=lambda i: slot_free[i])
        begin = max(start + timedelta(milliseconds=rng.randint(2, 9)), slot_free[s])
        done = begin + timedelta(seconds=hold)
        slot_free[s] = done
        latency = (done - start).total_seconds() + rng.uniform(0.003, 0.012)
        lv = live(start)
        e = g.request(start, rng.choice(lv), "POST", "/api/test-events", 201, latency, CI_UA, ci_ip, size=rng.randint(380, 620))
        emitted += 1
        if latency >= 3.0:
            timeouts += 1
            slow.append(e["insertId"])
            # the client gave up at 3s and moves on; server still finishes the insert
            worker_t[w] = start + timedelta(seconds=3.0 + rng.uniform(0.05, 0.4))
        else:
            worker_t[w] = start + timedelta(seconds=latency + rng.uniform(0.01, 0.08))

    # unrelated noisy warning on each instance start-up
    for k in range(3):
        if WIN_START <= inst_start[k] < WIN_END:
            g.text(inst_start[k] + timedelta(seconds=3.45), "stderr", "DEFAULT", inst[k],
                   "(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.\n(Use `node --trace-deprecation ...` to show where the warning was created)")

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- Cloud Run resources
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    env = [
        {"name": "NODE_ENV", "value": "production"},
        {"name": "DATABASE_URL", "value": "postgresql://memex_app:%2A%2A%2A@localhost:5432/memex"},
        {"name": "CLOUD_SQL_SOCKET", "value": f"/cloudsql/{PROJECT}:{REGION}:{SQL_INSTANCE}"},
        {"name": "APP_BASE_URL", "value": "https://memex.example.com"},
        {"name": "OAUTH_ENABLED", "value": "1"},
        {"name": "ANTHROPIC_API_KEY", "valueSource": {"secretKeyRef": {"secret": "anthropic-api-key", "version": "latest"}}},
        {"name": "AUTH_JWT_SECRET", "valueSource": {"secretKeyRef": {"secret": "auth-jwt-secret", "version": "latest"}}},
    ]
    tmpl = {
        "revision": REV,
        "scaling": {"maxInstanceCount": 3},
        "containers": [{
            "name": "memex-api-1",
            "image": f"europe-west2-docker.pkg.dev/{PROJECT}/memex/memex-api@sha256:" + g.hexs(64),
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": env,
            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
        }],
        "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:{SQL_INSTANCE}"]}}],
        "timeout": "300s",
        "maxInstanceRequestConcurrency": 80,
        "serviceAccount": f"memex-runtime@{PROJECT}.iam.gserviceaccount.com",
    }
    rev_create = "2026-07-16T15:22:48.660131Z"
    service = {
        "name": svc_name,
        "uid": "b1d7c0a4-93f2-4e55-8a2e-0c6e4f1a9d32",
        "generation": "117",
        "createTime": "2026-05-11T10:02:19.204411Z",
        "updateTime": rev_create,
        "creator": f"memex-deployer@{PROJECT}.iam.gserviceaccount.com",
        "lastModifier": f"memex-deployer@{PROJECT}.iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": tmpl,
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "117",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:51.020388Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:51.020388Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:44.553901Z"},
        ],
        "latestReadyRevision": f"{svc_name}/revisions/{REV}",
        "latestCreatedRevision": f"{svc_name}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": f"https://{HOST}",
    }
    revision = {
        "name": f"{svc_name}/revisions/{REV}",
        "uid": "4e0c8f7a-1d2b-47a9-bb61-7f3d2c9e8a15",
        "generation": "1",
        "labels": {"serving.knative.dev/configurationGeneration": "117"},
        "createTime": rev_create,
        "updateTime": rev_create,
        "launchStage": "GA",
        "service": SERVICE,
        "scaling": tmpl["scaling"],
        "containers": tmpl["containers"],
        "volumes": tmpl["volumes"],
        "timeout": "300s",
        "maxInstanceRequestConcurrency": 80,
        "serviceAccount": tmpl["serviceAccount"],
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:44.553901Z"},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:44.553901Z"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-07-16T15:23:31.118276Z"},
        ],
        "observedGeneration": "1",
    }
    (out / "run/services" / f"{SERVICE}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")
    (out / "run/revisions" / f"{REV}.json").write_text(json.dumps(revision, sort_keys=True, indent=2) + "\n")

    # ---- Monitoring: Cloud SQL backends (18 of max_connections=50) and instance count
    def z(dt):
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    pts_b, pts_i, pts_l = [], [], []
    m = WIN_START
    burst_end = BURST_START + timedelta(seconds=BURST_LEN)
    while m < WIN_END:
        end = m + timedelta(minutes=1)
        n = len(live(m + timedelta(seconds=30)))
        busy = m + timedelta(minutes=1) > BURST_START and m < burst_end
        pts_b.append({"interval": {"startTime": z(m), "endTime": z(end)}, "value": {"int64Value": str(n * 6 if busy else n * 2 + rng.randint(0, 2))}})
        pts_i.append({"interval": {"startTime": z(m), "endTime": z(end)}, "value": {"doubleValue": float(n)}})
        m = end
    for pts in (pts_b, pts_i):
        pts.reverse()
    with open(out / "monitoring" / "timeseries.jsonl", "w") as f:
        f.write(json.dumps({
            "metric": {"type": "cloudsql.googleapis.com/database/postgresql/num_backends", "labels": {"database": "memex"}},
            "resource": {"type": "cloudsql_database", "labels": {"project_id": PROJECT, "database_id": f"{PROJECT}:{SQL_INSTANCE}", "region": REGION}},
            "metricKind": "GAUGE", "valueType": "INT64", "points": pts_b}, sort_keys=True) + "\n")
        f.write(json.dumps({
            "metric": {"type": "run.googleapis.com/container/instance_count", "labels": {"state": "active"}},
            "resource": {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                                                                  "revision_name": REV, "configuration_name": SERVICE}},
            "metricKind": "GAUGE", "valueType": "DOUBLE", "points": pts_i}, sort_keys=True) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Integrator's load test of POST /api/test-events times out at 3s on about 4% of emits",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-07-21T09:00:00Z", "end": "2026-07-21T10:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/mindset-ai/memex-ai/pull/555"],
            "verbatim": ["/api/test-events", "memex-api", "300s", "Server listening on http://localhost:8080"],
            "reconstructed": (
                "Generated by evals/realgen/memex-db-pool-exhaustion.py (random.Random(555)). PR #555 states the "
                "facts used: an integrator's CI sends ~2,400 emit POSTs to /api/test-events across 14 workers and "
                "hits ~95 timeouts at a 3s client deadline; every emit takes a DB pool slot; prod ran "
                "DB_POOL_MAX=5 x max-instances 3 = 15 slots fleet-wide while Cloud SQL (db-custom-1-3840, "
                "max_connections=50) had only 18 connections in use; concurrency 80, startup CPU boost on; "
                "the live fix was revision memex-api-00118-vq5 with DB_POOL_MAX=10. The service template "
                "carries no DB_POOL_MAX, so the code default of 5 applies (packages/server/src/db/connection.ts). "
                "Invented: project id, region, revision name memex-api-00117-lup and its time, instance ids, the "
                "burst's start and length, per-emit DB hold times (a queue model over 15 slots decides each "
                "latency, so the count of >=3s emits is whatever the model gives, near the reported ~95), "
                "browser background traffic, a punycode DeprecationWarning and favicon 404s as noise, the "
                "bus-relay start-up line, and the per-minute monitoring series. postgres-js queues silently, so "
                "there is no error line: the evidence is the latency of 201 responses with 3 instances at the "
                "cap and the database mostly idle. repo.yaml pins the newest stored snapshot (2026-06-14), "
                "which predates the incident; connection.ts line 29 (the DB_POOL_MAX default of 5) is unchanged "
                "in a later stored version of that file."
            ),
            "project": "mindset-ai/memex-ai",
            "language": "typescript",
            "covers": ["dependency-limit", "timeout-latency"],
        },
        "expect": {
            "root_causes": ["downstream-dependency"],
            "not_above": ["cold-start-latency", "request-timeout"],
            "must_cite": [
                "packages/server/src/db/connection.ts:29",
                ["run.googleapis.com/requests#" + x for x in slow[:4]],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "mindset-ai/memex-ai",
        "commit": "6aa99ec1d59374ff52d75a40a5e400210b5665f4",
        "license": "LicenseRef-Sustainable-Use-1.0",
        "language": "typescript",
        "fix": "https://github.com/mindset-ai/memex-ai/pull/555",
    }, sort_keys=False))
    print("emits>=3s:", timeouts, file=sys.stderr)
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
