"""Where each evidence row of the model's answer came from: the deterministic report or a tool call.

The model may rewrite prose and re-rank, but a fact it adds must be one a tool returned in this
run. The ledger keeps the text of every tool result exactly as the model saw it; a row whose
`raw_ref` the deterministic report did not already hold must name a tool call (`tool_call_id`,
in the row or in a top-level `evidence_sources` map) whose result contains that `raw_ref`
verbatim. Anything else is a fabricated row and goes back to the model as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SIDE_MAP = "evidence_sources"
ROW_FIELD = "tool_call_id"


@dataclass
class ToolLedger:
    """tool_use id -> (tool name, result texts, whether it was an error)."""

    calls: dict[str, tuple[str, list[str], bool]] = field(default_factory=dict)

    def record(self, call_id: str, name: str, texts: list[str], is_error: bool) -> None:
        """`texts`: the result as the model saw it (masked) and as the tool gave it."""
        self.calls[call_id] = (name, texts, is_error)

    def __len__(self) -> int:
        return len(self.calls)


def split_sources(answer: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The report without the provenance fields, and row id -> tool call id."""
    report = dict(answer)
    side = report.pop(SIDE_MAP, None)
    sources: dict[str, str] = {}
    if isinstance(side, dict):
        sources.update({str(k): str(v) for k, v in side.items() if isinstance(v, str)})
    rows = report.get("evidence")
    if isinstance(rows, list):
        cleaned = []
        for row in rows:
            if isinstance(row, dict) and ROW_FIELD in row:
                row = dict(row)
                call_id = row.pop(ROW_FIELD)
                if isinstance(call_id, str) and isinstance(row.get("id"), str):
                    sources[row["id"]] = call_id
            cleaned.append(row)
        report["evidence"] = cleaned
    return report, sources


def provenance_errors(report: dict[str, Any], sources: dict[str, str], known_refs: set[str],
                      ledger: ToolLedger) -> list[dict[str, str]]:
    """One error per row that is neither in the deterministic report nor found in its tool call's result."""
    errors = []
    rows = report.get("evidence")
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        ref, row_id = row.get("raw_ref"), row.get("id")
        if not isinstance(ref, str) or ref in known_refs:
            continue
        where = f"/evidence/{index}"
        call_id = sources.get(str(row_id))
        if not call_id:
            errors.append({"pointer": f"{where}/raw_ref", "message": (
                f"{ref!r} is not in the starting report and the row has no tool_call_id: give the id of the "
                "tool call whose result contains it, or drop the row")})
            continue
        if call_id not in ledger.calls:
            errors.append({"pointer": f"{where}/tool_call_id", "message": (
                f"{call_id!r} is not a tool call of this run (calls: {', '.join(ledger.calls) or 'none'})")})
            continue
        name, texts, _ = ledger.calls[call_id]
        if not any(ref in text for text in texts):
            errors.append({"pointer": f"{where}/raw_ref", "message": (
                f"{ref!r} does not occur in the result of tool call {call_id} ({name}); copy the raw_ref "
                "verbatim from a tool result or drop the row")})
    return errors


def known_refs(report: dict[str, Any]) -> set[str]:
    return {row["raw_ref"] for row in report.get("evidence") or [] if isinstance(row.get("raw_ref"), str)}
