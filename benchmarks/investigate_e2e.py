"""Benchmark: `crobs investigate --replay` end to end, as a user runs it.

Goal (issue 7): the sitebookify replay, from process start to the printed
report, takes at most 3 s. Import time is most of a short run, so this also
measures how long importing the CLI and the investigate module takes, and
checks that no Google client library is imported on a run that needs none
(they are imported lazily, only when a source talks to Google).

    .venv/bin/python benchmarks/investigate_e2e.py            # 5 runs of the bundled case
    .venv/bin/python benchmarks/investigate_e2e.py --case evals/cases/live-poll-429 --runs 3

Prints figures and ratios to the budget (ratio <= 1.00 meets it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASE = ROOT / "evals" / "cases" / "sitebookify-sample"
BUDGET_SECONDS = 3.0
IMPORT_BUDGET_SECONDS = 0.5

_IMPORT_PROBE = """
import sys, time
t = time.perf_counter()
import tools.cli, tools.investigate
print(time.perf_counter() - t)
"""

_LAZY_PROBE = """
import json, sys
from tools.investigate import investigate
result = investigate(replay=sys.argv[1], out=sys.argv[2])
heavy = sorted(m for m in sys.modules if m.startswith(("google.cloud", "grpc", "google.api_core")))
print(json.dumps({"written": result["written"], "heavy": heavy[:10], "count": len(heavy)}))
"""


def run(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - started, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=DEFAULT_CASE)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable

    imports = []
    for _ in range(args.runs):
        _, proc = run([python, "-c", _IMPORT_PROBE])
        imports.append(float(proc.stdout.strip()))
    import_s = statistics.median(imports)

    with tempfile.TemporaryDirectory(prefix="crobs-bench-") as tmp:
        startup = statistics.median(run([python, "-c", "pass"])[0] for _ in range(args.runs))
        times = []
        for index in range(args.runs):
            seconds, proc = run([python, "-m", "tools.cli", "investigate", "--replay", str(args.case),
                                 "--out", str(Path(tmp) / f"run{index}")])
            if proc.returncode != 0:
                print(f"run {index} failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
                return 1
            times.append(seconds)
        _, probe = run([python, "-c", _LAZY_PROBE, str(args.case), str(Path(tmp) / "lazy")])
        lazy = json.loads(probe.stdout.strip().splitlines()[-1])
        report = json.loads((Path(tmp) / "run0" / "report.json").read_text(encoding="utf-8"))

    median = statistics.median(times)
    print(f"case: {args.case.name} ({args.runs} runs)")
    print(f"end to end (process start to printed report): median {median:.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s")
    print(f"  ratio to the {BUDGET_SECONDS:.0f} s budget: {median / BUDGET_SECONDS:.2f}")
    print(f"python start-up alone: {startup:.2f} s ({startup / median:.0%} of a run)")
    print(f"import tools.cli + tools.investigate: median {import_s:.3f} s; "
          f"ratio to a {IMPORT_BUDGET_SECONDS} s import budget: {import_s / IMPORT_BUDGET_SECONDS:.2f}")
    print(f"Google client modules imported by a replay run that needs none: {lazy['count']}"
          + (f" (e.g. {', '.join(lazy['heavy'][:3])})" if lazy["count"] else ""))
    print(f"report: {len(report['evidence'])} evidence rows, {len(report['root_cause_candidates'])} candidates, "
          f"top {report['root_cause_candidates'][0]['label']} ({report['root_cause_candidates'][0]['confidence']})")
    return 0 if median <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
