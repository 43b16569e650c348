from datetime import UTC, datetime

import pytest

from tools.errors import UsageError
from tools.timewindow import format_time, parse_window


def test_explicit_and_relative_windows():
    start, end = parse_window("2026-02-12T00:00:00Z", "2026-02-12T01:00:00+00:00")
    assert (format_time(start), format_time(end)) == ("2026-02-12T00:00:00Z", "2026-02-12T01:00:00Z")
    now = datetime(2026, 2, 12, 1, 0, tzinfo=UTC)
    start, end = parse_window(None, None, since="90m", now=now)
    assert format_time(start) == "2026-02-11T23:30:00Z" and end == now


@pytest.mark.parametrize(
    "start,end,since,message",
    [
        ("2026-02-12T01:00:00Z", "2026-02-12T00:00:00Z", None, "not after start"),
        ("yesterday", "2026-02-12T00:00:00Z", None, "not an RFC 3339"),
        ("2026-02-12T00:00:00", "2026-02-12T01:00:00Z", None, "no time zone"),
        ("2026-01-01T00:00:00Z", "2026-02-12T00:00:00Z", None, "longer than the maximum"),
        (None, None, "an hour", "not of the form"),
    ],
)
def test_bad_windows_are_usage_errors(start, end, since, message):
    with pytest.raises(UsageError, match=message):
        parse_window(start, end, since=since)
