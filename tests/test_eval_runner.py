"""`crobs eval` end to end on a copy of the bundled sample case, then on broken copies.

Each run starts `crobs investigate --replay` in a subprocess, as a user would,
so these are the slowest tests in the suite; they run one small case only.
"""

import json
import shutil

import pytest
import yaml

from tools.evaluation.runner import main
from tools.paths import ROOT

SAMPLE = ROOT / "evals" / "cases" / "sitebookify-sample"


@pytest.fixture()
def cases(tmp_path):
    root = tmp_path / "cases"
    shutil.copytree(SAMPLE, root / "sample")
    thresholds = tmp_path / "thresholds.yaml"
    thresholds.write_text(yaml.safe_dump({"minimum": {"top1_pct": 100, "grounded_pct": 100, "valid_pct": 100},
                                          "maximum": {"errors": 0}}))
    return root, thresholds


def _expect(case_dir, **changes):
    meta = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    meta["expect"].update(changes)
    (case_dir / "case.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")


def test_the_sample_case_passes_and_results_are_written(cases, tmp_path, capsys):
    root, thresholds = cases
    out = tmp_path / "results.json"
    assert main(["--cases", str(root), "--thresholds", str(thresholds), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sitebookify-sample" in printed and "top-1 100.0%" in printed
    results = json.loads(out.read_text())
    assert results["summary"]["top1_pct"] == 100.0 and results["below_thresholds"] == []
    assert results["cases"][0]["checks"]["grounded"]["ok"] is True


def test_a_case_broken_on_purpose_fails_the_suite(cases, capsys):
    root, thresholds = cases
    # The story now claims a different cause than the evidence supports.
    _expect(root / "sample", root_causes=["memory-limit-exceeded"], must_cite=["src/app/queue.rs:1"])
    assert main(["--cases", str(root), "--thresholds", str(thresholds)]) == 1
    captured = capsys.readouterr()
    assert "✗ sitebookify-sample top1: expected top label in ['memory-limit-exceeded']" in captured.out
    assert "must_cite: expected evidence citing src/app/queue.rs:1" in captured.out
    assert "top1_pct = 0.0 is below the threshold 100" in captured.err


def test_an_unreadable_case_is_an_error_row_not_a_crash(cases, capsys):
    root, thresholds = cases
    (root / "sample" / "case.yaml").write_text("id: [unclosed\n")
    assert main(["--cases", str(root), "--thresholds", str(thresholds)]) == 1
    captured = capsys.readouterr()
    assert "ERROR:" in captured.out and "not valid YAML" in captured.out
    assert "errors = 1 is above the threshold 0" in captured.err


def test_llm_mode_without_a_key_says_it_skipped(cases, monkeypatch, capsys):
    root, _ = cases
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert main(["--cases", str(root), "--mode", "llm"]) == 0
    assert "skipped" in capsys.readouterr().err


def test_real_and_team_cases_are_reported_as_separate_sets(cases, tmp_path, capsys):
    """A case with `provenance:` is scored in the real set, with its own summary and thresholds."""
    root, _ = cases
    real = tmp_path / "real"
    shutil.copytree(SAMPLE, real / "sample-real")
    meta = yaml.safe_load((real / "sample-real" / "case.yaml").read_text(encoding="utf-8"))
    meta["id"] = "sample-real"
    meta["provenance"] = {"sources": ["https://example.com/incident"], "verbatim": [], "reconstructed": "copy"}
    meta["expect"]["root_causes"] = ["memory-limit-exceeded"]  # a miss, in the real set only
    (real / "sample-real" / "case.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    thresholds = tmp_path / "split.yaml"
    thresholds.write_text(yaml.safe_dump({"minimum": {"top1_pct": 100}, "real": {"minimum": {"top1_pct": 50}}}))
    out, table = tmp_path / "results.json", tmp_path / "table.md"
    assert main(["--cases", str(root), str(real), "--thresholds", str(thresholds), "--json", str(out),
                 "--markdown", str(table)]) == 1
    markdown = table.read_text(encoding="utf-8")
    real_part = markdown.split("## cases rebuilt from real incidents", 1)[1]
    assert "| sample-real | memory-limit-exceeded | background-work-outside-request" in real_part
    assert "| **no** |" in real_part and "sitebookify-sample" not in real_part
    captured = capsys.readouterr()
    assert "== team-written cases ==" in captured.out and "== cases rebuilt from real incidents ==" in captured.out
    assert "summary (team): 1 cases, 0 errors; top-1 100.0%" in captured.out
    assert "summary (real): 1 cases, 0 errors; top-1 0.0%" in captured.out
    assert captured.err.strip().endswith("real: top1_pct = 0.0 is below the threshold 50")
    assert "team:" not in captured.err
    results = json.loads(out.read_text())
    assert results["sets"]["team"]["top1_pct"] == 100.0 and results["sets"]["real"]["top1_pct"] == 0.0
    assert {r["id"]: r["set"] for r in results["cases"]} == {"sitebookify-sample": "team", "sample-real": "real"}


def test_a_real_case_without_its_mirror_skips_repo_expectations_and_says_so(cases, tmp_path, capsys):
    root, thresholds = cases
    sample = root / "sample"
    shutil.rmtree(sample / "repo")
    (sample / "repo.yaml").write_text("repository: YusukeShimizu/sitebookify\ncommit: " + "0" * 40 + "\nlicense: MIT\n")
    meta = yaml.safe_load((sample / "case.yaml").read_text(encoding="utf-8"))
    meta["provenance"] = {"sources": ["https://example.com/incident"], "verbatim": [], "reconstructed": "copy"}
    meta["expect"]["root_causes"] = [meta["expect"]["root_causes"][0]]
    (sample / "case.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    main(["--cases", str(root), "--thresholds", str(thresholds)])
    printed = capsys.readouterr().out
    assert "ran without their repository" in printed
    assert "repo ref(s) not judged" in printed
