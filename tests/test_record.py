"""`crobs record`: a recording from the replay server is the source, redacted, and replays the same."""

import json
import sys
from pathlib import Path

import pytest

from tools.case import load_case
from tools.cli import main as crobs
from tools.replay.logging_api import ROUTE
from tools.replay.server import ReplayServer
from tools.safety.mask import MASK, redact_entry
from tools.sources.logging.cloud_logging import fetch_logs

sys.path.insert(0, str(Path(__file__).parent))
from logfixture import PROJECT, REGION, SERVICE, make_entries, write_case  # noqa: E402

ENTRIES = make_entries(126, seed=11)
START, END = "2024-05-01T12:00:00Z", "2024-05-01T12:45:00Z"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with ReplayServer(write_case(tmp_path_factory.mktemp("src"), ENTRIES)) as srv:
        yield srv


@pytest.fixture(autouse=True)
def env(monkeypatch, server):
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
    monkeypatch.setenv("CROBS_BACKOFF_BASE", "0.001")
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")
    server.clear_faults()


def _record(out, *extra):
    return crobs([
        "record", "--project-id", PROJECT, "--region", REGION, "--target-type", "service",
        "--target-name", SERVICE, "--start", START, "--end", END, "--out", str(out), *extra,
    ])


def _read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_record_writes_the_source_entries_redacted(tmp_path, capsys):
    out = tmp_path / "case"
    assert _record(out) == 0
    wanted = [
        e for e in ENTRIES
        if e["resource"]["labels"].get("service_name") == SERVICE and e["resource"]["labels"].get("location") == REGION
        and "2024-05-01T12:00:00" <= e["timestamp"] < "2024-05-01T12:45:00"
    ]
    got = _read(out / "logging" / "entries.jsonl")
    assert got == [redact_entry(e) for e in wanted]
    # entries without secrets are byte-for-byte what the API returned (receiveTimestamp, nanoseconds kept)
    plain = [e for e in wanted if e["insertId"].startswith(("sysoom", "outjson", "req504"))]
    assert plain and all(e in got for e in plain)
    text = (out / "logging" / "entries.jsonl").read_text()
    assert "ya29.a0AfH6SMBexampletoken" not in text and "deployer@example.com" not in text
    assert "token=abc" not in text and MASK in text
    case = load_case(out)
    assert "expect" not in case and case["target"]["target_name"] == SERVICE
    assert case["window"] == {"start": START, "end": END}
    assert "logging:" in capsys.readouterr().out


def test_a_recording_replays_like_the_source(tmp_path, monkeypatch, server):
    out = tmp_path / "case"
    assert _record(out, "--log-kinds", "requests", "system", "--severity-min", "WARNING") == 0
    original = fetch_logs(PROJECT, "service", SERVICE, START, END, severity_min="ERROR")
    with ReplayServer(out) as replay:
        monkeypatch.setenv("CROBS_GCP_ENDPOINT", replay.url)
        again = fetch_logs(PROJECT, "service", SERVICE, START, END, severity_min="ERROR")
    kinds = {"requests", "system"}
    assert again["records"] == [r for r in original["records"] if r["log_kind"] in kinds]
    assert again["records"]


def test_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert _record(tmp_path) == 2
    assert "not empty" in capsys.readouterr().err


def test_bad_window_is_exit_2(tmp_path, capsys):
    code = crobs(["record", "--project-id", PROJECT, "--target-type", "service", "--target-name", SERVICE,
                  "--start", END, "--end", START, "--out", str(tmp_path / "c")])
    assert code == 2 and "not after" in capsys.readouterr().err


def test_permission_denied_records_a_gap_and_exits_1(tmp_path, server, capsys):
    server.inject(ROUTE, status=403)
    out = tmp_path / "case"
    assert _record(out) == 1
    assert "roles/logging.viewer" in capsys.readouterr().err
    assert (out / "case.yaml").is_file() and (out / "logging" / "entries.jsonl").read_text() == ""
