"""A timeline symptom cites its telling entries as rows of their own (issue 13 point 5: example entries)."""

from __future__ import annotations

from test_instance_timeline import _rec, _setting

from tools.analysis.evidence.instance_timeline import timeline_items
from tools.analysis.ranking import rank
from tools.analysis.rules import load_rules
from tools.report.build import select_evidence


def _examples(records: list[dict], kind: str) -> list[dict]:
    items = timeline_items(records, "svc")
    parent = next(i for i in items if i["id"] == f"timeline:{kind}")
    return [i for i in items if i.get("example_of") == parent["id"]]


def test_outside_request_cites_the_latest_of_its_clearest_lines_beside_the_first() -> None:
    records = [_rec(0, "i1", "Server listening on port 8080")]
    records += [_rec(100 + 30 * i, "i1", status=200) for i in range(20)]
    records += [_rec(110 + 30 * i, "i1", "cron failed: context canceled", severity="ERROR") for i in range(10)]
    records += [_rec(800, "i1", "heartbeat")]  # later, but not a failing line
    examples = _examples(records, "outside_request")
    assert examples[0]["raw_ref"].endswith("-380")  # the last ERROR line, not the later info line
    assert examples[0]["signal"]["en"].startswith("Example of outside request")
    assert all(e["type"] == "example" for e in examples) and len(examples) <= 2


def test_a_rollout_cut_cites_per_instance_the_shortest_request_cut() -> None:
    cut = "Truncated response body. Usually implies that the request timed out or the application exited"
    records = [_rec(0, "old1", status=200, revision="svc-00001-aaa"),
               _rec(0, "old2", status=200, revision="svc-00001-aaa"),
               _rec(100, "new1", status=200, revision="svc-00002-bbb")]
    records += [_rec(110, "old1", cut, status=200, latency_ms=90_000, revision="svc-00001-aaa", ref=f"r#long{i}")
                for i in range(3)]
    records += [_rec(110, "old1", cut, status=200, latency_ms=400, revision="svc-00001-aaa", ref="r#short1"),
                _rec(111, "old2", cut, status=200, latency_ms=900, revision="svc-00001-aaa", ref="r#short2"),
                _rec(111, "old2", cut, status=200, latency_ms=60_000, revision="svc-00001-aaa", ref="r#long9")]
    refs = [e["raw_ref"] for e in _examples(records, "rollout_cut")]
    assert refs == ["r#short1", "r#short2"]  # a cut far inside any timeout: only the shutdown explains it


def test_a_vanished_instance_cites_the_work_its_last_accepted_request_started_and_its_last_line() -> None:
    records = [_rec(60 * i, "keep", status=200) for i in range(40)]
    records += [_rec(10 + 10 * i, "gone", status=202, latency_ms=300) for i in range(3)]
    records += [_rec(10.5 + 10 * i, "gone", f"compiling job {i}") for i in range(3)]
    records += [_rec(60 + 30 * i, "gone", f"job step {i}") for i in range(4)]
    refs = [e["raw_ref"] for e in _examples(records, "vanished_with_work")]
    assert refs == ["run.googleapis.com/stdout#gone-30.5", "run.googleapis.com/stdout#gone-150"]


def test_examples_are_cited_right_after_their_symptom_within_the_candidate_budget() -> None:


    records = [_rec(0, "i1", "Server listening on port 8080")]
    records += [_rec(100 + 30 * i, "i1", status=200) for i in range(20)]
    records += [_rec(110 + 30 * i, "i1", "running cron job: context canceled", severity="ERROR") for i in range(25)]
    items = timeline_items(records, "svc") + [_setting("cpu_throttled", True)]
    ranked = rank(items, load_rules())
    chosen = [i["id"] for i in select_evidence(ranked, items)]
    assert "timeline:outside_request:example:0" in chosen
    assert chosen.index("timeline:outside_request") < chosen.index("timeline:outside_request:example:0")
    assert any(i["type"] == "setting" for i in select_evidence(ranked, items))  # the condition still shows


def _item(id_: str, ref: str, **extra: object) -> dict:
    return {"id": id_, "raw_ref": ref, "strength": 1.0, "attrs": {}, **extra}


def test_an_example_never_takes_the_last_row_a_lower_candidate_needs_nor_repeats_a_cited_entry() -> None:
    items = [_item("sym", "r#sym"), _item("sym:example:0", "r#e0", example_of="sym"),
             _item("sym:example:1", "r#shared", example_of="sym"), _item("other", "r#shared"),
             _item("low", "r#low")]
    top = {"rank": 1, "kinds": {"runtime_symptom": ["sym", "sym:example:0", "sym:example:1"]}}
    second = {"rank": 2, "kinds": {"secondary_symptom": ["other"]}}
    third = {"rank": 3, "kinds": {"condition": ["low"]}}
    roomy = [i["id"] for i in select_evidence([top, second, third], items, min_rows=1, max_rows=10)]
    assert roomy == ["sym", "sym:example:0", "other", "low"]  # r#shared is shown by `other`, not twice
    tight = [i["id"] for i in select_evidence([top, second, third], items, max_rows=3)]
    assert tight == ["sym", "other", "low"]  # the example gives way to the lower candidates' rows
