"""Outputs are written atomically into regular files only, keeping an existing file's mode (issue 16)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tools.analysis.prevention import emit_alerts
from tools.errors import UsageError
from tools.evaluation.runner import main as eval_main
from tools.report.commands import render_report
from tools.report.io import write_report_files
from tools.report.parse import parse_markdown
from tools.safety.atomic import check_output, write_atomic

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_an_existing_file_keeps_its_mode_and_gets_the_new_text(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert _mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temp file left behind


def test_a_new_file_gets_the_usual_mode_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "sub" / "new.json", "{}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "sub" / "new.json") == 0o644


@pytest.mark.parametrize("kind", ["directory", "symlink", "fifo", "dangling symlink"])
def test_anything_but_a_regular_file_is_refused_and_left_alone(tmp_path, kind):
    target = tmp_path / "out.md"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    if kind == "directory":
        target.mkdir()
    elif kind == "symlink":
        target.symlink_to(victim)
    elif kind == "dangling symlink":
        target.symlink_to(tmp_path / "nowhere")
    else:
        os.mkfifo(target)
    with pytest.raises(UsageError, match="not a regular file; refusing"):
        write_atomic(target, "evil")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "victim.txt"]


def test_a_device_is_refused():
    with pytest.raises(UsageError, match="is a character device"):
        check_output(os.devnull)


def test_render_out_keeps_mode_and_refuses_a_link(tmp_path):
    out = tmp_path / "r.md"
    out.write_text("x", encoding="utf-8")
    os.chmod(out, 0o600)
    assert render_report(str(SAMPLE), out=str(out))["written"] == str(out)
    assert _mode(out) == 0o600 and out.read_text(encoding="utf-8").startswith("# ")
    (tmp_path / "l.md").symlink_to(out)
    with pytest.raises(UsageError, match="symbolic link"):
        render_report(str(SAMPLE), out=str(tmp_path / "l.md"))


def test_report_files_refuse_a_symlink_in_the_out_directory(tmp_path):
    report = parse_markdown(SAMPLE.read_text(encoding="utf-8"))
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("mine", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.json").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        write_report_files(report, str(tmp_path / "out"))
    assert elsewhere.read_text(encoding="utf-8") == "mine"
    paths = write_report_files(report, str(tmp_path / "fresh"))
    assert json.loads(Path(paths["json"]).read_text(encoding="utf-8"))["title"] == report["title"]


def test_emit_alerts_refuses_a_symlinked_file(tmp_path):
    target = {"project_id": "p", "region": "r", "target_type": "service", "target_name": "s"}
    written = emit_alerts(["memory-limit-exceeded"], target, tmp_path)
    assert written
    first = Path(written[0])
    first.unlink()
    first.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="symbolic link"):
        emit_alerts(["memory-limit-exceeded"], target, tmp_path)
    assert not (tmp_path / "elsewhere").exists()


def test_eval_refuses_a_bad_json_path_before_running_any_case(tmp_path, capsys):
    with pytest.raises(UsageError, match="is a directory"):
        eval_main(["--cases", str(ROOT / "evals" / "cases" / "landing-cold-start"), "--json", str(tmp_path)])
    assert "eval: landing-cold-start" not in capsys.readouterr().err  # refused before the case ran
