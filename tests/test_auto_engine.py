"""`investigate --engine auto` live: count the window first, find the Log Analytics dataset, say why.

Each investigation runs live (no --replay) against a replay server over a small generated case, so
the real clients make every call: Cloud Monitoring's log_entry_count (computed by the replay from
entries.jsonl, or recorded in monitoring/timeseries.jsonl), the Logging API's buckets and links,
entries.list, and BigQuery's jobs through google-cloud-bigquery. The threshold is lowered with
CROBS_SQL_THRESHOLD instead of generating 50,000 entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.replay.server import ReplayServer

START, END = "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"
LINK = "projects/p/locations/global/buckets/_Default/links/crobs_logs"


def _case(root: Path, n: int, *, linked: bool = False, recorded: int | None = None) -> Path:
    """n request entries of service s spread evenly over the hour; optional Log Analytics files."""
    case = root / f"case{len(list(root.glob('case*')))}"
    (case / "logging").mkdir(parents=True)
    with (case / "logging" / "entries.jsonl").open("w") as fh:
        for i in range(n):
            sec = i * 3600 // n
            fh.write(json.dumps({
                "timestamp": f"2026-01-01T00:{sec // 60:02d}:{sec % 60:02d}.{i % 1000:03d}Z", "insertId": f"id{i}",
                "logName": "projects/p/logs/run.googleapis.com%2Frequests",
                "severity": "ERROR" if i % 10 == 0 else "INFO",
                "resource": {"type": "cloud_run_revision",
                             "labels": {"service_name": "s", "revision_name": "s-1", "location": "r"}},
                "httpRequest": {"status": 503 if i % 10 == 0 else 200, "latency": "0.010s",
                                "requestUrl": "https://x/a", "requestMethod": "GET"}}) + "\n")
    if linked:
        (case / "logging" / "buckets.json").write_text(json.dumps({"buckets": [
            {"name": "projects/p/locations/global/buckets/_Required", "analyticsEnabled": False},
            {"name": "projects/p/locations/global/buckets/_Default", "analyticsEnabled": True}]}))
        (case / "logging" / "links.json").write_text(json.dumps({"links": [
            {"name": LINK, "lifecycleState": "ACTIVE",
             "bigqueryDataset": {"datasetId": "bigquery.googleapis.com/projects/p/datasets/crobs_logs"}}]}))
    if recorded is not None:
        (case / "monitoring").mkdir()
        series = {"metric": {"type": "logging.googleapis.com/log_entry_count",
                             "labels": {"log": "run.googleapis.com/requests", "severity": "INFO"}},
                  "resource": {"type": "cloud_run_revision", "labels": {"service_name": "s", "location": "r"}},
                  "metricKind": "DELTA", "valueType": "INT64",
                  "points": [{"interval": {"startTime": START, "endTime": f"2026-01-01T00:{m:02d}:00Z"},
                              "value": {"int64Value": str(recorded // 10)}} for m in range(1, 11)]}
        (case / "monitoring" / "timeseries.jsonl").write_text(json.dumps(series) + "\n")
    return case


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Start a replay server over a generated case and point the clients at it (not --replay: live)."""
    servers = []

    def start(n: int, threshold: int, **files) -> ReplayServer:
        server = ReplayServer(_case(tmp_path, n, **files)).start()
        servers.append(server)
        monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
        monkeypatch.setenv("CROBS_SQL_THRESHOLD", str(threshold))
        return server

    yield start
    for server in servers:
        server.stop()


def _investigate(tmp_path: Path, out: str = "out", **kwargs) -> dict:
    from tools.investigate import investigate

    result = investigate(project="p", region="r", service="s", start=START, end=END, out=str(tmp_path / out),
                         format="json", **kwargs)
    return result["report"]


def _note(report: dict) -> str:
    return report["incident_summary"]["window"]["note"]


def _gaps(tmp_path: Path, out: str = "out") -> list[dict]:
    return json.loads((tmp_path / out / "report.json").read_text())["data_gaps"]


def test_a_window_below_the_threshold_is_read_with_entries_and_says_its_count(live, tmp_path: Path) -> None:
    server = live(300, 1000, linked=True)
    report = _investigate(tmp_path)
    assert _note(report) == "logs read with entries (log_entry_count 300 ≤ 1,000)"
    assert server.count("logging.buckets.list") == 0 and server.count("bigquery.jobs.query") == 0
    assert server.count("logging.entries.list") >= 1


def test_above_the_threshold_the_linked_dataset_is_found_and_bigquery_reads_it(live, tmp_path: Path) -> None:
    server = live(300, 100, linked=True)
    report = _investigate(tmp_path)
    note = _note(report)
    assert note.startswith("logs read with sql (bigquery, ") and "bytes scanned" in note
    assert note.endswith("; linked dataset p.crobs_logs found, log_entry_count 300 > 100)")
    assert server.count("logging.buckets.list") == 1 and server.count("logging.links.list") == 1
    assert server.count("bigquery.jobs.insert") >= 1 and server.count("bigquery.jobs.query") >= 1  # dry run, then run
    before_audit = [c for c in server.calls if c[0] == "logging.entries.list"]
    assert len(before_audit) <= 1  # only the deploy-history read: the runtime logs came from SQL
    assert not any("Log Analytics" in json.dumps(g) for g in _gaps(tmp_path))


def test_the_count_recorded_in_timeseries_wins_over_the_entries(live, tmp_path: Path) -> None:
    live(300, 1000, recorded=5000)
    assert _note(_investigate(tmp_path)).startswith("logs read with entries (log_entry_count 5,000 > 1,000; ")


def test_no_linked_dataset_reads_entries_with_a_gap_naming_the_commands(live, tmp_path: Path) -> None:
    server = live(300, 100)
    report = _investigate(tmp_path)
    assert _note(report) == ("logs read with entries (log_entry_count 300 > 100; no linked dataset: no log bucket "
                             "in project p has Log Analytics enabled)")
    assert server.count("logging.buckets.list") == 1 and server.count("bigquery.jobs.query") == 0
    gap = next(g for g in _gaps(tmp_path) if "Log Analytics" in g["missing_signal"])
    assert "300 entries" in gap["why_missing"] and "first 50,000 entries" in gap["why_missing"]
    assert "gcloud logging buckets update _Default --location=global --enable-analytics" in gap["follow_up"]
    assert "gcloud logging links create crobs_logs --bucket=_Default --location=global" in gap["follow_up"]
    assert "crobs investigate --project p --region r --service s" in gap["follow_up"]
    assert gap["follow_up"].endswith("--log-dataset p.crobs_logs")


def test_a_failed_metric_falls_back_to_an_estimate_from_the_first_page_read_once(live, tmp_path: Path) -> None:
    server = live(1500, 100_000)
    server.inject("monitoring.timeseries.list", status=403, times=1, message="permission denied")
    report = _investigate(tmp_path)
    note = _note(report)
    assert note.startswith("logs read with entries (estimate ")
    estimate = int(note.split("estimate ", 1)[1].split(" ", 1)[0].replace(",", ""))
    assert 1400 <= estimate <= 1600  # 1,000 entries in the first 2/3 of the hour
    assert "from the first page (1,000 entries up to" in note and "HTTP 403" in note and note.endswith("≤ 100,000)")
    runtime_reads = server.count("logging.entries.list") - 1  # one more read is the deploy history's
    assert runtime_reads == 2  # pages 1 and 2: the counted page is not fetched again


def test_a_failed_metric_above_the_threshold_still_finds_the_dataset(live, tmp_path: Path) -> None:
    server = live(1500, 1000, linked=True)
    server.inject("monitoring.timeseries.list", status=503, times=3)
    note = _note(_investigate(tmp_path))
    assert "linked dataset p.crobs_logs found, estimate " in note and "> 1,000)" in note
    assert server.count("bigquery.jobs.query") >= 1


def test_explicit_engines_and_a_given_dataset_skip_the_count(live, tmp_path: Path) -> None:
    server = live(300, 100, linked=True)
    assert _note(_investigate(tmp_path, engine="entries")) == "logs read with entries"
    note = _note(_investigate(tmp_path, "out2", log_dataset="p.crobs_logs"))
    assert note.startswith("logs read with sql (bigquery, ") and "found" not in note
    assert server.count("logging.buckets.list") == 0


def test_engine_sql_live_without_a_dataset_looks_for_the_linked_one(live, tmp_path: Path) -> None:
    server = live(300, 100_000, linked=True)
    note = _note(_investigate(tmp_path, engine="sql"))
    assert note.startswith("logs read with sql (bigquery, ") and note.endswith("found, --engine sql)")
    assert server.count("logging.buckets.list") == 1 and server.count("logging.links.list") == 1
    live(300, 100_000)
    assert _note(_investigate(tmp_path, "out2", engine="sql")).startswith("logs read with entries (--engine sql; "
                                                                          "no linked dataset: no log bucket")
    gap = next(g for g in _gaps(tmp_path, "out2") if "Log Analytics" in g["missing_signal"])
    assert "--engine sql without --log-dataset" in gap["why_missing"] and "links create" in gap["follow_up"]


def test_the_replay_computes_log_entry_count_for_the_requested_window(live) -> None:
    from tools.sources.logging.entry_count import metric_count

    live(300, 100)
    assert metric_count("p", "r", "service", "s", START, END) == 300
    assert metric_count("p", "r", "service", "s", START, "2026-01-01T00:30:00Z") == 150
    assert metric_count("p", None, "service", "s", START, END) == 300  # no region: no location clause
    assert metric_count("p", "r", "service", "other", START, END) is None  # no series
    assert metric_count("p", "r", "job", "s", START, END) is None


def test_the_replay_answers_buckets_and_links_the_way_the_api_shapes_them(live) -> None:
    from tools.sources.logging.linked_dataset import find_linked_dataset

    live(10, 100, linked=True)
    assert find_linked_dataset("p") == ("p.crobs_logs", "the dataset linked to log bucket _Default")
    server = live(10, 100)
    assert find_linked_dataset("p") == (None, "no log bucket in project p has Log Analytics enabled")
    server.inject("logging.buckets.list", status=403, message="denied")
    found, why = find_linked_dataset("p")
    assert found is None and "HTTP 403 (needs roles/logging.viewer)" in why
