# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""payhook: a payout event with no customer throws inside an async Express handler and kills Node.

Story: the payment provider started sending `payout.paid` events, whose
`data.object.customer` is null. The async Express 4 handler does not catch,
so the rejection is unhandled and Node 20 exits with code 1. Every crash
drops the other in-flight webhooks on that instance (503) and the provider
retries, so the crash repeats through the window. The on-call linked a Trello
card in the request but it was not exported with the case.
"""

from __future__ import annotations

import casegen as g

INDEX_JS = '''\
const express = require("express");
const { verifySignature } = require("./signature");
const { handleEvent } = require("./handlers");

const app = express();
app.use(express.json({ limit: "256kb" }));

app.post("/webhooks/payment", verifySignature, async (req, res) => {
  await handleEvent(req.body);
  res.status(204).end();
});

app.get("/healthz", (_req, res) => res.send("ok"));

const port = process.env.PORT || 8080;
app.listen(port, () => console.log(JSON.stringify({ severity: "INFO", message: `payhook listening on ${port}` })));
'''

HANDLERS_JS = '''\
const { Firestore } = require("@google-cloud/firestore");

const db = new Firestore();

async function handleEvent(event) {
  const ref = db.collection("payment_events").doc(event.id);
  if ((await ref.get()).exists) {
    return; // already processed (provider retries)
  }
  switch (event.type) {
    case "charge.succeeded":
    case "charge.refunded":
    case "payout.paid": {
      const customerId = event.data.object.customer.id;
      await db.collection("customers").doc(customerId).collection("ledger").add({
        type: event.type,
        amount: event.data.object.amount,
        at: new Date(event.created * 1000),
      });
      break;
    }
    default:
      console.log(JSON.stringify({ severity: "INFO", message: `ignored event type ${event.type}` }));
  }
  await ref.set({ type: event.type, processedAt: new Date() });
}

module.exports = { handleEvent };
'''

SIGNATURE_JS = '''\
const crypto = require("node:crypto");

function verifySignature(req, res, next) {
  const secret = process.env.WEBHOOK_SIGNING_KEY;
  const given = req.get("x-provider-signature") || "";
  const expected = crypto.createHmac("sha256", secret).update(JSON.stringify(req.body)).digest("hex");
  if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return res.status(401).json({ error: "bad signature" });
  }
  next();
}

module.exports = { verifySignature };
'''

CLOUDBUILD = '''\
steps:
  - name: gcr.io/cloud-builders/docker
    args: ["build", "-t", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/payhook:$SHORT_SHA", "."]
  - name: gcr.io/cloud-builders/docker
    args: ["push", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/payhook:$SHORT_SHA"]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
    entrypoint: gcloud
    args: ["run", "deploy", "payhook", "--image", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/apps/payhook:$SHORT_SHA",
           "--region", "asia-northeast1", "--set-secrets", "WEBHOOK_SIGNING_KEY=payhook-signing-key:latest"]
'''

DOCKERFILE = '''\
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY src ./src
CMD ["node", "src/index.js"]
'''

STACK = """\
/app/src/handlers.js:14
      const customerId = event.data.object.customer.id;
                                                    ^

TypeError: Cannot read properties of null (reading 'id')
    at handleEvent (/app/src/handlers.js:14:53)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async /app/src/index.js:9:3

Node.js v20.18.1"""


def build() -> g.Case:
    c = g.Case("webhook-crash-node", "payhook: 決済 webhook が断続的に 503 になる",
               project="hanamori-pay", region="asia-northeast1", target_type="service", target_name="payhook",
               start="2026-01-27T03:00:00Z", end="2026-01-27T04:00:00Z", lang="ja",
               trello_card="https://trello.com/c/pQ7rW2kd")
    c.add_files({"src/index.js": INDEX_JS, "src/handlers.js": HANDLERS_JS, "src/signature.js": SIGNATURE_JS,
                 "cloudbuild.yaml": CLOUDBUILD, "Dockerfile": DOCKERFILE,
                 "package.json": '{\n  "name": "payhook",\n  "version": "1.12.0",\n  "main": "src/index.js",\n  "dependencies": {"@google-cloud/firestore": "^7.10.0", "express": "^4.21.1"}\n}\n'})
    rev = "payhook-00031-dov"
    tmpl = g.template([g.container("payhook-1", "asia-northeast1-docker.pkg.dev/hanamori-pay/apps/payhook:4c2e9a1",
                                   secret_env={"WEBHOOK_SIGNING_KEY": ("payhook-signing-key", "latest")})],
                      service_account="payhook@hanamori-pay.iam.gserviceaccount.com", max_instances=20)
    c.add_service("payhook", [{"name": rev, "tmpl": tmpl, "created": "2026-01-20T06:30:12Z"}], traffic=[(rev, 100)],
                  creator="700112233445@cloudbuild.gserviceaccount.com", created="2025-05-09T00:00:00Z")
    res = c.res("payhook", rev)
    host = c.host("payhook")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    hook = [g.Route("POST", "/webhooks/payment", 1, 120, {204: 0.995, 401: 0.005})]
    agent = ["PaymentProvider-Webhooks/2.0 (+https://provider.example/docs/webhooks)"]
    crashes, exits, stacks = [], [], []
    cursor = c.start
    for k in range(8):
        nxt = g.at(c.start, minutes=6 + k * 7 + c.rng.random() * 3)
        c.logs.traffic(res, cursor, nxt, 55, hook, insts, host, agents=agent)
        victim = insts[k % 2]
        stacks.append(c.logs.app(nxt, res, victim, STACK, stream="stderr", severity="ERROR"))
        exits.append(c.logs.system(g.at(nxt, seconds=0.05), res, victim, "Container called exit(1).", "WARNING"))
        crashes.append(c.logs.request(g.at(nxt, seconds=0.06), res, victim, "POST", f"https://{host}/webhooks/payment", 503,
                                      0.3, text=g.TXT_MALFORMED, user_agent=agent[0], ended=True))
        for _ in range(c.rng.randint(1, 3)):
            c.logs.request(g.at(nxt, seconds=0.06), res, victim, "POST", f"https://{host}/webhooks/payment", 503,
                           c.rng.uniform(0.05, 0.4), text=g.TXT_MALFORMED, user_agent=agent[0], ended=True)
        fresh = c.logs.instance_id()
        c.logs.instance_start(g.at(nxt, seconds=0.9), res, fresh, "payhook-1", ready_after_s=1.4)
        insts[k % 2] = fresh
        cursor = g.at(nxt, seconds=3)
    c.logs.traffic(res, cursor, c.end, 40, hook, insts, host, agents=agent)
    c.expect = {
        "root_causes": ["container-crash"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in exits] + [f"run.googleapis.com/stderr#{i}" for i in stacks],
            [c.cite("src/handlers.js", "const customerId = event.data.object.customer.id;")],
        ],
        "data_gaps": ["cloud_monitoring", "trello"],
    }
    return c
