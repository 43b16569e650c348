# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""scoreboard: long-polling clients fill every slot of a 3-instance cap; Cloud Run answers 429.

Story: the live scoreboard's browser widget long-polls `/api/matches/:id/poll`,
which holds each request up to 25 s waiting for a score change. The service
was capped at 3 instances x concurrency 8 to keep the Redis connection count
small. During the derby at 19:00 UTC the number of open polls passes 24 and
the platform rejects the rest with 429. Monitoring shows instance_count pinned
at 3. Nothing failed in the code itself.
"""

from __future__ import annotations

import casegen as g

SERVER_JS = '''\
const express = require("express");
const { createClient } = require("redis");

const app = express();
const redis = createClient({ url: process.env.REDIS_URL });
const POLL_WAIT_MS = 25_000;

app.get("/api/matches/:id", async (req, res) => {
  const score = await redis.hGetAll(`match:${req.params.id}`);
  res.json(score);
});

// Long poll: hold the request until the score changes or POLL_WAIT_MS passes.
app.get("/api/matches/:id/poll", async (req, res) => {
  const since = Number(req.query.version ?? 0);
  const deadline = Date.now() + POLL_WAIT_MS;
  while (Date.now() < deadline) {
    const version = Number(await redis.hGet(`match:${req.params.id}`, "version"));
    if (version > since) {
      return res.json(await redis.hGetAll(`match:${req.params.id}`));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  res.status(204).end();
});

app.get("/healthz", (_req, res) => res.send("ok"));

redis.connect().then(() => {
  const port = process.env.PORT || 8080;
  app.listen(port, () => console.log(`scoreboard listening on ${port}`));
});
'''

SERVICE_YAML = '''\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: scoreboard
  annotations:
    run.googleapis.com/ingress: all
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/maxScale: "3"
        run.googleapis.com/vpc-access-connector: projects/kickoff-live/locations/europe-west1/connectors/redis
    spec:
      containerConcurrency: 8
      timeoutSeconds: 60
      serviceAccountName: scoreboard@kickoff-live.iam.gserviceaccount.com
      containers:
        - image: europe-west1-docker.pkg.dev/kickoff-live/web/scoreboard:2.3.0
          ports:
            - containerPort: 8080
          env:
            - name: REDIS_URL
              value: redis://10.8.0.4:6379
          resources:
            limits:
              cpu: "1"
              memory: 256Mi
'''

DOCKERFILE = '''\
FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY server.js ./
CMD ["node", "server.js"]
'''


def build() -> g.Case:
    c = g.Case("live-poll-429", "scoreboard: 429s for fans during the derby",
               project="kickoff-live", region="europe-west1", target_type="service", target_name="scoreboard",
               start="2026-05-10T18:30:00Z", end="2026-05-10T20:00:00Z", lang="en")
    c.add_files({"server.js": SERVER_JS, "service.yaml": SERVICE_YAML, "Dockerfile": DOCKERFILE,
                 "package.json": '{\n  "name": "scoreboard",\n  "version": "2.3.0",\n  "dependencies": {"express": "^4.21.1", "redis": "^4.7.0"}\n}\n'})
    rev = "scoreboard-00023-wib"
    tmpl = g.template([g.container("scoreboard-1", "europe-west1-docker.pkg.dev/kickoff-live/web/scoreboard:2.3.0",
                                   memory="256Mi", env={"REDIS_URL": "redis://10.8.0.4:6379"})],
                      service_account="scoreboard@kickoff-live.iam.gserviceaccount.com", max_instances=3,
                      concurrency=8, timeout="60s",
                      vpc_access={"connector": "projects/kickoff-live/locations/europe-west1/connectors/redis"})
    c.add_service("scoreboard", [{"name": rev, "tmpl": tmpl, "created": "2026-05-02T10:12:40Z"}],
                  traffic=[(rev, 100)], creator="mara.lindqvist@kickoff-live.example", created="2025-08-01T09:00:00Z")
    res = c.res("scoreboard", rev)
    host = c.host("scoreboard")
    first = [c.logs.instance_id()]
    c.logs.instance_start(g.at(c.start, minutes=1), res, first[0], "scoreboard-1", ready_after_s=0.9)
    quiet = [g.Route("GET", "/api/matches/{id}", 3, 12), g.Route("GET", "/api/matches/{id}/poll?version=4", 2, 9000,
                                                                 {200: 0.6, 204: 0.4})]
    kickoff = g.at(c.start, minutes=30)
    c.logs.traffic(res, c.start, kickoff, 120, quiet, first, host)
    more = first + [c.logs.instance_id(), c.logs.instance_id()]
    for k, inst in enumerate(more[1:]):
        c.logs.instance_start(g.at(kickoff, seconds=20 + 40 * k), res, inst, "scoreboard-1", ready_after_s=1.1)
    busy = [g.Route("GET", "/api/matches/{id}", 2, 15), g.Route("GET", "/api/matches/{id}/poll?version=7", 5, 14000,
                                                                {200: 0.75, 204: 0.25})]
    c.logs.traffic(res, g.at(kickoff, minutes=2), c.end, 380, busy, more, host)
    rejected = []
    for _ in range(190):
        ts = g.at(kickoff, seconds=150 + c.rng.random() * 2400)
        rejected.append(c.logs.request(ts, res, None, "GET", f"https://{host}/api/matches/88{c.rng.randint(10, 12)}/poll?version=7",
                                       429, 0.001 + c.rng.random() * 0.01, text=g.TXT_NO_INSTANCE, size=0))
    # monitoring: instance_count pinned at max, 429 rate
    points_inst, points_429 = [], []
    minute = g.at(c.start)
    while minute < c.end:
        nxt = g.at(minute, minutes=1)
        active = 1 if minute < kickoff else 3
        points_inst.append((minute, nxt, active))
        points_429.append((minute, nxt, 0 if minute < g.at(kickoff, minutes=2.5) else c.rng.randint(1, 9)))
        minute = nxt
    c.timeseries.append(g.series("run.googleapis.com/container/instance_count", {"state": "active"}, c.res("scoreboard", rev),
                                 "GAUGE", "INT64", [(b, e, v) for b, e, v in points_inst]))
    c.timeseries.append(g.series("run.googleapis.com/request_count", {"response_code": "429", "response_code_class": "4xx"},
                                 c.res("scoreboard", rev), "DELTA", "INT64", points_429))
    c.expect = {
        "root_causes": ["no-available-instance"],
        "must_cite": [
            [f"run.googleapis.com/requests#{i}" for i in rejected],
            [f"{c.svc_name('scoreboard')}#template.scaling.maxInstanceCount",
             c.cite("service.yaml", 'autoscaling.knative.dev/maxScale: "3"')],
            [c.cite("server.js", "const POLL_WAIT_MS = 25_000;"), c.cite("server.js", "while (Date.now() < deadline)"),
             c.cite("service.yaml", "containerConcurrency: 8"),
             f"{c.svc_name('scoreboard')}#template.maxInstanceRequestConcurrency"],
        ],
    }
    return c
