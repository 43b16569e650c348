"""A replayed case answers a query outside its recorded window with 0 records AND a data gap that says so
(issue 15: it returned 0 records and no gap, which reads as "nothing happened then")."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tools.cli import main
from tools.collect import replay_env

CASE = Path(__file__).resolve().parents[1] / "evals" / "cases" / "pricing-port-bind"
META = yaml.safe_load((CASE / "case.yaml").read_text(encoding="utf-8"))


def _fetch(capsys, start: str, end: str) -> dict:
    argv = ["fetch-logs", "--project-id", META["target"]["project_id"], "--target-type", "service",
            "--target-name", META["target"]["target_name"], "--start", start, "--end", end, "--json"]
    with replay_env(str(CASE)):
        assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_a_query_after_the_recorded_window_gets_a_gap_naming_it(capsys):
    result = _fetch(capsys, "2026-02-19T05:00:00Z", "2026-02-19T06:00:00Z")
    assert result["records"] == []
    (gap,) = result["data_gaps"]
    assert "outside the recorded window 2026-02-18T05:00:00Z–2026-02-18T06:00:00Z" in gap["why_missing"]
    assert "--start 2026-02-18T05:00:00Z --end 2026-02-18T06:00:00Z" in gap["follow_up"]


def test_a_query_before_it_too_and_the_text_output_shows_the_gap(capsys):
    argv = ["fetch-logs", "--project-id", META["target"]["project_id"], "--target-type", "service",
            "--target-name", META["target"]["target_name"], "--start", "2026-02-17T00:00:00Z",
            "--end", "2026-02-18T05:00:00Z"]  # ends where the recording starts (end is exclusive)
    with replay_env(str(CASE)):
        assert main(argv) == 0
    out = capsys.readouterr().out
    assert "0 records" in out and "outside the recorded window" in out


def test_a_query_inside_or_overlapping_has_no_such_gap(capsys):
    inside = _fetch(capsys, "2026-02-18T05:00:00Z", "2026-02-18T05:10:00Z")
    overlapping = _fetch(capsys, "2026-02-18T04:00:00Z", "2026-02-18T05:10:00Z")
    assert inside["records"] and inside["data_gaps"] == []
    assert len(overlapping["records"]) == len(inside["records"]) and overlapping["data_gaps"] == []


def test_an_empty_answer_inside_the_window_is_not_called_outside(capsys):
    result = _fetch(capsys, "2026-02-18T05:00:00Z", "2026-02-18T05:00:00.5Z")
    assert result["records"] == [] and result["data_gaps"] == []
