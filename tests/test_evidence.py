"""Evidence items keep their true source and exact ref, normalise settings, and mark what must not count."""

from __future__ import annotations

from tools.evidence import build_items, setting_number

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}


def test_setting_numbers_are_comparable():
    assert setting_number("memory", "512Mi") == 512
    assert setting_number("memory", "1Gi") == 1024
    assert setting_number("memory", "2G") == round(2 * 1000**3 / 2**20, 3)
    assert setting_number("cpu", "1000m") == 1.0
    assert setting_number("timeout_seconds", "300s") == 300
    assert setting_number("max_instances", "bogus") is None


def test_sources_and_refs_are_kept_and_signals_are_localised():
    items = build_items({
        "target": {"target_name": "app"}, "window": WINDOW,
        "settings": [{"setting": "cpu_throttled", "value": True, "is_default": True, "source": "repository",
                      "raw_ref": "infra/main.tf:88", "origin": "terraform"}],
        "findings": [{"category": "background-work", "path": "src/q.rs", "line": 24, "raw_ref": "src/q.rs:24",
                      "in_request_path": True, "enclosing_symbol": "spawn", "handler": "create_job",
                      "snippet": "tokio::spawn(fut)"}],
        "trello_rows": [{"timestamp": "2026-02-12T00:29:49.963Z", "source": "trello",
                         "signal": "create_job のあと処理が止まる", "raw_ref": "https://trello.com/c/Xvlu1U1f"}],
    })
    by_type = {i["type"]: i for i in items}
    assert by_type["setting"]["source"] == "repository" and by_type["setting"]["raw_ref"] == "infra/main.tf:88"
    assert "cpu_idle" in by_type["setting"]["signal"]["en"] and "既定値" in by_type["setting"]["signal"]["ja"]
    assert by_type["finding"]["raw_ref"] == "src/q.rs:24"
    assert "no durable queue" in by_type["finding"]["signal"]["en"]
    assert by_type["user_report"]["source"] == "trello"
    assert by_type["user_report"]["timestamp"] == "2026-02-12T00:29:49.963Z"
    assert all(i["excluded"] is None for i in items)


def test_idle_revision_and_superseded_declared_config_are_excluded():
    records = [{"timestamp": "2026-02-12T00:05:00Z", "insert_id": "a", "raw_ref": "run.googleapis.com/requests#a",
                "resource": {"service_name": "app", "revision_name": "app-002"},
                "http": {"status": 200, "latency_ms": 3}}]
    items = build_items({
        "target": {"target_name": "app"}, "window": WINDOW, "records": records,
        "signature_hits": [{"signature_id": "container_exit", "labels": ["container-crash"], "severity": "WARNING",
                            "count": 5, "services": ["app"], "revisions": ["app-001"],
                            "first_seen": "2026-02-12T00:10:00Z",
                            "examples": [{"raw_ref": "run.googleapis.com/varlog/system#z"}]}],
        "settings": [
            {"setting": "max_instances", "value": 1, "source": "repository", "raw_ref": "main.tf:3"},
            {"setting": "max_instances", "value": 20, "source": "cloud_run_service",
             "raw_ref": "projects/p/locations/r/services/app#template.scaling.maxInstanceCount"},
            {"setting": "memory", "value": "1Gi", "source": "repository", "raw_ref": "x.tf:1", "target_name": "api"},
        ],
    })
    reasons = {i["raw_ref"]: i["excluded"] for i in items}
    assert "served no traffic" in reasons["run.googleapis.com/varlog/system#z"]
    assert reasons["main.tf:3"] == "live config says 20"
    assert "api" in reasons["x.tf:1"]
    assert reasons["projects/p/locations/r/services/app#template.scaling.maxInstanceCount"] is None
