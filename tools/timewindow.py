"""Investigation windows: parsing and checking, shared by every source.

A window is always explicit: Cloud Logging silently adds a 24 h clause to a
filter without a timestamp, and an unbounded fetch is how a quota dies.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tools.errors import UsageError

MAX_WINDOW = timedelta(days=7)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_time(value: str | datetime, name: str = "time") -> datetime:
    """RFC 3339 (Z or offset) to an aware UTC datetime; UsageError otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"{name}: {value!r} is not an RFC 3339 time (e.g. 2026-02-12T00:00:00Z)") from exc
    if parsed.tzinfo is None:
        raise UsageError(f"{name}: {value!r} has no time zone; add Z for UTC")
    return parsed.astimezone(UTC)


def parse_duration(value: str) -> timedelta:
    match = _DURATION.match(value or "")
    if not match:
        raise UsageError(f"duration {value!r} is not of the form 30m, 1h, 2d")
    try:
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError as exc:  # `--since 99999999999999999999s`: one line, not an internal error
        raise UsageError(f"duration {value!r} is too long; the maximum window is {MAX_WINDOW.days} days") from exc


def parse_window(
    start: str | datetime | None,
    end: str | datetime | None,
    since: str | None = None,
    max_window: timedelta = MAX_WINDOW,
    now: datetime | None = None,
) -> tuple[datetime, datetime]:
    """(start, end) in UTC from --start/--end or --since; checks order and length."""
    now = now or datetime.now(UTC)
    if since:
        if start:
            raise UsageError("give either --since or --start/--end, not both")
        end_dt = parse_time(end, "end") if end else now
        try:
            start_dt = end_dt - parse_duration(since)
        except OverflowError as exc:  # a duration timedelta holds but a date cannot go back that far
            raise UsageError(f"duration {since!r} is too long; the maximum window is {MAX_WINDOW.days} days") from exc
    else:
        if not start:
            raise UsageError("a window needs a start (or --since)")
        start_dt = parse_time(start, "start")
        end_dt = parse_time(end, "end") if end else now
    if start_dt < EARLIEST or end_dt > LATEST:  # no log is older; and the sources pad windows by hours or days
        raise UsageError(f"window {format_time(start_dt)} to {format_time(end_dt)} is outside "
                         f"{format_time(EARLIEST)} to {format_time(LATEST)}")
    if end_dt <= start_dt:
        raise UsageError(f"window end {format_time(end_dt)} is not after start {format_time(start_dt)}")
    if end_dt - start_dt > max_window:
        raise UsageError(f"window of {end_dt - start_dt} is longer than the maximum {max_window}")
    return start_dt, end_dt


def format_time(value: datetime) -> str:
    """RFC 3339 UTC with Z, milliseconds only when present."""
    value = value.astimezone(UTC)
    text = f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S")  # strftime's %Y gives year 1 as "1"
    if value.microsecond:
        return text + f".{value.microsecond // 1000:03d}Z"
    return text + "Z"


# deploys and revision changes count from this long before the window: a rollout just before the
# first error is the usual suspect, and its audit entry lands before the errors do
DEPLOY_LOOKBACK = timedelta(hours=2)
