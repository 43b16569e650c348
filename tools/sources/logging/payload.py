"""What a structured log line says, and how bad it is, as real loggers write them.

Cloud Run puts JSON lines on stdout/stderr into `jsonPayload`, and only a
`severity` field there becomes the entry's severity. Real loggers write
their own fields: pino and bunyan a numeric `level` and `msg`, zap `level`
and `msg` with `error`/`stacktrace`, logrus `level`/`msg`/`error`, winston
`level`/`message`/`stack`, structlog `event`/`level`/`exception`, Python
logging `levelname`, Rust tracing `fields`. An entry whose severity is DEFAULT while its payload
says `"level": 50` is an error, and its failure text is often in `err.message`
or `stack`, not in `msg`. Reading only `message` misses both.
"""

from __future__ import annotations

from typing import Any

# The human-readable line, in the order loggers put it first.
_PRIMARY = ("message", "msg", "event", "textPayload", "log")
# Fields that carry the failure itself; a nested error object (pino's `err`) contributes its own.
_ERROR_FIELDS = ("error", "err", "exception", "exc_info", "stack_trace", "stacktrace", "stack", "cause", "errorMessage",
                 "error_message")
_NESTED = ("message", "msg", "stack", "stack_trace", "stacktrace", "type", "code", "details", "cause")
# pino/bunyan numbers; the strings of zap, logrus, winston, structlog, log4j, Python logging.
_NUMERIC_LEVELS = ((60, "CRITICAL"), (50, "ERROR"), (40, "WARNING"), (30, "INFO"), (20, "DEBUG"), (10, "DEBUG"))
_NAMED_LEVELS = {
    "trace": "DEBUG", "debug": "DEBUG", "verbose": "DEBUG", "silly": "DEBUG", "info": "INFO", "information": "INFO",
    "notice": "NOTICE", "http": "INFO", "warn": "WARNING", "warning": "WARNING", "error": "ERROR", "err": "ERROR",
    "severe": "ERROR", "fatal": "CRITICAL", "critical": "CRITICAL", "crit": "CRITICAL", "panic": "EMERGENCY",
    "dpanic": "CRITICAL", "alert": "ALERT", "emergency": "EMERGENCY", "emerg": "EMERGENCY",
}
_LEVEL_KEYS = ("severity", "level", "levelname", "log.level", "loglevel", "lvl")
_MAX_PARTS = 8


def _strings(value: Any, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict) and depth < 2:
        out: list[str] = []
        for key in _NESTED:
            out.extend(_strings(value.get(key), depth + 1))
        return out
    if isinstance(value, list) and depth < 2:
        return [s for v in value[:5] for s in _strings(v, depth + 1)]
    return []


def payload_text(payload: dict[str, Any]) -> str | None:
    """The line's text plus every error string it carries (deduplicated); None when it has neither."""
    parts: list[str] = []
    for key in _PRIMARY:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value)
            break
    for key in _ERROR_FIELDS:
        for text in _strings(payload.get(key)):
            if not any(text in seen for seen in parts):
                parts.append(text)
    fields = payload.get("fields")  # Rust tracing's JSON: the event's message and its fields live here
    if isinstance(fields, dict):
        for value in fields.values():
            if isinstance(value, str) and value.strip() and not any(value in seen for seen in parts):
                parts.append(value)
    if not parts:
        return None
    return "\n".join(parts[:_MAX_PARTS])


def payload_severity(payload: dict[str, Any]) -> str | None:
    """The severity the logger meant (`ERROR`, `WARNING`, ...), or None when the payload names none."""
    for key in _LEVEL_KEYS:
        value = payload.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            return next((name for floor, name in _NUMERIC_LEVELS if value >= floor), None)
        if isinstance(value, str):
            text = value.strip().lower()
            if text.isdigit():
                return payload_severity({"level": int(text)})
            if text in _NAMED_LEVELS:
                return _NAMED_LEVELS[text]
            if text.upper() in _NAMED_LEVELS.values():
                return text.upper()
    return None
