"""The report contract: the user's sample round-trips byte for byte, and broken reports say exactly what is wrong."""

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.errors import InputError
from tools.paths import ROOT
from tools.report.parse import parse_markdown
from tools.report.render import neutral_report, render_markdown
from tools.report.validate import root_cause_labels, validate

SEED = (Path(__file__).parent / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8")


def mutate(old: str, new: str, count: int = 1) -> str:
    assert SEED.count(old) >= count, f"fixture no longer contains {old!r}"
    return SEED.replace(old, new, count)


@pytest.fixture
def seed_report():
    return parse_markdown(SEED)


def test_seed_parses_validates_and_renders_back_byte_identical(seed_report):
    assert validate(seed_report) == []
    assert render_markdown(seed_report) == SEED
    assert render_markdown(parse_markdown(render_markdown(seed_report))) == SEED


def test_seed_fields_land_where_the_schema_puts_them(seed_report):
    summary = seed_report["incident_summary"]
    assert seed_report["title"] == "Sample Run: Cloud Run Observability Skill (`sitebookify` profile)"
    assert summary["target"] == {"project_id": None, "region": None, "target_type": "service",
                                 "target_name": "sitebookify"}
    assert summary["window"]["note"] == "default window for sample"
    assert summary["current_status"] == "ongoing"
    assert summary["current_status_note"] == "runtime evidence不足のため未確定"
    assert [e["id"] for e in seed_report["evidence"]] == [f"ev-00{i}" for i in range(1, 6)]
    assert seed_report["evidence"][1]["raw_ref"] == "src/bin/sitebookify-app.rs:484"
    assert seed_report["evidence"][1]["signal"].startswith("`create_job` 内で")
    assert [c["supporting_evidence"] for c in seed_report["root_cause_candidates"]] == [
        ["ev-001", "ev-002", "ev-003"], ["ev-003", "ev-004"], ["ev-005"]]
    assert [f["addresses"] for f in seed_report["fix_plan"]["permanent"]] == [[1, 2], [1]]
    assert seed_report["prevention_plan"][2]["metric"] == "Runtime termination signals"
    assert len(seed_report["data_gaps"]) == 1


# -- mutated copies of the seed: each fails with its own precise message -----------------------------------------


def test_dangling_evidence_id():
    report = parse_markdown(mutate("Supporting evidence: ev-005", "Supporting evidence: ev-006"))
    assert validate(report) == [{"pointer": "/root_cause_candidates/2/supporting_evidence/0",
                                 "message": "ev-006 is not an evidence id in this report"}]


def test_table_missing_a_column_names_the_line():
    lines = SEED.split("\n")
    cut = [re.sub(r"^(\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|)[^|]*\|", r"\1", line) if line.startswith("|") else line
           for line in lines]
    with pytest.raises(InputError, match=r"^report\.md:16: evidence table has 5 columns, expected 6$"):
        parse_markdown("\n".join(cut))


def test_table_row_missing_a_cell_names_the_line():
    text = mutate("| high | `src/app/queue.rs:19` |", "| `src/app/queue.rs:19` |")
    with pytest.raises(InputError, match=r"^report\.md:20: evidence table row has 5 cells, expected 6$"):
        parse_markdown(text)


def test_renamed_column_is_named():
    with pytest.raises(InputError, match=r"^report\.md:16: evidence table column 6 is 'Ref', expected 'Raw Ref'$"):
        parse_markdown(mutate("| Raw Ref |", "| Ref |"))


def test_unknown_label():
    text = mutate("lifecycle interruption\n", "lifecycle interruption\n   - Label: cpu-gremlins\n")
    report = parse_markdown(text)
    assert report["root_cause_candidates"][0]["label"] == "cpu-gremlins"
    assert validate(report) == [{
        "pointer": "/root_cause_candidates/0/label",
        "message": "unknown root-cause label 'cpu-gremlins' (see tools/data/root_causes.yaml)",
    }]


def test_addresses_a_candidate_that_does_not_exist():
    report = parse_markdown(mutate("Addresses: Candidate 1, Candidate 2", "Addresses: Candidate 9"))
    assert validate(report) == [{"pointer": "/fix_plan/immediate/0/addresses/0",
                                 "message": "candidate 9 does not exist (ranks are 1..3)"}]


def test_duplicated_evidence_id_and_the_citations_it_orphans():
    report = parse_markdown(mutate("| ev-003 |", "| ev-002 |"))
    assert validate(report) == [
        {"pointer": "/evidence/2/id", "message": "duplicate evidence id ev-002 (first used at /evidence/1/id)"},
        {"pointer": "/root_cause_candidates/0/supporting_evidence/2",
         "message": "ev-003 is not an evidence id in this report"},
        {"pointer": "/root_cause_candidates/1/supporting_evidence/0",
         "message": "ev-003 is not an evidence id in this report"},
    ]


def test_malformed_addresses_names_the_line():
    with pytest.raises(InputError, match=r"^report\.md:46: Addresses part 'Cand 1' is not of the form 'Candidate N'$"):
        parse_markdown(mutate("Addresses: Candidate 1, Candidate 2", "Addresses: Cand 1"))


def test_missing_section_and_unknown_section():
    with pytest.raises(InputError, match=r"^report\.md: no '## Prevention Plan' section$"):
        parse_markdown(SEED.split("## Prevention Plan")[0] + "## Data Gaps" + SEED.split("## Data Gaps")[1])
    with pytest.raises(InputError, match=r"^report\.md:\d+: unexpected section 'Prevention Ideas'"):
        parse_markdown(mutate("## Prevention Plan", "## Prevention Ideas"))


def test_candidate_missing_a_field_names_the_item():
    with pytest.raises(InputError, match=r"^report\.md:26: root cause candidate 1: missing 'Rationale: \.\.\.'$"):
        parse_markdown(re.sub(r"   - Rationale: `create_job`[^\n]*\n", "", SEED, count=1))


def test_several_errors_are_all_returned():
    text = (SEED.replace("Supporting evidence: ev-005", "Supporting evidence: ev-006")
            .replace("lifecycle interruption\n", "lifecycle interruption\n   - Label: cpu-gremlins\n")
            .replace("Addresses: Candidate 1, Candidate 2", "Addresses: Candidate 9", 1)
            .replace("| 2026-02-12T00:29:49.963Z |", "| 2026-02-12 00:29 |")
            .replace("| medium | `https", "| maybe | `https"))
    errors = validate(parse_markdown(text))
    assert {e["pointer"]: e["message"] for e in errors} == {
        "/evidence/0/confidence": '"maybe" is not one of: high, medium, low',
        "/evidence/0/timestamp": '"2026-02-12 00:29" is not an RFC 3339 UTC time (e.g. 2026-02-12T00:00:00Z)',
        "/root_cause_candidates/0/label": "unknown root-cause label 'cpu-gremlins' (see tools/data/root_causes.yaml)",
        "/root_cause_candidates/2/supporting_evidence/0": "ev-006 is not an evidence id in this report",
        "/fix_plan/immediate/0/addresses/0": "candidate 9 does not exist (ranks are 1..3)",
    }


# -- JSON-level checks --------------------------------------------------------------------------------------------


def test_schema_errors_name_the_field(seed_report):
    report = copy.deepcopy(seed_report)
    del report["incident_summary"]["user_visible_impact"]
    report["evidence"][0]["severity"] = "ERROR"
    report["evidence"][1]["source"] = "stackdriver"
    report["root_cause_candidates"][0]["rank"] = "1"
    report["data_gaps"][0]["follow_up"] = "two\nlines"
    assert validate(report) == [
        {"pointer": "/incident_summary/user_visible_impact", "message": "missing required field"},
        {"pointer": "/evidence/0/severity",
         "message": "unexpected field (allowed: id, timestamp, source, signal, confidence, raw_ref)"},
        {"pointer": "/evidence/1/source", "message": '"stackdriver" is not one of: cloud_logging, cloud_run_service, '
                                                    "cloud_run_revision, cloud_run_job, audit_log, cloud_monitoring, "
                                                    "repository, trello, user_report"},
        {"pointer": "/root_cause_candidates/0/rank", "message": "expected integer, got string"},
        {"pointer": "/data_gaps/0/follow_up", "message": '"two\\nlines" is not non-empty Markdown inline text on one '
                                                        "line, without leading or trailing spaces"},
    ]


def test_ranks_citations_and_window_are_checked(seed_report):
    report = copy.deepcopy(seed_report)
    report["root_cause_candidates"][1]["rank"] = 3
    report["root_cause_candidates"][2]["supporting_evidence"] = []
    report["evidence"][4]["id"] = "ev-007"
    report["incident_summary"]["window"]["end"] = "2026-02-11T23:00:00Z"
    report["evidence"][2]["timestamp"] = "2026-02-12T09:00:00+09:00"
    assert validate(report) == [
        {"pointer": "/incident_summary/window/end",
         "message": "window end 2026-02-11T23:00:00Z is not after start 2026-02-12T00:00:00Z"},
        {"pointer": "/evidence/2/timestamp", "message": '"2026-02-12T09:00:00+09:00" is not in UTC (end it with Z)'},
        {"pointer": "/evidence/4/id", "message": "evidence id ev-007 out of order: row 5 should be ev-005"},
        {"pointer": "/root_cause_candidates/1/rank",
         "message": "rank 3 out of order: candidate 2 should have rank 2"},
        {"pointer": "/root_cause_candidates/2/supporting_evidence",
         "message": "candidate 3 cites no evidence; cite at least one ev- id"},
    ] + [{"pointer": pointer, "message": "candidate 2 does not exist (ranks are 1, 3)"}
         for pointer in ("/fix_plan/immediate/0/addresses/1", "/fix_plan/immediate/1/addresses/1",
                         "/fix_plan/permanent/0/addresses/1")]


def test_each_missing_field_is_reported_once(seed_report):
    report = copy.deepcopy(seed_report)
    report["fix_plan"]["permanent"][0] = {}
    assert validate(report) == [
        {"pointer": f"/fix_plan/permanent/0/{name}", "message": "missing required field"}
        for name in ("action", "expected_impact", "risk", "addresses")
    ]


def test_non_object_report_is_one_error():
    assert validate([]) == [{"pointer": "", "message": "expected object, got array"}]


def test_label_line_goes_under_the_title_and_round_trips(seed_report):
    report = copy.deepcopy(seed_report)
    report["root_cause_candidates"][0]["label"] = "background-work-outside-request"
    text = render_markdown(report)
    assert ("lifecycle interruption\n   - Label: background-work-outside-request\n   - Confidence: medium\n"
            in text)
    assert parse_markdown(text) == report
    assert validate(report) == []


def test_unknowns_several_gaps_long_lists_and_pipes_round_trip(seed_report):
    report = copy.deepcopy(seed_report)
    report["profile"] = None
    report["related_task"] = None
    report["incident_summary"]["target"] = {"project_id": None, "region": None, "target_type": None,
                                            "target_name": None}
    del report["incident_summary"]["window"]["note"]
    del report["incident_summary"]["current_status_note"]
    report["evidence"][0]["signal"] = "status 500 | 503 from `a|b`"
    report["data_gaps"].append({"missing_signal": "Cloud Monitoring", "why_missing": "403 PERMISSION_DENIED",
                                "follow_up": "`gcloud projects get-iam-policy p`"})
    extra = copy.deepcopy(report["root_cause_candidates"][2])
    report["root_cause_candidates"] += [dict(extra, rank=n) for n in range(4, 12)]
    text = render_markdown(report)
    assert "`project_id=<unknown>`, `region=<unknown>`, `target_type=<unknown>`, `target_name=<unknown>`" in text
    assert "Input profile: `<none>`\nRelated task: `<none>`\n" in text
    assert "| status 500 \\| 503 from `a\\|b` |" in text
    assert "11. Port or bind mismatch\n    - Confidence: low\n" in text
    assert text.count("- Missing signal:") == 2
    assert parse_markdown(text) == report
    assert render_markdown(parse_markdown(text)) == text


def test_empty_lists_round_trip(seed_report):
    report = copy.deepcopy(seed_report)
    for key in ("evidence", "root_cause_candidates", "prevention_plan", "data_gaps"):
        report[key] = []
    report["fix_plan"] = {"immediate": [], "permanent": []}
    assert parse_markdown(render_markdown(report)) == report


def test_labels_come_from_the_data_file():
    labels = root_cause_labels()
    assert "background-work-outside-request" in labels and "other" in labels and len(labels) == len(set(labels))
    entries = yaml.safe_load((ROOT / "tools" / "data" / "root_causes.yaml").read_text(encoding="utf-8"))["labels"]
    assert all(e["what_happened"].strip() and e["typical_signals"].strip() for e in entries)


_WORD = st.text(alphabet="abcxyzAB019_*", min_size=1, max_size=6)
_ANY_LINE = st.lists(st.one_of(_WORD, st.sampled_from(["|", "`x`", "(n)", ":", "日本語", "a: b", "-", "#", "2.", ">",
                                                       "<div>", "```", "\\", "+", "~~~"])),
                     min_size=1, max_size=6).map(" ".join)
_LINE = _ANY_LINE.map(lambda s: s if s[0].isalnum() else "a" + s)


@settings(max_examples=40, deadline=None)
@given(signal=_LINE, title=_ANY_LINE, action=_ANY_LINE, rationale=_LINE, gap=_LINE, note=_LINE)
def test_any_single_line_prose_round_trips(signal, title, action, rationale, gap, note):
    report = parse_markdown(SEED)
    report["evidence"][2]["signal"] = signal
    report["root_cause_candidates"][1].update(title=title, rationale=rationale)
    report["fix_plan"]["permanent"][1]["action"] = action
    report["data_gaps"][0]["why_missing"] = gap
    report["incident_summary"]["window"]["note"] = note
    assert validate(report) == []
    assert parse_markdown(render_markdown(report)) == neutral_report(report)  # `<div>` comes back as `\<div>`


@pytest.mark.parametrize("title", ["- foo", "# foo", "> quote", "2. two", "3) three", "<div>x</div>", "```x", "+ x",
                                   "___", "\\- literal backslash"])
def test_titles_that_look_like_blocks_stay_titles(seed_report, title):
    report = copy.deepcopy(seed_report)
    report["root_cause_candidates"][0]["title"] = title
    report["fix_plan"]["immediate"][1]["action"] = title
    report["title"] = title + " #"
    text = render_markdown(report)
    shown = neutral_report(report)["title"][:-1]
    assert text.startswith(f"# {shown}\\#\n")
    assert parse_markdown(text) == neutral_report(report)


def _fix(line):
    return st.fixed_dictionaries({"action": _ANY_LINE, "expected_impact": line, "risk": line,
                                  "addresses": st.lists(st.integers(1, 12), max_size=3)})


_NAME = st.one_of(st.none(), st.text(alphabet="abc-019", min_size=1, max_size=8))
_REPORTS = st.fixed_dictionaries({
    "title": _LINE,
    "generated_at": st.sampled_from(["2026-02-12", "2026-02-12T01:02:03Z"]),
    "profile": st.one_of(st.none(), _WORD),
    "related_task": st.one_of(st.none(), st.just("https://trello.com/c/abc#comment-1")),
    "incident_summary": st.fixed_dictionaries(
        {"target": st.fixed_dictionaries({"project_id": _NAME, "region": _NAME,
                                          "target_type": st.sampled_from([None, "service", "job"]),
                                          "target_name": _NAME}),
         "window": st.fixed_dictionaries({"start": st.just("2026-02-12T00:00:00Z"),
                                          "end": st.just("2026-02-12T01:00:00Z")}, optional={"note": _LINE}),
         "user_visible_impact": _LINE, "current_status": st.sampled_from(["ongoing", "resolved"])},
        optional={"current_status_note": _LINE}),
    "evidence": st.lists(st.fixed_dictionaries({
        "id": st.sampled_from(["ev-001", "ev-002"]), "timestamp": st.just("2026-02-12T00:00:00.5Z"),
        "source": st.sampled_from(["repository", "trello"]), "signal": _LINE,
        "confidence": st.sampled_from(["high", "low"]), "raw_ref": st.sampled_from(["a.py:1", "x|y#z"])}),
        max_size=3),
    "root_cause_candidates": st.lists(st.fixed_dictionaries(
        {"title": _ANY_LINE, "confidence": st.just("medium"), "rationale": _LINE,
         "supporting_evidence": st.lists(st.sampled_from(["ev-001", "ev-002"]), max_size=2)},
        optional={"label": st.sampled_from(root_cause_labels())}), max_size=3),
    "fix_plan": st.fixed_dictionaries({"immediate": st.lists(_fix(_LINE), max_size=2),
                                       "permanent": st.lists(_fix(_LINE), max_size=2)}),
    "prevention_plan": st.lists(st.fixed_dictionaries(
        {"metric": _LINE, "condition": _LINE, "threshold": _LINE, "rationale": _LINE}), max_size=2),
    "data_gaps": st.lists(st.fixed_dictionaries(
        {"missing_signal": _LINE, "why_missing": _LINE, "follow_up": _LINE}), max_size=3),
})


@settings(max_examples=60, deadline=None)
@given(_REPORTS)
def test_any_schema_shaped_report_round_trips(report):
    """Numbering and cross-references aside (the validator's job), every shape survives JSON -> Markdown -> JSON."""
    for rank, candidate in enumerate(report["root_cause_candidates"], start=1):
        candidate["rank"] = rank
    assert [e for e in validate(report) if "does not exist" not in e["message"] and "evidence id" not in
            e["message"] and "cites no evidence" not in e["message"] and "cited twice" not in e["message"]] == []
    text = render_markdown(report)
    assert parse_markdown(text) == neutral_report(report)
    assert render_markdown(parse_markdown(text)) == text


def test_report_json_is_plain_json(seed_report):
    assert json.loads(json.dumps(seed_report)) == seed_report
