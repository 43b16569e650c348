"""Generator for the real-incident case `dart-frog-gen1-environment`.

Sources: https://github.com/dart-frog-dev/dart_frog/pull/1191 and
https://github.com/dart-lang/sdk/issues/47899 (Dart server on Cloud Run's first-generation
(gVisor) execution environment hangs after its first Cloud SQL unix-socket connection;
the fix/workaround is `--execution-environment=gen2`).
"""
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "dart-frog-gen1-environment"
SEED = 47899
P = "tadpole-prod-4821"
R = "europe-west1"
SVC = "frog-api"
OLD_REV = "frog-api-00011-hib"
NEW_REV = "frog-api-00012-toz"
SQL_INSTANCE = f"{P}:{R}:frog-pg"
T0 = datetime(2023, 12, 11, 13, 0, 0, tzinfo=timezone.utc)
DEPLOY = datetime(2023, 12, 11, 13, 52, 10, tzinfo=timezone.utc)
T_END = datetime(2023, 12, 11, 15, 0, 0, tzinfo=timezone.utc)
TIMEOUT_S = 300
TIMEOUT_MSG = ("The request has been terminated because it has reached the maximum request timeout. "
               "To change this limit, see https://cloud.google.com/run/docs/configuring/request-timeout")


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def iid(self):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(16))

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def res(self, rev):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": P, "location": R, "service_name": SVC,
            "revision_name": rev, "configuration_name": SVC}}

    def add(self, when, log, rev, sev, recv=None, **kw):
        e = {"insertId": self.iid(), "logName": f"projects/{P}/logs/{log}",
             "resource": self.res(rev), "timestamp": ts(when),
             "receiveTimestamp": ts((recv or when) + timedelta(milliseconds=self.rng.randint(40, 900))),
             "severity": sev}
        e.update(kw)
        self.entries.append(e)
        return e

    def request(self, start, rev, inst, method, path, status, latency_s, ua, size=None, text=None):
        end = start + timedelta(seconds=latency_s)
        trace = self.hexid(32)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method,
              "requestUrl": f"https://{SVC}-7q3xk2lmha-ew.a.run.app{path}",
              "requestSize": str(self.rng.randint(280, 900)),
              "status": status,
              "responseSize": str(size if size is not None else self.rng.randint(120, 4200)),
              "userAgent": ua,
              "remoteIp": f"{self.rng.randint(31, 212)}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
              "serverIp": "216.239.38.53",
              "latency": f"{latency_s:.6f}s",
              "protocol": "HTTP/1.1"}
        kw = {"httpRequest": hr, "labels": {"instanceId": inst},
              "trace": f"projects/{P}/traces/{trace}", "spanId": self.hexid(16),
              "traceSampled": False}
        if text:
            kw["textPayload"] = text
        return self.add(start, "run.googleapis.com%2Frequests", rev, sev, recv=end, **kw)


UAS = ["Dart/3.2 (dart:io)",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
       "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
       "GoogleHC/1.0"]


def instance_id(g):
    return "00f46b9285" + g.hexid(118)


def build(g):
    rng = g.rng
    # --- old revision: no database, healthy traffic --------------------------------------
    old_insts = [instance_id(g) for _ in range(2)]
    for i, inst in enumerate(old_insts):
        st = T0 - timedelta(minutes=40 + 13 * i)
        g.add(st, "run.googleapis.com%2Fvarlog%2Fsystem", OLD_REV, "INFO",
              textPayload="Starting new instance. Reason: AUTOSCALING - Instance started due to traffic.",
              labels={"instanceId": inst})
    old_paths = [("GET", "/", 0.004, 0.02), ("GET", "/health", 0.001, 0.006),
                 ("GET", "/api/v1/ponds", 0.008, 0.04), ("GET", "/api/v1/ponds/3", 0.006, 0.03),
                 ("POST", "/api/v1/echo", 0.005, 0.03)]
    t = T0
    while t < DEPLOY + timedelta(seconds=40):
        t += timedelta(seconds=rng.expovariate(1 / 6.5))
        m, p, lo, hi = rng.choice(old_paths)
        g.request(t, OLD_REV, rng.choice(old_insts), m, p, 200, rng.uniform(lo, hi), rng.choice(UAS[:4]))
    # favicon 404 noise on the old revision
    for k in range(6):
        tt = T0 + timedelta(minutes=4 + 8 * k, seconds=rng.randint(0, 50))
        g.request(tt, OLD_REV, rng.choice(old_insts), "GET", "/favicon.ico", 404, rng.uniform(0.001, 0.004),
                  UAS[3], size=0)

    # --- deploy of the revision that adds the Cloud SQL (Postgres) connection ------------
    g.add(DEPLOY, "cloudaudit.googleapis.com%2Factivity", NEW_REV, "NOTICE",
          protoPayload={
              "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
              "serviceName": "run.googleapis.com",
              "methodName": "google.cloud.run.v1.Services.ReplaceService",
              "resourceName": f"namespaces/{P}/services/{SVC}",
              "authenticationInfo": {"principalEmail": "dev@tadpole.example"},
              "requestMetadata": {"callerSuppliedUserAgent": "google-cloud-sdk gcloud/456.0.0 command/gcloud.run.deploy"},
              "status": {}},
          resource={"type": "cloud_run_revision", "labels": {
              "project_id": P, "location": R, "service_name": SVC, "revision_name": "",
              "configuration_name": ""}})
    ready = DEPLOY + timedelta(seconds=23)
    def start_instance(at, reason):
        inst = instance_id(g)
        g.add(at, "run.googleapis.com%2Fvarlog%2Fsystem", NEW_REV, "INFO",
              textPayload=f"Starting new instance. Reason: {reason}", labels={"instanceId": inst})
        g.add(at + timedelta(seconds=1.4), "run.googleapis.com%2Fstdout", NEW_REV, "DEFAULT",
              textPayload="Server listening on port 8080", labels={"instanceId": inst})
        g.add(at + timedelta(seconds=1.5), "run.googleapis.com%2Fvarlog%2Fsystem", NEW_REV, "INFO",
              textPayload="Default STARTUP TCP probe succeeded after 1 attempt for container \"frog-api-1\" on port 8080.",
              labels={"instanceId": inst})
        return inst

    new_paths_nodb = [("GET", "/", 0.004, 0.02), ("GET", "/health", 0.001, 0.006),
                      ("POST", "/api/v1/echo", 0.005, 0.03)]
    db_paths = [("GET", "/api/v1/todos"), ("GET", "/api/v1/todos/17"), ("POST", "/api/v1/todos"),
                ("GET", "/api/v1/ponds"), ("GET", "/api/v1/ponds/3")]
    first = start_instance(ready - timedelta(seconds=8),
                           "DEPLOYMENT - Instance started due to traffic shifting between revisions or other deployment operations.")
    insts = [{"id": first, "hung_at": None, "db_ok": 0, "busy": 0}]
    decisive = {}
    t = ready + timedelta(seconds=2)
    while t < T_END - timedelta(seconds=TIMEOUT_S + 5):
        t += timedelta(seconds=rng.expovariate(1 / 6.5))
        is_db = rng.random() < 0.55
        live = [x for x in insts if x["hung_at"] is None or x["busy"] < 80]
        if not live or all(x["hung_at"] is not None for x in live) and rng.random() < 0.08:
            nx = {"id": start_instance(t, "AUTOSCALING - Instance started due to traffic."),
                  "hung_at": None, "db_ok": 0, "busy": 0}
            insts.append(nx)
            live = [nx]
            t += timedelta(seconds=2)
        healthy = [x for x in live if x["hung_at"] is None]
        inst = rng.choice(healthy) if healthy else rng.choice(live)
        ua = rng.choice(UAS[:4])
        if inst["hung_at"] is not None:
            # the event loop is stuck: every request on this instance waits until the timeout
            m, p = (rng.choice(db_paths) if is_db else rng.choice(new_paths_nodb)[:2])
            inst["busy"] += 1
            e = g.request(t, NEW_REV, inst["id"], m, p, 504, TIMEOUT_S + rng.uniform(0.0005, 0.004), ua,
                          size=0, text=TIMEOUT_MSG)
            decisive.setdefault("first_504", e)
            continue
        if is_db:
            m, p = rng.choice(db_paths)
            # first query through the /cloudsql unix socket works, then the process hangs
            g.add(t + timedelta(milliseconds=2), "run.googleapis.com%2Fstdout", NEW_REV, "DEFAULT",
                  textPayload=f"Opening Postgres connection to /cloudsql/{SQL_INSTANCE}/.s.PGSQL.5432 (database=frog)",
                  labels={"instanceId": inst["id"]})
            inst["db_ok"] += 1
            if inst["db_ok"] == 1:
                e = g.request(t, NEW_REV, inst["id"], m, p, 200 if m == "GET" else 201,
                              rng.uniform(0.09, 0.25), ua)
                decisive.setdefault("first_ok", e)
            else:
                inst["hung_at"] = t
                inst["busy"] += 1
                e = g.request(t, NEW_REV, inst["id"], m, p, 504, TIMEOUT_S + rng.uniform(0.0005, 0.004), ua,
                              size=0, text=TIMEOUT_MSG)
                decisive.setdefault("first_504", e)
        else:
            m, p, lo, hi = rng.choice(new_paths_nodb)
            g.request(t, NEW_REV, inst["id"], m, p, 200, rng.uniform(lo, hi), ua)
    # unrelated noise: a client abort and a deprecation warning at start
    g.add(ready - timedelta(seconds=6), "run.googleapis.com%2Fstderr", NEW_REV, "DEFAULT",
          textPayload="Warning: FROG_LOG_FORMAT not set, defaulting to 'text'",
          labels={"instanceId": first})
    return decisive, insts


def service_json(insts):
    env = [{"name": "DB_USER", "value": "frog_app"},
           {"name": "DB_PASS", "valueSource": {"secretKeyRef": {"secret": "frog-db-pass", "version": "latest"}}},
           {"name": "DB_NAME", "value": "frog"},
           {"name": "CLOUD_SQL_CONNECTION_NAME", "value": SQL_INSTANCE}]
    tmpl = {"revision": NEW_REV,
            "scaling": {"maxInstanceCount": 100},
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
            "timeout": f"{TIMEOUT_S}s",
            "maxInstanceRequestConcurrency": 80,
            "serviceAccount": f"frog-api@{P}.iam.gserviceaccount.com",
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [SQL_INSTANCE]}}],
            "containers": [{"name": "frog-api-1",
                            "image": f"{R}-docker.pkg.dev/{P}/frog/frog-api@sha256:" + "5d1c" * 16,
                            "ports": [{"name": "http1", "containerPort": 8080}],
                            "env": env,
                            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True,
                                          "startupCpuBoost": True},
                            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
                            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                                             "tcpSocket": {"port": 8080}}}]}
    cond_ok = {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(DEPLOY + timedelta(seconds=23))}
    svc = {"name": f"projects/{P}/locations/{R}/services/{SVC}",
           "uid": "b6c0a5b2-3f4e-4f6e-9a47-1e0f2c7d9a11",
           "generation": "12",
           "createTime": "2023-10-02T08:14:51.203114Z",
           "updateTime": ts(DEPLOY),
           "creator": "dev@tadpole.example",
           "lastModifier": "dev@tadpole.example",
           "ingress": "INGRESS_TRAFFIC_ALL",
           "launchStage": "GA",
           "template": tmpl,
           "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
           "observedGeneration": "12",
           "terminalCondition": cond_ok,
           "conditions": [cond_ok,
                          {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED"},
                          {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED"}],
           "latestReadyRevision": f"projects/{P}/locations/{R}/services/{SVC}/revisions/{NEW_REV}",
           "latestCreatedRevision": f"projects/{P}/locations/{R}/services/{SVC}/revisions/{NEW_REV}",
           "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
           "uri": f"https://{SVC}-7q3xk2lmha-ew.a.run.app",
           "etag": "\"CMKa2asGEIDtopoD/cHJvamVjdHMvdGFkcG9sZS1wcm9kLTQ4MjEvbG9jYXRpb25zL2V1cm9wZS13ZXN0MS9zZXJ2aWNlcy9mcm9nLWFwaQ\""}
    return svc, tmpl


def revision_json(name, tmpl, created, gen, with_db):
    c = json.loads(json.dumps(tmpl["containers"][0]))
    r = {"name": f"projects/{P}/locations/{R}/services/{SVC}/revisions/{name}",
         "uid": str(uuid.UUID(int=random.Random(name).getrandbits(128))),
         "generation": "1",
         "labels": {"serving.knative.dev/configurationGeneration": gen},
         "createTime": ts(created), "updateTime": ts(created + timedelta(seconds=21)),
         "launchStage": "GA", "service": SVC,
         "scaling": {"maxInstanceCount": 100},
         "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
         "timeout": f"{TIMEOUT_S}s", "maxInstanceRequestConcurrency": 80,
         "serviceAccount": tmpl["serviceAccount"],
         "containers": [c],
         "observedGeneration": "1",
         "conditions": [
             {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(seconds=21))},
             {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(seconds=21))},
             {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(created + timedelta(seconds=12))}],
         "logUri": f"https://console.cloud.google.com/logs/viewer?project={P}&resource=cloud_run_revision/service_name/{SVC}/revision_name/{name}"}
    if with_db:
        r["volumes"] = tmpl["volumes"]
    else:
        c.pop("volumeMounts", None)
        c["image"] = f"{R}-docker.pkg.dev/{P}/frog/frog-api@sha256:" + "a7e0" * 16
        c["env"] = []
        r["scaling"] = {"maxInstanceCount": 100}
    return r


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g = Gen(SEED)
    decisive, insts = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    (out / "logging").mkdir(parents=True, exist_ok=True)
    (out / "run" / "services").mkdir(parents=True, exist_ok=True)
    (out / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    svc, tmpl = service_json(insts)
    (out / "run" / "services" / f"{SVC}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{NEW_REV}.json").write_text(
        json.dumps(revision_json(NEW_REV, tmpl, DEPLOY + timedelta(seconds=2), "12", True), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{OLD_REV}.json").write_text(
        json.dumps(revision_json(OLD_REV, tmpl, datetime(2023, 12, 4, 10, 31, 7, tzinfo=timezone.utc), "11", False),
                   sort_keys=True, indent=2) + "\n")
    svc_ref = f"projects/{P}/locations/{R}/services/{SVC}"
    case = {
        "id": CASE_ID,
        "title": "frog-api requests hang until the 300s timeout after the Postgres (Cloud SQL) connection was added",
        "target": {"project_id": P, "region": R, "target_type": "service", "target_name": SVC},
        "window": {"start": ts(T0).replace(".000000Z", "Z"), "end": ts(T_END).replace(".000000Z", "Z")},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/dart-frog-dev/dart_frog/pull/1191",
                        "https://github.com/dart-lang/sdk/issues/47899"],
            "verbatim": ["DB_USER", "DB_PASS", "DB_NAME", "CLOUD_SQL_CONNECTION_NAME"],
            "reconstructed": (
                "The sources contain no log lines: the dart_frog PR says a Dart Frog backend's container gets stuck on "
                "Cloud Run's gen1 execution environment when it connects to Postgres and recommends "
                "--execution-environment=gen2; dart-lang/sdk#47899 says the first Cloud SQL unix-socket query works "
                "and returns its response, after which the Dart server hangs and later requests do not work, that it "
                "does not happen locally or on gen2, and the maintainers attributed it to gVisor (gen1). Everything "
                "else is invented by a generator with seed 47899: project tadpole-prod-4821, service frog-api, the "
                "revision frog-api-00012-toz that adds the Cloud SQL volume and the DB_* / CLOUD_SQL_CONNECTION_NAME "
                "variables (names from the #47899 Makefile diff), the previous DB-less revision, routes, instance ids, "
                "the stdout lines, an unrelated stderr warning and favicon 404 noise, and times in December 2023. Each new "
                "instance serves exactly one database request, then every request on it (database or not) ends as a "
                "504 at the 300s request timeout with Cloud Run's timeout message; the platform starts new instances "
                "that repeat the pattern. The service and revisions carry executionEnvironment "
                "EXECUTION_ENVIRONMENT_GEN1 explicitly. The app repository is not public, so there is no repo.yaml; "
                "the fix site is the Cloud Run setting."),
            "project": "a Dart Frog backend using Postgres via Cloud SQL (not public); framework dart-frog-dev/dart_frog",
            "language": "dart",
            "covers": ["environment"],
        },
        "expect": {
            "root_causes": ["execution-environment-mismatch"],
            "not_above": ["request-timeout", "bad-deploy-regression", "downstream-dependency"],
            "must_cite": [
                [f"{svc_ref}#template.executionEnvironment",
                 f"{svc_ref}/revisions/{NEW_REV}#executionEnvironment"],
                [f"run.googleapis.com/requests#{decisive['first_504']['insertId']}",
                 f"run.googleapis.com/requests#{decisive['first_ok']['insertId']}"],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=110))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
