"""One record that cannot be read costs that record, never its source (issue 16).

An entry nested 300 deep, an integer `logName`, a byte-order mark before the
first entry, a malformed line: each used to lose every log record (or the
first one silently); a corrupt card file aborted the whole investigation.
Now each is counted, skipped and reported as a data gap with the count.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.cli import main
from tools.errors import InputError
from tools.sources.logging.entries import Unreadable, iter_entries_file, normalize

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "evals" / "cases" / "landing-cold-start"


def _deep(levels: int) -> dict:
    value: dict = {"leaf": "x"}
    for _ in range(levels):
        value = {"k": value}
    return value


def _entry(n: int, **extra) -> dict:
    return {"insertId": f"id{n}", "timestamp": f"2026-07-08T13:00:{n:02d}Z", "severity": "ERROR",
            "logName": "projects/p/logs/run.googleapis.com%2Fstderr", "textPayload": f"line {n}", **extra}


def test_a_bad_entry_is_counted_and_the_rest_kept():
    entries = [_entry(1), _entry(2, jsonPayload=_deep(300), textPayload=None), _entry(3), "not an entry",
               _entry(4, logName=5)]
    counter = Unreadable("log entries")
    records = normalize(entries, counter)
    assert [r["insert_id"] for r in records] == ["id1", "id3", "id4"]  # an integer logName still reads
    assert counter.count == 2 and counter.seen == 5
    assert counter.why().startswith("2 of 5 log entries unreadable: ")
    gap = counter.gap("cloud_logging", "logs", "crobs fetch-logs ...")
    assert gap is not None and "2 of 5" in gap["why_missing"]


def test_entries_file_bom_and_malformed_lines(tmp_path):
    path = tmp_path / "entries.jsonl"
    lines = [json.dumps(_entry(1)).encode(), b"{broken", json.dumps(_entry(2)).encode(), b"[1, 2]"]
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    counter = Unreadable("lines")
    found = [e["insertId"] for e in iter_entries_file(path, counter)]
    assert found == ["id1", "id2"]  # the BOM does not cost the first entry
    assert counter.count == 2 and counter.seen == 4 and "line 2" in counter.why()
    with pytest.raises(InputError, match=":2: not valid JSON"):  # without a counter: the old strict reading
        list(iter_entries_file(path))


@pytest.fixture()
def hostile_case(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(CASE, case, symlinks=True)
    path = case / "logging" / "entries.jsonl"
    original = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    first = original[0]
    deep = {**original[1], "insertId": "deep-one", "jsonPayload": _deep(300)}
    deep.pop("textPayload", None)
    deep.pop("httpRequest", None)
    int_name = {**original[2], "insertId": "int-name", "logName": 12345}
    body = [json.dumps(first), json.dumps(deep), "{this is not json", json.dumps(int_name),
            *(json.dumps(e) for e in original[1:])]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(body).encode() + b"\n")
    return case, len(original)


def test_hostile_entries_cost_only_themselves(hostile_case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")
    case, good = hostile_case
    out = tmp_path / "out"
    assert main(["investigate", "--replay", str(case), "--out", str(out), "--format", "json"]) == 0
    capsys.readouterr()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["extras"]["log_records"] == good  # the BOM-prefixed first entry is among them
    whys = [g["why_missing"] for g in report["data_gaps"]]
    assert any("1 of" in w and "log entries unreadable" in w and "nested too deeply" in w for w in whys), whys
    assert any("2 of" in w and "entries.jsonl unreadable" in w and "not valid JSON" in w and "logName" in w
               for w in whys), whys


def test_a_corrupt_card_file_is_a_gap_not_an_abort(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")
    case = tmp_path / "case"
    shutil.copytree(CASE, case, symlinks=True)
    (case / "trello" / "cards" / "bV4mXq2L.json").write_text('{"id": "abc", "name": ', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["investigate", "--replay", str(case), "--out", str(out), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    trello = [g for g in report["data_gaps"] if "trello" in g["missing_signal"]]
    assert any("bV4mXq2L.json is unreadable" in g["why_missing"] for g in trello), report["data_gaps"]
    assert report["extras"]["log_records"] > 100  # every other source still read


def test_a_bad_audit_entry_costs_only_itself():
    from tools.sources.deploy_events import summarize_events

    path = ROOT / "evals" / "cases" / "catalog-deploy-regression" / "logging" / "entries.jsonl"
    audit = [e for e in iter_entries_file(path) if "cloudaudit" in str(e.get("logName"))]
    good = summarize_events(audit, "service", "catalog-api")
    assert good
    counter = Unreadable("audit log entries")
    mixed = [{"protoPayload": "not an object"}, 5, *audit, {"logName": 7, "protoPayload": {"methodName": 9}}]
    assert summarize_events(mixed, "service", "catalog-api", counter) == good
    assert counter.count == 2 and "AttributeError" in counter.why()


FIELDS = st.sampled_from(["logName", "timestamp", "severity", "textPayload", "jsonPayload", "protoPayload",
                          "httpRequest", "resource", "labels", "insertId", "status", "latency", "type",
                          "message", "requestUrl"]) | st.text(max_size=5)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELDS, inner, max_size=5),
                    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(st.lists(JSON, max_size=6))
def test_any_json_entry_is_read_or_counted(entries):
    """Whatever an entry holds, it becomes a record or one count: nothing escapes as an exception."""
    counter = Unreadable("log entries")
    records = normalize(entries, counter)
    assert len(records) + counter.count == len(entries) == counter.seen
    assert all(isinstance(r["message"], str) and isinstance(r["raw_ref"], str) for r in records)
