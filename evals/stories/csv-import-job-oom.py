# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""catalog-import (Cloud Run job): the supplier feed grew to 390 MB and `io.ReadAll` + `ReadAll()` blow 512 MiB.

Story: the hourly import job downloads the supplier's CSV from GCS, reads it
fully into memory and parses all records at once before upserting. The
supplier added image URLs and per-region prices; the file went from 60 MB to
390 MB. The single task is OOM-killed on every attempt (maxRetries 3) and the
execution fails. The job-level failure is real, but the reason is memory.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"

	"cloud.google.com/go/storage"
)

func main() {
	ctx := context.Background()
	client, err := storage.NewClient(ctx)
	if err != nil {
		slog.Error("storage client", "err", err)
		os.Exit(1)
	}
	obj := client.Bucket(os.Getenv("FEED_BUCKET")).Object(os.Getenv("FEED_OBJECT"))
	r, err := obj.NewReader(ctx)
	if err != nil {
		slog.Error("open feed", "err", err)
		os.Exit(1)
	}
	defer r.Close()
	slog.Info("downloading feed", "object", obj.ObjectName(), "bytes", r.Attrs.Size)
	data, err := io.ReadAll(r)
	if err != nil {
		slog.Error("read feed", "err", err)
		os.Exit(1)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		slog.Error("parse feed", "err", err)
		os.Exit(1)
	}
	slog.Info("parsed feed", "records", len(records))
	if err := upsert(ctx, records[1:]); err != nil {
		slog.Error("upsert", "err", err)
		os.Exit(1)
	}
	slog.Info("import done", "records", len(records)-1)
}
'''

UPSERT_GO = '''\
package main

import (
	"context"
	"os"

	"cloud.google.com/go/spanner"
)

func upsert(ctx context.Context, records [][]string) error {
	client, err := spanner.NewClient(ctx, os.Getenv("SPANNER_DB"))
	if err != nil {
		return err
	}
	defer client.Close()
	batch := make([]*spanner.Mutation, 0, 500)
	for _, rec := range records {
		batch = append(batch, spanner.InsertOrUpdate("products", []string{"sku", "name", "price_jpy"}, []any{rec[0], rec[1], rec[2]}))
		if len(batch) == cap(batch) {
			if _, err := client.Apply(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	_, err = client.Apply(ctx, batch)
	return err
}
'''

WORKFLOW = '''\
name: deploy-catalog-import
on:
  push:
    branches: [main]
    paths: ["jobs/catalog-import/**"]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: {id-token: write, contents: read}
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.WIF_PROVIDER }}
          service_account: deployer@marketa-catalog.iam.gserviceaccount.com
      - uses: google-github-actions/setup-gcloud@v2
      - run: |
          gcloud run jobs deploy catalog-import \\
            --source jobs/catalog-import \\
            --region us-central1 \\
            --memory 512Mi --cpu 1 \\
            --tasks 1 --max-retries 3 --task-timeout 30m \\
            --service-account catalog-import@marketa-catalog.iam.gserviceaccount.com \\
            --set-env-vars FEED_BUCKET=marketa-supplier-feeds,FEED_OBJECT=acme/products.csv,SPANNER_DB=projects/marketa-catalog/instances/main/databases/catalog
'''


def build() -> g.Case:
    c = g.Case("csv-import-job-oom", "catalog-import job: every execution fails since this morning",
               project="marketa-catalog", region="us-central1", target_type="job", target_name="catalog-import",
               start="2026-08-11T09:00:00Z", end="2026-08-11T11:00:00Z", lang="en")
    c.add_files({"jobs/catalog-import/main.go": MAIN_GO, "jobs/catalog-import/upsert.go": UPSERT_GO,
                 ".github/workflows/catalog-import.yml": WORKFLOW,
                 "jobs/catalog-import/go.mod": "module example.com/catalog-import\n\ngo 1.23\n\nrequire (\n\tcloud.google.com/go/spanner v1.73.0\n\tcloud.google.com/go/storage v1.47.0\n)\n"})
    sa = "catalog-import@marketa-catalog.iam.gserviceaccount.com"
    env = {"FEED_BUCKET": "marketa-supplier-feeds", "FEED_OBJECT": "acme/products.csv",
           "SPANNER_DB": "projects/marketa-catalog/instances/main/databases/catalog"}
    ctr = g.container("catalog-import-1", "us-central1-docker.pkg.dev/marketa-catalog/cloud-run-source-deploy/catalog-import:latest",
                      memory="512Mi", env=env)
    for key in ("ports", "startupProbe"):
        ctr.pop(key)
    oom, failed, exits = [], [], []
    execs = ["catalog-import-9q4tw", "catalog-import-m2hkc"]
    last_start = last_end = None
    for n, ex in enumerate(execs):
        start = g.at(c.start, minutes=5 + 60 * n, seconds=2)
        t0 = start
        for attempt in range(4):
            res = c.job_res("catalog-import", ex, 0, attempt)
            inst = c.logs.instance_id()
            c.logs.app(g.at(t0, seconds=1.2), res, inst, json={"time": g.fmt(t0), "level": "INFO", "msg": "downloading feed",
                                                               "object": "acme/products.csv", "bytes": 409563211}, severity="INFO")
            die = g.at(t0, seconds=9.5 + c.rng.random() * 3)
            oom.append(c.logs.system(die, res, inst, g.oom_text(512, 517 + c.rng.randint(0, 40)), "ERROR"))
            exits.append(c.logs.system(g.at(die, seconds=0.1), res, inst, "Container terminated on signal 9.", "WARNING"))
            t0 = g.at(die, seconds=14 + c.rng.random() * 6)
        last_start, last_end = start, t0
        msg = f"Task {ex}-task0 failed with exit code: 137 and message: The container exited with an error."
        c.run[f"executions/{ex}"] = g.execution(c.project, c.region, "catalog-import", ex, task_count=1, parallelism=1,
                                                start=g.fmt_s(start), completion=g.fmt_s(t0), succeeded=0, failed=1, retried=3,
                                                failure_message=msg, create_time=g.fmt_s(start))
        failed.append(c.logs.audit(t0, c.job_res("catalog-import"), method="/Jobs.RunJob", kind="system_event",
                                   resource_name=f"namespaces/marketa-catalog/executions/{ex}", principal="", severity="ERROR",
                                   status={"code": 3, "message": f"Execution {ex} has failed to complete, 0/1 tasks were a success."},
                                   response={"@type": "type.googleapis.com/google.cloud.run.v1.Execution", "kind": "Execution",
                                             "metadata": {"name": ex}}))
    c.run["jobs/catalog-import"] = g.job(c.project, c.region, "catalog-import", [ctr], service_account=sa, task_count=1, parallelism=1,
                                         max_retries=3, timeout="1800s", create_time="2025-10-20T00:00:00Z",
                                         update_time="2026-07-30T04:40:00Z", creator="deployer@marketa-catalog.iam.gserviceaccount.com",
                                         latest_execution=execs[-1], latest_created=g.fmt_s(last_start),
                                         latest_completed=g.fmt_s(last_end), latest_status="EXECUTION_FAILED", execution_count=2311)
    # the product API that reads the imported catalogue keeps serving normally
    api = "catalog-read-00041-zum"
    r_api = c.res("catalog-read", api)
    c.logs.traffic(r_api, c.start, c.end, 420, [g.Route("GET", "/v1/products/{id}", 1, 18, {200: 0.99, 404: 0.01})],
                   [c.logs.instance_id(), c.logs.instance_id()], c.host("catalog-read"))
    c.expect = {
        "root_causes": ["memory-limit-exceeded"],
        "also": ["job-task-failure"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in oom],
            [c.cite("jobs/catalog-import/main.go", "data, err := io.ReadAll(r)"),
             c.cite("jobs/catalog-import/main.go", "records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()")],
            [f"{c.job_name('catalog-import')}#template.template.containers[0].resources.limits.memory",
             c.cite(".github/workflows/catalog-import.yml", "--memory 512Mi --cpu 1")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
