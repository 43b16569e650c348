"""Nightly tenant export: one Cloud Run job task per shard of tenants."""

import logging
import os
import time

from exporter import bq, gcs

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("nightly-export")

TASK_INDEX = int(os.environ.get("CLOUD_RUN_TASK_INDEX", "0"))
TASK_COUNT = int(os.environ.get("CLOUD_RUN_TASK_COUNT", "1"))


def my_tenants(all_tenants: list[dict]) -> list[dict]:
    return [t for t in all_tenants if t["id"] % TASK_COUNT == TASK_INDEX]


def main() -> None:
    tenants = my_tenants(bq.tenants())
    log.info("task %d/%d: %d tenants", TASK_INDEX, TASK_COUNT, len(tenants))
    for tenant in tenants:
        started = time.monotonic()
        rows = bq.export_rows(tenant["id"])
        gcs.write_parquet(f"exports/{tenant['id']}/dt={bq.yesterday()}/part-0.parquet", rows)
        log.info("tenant %s exported %d rows in %.1fs", tenant["id"], len(rows), time.monotonic() - started)


if __name__ == "__main__":
    main()
