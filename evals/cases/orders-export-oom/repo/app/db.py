import os

import psycopg
from psycopg.rows import dict_row

_DSN = os.environ.get("DATABASE_URL", "postgresql:///orders")


def _conn() -> psycopg.Connection:
    return psycopg.connect(_DSN, row_factory=dict_row, connect_timeout=5)


def fetch_order(order_id: int) -> dict | None:
    with _conn() as conn:
        return conn.execute("SELECT * FROM orders WHERE id = %s", (order_id,)).fetchone()


def fetch_orders(merchant_id: int, page: int, per_page: int) -> list[dict]:
    with _conn() as conn:
        return conn.execute(
            "SELECT * FROM orders WHERE merchant_id = %s ORDER BY id DESC LIMIT %s OFFSET %s",
            (merchant_id, per_page, (page - 1) * per_page),
        ).fetchall()


def fetch_month(merchant_id: int, month: str) -> list[dict]:
    with _conn() as conn:
        return conn.execute(
            "SELECT * FROM order_lines WHERE merchant_id = %s AND to_char(created_at, 'YYYY-MM') = %s",
            (merchant_id, month),
        ).fetchall()


def insert_order(payload: dict) -> dict:
    with _conn() as conn:
        return conn.execute(
            "INSERT INTO orders (merchant_id, customer_email, status) VALUES (%s, %s, 'new') RETURNING *",
            (payload["merchant_id"], payload["customer_email"]),
        ).fetchone()
