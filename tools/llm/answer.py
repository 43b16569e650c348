"""Turn the model's final text into a report, or into the list of problems sent back to it.

The answer must be one JSON object: the full report (rows it added carry `tool_call_id`). It is
checked by the same validator as every report (tools/report/validate.py), plus what only this
pass knows: the target and window are the ones investigated, and every evidence row comes from
the deterministic report or from a tool result of this run (tools/llm/provenance.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.llm.provenance import ToolLedger, known_refs, provenance_errors, split_sources
from tools.report.validate import validate

# Fields the model has no business changing: restored from the deterministic report.
KEPT = ("generated_at", "language", "profile", "related_task")
_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n(.*?)\n```\s*$", re.DOTALL)


def _error(pointer: str, message: str) -> dict[str, str]:
    return {"pointer": pointer, "message": message}


def parse_answer(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON object in the answer (a code fence or prose around it is tolerated), or why not."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    start = body.find("{")
    if start < 0:
        return None, "the answer holds no JSON object; reply with the full report JSON only"
    try:
        value, _ = json.JSONDecoder().raw_decode(body, start)  # prose after the object is ignored
    except json.JSONDecodeError as exc:
        return None, f"the answer is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "the answer is not valid JSON: nested too deeply"
    if not isinstance(value, dict):
        return None, "the answer must be a JSON object (the report)"
    if isinstance(value.get("report"), dict) and "evidence" not in value:
        value = {**value["report"], **({"evidence_sources": value["evidence_sources"]}
                                       if "evidence_sources" in value else {})}
    return value, None


def check_answer(text: str, deterministic: dict[str, Any],
                 ledger: ToolLedger) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """(report, []) when the answer is acceptable, else (None, every problem as {pointer, message})."""
    value, why = parse_answer(text)
    if value is None:
        return None, [_error("", why or "no answer")]
    report, sources = split_sources(value)
    for key in KEPT:
        if key in deterministic:
            report[key] = deterministic[key]
    if isinstance(deterministic.get("extras"), dict):
        report["extras"] = dict(deterministic["extras"])
    errors = _summary_errors(report, deterministic)
    errors += provenance_errors(report, sources, known_refs(deterministic), ledger)
    errors += validate(report)
    return (None, errors) if errors else (report, [])


def _summary_errors(report: dict[str, Any], deterministic: dict[str, Any]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    summary = report.get("incident_summary")
    if not isinstance(summary, dict):
        summary = {}  # the validator reports the shape
    given = deterministic.get("incident_summary") or {}
    for key in ("target", "window"):
        theirs, ours = summary.get(key), given.get(key)
        if isinstance(theirs, dict) and isinstance(ours, dict):
            for field in ("project_id", "region", "target_type", "target_name", "start", "end"):
                if field in ours and theirs.get(field) != ours[field]:
                    errors.append(_error(f"/incident_summary/{key}/{field}",
                                         f"must stay {json.dumps(ours[field])} (the investigated {key})"))
    if deterministic.get("root_cause_candidates") and report.get("root_cause_candidates") == []:
        errors.append(_error("/root_cause_candidates", "keep at least one candidate (use `healthy` when nothing "
                                                       "abnormal happened, `other` when nothing fits)"))
    return errors
