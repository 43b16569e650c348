# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""sitemap-builder (Cloud Run job): last night's run succeeded; one task retried once after a transient reset.

Story: SEO asked whether the nightly sitemap job "ran properly" because the
sitemap index changed size. The execution finished 10/10 tasks. Task 6's first
attempt exited 1 after a Firestore `UNAVAILABLE` connection reset and its
retry (attempt 1) succeeded, which is what maxRetries is for. The size change
is new products. A correct report calls the window healthy; a retried task
that then succeeded is not an incident.
"""

from __future__ import annotations

import casegen as g

BUILD_TS = '''\
import { Firestore } from "@google-cloud/firestore";
import { Storage } from "@google-cloud/storage";

const db = new Firestore();
const bucket = new Storage().bucket(process.env.SITEMAP_BUCKET ?? "lumo-sitemaps");
const TASK = Number(process.env.CLOUD_RUN_TASK_INDEX ?? 0);
const TASKS = Number(process.env.CLOUD_RUN_TASK_COUNT ?? 1);

async function main() {
  const snap = await db.collection("products").where("shard", "==", TASK % TASKS).where("published", "==", true).get();
  const urls = snap.docs.map((d) => `<url><loc>https://lumo.example/p/${d.id}</loc></url>`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join("")}</urlset>`;
  await bucket.file(`sitemap-${TASK}.xml`).save(xml, { contentType: "application/xml" });
  console.log(JSON.stringify({ severity: "INFO", message: `task ${TASK}: wrote ${urls.length} urls` }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
'''

TF = '''\
resource "google_cloud_run_v2_job" "sitemap_builder" {
  name     = "sitemap-builder"
  location = "us-central1"

  template {
    task_count  = 10
    parallelism = 5

    template {
      service_account = "sitemap-builder@lumo-web.iam.gserviceaccount.com"
      max_retries     = 3
      timeout         = "900s"
      containers {
        image = "us-central1-docker.pkg.dev/lumo-web/jobs/sitemap-builder:${var.tag}"
        env {
          name  = "SITEMAP_BUCKET"
          value = "lumo-sitemaps"
        }
      }
    }
  }
}
'''


def build() -> g.Case:
    c = g.Case("sitemap-job-healthy", "sitemap-builder: did last night's run complete?",
               project="lumo-web", region="us-central1", target_type="job", target_name="sitemap-builder",
               start="2027-04-02T03:00:00Z", end="2027-04-02T03:30:00Z", lang="en")
    c.add_files({"src/build.ts": BUILD_TS, "infra/job.tf": TF,
                 "Dockerfile": "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npx tsc -p .\nCMD [\"node\", \"dist/build.js\"]\n",
                 "package.json": '{\n  "name": "sitemap-builder",\n  "version": "1.1.0",\n  "dependencies": {"@google-cloud/firestore": "^7.10.0", "@google-cloud/storage": "^7.14.0"}\n}\n'})
    ex = "sitemap-builder-4xv8n"
    start = g.at(c.start, seconds=3)
    ctr = g.container("sitemap-builder-1", "us-central1-docker.pkg.dev/lumo-web/jobs/sitemap-builder:1.1.0", env={"SITEMAP_BUCKET": "lumo-sitemaps"})
    for key in ("ports", "startupProbe"):
        ctr.pop(key)
    end_t = g.at(start, seconds=212)
    c.run["jobs/sitemap-builder"] = g.job(c.project, c.region, "sitemap-builder", [ctr], service_account="sitemap-builder@lumo-web.iam.gserviceaccount.com",
                                          task_count=10, parallelism=5, max_retries=3, timeout="900s", create_time="2026-01-05T00:00:00Z",
                                          update_time="2027-03-01T00:00:00Z", creator="terraform@lumo-web.iam.gserviceaccount.com",
                                          latest_execution=ex, latest_created=g.fmt_s(start), latest_completed=g.fmt_s(end_t),
                                          latest_status="EXECUTION_SUCCEEDED", execution_count=452)
    c.run[f"executions/{ex}"] = g.execution(c.project, c.region, "sitemap-builder", ex, task_count=10, parallelism=5, start=g.fmt_s(start),
                                            completion=g.fmt_s(end_t), succeeded=10, failed=0, retried=1, create_time=g.fmt_s(start))
    for idx in range(10):
        t0 = g.at(start, seconds=2 + (idx // 5) * 95 + c.rng.random() * 3)
        attempts = 2 if idx == 6 else 1
        for attempt in range(attempts):
            res = c.job_res("sitemap-builder", ex, idx, attempt)
            inst = c.logs.instance_id()
            if idx == 6 and attempt == 0:
                t = g.at(t0, seconds=31.5)
                c.logs.app(t, res, inst, "Error: 14 UNAVAILABLE: read ECONNRESET\n    at callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js:32:19)\n    at Object.onReceiveStatus (/app/node_modules/@grpc/grpc-js/build/src/client.js:359:73)\n    at /app/node_modules/@grpc/grpc-js/build/src/call-interface.js:78:35 {\n  code: 14,\n  details: 'read ECONNRESET',\n  metadata: Metadata { internalRepr: Map(0) {}, options: {} }\n}",
                           stream="stderr")
                c.logs.system(g.at(t, seconds=0.2), res, inst, "Container called exit(1).", "WARNING")
                t0 = g.at(t, seconds=9)
                continue
            for k in range(40):
                c.logs.app(g.at(t0, seconds=1 + k * 1.6), res, inst, json={"message": f"task {idx}: shard page {k + 1}", "severity": "DEBUG"},
                           severity="DEBUG")
            done = g.at(t0, seconds=68 + c.rng.random() * 10)
            c.logs.app(done, res, inst, json={"message": f"task {idx}: wrote {4800 + c.rng.randint(0, 900)} urls"}, severity="INFO")
            c.logs.system(g.at(done, seconds=0.3), res, inst, "Container called exit(0).", "INFO")
    c.expect = {"root_causes": ["healthy"], "data_gaps": ["cloud_monitoring"]}
    return c
