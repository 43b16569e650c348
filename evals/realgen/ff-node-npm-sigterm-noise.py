#!/usr/bin/env python3
"""Generator for the real-incident case `ff-node-npm-sigterm-noise`.

Sources: https://github.com/GoogleCloudPlatform/functions-framework-nodejs/issues/704 ,
https://github.com/GoogleCloudPlatform/buildpacks/issues/160
A Functions Framework (Node.js) container started with `CMD ["npm", "run", "start"]`.
Everything works; when Cloud Run scales an idle instance down it sends SIGTERM and npm
prints an `npm error ... signal SIGTERM` block that "can look like an error". npm sits
between the signal and the app (buildpacks#160: npm swallows SIGTERM), but nothing is lost:
the window is healthy and the npm block is a red herring.
"""
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "ff-node-npm-sigterm-noise"
SEED = 704160
PROJECT = "tidewater-events-5518"
PROJECT_NUMBER = "288145503617"
REGION = "europe-west1"
SERVICE = "events-webhook"
REV = "events-webhook-00027-pvx"
IMAGE = f"{REGION}-docker.pkg.dev/{PROJECT}/functions/events-webhook@sha256:3d9a0c4e71b25f86a0e9d3c7b14f2a6e58c0d7b93a1f4e62c8d05b7a9e3f1c46"
RUNTIME_SA = f"events-webhook@{PROJECT}.iam.gserviceaccount.com"
URI = "https://events-webhook-6tq2m8xk4a-ew.a.run.app"

T0 = datetime(2025, 9, 25, 16, 30, 0, tzinfo=timezone.utc)
T_END = datetime(2025, 9, 25, 18, 30, 0, tzinfo=timezone.utc)
NPM_CMD = "npm error command sh -c functions-framework --source=dist/index.js --target=$FUNCTION_TARGET --signature-type=$FUNCTION_SIGNATURE_TYPE"
# the block exactly as issue 704 shows it (timestamps included for the first one)
SOURCE_BLOCK_T = [datetime(2025, 9, 25, 17, 44, 55, us, tzinfo=timezone.utc) for us in (248566, 248635, 248739, 248795, 251374)]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REV, "configuration_name": SERVICE}}

    def add(self, t, log, severity, payload, **extra):
        e = {"insertId": self.hexid(24), "logName": f"projects/{PROJECT}/logs/{log}", "resource": self.resource(),
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(microseconds=self.rng.randint(4000, 90000))),
             "severity": severity}
        e.update(payload)
        e.update(extra)
        self.entries.append(e)
        return e


def build(g):
    rng = g.rng
    # instance lifetimes: (start, stop) - stop None = still running at window end
    lifetimes = [
        (T0 - timedelta(minutes=22), datetime(2025, 9, 25, 16, 58, 12, 402113, tzinfo=timezone.utc)),
        (datetime(2025, 9, 25, 16, 41, 3, 118000, tzinfo=timezone.utc), None),
        (datetime(2025, 9, 25, 17, 9, 40, 771000, tzinfo=timezone.utc), SOURCE_BLOCK_T[0] - timedelta(milliseconds=61)),
        (datetime(2025, 9, 25, 17, 12, 5, 304000, tzinfo=timezone.utc), datetime(2025, 9, 25, 17, 51, 27, 90551, tzinfo=timezone.utc)),
        (datetime(2025, 9, 25, 17, 55, 18, 642000, tzinfo=timezone.utc), datetime(2025, 9, 25, 18, 24, 2, 715402, tzinfo=timezone.utc)),
    ]
    insts = [(g.hexid(112), a, b) for a, b in lifetimes]
    decisive = []
    for idx, (inst, start, stop) in enumerate(insts):
        lab = {"instanceId": inst}
        if start >= T0:
            g.add(start + timedelta(microseconds=40), "run.googleapis.com%2Fstdout", "DEFAULT",
                  {"textPayload": "> functions@1.4.2 start"}, labels=dict(lab))
            g.add(start + timedelta(microseconds=80), "run.googleapis.com%2Fstdout", "DEFAULT",
                  {"textPayload": "> functions-framework --source=dist/index.js --target=$FUNCTION_TARGET --signature-type=$FUNCTION_SIGNATURE_TYPE"},
                  labels=dict(lab))
            g.add(start + timedelta(milliseconds=rng.randint(600, 1400)), "run.googleapis.com%2Fvarlog%2Fsystem", "INFO",
                  {"textPayload": "Default STARTUP TCP probe succeeded after 1 attempt for container \"events-webhook-1\" on port 8080."},
                  labels=dict(lab))
        if stop is not None:
            if idx == 2:
                times = SOURCE_BLOCK_T
            else:
                base = stop + timedelta(milliseconds=61)
                times = [base + timedelta(microseconds=d) for d in (0, 69, 173, 229, 2808)]
            lines = ["npm error path /app/functions", "npm error command failed", "npm error signal SIGTERM",
                     NPM_CMD, "npm notice"]
            for tt, line in zip(times, lines):
                e = g.add(tt, "run.googleapis.com%2Fstderr", "DEFAULT", {"textPayload": line}, labels=dict(lab))
                if line == "npm error signal SIGTERM":
                    decisive.append(e["insertId"])
            tn = times[-1]
            g.add(tn + timedelta(microseconds=52), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": "npm notice New major version of npm available! 10.9.3 -> 11.6.1"}, labels=dict(lab))
            g.add(tn + timedelta(microseconds=97), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": "npm notice Changelog: https://github.com/npm/cli/releases/tag/v11.6.1"}, labels=dict(lab))
            g.add(tn + timedelta(microseconds=131), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": "npm notice To update run: npm install -g npm@11.6.1"}, labels=dict(lab))
            g.add(tn + timedelta(microseconds=170), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": "npm notice"}, labels=dict(lab))
            g.add(tn + timedelta(microseconds=402), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": f"npm error A complete log of this run can be found in: /root/.npm/_logs/{(start - timedelta(seconds=1)).strftime('%Y-%m-%dT%H_%M_%S_')}{rng.randint(100, 999)}Z-debug-0.log"},
                  labels=dict(lab))

    # requests: webhook deliveries from a payment/CRM provider, all routed to live instances
    def live(t):
        return [i for i, a, b in insts if a <= t and (b is None or t < b - timedelta(seconds=2))]

    kinds = ["order.created", "order.updated", "customer.updated", "invoice.paid", "subscription.renewed"]
    t = T0
    while t < T_END:
        hour_factor = 1.0 if t.hour != 17 else 0.55
        t += timedelta(milliseconds=int(rng.randint(1500, 9000) / hour_factor))
        if t >= T_END:
            break
        cands = live(t)
        if not cands:
            continue
        inst = rng.choice(cands)
        r = rng.random()
        if r < 0.90:
            method, path, status, ms = "POST", "/", 200, rng.randint(35, 420)
        elif r < 0.96:
            method, path, status, ms = "GET", "/healthz", 200, rng.randint(1, 6)
        elif r < 0.985:
            method, path, status, ms = "POST", "/", 400, rng.randint(3, 15)
        else:
            method, path, status, ms = "GET", "/favicon.ico", 404, rng.randint(1, 4)
        sev = "INFO" if status < 400 else "WARNING"
        done = t + timedelta(milliseconds=ms)
        trace = g.hexid(32)
        g.add(done, "run.googleapis.com%2Frequests", sev, {
            "httpRequest": {"requestMethod": method, "requestUrl": URI + path, "requestSize": str(rng.randint(600, 5200) if method == "POST" else 310),
                            "status": status, "responseSize": str(rng.randint(40, 160) if status == 200 else 96),
                            "userAgent": "Webhooks/2.1 (+https://hooks.example-commerce.com)" if path == "/" else rng.choice(["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"]),
                            "remoteIp": f"54.{rng.randint(64, 95)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}" if path == "/" else f"81.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
                            "serverIp": "216.239.32.53", "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s", "protocol": "HTTP/1.1"}},
            labels={"instanceId": inst}, trace=f"projects/{PROJECT}/traces/{trace}", spanId=g.hexid(16), traceSampled=False)
        if path == "/" and status == 200:
            g.add(done - timedelta(milliseconds=1), "run.googleapis.com%2Fstdout", "DEFAULT",
                  {"textPayload": f"processed {rng.choice(kinds)} evt_{g.hexid(20)} in {ms - 2}ms"}, labels={"instanceId": inst},
                  trace=f"projects/{PROJECT}/traces/{trace}")
        elif status == 400:
            g.add(done - timedelta(milliseconds=1), "run.googleapis.com%2Fstderr", "DEFAULT",
                  {"textPayload": "rejected delivery: signature header missing or invalid"}, labels={"instanceId": inst},
                  trace=f"projects/{PROJECT}/traces/{trace}")
    # a one-off deprecation warning on instance start (noise)
    g.add(insts[1][1] + timedelta(milliseconds=1811), "run.googleapis.com%2Fstderr", "DEFAULT",
          {"textPayload": "(node:22) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead."},
          labels={"instanceId": insts[1][0]})
    g.add(insts[1][1] + timedelta(milliseconds=1812), "run.googleapis.com%2Fstderr", "DEFAULT",
          {"textPayload": "(Use `node --trace-deprecation ...` to show where the warning was created)"},
          labels={"instanceId": insts[1][0]})
    return decisive


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    if out.exists():
        shutil.rmtree(out)
    (out / "logging").mkdir(parents=True)
    (out / "run" / "services").mkdir(parents=True)
    (out / "run" / "revisions").mkdir(parents=True)
    g = Gen(SEED)
    decisive = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    created = datetime(2025, 9, 22, 10, 3, 51, 240000, tzinfo=timezone.utc)
    container = {
        "name": "events-webhook-1", "image": IMAGE, "ports": [{"name": "http1", "containerPort": 8080}],
        "env": [{"name": "FUNCTION_TARGET", "value": "handleWebhook"}, {"name": "FUNCTION_SIGNATURE_TYPE", "value": "http"},
                {"name": "NODE_ENV", "value": "production"},
                {"name": "WEBHOOK_SIGNING_SECRET", "valueSource": {"secretKeyRef": {"secret": "webhook-signing-secret", "version": "3"}}}],
        "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
    }
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    rev = {
        "name": f"{base}/revisions/{REV}", "uid": "4b8e2d71-9c3a-4f60-a15e-7d0c9b3e2f84", "generation": "1",
        "labels": {"serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION},
        "createTime": iso(created), "updateTime": iso(created + timedelta(seconds=17)), "launchStage": "GA", "service": SERVICE,
        "scaling": {"maxInstanceCount": 20}, "containers": [container], "timeout": "60s", "serviceAccount": RUNTIME_SA,
        "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2", "observedGeneration": "1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=17))},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=17))},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=6))},
        ],
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{REV}",
    }
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(rev, sort_keys=True, indent=2) + "\n")
    svc = {
        "name": base, "uid": "c17a9e40-5b2d-4e86-9f31-0a6d8c4b2e75", "generation": "27",
        "createTime": "2025-03-04T09:12:40.118273Z", "updateTime": iso(created - timedelta(seconds=1)),
        "creator": "deploy@tidewater.example", "lastModifier": "deploy@tidewater.example",
        "client": "gcloud", "clientVersion": "538.0.0", "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {"scaling": {"maxInstanceCount": 20}, "containers": [container], "timeout": "60s",
                     "serviceAccount": RUNTIME_SA, "maxInstanceRequestConcurrency": 80,
                     "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "27",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=18))},
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=18))},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=17))}],
        "latestReadyRevision": f"{base}/revisions/{REV}", "latestCreatedRevision": f"{base}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": REV, "percent": 100}],
        "uri": URI,
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "events-webhook logs 'npm error signal SIGTERM' / 'npm error command failed' several times an hour",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2025-09-25T16:30:00Z", "end": "2025-09-25T18:30:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/GoogleCloudPlatform/functions-framework-nodejs/issues/704",
                        "https://github.com/GoogleCloudPlatform/buildpacks/issues/160"],
            "verbatim": [
                "npm error path /app/functions",
                "npm error command failed",
                "npm error signal SIGTERM",
                "npm error command sh -c functions-framework --source=dist/index.js --target=$FUNCTION_TARGET --signature-type=$FUNCTION_SIGNATURE_TYPE",
                "npm notice",
            ],
            "reconstructed": (
                "Generated by evals/realgen/ff-node-npm-sigterm-noise.py with random.Random(704160). The npm block is "
                "copied from issue 704, one occurrence at its exact timestamps (2025-09-25T17:44:55.248566Z ...), the "
                "others at the other scale-in times of the window; severity DEFAULT as the issue shows. Issue 704 says "
                "everything works and the block appears when Cloud Run scales an instance down and sends SIGTERM; "
                "buildpacks#160 explains that starting through `npm run start` lets npm swallow SIGTERM. Judgment: the "
                "sources describe noise, not an outage, so the expected label is healthy and graceful-shutdown-missing "
                "must not outrank it (no request is cut: every scale-in happens on an idle instance). Invented: the "
                "service (a webhook receiver), project, region, revision, image digest, env (FUNCTION_TARGET=handleWebhook), "
                "instance ids and lifetimes, the webhook traffic with a few 400s and a favicon 404, npm's update notice and "
                "debug-log lines, a punycode deprecation warning, and the startup probe lines. The app is not public, so no "
                "repo.yaml."
            ),
            "project": "a private Node.js HTTP function on the Functions Framework, run in a container with CMD [\"npm\", \"run\", \"start\"]",
            "language": "node",
            "covers": ["healthy-or-red-herring", "shutdown"],
        },
        "expect": {
            "root_causes": ["healthy"],
            "not_above": ["graceful-shutdown-missing", "container-crash"],
            "must_cite": [[f"run.googleapis.com/stderr#{i}" for i in decisive]],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
