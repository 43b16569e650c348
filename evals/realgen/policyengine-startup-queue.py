#!/usr/bin/env python3
"""Generator for real-incident case `policyengine-startup-queue`.

Sources: https://github.com/PolicyEngine/policyengine-api/issues/3764 ,
https://github.com/PolicyEngine/policyengine-api/issues/3761 ,
https://github.com/PolicyEngine/policyengine-api/pull/3758

Overnight bot bursts on 2026-07-21 made the autoscaler (concurrency 4) churn 18 instance boots.
The default TCP startup probe passed as soon as gunicorn's master bound the port, while the app
import ran post-fork for minutes, so Cloud Run routed live requests onto booting instances where
they queued until the 300 s request timeout (504s), plus "no available instance" 500s.
"""
from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "policyengine-startup-queue"
SEED = 3764
PROJECT = "pe-api-prod-3764"
PROJECT_NUMBER = "283911046752"
REGION = "us-central1"
SERVICE = "policyengine-api"
REV = "policyengine-api-00071-tun"
CONTAINER = "policyengine-api-1"
HOST = "https://api.policyengine.org"
REPO = "PolicyEngine/policyengine-api"
COMMIT = "3600b346a3eb5c67ebd8d454895fd27205099ea7"
WIN_START = datetime(2026, 7, 21, 0, 30, tzinfo=timezone.utc)
WIN_END = datetime(2026, 7, 21, 5, 30, tzinfo=timezone.utc)

TIMEOUT_MSG = ("The request has been terminated because it has reached the maximum request timeout. "
               "To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout")
NO_INSTANCE = ("The request was aborted because there was no available instance. "
               "Additional troubleshooting documentation can be found at: "
               "https://cloud.google.com/run/docs/troubleshooting#abort-request")
AUTOSCALE = ("Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors "
             "(e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.")
PROBE_OK = f'Default STARTUP TCP probe succeeded after 1 attempt for container "{CONTAINER}" on port 8080.'

LN = {k: f"projects/{PROJECT}/logs/{v}" for k, v in {
    "req": "run.googleapis.com%2Frequests", "out": "run.googleapis.com%2Fstdout",
    "err": "run.googleapis.com%2Fstderr", "sys": "run.googleapis.com%2Fvarlog%2Fsystem"}.items()}
RES = {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                                                "revision_name": REV, "configuration_name": SERVICE}}


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def dumps(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"))


class Inst:
    def __init__(self, iid, start, boot, stop):
        self.iid, self.start, self.boot, self.stop = iid, start, boot, stop
        self.routable = start + timedelta(seconds=4.2)     # TCP probe passes at port bind
        self.ready = start + timedelta(seconds=boot)       # a worker has finished the import


def write(out_parent: Path) -> int:
    r = random.Random(SEED)
    d = Path(out_parent) / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    n_id = [0]

    def iid():
        n_id[0] += 1
        return "%08x%016x" % (0x669c5000 + n_id[0], r.getrandbits(64))

    def hexid(bits):
        return "%0*x" % (bits // 4, r.getrandbits(bits))

    E = []

    def add(t, e):
        e.setdefault("insertId", iid())
        e.setdefault("resource", RES)
        e["timestamp"] = ts(t)
        e.setdefault("receiveTimestamp", ts(t + timedelta(seconds=0.2 + r.random() * 0.6)))
        E.append((t, e))
        return e

    def text(t, inst, log, msg, sev="DEFAULT"):
        return add(t, {"logName": LN[log], "textPayload": msg, "severity": sev,
                       "labels": {"instanceId": inst.iid}})

    # ------------------------------------------------------------ instances
    # one warm instance from before the window, 18 boots inside it (bot bursts), max 4 at a time
    boots = [201, 371, 143, 227, 417, 188, 262, 309, 156, 198, 503, 214, 176, 338, 231, 192, 284, 169]
    burst_at = ["00:41:12", "00:41:40", "01:07:25", "01:33:02", "01:33:20", "01:58:44", "02:21:09", "02:21:31",
                "02:46:50", "03:12:18", "03:12:36", "03:39:05", "04:02:47", "04:03:05", "04:27:33", "04:51:10",
                "05:09:42", "05:10:01"]
    insts = [Inst(hexid(384), WIN_START - timedelta(hours=2, minutes=13), 212, WIN_END + timedelta(hours=1))]
    for hms, b in zip(burst_at, boots):
        h, m, s = map(int, hms.split(":"))
        st = datetime(2026, 7, 21, h, m, s, tzinfo=timezone.utc)
        insts.append(Inst(hexid(384), st, b + r.random(), st + timedelta(seconds=b + 900 + r.randint(0, 600))))
    # bursts: bot traffic starting a few seconds before each scale-out
    bursts = []
    for i in insts[1:]:
        if not bursts or (i.start - bursts[-1][1]).total_seconds() > 60:
            bursts.append([i.start - timedelta(seconds=20), i.start + timedelta(seconds=r.randint(240, 420)), []])
        bursts[-1][2].append(i)

    # ------------------------------------------------------------ lifecycle lines
    for i in insts[1:]:
        t = i.start
        text(t, i, "sys", AUTOSCALE, "INFO")
        t1 = t + timedelta(seconds=1.1)
        text(t1, i, "out", "7:C 21 Jul 2026 %s * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"
             % (t1.strftime("%H:%M:%S.") + "%03d" % (t1.microsecond // 1000)))
        t2 = t + timedelta(seconds=1.6)
        text(t2, i, "out", "7:M 21 Jul 2026 %s * Ready to accept connections tcp"
             % (t2.strftime("%H:%M:%S.") + "%03d" % (t2.microsecond // 1000)))
        g = t + timedelta(seconds=3.4)
        stamp = g.strftime("[%Y-%m-%d %H:%M:%S +0000]")
        text(g, i, "err", f"{stamp} [9] [INFO] Starting gunicorn 23.0.0")
        text(g + timedelta(milliseconds=3), i, "err", f"{stamp} [9] [INFO] Listening at: http://0.0.0.0:8080 (9)")
        text(g + timedelta(milliseconds=4), i, "err", f"{stamp} [9] [INFO] Using worker: uvicorn.workers.UvicornWorker")
        for k, pid in enumerate((11, 12)):
            text(g + timedelta(milliseconds=12 + k * 9), i, "err", f"{stamp} [{pid}] [INFO] Booting worker with pid: {pid}")
        text(i.routable, i, "sys", PROBE_OK, "INFO")
        total = i.boot - 4.5
        for k, pid in enumerate((11, 12)):
            span = total * (1.0 + 0.06 * k)
            base = g + timedelta(seconds=0.4)
            for frac, msg in ((0.004, "Basic imports completed"), (0.02, "Flask imports completed"),
                              (0.41, "Household routes import completed"), (0.86, "Economy routes import completed"),
                              (0.995, "API initialised.")):
                text(base + timedelta(seconds=span * frac), i, "err", "[%.2fs] %s" % (span * frac, msg))
            done = base + timedelta(seconds=span + 0.3)
            st = done.strftime("[%Y-%m-%d %H:%M:%S +0000]")
            text(done, i, "err", f"{st} [{pid}] [INFO] Started server process [{pid}]")
            text(done + timedelta(milliseconds=2), i, "err", f"{st} [{pid}] [INFO] Waiting for application startup.")
            text(done + timedelta(milliseconds=5), i, "err", f"{st} [{pid}] [INFO] Application startup complete.")
        if i.stop < WIN_END:
            s = i.stop.strftime("[%Y-%m-%d %H:%M:%S +0000]")
            text(i.stop, i, "err", f"{s} [9] [INFO] Handling signal: term")
            for pid in (11, 12):
                text(i.stop + timedelta(milliseconds=40 + pid), i, "err", f"{s} [{pid}] [INFO] Shutting down")
                text(i.stop + timedelta(milliseconds=300 + pid), i, "err", f"{s} [{pid}] [INFO] Worker exiting (pid: {pid})")
            text(i.stop + timedelta(seconds=1.2), i, "err", f"{s} [9] [INFO] Shutting down: Master")

    # ------------------------------------------------------------ requests
    bot_uas = ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
               "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
               "python-requests/2.32.3"]
    web_ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
    uptime_ua = "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)"
    countries = ["us", "us", "us", "uk", "uk", "ca", "ng", "il"]

    def pick_route(bot):
        c = r.choice(countries)
        u = r.random()
        if bot:
            if u < 0.45:
                return "POST", f"/{c}/calculate", r.randint(2000, 9000), 40 + r.random() * 90
            if u < 0.7:
                return "GET", f"/{c}/policy/{r.randint(1, 98000)}", 0, 0.05 + r.random() * 0.2
            if u < 0.85:
                return "GET", f"/{c}/household/{r.randint(1, 60000)}", 0, 0.05 + r.random() * 0.3
            return "GET", f"/{c}/policies?query=&unique_only=true", 0, 0.2 + r.random() * 0.6
        if u < 0.35:
            return "GET", f"/{c}/metadata", 0, 0.4 + r.random() * 0.8
        if u < 0.55:
            return "POST", f"/{c}/calculate", r.randint(1500, 7000), 0.25 + r.random() * 0.4   # Redis-cached
        if u < 0.7:
            return "GET", f"/{c}/economy/{r.randint(1, 98000)}/over/2?region={c}&time_period=2026", 0, 0.3 + r.random() * 1.5
        if u < 0.85:
            return "GET", f"/{c}/policy/{r.randint(1, 98000)}", 0, 0.05 + r.random() * 0.2
        return "POST", f"/{c}/user-policy", r.randint(300, 900), 0.08 + r.random() * 0.2

    warm = insts[0]
    ips = ["%d.%d.%d.%d" % (r.randint(20, 220), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)) for _ in range(40)]
    bot_ips = ["%d.%d.%d.%d" % (r.choice([5, 54, 85, 185]), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)) for _ in range(8)]
    first_504 = []

    def request(t, method, path, size, proc, ua, ip, inst, status=None):
        e = {"logName": LN["req"], "spanId": hexid(64), "trace": f"projects/{PROJECT}/traces/{hexid(128)}",
             "httpRequest": {"requestMethod": method, "requestUrl": HOST + path, "requestSize": str(size + 640),
                             "userAgent": ua, "remoteIp": ip, "serverIp": "216.239.38.21", "protocol": "HTTP/1.1"}}
        if inst is None:
            lat, st, resp = 0.01 + r.random() * 0.05, 500, 0
            e["textPayload"] = NO_INSTANCE
        else:
            e["labels"] = {"instanceId": inst.iid}
            wait = max(0.0, (inst.ready - t).total_seconds())
            if wait + proc >= 300:
                lat, st, resp = 300.0 + r.random() * 0.002, 504, 0
                e["textPayload"] = TIMEOUT_MSG
            else:
                lat, st = wait + proc, status or 200
                resp = 2 if path == "/liveness-check" else r.randint(900, 60000)
        e["httpRequest"].update({"status": st, "latency": "%.9fs" % lat, "responseSize": str(resp)})
        e["severity"] = "ERROR" if st >= 500 else ("WARNING" if st >= 400 else "INFO")
        e["receiveTimestamp"] = ts(t + timedelta(seconds=lat + 0.3))
        out = add(t, e)
        if st == 504 and len(first_504) < 4:
            first_504.append((out["insertId"], inst))
        return out

    def live(t):
        return [i for i in insts if i.routable <= t < i.stop]

    # background: light human + monitor traffic, ~6 req/min overnight
    t = WIN_START
    while t < WIN_END:
        t += timedelta(seconds=r.expovariate(1 / 17.0))
        if t >= WIN_END:
            break
        cands = live(t)
        booting = [i for i in cands if i.ready > t]
        inst = r.choice(booting) if booting and r.random() < 0.3 else warm
        m, p, s, proc = pick_route(False)
        request(t, m, p, s, proc, web_ua, r.choice(ips), inst)
    for k in range(int((WIN_END - WIN_START).total_seconds() // 60)):
        t = WIN_START + timedelta(minutes=k, seconds=13 + r.random())
        cands = live(t)
        booting = [i for i in cands if i.ready > t]
        inst = r.choice(booting) if booting and r.random() < 0.3 else warm
        request(t, "GET", "/liveness-check", 0, 0.003, uptime_ua, "35.%d.%d.%d" % (r.randint(186, 199), r.randint(0, 255), r.randint(1, 254)), inst)
    # bot bursts
    for b0, b1, new in bursts:
        t = b0
        rate = 0.22 + r.random() * 0.2       # req/s; uncached /calculate holds a slot for 40-130 s
        while True:
            t += timedelta(seconds=r.expovariate(rate))
            if t >= b1:
                break
            m, p, s, proc = pick_route(True)
            routable_new = [i for i in new if i.routable <= t]
            u = r.random()
            if not routable_new and (t - b0).total_seconds() > 12 and u < 0.55:
                inst = None                       # warm instance saturated, new one not up yet
            elif routable_new and u < 0.7:
                inst = r.choice(routable_new)
            else:
                inst = warm
            request(t, m, p, s, proc, r.choice(bot_uas), r.choice(bot_ips), inst)

    # an unrelated loud error: malformed calculate bodies from a scraper
    for k in range(9):
        t = WIN_START + timedelta(minutes=17 + k * 31, seconds=r.random() * 50)
        e = request(t, "POST", "/us/calculate-full", 180, 0.04, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                    r.choice(ips), warm, status=500)
        tb = ("Traceback (most recent call last):\n"
              '  File "/app/policyengine_api/endpoints/household.py", line 212, in get_calculate\n'
              '    household_json = payload["household"]\n'
              "KeyError: 'household'")
        add(t + timedelta(seconds=0.03), {"logName": LN["err"], "textPayload": tb, "severity": "ERROR",
                                           "labels": {"instanceId": warm.iid}})

    E.sort(key=lambda p: (p[0], p[1]["insertId"]))
    E = [p for p in E if WIN_START <= p[0] < WIN_END]
    with open(d / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for _, e in E:
            f.write(dumps(e) + "\n")

    # ------------------------------------------------------------ Cloud Run resources
    rev_name = f"projects/{PROJECT}/locations/{REGION}/revisions/{REV}"
    tcp_probe = {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}
    container = {
        "name": CONTAINER,
        "image": f"{REGION}-docker.pkg.dev/{PROJECT}/policyengine-api/policyengine-api:b81f3c0e5d2a47a9c6e1f08d3b7a5c2e9f4d1a60",
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": [{"name": "API_HOST_BACKEND", "value": "cloud_run"}, {"name": "WEB_CONCURRENCY", "value": "2"},
                {"name": "GATEWAY_AUTH_REQUIRED", "value": "1"}, {"name": "SIM_FRONT_DOOR", "value": "old_gateway_direct"},
                {"name": "POLICYENGINE_DB_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "policyengine-api-prod-db-password", "version": "latest"}}}],
        "resources": {"limits": {"cpu": "4", "memory": "16Gi"}, "cpuIdle": True, "startupCpuBoost": True},
        "startupProbe": tcp_probe,
        "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
    }
    created = datetime(2026, 7, 20, 16, 4, 51, tzinfo=timezone.utc)
    sa = f"policyengine-api-cr-runtime@{PROJECT}.iam.gserviceaccount.com"
    vols = [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:policyengine-api-data"]}}]
    service = {
        "name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}",
        "uid": "6a0f4c2e-93b1-4d7a-8e55-1c2b7f90d3a4", "generation": "71",
        "createTime": "2026-06-03T11:20:07.511032Z", "updateTime": ts(created),
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {"scaling": {"maxInstanceCount": 4}, "timeout": "300s", "serviceAccount": sa,
                     "containers": [container], "volumes": vols, "maxInstanceRequestConcurrency": 4,
                     "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": REV, "percent": 100}],
        "observedGeneration": "71",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=6))},
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=6))},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=4))}],
        "latestReadyRevision": rev_name, "latestCreatedRevision": rev_name,
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": REV, "percent": 100}],
        "uri": f"https://{SERVICE}-{PROJECT_NUMBER}.{REGION}.run.app",
    }
    revision = {
        "name": rev_name, "uid": "b3e9d1f0-2c4a-47e8-9a61-5d0f8c7e2b19", "generation": "1",
        "createTime": ts(created), "updateTime": ts(created + timedelta(minutes=4)), "launchStage": "GA",
        "service": service["name"], "scaling": {"maxInstanceCount": 4}, "timeout": "300s",
        "serviceAccount": sa, "containers": [container], "volumes": vols, "maxInstanceRequestConcurrency": 4,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2", "observedGeneration": "1",
        "conditions": [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=4))},
                       {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=4))},
                       {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(minutes=1))}],
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{REV}",
    }
    (d / "run/services" / f"{SERVICE}.json").write_text(json.dumps(service, indent=2, sort_keys=True) + "\n")
    (d / "run/revisions" / f"{REV}.json").write_text(json.dumps(revision, indent=2, sort_keys=True) + "\n")
    (d / "repo.yaml").write_text(yaml.safe_dump({
        "repository": REPO, "commit": COMMIT, "license": "AGPL-3.0", "language": "python",
        "fix": "https://github.com/PolicyEngine/policyengine-api/commit/d5605e05915a4574c99b191bfb7a03e6db3e571a",
    }, sort_keys=False))

    probe_ids = {}
    for _, e in E:
        if e.get("textPayload") == PROBE_OK:
            probe_ids[e["labels"]["instanceId"]] = e["insertId"]
    cite_504 = [f"run.googleapis.com/requests#{x}" for x, _ in first_504[:3]]
    cite_probe = [f"run.googleapis.com/varlog/system#{probe_ids[i.iid]}" for _, i in first_504[:3] if i.iid in probe_ids]
    cite_probe = list(dict.fromkeys(cite_probe))
    cite_probe.append(f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}#template.containers[0].startupProbe")
    case = {
        "id": CASE_ID,
        "title": "Overnight 504s after 300 s and 'no available instance' 500s whenever the API scales out",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": ts(WIN_START)[:19] + "Z", "end": ts(WIN_END)[:19] + "Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/PolicyEngine/policyengine-api/issues/3764",
                        "https://github.com/PolicyEngine/policyengine-api/issues/3761",
                        "https://github.com/PolicyEngine/policyengine-api/pull/3758"],
            "verbatim": ["no available instance", "300s", "WEB_CONCURRENCY", "gunicorn"],
            "reconstructed": (
                "Generated by evals/realgen/policyengine-startup-queue.py (random.Random(3764)). From the sources: "
                "overnight bot bursts on 2026-07-21 churned 18 instance boots at --concurrency 4 (autoscaler at ~2.4 "
                "concurrent requests); the default TCP startup probe passes when gunicorn's master binds the port while "
                "the app import runs post-fork for minutes (--preload unset), so requests routed onto booting "
                "instances queue until the 300s request timeout (504s), with 'no available instance' 500s on scale-out "
                "bursts; measured boot-to-ready p50 201s, p90 371s, max 503s (used for the 18 boot durations). "
                "Invented: project id/number, revision name, instance ids, IPs, bot user agents, burst times and sizes, "
                "the share of bursts routed to new instances, the background traffic (~6 req/min human calls, a "
                "per-minute uptime check on /liveness-check), Redis/gunicorn/uvicorn startup lines (formats of those "
                "tools; the '[N.NNs] ...' import-timing lines follow the app's log_timing helper), scale-in shutdowns, "
                "and a loud but unrelated KeyError 500 on /us/calculate-full from a headless scraper. Runtime shape "
                "(4 CPU, 16Gi, timeout 300, max 4 instances, concurrency 4, WEB_CONCURRENCY=2, gen2, CPU boost, "
                "Cloud SQL) is read from the repository's deploy scripts at the pinned commit, which precedes both "
                "#3758 (concurrency 4 -> 6) and the startup-probe fix for #3764. Judgment: the 5-hour window "
                "00:30-05:30Z stands for 'overnight'; all traffic is shown as reaching Cloud Run although the "
                "sources describe a migration ramp shared with App Engine."
            ),
            "project": REPO,
            "language": "python",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["cold-start-latency"],
            "also": ["request-timeout"],
            "not_above": ["request-timeout", "concurrency-overload", "no-available-instance"],
            "must_cite": [
                cite_504,
                cite_probe,
                [".github/scripts/deploy_cloud_run_candidate.sh:38", ".github/scripts/deploy_cloud_run_candidate.sh:56",
                 ".github/scripts/deploy_cloud_run_candidate.sh:57", "gcp/cloud_run/start.sh:66"],
            ],
        },
    }
    with open(d / "case.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    return len(E)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries", file=sys.stderr)
