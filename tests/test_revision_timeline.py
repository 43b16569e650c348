"""Revision timeline: settings diffs between revisions and serving periods."""

import json
from pathlib import Path

import pytest

from tools.errors import InputError
from tools.replay.server import ReplayServer
from tools.sources.gcp_clients import ENDPOINT_ENV
from tools.sources.run import cloud_run as cloud_run
from tools.sources.run.revision_timeline import build_timeline, diff_settings, revision_timeline

CASE = Path(__file__).parent / "fixtures" / "run" / "case"
RUN = CASE / "run"
P, R = "demo", "us-central1"


def _json(kind, name):
    return json.loads((RUN / kind / f"{name}.json").read_text())


REVS = [_json("revisions", "checkout-00002-def"), _json("revisions", "checkout-00001-abc")]  # out of order


def _changes(timeline):
    (step,) = timeline["changes"]
    return step, {c["setting"]: c for c in step["changes"]}


def test_two_revisions_are_ordered_and_diffed():
    timeline = build_timeline(REVS, _json("services", "checkout"))
    assert [r["revision"] for r in timeline["revisions"]] == ["checkout-00001-abc", "checkout-00002-def"]
    step, by = _changes(timeline)
    assert (step["from"], step["to"]) == ("checkout-00001-abc", "checkout-00002-def")
    assert step["at"] == "2026-03-01T09:40:02Z"
    assert by["image"]["before"].endswith("sha256:aaaa") and by["image"]["after"].endswith("sha256:bbbb")
    assert (by["memory"]["before"], by["memory"]["after"]) == ("512Mi", "256Mi")
    assert by["memory"]["raw_ref"].endswith("checkout-00002-def#containers[0].resources.limits.memory")
    assert (by["concurrency"]["before"], by["concurrency"]["after"]) == (80, 200)
    assert by["env_names"]["added"] == ["NEW_FLAG", "API_KEY"] and by["env_names"]["removed"] == []
    assert by["secret_refs"]["added"][0]["secret"] == "projects/demo/secrets/api-key"
    for unchanged in ("timeout_seconds", "max_instances", "cpu", "cpu_throttled", "startup_probe"):
        assert unchanged not in by


def test_serving_periods_follow_latest_ready_without_logs():
    periods = build_timeline(REVS, _json("services", "checkout"))["serving_periods"]
    assert periods == [
        {"revision": "checkout-00001-abc", "start": "2026-02-20T09:00:30Z", "end": "2026-03-01T09:41:05Z",
         "basis": "latest_ready"},
        {"revision": "checkout-00002-def", "start": "2026-03-01T09:41:05Z", "end": None, "basis": "latest_ready"},
    ]
    events = [{"kind": "ready", "revision": "checkout-00002-def", "timestamp": "2026-03-01T09:41:00Z"}]
    periods = build_timeline(REVS, _json("services", "checkout"), events)["serving_periods"]
    assert periods[1]["start"] == "2026-03-01T09:41:00Z"  # a System Event beats the condition time


def test_pinned_traffic_and_request_usage():
    service = {**_json("services", "checkout"),
               "trafficStatuses": [{"type": 2, "revision": "checkout-00001-abc", "percent": 100}]}
    timeline = build_timeline(REVS, service)
    assert timeline["traffic_now"][0]["revision"] == "checkout-00001-abc"
    assert [(p["revision"], p["basis"]) for p in timeline["serving_periods"]] == [
        ("checkout-00001-abc", "service_traffic")
    ]
    usage = {"checkout-00002-def": {"first_seen": "2026-03-01T09:42:00Z", "last_seen": "2026-03-01T10:50:00Z"}}
    periods = build_timeline(REVS, service, None, usage)["serving_periods"]
    assert periods[0] == {"revision": "checkout-00002-def", "start": "2026-03-01T09:42:00Z",
                          "end": "2026-03-01T10:50:00Z", "basis": "request_logs"}


def test_diff_of_identical_settings_is_empty():
    from tools.sources.run.config import settings

    same = settings(REVS[0], "revision")
    assert diff_settings(same, same) == []


@pytest.fixture(scope="module")
def server():
    with ReplayServer(CASE) as srv:
        yield srv


@pytest.fixture
def live(server, monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, server.url)
    monkeypatch.setattr(cloud_run, "RETRY_TIMEOUT", 0.5)
    server.clear_faults()
    yield server
    server.clear_faults()


def test_tool_takes_serving_periods_from_metrics_in_one_call(live):
    logs, metrics = live.count("logging.entries.list"), live.count("monitoring.timeseries.list")
    result = revision_timeline(P, R, "checkout", start="2026-03-01T09:00:00Z", end="2026-03-01T11:00:00Z")
    _, by = _changes(result)
    assert "memory" in by and "image" in by
    assert [(p["revision"], p["start"], p["end"], p["requests"], p["basis"]) for p in result["serving_periods"]] == [
        ("checkout-00001-abc", "2026-03-01T10:01:00Z", "2026-03-01T10:01:00Z", 5, "cloud_monitoring"),
        ("checkout-00002-def", "2026-03-01T10:01:00Z", "2026-03-01T10:04:00Z", 195, "cloud_monitoring"),
    ]
    assert live.count("monitoring.timeseries.list") - metrics == 1
    assert live.count("logging.entries.list") - logs == 0


def test_tool_falls_back_to_request_log_probes_without_metrics(live):
    live.inject("monitoring.timeseries.list", status=403)
    before = live.count("logging.entries.list")
    result = revision_timeline(P, R, "checkout", start="2026-03-01T09:00:00Z", end="2026-03-01T11:00:00Z")
    assert [(p["revision"], p["start"], p["end"], p["basis"]) for p in result["serving_periods"]] == [
        ("checkout-00001-abc", "2026-03-01T09:30:00Z", "2026-03-01T09:41:30Z", "request_logs"),
        ("checkout-00002-def", "2026-03-01T09:42:00Z", "2026-03-01T10:50:00Z", "request_logs"),
    ]
    assert live.count("logging.entries.list") - before == 4  # two one-entry probes per revision
    assert result["data_gaps"] == []


def test_tool_failures(live):
    with pytest.raises(InputError, match="service nope not found in project demo, region us-central1"):
        revision_timeline(P, R, "nope")
    live.inject("run.revisions.list", status=403)
    result = revision_timeline(P, R, "checkout")
    assert result["revisions"] == [] and "roles/run.viewer" in result["data_gaps"][0]["why_missing"]
    live.clear_faults()
    live.inject("logging.entries.list", status=403)
    live.inject("monitoring.timeseries.list", status=403)
    result = revision_timeline(P, R, "checkout", start="2026-03-01T09:00:00Z", end="2026-03-01T11:00:00Z")
    assert result["changes"] and result["serving_periods"][0]["basis"] == "latest_ready"
    assert result["data_gaps"][0]["source"] == "cloud_logging"
