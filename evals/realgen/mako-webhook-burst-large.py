#!/usr/bin/env python3
"""Generator for the LARGE real-incident case `mako-webhook-burst-large`.

Sources: https://github.com/mako-ai/mako/pull/907 , https://github.com/mako-ai/mako/pull/905
A Close CDC webhook burst (~810 req/min) plus 17-26 s Inngest handlers hit a Cloud Run
service with one guaranteed instance and a ~30 s cold start; requests were refused with
"The request was aborted because there was no available instance". min-instances had been
raised to 3 by hand (mako-00253) but the next CI deploy (#905, mako-00255) put it back to 1,
and the 429s came back two minutes later.

Streams >200k LogEntry lines in timestamp order (one minute of entries buffered at a time).
The case is never committed; it is generated into evals/.generated.
"""
from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = True
CASE_ID = "mako-webhook-burst-large"
SEED = 907905
PROJECT = "makoapp-prod-4821"
PROJECT_NUMBER = "604118273390"
REGION = "europe-west1"
SERVICE = "mako"
RUN_URL = "https://mako-604118273390.europe-west1.run.app"
APP_URL = "https://app.mako.ai"
IMAGE_REPO = f"{REGION}-docker.pkg.dev/{PROJECT}/mako/mako"
CI_SA = f"github-deployer@{PROJECT}.iam.gserviceaccount.com"
RUNTIME_SA = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
HUMAN = "joan@mako.ai"

WIN_START = datetime(2026, 8, 31, 23, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 9, 1, 11, 30, 0, tzinfo=timezone.utc)

# Revisions (names from the PR; suffixes invented). 00252 is the invented predecessor.
REV252 = "mako-00252-qx4"
REV253 = "mako-00253-fp9"
REV255 = "mako-00255-wzt"
IMG_OLD = IMAGE_REPO + ":8c1f0e6b2d9a4c7e5f3b1a0d9e8c7b6a5f4e3d2c"
IMG_905 = IMAGE_REPO + ":3e7a9d1c5b2f8e0a4d6c9b1e3f5a7c8d0b2e4f6a"

NO_INSTANCE = ("The request was aborted because there was no available instance. "
               "Additional troubleshooting documentation can be found at: "
               "https://cloud.google.com/run/docs/troubleshooting#abort-request")

LN_REQ = f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests"
LN_OUT = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstdout"
LN_ERR = f"projects/{PROJECT}/logs/run.googleapis.com%2Fstderr"
LN_SYS = f"projects/{PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem"
LN_ACT = f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Factivity"
LN_SEV = f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Fsystem_event"


def T(h, m, s=0.0, day=1):
    base = datetime(2026, 8 if day == 31 else 9, day, 0, 0, 0, tzinfo=timezone.utc)
    return base + timedelta(hours=h, minutes=m, seconds=s)


def ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def dumps(o) -> str:
    return json.dumps(o, sort_keys=True, separators=(",", ":"))


def resource(rev):
    return {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
        "revision_name": rev, "configuration_name": SERVICE}}


# ---------------------------------------------------------------- instances
class Inst:
    __slots__ = ("iid", "rev", "start", "ready", "stop", "reason")

    def __init__(self, iid, rev, start, ready, stop, reason):
        self.iid, self.rev, self.start, self.ready, self.stop, self.reason = iid, rev, start, ready, stop, reason


REASONS = {
    "AUTOSCALING": "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling "
                   "factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.",
    "DEPLOYMENT_ROLLOUT": "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started because of a new revision rollout.",
    "MIN_INSTANCES": "Starting new instance. Reason: MIN_INSTANCES - Instance started because of customer-configured "
                     "min-instances or manual scaling.",
}

# bursts of Close CDC webhooks: (start, end, extra webhook req/min)
BURSTS = [
    (T(0, 47, 10, day=1), T(0, 49, 50, day=1), 380),
    (T(2, 39, 0), T(2, 41, 40), 470),
    (T(5, 1, 40), T(5, 5, 10), 670),     # 07:02 CEST incident
    (T(8, 12, 0), T(8, 14, 30), 520),
    (T(9, 41, 0), T(9, 44, 0), 650),
    (T(11, 16, 0), T(11, 19, 20), 670),  # 13:16 CEST incident
]
# windows in which the front end refuses requests: (start, end, refuse probability, status)
REFUSE = [
    (T(5, 2, 6), T(5, 2, 37), 0.93, 500),
    (T(11, 16, 7), T(11, 16, 49), 0.88, 429),
]
T_UPDATE = T(11, 6, 11)       # gcloud run services update --min-instances=3  -> mako-00253
T_253_READY = T(11, 6, 44)
T_DEPLOY = T(11, 14, 3)       # CI deploy of #905 -> mako-00255 (min 1)
T_255_READY = T(11, 14, 39)


def serving_rev(t):
    if t < T_253_READY:
        return REV252
    if t < T_255_READY:
        return REV253
    return REV255


def build_instances(rng):
    def iid():
        return "%096x" % rng.getrandbits(384)
    L = []

    def add(rev, start, boot, stop, reason):
        L.append(Inst(iid(), rev, start, start + timedelta(seconds=boot), stop, reason))
    far = WIN_END + timedelta(hours=1)
    pre = WIN_START - timedelta(hours=5)
    # mako-00252: one min instance alive all night, autoscaled helpers around the traffic
    add(REV252, pre, 29, T(11, 7, 20), "MIN_INSTANCES")
    add(REV252, pre + timedelta(minutes=40), 31, T(0, 12, 0), "AUTOSCALING")
    add(REV252, T(0, 47, 2), 30.5, T(1, 31, 0), "AUTOSCALING")
    add(REV252, T(0, 47, 5), 31.8, T(1, 6, 0), "AUTOSCALING")
    add(REV252, T(2, 38, 55), 29.6, T(3, 22, 0), "AUTOSCALING")
    add(REV252, T(2, 39, 1), 32.1, T(3, 5, 0), "AUTOSCALING")
    # 05:02 burst: scale-out from one instance, ~30 s cold start
    for d, boot in ((6.4, 29.8), (6.9, 30.6), (7.3, 31.2), (9.8, 30.1)):
        stop = T(11, 7, 20) if d < 7.0 else T(6, 10 + int(d), 0)
        add(REV252, T(5, 2, d), boot, stop, "AUTOSCALING")
    add(REV252, T(6, 48, 12), 30.4, T(11, 7, 20), "AUTOSCALING")
    add(REV252, T(8, 11, 58), 29.9, T(8, 52, 0), "AUTOSCALING")
    add(REV252, T(9, 40, 40), 30.8, T(10, 21, 0), "AUTOSCALING")
    add(REV252, T(9, 40, 44), 31.5, T(10, 12, 0), "AUTOSCALING")
    # mako-00253: three warm instances
    for d, boot in ((0.0, 29.7), (0.4, 30.9), (0.9, 31.4)):
        add(REV253, T_UPDATE + timedelta(seconds=3 + d), boot, T(11, 15, 2), "DEPLOYMENT_ROLLOUT" if d == 0.0 else "MIN_INSTANCES")
    # mako-00255: back to one guaranteed instance
    add(REV255, T_DEPLOY + timedelta(seconds=4), 30.2, far, "DEPLOYMENT_ROLLOUT")
    add(REV255, T(11, 15, 5), 30.7, far, "AUTOSCALING")
    for d, boot in ((7.8, 30.1), (8.2, 31.0), (8.5, 29.8), (12.9, 30.4)):
        add(REV255, T(11, 16, d), boot, far, "AUTOSCALING")
    return L


# ---------------------------------------------------------------- generator
class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.insts = build_instances(self.rng)
        r = self.rng
        self.workspaces = ["%024x" % r.getrandbits(96) for _ in range(14)]
        self.close_flows = [(r.choice(self.workspaces[:5]), "%024x" % r.getrandbits(96)) for _ in range(9)]
        self.ips = [f"{r.randint(20, 220)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" for _ in range(60)]
        self.close_ips = ["34.232.%d.%d" % (r.randint(0, 255), r.randint(1, 254)) for _ in range(6)]
        self.inngest_ips = ["3.%d.%d.%d" % (r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)) for _ in range(4)]
        self.seq = 0

    def iid(self):
        self.seq += 1
        return "%08x%016x" % (self.seq, self.rng.getrandbits(64))

    def ready_instances(self, t, rev):
        return [i for i in self.insts if i.rev == rev and i.ready <= t < i.stop]

    # ---- entries
    def request(self, t, method, url, status, lat, ua, ip, reqsz, respsz, inst, rev, text=None):
        r = self.rng
        e = {
            "httpRequest": {"latency": "%.6fs" % lat, "protocol": "HTTP/1.1", "remoteIp": ip,
                            "requestMethod": method, "requestSize": str(reqsz), "requestUrl": url,
                            "responseSize": str(respsz), "serverIp": "216.239.36.53", "status": status,
                            "userAgent": ua},
            "insertId": self.iid(),
            "logName": LN_REQ,
            "receiveTimestamp": ts(t + timedelta(seconds=lat + 0.05 + r.random() * 0.2)),
            "resource": resource(rev),
            "severity": "ERROR" if status >= 500 else ("WARNING" if status >= 400 else "INFO"),
            "spanId": "%016x" % r.getrandbits(64),
            "timestamp": ts(t),
            "trace": f"projects/{PROJECT}/traces/%032x" % r.getrandbits(128),
        }
        if inst is not None:
            e["labels"] = {"instanceId": inst.iid}
        if text:
            e["textPayload"] = text
        return e

    def app(self, t, inst, severity, message, category, extra=None, stream="stdout"):
        p = {"message": message, "service": SERVICE, "version": inst.rev, "env": "production", "category": category}
        if extra:
            p.update(extra)
        return {"insertId": self.iid(), "jsonPayload": p,
                "labels": {"instanceId": inst.iid, "service": SERVICE, "revision": inst.rev, "category": category},
                "logName": LN_OUT if stream == "stdout" else LN_ERR,
                "receiveTimestamp": ts(t + timedelta(seconds=0.3)), "resource": resource(inst.rev),
                "severity": severity, "timestamp": ts(t)}

    def sysline(self, t, inst, text):
        return {"insertId": self.iid(), "labels": {"instanceId": inst.iid}, "logName": LN_SYS,
                "receiveTimestamp": ts(t + timedelta(seconds=0.4)), "resource": resource(inst.rev),
                "severity": "INFO", "textPayload": text, "timestamp": ts(t)}

    def lifecycle(self):
        """Instance start/stop entries, as (time, entry)."""
        out = []
        r = self.rng
        for i in self.insts:
            if i.start >= WIN_START:
                out.append((i.start, self.sysline(i.start, i, REASONS[i.reason])))
                t = i.start + timedelta(seconds=3.1 + r.random())
                out.append((t, self.app(t, i, "WARNING", "No .env file found, environment variables must be set another way",
                                        "app", {"path": "/app/api/.env"}, "stderr")))
                t = i.start + timedelta(seconds=9.0 + r.random() * 2)
                out.append((t, self.app(t, i, "INFO", "Connector registry loaded", "connector",
                                        {"connectors": 31, "durationMs": int(5200 + r.random() * 1500)})))
                t = i.ready - timedelta(seconds=3.2 + r.random())
                out.append((t, self.app(t, i, "INFO", "Connected to MongoDB", "db",
                                        {"durationMs": int(12000 + r.random() * 4000), "poolSize": 20})))
                t = i.ready - timedelta(seconds=1.1)
                out.append((t, self.app(t, i, "INFO", "Server starting", "app", {
                    "port": 8080, "environment": "production",
                    "endpoints": {"api": "/api/*", "inngest": "/api/inngest", "health": "/health"}})))
                t = i.ready - timedelta(seconds=0.4)
                out.append((t, self.sysline(t, i, 'Default STARTUP TCP probe succeeded after 1 attempt for container "mako-1" on port 8080.')))
                if r.random() < 0.35:
                    t = i.ready + timedelta(seconds=2.5 + r.random() * 3)
                    out.append((t, self.app(t, i, "WARNING", "Startup pricing cache warm failed", "app",
                                            {"error": "fetch failed"}, "stderr")))
            if i.stop <= WIN_END:
                out.append((i.stop, self.app(i.stop, i, "INFO", "Graceful shutdown initiated", "app", {"signal": "SIGTERM"})))
                t = i.stop + timedelta(seconds=0.2)
                out.append((t, self.app(t, i, "INFO", "Closing MongoDB connection pool", "db")))
        return out

    def audits(self):
        out = []
        self.decisive = {}

        def tmpl(minscale, image, rev_annot_user):
            return {"metadata": {"annotations": {
                "autoscaling.knative.dev/maxScale": "15", "autoscaling.knative.dev/minScale": minscale,
                "run.googleapis.com/client-name": "gcloud", "run.googleapis.com/client-version": "538.0.0",
                "run.googleapis.com/network-interfaces": '[{"network":"mako-vpc","subnetwork":"mako-subnet"}]',
                "run.googleapis.com/vpc-access-egress": "all-traffic",
                "run.googleapis.com/startup-cpu-boost": "true"}},
                "spec": {"containerConcurrency": 10, "serviceAccountName": RUNTIME_SA, "timeoutSeconds": 3600,
                         "containers": [{"image": image, "name": "mako-1", "ports": [{"containerPort": 8080, "name": "http1"}],
                                         "resources": {"limits": {"cpu": "1", "memory": "4Gi"}}}]}}

        def act(t, who, ua, minscale, image, caller_ip):
            e = {"insertId": "%012x" % self.rng.getrandbits(48), "logName": LN_ACT,
                 "protoPayload": {
                     "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                     "authenticationInfo": {"principalEmail": who},
                     "authorizationInfo": [{"granted": True, "permission": "run.services.update",
                                            "resource": f"namespaces/{PROJECT}/services/{SERVICE}",
                                            "resourceAttributes": {}}],
                     "methodName": "google.cloud.run.v1.Services.ReplaceService",
                     "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                                 "name": f"namespaces/{PROJECT}/services/{SERVICE}", "region": REGION,
                                 "service": {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                                             "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                                             "spec": {"template": tmpl(minscale, image, who)}}},
                     "requestMetadata": {"callerIp": caller_ip, "callerSuppliedUserAgent": ua},
                     "resourceLocation": {"currentLocations": [REGION]},
                     "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
                     "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                                  "apiVersion": "serving.knative.dev/v1", "kind": "Service",
                                  "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER}},
                     "serviceName": "run.googleapis.com"},
                 "receiveTimestamp": ts(t + timedelta(seconds=0.9)),
                 "resource": {"type": "cloud_run_revision", "labels": {
                     "configuration_name": "", "location": REGION, "project_id": PROJECT,
                     "revision_name": "", "service_name": SERVICE}},
                 "severity": "NOTICE", "timestamp": ts(t)}
            return e

        def sev(t, rev, msg_rev):
            return {"insertId": "%012x" % self.rng.getrandbits(48), "logName": LN_SEV,
                    "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                                     "methodName": "/Services.ReplaceService",
                                     "resourceName": f"namespaces/{PROJECT}/revisions/{rev}",
                                     "serviceName": "run.googleapis.com",
                                     "status": {"message": msg_rev}},
                    "receiveTimestamp": ts(t + timedelta(seconds=0.7)),
                    "resource": resource(rev), "severity": "INFO", "timestamp": ts(t)}

        a1 = act(T_UPDATE, HUMAN,
                 "google-cloud-sdk gcloud/538.0.0 command/gcloud.run.services.update invocation-id/5d2c1f0e9a8b4c7d environment/None environment-version/None client-os/MACOSX client-os-ver/24.6.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.8 term/xterm-256color (Macintosh; Intel Mac OS X 24.6.0),gzip(gfe)",
                 "3", IMG_OLD, "83.44.%d.%d" % (self.rng.randint(0, 255), self.rng.randint(1, 254)))
        out.append((T_UPDATE, a1))
        out.append((T_253_READY, sev(T_253_READY, REV253, f"Ready condition status changed to True for Revision {REV253}.")))
        a2 = act(T_DEPLOY, CI_SA,
                 "google-cloud-sdk gcloud/538.0.0 command/gcloud.run.deploy invocation-id/b81e04c7f2a94d3e environment/GitHubActions environment-version/None client-os/LINUX client-os-ver/6.11.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.8 term/ (Linux 6.11.0-1018-azure),gzip(gfe)",
                 "1", IMG_905, "20.%d.%d.%d" % (self.rng.randint(0, 255), self.rng.randint(0, 255), self.rng.randint(1, 254)))
        out.append((T_DEPLOY, a2))
        out.append((T_255_READY, sev(T_255_READY, REV255, f"Ready condition status changed to True for Revision {REV255}.")))
        self.decisive["update"] = a1["insertId"]
        self.decisive["deploy"] = a2["insertId"]
        return out

    # ---- traffic for one minute
    def minute(self, m0: datetime):
        r = self.rng
        h = m0.hour + m0.minute / 60.0
        if m0.day == 31 or h < 5.0:
            f = 1.0
        elif h < 7.0:
            f = 1.0 + 0.45 * (h - 5.0) / 2.0
        else:
            f = 1.45
        m1 = m0 + timedelta(minutes=1)
        extra = 0.0
        for b0, b1, x in BURSTS:
            ov = (min(m1, b1) - max(m0, b0)).total_seconds()
            if ov > 0:
                extra += x * ov / 60.0
        n_hook = max(0, int(r.gauss(150 * f + extra, 6)))
        n_inng = max(0, int(r.gauss(62 * f + 0.22 * extra, 4)))
        n_ui = max(0, int(r.gauss(8 if f == 1.0 else 8 + 62 * (f - 1.0) / 0.45, 2)))
        out = []
        ready_cache = {}

        def pick(t):
            rev = serving_rev(t)
            key = (rev, int(t.timestamp()) // 5)
            lst = ready_cache.get(key)
            if lst is None:
                lst = self.ready_instances(t, rev)
                ready_cache[key] = lst
            return rev, (r.choice(lst) if lst else None)

        def refused(t):
            for a, b, p, st in REFUSE:
                if a <= t < b and r.random() < p:
                    return st
            return 0

        def emit(t, method, url, status, lat, ua, ip, reqsz, respsz):
            st = refused(t)
            rev, inst = pick(t)
            if st or inst is None:
                st = st or 429
                e = self.request(t, method, url, st, 0.4 + r.random() * (9.0 if st == 429 else 2.5), ua, ip,
                                 reqsz, 0, None, rev, NO_INSTANCE)
                out.append((t, e))
                self.decisive.setdefault(("refused", st), []).append(e["insertId"])
                return None
            out.append((t, self.request(t, method, url, status, lat, ua, ip, reqsz, respsz, inst, rev)))
            return inst

        for _ in range(n_hook):
            t = m0 + timedelta(seconds=r.random() * 60)
            ws, fl = r.choice(self.close_flows)
            if r.random() < 0.004:
                url = f"{APP_URL}/api/webhooks/{r.choice(self.workspaces)}/{'%024x' % r.getrandbits(96)}"
                inst = emit(t, "POST", url, 404, 0.01 + r.random() * 0.04, "Close Webhooks", r.choice(self.close_ips), 1900, 36)
                if inst is not None:
                    tw = t + timedelta(seconds=0.01)
                    out.append((tw, self.app(tw, inst, "WARNING", "Webhook received for invalid flow",
                                                                      "http", {"flowId": url.rsplit("/", 1)[1]}, "stderr")))
                continue
            lat = 0.035 + r.lognormvariate(-2.4, 0.7)
            emit(t, "POST", f"{APP_URL}/api/webhooks/{ws}/{fl}", 200, lat, "Close Webhooks",
                 r.choice(self.close_ips), r.randint(1400, 4200), 27)
        for _ in range(n_inng):
            t = m0 + timedelta(seconds=r.random() * 60)
            u = r.random()
            if u < 0.7:
                fn = "mako-webhook-event-process-cdc"
            elif u < 0.85:
                fn = "mako-cdc-materialize"
            elif u < 0.95:
                fn = "mako-scheduled-flow"
            else:
                fn = "mako-sync-backfill-entity"
            long = r.random() < (0.16 if extra > 0 else 0.05)
            lat = (17.0 + r.random() * 9.0) if long else (0.15 + r.lognormvariate(0.0, 0.9))
            inst = emit(t, "POST", f"{RUN_URL}/api/inngest?fnId={fn}&stepId=step", 206 if r.random() < 0.6 else 200, lat,
                        "inngest-js:v3.44.2", r.choice(self.inngest_ips), r.randint(600, 9000), r.randint(40, 1800))
            if inst is not None and r.random() < 0.04:
                t2 = t + timedelta(seconds=lat)
                out.append((t2, self.app(t2, inst, "INFO", "Inngest step completed", "inngest",
                                         {"functionId": fn, "durationMs": int(lat * 1000)})))
        for _ in range(n_ui):
            t = m0 + timedelta(seconds=r.random() * 60)
            ws = r.choice(self.workspaces)
            u = r.random()
            ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36"
            ip = r.choice(self.ips)
            if u < 0.25:
                emit(t, "GET", f"{APP_URL}/api/workspaces/{ws}/consoles", 200, 0.04 + r.random() * 0.2, ua, ip, 900, r.randint(2000, 40000))
            elif u < 0.45:
                emit(t, "GET", f"{APP_URL}/api/workspaces/{ws}/flows", 200, 0.05 + r.random() * 0.25, ua, ip, 900, r.randint(1500, 22000))
            elif u < 0.65:
                emit(t, "POST", f"{APP_URL}/api/workspaces/{ws}/execute", 200, 0.3 + r.lognormvariate(0.0, 0.8), ua, ip, r.randint(400, 3000), r.randint(500, 90000))
            elif u < 0.75:
                st = 499 if r.random() < 0.15 else 200
                emit(t, "POST", f"{APP_URL}/api/workspaces/{ws}/chats", st, 2.0 + r.random() * 30, ua, ip, r.randint(800, 6000), 0 if st == 499 else r.randint(3000, 60000))
            elif u < 0.9:
                emit(t, "GET", f"{APP_URL}/api/workspaces", 200, 0.03 + r.random() * 0.08, ua, ip, 850, r.randint(800, 4000))
            else:
                emit(t, "GET", f"{APP_URL}/", 200, 0.004 + r.random() * 0.01, ua, ip, 700, 2311)
        for k in range(2):
            t = m0 + timedelta(seconds=7 + 30 * k + r.random())
            emit(t, "GET", f"{RUN_URL}/health", 200, 0.002 + r.random() * 0.004, "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)",
                 "35.%d.%d.%d" % (r.randint(180, 190), r.randint(0, 255), r.randint(1, 254)), 180, 15)
        return out


def service_json():
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "uid": "0b7d3c52-6f1e-4a9b-8d27-3e5f90c1a6b4",
        "generation": "255",
        "labels": {},
        "annotations": {},
        "createTime": "2025-11-20T10:12:44.118305Z",
        "updateTime": ts(T_DEPLOY),
        "creator": HUMAN,
        "lastModifier": CI_SA,
        "client": "gcloud",
        "clientVersion": "538.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": 15},
            "vpcAccess": {"egress": "ALL_TRAFFIC", "networkInterfaces": [{"network": "mako-vpc", "subnetwork": "mako-subnet"}]},
            "timeout": "3600s",
            "serviceAccount": RUNTIME_SA,
            "containers": [{
                "name": "mako-1", "image": IMG_905,
                "ports": [{"name": "http1", "containerPort": 8080}],
                "env": [{"name": "NODE_ENV", "value": "production"}, {"name": "BASE_URL", "value": APP_URL},
                        {"name": "CLIENT_URL", "value": APP_URL}, {"name": "DASHBOARD_ARTIFACT_STORE", "value": "gcs"}],
                "resources": {"limits": {"cpu": "1", "memory": "4Gi"}, "cpuIdle": True, "startupCpuBoost": True},
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "maxInstanceRequestConcurrency": 10,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "255",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(T_255_READY)},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(T_255_READY)},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(T_255_READY)},
        ],
        "latestReadyRevision": f"projects/{PROJECT}/locations/{REGION}/revisions/{REV255}",
        "latestCreatedRevision": f"projects/{PROJECT}/locations/{REGION}/revisions/{REV255}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": RUN_URL,
        "urls": [RUN_URL, "https://mako-lq3v7k2xza-ew.a.run.app"],
        "etag": "\"CLeE1sUGEJjR7KAB/cHJvamVjdHMvbWFrb2FwcC1wcm9kLTQ4MjEvbG9jYXRpb25zL2V1cm9wZS13ZXN0MS9zZXJ2aWNlcy9tYWtv\"",
    }


def revision_json(rev, gen, created, ready, minc, image, modifier):
    return {
        "name": f"projects/{PROJECT}/locations/{REGION}/revisions/{rev}",
        "uid": {"mako-00252-qx4": "4f0c9e1a-77d2-4b65-9a3e-0c8b51d2e7f9",
                "mako-00253-fp9": "9a6e2d40-3b1f-4c8a-b5e7-61d0c2f4a813",
                "mako-00255-wzt": "c3d81f57-0e9b-4a26-8f14-7b5a9e6d20c1"}[rev],
        "generation": "1",
        "labels": {"serving.knative.dev/route": SERVICE, "serving.knative.dev/service": SERVICE},
        "annotations": {},
        "createTime": ts(created),
        "updateTime": ts(ready),
        "launchStage": "GA",
        "service": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "scaling": {"minInstanceCount": minc, "maxInstanceCount": 15},
        "vpcAccess": {"egress": "ALL_TRAFFIC", "networkInterfaces": [{"network": "mako-vpc", "subnetwork": "mako-subnet"}]},
        "timeout": "3600s",
        "serviceAccount": RUNTIME_SA,
        "containers": [{"name": "mako-1", "image": image, "ports": [{"name": "http1", "containerPort": 8080}],
                        "resources": {"limits": {"cpu": "1", "memory": "4Gi"}, "cpuIdle": True, "startupCpuBoost": True},
                        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}}],
        "maxInstanceRequestConcurrency": 10,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "observedGeneration": "1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(ready)},
        ],
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{rev}",
    }


def write(out_parent: Path) -> int:
    t_start = time.time()
    d = Path(out_parent) / CASE_ID
    (d / "logging").mkdir(parents=True, exist_ok=True)
    (d / "run" / "services").mkdir(parents=True, exist_ok=True)
    (d / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    g = Gen()
    # special (non-traffic) entries, bucketed by minute
    special = {}
    for t, e in g.lifecycle() + g.audits():
        if WIN_START <= t < WIN_END:
            special.setdefault(int((t - WIN_START).total_seconds() // 60), []).append((t, e))
    n = 0
    first_line = {}
    total_min = int((WIN_END - WIN_START).total_seconds() // 60)
    with open(d / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        carry = []
        refused_429 = []
        for k in range(total_min + 1):
            m0 = WIN_START + timedelta(minutes=k)
            m1 = m0 + timedelta(minutes=1)
            if k < total_min:
                batch = g.minute(m0) + special.get(k, []) + carry
            else:
                batch = [p for p in carry if p[0] < WIN_END]
            carry = [p for p in batch if p[0] >= m1]
            batch = [p for p in batch if p[0] < m1]
            batch.sort(key=lambda p: (p[0], p[1]["insertId"]))
            lines = []
            for t, e in batch:
                n += 1
                if e.get("textPayload") == NO_INSTANCE:
                    first_line.setdefault("refusal", n)
                    if e["httpRequest"]["status"] == 429 and len(refused_429) < 3:
                        refused_429.append(e["insertId"])
                if e["insertId"] in (g.decisive["update"], g.decisive["deploy"]):
                    first_line.setdefault("audit", n)
                lines.append(dumps(e))
            if lines:
                f.write("\n".join(lines) + "\n")
    (d / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), indent=2, sort_keys=True) + "\n")
    revs = [
        (REV252, T(8, 2, 15, day=31), T(8, 2, 52, day=31), 1, IMG_OLD, CI_SA),
        (REV253, T_UPDATE, T_253_READY, 3, IMG_OLD, HUMAN),
        (REV255, T_DEPLOY, T_255_READY, 1, IMG_905, CI_SA),
    ]
    for rev, c, rd, minc, img, who in revs:
        (d / "run" / "revisions" / f"{rev}.json").write_text(
            json.dumps(revision_json(rev, 1, c, rd, minc, img, who), indent=2, sort_keys=True) + "\n")
    r429 = g.decisive[("refused", 429)]
    r500 = g.decisive[("refused", 500)]
    case = {
        "id": CASE_ID,
        "title": "Webhooks and apps get 429 'no available instance' two minutes after a production deploy",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-08-31T23:00:00Z", "end": "2026-09-01T11:30:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/mako-ai/mako/pull/907", "https://github.com/mako-ai/mako/pull/905"],
            "verbatim": [
                "The request was aborted because there was no available instance",
                "mako-00253",
                "mako-00255",
            ],
            "reconstructed": (
                "Everything except the quoted strings is generated by evals/realgen/mako-webhook-burst-large.py "
                "(random.Random(907905)); the case is only generated, never committed. PR #907 gives the story: "
                "at 07:02-07:03 a Close CDC webhook burst (~810 req/min) plus 17-26 s Inngest handlers hit a service "
                "with one guaranteed instance and a ~30 s cold start (connector registry + Mongo connect), so requests "
                "were refused with 'no available instance' for ~30 s; min-instances was set to 3 with gcloud run services "
                "update at 13:06 (mako-00253); the #905 CI deploy at 13:14 passed --min-instances=1 again (mako-00255); "
                "429s 'no available instance' followed at 13:16. Judgment calls: the PR's clock times are read as CEST "
                "(the authors' commits are +0200) and shifted to UTC (05:02, 11:06, 11:14, 11:16); the morning refusals "
                "are written as 500s because the PR calls only the afternoon ones 429s; revision suffixes, the predecessor "
                "revision mako-00252, the project id/number, image digests, principals, instance ids, IPs, workspace/flow "
                "ids, app log messages and all background traffic (Close webhooks, Inngest step callbacks incl. 17-26 s "
                "ones, UI/API calls, uptime checks, absorbed bursts at other times, a few invalid-flow 404s, client "
                "aborts and startup warnings) are invented. Service settings (1 vCPU/4Gi, maxScale 15, concurrency 10, "
                "timeout 3600 s, VPC egress) follow the PR and the repository's deploy workflow as of 2026-05; no "
                "content of PR #905 itself was available beyond what #907 says, and mako-00254 is not mentioned by the "
                "sources so it is left out. The window ends before the manual fix (mako-00256). No repo.yaml: the "
                "stored snapshot of mako-ai/mako ends in 2026-05 and does not contain #907's pre-fix commit."
            ),
            "project": "mako-ai/mako",
            "language": "typescript",
            "covers": ["regression", "timeout-latency"],
        },
        "expect": {
            "root_causes": ["no-available-instance"],
            "also": ["cold-start-latency"],
            "not_above": ["bad-deploy-regression", "concurrency-overload"],
            "must_cite": [
                [f"run.googleapis.com/requests#{x}" for x in refused_429],
                f"cloudaudit.googleapis.com/activity#{g.decisive['deploy']}",
                f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}#template.scaling.minInstanceCount",
            ],
        },
    }
    with open(d / "case.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    dt = time.time() - t_start
    print(f"{CASE_ID}: {n} entries, first refusal line {first_line.get('refusal')}, first audit line "
          f"{first_line.get('audit')}, 500 refusals {len(r500)}, 429 refusals {len(r429)}, {dt:.1f}s", file=sys.stderr)
    return n


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / ".generated")
