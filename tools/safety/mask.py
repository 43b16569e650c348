"""First-pass secret masking for anything the recorder writes to disk.

A recorded case is shared (committed as an eval, attached to a ticket), so
payloads are masked before they touch the disk: bearer and basic
credentials, API keys and tokens (detect-secrets' format detectors: AWS,
GitHub, Slack, Stripe, JWT, OpenAI, ...), Google API keys, private key
blocks, passwords in URLs, `password=...`-style assignments and query
parameters, values under secret-sounding keys, and email addresses (local
part only: the domain still tells a service account from a person).

Structural LogEntry fields (insertId, logName, timestamps, trace, resource)
are left alone so a redacted case still replays and cites the same refs.
Entropy-based detectors are deliberately off: instance ids and trace ids are
long hex strings and would all be destroyed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

MASK = "[REDACTED]"

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z]+ )*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)", re.DOTALL
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9\-._~+/]{8,}=*")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^:/?#\s@]+:)([^@/\s]+)(@)")
_GOOGLE_KEY = re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b")
_GOOGLE_OAUTH = re.compile(r"\bya29\.[0-9A-Za-z\-_]{10,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")
_SECRET_WORDS = r"(?:password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token)"
_ASSIGNMENT = re.compile(rf"(?i)\b({_SECRET_WORDS})(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;\"']+)")
_QUERY_PARAM = re.compile(rf"(?i)([?&]{_SECRET_WORDS}=)([^&\s#]+)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})\b")
_SECRET_KEY = re.compile(rf"(?i)^{_SECRET_WORDS}$|(?i:authorization|private[_-]?key|credentials?|cookie)$")

_SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|private_?key|credential)")

# LogEntry fields that identify an entry rather than carry payload.
STRUCTURAL = frozenset(
    {"insertId", "logName", "timestamp", "receiveTimestamp", "trace", "spanId", "severity", "resource"}
)


@cache
def _detector_patterns() -> list[re.Pattern[str]]:
    """The token-format regexes of detect-secrets' plugins (no entropy, no keyword heuristics).

    The plugins' own analyze_line reports only a capture group for some
    formats (`ghp` for a GitHub token), so the whole match of each denylist
    regex is masked instead.
    """
    try:
        from detect_secrets.plugins.aws import AWSKeyDetector
        from detect_secrets.plugins.github_token import GitHubTokenDetector
        from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
        from detect_secrets.plugins.jwt import JwtTokenDetector
        from detect_secrets.plugins.openai import OpenAIDetector
        from detect_secrets.plugins.sendgrid import SendGridDetector
        from detect_secrets.plugins.slack import SlackDetector
        from detect_secrets.plugins.stripe import StripeDetector
        from detect_secrets.plugins.twilio import TwilioKeyDetector
    except ImportError:  # pragma: no cover - detect-secrets is a declared dependency
        return []
    patterns: list[re.Pattern[str]] = []
    for cls in (
        AWSKeyDetector,
        GitHubTokenDetector,
        GitLabTokenDetector,
        JwtTokenDetector,
        OpenAIDetector,
        SendGridDetector,
        SlackDetector,
        StripeDetector,
        TwilioKeyDetector,
    ):
        patterns.extend(p for p in getattr(cls, "denylist", ()) if isinstance(p, re.Pattern))
    return patterns


_REGEX_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_PRIVATE_KEY, lambda m: f"-----BEGIN {m.group(1)}-----{MASK}-----END {m.group(1)}-----"),
    (_BEARER, lambda m: f"{m.group(1)}{m.group(2)}{MASK}"),
    (_URL_PASSWORD, lambda m: f"{m.group(1)}{MASK}{m.group(3)}"),
    (_GOOGLE_KEY, lambda m: MASK),
    (_GOOGLE_OAUTH, lambda m: MASK),
    (_JWT, lambda m: MASK),
    (_QUERY_PARAM, lambda m: f"{m.group(1)}{MASK}"),
    (_ASSIGNMENT, lambda m: f"{m.group(1)}{m.group(2)}{MASK}"),
    (_EMAIL, lambda m: f"{MASK}@{m.group(1)}"),
]


def redact_text(text: str) -> str:
    """The string with every recognised secret replaced by [REDACTED]."""
    if not text or not isinstance(text, str):
        return text
    for pattern, replace in _REGEX_RULES:
        text = pattern.sub(replace, text)
    for pattern in _detector_patterns():
        text = pattern.sub(lambda m: m.group(0) if len(m.group(0)) < 8 else MASK, text)
    return text


def redact_value(value: Any, key: str | None = None) -> Any:
    """Deep copy of a JSON value with secrets masked; values under secret-sounding keys masked whole."""
    if isinstance(value, dict):
        named = value.get("name") if isinstance(value.get("name"), str) else ""
        if named and "value" in value and _SECRET_NAME.search(named):
            # env-var style {"name": "DB_PASSWORD", "value": "..."}
            return {k: (MASK if k == "value" and v else redact_value(v, k)) for k, v in value.items()}
        return {k: redact_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, key) for v in value]
    if isinstance(value, str):
        if key and _SECRET_KEY.search(key) and value:
            return MASK
        return redact_text(value)
    return value


def redact_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A LogEntry with payload, labels and httpRequest masked and identity fields untouched."""
    return {k: (v if k in STRUCTURAL else redact_value(v, k)) for k, v in entry.items()}


# The one masking step everything leaving the process goes through (issue 16): report files, tool
# stdout, recordings, LLM request bodies, Trello posts and MCP results call these two names.
mask_text = redact_text
mask_value = redact_value
