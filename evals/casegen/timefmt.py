"""RFC 3339 helpers shared by every block.

Cases must regenerate byte-for-byte, so every timestamp goes through one
formatter (microseconds, `Z`), and nothing reads the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def parse(text: str) -> datetime:
    """`2026-03-04T09:00:00Z` (or with fraction) -> aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def fmt(moment: datetime) -> str:
    """LogEntry.timestamp style: always six fraction digits and `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fmt_s(moment: datetime) -> str:
    """Second precision, as case.yaml windows and most resource fields use."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(base: str | datetime, **delta: float) -> datetime:
    """base + timedelta(**delta); base may be text."""
    start = parse(base) if isinstance(base, str) else base
    return start + timedelta(**delta)
