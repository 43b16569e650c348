#!/usr/bin/env python3
"""Generator for the real-incident case serverest-concurrency-500.

Rebuilt from ServeRest/ServeRest#527: the production ServeRest container
(Node/express, 1 vCPU, 256 MiB) ran with request concurrency 500 and Datadog
profiling + AppSec on; memory sat at the 256 MiB ceiling and Cloud Run killed
instances ~230 times a day ("Memory limit exceeded"), failing every in-flight
request. The PR cut concurrency to 80 and turned profiling/AppSec off.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "serverest-concurrency-500"
SEED = 527
PROJECT = "acme-serverest-771"
REGION = "us-central1"
SERVICE = "app"
REVISION = "app-00512-wok"
IMAGE = "gcr.io/acme-serverest-771/app:3b7d2c90a4e15f6d8e21c0b9a7f34d56e8c1a2b3"
SA = "412907735518-compute@developer.gserviceaccount.com"
URL_HOST = "serverest.dev"
T0 = datetime(2026, 7, 30, 13, 0, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 7, 30, 15, 0, 0, tzinfo=timezone.utc)
REV_CREATED = datetime(2026, 7, 22, 18, 41, 5, tzinfo=timezone.utc)
MALFORMED = ("The request failed because either the HTTP response was malformed or connection to the instance had an "
             "error. Additional troubleshooting documentation can be found at: "
             "https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error")

ESC = "\u001b"


def morgan_dev(method, url, status, ms, size):
    color = 32 if status < 300 else 36 if status < 400 else 33 if status < 500 else 31
    return "%s[0m%s %s %s[%dm%d%s[0m %.3f ms - %s%s[0m" % (ESC, method, url, ESC, color, status, ESC, ms, size, ESC)


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.n = 0

    def insert_id(self):
        self.n += 1
        return "%s%06d" % ("".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)), self.n)

    def add(self, log, t, severity, instance=None, **payload):
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log),
             "resource": {"type": "cloud_run_revision", "labels": {
                 "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                 "revision_name": REVISION, "configuration_name": SERVICE}},
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(40, 900))),
             "severity": severity, "insertId": self.insert_id()}
        if instance:
            e["labels"] = {"instanceId": instance}
        e.update(payload)
        self.entries.append(e)
        return e

    def text(self, stream, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2F" + stream, t, severity, instance, textPayload=text)

    def request(self, t_start, latency, status, instance, path, method, ua, ip, req_size, resp_size, text=None):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method, "requestUrl": "https://%s%s" % (URL_HOST, path), "requestSize": str(req_size),
              "status": status, "responseSize": str(resp_size), "userAgent": ua, "remoteIp": ip,
              "serverIp": "216.239.%d.21" % self.rng.choice([32, 34, 36, 38]),
              "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"}
        kw = {"textPayload": text} if text else {}
        e = self.add("run.googleapis.com%2Frequests", t_start + timedelta(seconds=latency), sev, instance,
                     httpRequest=hr, trace="projects/%s/traces/%032x" % (PROJECT, self.rng.getrandbits(128)),
                     spanId="%016x" % self.rng.getrandbits(64), traceSampled=False, **kw)
        e["timestamp"] = iso(t_start)
        return e


class Instance:
    def __init__(self, g, t):
        rng = g.rng
        self.g = g
        self.id = "007989f2a1" + "".join(rng.choice("0123456789abcdef") for _ in range(118))
        g.text("varlog%2Fsystem", t, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", self.id, "INFO")
        t1 = t + timedelta(milliseconds=rng.randint(700, 1100))
        g.text("stdout", t1, "%s | SERVERLESS_INIT | INFO | Loaded config from environment" % t1.strftime("%Y-%m-%d %H:%M:%S UTC"), self.id)
        g.text("stdout", t1 + timedelta(milliseconds=40), "%s | SERVERLESS_INIT | INFO | datadog-agent-and-logs: starting" % t1.strftime("%Y-%m-%d %H:%M:%S UTC"), self.id)
        t2 = t1 + timedelta(milliseconds=rng.randint(500, 900))
        g.text("stdout", t2, "\n> serverest@3.2.0 start\n> node src/server.js 0\n", self.id)
        t3 = t2 + timedelta(milliseconds=rng.randint(1400, 2600))    # dd-trace + profiler + appsec init
        g.text("stdout", t3, "%s[32m%s[1m\nServeRest v3.2.0 está em execução%s[22m%s[39m" % (ESC, ESC, ESC, ESC), self.id)
        self.ready = t3 + timedelta(milliseconds=rng.randint(20, 80))
        g.text("varlog%2Fsystem", self.ready, 'Default STARTUP TCP probe succeeded after 1 attempt for container "app-1" on port 3000.', self.id, "INFO")
        self.mem = rng.uniform(150, 175)    # MiB right after boot
        self.alive = True
        self.inflight = []                  # (start, path, method, ua, ip)


ROUTES = [
    ("GET", "/usuarios", 200, (1.5, 9.0), (900, 14000), 0.16),
    ("POST", "/usuarios", 201, (2.0, 7.0), (90, 110), 0.08),
    ("POST", "/login", 200, (3.0, 12.0), (260, 280), 0.14),
    ("GET", "/produtos", 200, (1.2, 6.5), (1500, 6000), 0.16),
    ("POST", "/produtos", 201, (2.5, 8.0), (90, 110), 0.06),
    ("PUT", "/produtos/{id}", 200, (2.0, 7.5), (60, 80), 0.05),
    ("DELETE", "/produtos/{id}", 200, (1.5, 5.0), (50, 70), 0.03),
    ("GET", "/carrinhos", 200, (1.0, 5.0), (300, 3000), 0.07),
    ("POST", "/carrinhos", 201, (2.5, 9.0), (90, 110), 0.05),
    ("DELETE", "/carrinhos/concluir-compra", 200, (1.5, 5.0), (60, 80), 0.03),
    ("GET", "/usuarios/{id}", 200, (1.0, 4.0), (150, 220), 0.06),
    ("GET", "/", 200, (2.0, 6.0), (3200, 3400), 0.05),
    ("GET", "/swagger-ui.css", 200, (1.0, 3.0), (143000, 146000), 0.03),
    ("GET", "/favicon.ico", 200, (0.8, 2.0), (5400, 5500), 0.03),
]
CLIENT_UAS = ["PostmanRuntime/7.44.1", "axios/1.11.0", "Cypress/14.5.2", "insomnia/11.3.0",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36",
              "python-requests/2.32.4", "RestSharp/112.1.0.0", "Apache-HttpClient/4.5.14 (Java/21.0.7)"]
LOAD_UAS = ["k6/1.1.0 (https://k6.io/)", "Apache-HttpClient/4.5.14 (Java/21.0.7)", "Artillery (https://artillery.io)"]


def one_request(g, inst, t, method, path, status, ms_rng, size_rng, ua, ip, load=0):
    rng = g.rng
    if "{id}" in path:
        path = path.replace("{id}", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16)))
        if rng.random() < 0.2:
            status = 400
    if path == "/login" and rng.random() < 0.12:
        status = 401
    if method == "POST" and path in ("/usuarios", "/produtos") and rng.random() < 0.18:
        status = 400
    # CPU contention: latency grows with the number of requests in flight
    ms = rng.uniform(*ms_rng) * (1 + load / 25.0)
    size = rng.randint(*size_rng) if status < 400 else rng.randint(60, 140)
    lat = ms / 1000.0 + rng.uniform(0.0004, 0.002)
    g.text("stdout", t + timedelta(seconds=lat) - timedelta(microseconds=300), morgan_dev(method, path, status, ms, size), inst.id)
    g.request(t, lat, status, inst.id, path, method, ua, ip, rng.randint(200, 900), size + 320)


def build():
    g = Gen()
    rng = g.rng
    weights = [r[5] for r in ROUTES]
    insts = [Instance(g, T0 - timedelta(minutes=40))]
    insts[0].ready = T0
    oom_entries = []

    # background traffic from students' collections
    t = T0
    while t < WINDOW_END:
        t += timedelta(seconds=rng.expovariate(0.09))
        if t >= WINDOW_END:
            break
        live = [i for i in insts if i.alive and i.ready <= t]
        inst = live[0] if live else insts[-1]
        m, p, s, ms, sz, _ = rng.choices(ROUTES, weights=weights)[0]
        one_request(g, inst, t, m, p, s, ms, sz, rng.choice(CLIENT_UAS),
                    "%d.%d.%d.%d" % (rng.choice([177, 189, 200, 191, 45, 179]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)))

    # load-test bursts: hundreds of virtual users against one instance (concurrency 500)
    bursts = [(T0 + timedelta(minutes=17), 95, 300), (T0 + timedelta(minutes=58), 80, 260), (T0 + timedelta(minutes=96), 70, 220)]
    for bstart, seconds, vus in bursts:
        ua = rng.choice(LOAD_UAS)
        ip = "%d.%d.%d.%d" % (rng.choice([177, 189, 200]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        inst = [i for i in insts if i.alive][0]
        inst.mem = rng.uniform(178, 196)
        t = bstart
        n = 0
        while t < bstart + timedelta(seconds=seconds):
            # virtual users ramp up; requests arrive faster than a single Node process can serve them
            ramp = min(1.0, (t - bstart).total_seconds() / 20.0)
            load = int(vus * ramp)
            t += timedelta(seconds=rng.expovariate(2.0 + 2.2 * ramp))
            n += 1
            inst.mem += rng.uniform(0.25, 0.55) * (0.4 + ramp)
            if inst.mem >= 256.0:
                # the kill: every request in flight on this instance fails, a new instance starts cold
                used = int(inst.mem + rng.uniform(2, 11))
                tk = t
                oom_entries.append(g.text("varlog%2Fsystem", tk,
                                          "Memory limit of 256 MiB exceeded with %d MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits" % used,
                                          inst.id, "ERROR"))
                for k in range(rng.randint(18, 40)):
                    ts = tk - timedelta(seconds=rng.uniform(0.05, 3.5))
                    m, p, s, ms, sz, _ = rng.choices(ROUTES[:11], weights=weights[:11])[0]
                    p = p.replace("{id}", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789") for _ in range(16)))
                    g.request(ts, (tk - ts).total_seconds() + rng.uniform(0.001, 0.02), 503, inst.id, p, m, ua, ip,
                              rng.randint(200, 900), 0, text=MALFORMED)
                inst.alive = False
                new = Instance(g, tk + timedelta(milliseconds=rng.randint(40, 300)))
                insts.append(new)
                # requests that queued during the cold start see its latency
                tq = tk + timedelta(milliseconds=50)
                while tq < new.ready:
                    m, p, s, ms, sz, _ = rng.choices(ROUTES[:11], weights=weights[:11])[0]
                    lat_extra = (new.ready - tq).total_seconds()
                    one_request(g, new, tq, m, p, s, (ms[0] + lat_extra * 1000, ms[1] + lat_extra * 1000), sz, ua, ip)
                    tq += timedelta(seconds=rng.expovariate(3.0))
                inst = new
                inst.mem = rng.uniform(175, 190)
                t = new.ready
                continue
            m, p, s, ms, sz, _ = rng.choices(ROUTES[:11], weights=weights[:11])[0]
            one_request(g, inst, t, m, p, s, ms, sz, ua, ip, load=load)
        inst.mem = rng.uniform(190, 215)    # memory is not given back after the burst

    # a loud, irrelevant line: the Datadog agent complains about a slow intake now and then
    for _ in range(5):
        ts = T0 + timedelta(seconds=rng.randint(0, 7100))
        live = [i for i in insts if i.alive]
        g.text("stdout", ts, "%s | SERVERLESS_INIT | WARN | Error while sending payload to intake: context deadline exceeded (Client.Timeout exceeded while awaiting headers), retrying" % ts.strftime("%Y-%m-%d %H:%M:%S UTC"), live[-1].id)

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, oom_entries


def service_json():
    rev_path = "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION)
    env = [{"name": k, "value": v} for k, v in [
        ("ENVIRONMENT", "serverest.dev"), ("DD_SERVICE", "serverest"), ("DD_ENV", "serverest.dev"),
        ("DD_SITE", "datadoghq.eu"), ("DD_VERSION", "v3.2.0"),
        ("DD_TAGS", "git.commit.sha:3b7d2c90a4e15f6d8e21c0b9a7f34d56e8c1a2b3,git.repository_url:github.com/ServeRest/ServeRest"),
        ("DD_LOGS_INJECTION", "true"), ("DD_RUNTIME_METRICS_ENABLED", "true"), ("DD_TRACE_HEADER_TAGS", "true"),
        ("DD_LOGS_ENABLED", "true"), ("DD_PROFILING_ENABLED", "true"), ("DD_APPSEC_ENABLED", "true")]]
    env.insert(4, {"name": "DD_API_KEY", "valueSource": {"secretKeyRef": {"secret": "dd-api-key", "version": "latest"}}})
    return {
        "name": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "uid": "5e2c8a41-7f0d-4b93-a1c6-8d4e92b07f35",
        "generation": "512",
        "createTime": "2020-09-14T22:03:41.558120Z",
        "updateTime": iso(REV_CREATED),
        "creator": "paulo@serverest.example",
        "lastModifier": "github-actions@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 3},
            "timeout": "300s",
            "serviceAccount": SA,
            "containers": [{
                "name": "app-1",
                "image": IMAGE,
                "env": env,
                "resources": {"limits": {"cpu": "1", "memory": "256Mi"}, "cpuIdle": True},
                "ports": [{"name": "http1", "containerPort": 3000}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 3000}},
            }],
            "maxInstanceRequestConcurrency": 500,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "512",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=24))},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=24))},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=22))}],
        "latestReadyRevision": rev_path,
        "latestCreatedRevision": rev_path,
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://app-5b7q2xkz3a-uc.a.run.app",
        "urls": ["https://app-412907735518.us-central1.run.app", "https://app-5b7q2xkz3a-uc.a.run.app"],
        "etag": "\"CMnb_8MGEJjD_KQB/cHJvamVjdHMvYWNtZS1zZXJ2ZXJlc3QtNzcxL2xvY2F0aW9ucy91cy1jZW50cmFsMS9zZXJ2aWNlcy9hcHA\"",
    }


def revision_json():
    svc = service_json()
    tpl = svc["template"]
    return {
        "name": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "uid": "e0a4c7b2-93d1-4f58-b6e0-2c71f8d94a13",
        "generation": "1",
        "labels": {"serving.knative.dev/configuration": SERVICE, "serving.knative.dev/configurationGeneration": "512",
                   "serving.knative.dev/service": SERVICE, "serving.knative.dev/route": SERVICE,
                   "cloud.googleapis.com/location": REGION},
        "createTime": iso(REV_CREATED),
        "updateTime": iso(REV_CREATED + timedelta(seconds=22)),
        "launchStage": "GA",
        "service": svc["name"],
        "scaling": tpl["scaling"],
        "timeout": "300s",
        "serviceAccount": SA,
        "containers": tpl["containers"],
        "maxInstanceRequestConcurrency": 500,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=22))},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=22))},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(REV_CREATED + timedelta(seconds=11))}],
        "observedGeneration": "1",
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, REVISION),
        "etag": "\"CNLb_8MGELi8yKsC/cHJvamVjdHMvYWNtZS1zZXJ2ZXJlc3QtNzcxL2xvY2F0aW9ucy91cy1jZW50cmFsMS9yZXZpc2lvbnM\"",
    }


def write(out_parent: Path) -> int:
    g, ooms = build()
    root = Path(out_parent) / CASE_ID
    (root / "logging").mkdir(parents=True, exist_ok=True)
    (root / "run" / "services").mkdir(parents=True, exist_ok=True)
    (root / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(root / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (root / "run" / "services" / (SERVICE + ".json")).write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (root / "run" / "revisions" / (REVISION + ".json")).write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")
    svc = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    case = {
        "id": CASE_ID,
        "title": "serverest.dev returns bursts of 503s under load; instances keep restarting",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-07-30T13:00:00Z", "end": "2026-07-30T15:00:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/ServeRest/ServeRest/pull/527"],
            "verbatim": ["256 MiB", "PUT /produtos"],
            "reconstructed": (
                "The PR (in Portuguese) reports 30 days of GCP measurements: memory p99 at 99.9% of 256 MiB every day, "
                "CPU p99 95.2%, 3,228 'Memory limit exceeded' events in 14 days (~230/day), 7,874 5xx of 823,830 "
                "requests; one 1 vCPU / 256 MiB instance allowed 500 concurrent requests in one Node process, and "
                "Datadog profiling + AppSec doubled CPU per request (PUT /produtos) and added ~12 MB. The fix cut "
                "concurrency 500 -> 80 and disabled profiling/AppSec. The authors frame the incident as continuous "
                "OOM ('conter OOM contínuo'), so the label is memory-limit-exceeded, with concurrency-overload "
                "required among the candidates as the driver. No log lines are quoted: everything is generated by "
                "evals/realgen/serverest-concurrency-500.py with random.Random(527): the invented project "
                "acme-serverest-771, service 'app' in us-central1 (names from the repo's deploy workflow), the "
                "revision name, instance ids, times on 2026-07-30 (the day before the PR), students' background "
                "API calls on ServeRest's real routes with morgan('dev') stdout lines, three load-test bursts that "
                "drive one instance past 256 MiB, Cloud Run's memory-limit message, the 503s of every request in "
                "flight on the killed instance, cold starts of the replacement instance, datadog serverless-init "
                "lines and its intake warnings (noise). maxInstanceCount 3 is a guess (free-tier project). "
                "repo.yaml is not written: the fetched snapshot of ServeRest/ServeRest ends in March 2024 and lacks "
                "the PR's commits, so no pre-fix commit or fix line can be pinned; must_cite uses the service "
                "settings instead."
            ),
            "project": "ServeRest/ServeRest",
            "language": "node",
            "covers": ["memory"],
        },
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "also": ["concurrency-overload"],
            "not_above": ["container-crash", "downstream-dependency", "cold-start-latency"],
            "must_cite": [
                ["run.googleapis.com/varlog/system#" + e["insertId"] for e in ooms[:3]],
                [svc + "#template.maxInstanceRequestConcurrency", svc + "#template.containers[0].resources.limits.memory"],
            ],
        },
    }
    with open(root / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=120)
    return len(g.entries)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real"))
