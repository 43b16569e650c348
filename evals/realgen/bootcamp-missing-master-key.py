#!/usr/bin/env python3
"""Generator for the real-incident case `bootcamp-missing-master-key`.

Source: https://github.com/fjordllc/bootcamp/pull/10142
A production Cloud Build deploy ran `gcloud run services update --remove-secrets`
before the real `gcloud run deploy`; that intermediate revision (bootcamp-00542-rm9)
lost RAILS_MASTER_KEY, Rails could not get secret_key_base and the revision never
became ready. The previous revision kept serving.
"""
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "bootcamp-missing-master-key"
SEED = 10142
PROJECT = "fjord-school-prod-4471"
PROJECT_NUMBER = "538211904476"
REGION = "asia-northeast1"
SERVICE = "bootcamp"
OLD_REV = "bootcamp-00541-k8w"
BAD_REV = "bootcamp-00542-rm9"
OLD_IMAGE = "asia.gcr.io/fjord-school-prod-4471/bootcamp:5e0c2b7d41a9f6e3c8d2b1a07f94e6c3d5a8b210"
NEW_IMAGE = "asia.gcr.io/fjord-school-prod-4471/bootcamp:c527054f0857df7188df1dd1c6fd90b9fcd70e89"
BUILD_SA = f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com"
RUNTIME_SA = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"

T0 = datetime(2026, 6, 7, 6, 30, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 6, 7, 7, 30, 0, tzinfo=timezone.utc)
T_UPDATE = datetime(2026, 6, 7, 7, 4, 12, 318000, tzinfo=timezone.utc)

PORT_MSG = (
    "Revision 'bootcamp-00542-rm9' is not ready and cannot serve traffic. The user-provided container "
    "failed to start and listen on the port defined provided by the PORT=8080 environment variable within "
    "the allocated timeout. This can happen when the container port is misconfigured or if the timeout is "
    "too short. The health check timeout can be extended. Logs for this revision might contain more "
    "information.\n\nLogs URL: https://console.cloud.google.com/logs/viewer?project=fjord-school-prod-4471"
    "&resource=cloud_run_revision/service_name/bootcamp/revision_name/bootcamp-00542-rm9"
    "&advancedFilter=resource.type%3D%22cloud_run_revision%22%0Aresource.labels.service_name%3D%22bootcamp%22"
    "%0Aresource.labels.revision_name%3D%22bootcamp-00542-rm9%22 \nFor more troubleshooting guidance, see "
    "https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start"
)
SECRET_ERR = (
    "/usr/local/bundle/gems/railties-8.1.1/lib/rails/application.rb:664:in "
    "'Rails::Application#validate_secret_key_base': Missing `secret_key_base` for 'production' environment, "
    "set this string with `bin/rails credentials:edit` (ArgumentError)"
)
SECRET_FRAMES = [
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/application.rb:482:in 'Rails::Application#secret_key_base'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/application.rb:180:in 'Rails::Application#key_generator'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/application.rb:207:in 'block in Rails::Application#message_verifiers'",
    "\tfrom /usr/local/bundle/gems/activestorage-8.1.1/lib/active_storage/engine.rb:169:in 'block (2 levels) in <class:Engine>'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/application/finisher.rb:95:in 'block in <module:Finisher>'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/initializable.rb:32:in 'Rails::Initializable::Initializer#run'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/application.rb:440:in 'Rails::Application#initialize!'",
    "\tfrom /app/config/environment.rb:5:in '<main>'",
    "\tfrom config.ru:3:in 'Kernel#require_relative'",
    "\tfrom config.ru:3:in 'block in <main>'",
    "\tfrom /usr/local/bundle/gems/railties-8.1.1/lib/rails/commands/server/server_command.rb:38:in 'Rails::Server#start'",
    "\tfrom bin/rails:4:in '<main>'",
]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def insert_id(self):
        return self.hexid(24)

    def resource(self, rev):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": rev, "configuration_name": SERVICE}}

    def add(self, t, log, rev, severity, payload, **extra):
        e = {
            "insertId": extra.pop("insertId", None) or self.insert_id(),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": self.resource(rev) if rev else extra.pop("resource"),
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(microseconds=self.rng.randint(8000, 90000))),
            "severity": severity,
        }
        e.update(payload)
        e.update(extra)
        self.entries.append(e)
        return e


def build(g):
    rng = g.rng
    instances = [g.hexid(96) for _ in range(3)]
    trace_base = f"projects/{PROJECT}/traces/"
    paths = [
        ("GET", "/", "HomeController#index", 200, (60, 180)),
        ("GET", "/reports", "ReportsController#index", 200, (120, 420)),
        ("GET", "/api/reports/unchecked/counts.json", "API::Reports::Unchecked::CountsController#index", 200, (25, 90)),
        ("GET", "/api/notifications.json?status=unread", "API::NotificationsController#index", 200, (30, 140)),
        ("GET", "/questions", "QuestionsController#index", 200, (110, 380)),
        ("GET", "/practices/{id}", "PracticesController#show", 200, (90, 300)),
        ("GET", "/users/{id}", "UsersController#show", 200, (80, 260)),
        ("POST", "/api/reports/{id}/comments.json", "API::CommentsController#create", 201, (70, 220)),
        ("GET", "/current_user", "CurrentUserController#show", 200, (20, 60)),
    ]
    agents = [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15",
    ]
    t = T0
    while t < T_END:
        t += timedelta(milliseconds=rng.randint(2500, 9000))
        if t >= T_END:
            break
        method, path, action, status, (lo, hi) = rng.choice(paths)
        path = path.replace("{id}", str(rng.randint(100, 9000)))
        if rng.random() < 0.02:
            method, path, action, status, (lo, hi) = "GET", "/favicon.ico", None, 404, (2, 8)
        ms = rng.randint(lo, hi)
        inst = rng.choice(instances)
        trace_id = g.hexid(32)
        req_id = f"{g.hexid(8)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(12)}"
        ip = f"{rng.choice([126, 153, 180, 219, 60])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        jst = (t + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S +0900")
        labels = {"instanceId": inst}
        if action:
            g.add(t, "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
                  {"textPayload": f"[{req_id}] Started {method} \"{path}\" for {ip} at {jst}"},
                  labels=dict(labels))
            g.add(t + timedelta(milliseconds=1), "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
                  {"textPayload": f"[{req_id}] Processing by {action} as {'JSON' if path.startswith('/api') or path == '/current_user' else 'HTML'}"},
                  labels=dict(labels))
            done = t + timedelta(milliseconds=ms)
            g.add(done, "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
                  {"textPayload": f"[{req_id}] Completed {status} {'Created' if status == 201 else 'OK'} in {ms - 2}ms (Views: {int(ms * 0.45)}.{rng.randint(0, 9)}ms | ActiveRecord: {int(ms * 0.3)}.{rng.randint(0, 9)}ms ({rng.randint(3, 40)} queries, {rng.randint(0, 12)} cached) | GC: {rng.randint(0, 9)}.{rng.randint(0, 9)}ms)"},
                  labels=dict(labels))
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        g.add(t + timedelta(milliseconds=ms), "run.googleapis.com%2Frequests", OLD_REV, sev, {
            "httpRequest": {
                "requestMethod": method, "requestUrl": f"https://bootcamp.fjord.jp{path}",
                "requestSize": str(rng.randint(420, 2400)), "status": status,
                "responseSize": str(rng.randint(900, 98000) if status < 400 else 1722),
                "userAgent": rng.choice(agents), "remoteIp": ip, "serverIp": "216.239.36.53",
                "latency": f"{ms / 1000 + rng.random() / 1000:.6f}s", "protocol": "HTTP/1.1"}},
            labels=dict(labels), trace=trace_base + trace_id, spanId=g.hexid(16), traceSampled=True)

    # Solid Queue recurring work on the healthy revision (normal background noise)
    t = T0 + timedelta(seconds=41)
    while t < T_END:
        g.add(t, "run.googleapis.com%2Fstdout", OLD_REV, "DEFAULT",
              {"textPayload": f"[ActiveJob] Enqueued NotificationDigestJob (Job ID: {g.hexid(8)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(4)}-{g.hexid(12)}) to SolidQueue(default)"},
              labels={"instanceId": instances[0]})
        t += timedelta(minutes=5)

    # one loud-but-irrelevant warning on the healthy revision
    tw = T0 + timedelta(minutes=17, seconds=3)
    g.add(tw, "run.googleapis.com%2Fstderr", OLD_REV, "DEFAULT",
          {"textPayload": "/usr/local/bundle/gems/rack-3.2.3/lib/rack/request.rb:688: warning: Rack::Request#split_header is deprecated and will be removed in Rack 3.3"},
          labels={"instanceId": instances[1]})

    # --- the deploy: Cloud Build step 7 runs `gcloud run services update --remove-secrets`
    audit_res = {"type": "cloud_run_revision", "labels": {
        "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
        "revision_name": "", "configuration_name": ""}}
    g.add(T_UPDATE, "cloudaudit.googleapis.com%2Factivity", None, "NOTICE", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {},
            "authenticationInfo": {"principalEmail": BUILD_SA},
            "requestMetadata": {"callerIp": "35.187.233.41",
                                "callerSuppliedUserAgent": "google-cloud-sdk gcloud/527.0.0 command/gcloud.run.services.update invocation-id/8c41d0b2e6f94b1e9a7d3c05f2e81b64 environment/GCE environment-version/None client-os/LINUX client-os-ver/6.1.0 client-pltf-arch/x86_64 interactive/False from-script/False python/3.12.9 term/ (Linux 6.1.0),gzip(gfe)",
                                "requestAttributes": {"time": iso(T_UPDATE), "auth": {}},
                                "destinationAttributes": {}},
            "serviceName": "run.googleapis.com",
            "methodName": "google.cloud.run.v1.Services.ReplaceService",
            "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/services/{SERVICE}",
                                   "permission": "run.services.update", "granted": True,
                                   "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                        "name": f"namespaces/{PROJECT}/services/{SERVICE}",
                        "region": REGION},
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER, "generation": 542},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"},
            "resourceLocation": {"currentLocations": [REGION]}}},
        resource=audit_res, insertId="-r3f8k2e1b7qd")

    # Cloud Run tries to start the new revision; Rails aborts while booting
    decisive = None
    t = T_UPDATE + timedelta(seconds=9, milliseconds=412)
    for attempt in range(3):
        inst = g.hexid(96)
        lab = {"instanceId": inst}
        g.add(t, "run.googleapis.com%2Fstdout", BAD_REV, "DEFAULT", {"textPayload": "=> Booting Puma"}, labels=dict(lab))
        g.add(t + timedelta(milliseconds=1), "run.googleapis.com%2Fstdout", BAD_REV, "DEFAULT",
              {"textPayload": "=> Rails 8.1.1 application starting in production "}, labels=dict(lab))
        g.add(t + timedelta(milliseconds=2), "run.googleapis.com%2Fstdout", BAD_REV, "DEFAULT",
              {"textPayload": "=> Run `bin/rails server --help` for more startup options"}, labels=dict(lab))
        te = t + timedelta(seconds=6, milliseconds=rng.randint(100, 900))
        e = g.add(te, "run.googleapis.com%2Fstderr", BAD_REV, "ERROR", {"textPayload": SECRET_ERR}, labels=dict(lab))
        if decisive is None:
            decisive = e["insertId"]
        for i, fr in enumerate(SECRET_FRAMES):
            g.add(te + timedelta(microseconds=10 * (i + 1)), "run.googleapis.com%2Fstderr", BAD_REV, "ERROR",
                  {"textPayload": fr}, labels=dict(lab))
        g.add(te + timedelta(milliseconds=380), "run.googleapis.com%2Fvarlog%2Fsystem", BAD_REV, "WARNING",
              {"textPayload": "Container called exit(1)."}, labels=dict(lab))
        g.add(te + timedelta(milliseconds=395), "run.googleapis.com%2Fvarlog%2Fsystem", BAD_REV, "ERROR",
              {"textPayload": "Default STARTUP TCP probe failed 1 time consecutively for container \"bootcamp-1\" on port 8080. The instance was not started.\nConnection failed with status CANCELLED."},
              labels=dict(lab))
        t = te + timedelta(seconds=rng.randint(4, 11))

    t_fail = t + timedelta(seconds=2)
    g.add(t_fail, "cloudaudit.googleapis.com%2Fsystem_event", None, "ERROR", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {"code": 9, "message": f"Ready condition status changed to False for Revision {BAD_REV} with message: The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended."},
            "serviceName": "run.googleapis.com",
            "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/revisions/{BAD_REV}",
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Revision",
                         "metadata": {"name": BAD_REV, "namespace": PROJECT_NUMBER},
                         "kind": "Revision", "apiVersion": "serving.knative.dev/v1"}}},
        resource={"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": BAD_REV, "configuration_name": SERVICE}}, insertId="-9x2m4ld1c0a")
    g.add(t_fail + timedelta(milliseconds=140), "cloudaudit.googleapis.com%2Fsystem_event", None, "ERROR", {
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": {"code": 9, "message": f"Ready condition status changed to False for Service {SERVICE} with message: {PORT_MSG}"},
            "serviceName": "run.googleapis.com",
            "methodName": "/Services.ReplaceService",
            "resourceName": f"namespaces/{PROJECT}/services/{SERVICE}",
            "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                         "metadata": {"name": SERVICE, "namespace": PROJECT_NUMBER},
                         "kind": "Service", "apiVersion": "serving.knative.dev/v1"}}},
        resource=audit_res, insertId="-9x2m4ld1c0b")
    return decisive, t_fail


def containers(image, with_secrets):
    env = [
        {"name": "LANG", "value": "ja_JP.UTF-8"},
        {"name": "TZ", "value": "Asia/Tokyo"},
        {"name": "RAILS_SERVE_STATIC_FILES", "value": "true"},
        {"name": "RAILS_LOG_TO_STDOUT", "value": "true"},
        {"name": "RAILS_ENV", "value": "production"},
        {"name": "RACK_ENV", "value": "production"},
        {"name": "APP_HOST_NAME", "value": "bootcamp.fjord.jp"},
        {"name": "DB_HOST", "value": f"/cloudsql/{PROJECT}:{REGION}:bootcamp-db"},
        {"name": "DB_NAME", "value": "bootcamp_production"},
        {"name": "DB_USER", "value": "production"},
        {"name": "GCS_BUCKET", "value": "bootcamp-fjord-production"},
        {"name": "RAILS_MAX_THREADS", "value": "5"},
    ]
    if with_secrets:
        env += [
            {"name": "DB_PASS", "valueSource": {"secretKeyRef": {"secret": "DB_PASS", "version": "latest"}}},
            {"name": "RAILS_MASTER_KEY", "valueSource": {"secretKeyRef": {"secret": "RAILS_MASTER_KEY", "version": "latest"}}},
        ]
    return [{
        "image": image,
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": env,
        "resources": {"limits": {"cpu": "1000m", "memory": "4G"}, "cpuIdle": True, "startupCpuBoost": True},
        "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                         "tcpSocket": {"port": 8080}},
    }]


def template(image, with_secrets, rev=None):
    tpl = {
        "labels": {"managed-by": "gcp-cloud-build-deploy-cloud-run"},
        "scaling": {"maxInstanceCount": 100},
        "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:bootcamp-db"]}}],
        "containers": containers(image, with_secrets),
        "timeout": "600s",
        "serviceAccount": RUNTIME_SA,
        "maxInstanceRequestConcurrency": 5,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
    }
    if rev:
        tpl["revision"] = rev
    return tpl


def revision(name, image, with_secrets, created, ready, gen, msg=None):
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    r = {
        "name": f"{base}/revisions/{name}",
        "uid": {"bootcamp-00541-k8w": "3d1f6b2a-7c4e-4f0a-9b8d-2e5c6a1f7b30",
                "bootcamp-00542-rm9": "8a2e4c61-0f3b-4d7e-a5c9-61b2d8e0f4a7"}[name],
        "generation": "1",
        "labels": {"managed-by": "gcp-cloud-build-deploy-cloud-run",
                   "serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION,
                   "run.googleapis.com/startupProbeType": "Default"},
        "createTime": iso(created), "updateTime": iso(ready),
        "launchStage": "GA",
        "service": SERVICE,
        "scaling": {"maxInstanceCount": 100},
        "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:bootcamp-db"]}}],
        "containers": containers(image, with_secrets),
        "timeout": "600s",
        "serviceAccount": RUNTIME_SA,
        "maxInstanceRequestConcurrency": 5,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
        "etag": f"\"{name}-etag\"",
    }
    if msg is None:
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=6))},
        ]
    else:
        r["conditions"] = [
            {"type": "Ready", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR",
             "message": msg, "lastTransitionTime": iso(ready)},
            {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR",
             "message": msg, "lastTransitionTime": iso(ready)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=7))},
        ]
    return r


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    if out.exists():
        shutil.rmtree(out)
    (out / "logging").mkdir(parents=True)
    (out / "run" / "services").mkdir(parents=True)
    (out / "run" / "revisions").mkdir(parents=True)
    g = Gen(SEED)
    decisive, t_fail = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n")

    old_created = datetime(2026, 6, 5, 8, 41, 7, 220000, tzinfo=timezone.utc)
    old_ready = old_created + timedelta(seconds=38)
    bad_created = T_UPDATE + timedelta(milliseconds=640)
    revs = {
        OLD_REV: revision(OLD_REV, OLD_IMAGE, True, old_created, old_ready, 541),
        BAD_REV: revision(BAD_REV, OLD_IMAGE, False, bad_created, t_fail, 542, msg=PORT_MSG),
    }
    for name, r in revs.items():
        (out / "run" / "revisions" / f"{name}.json").write_text(json.dumps(r, sort_keys=True, indent=2) + "\n")

    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    svc = {
        "name": base,
        "uid": "f05b1d7e-93a2-4c6e-8b41-7d2e0a9c5f16",
        "generation": "542",
        "labels": {"managed-by": "gcp-cloud-build-deploy-cloud-run", "env": "production",
                   "commit-sha": "5e0c2b7d41a9f6e3c8d2b1a07f94e6c3d5a8b210"},
        "createTime": "2019-01-10T05:12:44.104117Z",
        "updateTime": iso(T_UPDATE + timedelta(milliseconds=512)),
        "creator": "owner@fjord.jp",
        "lastModifier": BUILD_SA,
        "client": "gcloud",
        "clientVersion": "527.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": template(OLD_IMAGE, False),
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "542",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED", "message": PORT_MSG,
                              "lastTransitionTime": iso(t_fail), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(old_ready)},
            {"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "message": PORT_MSG,
             "lastTransitionTime": iso(t_fail), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
        ],
        "latestReadyRevision": f"{base}/revisions/{OLD_REV}",
        "latestCreatedRevision": f"{base}/revisions/{BAD_REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "revision": OLD_REV, "percent": 100}],
        "uri": "https://bootcamp-x7q2hn4kpa-an.a.run.app",
        "etag": "\"CNiV1bIGEJD1mJcB/cHJvamVjdHMvZmpvcmQtc2Nob29sLXByb2QtNDQ3MS9sb2NhdGlvbnMvYXNpYS1ub3J0aGVhc3QxL3NlcnZpY2VzL2Jvb3RjYW1w\"",
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")

    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "fjordllc/bootcamp",
        "commit": "c527054f0857df7188df1dd1c6fd90b9fcd70e89",
        "license": "MIT",
        "language": "ruby",
        "fix": "https://github.com/fjordllc/bootcamp/pull/10142",
    }, sort_keys=False, allow_unicode=True))

    case = {
        "id": CASE_ID,
        "title": "Production deploy of bootcamp fails: new revision bootcamp-00542-rm9 never becomes ready, previous revision keeps serving",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-06-07T06:30:00Z", "end": "2026-06-07T07:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/fjordllc/bootcamp/pull/10142"],
            "verbatim": [
                "bootcamp-00542-rm9",
                "RAILS_MASTER_KEY",
                "secret_key_base",
                "asia-northeast1",
            ],
            "reconstructed": (
                "Generated by evals/realgen/bootcamp-missing-master-key.py with random.Random(10142). The PR "
                "states the facts: production Cloud Build step 7 (Deploy) ran `gcloud run services update "
                "--remove-secrets` before `gcloud run deploy --env-vars-file`; that update created revision "
                "bootcamp-00542-rm9 without RAILS_MASTER_KEY (and the other Secret Manager env vars), Rails logged a "
                "missing secret_key_base at boot, the revision failed to start and the final deploy never ran. The PR "
                "paraphrases the error as 'Missing secret_key_base for production'; the log line uses Rails 8.1's own "
                "ArgumentError wording, and the stack frames below it are approximated. Invented: project id/number, "
                "previous revision name bootcamp-00541-k8w and its image tag, instance ids, insertIds, times "
                "(2026-06-07 ~07:04Z, shortly before the fix commit), the request/Rails-log background traffic on the "
                "previous revision, the Solid Queue enqueue lines, a Rack deprecation warning, the Cloud Run platform "
                "messages (exit(1), default TCP startup probe, 'failed to start and listen on the port' condition text) "
                "and the audit entries. Secrets DB_PASS and RAILS_MASTER_KEY as secretKeyRef on the previous revision "
                "are a judgment call from the PR's 'RAILS_MASTER_KEY などの秘密値'. repo.yaml pins the parent of the "
                "fix commit 3296ed36c."
            ),
            "project": "fjordllc/bootcamp",
            "language": "ruby",
            "covers": ["failed-rollout-config"],
        },
        "expect": {
            "root_causes": ["missing-config-or-secret"],
            "not_above": ["port-bind-mismatch", "container-crash", "image-or-deploy-failure", "startup-probe-failure"],
            "must_cite": [
                [".cloudbuild/deploy-cloud-run:127", ".cloudbuild/deploy-cloud-run:59", ".cloudbuild/deploy-cloud-run:56"],
                f"run.googleapis.com/stderr#{decisive}",
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
