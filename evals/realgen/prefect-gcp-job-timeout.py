#!/usr/bin/env python3
"""Real-incident case: PrefectHQ/prefect-gcp CloudRunJob never sent timeoutSeconds,
so a flow run longer than 10 minutes is killed at Cloud Run's default task timeout
(issue #97, fixed by PR #99).

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "prefect-gcp-job-timeout"
SEED = 97
PROJECT = "acme-data-demo-2212"
PROJECT_NUMBER = "771903264518"
REGION = "us-central1"
JOB = "nightly-etl-lates-9f1c04e27ab34d6c8e5b21d07f4a9c63"
EXEC = JOB + "-x7q2m"
IMAGE = f"gcr.io/{PROJECT}/nightly-etl:latest"
FLOW_RUN_ID = "5c0e7d21-93ab-4f6e-b1d8-0a4c92e7f315"
FLOW_RUN_NAME = "crimson-otter"
TERMINATE = "Terminating task because it has reached the maximum timeout of 600 seconds"
COND = "failed with message: The configured timeout was reached."
WIN_START = datetime(2022, 12, 22, 13, 55, 0, tzinfo=timezone.utc)
WIN_END = datetime(2022, 12, 22, 15, 0, 0, tzinfo=timezone.utc)
RUN_AT = datetime(2022, 12, 22, 14, 0, 3, 410000, tzinfo=timezone.utc)
AGENT_SA = f"prefect-agent@{PROJECT}.iam.gserviceaccount.com"


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
             "timestamp": ts(dt), "receiveTimestamp": ts(dt + timedelta(milliseconds=self.rng.randint(30, 1400))),
             "severity": severity}
        self.entries.append(e)
        return e

    def job(self, dt, log, severity, attempt, instance, text):
        e = self._e(dt, f"run.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": JOB}})
        e["labels"] = {"run.googleapis.com/execution_name": EXEC, "run.googleapis.com/task_index": "0",
                       "run.googleapis.com/task_attempt": str(attempt), "instanceId": instance}
        e["textPayload"] = text
        return e

    def audit(self, dt, method, log="activity", severity="NOTICE"):
        e = self._e(dt, f"cloudaudit.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": JOB}})
        e["protoPayload"] = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog", "serviceName": "run.googleapis.com",
            "methodName": method, "resourceName": f"namespaces/{PROJECT}/jobs/{JOB}",
            "authenticationInfo": {"principalEmail": AGENT_SA},
            "requestMetadata": {"callerIp": "35.202.18.77",
                                "callerSuppliedUserAgent": "google-api-python-client/2.70.0 (gzip),gzip(gfe)"}}
        return e


def pf(dt, level, who, msg):
    return f"{dt.strftime('%H:%M:%S')}.{dt.microsecond // 1000:03d} | {level:<7} | {who} - {msg}"


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    g = Gen(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/jobs", "run/executions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    created = RUN_AT - timedelta(seconds=7.9)
    g.audit(created, "google.cloud.run.v1.Jobs.CreateJob")
    g.audit(RUN_AT, "google.cloud.run.v1.Jobs.RunJob")

    kills = []
    attempt_start = RUN_AT + timedelta(seconds=14.2)
    partitions = 96
    fr = f"Flow run {FLOW_RUN_NAME!r}"
    last_end = None
    for attempt in range(4):       # maxRetries defaults to 3: four attempts, each cut at 600s
        inst = "00f8" + g.hexs(60)
        t = attempt_start
        g.job(t + timedelta(seconds=2.4), "stderr", "DEFAULT", attempt, inst, pf(t + timedelta(seconds=2.4), "INFO", "prefect.engine", "Downloading flow code from storage at '/opt/prefect/flows'"))
        t += timedelta(seconds=3.1)
        # an import-time warning from a dependency, loud but irrelevant
        g.job(t, "stderr", "DEFAULT", attempt, inst,
              "/usr/local/lib/python3.10/site-packages/google/cloud/bigquery/_pandas_helpers.py:275: FutureWarning: pandas.Int64Index is deprecated and will be removed from pandas in a future version. Use pandas.Index with the appropriate dtype instead.\n  pandas.Int64Index,")
        t += timedelta(seconds=1.2)
        g.job(t, "stderr", "DEFAULT", attempt, inst, pf(t, "INFO", fr, "Created task run 'extract_manifest-0' for task 'extract_manifest'"))
        t += timedelta(seconds=rng.uniform(8, 14))
        g.job(t, "stderr", "DEFAULT", attempt, inst, pf(t, "INFO", "Task run 'extract_manifest-0'", "Finished in state Completed()"))
        deadline = attempt_start + timedelta(seconds=600)
        p = 0
        while True:
            step = rng.uniform(7.5, 12.5)
            if t + timedelta(seconds=step) >= deadline or p >= partitions:
                break
            t += timedelta(seconds=0.05)
            g.job(t, "stderr", "DEFAULT", attempt, inst, pf(t, "INFO", fr, f"Created task run 'load_partition-{p}' for task 'load_partition'"))
            t += timedelta(seconds=step)
            rows = rng.randint(180_000, 420_000)
            g.job(t - timedelta(seconds=0.2), "stdout", "DEFAULT", attempt, inst, f"partition {p:03d}: loaded {rows} rows into staging.events_2022_12")
            g.job(t, "stderr", "DEFAULT", attempt, inst, pf(t, "INFO", f"Task run 'load_partition-{p}'", "Finished in state Completed()"))
            if rng.random() < 0.05:
                g.job(t + timedelta(seconds=0.3), "stderr", "DEFAULT", attempt, inst,
                      pf(t + timedelta(seconds=0.3), "WARNING", f"Task run 'load_partition-{p}'", "BigQuery job rateLimitExceeded; retrying in 2s"))
            p += 1
        e = g.job(deadline, "varlog%2Fsystem", "ERROR", attempt, inst, TERMINATE)
        kills.append(e["insertId"])
        last_end = deadline
        attempt_start = deadline + timedelta(seconds=rng.uniform(9, 16))

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- resources (as the v2 Admin API returns a job created through the v1 API)
    base = f"projects/{PROJECT}/locations/{REGION}"
    task_tmpl = {
        "containers": [{
            "image": IMAGE,
            "command": ["python", "-m", "prefect.engine"],
            "env": [
                {"name": "PREFECT__FLOW_RUN_ID", "value": FLOW_RUN_ID},
                {"name": "PREFECT_API_URL", "value": "https://api.prefect.cloud/api/accounts/0d7c1e52-0000-4000-8000-000000000000/workspaces/4a1b9f33-0000-4000-8000-000000000000"},
                {"name": "PREFECT_API_KEY", "value": "REDACTED"},
            ],
            "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
        }],
        "maxRetries": 3,
        "timeout": "600s",
        "serviceAccount": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
    }
    job = {
        "name": f"{base}/jobs/{JOB}", "uid": "e41f7a09-6c3d-4b28-a95e-1d7c08b3f264", "generation": "1",
        "annotations": {"run.googleapis.com/launch-stage": "BETA"},
        "createTime": z(created), "updateTime": z(created + timedelta(seconds=1.6)),
        "creator": AGENT_SA, "lastModifier": AGENT_SA, "launchStage": "BETA",
        "template": {"taskCount": 1, "parallelism": 1, "template": task_tmpl},
        "observedGeneration": "1",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(created + timedelta(seconds=1.6))},
        "executionCount": 1,
        "latestCreatedExecution": {"name": f"{base}/jobs/{JOB}/executions/{EXEC}", "createTime": z(RUN_AT),
                                   "completionTime": z(last_end + timedelta(seconds=1.9)), "completionStatus": "EXECUTION_FAILED"},
    }
    execution = {
        "name": f"{base}/jobs/{JOB}/executions/{EXEC}", "uid": "0b93c6e8-1f2a-47d5-8c4e-6a7d2e9f1b05", "generation": "1",
        "labels": {"run.googleapis.com/jobUid": job["uid"]},
        "createTime": z(RUN_AT), "startTime": z(RUN_AT + timedelta(seconds=12.9)),
        "completionTime": z(last_end + timedelta(seconds=1.9)), "updateTime": z(last_end + timedelta(seconds=1.9)),
        "launchStage": "BETA", "job": JOB, "parallelism": 1, "taskCount": 1, "template": task_tmpl,
        "observedGeneration": "1",
        "conditions": [
            {"type": "Completed", "state": "CONDITION_FAILED", "lastTransitionTime": z(last_end + timedelta(seconds=1.9)),
             "message": f"Task {EXEC}-task0 {COND}"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(RUN_AT + timedelta(seconds=8.2))},
            {"type": "Started", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(RUN_AT + timedelta(seconds=12.9))},
        ],
        "failedCount": 1, "succeededCount": 0, "cancelledCount": 0, "retriedCount": 3,
    }
    (out / "run/jobs" / f"{JOB}.json").write_text(json.dumps(job, sort_keys=True, indent=2) + "\n")
    (out / "run/executions" / f"{EXEC}.json").write_text(json.dumps(execution, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Prefect flow run on Cloud Run never finishes; the job execution fails after about 40 minutes",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "job", "target_name": JOB},
        "window": {"start": "2022-12-22T13:55:00Z", "end": "2022-12-22T15:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/PrefectHQ/prefect-gcp/issues/97",
                        "https://github.com/PrefectHQ/prefect-gcp/pull/99",
                        "https://github.com/PrefectHQ/prefect/pull/14497"],
            "verbatim": [COND, "-task0 failed with message: The configured timeout was reached.", "600s"],
            "reconstructed": (
                "Generated by evals/realgen/prefect-gcp-job-timeout.py (random.Random(97)). Issue #97: CloudRunJob's "
                "timeout never reached the TaskSpec (prefect_gcp/cloud_run.py line 581 passes only containers), so Cloud "
                "Run's default 10-minute task timeout shuts down any flow run longer than 10 minutes; PR #99 adds "
                "timeoutSeconds from CloudRunJob.timeout. The execution's failure text follows the example in "
                "PrefectHQ/prefect#14497 ('Task <execution>-task0 failed with message: The configured timeout was "
                "reached.'); the per-attempt platform line 'Terminating task because it has reached the maximum timeout "
                "of 600 seconds' is Cloud Run's wording as quoted in e6qu/sockerless BUGS.md (BUG-911), not a quote from "
                "these sources. The job name follows cloud_run.py's '<image name, 17 chars>-<uuid4 hex>' rule. Invented: "
                "the project, image, date (a few days before the issue), flow and task names, partition counts and "
                "timings, the BigQuery FutureWarning and rateLimitExceeded retries as noise, and the retry behaviour: the "
                "v1 job body sets no maxRetries, so the default of 3 is assumed and each of the four attempts re-runs the "
                "flow and is cut at 600s (how Prefect's orchestration treats a re-entered flow run is not modelled). "
                "repo.yaml pins bbe9d3c1, the parent of the fix commit 44e5a716 (#99)."
            ),
            "project": "PrefectHQ/prefect-gcp",
            "language": "python",
            "covers": ["job", "timeout-latency"],
        },
        "expect": {
            "root_causes": ["job-task-failure"],
            "not_above": ["container-crash", "request-timeout"],
            "must_cite": [
                "prefect_gcp/cloud_run.py:581",
                ["run.googleapis.com/varlog/system#" + k for k in kills],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "PrefectHQ/prefect-gcp",
        "commit": "bbe9d3c1ef6bd82adbbe7af1efc310cfbdd6b42d",
        "license": "Apache-2.0",
        "language": "python",
        "fix": "https://github.com/PrefectHQ/prefect-gcp/pull/99",
    }, sort_keys=False))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
