"""The Anthropic client of the LLM pass: which model, whether a key exists, and the masked send.

The SDK's own environment is honoured (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL), so a proxy or a
loopback fake needs no flag of ours. Every request body goes through
`tools.safety.mask.mask_value` right before it is handed to the SDK: log lines, card text and
repository text may carry secrets, and nothing leaves the process unmasked.
"""

from __future__ import annotations

import os
from typing import Any

from tools.llm.budget import model_table
from tools.safety.mask import mask_value

KEY_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
MAX_RETRIES = 2
# A full report (tens of evidence rows, Japanese prose) fits. The explicit per-call timeout in `send`
# is what lets a non-streaming call ask for this much.
MAX_OUTPUT_TOKENS = 32_000


def api_key_present() -> bool:
    return any(os.environ.get(name) for name in KEY_VARIABLES)


def resolve_model(model: str | None = None) -> str:
    """--model, else CROBS_MODEL, else the default in tools/data/llm_models.yaml."""
    return model or os.environ.get("CROBS_MODEL") or str(model_table()["default_model"])


def make_client(timeout: float) -> Any:
    from anthropic import Anthropic

    return Anthropic(base_url=os.environ.get("ANTHROPIC_BASE_URL") or None, max_retries=MAX_RETRIES,
                     timeout=timeout)


def masked(body: dict[str, Any]) -> dict[str, Any]:
    """The request body as it may leave the process."""
    return mask_value(body)


def send(client: Any, body: dict[str, Any], timeout: float) -> Any:
    """One Messages API call with the masked body; the SDK's errors propagate to the loop."""
    return client.messages.create(**masked(body), timeout=max(1.0, timeout))


def count_tokens(client: Any, body: dict[str, Any]) -> int | None:
    """Input tokens of the starting request (None when the endpoint is unavailable)."""
    keys = ("model", "system", "tools", "messages")
    try:
        return int(client.messages.count_tokens(**masked({k: body[k] for k in keys if k in body})).input_tokens)
    except Exception:  # noqa: BLE001 - a count is a nicety; the loop runs without it
        return None
