"""Raw Cloud Logging LogEntry dicts → the compact LogRecord analysis and the report read.

Split out of tools/sources/logging/cloud_logging.py because more than the fetch reads
entries: a recorded case's logging/entries.jsonl, the digest and the replay
server all go through the same normalization, so every path reads a
LogEntry the same way whether it came from the API or from a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tools.errors import InputError, ToolError
from tools.records import DataGap, HttpInfo, LogRecord
from tools.sources.logging.payload import payload_severity, payload_text
from tools.sources.logging.query import kind_of_log_id
from tools.timewindow import format_time

MAX_MESSAGE = 4000

@lru_cache(maxsize=4096)
def short_log_name(log_name: str) -> str:
    """`projects/p/logs/run.googleapis.com%2Fstderr` -> `run.googleapis.com/stderr`.

    Cached: a window holds a handful of log names repeated on every entry, and unquoting each
    one again was a tenth of the per-entry normalisation time on a million entries.
    """
    _, sep, rest = (log_name or "").partition("/logs/")
    return unquote(rest if sep else log_name or "")


def _latency_ms(value: Any) -> float | None:
    if isinstance(value, dict):  # protobuf Duration as an object
        seconds = float(value.get("seconds", 0) or 0) + float(value.get("nanos", 0) or 0) / 1e9
        return round(seconds * 1000, 3)
    if isinstance(value, str) and value.endswith("s"):
        try:
            return round(float(value[:-1]) * 1000, 3)
        except ValueError:
            return None
    if isinstance(value, int | float):
        return round(float(value) * 1000, 3)
    return None


def _http(request: Any) -> HttpInfo | None:
    if not isinstance(request, dict) or not request:
        return None
    info: HttpInfo = {}
    if request.get("requestMethod"):
        info["method"] = str(request["requestMethod"])
    url = request.get("requestUrl")
    if isinstance(url, str) and url:
        info["path"] = urlsplit(url).path or "/"
    status = request.get("status")
    if status not in (None, ""):
        try:
            info["status"] = int(status)
        except (TypeError, ValueError):
            pass
    latency = _latency_ms(request.get("latency"))
    if latency is not None:
        info["latency_ms"] = latency
    return info


def _message(entry: dict[str, Any]) -> str:
    if isinstance(entry.get("textPayload"), str):
        text = entry["textPayload"]
    elif isinstance(entry.get("jsonPayload"), dict):
        payload = entry["jsonPayload"]
        text = payload_text(payload)
        if text is None:
            import orjson

            text = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    elif isinstance(entry.get("protoPayload"), dict):
        payload = entry["protoPayload"]
        status = payload.get("status") if isinstance(payload.get("status"), dict) else {}
        text = status.get("message") or payload.get("methodName") or ""
    else:
        text = ""
    text = str(text)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + f"… [{len(text) - MAX_MESSAGE} more characters]"
    return text


def _utc(timestamp: Any) -> str:
    if not isinstance(timestamp, str) or not timestamp:
        return ""
    if timestamp.endswith("Z"):
        return timestamp
    from tools.timewindow import parse_time

    try:
        return format_time(parse_time(timestamp))
    except ToolError:
        return timestamp


_JOB_LABELS = ("run.googleapis.com/execution_name", "run.googleapis.com/task_index")


def normalize_entry(entry: dict[str, Any]) -> LogRecord:
    """One REST LogEntry dict as the compact record analysis and the report read."""
    log_name = short_log_name(str(entry.get("logName") or ""))
    resource = entry.get("resource") if isinstance(entry.get("resource"), dict) else {}
    labels = entry.get("labels") if isinstance(entry.get("labels"), dict) else {}
    insert_id = str(entry.get("insertId") or "")
    severity = entry.get("severity") or "DEFAULT"
    if severity == "DEFAULT" and isinstance(entry.get("jsonPayload"), dict):
        severity = payload_severity(entry["jsonPayload"]) or severity  # pino's level 50, zap's "error", ...
    if isinstance(severity, int):
        from tools.sources.logging.filter import SEVERITIES

        severity = next((name for name, level in SEVERITIES.items() if level == severity), str(severity))
    resource_labels = {str(k): str(v) for k, v in (resource.get("labels") or {}).items()}
    for key in _JOB_LABELS:  # a job's execution and task live in entry labels; analysis groups by them
        if key in labels:
            resource_labels.setdefault(key.split("/", 1)[1], str(labels[key]))
    return {
        "timestamp": _utc(entry.get("timestamp")),
        "severity": str(severity).upper(),
        "log_kind": kind_of_log_id(log_name),  # type: ignore[typeddict-item]
        "log_name": log_name,
        "resource_type": str(resource.get("type") or ""),
        "resource": resource_labels,
        "instance_id": labels.get("instanceId") or None,
        "http": _http(entry.get("httpRequest")),
        "message": _message(entry),
        "insert_id": insert_id,
        "trace": entry.get("trace") or None,
        "labels": {str(k): str(v) for k, v in labels.items()},
        "raw_ref": f"{log_name}#{insert_id}",
    }


def normalize(entries: Iterable[dict[str, Any]], unreadable: Unreadable | None = None) -> list[LogRecord]:
    """normalize_entry over raw entries (a case file, a recording, a fetch); unreadable ones are counted."""
    counter = unreadable if unreadable is not None else Unreadable("log entries")
    return [r for r in (counter.normalize(e) for e in entries) if r is not None]


class Unreadable:
    """Counts the records of one source that could not be read, with the first reasons, for one data gap.

    One hostile or broken record (nested 300 deep, an integer logName, a stray line) must cost that
    record, never the source: callers skip it, count it here and report the count.
    """

    KEEP = 3

    def __init__(self, what: str):
        self.what = what
        self.count = 0
        self.seen = 0
        self.reasons: list[str] = []

    def add(self, reason: str) -> None:
        self.count += 1
        reason = " ".join(str(reason).split())[:120]
        if len(self.reasons) < self.KEEP and reason not in self.reasons:
            self.reasons.append(reason)

    def normalize(self, entry: Any) -> LogRecord | None:
        """normalize_entry, or None (counted) when the entry cannot be read."""
        self.seen += 1
        if not isinstance(entry, dict):
            self.add(f"expected a LogEntry object, found {type(entry).__name__}")
            return None
        try:
            return normalize_entry(entry)
        except RecursionError:
            self.add("nested too deeply")
        except Exception as exc:  # noqa: BLE001 - one bad record must not lose the source
            text = str(exc).splitlines()[0] if str(exc) else "unreadable"
            self.add("nested too deeply" if "recursion" in text.lower() else f"{type(exc).__name__}: {text}")
        return None

    def why(self) -> str:
        return f"{self.count} of {self.seen} {self.what} unreadable: {'; '.join(self.reasons) or 'unknown'}"

    def gap(self, source: str, missing: str, follow_up: str) -> DataGap | None:
        if not self.count:
            return None
        return {"source": source, "missing_signal": missing, "why_missing": self.why(),  # type: ignore[typeddict-item]
                "follow_up": follow_up}


MAX_LINE_BYTES = 4 * 1024 * 1024  # a LogEntry is at most 512 KiB; anything far bigger is not one


def iter_entries_file(path: str | Path, unreadable: Unreadable | None = None) -> Iterator[dict[str, Any]]:
    """Stream a case's logging/entries.jsonl (one LogEntry per line) without loading it whole.

    With `unreadable`, a bad line is counted there and skipped; without, it is an InputError.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            value = read_line(line, lineno)
            if value is None:
                continue
            if unreadable is not None:
                unreadable.seen += 1
            if not isinstance(value, str):
                yield value
            elif unreadable is None:
                raise InputError(f"{path}:{lineno}: {value}")
            else:
                unreadable.add(f"line {lineno}: {value}")


BOM = b"\xef\xbb\xbf"


def read_line(line: bytes, lineno: int = 0) -> dict[str, Any] | str | None:
    """One line of an entries.jsonl: the LogEntry, None for a blank line, or why it cannot be read.

    A byte-order mark (an editor's, on the first line) is dropped rather than costing that entry.
    """
    import orjson

    if len(line) > MAX_LINE_BYTES:
        return f"line of {len(line)} bytes is too large for a LogEntry"
    line = line.strip()
    if lineno <= 1 and line.startswith(BOM):
        line = line[len(BOM):].strip()
    if not line:
        return None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower():
            return "nested too deeply"
        return f"not valid JSON ({str(exc).split(':')[0]})"
    if not isinstance(value, dict):
        return f"expected a LogEntry object, found {type(value).__name__}"
    return value
