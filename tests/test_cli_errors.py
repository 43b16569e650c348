"""Every CLI input error of issue 16 is one line on stderr with exit 2: no `internal error:`, no traceback.

Each case runs `python -m tools.cli` as a user would (a real process, so a
closed stdout and argparse's own exit are what they are in a terminal).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md"
CASE = ROOT / "evals" / "cases" / "landing-cold-start"
WINDOW = ["--start", "2026-01-01T00:00:00Z", "--end", "2026-01-01T01:00:00Z"]
CASE_YAML = ("target: {target_type: service, target_name: s}\n"
             "window: {start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z'}\n")


def _case(tmp: Path, repo_line: str) -> str:
    case = tmp / "case"
    case.mkdir()
    (case / "case.yaml").write_text(CASE_YAML + repo_line + "\n", encoding="utf-8")
    return str(case)


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe")
    return str(tmp / "pipe")


def _link(tmp: Path) -> str:
    (tmp / "link.md").symlink_to(tmp / "elsewhere.md")
    return str(tmp / "link.md")


def _binary(tmp: Path) -> str:
    (tmp / "thresholds.yaml").write_bytes(b"minimum:\0\xff\xfe\x00")
    return str(tmp / "thresholds.yaml")


# (id, argv builder given tmp_path, fragment the one line must hold)
CASES = [
    ("render-out-directory", lambda t: ["render", str(SAMPLE), "--out", str(t)], "is a directory"),
    ("render-out-named-pipe", lambda t: ["render", str(SAMPLE), "--out", _fifo(t)], "is a named pipe"),
    ("render-out-symlink", lambda t: ["render", str(SAMPLE), "--out", _link(t)], "is a symbolic link"),
    ("render-out-device", lambda t: ["render", str(SAMPLE), "--out", os.devnull], "is a character device"),
    ("investigate-out-is-a-file", lambda t: ["investigate", "--replay", str(CASE), "--out", str(SAMPLE)],
     "is a file, not a directory"),
    ("investigate-emit-alerts-at-a-file", lambda t: ["investigate", "--replay", str(CASE), "--out", str(t / "o"),
                                                     "--emit-alerts", str(SAMPLE)], "is not a directory"),
    ("eval-json-directory", lambda t: ["eval", "--cases", str(CASE), "--json", str(t)], "is a directory"),
    ("eval-binary-thresholds", lambda t: ["eval", "--cases", str(CASE), "--thresholds", _binary(t)],
     "cannot read thresholds"),
    ("filter-5000-parentheses", lambda t: ["query-logs", "--project-id", "p", "--filter",
                                           "(" * 5000 + "a=1" + ")" * 5000, *WINDOW], "more than 100 deep"),
    ("filter-deep-value-group", lambda t: ["query-logs", "--project-id", "p", "--filter", "a=" + "(" * 3000,
                                           *WINDOW], "more than 100 deep"),
    ("filter-deep-minus", lambda t: ["query-logs", "--project-id", "p", "--filter=" + "-" * 15000 + "a", *WINDOW],
     "more than 100 deep"),
    ("since-overflow", lambda t: ["investigate", "--service", "s", "--since", "9" * 30 + "s", "--out", str(t)],
     "too long"),
    ("window-in-year-1", lambda t: ["investigate", "--project", "p", "--region", "r", "--service", "s", "--start",
                                    "0001-01-01T00:00:00Z", "--end", "0001-01-01T00:10:00Z", "--out", str(t)],
     "is outside 1970-01-01T00:00:00Z"),
    ("replay-port-99999", lambda t: ["replay", str(CASE), "--port", "99999"], "not a port number"),
    ("case-repo-integer", lambda t: ["investigate", "--replay", _case(t, "repo: 5"), "--out", str(t / "o")],
     "must be a path inside the case directory"),
    ("case-target-is-a-list", lambda t: ["investigate", "--replay", _case(t, "id: [1, 2]"), "--out", str(t / "o")],
     "must be a single value"),
    ("case-repo-outside", lambda t: ["investigate", "--replay", _case(t, "repo: ../../../etc"),
                                     "--out", str(t / "o")], "points outside the case directory"),
    ("missing-required-flags", lambda t: ["fetch-logs", "--project-id", "p"], "required"),
    ("unknown-command", lambda t: ["no-such-command"], "invalid choice"),
    ("bad-integer", lambda t: ["eval", "--runs", "many"], "invalid int value"),
    ("parse-binary-file", lambda t: ["parse", _binary(t)], "binary file"),
    ("file-name-too-long", lambda t: ["validate", "(" * 300], "File name too long"),
    ("repo-name-too-long", lambda t: ["scan-deploy-config", "a" * 300], "File name too long"),
    ("validate-missing-file", lambda t: ["validate", str(t / "nope.json")], "no such file"),
]


@pytest.mark.parametrize(("argv", "fragment"), [pytest.param(a, f, id=i) for i, a, f in CASES])
def test_input_error_is_one_line_exit_2(tmp_path, argv, fragment):
    result = subprocess.run([sys.executable, "-m", "tools.cli", *argv(tmp_path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "CROBS_GCP_ENDPOINT": "http://127.0.0.1:9"})
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert fragment in lines[0], lines[0]


def test_closed_stdout_is_one_line_exit_2():
    shell = f"exec {sys.executable} -m tools.cli list-tools >&-"
    result = subprocess.run(["sh", "-c", shell], cwd=ROOT, capture_output=False, stderr=subprocess.PIPE, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "crobs: error: standard output is closed; redirect it (e.g. > /dev/null) instead"]


def test_reader_leaving_early_is_not_an_error(tmp_path):
    """`crobs parse big.md --json | head -c 1`: the pipe breaks mid-write; exit 0 and nothing on stderr."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| ev-001"))
    big = tmp_path / "big.md"
    big.write_text("\n".join(lines[:lines.index(row)] + [row] * 4000 + lines[lines.index(row) + 1:]) + "\n",
                   encoding="utf-8")
    shell = f"{sys.executable} -m tools.cli parse {big} --json | head -c 1 >/dev/null"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_terminal_escapes_and_bidi_never_reach_the_terminal(tmp_path):
    report = tmp_path / "r.md"
    text = SAMPLE.read_text(encoding="utf-8").replace("cloud_logging |", "cloud_logging\x1b[2J\u202e |", 1)
    report.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tools.cli", "parse", str(report)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "cloud_logging" in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
