# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""accounts-api: a routine deploy and ordinary traffic; the reported slowness is not in the evidence.

Story: support opened a Trello card because one customer said login was slow
"yesterday evening". The hour in question contains a routine deploy that went
fine (Ready True in 9 s, rollout instances started cleanly, the old revision
drained), a handful of 401s from wrong passwords, and normal latencies. No
monitoring was exported. A correct report calls the window healthy and names
the missing monitoring data.
"""

from __future__ import annotations

import casegen as g

APP_PY = '''\
import logging
import os

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from accounts import passwords, sessions

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
app = FastAPI(title="accounts-api")
SESSION_TTL = int(os.environ.get("SESSION_TTL_SECONDS", "3600"))


class Login(BaseModel):
    email: str
    password: str


@app.post("/v1/login")
async def login(body: Login) -> dict:
    user = await passwords.verify(body.email, body.password)
    if user is None:
        raise HTTPException(401, "invalid credentials")
    return {"token": await sessions.issue(user["id"], SESSION_TTL)}


@app.get("/v1/me")
async def me(token: str) -> dict:
    user = await sessions.lookup(token)
    if user is None:
        raise HTTPException(401, "session expired")
    return user
'''

CLOUDBUILD = '''\
steps:
  - name: gcr.io/cloud-builders/docker
    args: ["build", "-t", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/accounts-api:$SHORT_SHA", "."]
  - name: gcr.io/cloud-builders/docker
    args: ["push", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/accounts-api:$SHORT_SHA"]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
    entrypoint: gcloud
    args: ["run", "deploy", "accounts-api", "--image", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/accounts-api:$SHORT_SHA",
           "--region", "asia-northeast1", "--min-instances", "1", "--cpu-boost"]
'''


def build() -> g.Case:
    card = "Zt8nKp3c"
    c = g.Case("accounts-healthy-ja", "accounts-api: 昨夕ログインが遅かったという問い合わせ",
               project="komorebi-id", region="asia-northeast1", target_type="service", target_name="accounts-api",
               start="2026-10-05T09:00:00Z", end="2026-10-05T10:00:00Z", lang="ja", trello_card=f"https://trello.com/c/{card}")
    c.add_files({"accounts/__init__.py": "", "accounts/app.py": APP_PY, "cloudbuild.yaml": CLOUDBUILD,
                 "accounts/passwords.py": "import bcrypt\n\nfrom accounts import db\n\n\nasync def verify(email: str, password: str) -> dict | None:\n    user = await db.user_by_email(email)\n    if user and bcrypt.checkpw(password.encode(), user[\"hash\"]):\n        return user\n    return None\n",
                 "Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY accounts ./accounts\nCMD exec uvicorn accounts.app:app --host 0.0.0.0 --port $PORT\n",
                 "requirements.txt": "fastapi==0.115.6\nuvicorn==0.32.1\nbcrypt==4.2.1\nasyncpg==0.30.0\n"})
    sa = "accounts-api@komorebi-id.iam.gserviceaccount.com"
    img = "asia-northeast1-docker.pkg.dev/komorebi-id/apps/accounts-api:"
    old, new = "accounts-api-00064-sif", "accounts-api-00065-duk"
    deploy_at = g.at(c.start, minutes=24, seconds=31)

    def tmpl(tag: str) -> dict:
        return g.template([g.container("accounts-api-1", img + tag, boost=True)], service_account=sa, min_instances=1, max_instances=20)

    builder = "330044556677@cloudbuild.gserviceaccount.com"
    c.add_service("accounts-api", [
        {"name": old, "tmpl": tmpl("c19e0aa"), "created": "2026-09-28T06:00:00Z", "active": False},
        {"name": new, "tmpl": tmpl("7ad2f13"), "created": g.fmt_s(deploy_at)},
    ], traffic=[(new, 100)], creator="haruto.ito@komorebi.example", created="2025-01-15T00:00:00Z", last_modifier=builder)
    host = c.host("accounts-api")
    r_old, r_new = c.res("accounts-api", old), c.res("accounts-api", new)
    routes = [g.Route("POST", "/v1/login", 2, 180, {200: 0.97, 401: 0.03}), g.Route("GET", "/v1/me?token=t", 6, 15, {200: 0.99, 401: 0.01})]
    i_old = [c.logs.instance_id(), c.logs.instance_id()]
    c.logs.traffic(r_old, c.start, g.at(deploy_at, seconds=15), 240, routes, i_old, host, agents=["komorebi-app/4.1 (iOS)", "komorebi-app/4.1 (Android)"])
    c.logs.audit(deploy_at, c.res("accounts-api"), method="google.cloud.run.v1.Services.ReplaceService", principal=builder,
                 resource_name="namespaces/komorebi-id/services/accounts-api",
                 user_agent="google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy environment/GCE")
    i_new = [c.logs.instance_id(), c.logs.instance_id()]
    for k, inst in enumerate(i_new):
        c.logs.instance_start(g.at(deploy_at, seconds=4 + k * 2), r_new, inst, "accounts-api-1", reason=g.ROLLOUT, ready_after_s=2.6)
        c.logs.app(g.at(deploy_at, seconds=6 + k * 2), r_new, inst, "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)", stream="stderr")
    c.logs.ready_event(g.at(deploy_at, seconds=11), r_new, new, True, "Deploying revision succeeded in 9.12s.")
    for inst in i_old:
        c.logs.app(g.at(deploy_at, seconds=75), r_old, inst, "INFO:     Shutting down", stream="stderr")
        c.logs.app(g.at(deploy_at, seconds=75.2), r_old, inst, "INFO:     Finished server process [1]", stream="stderr")
        c.logs.system(g.at(deploy_at, seconds=76), r_old, inst, "Shutting down user disabled instance")
    c.logs.traffic(r_new, g.at(deploy_at, seconds=12), c.end, 300, routes, i_new, host, agents=["komorebi-app/4.1 (iOS)", "komorebi-app/4.1 (Android)"])
    c.cards[card] = g.trello_card(card, name="ログインが遅いとの問い合わせ（10/5 夕方）", board="Komorebi サポート",
                                  desc="お客様から「10/5 18時台（JST）にログインが遅かった」と問い合わせがありました。\n"
                                       "アプリ版 4.1 / iOS。エラー表示はなし。念のため調査をお願いします。",
                                  created=g.at(c.end, hours=20),
                                  comments=[(g.at(c.end, hours=21), "aoi.mori", "社内で再現を試みましたが再現しませんでした。"),
                                            (g.at(c.end, hours=22), "haruto.ito", "同時間帯にデプロイがありました（accounts-api）。影響があったか確認お願いします。")],
                                  rng=c.rng)
    c.expect = {"root_causes": ["healthy"], "not_above": ["bad-deploy-regression", "graceful-shutdown-missing"],
                "data_gaps": ["cloud_monitoring"]}
    return c
