"""The one line of an error message that names the error, shared by the digest and the stack-frame locator.

Python prints the raised error after the frames (and chained errors in
order), so after a traceback the last such line is the one raised; Node, the
JVM, Go and Rust print it first.
"""

from __future__ import annotations

import re

_NAMED = re.compile(r"\s*(?:[\w.$]*(?:Error|Exception|Fault|panic|Panic)\b.{0,3}:|thread '.*' panicked|Uncaught|"
                    r"fatal error:)")
_PYTHON = "Traceback (most recent call last)"


def error_line(message: str, limit: int = 240) -> str:
    """`KeyError: 'X'`, `TypeError: ...`, `panic: ...`; a message naming no error gives its first line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    named = [line for line in lines if _NAMED.match(line)]
    if named:
        return (named[-1] if _PYTHON in message else named[0])[:limit]
    return (lines[0] if lines else "")[:limit]
