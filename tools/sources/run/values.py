"""Single values of Cloud Run v2 resource JSON read the same way everywhere.

Split out of tools/sources/run/config.py: names, kinds, timestamps, durations, CPU
and enum values arrive as strings, objects or `enum-encoding=int` integers
depending on the caller (REST, `MessageToDict`, a recorded case), and the
settings, conditions and summaries must all read them alike.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA

_KINDS = (("executions", "execution"), ("revisions", "revision"), ("services", "service"), ("jobs", "job"))
# Integer enum values as the API returns them with `enum-encoding=int`.
_EXEC_ENV = {0: "unspecified", 1: "gen1", 2: "gen2"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


@cache
def platform_defaults() -> dict[str, dict[str, Any]]:
    """Platform defaults per target type (service/job), from the data file."""
    return yaml.safe_load((DATA / "run_defaults.yaml").read_text(encoding="utf-8"))


def rfc3339(value: Any) -> str | None:
    """API timestamps (nanosecond precision, offsets) → the RFC 3339 UTC form every record uses."""
    if not value:
        return None
    from tools.errors import UsageError
    from tools.timewindow import format_time, parse_time

    try:
        return format_time(parse_time(str(value)))
    except UsageError:
        return str(value)


def short_name(name: str | None) -> str | None:
    """`projects/p/locations/r/services/s/revisions/s-001` → `s-001`."""
    return name.rsplit("/", 1)[-1] if name else None


def resource_kind(resource: dict[str, Any]) -> str:
    """service | revision | job | execution, from the resource name's collection."""
    name = str(resource.get("name") or "")
    parts = name.split("/")
    for collection, kind in _KINDS:
        if len(parts) >= 2 and parts[-2] == collection:
            return kind
    if "service" in resource and "containers" in resource:
        return "revision"
    if "job" in resource:
        return "execution"
    if isinstance(resource.get("template"), dict) and "template" in resource["template"]:
        return "job"
    return "service"


def duration_seconds(value: Any) -> float | int | None:
    """`"300s"` → 300; `{"seconds": 300}` → 300; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, dict):
        seconds = float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
    else:
        match = _DURATION.match(str(value))
        if not match:
            return None
        seconds = float(match.group(1))
    return int(seconds) if seconds == int(seconds) else seconds


def normalize_cpu(value: Any) -> str | None:
    """`"1000m"` → `"1"`, `"500m"` stays; so that API and declared config compare equal."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith("m") and text[:-1].isdigit() and int(text[:-1]) % 1000 == 0:
        return str(int(text[:-1]) // 1000)
    return text


def execution_environment(value: Any) -> str | None:
    """EXECUTION_ENVIRONMENT_GEN2 / 2 → gen2; None when absent."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, int):
        return _EXEC_ENV.get(value, str(value))
    text = str(value).upper()
    if text.endswith("GEN1"):
        return "gen1"
    if text.endswith("GEN2"):
        return "gen2"
    return None


def state_name(value: Any, table: dict[int, str]) -> str | None:
    """An enum as its name whether it came as a name or as an `enum-encoding=int` integer."""
    if value is None:
        return None
    return table.get(value, str(value)) if isinstance(value, int) else str(value)
