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
