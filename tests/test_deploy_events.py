"""Deploy history from audit logs, through google-cloud-logging against the replay server."""

from pathlib import Path

import pytest

from tools.errors import UsageError
from tools.replay.server import ReplayServer
from tools.sources.deploy_events import classify, fetch_deploy_events, summarize_events
from tools.sources.gcp_clients import ENDPOINT_ENV

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
    server.clear_faults()
    yield
    server.clear_faults()


def test_service_deploys_readiness_and_failure_in_window_plus_lead_in():
    result = fetch_deploy_events(P, R, START, END, service="checkout")
    events = result["events"]
    assert [(e["kind"], e["raw_ref"]) for e in events] == [
        ("deploy", "cloudaudit.googleapis.com/activity#dep1"),  # 20 min before start: inside the 2 h lead-in
        ("ready", "cloudaudit.googleapis.com/system_event#rdy1"),
        ("ready", "cloudaudit.googleapis.com/system_event#rdy2"),
        ("deploy", "cloudaudit.googleapis.com/activity#dep2"),
        ("failed", "cloudaudit.googleapis.com/system_event#fail1"),
    ]
    deploy, ready, _, v2, failed = events
    assert deploy["actor"] == "deployer@demo.iam.gserviceaccount.com" and deploy["timestamp"] == "2026-03-01T09:40:00Z"
    assert "ReplaceService" in deploy["method"] and v2["method"].endswith("v2.Services.UpdateService")
    assert ready["revision"] == "checkout-00002-def" and ready["ready"] is True
    assert failed["revision"] == "checkout-00003-ghi" and failed["ready"] is False
    assert "failed to start and listen on the port" in failed["message"]
    assert result["data_gaps"] == [] and result["window"]["start"] == "2026-03-01T08:00:00Z"


def test_lead_in_is_honoured_and_other_services_are_excluded():
    events = fetch_deploy_events(P, R, START, END, service="checkout", lead_in="5h")["events"]
    refs = [e["raw_ref"] for e in events]
    assert "cloudaudit.googleapis.com/activity#old1" in refs  # 07:10 is inside a 5 h lead-in
    assert not any("other1" in r for r in refs)
    short = fetch_deploy_events(P, R, START, END, service="checkout", lead_in="10m")["events"]
    assert [e["raw_ref"].split("#")[1] for e in short] == ["dep2", "fail1"]


def test_job_events():
    events = fetch_deploy_events(P, R, START, END, job="nightly")["events"]
    assert [(e["kind"], e["job"]) for e in events] == [("deploy", "nightly"), ("failed", "nightly")]
    assert events[1]["execution"] == "nightly-bbbb" and events[0]["method"].endswith("Jobs.UpdateJob")


def test_permission_denied_is_a_gap_naming_the_logging_role(server):
    server.inject("logging.entries.list", status=403)
    result = fetch_deploy_events(P, R, START, END, service="checkout")
    assert result["events"] == []
    (gap,) = result["data_gaps"]
    assert gap["source"] == "audit_log" and "roles/logging.viewer" in gap["why_missing"]
    assert "--service checkout" in gap["follow_up"]


def test_truncation_is_reported_as_a_gap():
    result = fetch_deploy_events(P, R, START, END, service="checkout", limit=2)
    assert result["truncated"] is True and "--limit 8" in result["data_gaps"][0]["follow_up"]


def test_bad_calls_are_usage_errors():
    with pytest.raises(UsageError, match="exactly one"):
        fetch_deploy_events(P, R, START, END)
    with pytest.raises(UsageError, match="exactly one"):
        fetch_deploy_events(P, R, START, END, service="a", job="b")
    with pytest.raises(UsageError):
        fetch_deploy_events(P, R, "yesterday", END, service="checkout")


def test_long_running_operations_count_once_and_deletes_are_not_deploys():
    op = {"id": "op-9"}
    base = {"logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity", "resource": {"labels": {}}}
    method = "google.cloud.run.v2.Services.UpdateService"
    entries = [
        {**base, "insertId": "a", "timestamp": "2026-01-01T00:00:00Z", "operation": {**op, "first": True},
         "protoPayload": {"methodName": method}},
        {**base, "insertId": "b", "timestamp": "2026-01-01T00:00:09Z", "operation": {**op, "last": True},
         "protoPayload": {"methodName": method}},
        {**base, "insertId": "c", "timestamp": "2026-01-01T00:01:00Z",
         "protoPayload": {"methodName": "google.cloud.run.v2.Services.DeleteService"}},
    ]
    assert [e["raw_ref"] for e in summarize_events(entries, "service")] == ["cloudaudit.googleapis.com/activity#a"]
    denied = {**entries[2], "severity": "ERROR", "protoPayload": {"methodName": method, "status": {"code": 7}}}
    assert classify(denied)["kind"] == "failed"
