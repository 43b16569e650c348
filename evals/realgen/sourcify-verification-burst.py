#!/usr/bin/env python3
"""Generator for the real-incident case `sourcify-verification-burst`.

Rebuilt from argotorg/sourcify issue #2206 ("Investigation of Sourcify
downtimes"): while ~300,000 contracts were verified over a weekend via API v2,
instances of `sourcify-production-server` (europe-west1) became unresponsive;
every request to such an instance failed with Cloud Run's "malformed response
or connection error" until the instance was killed. The maintainers traced it
to long-running, single-threaded GET requests saturating one of the two vCPUs
while Cloud Run's CPU-based autoscaling (60 % target, averaged over both vCPUs)
never triggered, and changed the CPU setting.

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "sourcify-verification-burst"
SEED = 2206

PROJECT = "evmverify-prod-5512"
REGION = "europe-west1"
SERVICE = "sourcify-production-server"
REV = "sourcify-production-server-00347-fuk"
HOST = "sourcify.dev"
IMAGE = (f"{REGION}-docker.pkg.dev/{PROJECT}/ghcr-proxy/ethereum/sourcify/server@sha256:"
         "4b8e2f0c6a1d93e7b5c0f2a48d6e19b3c7a5f0e2d8b4c6a1e3f5d7b9c0a2e4f6")
SA = f"sourcify-server@{PROJECT}.iam.gserviceaccount.com"

# The failing instance, exactly as in the log query.
BAD_INSTANCE = ("0069c7a98845de1865402b6c676cb1f45a8246a022afd16d8227c0def453a23db5a663f1e53be28c58746e822f"
                "35875fb602777dd1e10e25d434430379e6614e356538c8546fb0388365419b1d32af85b431")

WIN_START = datetime(2025, 6, 23, 10, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2025, 6, 23, 11, 30, 0, tzinfo=timezone.utc)
HOT_START = datetime(2025, 6, 23, 10, 52, 0, tzinfo=timezone.utc)
HOT_END = datetime(2025, 6, 23, 11, 6, 0, tzinfo=timezone.utc)
# From the log link: startTime=2025-06-23T11:00:09.036Z, endTime=2025-06-23T11:01:24.717Z
SLOW_FROM = datetime(2025, 6, 23, 11, 0, 9, 36000, tzinfo=timezone.utc)
FAIL_FROM = datetime(2025, 6, 23, 11, 0, 24, 512000, tzinfo=timezone.utc)
BAD_GONE = datetime(2025, 6, 23, 11, 1, 24, 717000, tzinfo=timezone.utc)
NEW_INST_AT = datetime(2025, 6, 23, 11, 1, 29, 804000, tzinfo=timezone.utc)

MALFORMED_MSG = (
    "The request failed because either the HTTP response was malformed or connection to the instance had an "
    "error. Additional troubleshooting documentation can be found at: "
    "https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error"
)
NO_INSTANCE_MSG = (
    "The request was aborted because there was no available instance. "
    "Additional troubleshooting documentation can be found at: "
    "https://cloud.google.com/run/docs/troubleshooting#abort-request"
)
AUTOSCALING_MSG = ("Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling "
                   "factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.")

LOG_REQUESTS = f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests"
LOG_STDOUT = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstdout"
LOG_STDERR = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstderr"
LOG_SYSTEM = f"projects/{PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem"

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

OASIS_CHAINS = ["23294", "23295", "42262"]
VERIFY_CHAINS = ["1", "10", "137", "8453", "42161", "56", "100", "11155111", "59144", "534352"]
CLIENT_UA = "axios/1.8.4"
OASIS_UA = "Go-http-client/2.0"
BROWSER_UA = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
]
UPTIME_UA = "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)"


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hexid(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def addr(rng: random.Random) -> str:
    h = hexid(rng, 40)
    return "0x" + "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else c for c in h)


class Gen:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.entries: list[dict] = []
        self.n = 0
        r = random.Random(SEED + 1)
        self.inst_b = "00" + hexid(r, len(BAD_INSTANCE) - 2)
        self.inst_c = "00" + hexid(r, len(BAD_INSTANCE) - 2)
        self.inst_e = "00" + hexid(r, len(BAD_INSTANCE) - 2)
        self.decisive: list[str] = []

    def insert_id(self, t: datetime, short: bool = False) -> str:
        self.n += 1
        h = hashlib.sha1(f"{SEED}-{self.n}".encode()).hexdigest()
        return h[:20] if short else format(int(t.timestamp()), "08x") + h[:16]

    def trace(self) -> tuple[str, str]:
        return f"projects/{PROJECT}/traces/{hexid(self.rng, 32)}", hexid(self.rng, 16)

    def req(self, start: datetime, method: str, path: str, status: int, latency: float, ua: str, ip: str,
            inst: str | None, resp: int, text: str | None = None, req_size: int = 0) -> dict:
        tr = self.trace()
        end = start + timedelta(seconds=latency)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {
            "requestMethod": method,
            "requestUrl": f"https://{HOST}{path}",
            "requestSize": str(req_size or self.rng.randint(260, 900)),
            "status": status,
            "responseSize": str(resp),
            "userAgent": ua,
            "remoteIp": ip,
            "latency": f"{latency:.6f}s",
            "protocol": "HTTP/1.1",
        }
        if inst:
            hr["serverIp"] = "169.254.169.126"
        e = {
            "httpRequest": hr,
            "insertId": self.insert_id(end),
            "logName": LOG_REQUESTS,
            "receiveTimestamp": iso(end + timedelta(milliseconds=self.rng.randint(6, 50))),
            "resource": RESOURCE,
            "severity": sev,
            "spanId": tr[1],
            "timestamp": iso(start),
            "trace": tr[0],
            "traceSampled": False,
        }
        if inst:
            e["labels"] = {"instanceId": inst}
        if text:
            e["textPayload"] = text
        self.entries.append(e)
        return e

    def app(self, t: datetime, severity: str, message: str, inst: str, meta: dict | None = None,
            trace: str | None = None) -> dict:
        payload = {"message": message, "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"}
        if meta:
            payload.update(meta)
        e = {
            "insertId": self.insert_id(t, short=True),
            "jsonPayload": payload,
            "labels": {"instanceId": inst},
            "logName": LOG_STDERR if severity == "ERROR" else LOG_STDOUT,
            "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(15, 300))),
            "resource": RESOURCE,
            "severity": severity,
            "timestamp": iso(t),
            "trace": trace or f"projects/{PROJECT}/traces/{hexid(self.rng, 32)}",
        }
        self.entries.append(e)
        return e

    def system(self, t: datetime, text: str, inst: str, severity: str = "INFO") -> dict:
        e = {
            "insertId": self.insert_id(t, short=True),
            "labels": {"instanceId": inst},
            "logName": LOG_SYSTEM,
            "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(200, 900))),
            "resource": RESOURCE,
            "severity": severity,
            "textPayload": text,
            "timestamp": iso(t),
        }
        self.entries.append(e)
        return e


def pick_request(g: Gen, hot: bool) -> dict:
    rng = g.rng
    x = rng.random()
    if hot:
        weights = [("verify", 0.26), ("poll", 0.22), ("contracts", 0.30), ("lookup", 0.12), ("files", 0.07), ("ui", 0.03)]
    else:
        weights = [("verify", 0.22), ("poll", 0.22), ("contracts", 0.14), ("lookup", 0.22), ("files", 0.14), ("ui", 0.06)]
    acc = 0.0
    for kind, w in weights:
        acc += w
        if x <= acc:
            break
    if kind == "verify":
        chain = rng.choice(VERIFY_CHAINS)
        return {"kind": kind, "method": "POST", "path": f"/v2/verify/{chain}/{addr(rng)}", "ua": CLIENT_UA,
                "ip": "34.141.76.212", "dur": rng.uniform(0.08, 0.6), "chain": chain, "req_size": rng.randint(4000, 180000)}
    if kind == "poll":
        vid = f"{hexid(rng, 8)}-{hexid(rng, 4)}-4{hexid(rng, 3)}-a{hexid(rng, 3)}-{hexid(rng, 12)}"
        return {"kind": kind, "method": "GET", "path": f"/v2/verify/{vid}", "ua": CLIENT_UA, "ip": "34.141.76.212",
                "dur": rng.uniform(0.02, 0.18)}
    if kind == "contracts":
        chain = rng.choice(OASIS_CHAINS)
        q = f"?sort=desc&limit=200&afterMatchId={rng.randint(100000, 9900000)}"
        lo, hi = (0.4, 4.5) if hot else (0.12, 1.4)
        return {"kind": kind, "method": "GET", "path": f"/v2/contracts/{chain}{q}", "ua": OASIS_UA,
                "ip": f"136.243.{rng.randint(10, 250)}.{rng.randint(2, 250)}", "dur": rng.uniform(lo, hi)}
    if kind == "lookup":
        chain = rng.choice(VERIFY_CHAINS)
        return {"kind": kind, "method": "GET", "path": f"/v2/contract/{chain}/{addr(rng)}?fields=abi,metadata",
                "ua": rng.choice([CLIENT_UA, "Blockscout/7.0.2", "viem/2.31.3"]),
                "ip": f"{rng.choice(['52.59', '18.196', '95.217', '65.108'])}.{rng.randint(1, 250)}.{rng.randint(2, 250)}",
                "dur": rng.uniform(0.03, 0.35 if not hot else 1.2)}
    if kind == "files":
        chain = rng.choice(VERIFY_CHAINS)
        return {"kind": kind, "method": "GET", "path": f"/files/any/{chain}/{addr(rng)}", "ua": "python-requests/2.32.3",
                "ip": f"{rng.choice(['185.199', '144.76', '5.161'])}.{rng.randint(1, 250)}.{rng.randint(2, 250)}",
                "dur": rng.uniform(0.05, 0.9 if not hot else 2.5)}
    return {"kind": "ui", "method": "GET", "path": rng.choice(["/chains", "/v2/contract/all-chains/" + addr(rng)]),
            "ua": rng.choice(BROWSER_UA), "ip": f"{rng.choice(['81.2', '92.117', '178.19'])}.{rng.randint(1, 250)}.{rng.randint(2, 250)}",
            "dur": rng.uniform(0.02, 0.2)}


def outcome(g: Gen, r: dict) -> tuple[int, int]:
    rng = g.rng
    k = r["kind"]
    if k == "verify":
        if rng.random() < 0.05:
            return 429, 231  # app-level duplicate_verification_request
        return 202, 54
    if k == "poll":
        return 200, rng.randint(420, 2600)
    if k == "contracts":
        return 200, rng.randint(18000, 46000)
    if k == "lookup":
        return (404, 168) if rng.random() < 0.18 else (200, rng.randint(3000, 90000))
    if k == "files":
        return (404, 74) if rng.random() < 0.25 else (200, rng.randint(4000, 160000))
    return 200, rng.randint(2000, 40000)


def build(g: Gen) -> None:
    rng = g.rng
    # --- instance startup lines for the new instance after the bad one is gone
    t = WIN_START
    while True:
        hot = HOT_START <= t < HOT_END
        rate = 1.0 if hot else 0.18
        if SLOW_FROM - timedelta(seconds=70) <= t < BAD_GONE + timedelta(seconds=40):
            rate = 1.9
        t = t + timedelta(seconds=rng.expovariate(rate))
        if t >= WIN_END:
            break
        hot = HOT_START <= t < HOT_END
        r = pick_request(g, hot)
        # which instances are serving
        if t < BAD_GONE:
            insts = [BAD_INSTANCE, g.inst_b, g.inst_c]
        elif t < NEW_INST_AT + timedelta(seconds=14):
            insts = [g.inst_b, g.inst_c]
        else:
            insts = [g.inst_b, g.inst_c, g.inst_e]
        inst = rng.choice(insts)
        status, resp = outcome(g, r)
        dur = r["dur"]
        # the two healthy instances are also loaded near the incident
        if SLOW_FROM - timedelta(seconds=40) <= t < BAD_GONE + timedelta(seconds=30) and inst != BAD_INSTANCE:
            dur = dur * rng.uniform(2.0, 6.0) + rng.uniform(0.3, 3.0)
            if rng.random() < 0.10 and t > FAIL_FROM + timedelta(seconds=10):
                e = g.req(t, r["method"], r["path"], 429, rng.uniform(8.0, 28.0), r["ua"], r["ip"], None, 0,
                          text=NO_INSTANCE_MSG, req_size=r.get("req_size", 0))
                g.no_instance = getattr(g, "no_instance", []) + [e["insertId"]]
                continue
        if inst == BAD_INSTANCE and t >= SLOW_FROM:
            if t < FAIL_FROM:
                dur = dur + rng.uniform(4.0, 14.0)
            else:
                lat = min(rng.uniform(0.4, 26.0), (BAD_GONE - t).total_seconds() + rng.uniform(0.05, 0.4))
                e = g.req(t, r["method"], r["path"], 503, max(lat, 0.05), r["ua"], r["ip"], BAD_INSTANCE, 0,
                          text=MALFORMED_MSG, req_size=r.get("req_size", 0))
                g.decisive.append(e["insertId"])
                continue
        g.req(t, r["method"], r["path"], status, dur, r["ua"], r["ip"], inst, resp, req_size=r.get("req_size", 0))
        end = t + timedelta(seconds=dur)
        if r["kind"] == "verify" and status == 429:
            parts = r["path"].split("/")
            g.app(t + timedelta(milliseconds=rng.randint(20, 70)), "WARNING", "Contract already being verified", inst,
                  {"chainId": parts[3], "address": parts[4]})
        elif r["kind"] == "verify" and rng.random() < 0.45:
            parts = r["path"].split("/")
            done = end + timedelta(seconds=rng.uniform(3.0, 40.0))
            if done < WIN_END and not (inst == BAD_INSTANCE and done >= FAIL_FROM):
                g.app(done, "INFO", "Stored to SourcifyDatabase", inst,
                      {"address": parts[4], "chainId": parts[3],
                       "runtimeMatch": rng.choice(["perfect", "partial", "perfect"]),
                       "creationMatch": rng.choice(["perfect", "partial", None])})
        elif r["kind"] == "lookup" and status == 200 and rng.random() < 0.02:
            g.app(end, "ERROR", "Error detecting and resolving proxy", inst,
                  {"chainId": r["path"].split("/")[3], "address": r["path"].split("/")[4].split("?")[0],
                   "error": {"message": "Proxy detection timed out", "name": "Error"}})

    # uptime checks every 60 s
    t = WIN_START + timedelta(seconds=17)
    while t < WIN_END:
        for region_ip in ("35.199.66.18", "35.187.242.75", "35.186.144.97"):
            tt = t + timedelta(seconds=rng.uniform(0, 3))
            if tt < BAD_GONE:
                insts = [BAD_INSTANCE, g.inst_b, g.inst_c]
            else:
                insts = [g.inst_b, g.inst_c] + ([g.inst_e] if tt > NEW_INST_AT + timedelta(seconds=14) else [])
            inst = rng.choice(insts)
            if inst == BAD_INSTANCE and tt >= FAIL_FROM:
                e = g.req(tt, "GET", "/health", 503, rng.uniform(2.0, 10.0), UPTIME_UA, region_ip, BAD_INSTANCE, 0,
                          text=MALFORMED_MSG)
                g.decisive.append(e["insertId"])
            else:
                lat = rng.uniform(0.002, 0.02)
                if inst == BAD_INSTANCE and tt >= SLOW_FROM:
                    lat = rng.uniform(6.0, 12.0)
                g.req(tt, "GET", "/health", 200, lat, UPTIME_UA, region_ip, inst, 17)
        t += timedelta(seconds=60)

    # new instance after the unresponsive one is gone
    g.system(NEW_INST_AT, AUTOSCALING_MSG, g.inst_e)
    t0 = NEW_INST_AT + timedelta(seconds=2.4)
    g.app(t0, "INFO", "Using local solidity compiler", g.inst_e)
    g.app(t0 + timedelta(milliseconds=3), "INFO", "Using local vyper compiler", g.inst_e)
    g.app(t0 + timedelta(milliseconds=41), "INFO", "Starting server with config", g.inst_e,
          {"config": "{\n  \"serverUrl\": \"https://sourcify.dev/server\",\n  \"server\": {\n    \"port\": 80,\n    \"maxFileSize\": 31457280\n  }\n}"})
    g.app(t0 + timedelta(seconds=6.9), "INFO", "SourcifyDatabase initialized", g.inst_e,
          {"host": "10.44.0.3", "port": 5432, "database": "sourcify"})
    g.app(t0 + timedelta(seconds=9.8), "INFO", "Server listening", g.inst_e, {"port": 80})
    g.system(t0 + timedelta(seconds=10.4),
             f"Default STARTUP TCP probe succeeded after 1 attempt for container \"{SERVICE}-1\" on port 80.", g.inst_e)

    # background app noise on all instances
    t = WIN_START + timedelta(seconds=41)
    while t < WIN_END:
        inst = rng.choice([g.inst_b, g.inst_c] + ([BAD_INSTANCE] if t < FAIL_FROM else []))
        if rng.random() < 0.5:
            g.app(t, "WARNING", "Error while getting creation transaction", inst,
                  {"error": "Request timed out after 10000ms", "chainId": rng.choice(VERIFY_CHAINS)})
        else:
            g.app(t, "INFO", "Requested more than MAX_RETURNED_CONTRACTS_BY_GETCONTRACTS contracts", inst,
                  {"maxReturnedContracts": 200, "requestedLimit": 1000})
        t += timedelta(seconds=rng.uniform(90, 400))


def service_json() -> dict:
    svc = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    container = {
        "name": f"{SERVICE}-1",
        "image": IMAGE,
        "ports": [{"name": "http1", "containerPort": 80}],
        "env": [
            {"name": "NODE_ENV", "value": "production"},
            {"name": "NODE_CONFIG_ENV", "value": "master"},
            {"name": "NODE_LOG_LEVEL", "value": "info"},
        ],
        "resources": {"limits": {"cpu": "2", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                         "tcpSocket": {"port": 80}},
    }
    return {
        "name": svc,
        "uid": "b1d7e3a0-52c9-4f68-a0e4-97c3d1f28b56",
        "generation": "347",
        "createTime": "2024-07-30T13:02:41.551210Z",
        "updateTime": "2025-06-18T13:07:55.018644Z",
        "creator": f"circleci-deployer@{PROJECT}.iam.gserviceaccount.com",
        "lastModifier": f"circleci-deployer@{PROJECT}.iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 100},
            "timeout": "300s",
            "serviceAccount": SA,
            "containers": [container],
            "maxInstanceRequestConcurrency": 80,
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "347",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED",
                              "lastTransitionTime": "2025-06-18T13:09:02.441903Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-06-18T13:09:02.441903Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-06-18T13:08:51.730215Z"},
        ],
        "latestReadyRevision": f"{svc}/revisions/{REV}",
        "latestCreatedRevision": f"{svc}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": f"https://{SERVICE}-x4nq2lmf7a-ew.a.run.app",
        "urls": [f"https://{SERVICE}-x4nq2lmf7a-ew.a.run.app"],
        "reconciling": False,
        "etag": "\"CMvKy8IGEOC7qQk/cHJvamVjdHMvZXZtdmVyaWZ5LXByb2QtNTUxMi9sb2NhdGlvbnMvZXVyb3BlLXdlc3QxL3NlcnZpY2VzL3NvdXJjaWZ5\"",
    }


def revision_json() -> dict:
    svc = service_json()
    return {
        "name": f"{svc['name']}/revisions/{REV}",
        "uid": "5e0c9a47-3b18-4d2f-8c61-f2a7b04d9e13",
        "generation": "1",
        "labels": {"cloud.googleapis.com/location": REGION},
        "createTime": "2025-06-18T13:07:55.018644Z",
        "updateTime": "2025-06-18T13:07:55.018644Z",
        "launchStage": "GA",
        "service": svc["name"],
        "scaling": {"maxInstanceCount": 100},
        "maxInstanceRequestConcurrency": 80,
        "timeout": "300s",
        "serviceAccount": SA,
        "containers": svc["template"]["containers"],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "reconciling": False,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-06-18T13:08:51.730215Z"},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-06-18T13:08:51.730215Z"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2025-06-18T13:08:31.102467Z"},
        ],
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{REV}",
        "etag": "\"" + hashlib.md5(REV.encode()).hexdigest() + "\"",
        "scalingStatus": {"desiredMinInstanceCount": 0},
    }


def timeseries() -> list[dict]:
    """CPU utilisation stays near 50 % of the two vCPUs during the hot period
    (one saturated event-loop thread), below the 60 % scaling target."""
    rng = random.Random(SEED + 7)
    res = {"type": "cloud_run_revision", "labels": RESOURCE["labels"]}
    cpu_pts, inst_pts, lat_pts = [], [], []
    t = WIN_START
    while t < WIN_END:
        end = t + timedelta(minutes=1)
        hot = HOT_START <= t < HOT_END
        near = SLOW_FROM - timedelta(minutes=3) <= t <= BAD_GONE
        mean = rng.uniform(0.46, 0.53) if (hot or near) else rng.uniform(0.12, 0.24)
        cnt = 3
        bucket = [0] * 12
        idx = min(11, max(0, int(mean * 10)))
        bucket[idx] = cnt
        cpu_pts.append({"interval": {"startTime": iso(t), "endTime": iso(end)},
                        "value": {"distributionValue": {
                            "count": str(cnt), "mean": round(mean, 4),
                            "bucketOptions": {"linearBuckets": {"numFiniteBuckets": 10, "width": 0.1, "offset": 0}},
                            "bucketCounts": [str(b) for b in bucket]}}})
        n_active = 3 if t < BAD_GONE else (2 if t < NEW_INST_AT else 3)
        inst_pts.append({"interval": {"startTime": iso(end), "endTime": iso(end)},
                         "value": {"int64Value": str(n_active)}})
        p99 = (rng.uniform(9000, 26000) if SLOW_FROM - timedelta(minutes=1) <= t <= BAD_GONE
               else rng.uniform(2500, 5200) if hot else rng.uniform(600, 1500))
        lat_pts.append({"interval": {"startTime": iso(t), "endTime": iso(end)},
                        "value": {"doubleValue": round(p99, 1)}})
        t = end
    for pts in (cpu_pts, inst_pts, lat_pts):
        pts.reverse()  # the Monitoring API returns newest first
    return [
        {"metric": {"type": "run.googleapis.com/container/cpu/utilizations", "labels": {}},
         "resource": res, "metricKind": "DELTA", "valueType": "DISTRIBUTION", "unit": "10^2.%", "points": cpu_pts},
        {"metric": {"type": "run.googleapis.com/container/instance_count", "labels": {"state": "active"}},
         "resource": res, "metricKind": "GAUGE", "valueType": "INT64", "unit": "1", "points": inst_pts},
        {"metric": {"type": "run.googleapis.com/request_latencies", "labels": {}},
         "resource": res, "metricKind": "DELTA", "valueType": "DOUBLE", "unit": "ms",
         "points": lat_pts},
    ]


def write(out_parent: Path) -> int:
    out = out_parent / CASE_ID
    g = Gen()
    build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    for d in ("logging", "run/services", "run/revisions", "monitoring"):
        (out / d).mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    with open(out / "monitoring" / "timeseries.jsonl", "w") as f:
        for ts in timeseries():
            f.write(json.dumps(ts, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")

    by_id = {e["insertId"]: e for e in g.entries}
    dec = sorted(g.decisive, key=lambda i: by_id[i]["timestamp"])[:6]
    svc = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    case = {
        "id": CASE_ID,
        "title": "sourcify-production-server: short downtimes, one instance stops answering during bulk API v2 verification",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": WIN_START.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": WIN_END.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/argotorg/sourcify/issues/2206"],
            "verbatim": [
                MALFORMED_MSG,
                BAD_INSTANCE,
                SERVICE,
                "europe-west1",
                "no available instance",
                "/v2/contracts/23294",
                "/v2/contracts/23295",
                "/v2/contracts/42262",
            ],
            "reconstructed": (
                "Issue #2206 reports short downtimes while ~300,000 contracts were verified via API v2: one instance "
                "of sourcify-production-server (europe-west1), whose instance id and 2025-06-23 11:00:09-11:01:24Z log "
                "range it links, behaved normally and then failed every request with the quoted Cloud Run "
                "malformed-response/connection error until it was killed. The maintainers attribute it to long-running "
                "single-threaded GET requests (v1 files, v2 contracts; heavy /v2/contracts traffic for Oasis chains "
                "23294, 23295, 42262) loading only one of two vCPUs, so average CPU stayed near 50 % and Cloud Run's "
                "60 % CPU target never scaled out; after the CPU setting was changed the 'no available instance' "
                "request errors stopped. Only part of the issue text could be read through the search tool (the "
                "description is cut after 'killed by GC', and the follow-up comments are partial); nothing beyond "
                "that is assumed. Generated by "
                f"evals/realgen/{CASE_ID}.py (seed {SEED}): the invented project id {PROJECT}, revision name, two "
                "other instance ids and a replacement instance, request mix and rates (bulk POST /v2/verify and job "
                "polling from one client, Oasis /v2/contracts scraping, lookups, v1 /files, uptime checks), latencies, "
                "a few platform 429s on the other instances during the stall, app-level 429 "
                "duplicate_verification_request warnings and proxy-detection / creation-tx warnings as noise, the "
                "AUTOSCALING start of a new instance after the bad one disappears (how the kill itself was logged is "
                "not shown by the source, so no kill message is invented), and monitoring points with CPU near 50 %. "
                "The source gives no memory, concurrency or max-instances values: Cloud Run defaults are used "
                "(512Mi, 80, 100). It gives cpu 2 as the configuration under which scaling could not trigger (its "
                "next comment also says the CPU count was changed to 2, which the readable text leaves ambiguous). "
                "Log message texts and the port come from the server code at the pinned commit."
            ),
            "project": "argotorg/sourcify",
            "language": "typescript",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["concurrency-overload"],
            "also": ["no-available-instance"],
            "not_above": ["container-crash", "memory-limit-exceeded"],
            "must_cite": [
                [f"{svc}#template.containers[0].resources.limits.cpu", f"{svc}#template.maxInstanceRequestConcurrency"],
                [f"run.googleapis.com/requests#{i}" for i in dec],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "argotorg/sourcify",
        "commit": "04fb993220bcf3b6014118722918bebb1913f459",
        "license": "MIT",
        "language": "typescript",
        "fix": "https://github.com/argotorg/sourcify/issues/2206",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")
