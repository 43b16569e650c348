"""Generator for the real-incident case memex-sigterm-truncated.

Source: https://github.com/mindset-ai/memex-ai/pull/160 (fix(server): graceful SIGTERM shutdown).
memex-api (Node 22, Hono on @hono/node-server) registered no SIGTERM handler; when the prod
rollout drained the old revision, Cloud Run's SIGTERM made Node exit at once and every in-flight
SSE response on that instance was cut ("Truncated response body", bursts of ~25 within seconds).
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "memex-sigterm-truncated"
SEED = 160612
PROJECT = "memex-prod-5512"
REGION = "us-east4"
SERVICE = "memex-api"
REV_OLD = "memex-api-00087-wex"
REV = "memex-api-00088-gaj"
IMG = "us-east4-docker.pkg.dev/%s/memex/memex-api" % PROJECT
HOST = "memex-api-3fz7kq2wba-uk.a.run.app"
T0 = datetime(2026, 6, 12, 2, 45, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 6, 12, 4, 0, 0, tzinfo=timezone.utc)
DEPLOY = datetime(2026, 6, 12, 3, 28, 52, tzinfo=timezone.utc)
LOG = "projects/%s/logs/" % PROJECT
TRUNC = ("Truncated response body. Usually implies that the request timed out or the application exited "
         "before the response was finished.")


def ts(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.entries = []

    def hexs(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def resource(self, rev):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": rev, "configuration_name": SERVICE}}

    def add(self, dt, log, rev, severity, payload_key, payload, **extra):
        e = {
            "insertId": self.hexs(24) if "varlog" not in log else self.hexs(12),
            "logName": LOG + log,
            "resource": self.resource(rev),
            "timestamp": ts(dt),
            "receiveTimestamp": ts(dt + timedelta(milliseconds=self.r.randint(40, 900))),
            "severity": severity,
            payload_key: payload,
        }
        e.update(extra)
        self.entries.append(e)
        return e


BROWSER_UAS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 19_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.4 Mobile/15E148 Safari/604.1",
]
NS = ["mindset", "acme-labs", "northwind", "orbital"]


def write(out_parent: Path) -> int:
    g = Gen(SEED)
    r = g.r
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    old_insts = ["0066d1c2a9" + g.hexs(118) for _ in range(2)]
    new_insts = ["0066d1c2a9" + g.hexs(118) for _ in range(3)]

    def req(t_start, inst, rev, method, path, status, latency, text=None, sev=None, ua=None, size=None):
        sev = sev or ("INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR"))
        extra = {"labels": {"instanceId": inst}, "trace": "projects/%s/traces/%s" % (PROJECT, g.hexs(32)),
                 "spanId": g.hexs(16), "traceSampled": False}
        payload = {"requestMethod": method, "requestUrl": "https://api.memex.mindset.ai" + path,
                   "requestSize": str(r.randint(380, 2400)), "status": status,
                   "responseSize": str(size if size is not None else r.randint(60, 9000)),
                   "userAgent": ua or r.choice(BROWSER_UAS),
                   "remoteIp": "%d.%d.%d.%d" % (r.choice([81, 86, 92, 104, 172, 203]), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)),
                   "serverIp": "216.239.%d.53" % r.choice([32, 34, 36, 38]),
                   "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"}
        e = g.add(t_start + timedelta(seconds=latency), "run.googleapis.com%2Frequests", rev, sev, "httpRequest", payload, **extra)
        if text:
            e["textPayload"] = text
        return e

    def stdout(t, inst, rev, line):
        return g.add(t, "run.googleapis.com%2Fstdout", rev, "DEFAULT", "textPayload", line, labels={"instanceId": inst})

    def start_instance(t, inst, rev, rollout):
        msg = ("Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started because of a traffic shift "
               "due to a revision deployment.") if rollout else (
               "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors "
               "(e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.")
        g.add(t, "run.googleapis.com%2Fvarlog%2Fsystem", rev, "INFO", "textPayload", msg, labels={"instanceId": inst})
        stdout(t + timedelta(seconds=1.9), inst, rev, "Server listening on http://localhost:8080")
        g.add(t + timedelta(seconds=2.3), "run.googleapis.com%2Fvarlog%2Fsystem", rev, "INFO", "textPayload",
              "Default STARTUP TCP probe succeeded after 1 attempt for container \"memex-api-1\" on port 8080.",
              labels={"instanceId": inst})
        stdout(t + timedelta(seconds=2.6), inst, rev, "[bus-relay] LISTEN memex_bus established")

    # ---------- ordinary traffic ----------
    def traffic(t_from, t_to, insts, rev, rate):
        t = t_from
        while t < t_to:
            inst = r.choice(insts)
            k = r.random()
            ns = r.choice(NS)
            if k < 0.30:
                # guide chat turn: SSE, ~2-3 s, 200 (or 204 on a no-op turn)
                st = 204 if r.random() < 0.08 else 200
                req(t, inst, rev, "POST", "/guide/v1/chat", st, r.uniform(1.6, 3.4), size=0 if st == 204 else r.randint(1800, 14000))
            elif k < 0.38:
                req(t, inst, rev, "POST", "/guide/v1/session", 200, r.uniform(0.04, 0.18), size=r.randint(300, 700))
            elif k < 0.55:
                req(t, inst, rev, "GET", "/api/%s/main/docs?limit=50" % ns, 200, r.uniform(0.02, 0.22))
            elif k < 0.66:
                req(t, inst, rev, "GET", "/api/%s/main/tasks?status=open" % ns, 200, r.uniform(0.02, 0.15))
            elif k < 0.72:
                req(t, inst, rev, "POST", "/api/%s/main/telemetry" % ns, 204, r.uniform(0.004, 0.03), size=0)
            elif k < 0.78:
                req(t, inst, rev, "GET", "/api/%s/main/search?q=%s" % (ns, r.choice(["spec", "roadmap", "onboarding", "pricing"])),
                    200, r.uniform(0.08, 0.6))
            elif k < 0.84:
                req(t, inst, rev, "GET", "/api/health", 200, r.uniform(0.002, 0.01), ua="GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", size=38)
            elif k < 0.90:
                # doc-change event streams held open by open tabs; closed by the client well before 300 s
                req(t, inst, rev, "GET", "/api/%s/main/docs/events" % ns, 200, r.uniform(15, 240), size=r.randint(200, 4000))
            elif k < 0.93:
                req(t, inst, rev, "GET", "/api/me", 401, r.uniform(0.003, 0.02), size=45)
            elif k < 0.95:
                req(t, inst, rev, "GET", "/favicon.ico", 404, r.uniform(0.002, 0.006), size=9)
            else:
                req(t, inst, rev, "GET", "/api/%s/main/activity?since=24h" % ns, 200, r.uniform(0.05, 0.4))
            t += timedelta(seconds=r.expovariate(rate))

    # old revision serves until the cutover
    cut = DEPLOY + timedelta(seconds=78)   # traffic shifts to the new revision
    traffic(T0, cut, old_insts, REV_OLD, 0.5)
    # deploy
    g.add(DEPLOY, "cloudaudit.googleapis.com%2Factivity", "", "NOTICE", "protoPayload", {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": {"principalEmail": "github-deployer@%s.iam.gserviceaccount.com" % PROJECT},
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "serviceName": "run.googleapis.com",
        "requestMetadata": {"callerIp": "20.102.%d.%d" % (r.randint(0, 255), r.randint(1, 254)),
                            "callerSuppliedUserAgent": "google-cloud-sdk gcloud/560.0.0 command/gcloud.run.deploy invocation-id/%s environment/github_actions_runner" % g.hexs(32)},
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest"},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service"},
        "status": {}})
    g.entries[-1]["resource"]["labels"]["configuration_name"] = ""
    for i, inst in enumerate(new_insts[:2]):
        start_instance(DEPLOY + timedelta(seconds=31 + i * 4), inst, REV, rollout=True)
    g.add(cut - timedelta(seconds=3), "cloudaudit.googleapis.com%2Fsystem_event", REV, "INFO", "protoPayload", {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "methodName": "/Services.ReplaceService",
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "serviceName": "run.googleapis.com",
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                     "metadata": {"name": SERVICE, "namespace": PROJECT},
                     "status": {"latestReadyRevisionName": REV, "latestCreatedRevisionName": REV}},
        "status": {"message": "Ready condition status changed to True for Service %s." % SERVICE}})
    traffic(cut, T1, new_insts[:2], REV, 0.5)
    # autoscaled third instance during a busy stretch, scaled in later
    up = datetime(2026, 6, 12, 3, 41, 10, tzinfo=timezone.utc)
    down = datetime(2026, 6, 12, 3, 55, 30, tzinfo=timezone.utc)
    start_instance(up, new_insts[2], REV, rollout=False)
    traffic(up + timedelta(seconds=3), down - timedelta(seconds=20), [new_insts[2]], REV, 0.2)

    # ---------- SIGTERM teardown: every in-flight stream on the instance is cut at once ----------
    decisive = []

    def teardown(inst, rev, at, n_streams, n_chat):
        # streams that were open when the instance got SIGTERM; Node exits at once
        for k in range(n_streams):
            started = at - timedelta(seconds=r.uniform(5, 200))
            lat = (at - started).total_seconds() + r.uniform(0.001, 0.05)
            ns = r.choice(NS)
            e = req(started, inst, rev, "GET", "/api/%s/main/docs/events" % ns, 200, lat, text=TRUNC, sev="WARNING",
                    size=r.randint(100, 3000))
        for k in range(n_chat):
            started = at - timedelta(seconds=r.uniform(0.3, 2.2))
            lat = (at - started).total_seconds() + r.uniform(0.001, 0.05)
            e = req(started, inst, rev, "POST", "/guide/v1/chat", 200, lat, text=TRUNC, sev="WARNING",
                    size=r.randint(200, 2500))
            decisive.append(e)

    # old revision drained after the cutover: instance A at ~03:30, instance B (the user's turn) at ~03:34
    teardown(old_insts[0], REV_OLD, datetime(2026, 6, 12, 3, 30, 26, 418000, tzinfo=timezone.utc), 21, 4)
    # traffic migrates gradually: instance B of the old revision still takes a share until it is torn down
    traffic(cut, datetime(2026, 6, 12, 3, 34, 11, tzinfo=timezone.utc), [old_insts[1]], REV_OLD, 0.2)
    teardown(old_insts[1], REV_OLD, datetime(2026, 6, 12, 3, 34, 11, 902000, tzinfo=timezone.utc), 19, 6)
    # scale-in of the autoscaled instance drops its few open streams as well
    teardown(new_insts[2], REV, down, 3, 1)

    # ---------- app noise ----------
    for t in (datetime(2026, 6, 12, 2, 58, 3, tzinfo=timezone.utc), datetime(2026, 6, 12, 3, 58, 41, tzinfo=timezone.utc)):
        stdout(t, old_insts[0] if t < cut else new_insts[0], REV_OLD if t < cut else REV,
               "[domain-verification-cleanup] deleted %d expired token(s)" % r.randint(1, 3))
    for t in (datetime(2026, 6, 12, 3, 12, 44, tzinfo=timezone.utc), datetime(2026, 6, 12, 3, 47, 19, tzinfo=timezone.utc)):
        inst, rev = (old_insts[1], REV_OLD) if t < cut else (new_insts[1], REV)
        stdout(t, inst, rev, "[usage-forwarder] flushed %d event(s) to mixpanel" % r.randint(4, 40))
    g.add(datetime(2026, 6, 12, 3, 21, 7, tzinfo=timezone.utc), "run.googleapis.com%2Fstderr", REV_OLD, "DEFAULT", "textPayload",
          "(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.\n"
          "(Use `node --trace-deprecation ...` to show where the warning was created)",
          labels={"instanceId": old_insts[1]})

    # nothing completes on an instance after it was torn down, except the cut responses themselves
    dead = {old_insts[0]: ts(datetime(2026, 6, 12, 3, 30, 26, 480000, tzinfo=timezone.utc)),
            old_insts[1]: ts(datetime(2026, 6, 12, 3, 34, 11, 960000, tzinfo=timezone.utc)),
            new_insts[2]: ts(down + timedelta(milliseconds=60))}
    g.entries = [e for e in g.entries
                 if not (e.get("labels", {}).get("instanceId") in dead and "httpRequest" in e
                         and e["timestamp"] > dead[e["labels"]["instanceId"]] and e.get("textPayload") != TRUNC)]
    g.entries = [e for e in g.entries if ts(T0) <= e["timestamp"] < ts(T1)]
    g.entries.sort(key=lambda e: e["timestamp"])
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    # the user's turn: the first guide chat cut at the 03:34 teardown
    user_turn = [e for e in decisive if e["timestamp"] >= "2026-06-12T03:34"][0]
    first_burst = [e for e in decisive if e["timestamp"] < "2026-06-12T03:31"][0]

    # ---------- Cloud Run resources ----------
    svc_name = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)

    def template(rev, digest):
        return {
            "revision": rev,
            "scaling": {"maxInstanceCount": 3},
            "timeout": "300s",
            "serviceAccount": "memex-runtime@%s.iam.gserviceaccount.com" % PROJECT,
            "containers": [{
                "name": "memex-api-1",
                "image": IMG + "@sha256:" + digest,
                "ports": [{"name": "http1", "containerPort": 8080}],
                "env": [
                    {"name": "NODE_ENV", "value": "production"},
                    {"name": "CLOUD_SQL_SOCKET", "value": "/cloudsql/%s:%s:memex-db" % (PROJECT, REGION)},
                    {"name": "OAUTH_ENABLED", "value": "1"},
                    {"name": "APP_BASE_URL", "value": "https://memex.mindset.ai"},
                    {"name": "DATABASE_URL", "valueSource": {"secretKeyRef": {"secret": "memex-database-url", "version": "latest"}}},
                    {"name": "ANTHROPIC_API_KEY", "valueSource": {"secretKeyRef": {"secret": "anthropic-api-key", "version": "latest"}}},
                ],
                "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True, "startupCpuBoost": True},
                "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": ["%s:%s:memex-db" % (PROJECT, REGION)]}}],
            "maxInstanceRequestConcurrency": 80,
        }

    d_old, d_new = "1f0c9b2d7a4e" + "3c5b8e0f61a2d4c79b3e5f0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d", \
                   "8e2a4c6f0b1d" + "9a7c5e3f1b0d2c4a6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"
    svc = {
        "name": svc_name, "uid": "5c0a8e71-2f4b-4d93-a6c1-0e9b7f3d2a58", "generation": "88",
        "createTime": "2026-01-09T11:02:17.330114Z", "updateTime": ts(DEPLOY),
        "creator": "deploy-admin@mindset.ai",
        "lastModifier": "github-deployer@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": template(REV, d_new),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "88",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(cut - timedelta(seconds=3))},
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(cut - timedelta(seconds=3))},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(cut - timedelta(seconds=9))}],
        "latestReadyRevision": "%s/revisions/%s" % (svc_name, REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc_name, REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + HOST, "urls": ["https://" + HOST],
    }
    (out / "run/services" / (SERVICE + ".json")).write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")
    for rev, digest, created, current in ((REV_OLD, d_old, "2026-06-10T16:41:55.120733Z", False), (REV, d_new, ts(DEPLOY), True)):
        t = template(rev, digest)
        t.pop("revision")
        conds = [{"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                 {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                 {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created}]
        if not current:
            conds.append({"type": "Active", "state": "CONDITION_FAILED", "reason": "RETIRED", "severity": "INFO",
                          "message": "Revision retired.", "lastTransitionTime": ts(cut)})
        revd = {"name": "%s/revisions/%s" % (svc_name, rev), "uid": g.hexs(8) + "-" + g.hexs(4) + "-4" + g.hexs(3) + "-8" + g.hexs(3) + "-" + g.hexs(12),
                "generation": "1", "createTime": created, "updateTime": created, "launchStage": "GA",
                "service": svc_name, "observedGeneration": "1", "conditions": conds,
                "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
                "logUri": "https://console.cloud.google.com/logs/viewer?project=%s" % PROJECT}
        revd.update(t)
        (out / "run/revisions" / (rev + ".json")).write_text(json.dumps(revd, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Guide /chat turns intermittently die with net::ERR_CONNECTION_CLOSED (\"Failed to fetch\") around the prod rollout; no ERROR logs",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": ts(T0).replace(".000000", ""), "end": ts(T1).replace(".000000", "")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/mindset-ai/memex-ai/pull/160"],
            "verbatim": [
                "Truncated response body",
                "the application exited before the response was finished",
                "/guide/v1/chat",
                "memex-api",
                "512Mi",
            ],
            "reconstructed": (
                "The PR quotes the Cloud Run message as 'Truncated response body — the application exited before "
                "the response was finished'; the request-log textPayload here uses Cloud Run's full sentence, which "
                "contains both quoted halves verbatim. From the PR: bursts of ~25 truncated responses within "
                "seconds from one instance, every completed /guide/v1/chat returning 200/204, no severity>=ERROR "
                "entries in the window, prod cutover ~03:30 and the user's failed turn ~03:34 (read as UTC), "
                "memory 512Mi and max-instances 3 (also in packages/server/deploy.sh), Node's default SIGTERM exit. "
                "Invented by a seeded generator (seed %d): project id (the PR's memex-ai-prod is replaced), "
                "revision names, image digests, instance ids, the request mix (guide session/chat turns, doc "
                "APIs, doc-event SSE streams closed by the client, uptime checks, 401/404 noise), bus-relay/"
                "usage-forwarder stdout lines, a punycode DeprecationWarning, and an autoscaled third instance "
                "whose scale-in cuts a few more streams. Judgment calls: truncated request entries carry status "
                "200 (SSE headers already sent) and severity WARNING, consistent with the PR's empty "
                "severity>=ERROR query; the old revision's two instances are torn down ~4 minutes apart." % SEED),
            "project": "mindset-ai/memex-ai",
            "language": "typescript",
            "covers": ["shutdown"],
        },
        "expect": {
            "root_causes": ["graceful-shutdown-missing"],
            "not_above": ["bad-deploy-regression", "request-timeout", "memory-limit-exceeded"],
            "must_cite": [
                ["packages/server/src/index.ts:27", "packages/server/src/index.ts:86"],
                ["run.googleapis.com/requests#%s" % user_turn["insertId"],
                 "run.googleapis.com/requests#%s" % first_burst["insertId"]],
            ],
        },
    }
    with open(out / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    repo = {
        "repository": "mindset-ai/memex-ai",
        "commit": "d08ab75253d6a1f2e6e2fcbc6910a3183a16f04f",
        "license": "LicenseRef-Sustainable-Use-License-1.0",
        "language": "typescript",
        "fix": "https://github.com/mindset-ai/memex-ai/pull/160",
    }
    with open(out / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d entries" % (CASE_ID, n))
