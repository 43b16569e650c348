"""Findings on the handler of the failing endpoint outrank look-alikes on healthy endpoints."""

from __future__ import annotations

from tools.analysis.endpoint_failures import handler_failure_rate, path_stats, words
from tools.analysis.evidence.build import build_items


def _request(n: int, path: str, status: int) -> dict:
    return {"timestamp": f"2026-02-12T00:{10 + n % 40:02d}:00Z", "insert_id": f"r{n}", "log_kind": "requests",
            "raw_ref": f"run.googleapis.com/requests#r{n}", "resource": {"service_name": "api"},
            "http": {"path": path, "status": status, "latency_ms": 20.0}}


RECORDS = ([_request(n, f"/v1/orders/{n}", 200) for n in range(30)]
           + [_request(100 + n, "/v1/orders/export", 500 if n % 2 else 200) for n in range(6)])


def test_words_split_identifiers_and_paths():
    assert words("exportMonth") == {"export", "month"} and words("export_month") == {"export", "month"}
    assert words("/v1/orders/export") == {"orders", "export"}


def test_a_word_on_every_path_does_not_stand_out():
    stats = path_stats(RECORDS)
    assert handler_failure_rate("export", stats) == 0.5
    assert handler_failure_rate("list_orders", stats) < 0.1
    assert handler_failure_rate(None, stats) == 0.0


def test_the_finding_on_the_failing_endpoint_is_stronger():
    findings = [{"category": "memory", "pattern": "py-result-set-in-memory", "path": "app/db.py", "line": 23,
                 "handler": "list_orders", "in_request_path": True, "snippet": "fetchall()"},
                {"category": "memory", "pattern": "py-result-set-in-memory", "path": "app/export.py", "line": 16,
                 "handler": "export", "in_request_path": True, "snippet": "rows = [...]"}]
    items = build_items({"target": {"target_name": "api"},
                         "window": {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"},
                         "records": RECORDS, "findings": findings})
    strength = {i["raw_ref"]: i["strength"] for i in items if i["type"] == "finding"}
    assert strength["app/export.py:16"] > strength["app/db.py:23"]
