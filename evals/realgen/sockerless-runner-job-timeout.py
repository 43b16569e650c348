#!/usr/bin/env python3
"""Real-incident case: e6qu/sockerless GitHub runner spawned as a Cloud Run job is
killed at the default 600s task timeout (BUG-911, PR #124 cell-5 run).

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "sockerless-runner-job-timeout"
SEED = 911
PROJECT = "sockerless-live-demo-7731"
PROJECT_NUMBER = "530118264907"
REGION = "us-central1"
JOB = "gh-3fa91c0e-761204"
EXEC = "gh-3fa91c0e-761204-v8n2c"
DISPATCHER = "github-runner-dispatcher-gcp"
DISPATCHER_REV = "github-runner-dispatcher-gcp-00004-hq7"
RUNNER_SA = f"sockerless-runner@{PROJECT}.iam.gserviceaccount.com"
BUCKET = f"{PROJECT}-runner-workspace"
TERMINATE = "Terminating task because it has reached the maximum timeout of 600 seconds"
WIN_START = datetime(2026, 5, 2, 21, 50, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 5, 2, 22, 20, 0, tzinfo=timezone.utc)
TASK_START = datetime(2026, 5, 2, 22, 2, 34, 180000, tzinfo=timezone.utc)
TASK_KILL = TASK_START + timedelta(seconds=600)


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def z(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.entries = []

    def hexs(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def _e(self, dt, log, severity, resource):
        e = {"insertId": self.hexs(16), "logName": f"projects/{PROJECT}/logs/{log}", "resource": resource,
             "timestamp": ts(dt), "receiveTimestamp": ts(dt + timedelta(milliseconds=self.rng.randint(30, 1200))),
             "severity": severity}
        self.entries.append(e)
        return e

    def job(self, dt, log, severity, instance, text=None, payload=None):
        e = self._e(dt, f"run.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": JOB}})
        e["labels"] = {"run.googleapis.com/execution_name": EXEC, "run.googleapis.com/task_index": "0",
                       "run.googleapis.com/task_attempt": "0", "instanceId": instance}
        if payload is not None:
            e["jsonPayload"] = payload
        else:
            e["textPayload"] = text
        return e

    def svc(self, dt, log, severity, instance, text):
        e = self._e(dt, f"run.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION,
                                                              "service_name": DISPATCHER, "revision_name": DISPATCHER_REV,
                                                              "configuration_name": DISPATCHER}})
        e["labels"] = {"instanceId": instance}
        e["textPayload"] = text
        return e

    def audit(self, dt, method, resource_name, severity="NOTICE"):
        e = self._e(dt, "cloudaudit.googleapis.com%2Factivity", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": JOB}})
        e["protoPayload"] = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog", "serviceName": "run.googleapis.com",
            "methodName": method, "resourceName": resource_name,
            "authenticationInfo": {"principalEmail": RUNNER_SA},
            "requestMetadata": {"callerIp": "34.96.45.210", "callerSuppliedUserAgent": "gl-go/1.25.0 gapic/1.21.0 gax/2.14.1 rest/UNKNOWN,gzip(gfe)"}}
        return e


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    g = Gen(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/jobs", "run/executions", "run/services"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    dinst = "0066d924" + g.hexs(56)

    # ---- dispatcher service: polls GitHub; a queued workflow_job at 22:02 triggers a spawn
    t = WIN_START
    k = 0
    while t < WIN_END:
        t += timedelta(seconds=15 + rng.uniform(-0.3, 0.3))
        k += 1
        if k % 2 == 0 and t < WIN_END:
            g.svc(t, "stderr", "DEFAULT", dinst, f"{t.strftime('%Y/%m/%d %H:%M:%S')} poll: 0 queued workflow_jobs for e6qu/sockerless")
    # a GitHub API hiccup, unrelated
    te = datetime(2026, 5, 2, 21, 57, 11, 402000, tzinfo=timezone.utc)
    g.svc(te, "stderr", "DEFAULT", dinst, f"{te.strftime('%Y/%m/%d %H:%M:%S')} poll error (continuing): GET https://api.github.com/repos/e6qu/sockerless/actions/runs?status=queued: 502 Bad Gateway")
    ts_spawn = TASK_START - timedelta(seconds=19.4)
    g.svc(ts_spawn - timedelta(seconds=1.2), "stderr", "DEFAULT", dinst,
          f"{(ts_spawn - timedelta(seconds=1.2)).strftime('%Y/%m/%d %H:%M:%S')} poll: 1 queued workflow_jobs for e6qu/sockerless")
    g.audit(ts_spawn, "google.cloud.run.v2.Jobs.CreateJob", f"projects/{PROJECT}/locations/{REGION}/jobs/{JOB}")
    g.audit(ts_spawn + timedelta(seconds=6.1), "google.cloud.run.v2.Jobs.RunJob", f"projects/{PROJECT}/locations/{REGION}/jobs/{JOB}")
    g.svc(ts_spawn + timedelta(seconds=6.9), "stderr", "DEFAULT", dinst,
          f"{(ts_spawn + timedelta(seconds=6.9)).strftime('%Y/%m/%d %H:%M:%S')} spawned Cloud Run Job for job 73612761204 (sockerless-cloudrun) at {PROJECT}/{REGION}: name=projects/{PROJECT}/locations/{REGION}/jobs/{JOB} url=https://github.com/e6qu/sockerless/actions/runs/25262761120/job/73612761204")

    # ---- the runner task
    ri = "0087c3a1" + g.hexs(56)
    t = TASK_START
    g.job(t + timedelta(seconds=0.9), "stdout", "DEFAULT", ri, f"bootstrap: auto-discovered project={PROJECT} region={REGION} use_service=1")
    g.job(t + timedelta(seconds=3.6), "stdout", "DEFAULT", ri, "bootstrap: sockerless-backend-cloudrun ready (pid=27)")
    g.job(t + timedelta(seconds=5.2), "stdout", "DEFAULT", ri, "\u221a Connected to GitHub")
    g.job(t + timedelta(seconds=5.9), "stdout", "DEFAULT", ri, "Current runner version: '2.334.0'")
    g.job(t + timedelta(seconds=6.3), "stdout", "DEFAULT", ri, (t + timedelta(seconds=6.3)).strftime("%Y-%m-%d %H:%M:%SZ") + ": Listening for Jobs")
    g.job(t + timedelta(seconds=9.8), "stdout", "DEFAULT", ri, (t + timedelta(seconds=9.8)).strftime("%Y-%m-%d %H:%M:%SZ") + ": Running job: cell-5-cloudrun")

    def zl(dt, level, msg, **kw):
        p = {"level": level, "time": dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "message": msg, "component": "backend-cloudrun"}
        p.update(kw)
        return g.job(dt, "stderr", "DEFAULT" if level != "warn" else "WARNING", ri, payload=p)

    # the CI job: container create / start / exec cycles for ~10 minutes, steady, no errors
    steps = ["Set up job", "Initialize containers", "Checkout", "Set up Go", "Build sockerless", "Run unit tests",
             "Run integration tests (cloudrun)"]
    c = t + timedelta(seconds=12)
    n = 0
    while c < TASK_KILL - timedelta(seconds=2):
        n += 1
        step = steps[min(len(steps) - 1, n // 9)]
        cid = g.hexs(12)
        zl(c, "info", "container create", image=rng.choice(["golang:1.25-bookworm", "alpine:3.21", "postgres:17-alpine"]), id=cid, step=step)
        zl(c + timedelta(seconds=rng.uniform(0.5, 2.5)), "info", "image resolved", id=cid, cache="hit" if rng.random() < 0.8 else "miss")
        zl(c + timedelta(seconds=rng.uniform(3, 9)), "info", "container start", id=cid, service="pod-" + cid[:8])
        zl(c + timedelta(seconds=rng.uniform(9, 11)), "info", "exec start", id=cid, argv=["sh", "-e", "/__w/_temp/" + g.hexs(8) + ".sh"])
        if rng.random() < 0.12:
            zl(c + timedelta(seconds=rng.uniform(9, 12)), "warn", "gcsfuse: slow metadata sync on /tmp/runner-work", elapsed_ms=rng.randint(1200, 4100))
        zl(c + timedelta(seconds=rng.uniform(12, 16)), "info", "exec finished", id=cid, exit_code=0)
        c += timedelta(seconds=rng.uniform(14, 24))
    kill = g.job(TASK_KILL, "varlog%2Fsystem", "ERROR", ri, TERMINATE)
    g.job(TASK_KILL + timedelta(seconds=0.4), "stdout", "DEFAULT", ri, "Received SIGTERM, shutting down runner listener.")

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- resources
    base = f"projects/{PROJECT}/locations/{REGION}"
    task_tmpl = {
        "containers": [{
            "image": f"us-central1-docker.pkg.dev/{PROJECT}/sockerless/runner:cloudrun-amd64",
            "env": [
                {"name": "RUNNER_REPO", "value": "e6qu/sockerless"},
                {"name": "RUNNER_NAME", "value": "sockerless-cloudrun-73612761204"},
                {"name": "RUNNER_LABELS", "value": "sockerless-cloudrun"},
                {"name": "RUNNER_IDLE_SECONDS", "value": "3600"},
                {"name": "SOCKERLESS_GCP_SHARED_VOLUMES", "value": f"runner-workspace=/tmp/runner-work={BUCKET},runner-externals=/opt/runner/externals={BUCKET}"},
                {"name": "RUNNER_REG_TOKEN", "value": "REDACTED"},
            ],
            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
            "volumeMounts": [{"name": "runner-workspace", "mountPath": "/tmp/runner-work"}],
        }],
        "volumes": [{"name": "runner-workspace", "gcs": {"bucket": BUCKET}}],
        "maxRetries": 0,
        "timeout": "600s",
        "serviceAccount": RUNNER_SA,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
    }
    labels = {"sockerless-dispatcher-managed-by": "github-runner-dispatcher-gcp",
              "sockerless-dispatcher-job-id": "73612761204",
              "sockerless-dispatcher-runner-name": "sockerless-cloudrun-73612761204"}
    job = {
        "name": f"{base}/jobs/{JOB}", "uid": "5e0b61d2-8c4f-4a17-b2d9-3f7e90c1a6b4", "generation": "1",
        "labels": labels, "createTime": z(ts_spawn), "updateTime": z(ts_spawn + timedelta(seconds=2.2)),
        "creator": RUNNER_SA, "lastModifier": RUNNER_SA, "launchStage": "GA",
        "template": {"taskCount": 1, "parallelism": 1, "template": task_tmpl},
        "observedGeneration": "1",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(ts_spawn + timedelta(seconds=2.2))},
        "executionCount": 1,
        "latestCreatedExecution": {"name": f"{base}/jobs/{JOB}/executions/{EXEC}", "createTime": z(ts_spawn + timedelta(seconds=6.1)),
                                   "completionTime": z(TASK_KILL + timedelta(seconds=1.3)), "completionStatus": "EXECUTION_FAILED"},
    }
    execution = {
        "name": f"{base}/jobs/{JOB}/executions/{EXEC}", "uid": "c7a2e914-0d3b-45f8-9e1c-6b2f8d0a4e73", "generation": "1",
        "labels": dict(labels, **{"run.googleapis.com/jobUid": job["uid"]}),
        "createTime": z(ts_spawn + timedelta(seconds=6.1)), "startTime": z(TASK_START - timedelta(seconds=1.1)),
        "completionTime": z(TASK_KILL + timedelta(seconds=1.3)), "updateTime": z(TASK_KILL + timedelta(seconds=1.3)),
        "launchStage": "GA", "job": JOB, "parallelism": 1, "taskCount": 1, "template": task_tmpl,
        "observedGeneration": "1",
        "conditions": [
            {"type": "Completed", "state": "CONDITION_FAILED", "lastTransitionTime": z(TASK_KILL + timedelta(seconds=1.3)),
             "message": f"Task {EXEC}-task0 failed with message: The configured timeout was reached.",
             "executionReason": "NON_ZERO_EXIT_CODE"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(TASK_START - timedelta(seconds=5.4))},
            {"type": "Started", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(TASK_START - timedelta(seconds=1.1))},
        ],
        "failedCount": 1, "succeededCount": 0, "cancelledCount": 0, "retriedCount": 0,
    }
    svc_name = f"{base}/services/{DISPATCHER}"
    service = {
        "name": svc_name, "uid": "0f3d8a61-7b2c-4e9a-a1d5-92c4e7b8f016", "generation": "4",
        "createTime": "2026-05-02T14:31:08.551209Z", "updateTime": "2026-05-02T21:41:52.107733Z",
        "creator": "operator@example.com", "lastModifier": "operator@example.com", "launchStage": "GA",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "template": {
            "revision": DISPATCHER_REV,
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": 1},
            "containers": [{"image": f"us-central1-docker.pkg.dev/{PROJECT}/sockerless/dispatcher:gcp-amd64",
                            "ports": [{"name": "http1", "containerPort": 8080}],
                            "env": [{"name": "GITHUB_TOKEN", "valueSource": {"secretKeyRef": {"secret": "github-pat", "version": "latest"}}}],
                            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": False}}],
            "timeout": "300s", "maxInstanceRequestConcurrency": 80, "serviceAccount": RUNNER_SA},
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "4",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-05-02T21:42:40.330171Z"},
        "latestReadyRevision": f"{svc_name}/revisions/{DISPATCHER_REV}",
        "latestCreatedRevision": f"{svc_name}/revisions/{DISPATCHER_REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": f"https://{DISPATCHER}-{PROJECT_NUMBER}.{REGION}.run.app",
    }
    (out / "run/jobs" / f"{JOB}.json").write_text(json.dumps(job, sort_keys=True, indent=2) + "\n")
    (out / "run/executions" / f"{EXEC}.json").write_text(json.dumps(execution, sort_keys=True, indent=2) + "\n")
    (out / "run/services" / f"{DISPATCHER}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "cell-5 CI job on the Cloud Run runner dies after about 10 minutes; runner job execution failed",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "job", "target_name": JOB},
        "window": {"start": "2026-05-02T21:50:00Z", "end": "2026-05-02T22:20:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/e6qu/sockerless/pull/124",
                        "https://github.com/e6qu/sockerless/blob/main/BUGS.md (BUG-911 row, Phase 122d)"],
            "verbatim": [TERMINATE, "RUNNER_IDLE_SECONDS", "3600", "github-runner-dispatcher-gcp",
                         "bootstrap: sockerless-backend-cloudrun ready (pid=27)"],
            "reconstructed": (
                "Generated by evals/realgen/sockerless-runner-job-timeout.py (random.Random(911)). From the BUG-911 row of "
                "BUGS.md and the Phase 122d notes (WHAT_WE_DID.md) that describe PR #124's cell-5 runs: after BUG-910 raised "
                "the in-image bash timeout to 3600s (RUNNER_IDLE_SECONDS=3600), the runner task ran 22:02:34 -> 22:12:33 "
                "and Cloud Run killed it with 'Terminating task because it has reached the maximum timeout of 600 seconds'; "
                "the dispatcher's spawner created the Cloud Run job without TaskTemplate.Timeout, so the 10-minute default "
                "applied (fixed by Timeout 3600s in github-runner-dispatcher-gcp/internal/spawner/spawner.go). The times "
                "are taken as UTC on 2026-05-02. Invented: the project id/number (the real live project is replaced), the "
                "job and execution names (built in the spawner's gh-<hash>-<id> shape), the GitHub job id, the runner's "
                "CI-step log lines and zerolog-style backend entries, the gcsfuse warnings and a GitHub 502 poll error as "
                "noise, dispatcher poll lines, the job's resources (platform defaults, since the 4Gi/2cpu limits may have "
                "come later) and the execution condition text, whose wording ('The configured timeout was reached.') is "
                "Cloud Run's as quoted in PrefectHQ/prefect#14497. repo.yaml is not written: spawner.go reached main "
                "already fixed in the squash merge of PR #123, so no stored commit holds the pre-fix line."
            ),
            "project": "e6qu/sockerless",
            "language": "go",
            "covers": ["job", "timeout-latency"],
        },
        "expect": {
            "root_causes": ["job-task-failure"],
            "not_above": ["container-crash", "request-timeout"],
            "must_cite": ["run.googleapis.com/varlog/system#" + kill["insertId"]],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
