"""Ranking is deterministic, breaks ties by strength then onset, and falls back to `healthy`."""

from __future__ import annotations

import random

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}
TARGET = {"target_name": "web"}


def request(insert_id: str, status: int, ts: str, service: str = "web", revision: str = "web-001") -> dict:
    return {"timestamp": ts, "severity": "INFO", "log_kind": "requests", "insert_id": insert_id,
            "resource": {"service_name": service, "revision_name": revision}, "message": "",
            "http": {"method": "GET", "path": "/", "status": status, "latency_ms": 12.0},
            "raw_ref": f"run.googleapis.com/requests#{insert_id}"}


def setting(name: str, value, ref: str, source: str = "repository", is_default: bool = False, target=None) -> dict:
    return {"setting": name, "value": value, "raw_ref": ref, "source": source, "is_default": is_default,
            "origin": "terraform", "target_name": target}


def labels(ranked):
    return [c["label"] for c in ranked]


def test_same_evidence_in_any_order_gives_the_same_ranking():
    bundle = {
        "target": TARGET, "window": WINDOW,
        "records": [request(f"r{i}", 429 if i % 3 else 200, f"2026-02-12T00:{10 + i:02d}:00Z") for i in range(12)],
        "settings": [setting("max_instances", 1, "main.tf:10"),
                     setting("cpu_throttled", True, "main.tf:5", is_default=True),
                     setting("memory", "512Mi", "main.tf:5", is_default=True)],
        "findings": [{"category": "background-work", "path": "src/a.rs", "line": 4, "in_request_path": True,
                      "enclosing_symbol": "create", "snippet": "tokio::spawn(x)", "pattern": "tokio-spawn"}],
    }
    items = build_items(bundle)
    first = rank(items)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    second = rank(shuffled)
    assert labels(first) == labels(second)
    assert [c["score"] for c in first] == [c["score"] for c in second]
    assert first[0]["label"] == "no-available-instance" and first[0]["confidence"] == "high"
    assert [c["rank"] for c in first] == list(range(1, len(first) + 1))


def _item(id_, type_, ts, **attrs):
    return {"id": id_, "type": type_, "source": "cloud_logging", "attrs": attrs, "strength": 1.0,
            "static": False, "timestamp": ts, "excluded": None, "raw_ref": f"x#{id_}"}


def test_ties_break_by_strength_then_onset():
    late_oom = _item("a", "signature", "2026-02-12T00:30:00Z", signature_id="oom", labels=["memory-limit-exceeded"],
                     primary_label="memory-limit-exceeded", label_count=1, severity="ERROR", count=1)
    early_crash = _item("b", "signature", "2026-02-12T00:05:00Z", signature_id="exit", labels=["container-crash"],
                        primary_label="container-crash", label_count=1, severity="ERROR", count=1)
    ranked = rank([late_oom, early_crash])
    assert labels(ranked)[:2] == ["container-crash", "memory-limit-exceeded"]  # equal score: earlier onset first
    late_oom["strength"] = 1.3
    assert labels(rank([late_oom, early_crash]))[0] == "memory-limit-exceeded"  # stronger evidence wins


def test_nothing_above_low_makes_healthy_the_top_candidate():
    bundle = {"target": TARGET, "window": WINDOW,
              "records": [request(f"r{i}", 200, f"2026-02-12T00:{i:02d}:30Z") for i in range(30)],
              "settings": [setting("max_instances", 1, "main.tf:10")]}
    ranked = rank(build_items(bundle))
    assert ranked[0]["label"] == "healthy"
    assert ranked[0]["confidence"] == "medium"
    assert ranked[0]["items"] == ["traffic"]
    assert all(c["confidence"] == "low" for c in ranked[1:])
    assert "no-available-instance" in labels(ranked)


def test_other_service_and_outside_window_evidence_cannot_drive_a_candidate():
    bundle = {
        "target": TARGET, "window": WINDOW,
        "records": [request("ok", 200, "2026-02-12T00:01:00Z")],
        "signature_hits": [
            {"signature_id": "no_instance_max", "labels": ["no-available-instance"], "severity": "WARNING",
             "count": 40, "services": ["other"], "revisions": ["other-001"],
             "first_seen": "2026-02-12T00:10:00Z", "last_seen": "2026-02-12T00:20:00Z",
             "examples": [{"raw_ref": "run.googleapis.com/requests#x1", "log_kind": "requests"}]},
            {"signature_id": "oom_limit", "labels": ["memory-limit-exceeded"], "severity": "ERROR",
             "count": 9, "services": ["web"], "revisions": ["web-001"],
             "first_seen": "2026-02-12T03:00:00Z", "last_seen": "2026-02-12T03:05:00Z",
             "examples": [{"raw_ref": "run.googleapis.com/varlog/system#x2", "log_kind": "system"}]},
        ],
    }
    items = build_items(bundle)
    reasons = {i["id"]: i["excluded"] for i in items}
    assert "not web" in reasons["sig:no_instance_max:other"]
    assert "outside the window" in reasons["sig:oom_limit:web"]
    ranked = rank(items)
    assert labels(ranked) == ["healthy"]


def test_a_job_whose_executions_all_succeeded_is_healthy_unless_one_failed():
    hit = {"signature_id": "DOWNSTREAM_CONNECTION_RESET", "labels": ["downstream-dependency"], "severity": "ERROR",
           "count": 1, "services": ["sync"], "first_seen": "2026-02-12T00:10:00Z",
           "examples": [{"raw_ref": "run.googleapis.com/stderr#x", "log_kind": "stderr"}]}
    name = "projects/p/locations/r/jobs/sync/executions/sync-1"
    ok = {"name": name, "raw_ref": f"{name}#succeededCount", "failed_count": 0, "status": "succeeded",
          "succeeded_count": 10, "retried_count": 1, "completion_time": "2026-02-12T00:20:00Z"}
    bundle = {"target": {"target_name": "sync"}, "window": WINDOW, "signature_hits": [hit], "executions": [ok]}
    ranked = rank(build_items(bundle))
    assert (ranked[0]["label"], ranked[0]["confidence"]) == ("healthy", "medium")
    assert all(c["confidence"] == "low" for c in ranked[1:]) and "downstream-dependency" in labels(ranked)

    failed = {**ok, "raw_ref": f"{name}#failedCount", "failed_count": 2, "status": "failed"}
    ranked = rank(build_items({**bundle, "executions": [ok, failed]}))
    assert ranked[0]["label"] != "healthy" and ranked[0]["confidence"] != "low"
