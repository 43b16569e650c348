#!/usr/bin/env python3
"""Real-incident case: moonklabs/sprintable Support Gateway migrate job (Cloud Run job)
cannot reach the Cloud SQL private IP: no VPC egress on the job (PR #3645).

Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "sprintable-migrate-job-sql-timeout"
SEED = 3645
PROJECT = "sprintable-dev-demo-6021"
PROJECT_NUMBER = "418207735129"
REGION = "asia-northeast3"
JOB = "sprintable-support-gateway-migrate-dev"
EXEC = "sprintable-support-gateway-migrate-dev-8kq2d"
GOOD_JOB = "sprintable-migrate-dev"
GOOD_EXEC = "sprintable-migrate-dev-wz4rt"
BACKEND = "sprintable-backend-dev"
BACKEND_REV = "sprintable-backend-dev-00871-taj"
SQL = f"{PROJECT}:{REGION}:sprintable-dev"
DIAL_ERR = "ERROR: dial tcp 10.110.0.3:3307: i/o timeout"
WIN_START = datetime(2026, 8, 31, 6, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2026, 8, 31, 6, 30, 0, tzinfo=timezone.utc)


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
        e = {
            "insertId": self.hexs(16),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": resource,
            "timestamp": ts(dt),
            "receiveTimestamp": ts(dt + timedelta(milliseconds=self.rng.randint(30, 1500))),
            "severity": severity,
        }
        self.entries.append(e)
        return e

    def job(self, dt, log, severity, job, execution, attempt, text, instance):
        e = self._e(dt, f"run.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": job}})
        e["labels"] = {"run.googleapis.com/execution_name": execution, "run.googleapis.com/task_index": "0",
                       "run.googleapis.com/task_attempt": str(attempt), "instanceId": instance}
        e["textPayload"] = text
        return e

    def request(self, dt, instance, method, path, status, latency):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        e = self._e(dt, "run.googleapis.com%2Frequests", sev,
                    {"type": "cloud_run_revision", "labels": {"project_id": PROJECT, "location": REGION,
                                                              "service_name": BACKEND, "revision_name": BACKEND_REV,
                                                              "configuration_name": BACKEND}})
        e["labels"] = {"instanceId": instance}
        e["trace"] = f"projects/{PROJECT}/traces/{self.hexs(32)}"
        e["spanId"] = self.hexs(16)
        e["httpRequest"] = {
            "requestMethod": method, "requestUrl": f"https://{BACKEND}-{PROJECT_NUMBER}.{REGION}.run.app{path}",
            "requestSize": str(self.rng.randint(250, 900)), "status": status,
            "responseSize": str(self.rng.randint(200, 12000)),
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36",
            "remoteIp": f"211.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
            "serverIp": "34.22.101.17", "latency": f"{latency:.6f}s", "protocol": "HTTP/1.1"}
        return e

    def audit(self, dt, method, resource_name, principal, severity="NOTICE", status=None, log="activity"):
        e = self._e(dt, f"cloudaudit.googleapis.com%2F{log}", severity,
                    {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION,
                                                         "job_name": resource_name.rsplit("/", 1)[-1]}})
        p = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
             "serviceName": "run.googleapis.com", "methodName": method,
             "resourceName": resource_name,
             "authenticationInfo": {"principalEmail": principal},
             "requestMetadata": {"callerIp": "35.216.0.12", "callerSuppliedUserAgent": "google-cloud-sdk gcloud/534.0.0 command/gcloud.run.jobs.deploy"}}
        if status:
            p["status"] = status
        e["protoPayload"] = p
        return e


ALEMBIC_TB = """Traceback (most recent call last):
  File "/usr/local/bin/alembic", line 8, in <module>
    sys.exit(main())
             ^^^^^^
  File "/usr/local/lib/python3.12/site-packages/alembic/config.py", line 1022, in main
    CommandLine(prog=prog).main(argv=argv)
  File "/usr/local/lib/python3.12/site-packages/alembic/config.py", line 1012, in main
    self.run_cmd(cfg, options)
  File "/usr/local/lib/python3.12/site-packages/alembic/command.py", line 483, in upgrade
    script.run_env()
  File "/app/alembic/env.py", line 71, in <module>
    run_migrations_online()
  File "/app/alembic/env.py", line 65, in run_migrations_online
    asyncio.run(run_async_migrations())
  File "/app/alembic/env.py", line 57, in run_async_migrations
    async with connectable.connect() as connection:
  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/dialects/postgresql/asyncpg.py", line 958, in connect
    await_only(creator_fn(*arg, **kw)),
  File "/usr/local/lib/python3.12/site-packages/asyncpg/connection.py", line 2421, in connect
    return await connect_utils._connect(
  File "/usr/local/lib/python3.12/site-packages/asyncpg/connect_utils.py", line 1049, in _connect
    conn = await _connect_addr(
  File "/usr/local/lib/python3.12/site-packages/asyncpg/connect_utils.py", line 886, in __connect_addr
    await connected
asyncpg.exceptions.ConnectionDoesNotExistError: connection was closed in the middle of operation"""


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    g = Gen(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/jobs", "run/executions"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    deployer = f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com"

    # ---- background: the dev backend service keeps serving while Cloud Build runs
    binst = ["004c1b" + g.hexs(58) for _ in range(2)]
    paths = [("GET", "/api/v1/health", 0.003, 0.01), ("GET", "/api/v1/sprints/current", 0.03, 0.12),
             ("GET", "/api/v1/stories?status=in_progress", 0.04, 0.2), ("PATCH", "/api/v1/stories/b96151da", 0.05, 0.18),
             ("GET", "/api/v1/notifications/unread", 0.02, 0.08), ("POST", "/api/v1/comments", 0.06, 0.25)]
    t = WIN_START
    while True:
        t += timedelta(seconds=rng.expovariate(12.0 / 60.0))
        if t >= WIN_END:
            break
        m, p, lo, hi = rng.choice(paths)
        st = 200 if m != "POST" else 201
        if rng.random() < 0.02:
            st = 401
        g.request(t, rng.choice(binst), m, p, st, rng.uniform(lo, hi))
        if rng.random() < 0.015:
            g.request(t + timedelta(milliseconds=4), rng.choice(binst), "GET", "/favicon.ico", 404, rng.uniform(0.001, 0.003))

    # ---- step 10: backend migrate job (has VPC egress) succeeds
    t0 = datetime(2026, 8, 31, 6, 8, 41, 220000, tzinfo=timezone.utc)
    g.audit(t0 - timedelta(seconds=3), "google.cloud.run.v1.Jobs.RunJob", f"namespaces/{PROJECT}/jobs/{GOOD_JOB}", deployer)
    gi = "007a3e" + g.hexs(58)
    lines = ["Running precheck: alembic heads",
             "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
             "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
             "INFO  [alembic.runtime.migration] Running upgrade 0412_story_void_reason -> 0413_gateway_flip_flags, gateway flip flags",
             "Migration complete."]
    for k, ln in enumerate(lines):
        g.job(t0 + timedelta(seconds=2.1 + k * 0.7), "stderr" if ln.startswith("INFO") else "stdout", "DEFAULT",
              GOOD_JOB, GOOD_EXEC, 0, ln, gi)
    g.job(t0 + timedelta(seconds=6.2), "varlog%2Fsystem", "INFO", GOOD_JOB, GOOD_EXEC, 0, "Container called exit(0).", gi)

    # ---- step 11: provision + run the Support Gateway migrate job (no VPC egress)
    t1 = datetime(2026, 8, 31, 6, 10, 2, 500000, tzinfo=timezone.utc)
    g.audit(t1, "google.cloud.run.v1.Jobs.ReplaceJob", f"namespaces/{PROJECT}/jobs/{JOB}", deployer)
    g.audit(t1 + timedelta(seconds=9.3), "google.cloud.run.v1.Jobs.RunJob", f"namespaces/{PROJECT}/jobs/{JOB}", deployer)
    dial_ids = []
    attempt_start = [t1 + timedelta(seconds=21.8)]
    for attempt in (0, 1):
        a0 = attempt_start[-1]
        inst = "0087f2" + g.hexs(58)
        g.job(a0, "stdout", "DEFAULT", JOB, EXEC, attempt, "Running: alembic upgrade head", inst)
        # the built-in Cloud SQL connection keeps retrying the instance's private IP
        tt = a0 + timedelta(seconds=0.6)
        for k in range(2):
            tt += timedelta(seconds=30.0 + rng.uniform(0.0, 0.2))
            e = g.job(tt, "stderr", "ERROR", JOB, EXEC, attempt, DIAL_ERR, inst)
            dial_ids.append(e["insertId"])
        te = tt + timedelta(seconds=0.05)
        g.job(te, "stderr", "ERROR", JOB, EXEC, attempt, ALEMBIC_TB, inst)
        g.job(te + timedelta(seconds=0.4), "varlog%2Fsystem", "ERROR", JOB, EXEC, attempt, "Container called exit(1).", inst)
        attempt_start.append(te + timedelta(seconds=11.7))
    exec_end = attempt_start[-1] - timedelta(seconds=9.1)

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---- Cloud Run v2 Job / Execution resources
    base = f"projects/{PROJECT}/locations/{REGION}"

    def job_res(name, image, command, secret, vpc, sa, gen, create, update, last_exec, exec_ok, exec_time):
        tmpl = {
            "containers": [{
                "image": image,
                "command": [command],
                "env": [{"name": secret[0], "valueSource": {"secretKeyRef": {"secret": secret[1], "version": "latest"}}}],
                "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
                "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
            }],
            "volumes": [{"name": "cloudsql", "cloudSqlInstance": {"instances": [SQL]}}],
            "maxRetries": 1,
            "timeout": "300s",
            "serviceAccount": sa,
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
        }
        if vpc:
            tmpl["vpcAccess"] = {"egress": "PRIVATE_RANGES_ONLY", "networkInterfaces": [{"network": "default", "subnetwork": "default"}]}
        return {
            "name": f"{base}/jobs/{name}",
            "uid": "".join(random.Random(name).choice("0123456789abcdef") for _ in range(8)) + "-4c1e-4b7a-9f0d-" + "".join(random.Random(name + "x").choice("0123456789abcdef") for _ in range(12)),
            "generation": gen,
            "createTime": create,
            "updateTime": update,
            "creator": deployer,
            "lastModifier": deployer,
            "launchStage": "GA",
            "template": {"taskCount": 1, "parallelism": 1, "template": tmpl},
            "observedGeneration": gen,
            "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": update},
            "conditions": [],
            "executionCount": 1 if name == JOB else 143,
            "latestCreatedExecution": {"name": f"{base}/jobs/{name}/executions/{last_exec}", "createTime": exec_time,
                                       "completionStatus": "EXECUTION_SUCCEEDED" if exec_ok else "EXECUTION_FAILED"},
        }

    gw_sa = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
    job_bad = job_res(JOB, f"{REGION}-docker.pkg.dev/{PROJECT}/sprintable/support-gateway:3f9c2e1",
                      "/app/scripts/migrate.sh", ("SUPPORT_GATEWAY_DATABASE_URL", "SUPPORT_GATEWAY_DATABASE_URL_dev"),
                      False, gw_sa, "1", z(t1 - timedelta(seconds=0.4)), z(t1 + timedelta(seconds=4.1)), EXEC, False,
                      z(t1 + timedelta(seconds=9.3)))
    job_good = job_res(GOOD_JOB, f"{REGION}-docker.pkg.dev/{PROJECT}/sprintable/backend:3f9c2e1",
                       "/app/scripts/migrate.sh", ("ALEMBIC_DATABASE_URL", "ALEMBIC_DATABASE_URL_DEV"),
                       True, f"sprintable-runtime-dev@{PROJECT}.iam.gserviceaccount.com", "57",
                       "2026-05-02T03:11:49.302Z", "2026-08-31T06:08:31.774Z", GOOD_EXEC, True, z(t0 - timedelta(seconds=3)))
    (out / "run/jobs" / f"{JOB}.json").write_text(json.dumps(job_bad, sort_keys=True, indent=2) + "\n")
    (out / "run/jobs" / f"{GOOD_JOB}.json").write_text(json.dumps(job_good, sort_keys=True, indent=2) + "\n")

    task_msg = f"Task {EXEC}-task0 failed with message: The container exited with an error."
    exec_bad = {
        "name": f"{base}/jobs/{JOB}/executions/{EXEC}",
        "uid": "9b2f7c1e-55a0-4d3b-8e61-2f4a0c9d7e18",
        "generation": "1",
        "labels": {"run.googleapis.com/jobUid": job_bad["uid"]},
        "createTime": z(t1 + timedelta(seconds=9.3)),
        "startTime": z(attempt_start[0] - timedelta(seconds=1.2)),
        "completionTime": z(exec_end),
        "updateTime": z(exec_end),
        "launchStage": "GA",
        "job": JOB,
        "parallelism": 1,
        "taskCount": 1,
        "template": job_bad["template"]["template"],
        "observedGeneration": "1",
        "conditions": [
            {"type": "Completed", "state": "CONDITION_FAILED", "lastTransitionTime": z(exec_end),
             "message": task_msg, "executionReason": "NON_ZERO_EXIT_CODE"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(attempt_start[0] - timedelta(seconds=6))},
            {"type": "Started", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(attempt_start[0] - timedelta(seconds=1.2))},
        ],
        "failedCount": 1,
        "succeededCount": 0,
        "cancelledCount": 0,
        "retriedCount": 1,
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&advancedFilter=resource.type%3D%22cloud_run_job%22%0Aresource.labels.job_name%3D%22{JOB}%22%0Alabels.%22run.googleapis.com/execution_name%22%3D%22{EXEC}%22",
    }
    exec_good = {
        "name": f"{base}/jobs/{GOOD_JOB}/executions/{GOOD_EXEC}",
        "uid": "1c8e0d4a-2b7f-4e95-a3c6-7d1f9e2b5a40",
        "generation": "1",
        "createTime": z(t0 - timedelta(seconds=3)),
        "startTime": z(t0 - timedelta(seconds=0.8)),
        "completionTime": z(t0 + timedelta(seconds=7.9)),
        "updateTime": z(t0 + timedelta(seconds=7.9)),
        "launchStage": "GA",
        "job": GOOD_JOB,
        "parallelism": 1,
        "taskCount": 1,
        "template": job_good["template"]["template"],
        "observedGeneration": "1",
        "conditions": [
            {"type": "Completed", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(t0 + timedelta(seconds=7.9))},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(t0 - timedelta(seconds=2))},
            {"type": "Started", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": z(t0 - timedelta(seconds=0.8))},
        ],
        "failedCount": 0,
        "succeededCount": 1,
        "cancelledCount": 0,
        "retriedCount": 0,
    }
    (out / "run/executions" / f"{EXEC}.json").write_text(json.dumps(exec_bad, sort_keys=True, indent=2) + "\n")
    (out / "run/executions" / f"{GOOD_EXEC}.json").write_text(json.dumps(exec_good, sort_keys=True, indent=2) + "\n")

    case = {
        "id": CASE_ID,
        "title": "Deploy step run-support-gateway-migrate-job fails: the migrate job execution fails twice",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "job", "target_name": JOB},
        "window": {"start": "2026-08-31T06:00:00Z", "end": "2026-08-31T06:30:00Z"},
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/moonklabs/sprintable/pull/3645"],
            "verbatim": [DIAL_ERR, "Running: alembic upgrade head", "/app/scripts/migrate.sh", "SUPPORT_GATEWAY_DATABASE_URL_dev",
                         "PRIVATE_RANGES_ONLY", "sprintable-migrate-dev", "sprintable-support-gateway-migrate-dev"],
            "reconstructed": (
                "Generated by evals/realgen/sprintable-migrate-job-sql-timeout.py (random.Random(3645)). From PR #3645: "
                "Cloud Build step 11 (run-support-gateway-migrate-job) died with 'ERROR: dial tcp 10.110.0.3:3307: i/o "
                "timeout'; the job had only the Cloud SQL instance attached, no network interface / VPC egress and the "
                "default compute service account, while the working backend job sprintable-migrate-dev has "
                "network-interfaces default/default, vpc-access-egress private-ranges-only and a dedicated runtime SA. "
                "The job's command, secret name, max-retries=1, task-timeout=300 and gen2 come from the pre-fix "
                "support-gateway/scripts/provision_migrate_job.sh; 'Running: alembic upgrade head' from scripts/migrate.sh. "
                "Invented: project id/number (the real one is replaced), image tags, execution names and times, the "
                "backend migrate job's log lines and migration ids, the background requests of the dev backend service, "
                "the two dial errors per attempt at 30s spacing, and the alembic/asyncpg traceback (how the closed proxy "
                "connection surfaces in the app is a judgment call; env.py line numbers are not the app's). The dial error "
                "is written to the job's stderr as the source quotes it. The execution condition text follows gcloud's "
                "'Task ... failed with message: The container exited with an error.' wording. repo.yaml is not written: "
                "the stored snapshot of moonklabs/sprintable ends 2026-08-21, before provision_migrate_job.sh existed, so "
                "the pre-fix commit is not available to pin."
            ),
            "project": "moonklabs/sprintable",
            "language": "python",
            "covers": ["job", "dependency-limit", "environment"],
        },
        "expect": {
            "root_causes": ["execution-environment-mismatch"],
            "not_above": ["job-task-failure", "downstream-dependency"],
            "must_cite": [
                ["run.googleapis.com/stderr#" + x for x in dial_ids],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)
