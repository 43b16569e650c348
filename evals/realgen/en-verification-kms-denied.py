#!/usr/bin/env python3
"""Generator for the real-incident case `en-verification-kms-denied`.

Rebuilt from google/exposure-notifications-verification-server issue #1703
("Give adminapi permissions to get public keys"); the fix is PR #1704
(commit c963390a, "give adminapi signer/verifier on signing keyring"), which adds a
roles/cloudkms.signerVerifier binding for the adminapi service account.
Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False

CASE_ID = "en-verification-kms-denied"
SEED = 17031704
PROJECT = "enx-verif-prod-4417"
PROJECT_NUMBER = "582044193371"
REGION = "us-central1"
SERVICE = "adminapi"
REV = "adminapi-00117-mez"
SA = f"en-verification-adminapi-sa@{PROJECT}.iam.gserviceaccount.com"
IMAGE = f"gcr.io/{PROJECT}/github.com/google/exposure-notifications-verification-server/adminapi:c867b843"
HOST = "https://adminapi-x3kq2v7tna-uc.a.run.app"

WIN_START = datetime(2021, 1, 27, 15, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2021, 1, 27, 17, 0, 0, tzinfo=timezone.utc)
# first code issued by the realm that just turned on authenticated SMS
SIGNING_ON = datetime(2021, 1, 27, 16, 12, 41, 0, tzinfo=timezone.utc)
SIGNING_REALM = 12

KMS_ERR = (
    "failed to create signer: failed to fetch public key: rpc error: code = PermissionDenied desc = "
    "Permission 'cloudkms.cryptoKeyVersions.viewPublicKey' denied on resource "
    f"'projects/{PROJECT}/locations/us-central1/keyRings/verification/cryptoKeys/realm-sms-1/cryptoKeyVersions/2' "
    "(or it may not exist)."
)

REALMS = {3: "okhttp/4.9.0", 5: "Go-http-client/1.1", 7: "Apache-HttpClient/4.5.13 (Java/11.0.9)",
          9: "python-requests/2.25.1", 12: "Go-http-client/1.1", 14: "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"}


def ts(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339nano(t):
    s = t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return s + "Z"


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

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REV, "configuration_name": SERVICE}}

    def add(self, e, t):
        e["timestamp"] = ts(t)
        e["receiveTimestamp"] = ts(t + timedelta(milliseconds=self.rng.randint(30, 700)))
        e.setdefault("insertId", self.iid())
        self.entries.append(e)
        return e

    def zap(self, t, inst, severity, logger, caller, message, trace=None, stack=None, **fields):
        payload = {"timestamp": rfc3339nano(t), "logger": logger, "caller": caller, "message": message}
        payload.update(fields)
        if stack:
            payload["stacktrace"] = stack
        e = {
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fstderr",
            "resource": self.resource(),
            "labels": {"instanceId": inst},
            "severity": severity,
            "jsonPayload": payload,
        }
        return self.add(e, t)

    def request(self, t, inst, method, path, status, size, latency, ua, remote, trace_id=None):
        trace_id = trace_id or self.hexid(32)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "resource": self.resource(),
            "labels": {"instanceId": inst},
            "severity": sev,
            "trace": f"projects/{PROJECT}/traces/{trace_id}",
            "spanId": str(self.rng.randint(10**18, 10**19 - 1)),
            "httpRequest": {
                "requestMethod": method, "requestUrl": HOST + path,
                "requestSize": str(self.rng.randint(420, 1300)), "status": status,
                "responseSize": str(size), "userAgent": ua, "remoteIp": remote,
                "serverIp": "216.239.36.53", "latency": f"{latency:.6f}s", "protocol": "HTTP/1.1",
            },
        }, t)


STACK = (
    "github.com/google/exposure-notifications-verification-server/pkg/controller/issueapi.(*Controller).IssueMany\n"
    "\t/workspace/pkg/controller/issueapi/issue.go:94\n"
    "github.com/google/exposure-notifications-verification-server/pkg/controller/issueapi.(*Controller).IssueOne\n"
    "\t/workspace/pkg/controller/issueapi/issue.go:60\n"
    "github.com/google/exposure-notifications-verification-server/pkg/controller/issueapi.(*Controller).decodeAndIssue\n"
    "\t/workspace/pkg/controller/issueapi/handle_issue.go:105\n"
    "github.com/google/exposure-notifications-verification-server/pkg/controller/issueapi.(*Controller).IssueWithAPIAuth\n"
    "\t/workspace/pkg/controller/issueapi/handle_issue.go:72\n"
    "github.com/google/exposure-notifications-verification-server/pkg/controller/issueapi.(*Controller).HandleIssueAPI.func1\n"
    "\t/workspace/pkg/controller/issueapi/handle_issue.go:38\n"
    "net/http.HandlerFunc.ServeHTTP\n"
    "\t/usr/local/go/src/net/http/server.go:2042\n"
    "github.com/google/exposure-notifications-verification-server/pkg/controller/middleware.RequireAPIKey.func1.1\n"
    "\t/workspace/pkg/controller/middleware/apikey.go:104\n"
    "net/http.HandlerFunc.ServeHTTP\n"
    "\t/usr/local/go/src/net/http/server.go:2042\n"
    "github.com/gorilla/mux.(*Router).ServeHTTP\n"
    "\t/go/pkg/mod/github.com/gorilla/mux@v1.8.0/mux.go:210"
)


def build():
    g = Gen()
    rng = g.rng
    insts = ["00bf4bf02d" + g.hexid(118) for _ in range(3)]
    # instance 2 appears at 15:41 (scale-out), instance 3 at 16:30
    inst_from = [WIN_START - timedelta(hours=3), datetime(2021, 1, 27, 15, 41, 7, tzinfo=timezone.utc),
                 datetime(2021, 1, 27, 16, 30, 52, tzinfo=timezone.utc)]
    backends = {r: f"{rng.randint(34, 35)}.{rng.randint(64, 220)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for r in REALMS}
    error_ids = []

    def pick_inst(t):
        live = [i for i, f in zip(insts, inst_from) if f <= t]
        return rng.choice(live)

    t = WIN_START + timedelta(seconds=rng.uniform(0, 5))
    while t < WIN_END - timedelta(seconds=2):
        inst = pick_inst(t)
        r = rng.random()
        if r < 0.62:
            realm = rng.choice(list(REALMS))
            ua = REALMS[realm]
            batch = rng.random() < 0.08
            path = "/api/batch-issue" if batch else "/api/issue"
            trace_id = g.hexid(32)
            if realm == SIGNING_REALM and t >= SIGNING_ON:
                lat = rng.uniform(0.09, 0.21)
                g.request(t, inst, "POST", path, 200, rng.randint(68, 74) if not batch else rng.randint(180, 420), lat, ua, backends[realm], trace_id)
                e = g.zap(t + timedelta(seconds=lat * 0.93), inst, "ERROR", "issueapi.IssueMany", "issueapi/issue.go:94",
                          "failed to get sms signer", trace=f"projects/{PROJECT}/traces/{trace_id}", stack=STACK,
                          realm=realm, error=KMS_ERR)
                error_ids.append(e["insertId"])
            else:
                lat = rng.uniform(0.11, 0.65)  # includes the SMS provider round trip
                if rng.random() < 0.015:
                    # user typo in the phone number: provider rejects it
                    g.request(t, inst, "POST", path, 400, rng.randint(150, 190), lat, ua, backends[realm], trace_id)
                else:
                    g.request(t, inst, "POST", path, 200, rng.randint(240, 262) if not batch else rng.randint(900, 4800), lat, ua, backends[realm], trace_id)
        elif r < 0.80:
            realm = rng.choice(list(REALMS))
            g.request(t, inst, "POST", "/api/checkcodestatus", 200, rng.randint(150, 220), rng.uniform(0.012, 0.06), REALMS[realm], backends[realm])
        elif r < 0.84:
            realm = rng.choice(list(REALMS))
            g.request(t, inst, "POST", "/api/expirecode", 200, rng.randint(110, 140), rng.uniform(0.015, 0.05), REALMS[realm], backends[realm])
        elif r < 0.90:
            realm = rng.choice([3, 5, 9])
            p = rng.choice(["/api/stats/realm.json", "/api/stats/realm/users.json", "/api/stats/realm/key-server.json", "/api/stats/realm.csv"])
            g.request(t, inst, "GET", p, 200, rng.randint(3000, 42000), rng.uniform(0.03, 0.25), REALMS[realm], backends[realm])
        elif r < 0.94:
            # a partner retrying faster than its per-key rate limit
            g.request(t, inst, "POST", "/api/issue", 429, 72, rng.uniform(0.002, 0.006), REALMS[7], backends[7])
        elif r < 0.97:
            # decommissioned integration still calling with a revoked key
            ip = "203.0.113.77"
            g.request(t, inst, "POST", "/api/issue", 401, 58, rng.uniform(0.004, 0.012), "curl/7.68.0", ip)
        else:
            g.request(t, inst, "GET", "/", 404, 19, rng.uniform(0.001, 0.003), "Mozilla/5.0 zgrab/0.x", f"45.146.{rng.randint(160, 167)}.{rng.randint(1, 254)}")
        t += timedelta(seconds=rng.expovariate(1 / 6.5))

    # uptime check
    t = WIN_START + timedelta(seconds=23)
    while t < WIN_END:
        g.request(t, pick_inst(t), "GET", "/health", 200, 15, rng.uniform(0.003, 0.02),
                  "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)",
                  f"35.186.{rng.randint(144, 191)}.{rng.randint(1, 254)}")
        t += timedelta(minutes=1)

    # a transient, unrelated redis hiccup that recovers on its own
    t = datetime(2021, 1, 27, 15, 26, 3, 511000, tzinfo=timezone.utc)
    for k, realm in enumerate((5, 9)):
        tk = t + timedelta(seconds=k * 0.8)
        tid = g.hexid(32)
        g.request(tk, insts[0], "POST", "/api/issue", 500, 22, 2.0 + rng.uniform(0.001, 0.01), REALMS[realm], backends[realm], tid)
        g.zap(tk + timedelta(seconds=2.0), insts[0], "ERROR", "ratelimit.Handle", "limitware/middleware.go:120",
              "failed to take", trace=f"projects/{PROJECT}/traces/{tid}",
              stack="github.com/google/exposure-notifications-verification-server/pkg/ratelimit/limitware.(*Middleware).Handle.func1\n"
                    "\t/workspace/pkg/ratelimit/limitware/middleware.go:120\nnet/http.HandlerFunc.ServeHTTP\n"
                    "\t/usr/local/go/src/net/http/server.go:2042",
              error="dial tcp 10.24.0.3:6379: i/o timeout")

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, error_ids


def env_list():
    sec = lambda name, v=1: f"secret://projects/{PROJECT_NUMBER}/secrets/{name}/versions/{v}"
    env = {
        "CACHE_TYPE": "REDIS", "CACHE_HMAC_KEY": sec("cache-hmac-key"), "CACHE_REDIS_HOST": "10.24.0.3", "CACHE_REDIS_PORT": "6379",
        "DB_KEY_MANAGER": "GOOGLE_CLOUD_KMS", "DB_APIKEY_DATABASE_KEY": sec("db-apikey-db-hmac"),
        "DB_APIKEY_SIGNATURE_KEY": sec("db-apikey-sig-hmac"),
        "DB_ENCRYPTION_KEY": f"projects/{PROJECT}/locations/{REGION}/keyRings/verification/cryptoKeys/database-encrypter",
        "DB_KEYRING": f"projects/{PROJECT}/locations/{REGION}/keyRings/verification",
        "DB_HOST": "10.31.0.5", "DB_NAME": "main", "DB_PASSWORD": sec("db-pass-password"),
        "DB_SSLCERT": sec("db-sslcert") + "?target=file", "DB_SSLKEY": sec("db-sslkey") + "?target=file",
        "DB_SSLMODE": "verify-ca", "DB_SSLROOTCERT": sec("db-sslrootcert") + "?target=file", "DB_USER": "notification",
        "DB_VERIFICATION_CODE_DATABASE_KEY": sec("db-verification-code-hmac"),
        "PROJECT_ID": PROJECT,
        "RATE_LIMIT_HMAC_KEY": sec("ratelimit-hmac-key"), "RATE_LIMIT_TYPE": "REDIS", "RATE_LIMIT_TOKENS": "60",
        "RATE_LIMIT_INTERVAL": "1m", "RATE_LIMIT_REDIS_HOST": "10.24.0.3", "RATE_LIMIT_REDIS_PORT": "6379",
        "ENX_REDIRECT_DOMAIN": "en.example-health.org",
    }
    return [{"name": k, "value": v} for k, v in sorted(env.items())]


def container():
    return {
        "image": IMAGE,
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": env_list(),
        "resources": {"limits": {"cpu": "1", "memory": "512Mi"}, "cpuIdle": True},
    }


def service_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": base, "uid": "3f1e7a92-55c0-4d8b-b0b1-6a2f9c0d7e15", "generation": "117",
        "createTime": "2020-09-14T19:02:44.118203Z", "updateTime": "2021-01-27T02:14:09.552017Z",
        "creator": f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com",
        "lastModifier": f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 100},
            "vpcAccess": {"connector": f"projects/{PROJECT}/locations/{REGION}/connectors/serverless-vpc-connector", "egress": "PRIVATE_RANGES_ONLY"},
            "timeout": "25s", "serviceAccount": SA, "maxInstanceRequestConcurrency": 80,
            "containers": [container()],
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "117",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:51.203117Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:51.203117Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:44.871203Z"},
        ],
        "latestReadyRevision": f"{base}/revisions/{REV}",
        "latestCreatedRevision": f"{base}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": HOST,
    }


def revision_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": f"{base}/revisions/{REV}", "uid": "9b4d2e71-0c3a-4f6e-8d15-2a7b9e4c1f08", "generation": "1",
        "labels": {"serving.knative.dev/configurationGeneration": "117", "serving.knative.dev/route": SERVICE},
        "createTime": "2021-01-27T02:14:09.552017Z", "updateTime": "2021-01-27T02:14:44.871203Z",
        "launchStage": "GA", "service": SERVICE,
        "scaling": {"maxInstanceCount": 100},
        "vpcAccess": {"connector": f"projects/{PROJECT}/locations/{REGION}/connectors/serverless-vpc-connector", "egress": "PRIVATE_RANGES_ONLY"},
        "timeout": "25s", "serviceAccount": SA, "maxInstanceRequestConcurrency": 80,
        "containers": [container()],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:44.871203Z"},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:44.871203Z"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2021-01-27T02:14:31.330118Z"},
        ],
        "observedGeneration": "1",
    }


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g, error_ids = build()
    for d in ("logging", "run/services", "run/revisions"):
        (out / d).mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "google/exposure-notifications-verification-server",
        "commit": "680ec098c19dcd6bebe809f8bdbd86571d3fdf19",
        "license": "Apache-2.0",
        "language": "go",
        "fix": "https://github.com/google/exposure-notifications-verification-server/commit/c963390ae55bc599b9d2833c7346167dd8ef8340",
    }, sort_keys=False))
    svc = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    case = {
        "id": CASE_ID,
        "title": "adminapi issue-code calls for one realm log 'failed to get sms signer' since it turned on SMS signing",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2021-01-27T15:00:00Z", "end": "2021-01-27T17:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/google/exposure-notifications-verification-server/issues/1703"],
            "verbatim": [
                "failed to create signer: failed to fetch public key: rpc error: code = PermissionDenied desc = "
                "Permission 'cloudkms.cryptoKeyVersions.viewPublicKey' denied on resource 'projects/",
                "/locations/us-central1/keyRings/verification/cryptoKeys/realm-sms-1/cryptoKeyVersions/2' (or it may not exist).",
            ],
            "reconstructed": (
                "Issue #1703 gives only the error text (its project id apollo-verification-us is replaced by the invented "
                "enx-verif-prod-4417, so the quote is split around it) and its title says the adminapi service lacks the "
                "permission; the fix (PR #1704, commit c963390) adds a roles/cloudkms.signerVerifier binding on the "
                "verification keyring for the adminapi service account in terraform/service_admin_apiserver.tf. The rest is "
                "generated by evals/realgen/en-verification-kms-denied.py with random.Random(17031704): the adminapi service "
                "and one serving revision configured as that Terraform file configures it (25s timeout, 1 CPU, 512Mi, "
                "en-verification-adminapi-sa, env from the terraform locals with invented values), three instances, "
                "partner traffic to /api/issue, /api/batch-issue, /api/checkcodestatus, /api/expirecode and the stats "
                "API from six realms, uptime checks on /health, 429s, 401s from a revoked key, scanner 404s, and a "
                "transient Redis timeout. The failing calls come from realm 12 from 16:15 on, right after it starts using "
                "authenticated SMS; each logs the zap JSON line 'failed to get sms signer' (logger issueapi.IssueMany, "
                "caller issueapi/issue.go:94, as the pre-fix code logs it) and, because the pre-fix handler keeps the "
                "issued code's HTTP 200, the request log shows 200 with a small error body. Judgment calls: the times, "
                "the realm number and the 200 status (read from the pre-fix code, not stated by the issue)."
            ),
            "project": "google/exposure-notifications-verification-server",
            "language": "go",
            "covers": ["permission"],
        },
        "expect": {
            "root_causes": ["permission-denied"],
            "not_above": ["missing-config-or-secret", "downstream-dependency"],
            "must_cite": [
                ["terraform/service_admin_apiserver.tf:57", "terraform/service_admin_apiserver.tf:58",
                 "terraform/service_admin_apiserver.tf:56", "terraform/service_admin_apiserver.tf:15",
                 f"{svc}#template.serviceAccount"],
                [f"run.googleapis.com/stderr#{i}" for i in error_ids],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries")
