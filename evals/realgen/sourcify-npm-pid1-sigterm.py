"""Generator for the real-incident case sourcify-npm-pid1-sigterm.

Sources: https://github.com/argotorg/sourcify/issues/1877 (Test asynchronous verification with GCP
downscaling) and https://github.com/argotorg/sourcify/pull/2070 (Fix SIGTERM handling of server
containers). The server registers a SIGTERM handler that logs "Shutting down server" and closes
in-process verifications, but the image starts it with CMD ["npm", "start"], so node is not PID 1
and the handler never runs when Cloud Run scales an instance in; background verification jobs on
that instance are left pending in the database.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "sourcify-npm-pid1-sigterm"
SEED = 187720
PROJECT = "sourcify-staging-8841"
REGION = "europe-west1"
SERVICE = "sourcify-server"
REV = "sourcify-server-00214-mox"
IMAGE = "europe-west1-docker.pkg.dev/%s/sourcify/sourcify-server:staging" % PROJECT
HOST = "sourcify-server-7zq3kcm2xa-ew.a.run.app"
T0 = datetime(2025, 4, 7, 9, 0, 0, tzinfo=timezone.utc)
T1 = datetime(2025, 4, 7, 10, 30, 0, tzinfo=timezone.utc)
LOG = "projects/%s/logs/" % PROJECT
CHAIN = "11155111"


def ts(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ms(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.entries = []

    def hexs(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REV, "configuration_name": SERVICE}}

    def add(self, dt, log, severity, payload_key, payload, **extra):
        e = {
            "insertId": self.hexs(24) if "varlog" not in log else self.hexs(12),
            "logName": LOG + log,
            "resource": self.resource(),
            "timestamp": ts(dt),
            "receiveTimestamp": ts(dt + timedelta(milliseconds=self.r.randint(40, 900))),
            "severity": severity,
            payload_key: payload,
        }
        e.update(extra)
        self.entries.append(e)
        return e


def write(out_parent: Path) -> int:
    g = Gen(SEED)
    r = g.r
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    inst1 = "007f3ac6e1" + g.hexs(118)
    inst2 = "007f3ac6e1" + g.hexs(118)

    def applog(t, inst, sev, message, service="server", trace_id=None, **meta):
        payload = {"message": message, "service": service, "timestamp": ms(t)}
        payload.update(meta)
        return g.add(t, "run.googleapis.com%2Fstdout", sev, "jsonPayload", payload, labels={"instanceId": inst},
                     trace="projects/%s/traces/%s" % (PROJECT, trace_id or "undefined"))

    def plain(t, inst, line):
        return g.add(t, "run.googleapis.com%2Fstdout", "DEFAULT", "textPayload", line, labels={"instanceId": inst})

    def req(t, inst, method, path, status, latency, ua, size=None, trace_id=None):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return g.add(t + timedelta(seconds=latency), "run.googleapis.com%2Frequests", sev, "httpRequest", {
            "requestMethod": method, "requestUrl": "https://staging.sourcify.dev/server" + path,
            "requestSize": str(r.randint(300, 900) if method == "GET" else r.randint(40000, 160000)),
            "status": status, "responseSize": str(size if size is not None else r.randint(80, 6000)),
            "userAgent": ua,
            "remoteIp": "%d.%d.%d.%d" % (r.choice([34, 35, 88, 91, 185]), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)),
            "serverIp": "216.239.%d.53" % r.choice([32, 34, 36, 38]),
            "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"},
            labels={"instanceId": inst}, trace="projects/%s/traces/%s" % (PROJECT, trace_id or g.hexs(32)),
            spanId=g.hexs(16), traceSampled=False)

    def startup(t, inst):
        g.add(t, "run.googleapis.com%2Fvarlog%2Fsystem", "INFO", "textPayload",
              "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors "
              "(e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.",
              labels={"instanceId": inst})
        t += timedelta(seconds=1.2)
        # CMD ["npm", "start"]: npm is PID 1 and prints the script banner before starting node
        plain(t, inst, "")
        plain(t + timedelta(milliseconds=1), inst, "> sourcify-server@3.0.0 start")
        npm_line = plain(t + timedelta(milliseconds=2), inst, "> node ./dist/server/cli.js")
        plain(t + timedelta(milliseconds=3), inst, "")
        applog(t + timedelta(seconds=2.1), inst, "INFO", "Starting server with config",
               config={"server": {"port": 8080, "maxFileSize": 30253056}, "solcRepo": "/home/app/services/server/dist/solc-repo",
                       "vyperRepo": "/home/app/services/server/dist/vyper-repo", "verifyDeprecated": False})
        applog(t + timedelta(seconds=2.3), inst, "INFO", "Using database based session")
        applog(t + timedelta(seconds=2.6), inst, "INFO", "Server port set", port=8080)
        applog(t + timedelta(seconds=2.9), inst, "INFO", "SourcifyChains.Initialized", supportedChainsCount=171, allChainsCount=1612)
        applog(t + timedelta(seconds=3.4), inst, "INFO", "Server listening", port=8080)
        g.add(t + timedelta(seconds=3.9), "run.googleapis.com%2Fvarlog%2Fsystem", "INFO", "textPayload",
              "Default STARTUP TCP probe succeeded after 1 attempt for container \"sourcify-server-1\" on port 8080.",
              labels={"instanceId": inst})
        return npm_line

    # ---------- background staging traffic ----------
    monitor_ua = "axios/1.8.4"
    browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36"
    addrs = ["0x" + g.hexs(40) for _ in range(40)]
    t = T0 + timedelta(seconds=r.randint(1, 15))
    while t < T1:
        k = r.random()
        inst = inst1
        if k < 0.25:
            req(t, inst, "GET", "/health", 200, r.uniform(0.002, 0.01), "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", size=17)
        elif k < 0.50:
            st = 200 if r.random() < 0.6 else 404
            req(t, inst, "GET", "/v2/contract/%s/%s?fields=all" % (r.choice([CHAIN, "1", "8453", "10"]), r.choice(addrs)), st,
                r.uniform(0.02, 0.3), r.choice([browser, monitor_ua, "python-requests/2.32.3"]))
        elif k < 0.65:
            req(t, inst, "GET", "/files/any/%s/%s" % (r.choice([CHAIN, "1", "137"]), r.choice(addrs)), r.choice([200, 200, 404]),
                r.uniform(0.03, 0.4), r.choice([browser, "curl/8.5.0"]))
        elif k < 0.75:
            req(t, inst, "GET", "/check-all-by-addresses?addresses=%s&chainIds=%s" % (r.choice(addrs), CHAIN), 200,
                r.uniform(0.02, 0.2), "Foundry/1.0.0")
        elif k < 0.82:
            req(t, inst, "GET", "/chains", 200, r.uniform(0.005, 0.03), browser, size=212000)
        elif k < 0.90:
            req(t, inst, "GET", "/v2/contracts/%s?limit=200&sort=desc" % CHAIN, 200, r.uniform(0.05, 0.3), browser)
        elif k < 0.95:
            req(t, inst, "GET", "/session/data", 200, r.uniform(0.01, 0.05), browser, size=120)
        else:
            req(t, inst, "GET", "/v2/verify/%s" % "%s-%s-4%s-a%s-%s" % (g.hexs(8), g.hexs(4), g.hexs(3), g.hexs(3), g.hexs(12)),
                404, r.uniform(0.01, 0.04), monitor_ua, size=140)
        t += timedelta(seconds=r.expovariate(0.12))

    # small ordinary v1 verifications that complete on the request path
    for mm in (12, 33, 71):
        t = T0 + timedelta(minutes=mm, seconds=r.randint(0, 59))
        tid = g.hexs(32)
        a = r.choice(addrs)
        applog(t + timedelta(seconds=0.4), inst1, "INFO", "Compiling contract", service="LibSourcify", trace_id=tid,
               version="0.8.26+commit.8a97fa7a", contract="Token", path="contracts/Token.sol", forceEmscripten=False)
        d = r.uniform(2.5, 5.0)
        applog(t + timedelta(seconds=0.4 + d), inst1, "INFO", "Compiled contract", service="LibSourcify", trace_id=tid,
               version="0.8.26+commit.8a97fa7a", contract="Token", path="contracts/Token.sol", forceEmscripten=False,
               compilationDuration="%dms" % int(d * 1000))
        applog(t + timedelta(seconds=0.6 + d), inst1, "INFO", "Storing verification on StorageService", trace_id=tid,
               address=a, chainId=CHAIN, runtimeMatch="perfect", creationMatch="perfect")
        applog(t + timedelta(seconds=0.8 + d), inst1, "INFO", "Stored to SourcifyDatabase", trace_id=tid,
               address=a, chainId=CHAIN, runtimeMatch="perfect", creationMatch="perfect")
        req(t, inst1, "POST", "/verify", 200, 0.9 + d, "hardhat-verify", trace_id=tid)

    # ---------- the scaling test: 10 slow-compiling verifications, 10 s apart ----------
    script_ua = "node"
    test_start = datetime(2025, 4, 7, 9, 41, 3, tzinfo=timezone.utc)
    inst2_up = test_start + timedelta(seconds=31)
    npm_line2 = startup(inst2_up, inst2)
    test_addrs = ["0x" + g.hexs(40) for _ in range(10)]
    vids = ["%s-%s-4%s-%s%s-%s" % (g.hexs(8), g.hexs(4), g.hexs(3), r.choice("89ab"), g.hexs(3), g.hexs(12)) for _ in range(10)]
    lost = []
    inst2_down = datetime(2025, 4, 7, 9, 55, 41, tzinfo=timezone.utc)   # scale-in of the second instance
    for i in range(10):
        t = test_start + timedelta(seconds=10 * i + r.uniform(0, 0.4))
        inst = inst1 if i < 3 else inst2
        tid = g.hexs(32)
        req(t, inst, "POST", "/v2/verify/%s/%s" % (CHAIN, test_addrs[i]), 202, r.uniform(0.25, 0.9), script_ua,
            size=62, trace_id=tid)
        c = applog(t + timedelta(seconds=1.1), inst, "INFO", "Compiling contract", service="LibSourcify", trace_id=tid,
                   version="0.8.28+commit.7893614a", contract="ScalingTest", path="contracts/ScalingTest.sol",
                   forceEmscripten=False)
        # 1 vCPU shared by the worker threads: ~100 s alone, several minutes when 3-7 run at once
        dur = (290 + 35 * i + r.uniform(-20, 20)) if inst is inst1 else (600 + 90 * (i - 3) + r.uniform(-20, 20))
        done = t + timedelta(seconds=1.1 + dur)
        if inst is inst2 and done >= inst2_down:
            lost.append((i, c))
            continue
        applog(done, inst, "INFO", "Compiled contract", service="LibSourcify", trace_id=tid,
               version="0.8.28+commit.7893614a", contract="ScalingTest", path="contracts/ScalingTest.sol",
               forceEmscripten=False, compilationDuration="%dms" % int(dur * 1000))
        applog(done + timedelta(seconds=1.8), inst, "INFO", "Storing verification on StorageService", trace_id=tid,
               address=test_addrs[i], chainId=CHAIN, runtimeMatch="perfect", creationMatch="perfect")
        applog(done + timedelta(seconds=2.1), inst, "INFO", "Stored to SourcifyDatabase", trace_id=tid,
               address=test_addrs[i], chainId=CHAIN, runtimeMatch="perfect", creationMatch="perfect")
    # the script polls the jobs; the ones that were running on the scaled-in instance never complete
    t = test_start + timedelta(seconds=120)
    while t < T1 - timedelta(minutes=8):
        for i in range(10):
            req(t + timedelta(milliseconds=40 * i), inst1, "GET", "/v2/verify/%s" % vids[i], 200, r.uniform(0.01, 0.05),
                script_ua, size=r.randint(420, 520))
        t += timedelta(seconds=60)
    # one stray request landed on the second instance while it was idle before scale-in
    req(inst2_down - timedelta(minutes=6, seconds=12), inst2, "GET", "/health", 200, 0.004,
        "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", size=17)
    # later, the tester re-submits one of the lost addresses; it is accepted and starts compiling again on instance 1
    i_dup, _ = lost[0]
    req(datetime(2025, 4, 7, 10, 14, 22, tzinfo=timezone.utc), inst1, "POST", "/v2/verify/%s/%s" % (CHAIN, test_addrs[i_dup]),
        202, 0.61, "node", size=62)
    applog(datetime(2025, 4, 7, 10, 14, 23, tzinfo=timezone.utc), inst1, "INFO", "Compiling contract", service="LibSourcify",
           version="0.8.28+commit.7893614a", contract="ScalingTest", path="contracts/ScalingTest.sol", forceEmscripten=False)

    # unrelated noise
    applog(datetime(2025, 4, 7, 9, 17, 41, tzinfo=timezone.utc), inst1, "WARNING", "Failed to fetch tx", service="LibSourcify",
           creatorTxHash="0x" + g.hexs(64), providerUrl="https://rpc.sepolia.org", error="request timeout")
    applog(datetime(2025, 4, 7, 10, 2, 9, tzinfo=timezone.utc), inst1, "WARNING", "Contract already being verified",
           chainId="8453", address=r.choice(addrs))
    req(datetime(2025, 4, 7, 10, 2, 9, tzinfo=timezone.utc), inst1, "POST", "/v2/verify/8453/%s" % r.choice(addrs), 429, 0.02,
        "hardhat-verify", size=190)

    g.entries = [e for e in g.entries if ts(T0) <= e["timestamp"] < ts(T1)]
    g.entries.sort(key=lambda e: e["timestamp"])
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---------- Cloud Run resources ----------
    svc_name = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    tmpl = {
        "scaling": {"maxInstanceCount": 4},
        "timeout": "300s",
        "serviceAccount": "sourcify-server@%s.iam.gserviceaccount.com" % PROJECT,
        "containers": [{
            "name": "sourcify-server-1",
            "image": IMAGE,
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": [
                {"name": "NODE_ENV", "value": "production"},
                {"name": "SOURCIFY_POSTGRES_HOST", "value": "10.31.0.3"},
                {"name": "SOURCIFY_POSTGRES_DB", "value": "sourcify"},
                {"name": "SOURCIFY_POSTGRES_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "sourcify-postgres-password", "version": "latest"}}},
            ],
            "resources": {"limits": {"cpu": "1", "memory": "4Gi"}, "cpuIdle": False, "startupCpuBoost": True},
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
        }],
        "maxInstanceRequestConcurrency": 80,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
    }
    created = "2025-04-04T13:22:47.512094Z"
    svc = {
        "name": svc_name, "uid": "d61b2f09-8c4e-4a57-b3d2-9e07a1f5c384", "generation": "214",
        "createTime": "2023-11-20T10:04:31.228817Z", "updateTime": created,
        "creator": "sourcify-deployer@%s.iam.gserviceaccount.com" % PROJECT,
        "lastModifier": "sourcify-deployer@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": dict(tmpl, revision=REV),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "214",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created}],
        "latestReadyRevision": "%s/revisions/%s" % (svc_name, REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc_name, REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + HOST, "urls": ["https://" + HOST],
    }
    (out / "run/services" / (SERVICE + ".json")).write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")
    revd = {"name": "%s/revisions/%s" % (svc_name, REV), "uid": "3a9e5c17-0b2d-4f68-8e41-c7d90b2a6f15",
            "generation": "1", "createTime": created, "updateTime": created, "launchStage": "GA",
            "service": svc_name, "observedGeneration": "1",
            "conditions": [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                           {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                           {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created}],
            "logUri": "https://console.cloud.google.com/logs/viewer?project=%s" % PROJECT}
    revd.update(tmpl)
    (out / "run/revisions" / (REV + ".json")).write_text(json.dumps(revd, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "API v2 verification jobs stay pending forever after Cloud Run scales an instance in; no 'Shutting down server' log",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": ts(T0).replace(".000000", ""), "end": ts(T1).replace(".000000", "")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/argotorg/sourcify/issues/1877",
                        "https://github.com/argotorg/sourcify/pull/2070"],
            "verbatim": [
                "dist/server/cli.js",
            ],
            "reconstructed": (
                "From the sources: API v2 runs verifications in background worker threads after the request "
                "returns; a scaling test on the staging Cloud Run deployment (1 vCPU, 4 GB) sent 10 verification "
                "requests for a contract that takes ~103 s to compile, 10 s apart; the server's SIGTERM handler "
                "log 'Shutting down server' never appeared in the GCP logs; jobs were left pending in the "
                "database; the fix (PR #2070) replaced CMD [\"npm\", \"start\"] with node so the signal reaches "
                "node. The absence of 'Shutting down server' is the evidence, so that string is deliberately not "
                "in the logs, which leaves only the script path from the PR's Dockerfile diff as a verbatim string. The npm banner lines ('> sourcify-server@3.0.0 start', '> node ./dist/server/cli.js') "
                "follow from npm start and the package.json at the pinned commit; log payloads follow the "
                "server's GCP winston format (severity/message/service/timestamp, trace 'undefined' outside "
                "requests) and the message texts in the code. Invented by a seeded generator (seed %d): project "
                "id, region, revision and instance ids, staging background traffic, addresses and verification "
                "ids, compile durations, the scale-in time of the second instance, the script's polling of "
                "GET /v2/verify/<id> and a few unrelated warnings/429. Judgment call: cpuIdle is false "
                "(instance-based CPU), since the issue reports that background verifications with no open "
                "request completed in its first tests." % SEED),
            "project": "argotorg/sourcify",
            "language": "typescript",
            "covers": ["shutdown"],
        },
        "expect": {
            "root_causes": ["graceful-shutdown-missing"],
            "not_above": ["background-work-outside-request", "downstream-dependency"],
            "must_cite": [
                "services/server/Dockerfile:43",
                ["run.googleapis.com/stdout#%s" % npm_line2["insertId"]] + ["run.googleapis.com/stdout#%s" % c["insertId"] for _, c in lost],
            ],
        },
    }
    with open(out / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    repo = {
        "repository": "argotorg/sourcify",
        "commit": "c75569736f4f45c0ec515886c858139632eb7dfa",
        "license": "MIT",
        "language": "typescript",
        "fix": "https://github.com/argotorg/sourcify/pull/2070",
    }
    with open(out / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d entries" % (CASE_ID, n))
