"""The answer check of the LLM pass, without a model: parsing, provenance of added rows, kept fields."""

from __future__ import annotations

import copy
import json

import pytest

from tools.llm.answer import check_answer, parse_answer
from tools.llm.provenance import ToolLedger
from tools.paths import ROOT
from tools.report.parse import parse_markdown

SAMPLE = ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md"
REF = "run.googleapis.com/requests#abc123def456"


@pytest.fixture(scope="module")
def sample():
    return parse_markdown(SAMPLE.read_text(encoding="utf-8"), source=str(SAMPLE))


def _with_row(report, **row):
    out = copy.deepcopy(report)
    n = len(out["evidence"]) + 1
    out["evidence"].append({"id": f"ev-{n:03d}", "timestamp": "2026-02-12T00:00:00Z", "source": "cloud_logging",
                            "signal": "a request", "confidence": "low", "raw_ref": REF, **row})
    return out


@pytest.mark.parametrize(("answer", "value", "problem"), [
    ('Here it is: {"a": 1} (and {more})', {"a": 1}, None),
    ('```json\n{"a": {"b": 2}}\n```', {"a": {"b": 2}}, None),
    ('{"a": ', None, "not valid JSON"),
    ("no idea", None, "no JSON object"),
    ("[1, 2]", None, "no JSON object"),
])
def test_the_answer_is_the_first_json_object(answer, value, problem):
    parsed, why = parse_answer(answer)
    assert parsed == value
    assert (why is None) if problem is None else (problem in why)


def test_a_row_traced_through_the_side_map_to_a_tool_result_is_accepted(sample):
    ledger = ToolLedger()
    ledger.record("toolu_1", "fetch_logs", [json.dumps({"records": [{"raw_ref": REF}]})], False)
    answer = {"report": _with_row(sample), "evidence_sources": {f"ev-{len(sample['evidence']) + 1:03d}": "toolu_1"}}
    report, errors = check_answer(json.dumps(answer), sample, ledger)
    assert errors == [] and report["evidence"][-1]["raw_ref"] == REF and "evidence_sources" not in report


def test_a_row_with_no_source_or_a_known_id_pointing_elsewhere_is_rejected(sample):
    ledger = ToolLedger()
    ledger.record("toolu_1", "fetch_logs", ['{"records": []}'], False)
    _, errors = check_answer(json.dumps(_with_row(sample)), sample, ledger)
    assert any("has no tool_call_id" in e["message"] for e in errors)
    moved = copy.deepcopy(sample)
    moved["evidence"][0]["raw_ref"] = REF  # an existing id whose reference the model swapped
    _, errors = check_answer(json.dumps(moved), sample, ledger)
    assert errors and errors[0]["pointer"] == "/evidence/0/raw_ref"


def test_fields_the_model_may_not_change_are_restored(sample):
    changed = copy.deepcopy(sample)
    changed["generated_at"] = "1999-01-01"
    changed["related_task"] = "https://evil.example/c/x"
    report, errors = check_answer(json.dumps(changed), sample, ToolLedger())
    assert errors == []
    assert report["generated_at"] == sample["generated_at"] and report["related_task"] == sample["related_task"]
