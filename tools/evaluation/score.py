"""Scoring one report against its case's `expect:` block.

Pure functions over plain data: the runner produces the report, this module
only judges it, so a case written by someone outside the team is scored by
exactly the same code as ours. Every failed check carries one line saying
what was expected and what was found.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

CHECKS = ("valid", "grounded", "top1", "top3", "also", "not_above", "must_cite", "data_gaps", "healthy", "alarm")
_CONFIDENCE = {"low": 0, "medium": 1, "high": 2}
_TRELLO = re.compile(r"^https://trello\.com/c/(?P<card>[A-Za-z0-9]+)(?:/[^#]*)?(?:#comment-(?P<comment>[0-9a-f]+))?$")
_REPO = re.compile(r"^(?P<path>[^#\s]+?):(?P<line>\d+)$")
_INDEX = re.compile(r"^(?P<key>[^\[\]]+)((?:\[\d+\])*)$")


def _ok(passed: bool | None, why: str = "") -> dict[str, Any]:
    return {"ok": passed, "why": "" if passed else why}


def _labels(report: dict[str, Any]) -> list[str]:
    return [c.get("label") or "" for c in report.get("root_cause_candidates", [])]


# -- grounding -------------------------------------------------------------

@lru_cache(maxsize=8)
def _log_index(entries_path: str) -> dict[str, set[str]]:
    """insertId -> short logNames, read once per case file."""
    index: dict[str, set[str]] = {}
    path = Path(entries_path)
    if not path.is_file():
        return index
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            log_name = unquote(str(entry.get("logName", "")).split("/logs/", 1)[-1])
            index.setdefault(str(entry.get("insertId", "")), set()).add(log_name)
    return index


def _field_exists(resource: Any, field_path: str) -> bool:
    """Does `a.b[0].c` exist in the resource? A left-out field whose parent exists counts:
    that is how a platform default is cited (the block that omits it)."""
    parts = [p for p in field_path.split(".") if p]
    node = resource
    for depth, part in enumerate(parts):
        match = _INDEX.match(part)
        if not match:
            return False
        key = match.group("key")
        indexes = [int(i) for i in re.findall(r"\[(\d+)\]", part)]
        if not isinstance(node, dict) or key not in node:
            return isinstance(node, dict) and depth == len(parts) - 1 and not indexes
        node = node[key]
        for index in indexes:
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
    return True


def _run_resources(case_dir: Path) -> dict[str, Any]:
    resources = {}
    for path in sorted((case_dir / "run").glob("*/*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        resources[body.get("name") or path.stem] = body
        resources.setdefault(path.stem, body)
    return resources


def _trello_cards(case_dir: Path) -> dict[str, Any]:
    cards = {}
    for path in sorted((case_dir / "trello" / "cards").glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in {path.stem, body.get("shortLink"), body.get("id")} - {None}:
            cards[key] = body
    return cards


def _substantive(line: str) -> bool:
    text = line.strip()
    return bool(text) and not re.fullmatch(r"[{}()\[\];,]*", text) and not text.startswith(("//", "#!"))


def resolve_ref(raw_ref: str, case_dir: Path, repo_dir: Path | None) -> str | None:
    """None when the reference resolves inside the case; otherwise why it does not."""
    ref = raw_ref.strip().strip("`")
    trello = _TRELLO.match(ref)
    if trello:
        card = _trello_cards(case_dir).get(trello.group("card"))
        if card is None:
            return f"Trello card {trello.group('card')} is not in the case"
        comment = trello.group("comment")
        if comment and comment not in {a.get("id") for a in card.get("actions", [])}:
            return f"comment {comment} is not on card {trello.group('card')}"
        return None
    if "#" in ref:
        head, _, tail = ref.partition("#")
        if head.startswith("projects/") and "/locations/" in head:
            resources = _run_resources(case_dir)
            resource = resources.get(head) or resources.get(head.rsplit("/", 1)[-1])
            if resource is None:
                return f"Cloud Run resource {head} is not in the case"
            return None if _field_exists(resource, tail) else f"field {tail} does not exist in {head}"
        if "@" in tail:  # cloud_monitoring: <metric type>#<labels>@<time>
            series = case_dir / "monitoring" / "timeseries.jsonl"
            if series.is_file() and f'"{head}"' in series.read_text(encoding="utf-8"):
                return None
            return f"metric {head} is not in monitoring/timeseries.jsonl"
        logs = _log_index(str(case_dir / "logging" / "entries.jsonl"))
        names = logs.get(tail)
        if not names:
            return f"insertId {tail} is not in logging/entries.jsonl"
        return None if head in names else f"insertId {tail} belongs to {sorted(names)[0]}, not {head}"
    repo = _REPO.match(ref)
    if repo:
        if repo_dir is None:
            return f"{ref}: the case has no repo"
        path = (repo_dir / repo.group("path")).resolve()
        if repo_dir.resolve() not in path.parents or not path.is_file():
            return f"{repo.group('path')} does not exist in the case repo"
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        number = int(repo.group("line"))
        if not 1 <= number <= len(lines):
            return f"{ref}: line {number} is past the end ({len(lines)} lines)"
        if not _substantive(lines[number - 1]):
            return f"{ref}: line {number} is blank or only punctuation"
        return None
    return f"unrecognised reference form {ref!r}"


# -- the checks ------------------------------------------------------------

def _check_grounded(report: dict[str, Any], case_dir: Path, repo_dir: Path | None) -> dict[str, Any]:
    failures = []
    for row in report.get("evidence", []):
        why = resolve_ref(str(row.get("raw_ref", "")), case_dir, repo_dir)
        if why:
            failures.append(f"{row.get('id')}: {why}")
    if failures:
        return _ok(False, f"{len(failures)} unresolved ref(s); first: {failures[0]}") | {"failures": failures}
    return _ok(True)


def _is_repo_ref(ref: Any) -> bool:
    text = str(ref).strip().strip("`")
    return "#" not in text and not text.startswith("https://") and bool(_REPO.match(text))


def without_repo_refs(wanted: list[Any]) -> tuple[list[Any], int]:
    """must_cite with every `file:line` alternative dropped, and how many items went with them.

    A case rebuilt from a public project ships repo.yaml, not the code: without the
    mirror there is no file to cite, so those expectations cannot be judged either way.
    """
    kept, skipped = [], 0
    for item in wanted:
        options = [o for o in (item if isinstance(item, list) else [item]) if not _is_repo_ref(o)]
        if options:
            kept.append(options if isinstance(item, list) else options[0])
        else:
            skipped += 1
    return kept, skipped


def _check_must_cite(report: dict[str, Any], wanted: list[Any]) -> dict[str, Any]:
    cited = {str(row.get("raw_ref", "")).strip().strip("`") for row in report.get("evidence", [])}
    missing = []
    for item in wanted:
        options = item if isinstance(item, list) else [item]
        if not any(str(option) in cited for option in options):
            shown = " | ".join(map(str, options[:3]))
            missing.append(shown + (f" (or {len(options) - 3} other alternatives)" if len(options) > 3 else ""))
    hits = f"{len(wanted) - len(missing)}/{len(wanted)}"
    if missing:
        return _ok(False, f"expected evidence citing {missing[0]}; got {len(cited)} refs without it"
                   + (f" (+{len(missing) - 1} more missing)" if len(missing) > 1 else "")) | {"hits": hits}
    return _ok(True) | {"hits": hits}


def _gap_mentions(report: dict[str, Any], source: str) -> bool:
    words = {source.lower(), source.lower().replace("_", " "), source.lower().replace("_", "-")}
    for gap in report.get("data_gaps", []):
        text = " ".join(str(gap.get(k, "")) for k in ("source", "missing_signal", "why_missing")).lower()
        if any(word in text for word in words):
            return True
    return False


def score_report(case: dict[str, Any], report: dict[str, Any], validation_errors: list[Any]) -> dict[str, Any]:
    """Every check for one case: {check: {"ok": True|False|None, "why": str}}; None = not applicable."""
    expect = case.get("expect") or {}
    case_dir = Path(case["dir"])
    repo_dir = case_dir / case["repo"] if case.get("repo") else None
    labels = _labels(report)
    expected = list(expect.get("root_causes") or [])
    checks: dict[str, dict[str, Any]] = {}

    first_error = validation_errors[0] if validation_errors else None
    if isinstance(first_error, dict):
        first_error = f"{first_error.get('pointer', '')}: {first_error.get('message', '')}"
    checks["valid"] = _ok(not validation_errors, f"{len(validation_errors)} validation error(s); first: {first_error}")
    checks["grounded"] = _check_grounded(report, case_dir, repo_dir if repo_dir and repo_dir.exists() else None)

    got_top = labels[0] if labels else "<none>"
    if expected:
        checks["top1"] = _ok(got_top in expected, f"expected top label in {expected}; got {got_top}")
        checks["top3"] = _ok(any(label in expected for label in labels[:3]),
                             f"expected one of {expected} in the top 3; got {labels[:3]}")
    else:
        checks["top1"] = checks["top3"] = _ok(None)

    also = list(expect.get("also") or [])
    missing_also = [label for label in also if label not in labels]
    checks["also"] = _ok(not missing_also, f"expected {missing_also} among candidates; got {labels}") if also \
        else _ok(None)

    not_above = list(expect.get("not_above") or [])
    if not_above:
        best = next((i for i, label in enumerate(labels) if label in expected), len(labels))
        above = [label for label in labels[:best] if label in not_above]
        checks["not_above"] = _ok(not above, f"{above[0] if above else ''} ranked above the expected cause "
                                  f"(ranking {labels})")
    else:
        checks["not_above"] = _ok(None)

    must_cite = list(expect.get("must_cite") or [])
    skipped = 0
    if case.get("repo") and not (repo_dir and repo_dir.is_dir()):
        must_cite, skipped = without_repo_refs(must_cite)
    checks["must_cite"] = _check_must_cite(report, must_cite) if must_cite else _ok(None)
    if skipped:
        checks["must_cite"]["skipped"] = f"{skipped} repo ref(s) not judged: the case's repo/ is not materialised"

    gaps = list(expect.get("data_gaps") or [])
    missing_gaps = [g for g in gaps if not _gap_mentions(report, g)]
    checks["data_gaps"] = _ok(not missing_gaps, f"expected data gaps naming {missing_gaps}; got "
                              f"{[g.get('missing_signal', '')[:40] for g in report.get('data_gaps', [])]}") \
        if gaps else _ok(None)

    if expected == ["healthy"]:
        loud = [f"{c.get('label')}({c.get('confidence')})" for c in report.get("root_cause_candidates", [])
                if c.get("label") != "healthy" and _CONFIDENCE.get(c.get("confidence", "low"), 0) > 0]
        checks["healthy"] = _ok(not loud, f"healthy window but candidates above low: {loud}")
    else:
        checks["healthy"] = _ok(None)
    # A failing window called healthy is the worst miss an on-call engineer can get: counted on its own.
    if expected and "healthy" not in expected:
        checks["alarm"] = _ok(got_top != "healthy", "a failing window was called healthy")
    else:
        checks["alarm"] = _ok(None)
    return checks


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Suite figures from per-case results ({"id", "checks", "seconds", "error"})."""
    def rate(check: str) -> float | None:
        values = [r["checks"][check]["ok"] for r in results if r.get("checks")
                  and r["checks"][check]["ok"] is not None]
        errored = sum(1 for r in results if not r.get("checks"))
        total = len(values) + errored
        return round(100.0 * sum(values) / total, 1) if total else None

    times = sorted(r["seconds"] for r in results)
    healthy_cases = [r for r in results if r.get("checks") and r["checks"]["healthy"]["ok"] is not None]
    return {
        "cases": len(results),
        "errors": sum(1 for r in results if not r.get("checks")),
        "valid_pct": rate("valid"),
        "grounded_pct": rate("grounded"),
        "top1_pct": rate("top1"),
        "top3_pct": rate("top3"),
        "also_pct": rate("also"),
        "not_above_pct": rate("not_above"),
        "must_cite_pct": rate("must_cite"),
        "data_gaps_pct": rate("data_gaps"),
        "healthy_false_positives": sum(1 for r in healthy_cases if not r["checks"]["healthy"]["ok"]),
        "healthy_on_failing": sum(1 for r in results if r.get("checks") and r["checks"]["alarm"]["ok"] is False),
        "repo_skipped": sum(1 for r in results if r.get("checks") and r["checks"]["must_cite"].get("skipped")),
        "median_seconds": round(times[len(times) // 2], 2) if times else None,
        "max_seconds": round(times[-1], 2) if times else None,
    }

