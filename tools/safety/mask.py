"""The one masking step: every string and JSON value leaving the process goes through here.

Report files, tool stdout and error lines, recordings, Trello posts, LLM request bodies and MCP
results call `mask_text(str) -> str` or `mask_value(obj) -> obj` (issue 16). The shapes live in
tools/data/secrets.yaml (tools/safety/patterns.py compiles them): token formats (detect-secrets'
plugins, Google API keys, OAuth access and refresh tokens, JWTs, PEM private keys, Trello tokens),
HTTP auth schemes, DSN passwords, `NAME=value` / `NAME: value` / `"name": "value"` assignments and
`?name=value` query parameters whose name says secret, `{name, value}` env pairs (as JSON or as
text: Knative YAML, Terraform env blocks), values under
secret-named keys, `--password VALUE` arguments, and the local part of personal email addresses.

Every occurrence is masked (never only the first, never relying on truncation), masking is
idempotent, and a string with no trigger word or format is returned untouched after one regex
search. Structural LogEntry fields (insertId, logName, timestamps, trace, resource) are left alone
so a recorded case still replays and cites the same refs. No entropy detector: instance ids, trace
ids and digests are long random strings and are evidence.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from tools.safety.patterns import Catalog, TokenRule, catalog

MASK = "[REDACTED]"

# Assignment candidates: a name holding a secret-ish stem, a separator, a value. `is_secret_name` decides.
# Names are bounded (64 characters each side of the stem) so a long run of word characters stays linear.
_ASSIGN = re.compile(
    r"""(?P<name>(?<![\w.\-])-{0,2}(?:[A-Za-z_$][\w.\-]{0,63}?)?(?i:pass|pwd|secret|token|credential|key|auth|cookie)"""
    r"""[\w.\-]{0,63}(?![\w.\-]))"""
    r"""(?P<q>\\?["']?)(?P<sep>[ \t]*(?::=|=>|=|:)[ \t]*)"""
    r"""(?P<v>\\"(?:(?!\\").)*\\"|"(?:[^"\\]|\\.)*"|'[^'\n]*'|[^\s&,;"'<>)\]}]+)"""
)
# `name: DB_PASSWORD` then `value: x` (Knative YAML, Terraform env blocks, `{name: X, value: y}` in text)
_ENV_PAIR = re.compile(
    r"""(?i)\bname["']?\s*[:=]\s*["']?(?P<name>[A-Za-z_][\w.\-]{0,127})["']?\s*[,;\n]\s*(?:-\s*)?"""
    r"""["']?value["']?\s*[:=]\s*(?P<v>\[REDACTED\]|"[^"\n]*"|'[^'\n]*'|[^\s,;}\]]+)"""
)
_QUERY = re.compile(r"(?P<pre>[?&;])(?P<name>[^=&#\s?;\"'<>]+)=(?P<v>[^&#\s\"'<>;]+)")
_EMAIL = re.compile(r"(?<![\w.%+\-])[A-Za-z0-9._%+\-]+@(?P<domain>(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})\b")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_RESOURCE = re.compile(r"(?:projects|organizations|folders|locations|secrets|roles|serviceAccounts)/")
_PROSE_WORD = re.compile(r"[a-z]{1,14}")
_SECRET_REF = re.compile(r"[a-z0-9][a-z0-9_\-]*:(?:latest|\d+)")  # --set-secrets NAME=secret-name:latest
_PASSWORD_WORD = re.compile(r"(?i)pass(?:word|wd|phrase)?|pwd")
_STEMS = re.compile(r"(?i)pass|pwd|secret|token|credential|key|auth")
_CACHE_MAX_LEN = 4096

# LogEntry fields that identify an entry rather than carry payload.
STRUCTURAL = frozenset(
    {"insertId", "logName", "timestamp", "receiveTimestamp", "trace", "spanId", "severity", "resource"}
)


def _credential_like(value: str) -> bool:
    """A token after `Bearer`/`Basic`/`--password`: a digit, or long mixed case, or base64 padding."""
    if any(c.isdigit() for c in value) or value.endswith("="):
        return True
    return len(value) >= 16 and any(c.isupper() for c in value) and any(c.islower() for c in value)


def _mask_span(match: re.Match[str], rule: TokenRule) -> str:
    whole = match.group(0)
    if "s" in match.re.groupindex:
        start, end = match.span("s")
    elif rule.plugin and match.re.groups and match.group(1) and len(match.group(1)) >= 8:
        start, end = match.span(1)
    else:  # the whole match, minus delimiters a plugin regex includes (a leading space, a quote)
        stripped = whole.strip(" \t\"'=:")
        if len(stripped) < 8:
            return whole
        start = match.start() + whole.index(stripped)
        end = start + len(stripped)
    secret = match.string[start:end]
    if not secret or secret == MASK or (rule.guard == "credential" and not _credential_like(secret)):
        return whole
    if rule.guard == "not_prose" and _PROSE_WORD.fullmatch(secret):
        return whole
    offset = match.start()
    return whole[: start - offset] + MASK + whole[end - offset:]


def _keep_value(cat: Catalog, name: str, quote: str, sep: str, raw: str) -> bool:
    """True when an assignment's value is not a secret (a reference, a type, prose, a template)."""
    quoted = raw[:1] in ("'", '"') or raw.startswith('\\"')
    value = raw.strip("\\\"'")
    if not value or value == MASK or value.lower() in cat.plain_values or value[0] in "$<{%#*":
        return True
    if not quoted and sep.strip() == ":" and value.replace(":", "").isdigit() and cat.file_ref.search(name):
        return True  # `accounts/passwords.py:42`: a file:line citation
    if not quoted:
        if "(" in value or "::" in value or "[" in value or _DOTTED.fullmatch(value):
            return True
        if _IDENT.fullmatch(value) and _STEMS.search(value):  # token=token, password=db_password
            return True
        if _SECRET_REF.fullmatch(value):
            return True
    if not cat.is_secret_name(name):
        return True
    if "=" in sep or quote:
        return False
    # `name: value` with a bare name: YAML and env dumps, but also prose ("invalid token: expired").
    bare = name.lstrip("-")
    if bare.isupper():
        return False
    if _RESOURCE.match(value) or (not quoted and _PROSE_WORD.fullmatch(value)):
        return True
    if bare.isalpha() and not _PASSWORD_WORD.fullmatch(bare):
        return not (any(c.isdigit() for c in value) or len(value) >= 16)
    return False


def _mask_assignment(match: re.Match[str]) -> str:
    name, quote, sep, raw = match.group("name", "q", "sep", "v")
    if _keep_value(catalog(), name, quote, sep, raw):
        return match.group(0)
    if raw.startswith('\\"'):
        masked = f'\\"{MASK}\\"'
    elif raw[:1] in ("'", '"'):
        masked = raw[0] + MASK + raw[0]
    else:
        masked = MASK
    return f"{name}{quote}{sep}{masked}"


def _mask_query(match: re.Match[str]) -> str:
    cat = catalog()
    name, value = match.group("name"), match.group("v")
    if value == MASK or not (cat.query_name.match(name) or cat.is_secret_name(name)):
        return match.group(0)
    return f"{match.group('pre')}{name}={MASK}"


def _mask_env_pair(match: re.Match[str]) -> str:
    raw = match.group("v")
    value = raw.strip("\"'")
    if not value or value == MASK or not catalog().is_secret_name(match.group("name")):
        return match.group(0)
    start, end = match.span("v")
    masked = raw[0] + MASK + raw[0] if raw[:1] in ("'", '"') else MASK
    return match.string[match.start():start] + masked + match.string[end:match.end()]


def _mask_email(match: re.Match[str]) -> str:
    if catalog().email_keep.search(match.group("domain")):
        return match.group(0)
    return f"{MASK}@{match.group('domain')}"


def _mask(text: str) -> str:
    cat = catalog()
    if not cat.may_hold(text):
        return text
    for rule in cat.token_rules:
        text = rule.pattern.sub(lambda m, r=rule: _mask_span(m, r), text)  # type: ignore[misc]
    if "=" in text:
        text = _QUERY.sub(_mask_query, text)
    text = _ASSIGN.sub(_mask_assignment, text)
    if "value" in text or "VALUE" in text or "Value" in text:
        text = _ENV_PAIR.sub(_mask_env_pair, text)
    if "@" in text:
        text = _EMAIL.sub(_mask_email, text)
    return text


@lru_cache(maxsize=65536)
def _mask_cached(text: str) -> str:
    return _mask(text)


def mask_text(text: str) -> str:
    """The string with every recognised secret replaced by [REDACTED]; anything else returned as is."""
    if not text or not isinstance(text, str):
        return text
    return _mask_cached(text) if len(text) <= _CACHE_MAX_LEN else _mask(text)


def _flag_takes_secret(item: Any) -> bool:
    return isinstance(item, str) and item.startswith("-") and "=" not in item and catalog().is_secret_name(item)


def mask_value(value: Any, key: str | None = None, parent: str | None = None) -> Any:
    """Deep copy of a JSON value with secrets masked; values under secret-named keys masked whole.

    `{"name": "DB_PASSWORD", "value": "..."}` (Cloud Run env) masks the value; `["--api-key", "v"]`
    masks the argument after a secret flag; Secret Manager references (`secretKeyRef: {secret,
    version}`) keep their names, which are evidence, not secrets. A value nested deeper than
    MAX_DEPTH (hostile input) becomes its masked JSON text instead of overflowing the stack.
    """
    return _walk(value, key, parent, 0)


MAX_DEPTH = 200


def _walk(value: Any, key: str | None, parent: str | None, depth: int) -> Any:
    cat = catalog()
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        return mask_text(_flat_json(value))
    if isinstance(value, dict):
        named = value.get("name")
        if isinstance(named, str) and "value" in value and cat.is_secret_name(named):
            return {k: (MASK if k == "value" and isinstance(v, str) and v else _walk(v, k, key, depth + 1))
                    for k, v in value.items()}
        return {(mask_text(k) if isinstance(k, str) else k): _walk(v, k, key, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for index, item in enumerate(value):
            if (index and isinstance(item, str) and item and not item.startswith("-")
                    and _flag_takes_secret(value[index - 1])):
                out.append(MASK)
            else:
                out.append(_walk(item, key, parent, depth + 1))
        return out
    if isinstance(value, str):
        if (key and value and value != MASK and parent not in cat.reference_parents
                and value.lower() not in cat.plain_values and cat.is_secret_name(key)):
            return MASK
        return mask_text(value)
    return value


def _flat_json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        return "[nested too deeply to show]"


def mask_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A LogEntry with payload, labels and httpRequest masked and identity fields untouched."""
    return {k: (v if k in STRUCTURAL else mask_value(v, k)) for k, v in entry.items()}


# Names the recorder and older tests use.
redact_text = mask_text
redact_value = mask_value
redact_entry = mask_entry
