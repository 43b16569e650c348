"""The tool-use loop: the model checks the deterministic report with the manifest's tools and answers.

One conversation per pass: the system prompt (playbook, evidence discipline, labels, the
untrusted-data rule) and the sorted tool definitions form a stable prefix cached with
`cache_control`; the first user turn carries the deterministic report and the log digest,
wrapped as data. Tool calls run through `tools.registry.call_tool` (which applies the result
size budgets); each result goes back masked and wrapped, and is kept in a ledger so the
model's added evidence rows can be traced to it. The answer is checked like any report; at most
MAX_TRIES answers are checked before the pass gives up. Budgets end the pass, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anthropic import APIError

from tools.errors import ToolError
from tools.llm.answer import check_answer
from tools.llm.budget import Budget, Usage
from tools.llm.client import MAX_OUTPUT_TOKENS, count_tokens, make_client, send
from tools.llm.prompting import last_turn_message, retry_message, system_prompt, task_message, wrap_data
from tools.llm.provenance import ToolLedger
from tools.registry import Tool, call_tool, load_tools
from tools.safety.mask import mask_text

MAX_TRIES = 3
NOT_OFFERED = frozenset({"investigate"})  # it produced the starting context; a model never reruns it
MAX_RESULT_CHARS = 120_000  # a guard against one result filling the context; call_tool budgets come first
_CACHE = {"type": "ephemeral"}


@dataclass
class LoopResult:
    """An accepted report, or why the pass stopped without one."""

    report: dict[str, Any] | None
    stop: str | None
    usage: Usage
    ledger: ToolLedger
    answers: int = 0
    tools_offered: list[str] = field(default_factory=list)
    starting_tokens: int | None = None


def offered_tools(allow_write: bool = False) -> list[Tool]:
    """Read-only manifest tools (write tools only with allow_write), sorted by name for a stable prefix."""
    tools = [t for t in load_tools() if t.name not in NOT_OFFERED and (t.read_only or allow_write)]
    return sorted(tools, key=lambda t: t.name)


def run_loop(deterministic: dict[str, Any], digest: str, context: dict[str, Any], *, model: str, budget: Budget,
             allow_write: bool = False, client: Any = None,
             notify: Callable[[str], None] | None = None) -> LoopResult:
    notify = notify or (lambda _line: None)
    tools = offered_tools(allow_write)
    names = {t.name for t in tools}
    prefix = {"model": model, "max_tokens": MAX_OUTPUT_TOKENS,
              "system": [{"type": "text", "text": system_prompt(), "cache_control": _CACHE}],
              "tools": [t.anthropic_definition() for t in tools]}
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [{"type": "text", "text": task_message(deterministic, digest, context)}]}]
    ledger, usage = ToolLedger(), Usage()
    result = LoopResult(None, None, usage, ledger, tools_offered=sorted(names))
    client = client or make_client(budget.max_seconds)
    result.starting_tokens = count_tokens(client, {**prefix, "messages": messages})
    if result.starting_tokens and result.starting_tokens >= budget.max_tokens:
        result.stop = (f"the starting context alone is {result.starting_tokens} tokens, over the token budget "
                       f"({budget.max_tokens})")
        return result
    warned = False
    while True:
        stop = budget.exhausted(usage)
        if stop:
            result.stop = stop
            return result
        body = {**prefix, "messages": _with_cache_marker(messages)}
        final = budget.last_turn(usage)
        if final:
            if not warned:
                note = {"type": "text", "text": last_turn_message(final)}
                if messages[-1]["role"] == "user":
                    messages[-1]["content"].append(note)
                else:
                    messages.append({"role": "user", "content": [note]})
                body["messages"] = _with_cache_marker(messages)
                warned = True
            body["tool_choice"] = {"type": "none"}
        try:
            response = send(client, body, budget.remaining_seconds())
        except APIError as exc:  # after the SDK's own retries: the pass ends, its usage so far is kept
            result.stop = f"the Messages API failed: {type(exc).__name__}: {exc}"
            return result
        usage.add(response.usage)
        content = [_block(b) for b in response.content]
        if response.stop_reason != "tool_use":  # a tool_use cut by max_tokens gets no result: drop it
            content = [b for b in content if b.get("type") != "tool_use"]
        if content:
            messages.append({"role": "assistant", "content": content})
        uses = [b for b in content if b.get("type") == "tool_use"]
        if response.stop_reason == "tool_use" and uses:
            messages.append({"role": "user", "content": [_dispatch(b, names, ledger, notify) for b in uses]})
            continue
        if response.stop_reason == "pause_turn":
            continue
        if response.stop_reason == "refusal":
            result.stop = "the model refused to answer"
            return result
        text = "".join(b.get("text", "") for b in content if b.get("type") == "text")
        report, errors = check_answer(text, deterministic, ledger)
        if report is None and response.stop_reason == "max_tokens":
            errors = [{"pointer": "", "message": (
                f"the answer was cut at the output limit ({MAX_OUTPUT_TOKENS} tokens): shorten signals and "
                "rationales, drop rows no candidate cites, and answer with the whole report")}]
        result.answers += 1
        if report is not None:
            result.report = report
            return result
        notify(f"LLM answer {result.answers} rejected: {len(errors)} problem(s), first "
               f"{errors[0]['pointer'] or '/'}: {errors[0]['message']}")
        if result.answers >= MAX_TRIES:
            result.stop = (f"{result.answers} answers failed validation (last: {errors[0]['pointer'] or '/'}: "
                           f"{errors[0]['message']})")
            return result
        messages.append({"role": "user", "content": [
            {"type": "text", "text": retry_message(errors, result.answers, MAX_TRIES)}]})


def _block(block: Any) -> dict[str, Any]:
    """A response content block as request JSON, verbatim (thinking blocks and signatures included)."""
    return block.model_dump(mode="json", exclude_none=True) if hasattr(block, "model_dump") else dict(block)


def _with_cache_marker(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy whose last block carries a cache breakpoint, so each turn reads the previous turns from cache."""
    if not messages or not messages[-1].get("content"):
        return list(messages)
    last = dict(messages[-1])
    blocks = [dict(b) for b in last["content"]]
    blocks[-1]["cache_control"] = _CACHE
    last["content"] = blocks
    return [*messages[:-1], last]


def _dispatch(block: dict[str, Any], names: set[str], ledger: ToolLedger,
              notify: Callable[[str], None]) -> dict[str, Any]:
    """Run one tool_use block; the result (or the error) goes back masked and wrapped as data."""
    call_id, name, args = str(block.get("id")), str(block.get("name")), block.get("input") or {}
    notify(f"LLM tool call {name} {json.dumps(args, ensure_ascii=False)[:160]}")
    is_error = True
    if name not in names:
        raw = f"tool {name!r} is not offered in this pass (offered: {', '.join(sorted(names))})"
    elif not isinstance(args, dict):
        raw = f"the input of {name} must be a JSON object"
    else:
        try:
            raw = json.dumps(call_tool(name, args), ensure_ascii=False, default=str)
            is_error = False
        except ToolError as exc:
            raw = f"{name} failed: {exc}"
        except TypeError as exc:
            raw = f"{name}: bad arguments: {exc}"
        except Exception as exc:  # noqa: BLE001 - a failing tool is the model's to work around, not a crash
            raw = f"{name} failed: {type(exc).__name__}: {exc}"
    shown = mask_text(raw)
    if len(shown) > MAX_RESULT_CHARS:
        shown = (shown[:MAX_RESULT_CHARS] + f"\n[cut by the LLM loop at {MAX_RESULT_CHARS} of {len(shown)} "
                 "characters: narrow the call (severity, log kinds, text, limit)]")
    ledger.record(call_id, name, [shown, raw], is_error)
    wrapped = wrap_data(shown, source="tool_result", tool=name, tool_call_id=call_id)
    return {"type": "tool_result", "tool_use_id": call_id, "content": wrapped, "is_error": is_error}
