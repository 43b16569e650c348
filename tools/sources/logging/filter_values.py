"""Field values of a LogEntry as the Logging query language compares them.

Split out of tools/sources/logging/filter.py: resolving a dotted path (with snake_case
aliases and list fan-out) and reading a value as a time, a number or a
severity are shared by evaluation and by the time bounds a server bisects on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

SEVERITIES = {
    "DEFAULT": 0,
    "DEBUG": 100,
    "INFO": 200,
    "NOTICE": 300,
    "WARNING": 400,
    "ERROR": 500,
    "CRITICAL": 600,
    "ALERT": 700,
    "EMERGENCY": 800,
}
MISSING = object()  # resolve()'s answer for an absent field, distinct from a null value

_TS = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$")
_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)s$")


def time_key(value: Any) -> str | None:
    """A fixed-width UTC string that sorts like the time (nanoseconds kept); None if not a time."""
    if not isinstance(value, str):
        return None
    m = _TS.match(value.strip())
    if not m:
        return None
    date, clock, frac, zone = m.groups()
    clock = clock or "00:00:00"
    if len(clock) == 5:
        clock += ":00"
    frac = (frac or "").ljust(9, "0")
    if zone and zone not in ("Z", "z"):
        try:
            dt = datetime.fromisoformat(f"{date}T{clock}{zone[:3]}:{zone[-2:]}").astimezone(UTC)
        except ValueError:
            return None
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + frac
    return f"{date}T{clock}.{frac}"


def as_number(value: Any) -> float | None:
    """A number, an int64 string or a duration (`"0.5s"` → 0.5) as a float; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        m = _DURATION.match(text)
        if m:
            return float(m.group(1))
        try:
            return float(text)
        except ValueError:
            return None
    return None


def severity_level(value: Any) -> int | None:
    """A severity name or number as its level, so `severity>=WARNING` orders by level, not by text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().upper()
        if text in SEVERITIES:
            return SEVERITIES[text]
        if text.isdigit():
            return int(text)
    return None


def _camel(segment: str) -> str:
    head, *rest = segment.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def resolve(entry: Any, path: tuple[str, ...]) -> Any:
    """The value at a dotted path; lists fan out (any element); MISSING when absent."""
    current: Any = entry
    for index, segment in enumerate(path):
        if isinstance(current, list):
            found = [resolve(item, path[index:]) for item in current]
            found = [f for f in found if f is not MISSING]
            return found if found else MISSING
        if not isinstance(current, dict):
            return MISSING
        if segment in current:
            current = current[segment]
            continue
        camel = _camel(segment)
        if camel in current:
            current = current[camel]
            continue
        return MISSING
    return current


def leaves(value: Any) -> Iterator[Any]:
    """Every scalar inside a value: what a global restriction or `:` on an object searches."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def as_text(value: Any) -> str:
    """A value as the text comparisons see it (JSON spelling of booleans, 3.0 as 3)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
