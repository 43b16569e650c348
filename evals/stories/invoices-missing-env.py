# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""billing-api: `--set-env-vars` in the deploy step wiped INVOICE_BUCKET; invoice PDFs fail with KeyError.

Story: a feature-flag change added `--set-env-vars FEATURE_FLAGS=...` to the
GitHub deploy workflow. `--set-env-vars` replaces the whole env list, so the
new revision lost INVOICE_BUCKET (previously set by hand with
`--update-env-vars`). Everything else works; only invoice downloads fail, with
a KeyError in the logs, from the moment the new revision took traffic.
"""

from __future__ import annotations

import casegen as g

APP_PY = '''\
import logging
import os

from flask import Flask, abort, jsonify, redirect

from billing import store

app = Flask(__name__)
logging.basicConfig(level=logging.INFO)
FEATURE_FLAGS = set(filter(None, os.environ.get("FEATURE_FLAGS", "").split(",")))


@app.get("/v1/accounts/<account_id>/balance")
def balance(account_id: str):
    return jsonify(store.balance(account_id))


@app.get("/v1/invoices/<invoice_id>")
def invoice(invoice_id: str):
    record = store.invoice(invoice_id)
    if record is None:
        abort(404)
    return jsonify(record)


@app.get("/v1/invoices/<invoice_id>/pdf")
def invoice_pdf(invoice_id: str):
    from billing.pdf import signed_pdf_url

    return redirect(signed_pdf_url(invoice_id), code=302)
'''

PDF_PY = '''\
import datetime
import os

from google.cloud import storage

_client = storage.Client()


def signed_pdf_url(invoice_id: str) -> str:
    bucket = _client.bucket(os.environ["INVOICE_BUCKET"])
    blob = bucket.blob(f"invoices/{invoice_id}.pdf")
    return blob.generate_signed_url(expiration=datetime.timedelta(minutes=10), version="v4")
'''

STORE_PY = '''\
from google.cloud import firestore

_db = firestore.Client()


def balance(account_id: str) -> dict:
    doc = _db.collection("accounts").document(account_id).get()
    return {"account_id": account_id, "balance": (doc.to_dict() or {}).get("balance", 0)}


def invoice(invoice_id: str) -> dict | None:
    doc = _db.collection("invoices").document(invoice_id).get()
    return doc.to_dict() if doc.exists else None
'''

WORKFLOW = '''\
name: deploy-billing-api
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ secrets.WIF_PROVIDER }}
          service_account: gh-deployer@ledgerly-prod.iam.gserviceaccount.com
      - uses: google-github-actions/setup-gcloud@v2
      - name: Build
        run: gcloud builds submit --tag us-central1-docker.pkg.dev/ledgerly-prod/apps/billing-api:${{ github.sha }}
      - name: Deploy
        run: |
          gcloud run deploy billing-api \\
            --image us-central1-docker.pkg.dev/ledgerly-prod/apps/billing-api:${{ github.sha }} \\
            --region us-central1 \\
            --service-account billing-api@ledgerly-prod.iam.gserviceaccount.com \\
            --set-env-vars FEATURE_FLAGS=dunning_v2,tax_rounding
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD exec gunicorn --bind :$PORT --workers 2 --threads 8 --timeout 0 billing.app:app
'''

TRACE = """\
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1511, in wsgi_app
    response = self.full_dispatch_request()
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 919, in full_dispatch_request
    rv = self.handle_user_exception(e)
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 917, in full_dispatch_request
    rv = self.dispatch_request()
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 902, in dispatch_request
    return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]
  File "/srv/billing/app.py", line 30, in invoice_pdf
    return redirect(signed_pdf_url(invoice_id), code=302)
  File "/srv/billing/pdf.py", line 10, in signed_pdf_url
    bucket = _client.bucket(os.environ["INVOICE_BUCKET"])
  File "<frozen os>", line 714, in __getitem__
KeyError: 'INVOICE_BUCKET'"""


def build() -> g.Case:
    c = g.Case("invoices-missing-env", "billing-api: invoice PDF downloads return 500",
               project="ledgerly-prod", region="us-central1", target_type="service", target_name="billing-api",
               start="2026-02-09T15:00:00Z", end="2026-02-09T16:30:00Z", lang="en")
    c.add_files({"billing/__init__.py": "", "billing/app.py": APP_PY, "billing/pdf.py": PDF_PY, "billing/store.py": STORE_PY,
                 ".github/workflows/deploy.yml": WORKFLOW, "Dockerfile": DOCKERFILE,
                 "requirements.txt": "flask==3.1.0\ngunicorn==23.0.0\ngoogle-cloud-storage==2.19.0\ngoogle-cloud-firestore==2.19.0\n"})
    sa = "billing-api@ledgerly-prod.iam.gserviceaccount.com"
    img = "us-central1-docker.pkg.dev/ledgerly-prod/apps/billing-api:"
    old, new = "billing-api-00074-rax", "billing-api-00075-sup"
    deploy_at = g.at(c.start, minutes=23, seconds=50)
    t_old = g.template([g.container("billing-api-1", img + "0f3a9d1", env={"INVOICE_BUCKET": "ledgerly-invoices-prod"})],
                       service_account=sa, max_instances=30)
    t_new = g.template([g.container("billing-api-1", img + "b71c0e4", env={"FEATURE_FLAGS": "dunning_v2,tax_rounding"})],
                       service_account=sa, max_instances=30)
    deployer = "gh-deployer@ledgerly-prod.iam.gserviceaccount.com"
    c.add_service("billing-api", [
        {"name": old, "tmpl": t_old, "created": "2026-02-02T11:20:00Z", "active": False},
        {"name": new, "tmpl": t_new, "created": g.fmt_s(deploy_at)},
    ], traffic=[(new, 100)], creator="dana.whitfield@ledgerly.example", created="2024-10-14T00:00:00Z",
        last_modifier=deployer)
    host = c.host("billing-api")
    r_old, r_new = c.res("billing-api", old), c.res("billing-api", new)
    routes = [g.Route("GET", "/v1/accounts/acc_{id}/balance", 5, 30), g.Route("GET", "/v1/invoices/in_{id}", 3, 35, {200: 0.97, 404: 0.03}),
              g.Route("GET", "/v1/invoices/in_{id}/pdf", 1.2, 60, {302: 1.0})]
    i_old = [c.logs.instance_id(), c.logs.instance_id()]
    c.logs.traffic(r_old, c.start, g.at(deploy_at, seconds=20), 160, routes, i_old, host)
    c.logs.audit(deploy_at, c.res("billing-api"), method="google.cloud.run.v1.Services.ReplaceService", principal=deployer,
                 resource_name="namespaces/ledgerly-prod/services/billing-api",
                 user_agent="google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy environment/github_actions")
    i_new = [c.logs.instance_id(), c.logs.instance_id()]
    for k, inst in enumerate(i_new):
        c.logs.instance_start(g.at(deploy_at, seconds=5 + k), r_new, inst, "billing-api-1", reason=g.ROLLOUT, ready_after_s=2.2)
    c.logs.ready_event(g.at(deploy_at, seconds=14), r_new, new, True, "Deploying revision succeeded in 11.02s.")
    ok_routes = routes[:2]
    c.logs.traffic(r_new, g.at(deploy_at, seconds=18), c.end, 330, ok_routes, i_new, host)
    fails, traces = [], []
    for _ in range(70):
        ts = g.at(deploy_at, seconds=20 + c.rng.random() * (c.end - deploy_at).total_seconds() * 0.98)
        inst = c.rng.choice(i_new)
        trace = c.logs.trace()
        traces.append(c.logs.app(ts, r_new, inst, f"ERROR:billing.app:Exception on /v1/invoices/in_{c.rng.randint(1000, 99999)}/pdf [GET]\n" + TRACE,
                                 stream="stderr", severity="ERROR", trace=trace))
        fails.append(c.logs.request(ts, r_new, inst, "GET", f"https://{host}/v1/invoices/in_{c.rng.randint(1000, 99999)}/pdf",
                                    500, c.rng.uniform(0.01, 0.05), trace=trace))
    c.expect = {
        "root_causes": ["missing-config-or-secret"],
        "also": ["bad-deploy-regression"],
        "must_cite": [
            [f"run.googleapis.com/stderr#{i}" for i in traces],
            [c.cite("billing/pdf.py", 'os.environ["INVOICE_BUCKET"]')],
            [c.cite(".github/workflows/deploy.yml", "--set-env-vars FEATURE_FLAGS"),
             f"{c.svc_name('billing-api')}#template.containers[0].env"],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
