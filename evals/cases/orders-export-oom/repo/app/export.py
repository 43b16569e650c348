"""Monthly order export for the finance team."""

import csv
import io
import logging

from app import db

log = logging.getLogger(__name__)

COLUMNS = ["order_id", "created_at", "customer_email", "sku", "quantity", "unit_price", "currency", "status"]


def export_month(merchant_id: int, month: str) -> str:
    log.info("export start merchant=%s month=%s", merchant_id, month)
    rows = [dict(row) for row in db.fetch_month(merchant_id, month)]  # every order line of the month
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key) for key in COLUMNS})
    path = f"/tmp/orders-{merchant_id}-{month}.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())
    log.info("export done merchant=%s rows=%d", merchant_id, len(rows))
    return path
