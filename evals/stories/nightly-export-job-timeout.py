# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""nightly-export (Cloud Run job): one shard always holds the largest tenant and hits the 600 s task timeout.

Story: the nightly export job splits tenants over 8 tasks by `tenant_id %
CLOUD_RUN_TASK_COUNT`. Tenants 45 (the biggest customer, onboarded last month) and 301 both land on
task 5 (45 % 8 == 301 % 8 == 5). Task 5 runs
past the default 600 s task timeout on both attempts (maxRetries 1), so the
execution fails with 7/8 tasks succeeded every night since the onboarding.
"""

from __future__ import annotations

import casegen as g

EXPORT_PY = '''\
"""Nightly tenant export: one Cloud Run job task per shard of tenants."""

import logging
import os
import time

from exporter import bq, gcs

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("nightly-export")

TASK_INDEX = int(os.environ.get("CLOUD_RUN_TASK_INDEX", "0"))
TASK_COUNT = int(os.environ.get("CLOUD_RUN_TASK_COUNT", "1"))


def my_tenants(all_tenants: list[dict]) -> list[dict]:
    return [t for t in all_tenants if t["id"] % TASK_COUNT == TASK_INDEX]


def main() -> None:
    tenants = my_tenants(bq.tenants())
    log.info("task %d/%d: %d tenants", TASK_INDEX, TASK_COUNT, len(tenants))
    for tenant in tenants:
        started = time.monotonic()
        rows = bq.export_rows(tenant["id"])
        gcs.write_parquet(f"exports/{tenant['id']}/dt={bq.yesterday()}/part-0.parquet", rows)
        log.info("tenant %s exported %d rows in %.1fs", tenant["id"], len(rows), time.monotonic() - started)


if __name__ == "__main__":
    main()
'''

BQ_PY = '''\
import datetime

from google.cloud import bigquery

_client = bigquery.Client()


def yesterday() -> str:
    return (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


def tenants() -> list[dict]:
    return [dict(r) for r in _client.query("SELECT id, name FROM ops.tenants WHERE active").result()]


def export_rows(tenant_id: int) -> list[dict]:
    sql = "SELECT * FROM events.daily WHERE tenant_id = @t AND dt = @d"
    job = _client.query(sql, job_config=bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("t", "INT64", tenant_id),
        bigquery.ScalarQueryParameter("d", "DATE", yesterday()),
    ]))
    return [dict(r) for r in job.result(page_size=50_000)]
'''

GCS_PY = '''\
import io

import pyarrow as pa
import pyarrow.parquet as pq
from google.cloud import storage

_bucket = storage.Client().bucket("hoshi-exports")


def write_parquet(path: str, rows: list[dict]) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    _bucket.blob(path).upload_from_string(buffer.getvalue(), content_type="application/octet-stream")
'''

TF = '''\
resource "google_cloud_run_v2_job" "nightly_export" {
  name     = "nightly-export"
  location = "asia-northeast1"

  template {
    task_count  = 8
    parallelism = 4

    template {
      service_account = "nightly-export@hoshi-data.iam.gserviceaccount.com"
      max_retries     = 1
      timeout         = "600s"

      containers {
        image = "asia-northeast1-docker.pkg.dev/hoshi-data/jobs/nightly-export:${var.tag}"
        resources {
          limits = {
            cpu    = "2"
            memory = "4Gi"
          }
        }
      }
    }
  }
}

resource "google_cloud_scheduler_job" "nightly_export" {
  name     = "nightly-export"
  schedule = "0 3 * * *"
  time_zone = "Asia/Tokyo"
  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/hoshi-data/locations/asia-northeast1/jobs/nightly-export:run"
    oauth_token {
      service_account_email = "scheduler@hoshi-data.iam.gserviceaccount.com"
    }
  }
}
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /job
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY exporter ./exporter
CMD ["python", "-m", "exporter.main"]
'''


def build() -> g.Case:
    c = g.Case("nightly-export-job-timeout", "nightly-export ジョブが毎晩失敗する",
               project="hoshi-data", region="asia-northeast1", target_type="job", target_name="nightly-export",
               start="2026-05-27T18:00:00Z", end="2026-05-27T18:45:00Z", lang="ja")
    c.add_files({"exporter/__init__.py": "", "exporter/main.py": EXPORT_PY, "exporter/bq.py": BQ_PY, "exporter/gcs.py": GCS_PY,
                 "infra/job.tf": TF, "Dockerfile": DOCKERFILE,
                 "requirements.txt": "google-cloud-bigquery==3.27.0\ngoogle-cloud-storage==2.19.0\npyarrow==18.1.0\n"})
    ex = "nightly-export-x7k2p"
    start = g.at(c.start, seconds=4)
    sa = "nightly-export@hoshi-data.iam.gserviceaccount.com"
    ctr = g.container("nightly-export-1", "asia-northeast1-docker.pkg.dev/hoshi-data/jobs/nightly-export:2.1.0", cpu="2", memory="4Gi")
    for key in ("ports", "startupProbe"):
        ctr.pop(key)
    failed_msg = f"Task {ex}-task5 failed with message: The configured timeout was reached."
    end_t = g.at(start, seconds=1270)
    c.run["jobs/nightly-export"] = g.job(c.project, c.region, "nightly-export", [ctr], service_account=sa, task_count=8, parallelism=4,
                                         max_retries=1, timeout="600s", create_time="2025-12-01T00:00:00Z",
                                         update_time="2026-04-30T02:11:00Z", creator="terraform@hoshi-data.iam.gserviceaccount.com",
                                         latest_execution=ex, latest_created=g.fmt_s(start), latest_completed=g.fmt_s(end_t),
                                         latest_status="EXECUTION_FAILED", execution_count=58)
    c.run[f"executions/{ex}"] = g.execution(c.project, c.region, "nightly-export", ex, task_count=8, parallelism=4,
                                            start=g.fmt_s(start), completion=g.fmt_s(end_t), succeeded=7, failed=1, retried=1,
                                            failure_message=failed_msg, create_time=g.fmt_s(start), reason="")
    timeouts, logs = [], []
    wave_end: dict[int, object] = {}
    for idx in range(8):
        attempts = 2 if idx == 5 else 1
        t0 = start if idx < 4 else g.at(start, seconds=150 + idx * 3)
        for attempt in range(attempts):
            res = c.job_res("nightly-export", ex, idx, attempt)
            inst = c.logs.instance_id()
            ts = g.at(t0, seconds=2.5)
            tenants = [i for i in range(1, 400) if i % 8 == idx]
            c.logs.app(ts, res, inst, f"{ts.strftime('%Y-%m-%d %H:%M:%S')},{ts.microsecond // 1000:03d} INFO task {idx}/8: {len(tenants)} tenants", stream="stderr")
            for tenant in tenants:
                dur = {45: 410.0, 301: 352.0}.get(tenant, 1.5 + c.rng.random() * 4)
                ts = g.at(ts, seconds=dur)
                if idx == 5 and (ts - t0).total_seconds() > 600:
                    break
                logs.append(c.logs.app(ts, res, inst, f"{ts.strftime('%Y-%m-%d %H:%M:%S')},{ts.microsecond // 1000:03d} INFO tenant {tenant} exported {int(dur * 41000)} rows in {dur:.1f}s",
                                       stream="stderr"))
            if idx == 5:
                stop = g.at(t0, seconds=600)
                timeouts.append(c.logs.system(stop, res, inst, "Terminating task because it has reached the maximum timeout of 600 seconds.", "ERROR"))
                c.logs.system(g.at(stop, seconds=10.2), res, inst, "Container terminated on signal 9.", "WARNING")
                t0 = g.at(stop, seconds=12)
            else:
                c.logs.system(g.at(ts, seconds=0.4), res, inst, "Container called exit(0).", "INFO")
                wave_end[idx] = ts
    failed = c.logs.audit(end_t, c.job_res("nightly-export"), method="/Jobs.RunJob", kind="system_event",
                          resource_name=f"namespaces/hoshi-data/executions/{ex}", principal="", severity="ERROR",
                          status={"code": 3, "message": f"Execution {ex} has failed to complete, 7/8 tasks were a success."},
                          response={"@type": "type.googleapis.com/google.cloud.run.v1.Execution", "kind": "Execution",
                                    "metadata": {"name": ex}})
    c.expect = {
        "root_causes": ["job-task-failure"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in timeouts] + [f"cloudaudit.googleapis.com/system_event#{failed}",
                                                                             f"{c.job_name('nightly-export')}/executions/{ex}#conditions[0].message"],
            [c.cite("exporter/main.py", 'return [t for t in all_tenants if t["id"] % TASK_COUNT == TASK_INDEX]'),
             f"{c.job_name('nightly-export')}#template.template.timeout", c.cite("infra/job.tf", 'timeout         = "600s"')],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
