"""Every tool result a model or MCP client receives through `call_tool` fits a size budget (issue 15:
one scan-repo answer was 521 findings, 326 KB): summary first, the most relevant rows next, and the
exact call (tool, arguments, `crobs` line) that fetches the rest, which really returns the rest."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tools.cli import main
from tools.collect import replay_env
from tools.errors import UsageError
from tools.registry import call_tool, command_line, get_tool, load_tools
from tools.safety.budget import estimate_tokens, shape

ROOT = Path(__file__).resolve().parents[1]

HANDLER = '''import threading
from flask import Flask

from workers import {calls}

app = Flask(__name__)


@app.post("/jobs")
def create_job():
    threading.Thread(target=print).start()
    return "", 202
'''
WORKER = ("import threading\n\n\ndef work_{n}():\n    threading.Thread(target=print).start()\n"
          "    open('/tmp/x{n}', 'w').write('x' * {n})\n")


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory) -> Path:
    """A repository whose scan has a few hundred findings, a handful of them on a request path."""
    root = tmp_path_factory.mktemp("repo")
    (root / "workers").mkdir()
    for n in range(160):
        (root / "workers" / f"w{n:03d}.py").write_text(WORKER.format(n=n), encoding="utf-8")
    (root / "app.py").write_text(HANDLER.format(calls="w000"), encoding="utf-8")
    return root


def _pages(name: str, arguments: dict, budget: int) -> list[dict]:
    """The first result and every follow-up its `rest` names, as a model would call them."""
    pages = [call_tool(name, arguments, budget_tokens=budget)]
    while pages[-1].get("rest"):
        rest = pages[-1]["rest"]
        assert rest["tool"] == name
        pages.append(call_tool(rest["tool"], rest["arguments"], budget_tokens=budget))
        assert len(pages) < 50
    return pages


def test_a_big_scan_fits_the_budget_and_its_rest_calls_return_every_other_row(big_repo):
    full = call_tool("scan_repo", {"path": str(big_repo)}, budget_tokens=None)
    assert estimate_tokens(full) > 4 * 6000  # the premise: far over the budget
    pages = _pages("scan_repo", {"path": str(big_repo)}, 6000)
    first = pages[0]
    assert list(first)[:2] == ["summary", "findings"]
    assert first["summary"]["total"] == len(full["findings"]) and first["summary"]["counts"]["category"]
    assert all(estimate_tokens(page) <= 6000 for page in pages)
    # most relevant first: the findings on a request path are in the first page
    on_path = {f["id"] for f in full["findings"] if f["in_request_path"]}
    assert on_path and on_path <= {f["id"] for f in first["findings"]}
    rest = first["rest"]
    assert rest["arguments"] == {"path": str(big_repo), "offset": first["summary"]["shown"]}
    assert rest["command"] == f"crobs scan-repo {big_repo} --offset {first['summary']['shown']} --budget 6000 --json"
    assert rest["remaining"] == len(full["findings"]) - first["summary"]["shown"]
    assert "under" in rest["or_narrow_with"]
    seen = [f["id"] for page in pages for f in page["findings"]]
    assert sorted(seen) == sorted(f["id"] for f in full["findings"])  # every row once, none twice
    assert pages[-1]["rest"] is None


def test_the_rest_command_line_runs_and_gives_the_same_page(big_repo):
    first = call_tool("scan_repo", {"path": str(big_repo)}, budget_tokens=2000)
    argv = shlex.split(first["rest"]["command"])
    assert argv[0] == "crobs"
    proc = subprocess.run([sys.executable, "-m", "tools.cli", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    by_cli = json.loads(proc.stdout)
    by_call = call_tool("scan_repo", first["rest"]["arguments"], budget_tokens=2000)
    assert [f["id"] for f in by_cli["findings"]] == [f["id"] for f in by_call["findings"]]
    assert by_cli["summary"]["offset"] == first["summary"]["shown"]


def test_the_cli_prints_whole_results_unless_given_a_budget(big_repo, capsys):
    assert main(["scan-repo", str(big_repo), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert "summary" not in whole and len(whole["findings"]) > 100
    assert main(["scan-repo", str(big_repo), "--budget", "3000"]) == 0
    cut = json.loads(capsys.readouterr().out)
    assert cut["summary"]["budget_tokens"] == 3000 and len(cut["findings"]) < len(whole["findings"])
    assert estimate_tokens(cut) <= 3000


def test_the_default_budget_is_about_8k_tokens_and_small_results_are_untouched(big_repo):
    assert call_tool("list_tools", {}) == call_tool("list_tools", {}, budget_tokens=None)
    assert "summary" not in call_tool("list_tools", {})
    cut = call_tool("scan_repo", {"path": str(big_repo)})
    assert cut["summary"]["budget_tokens"] == 8000 and estimate_tokens(cut) <= 8000


def _log_case(tmp_path: Path, count: int = 600) -> Path:
    case = tmp_path / "case"
    (case / "logging").mkdir(parents=True)
    (case / "case.yaml").write_text(
        "target: {project_id: p, region: r, target_type: service, target_name: s}\n"
        "window: {start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z'}\n", encoding="utf-8")
    lines = []
    for n in range(count):
        error = n % 30 == 7
        lines.append(json.dumps({
            "insertId": f"e{n:05d}", "timestamp": f"2026-03-01T10:{n // 60 % 60:02d}:{n % 60:02d}.{n:06d}Z",
            "logName": "projects/p/logs/run.googleapis.com%2Fstderr", "severity": "ERROR" if error else "INFO",
            "resource": {"type": "cloud_run_revision", "labels": {"service_name": "s", "location": "r",
                                                                  "revision_name": "s-1"}},
            "textPayload": ("boom: connection refused " if error else "served ok ") + "x" * 80,
        }))
    (case / "logging" / "entries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return case


def test_fetch_logs_errors_come_first_and_paging_covers_every_record(tmp_path):
    case = _log_case(tmp_path)
    args = {"project_id": "p", "target_type": "service", "target_name": "s", "start": "2026-03-01T10:00:00Z",
            "end": "2026-03-01T11:00:00Z"}
    with replay_env(str(case)):
        pages = _pages("fetch_logs", args, 8000)
    first = pages[0]
    assert first["summary"]["counts"]["severity"] == {"INFO": 580, "ERROR": 20}
    assert [r["severity"] for r in first["records"]].count("ERROR") == 20  # every error in the first page
    times = [r["timestamp"] for r in first["records"]]
    assert times == sorted(times)  # the page keeps the tool's own (time) order
    assert "--offset" in first["rest"]["command"] and "severity_min" in first["rest"]["or_narrow_with"]
    ids = [r["insert_id"] for page in pages for r in page["records"]]
    assert len(ids) == 600 == len(set(ids)) and len(pages) > 2
    assert all(estimate_tokens(page) <= 8000 for page in pages)


def test_a_result_without_rows_has_its_long_strings_cut():
    shaped = shape({"markdown": "word " * 40_000, "written": True}, 1000)
    assert estimate_tokens(shaped) <= 1000 and shaped["written"] is True
    assert shaped["summary"]["cut"][0]["path"] == "markdown" and "more chars]" in shaped["markdown"]


def test_every_tool_takes_offset_and_bad_values_are_usage_errors(big_repo):
    assert all("offset" in t.input_schema["properties"] for t in load_tools())
    with pytest.raises(UsageError):
        call_tool("scan_repo", {"path": str(big_repo), "offset": -1})
    with pytest.raises(UsageError):
        call_tool("scan_repo", {"path": str(big_repo)}, budget_tokens=0)


def test_command_line_quotes_and_spells_flags():
    tool = get_tool("fetch_logs")
    line = command_line(tool, {"project_id": "p", "target_type": "service", "target_name": "s",
                               "start": "T1", "end": "T2", "log_kinds": ["system", "stdout"], "text": "a b",
                               "offset": 10})
    assert line == ("crobs fetch-logs --project-id p --target-type service --target-name s --start T1 --end T2 "
                    "--log-kinds system,stdout --text 'a b' --offset 10")
    assert command_line(get_tool("scan_repo"), {"path": "/r", "include_tests": True}) == \
        "crobs scan-repo /r --include-tests"


def test_tight_budgets_still_page_forward_and_stay_within_or_say_so():
    """A nested main list under a deep report, at budgets down to a few hundred tokens: every page shows at
    least one row (else `rest` would name the same page forever) and fits, or says it could not."""
    result = {"written": True, "markdown": "# report\n" + "line of prose\n" * 3000,
              "report": {"title": "t", "evidence": [{"id": f"ev-{n:03d}", "signal": "s" * (50 + n * 7),
                                                     "attrs": {"deep": {"deeper": list(range(40))}}}
                                                    for n in range(60)],
                         "data_gaps": [{"missing_signal": "m" * 300}] * 30}}
    for budget in (300, 800, 3000):
        offset, seen = 0, []
        while True:
            page = shape(result, budget, {"rows": "report.evidence"}, offset or None,
                         lambda n: {"arguments": {"offset": n}})
            assert page["summary"]["shown"] >= 1
            assert estimate_tokens(page) <= budget or page["summary"].get("over_budget")
            seen += [row["id"] for row in page["report"]["evidence"]]
            if page["rest"] is None:
                break
            offset = page["rest"]["arguments"]["offset"]
        assert seen == [f"ev-{n:03d}" for n in range(60)]
    assert estimate_tokens(shape(result, 3000, {"rows": "report.evidence"})) <= 3000
