"""The SQL path (DuckDB, and BigQuery through the replay server) agrees with the entries path.

Every bundled case with recorded logs is analysed both ways: the same per-minute counts, status
codes, kinds, revision rows, error templates (text and count) and signature hits. Investigations
of a representative subset (two cases, three engines each, to stay within the suite's time
budget) rank the same root-cause candidates; the SQL ones go through DuckDB directly and through
the real google-cloud-bigquery client against the replay server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.analysis.digest.analyze import analyze_jsonl
from tools.analysis.digest.sql_fold import analyze_file_sql

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p.parent.parent for p in (ROOT / "evals" / "cases").glob("*/logging/entries.jsonl"))
# cases rebuilt from public incidents: real loggers' payloads, the lines quiet.py counts in SQL (~6 s)
REAL = sorted(p.parent.parent for p in (ROOT / "evals" / "real").glob("*/logging/entries.jsonl"))


def _minutes(digest: dict) -> list:
    return digest["timeline"]["rows"]


def _templates(digest: dict) -> list:
    return sorted((t["template"], t["count"], t["first_seen"][:19], t["last_seen"][:19])
                  for t in digest["error_templates"])


def _microseconds(rows: list[dict]) -> list[dict]:
    """Times cut to microseconds: Log Analytics (BigQuery) and DuckDB timestamps hold no nanoseconds,
    while a real Cloud Run entry can carry them (2026-08-04T16:05:12.000000862Z)."""
    return [{k: (v[:26] + "Z" if k in ("first", "last") and isinstance(v, str) and len(v) > 27 else v)
             for k, v in row.items()} for row in rows]


def _hits(result: dict) -> list:
    return sorted((h["signature_id"], h["count"], h["service"]) for h in result["signature_hits"])


@pytest.mark.parametrize("case", CASES + REAL, ids=[f"{c.parent.name}/{c.name}" for c in CASES + REAL])
def test_digest_agrees_on_every_bundled_case(case: Path) -> None:
    entries = analyze_jsonl(case / "logging" / "entries.jsonl")
    sql = analyze_file_sql(str(case / "logging" / "entries.jsonl"))
    a, b = entries["digest"], sql["digest"]
    assert _minutes(a) == _minutes(b)
    for key in ("records", "by_kind", "status_codes", "log_lines_by_severity", "instances_seen"):
        assert a["totals"][key] == b["totals"][key], key
    assert [(r["revision"], r["requests"], r["4xx"], r["5xx"], r["error_logs"]) for r in a["revisions"]] == \
        [(r["revision"], r["requests"], r["4xx"], r["5xx"], r["error_logs"]) for r in b["revisions"]]
    assert _templates(a) == _templates(b)
    for key in ("instance_starts", "instance_shutdowns"):
        assert _microseconds(a[key]) == _microseconds(b[key]), key
    assert _hits(entries) == _hits(sql)
    assert a["services"] == b["services"]
    for q in ("p50_ms", "p95_ms", "p99_ms"):  # same histogram, bucket edges within 0.1 ms of rounding
        if a["latency"][q] is not None:
            assert b["latency"][q] == pytest.approx(a["latency"][q], rel=0.06)
    assert b["input"]["engine"] == "duckdb" and b["input"]["entries"] == a["totals"]["records"]


def test_cases_exist() -> None:
    assert len(CASES) >= 20 and len(REAL) >= 30  # the parametrised test above would pass vacuously without them


def _candidates(case: str, tmp_path: Path, **kwargs) -> tuple[list, str]:
    from tools.investigate import investigate

    out = tmp_path / f"{kwargs.get('engine')}-{kwargs.get('log_dataset')}"
    result = investigate(replay=str(ROOT / "evals" / "cases" / case), out=str(out), format="json", **kwargs)
    report = result["report"]
    return [(c["label"], c.get("confidence")) for c in report["root_cause_candidates"]], \
        report["incident_summary"]["window"]["note"]


@pytest.mark.parametrize("case", ["media-api-oom-and-panic", "live-poll-429"])
def test_investigation_candidates_agree(case: str, tmp_path: Path) -> None:
    entries, note_e = _candidates(case, tmp_path, engine="entries")
    duck, note_d = _candidates(case, tmp_path, engine="sql")
    bq, note_b = _candidates(case, tmp_path, engine="auto", log_dataset="replay-project.logs")
    assert entries and entries == duck == bq
    assert note_e.endswith("logs read with entries")
    assert note_d.endswith("logs read with sql (duckdb)")
    assert "logs read with sql (bigquery" in note_b and "bytes scanned" in note_b


LARGE = sorted(p.parent.parent for p in (ROOT / "evals" / ".generated").glob("*/logging/entries.jsonl"))
RUN_LARGE = os.environ.get("CROBS_LARGE_CASES") == "1"  # ~20 s a case: .ci/run sets it after generating them


@pytest.mark.skipif(not (LARGE and RUN_LARGE), reason="CROBS_LARGE_CASES=1 and evals/generate_cases.py --large "
                    "(.ci/run does both); the cases are never committed")
@pytest.mark.parametrize("case", LARGE, ids=[c.name for c in LARGE])
def test_large_generated_cases_run_through_duckdb_whole(case: Path) -> None:
    """Past the entries path's 50,000-entry cut, auto takes DuckDB, and every entry is counted."""
    from tools.case import load_case
    from tools.sources.logging.sql.fetch import choose, fetch_logs_sql

    path = case / "logging" / "entries.jsonl"
    lines = sum(1 for line in path.open("rb") if line.strip())
    assert choose("auto", dataset=None, case_file=path) == "sql"
    meta = load_case(str(case))
    target, window = meta["target"], meta["window"]
    got = fetch_logs_sql(target["target_type"], target["target_name"], str(window["start"]).replace("+00:00", "Z"),
                         str(window["end"]).replace("+00:00", "Z"), case_file=path)
    counts = got["aggregates"]["counts"]
    assert not got["truncated"] and got["aggregates"]["entries_left_out"] == 0
    assert counts["total"] > 50_000 and counts["total"] <= lines
    assert sum(r["n"] for r in got["aggregates"]["request_minutes"]) == counts["plain_requests"]
    entries, sql = analyze_jsonl(path), analyze_file_sql(str(path))
    assert sql["digest"]["totals"]["records"] == entries["digest"]["totals"]["records"] == lines
    assert _minutes(entries["digest"]) == _minutes(sql["digest"])
    assert _hits(entries) == _hits(sql)


def test_bigquery_through_the_replay_gives_duckdbs_rows_on_every_bundled_case(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real google-cloud-bigquery client (jobs.query/getQueryResults on the replay) returns the same rows.

    Every case runs the investigation's four queries; three cases also run the digest's (time budget).
    """
    from tools.replay.server import ReplayServer
    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.bigquery_engine import BigQueryEngine

    for i, case in enumerate(CASES):
        digest = i % 9 == 0
        with ReplayServer(case) as server:
            monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
            remote = read_aggregates(BigQueryEngine("replay-project.logs"), "TRUE", digest=digest)
            local = read_aggregates(server.state["bigquery.engine"], "TRUE", digest=digest)  # the same DuckDB table
        keys = ["counts", "request_minutes", "entries", "samples"]
        keys += ["request_templates", "latency_buckets", "latency_by_path", "instances"] if digest else []
        for key in keys:
            assert remote[key] == local[key], (case.name, key)
        assert remote["engine"] == "bigquery" and remote["bytes_scanned"] > 0
        assert remote["queries"] <= (8 if digest else 4)  # an investigation: at most 4 queries
