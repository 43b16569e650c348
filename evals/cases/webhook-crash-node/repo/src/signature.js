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
