"""A failed job execution is read down to its tasks: the task's last-attempt status says why, where the
execution only says "task failed" (issue 13 point 3: executions with their tasks' last-attempt messages)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tools.investigate import investigate

CASE = Path(__file__).resolve().parents[1] / "evals" / "cases" / "csv-import-job-oom"
EXECUTION = "projects/marketa-catalog/locations/us-central1/jobs/catalog-import/executions/catalog-import-m2hkc"


@pytest.fixture()
def job_case(tmp_path: Path) -> Path:
    """The team case's job and executions only (no logs, no repo), plus one recorded task."""
    case = tmp_path / "job"
    shutil.copytree(CASE / "run", case / "run")
    (case / "case.yaml").write_text((CASE / "case.yaml").read_text().replace("repo: repo\n", ""))
    return case


def _task(case: Path, message: str, exit_code: int) -> None:
    (case / "run" / "tasks").mkdir(exist_ok=True)
    task = {"name": f"{EXECUTION}/tasks/catalog-import-m2hkc-task0", "execution": EXECUTION, "index": 0,
            "retried": 3, "completionTime": "2026-08-11T10:06:51Z",
            "lastAttemptResult": {"exitCode": exit_code, "status": {"code": 4, "message": message}}}
    (case / "run" / "tasks" / "catalog-import-m2hkc-task0.json").write_text(json.dumps(task))


def test_the_tasks_last_attempt_is_cited_and_names_the_cause(job_case, tmp_path):
    _task(job_case, "The configured timeout was reached.", 0)
    report = investigate(replay=str(job_case), out=str(tmp_path / "out"))["report"]
    refs = [row["raw_ref"] for row in report["evidence"]]
    assert f"{EXECUTION}/tasks/catalog-import-m2hkc-task0#lastAttemptResult" in refs, refs
    top = report["root_cause_candidates"][0]
    assert top["label"] == "job-task-failure"
    assert any("configured timeout" in row["signal"] for row in report["evidence"])


def test_the_failed_executions_own_condition_is_evidence(job_case, tmp_path):
    report = investigate(replay=str(job_case), out=str(tmp_path / "out"))["report"]
    refs = [row["raw_ref"] for row in report["evidence"]]
    assert any(ref.startswith(EXECUTION + "#conditions[") for ref in refs), refs
