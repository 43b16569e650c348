"""analyze-logs on a downloaded Cloud Storage sink: a directory tree of hourly, sharded JSON files.

Google's layout (https://cloud.google.com/logging/docs/export/storage): LOG_ID/YYYY/MM/DD/ with files
named like 08:00:00_08:59:59_S0.json. Every export file under the directory is read as one window,
a bad file is skipped and named, and the digest equals the one of the same entries in a single file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.analysis.digest.analyze import analyze_jsonl, analyze_logs
from tools.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
RESOURCE = {"type": "cloud_run_revision", "labels": {"service_name": "api", "revision_name": "api-00002-xyz"}}


def _request(i: int, status: int) -> dict:
    return {"insertId": f"r{i}", "logName": "projects/p/logs/run.googleapis.com%2Frequests",
            "timestamp": f"2024-05-01T06:{i % 60:02d}:00.000000Z", "resource": RESOURCE, "severity": "INFO",
            "httpRequest": {"requestMethod": "GET", "requestUrl": f"https://api.run.app/items/{i}", "status": status,
                            "latency": "0.120s"}, "labels": {"instanceId": "i-1"}}


def _line(i: int, text: str, severity: str) -> dict:
    return {"insertId": f"l{i}", "logName": "projects/p/logs/run.googleapis.com%2Fstderr", "severity": severity,
            "timestamp": f"2024-05-01T06:{i % 60:02d}:30.000000Z", "resource": RESOURCE, "textPayload": text,
            "labels": {"instanceId": "i-1"}}


def _sink(root: Path) -> list[dict]:
    requests = [_request(i, 503 if i % 5 == 0 else 200) for i in range(40)]
    lines = [_line(i, "connect ECONNREFUSED 10.0.0.3:5432" if i % 2 else "retrying batch", "ERROR")
             for i in range(20)]
    exported = [_line(100 + i, "Memory limit of 512 MiB exceeded with 530 MiB used.", "ERROR") for i in range(3)]
    day = root / "run.googleapis.com" / "requests" / "2024" / "05" / "01"
    day.mkdir(parents=True)
    (day / "06:00:00_06:59:59_S0.json").write_text("".join(json.dumps(e) + "\n" for e in requests[:25]))
    (day / "06:00:00_06:59:59_S1.json").write_text("".join(json.dumps(e) + "\n" for e in requests[25:]))
    err = root / "run.googleapis.com" / "stderr" / "2024" / "05" / "01"
    err.mkdir(parents=True)
    (err / "06:00:00_06:59:59_S0.json").write_text("".join(json.dumps(e) + "\n" for e in lines))
    (root / "gcloud-export.json").write_text(json.dumps(exported))  # what `gcloud logging read --format=json` prints
    (root / "broken.json").write_bytes(b"\x00\x01\x02 not json")
    (root / "notes.txt").write_text("not a log file")
    (root / ".cache").mkdir()
    (root / ".cache" / "stale.json").write_text(json.dumps(_request(999, 500)) + "\n")
    return requests + lines + exported


def test_a_sink_directory_is_read_whole_and_agrees_with_one_file(tmp_path: Path) -> None:
    entries = _sink(tmp_path / "sink")
    single = tmp_path / "all.jsonl"
    single.write_text("".join(json.dumps(e) + "\n" for e in entries))
    tree, one = analyze_logs(str(tmp_path / "sink")), analyze_jsonl(single)
    a, b = tree["digest"], one["digest"]
    assert a["totals"]["records"] == len(entries) == b["totals"]["records"]
    for key in ("by_kind", "status_codes", "log_lines_by_severity"):
        assert a["totals"][key] == b["totals"][key], key
    assert sorted((t["template"], t["count"]) for t in a["error_templates"]) == \
        sorted((t["template"], t["count"]) for t in b["error_templates"])
    assert sorted((h["signature_id"], h["count"]) for h in tree["signature_hits"]) == \
        sorted((h["signature_id"], h["count"]) for h in one["signature_hits"])
    assert a["input"]["engine"] == "duckdb" and a["input"]["files"] == 4 and a["input"]["files_skipped"] == 1
    assert "broken.json: binary file" in a["input"]["skipped"][0]


def test_the_cli_names_the_skipped_file_and_refuses_entries_for_a_directory(tmp_path: Path) -> None:
    _sink(tmp_path / "sink")
    run = [sys.executable, "-m", "tools.cli", "analyze-logs", str(tmp_path / "sink")]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "input: 4 files read, 1 skipped:" in out.stdout and "broken.json" in out.stdout
    out = subprocess.run([*run, "--engine", "entries"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "read with --engine sql" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_directory_without_export_files_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("nothing here")
    with pytest.raises(InputError, match="no Cloud Logging export files"):
        analyze_logs(str(tmp_path / "empty"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.json").write_bytes(b"\x00\x00")
    with pytest.raises(InputError, match=r"1 skipped: .*x.json: binary file"):
        analyze_logs(str(tmp_path / "bad"))


def test_a_case_directory_still_reads_its_recorded_entries(tmp_path: Path) -> None:
    case = next(p.parent.parent for p in sorted((ROOT / "evals" / "cases").glob("*/logging/entries.jsonl")))
    assert analyze_logs(str(case))["digest"]["totals"]["records"] == \
        analyze_jsonl(case / "logging" / "entries.jsonl")["digest"]["totals"]["records"]
