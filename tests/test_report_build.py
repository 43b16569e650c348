"""The built report is valid, short, numbered in citation order, and names every gap with its command."""

from __future__ import annotations

from datetime import UTC, datetime

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.report.build import PER_CANDIDATE, build_report, select_evidence
from tools.report.validate import validate

START = datetime(2026, 2, 12, 0, 0, tzinfo=UTC)
END = datetime(2026, 2, 12, 1, 0, tzinfo=UTC)
TARGET = {"project_id": "demo", "region": "us-central1", "target_type": "service", "target_name": "web"}


def request(i: int, status: int, service: str = "web") -> dict:
    return {"timestamp": f"2026-02-12T00:{i % 60:02d}:{i % 59:02d}Z", "insert_id": f"r{i}",
            "raw_ref": f"run.googleapis.com/requests#r{i}", "log_kind": "requests",
            "resource": {"service_name": service, "revision_name": f"{service}-001"},
            "http": {"status": status, "latency_ms": 20.0}}


def bundle(**extra) -> dict:
    base = {"target": TARGET, "window": {"start": START, "end": END}}
    return base | extra


def build(items, lang="en", gaps=None, **kw):
    return build_report(target=TARGET, start=START, end=END, items=items, candidates=rank(items),
                        data_gaps=gaps or [], lang=lang, **kw)


def test_many_findings_become_a_short_numbered_table():
    findings = [{"category": "background-work", "path": f"src/m{i}.rs", "line": i + 1, "in_request_path": True,
                 "enclosing_symbol": f"f{i}", "snippet": "tokio::spawn(x)"} for i in range(300)]
    settings = [{"setting": "cpu_throttled", "value": True, "is_default": True, "source": "repository",
                 "raw_ref": "main.tf:9"},
                {"setting": "memory", "value": "512Mi", "is_default": True, "source": "repository",
                 "raw_ref": "main.tf:9"}]
    items = build_items(bundle(findings=findings, settings=settings,
                               records=[request(i, 429 if i % 4 == 0 else 200) for i in range(400)]))
    report = build(items)
    assert validate(report) == []
    assert 5 <= len(report["evidence"]) <= 15
    assert [r["id"] for r in report["evidence"]] == [f"ev-{n:03d}" for n in range(1, len(report["evidence"]) + 1)]
    by_label = {c["label"]: c for c in report["root_cause_candidates"]}
    assert report["root_cause_candidates"][0]["label"] == "no-available-instance"
    assert "not seen: mechanism (code), condition (config)" in by_label["no-available-instance"]["rationale"]
    background = by_label["background-work-outside-request"]
    assert "mechanism (code) ev-" in background["rationale"] and "condition (config) ev-" in background["rationale"]
    # measured symptoms outrank inference: with request logs in hand, code and config alone stay low
    assert "confidence low: runtime data exists and shows no symptom of this cause" in background["rationale"]
    refs = {r["raw_ref"] for r in report["evidence"]}
    assert "main.tf:9" in refs  # the condition row is shown, default memory included as context
    assert any("512Mi" in r["signal"] for r in report["evidence"])
    assert report["incident_summary"]["user_visible_impact"].startswith("HTTP 429 on 100 of 400")


def test_excluded_items_never_reach_the_table():
    items = build_items(bundle(records=[request(i, 500, service="other") for i in range(50)]
                               + [request(i, 200) for i in range(50)],
                               signature_hits=[{"signature_id": "OOM_LIMIT", "labels": ["memory-limit-exceeded"],
                                                "severity": "ERROR", "count": 9, "services": ["other"],
                                                "first_seen": "2026-02-12T00:10:00Z",
                                                "examples": [{"raw_ref": "run.googleapis.com/varlog/system#o"}]}]))
    report = build(items)
    assert validate(report) == []
    assert all(r["raw_ref"] != "run.googleapis.com/varlog/system#o" for r in report["evidence"])
    assert report["root_cause_candidates"][0]["label"] == "healthy"
    assert report["incident_summary"]["current_status"] == "healthy"
    assert report["fix_plan"]["immediate"] == []


def test_gaps_name_their_source_and_keep_the_command_and_japanese_prose():
    items = build_items(bundle(settings=[{"setting": "max_instances", "value": 1, "source": "repository",
                                          "raw_ref": "variables.tf:4"}]))
    gaps = [{"source": "cloud_logging", "missing_signal": "runtime logs", "why_missing": "project unknown",
             "follow_up": "crobs fetch-logs --project-id PROJECT_ID --service web --start 2026-02-12T00:00:00Z"},
            {"source": "cloud_logging", "missing_signal": "runtime logs", "why_missing": "project unknown",
             "follow_up": "duplicate"}]
    report = build(items, lang="ja", gaps=gaps, profile="demo", related_task="https://trello.com/c/abc")
    assert validate(report) == []
    assert report["data_gaps"] == [{"missing_signal": "`cloud_logging`: runtime logs", "why_missing": "project unknown",
                                    "follow_up": gaps[0]["follow_up"]}]
    assert report["title"] == "インシデントレポート: web"
    assert report["incident_summary"]["current_status"] == "unknown"
    assert "最大インスタンス数" in report["evidence"][0]["signal"]
    assert report["profile"] == "demo" and report["related_task"] == "https://trello.com/c/abc"


def test_each_candidate_gets_a_row_even_when_the_top_one_has_many():
    cands = [{"rank": 1, "label": "a", "kinds": {"mechanism": [f"m{i}" for i in range(20)]}},
             {"rank": 2, "label": "b", "kinds": {"condition": ["c"]}}]
    items = [{"id": f"m{i}", "strength": 1.0 - i / 100} for i in range(20)] + [{"id": "c", "strength": 0.1}]
    chosen = [i["id"] for i in select_evidence(cands, items, max_rows=15)]
    budget = PER_CANDIDATE[1]
    assert chosen[:budget] == [f"m{i}" for i in range(budget)]
    assert chosen[budget] == "c"


def test_current_status_follows_the_last_sighting_not_the_first():
    def oom(last):
        return build_items(bundle(signature_hits=[{
            "signature_id": "OOM_LIMIT", "labels": ["memory-limit-exceeded"], "severity": "ERROR", "count": 9,
            "services": ["web"], "first_seen": "2026-02-12T00:05:00Z", "last_seen": last,
            "examples": [{"raw_ref": "run.googleapis.com/varlog/system#o", "timestamp": "2026-02-12T00:05:00Z"}]}]))
    assert build(oom("2026-02-12T00:58:00Z"))["incident_summary"]["current_status"] == "ongoing"
    assert build(oom("2026-02-12T00:06:00Z"))["incident_summary"]["current_status"] == "resolved"


def test_within_a_kind_the_item_the_rule_weighs_most_is_cited_first():
    items = [{"id": "generic", "strength": 1.0}, {"id": "singled-out", "strength": 0.8}]
    cand = {"rank": 1, "label": "a", "kinds": {"condition": ["generic", "singled-out"]},
            "weights": {"generic": 0.6, "singled-out": 1.2}}
    assert [i["id"] for i in select_evidence([cand], items)][:2] == ["singled-out", "generic"]
    del cand["weights"]  # without the rule's weights, item strength alone decides
    assert [i["id"] for i in select_evidence([cand], items)][:2] == ["generic", "singled-out"]
