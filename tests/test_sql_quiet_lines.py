"""Lines the SQL path only counts (tools/analysis/digest/quiet.py): counted exactly, never one Python would read.

The condition is a superset test run in SQL; if it ever called quiet a line whose text holds a signature
fragment, that line's signature hit and error template would silently vanish from the digest.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.analysis.digest.analyze import analyze_jsonl
from tools.analysis.digest.quiet import quiet_condition
from tools.analysis.digest.sql_fold import analyze_file_sql
from tools.analysis.signatures import default_matcher
from tools.sources.logging.entries import normalize_entry
from tools.sources.logging.sql.duckdb_engine import DuckDBEngine
from tools.sources.logging.sql.queries import to_duckdb

LOG = "projects/p/logs/run.googleapis.com%2F"
RESOURCE = {"type": "cloud_run_revision", "labels": {"service_name": "api", "revision_name": "api-00001-abc"}}


def _entry(i: int, log: str, severity: str | None, **payload: object) -> dict:
    entry = {"insertId": f"e{i:04d}", "logName": LOG + log, "timestamp": f"2024-05-01T06:{i // 60 % 60:02d}:"
             f"{i % 60:02d}.000000Z", "resource": RESOURCE, "labels": {"instanceId": "inst-1"}, **payload}
    if severity:
        entry["severity"] = severity
    return entry


def _write(path: Path, entries: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    return path


def _quiet_ids(path: Path) -> set[str]:
    sql = to_duckdb(f"SELECT insert_id FROM _logs WHERE NOT plain AND {quiet_condition()}", "_logs")
    with DuckDBEngine(path) as engine:
        return {r["insert_id"] for r in engine.query(sql)}


def test_only_lines_the_digest_just_counts_are_left_to_sql(tmp_path: Path) -> None:
    entries = [
        _entry(0, "stdout", "INFO", textPayload="listening for jobs"),  # quiet
        _entry(1, "stdout", None, textPayload="worker 3 picked up batch 17"),  # quiet: no severity, text
        _entry(2, "stdout", "INFO", jsonPayload={"message": "cache warmed", "n": 3}),  # quiet
        _entry(3, "stdout", "INFO", textPayload="dial tcp 10.0.0.5:5432: connect: connection refused"),
        _entry(4, "stdout", "INFO", jsonPayload={"msg": "retrying", "err": {"message": "Connection refused"}}),
        _entry(5, "stdout", None, jsonPayload={"level": 50, "msg": "boom"}),  # pino's error: Python reads it
        _entry(6, "stderr", "WARNING", textPayload="slow query"),
        _entry(7, "varlog/system", "INFO", textPayload="Starting new instance. Reason: AUTOSCALING"),
        _entry(8, "stdout", "INFO", textPayload="Verbindung fehlgeschlagen: Zeitüberschreitung"),  # not ASCII
        _entry(9, "stdout", "INFO", jsonPayload={"message": "line one\npanic: runtime error"}),
        _entry(10, "stdout", "INFO", textPayload="done"),  # quiet
    ]
    path = _write(tmp_path / "entries.jsonl", entries)
    assert _quiet_ids(path) == {"e0000", "e0001", "e0002", "e0010"}
    sql, python = analyze_file_sql(str(path)), analyze_jsonl(path)
    assert sql["digest"]["input"]["quiet_lines_counted_in_sql"] == 4
    assert sql["digest"]["input"]["entries_returned"] == len(entries) - 4
    for key in ("records", "by_kind", "log_lines_by_severity"):
        assert sql["digest"]["totals"][key] == python["digest"]["totals"][key], key
    assert sql["digest"]["services"] == python["digest"]["services"]
    assert sorted(h["signature_id"] for h in sql["signature_hits"]) == \
        sorted(h["signature_id"] for h in python["signature_hits"]) != []


_FRAGMENTS = sorted(default_matcher().literals)
_NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_TEXT = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.sampled_from(_FRAGMENTS).map(str.upper), _NOISE,
                           st.sampled_from(['"', "\\", "\n", "\t", ",", ":", "{", "É", "İ", "ß"])),
                 min_size=1, max_size=6).map("".join)
_PAYLOAD = st.one_of(
    _TEXT.map(lambda t: {"textPayload": t}),
    st.tuples(_TEXT, _TEXT).map(lambda p: {"jsonPayload": {"msg": p[0], "error": p[1]}}),
    st.tuples(_TEXT, _TEXT).map(lambda p: {"jsonPayload": {"message": p[0], "err": {"stack": p[1]}, "code": 7}}),
    _TEXT.map(lambda t: {"jsonPayload": {"event": t, "fields": {"detail": t[::-1]}}}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(_PAYLOAD, min_size=1, max_size=8))
def test_no_line_python_would_match_is_called_quiet(tmp_path: Path, payloads: list[dict]) -> None:
    entries = [_entry(i, "stdout", "INFO", **p) for i, p in enumerate(payloads)]
    path = _write(tmp_path / "entries.jsonl", entries)
    quiet = _quiet_ids(path)
    matcher = default_matcher()
    for entry in entries:
        low = normalize_entry(entry)["message"].lower()
        if matcher.prescreen.search(low) is not None:
            assert entry["insertId"] not in quiet, entry


def test_a_catalog_the_prescreen_cannot_gate_leaves_nothing_to_sql() -> None:
    from tools.analysis.signatures import SignatureMatcher

    sig = dict(default_matcher().signatures[0], id="UNGATED", regex=r"\d+x")
    assert quiet_condition(SignatureMatcher([sig])) == "FALSE"
    con = duckdb.connect()
    assert con.execute(to_duckdb("SELECT NOT FALSE")).fetchone() == (True,)
