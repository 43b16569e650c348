# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""orders-api: month-end CSV exports build the whole file in memory and get the instance OOM-killed.

Story: finance runs the monthly export for the three biggest merchants between
09:10 and 09:45. The export handler loads every order of the month into a
list, renders the CSV into a string and also writes it to /tmp (in-memory
filesystem on Cloud Run) before streaming it. With 512 MiB and concurrency 40
each big export kills the instance; the other requests on it fail with 503.
Nothing was deployed for two days. No monitoring was exported for the case.
"""

from __future__ import annotations

import casegen as g

MAIN = '''\
import logging

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse

from app import db
from app.export import export_month

logging.basicConfig(level=logging.INFO)
app = FastAPI(title="orders-api")


@app.get("/v1/orders/export")
def export(merchant_id: int, month: str) -> FileResponse:
    path = export_month(merchant_id, month)
    return FileResponse(path, media_type="text/csv", filename=f"orders-{merchant_id}-{month}.csv")


@app.get("/v1/orders/{order_id}")
def get_order(order_id: int) -> dict:
    order = db.fetch_order(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    return order


@app.get("/v1/orders")
def list_orders(merchant_id: int, page: int = 1, per_page: int = Query(50, le=200)) -> dict:
    return {"items": db.fetch_orders(merchant_id, page, per_page), "page": page}


@app.post("/v1/orders", status_code=201)
def create_order(payload: dict) -> dict:
    return db.insert_order(payload)

'''

EXPORT = '''\
"""Monthly order export for the finance team."""

import csv
import io
import logging

from app import db

log = logging.getLogger(__name__)

COLUMNS = ["order_id", "created_at", "customer_email", "sku", "quantity", "unit_price", "currency", "status"]


def export_month(merchant_id: int, month: str) -> str:
    log.info("export start merchant=%s month=%s", merchant_id, month)
    rows = [dict(row) for row in db.fetch_month(merchant_id, month)]  # every order line of the month
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key) for key in COLUMNS})
    path = f"/tmp/orders-{merchant_id}-{month}.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())
    log.info("export done merchant=%s rows=%d", merchant_id, len(rows))
    return path
'''

DB = '''\
import os

import psycopg
from psycopg.rows import dict_row

_DSN = os.environ.get("DATABASE_URL", "postgresql:///orders")


def _conn() -> psycopg.Connection:
    return psycopg.connect(_DSN, row_factory=dict_row, connect_timeout=5)


def fetch_order(order_id: int) -> dict | None:
    with _conn() as conn:
        return conn.execute("SELECT * FROM orders WHERE id = %s", (order_id,)).fetchone()


def fetch_orders(merchant_id: int, page: int, per_page: int) -> list[dict]:
    with _conn() as conn:
        return conn.execute(
            "SELECT * FROM orders WHERE merchant_id = %s ORDER BY id DESC LIMIT %s OFFSET %s",
            (merchant_id, per_page, (page - 1) * per_page),
        ).fetchall()


def fetch_month(merchant_id: int, month: str) -> list[dict]:
    with _conn() as conn:
        return conn.execute(
            "SELECT * FROM order_lines WHERE merchant_id = %s AND to_char(created_at, 'YYYY-MM') = %s",
            (merchant_id, month),
        ).fetchall()


def insert_order(payload: dict) -> dict:
    with _conn() as conn:
        return conn.execute(
            "INSERT INTO orders (merchant_id, customer_email, status) VALUES (%s, %s, 'new') RETURNING *",
            (payload["merchant_id"], payload["customer_email"]),
        ).fetchone()
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app ./app
ENV PYTHONUNBUFFERED=1
CMD exec uvicorn app.main:app --host 0.0.0.0 --port ${PORT:-8080} --workers 1
'''

TF = '''\
resource "google_cloud_run_v2_service" "orders_api" {
  name     = "orders-api"
  location = "asia-northeast1"
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.orders_api.email
    max_instance_request_concurrency = 40
    timeout                          = "300s"

    scaling {
      min_instance_count = 1
      max_instance_count = 20
    }

    containers {
      image = "asia-northeast1-docker.pkg.dev/acme-shop-prod/apps/orders-api:${var.image_tag}"
      ports {
        container_port = 8080
      }
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = true
      }
      env {
        name  = "DATABASE_URL"
        value = "postgresql://orders@10.20.0.3/orders"
      }
    }

    vpc_access {
      connector = google_vpc_access_connector.main.id
      egress    = "PRIVATE_RANGES_ONLY"
    }
  }
}

resource "google_service_account" "orders_api" {
  account_id   = "orders-api"
  display_name = "orders-api runtime"
}
'''


def build() -> g.Case:
    c = g.Case("orders-export-oom", "orders-api: 500/503 bursts during month-end exports",
             project="acme-shop-prod", region="asia-northeast1", target_type="service", target_name="orders-api",
             start="2026-03-04T09:00:00Z", end="2026-03-04T10:00:00Z", lang="en")
    c.add_files({"app/__init__.py": "", "app/main.py": MAIN, "app/export.py": EXPORT, "app/db.py": DB,
                 "requirements.txt": "fastapi==0.115.6\nuvicorn==0.32.1\npsycopg[binary]==3.2.3\n",
                 "Dockerfile": DOCKERFILE, "infra/main.tf": TF})
    rev = "orders-api-00042-vuk"
    sa = "orders-api@acme-shop-prod.iam.gserviceaccount.com"
    image = "asia-northeast1-docker.pkg.dev/acme-shop-prod/apps/orders-api:1.18.2"
    tmpl = g.template([g.container("orders-api-1", image,
                               memory="512Mi", env={"DATABASE_URL": "postgresql://orders@10.20.0.3/orders"})],
                    service_account=sa, min_instances=1, max_instances=20, concurrency=40,
                    vpc_access={"connector": "projects/acme-shop-prod/locations/asia-northeast1/connectors/main",
                                "egress": "PRIVATE_RANGES_ONLY"})
    deployer = "ci-deployer@acme-shop-prod.iam.gserviceaccount.com"
    c.run["services/orders-api"] = g.service(c.project, c.region, "orders-api", tmpl | {"revision": rev},
                                           traffic=[(rev, 100)], latest_ready=rev, create_time="2025-06-02T03:11:09Z",
                                           update_time="2026-03-02T05:40:12Z", creator=deployer, generation=42,
                                           client="terraform")
    c.run["revisions/" + rev] = g.revision(c.project, c.region, "orders-api", rev, tmpl,
                                         create_time="2026-03-02T05:40:12Z", creator=deployer, generation=42)

    res = c.res("orders-api", rev)
    host = "orders-api-uc3xk2ahba-an.a.run.app"
    live = [c.logs.instance_id() for _ in range(2)]
    routes = [g.Route("GET", "/v1/orders/{id}", 6, 35, {200: 0.97, 404: 0.03}, app_log="GET order {id}"),
              g.Route("GET", "/v1/orders?merchant_id={id}&page=1", 3, 80),
              g.Route("POST", "/v1/orders", 1, 60, {201: 0.98, 422: 0.02})]
    c.logs.traffic(res, c.start, c.end, 520, routes, live, host, app_log_rate=0.0)
    oom_ids, killed = [], []
    merchants = [(g.at(c.start, minutes=12, seconds=4), 1042, 598), (g.at(c.start, minutes=27, seconds=40), 877, 611),
                 (g.at(c.start, minutes=41, seconds=15), 1310, 587)]
    for i, (when, merchant, used) in enumerate(merchants):
        victim = live[i % 2]
        c.logs.app(when, res, victim, f"INFO:app.export:export start merchant={merchant} month=2026-02",
                   stream="stderr")
        die = g.at(when, seconds=21.4 + i)
        oom_ids.append(c.logs.system(die, res, victim, g.oom_text(512, used), "ERROR"))
        c.logs.system(g.at(die, seconds=0.2), res, victim, "Container terminated on signal 9.", "WARNING")
        killed.append(c.logs.request(g.at(die, seconds=0.3), res, victim, "GET",
                                     f"https://{host}/v1/orders/export?merchant_id={merchant}&month=2026-02", 500,
                                     21.7 + i, text=g.TXT_OOM_REQUEST, user_agent="python-requests/2.32.3", ended=True))
        for k in range(3 + i):
            c.logs.request(g.at(die, seconds=0.3 + 0.05 * k), res, victim, "GET",
                           f"https://{host}/v1/orders/{c.rng.randint(1000, 99999)}", 503, 0.4 + 3 * c.rng.random(),
                           text=g.TXT_MALFORMED, ended=True)
        fresh = c.logs.instance_id()
        c.logs.instance_start(g.at(die, seconds=1.1), res, fresh, "orders-api-1", ready_after_s=3.2)
        live[i % 2] = fresh
        c.logs.traffic(res, g.at(die, seconds=5), g.at(die, seconds=120), 25, routes, [fresh], host)

    c.expect = {
        "root_causes": ["memory-limit-exceeded"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in oom_ids],
            [c.cite("app/export.py", "rows = [dict(row)"), c.cite("app/export.py", "handle.write(buffer.getvalue())"),
             c.cite("app/export.py", "buffer = io.StringIO()")],
            [f"{c.svc_name('orders-api')}#template.containers[0].resources.limits.memory",
             c.cite("infra/main.tf", 'memory = "512Mi"')],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
