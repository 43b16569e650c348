"""Benchmark sections for issue 16's reliability half: the fault matrix and dead endpoints.

    .venv/bin/python benchmarks/security_faults.py            # both sections
    .venv/bin/python benchmarks/security.py                   # every security section

- fault matrix: every source (logging, run, monitoring, trello) x every fault
  of tools/replay/faults.py, plus hostile repository files and a repository
  scan past its deadline, each a real
  `crobs investigate --replay` subprocess with short limits; a cell passes
  when the exit code is 0, a report is written, a data gap names the source
  and the cause, and stderr has no traceback;
- dead endpoints: `crobs investigate` with the DEFAULT limits against a
  server that accepts connections and never answers, and against a port
  that refuses; the goal is <= 60 s with a report written.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.replay.faults import FAULTS, REPO_FAULTS, check_cell, check_repo_cell, plant  # noqa: E402

CASE = ROOT / "evals" / "cases" / "landing-cold-start"
SOURCES = ("logging", "run", "monitoring", "trello")
FAST = ["--request-timeout", "0.3", "--failure-budget", "1.5", "--repo-deadline", "20", "--format", "json"]
DEAD_GOAL_S = 60.0


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CROBS_", "TRELLO_"))}
    env.update({"CROBS_LOGGING_RPM": "100000", "CROBS_BACKOFF_BASE": "0.02", "CROBS_TRELLO_BACKOFF_CAP": "0.02"})
    env.update(extra)
    return env


def _investigate(args: list[str], env: dict[str, str], out: Path) -> tuple[int, str, dict | None, float]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tools.cli", "investigate", *args, "--out", str(out)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    took = time.monotonic() - began
    path = out / "report.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return done.returncode, done.stderr, report, took


def _cell(source: str, fault: str, work: Path) -> str | None:
    out = work / f"{source}-{fault}"
    if source == "repository" and fault == "slow-scan":  # a scan past its deadline
        code, err, report, _ = _investigate(["--replay", str(CASE), *FAST, "--repo-deadline", "0.001"], _env(), out)
        whys = [g["why_missing"] for g in (report or {}).get("data_gaps") or []]
        problem = None if any("did not finish" in w for w in whys) else "no gap for the slow repository scan"
    elif source == "repository":
        case = work / f"case-{fault}"
        shutil.copytree(CASE, case, symlinks=True)
        plant(case / "repo", fault)
        code, err, report, _ = _investigate(["--replay", str(case), *FAST], _env(), out)
        problem = check_repo_cell(report)
    else:
        code, err, report, _ = _investigate(["--replay", str(CASE), *FAST],
                                            _env(CROBS_REPLAY_FAULTS=f"{source}={fault}"), out)
        problem = check_cell(source, fault, report)
    if code != 0:
        return f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
    if "Traceback" in err or "internal error" in err:
        return "a traceback or internal error on stderr"
    return problem


def fault_matrix(jobs: int = 2) -> dict:
    """Run every cell; {"passed", "total", "failures": {cell: why}}."""
    cells = [(s, f) for s in SOURCES for f in FAULTS] + [("repository", f) for f in (*REPO_FAULTS, "slow-scan")]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(jobs) as pool:
        outcomes = list(pool.map(lambda cell: (cell, _cell(*cell, Path(tmp))), cells))
    failures = {f"{s} x {f}": why for (s, f), why in outcomes if why}
    return {"passed": len(cells) - len(failures), "total": len(cells), "failures": failures}


def dead_endpoints() -> dict:
    """Seconds `investigate` takes with default limits against a silent and a refusing endpoint."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(256)  # the kernel accepts; nobody ever reads or answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused_port = closed.getsockname()[1]
    closed.close()
    urls = {"accepts, never answers": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "refuses": f"http://127.0.0.1:{refused_port}"}
    args = ["--project", "brightpath-web", "--region", "us-central1", "--service", "landing",
            "--start", "2026-07-08T12:00:00Z", "--end", "2026-07-08T16:00:00Z",
            "--trello", "https://trello.com/c/bV4mXq2L", "--repo", str(CASE / "repo"), "--format", "json"]
    runs = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
            def one(item: tuple[str, str]) -> tuple[str, dict]:
                name, url = item
                env = {k: v for k, v in _env(CROBS_GCP_ENDPOINT=url, TRELLO_BASE_URL=url,
                                             TRELLO_API_KEY="bench-key-000", TRELLO_TOKEN="bench-token-000").items()
                       if k != "CROBS_BACKOFF_BASE" and k != "CROBS_TRELLO_BACKOFF_CAP"}  # real backoff
                code, err, report, took = _investigate(args, env, Path(tmp) / name.replace(" ", "-"))
                return name, {"seconds": round(took, 1), "exit": code, "report": report is not None,
                              "gaps": len((report or {}).get("data_gaps") or [])}
            runs = dict(pool.map(one, urls.items()))
    finally:
        silent.close()
    return {"runs": runs, "longest_s": max(r["seconds"] for r in runs.values())}


def section() -> list[str]:
    """The lines benchmarks/security.py prints for this half."""
    matrix = fault_matrix()
    dead = dead_endpoints()
    lines = [f"fault matrix: {matrix['passed']}/{matrix['total']} cells pass "
             f"({len(SOURCES)} APIs x {len(FAULTS)} faults + {len(REPO_FAULTS)} hostile repository files "
             "+ a scan past its deadline)"]
    lines += [f"  FAIL {cell}: {why[:200]}" for cell, why in matrix["failures"].items()]
    for name, run in dead["runs"].items():
        lines.append(f"dead endpoint ({name}): investigate {run['seconds']} s, exit {run['exit']}, "
                     f"report {'written' if run['report'] else 'MISSING'}, {run['gaps']} data gaps")
    verdict = "ok" if dead["longest_s"] <= DEAD_GOAL_S else "OVER"
    lines.append(f"longest investigate against dead endpoints: {dead['longest_s']} s "
                 f"(goal <= {DEAD_GOAL_S:g} s: {verdict})")
    return lines


def main() -> int:
    for line in section():
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
