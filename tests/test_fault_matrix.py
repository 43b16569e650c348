"""The fault matrix: every source x every way its API fails, through `crobs investigate --replay`.

Each cell puts tools/replay/faults.py's front before the replay server
(CROBS_REPLAY_FAULTS=source=fault), runs the real CLI entry in-process with
short deadlines and checks what issue 16 asks: the report is written, a data
gap names the source and the cause, no traceback or `internal error`, and
the exit code is the documented one (0: a report was written, README "Exit
codes and errors"). The repository row plants unreadable, binary and huge
files in a copy of the case instead.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tools.cli import main
from tools.replay.faults import FAULTS, REPO_FAULTS, check_cell, check_repo_cell, plant

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "evals" / "cases" / "landing-cold-start"  # logs, Run config, metrics, a card and a repo
FAST = ["--request-timeout", "0.3", "--failure-budget", "1.0", "--repo-deadline", "8", "--format", "json"]

@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")  # dozens of runs in a minute: not a quota test
    monkeypatch.setenv("CROBS_BACKOFF_BASE", "0.02")
    monkeypatch.setenv("CROBS_TRELLO_BACKOFF_CAP", "0.02")
    monkeypatch.delenv("CROBS_DEBUG", raising=False)


def _investigate(case: Path, out: Path, capsys) -> tuple[int, dict, str]:
    code = main(["investigate", "--replay", str(case), "--out", str(out), *FAST])
    captured = capsys.readouterr()
    report = json.loads((out / "report.json").read_text(encoding="utf-8")) if (out / "report.json").is_file() else {}
    return code, report, captured.err


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("source", ["logging", "run", "monitoring", "trello"])
def test_api_fault_becomes_a_named_gap(source, fault, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROBS_REPLAY_FAULTS", f"{source}={fault}")
    code, report, err = _investigate(CASE, tmp_path / "out", capsys)
    assert code == 0, err
    assert report, "no report.json written"
    assert "Traceback" not in err and "internal error" not in err, err
    problem = check_cell(source, fault, report)
    assert problem is None, problem


@pytest.mark.parametrize("fault", REPO_FAULTS)
def test_hostile_repository_file_costs_that_file_not_the_report(fault, tmp_path, capsys):
    case = tmp_path / "case"
    shutil.copytree(CASE, case, symlinks=True)
    plant(case / "repo", fault)
    code, report, err = _investigate(case, tmp_path / "out", capsys)
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in err, err
    problem = check_repo_cell(report)  # the rest of the repository is still read and cited
    assert problem is None, problem


def test_a_scan_past_the_repository_deadline_is_a_named_gap(tmp_path, capsys):
    code = main(["investigate", "--replay", str(CASE), "--out", str(tmp_path / "out"), *FAST,
                 "--repo-deadline", "0.001"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    whys = [g["why_missing"] for g in report["data_gaps"] if "repository" in g["missing_signal"]]
    assert any("did not finish within 0.001 s" in w for w in whys), report["data_gaps"]
    assert report["extras"]["log_records"] > 100  # the other sources are untouched


def test_a_bad_fault_spec_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROBS_REPLAY_FAULTS", "logging=explode")
    assert main(["investigate", "--replay", str(CASE), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "logging=explode" in err and "after-first-page" in err
