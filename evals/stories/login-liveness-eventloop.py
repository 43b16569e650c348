# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""auth-gateway: synchronous bcrypt at cost 14 blocks the Node event loop; the liveness probe kills instances.

Story: last week the password hashing cost was raised from 10 to 14 via an
env var. Login uses `bcrypt.compareSync`, which now takes ~1 s of CPU on the
event loop per login. At the Monday 09:00 JST login peak each instance has
dozens of logins queued, `/healthz` cannot answer within the probe's 1 s
timeout, and after 3 failures Cloud Run shuts the instance down; every
in-flight request on it fails with 503. There is no crash and no OOM; the
process is healthy but blocked.
"""

from __future__ import annotations

import casegen as g

SERVER_TS = '''\
import express from "express";
import bcrypt from "bcryptjs";
import { findUser, issueToken } from "./users";

const app = express();
app.use(express.json());

app.get("/healthz", (_req, res) => res.send("ok"));

app.post("/v1/login", async (req, res) => {
  const user = await findUser(req.body.email);
  if (!user || !bcrypt.compareSync(req.body.password, user.passwordHash)) {
    return res.status(401).json({ error: "invalid credentials" });
  }
  res.json({ token: await issueToken(user.id) });
});

app.post("/v1/password", async (req, res) => {
  const cost = Number(process.env.BCRYPT_COST ?? 10);
  const hash = bcrypt.hashSync(req.body.newPassword, cost);
  res.status(204).end();
  void hash;
});

const port = Number(process.env.PORT ?? 8080);
app.listen(port, () => console.log(`auth-gateway listening on ${port}`));
'''

USERS_TS = '''\
import { Firestore } from "@google-cloud/firestore";
import { randomBytes } from "node:crypto";

const db = new Firestore();

export async function findUser(email: string) {
  const snap = await db.collection("users").where("email", "==", email).limit(1).get();
  return snap.empty ? null : (snap.docs[0].data() as { id: string; passwordHash: string });
}

export async function issueToken(userId: string) {
  const token = randomBytes(24).toString("base64url");
  await db.collection("sessions").doc(token).set({ userId, createdAt: Date.now() });
  return token;
}
'''

SERVICE_YAML = '''\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: auth-gateway
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/maxScale: "20"
    spec:
      containerConcurrency: 80
      serviceAccountName: auth-gateway@yuzu-id.iam.gserviceaccount.com
      containers:
        - image: asia-northeast1-docker.pkg.dev/yuzu-id/svc/auth-gateway:3.2.0
          env:
            - name: BCRYPT_COST
              value: "14"
          resources:
            limits:
              cpu: "1"
              memory: 512Mi
          livenessProbe:
            httpGet:
              path: /healthz
            periodSeconds: 10
            timeoutSeconds: 1
            failureThreshold: 3
'''


def build() -> g.Case:
    c = g.Case("login-liveness-eventloop", "auth-gateway: 朝のログインピークで 503 が多発",
               project="yuzu-id", region="asia-northeast1", target_type="service", target_name="auth-gateway",
               start="2027-02-01T23:45:00Z", end="2027-02-02T01:00:00Z", lang="ja")
    c.add_files({"src/server.ts": SERVER_TS, "src/users.ts": USERS_TS, "service.yaml": SERVICE_YAML,
                 "Dockerfile": "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npx tsc -p .\nCMD [\"node\", \"dist/server.js\"]\n",
                 "package.json": '{\n  "name": "auth-gateway",\n  "version": "3.2.0",\n  "dependencies": {"@google-cloud/firestore": "^7.10.0", "bcryptjs": "^2.4.3", "express": "^4.21.1"}\n}\n'})
    rev = "auth-gateway-00041-beh"
    live = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3}
    tmpl = g.template([g.container("auth-gateway-1", "asia-northeast1-docker.pkg.dev/yuzu-id/svc/auth-gateway:3.2.0",
                                   env={"BCRYPT_COST": "14"}, liveness_probe=live)],
                      service_account="auth-gateway@yuzu-id.iam.gserviceaccount.com", max_instances=20, concurrency=80)
    c.add_service("auth-gateway", [{"name": rev, "tmpl": tmpl, "created": "2027-01-26T05:10:00Z"}], traffic=[(rev, 100)],
                  creator="rin.aoki@yuzu.example", created="2025-03-03T00:00:00Z")
    res = c.res("auth-gateway", rev)
    host = c.host("auth-gateway")
    agents = ["yuzu-app/5.0 (iOS)", "yuzu-app/5.0 (Android)"]
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    quiet = [g.Route("POST", "/v1/login", 1, 1100, {200: 0.95, 401: 0.05})]
    peak = g.at(c.start, minutes=15)
    c.logs.traffic(res, c.start, peak, 90, quiet, insts, host, agents=agents)
    busy = [g.Route("POST", "/v1/login", 1, 9000, {200: 0.95, 401: 0.05})]
    probes, cut = [], []
    for k in range(7):
        t0 = g.at(peak, minutes=3 + k * 7.5, seconds=c.rng.random() * 60)
        victim = insts[k % 2]
        c.logs.traffic(res, g.at(t0, minutes=-6), t0, 55, busy, [victim], host, agents=agents)
        probes.append(c.logs.system(t0, res, victim, 'LIVENESS HTTP probe failed 3 times consecutively for container "auth-gateway-1" on port 8080 path "/healthz". The instance has been shut down.', "ERROR"))
        c.logs.system(g.at(t0, seconds=10.1), res, victim, "Container terminated on signal 9.", "WARNING")
        for _ in range(c.rng.randint(12, 25)):
            cut.append(c.logs.request(g.at(t0, seconds=10.1), res, victim, "POST", f"https://{host}/v1/login", 503,
                                      c.rng.uniform(2, 25), text=g.TXT_MALFORMED, ended=True, user_agent=c.rng.choice(agents)))
        fresh = c.logs.instance_id()
        c.logs.instance_start(g.at(t0, seconds=10.6), res, fresh, "auth-gateway-1", ready_after_s=0.9)
        c.logs.app(g.at(t0, seconds=11.3), res, fresh, "auth-gateway listening on 8080")
        insts[k % 2] = fresh
    c.logs.traffic(res, g.at(c.end, minutes=-8), c.end, 40, quiet, insts, host, agents=agents)
    c.expect = {
        "root_causes": ["startup-probe-failure", "concurrency-overload"],
        "not_above": ["container-crash", "memory-limit-exceeded"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in probes],
            [c.cite("src/server.ts", "bcrypt.compareSync(req.body.password, user.passwordHash)"),
             c.cite("service.yaml", 'value: "14"')],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
