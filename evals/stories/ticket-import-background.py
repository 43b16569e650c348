# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""helpdesk-api: CSV ticket imports run in a thread after the 202 response and stall under CPU throttling.

Story: `POST /v1/imports` stores the upload, starts a daemon thread and returns
202. The service uses request-based billing (cpuIdle true, the gcloud
default), so once the response is sent the thread gets almost no CPU: its
progress lines come minutes apart, advance only while other requests (the
UI's status polling) happen to be running, and stop entirely when the
instance is shut down after idling. Imports stay "running" forever; support
tracks it on a Trello card.
"""

from __future__ import annotations

import casegen as g

APP_PY = '''\
import logging
import threading
import uuid

from fastapi import FastAPI, UploadFile

from helpdesk import imports, storage

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
log = logging.getLogger("helpdesk")
app = FastAPI(title="helpdesk-api")


@app.post("/v1/imports", status_code=202)
async def start_import(file: UploadFile) -> dict:
    job_id = uuid.uuid4().hex[:12]
    path = await storage.save_upload(job_id, file)
    imports.mark(job_id, "running", 0)
    worker = threading.Thread(target=imports.run_import, args=(job_id, path), daemon=True)
    worker.start()
    return {"job_id": job_id, "status": "running"}


@app.get("/v1/imports/{job_id}")
def import_status(job_id: str) -> dict:
    return imports.status(job_id)


@app.get("/v1/tickets/{ticket_id}")
def ticket(ticket_id: int) -> dict:
    return imports.ticket(ticket_id)
'''

IMPORTS_PY = '''\
import csv
import logging

from google.cloud import firestore

log = logging.getLogger("helpdesk.imports")
_db = firestore.Client()


def mark(job_id: str, status: str, done: int) -> None:
    _db.collection("imports").document(job_id).set({"status": status, "done": done}, merge=True)


def status(job_id: str) -> dict:
    return _db.collection("imports").document(job_id).get().to_dict() or {"status": "unknown"}


def ticket(ticket_id: int) -> dict:
    return _db.collection("tickets").document(str(ticket_id)).get().to_dict() or {}


def run_import(job_id: str, path: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows, 1):
        _db.collection("tickets").document(row["id"]).set(row)
        if i % 500 == 0:
            mark(job_id, "running", i)
            log.info("import %s: %d/%d rows", job_id, i, len(rows))
    mark(job_id, "done", len(rows))
    log.info("import %s finished", job_id)
'''

STORAGE_PY = '''\
import pathlib

from fastapi import UploadFile

UPLOADS = pathlib.Path("/tmp/uploads")


async def save_upload(job_id: str, file: UploadFile) -> str:
    UPLOADS.mkdir(exist_ok=True)
    target = UPLOADS / f"{job_id}.csv"
    target.write_bytes(await file.read())
    return str(target)
'''

CLOUDBUILD = '''\
steps:
  - name: gcr.io/cloud-builders/docker
    args: ["build", "-t", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/helpdesk-api:$SHORT_SHA", "."]
  - name: gcr.io/cloud-builders/docker
    args: ["push", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/helpdesk-api:$SHORT_SHA"]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
    entrypoint: gcloud
    args:
      - run
      - deploy
      - helpdesk-api
      - --image=asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/helpdesk-api:$SHORT_SHA
      - --region=asia-northeast1
      - --memory=1Gi
      - --max-instances=5
'''


def build() -> g.Case:
    card = "Rm2xQv7e"
    c = g.Case("ticket-import-background", "helpdesk-api: チケットの CSV インポートが終わらない",
               project="sora-support", region="asia-northeast1", target_type="service", target_name="helpdesk-api",
               start="2026-07-14T01:00:00Z", end="2026-07-14T03:00:00Z", lang="ja", trello_card=f"https://trello.com/c/{card}")
    c.add_files({"helpdesk/__init__.py": "", "helpdesk/app.py": APP_PY, "helpdesk/imports.py": IMPORTS_PY,
                 "helpdesk/storage.py": STORAGE_PY, "cloudbuild.yaml": CLOUDBUILD,
                 "Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY helpdesk ./helpdesk\nCMD exec uvicorn helpdesk.app:app --host 0.0.0.0 --port $PORT\n",
                 "requirements.txt": "fastapi==0.115.6\nuvicorn==0.32.1\npython-multipart==0.0.19\ngoogle-cloud-firestore==2.19.0\n"})
    rev = "helpdesk-api-00027-jiv"
    tmpl = g.template([g.container("helpdesk-api-1", "asia-northeast1-docker.pkg.dev/sora-support/apps/helpdesk-api:5e21b7c",
                                   memory="1Gi", cpu_idle=True)],
                      service_account="413355779911-compute@developer.gserviceaccount.com", max_instances=5)
    c.add_service("helpdesk-api", [{"name": rev, "tmpl": tmpl, "created": "2026-07-01T03:00:00Z"}], traffic=[(rev, 100)],
                  creator="413355779911@cloudbuild.gserviceaccount.com", created="2025-11-20T00:00:00Z")
    res = c.res("helpdesk-api", rev)
    host = c.host("helpdesk-api")
    inst = c.logs.instance_id()
    c.logs.instance_start(g.at(c.start, minutes=3), res, inst, "helpdesk-api-1", ready_after_s=2.4)
    ui = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"]
    c.logs.traffic(res, g.at(c.start, minutes=4), g.at(c.start, minutes=70), 230, [g.Route("GET", "/v1/tickets/{id}", 1, 30)], [inst], host, agents=ui)
    accepted, progress = [], []
    jobs = [("7f3a9c21be04", g.at(c.start, minutes=6), 48000), ("c02d81e9a7f5", g.at(c.start, minutes=21), 12500)]
    for job_id, t0, total in jobs:
        accepted.append(c.logs.request(t0, res, inst, "POST", f"https://{host}/v1/imports", 202, 1.8, user_agent=ui[0]))
        t = g.at(t0, seconds=6)
        done = 0
        while done < total and t < g.at(c.start, minutes=70):
            done += 500
            t = g.at(t, seconds=120 + c.rng.random() * 280)
            progress.append(c.logs.app(t, res, inst, f"INFO helpdesk.imports import {job_id}: {done}/{total} rows", stream="stderr"))
        for k in range(25):
            c.logs.request(g.at(t0, seconds=30 + k * 150 + c.rng.random() * 20), res, inst, "GET", f"https://{host}/v1/imports/{job_id}", 200, 0.03,
                           user_agent=ui[0])
    shutdown = c.logs.system(g.at(c.start, minutes=86), res, inst, "Shutting down user disabled instance")
    c.logs.app(g.at(c.start, minutes=86, seconds=0.2), res, inst, "INFO:     Shutting down", stream="stderr")
    inst2 = c.logs.instance_id()
    c.logs.instance_start(g.at(c.start, minutes=101), res, inst2, "helpdesk-api-1", ready_after_s=2.2)
    c.logs.traffic(res, g.at(c.start, minutes=101), c.end, 120, [g.Route("GET", "/v1/tickets/{id}", 3, 30),
                                                               g.Route("GET", "/v1/imports/7f3a9c21be04", 1, 25)], [inst2], host, agents=ui)
    c.cards[card] = g.trello_card(card, name="CSV インポートが「処理中」のまま終わらない", board="Sora サポート運用",
                                  desc="旧システムからのチケット移行で 48,000 件の CSV をインポートしましたが、2 時間たっても「処理中」のままです。\n"
                                       "小さいファイル（12,500 件）も同じ状態です。エラー表示はありません。",
                                  created=g.at(c.end, minutes=5),
                                  comments=[(g.at(c.end, minutes=9), "kaito.yamada", "画面の進捗は 8,000 件あたりで止まっています。"),
                                            (g.at(c.end, minutes=15), "emi.fujita", "ステータス API は running を返し続けています。ログにエラーは見当たりません。")],
                                  rng=c.rng)
    c.expect = {
        "root_causes": ["background-work-outside-request"],
        "must_cite": [
            [c.cite("helpdesk/app.py", "worker = threading.Thread(target=imports.run_import"), c.cite("helpdesk/app.py", "worker.start()")],
            [f"{c.svc_name('helpdesk-api')}#template.containers[0].resources.cpuIdle"],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    assert shutdown and accepted and progress
    return c
