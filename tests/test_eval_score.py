"""The eval scorer judges a report against a case; each check must be able to fail."""

import json

import pytest

from tools.evaluation.runner import below_thresholds, find_cases, format_table
from tools.evaluation.score import resolve_ref, score_report, summarize

SERVICE = "projects/demo/locations/us-central1/services/api"


@pytest.fixture()
def case(tmp_path):
    tmp_path = tmp_path / "cases" / "demo"
    (tmp_path / "repo" / "app").mkdir(parents=True)
    source = "import threading\n\n\nthreading.Thread(target=work).start()\n}\n"
    (tmp_path / "repo" / "app" / "main.py").write_text(source)
    (tmp_path / "logging").mkdir()
    entries = [
        {"logName": "projects/demo/logs/run.googleapis.com%2Fvarlog%2Fsystem", "insertId": "mem1"},
        {"logName": "projects/demo/logs/run.googleapis.com%2Frequests", "insertId": "req1"},
    ]
    (tmp_path / "logging" / "entries.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    (tmp_path / "run" / "services").mkdir(parents=True)
    service = {"name": SERVICE, "template": {"containers": [{"image": "x", "resources": {"limits": {"cpu": "1"}}}]}}
    (tmp_path / "run" / "services" / "api.json").write_text(json.dumps(service))
    (tmp_path / "trello" / "cards").mkdir(parents=True)
    card = {"id": "a" * 24, "shortLink": "AbC123", "actions": [{"id": "c0ffee", "type": "commentCard"}]}
    (tmp_path / "trello" / "cards" / "AbC123.json").write_text(json.dumps(card))
    (tmp_path / "case.yaml").write_text("id: demo\n")
    return {
        "id": "demo",
        "dir": str(tmp_path),
        "repo": "repo",
        "target": {},
        "window": {},
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "also": ["background-work-outside-request"],
            "not_above": ["downstream-dependency"],
            "must_cite": ["app/main.py:4", ["run.googleapis.com/varlog/system#mem1", "run.googleapis.com/stderr#x"]],
            "data_gaps": ["cloud_monitoring"],
        },
    }


def _report(labels, refs, gaps=("Cloud Monitoring metrics",), confidence="high"):
    return {
        "evidence": [{"id": f"ev-{i + 1:03d}", "raw_ref": ref} for i, ref in enumerate(refs)],
        "root_cause_candidates": [
            {"rank": i + 1, "label": label, "confidence": confidence} for i, label in enumerate(labels)
        ],
        "data_gaps": [{"missing_signal": g, "why_missing": "", "follow_up": ""} for g in gaps],
    }


GOOD_REFS = ["app/main.py:4", "run.googleapis.com/varlog/system#mem1", f"{SERVICE}#template.containers[0].image"]


def test_a_correct_report_passes_every_check(case):
    checks = score_report(case, _report(["memory-limit-exceeded", "background-work-outside-request"], GOOD_REFS), [])
    assert {k: v["ok"] for k, v in checks.items()} == {
        "valid": True, "grounded": True, "top1": True, "top3": True, "also": True,
        "not_above": True, "must_cite": True, "data_gaps": True, "healthy": None, "alarm": True,
    }


def test_each_check_fails_with_a_one_line_reason(case):
    report = _report(["downstream-dependency", "port-bind-mismatch", "memory-limit-exceeded"],
                     ["app/main.py:5", "run.googleapis.com/stderr#nope"], gaps=())
    checks = score_report(case, report, [{"pointer": "/evidence/0", "message": "bad"}])
    assert checks["valid"]["ok"] is False and "/evidence/0: bad" in checks["valid"]["why"]
    assert checks["grounded"]["ok"] is False and "only punctuation" in checks["grounded"]["why"]
    assert checks["top1"] == {"ok": False, "why": "expected top label in ['memory-limit-exceeded']; "
                              "got downstream-dependency"}
    assert checks["top3"]["ok"] is True
    assert "background-work-outside-request" in checks["also"]["why"]
    assert checks["not_above"]["ok"] is False and checks["not_above"]["why"].startswith("downstream-dependency")
    assert checks["must_cite"]["ok"] is False and "app/main.py:4" in checks["must_cite"]["why"]
    assert checks["data_gaps"]["ok"] is False and "cloud_monitoring" in checks["data_gaps"]["why"]
    assert all("\n" not in c["why"] for c in checks.values())


def test_healthy_cases_flag_confident_candidates(case):
    case["expect"] = {"root_causes": ["healthy"]}
    quiet = _report(["healthy", "cold-start-latency"], GOOD_REFS, confidence="low")
    assert score_report(case, quiet, [])["healthy"]["ok"] is True
    loud = _report(["healthy", "cold-start-latency"], GOOD_REFS, confidence="medium")
    assert "cold-start-latency(medium)" in score_report(case, loud, [])["healthy"]["why"]


@pytest.mark.parametrize(
    "ref,problem",
    [
        ("app/main.py:4", None),
        ("app/main.py:2", "blank"),
        ("app/main.py:99", "past the end"),
        ("app/missing.py:1", "does not exist"),
        ("../case.yaml:1", "does not exist"),
        ("run.googleapis.com/varlog/system#mem1", None),
        ("run.googleapis.com/stderr#mem1", "belongs to run.googleapis.com/varlog/system"),
        ("run.googleapis.com/stderr#zzz", "not in logging/entries.jsonl"),
        (f"{SERVICE}#template.containers[0].resources.limits.cpu", None),
        (f"{SERVICE}#template.containers[0].resources.limits.memory", None),  # a default: parent exists
        (f"{SERVICE}#template.containers[3].image", "does not exist"),
        (f"{SERVICE}#template.scaling.maxInstanceCount", "does not exist"),
        ("projects/demo/locations/us-central1/services/other#template", "not in the case"),
        ("https://trello.com/c/AbC123", None),
        ("https://trello.com/c/AbC123/12-slug#comment-c0ffee", None),
        ("https://trello.com/c/AbC123#comment-deadbeef", "not on card"),
        ("https://trello.com/c/Zzz999", "not in the case"),
        ("somewhere", "unrecognised"),
    ],
)
def test_refs_resolve_only_inside_the_case(case, ref, problem):
    from pathlib import Path

    why = resolve_ref(ref, Path(case["dir"]), Path(case["dir"]) / "repo")
    assert (why is None) if problem is None else (problem in why), why


def test_summary_table_and_thresholds(case):
    good = {"id": "a", "checks": score_report(case, _report(["memory-limit-exceeded"], GOOD_REFS), []),
            "seconds": 1.0, "top": "memory-limit-exceeded(high)"}
    bad = {"id": "b", "checks": None, "error": "no report.json (exit 1): boom", "seconds": 3.0}
    summary = summarize([good, bad])
    assert summary["top1_pct"] == 50.0 and summary["errors"] == 1 and summary["max_seconds"] == 3.0
    table = format_table([good, bad], summary)
    assert any(line.startswith("b ") and "ERROR: no report.json" in line for line in table.splitlines())
    assert "✗ a also:" in table
    problems = below_thresholds(summary, {"minimum": {"top1_pct": 60}, "maximum": {"errors": 0}})
    assert problems == ["top1_pct = 50.0 is below the threshold 60", "errors = 1 is above the threshold 0"]


def test_find_cases_accepts_a_case_or_a_parent(case):
    from pathlib import Path

    assert find_cases([Path(case["dir"])]) == [Path(case["dir"])]
    assert find_cases([Path(case["dir"]).parent]) == [Path(case["dir"])]


def test_a_check_no_case_has_is_not_a_failure_but_an_unknown_figure_is():
    summary = {"top1_pct": 100.0, "must_cite_pct": None}
    assert below_thresholds(summary, {"minimum": {"must_cite_pct": 96, "top1_pct": 100}}) == []
    assert below_thresholds(summary, {"minimum": {"top_1_pct": 90}}) == [
        "top_1_pct: no such figure in the summary (check evals/thresholds.yaml)"]


def test_repo_refs_are_skipped_only_when_the_repo_is_absent(case):
    """Without the materialised repo a file:line cannot be judged; log refs still are."""
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(case["dir"]) / "repo")
    case["expect"]["must_cite"] = ["app/main.py:4", ["app/main.py:9", "run.googleapis.com/varlog/system#mem1"]]
    report = _report(["memory-limit-exceeded"], ["run.googleapis.com/varlog/system#mem1"])
    checks = score_report(case, report, [])
    assert checks["must_cite"]["ok"] is True
    assert checks["must_cite"]["skipped"].startswith("1 repo ref(s) not judged")
    report = _report(["memory-limit-exceeded"], [])
    assert score_report(case, report, [])["must_cite"]["ok"] is False


def test_a_failing_window_called_healthy_is_counted(case):
    checks = score_report(case, _report(["healthy", "memory-limit-exceeded"], GOOD_REFS), [])
    assert checks["alarm"] == {"ok": False, "why": "a failing window was called healthy"}
    summary = summarize([{"id": "x", "checks": checks, "seconds": 1.0, "error": None}])
    assert summary["healthy_on_failing"] == 1
