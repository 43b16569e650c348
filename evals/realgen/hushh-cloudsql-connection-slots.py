#!/usr/bin/env python3
"""Real-incident case: hushh-labs/hushh-research UAT backend exhausts Cloud SQL
connection slots after the pool was raised in #5860 (fixed in #5872).

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "hushh-cloudsql-connection-slots"
SEED = 5872
PROJECT = "hushh-uat-demo-4821"
REGION = "us-central1"
SERVICE = "consent-protocol"
REV_OLD = "consent-protocol-00412-quv"
REV_NEW = "consent-protocol-00413-fap"   # carries the #5860 pool sizes
SQL_INSTANCE = "hushh-uat-pg"
WIN_START = datetime(2026, 8, 24, 9, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 8, 24, 11, 0, 0, tzinfo=timezone.utc)
SCALE_OUT = datetime(2026, 8, 24, 10, 0, 0, tzinfo=timezone.utc)

SLOT_MSG = "remaining connection slots are reserved for non-replication superuser connections"

FAST_PATHS = [
    ("GET", "/api/one/feed/unread-count", 0.02, 0.15),
    ("GET", "/api/one/location/recent", 0.03, 0.18),
    ("GET", "/health", 0.002, 0.01),
]
DB_PATHS = [
    ("POST", "/api/account/phone/uat-test/confirm", 0.08, 0.4),
    ("POST", "/api/account/identity/refresh", 0.06, 0.35),
    ("GET", "/api/iam/persona", 0.04, 0.25),
    ("GET", "/api/consent/center/summary", 0.05, 0.3),
    ("GET", "/api/consent/center/requests", 0.06, 0.35),
    ("GET", "/db/vault/bootstrap-state", 0.04, 0.2),
    ("GET", "/api/ria/onboarding/status", 0.05, 0.3),
]
UAS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0",
    "GoogleHC/1.0",
]


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.entries = []

    def iid(self):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(16))

    def base(self, dt, log, severity, rev, instance=None):
        e = {
            "insertId": self.iid(),
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2F{log}",
            "resource": {"type": "cloud_run_revision", "labels": {
                "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                "revision_name": rev, "configuration_name": SERVICE}},
            "timestamp": ts(dt),
            "receiveTimestamp": ts(dt + timedelta(milliseconds=self.rng.randint(20, 900))),
            "severity": severity,
        }
        if instance:
            e["labels"] = {"instanceId": instance}
        self.entries.append(e)
        return e

    def request(self, dt, rev, instance, method, path, status, latency, ua=None):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = self.base(dt, "requests", sev, rev, instance)
        trace_id = "".join(self.rng.choice("0123456789abcdef") for _ in range(32))
        e["trace"] = f"projects/{PROJECT}/traces/{trace_id}"
        e["spanId"] = "".join(self.rng.choice("0123456789abcdef") for _ in range(16))
        e["traceSampled"] = self.rng.random() < 0.1
        e["httpRequest"] = {
            "requestMethod": method,
            "requestUrl": f"https://{SERVICE}-7x2kq4mdia-uc.a.run.app{path}",
            "requestSize": str(self.rng.randint(300, 1400) if method == "POST" else self.rng.randint(180, 600)),
            "status": status,
            "responseSize": str(self.rng.randint(120, 4200) if status < 400 else self.rng.randint(60, 140)),
            "userAgent": ua or self.rng.choice(UAS[:3]),
            "remoteIp": f"{self.rng.randint(24, 200)}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
            "serverIp": "34.143.72.2",
            "latency": f"{latency:.6f}s",
            "protocol": "HTTP/1.1",
        }
        return e

    def text(self, dt, log, severity, rev, instance, text):
        e = self.base(dt, log, severity, rev, instance)
        e["textPayload"] = text
        return e


def traceback_text(rng, path, worker_pid):
    fn = {
        "/api/account/phone/uat-test/confirm": "confirm_uat_test_phone",
        "/api/account/identity/refresh": "refresh_identity",
        "/api/iam/persona": "get_persona",
        "/api/consent/center/summary": "consent_center_summary",
        "/api/consent/center/requests": "consent_center_requests",
        "/db/vault/bootstrap-state": "vault_bootstrap_state",
        "/api/ria/onboarding/status": "ria_onboarding_status",
    }[path]
    return (
        "Exception in ASGI application\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.12/site-packages/uvicorn/protocols/http/httptools_impl.py", line 409, in run_asgi\n'
        "    result = await app(  # type: ignore[func-returns-value]\n"
        '  File "/app/api/routes/handlers.py", line 212, in ' + fn + "\n"
        "    async with pool.acquire() as conn:\n"
        '  File "/usr/local/lib/python3.12/site-packages/asyncpg/pool.py", line 1024, in __aenter__\n'
        "    self.connection = await self.pool._acquire(self.timeout)\n"
        '  File "/usr/local/lib/python3.12/site-packages/asyncpg/pool.py", line 864, in _acquire_impl\n'
        "    await ch.connect()\n"
        '  File "/usr/local/lib/python3.12/site-packages/asyncpg/pool.py", line 175, in connect\n'
        "    self._con = await self._pool._get_new_connection()\n"
        '  File "/usr/local/lib/python3.12/site-packages/asyncpg/connect_utils.py", line 1075, in _create_ssl_connection\n'
        "    return await conn_factory()\n"
        "asyncpg.exceptions.TooManyConnectionsError: " + SLOT_MSG
    )


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    g = Gen(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions", "monitoring"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    # instances: one warm instance overnight, scale-out to three at 10:00, a fourth
    # replaces one of them at 10:34.
    inst = ["0069c7a98814" + "".join(rng.choice("0123456789abcdef") for _ in range(52)) for _ in range(4)]
    inst_start = {
        inst[0]: WIN_START - timedelta(hours=9),
        inst[1]: SCALE_OUT + timedelta(seconds=7),
        inst[2]: SCALE_OUT + timedelta(seconds=41),
        inst[3]: SCALE_OUT + timedelta(minutes=34, seconds=12),
    }
    inst_end = {inst[0]: WIN_END, inst[1]: WIN_END, inst[2]: SCALE_OUT + timedelta(minutes=35, seconds=3), inst[3]: WIN_END}

    def live(dt):
        return [i for i in inst if inst_start[i] <= dt < inst_end[i]]

    # startup lines for the instances that start inside the window
    for i in inst[1:]:
        t0 = inst_start[i]
        g.text(t0, "varlog%2Fsystem", "INFO", REV_NEW, i,
               "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.")
        g.text(t0 + timedelta(seconds=2.1), "stderr", "DEFAULT", REV_NEW, i, "[2026-08-24 %s +0000] [1] [INFO] Starting gunicorn 23.0.0" % (t0 + timedelta(seconds=2.1)).strftime("%H:%M:%S"))
        g.text(t0 + timedelta(seconds=2.2), "stderr", "DEFAULT", REV_NEW, i, "[2026-08-24 %s +0000] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)" % (t0 + timedelta(seconds=2.2)).strftime("%H:%M:%S"))
        g.text(t0 + timedelta(seconds=2.2), "stderr", "DEFAULT", REV_NEW, i, "[2026-08-24 %s +0000] [1] [INFO] Using worker: uvicorn.workers.UvicornWorker" % (t0 + timedelta(seconds=2.2)).strftime("%H:%M:%S"))
        for w, pid in enumerate((8, 9)):
            tt = t0 + timedelta(seconds=2.4 + w * 0.1)
            g.text(tt, "stderr", "DEFAULT", REV_NEW, i, "[2026-08-24 %s +0000] [%d] [INFO] Booting worker with pid: %d" % (tt.strftime("%H:%M:%S"), pid, pid))
        for w, pid in enumerate((8, 9)):
            tt = t0 + timedelta(seconds=6.8 + w * 0.3)
            g.text(tt, "stdout", "DEFAULT", REV_NEW, i, "INFO:     Started server process [%d]" % pid)
            g.text(tt + timedelta(milliseconds=40), "stdout", "DEFAULT", REV_NEW, i, "INFO:     Waiting for application startup.")
            g.text(tt + timedelta(milliseconds=910), "stdout", "DEFAULT", REV_NEW, i,
                   "INFO:     db.pool asyncpg pool ready min_size=1 max_size=12 sqlalchemy pool_size=6 max_overflow=0")
            g.text(tt + timedelta(milliseconds=960), "stdout", "DEFAULT", REV_NEW, i, "INFO:     Application startup complete.")
        g.text(t0 + timedelta(seconds=8.4), "varlog%2Fsystem", "INFO", REV_NEW, i,
               "Default STARTUP TCP probe succeeded after 1 attempt for container \"consent-protocol-1\" on port 8080.")
    g.text(inst_end[inst[2]], "varlog%2Fsystem", "INFO", REV_NEW, inst[2],
           "Shutting down instance. Reason: AUTOSCALING - Instance shut down due to configured scaling factors (e.g. CPU utilization, request throughput, etc.).")

    fatal_ids = []
    req500_ids = []
    # traffic: ~6 req/min before 10:00 (one instance), ~45 req/min after (UAT test run)
    t = WIN_START
    while t < WIN_END:
        after = t >= SCALE_OUT
        rate = 20.0 if after else 5.0
        t += timedelta(seconds=rng.expovariate(rate / 60.0))
        if t >= WIN_END:
            break
        lv = live(t)
        i = rng.choice(lv)
        r = rng.random()
        if r < 0.08:
            g.request(t, REV_NEW, i, "GET", "/health", 200, rng.uniform(0.001, 0.006), ua="GoogleHC/1.0")
            continue
        if r < 0.45:
            m, p, lo, hi = rng.choice(FAST_PATHS[:2])
            g.request(t, REV_NEW, i, m, p, 200, rng.uniform(lo, hi))
            continue
        m, p, lo, hi = rng.choice(DB_PATHS)
        # after scale-out the pools on 3-4 instances x 2 workers open connections until
        # Postgres refuses new ones; a share of DB requests that need a fresh connection fail
        if after and rng.random() < 0.62:
            lat = rng.uniform(0.03, 0.25)
            e = g.request(t, REV_NEW, i, m, p, 500, lat)
            req500_ids.append(e["insertId"])
            et = t + timedelta(seconds=lat - 0.002)
            fe = g.text(et, "stderr", "ERROR", REV_NEW, i, traceback_text(rng, p, rng.choice((8, 9))))
            fe["trace"] = e["trace"]
            fatal_ids.append(fe["insertId"])
        else:
            status = 200
            if rng.random() < 0.02:
                status = 401
            lat = rng.uniform(lo, hi) * (1.8 if after else 1.0)
            g.request(t, REV_NEW, i, m, p, status, lat)
        # loud but irrelevant: browser favicon probes
        if rng.random() < 0.01:
            g.request(t + timedelta(milliseconds=5), REV_NEW, i, "GET", "/favicon.ico", 404, rng.uniform(0.001, 0.004))

    # unrelated warning that fires on every instance every few minutes
    tt = WIN_START + timedelta(minutes=3)
    while tt < WIN_END:
        for i in live(tt):
            g.text(tt + timedelta(seconds=rng.uniform(0, 20)), "stderr", "WARNING", REV_NEW, i,
                   "/usr/local/lib/python3.12/site-packages/google/api_core/_python_version_support.py:266: FutureWarning: You are using a Python version (3.12.11) which Google will stop supporting in new releases of google.api_core once it reaches its end of life (2028-10-02). Please upgrade to the latest Python version, or at least Python 3.13, to continue receiving updates for google.api_core past that date.")
        tt += timedelta(minutes=15)

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- Cloud Run resources
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"

    def env(pool_max, sa_size, sa_over):
        return [
            {"name": "ENVIRONMENT", "value": "uat"},
            {"name": "HUSHH_DEPLOY_ENV", "value": "uat"},
            {"name": "DB_POOL_MIN_SIZE", "value": "1"},
            {"name": "DB_POOL_MAX_SIZE", "value": str(pool_max)},
            {"name": "DB_SQLALCHEMY_POOL_SIZE", "value": str(sa_size)},
            {"name": "DB_SQLALCHEMY_MAX_OVERFLOW", "value": str(sa_over)},
            {"name": "WEB_CONCURRENCY", "value": "2"},
            {"name": "DB_USER", "valueSource": {"secretKeyRef": {"secret": "DB_USER", "version": "latest"}}},
            {"name": "DB_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "DB_PASSWORD", "version": "latest"}}},
        ]

    def container(pool_max, sa_size, sa_over, tag):
        return {
            "name": "consent-protocol-1",
            "image": f"gcr.io/{PROJECT}/consent-protocol:{tag}",
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": env(pool_max, sa_size, sa_over),
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "cpuIdle": True, "startupCpuBoost": True},
            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                             "tcpSocket": {"port": 8080}},
        }

    def template(rev, pool_max, sa_size, sa_over, tag):
        return {
            "revision": rev,
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": 3},
            "containers": [container(pool_max, sa_size, sa_over, tag)],
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:{SQL_INSTANCE}"]}}],
            "timeout": "3600s",
            "maxInstanceRequestConcurrency": 80,
            "serviceAccount": f"consent-protocol-runtime@{PROJECT}.iam.gserviceaccount.com",
            "sessionAffinity": True,
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        }

    new_create = "2026-08-23T23:41:07.318204Z"
    old_create = "2026-08-22T14:09:51.902117Z"
    service = {
        "name": svc_name,
        "uid": "6c1f3f0e-2a7b-4d9c-9d61-58e0f2b1c4a7",
        "generation": "413",
        "labels": {"managed-by": "hushh-github-actions", "deploy-env": "uat"},
        "createTime": "2026-03-02T11:20:44.118302Z",
        "updateTime": new_create,
        "creator": f"github-deployer@{PROJECT}.iam.gserviceaccount.com",
        "lastModifier": f"github-deployer@{PROJECT}.iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": template(REV_NEW, 12, 6, 0, "uat-5860"),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "413",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-23T23:42:31.554190Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-23T23:42:31.554190Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-23T23:42:20.031877Z"},
        ],
        "latestReadyRevision": f"{svc_name}/revisions/{REV_NEW}",
        "latestCreatedRevision": f"{svc_name}/revisions/{REV_NEW}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": f"https://{SERVICE}-7x2kq4mdia-uc.a.run.app",
        "etag": '"CKPp8sUGELDy2JcB/cHJvamVjdHMvaHVzaGgtdWF0LWRlbW8tNDgyMS9sb2NhdGlvbnMvdXMtY2VudHJhbDEvc2VydmljZXMvY29uc2VudC1wcm90b2NvbA"',
    }

    def revision(rev, create, pool_max, sa_size, sa_over, tag, gen):
        t = template(rev, pool_max, sa_size, sa_over, tag)
        return {
            "name": f"{svc_name}/revisions/{rev}",
            "uid": "".join(random.Random(rev).choice("0123456789abcdef") for _ in range(32)),
            "generation": "1",
            "labels": {"serving.knative.dev/configurationGeneration": gen, "managed-by": "hushh-github-actions"},
            "createTime": create,
            "updateTime": create,
            "launchStage": "GA",
            "service": SERVICE,
            "scaling": t["scaling"],
            "containers": t["containers"],
            "volumes": t["volumes"],
            "timeout": "3600s",
            "maxInstanceRequestConcurrency": 80,
            "serviceAccount": t["serviceAccount"],
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
            "sessionAffinity": True,
            "conditions": [
                {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": create},
                {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": create},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": create},
            ],
            "observedGeneration": "1",
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{rev}",
            "etag": '"' + rev + '"',
        }

    (out / "run/services" / f"{SERVICE}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")
    (out / "run/revisions" / f"{REV_NEW}.json").write_text(json.dumps(revision(REV_NEW, new_create, 12, 6, 0, "uat-5860", "413"), sort_keys=True, indent=2) + "\n")
    (out / "run/revisions" / f"{REV_OLD}.json").write_text(json.dumps(revision(REV_OLD, old_create, 3, 2, 0, "uat-5841", "412"), sort_keys=True, indent=2) + "\n")

    # ---- Monitoring: Cloud SQL backends and Cloud Run instance count, per minute
    with open(out / "monitoring" / "timeseries.jsonl", "w") as f:
        pts_b, pts_i = [], []
        m = WIN_START
        while m < WIN_END:
            n_inst = len(live(m + timedelta(seconds=59)))
            if m < SCALE_OUT:
                backends = rng.randint(17, 40)
            else:
                backends = min(98, 55 + 13 * (n_inst - 1) + rng.randint(0, 14))
            end = m + timedelta(minutes=1)
            pts_b.append({"interval": {"startTime": ts(m).replace(".000000", ""), "endTime": ts(end).replace(".000000", "")},
                          "value": {"int64Value": str(backends)}})
            pts_i.append({"interval": {"startTime": ts(m).replace(".000000", ""), "endTime": ts(end).replace(".000000", "")},
                          "value": {"doubleValue": float(n_inst)}})
            m = end
        pts_b.reverse()
        pts_i.reverse()
        f.write(json.dumps({
            "metric": {"type": "cloudsql.googleapis.com/database/postgresql/num_backends", "labels": {"database": "consent"}},
            "resource": {"type": "cloudsql_database", "labels": {"project_id": PROJECT, "database_id": f"{PROJECT}:{SQL_INSTANCE}", "region": REGION}},
            "metricKind": "GAUGE", "valueType": "INT64", "points": pts_b}, sort_keys=True) + "\n")
        f.write(json.dumps({
            "metric": {"type": "run.googleapis.com/container/instance_count", "labels": {"state": "active"}},
            "resource": {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                                                                  "revision_name": REV_NEW, "configuration_name": SERVICE}},
            "metricKind": "GAUGE", "valueType": "DOUBLE", "points": pts_i}, sort_keys=True) + "\n")

    # ---- case.yaml
    short = lambda log, i: f"run.googleapis.com/{log}#{i}"
    case = {
        "id": CASE_ID,
        "title": "UAT consent-protocol returns 500s on database routes after scaling out at 10:00 UTC",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-08-24T09:00:00Z", "end": "2026-08-24T11:00:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/hushh-labs/hushh-research/pull/5872",
                        "https://github.com/hushh-labs/hushh-research/pull/5860"],
            "verbatim": [
                SLOT_MSG,
                "/api/one/feed/unread-count",
                "/api/account/phone/uat-test/confirm",
                "/api/consent/center/",
                "/db/vault/bootstrap-state",
                "/api/ria/onboarding/status",
                "consent-protocol",
                "hushh-uat-pg",
                "3600s",
            ],
            "reconstructed": (
                "Generated by evals/realgen/hushh-cloudsql-connection-slots.py (random.Random(5872)). "
                "PR #5872 reports the FATAL slot-exhaustion error, ~900 of them in the hour after 10:00 UTC "
                "on 2026-08-24 when Cloud Run scaled the UAT backend from one to three instances (up to four "
                "active), Cloud SQL num_backends 55-98 (17-40 before), and the pool sizes raised by #5860 "
                "(12 asyncpg + 6 SQLAlchemy, overflow 0, 2 gunicorn workers, max 3 instances, 80 concurrency, "
                "3600s timeout) against max_connections near 100 on db-custom-1-3840. Invented: the project id, "
                "revision names and times (the #5860 revision created the evening before), instance ids, "
                "request volume and latencies, the uvicorn/gunicorn startup lines, the asyncpg traceback "
                "frames (file paths and line numbers are plausible, not the app's), the share of failing DB "
                "requests, a periodic FutureWarning and favicon 404s as noise, and the per-minute monitoring "
                "series. The endpoints are the ones #5860 names. The app's own log format is not shown in the "
                "sources, so uvicorn's default 'Exception in ASGI application' traceback is used. repo.yaml is "
                "not written: the stored snapshot of hushh-labs/hushh-research ends in January 2026, long "
                "before the pre-fix commit of #5872 (2026-08-24), so the fix line cannot be pinned."
            ),
            "project": "hushh-labs/hushh-research",
            "language": "python",
            "covers": ["dependency-limit", "regression"],
        },
        "expect": {
            "root_causes": ["downstream-dependency"],
            "not_above": ["container-crash", "request-timeout"],
            "must_cite": [
                [short("stderr", x) for x in fatal_ids[:3]] + [short("stderr", fatal_ids[len(fatal_ids) // 2])],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
