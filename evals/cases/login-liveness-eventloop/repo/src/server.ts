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
