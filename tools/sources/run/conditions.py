"""Conditions of a Cloud Run resource as plain dicts, and whether it is ready.

Split out of tools/sources/run/config.py: the revision timeline and the summaries
both read readiness, and the integer reasons need the client library's enums
to become names (they are not contiguous, so no table here would do).
"""

from __future__ import annotations

from typing import Any

from tools.sources.run.values import rfc3339, state_name

_CONDITION_STATES = {
    0: "STATE_UNSPECIFIED",
    1: "CONDITION_PENDING",
    2: "CONDITION_RECONCILING",
    3: "CONDITION_FAILED",
    4: "CONDITION_SUCCEEDED",
}
_SEVERITIES = {0: None, 1: "ERROR", 2: "WARNING", 3: "INFO"}


def _reason_name(field: str, value: Any) -> str:
    """Integer reason → the library's enum name (the integers are not contiguous)."""
    if not isinstance(value, int):
        return str(value)
    from google.cloud.run_v2.types import condition

    enum = {
        "reason": condition.Condition.CommonReason,
        "revisionReason": condition.Condition.RevisionReason,
        "executionReason": condition.Condition.ExecutionReason,
    }[field]
    try:
        return enum(value).name
    except ValueError:
        return str(value)


def conditions(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """terminalCondition + conditions as plain dicts (state names, one `reason` field).

    Each carries `field`, its path in the resource (`terminalCondition`,
    `conditions[2]`), so evidence can cite exactly the condition it quotes.
    """
    found = []
    items: list[tuple[str, dict[str, Any]]] = []
    if isinstance(resource.get("terminalCondition"), dict):
        items.append(("terminalCondition", resource["terminalCondition"]))
    items.extend((f"conditions[{i}]", c) for i, c in enumerate(resource.get("conditions") or [])
                 if isinstance(c, dict))
    seen = set()
    for path, cond in items:
        key = (cond.get("type"), cond.get("lastTransitionTime"), cond.get("message"))
        if key in seen:
            continue
        seen.add(key)
        reason = None
        for field in ("reason", "revisionReason", "executionReason"):
            if cond.get(field):
                reason = _reason_name(field, cond[field])
                break
        found.append(
            {
                "field": path,
                "type": cond.get("type"),
                "state": state_name(cond.get("state"), _CONDITION_STATES),
                "reason": reason,
                "message": cond.get("message"),
                "last_transition_time": rfc3339(cond.get("lastTransitionTime")),
                "severity": _SEVERITIES.get(cond["severity"]) if isinstance(cond.get("severity"), int)
                else cond.get("severity"),
            }
        )
    return found


def is_ready(resource: dict[str, Any]) -> bool | None:
    """True/False from the Ready/Completed (else terminal) condition; None when unknown."""
    found = conditions(resource)
    chosen = next((c for c in found if c["type"] in ("Ready", "Completed")), found[0] if found else None)
    if chosen is None:
        return None
    if chosen["state"] == "CONDITION_SUCCEEDED":
        return True
    if chosen["state"] == "CONDITION_FAILED":
        return False
    return None
