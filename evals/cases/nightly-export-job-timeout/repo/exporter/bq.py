import datetime

from google.cloud import bigquery

_client = bigquery.Client()


def yesterday() -> str:
    return (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


def tenants() -> list[dict]:
    return [dict(r) for r in _client.query("SELECT id, name FROM ops.tenants WHERE active").result()]


def export_rows(tenant_id: int) -> list[dict]:
    sql = "SELECT * FROM events.daily WHERE tenant_id = @t AND dt = @d"
    job = _client.query(sql, job_config=bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("t", "INT64", tenant_id),
        bigquery.ScalarQueryParameter("d", "DATE", yesterday()),
    ]))
    return [dict(r) for r in job.result(page_size=50_000)]
