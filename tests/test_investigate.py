"""`crobs investigate`: a report is always written (gaps, not crashes), before any upload, with true sources.

The bundled case is copied into the repo (evals/cases/sitebookify-sample), so
these tests read nothing outside the checkout and reach only loopback.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tools.cli import main
from tools.investigate import format_investigation, investigate
from tools.paths import ROOT
from tools.report.validate import validate

CASE = ROOT / "evals" / "cases" / "sitebookify-sample"
_REPO_REF = re.compile(r"^[^#\s]+:\d+$")


@pytest.fixture()
def no_google_credentials(tmp_path, monkeypatch):
    """ADC fails at once (a missing key file), and nothing may fall back to a metadata server."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.delenv("CROBS_GCP_ENDPOINT", raising=False)


@pytest.fixture(scope="module")
def sitebookify(tmp_path_factory):
    out = tmp_path_factory.mktemp("sitebookify")
    before = os.environ.get("CROBS_GCP_ENDPOINT")
    result = investigate(replay=str(CASE), out=str(out))
    assert os.environ.get("CROBS_GCP_ENDPOINT") == before  # the replay endpoint does not leak
    return result


def test_sitebookify_report_is_written_and_valid(sitebookify):
    assert sitebookify["written"] is True
    on_disk = json.loads(Path(sitebookify["paths"]["json"]).read_text(encoding="utf-8"))
    assert on_disk == sitebookify["report"]
    assert validate(on_disk) == []
    assert Path(sitebookify["paths"]["markdown"]).read_text(encoding="utf-8") == sitebookify["markdown"]
    assert on_disk["language"] == "ja" and on_disk["profile"] == "sitebookify"
    assert on_disk["related_task"] == "https://trello.com/c/Xvlu1U1f"


def test_sitebookify_ranking(sitebookify):
    candidates = sitebookify["report"]["root_cause_candidates"]
    labels = [c["label"] for c in candidates]
    assert labels[0] == "background-work-outside-request"
    assert candidates[0]["confidence"] in ("medium", "high")
    assert "no-available-instance" in labels
    if "port-bind-mismatch" in labels:
        assert labels.index("port-bind-mismatch") > 0
        assert candidates[labels.index("port-bind-mismatch")]["confidence"] == "low"


def test_sitebookify_evidence_has_true_sources_and_real_lines(sitebookify):
    rows = sitebookify["report"]["evidence"]
    assert 5 <= len(rows) <= 15
    repo = CASE / "repo"
    for row in rows:
        ref = row["raw_ref"]
        if ref.startswith("https://trello.com/c/"):
            assert row["source"] == "trello"
        elif _REPO_REF.match(ref):
            assert row["source"] == "repository", row
            path, line = ref.rsplit(":", 1)
            lines = (repo / path).read_text(encoding="utf-8").splitlines()
            assert lines[int(line) - 1].strip(), ref
    by_ref = {r["raw_ref"]: r for r in rows}
    assert any(ref.endswith(".tf:" + ref.rsplit(":", 1)[1]) for ref in by_ref), "a Terraform line is cited"
    assert any("512Mi" in r["signal"] for r in rows), "default memory is shown as a condition row"
    assert any(r["source"] == "trello" for r in rows)


def test_sitebookify_gaps_name_each_missing_runtime_source_with_a_command(sitebookify):
    gaps = sitebookify["report"]["data_gaps"]
    text = {g["missing_signal"]: g for g in gaps}
    for source in ("cloud_logging", "cloud_run_service", "cloud_monitoring"):
        gap = next(g for k, g in text.items() if source in k)
        assert "sitebookify" in gap["follow_up"] and "PROJECT_ID" in gap["follow_up"]
    logs = next(g for k, g in text.items() if "cloud_logging" in k)
    assert "--start 2026-02-12T00:00:00Z --end 2026-02-12T01:00:00Z" in logs["follow_up"]


def test_unknown_project_or_missing_credentials_become_gaps(tmp_path, no_google_credentials):
    result = investigate(service="web", start="2026-02-12T00:00:00Z", end="2026-02-12T01:00:00Z",
                         out=str(tmp_path / "a"), lang="en")
    assert result["written"] and validate(result["report"]) == []
    assert result["report"]["root_cause_candidates"] == []
    gaps = " ".join(g["missing_signal"] + g["why_missing"] for g in result["report"]["data_gaps"])
    assert "project is unknown" in gaps and "repository" in gaps

    result = investigate(project="demo", region="us-central1", service="web", since="30m",
                         out=str(tmp_path / "b"))
    assert result["written"]
    why = [g["why_missing"] for g in result["report"]["data_gaps"]]
    assert any("credentials" in w.lower() for w in why), why


def test_a_failed_upload_never_costs_the_report(tmp_path):
    result = investigate(replay=str(CASE), out=str(tmp_path), attach=True, lang="en",
                         trello="https://trello.com/c/NoSuchCard")
    assert result["written"] is True
    assert (tmp_path / "report.json").is_file() and (tmp_path / "report.md").is_file()
    assert result["attach"]["attached"] is False
    assert result["attach"]["error"]


def test_cli_usage_errors_exit_2_with_one_line(capsys, tmp_path):
    assert main(["investigate", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["crobs: error: name the target: --service NAME or --job NAME"]
    assert main(["investigate", "--service", "a", "--job", "b", "--out", str(tmp_path)]) == 2
    assert main(["investigate", "--service", "a", "--since", "1h", "--start", "2026-02-12T00:00:00Z"]) == 2
    assert not (tmp_path / "report.json").exists()


def test_cli_prints_markdown_or_json_and_exits_0(capsys, tmp_path):
    assert main(["investigate", "--replay", str(CASE), "--out", str(tmp_path), "--format", "json",
                 "--lang", "en"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["language"] == "en"
    assert printed["root_cause_candidates"][0]["label"] == "background-work-outside-request"
    assert format_investigation({"format": "md", "markdown": "# x\n"}) == "# x\n"
