# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""analytics-api: the month-start report endpoint runs past the 300 s request timeout (504).

Story: on the 1st of the month every tenant's dashboard asks for last month's
report. The handler queries the events table one day at a time, awaiting each
query in turn; for the biggest tenants that is 31 x ~11 s, so the requests are
cut at 300 s with the platform's timeout message. Red herring: four hours
before the window an old revision was OOM-killed once (fixed since), which is
outside the window and on a revision that no longer serves.
"""

from __future__ import annotations

import casegen as g

ROUTES_TS = '''\
import { Router } from "express";
import { pool } from "./db";
import { buildMonthlyReport } from "./report";

export const routes = Router();

routes.get("/api/tenants/:tenant/summary", async (req, res, next) => {
  try {
    const { rows } = await pool.query("SELECT * FROM tenant_summary WHERE tenant_id = $1", [req.params.tenant]);
    res.json(rows[0] ?? {});
  } catch (err) {
    next(err);
  }
});

routes.get("/api/reports/monthly", async (req, res, next) => {
  try {
    const report = await buildMonthlyReport(String(req.query.tenant), String(req.query.month));
    res.json(report);
  } catch (err) {
    next(err);
  }
});
'''

REPORT_TS = '''\
import { pool } from "./db";

export interface DayTotals {
  day: string;
  sessions: number;
  conversions: number;
}

function daysOf(month: string): string[] {
  const [year, mon] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return Array.from({ length: last }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

export async function buildMonthlyReport(tenant: string, month: string) {
  const totals: DayTotals[] = [];
  const days = daysOf(month);
  for (const [i, day] of days.entries()) {
    // raw events, aggregated per day; the rollup table only covers the last 7 days
    const { rows } = await pool.query(
      "SELECT count(DISTINCT session_id) AS sessions, count(*) FILTER (WHERE kind = 'conversion') AS conversions " +
        "FROM events WHERE tenant_id = $1 AND created_at::date = $2",
      [tenant, day],
    );
    totals.push({ day, sessions: Number(rows[0].sessions), conversions: Number(rows[0].conversions) });
    console.log(JSON.stringify({ severity: "INFO", message: `report ${tenant} ${month}: day ${i + 1}/${days.length}` }));
  }
  return { tenant, month, totals };
}
'''

DB_TS = '''\
import { Pool } from "pg";

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  idleTimeoutMillis: 30_000,
});
'''

SERVER_TS = '''\
import express from "express";
import { routes } from "./routes";

const app = express();
app.use(express.json());
app.use(routes);

const port = Number(process.env.PORT ?? 8080);
app.listen(port, "0.0.0.0", () => console.log(`analytics-api listening on ${port}`));
'''

WORKFLOW = '''\
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/481516234/locations/global/workloadIdentityPools/github/providers/github
          service_account: deployer@acme-analytics.iam.gserviceaccount.com
      - uses: google-github-actions/setup-gcloud@v2
      - run: gcloud builds submit --tag asia-northeast1-docker.pkg.dev/acme-analytics/apps/analytics-api:${{ github.sha }}
      - run: >-
          gcloud run deploy analytics-api
          --image asia-northeast1-docker.pkg.dev/acme-analytics/apps/analytics-api:${{ github.sha }}
          --region asia-northeast1
          --memory 1Gi
          --concurrency 40
          --timeout 300
          --max-instances 10
          --set-env-vars DATABASE_URL=postgresql://analytics@10.40.0.3/analytics
'''

DOCKERFILE = '''\
FROM node:20-slim AS build
WORKDIR /app
COPY package*.json tsconfig.json ./
RUN npm ci
COPY src ./src
RUN npx tsc -p .

FROM node:20-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
'''

PACKAGE = '''\
{
  "name": "analytics-api",
  "version": "3.4.1",
  "private": true,
  "scripts": { "build": "tsc -p .", "start": "node dist/server.js" },
  "dependencies": { "express": "^4.21.1", "pg": "^8.13.1" },
  "devDependencies": { "@types/express": "^5.0.0", "@types/pg": "^8.11.10", "typescript": "^5.6.3" }
}
'''


def build() -> g.Case:
    c = g.Case("monthly-report-timeout", "月初の月次レポートが 504 で返ってこない",
               project="acme-analytics", region="asia-northeast1", target_type="service",
               target_name="analytics-api", start="2026-04-01T00:00:00Z", end="2026-04-01T01:30:00Z", lang="ja")
    c.add_files({"src/routes.ts": ROUTES_TS, "src/report.ts": REPORT_TS, "src/db.ts": DB_TS,
                 "src/server.ts": SERVER_TS, ".github/workflows/deploy.yml": WORKFLOW, "Dockerfile": DOCKERFILE,
                 "package.json": PACKAGE})
    sa = "481516234-compute@developer.gserviceaccount.com"
    image = "asia-northeast1-docker.pkg.dev/acme-analytics/apps/analytics-api:"
    old, cur = "analytics-api-00018-ham", "analytics-api-00019-zet"
    env = {"DATABASE_URL": "postgresql://analytics@10.40.0.3/analytics"}

    def tmpl(tag: str) -> dict:
        return g.template([g.container("analytics-api-1", image + tag, memory="1Gi", env=env)], service_account=sa,
                          max_instances=10, concurrency=40, timeout="300s")

    deployer = "deployer@acme-analytics.iam.gserviceaccount.com"
    c.add_service("analytics-api", [
        {"name": old, "tmpl": tmpl("5be0c1f"), "created": "2026-03-30T08:02:11Z", "active": False},
        {"name": cur, "tmpl": tmpl("9d41a2e"), "created": "2026-03-31T21:40:55Z"},
    ], traffic=[(cur, 100)], creator=deployer, created="2025-09-12T02:00:00Z")

    # outside the window: one OOM on the old revision the previous evening (fixed by 00019)
    old_res = c.res("analytics-api", old)
    inst_old = c.logs.instance_id()
    herring = g.at(c.start, hours=-4, minutes=-7)
    c.logs.system(herring, old_res, inst_old, g.oom_text(512, 539), "ERROR")
    c.logs.request(g.at(herring, seconds=0.2), old_res, inst_old, "GET",
                   f"https://{c.host('analytics-api')}/api/tenants/t-0192/summary", 500, 2.1, text=g.TXT_OOM_REQUEST, ended=True)
    c.logs.audit(g.at(c.start, hours=-2, minutes=-19, seconds=-5), c.res("analytics-api"),
                 method="google.cloud.run.v1.Services.ReplaceService", principal=deployer,
                 resource_name="namespaces/acme-analytics/services/analytics-api")
    c.logs.ready_event(g.at(c.start, hours=-2, minutes=-18), c.res("analytics-api", cur), cur, True,
                       "Deploying revision succeeded in 9.41s.")

    res = c.res("analytics-api", cur)
    host = c.host("analytics-api")
    instances = [c.logs.instance_id() for _ in range(3)]
    routes = [g.Route("GET", "/api/tenants/t-{id}/summary", 8, 45),
              g.Route("GET", "/api/reports/monthly?tenant=t-{id}&month=2026-02", 2, 2400, {200: 0.97, 400: 0.03})]
    c.logs.traffic(res, c.start, c.end, 420, routes, instances, c.host("analytics-api"),
                   agents=["analytics-dashboard/2.7 (+https://dash.acme-analytics.example)"])
    timeouts = []
    big = ["t-0007", "t-0012", "t-0031", "t-0044", "t-0102", "t-0150"]
    for k in range(12):
        tenant = big[k % len(big)]
        begin = g.at(c.start, minutes=2 + k * 6.7, seconds=c.rng.random() * 20)
        inst = instances[k % 3]
        for day in range(1, 28):
            c.logs.app(g.at(begin, seconds=day * 11.2), res, inst, json={"message": f"report {tenant} 2026-03: "
                                                                         f"day {day}/31"}, severity="INFO")
        timeouts.append(c.logs.request(g.at(begin, seconds=300.0), res, inst, "GET",
                                       f"https://{host}/api/reports/monthly?tenant={tenant}&month=2026-03", 504,
                                       300.0 + c.rng.random() * 0.004, text=g.TXT_TIMEOUT,
                                       user_agent="analytics-dashboard/2.7 (+https://dash.acme-analytics.example)", ended=True))
    c.expect = {
        "root_causes": ["request-timeout"],
        "not_above": ["memory-limit-exceeded"],
        "must_cite": [
            [f"run.googleapis.com/requests#{i}" for i in timeouts],
            [c.cite("src/report.ts", "for (const [i, day] of days.entries())"),
             c.cite("src/report.ts", "const { rows } = await pool.query(")],
            [f"{c.svc_name('analytics-api')}#template.timeout", c.cite(".github/workflows/deploy.yml", "--timeout 300")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
