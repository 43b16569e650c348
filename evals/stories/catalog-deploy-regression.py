# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""catalog-api: the 11:02 deploy introduced a discount field that raises AttributeError on old products.

Story: release 4.2.0 added `discount_rate` to the product serializer; products
created before the discount feature have `promotion = None`, and
`product.promotion.discount_rate` raises. From the moment revision 00088
takes traffic, about a third of product-detail requests fail with 500; the
previous revision served the same traffic without errors. Red herring: in the
same project the `recs-worker` service is OOM-killed several times in the
window (its own, unrelated problem); an investigation scoped to catalog-api
must not blame memory.
"""

from __future__ import annotations

import casegen as g

SERIALIZERS = '''\
from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product


@dataclass
class ProductOut:
    id: int
    name: str
    price: Decimal
    currency: str
    discount_rate: Decimal
    in_stock: bool


def serialize(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id,
        name=product.name,
        price=product.price,
        currency=product.currency,
        discount_rate=product.promotion.discount_rate,
        in_stock=product.stock > 0,
    )
'''

MODELS = '''\
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Promotion:
    code: str
    discount_rate: Decimal


@dataclass
class Product:
    id: int
    name: str
    price: Decimal
    currency: str
    stock: int
    promotion: Promotion | None = None
'''

API = '''\
from fastapi import FastAPI, HTTPException

from catalog import repository
from catalog.serializers import serialize

app = FastAPI(title="catalog-api")


@app.get("/v2/products/{product_id}")
async def product(product_id: int):
    found = await repository.get(product_id)
    if found is None:
        raise HTTPException(404, "no such product")
    return serialize(found)


@app.get("/v2/categories/{slug}/products")
async def by_category(slug: str, page: int = 1):
    return [serialize(p) for p in await repository.by_category(slug, page)]
'''

WORKFLOW = '''\
name: release
on:
  push:
    tags: ["v*"]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: {id-token: write, contents: read}
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.WIF_PROVIDER }}
          service_account: release@northwind-retail.iam.gserviceaccount.com
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: catalog-api
          region: us-east1
          source: .
          flags: --memory=1Gi --concurrency=60 --max-instances=25
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY catalog ./catalog
CMD exec uvicorn catalog.api:app --host 0.0.0.0 --port $PORT
'''

TRACE = """\
Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/uvicorn/protocols/http/httptools_impl.py", line 409, in run_asgi
    result = await app(  # type: ignore[func-returns-value]
  File "/usr/local/lib/python3.12/site-packages/fastapi/routing.py", line 301, in app
    raw_response = await run_endpoint_function(
  File "/srv/catalog/api.py", line 14, in product
    return serialize(found)
  File "/srv/catalog/serializers.py", line 23, in serialize
    discount_rate=product.promotion.discount_rate,
AttributeError: 'NoneType' object has no attribute 'discount_rate'"""


def build() -> g.Case:
    c = g.Case("catalog-deploy-regression", "catalog-api: product pages error after the morning release",
               project="northwind-retail", region="us-east1", target_type="service", target_name="catalog-api",
               start="2026-05-19T10:30:00Z", end="2026-05-19T12:00:00Z", lang="en")
    c.add_files({"catalog/__init__.py": "", "catalog/serializers.py": SERIALIZERS, "catalog/models.py": MODELS,
                 "catalog/api.py": API, ".github/workflows/release.yml": WORKFLOW, "Dockerfile": DOCKERFILE,
                 "requirements.txt": "fastapi==0.115.6\nuvicorn[standard]==0.32.1\nasyncpg==0.30.0\n"})
    sa = "catalog-api@northwind-retail.iam.gserviceaccount.com"
    img = "us-east1-docker.pkg.dev/northwind-retail/cloud-run-source-deploy/catalog-api:"
    old, new = "catalog-api-00087-cuw", "catalog-api-00088-hiz"
    deploy_at = g.at(c.start, minutes=32, seconds=8)

    def tmpl(tag: str) -> dict:
        return g.template([g.container("catalog-api-1", img + tag, memory="1Gi")], service_account=sa, max_instances=25,
                          concurrency=60)

    release = "release@northwind-retail.iam.gserviceaccount.com"
    c.add_service("catalog-api", [
        {"name": old, "tmpl": tmpl("v4.1.3"), "created": "2026-05-12T09:10:02Z", "active": False},
        {"name": new, "tmpl": tmpl("v4.2.0"), "created": g.fmt_s(deploy_at)},
    ], traffic=[(new, 100)], creator="jo.okafor@northwind.example", created="2024-03-01T00:00:00Z", last_modifier=release)
    host = c.host("catalog-api")
    r_old, r_new = c.res("catalog-api", old), c.res("catalog-api", new)
    routes = [g.Route("GET", "/v2/products/{id}", 6, 25, {200: 0.985, 404: 0.015}), g.Route("GET", "/v2/categories/shoes/products?page=1", 2, 60)]
    i_old = [c.logs.instance_id() for _ in range(3)]
    c.logs.traffic(r_old, c.start, g.at(deploy_at, seconds=25), 230, routes, i_old, host)
    deploy = c.logs.audit(deploy_at, c.res("catalog-api"), method="google.cloud.run.v1.Services.ReplaceService", principal=release,
                          resource_name="namespaces/northwind-retail/services/catalog-api",
                          user_agent="google-github-actions:deploy-cloudrun/2.7.2 google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy")
    i_new = [c.logs.instance_id() for _ in range(3)]
    for k, inst in enumerate(i_new):
        c.logs.instance_start(g.at(deploy_at, seconds=6 + k), r_new, inst, "catalog-api-1", reason=g.ROLLOUT, ready_after_s=1.9)
    ready = c.logs.ready_event(g.at(deploy_at, seconds=14), r_new, new, True, "Deploying revision succeeded in 10.77s.")
    c.logs.traffic(r_new, g.at(deploy_at, seconds=20), c.end, 260, routes, i_new, host)
    fails, traces = [], []
    for _ in range(95):
        ts = g.at(deploy_at, seconds=21 + c.rng.random() * 3440)
        inst = c.rng.choice(i_new)
        trace = c.logs.trace()
        traces.append(c.logs.app(ts, r_new, inst, "Exception in ASGI application\n" + TRACE, stream="stderr",
                                 severity="ERROR", trace=trace))
        fails.append(c.logs.request(ts, r_new, inst, "GET", f"https://{host}/v2/products/{c.rng.randint(1000, 9999)}", 500,
                                    c.rng.uniform(0.01, 0.04), trace=trace, ended=True))
    # red herring: another service in the project, OOM-killed
    recs = "recs-worker-00012-pak"
    r_recs = c.res("recs-worker", recs)
    for k in range(5):
        inst = c.logs.instance_id()
        t0 = g.at(c.start, minutes=8 + k * 17)
        c.logs.system(t0, r_recs, inst, g.oom_text(2048, 2131 + k * 7), "ERROR")
        c.logs.system(g.at(t0, seconds=0.3), r_recs, inst, "Container terminated on signal 9.", "WARNING")
        c.logs.request(g.at(t0, seconds=0.4), r_recs, inst, "POST", f"https://{c.host('recs-worker')}/tasks/rebuild-embeddings", 500,
                       94.0, text=g.TXT_OOM_REQUEST, user_agent="Google-Cloud-Tasks", ended=True)
    c.expect = {
        "root_causes": ["bad-deploy-regression"],
        "not_above": ["memory-limit-exceeded"],
        "must_cite": [
            [f"cloudaudit.googleapis.com/activity#{deploy}", f"cloudaudit.googleapis.com/system_event#{ready}"],
            [f"run.googleapis.com/stderr#{i}" for i in traces] + [f"run.googleapis.com/requests#{i}" for i in fails],
            [c.cite("catalog/serializers.py", "discount_rate=product.promotion.discount_rate,")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
