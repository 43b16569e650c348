"""The SQL engines' edges: exported files, bounds, the auto choice, the scan cap and bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tools.errors import InputError
from tools.sources.logging.sql.queries import AGGREGATES, render, table_name, to_duckdb, where_clause

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "evals" / "cases" / "media-api-oom-and-panic"


def _request(i: int, status: int = 200) -> dict:
    return {"timestamp": f"2026-01-01T00:{i // 1000 % 60:02d}:{i % 60:02d}.000001Z", "insertId": f"id{i}",
            "logName": "projects/p/logs/run.googleapis.com%2Frequests", "severity": "INFO",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "s", "revision_name": "s-1"}},
            "httpRequest": {"status": status, "latency": "0.010s", "requestUrl": "https://x/a", "requestMethod": "GET"}}


def test_every_aggregate_translates_to_duckdb_against_the_local_table() -> None:
    where = where_clause("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "service", "svc")
    for name in AGGREGATES:
        sql = render(name, table_name("proj-123.logs"), where, limit=5, top=5, per_group=2, with_failed=1,
                     after_ts="'2026-01-01T00:00:00Z'", after_id="'x'")
        assert "`proj-123.logs._AllLogs`" in sql
        duck = to_duckdb(sql)
        assert "_AllLogs" in duck and "proj-123" not in duck


def test_the_where_clause_takes_validated_values_only() -> None:
    with pytest.raises(InputError):
        where_clause(None, None, "service", "x' OR TRUE --")
    with pytest.raises(InputError):
        where_clause("yesterday")
    with pytest.raises(InputError):
        table_name("not a dataset")
    assert where_clause() == "TRUE"


def test_a_gcloud_json_array_reads_like_json_lines(tmp_path: Path) -> None:
    from tools.analysis.digest.analyze import analyze_logs

    lines = [json.loads(x) for x in (CASE / "logging" / "entries.jsonl").read_text().splitlines() if x.strip()]
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(lines, indent=1))
    from_array = analyze_logs(str(exported))  # auto: an array is read in SQL
    from_lines = analyze_logs(str(CASE), engine="entries")
    assert from_array["digest"]["input"]["engine"] == "duckdb"
    assert from_array["digest"]["timeline"] == from_lines["digest"]["timeline"]
    assert from_array["digest"]["totals"]["records"] == len(lines)


def test_a_window_past_the_entries_bound_is_counted_whole_and_auto_picks_sql(tmp_path: Path) -> None:
    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine
    from tools.sources.logging.sql.fetch import choose

    path = tmp_path / "entries.jsonl"
    with path.open("w") as fh:
        for i in range(3000):
            fh.write(json.dumps(_request(i, 503 if i % 10 == 0 else 200)) + "\n")
    with DuckDBEngine(path) as engine:
        agg = read_aggregates(engine, "TRUE", entry_limit=100, sample_limit=200)
    assert sum(r["n"] for r in agg["request_minutes"]) == 3000
    assert len(agg["entries"]) == 100 and agg["entries_left_out"] == 200
    assert 0 < len(agg["samples"]) <= 200 and agg["samples_left_out"] == 2700 - len(agg["samples"])
    assert choose("auto", dataset=None, case_file=path) == "entries"
    from tools.sources.logging.sql import fetch

    fetch.AUTO_THRESHOLD, saved = 1000, fetch.AUTO_THRESHOLD
    try:
        assert choose("auto", dataset=None, case_file=path) == "sql"
    finally:
        fetch.AUTO_THRESHOLD = saved
    assert choose("auto", dataset="p.d", case_file=None) == "sql"


def test_the_scan_cap_refuses_before_any_query_runs_and_results_page(tmp_path: Path) -> None:
    from tools.replay.server import ReplayServer
    from tools.sources.logging.sql.bigquery_engine import BigQueryEngine

    (tmp_path / "logging").mkdir()
    with (tmp_path / "logging" / "entries.jsonl").open("w") as fh:
        for i in range(3000):
            fh.write(json.dumps(_request(i)) + "\n")
    with ReplayServer(tmp_path) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CROBS_GCP_ENDPOINT", server.url)
        engine = BigQueryEngine("proj.logs", max_scan_bytes=1000)
        with pytest.raises(Exception, match="max-scan-bytes"):
            engine.plan("TRUE", ["counts", "entries"])
        assert server.count("bigquery.jobs.insert") == 2 and server.count("bigquery.jobs.query") == 0
        ok = BigQueryEngine("proj.logs", max_scan_bytes=10**9)
        assert ok.run("counts", "TRUE")[0]["total"] == 3000
        rows = ok.run("sample_requests", "TRUE", limit=5000, per_group=5000)
        assert len(rows) == 3000 and server.count("bigquery.jobs.getQueryResults") >= 1
        assert ok.bytes_scanned > 0


def test_a_file_that_is_not_log_json_is_a_one_line_error(tmp_path: Path) -> None:
    import subprocess

    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01binary")
    out = subprocess.run([sys.executable, "-m", "tools.cli", "analyze-logs", str(bad), "--engine", "sql"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "Traceback" not in out.stderr and "binary file" in out.stderr


def test_an_investigation_on_a_log_dataset_costs_four_queries(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from collections import Counter

    from tools.investigate import investigate
    from tools.replay.server import ReplayServer

    with ReplayServer(CASE) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CROBS_GCP_ENDPOINT", server.url)
        result = investigate(project="hikari-photo", region="asia-northeast1", service="gallery-api",
                             start="2026-12-06T11:00:00Z", end="2026-12-06T12:00:00Z", log_dataset="hikari-photo.logs",
                             out=str(tmp_path), format="json")
        calls = Counter(name for name, _, _ in server.calls)
    assert calls["logging.entries.list"] <= 5
    assert calls["bigquery.jobs.query"] == 4 and calls["bigquery.jobs.insert"] == 4  # 4 queries, 4 free dry runs
    assert "bytes scanned" in result["report"]["incident_summary"]["window"]["note"]
    assert "Log Analytics dry run: 4 queries will scan" in capsys.readouterr().err


def test_entries_past_the_bound_still_count_in_the_digest(tmp_path: Path) -> None:
    from tools.analysis.digest.analyze import analyze_jsonl
    from tools.analysis.digest.sql_fold import analyze_aggregates
    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine

    path = tmp_path / "entries.jsonl"
    with path.open("w") as fh:
        for i in range(2000):
            entry = _request(i, 500 if i % 7 == 0 else 200)
            if i % 3 == 0:
                del entry["httpRequest"]
                entry.update(logName="projects/p/logs/run.googleapis.com%2Fstderr", textPayload=f"boom {i}",
                             severity="ERROR" if i % 2 else "WARNING")
            fh.write(json.dumps(entry) + "\n")
    with DuckDBEngine(path) as engine:
        agg = read_aggregates(engine, "TRUE", entry_limit=50, samples=False)
    assert agg["entries_left_out"] > 500 and agg["rest_logs"]
    sql, entries = analyze_aggregates(agg)["digest"], analyze_jsonl(path)["digest"]
    for key in ("records", "by_kind", "log_lines_by_severity", "status_codes"):
        assert sql["totals"][key] == entries["totals"][key], key
    assert sql["timeline"] == entries["timeline"]
    assert sql["input"]["entries_left_out"] == agg["entries_left_out"] and sql["error_templates_sql"]


def test_duckdb_derives_the_json_fields_once_and_streams_the_entries_it_would_return(tmp_path: Path) -> None:
    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine
    from tools.sources.logging.sql.rows import entry_of

    path = tmp_path / "entries.jsonl"
    with path.open("w") as fh:
        for i in range(300):
            entry = _request(i, 503 if i % 5 == 0 else 200)
            entry["labels"] = {"instanceId": f"inst{i % 3}"}
            if i % 4 == 0:
                entry["resource"]["labels"]["service_name"] = "other"
                entry["jsonPayload"] = {"message": f"slow {i}", "n": i}
            fh.write(json.dumps(entry) + "\n")
    with DuckDBEngine(path) as engine:
        for name in ("counts", "request_minutes", "instances", "latency_by_path"):  # no per-query JSON look-ups
            assert "JSON_VALUE" not in engine._sql(name, "TRUE", {"limit": 10, "top": 5}).upper(), name
        whole = [entry_of(r) for r in engine.run("entries", "TRUE", limit=1000, with_failed=0)]
        streamed: list = []
        agg = read_aggregates(engine, "TRUE", on_entry=streamed.append)
        only_s = engine.run("counts", where_clause(None, None, "service", "s"))[0]
        logs_view = engine.query("SELECT count(*) AS n FROM _AllLogs")[0]["n"]
    assert len(whole) == 75 and streamed == whole and agg["entries_streamed"] == 75
    assert agg["counts"]["total"] == 300 and {r["instance"] for r in agg["instances"]} == {"inst0", "inst1", "inst2"}
    assert only_s["total"] == 225 and logs_view == 300


def test_a_digest_only_engine_keeps_no_evidence_columns_of_plain_requests(tmp_path: Path) -> None:
    """analyze-logs' lean load: the digest is the same, the full-schema view is absent rather than half empty."""
    import duckdb

    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine

    path = tmp_path / "entries.jsonl"
    path.write_text("".join(json.dumps(_request(i, 503 if i % 4 == 0 else 200)) + "\n" for i in range(40)))
    with DuckDBEngine(path) as full, DuckDBEngine(path, lean=True) as lean:
        assert full.query("SELECT count(resource) AS n FROM _logs WHERE plain") == [{"n": 40}]
        assert lean.query("SELECT count(resource) AS n FROM _logs WHERE plain") == [{"n": 0}]
        assert [read_aggregates(e, "TRUE", samples=False)["request_minutes"] for e in (full, lean)] == \
            [read_aggregates(full, "TRUE", samples=False)["request_minutes"]] * 2
        with pytest.raises(duckdb.CatalogException):
            lean.query("SELECT count(*) FROM _AllLogs")
