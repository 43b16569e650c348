import os

import psycopg

_DSN = os.environ["DATABASE_URL"]


def entries(account_id: str, limit: int) -> list[dict]:
    with psycopg.connect(_DSN) as conn:
        rows = conn.execute("SELECT * FROM entries WHERE account_id = %s ORDER BY posted_at DESC LIMIT %s",
                            (account_id, limit)).fetchall()
    return [dict(zip(("id", "posted_at", "description", "amount"), r)) for r in rows]


def year_entries(account_id: str, year: int):
    balance = 0
    with psycopg.connect(_DSN) as conn:
        for month in range(1, 13):
            rows = conn.execute(
                "SELECT posted_at::date, description, amount FROM entries "
                "WHERE account_id = %s AND date_part('year', posted_at) = %s AND date_part('month', posted_at) = %s "
                "ORDER BY posted_at",
                (account_id, year, month),
            )
            for posted, description, amount in rows:
                balance += amount
                yield posted, description, max(-amount, 0), max(amount, 0), balance
