"""Validate an incident report: the JSON Schema plus the cross-references it cannot express.

A report is only useful when every claim can be traced: a candidate must cite
evidence rows that exist, a fix must address a candidate that exists, and a
label must come from the shared list so reports can be scored and compared.
All problems are returned at once, each as a JSON pointer and one line, so a
writer (human or model) can fix them in a single pass.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tools.paths import DATA, SCHEMAS

SCHEMA_PATH = SCHEMAS / "report.schema.json"
ROOT_CAUSES_PATH = DATA / "root_causes.yaml"

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EVIDENCE_ID = re.compile(r"^ev-[0-9]{3,}$")
_UTC_OFFSETS = ("Z", "z", "+00:00", "-00:00")
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


@cache
def report_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def root_cause_labels() -> tuple[str, ...]:
    """The allowed labels, in the order of tools/data/root_causes.yaml."""
    data = yaml.safe_load(ROOT_CAUSES_PATH.read_text(encoding="utf-8"))
    return tuple(item["label"] for item in data["labels"])


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(report_schema())


@cache
def _pattern_hints() -> dict[str, str]:
    """Pattern -> what it means in words, from the schema's own descriptions."""
    hints = {}
    for definition in report_schema()["$defs"].values():
        if "pattern" in definition and "description" in definition:
            hints[definition["pattern"]] = definition["description"]
    return hints


def pointer(path: Any) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes ('' is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _error(path: Any, message: str) -> dict[str, str]:
    return {"pointer": pointer(path), "message": message}


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _schema_error_messages(error: ValidationError) -> list[dict[str, str]]:
    """jsonschema's messages repeat whole values; these name the field and the rule in one line."""
    path = list(error.absolute_path)
    kind, rule, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in rule if isinstance(value, dict) and name not in value]
        return [_error(path + [name], "missing required field") for name in missing]
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = [name for name in value if name not in allowed]
        return [_error(path + [name], f"unexpected field (allowed: {', '.join(allowed)})") for name in extra]
    if kind == "type":
        wanted = " or ".join(rule) if isinstance(rule, list) else rule
        return [_error(path, f"expected {wanted}, got {_type_name(value)}")]
    if kind == "enum":
        choices = ", ".join("null" if c is None else str(c) for c in rule)
        return [_error(path, f"{_short(value)} is not one of: {choices}")]
    if kind == "pattern":
        hint = _pattern_hints().get(rule) or error.schema.get("description") or f"text matching {rule}"
        return [_error(path, f"{_short(value)} is not {hint}")]
    if kind == "minimum":
        return [_error(path, f"{_short(value)} is below the minimum {rule}")]
    first_line = error.message.splitlines()[0] if error.message else kind
    return [_error(path, first_line[:200])]


def schema_errors(report: Any) -> list[dict[str, str]]:
    """Shape problems only: wrong or missing fields, types, enums, patterns."""
    found: list[dict[str, str]] = []
    for error in _validator().iter_errors(report):
        for item in _schema_error_messages(error):
            if item not in found:  # jsonschema raises `required` once per missing field, each naming all
                found.append(item)
    return found


def time_problem(value: Any, *, allow_date: bool = False) -> str | None:
    """Why `value` is not an RFC 3339 UTC time (None when it is)."""
    if not isinstance(value, str):
        return None  # the schema reports the type
    if allow_date and _DATE.match(value):
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            return f"{_short(value)} is not a valid date"
        return None
    match = _RFC3339.match(value)
    if not match:
        expected = "an RFC 3339 UTC time or a date" if allow_date else "an RFC 3339 UTC time"
        return f"{_short(value)} is not {expected} (e.g. 2026-02-12T00:00:00Z)"
    fraction, offset = match.group(1), match.group(2)
    normalised = value[:19].replace("t", "T").replace(" ", "T") + (f".{fraction[:6]:0<6}" if fraction else "")
    try:
        datetime.fromisoformat(normalised)
    except ValueError:
        return f"{_short(value)} is not a valid time"
    if offset not in _UTC_OFFSETS:
        return f"{_short(value)} is not in UTC (end it with Z)"
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _evidence_errors(evidence: list[Any]) -> tuple[list[dict[str, str]], set[str]]:
    errors: list[dict[str, str]] = []
    first_seen: dict[str, int] = {}
    for index, row in enumerate(evidence):
        row = _as_dict(row)
        row_id = row.get("id")
        if isinstance(row_id, str) and _EVIDENCE_ID.match(row_id):  # malformed ids are the schema's to report
            expected = f"ev-{index + 1:03d}"
            if row_id in first_seen:
                first = f"/evidence/{first_seen[row_id]}/id"
                message = f"duplicate evidence id {row_id} (first used at {first})"
                errors.append(_error(["evidence", index, "id"], message))
            else:
                first_seen[row_id] = index
                if row_id != expected:
                    errors.append(_error(["evidence", index, "id"],
                                         f"evidence id {row_id} out of order: row {index + 1} should be {expected}"))
        problem = time_problem(row.get("timestamp"))
        if problem:
            errors.append(_error(["evidence", index, "timestamp"], problem))
    return errors, set(first_seen)


def _candidate_errors(candidates: list[Any], evidence_ids: set[str]) -> tuple[list[dict[str, str]], set[int]]:
    errors: list[dict[str, str]] = []
    labels = root_cause_labels()
    ranks: set[int] = set()
    for index, candidate in enumerate(candidates):
        candidate = _as_dict(candidate)
        rank = candidate.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool):
            ranks.add(index + 1)  # the schema reports the bad rank; do not cascade into every `addresses`
        else:
            ranks.add(rank)
            if rank != index + 1:
                errors.append(_error(["root_cause_candidates", index, "rank"],
                                     f"rank {rank} out of order: candidate {index + 1} should have rank {index + 1}"))
        label = candidate.get("label")
        if isinstance(label, str) and label not in labels:
            errors.append(_error(["root_cause_candidates", index, "label"],
                                 f"unknown root-cause label {label!r} (see tools/data/root_causes.yaml)"))
        cited = candidate.get("supporting_evidence")
        if isinstance(cited, list):
            if not cited:
                errors.append(_error(["root_cause_candidates", index, "supporting_evidence"],
                                     f"candidate {index + 1} cites no evidence; cite at least one ev- id"))
            seen: set[str] = set()
            for position, ev_id in enumerate(cited):
                where = ["root_cause_candidates", index, "supporting_evidence", position]
                if not isinstance(ev_id, str) or not _EVIDENCE_ID.match(ev_id):
                    continue
                if ev_id in seen:
                    errors.append(_error(where, f"{ev_id} is cited twice"))
                elif ev_id not in evidence_ids:
                    errors.append(_error(where, f"{ev_id} is not an evidence id in this report"))
                seen.add(ev_id)
    return errors, ranks


def _fix_errors(fix_plan: dict[str, Any], ranks: set[int], count: int) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if not ranks:
        known = "the report has no candidates"
    elif sorted(ranks) == list(range(1, count + 1)):
        known = f"ranks are 1..{count}"
    else:
        known = "ranks are " + ", ".join(str(r) for r in sorted(ranks))
    for horizon in ("immediate", "permanent"):
        for index, fix in enumerate(_as_list(fix_plan.get(horizon))):
            for position, rank in enumerate(_as_list(_as_dict(fix).get("addresses"))):
                if isinstance(rank, int) and not isinstance(rank, bool) and rank not in ranks:
                    errors.append(_error(["fix_plan", horizon, index, "addresses", position],
                                         f"candidate {rank} does not exist ({known})"))
    return errors


def _time_errors(report: dict[str, Any]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    problem = time_problem(report.get("generated_at"), allow_date=True)
    if problem:
        errors.append(_error(["generated_at"], problem))
    window = _as_dict(_as_dict(report.get("incident_summary")).get("window"))
    problems = {}
    for edge in ("start", "end"):
        problems[edge] = time_problem(window.get(edge))
        if problems[edge]:
            errors.append(_error(["incident_summary", "window", edge], problems[edge]))
    start, end = window.get("start"), window.get("end")
    if isinstance(start, str) and isinstance(end, str) and not any(problems.values()):
        parse = _parse_utc
        if parse(end) <= parse(start):
            errors.append(_error(["incident_summary", "window", "end"], f"window end {end} is not after start {start}"))
    return errors


def _parse_utc(value: str) -> datetime:
    match = _RFC3339.match(value)
    assert match
    fraction = match.group(1)
    return datetime.fromisoformat(value[:19].replace(" ", "T") + (f".{fraction[:6]:0<6}" if fraction else ""))


def cross_reference_errors(report: Any) -> list[dict[str, str]]:
    """What JSON Schema cannot check: ids, citations, ranks, labels, times."""
    if not isinstance(report, dict):
        return []
    candidates = _as_list(report.get("root_cause_candidates"))
    evidence_errors, evidence_ids = _evidence_errors(_as_list(report.get("evidence")))
    candidate_errors, ranks = _candidate_errors(candidates, evidence_ids)
    return (
        _time_errors(report)
        + evidence_errors
        + candidate_errors
        + _fix_errors(_as_dict(report.get("fix_plan")), ranks, len(candidates))
    )


def validate(report: dict[str, Any]) -> list[dict[str, str]]:
    """Every problem in the report, schema first, as [{pointer, message}] (empty when valid)."""
    return schema_errors(report) + cross_reference_errors(report)


def format_validation(result: dict[str, Any]) -> str:
    """`valid`, or one `pointer: message` line per problem."""
    if result.get("valid"):
        return "valid"
    lines = []
    for error in result.get("errors", []):
        where = (error["pointer"] or "/").replace("\n", "\\n").replace("\r", "\\r")
        lines.append(f"{where}: {error['message']}")
    return "\n".join(lines)
