#!/usr/bin/env python3
"""Generator for the real-incident case `triage-party-startup-panic`.

Rebuilt from google/triage-party issue #195 ("panic in the logs during first load")
and its fix, pull request #199 ("fix startup panic").  Deterministic: fixed seed,
fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False

CASE_ID = "triage-party-startup-panic"
SEED = 195199
PROJECT = "tparty-demo-3391"
REGION = "us-central1"
SERVICE = "triage-party"
REV1 = "triage-party-00001-kaz"
REV2 = "triage-party-00002-wov"
IMAGE1 = f"gcr.io/{PROJECT}/teaparty:2020-07-28-1595961301"
IMAGE2 = f"gcr.io/{PROJECT}/teaparty:2020-07-30-1596148331"
TRACKED = "GoogleContainerTools/skaffold"

WIN_START = datetime(2020, 7, 30, 21, 30, 0, tzinfo=timezone.utc)
WIN_END = datetime(2020, 7, 30, 23, 30, 0, tzinfo=timezone.utc)
DEPLOY_AT = datetime(2020, 7, 30, 22, 36, 8, 412000, tzinfo=timezone.utc)
REV2_READY = datetime(2020, 7, 30, 22, 36, 51, 90000, tzinfo=timezone.utc)
INST_B_START = datetime(2020, 7, 30, 22, 36, 38, 250000, tzinfo=timezone.utc)
DATA_READY = datetime(2020, 7, 30, 22, 40, 44, 0, tzinfo=timezone.utc)
# the panic quoted in the issue
QUOTED_PANIC_AT = datetime(2020, 7, 30, 22, 39, 12, 304811, tzinfo=timezone.utc)

COLLECTIONS = ["daily", "weekly", "quarterly", "p0", "p1", "milestone", "similar"]
STATIC = [
    ("/static/css/tparty.css", 3912),
    ("/static/css/custom.css", 611),
    ("/third_party/bootstrap/bootstrap.min.css", 160392),
    ("/third_party/bootstrap/bootstrap.min.js", 60044),
    ("/third_party/jquery/jquery.min.js", 88145),
    ("/static/img/favicon-32x32.png", 1318),
]
UAS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/84.0.4147.105 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/84.0.4147.89 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:79.0) Gecko/20100101 Firefox/79.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/84.0.4147.105 Safari/537.36",
]
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HOST = "https://triage-party-7q3hxk2mza-uc.a.run.app"


def ts(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.n = 0

    def iid(self):
        self.n += 1
        return "".join(self.rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(10)) + f"{self.n:06x}"

    def hexid(self, k):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(k))

    def resource(self, rev):
        return {
            "type": "cloud_run_revision",
            "labels": {
                "project_id": PROJECT,
                "location": REGION,
                "service_name": SERVICE,
                "revision_name": rev,
                "configuration_name": SERVICE,
            },
        }

    def add(self, e, t):
        e["timestamp"] = ts(t)
        e["receiveTimestamp"] = ts(t + timedelta(milliseconds=self.rng.randint(40, 900)))
        e.setdefault("insertId", self.iid())
        self.entries.append(e)
        return e

    def text(self, t, rev, inst, log, payload, severity="DEFAULT"):
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2F{log}",
            "resource": self.resource(rev),
            "labels": {"instanceId": inst},
            "severity": severity,
            "textPayload": payload,
        }, t)

    def klog(self, t, rev, inst, level, loc, msg):
        hdr = f"{level}{t.strftime('%m%d %H:%M:%S.%f')}       1 {loc}] "
        return self.text(t, rev, inst, "stderr", hdr + msg)

    def request(self, t, rev, inst, method, path, status, size, latency, ua, remote):
        trace_id = self.hexid(32)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "resource": self.resource(rev),
            "labels": {"instanceId": inst},
            "severity": sev,
            "trace": f"projects/{PROJECT}/traces/{trace_id}",
            "spanId": str(self.rng.randint(10**18, 10**19 - 1)),
            "httpRequest": {
                "requestMethod": method,
                "requestUrl": HOST + path,
                "requestSize": str(self.rng.randint(380, 900)),
                "status": status,
                "responseSize": str(size),
                "userAgent": ua,
                "remoteIp": remote,
                "serverIp": "216.239.32.53",
                "latency": f"{latency:.6f}s",
                "protocol": "HTTP/1.1",
            },
        }, t)


def panic_text(when, port, coll_id, gid, rng):
    addr = lambda: "0xc000" + "".join(rng.choice("0123456789abcdef") for _ in range(5)) + "0"
    return (
        f"{when.strftime('%Y/%m/%d %H:%M:%S')} http: panic serving 169.254.8.129:{port}: "
        "runtime error: invalid memory address or nil pointer dereference\n"
        f"goroutine {gid} [running]:\n"
        f"net/http.(*conn).serve.func1({addr()})\n"
        "\t/usr/local/go/src/net/http/server.go:1772 +0x139\n"
        "panic(0xc1a3e0, 0x15e2c70)\n"
        "\t/usr/local/go/src/runtime/panic.go:975 +0x3e3\n"
        f"github.com/google/triage-party/pkg/site.(*Handlers).collectionPage({addr()}, 0xe93b60, {addr()}, {addr()}, 0x{len(coll_id):x}, 0x0, 0x0, 0x0, 0x0)\n"
        "\t/src/tparty/pkg/site/page.go:96 +0x5b4\n"
        f"github.com/google/triage-party/pkg/site.(*Handlers).Collection.func1(0xe920a0, {addr()}, {addr()})\n"
        "\t/src/tparty/pkg/site/collection.go:65 +0x4b5\n"
        f"net/http.HandlerFunc.ServeHTTP({addr()}, 0xe920a0, {addr()}, {addr()})\n"
        "\t/usr/local/go/src/net/http/server.go:2012 +0x44\n"
        f"net/http.(*ServeMux).ServeHTTP(0x1603b60, 0xe920a0, {addr()}, {addr()})\n"
        "\t/usr/local/go/src/net/http/server.go:2387 +0x1a5\n"
        f"net/http.serverHandler.ServeHTTP({addr()}, 0xe920a0, {addr()}, {addr()})\n"
        "\t/usr/local/go/src/net/http/server.go:2807 +0xa3\n"
        f"net/http.(*conn).serve({addr()}, 0xe94a60, {addr()})\n"
        "\t/usr/local/go/src/net/http/server.go:1895 +0x86c\n"
        "created by net/http.(*Server).Serve\n"
        "\t/usr/local/go/src/net/http/server.go:2933 +0x35c\n"
    )


def build():
    g = Gen()
    rng = g.rng
    inst_a = "00bf4bf02d" + g.hexid(118)
    inst_b = "00bf4bf02d" + g.hexid(118)
    clients = [f"{rng.randint(24, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(14)]
    fe_ports = iter(rng.sample(range(30000, 60000), 4000))

    # ---------------- revision 1 (healthy, before the deploy) -----------------
    cycle = 412
    t = WIN_START + timedelta(seconds=rng.uniform(5, 60))
    while t < DEPLOY_AT + timedelta(seconds=40):
        # periodic update cycle of the background loop
        g.klog(t, REV1, inst_a, "I", "updater.go:248", f'reason for updating "{rng.choice(COLLECTIONS)}": too old')
        dur = rng.uniform(18, 55)
        for c in rng.sample(COLLECTIONS, 3):
            t2 = t + timedelta(seconds=rng.uniform(0.1, 2))
            g.klog(t2, REV1, inst_a, "I", "updater.go:222", f'>>> updating "{c}" with data newer than {(t - timedelta(minutes=8)).strftime("%m%d %H:%M:%S")} >>>')
            g.klog(t2 + timedelta(seconds=rng.uniform(0.3, 1.5)), REV1, inst_a, "I", "issue.go:75",
                   f"Downloading open issues for {TRACKED} updated within 8m0s (page 1)...")
            g.klog(t2 + timedelta(seconds=dur / 3), REV1, inst_a, "I", "updater.go:228",
                   f'<<< updated "{c}" to {(t2 + timedelta(seconds=dur / 3)).strftime("%m%d %H:%M:%S")} (oldest input: {(t - timedelta(minutes=7)).strftime("%m%d %H:%M:%S")}, duration: {dur / 3:.6f}s) <<<')
        g.klog(t + timedelta(seconds=dur), REV1, inst_a, "I", "updater.go:307", f"update cycle #{cycle} took {dur:.6f}s")
        cycle += 1
        t += timedelta(seconds=rng.uniform(240, 420))

    def serve_ok(t, rev, inst):
        remote = rng.choice(clients)
        ua = rng.choice(UAS)
        r = rng.random()
        if r < 0.55:
            c = rng.choice(COLLECTIONS[:5])
            lat = rng.uniform(0.018, 0.095)
            g.request(t, rev, inst, "GET", f"/s/{c}", 200, rng.randint(38000, 210000), lat, ua, remote)
            g.klog(t + timedelta(seconds=lat * 0.9), rev, inst, "I", "page.go:39", f'Served "{c}" request within {lat * 900:.6f}ms')
        elif r < 0.65:
            c = rng.choice(["milestone", "p0"])
            lat = rng.uniform(0.02, 0.08)
            g.request(t, rev, inst, "GET", f"/k/{c}", 200, rng.randint(30000, 90000), lat, ua, remote)
            g.klog(t + timedelta(seconds=lat * 0.9), rev, inst, "I", "page.go:39", f'Served "{c}" request within {lat * 900:.6f}ms')
        elif r < 0.92:
            p, sz = rng.choice(STATIC)
            if rng.random() < 0.5:
                g.request(t, rev, inst, "GET", p, 304, 0, rng.uniform(0.001, 0.004), ua, remote)
            else:
                g.request(t, rev, inst, "GET", p, 200, sz, rng.uniform(0.002, 0.02), ua, remote)
        elif r < 0.97:
            g.request(t, rev, inst, "GET", "/", 303, 43, rng.uniform(0.001, 0.003), ua, remote)
        else:
            # scanners: unknown paths fall through to the root redirect
            p = rng.choice(["/wp-login.php", "/.env", "/robots.txt", "/favicon.ico"])
            g.request(t, rev, inst, "GET", p, 303, 43, rng.uniform(0.001, 0.003), BOT_UA, f"66.249.66.{rng.randint(1, 200)}")

    t = WIN_START + timedelta(seconds=rng.uniform(1, 20))
    while t < DEPLOY_AT + timedelta(seconds=43):
        serve_ok(t, REV1, inst_a)
        t += timedelta(seconds=rng.expovariate(1 / 9.0))
    # uptime check on /healthz every 5 minutes
    t = WIN_START + timedelta(seconds=47)
    while t < WIN_END:
        rev, inst = (REV1, inst_a) if t < REV2_READY else (REV2, inst_b)
        g.request(t, rev, inst, "GET", "/healthz", 200, rng.randint(60, 90), rng.uniform(0.0008, 0.003),
                  "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", f"35.238.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
        t += timedelta(minutes=5)

    # ---------------- deploy of revision 2 ------------------------------------
    op_id = g.hexid(8) + "-" + g.hexid(4) + "-" + g.hexid(4) + "-" + g.hexid(4) + "-" + g.hexid(12)
    g.add({
        "logName": f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Factivity",
        "resource": {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}},
        "severity": "NOTICE",
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "authenticationInfo": {"principalEmail": "oncall-dev@example.com"},
            "requestMetadata": {"callerIp": "104.132.34.71", "callerSuppliedUserAgent": "google-cloud-sdk gcloud/303.0.0 command/gcloud.beta.run.deploy invocation-id/" + g.hexid(32) + " environment/None environment-version/None interactive/True from-script/False python/3.7.3 term/xterm-256color (Macintosh; Intel Mac OS X 19.6.0),gzip(gfe)"},
            "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest", "name": f"namespaces/{PROJECT}/services/{SERVICE}"},
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service", "metadata": {"name": SERVICE, "generation": 2}},
        },
        "insertId": "-" + g.hexid(10),
    }, DEPLOY_AT)
    g.add({
        "logName": f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Fsystem_event",
        "resource": g.resource(REV2),
        "severity": "INFO",
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "run.googleapis.com",
            "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/revisions/{REV2}",
            "status": {"message": "Ready condition status changed to True for Revision " + REV2 + "."},
            "response": {"kind": "Revision", "metadata": {"name": REV2}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        },
        "insertId": g.hexid(12),
    }, REV2_READY)

    # instance B start-up (fresh instance, empty local cache)
    t = INST_B_START
    g.klog(t, REV2, inst_b, "I", "disk.go:151", "default disk path: /app/pcache/config.yaml.pc")
    g.klog(t + timedelta(milliseconds=2), REV2, inst_b, "I", "disk.go:49", "Initializing with /app/pcache/config.yaml.pc ...")
    g.klog(t + timedelta(milliseconds=3), REV2, inst_b, "I", "disk.go:79", "0 items loaded from disk")
    g.klog(t + timedelta(milliseconds=41), REV2, inst_b, "I", "main.go:137", "Loaded 27 rules")
    g.klog(t + timedelta(milliseconds=44), REV2, inst_b, "I", "main.go:158", "Starting update loop: &{cache:map[] mu:{w:{state:0 sema:0} writerSem:0 readerSem:0 readerCount:0 readerWait:0} ...}")
    g.text(t + timedelta(milliseconds=46), REV2, inst_b, "stdout", "*** teaparty is listening at :8080 ... ***")
    # first full gathering run, which takes minutes on an empty cache
    g.klog(t + timedelta(milliseconds=60), REV2, inst_b, "W", "updater.go:313", ">>> RunOnce has force enabled")
    tt = t + timedelta(milliseconds=80)
    for c in COLLECTIONS + ["__open__", "__velocity__"]:
        g.klog(tt, REV2, inst_b, "I", "updater.go:222", f'>>> updating "{c}" with data newer than 0101 00:00:00 >>>')
        pages = rng.randint(3, 9) if c in ("daily", "__open__") else rng.randint(1, 3)
        for pg in range(1, pages + 1):
            tt += timedelta(seconds=rng.uniform(1.5, 4.5))
            g.klog(tt, REV2, inst_b, "I", "issue.go:73", f"Downloading open issues for {TRACKED} (page {pg})...")
        for _ in range(rng.randint(2, 6)):
            tt += timedelta(seconds=rng.uniform(0.6, 2.2))
            g.klog(tt, REV2, inst_b, "I", "issue.go:150", f"Downloading comments for {TRACKED} #{rng.randint(1200, 4600)} (page 1)...")
        tt += timedelta(seconds=rng.uniform(0.5, 1.5))
        if tt > DATA_READY:
            tt = DATA_READY - timedelta(seconds=rng.uniform(0.5, 2.0))
        g.klog(tt, REV2, inst_b, "I", "updater.go:228",
               f'<<< updated "{c}" to {tt.strftime("%m%d %H:%M:%S")} (oldest input: {t.strftime("%m%d %H:%M:%S")}, duration: {(tt - t).total_seconds():.6f}s) <<<')
    g.klog(DATA_READY + timedelta(seconds=0.4), REV2, inst_b, "I", "updater.go:307", f"update cycle #1 took {(DATA_READY - t).total_seconds() + 0.4:.6f}s")

    # requests that reach revision 2 before the cache is populated -> panic in collectionPage
    panic_ids = []
    gid = 87
    first_load = [
        datetime(2020, 7, 30, 22, 37, 3, 118000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 37, 41, 620000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 38, 5, 9000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 38, 27, 455000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 38, 50, 731000, tzinfo=timezone.utc),
        QUOTED_PANIC_AT - timedelta(microseconds=1811),
        datetime(2020, 7, 30, 22, 39, 35, 902000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 39, 58, 264000, tzinfo=timezone.utc),
        datetime(2020, 7, 30, 22, 40, 21, 377000, tzinfo=timezone.utc),
    ]
    for i, t in enumerate(first_load):
        c = "daily" if i % 3 != 2 else rng.choice(["weekly", "p0"])
        path = f"/s/{c}"
        remote = clients[i % 5]
        ua = UAS[i % len(UAS)]
        if i in (0, 3, 6):
            g.request(t - timedelta(milliseconds=40), REV2, inst_b, "GET", "/", 303, 43, 0.0011, ua, remote)
        port = 45590 if t.second == 12 and t.minute == 39 else next(fe_ports)
        g.klog(t + timedelta(microseconds=210), REV2, inst_b, "W", "updater.go:108", f"{c} unavailable, but not blocking: happily returning nil")
        g.klog(t + timedelta(microseconds=260), REV2, inst_b, "E", "page.go:59", f'lookup "{c}" returned no data')
        g.klog(t + timedelta(microseconds=1480), REV2, inst_b, "I", "page.go:39", f'Served "{c}" request within {rng.uniform(1.1, 1.6):.6f}ms')
        when = t + timedelta(microseconds=1811)
        e = g.text(when, REV2, inst_b, "stderr", panic_text(when, port, c, gid, rng))
        panic_ids.append(e["insertId"])
        gid += rng.randint(3, 40)
        g.request(t, REV2, inst_b, "GET", path, 503, 0, rng.uniform(0.002, 0.006), ua, remote)

    # ---------------- revision 2 after the first load ---------------------------
    t = DATA_READY + timedelta(seconds=rng.uniform(3, 10))
    while t < WIN_END - timedelta(seconds=5):
        serve_ok(t, REV2, inst_b)
        t += timedelta(seconds=rng.expovariate(1 / 9.0))
    t = DATA_READY + timedelta(seconds=rng.uniform(200, 300))
    cycle = 2
    while t < WIN_END - timedelta(seconds=60):
        dur = rng.uniform(18, 55)
        for c in rng.sample(COLLECTIONS, 3):
            t2 = t + timedelta(seconds=rng.uniform(0.1, 2))
            g.klog(t2, REV2, inst_b, "I", "updater.go:222", f'>>> updating "{c}" with data newer than {(t - timedelta(minutes=8)).strftime("%m%d %H:%M:%S")} >>>')
            g.klog(t2 + timedelta(seconds=dur / 3), REV2, inst_b, "I", "updater.go:228",
                   f'<<< updated "{c}" to {(t2 + timedelta(seconds=dur / 3)).strftime("%m%d %H:%M:%S")} (oldest input: {(t - timedelta(minutes=7)).strftime("%m%d %H:%M:%S")}, duration: {dur / 3:.6f}s) <<<')
        g.klog(t + timedelta(seconds=dur), REV2, inst_b, "I", "updater.go:307", f"update cycle #{cycle} took {dur:.6f}s")
        if cycle == 3:
            g.klog(t + timedelta(seconds=dur + 0.2), REV2, inst_b, "I", "updater.go:293", "Should persist: we have new data, and it's been 8m6.102s since the last run")
            g.klog(t + timedelta(seconds=dur + 0.2), REV2, inst_b, "I", "updater.go:261", "*** Started to persist ...")
            g.klog(t + timedelta(seconds=dur + 0.3), REV2, inst_b, "I", "disk.go:104", "*** Saving 1873 items to disk cache at /app/pcache/config.yaml.pc")
            g.klog(t + timedelta(seconds=dur + 1.1), REV2, inst_b, "I", "updater.go:264", "*** Persist complete! Took 0.912s")
        cycle += 1
        t += timedelta(seconds=rng.uniform(240, 420))

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, panic_ids, inst_b


def service_json():
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "uid": "5d0c6f3e-2b1a-4f0e-9c61-0a8f3d7b2e14",
        "generation": "2",
        "createTime": "2020-07-28T18:35:12.331905Z",
        "updateTime": ts(DEPLOY_AT),
        "creator": "oncall-dev@example.com",
        "lastModifier": "oncall-dev@example.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 1000},
            "timeout": "300s",
            "serviceAccount": f"{123456789012}-compute@developer.gserviceaccount.com",
            "maxInstanceRequestConcurrency": 80,
            "containers": [{
                "image": IMAGE2,
                "ports": [{"name": "http1", "containerPort": 8080}],
                "env": [{"name": "GITHUB_TOKEN", "value": "<redacted>"}],
                "resources": {"limits": {"cpu": "1000m", "memory": "384Mi"}, "cpuIdle": True},
            }],
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "2",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(REV2_READY)},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(REV2_READY)},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(REV2_READY)},
        ],
        "latestReadyRevision": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{REV2}",
        "latestCreatedRevision": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{REV2}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://triage-party-7q3hxk2mza-uc.a.run.app",
        "etag": "\"CJ2Si_kFEKD7xcUB/cHJvamVjdHMvdHBhcnR5LWRlbW8tMzM5MS9sb2NhdGlvbnMvdXMtY2VudHJhbDEvc2VydmljZXMvdHJpYWdlLXBhcnR5\"",
    }


def revision_json(name, image, gen, created, ready):
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}/revisions/{name}",
        "uid": {REV1: "a1f0e7c2-6d55-4e0b-8a9e-3c1b7f2d9e01", REV2: "c7b2d4e9-1a3f-4c8e-b5d6-9e0f1a2b3c4d"}[name],
        "generation": "1",
        "labels": {"serving.knative.dev/configurationGeneration": str(gen), "serving.knative.dev/route": SERVICE},
        "createTime": ts(created),
        "updateTime": ts(ready),
        "launchStage": "GA",
        "service": SERVICE,
        "scaling": {"maxInstanceCount": 1000},
        "timeout": "300s",
        "serviceAccount": "123456789012-compute@developer.gserviceaccount.com",
        "maxInstanceRequestConcurrency": 80,
        "containers": [{
            "image": image,
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": [{"name": "GITHUB_TOKEN", "value": "<redacted>"}],
            "resources": {"limits": {"cpu": "1000m", "memory": "384Mi"}, "cpuIdle": True},
        }],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
        ],
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
    }


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g, panic_ids, _ = build()
    (out / "logging").mkdir(parents=True, exist_ok=True)
    (out / "run" / "services").mkdir(parents=True, exist_ok=True)
    (out / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV1}.json").write_text(json.dumps(revision_json(
        REV1, IMAGE1, 1, datetime(2020, 7, 28, 18, 35, 13, 0, tzinfo=timezone.utc),
        datetime(2020, 7, 28, 18, 35, 49, 0, tzinfo=timezone.utc)), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV2}.json").write_text(json.dumps(revision_json(
        REV2, IMAGE2, 2, DEPLOY_AT, REV2_READY), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "google/triage-party",
        "commit": "61d4cc78f58e2866187cbf83c2b16dabebb68164",
        "license": "Apache-2.0",
        "language": "go",
        "fix": "https://github.com/google/triage-party/pull/199",
    }, sort_keys=False))
    quoted = panic_ids[5]
    case = {
        "id": CASE_ID,
        "title": "Go panic stack traces and 503s on the collection pages right after a new triage-party instance came up",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2020-07-30T21:30:00Z", "end": "2020-07-30T23:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": [
                "https://github.com/google/triage-party/issues/195",
                "https://github.com/google/triage-party/pull/199",
            ],
            "verbatim": [
                "http: panic serving 169.254.8.129:45590: runtime error: invalid memory address or nil pointer dereference",
                "github.com/google/triage-party/pkg/site.(*Handlers).collectionPage",
                "github.com/google/triage-party/pkg/site.(*Handlers).Collection.func1",
                "page.go:96",
                "collection.go:65",
                "net/http.(*conn).serve.func1",
            ],
            "reconstructed": (
                "The issue quotes one Cloud Run panic (at 2020/07/30 22:39:12, frames page.go:96 and collection.go:65) "
                "seen while a new instance did its very first load, and PR #199 says the panics and 'Service unavailable' "
                "errors went away after a nil check on result.Collection. Everything else is generated by "
                "evals/realgen/triage-party-startup-panic.py with random.Random(195199): the invented project "
                "tparty-demo-3391, the service name, two revisions (00001 healthy before the window's redeploy, 00002 "
                "deployed at 22:36 whose fresh instance starts with an empty disk cache), the ReplaceService audit entry, "
                "klog start-up and update-loop lines worded as the pre-fix code (commit 61d4cc7) logs them, the full Go "
                "stack trace around the quoted frames (Go 1.14 server.go line numbers as quoted, /src/tparty build path "
                "from the repo's Dockerfile), nine panicking first-load requests answered 503, background page and static "
                "traffic, scanner redirects and a 5-minute uptime check. The 384Mi memory limit comes from the repo's "
                "Cloud Run deploy script. Judgment calls: the panicking requests are logged as 503 with no platform text "
                "(the issue only says 'Service not available'); stderr lines carry severity DEFAULT."
            ),
            "project": "google/triage-party",
            "language": "go",
            "covers": ["crash"],
        },
        "expect": {
            "root_causes": ["container-crash"],
            "not_above": ["bad-deploy-regression", "cold-start-latency", "downstream-dependency"],
            "must_cite": [
                "pkg/site/page.go:96",
                [f"run.googleapis.com/stderr#{quoted}"] + [f"run.googleapis.com/stderr#{i}" for i in panic_ids if i != quoted],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries")
