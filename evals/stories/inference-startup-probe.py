# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""embedder: new instances download a 1.3 GB model before listening and miss the 240 s startup probe.

Story: the embedding service loads its sentence-transformer at import time
from GCS. The model was swapped for a larger one last week; with 1 vCPU and no
startup CPU boost the download + load takes ~5 minutes. The one warm
(min-instance) instance keeps serving, but when the nightly catalogue sync
pushes traffic up, every new instance fails the default TCP startup probe and
queued requests fail with 500 no-available-instance and 503 readiness errors.
Those platform errors are symptoms; the probe failure and the slow init are
the cause.
"""

from __future__ import annotations

import casegen as g

MAIN_PY = '''\
import logging
import os

from fastapi import FastAPI
from pydantic import BaseModel

from embedder.model import load_model

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("embedder")

MODEL_URI = os.environ.get("MODEL_URI", "gs://shelf-models/e5-large-v2")
model = load_model(MODEL_URI)  # runs before uvicorn binds the port
app = FastAPI()


class Batch(BaseModel):
    texts: list[str]


@app.post("/v1/embed")
def embed(batch: Batch) -> dict:
    vectors = model.encode(batch.texts, batch_size=16, normalize_embeddings=True)
    return {"vectors": [v.tolist() for v in vectors]}
'''

MODEL_PY = '''\
import logging
import pathlib
import time

from google.cloud import storage
from sentence_transformers import SentenceTransformer

log = logging.getLogger("embedder.model")
CACHE = pathlib.Path("/tmp/model")


def load_model(uri: str) -> SentenceTransformer:
    started = time.monotonic()
    bucket_name, _, prefix = uri.removeprefix("gs://").partition("/")
    client = storage.Client()
    for blob in client.list_blobs(bucket_name, prefix=prefix):
        target = CACHE / blob.name.removeprefix(prefix).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        blob.download_to_filename(target)
    log.info("model files downloaded in %.1fs", time.monotonic() - started)
    model = SentenceTransformer(str(CACHE), device="cpu")
    log.info("model loaded in %.1fs", time.monotonic() - started)
    return model
'''

SERVICE_YAML = '''\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: embedder
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/minScale: "1"
        autoscaling.knative.dev/maxScale: "8"
        run.googleapis.com/startup-cpu-boost: "false"
    spec:
      containerConcurrency: 4
      timeoutSeconds: 120
      serviceAccountName: embedder@shelf-search.iam.gserviceaccount.com
      containers:
        - image: us-central1-docker.pkg.dev/shelf-search/ml/embedder:0.9.0
          env:
            - name: MODEL_URI
              value: gs://shelf-models/e5-large-v2
          resources:
            limits:
              cpu: "1"
              memory: 8Gi
'''

DOCKERFILE = '''\
FROM python:3.11-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY embedder ./embedder
CMD exec uvicorn embedder.main:app --host 0.0.0.0 --port $PORT
'''


def build() -> g.Case:
    c = g.Case("inference-startup-probe", "embedder: 500/503 during the nightly catalogue sync",
               project="shelf-search", region="us-central1", target_type="service", target_name="embedder",
               start="2026-03-21T02:00:00Z", end="2026-03-21T03:00:00Z", lang="en")
    c.add_files({"embedder/__init__.py": "", "embedder/main.py": MAIN_PY, "embedder/model.py": MODEL_PY,
                 "service.yaml": SERVICE_YAML, "Dockerfile": DOCKERFILE,
                 "requirements.txt": "fastapi==0.115.6\nuvicorn==0.32.1\nsentence-transformers==3.3.1\ngoogle-cloud-storage==2.19.0\n"})
    rev = "embedder-00009-muq"
    tmpl = g.template([g.container("embedder-1", "us-central1-docker.pkg.dev/shelf-search/ml/embedder:0.9.0", memory="8Gi",
                                   boost=False, env={"MODEL_URI": "gs://shelf-models/e5-large-v2"})],
                      service_account="embedder@shelf-search.iam.gserviceaccount.com", min_instances=1, max_instances=8,
                      concurrency=4, timeout="120s")
    c.add_service("embedder", [{"name": rev, "tmpl": tmpl, "created": "2026-03-14T17:05:51Z"}], traffic=[(rev, 100)],
                  creator="priya.raman@shelf-search.example", created="2025-11-03T12:00:00Z")
    res = c.res("embedder", rev)
    host = c.host("embedder")
    warm = c.logs.instance_id()
    route = [g.Route("POST", "/v1/embed", 1, 380)]
    c.logs.traffic(res, c.start, c.end, 430, route, [warm], host, agents=["catalog-sync/1.4 python-httpx/0.28.1"])
    sync = g.at(c.start, minutes=10)
    probe_ids, aborted = [], []
    for k in range(4):
        inst = c.logs.instance_id()
        t0 = g.at(sync, seconds=5 + k * 250)
        c.logs.system(t0, res, inst, f"Starting new instance. Reason: {g.AUTOSCALING}")
        c.logs.app(g.at(t0, seconds=2.5), res, inst, "INFO google.auth._default: No project ID could be determined from the credentials; using the metadata server", stream="stderr")
        probe_ids.append(c.logs.system(g.at(t0, seconds=240.2), res, inst,
                                       g.tcp_probe_failed("embedder-1", 8080, 1, "DEADLINE_EXCEEDED"), "ERROR"))
        for _ in range(6):
            c.logs.request(g.at(t0, seconds=240.3 + c.rng.random()), res, inst, "POST", f"https://{host}/v1/embed", 503,
                           200 + c.rng.random() * 40, text=g.TXT_READINESS, user_agent="catalog-sync/1.4 python-httpx/0.28.1", ended=True)
        for _ in range(25):
            ts = g.at(t0, seconds=10 + c.rng.random() * 230)
            aborted.append(c.logs.request(ts, res, None, "POST", f"https://{host}/v1/embed", 500, 10 + c.rng.random() * 2,
                                          text=g.TXT_NO_INSTANCE, user_agent="catalog-sync/1.4 python-httpx/0.28.1", ended=True))
    c.expect = {
        "root_causes": ["startup-probe-failure"],
        "not_above": ["no-available-instance"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in probe_ids],
            [c.cite("embedder/main.py", "model = load_model(MODEL_URI)"), c.cite("embedder/model.py", "blob.download_to_filename(target)")],
            [f"{c.svc_name('embedder')}#template.containers[0].resources.startupCpuBoost",
             c.cite("service.yaml", 'run.googleapis.com/startup-cpu-boost: "false"'),
             f"{c.svc_name('embedder')}#template.containers[0].startupProbe"],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
