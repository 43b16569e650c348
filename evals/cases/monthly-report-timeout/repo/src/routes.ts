import { Router } from "express";
import { pool } from "./db";
import { buildMonthlyReport } from "./report";

export const routes = Router();

routes.get("/api/tenants/:tenant/summary", async (req, res, next) => {
  try {
    const { rows } = await pool.query("SELECT * FROM tenant_summary WHERE tenant_id = $1", [req.params.tenant]);
    res.json(rows[0] ?? {});
  } catch (err) {
    next(err);
  }
});

routes.get("/api/reports/monthly", async (req, res, next) => {
  try {
    const report = await buildMonthlyReport(String(req.query.tenant), String(req.query.month));
    res.json(report);
  } catch (err) {
    next(err);
  }
});
