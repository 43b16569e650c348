"""Instance timelines (issue 13 point 5): symptoms only a per-instance join shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tools.analysis.evidence.instance_timeline import build_timelines, symptoms, timeline_items
from tools.analysis.ranking import rank
from tools.analysis.rules import load_rules

T0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)


def _ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _rec(at: float, instance: str, message: str = "", *, kind: str = "stdout", status: int | None = None,
         latency_ms: float = 20.0, severity: str = "INFO", revision: str = "svc-00001-abc", ref: str = "") -> dict:
    record: dict[str, Any] = {
        "timestamp": _ts(at), "severity": severity, "log_kind": kind, "log_name": f"run.googleapis.com/{kind}",
        "resource": {"service_name": "svc", "revision_name": revision}, "instance_id": instance,
        "message": message, "raw_ref": ref or f"run.googleapis.com/{kind}#{instance}-{at}", "http": None,
    }
    if status is not None:
        record.update(log_kind="requests", log_name="run.googleapis.com/requests",
                      http={"status": status, "latency_ms": latency_ms})
        record["raw_ref"] = ref or f"run.googleapis.com/requests#{instance}-{at}"
    return record


def _kinds(records: list[dict]) -> dict[str, dict]:
    return {row["kind"]: row for row in symptoms(records, "svc")}


def test_timeline_joins_start_probe_ready_requests_and_shutdown() -> None:
    records = [
        _rec(0, "i1", "Starting new instance. Reason: AUTOSCALING - Instance started due to traffic.", kind="system"),
        _rec(2, "i1", 'Default STARTUP TCP probe succeeded after 1 attempt for container "c" on port 8080.',
             kind="system"),
        _rec(3, "i1", "Server listening on port 8080"),
        _rec(10, "i1", status=200),
        _rec(60, "i1", "Container terminated on signal 15.", kind="system"),
    ]
    tl = build_timelines(records)["i1"]
    assert tl["start_reason"] == "AUTOSCALING"
    assert tl["probe_passed"] == T0 + timedelta(seconds=2)
    assert tl["ready"] == T0 + timedelta(seconds=3)
    assert len(tl["requests"]) == 1 and tl["end_kind"] == "signal:15"


def test_requests_queued_while_the_app_loads_after_a_passing_probe() -> None:
    records = [_rec(0, "i1", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               _rec(1, "i1", "[9] [INFO] Listening at: http://0.0.0.0:8080 (9)", kind="stderr"),
               _rec(2, "i1", 'Default STARTUP TCP probe succeeded after 1 attempt for container "c" on port 8080.',
                    kind="system")]
    records += [_rec(5 + i, "i1", status=504, latency_ms=300_000) for i in range(6)]
    records += [_rec(200, "i1", "[11] [INFO] Application startup complete.", kind="stderr"),
                _rec(210, "i1", status=200)]
    row = _kinds(records)["starting_requests"]
    assert row["count"] == 6 and row["failed"] == 6 and row["probe_before_ready"] == 1
    assert row["failed_share"] == 1.0  # every 5xx of the window landed on an instance still starting


def test_lines_between_requests_count_as_work_outside_the_request_and_starved_durations() -> None:
    records = [_rec(0, "i1", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               _rec(1, "i1", "loaded lookup data in 60ms"), _rec(1.1, "i1", "Server listening on port 8080"),
               _rec(10, "i1", status=200, latency_ms=30)]
    records += [_rec(100 + 60 * i, "i1", "loaded lookup data in 19s") for i in range(3)]
    records += [_rec(130 + 60 * i, "i1", "cron failed: context canceled", severity="ERROR") for i in range(2)]
    row = _kinds(records)["outside_request"]
    assert row["count"] == 5 and row["warnings"] == 2 and row["starved"] == 3
    assert row["examples"][0].endswith("-100")  # starved lines first, then the failing ones
    assert row["examples"][1].endswith("-160")


def test_a_line_written_during_a_request_is_not_outside_it() -> None:
    records = [_rec(0, "i1", "Server listening on port 8080"), _rec(100, "i1", status=200, latency_ms=5000),
               _rec(103, "i1", "handled", severity="ERROR")]
    assert "outside_request" not in _kinds(records)


def test_cut_responses_on_the_old_revision_after_a_newer_one_serves() -> None:
    cut = "Truncated response body. Usually implies that the request timed out or the application exited"
    records = [_rec(0, "old1", status=200, revision="svc-00001-aaa"),
               _rec(100, "new1", status=200, revision="svc-00002-bbb")]
    records += [_rec(110 + i, "old1", cut, status=200, revision="svc-00001-aaa") for i in range(4)]
    row = _kinds(records)["rollout_cut"]
    assert row["count"] == 4 and row["revisions"] == ["svc-00001-aaa"]


def test_slow_requests_on_warm_instances_are_split_from_starting_ones() -> None:
    records = [_rec(0, "i1", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               _rec(1, "i1", "Server listening on port 8080")]
    records += [_rec(100 + i, "i1", status=201, latency_ms=3500) for i in range(25)]
    row = _kinds(records)["slow_by_phase"]
    assert row["warm"] == 25 and row["starting"] == 0 and row["warm_share"] == 1.0


def _setting(name: str, value: Any) -> dict[str, Any]:
    from tools.analysis.evidence.build import setting_items

    return setting_items([{"setting": name, "value": value, "is_default": False, "source": "cloud_run_service",
                           "raw_ref": f"projects/p/locations/r/services/svc#{name}", "origin": "api",
                           "target_name": "svc"}], _ts(0))[0]


def test_background_work_is_ranked_from_failing_lines_between_requests_when_cpu_is_throttled() -> None:
    records = [_rec(0, "i1", "Server listening on port 8080")]
    records += [_rec(100 + 30 * i, "i1", status=200) for i in range(20)]
    records += [_rec(110 + 30 * i, "i1", "running cron job: context canceled", severity="ERROR") for i in range(25)]
    items = timeline_items(records, "svc") + [_setting("cpu_throttled", True)]
    ranked = rank(items, load_rules())
    assert ranked[0]["label"] == "background-work-outside-request"
    assert ranked[0]["confidence"] == "high"


def test_start_up_explains_timeouts_on_instances_whose_probe_passed_too_early() -> None:
    records = [_rec(0, "i1", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               _rec(2, "i1", 'Default STARTUP TCP probe succeeded after 1 attempt for container "c" on port 8080.',
                    kind="system"),
               _rec(0, "i2", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               _rec(2, "i2", 'Default STARTUP TCP probe succeeded after 1 attempt for container "c" on port 8080.',
                    kind="system")]
    for inst in ("i1", "i2"):
        records += [_rec(5 + i, inst, status=504, latency_ms=300_000) for i in range(4)]
        records += [_rec(200, inst, "Application startup complete.", kind="stderr")]
    from tools.analysis.evidence.runtime import request_items

    items = timeline_items(records, "svc") + request_items(records, "svc")
    ranked = rank(items, load_rules(), limit=20)
    assert ranked[0]["label"] == "cold-start-latency"
    timeout = next(c for c in ranked if c["label"] == "request-timeout")
    assert timeout["kinds"].get("against")  # the start-up argues against a plain request timeout


def test_an_instance_that_wedges_after_its_first_timeout_is_stuck() -> None:
    records = [_rec(0, "i1", status=200), _rec(5, "i1", status=200)]
    records += [_rec(10 + i, "i1", status=504, latency_ms=300_000) for i in range(4)]
    records += [_rec(0, "i2", status=200), _rec(5, "i2", status=504, latency_ms=300_000), _rec(9, "i2", status=200)]
    row = _kinds(records)["stuck_instances"]
    assert row["instances"] == 1 and row["count"] == 4  # i2 recovered after its timeout: not stuck


def test_starting_failures_on_normally_fast_routes_are_the_first_examples() -> None:
    def req(at: float, inst: str, path: str, status: int, latency: float) -> dict:
        ref = f"run.googleapis.com/requests#{inst}-{path}-{at}"
        record = _rec(at, inst, status=status, latency_ms=latency, ref=ref)
        record["http"]["path"], record["http"]["method"] = path, "GET"
        return record

    records = [_rec(0, "i1", "Starting new instance. Reason: AUTOSCALING", kind="system"),
               req(5, "i1", "/calculate", 504, 300_000), req(6, "i1", "/metadata", 504, 300_000),
               _rec(100, "i1", "Application startup complete.", kind="stderr"),
               req(200, "w1", "/calculate", 200, 60_000), req(201, "w1", "/metadata", 200, 50)]
    row = _kinds(records)["starting_requests"]
    assert row["examples"][0].endswith("/metadata-6")  # queued behind start-up, not slow by itself


def test_a_tcp_startup_probe_is_cited_beside_a_cold_start_whose_probe_passed_too_early() -> None:
    from tools.analysis.evidence.runtime import request_items

    records = []
    for inst in ("i1", "i2"):
        records += [_rec(0, inst, "Starting new instance. Reason: AUTOSCALING", kind="system"),
                    _rec(2, inst, 'Default STARTUP TCP probe succeeded after 1 attempt for container "c" on port 8080.',
                         kind="system")]
        records += [_rec(5 + i, inst, status=504, latency_ms=300_000) for i in range(4)]
        records += [_rec(200, inst, "Application startup complete.", kind="stderr")]
    probe = _setting("startup_probe", {"tcpSocket": {"port": 8080}, "timeoutSeconds": 240})
    items = timeline_items(records, "svc") + request_items(records, "svc") + [probe]
    top = rank(items, load_rules())[0]
    assert top["label"] == "cold-start-latency" and probe["id"] in top["items"]


def test_an_instance_that_stops_mid_work_without_a_shutdown_line_vanished_with_work() -> None:
    records = [_rec(60 * i, "keep", status=200) for i in range(40)]  # the window goes on for 40 minutes
    records += [_rec(10 + i, "gone", status=202, latency_ms=300) for i in range(3)]
    records += [_rec(60 + 30 * i, "gone", "compiling job") for i in range(4)]  # work after the responses
    row = _kinds(records)["vanished_with_work"]
    assert row["count"] == 3 and row["instances"] == 1
    records.append(_rec(300, "gone", "Container terminated on signal 15.", kind="system"))
    assert "vanished_with_work" not in _kinds(records)  # a logged termination is a shutdown we saw
