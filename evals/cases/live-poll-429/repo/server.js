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
