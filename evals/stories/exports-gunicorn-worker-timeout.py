# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""ledger-api: gunicorn's default 30 s worker timeout kills slow CSV exports ("Perhaps out of memory?" is a lie).

Story: the Dockerfile starts gunicorn with sync workers and no `--timeout`,
so gunicorn's default of 30 s applies, far below Cloud Run's 300 s. Year-end
CSV exports for large accounts take 35-90 s; the arbiter logs
`WORKER TIMEOUT`, SIGKILLs the worker ("Perhaps out of memory?") and the
request ends as a 503 after ~30 s. Memory use is low (no platform OOM entry,
limit 1 GiB). The fix is the gunicorn timeout (or moving exports off the
request path), not memory.
"""

from __future__ import annotations

import casegen as g

APP_PY = '''\
import csv
import io
import logging

from flask import Flask, Response, jsonify, request

from ledger import db

app = Flask(__name__)
logging.basicConfig(level=logging.INFO)


@app.get("/v1/accounts/<account_id>/entries")
def entries(account_id: str):
    return jsonify(db.entries(account_id, limit=int(request.args.get("limit", 100))))


@app.get("/v1/accounts/<account_id>/export.csv")
def export_csv(account_id: str):
    year = int(request.args["year"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "description", "debit", "credit", "balance"])
    for row in db.year_entries(account_id, year):  # one query per month, with running balance
        writer.writerow(row)
    return Response(out.getvalue(), mimetype="text/csv")
'''

DB_PY = '''\
import os

import psycopg

_DSN = os.environ["DATABASE_URL"]


def entries(account_id: str, limit: int) -> list[dict]:
    with psycopg.connect(_DSN) as conn:
        rows = conn.execute("SELECT * FROM entries WHERE account_id = %s ORDER BY posted_at DESC LIMIT %s",
                            (account_id, limit)).fetchall()
    return [dict(zip(("id", "posted_at", "description", "amount"), r)) for r in rows]


def year_entries(account_id: str, year: int):
    balance = 0
    with psycopg.connect(_DSN) as conn:
        for month in range(1, 13):
            rows = conn.execute(
                "SELECT posted_at::date, description, amount FROM entries "
                "WHERE account_id = %s AND date_part('year', posted_at) = %s AND date_part('month', posted_at) = %s "
                "ORDER BY posted_at",
                (account_id, year, month),
            )
            for posted, description, amount in rows:
                balance += amount
                yield posted, description, max(-amount, 0), max(amount, 0), balance
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY ledger ./ledger
CMD exec gunicorn --bind :$PORT --workers 2 ledger.app:app
'''

TF = '''\
resource "google_cloud_run_v2_service" "ledger_api" {
  name     = "ledger-api"
  location = "europe-west1"

  template {
    service_account = "ledger-api@tally-books.iam.gserviceaccount.com"
    timeout         = "300s"
    max_instance_request_concurrency = 8

    containers {
      image = "europe-west1-docker.pkg.dev/tally-books/svc/ledger-api:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }
      env {
        name  = "DATABASE_URL"
        value = "postgresql://ledger@10.70.0.3/ledger"
      }
    }
  }
}
'''


def build() -> g.Case:
    c = g.Case("exports-gunicorn-worker-timeout", "ledger-api: year-end CSV exports fail with 503 after half a minute",
               project="tally-books", region="europe-west1", target_type="service", target_name="ledger-api",
               start="2027-01-05T08:00:00Z", end="2027-01-05T09:30:00Z", lang="en")
    c.add_files({"ledger/__init__.py": "", "ledger/app.py": APP_PY, "ledger/db.py": DB_PY, "Dockerfile": DOCKERFILE,
                 "infra/ledger.tf": TF, "requirements.txt": "flask==3.1.0\ngunicorn==23.0.0\npsycopg[binary]==3.2.3\n"})
    rev = "ledger-api-00033-mow"
    tmpl = g.template([g.container("ledger-api-1", "europe-west1-docker.pkg.dev/tally-books/svc/ledger-api:1.9.0", memory="1Gi",
                                   env={"DATABASE_URL": "postgresql://ledger@10.70.0.3/ledger"})],
                      service_account="ledger-api@tally-books.iam.gserviceaccount.com", concurrency=8, max_instances=20)
    c.add_service("ledger-api", [{"name": rev, "tmpl": tmpl, "created": "2026-12-14T10:00:00Z"}], traffic=[(rev, 100)],
                  creator="terraform@tally-books.iam.gserviceaccount.com", created="2025-04-01T00:00:00Z", client="terraform")
    res = c.res("ledger-api", rev)
    host = c.host("ledger-api")
    insts = [c.logs.instance_id() for _ in range(3)]
    routes = [g.Route("GET", "/v1/accounts/acct_{id}/entries?limit=100", 8, 45),
              g.Route("GET", "/v1/accounts/acct_{id}/export.csv?year=2026", 1, 9000)]
    agents = ["tally-web/4.2", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"]
    c.logs.traffic(res, c.start, c.end, 520, routes, insts, host, agents=agents)
    timeouts, kills, cut = [], [], []
    pid = 14
    for _ in range(26):
        t0 = g.at(c.start, seconds=c.rng.random() * 5300)
        inst = c.rng.choice(insts)
        fire = g.at(t0, seconds=30 + c.rng.random() * 1.2)
        stamp = fire.strftime("%Y-%m-%d %H:%M:%S +0000")
        timeouts.append(c.logs.app(fire, res, inst, f"[{stamp}] [1] [CRITICAL] WORKER TIMEOUT (pid:{pid})", stream="stderr"))
        kills.append(c.logs.app(g.at(fire, seconds=0.4), res, inst, f"[{stamp}] [1] [ERROR] Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?",
                                stream="stderr"))
        pid += c.rng.randint(2, 9)
        c.logs.app(g.at(fire, seconds=0.5), res, inst, f"[{stamp}] [{pid}] [INFO] Booting worker with pid: {pid}", stream="stderr")
        cut.append(c.logs.request(t0, res, inst, "GET", f"https://{host}/v1/accounts/acct_{c.rng.randint(1000, 9999)}/export.csv?year=2026",
                                  503, (g.at(fire, seconds=0.4) - t0).total_seconds(), text=g.TXT_MALFORMED,
                                  user_agent=c.rng.choice(agents)))
    c.expect = {
        "root_causes": ["request-timeout"],
        "not_above": ["memory-limit-exceeded", "container-crash"],
        "must_cite": [
            [f"run.googleapis.com/stderr#{i}" for i in timeouts + kills],
            [c.cite("Dockerfile", "CMD exec gunicorn --bind :$PORT --workers 2 ledger.app:app")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
