"""`crobs eval` end to end on a copy of the bundled sample case, then on broken copies.

Each run starts `crobs investigate --replay` in a subprocess, as a user would,
so these are the slowest tests in the suite; they run one small case only.
"""

import json
import shutil

import pytest
import yaml

from tools.eval_runner import main
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
