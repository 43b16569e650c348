"""Generator for the real-incident case fleet-cron-cpu-throttled.

Sources: https://github.com/fleetdm/fleet-terraform/issues/242
         https://github.com/fleetdm/fleet-terraform/pull/243
Fleet (Go) deployed on Cloud Run by fleet-terraform's gcp/byo-project module without
cpu_idle = false: the warm instance's CPU is throttled between requests and the cron
goroutines get context-cancelled mid-run.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "fleet-cron-cpu-throttled"
SEED = 24201
PROJECT = "mdm-prod-481203"
REGION = "us-east1"
SERVICE = "fleet-api"
REV_OLD = "fleet-api-00006-q2v"
REV = "fleet-api-00007-hzt"
IMAGE = "fleetdm/fleet:v4.85.0"
HOST = "fleet-api-5rtw3kq2ma-ue.a.run.app"
T0 = datetime(2026, 5, 26, 13, 0, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 5, 26, 16, 0, 0, tzinfo=timezone.utc)

LOG = "projects/%s/logs/" % PROJECT


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
            "insertId": self.hexs(24) if log != "run.googleapis.com%2Fvarlog%2Fsystem" else self.hexs(12),
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


def write(out_parent: Path) -> int:
    g = Gen(SEED)
    r = g.r
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    inst_warm = "0069c7a988" + g.hexs(118)
    inst_burst = "0069c7a988" + g.hexs(118)

    # ---- request traffic: sparse osquery / orbit check-ins plus a few admin UI sessions ----
    host_ips = ["35.191.%d.%d" % (r.randint(0, 255), r.randint(1, 254)) for _ in range(6)]
    agent_paths = [
        ("POST", "/api/osquery/distributed/read", "osquery/5.14.1", (0.008, 0.045), 180, 96),
        ("POST", "/api/osquery/config", "osquery/5.14.1", (0.012, 0.080), 210, 4200),
        ("POST", "/api/osquery/log", "osquery/5.14.1", (0.010, 0.060), 2600, 2),
        ("POST", "/api/fleet/orbit/config", "Go-http-client/1.1", (0.015, 0.090), 140, 1900),
        ("POST", "/api/fleet/orbit/ping", "Go-http-client/1.1", (0.002, 0.012), 60, 2),
    ]
    ui_paths = [
        ("GET", "/api/latest/fleet/hosts?page=0&per_page=20&order_key=display_name", (0.030, 0.250), 24000),
        ("GET", "/api/latest/fleet/hosts/count", (0.010, 0.060), 20),
        ("GET", "/api/latest/fleet/config", (0.008, 0.040), 9800),
        ("GET", "/api/latest/fleet/me", (0.004, 0.020), 900),
        ("GET", "/api/latest/fleet/mdm/apple", (0.010, 0.070), 1100),
        ("GET", "/api/latest/fleet/software/titles?page=0&per_page=20", (0.060, 0.400), 31000),
        ("GET", "/assets/bundle-5f1c0e2a.js", (0.003, 0.015), 2480000),
    ]
    req_times = []
    # agent check-ins: sparse (a small fleet), irregular gaps so the instance idles between them
    t = T0 + timedelta(seconds=r.randint(5, 40))
    while t < T1:
        req_times.append(("agent", t))
        t += timedelta(seconds=r.choice([20, 35, 50, 70, 95, 140, 190]) + r.random() * 15)
    # admin UI sessions (bursts)
    for start_min in (17, 44, 88, 131, 156):
        s = T0 + timedelta(minutes=start_min, seconds=r.randint(0, 59))
        for k in range(r.randint(18, 45)):
            req_times.append(("ui", s + timedelta(seconds=k * r.uniform(0.4, 9))))
    req_times.sort(key=lambda x: x[1])

    def request(kind, t, inst, rev=REV):
        if kind == "agent":
            m, p, ua, lat, rq, rs = r.choice(agent_paths)
            ip = r.choice(host_ips)
        else:
            m, p, lat, rs = r.choice(ui_paths)
            ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36"
            rq = r.randint(300, 900)
            ip = "35.191.%d.%d" % (r.randint(0, 255), r.randint(1, 254))
        status = 200
        if kind == "ui" and p.endswith("/me") and r.random() < 0.15:
            status, rs = 401, 68
        latency = r.uniform(*lat)
        trace = g.hexs(32)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        g.add(t + timedelta(seconds=latency), "run.googleapis.com%2Frequests", rev, sev, "httpRequest", {
            "requestMethod": m, "requestUrl": "https://fleet.northwind-mdm.com%s" % p,
            "requestSize": str(rq + r.randint(0, 60)), "status": status,
            "responseSize": str(max(2, int(rs * r.uniform(0.8, 1.2)))), "userAgent": ua,
            "remoteIp": ip, "serverIp": "216.239.%d.53" % r.choice([32, 34, 36, 38]),
            "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"},
            labels={"instanceId": inst},
            trace="projects/%s/traces/%s" % (PROJECT, trace), spanId=g.hexs(16), traceSampled=False)

    burst_start = T0 + timedelta(minutes=131)
    burst_end = T0 + timedelta(minutes=131, seconds=150)
    for kind, t in req_times:
        inst = inst_warm
        if burst_start <= t <= burst_end and r.random() < 0.5:
            inst = inst_burst
        request(kind, t, inst)

    # favicon 404s from the admin UI (loud but irrelevant)
    for mm in (17, 88, 156):
        t = T0 + timedelta(minutes=mm, seconds=r.randint(0, 30))
        g.add(t, "run.googleapis.com%2Frequests", REV, "WARNING", "httpRequest", {
            "requestMethod": "GET", "requestUrl": "https://fleet.northwind-mdm.com/favicon.ico",
            "requestSize": "412", "status": 404, "responseSize": "19",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36",
            "remoteIp": "35.191.%d.%d" % (r.randint(0, 255), r.randint(1, 254)),
            "serverIp": "216.239.36.53", "latency": "0.001843s", "protocol": "HTTP/1.1"},
            labels={"instanceId": inst_warm},
            trace="projects/%s/traces/%s" % (PROJECT, g.hexs(32)), spanId=g.hexs(16), traceSampled=False)

    # ---- second instance for the UI burst: autoscaled up, later shut down ----
    g.add(burst_start - timedelta(seconds=2), "run.googleapis.com%2Fvarlog%2Fsystem", REV, "INFO", "textPayload",
          "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors "
          "(e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.",
          labels={"instanceId": inst_burst})
    g.add(burst_start + timedelta(seconds=31), "run.googleapis.com%2Fvarlog%2Fsystem", REV, "INFO", "textPayload",
          "STARTUP TCP probe succeeded after 1 attempt for container \"fleet-1\" on port 8080.",
          labels={"instanceId": inst_burst})

    def applog(t, inst, obj):
        obj = dict(obj)
        obj["ts"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        return g.add(t, "run.googleapis.com%2Fstderr", REV, "DEFAULT", "jsonPayload", obj,
                     labels={"instanceId": inst})

    # startup lines of the burst instance (fleet serve)
    applog(burst_start + timedelta(seconds=3), inst_burst, {"level": "info", "msg": "fleet serve starting",
                                                           "component": "service", "version": "4.85.0"})
    applog(burst_start + timedelta(seconds=5), inst_burst, {"level": "warn", "component": "service",
                                                           "msg": "prometheus metrics disabled: no basic auth configured"})
    applog(burst_start + timedelta(seconds=6), inst_burst, {"level": "info", "msg": "listening", "address": "0.0.0.0:8080",
                                                           "transport": "http"})

    # ---- cron goroutines on the warm instance: context-cancelled mid-run between requests ----
    decisive = None
    crons = ["apple_mdm_dep_profile_assigner", "cleanups_then_aggregation", "mdm_apple_profile_manager",
             "vulnerabilities", "usage_statistics", "query_results_cleanup"]
    ticks = []
    for name, every in (("apple_mdm_dep_profile_assigner", 60), ("cleanups_then_aggregation", 300),
                        ("mdm_apple_profile_manager", 30), ("query_results_cleanup", 600)):
        t = T0 + timedelta(seconds=r.randint(10, every))
        while t < T1:
            ticks.append((t, name))
            t += timedelta(seconds=every + r.uniform(0, 25))
    ticks.sort()
    bad_from = T0 + timedelta(minutes=35)   # from here the ticks land mostly on a throttled CPU
    for t, name in ticks:
        if t < bad_from or r.random() < 0.25:
            applog(t + timedelta(milliseconds=r.randint(200, 4000)), inst_warm,
                   {"level": "info", "component": "crons", "cron": name, "msg": "run completed"})
            continue
        mode = r.random()
        if mode < 0.35:
            applog(t, inst_warm, {"level": "info", "component": "crons", "cron": name,
                                  "msg": "pending job might still be running, wait 1m0s"})
        elif mode < 0.75:
            t2 = t + timedelta(seconds=r.uniform(20, 75))
            applog(t2, inst_warm, {"level": "error", "component": "crons", "cron": name,
                                   "msg": "running cron job", "err": "context canceled"})
            e = applog(t2 + timedelta(milliseconds=r.randint(2, 30)), inst_warm,
                       {"level": "error", "component": "crons", "cron": name, "msg": "release schedule lock",
                        "err": "unlock failed: context canceled"})
            if name == "apple_mdm_dep_profile_assigner" and decisive is None and t2 > T0 + timedelta(minutes=60):
                decisive = e
        else:
            t2 = t + timedelta(seconds=r.uniform(20, 75))
            applog(t2, inst_warm, {"level": "error", "component": "crons", "cron": name,
                                   "msg": "record cron run", "err": "update cron stats: context canceled"})
    # a DEP sync whose device upserts never land (the case in the issue)
    t = T0 + timedelta(minutes=101, seconds=12)
    applog(t, inst_warm, {"level": "info", "component": "crons", "cron": "apple_mdm_dep_profile_assigner",
                          "msg": "dep sync: fetched devices", "devices": 7})
    applog(t + timedelta(seconds=48), inst_warm, {"level": "error", "component": "crons",
                                                   "cron": "apple_mdm_dep_profile_assigner",
                                                   "msg": "upsert dep assignments", "err": "context canceled"})
    e = applog(t + timedelta(seconds=48, milliseconds=9), inst_warm,
               {"level": "error", "component": "crons", "cron": "apple_mdm_dep_profile_assigner",
                "msg": "release schedule lock", "err": "unlock failed: context canceled"})
    decisive = decisive or e
    applog(t + timedelta(seconds=48, milliseconds=15), inst_warm,
           {"level": "error", "component": "crons", "cron": "apple_mdm_dep_profile_assigner",
            "msg": "record cron run", "err": "update cron stats: context canceled"})
    # unrelated noise
    for k in range(6):
        tt = T0 + timedelta(minutes=r.randint(0, 179), seconds=r.randint(0, 59))
        applog(tt, inst_warm, {"level": "info", "component": "http", "msg": "session expired", "method": "GET",
                               "uri": "/api/latest/fleet/me"})

    g.entries = [e for e in g.entries if e["timestamp"] < ts(T1)]
    g.entries.sort(key=lambda e: e["timestamp"])
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- Cloud Run resources ----
    svc_name = "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE)
    env = [
        {"name": "FLEET_SERVER_FORCE_H2C", "value": "false"},
        {"name": "FLEET_MYSQL_PROTOCOL", "value": "tcp"},
        {"name": "FLEET_MYSQL_ADDRESS", "value": "10.84.0.3:3306"},
        {"name": "FLEET_MYSQL_USERNAME", "value": "fleet"},
        {"name": "FLEET_MYSQL_DATABASE", "value": "fleet"},
        {"name": "FLEET_REDIS_ADDRESS", "value": "10.84.1.4:6379"},
        {"name": "FLEET_REDIS_USE_TLS", "value": "false"},
        {"name": "FLEET_LOGGING_JSON", "value": "true"},
        {"name": "FLEET_LOGGING_DEBUG", "value": "false"},
        {"name": "FLEET_SERVER_TLS", "value": "false"},
        {"name": "FLEET_S3_SOFTWARE_INSTALLERS_ENDPOINT_URL", "value": "https://storage.googleapis.com"},
        {"name": "FLEET_S3_SOFTWARE_INSTALLERS_FORCE_S3_PATH_STYLE", "value": "true"},
        {"name": "FLEET_S3_SOFTWARE_INSTALLERS_REGION", "value": REGION},
        {"name": "FLEET_MYSQL_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "fleet-db-password", "version": "latest"}}},
        {"name": "FLEET_SERVER_PRIVATE_KEY", "valueSource": {"secretKeyRef": {"secret": "fleet-private-key", "version": "latest"}}},
    ]

    def template(rev):
        return {
            "revision": rev,
            "scaling": {"minInstanceCount": 0, "maxInstanceCount": 5},
            "vpcAccess": {"egress": "ALL_TRAFFIC", "networkInterfaces": [{"network": "fleet-network", "subnetwork": "fleet-subnet"}]},
            "timeout": "300s",
            "serviceAccount": "fleet-run-sa@%s.iam.gserviceaccount.com" % PROJECT,
            "containers": [{
                "name": "fleet-1",
                "image": IMAGE,
                "ports": [{"name": "http1", "containerPort": 8080}],
                "env": env,
                "resources": {"limits": {"cpu": "1000m", "memory": "4096Mi"}, "cpuIdle": True, "startupCpuBoost": False},
                "startupProbe": {"initialDelaySeconds": 30, "timeoutSeconds": 2, "periodSeconds": 60,
                                 "failureThreshold": 3, "tcpSocket": {"port": 8080}},
                "livenessProbe": {"initialDelaySeconds": 30, "timeoutSeconds": 2, "periodSeconds": 60,
                                  "failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 8080}},
            }],
            "maxInstanceRequestConcurrency": 80,
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        }

    cond_ok = lambda t: {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": t}
    svc = {
        "name": svc_name, "uid": "8b1f0c2e-5d4a-4f7e-9a61-3c2b7d90e415", "generation": "7",
        "createTime": "2026-02-03T18:22:41.118204Z", "updateTime": "2026-05-21T15:04:12.553190Z",
        "creator": "terraform@%s.iam.gserviceaccount.com" % PROJECT,
        "lastModifier": "terraform@%s.iam.gserviceaccount.com" % PROJECT,
        "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        "launchStage": "GA",
        "scaling": {"minInstanceCount": 1},
        "template": template(REV),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "7",
        "terminalCondition": cond_ok("2026-05-21T15:05:02.810441Z"),
        "conditions": [{"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-05-21T15:05:02.810441Z"},
                       {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-05-21T15:04:58.002113Z"}],
        "latestReadyRevision": "%s/revisions/%s" % (svc_name, REV),
        "latestCreatedRevision": "%s/revisions/%s" % (svc_name, REV),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + HOST,
        "urls": ["https://" + HOST],
        "etag": "\"CKz7o8EGEJiA9oUC/cHJvamVjdHMvbWRtLXByb2QtNDgxMjAz\"",
    }
    (out / "run/services" / (SERVICE + ".json")).write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    for rev, created, ready in ((REV_OLD, "2026-05-02T14:11:09.402117Z", False), (REV, "2026-05-21T15:04:12.553190Z", True)):
        t = template(rev)
        t.pop("revision")
        revd = {
            "name": "%s/revisions/%s" % (svc_name, rev), "uid": g.hexs(8) + "-" + g.hexs(4) + "-4" + g.hexs(3) + "-a" + g.hexs(3) + "-" + g.hexs(12),
            "generation": "1", "createTime": created, "updateTime": created,
            "labels": {"cloud.googleapis.com/location": REGION},
            "launchStage": "GA", "service": svc_name,
            "scaling": t["scaling"], "vpcAccess": t["vpcAccess"], "timeout": t["timeout"],
            "serviceAccount": t["serviceAccount"], "containers": t["containers"],
            "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
            "observedGeneration": "1",
            "conditions": [
                {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created},
            ] + ([] if ready else [{"type": "Active", "state": "CONDITION_FAILED", "reason": "RETIRED",
                                     "severity": "INFO", "message": "Revision retired.",
                                     "lastTransitionTime": "2026-05-21T15:05:02.810441Z"}]),
            "logUri": "https://console.cloud.google.com/logs/viewer?project=%s" % PROJECT,
        }
        (out / "run/revisions" / (rev + ".json")).write_text(json.dumps(revd, sort_keys=True, indent=2) + "\n")

    # ---- case.yaml / repo.yaml ----
    case = {
        "id": CASE_ID,
        "title": "Fleet cron jobs keep failing with context canceled and DEP devices stop showing up in the host list",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": ts(T0).replace(".000000", ""), "end": ts(T1).replace(".000000", "")},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/fleetdm/fleet-terraform/issues/242",
                        "https://github.com/fleetdm/fleet-terraform/pull/243"],
            "verbatim": [
                "unlock failed: context canceled",
                "update cron stats: context canceled",
                "pending job might still be running, wait 1m0s",
                "apple_mdm_dep_profile_assigner",
                "cleanups_then_aggregation",
                "fleet-api",
            ],
            "reconstructed": (
                "The issue quotes the three cron error strings, the service name fleet-api and the module's "
                "settings (min_instance_count = 1 at service level, cpu_idle unset so Cloud Run v2 defaults it to "
                "true); the image tag, CPU/memory limits, probes and env vars are the module defaults at the pinned "
                "commit. Everything else is invented by a seeded generator (seed %d): the project id, region, "
                "revision names, instance ids, a sparse stream of osquery/orbit check-ins and admin-UI bursts, one "
                "autoscaled second instance that starts and is shut down, favicon 404s and session-expired noise. "
                "Fleet's JSON log lines on stderr (go-kit style level/ts/msg/err keys) are a reconstruction: only "
                "the err/msg strings listed as verbatim come from the issue; the surrounding msg texts and the "
                "'component'/'cron' keys are assumed. The DEP devices that never reach the host list leave no log "
                "line of their own, so one DEP sync whose upsert is cancelled stands for it." % SEED),
            "project": "fleetdm/fleet-terraform",
            "language": "go",
            "covers": ["background-work"],
        },
        "expect": {
            "root_causes": ["background-work-outside-request"],
            "not_above": ["downstream-dependency", "graceful-shutdown-missing"],
            "must_cite": [
                ["gcp/byo-project/cloud_run.tf:111", "gcp/byo-project/cloud_run.tf:112"],
                "%s#template.containers[0].resources.cpuIdle" % svc_name,
                "run.googleapis.com/stderr#%s" % decisive["insertId"],
            ],
        },
    }
    with open(out / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    repo = {
        "repository": "fleetdm/fleet-terraform",
        "commit": "70e1e1b80006b22ca92c12adb474db841e9e0452",
        "license": "MIT",
        "language": "hcl",
        "fix": "https://github.com/fleetdm/fleet-terraform/pull/243",
    }
    with open(out / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print("%s: %d entries" % (CASE_ID, n))
