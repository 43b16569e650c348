#!/usr/bin/env python3
"""Generator for the real-incident case lithops-gunicorn-timeout.

Rebuilt from lithops-cloud/lithops#1382 and #1383: a Lithops Cloud Run runtime
built from runtime/gcp_cloudrun/Dockerfile starts gunicorn without --timeout,
so the sync worker is aborted after gunicorn's default 30 s although the
Cloud Run service timeout (Lithops runtime_timeout) is 300 s. Calls longer
than 30 s come back as HTTP 500.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "lithops-gunicorn-timeout"
SEED = 1382
PROJECT = "acme-lithops-318"
REGION = "us-east1"
SERVICE = "lithops-worker-341-7c1e94b02d"
REVISION = SERVICE + "-00001-qag"
IMAGE = "us.gcr.io/acme-lithops-318/lithops-cloudrun-custom-310:0.1"
SA = "lithops-runner@acme-lithops-318.iam.gserviceaccount.com"
URL_HOST = SERVICE + "-6lqkq3x7da-ue.a.run.app"
T0 = datetime(2024, 7, 9, 16, 0, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2024, 7, 9, 18, 0, 0, tzinfo=timezone.utc)
DEPLOY_AT = T0 + timedelta(minutes=4, seconds=12)
READY_AT = DEPLOY_AT + timedelta(seconds=41)

TRACEBACK_TEMPLATE = (
    "[{ts}] [{pid}] [ERROR] Error handling request /\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/sync.py", line 135, in handle\n'
    "    self.handle_request(listener, req, client, addr)\n"
    '  File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/sync.py", line 178, in handle_request\n'
    "    respiter = self.wsgi(environ, resp.start_response)\n"
    '  File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 1498, in __call__\n'
    "    return self.wsgi_app(environ, start_response)\n"
    '  File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 1473, in wsgi_app\n'
    "    response = self.full_dispatch_request()\n"
    '  File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 880, in full_dispatch_request\n'
    "    rv = self.dispatch_request()\n"
    '  File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 865, in dispatch_request\n'
    "    return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]\n"
    '  File "/lithops/lithopsproxy.py", line 57, in run\n'
    "    function_handler(message)\n"
    '  File "/lithops/lithops/worker/handler.py", line 83, in function_handler\n'
    "    python_queue_consumer(0, work_queue, )\n"
    '  File "/lithops/lithops/worker/handler.py", line 135, in python_queue_consumer\n'
    "    prepare_and_run_task(task)\n"
    '  File "/lithops/lithops/worker/handler.py", line 163, in prepare_and_run_task\n'
    "    run_task(task)\n"
    '  File "/lithops/lithops/worker/handler.py", line 214, in run_task\n'
    "    jrp.join(task.execution_timeout)\n"
    '  File "/usr/local/lib/python3.10/multiprocessing/process.py", line 149, in join\n'
    "    res = self._popen.wait(timeout)\n"
    '  File "/usr/local/lib/python3.10/multiprocessing/popen_fork.py", line 40, in wait\n'
    "    if not wait([self.sentinel], timeout):\n"
    '  File "/usr/local/lib/python3.10/multiprocessing/connection.py", line 931, in wait\n'
    "    ready = selector.select(timeout)\n"
    '  File "/usr/local/lib/python3.10/selectors.py", line 416, in select\n'
    "    fd_event_list = self._selector.poll(timeout)\n"
    '  File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/base.py", line 203, in handle_abort\n'
    "    sys.exit(1)\n"
    "SystemExit: 1"
)


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def gts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S +0000")


def lts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.n = 0

    def insert_id(self):
        self.n += 1
        return "%s%06d" % ("".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)), self.n)

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REVISION, "configuration_name": SERVICE}}

    def add(self, log, t, severity, instance=None, **payload):
        e = {"logName": "projects/%s/logs/%s" % (PROJECT, log), "resource": self.resource(),
             "timestamp": iso(t), "receiveTimestamp": iso(t + timedelta(milliseconds=self.rng.randint(40, 900))),
             "severity": severity, "insertId": self.insert_id()}
        if instance:
            e["labels"] = {"instanceId": instance}
        e.update(payload)
        self.entries.append(e)
        return e

    def stdout(self, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2Fstdout", t, severity, instance, textPayload=text)

    def stderr(self, t, text, instance, severity="DEFAULT"):
        return self.add("run.googleapis.com%2Fstderr", t, severity, instance, textPayload=text)

    def system(self, t, text, instance, severity="INFO"):
        return self.add("run.googleapis.com%2Fvarlog%2Fsystem", t, severity, instance, textPayload=text)

    def request(self, t_start, latency, status, instance, path="/", method="POST", req_size=None, resp_size=None,
                ua="Python-urllib/3.10", remote_ip=None):
        trace_id = "%032x" % self.rng.getrandbits(128)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method, "requestUrl": "https://%s%s" % (URL_HOST, path),
              "requestSize": str(req_size if req_size is not None else self.rng.randint(2200, 5200)),
              "status": status,
              "responseSize": str(resp_size if resp_size is not None else self.rng.randint(180, 320)),
              "userAgent": ua, "remoteIp": remote_ip or "34.75.%d.%d" % (self.rng.randint(1, 254), self.rng.randint(1, 254)),
              "serverIp": "216.239.%d.53" % self.rng.choice([32, 34, 36, 38]),
              "latency": "%.6fs" % latency, "protocol": "HTTP/1.1"}
        e = self.add("run.googleapis.com%2Frequests", t_start + timedelta(seconds=latency), sev, instance,
                     httpRequest=hr, trace="projects/%s/traces/%s" % (PROJECT, trace_id),
                     spanId="%016x" % self.rng.getrandbits(64), traceSampled=False)
        # Cloud Run stamps request logs with the request start time
        e["timestamp"] = iso(t_start)
        return e


def new_instance_id(rng):
    return "0087244a80" + "".join(rng.choice("0123456789abcdef") for _ in range(118))


def boot_instance(g, t, instance, worker_pid):
    g.system(t, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.", instance)
    t1 = t + timedelta(milliseconds=g.rng.randint(900, 1600))
    g.stderr(t1, "[%s] [1] [INFO] Starting gunicorn 22.0.0" % gts(t1), instance)
    g.stderr(t1 + timedelta(milliseconds=3), "[%s] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)" % gts(t1), instance)
    g.stderr(t1 + timedelta(milliseconds=4), "[%s] [1] [INFO] Using worker: sync" % gts(t1), instance)
    t2 = t1 + timedelta(milliseconds=g.rng.randint(20, 60))
    g.stderr(t2, "[%s] [%d] [INFO] Booting worker with pid: %d" % (gts(t2), worker_pid, worker_pid), instance)
    t3 = t1 + timedelta(milliseconds=g.rng.randint(80, 300))
    g.system(t3, 'Default STARTUP TCP probe succeeded after 1 attempt for container "lithops-cloudrun-custom-310-1" on port 8080.', instance)
    return t3 + timedelta(milliseconds=g.rng.randint(5, 40))


def call_logs(g, t, instance, worker_pid, duration, ok, call_id, job_key):
    """One Lithops invocation (one call per request) on one instance."""
    ts = t + timedelta(milliseconds=g.rng.randint(3, 12))
    g.stdout(ts, "%s [INFO] lithopsproxy.py:56 -- Lithops v3.4.1 - Starting GCP Cloud Run execution" % lts(ts), instance)
    ts2 = ts + timedelta(milliseconds=g.rng.randint(150, 600))
    g.stdout(ts2, "%s [INFO] handler.py:75 -- Tasks received: 1 - Worker processes: 1" % lts(ts2), instance)
    g.stdout(ts2 + timedelta(milliseconds=2), "%s [INFO] handler.py:117 -- Worker process 0 started" % lts(ts2), instance)
    if ok:
        te = t + timedelta(seconds=duration - 0.02)
        g.stdout(te, "%s [INFO] handler.py:139 -- Worker process 0 finished" % lts(te), instance)
        g.stdout(te + timedelta(milliseconds=1), "XXX_THE_END_OF_AN_ACTIVATION_XXX", instance)
        g.request(t, duration, 202, instance, resp_size=g.rng.randint(240, 262))
    else:
        tt = t + timedelta(seconds=30, milliseconds=g.rng.randint(200, 990))
        g.stderr(tt, "[%s] [1] [CRITICAL] WORKER TIMEOUT (pid:%d)" % (gts(tt), worker_pid), instance)
        te = tt + timedelta(milliseconds=g.rng.randint(2, 15))
        g.stderr(te, TRACEBACK_TEMPLATE.format(ts=gts(te), pid=worker_pid), instance)
        g.request(t, (te - t).total_seconds() + 0.004, 500, instance, resp_size=g.rng.randint(265, 290))
        tx = te + timedelta(milliseconds=g.rng.randint(20, 80))
        g.stderr(tx, "[%s] [%d] [INFO] Worker exiting (pid: %d)" % (gts(tx), worker_pid, worker_pid), instance)
        ty = tx + timedelta(milliseconds=g.rng.randint(150, 400))
        new_pid = worker_pid + g.rng.randint(2, 6)
        g.stderr(ty, "[%s] [%d] [INFO] Booting worker with pid: %d" % (gts(ty), new_pid, new_pid), instance)
        return new_pid
    return worker_pid


def build():
    g = Gen()
    rng = g.rng
    # Deploy of the runtime service (Lithops uses the v1 namespaces API)
    op = {"protoPayload": {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {},
        "authenticationInfo": {"principalEmail": SA},
        "requestMetadata": {"callerIp": "34.75.18.201", "callerSuppliedUserAgent": "google-api-python-client/2.136.0 (gzip),gzip(gfe)"},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Services.CreateService",
        "authorizationInfo": [{"resource": "namespaces/%s/services/%s" % (PROJECT, SERVICE), "permission": "run.services.create", "granted": True, "resourceAttributes": {}}],
        "resourceName": "namespaces/%s/services/%s" % (PROJECT, SERVICE),
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.CreateServiceRequest", "parent": "namespaces/%s" % PROJECT,
                    "service": {"metadata": {"name": SERVICE, "namespace": PROJECT}}},
        "resourceLocation": {"currentLocations": [REGION]}}}
    e = g.add("cloudaudit.googleapis.com%2Factivity", DEPLOY_AT, "NOTICE", None, **op)
    e["resource"] = {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION, "service_name": SERVICE, "revision_name": "", "configuration_name": ""}}
    ready = {"protoPayload": {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": {"message": "Ready condition status changed to True for Revision %s." % REVISION},
        "serviceName": "run.googleapis.com",
        "methodName": "/Services.CreateService",
        "resourceName": "namespaces/%s/revisions/%s" % (PROJECT, REVISION),
        "response": {"metadata": {"name": REVISION, "namespace": PROJECT}, "kind": "Revision", "apiVersion": "serving.knative.dev/v1",
                     "status": {"conditions": [{"type": "Ready", "status": "True"}]}}}}
    g.add("cloudaudit.googleapis.com%2Fsystem_event", READY_AT, "INFO", None, **ready)
    ready2 = json.loads(json.dumps(ready))
    ready2["protoPayload"]["status"]["message"] = "Ready condition status changed to True for Service %s." % SERVICE
    ready2["protoPayload"]["resourceName"] = "namespaces/%s/services/%s" % (PROJECT, SERVICE)
    ready2["protoPayload"]["response"]["kind"] = "Service"
    ready2["protoPayload"]["response"]["metadata"]["name"] = SERVICE
    e2 = g.add("cloudaudit.googleapis.com%2Fsystem_event", READY_AT + timedelta(milliseconds=400), "INFO", None, **ready2)
    e2["resource"] = e["resource"]

    # Pool of instances: instance id -> (free_at, worker pid)
    pool = []

    def get_instance(t):
        for i, (iid, free_at, pid) in enumerate(pool):
            if free_at <= t and t - free_at < timedelta(minutes=14):
                pool.pop(i)
                return iid, pid, t
        iid = new_instance_id(rng)
        pid = 7
        tb = boot_instance(g, t, iid, pid)
        return iid, pid, tb

    def release(iid, t, pid):
        pool.append((iid, t, pid))

    # metadata extraction right after deploy
    t = READY_AT + timedelta(seconds=3)
    iid, pid, tb = get_instance(t)
    tm = tb + timedelta(milliseconds=rng.randint(5, 30))
    g.stdout(tm, "%s [INFO] lithopsproxy.py:68 -- Lithops v3.4.1 - Generating metadata" % lts(tm), iid)
    tm2 = tm + timedelta(milliseconds=rng.randint(900, 1700))
    g.stdout(tm2, "%s [INFO] lithopsproxy.py:72 -- Done!" % lts(tm2), iid)
    g.stdout(tm2, "XXX_THE_END_OF_AN_ACTIVATION_XXX", iid)
    g.request(t, (tm2 - t).total_seconds() + 0.01, 200, iid, path="/metadata", req_size=412, resp_size=1893)
    release(iid, tm2, pid)

    # Healthy map jobs with short functions, then the job with long functions.
    jobs = [
        (T0 + timedelta(minutes=9), 16, (2.0, 9.0), True),
        (T0 + timedelta(minutes=17), 40, (4.0, 18.0), True),
        (T0 + timedelta(minutes=29), 64, (3.0, 12.0), True),
        (T0 + timedelta(minutes=41), 24, (8.0, 26.0), True),
        (T0 + timedelta(minutes=52), 80, (2.0, 10.0), True),
        (T0 + timedelta(minutes=63), 32, (6.0, 22.0), True),
        (T0 + timedelta(minutes=71), 48, (12.0, 27.0), True),
        (T0 + timedelta(minutes=84), 32, (45.0, 140.0), False),   # the incident: calls longer than 30 s
        (T0 + timedelta(minutes=97), 24, (45.0, 140.0), False),   # user retries the same map
        (T0 + timedelta(minutes=108), 12, (2.0, 6.0), True),      # short sanity check still works
    ]
    failing = []
    for jn, (start, ncalls, (lo, hi), _) in enumerate(jobs):
        job_key = "%s-A%03d" % ("".join(rng.choice("0123456789abcdef") for _ in range(6)), jn)
        for c in range(ncalls):
            t = start + timedelta(milliseconds=rng.randint(0, 2500) + c * rng.randint(8, 30))
            iid, pid, tb = get_instance(t)
            duration = rng.uniform(lo, hi) + (tb - t).total_seconds()
            ok = duration < 30.0
            new_pid = call_logs(g, t, iid, pid, duration, ok, "%05d" % c, job_key)
            if not ok:
                failing.append(len(g.entries))
                end = t + timedelta(seconds=31.5)
            else:
                end = t + timedelta(seconds=duration)
            release(iid, end, new_pid)

    # Unauthenticated probes against the private service (loud, irrelevant)
    for k in range(6):
        t = T0 + timedelta(minutes=rng.randint(5, 115), seconds=rng.randint(0, 59))
        path = rng.choice(["/", "/.env", "/wp-login.php", "/favicon.ico"])
        e = g.request(t, rng.uniform(0.001, 0.004), 403, None, path=path, method="GET", req_size=0, resp_size=295,
                      ua="Mozilla/5.0 (compatible; zgrab/0.x)", remote_ip="45.148.%d.%d" % (rng.randint(1, 254), rng.randint(1, 254)))
        e.pop("labels", None)
        e["textPayload"] = "The request was not authenticated. Either allow unauthenticated invocations or set the proper Authorization header. Read more at https://cloud.google.com/run/docs/securing/authenticating Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#unauthorized-client"

    # Idle instances shut down
    for iid, free_at, pid in pool:
        ts = free_at + timedelta(minutes=15, seconds=rng.randint(0, 40))
        if ts < WINDOW_END:
            g.stderr(ts, "[%s] [1] [INFO] Handling signal: term" % gts(ts), iid)
            g.stderr(ts + timedelta(milliseconds=30), "[%s] [%d] [INFO] Worker exiting (pid: %d)" % (gts(ts), pid, pid), iid)
            g.stderr(ts + timedelta(milliseconds=200), "[%s] [1] [INFO] Shutting down: Master" % gts(ts), iid)

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g


def service_json():
    return {
        "name": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "uid": "6f0e5c2a-3b1d-4e8f-9a27-51d0c4b7e913",
        "generation": "1",
        "labels": {},
        "annotations": {"run.googleapis.com/launch-stage": "BETA"},
        "createTime": iso(DEPLOY_AT),
        "updateTime": iso(DEPLOY_AT),
        "creator": SA,
        "lastModifier": SA,
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "BETA",
        "template": {
            "labels": {"type": "lithops-runtime", "lithops-version": "3-4-1"},
            "scaling": {"minInstanceCount": 0, "maxInstanceCount": 1000},
            "timeout": "300s",
            "serviceAccount": SA,
            "containers": [{
                "name": "lithops-cloudrun-custom-310-1",
                "image": IMAGE,
                "env": [{"name": "CONCURRENCY", "value": "1"}, {"name": "TIMEOUT", "value": "300"}],
                "resources": {"limits": {"cpu": "1", "memory": "1024Mi"}, "cpuIdle": True},
                "ports": [{"name": "http1", "containerPort": 8080}],
                "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
            }],
            "maxInstanceRequestConcurrency": 1,
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "1",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT)},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT)},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT)}],
        "latestReadyRevision": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "latestCreatedRevision": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": "https://" + URL_HOST,
        "etag": "\"CL3xtbQGEKDd4bYB/cHJvamVjdHMvYWNtZS1saXRob3BzLTMxOC9sb2NhdGlvbnMvdXMtZWFzdDEvc2VydmljZXMvbGl0aG9wcy13b3JrZXI\"",
    }


def revision_json():
    svc = service_json()
    return {
        "name": "projects/%s/locations/%s/revisions/%s" % (PROJECT, REGION, REVISION),
        "uid": "a4c2b9f1-0d7e-4b35-8c61-2f9e07d3a5b8",
        "generation": "1",
        "labels": {"type": "lithops-runtime", "lithops-version": "3-4-1",
                   "serving.knative.dev/configuration": SERVICE, "serving.knative.dev/service": SERVICE,
                   "serving.knative.dev/route": SERVICE, "cloud.googleapis.com/location": REGION},
        "createTime": iso(DEPLOY_AT),
        "updateTime": iso(READY_AT),
        "launchStage": "BETA",
        "service": "projects/%s/locations/%s/services/%s" % (PROJECT, REGION, SERVICE),
        "scaling": {"minInstanceCount": 0, "maxInstanceCount": 1000},
        "timeout": "300s",
        "serviceAccount": SA,
        "containers": svc["template"]["containers"],
        "maxInstanceRequestConcurrency": 1,
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT)},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT)},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(READY_AT - timedelta(seconds=12))}],
        "observedGeneration": "1",
        "logUri": "https://console.cloud.google.com/logs/viewer?project=%s&resource=cloud_run_revision/service_name/%s/revision_name/%s" % (PROJECT, SERVICE, REVISION),
        "etag": "\"CMzxtbQGEJiN6JIC/cHJvamVjdHMvYWNtZS1saXRob3BzLTMxOC9sb2NhdGlvbnMvdXMtZWFzdDEvcmV2aXNpb25z\"",
    }


def write(out_parent: Path) -> int:
    g = build()
    root = Path(out_parent) / CASE_ID
    (root / "logging").mkdir(parents=True, exist_ok=True)
    (root / "run" / "services").mkdir(parents=True, exist_ok=True)
    (root / "run" / "revisions").mkdir(parents=True, exist_ok=True)
    with open(root / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (root / "run" / "services" / (SERVICE + ".json")).write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (root / "run" / "revisions" / (REVISION + ".json")).write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")

    timeouts = [e for e in g.entries if "WORKER TIMEOUT" in e.get("textPayload", "")]
    tracebacks = [e for e in g.entries if "handle_abort" in e.get("textPayload", "")]
    first_500 = [e for e in g.entries if e.get("httpRequest", {}).get("status") == 500]
    case = {
        "id": CASE_ID,
        "title": "Lithops map calls on Cloud Run fail with HTTP 500 after ~30 s although the service timeout is 300 s",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2024-07-09T16:00:00Z", "end": "2024-07-09T18:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/lithops-cloud/lithops/issues/1382",
                        "https://github.com/lithops-cloud/lithops/pull/1383"],
            "verbatim": [
                'File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/base.py", line 203, in handle_abort\n    sys.exit(1)\nSystemExit: 1',
                'File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/sync.py", line 135, in handle\n    self.handle_request(listener, req, client, addr)',
                'File "/usr/local/lib/python3.10/site-packages/gunicorn/workers/sync.py", line 178, in handle_request\n    respiter = self.wsgi(environ, resp.start_response)',
                'File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 1498, in __call__\n    return self.wsgi_app(environ, start_response)',
                'File "/usr/local/lib/python3.10/site-packages/flask/app.py", line 1473, in wsgi_app\n    response = self.full_dispatch_request()',
            ],
            "reconstructed": (
                "The issue shows only the gunicorn traceback ending in handle_abort / SystemExit: 1, the HTTP 500 "
                "seen by the invoker, the 30 s kill and the 300 s Lithops runtime_timeout; the PR shows the fix "
                "(runtime/gcp_cloudrun/Dockerfile CMD gained --workers $CONCURRENCY --timeout $TIMEOUT). "
                "Everything else is generated by evals/realgen/lithops-gunicorn-timeout.py with random.Random(1382): "
                "the invented project acme-lithops-318 in us-east1, the service and revision names (in the "
                "lithops-worker-<version>-<hash> form Lithops uses), instance ids, times on 2024-07-09, ten Lithops "
                "map jobs (one call per request, concurrency 1) of which the two with calls longer than 30 s fail, "
                "gunicorn 22.0.0 start-up / WORKER TIMEOUT / worker restart lines, Lithops stdout lines, the "
                "traceback frames below flask's wsgi_app (rebuilt from lithops 3.4.1 handler.py at the pinned "
                "commit, flask/stdlib line numbers approximate), startup-probe and autoscaling system lines, a few "
                "unauthenticated 403 scans, and the audit entries of the runtime deploy. Judgment calls: memory "
                "1024Mi and cpu 1 (the user's runtime settings are not shown); the label is request-timeout because "
                "the requests are cut by a request timeout (gunicorn's 30 s worker timeout, not the 300 s Cloud Run "
                "timeout the user configured) and the authors fixed the timeout value, not the code."
            ),
            "project": "lithops-cloud/lithops",
            "language": "python",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["request-timeout"],
            "not_above": ["container-crash", "memory-limit-exceeded"],
            "must_cite": [
                "runtime/gcp_cloudrun/Dockerfile:50",
                ["run.googleapis.com/stderr#" + timeouts[0]["insertId"], "run.googleapis.com/stderr#" + tracebacks[0]["insertId"]],
            ],
        },
    }
    with open(root / "case.yaml", "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, allow_unicode=True, width=120)
    repo = {
        "repository": "lithops-cloud/lithops",
        "commit": "41f24cfed6beb996547f1b1546913e7e6116dcde",
        "license": "Apache-2.0",
        "language": "python",
        "fix": "https://github.com/lithops-cloud/lithops/pull/1383",
    }
    with open(root / "repo.yaml", "w") as f:
        yaml.safe_dump(repo, f, sort_keys=False)
    return len(g.entries)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real"))
