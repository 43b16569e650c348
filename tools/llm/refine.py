"""`crobs investigate --llm`: refine the deterministic report with a model, or say why not.

Takes the deterministic report, the log records it was built from and the run context; gives the
report to write and a summary (status, usage, cost) for the investigate result. The pass can
only improve the outcome: without a key, on a budget stop, on an API failure or after
MAX_TRIES rejected answers, the deterministic report is written with a data gap naming what
happened, so `--llm` never costs the user a report.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from tools.llm.budget import DEFAULT_MAX_SECONDS, DEFAULT_MAX_TOKENS, DEFAULT_MAX_TURNS, Budget, format_usage
from tools.llm.client import api_key_present, resolve_model
from tools.llm.loop import run_loop

MAX_DIGEST_CHARS = 24_000
MISSING = "LLM review of the deterministic report (`crobs investigate --llm`)"


def _stderr(line: str) -> None:
    print(f"crobs investigate: {line}", file=sys.stderr, flush=True)


def digest_text(records: list[dict[str, Any]]) -> str:
    """The bounded digest of the window's records, as the compact text a model reads first."""
    if not records:
        return ""
    from tools.analysis.digest.analyze import DigestBuilder, render_digest_text

    builder = DigestBuilder()
    for record in records:
        builder.add(record)
    text = render_digest_text(builder.result())
    return text if len(text) <= MAX_DIGEST_CHARS else text[:MAX_DIGEST_CHARS] + "\n[digest cut]"


def _line(text: str, limit: int = 600) -> str:
    """One report line: no newlines, no edge spaces, bounded."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def with_gap(report: dict[str, Any], why: str, follow_up: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The deterministic report plus the data gap that says why the LLM pass did not refine it."""
    out = dict(report)
    gap = {"missing_signal": MISSING, "why_missing": _line(why.replace("`", "'")), "follow_up": _line(follow_up)}
    out["data_gaps"] = [*(report.get("data_gaps") or []), gap]
    out["extras"] = {**(report.get("extras") or {}), "llm": summary}
    return out


def refine_report(report: dict[str, Any], records: list[dict[str, Any]], context: dict[str, Any], *,
                  model: str | None = None, allow_write: bool = False, max_turns: int | None = None,
                  max_tokens: int | None = None, max_seconds: float | None = None,
                  notify: Callable[[str], None] = _stderr, client: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the report to write, the LLM summary); never raises for a model, network or budget problem."""
    model_id = resolve_model(model)
    budget = Budget(max_turns=max_turns or DEFAULT_MAX_TURNS, max_tokens=max_tokens or DEFAULT_MAX_TOKENS,
                    max_seconds=float(max_seconds or DEFAULT_MAX_SECONDS))
    rerun = f"set ANTHROPIC_API_KEY and rerun `crobs investigate ... --llm --model {model_id}`"
    if client is None and not api_key_present():
        why = "the LLM pass was skipped: ANTHROPIC_API_KEY is not set"
        notify(f"{why}; writing the deterministic report")
        summary = {"status": "skipped", "model": model_id, "reason": why}
        return with_gap(report, why, rerun, summary), summary
    try:
        result = run_loop(report, digest_text(records), context, model=model_id, budget=budget,
                          allow_write=allow_write, client=client, notify=notify)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - a bug or Ctrl-C: the deterministic report stands
        if os.environ.get("CROBS_DEBUG"):
            raise
        kind = "was interrupted" if isinstance(exc, KeyboardInterrupt) else f"failed: {type(exc).__name__}: {exc}"
        why = f"the LLM pass {kind}"
        notify(f"{_line(why, 300)}; writing the deterministic report")
        summary = {"status": "failed", "model": model_id, "reason": _line(why)}
        return with_gap(report, why, f"check the key, ANTHROPIC_BASE_URL and the network, then {rerun}",
                        summary), summary
    summary = {"status": "refined" if result.report else "failed", "model": model_id,
               "answers": result.answers, "tool_calls": len(result.ledger), "tools_offered": result.tools_offered,
               "starting_tokens": result.starting_tokens, "usage": result.usage.as_dict(model_id),
               "budget": {"max_turns": budget.max_turns, "max_tokens": budget.max_tokens,
                          "max_seconds": budget.max_seconds, "seconds_used": round(budget.elapsed(), 1)}}
    notify(format_usage(model_id, result.usage, len(result.ledger)))
    if result.report is not None:
        final = dict(result.report)
        final["extras"] = {**(final.get("extras") or {}), "llm": summary}
        notify(f"LLM pass ({model_id}) refined the report after {result.answers} answer(s)")
        return final, summary
    why = f"the LLM pass failed: {result.stop}"
    summary["reason"] = _line(why)
    notify(f"{_line(why, 300)}; writing the deterministic report with a data gap")
    follow_up = ("rerun with a larger budget (--llm-max-turns, --llm-max-tokens, --llm-max-seconds) or "
                 "another --model, or review report.json by hand and run `crobs validate report.json`")
    return with_gap(report, why, follow_up, summary), summary
