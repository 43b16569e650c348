#!/usr/bin/env python3
"""Generator for the real-incident case `mako-inngest-concurrency-429`.

Rebuilt from mako-ai/mako issue #290 and pull request #291: the production
Cloud Run service `mako` (europe-west1) ran with `--concurrency=4` and
`--max-instances=1`, and bursts of Inngest step executions plus webhook calls
were rejected by Cloud Run with 429 "no available instance".

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "mako-inngest-concurrency-429"
SEED = 290291

PROJECT = "makoai-prod-4471"
REGION = "europe-west1"
SERVICE = "mako"
REV = "mako-00187-kfw"
PREV_REV = "mako-00186-tq8"
HOST = "mako-5kq7rtw3xa-ew.a.run.app"
BASE = f"https://{HOST}"
IMAGE_SHA = "c5b1e07d8a94f3e2b6d0a7c4e9f1825d3b6a0e4f"
PREV_IMAGE_SHA = "7e2d4b90a1c3f58e6d2b0a9c7f4e13d8b5a2c6e0"
IMAGE = f"{REGION}-docker.pkg.dev/{PROJECT}/mako/mako-app:{IMAGE_SHA}"
PREV_IMAGE = f"{REGION}-docker.pkg.dev/{PROJECT}/mako/mako-app:{PREV_IMAGE_SHA}"
SA = f"mako-runtime@{PROJECT}.iam.gserviceaccount.com"

WIN_START = datetime(2026, 4, 10, 6, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 4, 10, 9, 0, 0, tzinfo=timezone.utc)
BURST_START = datetime(2026, 4, 10, 7, 38, 0, tzinfo=timezone.utc)
BURST_END = datetime(2026, 4, 10, 8, 27, 0, tzinfo=timezone.utc)

NO_INSTANCE_MSG = (
    "The request was aborted because there was no available instance. "
    "Additional troubleshooting documentation can be found at: "
    "https://cloud.google.com/run/docs/troubleshooting#abort-request"
)

LOG_REQUESTS = f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests"
LOG_STDOUT = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstdout"
LOG_STDERR = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstderr"

RESOURCE = {
    "type": "cloud_run_revision",
    "labels": {
        "project_id": PROJECT,
        "location": REGION,
        "service_name": SERVICE,
        "revision_name": REV,
        "configuration_name": SERVICE,
    },
}

CONCURRENCY = 4          # --concurrency=4 (issue #290)
MAX_INSTANCES = 1        # --max-instances=1 (set manually, issue #290)

WORKSPACES = ["65f1c2a9e4b0d31a7c9e0b12", "6601d7f3a2c84e19b05f3c77", "660b9e21c7d4f80a3e6b2d48"]
WEBHOOK_FLOWS = [
    ("65f1c2a9e4b0d31a7c9e0b12", "6612a0e5b3c9d74f18e2a031", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
    ("65f1c2a9e4b0d31a7c9e0b12", "6612a3f9c0e8b51d27a4f6c2", "Close Webhooks"),
    ("6601d7f3a2c84e19b05f3c77", "66148b2d7e0c93a5f1d6e4b9", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
    ("660b9e21c7d4f80a3e6b2d48", "6615c4e8a9b2d06f73e1c5a0", "Close Webhooks"),
]
DISABLED_FLOW = ("6601d7f3a2c84e19b05f3c77", "65fd0c13b8e2a47d96c1f0e5")

INNGEST_FNS_BURST = [
    ("mako-sync-cdc-materialize", 0.36, (10.0, 58.0)),
    ("mako-sync-webhook-event-process-cdc", 0.40, (3.0, 26.0)),
    ("mako-sync-scheduled-flow", 0.14, (6.0, 40.0)),
    ("mako-sync-sync-backfill-entity", 0.10, (12.0, 55.0)),
]
INNGEST_FNS_CALM = [
    ("mako-sync-webhook-event-process-cdc", 0.45, (0.4, 4.0)),
    ("mako-sync-cdc-materialize", 0.20, (1.5, 9.0)),
    ("mako-sync-scheduled-flow", 0.20, (1.0, 8.0)),
    ("mako-sync-scheduled-dashboard-refresh", 0.10, (0.8, 5.0)),
    ("mako-sync-webhook-cleanup", 0.05, (0.2, 1.5)),
]
UI_PATHS = [
    ("GET", "/api/workspaces/{ws}/consoles", (0.04, 0.25)),
    ("GET", "/api/workspaces/{ws}/flows", (0.05, 0.30)),
    ("GET", "/api/workspaces/{ws}/dashboards", (0.05, 0.35)),
    ("GET", "/api/workspaces/{ws}/databases", (0.03, 0.20)),
    ("POST", "/api/workspaces/{ws}/execute", (0.3, 4.5)),
    ("GET", "/api/auth/me", (0.01, 0.06)),
    ("GET", "/health", (0.002, 0.01)),
]
BROWSER_UA = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:137.0) Gecko/20100101 Firefox/137.0",
]


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.entries: list[dict] = []
        self.n = 0
        self.instance = "00" + hashlib.sha256(b"mako-instance-a").hexdigest() + hashlib.sha256(b"mako-instance-b").hexdigest()[:40]

    def insert_id(self, t: datetime, short: bool = False) -> str:
        self.n += 1
        h = hashlib.sha1(f"{SEED}-{self.n}".encode()).hexdigest()
        if short:
            return h[:20]
        return format(int(t.timestamp()), "08x") + h[:16]

    def trace(self) -> tuple[str, str]:
        return (f"projects/{PROJECT}/traces/" + "".join(self.rng.choice("0123456789abcdef") for _ in range(32)),
                "".join(self.rng.choice("0123456789abcdef") for _ in range(16)))

    def add(self, e: dict) -> dict:
        self.entries.append(e)
        return e

    def request_log(self, t_end: datetime, method: str, url: str, status: int, latency: float,
                    ua: str, ip: str, trace: tuple[str, str], req_size: int, resp_size: int,
                    text: str | None = None, on_instance: bool = True) -> dict:
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {
            "requestMethod": method,
            "requestUrl": url,
            "requestSize": str(req_size),
            "status": status,
            "responseSize": str(resp_size),
            "userAgent": ua,
            "remoteIp": ip,
            "latency": f"{latency:.6f}s",
            "protocol": "HTTP/1.1",
        }
        if on_instance:
            hr["serverIp"] = "169.254.169.126"
        e = {
            "httpRequest": hr,
            "insertId": self.insert_id(t_end),
            "logName": LOG_REQUESTS,
            "receiveTimestamp": iso(t_end + timedelta(milliseconds=self.rng.randint(8, 60))),
            "resource": RESOURCE,
            "severity": sev,
            "spanId": trace[1],
            "timestamp": iso(t_end - timedelta(seconds=latency)),
            "trace": trace[0],
            "traceSampled": False,
        }
        if on_instance:
            e["labels"] = {"instanceId": self.instance}
        if text:
            e["textPayload"] = text
        return self.add(e)

    def app_log(self, t: datetime, severity: str, message: str, category: str,
                extra: dict | None = None, trace: tuple[str, str] | None = None,
                http: dict | None = None) -> dict:
        payload = {
            "category": category,
            "env": "production",
            "message": message,
            "service": SERVICE,
            "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
            "version": REV,
        }
        if extra:
            payload.update(extra)
        if trace:
            payload["traceId"] = trace[0].rsplit("/", 1)[1]
        log = LOG_STDERR if severity in ("ERROR", "CRITICAL") else LOG_STDOUT
        e = {
            "insertId": self.insert_id(t, short=True),
            "jsonPayload": payload,
            "labels": {
                "category": category,
                "instanceId": self.instance,
                "revision": REV,
                "service": SERVICE,
            },
            "logName": log,
            "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(20, 400))),
            "resource": RESOURCE,
            "severity": severity,
            "timestamp": iso(t),
        }
        if trace:
            e["trace"] = trace[0]
            e["spanId"] = trace[1]
        if http:
            e["httpRequest"] = http
        return self.add(e)


def build_arrivals(g: Gen) -> list[dict]:
    rng = g.rng
    reqs: list[dict] = []
    t = WIN_START
    while t < WIN_END:
        in_burst = BURST_START <= t < BURST_END
        # Inngest step executions
        rate_inngest = 0.15 if in_burst else 0.016
        rate_hook = 0.08 if in_burst else 0.012
        rate_ui = 0.018
        total = rate_inngest + rate_hook + rate_ui
        dt = rng.expovariate(total)
        t = t + timedelta(seconds=dt)
        if t >= WIN_END:
            break
        in_burst = BURST_START <= t < BURST_END
        r = rng.random() * total
        if r < rate_inngest:
            fns = INNGEST_FNS_BURST if in_burst else INNGEST_FNS_CALM
            x = rng.random()
            acc = 0.0
            for fn, w, (lo, hi) in fns:
                acc += w
                if x <= acc:
                    break
            dur = rng.uniform(lo, hi)
            final = rng.random() < 0.22
            reqs.append({"kind": "inngest", "t": t, "fn": fn, "dur": dur, "final": final})
        elif r < rate_inngest + rate_hook:
            if rng.random() < 0.035:
                ws, flow = DISABLED_FLOW
                ua = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
                reqs.append({"kind": "hook_disabled", "t": t, "ws": ws, "flow": flow, "ua": ua,
                             "dur": rng.uniform(0.02, 0.08)})
            else:
                ws, flow, ua = rng.choice(WEBHOOK_FLOWS)
                reqs.append({"kind": "hook", "t": t, "ws": ws, "flow": flow, "ua": ua,
                             "dur": rng.uniform(0.06, 0.45)})
        else:
            method, path, (lo, hi) = rng.choice(UI_PATHS)
            ws = rng.choice(WORKSPACES)
            reqs.append({"kind": "ui", "t": t, "method": method, "path": path.format(ws=ws),
                         "dur": rng.uniform(lo, hi), "ua": rng.choice(BROWSER_UA)})
    return reqs


def simulate(reqs: list[dict], rng: random.Random) -> None:
    """One instance (max-instances=1), CONCURRENCY slots, FIFO pending queue.
    A request waiting longer than its pending deadline is aborted with 429."""
    slots: list[datetime] = []  # heap of busy-until times
    reqs.sort(key=lambda r: r["t"])
    for r in reqs:
        t = r["t"]
        while slots and slots[0] <= t:
            heapq.heappop(slots)
        if len(slots) < CONCURRENCY * MAX_INSTANCES:
            start = t
        else:
            start = slots[0]
        wait = (start - t).total_seconds()
        deadline = rng.uniform(3.0, 60.0)
        if wait > deadline:
            r["status"] = 429
            r["latency"] = deadline + rng.uniform(0.0005, 0.004)
            r["end"] = t + timedelta(seconds=r["latency"])
            continue
        if len(slots) >= CONCURRENCY * MAX_INSTANCES:
            heapq.heappop(slots)
        end = start + timedelta(seconds=r["dur"])
        heapq.heappush(slots, end)
        r["wait"] = wait
        r["latency"] = wait + r["dur"]
        r["end"] = t + timedelta(seconds=r["latency"])


def emit(g: Gen, reqs: list[dict]) -> list[str]:
    rng = g.rng
    inngest_ips = ["3.215.104.62", "34.197.88.143", "52.6.171.18"]
    first_429: list[str] = []
    for r in reqs:
        trace = g.trace()
        if r["kind"] == "inngest":
            url = f"{BASE}/api/inngest?fnId={r['fn']}&stepId=step"
            ua = "Go-http-client/1.1"
            ip = rng.choice(inngest_ips)
            if r.get("status") == 429:
                e = g.request_log(r["end"], "POST", url, 429, r["latency"], ua, ip, trace,
                                  rng.randint(1800, 9000), 0, text=NO_INSTANCE_MSG, on_instance=False)
                first_429.append(e["insertId"])
                continue
            status = 200 if r["final"] else 206
            ms = int(r["latency"] * 1000)
            g.request_log(r["end"], "POST", url, status, r["latency"], ua, ip, trace,
                          rng.randint(1800, 9000), rng.randint(120, 2400))
            slow = ms >= 1000
            g.app_log(r["end"] - timedelta(milliseconds=2), "WARNING" if slow else "INFO",
                      f"POST /api/inngest {status} {ms}ms" + (" [SLOW]" if slow else ""), "http",
                      {"duration": ms, "requestId": hashlib.md5(trace[1].encode()).hexdigest()[:12],
                       **({"slow": True} if slow else {})}, trace,
                      {"requestMethod": "POST", "requestUrl": url, "status": status, "userAgent": ua})
        elif r["kind"] in ("hook", "hook_disabled"):
            url = f"{BASE}/api/webhooks/{r['ws']}/{r['flow']}"
            ip = f"54.187.{rng.randint(170, 230)}.{rng.randint(2, 250)}" if r["ua"].startswith("Stripe") else f"35.{rng.randint(160, 190)}.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
            if r.get("status") == 429:
                e = g.request_log(r["end"], "POST", url, 429, r["latency"], r["ua"], ip, trace,
                                  rng.randint(900, 6000), 0, text=NO_INSTANCE_MSG, on_instance=False)
                first_429.append(e["insertId"])
                continue
            status = 403 if r["kind"] == "hook_disabled" else 200
            ms = int(r["latency"] * 1000)
            g.request_log(r["end"], "POST", url, status, r["latency"], r["ua"], ip, trace,
                          rng.randint(900, 6000), 64 if status == 200 else 39)
            if status == 403:
                g.app_log(r["end"] - timedelta(milliseconds=3), "WARNING", "Webhook received for disabled flow",
                          "inngest.webhook", {"flowId": r["flow"]}, trace)
            elif g.rng.random() < 0.25:
                g.app_log(r["end"] - timedelta(milliseconds=3), "INFO", "Webhook processed successfully",
                          "inngest.webhook", {"eventId": "evt_" + hashlib.md5(trace[0].encode()).hexdigest()[:24]}, trace)
            slow = ms >= 1000
            lvl = "WARNING" if (status >= 400 or slow) else "INFO"
            g.app_log(r["end"] - timedelta(milliseconds=1), lvl,
                      f"POST /api/webhooks/{r['ws']}/{r['flow']} {status} {ms}ms" + (" [SLOW]" if slow else ""),
                      "http", {"duration": ms, **({"slow": True} if slow else {})}, trace,
                      {"requestMethod": "POST", "requestUrl": url, "status": status, "userAgent": r["ua"]})
        else:
            url = f"{BASE}{r['path']}"
            ip = f"{rng.choice(['88.12', '91.203', '185.44', '2.139'])}.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
            if r.get("status") == 429:
                e = g.request_log(r["end"], r["method"], url, 429, r["latency"], r["ua"], ip, trace,
                                  rng.randint(300, 1400), 0, text=NO_INSTANCE_MSG, on_instance=False)
                first_429.append(e["insertId"])
                continue
            status = 200
            if r["path"] == "/api/auth/me" and rng.random() < 0.12:
                status = 401
            ms = int(r["latency"] * 1000)
            g.request_log(r["end"], r["method"], url, status, r["latency"], r["ua"], ip, trace,
                          rng.randint(300, 1400), rng.randint(200, 48000) if status == 200 else 31)
            if r["path"] != "/health":
                slow = ms >= 1000
                lvl = "WARNING" if (status >= 400 or slow) else "INFO"
                g.app_log(r["end"] - timedelta(milliseconds=1), lvl,
                          f"{r['method']} {r['path']} {status} {ms}ms" + (" [SLOW]" if slow else ""),
                          "http", {"duration": ms, **({"slow": True} if slow else {})}, trace,
                          {"requestMethod": r["method"], "requestUrl": url, "status": status, "userAgent": r["ua"]})
    return first_429


def background_app_logs(g: Gen) -> None:
    rng = g.rng
    t = WIN_START + timedelta(minutes=4, seconds=11)
    while t < WIN_END:
        kind = rng.random()
        if kind < 0.45:
            g.app_log(t, "INFO", "Webhook event processed successfully", "inngest.webhook-flow",
                      {"flowId": rng.choice(WEBHOOK_FLOWS)[1], "durationMs": rng.randint(40, 900)})
        elif kind < 0.75:
            g.app_log(t, "INFO", "Execution completed successfully", "inngest.flow",
                      {"flowId": rng.choice(WEBHOOK_FLOWS)[1], "durationMs": rng.randint(800, 9000)})
        elif kind < 0.93:
            g.app_log(t, "INFO", "Updating flow success status", "inngest.flow",
                      {"flowId": rng.choice(WEBHOOK_FLOWS)[1]})
        else:
            g.app_log(t, "WARNING", "No webhook events found for batch", "inngest.webhook-flow",
                      {"flowId": rng.choice(WEBHOOK_FLOWS)[1]})
        t += timedelta(seconds=rng.uniform(60, 240))


def service_json() -> dict:
    env = [
        {"name": "NODE_ENV", "value": "production"},
        {"name": "BASE_URL", "value": BASE},
        {"name": "CLIENT_URL", "value": BASE},
        {"name": "DASHBOARD_ARTIFACT_STORE", "value": "gcs"},
        {"name": "SYNC_BULK_FLUSH_BATCH_SIZE", "value": "30000"},
        {"name": "SYNC_BULK_MONGO_TO_PARQUET_CHUNK", "value": "200"},
        {"name": "SYNC_PARQUET_DUCKDB_MEMORY_LIMIT_MB", "value": "256"},
        {"name": "SYNC_PARQUET_DUCKDB_THREADS", "value": "1"},
    ]
    container = {
        "image": IMAGE,
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": env,
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "cpuIdle": True, "startupCpuBoost": False},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                         "tcpSocket": {"port": 8080}},
    }
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "uid": "3f6b2e9a-71c4-4d08-9b5e-c2a7f01d84e6",
        "generation": "187",
        "createTime": "2025-06-02T09:14:07.112830Z",
        "updateTime": "2026-04-09T21:12:38.604117Z",
        "creator": "github-deployer@" + PROJECT + ".iam.gserviceaccount.com",
        "lastModifier": "github-deployer@" + PROJECT + ".iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": MAX_INSTANCES},
            "vpcAccess": {"egress": "ALL_TRAFFIC",
                          "networkInterfaces": [{"network": "mako-vpc", "subnetwork": "mako-subnet"}]},
            "timeout": "3600s",
            "serviceAccount": SA,
            "containers": [container],
            "maxInstanceRequestConcurrency": CONCURRENCY,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "187",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED",
                              "lastTransitionTime": "2026-04-09T21:13:51.227409Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-04-09T21:13:51.227409Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-04-09T21:13:44.918352Z"},
        ],
        "latestReadyRevision": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{REV}",
        "latestCreatedRevision": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": BASE,
        "urls": [BASE],
        "reconciling": False,
        "etag": "\"CLaT7s8GEKjr9B8/cHJvamVjdHMvbWFrb2FpLXByb2QtNDQ3MS9sb2NhdGlvbnMvZXVyb3BlLXdlc3QxL3NlcnZpY2VzL21ha28\"",
    }


def revision_json(name: str, image: str, concurrency: int, created: str, ready: str, gen_note: str) -> dict:
    svc = service_json()
    c = json.loads(json.dumps(svc["template"]["containers"][0]))
    c["image"] = image
    if name == PREV_REV:
        c["env"] = [e for e in c["env"] if not e["name"].startswith("SYNC_")]
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{name}",
        "uid": hashlib.md5(name.encode()).hexdigest()[:8] + "-" + hashlib.md5(name.encode()).hexdigest()[8:12] + "-4" + hashlib.md5(name.encode()).hexdigest()[13:16] + "-a" + hashlib.md5(name.encode()).hexdigest()[17:20] + "-" + hashlib.md5(name.encode()).hexdigest()[20:32],
        "generation": "1",
        "labels": {"cloud.googleapis.com/location": REGION},
        "annotations": {"run.googleapis.com/operation-id": gen_note},
        "createTime": created,
        "updateTime": created,
        "launchStage": "GA",
        "service": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "scaling": {"minInstanceCount": 1, "maxInstanceCount": MAX_INSTANCES},
        "vpcAccess": svc["template"]["vpcAccess"],
        "maxInstanceRequestConcurrency": concurrency,
        "timeout": "3600s",
        "serviceAccount": SA,
        "containers": [c],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "reconciling": False,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
        ],
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
        "etag": "\"" + hashlib.md5((name + "etag").encode()).hexdigest() + "\"",
        "scalingStatus": {"desiredMinInstanceCount": 1 if name == REV else 0},
    }


def write(out_parent: Path) -> int:
    out = out_parent / CASE_ID
    g = Gen()
    reqs = build_arrivals(g)
    simulate(reqs, g.rng)
    decisive = emit(g, reqs)
    background_app_logs(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))

    (out / "logging").mkdir(parents=True, exist_ok=True)
    (out / "run" / "services").mkdir(parents=True, exist_ok=True)
    (out / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(
        revision_json(REV, IMAGE, CONCURRENCY, "2026-04-09T21:12:38.604117Z", "2026-04-09T21:13:44.918352Z",
                      "0b7c2e41-5d93-4a1f-8e26-c4f90b1d7a35"), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{PREV_REV}.json").write_text(json.dumps(
        revision_json(PREV_REV, PREV_IMAGE, 80, "2026-04-08T16:41:09.330512Z", "2026-04-08T16:42:20.774901Z",
                      "9e13a6d0-27bf-4c85-b1f4-6a0d8e3c52f7"), sort_keys=True, indent=2) + "\n")

    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    # decisive 429 entries: the first few in time order
    by_id = {e["insertId"]: e for e in g.entries}
    d_sorted = sorted(decisive, key=lambda i: by_id[i]["timestamp"])
    case = {
        "id": CASE_ID,
        "title": "mako returns 429 to Inngest step calls and webhooks during a burst",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": WIN_START.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": WIN_END.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/mako-ai/mako/pull/291", "https://github.com/mako-ai/mako/issues/290"],
            "verbatim": [
                "no available instance",
                "mako-sync-cdc-materialize",
                "mako-sync-webhook-event-process-cdc",
                "mako-sync-scheduled-flow",
                "europe-west1",
            ],
            "reconstructed": (
                "Issue #290 and PR #291 state that the production Cloud Run service `mako` in europe-west1 returned "
                "429 \"no available instance\" because `--concurrency=4` together with a manually set "
                "`--max-instances=1` could not absorb bursts of concurrent Inngest step executions "
                "(mako-sync-cdc-materialize, mako-sync-webhook-event-process-cdc, mako-sync-scheduled-flow) plus "
                "webhook calls, on 1 CPU / 1Gi; the fix raised concurrency to 10 in .github/workflows/deploy-app.yml "
                "(after a manual hotfix to --max-instances=5 --concurrency=10). The sources show no log lines, so the "
                "429 request-log text is Cloud Run's standard wording for this condition. Everything else is generated "
                f"by evals/realgen/{CASE_ID}.py (seed {SEED}): the invented project id {PROJECT}, revision names, "
                "instance id, IPs, workspace/flow ids and times (2026-04-10 06:00-09:00Z, before the fix was merged "
                "that day), a queueing simulation of one instance with 4 request slots and a 3-60 s pending deadline "
                "that yields the 429s during a 07:38-08:27Z burst, the app's canonical JSON request lines (format taken "
                "from api/src/logging at the pinned commit), background webhook/UI traffic, and loud-but-irrelevant "
                "403 'Webhook received for disabled flow' warnings, 401s on /api/auth/me and occasional 'No webhook events found for batch' warnings. The revision "
                f"{REV} (concurrency 4) is dated 2026-04-09 21:12Z to match repo commit ce046309, which added "
                f"--concurrency=4 to the production deploy; the earlier revision {PREV_REV} with the default "
                "concurrency 80 is an assumption. No hotfix is in the window. The service JSON keeps 1Gi memory as "
                "the issue states (the workflow moved to 2Gi later that day)."
            ),
            "project": "mako-ai/mako",
            "language": "typescript",
            "covers": ["dependency-limit"],
        },
        "expect": {
            "root_causes": ["no-available-instance"],
            "not_above": ["bad-deploy-regression", "concurrency-overload"],
            "must_cite": [
                ".github/workflows/deploy-app.yml:797",
                [f"{svc_name}#template.maxInstanceRequestConcurrency", f"{svc_name}#template.scaling.maxInstanceCount"],
                [f"run.googleapis.com/requests#{i}" for i in d_sorted[:5]],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "mako-ai/mako",
        "commit": "d82fcf5305b3adbf8a7e54e85312cfee54b2b19b",
        "license": "unknown",
        "language": "typescript",
        "fix": "https://github.com/mako-ai/mako/pull/291",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")
