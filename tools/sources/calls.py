"""Calling one evidence source so that its failure becomes a data gap, never a crash.

Every source (logs, Run config, audit logs, metrics, the repository, the card)
goes through `call`: an incident report with a named gap is worth more than a
traceback, and the gap carries the exact command to fetch what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.errors import ToolError
from tools.sources.deadline import source_budget

LOCAL_SOURCES = ("repository",)  # read from disk: a dead network is no reason to skip them


def gap(source: str, missing: str, why: str, follow_up: str) -> dict[str, str]:
    return {"source": source, "missing_signal": missing, "why_missing": " ".join(str(why).split()) or "unknown",
            "follow_up": follow_up}


def call(source: str, missing: str, follow_up: str, func: Callable[[], dict[str, Any]],
          gaps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Run one source under its deadline; its data gaps are collected, and any failure becomes a gap.

    When the run's failure budget is already spent (the endpoints are dead), the source is not called
    at all: a gap saying so costs nothing, another timeout costs seconds.
    """
    with source_budget(source) as budget:
        if budget.expired() and source not in LOCAL_SOURCES:
            gaps.append(gap(source, missing, f"not read: {budget.reason()}", follow_up))
            return None
        return _run(source, missing, follow_up, func, gaps)


def _run(source: str, missing: str, follow_up: str, func: Callable[[], dict[str, Any]],
         gaps: list[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        result = func()
    except ImportError as exc:
        gaps.append(gap(source, missing, f"this build has no {source} source ({exc.name or exc})", follow_up))
        return None
    except ToolError as exc:
        gaps.append(gap(source, missing, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, follow_up))
        return None
    except Exception as exc:  # noqa: BLE001 - a broken source must not cost the whole report
        gaps.append(gap(source, missing, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                         follow_up))
        return None
    gaps.extend(result.get("data_gaps") or [])
    return result
