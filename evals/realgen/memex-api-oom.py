"""Generator for the real-incident case `memex-api-oom`.

Source: https://github.com/mindset-ai/memex-ai/pull/3
memex-api (Hono on Node, Cloud Run, 256Mi, max 3 instances) ran clean for ~12h,
then from 04:55 UTC every instance was OOM-killed within minutes ("Memory limit of
256 MiB exceeded", peaks 258-288 MiB, 100+ terminations), 503ing in-flight /api/*
requests including /api/auth/me, until a hotfix at 06:04 UTC set 512Mi
(revision memex-api-00042-2xp, healthy since).
"""
import hashlib
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "memex-api-oom"
SEED = 20260605
PROJECT = "memex-prod-830114"
PROJECT_NUMBER = "590284417723"
REGION = "europe-west2"
SERVICE = "memex-api"
OLD_REV = "memex-api-00041-q7d"
NEW_REV = "memex-api-00042-2xp"
URL = "https://memex-api-6hcz3ka2wq-nw.a.run.app"
HOST = "api.memex.ai"
NS, MX = "mindset-prod", "memex-building-itself"
WINDOW_START = datetime(2026, 6, 5, 4, 0, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 6, 5, 6, 30, 0, tzinfo=timezone.utc)
LOOP_START = datetime(2026, 6, 5, 4, 55, 14, tzinfo=timezone.utc)
HOTFIX = datetime(2026, 6, 5, 6, 4, 3, tzinfo=timezone.utc)
SA = f"memex-api@{PROJECT}.iam.gserviceaccount.com"
OPERATOR = "oncall@mindset.example"


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_s(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rev_res(rev):
    return {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
        "revision_name": rev, "configuration_name": SERVICE}}


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def add(self, t, rev, log, severity, key, payload, inst=None, http=None, trace=None, labels=None):
        e = {
            "insertId": self.hexid(12) if "requests" in log else self.hexid(16),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": rev_res(rev) if rev else {"type": "cloud_run_revision", "labels": {
                "project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}},
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(seconds=self.rng.uniform(0.004, 0.3))),
            "severity": severity,
        }
        if key:
            e[key] = payload
        lab = dict(labels or {})
        if inst:
            lab["instanceId"] = inst
        if lab:
            e["labels"] = lab
        if http:
            e["httpRequest"] = http
        if trace:
            e["trace"] = f"projects/{PROJECT}/traces/{trace}"
        self.entries.append(e)
        return e


class Instance:
    def __init__(self, g, rev, start, end, kill):
        self.id = "0069c7a988" + g.hexid(118)
        self.rev = rev
        self.start = start
        self.end = end        # when it stops existing (kill or shutdown)
        self.kill = kill      # True if OOM-killed at `end`


def write(out_parent: Path) -> int:
    g = Gen()
    rng = g.rng
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions", "monitoring"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------ instances
    insts = []
    # two long-lived instances of the 12h-old revision
    a = Instance(g, OLD_REV, datetime(2026, 6, 4, 16, 48, 2, tzinfo=timezone.utc), LOOP_START, True)
    b = Instance(g, OLD_REV, datetime(2026, 6, 5, 2, 13, 40, tzinfo=timezone.utc), LOOP_START + timedelta(seconds=41), True)
    insts += [a, b]
    shift = HOTFIX + timedelta(seconds=44)   # traffic moves to the new revision
    # three slots cycle through short-lived instances until the traffic shift
    slot_next = [LOOP_START + timedelta(seconds=rng.uniform(3, 6)), b.end + timedelta(seconds=rng.uniform(3, 6)),
                 LOOP_START + timedelta(seconds=rng.uniform(8, 20))]
    for s in range(3):
        t = slot_next[s]
        while t < shift:
            life = rng.uniform(55, 150)
            end = t + timedelta(seconds=life)
            if end >= shift:
                # survives until the rollout, then is drained and shut down
                insts.append(Instance(g, OLD_REV, t, shift + timedelta(seconds=rng.uniform(20, 240)), False))
                break
            insts.append(Instance(g, OLD_REV, t, end, True))
            t = end + timedelta(seconds=rng.uniform(2.5, 9))
    n1 = Instance(g, NEW_REV, HOTFIX + timedelta(seconds=24), WINDOW_END + timedelta(hours=1), False)
    n2 = Instance(g, NEW_REV, shift + timedelta(seconds=rng.uniform(5, 20)), WINDOW_END + timedelta(hours=1), False)
    insts += [n1, n2]

    oom_entries = []
    for i in insts:
        if i.start >= WINDOW_START:
            g.add(i.start + timedelta(seconds=rng.uniform(0.9, 1.6)), i.rev, "run.googleapis.com%2Fstdout", "DEFAULT",
                  "textPayload", "Server listening on http://localhost:8080", i.id)
            g.add(i.start + timedelta(seconds=rng.uniform(1.7, 2.3)), i.rev, "run.googleapis.com%2Fvarlog%2Fsystem", "INFO",
                  "textPayload", f'Default STARTUP TCP probe succeeded after 1 attempt for container "{SERVICE}-1" on port 8080.', i.id)
        if i.kill:
            used = rng.randint(258, 288)
            oom_entries.append(g.add(i.end, i.rev, "run.googleapis.com%2Fvarlog%2Fsystem", "ERROR", "textPayload",
                                     f"Memory limit of 256 MiB exceeded with {used} MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits",
                                     i.id))

    def serving(t):
        rev = OLD_REV if t < shift else NEW_REV
        live = [i for i in insts if i.rev == rev and i.start + timedelta(seconds=2) <= t < i.end]
        return live

    def next_up(t):
        rev = OLD_REV if t < shift else NEW_REV
        cands = [i for i in insts if i.rev == rev and i.start + timedelta(seconds=2) > t]
        return min(cands, key=lambda i: i.start) if cands else None

    # ------------------------------------------------------------ requests
    routes = [
        ("GET", "/api/auth/me", 0.30, (0.012, 0.060), 1200),
        ("GET", f"/api/{NS}/{MX}/docs?type=spec&status=active", 0.12, (0.08, 0.42), 48000),
        ("GET", f"/api/{NS}/{MX}/issues-list", 0.08, (0.06, 0.30), 21000),
        ("GET", f"/api/{NS}/{MX}/activity?limit=50", 0.07, (0.05, 0.25), 16000),
        ("GET", "/api/me/namespaces", 0.06, (0.02, 0.09), 900),
        ("POST", "/mcp", 0.20, (0.08, 0.95), 3400),
        ("PATCH", f"/api/{NS}/{MX}/tasks/t-", 0.05, (0.05, 0.2), 700),
        ("GET", f"/api/{NS}/{MX}/search?q=", 0.04, (0.2, 0.9), 9000),
        ("GET", "/api/me/events", 0.08, None, 0),   # SSE stream
    ]
    weights = [r[2] for r in routes]
    uas = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
           "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15"]
    ips = ["81.2.69.%d" % rng.randint(2, 250) for _ in range(6)] + ["2a00:23c7:%x:%x::%x" % (rng.randint(1, 65535), rng.randint(1, 65535), rng.randint(1, 255)) for _ in range(4)]
    counts = {}

    def request(t0, method, path, lat, size, ua, ip, status=200, sse=False):
        live = serving(t0)
        if not live:
            nxt = next_up(t0)
            if nxt is None:
                return
            wait = (nxt.start + timedelta(seconds=2) - t0).total_seconds()
            inst = nxt
            lat += max(wait, 0)
        else:
            inst = rng.choice(live)
        if inst.kill and not sse and (inst.end - t0).total_seconds() < 45:
            lat *= rng.uniform(10, 90)  # GC thrash as the heap nears the limit
        killed = inst.kill and t0 + timedelta(seconds=lat) > inst.end
        if killed:
            lat = max((inst.end - t0).total_seconds() + rng.uniform(0.002, 0.05), 0.003)
            status = 503
        elif not inst.kill and t0 + timedelta(seconds=lat) > inst.end:
            lat = max((inst.end - t0).total_seconds(), 0.01)  # drained at shutdown
        http = {
            "requestMethod": method, "requestUrl": f"https://{HOST}{path}",
            "requestSize": str(rng.randint(300, 900) if method == "GET" else rng.randint(600, 4200)),
            "status": status, "responseSize": str(0 if status == 503 else (size + rng.randint(-size // 5, size // 5) if size else rng.randint(200, 60000))),
            "userAgent": ua, "remoteIp": ip, "serverIp": "216.239.32.%d" % rng.choice([21, 53]),
            "latency": f"{lat:.6f}s", "protocol": "HTTP/1.1" if not sse else "HTTP/2",
        }
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = g.add(t0, inst.rev, "run.googleapis.com%2Frequests", sev, None, None, inst.id, http=http, trace=g.hexid(32))
        e["spanId"] = g.hexid(16)
        counts[inst.id] = counts.get(inst.id, 0) + 1
        return e

    # user traffic: quiet at 04:00 UTC, picking up towards 06:00 (UK morning)
    t = WINDOW_START + timedelta(seconds=rng.uniform(0, 5))
    while t < WINDOW_END:
        hour = (t - WINDOW_START).total_seconds() / 3600
        rate = 1 / 10.0 + hour * (1 / 14.0)   # requests/s
        r = rng.choices(routes, weights)[0]
        method, path, _, latr, size = r
        ua = rng.choice(uas)
        ip = rng.choice(ips)
        if path == "/mcp":
            ua = rng.choice(["claude-code/2.3.14", "claude-code/2.3.11", "node"])
        if path.endswith("t-"):
            path = path + str(rng.randint(40, 390))
        if path.endswith("q="):
            path = path + rng.choice(["oom", "deploy", "memory", "kanban", "sse", "spec-173"])
        if r[3] is None:
            request(t, method, path, rng.uniform(60, 1500), 0, ua, ip, sse=True)
        else:
            lat = rng.uniform(*latr)
            st = 200
            if path == "/api/auth/me" and rng.random() < 0.04:
                st = 401
            if method == "PATCH":
                st = 200
            request(t, method, path, lat, size, ua, ip, status=st)
        t += timedelta(seconds=rng.expovariate(rate))

    # uptime check on /api/health once a minute, from a rotating region
    t = WINDOW_START + timedelta(seconds=17)
    while t < WINDOW_END:
        request(t, "GET", "/api/health", rng.uniform(0.004, 0.02), 95,
                "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", "35.%d.%d.%d" % (rng.choice([186, 199, 205, 238]), rng.randint(1, 250), rng.randint(1, 250)))
        t += timedelta(seconds=60)

    # vulnerability scanners: loud, irrelevant 404s from hostGuard
    for k in range(7):
        t = WINDOW_START + timedelta(minutes=rng.uniform(0, 150))
        for p in rng.sample(["/.env", "/wp-login.php", "/.git/config", "/phpinfo.php", "/admin/.env", "/server-status"], 3):
            request(t, "GET", p, rng.uniform(0.001, 0.004), 9, "Mozilla/5.0 (compatible; zgrab/0.x)", "45.148.10.%d" % rng.randint(2, 250), status=404)
            t += timedelta(seconds=rng.uniform(0.1, 0.8))

    # [BUS METRICS] once a minute per instance that saw traffic
    for i in insts:
        t = max(i.start, WINDOW_START) + timedelta(seconds=60 - (max(i.start, WINDOW_START).second % 60) + rng.uniform(0, 0.9))
        while t < min(i.end, WINDOW_END):
            w = rng.randint(0, 7)
            reads = rng.randint(0, 25)
            if w or reads:
                d = {"windowMs": 60000 + rng.randint(0, 6), "writes": w, "silentWrites": 0, "writesFailed": 0,
                     "emits": w + reads, "reads": reads,
                     "readsByAction": {"viewed": reads - min(reads, 2), "searched": min(reads, 2), "assessed": 0, "called": 0},
                     "subscriberErrors": 0, "listenerCount": rng.randint(9, 16)}
                g.add(t, i.rev, "run.googleapis.com%2Fstdout", "DEFAULT", "textPayload",
                      f"[BUS METRICS] {json.dumps(d, separators=(',', ':'))}", i.id)
            t += timedelta(seconds=60)

    # ------------------------------------------------------------ the hotfix
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    g.add(HOTFIX, None, "cloudaudit.googleapis.com%2Factivity", "NOTICE", "protoPayload", {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "authenticationInfo": {"principalEmail": OPERATOR},
        "requestMetadata": {"callerIp": "81.2.69.142",
                            "callerSuppliedUserAgent": "google-cloud-sdk gcloud/531.0.0 command/gcloud.run.services.update invocation-id/5e2c4f0a9b7d4c21 environment/None environment-version/None client-os/MACOSX client-os-ver/24.5.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.8 term/xterm-256color (Macintosh; Intel Mac OS X 24.5.0),gzip(gfe)"},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/services/{SERVICE}", "permission": "run.services.update",
                               "granted": True, "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
        "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                    "name": f"namespaces/{PROJECT}/services/{SERVICE}",
                    "service": {"spec": {"template": {"spec": {"containers": [{"resources": {"limits": {"memory": "512Mi", "cpu": "1000m"}}}]}}}}},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service", "metadata": {"name": SERVICE, "generation": 42}},
        "resourceLocation": {"currentLocations": [REGION]},
    }, labels=None)
    g.entries[-1]["resource"] = {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION,
                                                                          "service_name": SERVICE, "revision_name": "", "configuration_name": ""}}

    entries = sorted(g.entries, key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ------------------------------------------------------------ monitoring: p99 memory utilisation per revision
    series = []
    for rev, lim in ((OLD_REV, 256.0), (NEW_REV, 512.0)):
        pts = []
        t = WINDOW_START
        while t < WINDOW_END:
            te = t + timedelta(minutes=1)
            if rev == OLD_REV:
                if te <= LOOP_START:
                    frac = (t - WINDOW_START).total_seconds() / (LOOP_START - WINDOW_START).total_seconds()
                    v = (229 + 26 * frac + rng.uniform(-1.5, 1.5)) / lim
                elif t < shift + timedelta(minutes=4):
                    v = rng.uniform(252, 262) / lim
                else:
                    v = None
            else:
                v = rng.uniform(236, 262) / lim if t >= HOTFIX else None
            if v is not None:
                pts.append({"interval": {"startTime": iso_s(t), "endTime": iso_s(te)}, "value": {"doubleValue": round(v, 4)}})
            t = te
        pts.reverse()  # the API returns newest first
        series.append({"metric": {"type": "run.googleapis.com/container/memory/utilizations", "labels": {}},
                       "resource": rev_res(rev), "metricKind": "GAUGE", "valueType": "DOUBLE", "points": pts})
    with open(out / "monitoring" / "timeseries.jsonl", "w", encoding="utf-8") as f:
        for s in series:
            f.write(json.dumps(s, sort_keys=True) + "\n")

    # ------------------------------------------------------------ Cloud Run resources
    conn = f"{PROJECT}:{REGION}:memex-prod"
    env = [{"name": k, "value": v} for k, v in [
        ("NODE_ENV", "production"),
        ("DATABASE_URL", "postgresql://memex_app:********@localhost:5432/memex"),
        ("CLOUD_SQL_SOCKET", f"/cloudsql/{conn}"),
        ("GOOGLE_CLIENT_ID", "590284417723-5q1v0c8d2kq7m3n.apps.googleusercontent.com"),
        ("EMAIL_FROM", "Memex <hello@memex.ai>"),
        ("APP_BASE_URL", "https://memex.ai"),
        ("OAUTH_ENABLED", "1"),
        ("SLACK_CLIENT_ID", "4412093317.7719102458803"),
        ("SLACK_OAUTH_REDIRECT_URI", f"https://{HOST}/api/auth/slack/callback"),
        ("KMS_KEY_NAME", f"projects/{PROJECT}/locations/{REGION}/keyRings/memex/cryptoKeys/slack-tokens"),
        ("MEMEX_OWN_NAMESPACE", NS),
    ]] + [{"name": k, "valueSource": {"secretKeyRef": {"secret": s, "version": "latest"}}} for k, s in [
        ("ANTHROPIC_API_KEY", "anthropic-api-key"), ("POSTMARK_SERVER_TOKEN", "postmark-server-token"),
        ("AUTH_JWT_SECRET", "auth-jwt-secret"), ("OPENAI_API_KEY", "openai-api-key")]]

    def container(mem, digest):
        return {
            "name": f"{SERVICE}-1",
            "image": f"{REGION}-docker.pkg.dev/{PROJECT}/memex/{SERVICE}@sha256:{digest}",
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": env,
            "resources": {"limits": {"cpu": "1000m", "memory": mem}, "cpuIdle": True, "startupCpuBoost": True},
            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
        }

    digest = hashlib.sha256(b"memex-api-2026-06-04").hexdigest()
    volumes = [{"name": "cloudsql", "cloudSqlInstance": {"instances": [conn]}}]
    base_t = {"scaling": {"minInstanceCount": 0, "maxInstanceCount": 3}, "volumes": volumes, "timeout": "300s",
              "serviceAccount": SA, "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"}
    template = dict(base_t, containers=[container("512Mi", digest)])
    old_created = datetime(2026, 6, 4, 16, 46, 37, tzinfo=timezone.utc)
    new_created = HOTFIX + timedelta(seconds=1.2)
    service = {
        "name": svc_name,
        "uid": "b7e10c2d-5a34-4f9e-8c61-2d0f93a4e7b8",
        "generation": "42",
        "labels": {},
        "createTime": "2026-04-14T09:12:55.401276Z",
        "updateTime": iso(new_created),
        "creator": "deploy@mindset.example",
        "lastModifier": OPERATOR,
        "client": "gcloud",
        "clientVersion": "531.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": template,
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "42",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(shift)},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(shift)},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(HOTFIX + timedelta(seconds=38))},
        ],
        "latestReadyRevision": f"{svc_name}/revisions/{NEW_REV}",
        "latestCreatedRevision": f"{svc_name}/revisions/{NEW_REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": NEW_REV, "percent": 100}],
        "uri": URL,
        "urls": [URL, f"https://memex-api-{PROJECT_NUMBER}.{REGION}.run.app"],
        "reconciling": False,
        "etag": '"CJnHgccGEOiE0bYC/cHJvamVjdHMvbWVtZXgtcHJvZC04MzAxMTQvbG9jYXRpb25zL2V1cm9wZS13ZXN0Mi9zZXJ2aWNlcy9tZW1leC1hcGk"',
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")

    def revision(name, mem, created, gen, ready_after):
        return dict(base_t, **{
            "name": f"{svc_name}/revisions/{name}",
            "uid": str(uuid.UUID(int=random.Random(name).getrandbits(128), version=4)),
            "generation": "1",
            "labels": {"serving.knative.dev/configurationGeneration": str(gen)},
            "annotations": {"run.googleapis.com/client-name": "gcloud", "run.googleapis.com/startupProbeType": "Default"},
            "createTime": iso(created),
            "updateTime": iso(created + timedelta(seconds=ready_after)),
            "launchStage": "GA",
            "service": SERVICE,
            "containers": [container(mem, digest)],
            "conditions": [
                {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=ready_after))},
                {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=ready_after))},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=9))},
            ],
            "observedGeneration": "1",
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
            "reconciling": False,
            "etag": f'"{name}"',
        })

    (out / "run" / "revisions" / f"{OLD_REV}.json").write_text(json.dumps(revision(OLD_REV, "256Mi", old_created, 41, 21), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{NEW_REV}.json").write_text(json.dumps(revision(NEW_REV, "512Mi", new_created, 42, 36), sort_keys=True, indent=2) + "\n")

    n_kills = len(oom_entries)
    n503 = sum(1 for e in entries if e.get("httpRequest", {}).get("status") == 503)
    case = {
        "id": CASE_ID,
        "title": "Prod kanban broken: memex-api returns 503 on /api/auth/me and other /api/* calls since ~04:55 UTC",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": iso_s(WINDOW_START), "end": iso_s(WINDOW_END)},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/mindset-ai/memex-ai/pull/3"],
            "verbatim": ["Memory limit of 256 MiB exceeded", NEW_REV, "/api/auth/me", "512Mi", "256Mi"],
            "reconstructed": (
                "PR #3 states that memex-api (prod) was OOM-killed continuously from 04:55 UTC on 2026-06-05 with 'Memory limit of 256 "
                "MiB exceeded' (peaks 258-288 MiB), 100+ container terminations, 503ing all in-flight /api/* requests including "
                "/api/auth/me; that the serving revision had run clean for ~12h (memory growth over time, not a deploy regression); and "
                "that prod was hot-fixed at 06:04 UTC with `gcloud run services update memex-api --memory=512Mi` (revision "
                "memex-api-00042-2xp, healthy since). Generated by evals/realgen/memex-api-oom.py (seed 20260605): the invented project "
                "id, region, URL, old revision name (memex-api-00041-q7d), instance ids, insertIds and times; user traffic on the app's "
                "real routes (auth/me, docs, issues-list, activity, search, MCP, the /api/me/events SSE stream) rising into the UK "
                "morning, a once-a-minute uptime check on /api/health, scanner 404s as noise, the app's '[BUS METRICS]' and 'Server "
                "listening' lines, Cloud Run startup-probe lines, and an instance schedule in which every instance of the old revision "
                f"is killed after about 1-2.5 minutes from 04:55 until the hotfix ({n_kills} kills, {n503} 503s in the window). "
                "Killed-request log entries carry no text because the source quotes none. The hotfix is the ReplaceService audit entry "
                "at 06:04:03Z; the service resource is captured after it (512Mi), so the 256Mi limit is on the old revision resource. "
                "monitoring/timeseries.jsonl holds per-minute p99 memory utilisation per revision."
            ),
            "project": "mindset-ai/memex-ai",
            "language": "typescript",
            "covers": ["memory"],
        },
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "not_above": ["bad-deploy-regression", "container-crash", "no-available-instance"],
            "must_cite": [
                ["packages/server/deploy.sh:196", f"{svc_name}/revisions/{OLD_REV}#containers[0].resources.limits.memory"],
                [f"run.googleapis.com/varlog/system#{x['insertId']}" for x in sorted(oom_entries, key=lambda e: e["timestamp"])],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=1000))
    repo = {
        "repository": "mindset-ai/memex-ai",
        "commit": "56947c4695c2b23abe2a181b00975836ad444716",
        "license": "LicenseRef-Sustainable-Use-1.0",
        "language": "typescript",
        "fix": "https://github.com/mindset-ai/memex-ai/pull/3",
    }
    (out / "repo.yaml").write_text(yaml.safe_dump(repo, sort_keys=False))
    return len(entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")
