"""Budgets and usage of one LLM pass: turns, tokens (input + output) and wall time.

A model run against a live incident must stop on its own: each limit is checked before every
model call, and the stop says which limit ended it, so the report's data gap can say why the
LLM pass did not finish. Usage is summed from each response's `usage` and priced from
tools/data/llm_models.yaml (an estimate, never a bill).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA

DEFAULT_MAX_TURNS = 16
DEFAULT_MAX_TOKENS = 400_000
DEFAULT_MAX_SECONDS = 600.0


@cache
def model_table() -> dict[str, Any]:
    return yaml.safe_load((DATA / "llm_models.yaml").read_text(encoding="utf-8")) or {}


@dataclass
class Usage:
    """Tokens as the API reports them: input excludes the cached parts, which are counted apart."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    calls: int = 0

    def add(self, usage: Any) -> None:
        self.calls += 1
        for name in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
            value = getattr(usage, name, None) if not isinstance(usage, dict) else usage.get(name)
            setattr(self, name, getattr(self, name) + int(value or 0))

    @property
    def total(self) -> int:
        return (self.input_tokens + self.output_tokens + self.cache_creation_input_tokens
                + self.cache_read_input_tokens)

    def cost_usd(self, model: str) -> float | None:
        table = model_table()
        price = (table.get("prices") or {}).get(model)
        if not price:
            return None
        per_in = float(price["input"]) / 1e6
        per_out = float(price["output"]) / 1e6
        cost = (self.input_tokens * per_in + self.output_tokens * per_out
                + self.cache_creation_input_tokens * per_in * float(table.get("cache_write_factor", 1.25))
                + self.cache_read_input_tokens * per_in * float(table.get("cache_read_factor", 0.1)))
        return round(cost, 4)

    def as_dict(self, model: str) -> dict[str, Any]:
        return {"model_calls": self.calls, "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "cache_creation_input_tokens": self.cache_creation_input_tokens,
                "cache_read_input_tokens": self.cache_read_input_tokens, "estimated_cost_usd": self.cost_usd(model)}


@dataclass
class Budget:
    """The three limits of one pass and the clock they are measured against."""

    max_turns: int = DEFAULT_MAX_TURNS
    max_tokens: int = DEFAULT_MAX_TOKENS
    max_seconds: float = DEFAULT_MAX_SECONDS
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining_seconds(self) -> float:
        return self.max_seconds - self.elapsed()

    def exhausted(self, usage: Usage) -> str | None:
        """Which limit stops the next model call (None while every limit has room)."""
        if usage.calls >= self.max_turns:
            return f"turn budget ({self.max_turns} model calls) reached"
        if usage.total >= self.max_tokens:
            return f"token budget ({self.max_tokens} tokens) reached: {usage.total} used"
        if self.remaining_seconds() <= 0:
            return f"time budget ({self.max_seconds:g} s) reached"
        return None

    def last_turn(self, usage: Usage) -> str | None:
        """The limit the next call is the last one under, so the model is asked to answer now."""
        if usage.calls + 1 >= self.max_turns:
            return "turn"
        if usage.total >= self.max_tokens * 0.8:
            return "token"
        if self.remaining_seconds() < self.max_seconds * 0.2:
            return "time"
        return None


def format_usage(model: str, usage: Usage, tool_calls: int) -> str:
    """One line for stderr: calls, tokens (cache split out) and the estimated cost."""
    cost = usage.cost_usd(model)
    price = f"est. cost ${cost:.4f}" if cost is not None else "est. cost unknown (no price for this model)"
    return (f"LLM usage ({model}): {usage.calls} model calls, {tool_calls} tool calls; tokens in "
            f"{usage.input_tokens} (cache write {usage.cache_creation_input_tokens}, cache read "
            f"{usage.cache_read_input_tokens}), out {usage.output_tokens}; {price}")
