"""`crobs validate|render|parse` and report file I/O: exit codes, one-line errors, atomic writes."""

import json
from pathlib import Path

import pytest

from tools.cli import main
from tools.errors import InputError
from tools.report.io import load_report, write_report_files
from tools.report.parse import parse_markdown

SEED_PATH = Path(__file__).parent / "fixtures" / "sample-run-sitebookify.md"
SEED = SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def seed_json(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(parse_markdown(SEED), ensure_ascii=False), encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_the_seed_in_both_forms(capsys, seed_json):
    assert run(capsys, "validate", SEED_PATH) == (0, "valid\n", "")
    assert run(capsys, "validate", seed_json) == (0, "valid\n", "")


def test_validate_lists_every_error_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(SEED.replace("Supporting evidence: ev-005", "Supporting evidence: ev-006")
                   .replace("Addresses: Candidate 1\n", "Addresses: Candidate 4\n"), encoding="utf-8")
    code, out, err = run(capsys, "validate", bad)
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "/root_cause_candidates/2/supporting_evidence/0: ev-006 is not an evidence id in this report",
        "/fix_plan/permanent/1/addresses/0: candidate 4 does not exist (ranks are 1..3)",
    ]
    code, out, _ = run(capsys, "validate", bad, "--json")
    assert code == 1
    result = json.loads(out)
    assert result["valid"] is False and len(result["errors"]) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.json", b"  \n", "file is empty"),
        ("blob.md", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file, expected a JSON or Markdown report"),
        ("latin.md", "# Caf\u00e9".encode("latin-1"), "not UTF-8 text (byte 5), expected a JSON or Markdown report"),
        ("broken.json", b'{"title": "x",\n  "evidence": [}', "2: invalid JSON: Expecting value (column 16)"),
        ("list.json", b"[1, 2]", "the report must be a JSON object, found an array"),
    ],
)
def test_bad_files_get_one_line_and_exit_2(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("validate", "render", "parse"):
        code, out, err = run(capsys, command, path)
        assert (code, out) == (2, "")
        separator = ":" if message[0].isdigit() else ": "
        assert err == f"crobs: error: {path}{separator}{message}\n"


def test_missing_file_and_directory(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nope.json")
    assert (code, err) == (2, f"crobs: error: {tmp_path / 'nope.json'}: no such file\n")
    code, _, err = run(capsys, "parse", tmp_path)
    assert (code, err) == (2, f"crobs: error: {tmp_path}: is a directory, not a report file\n")


def test_special_and_oversized_files(capsys, tmp_path, monkeypatch):
    code, _, err = run(capsys, "validate", "/dev/zero")
    assert (code, err) == (2, "crobs: error: /dev/zero: not a regular file, expected a JSON or Markdown report\n")
    monkeypatch.setattr("tools.report.io.MAX_REPORT_BYTES", 100)
    code, _, err = run(capsys, "parse", SEED_PATH)
    assert (code, err) == (2, f"crobs: error: {SEED_PATH}: larger than 100 bytes, too large for a report\n")


def test_markdown_layout_error_names_file_and_line(capsys, tmp_path):
    path = tmp_path / "report.md"
    path.write_text(SEED.replace("| high | `src/app/queue.rs:19` |", "| `src/app/queue.rs:19` |"), encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    assert (code, out) == (2, "")
    assert err == f"crobs: error: {path}:20: evidence table row has 5 cells, expected 6\n"
    assert "Traceback" not in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    assert "required: path" in capsys.readouterr().err


def test_render_json_gives_the_sample_back(capsys, seed_json, tmp_path):
    code, out, err = run(capsys, "render", seed_json)
    assert (code, out, err) == (0, SEED, "")
    target = tmp_path / "out" / "report.md"
    code, out, _ = run(capsys, "render", seed_json, "--out", target)
    assert (code, out) == (0, f"wrote {target}\n")
    assert target.read_text(encoding="utf-8") == SEED


def test_render_refuses_a_report_that_breaks_the_schema(capsys, tmp_path):
    report = parse_markdown(SEED)
    del report["fix_plan"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    code, out, err = run(capsys, "render", path)
    assert (code, out) == (2, "")
    assert err == (f"crobs: error: {path}: cannot render, the report does not match the schema (1 problem(s); "
                   f"first: /fix_plan: missing required field); run `crobs validate {path}`\n")


def test_parse_prints_the_json_structure(capsys):
    code, out, _ = run(capsys, "parse", SEED_PATH)
    assert code == 0
    assert json.loads(out) == parse_markdown(SEED)
    assert "未確定" in out  # not \u-escaped


def test_load_report_sniffs_files_without_a_known_extension(tmp_path, seed_json):
    as_text = tmp_path / "report"
    as_text.write_text(SEED, encoding="utf-8")
    as_json = tmp_path / "report.txt"
    as_json.write_text("\ufeff" + seed_json.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_report(str(as_text)) == load_report(str(as_json)) == parse_markdown(SEED)


def test_write_report_files_writes_both_forms_atomically(tmp_path):
    report = parse_markdown(SEED)
    out_dir = tmp_path / "run" / "1"
    paths = write_report_files(report, str(out_dir))
    assert paths == {"json": str(out_dir / "report.json"), "markdown": str(out_dir / "report.md")}
    assert json.loads(Path(paths["json"]).read_text(encoding="utf-8")) == report
    assert Path(paths["markdown"]).read_text(encoding="utf-8") == SEED
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.json", "report.md"]


def test_write_report_files_leaves_nothing_when_rendering_fails(tmp_path):
    report = parse_markdown(SEED)
    del report["incident_summary"]
    with pytest.raises(KeyError):
        write_report_files(report, str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_load_report_error_is_an_input_error(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("# Title only\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.md:1: expected the 'Generated at:'"):
        load_report(str(path))
