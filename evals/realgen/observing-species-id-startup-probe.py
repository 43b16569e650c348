#!/usr/bin/env python3
"""Generator for the real-incident case observing-species-id-startup-probe.

Rebuilt from observ-ing/core#167 and #177: the new observing-species-id
service (Rust/axum, BioCLIP via ONNX Runtime) loads a ~1.4 GB ONNX model
before it binds its port. The load takes more than 4 minutes, longer than the
default Cloud Run TCP startup probe (240 s), so the revision never becomes
ready and Cloud Run reports the generic "failed to start and listen on the
port defined provided by the PORT=8080" error. The deploy step had
--timeout=300 (a request timeout); #177 replaced it with a startup probe
allowing 5 minutes.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "observing-species-id-startup-probe"
SEED = 177
PROJECT = "observing-prod-7310"
REGION = "us-central1"
SERVICE = "observing-species-id"
REVS = ["observing-species-id-00001-fek", "observing-species-id-00002-vob", "observing-species-id-00003-ruz"]
REV = REVS[-1]
APPVIEW = "observing-appview"
APPVIEW_REV = "observing-appview-00061-dut"
REGISTRY = "us-central1-docker.pkg.dev/observing-prod-7310/observing"
DEPLOYER = "github-deploy@observing-prod-7310.iam.gserviceaccount.com"
RUNTIME_SA = "948113207612-compute@developer.gserviceaccount.com"
T0 = datetime(2026, 3, 30, 17, 30, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 3, 30, 18, 30, 0, tzinfo=timezone.utc)
SVC_CREATED = datetime(2026, 3, 30, 2, 47, 19, 331000, tzinfo=timezone.utc)
REV_TIMES = [SVC_CREATED, datetime(2026, 3, 30, 13, 49, 2, 118000, tzinfo=timezone.utc),
             datetime(2026, 3, 30, 17, 52, 31, 604000, tzinfo=timezone.utc)]
CONTAINER = "observing-species-id-1"


def failed_message(rev):
    return ("The user-provided container failed to start and listen on the port defined provided by the PORT=8080 "
            "environment variable within the allocated timeout. This can happen when the container port is "
            "misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this "
            "revision might contain more information.\n\nLogs URL: https://console.cloud.google.com/logs/viewer?"
            "project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s&advancedFilter="
            "resource.type%%3D%%22cloud_run_revision%%22%%0Aresource.labels.service_name%%3D%%22%s%%22%%0A"
            "resource.labels.revision_name%%3D%%22%s%%22 \nFor more troubleshooting guidance, see "
            "https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start" % (PROJECT, SERVICE, rev, SERVICE, rev))


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

    def add(self, log, t, severity, service, revision, instance=None, **payload):
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log),
             "resource": {"type": "cloud_run_revision", "labels": {
                 "project_id": PROJECT, "location": REGION, "service_name": service,
                 "revision_name": revision, "configuration_name": service}},
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(40, 900))),
             "severity": severity, "insertId": self.insert_id()}
        if instance:
            e["labels"] = {"instanceId": instance}
        e.update(payload)
        self.entries.append(e)
        return e

    def tracing(self, t, severity, message, target, file, line, instance, service=SERVICE, revision=REV, **fields):
        # tracing-stackdriver JSON on stdout; Cloud Run lifts severity, time and sourceLocation
        payload = {"message": message, "target": target}
        payload.update(fields)
        return self.add("run.googleapis.com%2Fstdout", t, severity, service, revision, instance,
                        jsonPayload=payload, sourceLocation={"file": file, "line": str(line)})


def instance_id(rng):
    return "007989f2a1" + "".join(rng.choice("0123456789abcdef") for _ in range(118))


def build():
    g = Gen()
    rng = g.rng

    # --- background: the appview serving the site (other service in the project) ---
    av_instances = [instance_id(rng) for _ in range(2)]
    paths = [("GET", "/api/feeds/explore", (0.04, 0.35), 0.2), ("GET", "/api/occurrences/feed", (0.05, 0.4), 0.15),
             ("GET", "/api/occurrences/bbox", (0.03, 0.25), 0.12), ("GET", "/api/feeds/home", (0.05, 0.3), 0.1),
             ("GET", "/oauth/me", (0.005, 0.03), 0.12), ("GET", "/api/taxa/search", (0.08, 0.6), 0.08),
             ("GET", "/api/notifications", (0.01, 0.06), 0.06), ("GET", "/media/", (0.02, 0.2), 0.12),
             ("GET", "/api/taxa/validate", (0.05, 0.3), 0.03), ("GET", "/health", (0.001, 0.004), 0.02)]
    weights = [p[3] for p in paths]
    t = T0
    while t < WINDOW_END:
        t += timedelta(seconds=rng.expovariate(0.11))
        if t >= WINDOW_END:
            break
        m, p, (lo, hi), _ = rng.choices(paths, weights=weights)[0]
        if p == "/media/":
            p = "/media/blob/did:plc:%s/bafkrei%s" % ("".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(24)),
                                                      "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(52)))
        lat = rng.uniform(lo, hi)
        status = 200 if not (p == "/oauth/me" and rng.random() < 0.3) else 401
        inst = rng.choice(av_instances)
        hr = {"requestMethod": m, "requestUrl": "https://observ.ing%s" % p, "requestSize": str(rng.randint(400, 1200)),
              "status": status, "responseSize": str(rng.randint(200, 60000) if status == 200 else 61),
              "userAgent": rng.choice(["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15",
                                       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36",
                                       "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Mobile Safari/537.36"]),
              "remoteIp": "%d.%d.%d.%d" % (rng.choice([73, 98, 24, 71, 2]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)),
              "serverIp": "216.239.%d.21" % rng.choice([32, 34, 36, 38]), "latency": "%.6fs" % lat, "protocol": "HTTP/1.1"}
        e = g.add("run.googleapis.com%2Frequests", t + timedelta(seconds=lat), "INFO" if status < 400 else "WARNING",
                  APPVIEW, APPVIEW_REV, inst, httpRequest=hr, trace="projects/%s/traces/%032x" % (PROJECT, rng.getrandbits(128)),
                  spanId="%016x" % rng.getrandbits(64), traceSampled=False)
        e["timestamp"] = iso(t)
        if rng.random() < 0.03:
            g.tracing(t + timedelta(milliseconds=rng.randint(5, 80)), "WARNING", "GBIF match cache miss, falling back to live lookup",
                      "observing_appview::taxonomy_client", "crates/observing-appview/src/taxonomy_client.rs", 58, inst,
                      service=APPVIEW, revision=APPVIEW_REV)

    # --- the deploy of species-id from the CI pipeline ---
    dep = REV_TIMES[2]
    audit = {"protoPayload": {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "authenticationInfo": {"principalEmail": DEPLOYER},
        "requestMetadata": {"callerIp": "20.55.%d.%d" % (rng.randint(1, 254), rng.randint(1, 254)),
                            "callerSuppliedUserAgent": "google-cloud-sdk gcloud/561.0.0 command/gcloud.run.deploy invocation-id/%032x environment/GCE environment-version/None client-os/LINUX client-os-ver/6.11.0 client-pltf-arch/x86_64 interactive/False from-script/True python/3.12.3 term/ (Linux 6.11.0-1018-azure),gzip(gfe)" % rng.getrandbits(128)},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.ReplaceService",
        "authorizationInfo": [{"resource": "namespaces/%s/services/%s" % (PROJECT, SERVICE), "permission": "run.services.update", "granted": True, "resourceAttributes": {}}],
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                    "name": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
                    "service": {"spec": {"template": {"spec": {"containers": [{"image": REGISTRY + "/observing-species-id:latest"}],
                                                               "timeoutSeconds": 300}}}}},
        "resourceLocation": {"currentLocations": [REGION]}}}
    a = g.add("cloudaudit.googleapis.com%2Factivity", dep - timedelta(milliseconds=850), "NOTICE", SERVICE, "", None, **audit)
    a["resource"]["labels"]["configuration_name"] = ""

    inst = instance_id(rng)
    t1 = dep + timedelta(seconds=17.3)
    g.add("run.googleapis.com%2Fvarlog%2Fsystem", t1, "INFO", SERVICE, REV, inst,
          textPayload="Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment or deployment health check.")
    t2 = t1 + timedelta(seconds=2.41)
    g.tracing(t2, "INFO", "Starting Observ.ing Species Identification Service...", "observing_species_id",
              "crates/observing-species-id/src/main.rs", 30, inst)
    g.tracing(t2 + timedelta(microseconds=412), "INFO", "Configuration loaded", "observing_species_id",
              "crates/observing-species-id/src/main.rs", 42, inst, port=8080, modelDir="/app/models/bioclip")
    load_entry = g.tracing(t2 + timedelta(microseconds=655), "INFO", "Loading ONNX vision encoder", "observing_species_id::model",
                           "crates/observing-species-id/src/model.rs", 34, inst, path="/app/models/bioclip/vision_encoder.onnx")
    # ... the ~1.4 GB model is still loading when the default 240 s TCP startup probe gives up
    tfail = t1 + timedelta(seconds=240, milliseconds=312)
    probe = g.add("run.googleapis.com%2Fvarlog%2Fsystem", tfail, "ERROR", SERVICE, REV, inst,
                  textPayload='Default STARTUP TCP probe failed 1 time consecutively for container "%s" on port 8080. The instance was not started.\nConnection failed with status DEADLINE_EXCEEDED.' % CONTAINER)
    probe["labels"]["container_name"] = CONTAINER
    se = {"protoPayload": {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {"code": 9, "message": "Ready condition status changed to False for Revision %s with message: %s" % (REV, failed_message(REV))},
        "serviceName": "run.googleapis.com",
        "methodName": "/Services.ReplaceService",
        "resourceName": "namespaces/%s/revisions/%s" % (PROJECT, REV),
        "response": {"metadata": {"name": REV, "namespace": "948113207612"}, "kind": "Revision", "apiVersion": "serving.knative.dev/v1",
                     "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "HealthCheckContainerError",
                                                "message": failed_message(REV)}]}}}}
    sys_event = g.add("cloudaudit.googleapis.com%2Fsystem_event", tfail + timedelta(seconds=1.9), "ERROR", SERVICE, REV, None, **se)
    se2 = json.loads(json.dumps(se))
    se2["protoPayload"]["status"]["message"] = ("Ready condition status changed to False for Service %s with message: Revision '%s' is not ready and cannot serve traffic. %s"
                                                % (SERVICE, REV, failed_message(REV)))
    se2["protoPayload"]["resourceName"] = "namespaces/%s/services/%s" % (PROJECT, SERVICE)
    se2["protoPayload"]["response"]["kind"] = "Service"
    se2["protoPayload"]["response"]["metadata"]["name"] = SERVICE
    e2 = g.add("cloudaudit.googleapis.com%2Fsystem_event", tfail + timedelta(seconds=2.3), "ERROR", SERVICE, "", None, **se2)
    e2["resource"]["labels"]["configuration_name"] = ""
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, probe, sys_event, load_entry


def container(image_tag="latest", cpu_boost=True):
    c = {"name": CONTAINER, "image": REGISTRY + "/observing-species-id:" + image_tag,
         "env": [{"name": "RUST_LOG", "value": "observing_species_id=info"}, {"name": "LOG_FORMAT", "value": "json"}],
         "resources": {"limits": {"cpu": "2", "memory": "4Gi"}, "cpuIdle": True},
         "ports": [{"name": "http1", "containerPort": 8080}],
         "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}}}
    if cpu_boost:
        c["resources"]["startupCpuBoost"] = True
    return c


def revision_json(i):
    rev, created = REVS[i], REV_TIMES[i]
    fail_at = created + timedelta(seconds=[262, 258, 260][i])
    return {
        "name": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, rev),
        "uid": ["4c1f9e27-8a3b-4d50-b6e2-1f7a90c3d845", "9b2e7d10-6c4f-4a81-a3d5-0e8b17f2c964", "d37a05c8-2e9f-4b16-8c4a-5f1e93b60d72"][i],
        "generation": "1",
        "labels": {"serving.knative.dev/configuration": SERVICE, "serving.knative.dev/configurationGeneration": str(i + 1),
                   "serving.knative.dev/service": SERVICE, "serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION},
        "annotations": {"run.googleapis.com/startup-cpu-boost": "true"} if i > 0 else {},
        "createTime": iso(created), "updateTime": iso(fail_at), "launchStage": "GA",
        "service": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "scaling": {"maxInstanceCount": 100},
        "timeout": "300s" if i > 0 else "300s",
        "serviceAccount": RUNTIME_SA,
        "containers": [container(cpu_boost=i > 0)],
        "maxInstanceRequestConcurrency": 80,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_FAILED", "message": failed_message(rev),
             "lastTransitionTime": iso(fail_at), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
            {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "message": failed_message(rev),
             "lastTransitionTime": iso(fail_at), "revisionReason": "HEALTH_CHECK_CONTAINER_ERROR"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=14))}],
        "observedGeneration": "1",
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, rev),
        "etag": "\"CP%dqrM4GENjQ2gE/cHJvamVjdHMvb2JzZXJ2aW5nLXByb2QtNzMxMC9sb2NhdGlvbnMvdXMtY2VudHJhbDEvcmV2aXNpb25z\"" % (i + 7),
    }


def service_json():
    fail_at = REV_TIMES[2] + timedelta(seconds=260)
    return {
        "name": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "uid": "71e0c4b9-3f2d-4a6e-95b8-c2d40a7e1f36",
        "generation": "3",
        "createTime": iso(SVC_CREATED), "updateTime": iso(REV_TIMES[2]),
        "creator": DEPLOYER, "lastModifier": DEPLOYER,
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {"scaling": {"maxInstanceCount": 100}, "timeout": "300s", "serviceAccount": RUNTIME_SA,
                     "containers": [container()], "maxInstanceRequestConcurrency": 80},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "3",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_FAILED", "reason": "REVISION_FAILED",
                              "message": "Revision '%s' is not ready and cannot serve traffic. %s" % (REV, failed_message(REV)),
                              "lastTransitionTime": iso(fail_at)},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_FAILED", "reason": "REVISION_FAILED",
             "message": "Revision '%s' is not ready and cannot serve traffic. %s" % (REV, failed_message(REV)), "lastTransitionTime": iso(fail_at)},
            {"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "reason": "REVISION_FAILED",
             "message": failed_message(REV), "lastTransitionTime": iso(fail_at)}],
        "latestCreatedRevision": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REV),
        "uri": "https://observing-species-id-948113207612.us-central1.run.app",
        "urls": ["https://observing-species-id-948113207612.us-central1.run.app"],
        "etag": "\"CJ_xqrM4GLiQ4ZkB/cHJvamVjdHMvb2JzZXJ2aW5nLXByb2QtNzMxMC9sb2NhdGlvbnMvdXMtY2VudHJhbDEvc2VydmljZXMvb2JzZXJ2aW5nLXNwZWNpZXMtaWQ\"",
    }


def write(out_parent: Path) -> int:
    g, probe, sys_event, load_entry = build()
    root = Path(out_parent) / CASE_ID
    (root / "logging").mkdir(parents=True, exist_ok=True)
    (root / "run" / "services").mkdir(parents=True, exist_ok=True)
    (root / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(root / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (root / "run" / "services" / (SERVICE + ".json")).write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    for i, rev in enumerate(REVS):
        (root / "run" / "revisions" / (rev + ".json")).write_text(json.dumps(revision_json(i), sort_keys=True, indent=2) + "\n")
    case = {
        "id": CASE_ID,
        "title": "observing-species-id deploy fails: container failed to start and listen on PORT=8080 within the allocated timeout",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-03-30T17:30:00Z", "end": "2026-03-30T18:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/observ-ing/core/pull/177", "https://github.com/observ-ing/core/pull/167"],
            "verbatim": [
                "observing-species-id",
                "observing_species_id=info",
                "/app/models/bioclip",
                "4Gi",
            ],
            "reconstructed": (
                "#167 added the observing-species-id deploy (2 CPU, 4Gi, RUST_LOG=observing_species_id=info, "
                "LOG_FORMAT=json, model artifacts baked into the image); #177 states that GCP logs showed the service "
                "starting correctly while the ~1.4 GB ONNX model load took more than 4 minutes, beyond the default "
                "240 s startup probe, and replaced --timeout=300 (a request timeout) with "
                "--startup-probe=...periodSeconds=10,failureThreshold=30. The commits in between (#174, #175) quote "
                "Cloud Run's generic 'failed to start and listen on ... PORT=8080' error, first misread as a port "
                "problem. Generated by evals/realgen/observing-species-id-startup-probe.py with random.Random(177): "
                "the invented project observing-prod-7310 in us-central1, revision names (00001/00002 failed earlier "
                "the same day, outside the window; 00003 is the deploy of the pre-fix commit at 17:52Z), instance "
                "ids, the service's own tracing-stackdriver JSON start-up lines (messages from main.rs/model.rs at "
                "the pinned commit), the Cloud Run system lines (DEPLOYMENT_ROLLOUT start, default STARTUP TCP probe "
                "failure after 240 s), the ReplaceService audit entry and the Ready=False "
                "system_event entries with Cloud Run's documented container-failed-to-start text, and request logs "
                "of the project's observing-appview service as unrelated background traffic. The exact load time "
                "and timestamps are invented."
            ),
            "project": "observ-ing/core",
            "language": "rust",
            "covers": ["failed-rollout-probe"],
        },
        "expect": {
            "root_causes": ["startup-probe-failure"],
            "not_above": ["port-bind-mismatch", "image-or-deploy-failure", "container-crash", "request-timeout"],
            "must_cite": [
                ".github/workflows/ci.yml:305",
                ["run.googleapis.com/varlog/system#" + probe["insertId"],
                 "cloudaudit.googleapis.com/system_event#" + sys_event["insertId"]],
            ],
        },
    }
    with open(root / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=120)
    repo = {
        "repository": "observ-ing/core",
        "commit": "0e4a9cdc95b842768c57e85e8143c5d1e1662679",
        "license": "AGPL-3.0",
        "language": "rust",
        "fix": "https://github.com/observ-ing/core/pull/177",
    }
    with open(root / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real"))
