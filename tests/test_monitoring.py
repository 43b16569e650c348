"""fetch_metrics against the replay server's timeSeries.list, plus the pure merging and percentiles."""

import shutil
from pathlib import Path

import pytest

from tools.errors import UsageError
from tools.replay.monitoring_api import parse_filter
from tools.replay.server import ReplayServer
from tools.sources import monitoring as cloud_monitoring
from tools.sources.gcp_clients import ENDPOINT_ENV
from tools.sources.monitoring import bucket_bounds, combine, fetch_metrics, percentile

CASE = Path(__file__).parent / "fixtures" / "run" / "case"
P, R = "demo", "us-central1"
START, END = "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"


@pytest.fixture(scope="module")
def server():
    with ReplayServer(CASE) as srv:
        yield srv


@pytest.fixture(autouse=True)
def endpoint(server, monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, server.url)
    monkeypatch.setattr(cloud_monitoring, "BACKOFF", 0.01)
    server.clear_faults()
    yield
    server.clear_faults()


def _points(result, name, **labels):
    return [(p["time"], p["value"]) for p in result["series"][name] if p["labels"].items() >= labels.items()]


def test_service_series_are_per_minute_merged_and_filtered(server):
    before = server.count("monitoring.timeseries.list")
    result = fetch_metrics(P, R, START, END, service="checkout")
    # both revisions' 2xx add up at 10:01; billing's 999 5xx never appear
    assert _points(result, "request_count", response_code_class="2xx")[0] == ("2026-03-01T10:01:00Z", 55)
    assert _points(result, "request_count", response_code_class="5xx") == [
        ("2026-03-01T10:02:00Z", 10),
        ("2026-03-01T10:03:00Z", 20),
    ]
    assert result["summary"]["requests_by_class"] == {"2xx": 170, "5xx": 30}
    assert result["summary"]["error_ratio_5xx"] == 0.15
    assert result["summary"]["peak_5xx_minute"] == {"time": "2026-03-01T10:03:00Z", "count": 20}
    assert result["summary"]["peak_instances"] == {"time": "2026-03-01T10:02:00Z", "count": 5}
    first = result["series"]["request_count"][0]
    assert first["raw_ref"] == "run.googleapis.com/request_count#service_name=checkout@2026-03-01T10:01:00Z"
    assert result["rates_from"] == "cloud_monitoring" and result["data_gaps"] == []
    assert server.count("monitoring.timeseries.list") - before == result["queries"] == 5  # one per series


def test_latency_percentiles_come_from_merged_distributions():
    result = fetch_metrics(P, R, START, END, service="checkout")
    latencies = dict(_points(result, "request_latencies"))
    assert latencies["2026-03-01T10:01:00Z"] == {"p50": 150.0, "p95": 195.0, "p99": 199.0, "count": 100}
    # 2xx and 5xx distributions merge: the 20 slow 5xx push p95 into the overflow bucket
    assert latencies["2026-03-01T10:02:00Z"]["count"] == 120 and latencies["2026-03-01T10:02:00Z"]["p95"] == 1600.0
    assert result["summary"]["max_memory_utilization_p99"]["time"] == "2026-03-01T10:03:00Z"
    assert result["series"]["cpu_utilization"] == []


def test_window_is_honoured():
    result = fetch_metrics(P, R, "2026-03-01T10:02:30Z", "2026-03-01T10:03:30Z", service="checkout")
    assert [t for t, _ in _points(result, "request_count")] == ["2026-03-01T10:03:00Z", "2026-03-01T10:03:00Z"]


def test_job_execution_counts():
    result = fetch_metrics(P, R, START, END, job="nightly")
    assert _points(result, "completed_execution_count") == [("2026-03-01T10:20:00Z", 1)]
    assert result["summary"]["executions_by_result"] == {"failed": 1}  # the 02-28 success is outside


def test_no_metrics_is_a_gap_pointing_at_request_logs(tmp_path, monkeypatch):
    case = tmp_path / "case"
    shutil.copytree(CASE / "run", case / "run")
    shutil.copy(CASE / "case.yaml", case / "case.yaml")
    with ReplayServer(case) as bare:
        monkeypatch.setenv(ENDPOINT_ENV, bare.url)
        result = fetch_metrics(P, R, START, END, service="checkout")
    assert result["rates_from"] == "request_logs"
    (gap,) = result["data_gaps"]
    assert gap["source"] == "cloud_monitoring" and "request logs" in gap["why_missing"]
    assert "crobs fetch-logs" in gap["follow_up"] and "--target-name checkout" in gap["follow_up"]


def test_permission_denied_is_one_gap_naming_the_role(server):
    server.inject("monitoring.timeseries.list", status=403)
    before = server.count("monitoring.timeseries.list")
    result = fetch_metrics(P, R, START, END, service="checkout")
    (gap,) = result["data_gaps"]
    assert "roles/monitoring.viewer" in gap["why_missing"] and "roles/monitoring.viewer" in gap["follow_up"]
    assert server.count("monitoring.timeseries.list") - before == 1  # stops after the first denial


def test_transient_503_is_retried(server):
    server.inject("monitoring.timeseries.list", status=503, times=1)
    result = fetch_metrics(P, R, START, END, service="checkout")
    assert result["data_gaps"] == [] and result["summary"]["requests_by_class"]["5xx"] == 30


def test_dead_endpoint_is_a_gap(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, "http://127.0.0.1:9")
    result = fetch_metrics(P, R, START, END, service="checkout")
    assert "cannot reach Cloud Monitoring" in result["data_gaps"][0]["why_missing"]


def test_bad_calls():
    with pytest.raises(UsageError, match="exactly one"):
        fetch_metrics(P, R, START, END)
    with pytest.raises(UsageError):
        fetch_metrics(P, R, END, START, service="checkout")


def test_replay_filter_parser_rejects_what_it_cannot_honour():
    assert parse_filter('metric.type = "a/b" AND resource.label.service_name = "x"') == [
        ("metric.type", "a/b"),
        ("resource.labels.service_name", "x"),
    ]
    with pytest.raises(ValueError):
        parse_filter('metric.type = "a" OR metric.type = "b"')


def test_percentiles_and_bucket_layouts():
    assert bucket_bounds({"linearBuckets": {"numFiniteBuckets": 2, "width": 10, "offset": 0}}) == [0, 10, 20]
    assert bucket_bounds({"exponentialBuckets": {"numFiniteBuckets": 2, "growthFactor": 2, "scale": 1}}) == [1, 2, 4]
    assert percentile([10, 20], [0, 4], 50) == 15.0
    assert percentile([10, 20], [], 50) is None
    spec = {"combine": "distribution", "percentiles": [50], "group_by": []}
    a = {"points": [{"interval": {"endTime": "2026-01-01T00:01:00Z"},
                     "value": {"distributionValue": {"bucketOptions": {"explicitBuckets": {"bounds": [10, 20]}},
                                                     "bucketCounts": ["0", "2"]}}}]}
    b = {"points": [{"interval": {"endTime": "2026-01-01T00:01:00Z"},
                     "value": {"distributionValue": {"bucketOptions": {"explicitBuckets": {"bounds": [10, 20]}},
                                                     "bucketCounts": ["0", "0", "2"]}}}]}
    (point,) = combine([a, b], spec)
    assert point["value"] == {"p50": 20.0, "count": 4}
