"""Target values for fix actions, worked out from the value in evidence.

A fix that says "raise the memory limit" must name a value above today's
(a fixed "1Gi" lowered a 2Gi service), and "lower concurrency" must name one
below. The step rules (factor, floor, ceiling, the value assumed when the
setting is unknown) are data in remediation.yaml's `targets:` block; this
module only does the arithmetic. A target that cannot move in the wanted
direction (already at Cloud Run's ceiling) is reported as such instead of
a no-op number.
"""

from __future__ import annotations

import math
import re
from typing import Any

_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?|[kmgt]i?)?\s*$")
_UNIT_MI = {"": 1 / (1024 * 1024), "k": 1000 / 1024 ** 2, "ki": 1 / 1024, "m": 1000 ** 2 / 1024 ** 2,
            "mi": 1.0, "g": 1000 ** 3 / 1024 ** 2, "gi": 1024.0, "t": 1000 ** 4 / 1024 ** 2, "ti": 1024.0 ** 2}


def memory_mi(text: str) -> float | None:
    """MiB in a Kubernetes quantity ("512Mi", "2Gi", "1G"); None when it is not one."""
    match = _QUANTITY.match(str(text))
    if not match:
        return None
    return float(match.group(1)) * _UNIT_MI[(match.group(2) or "").lower()]


def memory_text(mi: float) -> str:
    """A quantity Cloud Run accepts, rounded up to 128 MiB steps: whole Gi when exact, else Mi."""
    mi = math.ceil(mi / 128) * 128
    if mi >= 1024 and mi % 1024 == 0:
        return f"{mi // 1024}Gi"
    return f"{mi}Mi"


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    match = re.match(r"^\s*(\d+(?:\.\d+)?)", str(text))
    return float(match.group(1)) if match else None


def _raise(current: float | None, rule: dict[str, Any]) -> tuple[float, bool]:
    """(target, moved): factor × current, at least `min_step` above it, capped at `max`."""
    if current is None:
        return float(rule["unknown"]), True
    target = max(current * float(rule.get("factor", 2)), current + float(rule.get("min_step", 1)))
    if "max" in rule:
        target = min(target, float(rule["max"]))
    return target, target > current


def _lower(current: float | None, rule: dict[str, Any]) -> tuple[float, bool]:
    """(target, moved): current ÷ factor, never above `max` nor below `min`."""
    if current is None:
        return float(rule["unknown"]), True
    target = math.floor(current / float(rule.get("factor", 2)))
    target = min(target, float(rule.get("max", target)))
    target = max(target, float(rule.get("min", 1)))
    return target, target < current


def target_values(current: dict[str, str], rules: dict[str, Any]) -> dict[str, str]:
    """target_<name> placeholders from current_<setting> values and the step rules.

    Each rule names the setting it reads (`setting`), the direction
    (`raise`/`lower`) and, for memory, the unit. When the value cannot move
    (already at the ceiling or floor) the target repeats the current value and
    `blocked_<name>` is set so a template can say so.
    """
    values: dict[str, str] = {}
    for name, rule in (rules or {}).items():
        raw = current.get(f"current_{rule['setting']}")
        if rule.get("unit") == "memory":
            now = memory_mi(raw) if raw is not None else None
            scaled = {k: memory_mi(str(v)) for k, v in rule.items() if k in ("unknown", "max", "min_step")}
            step = {**rule, **{k: v for k, v in scaled.items() if v is not None}}
            target, moved = _raise(now, step) if rule["direction"] == "raise" else _lower(now, step)
            values[f"target_{name}"] = memory_text(target)
        else:
            now = _number(raw)
            target, moved = _raise(now, rule) if rule["direction"] == "raise" else _lower(now, rule)
            values[f"target_{name}"] = str(int(target))
        if not moved:
            values[f"blocked_{name}"] = "true"
    return values
