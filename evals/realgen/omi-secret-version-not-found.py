#!/usr/bin/env python3
"""Generator for real-incident case `omi-secret-version-not-found`.

Source: https://github.com/BasedHardware/omi/issues/9164
A Cloud Run-only prod hotfix of the `backend` service created revision backend-3770916-1, which
never became ready: SecretsAccessCheckFailed, env[144] references
secrets/SERVICE_ACCOUNT_JSON/versions/latest, which was not found. spec.traffic was pinned to
the failed revision while status.traffic stayed on the old good revision backend-01118-phg.
"""
from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "omi-secret-version-not-found"
SEED = 9164
PROJECT = "omi-prod-5521"
PROJECT_NUMBER = "731906452218"
REGION = "us-central1"
SERVICE = "backend"
OLD = "backend-01118-phg"
NEW = "backend-3770916-1"
WIN_START = datetime(2026, 7, 6, 14, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 7, 6, 17, 0, tzinfo=timezone.utc)
T_DEPLOY = datetime(2026, 7, 6, 15, 31, 7, 412000, tzinfo=timezone.utc)
T_REV_FAIL = datetime(2026, 7, 6, 15, 31, 26, 95000, tzinfo=timezone.utc)
T_TRAFFIC = datetime(2026, 7, 6, 15, 33, 41, 770000, tzinfo=timezone.utc)
T_SVC_FAIL = datetime(2026, 7, 6, 15, 33, 49, 302000, tzinfo=timezone.utc)
T_RETRY = datetime(2026, 7, 6, 16, 18, 2, 518000, tzinfo=timezone.utc)
T_RETRY_FAIL = datetime(2026, 7, 6, 16, 18, 10, 864000, tzinfo=timezone.utc)
OLD_CREATED = datetime(2026, 7, 2, 9, 47, 33, 120000, tzinfo=timezone.utc)

SECRET_MSG = (f"Revision '{NEW}' is not ready and cannot serve traffic. "
              "spec.template.spec.containers[0].env[144].value_from.secret_key_ref.name: "
              f"Secret projects/{PROJECT_NUMBER}/secrets/SERVICE_ACCOUNT_JSON/versions/latest was not found")
CI_SA = f"github-actions-deploy@{PROJECT}.iam.gserviceaccount.com"
RUNTIME_SA = f"backend-runtime@{PROJECT}.iam.gserviceaccount.com"
IMG_OLD = f"gcr.io/{PROJECT}/backend:5c1e09a"
IMG_NEW = f"gcr.io/{PROJECT}/backend:3770916"

LN = {k: f"projects/{PROJECT}/logs/{v}" for k, v in {
    "req": "run.googleapis.com%2Frequests", "out": "run.googleapis.com%2Fstdout",
    "err": "run.googleapis.com%2Fstderr", "act": "cloudaudit.googleapis.com%2Factivity",
    "sev": "cloudaudit.googleapis.com%2Fsystem_event"}.items()}


def res(rev):
    return {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE,
                                                     "revision_name": rev, "configuration_name": SERVICE}}


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def env_list(with_secret: bool):
    """144 env entries (invented names; many bound to Secret Manager), plus SERVICE_ACCOUNT_JSON at index 144."""
    plain = ["ENV", "PYTHONUNBUFFERED", "LOG_LEVEL", "GOOGLE_CLOUD_PROJECT", "REDIS_DB_HOST", "REDIS_DB_PORT",
             "TYPESENSE_HOST", "TYPESENSE_HOST_PORT", "PINECONE_INDEX_NAME", "BUCKET_SPEECH_PROFILES",
             "BUCKET_POSTPROCESSING", "BUCKET_MEMORIES_RECORDINGS", "BUCKET_TEMPORAL_SYNC_LOCAL", "BUCKET_APP_THUMBNAILS",
             "BUCKET_CHAT_FILES", "BASE_API_URL", "API_BASE_URL", "HOSTED_PUSHER_API_URL", "HOSTED_VAD_API_URL",
             "HOSTED_SPEECH_PROFILE_API_URL", "HOSTED_DIARIZER_API_URL", "HOSTED_LLM_GATEWAY_URL", "FIRESTORE_DATABASE",
             "RATE_LIMIT_ENABLED", "WEB_CONCURRENCY", "UVICORN_TIMEOUT_KEEP_ALIVE", "STT_SERVICE_MODELS",
             "MCP_OAUTH_ISSUER", "MCP_OAUTH_AUDIENCE", "MCP_OAUTH_REDIRECT_URIS"]
    secret = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "DEEPGRAM_API_KEY", "SONIOX_API_KEY",
              "SPEECHMATICS_API_KEY", "PINECONE_API_KEY", "TYPESENSE_API_KEY", "REDIS_DB_PASSWORD", "ADMIN_KEY",
              "ENCRYPTION_SECRET", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET",
              "GITHUB_TOKEN", "HUME_API_KEY", "HUME_CALLBACK_URL", "PERPLEXITY_API_KEY", "GOOGLE_MAPS_API_KEY",
              "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "APPLE_CLIENT_ID", "LANGCHAIN_API_KEY", "SENTRY_DSN",
              "RESEND_API_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "NOTION_CLIENT_SECRET", "SLACK_CLIENT_SECRET",
              "X_API_BEARER_TOKEN", "MCP_OAUTH_SIGNING_KEY", "MCP_OAUTH_CLIENT_SECRET", "OMI_APP_SECRET"]
    out = []
    for n in plain:
        out.append({"name": n, "value": {"ENV": "prod", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO",
                                         "GOOGLE_CLOUD_PROJECT": PROJECT, "WEB_CONCURRENCY": "4"}.get(n, f"<{n.lower()}>")})
    for n in secret:
        out.append({"name": n, "valueSource": {"secretKeyRef": {"secret": n, "version": "latest"}}})
    k = 0
    areas = ["CONVERSATIONS", "MEMORIES", "CHAT", "APPS", "SYNC", "NOTIFICATIONS", "PERSONAS", "INTEGRATIONS",
             "TRANSCRIPTION", "KNOWLEDGE_GRAPH", "GOALS", "ACTION_ITEMS", "FOLDERS", "PAYMENTS", "TASKS", "SEARCH",
             "CALENDAR", "SPEECH_PROFILE", "DEV_API", "MCP"]
    knobs = ["ENABLED", "RATE_LIMIT", "TIMEOUT_SECONDS", "BATCH_SIZE"]
    while len(out) < 144:
        a, b = areas[k % len(areas)], knobs[(k // len(areas)) % len(knobs)]
        out.append({"name": f"{a}_{b}", "value": {"ENABLED": "true", "RATE_LIMIT": "60", "TIMEOUT_SECONDS": "30",
                                                  "BATCH_SIZE": "50"}[b]})
        k += 1
    if with_secret:
        out.append({"name": "SERVICE_ACCOUNT_JSON",
                    "valueSource": {"secretKeyRef": {"secret": "SERVICE_ACCOUNT_JSON", "version": "latest"}}})
    return out


def write(out_parent: Path) -> int:
    r = random.Random(SEED)
    d = Path(out_parent) / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    E = []
    seq = [0]

    def iid():
        seq[0] += 1
        return "%08x%016x" % (0x68fa1000 + seq[0], r.getrandbits(64))

    def add(t, e):
        e.setdefault("insertId", iid())
        e["timestamp"] = ts(t)
        e.setdefault("receiveTimestamp", ts(t + timedelta(seconds=0.2 + r.random() * 0.5)))
        E.append((t, e))
        return e

    insts = ["%096x" % r.getrandbits(384) for _ in range(6)]
    # ---------------------------------------------------------------- healthy traffic on the old revision
    routes = [("GET", "/v1/conversations?limit=50&offset=0&statuses=processing,completed", 0.08, 0.25, 200),
              ("GET", "/v3/memories?limit=100&offset=0", 0.06, 0.2, 200),
              ("POST", "/v2/messages?plugin_id=", 1.5, 6.0, 200),
              ("GET", "/v1/users/people", 0.03, 0.08, 200),
              ("GET", "/v1/apps/enabled", 0.04, 0.12, 200),
              ("POST", "/v1/conversations/{id}/reprocess", 2.0, 9.0, 200),
              ("GET", "/v1/action-items?limit=50", 0.05, 0.15, 200),
              ("PATCH", "/v1/users/notification-settings", 0.04, 0.1, 200),
              ("GET", "/v1/mcp/sse", 0.02, 0.06, 401),
              ("GET", "/v1/health", 0.002, 0.006, 200)]
    weights = [18, 14, 8, 6, 9, 2, 6, 2, 1, 3]
    uas = ["Dart/3.8 (dart:io)", "Omi/1.0.92 (iOS 18.5)", "Omi/1.0.92 (Android 15)", "okhttp/4.12.0"]
    t = WIN_START
    while True:
        t += timedelta(seconds=r.expovariate(1 / 4.3))
        if t >= WIN_END:
            break
        m, path, lo, hi, st = r.choices(routes, weights)[0]
        path = path.replace("{id}", "%032x" % r.getrandbits(128))
        if st == 200 and r.random() < 0.004:
            st = 499
        lat = lo + r.random() * (hi - lo)
        inst = r.choice(insts[:4] if t.hour < 16 else insts[1:])
        add(t, {"logName": LN["req"], "resource": res(OLD), "labels": {"instanceId": inst},
                "severity": "WARNING" if st >= 400 else "INFO",
                "trace": f"projects/{PROJECT}/traces/{r.getrandbits(128):032x}", "spanId": f"{r.getrandbits(64):016x}",
                "httpRequest": {"requestMethod": m, "requestUrl": f"https://api.omi.me{path}",
                                "requestSize": str(r.randint(300, 4000)), "status": st,
                                "responseSize": str(0 if st == 499 else r.randint(80, 90000)),
                                "userAgent": r.choice(uas),
                                "remoteIp": "%d.%d.%d.%d" % (r.randint(20, 220), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)),
                                "serverIp": "216.239.32.53", "latency": "%.6fs" % lat, "protocol": "HTTP/1.1"}})
        if m == "POST" and path.startswith("/v2/messages") and r.random() < 0.5:
            add(t + timedelta(seconds=lat * 0.9), {"logName": LN["out"], "resource": res(OLD), "labels": {"instanceId": inst},
                                                    "severity": "DEFAULT",
                                                    "textPayload": f"INFO:     169.254.{r.randint(0, 255)}.{r.randint(1, 254)}:0 - \"POST /v2/messages?plugin_id= HTTP/1.1\" 200 OK"})
        if st == 401:
            add(t + timedelta(seconds=lat), {"logName": LN["err"], "resource": res(OLD), "labels": {"instanceId": inst},
                                              "severity": "DEFAULT",
                                              "textPayload": "WARNING:root:mcp auth: missing or invalid bearer token"})
    # a loud but unrelated warning stream from the serving revision
    for k in range(14):
        t = WIN_START + timedelta(minutes=6 + k * 12, seconds=r.random() * 40)
        add(t, {"logName": LN["err"], "resource": res(OLD), "labels": {"instanceId": r.choice(insts[:4])},
                "severity": "DEFAULT",
                "textPayload": "/app/utils/llm/clients.py:41: DeprecationWarning: The 'max_tokens' parameter is deprecated, use 'max_completion_tokens'"})

    # ---------------------------------------------------------------- deploy attempts (audit)
    def activity(t, ua, method_note, service_body):
        return add(t, {
            "logName": LN["act"], "resource": {"type": "cloud_run_revision", "labels": {
                "project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "",
                "configuration_name": ""}},
            "severity": "NOTICE",
            "protoPayload": {
                "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                "serviceName": "run.googleapis.com",
                "methodName": "google.cloud.run.v1.Services.ReplaceService",
                "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
                "authenticationInfo": {"principalEmail": CI_SA},
                "authorizationInfo": [{"permission": "run.services.update", "granted": True,
                                       "resource": f"namespaces/{PROJECT}/services/{SERVICE}", "resourceAttributes": {}}],
                "requestMetadata": {"callerIp": "172.184.%d.%d" % (r.randint(0, 255), r.randint(1, 254)),
                                    "callerSuppliedUserAgent": ua},
                "resourceLocation": {"currentLocations": [REGION]},
                "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                            "name": f"namespaces/{PROJECT}/services/{SERVICE}", "region": REGION,
                            "service": service_body},
                "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service", "apiVersion": "serving.knative.dev/v1",
                             "kind": "Service", "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER}},
                "metadata": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceMetadata", "note": method_note}}})

    def v1_env(with_secret):
        o = []
        for e in env_list(with_secret):
            if "value" in e:
                o.append({"name": e["name"], "value": e["value"]})
            else:
                o.append({"name": e["name"], "valueFrom": {"secretKeyRef": {"name": e["valueSource"]["secretKeyRef"]["secret"],
                                                                            "key": "latest"}}})
        return o

    new_template = {"metadata": {"name": NEW, "annotations": {"autoscaling.knative.dev/minScale": "2",
                                                               "autoscaling.knative.dev/maxScale": "100",
                                                               "run.googleapis.com/client-name": "gcloud",
                                                               "run.googleapis.com/startup-cpu-boost": "true"}},
                    "spec": {"containerConcurrency": 80, "timeoutSeconds": 300, "serviceAccountName": RUNTIME_SA,
                             "containers": [{"image": IMG_NEW, "ports": [{"name": "http1", "containerPort": 8080}],
                                             "resources": {"limits": {"cpu": "4", "memory": "8Gi"}},
                                             "env": v1_env(True)}]}}
    gcloud = ("google-cloud-sdk gcloud/529.0.0 command/gcloud.run.{cmd} invocation-id/{inv} environment/GitHubActions "
              "environment-version/None client-os/LINUX client-os-ver/6.11.0 client-pltf-arch/x86_64 interactive/False "
              "from-script/False python/3.12.8 term/ (Linux 6.11.0-1018-azure),gzip(gfe)")
    a1 = activity(T_DEPLOY, gcloud.format(cmd="deploy", inv="%032x" % r.getrandbits(128)), "deploy --no-traffic",
                  {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                   "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                   "spec": {"template": new_template,
                            "traffic": [{"percent": 100, "revisionName": OLD}]}})
    a2 = activity(T_TRAFFIC, gcloud.format(cmd="services.update-traffic", inv="%032x" % r.getrandbits(128)),
                  "update-traffic --to-revisions",
                  {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                   "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                   "spec": {"template": new_template, "traffic": [{"percent": 100, "revisionName": NEW}]}})
    a3 = activity(T_RETRY, gcloud.format(cmd="deploy", inv="%032x" % r.getrandbits(128)), "deploy (workflow re-run)",
                  {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                   "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                   "spec": {"template": new_template, "traffic": [{"percent": 100, "revisionName": NEW}]}})
    for a in (a1, a2, a3):
        del a["protoPayload"]["metadata"]

    def sysev(t, kind, name, msg, rev):
        conds = [{"type": "Ready", "status": "False", "reason": "SecretsAccessCheckFailed", "message": SECRET_MSG,
                  "lastTransitionTime": ts(t)[:19] + "Z"}]
        if kind == "Service":
            conds += [{"type": "ConfigurationsReady", "status": "False", "reason": "SecretsAccessCheckFailed",
                       "message": SECRET_MSG, "lastTransitionTime": ts(t)[:19] + "Z"},
                      {"type": "RoutesReady", "status": "False", "reason": "SecretsAccessCheckFailed",
                       "message": SECRET_MSG, "lastTransitionTime": ts(t)[:19] + "Z"}]
        resp = {"@type": f"type.googleapis.com/google.cloud.run.v1.{kind}", "apiVersion": "serving.knative.dev/v1",
                "kind": kind, "metadata": {"name": name, "namespace": PROJECT_NUMBER},
                "status": {"conditions": conds}}
        if kind == "Service":
            resp["status"].update({"latestReadyRevisionName": OLD, "latestCreatedRevisionName": NEW,
                                   "traffic": [{"percent": 100, "revisionName": OLD}]})
        return add(t, {"logName": LN["sev"], "resource": res(rev), "severity": "ERROR",
                       "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                                        "serviceName": "run.googleapis.com",
                                        "methodName": "/Services.ReplaceService",
                                        "resourceName": f"namespaces/{PROJECT}/{'revisions' if kind == 'Revision' else 'services'}/{name}",
                                        "status": {"code": 9, "message": msg},
                                        "response": resp}})

    s1 = sysev(T_REV_FAIL, "Revision", NEW,
               f"Ready condition status changed to False for Revision {NEW} with message: {SECRET_MSG}", NEW)
    s2 = sysev(T_REV_FAIL + timedelta(milliseconds=410), "Service", SERVICE,
               f"Ready condition status changed to False for Service {SERVICE} with message: {SECRET_MSG}", "")
    s3 = sysev(T_SVC_FAIL, "Service", SERVICE,
               f"Ready condition status changed to False for Service {SERVICE} with message: {SECRET_MSG}", "")
    s4 = sysev(T_RETRY_FAIL, "Service", SERVICE,
               f"Ready condition status changed to False for Service {SERVICE} with message: {SECRET_MSG}", "")

    E.sort(key=lambda p: (p[0], p[1]["insertId"]))
    with open(d / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for _, e in E:
            f.write(json.dumps(e, sort_keys=True, separators=(",", ":")) + "\n")

    # ---------------------------------------------------------------- Cloud Run resources (v2)
    def container(image, with_secret):
        return {"name": "backend-1", "image": image, "ports": [{"name": "http1", "containerPort": 8080}],
                "env": env_list(with_secret),
                "resources": {"limits": {"cpu": "4", "memory": "8Gi"}, "cpuIdle": True, "startupCpuBoost": True},
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}}
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    fail_cond = {"type": "Ready", "state": "CONDITION_FAILED", "message": SECRET_MSG,
                 "lastTransitionTime": ts(T_RETRY_FAIL), "reason": "SECRETS_ACCESS_CHECK_FAILED"}
    service = {
        "name": svc_name, "uid": "f2b7c0d4-5e81-4a3c-9d16-7ab0e4c9f2e5", "generation": "1187",
        "createTime": "2024-08-14T18:02:11.402817Z", "updateTime": ts(T_RETRY), "creator": "ops@omi.me",
        "lastModifier": CI_SA, "client": "gcloud", "clientVersion": "529.0.0", "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": {"revision": NEW, "scaling": {"minInstanceCount": 2, "maxInstanceCount": 100}, "timeout": "300s",
                     "serviceAccount": RUNTIME_SA, "containers": [container(IMG_NEW, True)],
                     "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2"},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": NEW, "percent": 100}],
        "observedGeneration": "1187",
        "terminalCondition": fail_cond,
        "conditions": [{"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": SECRET_MSG,
                        "lastTransitionTime": ts(T_RETRY_FAIL), "reason": "SECRETS_ACCESS_CHECK_FAILED"},
                       {"type": "RoutesReady", "state": "CONDITION_FAILED", "message": SECRET_MSG,
                        "lastTransitionTime": ts(T_SVC_FAIL), "reason": "SECRETS_ACCESS_CHECK_FAILED"}],
        "latestReadyRevision": f"projects/{PROJECT}/locations/{REGION}/revisions/{OLD}",
        "latestCreatedRevision": f"projects/{PROJECT}/locations/{REGION}/revisions/{NEW}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "revision": OLD, "percent": 100}],
        "uri": f"https://{SERVICE}-{PROJECT_NUMBER}.{REGION}.run.app",
    }

    def revision(name, created, image, with_secret, conds):
        return {"name": f"projects/{PROJECT}/locations/{REGION}/revisions/{name}",
                "uid": {OLD: "0d9a3e71-4c2b-48f6-a1e5-93b7c6f20d58", NEW: "7e41b9c2-08af-4d6e-b3c5-2f9a1d6e8c04"}[name],
                "generation": "1", "createTime": ts(created), "updateTime": ts(created + timedelta(seconds=19)),
                "launchStage": "GA", "service": svc_name,
                "scaling": {"minInstanceCount": 2, "maxInstanceCount": 100}, "timeout": "300s",
                "serviceAccount": RUNTIME_SA, "containers": [container(image, with_secret)],
                "maxInstanceRequestConcurrency": 80, "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
                "observedGeneration": "1", "conditions": conds,
                "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}"}
    ok = [{"type": t_, "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ts(OLD_CREATED + timedelta(seconds=41))}
          for t_ in ("Ready", "ContainerHealthy", "ResourcesAvailable")]
    bad = [{"type": "Ready", "state": "CONDITION_FAILED", "reason": "SECRETS_ACCESS_CHECK_FAILED", "message": SECRET_MSG,
            "lastTransitionTime": ts(T_REV_FAIL)},
           {"type": "ResourcesAvailable", "state": "CONDITION_FAILED", "reason": "SECRETS_ACCESS_CHECK_FAILED",
            "message": SECRET_MSG, "lastTransitionTime": ts(T_REV_FAIL)},
           {"type": "ContainerHealthy", "state": "CONDITION_PENDING", "lastTransitionTime": ts(T_DEPLOY + timedelta(seconds=2))}]
    (d / "run/services" / f"{SERVICE}.json").write_text(json.dumps(service, indent=2, sort_keys=True) + "\n")
    (d / "run/revisions" / f"{OLD}.json").write_text(json.dumps(revision(OLD, OLD_CREATED, IMG_OLD, False, ok), indent=2, sort_keys=True) + "\n")
    (d / "run/revisions" / f"{NEW}.json").write_text(json.dumps(revision(NEW, T_DEPLOY, IMG_NEW, True, bad), indent=2, sort_keys=True) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Prod backend hotfix never goes live: new revision not ready, service stuck on the old one",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-07-06T14:00:00Z", "end": "2026-07-06T17:00:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/BasedHardware/omi/issues/9164"],
            "verbatim": [
                f"Revision '{NEW}' is not ready and cannot serve traffic.",
                "spec.template.spec.containers[0].env[144].value_from.secret_key_ref.name: Secret projects/",
                "/secrets/SERVICE_ACCOUNT_JSON/versions/latest was not found",
                "SecretsAccessCheckFailed",
                OLD,
                NEW,
            ],
            "reconstructed": (
                "Generated by evals/realgen/omi-secret-version-not-found.py (random.Random(9164)). From the issue: "
                "service `backend`; old good revision backend-01118-phg keeps serving 100% (status.traffic) while "
                "spec.traffic points at the failed non-ready revision backend-3770916-1; latestReady/latestCreated as "
                "quoted; Ready and RoutesReady False with SecretsAccessCheckFailed and the quoted env[144] message "
                "(the issue truncates it with '...', the generated message ends after 'was not found'). Invented: "
                "project id and number (the quoted message's real project number is replaced), the 3-hour window and "
                "the times of the deploy (15:31Z), the traffic pin (15:33Z) and one workflow re-run (16:18Z), the CI "
                "principal, image tags, scaling/resources, the 144 other env names (many as Secret Manager refs), the "
                "healthy background traffic on the old revision (~14 req/min on plausible omi API paths, a few 401s on "
                "an MCP endpoint, client aborts) and a recurring unrelated DeprecationWarning. Judgment: the old "
                "revision is given 144 env entries without the SERVICE_ACCOUNT_JSON binding, the new template adds it "
                "at index 144; the failed revision starts no instance, so it has no container logs. No repo.yaml: the "
                "BasedHardware/omi snapshot (~1 GB) exceeds the fetch limit, so the pre-fix commit and line could not be "
                "pinned."
            ),
            "project": "BasedHardware/omi",
            "language": "python",
            "covers": ["failed-rollout-config"],
        },
        "expect": {
            "root_causes": ["missing-config-or-secret"],
            "not_above": ["image-or-deploy-failure", "bad-deploy-regression", "permission-denied"],
            "must_cite": [
                [f"cloudaudit.googleapis.com/system_event#{s1['insertId']}",
                 f"cloudaudit.googleapis.com/system_event#{s2['insertId']}",
                 f"cloudaudit.googleapis.com/system_event#{s3['insertId']}",
                 f"cloudaudit.googleapis.com/system_event#{s4['insertId']}",
                 f"projects/{PROJECT}/locations/{REGION}/revisions/{NEW}#conditions"],
                [f"{svc_name}#template.containers[0].env[144]",
                 f"projects/{PROJECT}/locations/{REGION}/revisions/{NEW}#containers[0].env[144]"],
            ],
        },
    }
    with open(d / "case.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=110)
    return len(E)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries", file=sys.stderr)
