"""request_timeline: the requests open on an instance at a moment (or at a log line), and the instance's
lifecycle around it (issue 15: matching log lines to open requests needed hand-written scripts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.cli import main
from tools.errors import UsageError
from tools.registry import call_tool

A, B = "instance-a" * 4, "instance-b" * 4
RES = {"type": "cloud_run_revision", "labels": {"service_name": "api", "revision_name": "api-00002-x",
                                                "location": "r", "project_id": "p"}}


def _entry(insert_id: str, ts: str, log: str, instance: str, **extra) -> dict:
    return {"insertId": insert_id, "timestamp": ts, "logName": f"projects/p/logs/run.googleapis.com%2F{log}",
            "resource": RES, "labels": {"instanceId": instance}, "severity": "INFO", **extra}


def _request(insert_id: str, ts: str, instance: str, latency_s: float, status: int = 200, path: str = "/x") -> dict:
    return _entry(insert_id, ts, "requests", instance, httpRequest={
        "requestMethod": "GET", "requestUrl": f"https://api.run.app{path}", "status": status,
        "latency": f"{latency_s}s"})


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    entries = [
        _entry("start-a", "2026-03-01T10:00:00Z", "varlog%2Fsystem", A,
               textPayload="Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling."),
        _entry("probe-a", "2026-03-01T10:00:02Z", "varlog%2Fsystem", A,
               textPayload='Default STARTUP TCP probe succeeded after 1 attempt for container "app" on port 8080.'),
        _request("r1", "2026-03-01T10:00:10Z", A, 30.0, 504, "/export"),   # open at 10:00:20
        _request("r2", "2026-03-01T10:00:15Z", A, 1.0),                      # done by 10:00:20
        _request("r3", "2026-03-01T10:00:18Z", B, 10.0, 200, "/other"),     # open, on the other instance
        _entry("err1", "2026-03-01T10:00:20Z", "stderr", A, severity="ERROR", textPayload="export: pool exhausted"),
        _request("r4", "2026-03-01T10:00:25Z", A, 1.0),                      # not yet started
        _entry("exit-a", "2026-03-01T10:00:40Z", "varlog%2Fsystem", A, textPayload="Container called exit(1)."),
        _request("old", "2026-03-01T09:30:00Z", A, 1.0),                     # long before
    ]
    root = tmp_path / "case"
    (root / "logging").mkdir(parents=True)
    (root / "case.yaml").write_text("target: {project_id: p, region: r, target_type: service, target_name: api}\n"
                                    "window: {start: '2026-03-01T09:00:00Z', end: '2026-03-01T11:00:00Z'}\n",
                                    encoding="utf-8")
    (root / "logging" / "entries.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return root


def _call(case: Path, **arguments) -> dict:
    return call_tool("request_timeline", {"project_id": "p", "service": "api", "replay": str(case), **arguments},
                     budget_tokens=None)


def _ids(rows: list[dict]) -> list[str]:
    return [row["raw_ref"].rsplit("#", 1)[1] for row in rows]


def test_a_log_line_gives_the_requests_open_on_its_instance_then(case):
    result = _call(case, insert_id="err1", start="2026-03-01T09:00:00Z", end="2026-03-01T11:00:00Z")
    assert result["instance_id"] == A and result["anchor"]["insert_id"] == "err1"
    assert result["at"] == "2026-03-01T10:00:20.000000Z"
    (row,) = result["open_requests"]
    assert _ids([row]) == ["r1"] and row["status"] == 504 and row["open_for_ms"] == 10_000
    assert row["end"].startswith("2026-03-01T10:00:40")
    events = [(e["event"], e["detail"]) for e in result["lifecycle"]]
    assert events == [("start", "AUTOSCALING"), ("probe_passed", None), ("shutdown", "exit:1")]
    (instance,) = result["instances"]
    assert instance["started"].startswith("2026-03-01T10:00:00") and instance["open_requests"] == 1
    assert "labels.instanceId" in result["filter"]


def test_a_moment_without_an_instance_covers_every_instance(case):
    result = _call(case, at="2026-03-01T10:00:20Z")
    assert sorted(_ids(result["open_requests"])) == ["r1", "r3"]
    assert {i["instance_id"] for i in result["instances"]} == {A, B}
    only_b = _call(case, at="2026-03-01T10:00:20Z", instance_id=B)
    assert _ids(only_b["open_requests"]) == ["r3"]


def test_after_the_exit_nothing_is_open_and_the_state_says_stopped(case):
    result = _call(case, at="2026-03-01T10:00:45Z", instance_id=A)
    assert result["open_requests"] == []
    assert result["instances"][0]["state_at"].startswith("stopped")


def test_a_short_lookback_misses_an_old_request_and_says_so(case):
    result = _call(case, at="2026-03-01T10:00:20Z", instance_id=A, lookback="5s")
    assert result["open_requests"] == [] and "5s" in result["note"]


def test_an_unknown_line_is_a_gap_and_no_anchor_is_a_usage_error(case):
    result = _call(case, insert_id="nope", at="2026-03-01T10:00:20Z")
    assert result["open_requests"] == [] and "nope" in result["data_gaps"][0]["missing_signal"]
    with pytest.raises(UsageError):
        _call(case)
    with pytest.raises(UsageError):
        _call(case, insert_id="err1")  # no time to search it in


def test_the_cli(case, capsys):
    assert main(["request-timeline", "--project-id", "p", "--service", "api", "--insert-id", "err1",
                 "--at", "2026-03-01T10:00:00Z", "--replay", str(case)]) == 0
    out = capsys.readouterr().out
    assert "1 open request(s)" in out and "requests#r1" in out and "exit(1)" in out


def test_the_timestamp_convention_is_data(monkeypatch):
    """tools/data/instance_timeline.yaml says whether a request entry's timestamp marks its start or its end."""
    from datetime import UTC, datetime

    from tools.analysis.evidence.instance_timeline import knowledge
    from tools.analysis.evidence.request_timeline import open_requests_at

    records = [{"timestamp": "2026-03-01T10:00:30Z", "instance_id": A, "raw_ref": "run.googleapis.com/requests#q",
                "resource": {"service_name": "api"}, "http": {"status": 200, "latency_ms": 20_000.0,
                                                               "method": "GET", "path": "/x"}}]
    at = datetime(2026, 3, 1, 10, 0, 20, tzinfo=UTC)
    assert knowledge()["request_timestamp"] == "start"
    assert open_requests_at(records, at)["open_requests"] == []  # it starts at 10:00:30
    monkeypatch.setitem(knowledge(), "request_timestamp", "end")
    result = open_requests_at(records, at)
    assert [r["start"][:19] for r in result["open_requests"]] == ["2026-03-01T10:00:10"]
    assert "minus its latency" in result["basis"]
