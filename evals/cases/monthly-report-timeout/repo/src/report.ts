import { pool } from "./db";

export interface DayTotals {
  day: string;
  sessions: number;
  conversions: number;
}

function daysOf(month: string): string[] {
  const [year, mon] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return Array.from({ length: last }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

export async function buildMonthlyReport(tenant: string, month: string) {
  const totals: DayTotals[] = [];
  const days = daysOf(month);
  for (const [i, day] of days.entries()) {
    // raw events, aggregated per day; the rollup table only covers the last 7 days
    const { rows } = await pool.query(
      "SELECT count(DISTINCT session_id) AS sessions, count(*) FILTER (WHERE kind = 'conversion') AS conversions " +
        "FROM events WHERE tenant_id = $1 AND created_at::date = $2",
      [tenant, day],
    );
    totals.push({ day, sessions: Number(rows[0].sessions), conversions: Number(rows[0].conversions) });
    console.log(JSON.stringify({ severity: "INFO", message: `report ${tenant} ${month}: day ${i + 1}/${days.length}` }));
  }
  return { tenant, month, totals };
}
