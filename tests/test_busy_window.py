"""A window busier than the entry limit is still read whole where it matters (non-2xx and non-request
entries), says what it cut, and a failing window is never called healthy (points 1 and 4 of the diagnosis issue)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import tools.collect as sources
from tools.analysis.ranking import failure_signs, rank
from tools.investigate import investigate

PROJECT, SERVICE = "busy-proj", "api"


def _request(i: int, status: int, minute: int) -> dict:
    return {"insertId": f"r{i:05d}", "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "timestamp": f"2026-05-01T10:{minute:02d}:{i % 60:02d}.{i:06d}Z",
            "resource": {"type": "cloud_run_revision", "labels": {
                "service_name": SERVICE, "revision_name": "api-00001-abc", "location": "us-central1",
                "project_id": PROJECT, "configuration_name": SERVICE}},
            "severity": "ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO",
            "httpRequest": {"requestMethod": "POST", "requestUrl": "https://api.example/hook", "status": status,
                            "latency": "0.120s"}}


@pytest.fixture()
def busy_case(tmp_path: Path) -> Path:
    case = tmp_path / "busy"
    (case / "logging").mkdir(parents=True)
    entries = [_request(i, 200, i // 30) for i in range(300)]  # ten quiet minutes of 200s ...
    entries += [_request(300 + i, 429, 10 + i // 20) for i in range(40)]  # ... then two minutes of 429s
    (case / "logging" / "entries.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    (case / "case.yaml").write_text(yaml.safe_dump({
        "id": "busy", "title": "t", "lang": "en",
        "target": {"project_id": PROJECT, "region": "us-central1", "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T11:00:00Z"}}))
    return case


def test_the_errors_after_the_entry_limit_are_read_and_the_cut_is_named(busy_case, tmp_path, monkeypatch):
    # the first read stops inside the quiet 200s: without the second read the 429s are simply not there
    monkeypatch.setattr(sources, "LOG_LIMIT", 100)
    report = investigate(replay=str(busy_case), out=str(tmp_path / "out"))["report"]
    top = report["root_cause_candidates"][0]
    assert top["label"] == "no-available-instance", [c["label"] for c in report["root_cause_candidates"]]
    gap = next(g for g in report["data_gaps"] if "2xx request volume" in g["missing_signal"])
    assert "more than 100 entries" in gap["why_missing"] and "(40 more)" in gap["why_missing"]


def _traffic(bad_minutes: int) -> dict:
    attrs = {"requests": 5000, "errors": 40, "error_rate": 0.008, "bad_minutes": bad_minutes,
             "peak_minute": "2026-05-01T10:11", "peak_minute_errors": 20, "peak_minute_rate": 0.4}
    return {"id": "traffic", "type": "traffic", "attrs": attrs, "source": "cloud_logging",
            "raw_ref": "run.googleapis.com/requests#t", "timestamp": "2026-05-01T10:00:00Z", "static": False,
            "strength": 0.5, "confidence": "medium", "signal": {}, "revisions": [], "excluded": None}


def test_healthy_is_earned_not_the_default():
    """Under 1 % errors over the window, but two minutes at 40 %: not healthy, and the figure is said."""
    assert failure_signs([_traffic(0)]) == []
    (sign,) = failure_signs([_traffic(2)])
    assert sign.startswith("2 minute(s) with 5xx/429 at or above 5% (worst 2026-05-01T10:11: 20 errors, 40%)")
    assert rank([_traffic(0)])[0]["label"] == "healthy"
    code = {**_traffic(0), "id": "finding", "type": "finding", "static": True, "raw_ref": "app.py:3",
            "attrs": {"category": "background-work", "in_request_path": True}}
    assert [c["label"] for c in rank([_traffic(0), code])][:2] == ["healthy", "background-work-outside-request"]
    assert rank([_traffic(2), code])[0]["label"] == "background-work-outside-request", \
        "a low candidate, but the window had failing minutes: healthy is not the verdict"
    failed = {**_traffic(0), "id": "cond", "type": "condition", "raw_ref": "p/revisions/x#conditions[0]",
              "attrs": {"failed": True, "labels": [], "label_count": 0}}
    assert failure_signs([_traffic(0), failed]) == ["failed condition (p/revisions/x#conditions[0])"]
