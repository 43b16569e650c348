"""BigQuery REST for a case: `jobs.query`, `jobs.insert` (dry runs), `jobs.get` and `jobs.getQueryResults`.

A query over any `PROJECT.DATASET._AllLogs` view is translated from GoogleSQL to DuckDB with sqlglot
and run on the case's logging/entries.jsonl loaded into the Log Analytics shape (the same DuckDB
engine the offline SQL path uses), so the real google-cloud-bigquery client is exercised end to end.
A dry run reports the entries file's size as the bytes the query would scan (an upper bound: the
real service bills only the columns read). `maximumBytesBilled` below that estimate fails the job
the way BigQuery does. Results come back in pages of PAGE_ROWS rows, so getQueryResults is used.

Route names (for `server.inject`): bigquery.jobs.query, bigquery.jobs.insert, bigquery.jobs.get,
bigquery.jobs.getQueryResults.
"""

from __future__ import annotations

import re
import uuid
import weakref
from typing import Any

from tools.replay.server import ReplayServer, Request, Response, google_error

PAGE_ROWS = 2000
_BASE = r"/bigquery/v2/projects/(?P<project>[^/]+)"
_TABLE_RE = re.compile(r"\._AllLogs`?\s", re.IGNORECASE)
_TYPES = ((bool, "BOOLEAN"), (int, "INTEGER"), (float, "FLOAT"), (str, "STRING"))


def _engine(server: ReplayServer) -> Any:
    engine = server.state.get("bigquery.engine")
    if engine is None:
        from tools.sources.logging.sql.duckdb_engine import DuckDBEngine

        if server.case_dir is None:
            raise FileNotFoundError("the replay server has no case directory")
        path = server.case_dir / "logging" / "entries.jsonl"
        engine = server.state["bigquery.engine"] = DuckDBEngine(path)
        weakref.finalize(server, engine.close)
    return engine


def _scan_bytes(server: ReplayServer) -> int:
    path = server.case_dir / "logging" / "entries.jsonl" if server.case_dir else None
    return path.stat().st_size if path is not None and path.is_file() else 0


def _field_type(values: list[Any]) -> str:
    for value in values:
        if value is None:
            continue
        for cls, name in _TYPES:
            if isinstance(value, cls):
                return name
        return "STRING"
    return "STRING"


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _run(server: ReplayServer, project: str, sql: str, max_bytes: Any) -> dict[str, Any] | Response:
    if not _TABLE_RE.search(sql + " "):
        return google_error(404, "Not found: the replay serves only PROJECT.DATASET._AllLogs (Log Analytics)")
    scanned = _scan_bytes(server)
    if max_bytes and scanned > int(max_bytes):
        return google_error(400, f"Query exceeded limit for bytes billed: {max_bytes}. {scanned} or higher required.")
    from tools.sources.logging.sql.queries import to_duckdb

    try:
        with server.lock:
            rows = _engine(server).query(to_duckdb(sql))
    except Exception as exc:  # noqa: BLE001 - any DuckDB or sqlglot error is the query's fault: a 400
        return google_error(400, f"invalidQuery: {str(exc).splitlines()[0]}")
    names = list(rows[0]) if rows else []
    fields = [{"name": n, "type": _field_type([r[n] for r in rows]), "mode": "NULLABLE"} for n in names]
    job_id = f"replay_{uuid.uuid4().hex[:16]}"
    job = {"project": project, "job_id": job_id, "fields": fields, "scanned": scanned,
           "rows": [{"f": [{"v": _cell(r[n])} for n in names]} for r in rows], "sql": sql}
    with server.lock:
        server.state.setdefault("bigquery.jobs", {})[job_id] = job
    return job


def _page(job: dict[str, Any], token: str | None, kind: str) -> dict[str, Any]:
    start = int(token or 0)
    rows = job["rows"][start:start + PAGE_ROWS]
    body: dict[str, Any] = {
        "kind": kind, "jobReference": {"projectId": job["project"], "jobId": job["job_id"], "location": "US"},
        "schema": {"fields": job["fields"]}, "totalRows": str(len(job["rows"])), "rows": rows,
        "jobComplete": True, "cacheHit": False, "totalBytesProcessed": str(job["scanned"]),
    }
    if start + PAGE_ROWS < len(job["rows"]):
        body["pageToken"] = str(start + PAGE_ROWS)
    return body


def _job_resource(job: dict[str, Any], dry_run: bool = False) -> dict[str, Any]:
    stats = {"totalBytesProcessed": str(job["scanned"]),
             "query": {"totalBytesProcessed": str(job["scanned"]), "statementType": "SELECT",
                       "totalBytesBilled": "0" if dry_run else str(job["scanned"])}}
    return {"kind": "bigquery#job", "id": f"{job['project']}:US.{job['job_id']}",
            "jobReference": {"projectId": job["project"], "jobId": job["job_id"], "location": "US"},
            "configuration": {"query": {"query": job["sql"], "useLegacySql": False}, "dryRun": dry_run},
            "status": {"state": "DONE"}, "statistics": stats}


def jobs_query(server: ReplayServer, request: Request) -> Response:
    body = request.json()
    if body.get("useLegacySql"):
        return google_error(400, "the replay answers GoogleSQL only (useLegacySql false)")
    if body.get("dryRun"):
        return Response(200, {"kind": "bigquery#queryResponse", "jobComplete": True, "schema": {"fields": []},
                              "totalBytesProcessed": str(_scan_bytes(server))})
    job = _run(server, request.params["project"], body.get("query") or "", body.get("maximumBytesBilled"))
    if isinstance(job, Response):
        return job
    return Response(200, _page(job, None, "bigquery#queryResponse"))


def jobs_insert(server: ReplayServer, request: Request) -> Response:
    body = request.json()
    config = body.get("configuration") or {}
    query = config.get("query") or {}
    if query.get("useLegacySql"):
        return google_error(400, "the replay answers GoogleSQL only (useLegacySql false)")
    project = request.params["project"]
    if config.get("dryRun"):
        if not _TABLE_RE.search((query.get("query") or "") + " "):
            return google_error(404, "Not found: the replay serves only PROJECT.DATASET._AllLogs (Log Analytics)")
        job = {"project": project, "job_id": (body.get("jobReference") or {}).get("jobId") or "dry_run",
               "scanned": _scan_bytes(server), "sql": query.get("query") or ""}
        return Response(200, _job_resource(job, dry_run=True))
    job = _run(server, project, query.get("query") or "", query.get("maximumBytesBilled"))
    if isinstance(job, Response):
        return job
    return Response(200, _job_resource(job))


def _job(server: ReplayServer, request: Request) -> dict[str, Any] | None:
    with server.lock:
        return (server.state.get("bigquery.jobs") or {}).get(request.params["job"])


def jobs_get(server: ReplayServer, request: Request) -> Response:
    job = _job(server, request)
    return Response(200, _job_resource(job)) if job else google_error(404, f"Not found: Job {request.params['job']}")


def get_query_results(server: ReplayServer, request: Request) -> Response:
    job = _job(server, request)
    if job is None:
        return google_error(404, f"Not found: Job {request.params['job']}")
    return Response(200, _page(job, request.arg("pageToken"), "bigquery#getQueryResultsResponse"))


def register(server: ReplayServer) -> None:
    server.route("bigquery.jobs.query", "POST", _BASE + r"/queries", jobs_query)
    server.route("bigquery.jobs.insert", "POST", _BASE + r"/jobs", jobs_insert)
    server.route("bigquery.jobs.get", "GET", _BASE + r"/jobs/(?P<job>[^/]+)", jobs_get)
    server.route("bigquery.jobs.getQueryResults", "GET", _BASE + r"/queries/(?P<job>[^/]+)", get_query_results)
