"""analyze-logs names a peak 5xx bucket only when the window had a 5xx (issue 15: it printed "peak 5xx"
for a window with none, when error logs alone made a bucket the "peak")."""

from __future__ import annotations

import json

from tools.analysis.digest.analyze import analyze_logs, format_analysis


def _entry(n: int, ts: str, **extra) -> dict:
    return {"insertId": f"id{n}", "timestamp": ts, "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "s", "revision_name": "s-1"}},
            **extra}


def _write(tmp_path, entries):
    path = tmp_path / "entries.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return str(path)


def test_error_logs_without_5xx_name_no_peak(tmp_path):
    path = _write(tmp_path, [
        _entry(1, "2026-03-01T10:00:05Z", severity="ERROR", textPayload="boom"),
        _entry(2, "2026-03-01T10:01:05Z", severity="INFO", httpRequest={"status": 200, "latency": "0.1s"},
               logName="projects/p/logs/run.googleapis.com%2Frequests"),
    ])
    result = analyze_logs(path)
    assert result["digest"]["timeline"]["peak_5xx_bucket"] is None
    assert result["digest"]["timeline"]["first_error_bucket"] is not None
    text = format_analysis(result)
    assert "peak 5xx" not in text and "no 5xx" in text


def test_a_5xx_names_its_bucket(tmp_path):
    path = _write(tmp_path, [
        _entry(1, "2026-03-01T10:00:05Z", severity="ERROR", textPayload="boom"),
        _entry(2, "2026-03-01T10:03:05Z", severity="ERROR", httpRequest={"status": 503, "latency": "0.1s"},
               logName="projects/p/logs/run.googleapis.com%2Frequests"),
    ])
    result = analyze_logs(path)
    assert result["digest"]["timeline"]["peak_5xx_bucket"].startswith("2026-03-01T10:03")
    assert "peak 5xx 2026-03-01T10:03" in format_analysis(result)
