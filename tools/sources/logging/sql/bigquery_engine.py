"""BigQuery over a Log Analytics linked dataset (`PROJECT.DATASET._AllLogs`), through google-cloud-bigquery.

Every aggregate is dry-run first: the bytes it would scan are added up and printed, and the read is
refused when the total is above `max_scan_bytes` (the caller raises it with --max-scan-bytes), so a
wide window never bills more than was allowed. Queries then run with `maximum_bytes_billed` set to
the same cap, so BigQuery itself enforces it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.errors import InputError, ToolError

DEFAULT_MAX_SCAN_BYTES = 10 * 1024**3  # 10 GiB: about $0.06 at on-demand prices, a day of a busy service


def human_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


class BigQueryEngine:
    """Runs the GoogleSQL aggregates on BigQuery; `plan(names)` dry-runs them all before any runs."""

    name = "bigquery"

    def __init__(self, dataset: str, *, max_scan_bytes: int = DEFAULT_MAX_SCAN_BYTES,
                 notify: Callable[[str], None] | None = None) -> None:
        from tools.sources.gcp_clients import bigquery_client
        from tools.sources.logging.sql.queries import table_name

        self.table = table_name(dataset)
        self.project = dataset.split(".", 1)[0]
        if max_scan_bytes is None or int(max_scan_bytes) <= 0:
            raise InputError("--max-scan-bytes must be a positive number of bytes")
        self.max_scan_bytes = int(max_scan_bytes)
        self.client = bigquery_client(self.project)
        self.notify = notify or (lambda _msg: None)
        self.queries = 0
        self.bytes_scanned = 0
        self.planned: dict[str, int] = {}

    def _sql(self, name: str, where: str, values: dict[str, int | str]) -> str:
        from tools.sources.logging.sql.queries import render

        return render(name, self.table, where, **values)

    def dry_run(self, sql: str) -> int:
        from google.cloud import bigquery

        job = self.client.query(sql, job_config=bigquery.QueryJobConfig(dry_run=True, use_query_cache=False))
        return int(job.total_bytes_processed or 0)

    def plan(self, where: str, names: list[str]) -> int:
        """Dry-run every aggregate; refuse when their total scan is above the cap."""
        values: dict[str, int | str] = {"limit": 1, "top": 1, "per_group": 1, "with_failed": 1}
        for name in names:
            self.planned[name] = self.dry_run(self._sql(name, where, values))
        total = sum(self.planned.values())
        self.notify(f"Log Analytics dry run: {len(names)} queries will scan {human_bytes(total)} "
                    f"(cap {human_bytes(self.max_scan_bytes)})")
        if total > self.max_scan_bytes:
            raise ToolError(f"the log queries would scan {human_bytes(total)} ({total} bytes), above "
                            f"--max-scan-bytes {self.max_scan_bytes}: narrow the window or raise --max-scan-bytes")
        return total

    def run(self, name: str, where: str, **values: int | str) -> list[dict[str, Any]]:
        from google.cloud import bigquery

        sql = self._sql(name, where, values)
        config = bigquery.QueryJobConfig(maximum_bytes_billed=self.max_scan_bytes)
        rows = self.client.query_and_wait(sql, job_config=config)
        self.queries += 1
        self.bytes_scanned += int(getattr(rows, "total_bytes_processed", None) or self.planned.get(name, 0))
        return [dict(row.items()) for row in rows]
