"""`crobs eval`: run the investigation on every case as a user would, then score it.

Each case runs `crobs investigate --replay CASE --out TMP` in a subprocess —
the same command a user types — so the eval measures the product, not a
test double, and a crash in one case cannot take the suite down. The runner
depends on nothing but the case directories it is given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tools.case import load_case
from tools.errors import InputError, OneLineArgumentParser, UsageError
from tools.evaluation.score import CHECKS, score_report, summarize
from tools.paths import ROOT
from tools.safety.atomic import check_output, write_atomic

DEFAULT_CASES = ROOT / "evals" / "cases"
THRESHOLDS = ROOT / "evals" / "thresholds.yaml"
CASE_TIMEOUT = float(os.environ.get("CROBS_EVAL_CASE_TIMEOUT", "300"))


def find_cases(roots: list[Path]) -> list[Path]:
    """Case dirs under each root (a root may itself be a case)."""
    cases: list[Path] = []
    for root in roots:
        if not root.exists():
            raise UsageError(f"{root}: no such directory")
        if (root / "case.yaml").is_file():
            cases.append(root)
            continue
        cases.extend(sorted(p.parent for p in root.glob("*/case.yaml")))
    return cases


def investigate_case(case_dir: Path, out_dir: Path, llm: list[str] | None = None) -> tuple[dict[str, Any] | None, str]:
    """Run the CLI on one case (with `llm`: the --llm flags); (report, stderr tail)."""
    command = [sys.executable, "-m", "tools.cli", "investigate", "--replay", str(case_dir), "--out", str(out_dir),
               *(llm or [])]
    env = {k: v for k, v in os.environ.items() if k not in ("CROBS_GCP_ENDPOINT", "TRELLO_BASE_URL")}
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=CASE_TIMEOUT, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {CASE_TIMEOUT:.0f} s"
    report_path = out_dir / "report.json"
    stderr_tail = (proc.stderr.strip().splitlines() or [""])[-1]
    if not report_path.is_file():
        return None, f"no report.json (exit {proc.returncode}): {stderr_tail}"
    try:
        return json.loads(report_path.read_text(encoding="utf-8")), stderr_tail
    except ValueError as exc:
        return None, f"report.json is not JSON: {exc}"


def _validate(report: dict[str, Any]) -> list[Any]:
    from tools.report.validate import validate

    return validate(report)


def case_set(case: dict[str, Any]) -> str:
    """`real` for a case rebuilt from a public incident (it carries `provenance:`), else `team`.

    The two are scored apart: the team's cases share the catalog's wording, the real ones
    do not, and a suite average would hide the gap between them.
    """
    return "real" if isinstance(case.get("provenance"), dict) else "team"


def _set_of_unreadable(case_dir: Path) -> str:
    try:
        text = (case_dir / "case.yaml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "team"
    return "real" if any(line.startswith("provenance:") for line in text.splitlines()) else "team"


def run_case(case_dir: Path, llm: list[str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        case = load_case(case_dir)
    except InputError as exc:
        return {"id": case_dir.name, "set": _set_of_unreadable(case_dir), "checks": None, "error": str(exc),
                "seconds": 0.0}
    with tempfile.TemporaryDirectory(prefix="crobs-eval-") as tmp:
        report, note = investigate_case(case_dir, Path(tmp), llm)
    seconds = time.perf_counter() - started
    if report is None:
        return {"id": case.get("id", case_dir.name), "set": case_set(case), "checks": None, "error": note,
                "truth": list((case.get("expect") or {}).get("root_causes") or []), "seconds": seconds}
    checks = score_report(case, report, _validate(report))
    top = report.get("root_cause_candidates") or [{}]
    result = {
        "id": case.get("id", case_dir.name),
        "set": case_set(case),
        "truth": list((case.get("expect") or {}).get("root_causes") or []),
        "checks": checks,
        "top3": [c.get("label", "") for c in top[:3]],
        "top": f"{top[0].get('label', '')}({top[0].get('confidence', '')})",
        "error": None,
        "seconds": round(seconds, 2),
    }
    if llm is not None:  # LLM mode: whether the model's answer was kept, and what it cost
        result["llm"] = (report.get("extras") or {}).get("llm")
    return result


def _mark(value: bool | None) -> str:
    return {True: "✓", False: "✗", None: "·"}[value]


SET_TITLES = {"team": "team-written cases", "real": "cases rebuilt from real incidents"}


def format_summary(summary: dict[str, Any]) -> str:
    return (
        "{cases} cases, {errors} errors; top-1 {top1_pct}%, top-3 {top3_pct}%, grounded {grounded_pct}%, "
        "valid {valid_pct}%, must-cite {must_cite_pct}%, healthy false positives {healthy_false_positives}, "
        "failing windows called healthy {healthy_on_failing}; median {median_seconds}s, max {max_seconds}s"
    ).format(**summary)


def _set_table(results: list[dict[str, Any]]) -> list[str]:
    width = max([len(r["id"]) for r in results] + [4])
    lines = [f"{'case':<{width}}  " + " ".join(f"{c[:9]:^9}" for c in CHECKS) + "   time  top"]
    for r in results:
        if r["checks"] is None:
            lines.append(f"{r['id']:<{width}}  ERROR: {r['error']}")
            continue
        marks = " ".join(f"{_mark(r['checks'][c]['ok']):^9}" for c in CHECKS)
        lines.append(f"{r['id']:<{width}}  {marks} {r['seconds']:6.2f}s  {r.get('top', '')}")
    failures = [(r["id"], c, r["checks"][c]["why"]) for r in results if r["checks"]
                for c in CHECKS if r["checks"][c]["ok"] is False]
    if failures:
        lines.append("")
        lines.extend(f"✗ {case} {check}: {why}" for case, check, why in failures)
    skipped = [(r["id"], r["checks"]["must_cite"]["skipped"]) for r in results
               if r["checks"] and r["checks"]["must_cite"].get("skipped")]
    if skipped:
        lines.append("")
        lines.append(f"· {len(skipped)} case(s) ran without their repository (no mirror materialised; "
                     "see evals/generate_cases.py --mirrors): their file:line must-cites were skipped")
        lines.extend(f"· {case}: {why}" for case, why in skipped)
    return lines


def split_sets(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Results per set, team first, only the sets this run has."""
    sets: dict[str, list[dict[str, Any]]] = {}
    for name in SET_TITLES:
        members = [r for r in results if r.get("set", "team") == name]
        if members:
            sets[name] = members
    return sets


def format_table(results: list[dict[str, Any]], summary: dict[str, Any] | None = None) -> str:
    """One table per set, then one summary line per set (never a blended average)."""
    sets = split_sets(results)
    lines: list[str] = []
    for name, members in sets.items():
        if len(sets) > 1 or name != "team":
            lines.append(f"== {SET_TITLES[name]} ==")
        lines.extend(_set_table(members))
        lines.append("")
    for name, members in sets.items():
        prefix = "summary" if len(sets) == 1 else f"summary ({name})"
        lines.append(f"{prefix}: " + format_summary(summarize(members)))
    return "\n".join(lines)


def markdown_table(results: list[dict[str, Any]]) -> str:
    """Per case: the truth, the report's top 3, and what it got right, as a Markdown table to commit."""
    def cell(value: bool | None) -> str:
        return {True: "yes", False: "**no**", None: "–"}[value]

    rows = ["| case | truth | top 3 (report) | top-1 | top-3 | must-cite hits | healthy on failing |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        if r["checks"] is None:
            rows.append(f"| {r['id']} | {', '.join(r.get('truth') or [])} | ERROR: {r['error']} | **no** | **no** | "
                        "– | – |")
            continue
        checks = r["checks"]
        cite = checks["must_cite"]
        hits = cite.get("hits", "–")
        if cite.get("skipped"):
            hits = f"{hits} ({cite['skipped'].split(' ')[0]} repo ref(s) skipped)" if cite.get("hits") \
                else f"skipped ({cite['skipped'].split(' ')[0]} repo ref(s))"
        alarm = checks["alarm"]["ok"]
        rows.append(f"| {r['id']} | {', '.join(r.get('truth') or [])} | {', '.join(r.get('top3') or [])} | "
                    f"{cell(checks['top1']['ok'])} | {cell(checks['top3']['ok'])} | {hits} | "
                    f"{'**yes**' if alarm is False else ('no' if alarm else '–')} |")
    return "\n".join(rows)


def llm_summary(results: list[dict[str, Any]]) -> str:
    """LLM mode: how many passes refined their report, and what the whole run cost."""
    passes = [r.get("llm") or {} for r in results]
    usage = [p.get("usage") or {} for p in passes]
    costs = [u.get("estimated_cost_usd") for u in usage]
    cost = f"${sum(c for c in costs if c):.4f}" if any(c is not None for c in costs) else "unknown"
    return (f"llm: {sum(p.get('status') == 'refined' for p in passes)} of {len(results)} reports refined; "
            f"{sum(u.get('model_calls', 0) for u in usage)} model calls, "
            f"{sum(u.get('input_tokens', 0) + u.get('cache_read_input_tokens', 0) for u in usage)} tokens in, "
            f"{sum(u.get('output_tokens', 0) for u in usage)} out; est. cost {cost}")


def below_thresholds(summary: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """One line per figure that falls short of one set's block in evals/thresholds.yaml."""
    problems = []
    for key, minimum in (thresholds.get("minimum") or {}).items():
        if key not in summary:
            problems.append(f"{key}: no such figure in the summary (check evals/thresholds.yaml)")
            continue
        value = summary[key]
        if value is None:
            continue  # no case in this run has that check (e.g. only healthy cases: no must_cite)
        if value < minimum:
            problems.append(f"{key} = {value} is below the threshold {minimum}")
    for key, maximum in (thresholds.get("maximum") or {}).items():
        value = summary.get(key)
        if value is not None and value > maximum:
            problems.append(f"{key} = {value} is above the threshold {maximum}")
    return problems


def set_thresholds(thresholds: dict[str, Any], name: str) -> dict[str, Any]:
    """The team set reads the top-level minimum/maximum; every other set its own block (`real:`)."""
    if name == "team":
        return {k: v for k, v in thresholds.items() if k in ("minimum", "maximum")}
    return thresholds.get(name) or {}


def load_thresholds(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read thresholds: not UTF-8 text (byte {exc.start})") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read thresholds: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: thresholds must be a YAML mapping (minimum:, maximum:, real:, ...)")
    return data


def main(argv: list[str]) -> int:
    parser = OneLineArgumentParser(prog="crobs eval", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", type=Path, default=[DEFAULT_CASES], help="case dirs or parents")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write results as JSON here")
    parser.add_argument("--markdown", dest="markdown_out", type=Path,
                        help="also write a per-case Markdown table (truth, top 3, must-cite hits) per set here")
    parser.add_argument("--mode", choices=["deterministic", "llm"], default="deterministic")
    parser.add_argument("--runs", type=int, default=1, help="LLM mode: runs per case")
    parser.add_argument("--model", help="LLM mode: model id (default CROBS_MODEL, else the investigate default)")
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS)
    args = parser.parse_args(argv)
    llm = None
    for out in (args.json_out, args.markdown_out):
        if out is not None:
            check_output(out)  # refuse a directory, link or pipe now, not after every case has run
    thresholds = load_thresholds(args.thresholds) if args.thresholds.is_file() else {}
    if args.mode == "llm":
        if not (os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN")):
            print("crobs eval: LLM mode skipped: ANTHROPIC_API_KEY is not set", file=sys.stderr)
            return 0
        llm = ["--llm", *(["--model", args.model] if args.model else [])]
    cases = find_cases(args.cases)
    if not cases:
        raise UsageError(f"no case directories (with case.yaml) under {', '.join(map(str, args.cases))}")
    results = []
    runs = max(1, args.runs) if llm else 1
    for case_dir in cases:
        for run in range(1, runs + 1):
            print(f"eval: {case_dir.name}{f' (run {run})' if runs > 1 else ''} ...", file=sys.stderr, flush=True)
            result = run_case(case_dir, llm)
            if runs > 1:
                result["id"] = f"{result['id']}#{run}"
            results.append(result)
    sets = {name: summarize(members) for name, members in split_sets(results).items()}
    print(format_table(results))
    if llm:
        print(llm_summary(results))
    problems = []
    for name, summary in sets.items():
        prefix = "" if len(sets) == 1 else f"{name}: "
        problems.extend(prefix + p for p in below_thresholds(summary, set_thresholds(thresholds, name)))
    if args.json_out:
        body = {"summary": summarize(results), "sets": sets, "cases": results, "below_thresholds": problems}
        write_atomic(args.json_out, json.dumps(body, ensure_ascii=False, indent=2))
    if args.markdown_out:
        parts = []
        for name, members in split_sets(results).items():
            parts += [f"## {SET_TITLES[name]}", "", markdown_table(members), "",
                      f"Summary: {format_summary(sets[name])}", ""]
        write_atomic(args.markdown_out, "\n".join(parts))
    for problem in problems:
        print(f"crobs eval: {problem}", file=sys.stderr)
    return 1 if problems else 0
