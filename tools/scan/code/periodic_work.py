"""Background loops: a spawned task whose body, or the function it calls, runs on a timer.

A `tokio::spawn` (or goroutine, thread, task) that runs once is background
work tied to whatever started it; one that loops on an interval is work the
service does outside requests for its whole life. On Cloud Run with CPU
allocated only during requests such a loop runs throttled between requests
and may be stopped at any time, which is the mechanism of a refresh that
"takes 20 s on Cloud Run but 250 ms locally". The finding is placed on the
spawn (the line to change: move the loop to a Cloud Scheduler job, or keep
CPU always allocated) and names the loop's function and line.

The markers per language live in tools/data/periodic_work.yaml.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA
from tools.scan.code.symbols import SourceFile

_CALLED = re.compile(rb"(?<![\w$])([A-Za-z_$][\w$]*)\s*(?:::\s*<[^>]*>\s*)?\(")
_SKIP = {b"spawn", b"go", b"Thread", b"async", b"move", b"create_task", b"submit", b"setTimeout", b"if", b"for",
         b"while", b"match", b"return", b"Some", b"Ok", b"Err", b"clone", b"await"}


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load((DATA / "periodic_work.yaml").read_text(encoding="utf-8")) or {}


@cache
def _marker(language: str) -> re.Pattern[bytes] | None:
    regex = (_data().get("markers") or {}).get(language)
    return re.compile(regex.encode()) if regex else None


def periodic_loop(source: SourceFile | None, lines: list[bytes] | None, language: str,
                  line: int) -> tuple[str, int] | None:
    """(where, line) of the timer loop a spawn at `line` runs, or None when it runs no loop.

    The spawn's own text (the next `window_lines` lines) is looked at first; then each function it calls
    by name that the same file defines.
    """
    marker = _marker(language)
    if marker is None or lines is None:
        return None
    window = b"\n".join(lines[line - 1: line - 1 + int(_data().get("window_lines", 12))])
    found = marker.search(window)
    if found:
        return "the spawned body", line + window.count(b"\n", 0, found.start())
    if source is None or not source.parsable:
        return None
    names = {n.decode("utf-8", "replace") for n in _CALLED.findall(window) if n not in _SKIP}
    for func in source.functions_named(names):
        if func.start_line <= line <= func.end_line:
            continue  # the function holding the spawn itself
        hit = marker.search(func.body)
        if hit:
            return f"`{func.qualified}`", func.start_line + func.body.count(b"\n", 0, hit.start())
    return None
