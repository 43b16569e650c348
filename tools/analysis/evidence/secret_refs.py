"""The env entry that references a missing secret, and the deploy line that set that reference.

A rollout that fails with SECRETS_ACCESS_CHECK_FAILED says exactly which
field is wrong: `spec.template.spec.containers[0].env[144].value_from.
secret_key_ref.name: Secret projects/N/secrets/S/versions/V was not found`.
The fix is at that env entry (on the service template and on the revision
that failed) and at the deploy-config line that wrote `S:V`, so both become
items the missing-config rule cites:

- a `secret_ref_missing` setting at `<resource>#[template.]containers[i].env[j]`
  for each failed condition that names such a field;
- `names_missing_secret: true` on repository `secret_refs` settings that
  reference a secret a failure message reports missing, and on env values a
  deploy script builds from shell variables (`NAME=${bot//-/_}q`) whose
  literal parts compose exactly that missing name: the line to fix.
"""

from __future__ import annotations

import re
from typing import Any

from tools.analysis.evidence.items import make_item, render_signal

_ENV_FIELD = re.compile(r"containers\[(\d+)\]\.env\[(\d+)\]")
_SECRET = re.compile(r"secrets/([A-Za-z0-9_-]+)(?:/versions/([A-Za-z0-9_-]+))?")
_MISSING = re.compile(r"not found|NOT_FOUND|does not exist|has no versions|is in DESTROYED|is in DISABLED",
                      re.IGNORECASE)


def _message(item: dict[str, Any]) -> str:
    attrs = item.get("attrs") or {}
    return str(attrs.get("message") or attrs.get("example") or attrs.get("text") or "")


def missing_secrets(items: list[dict[str, Any]], hits: list[dict[str, Any]] | None = None) -> set[str]:
    """Secret names that failure messages (conditions, deploys, log signature examples) report missing."""
    texts = [_message(i) for i in items if i["type"] in ("condition", "deploy")]
    texts += [str(e.get("message") or "") for hit in hits or [] for e in hit.get("examples") or []]
    names = set()
    for text in texts:
        if _MISSING.search(text):
            names.update(m.group(1) for m in _SECRET.finditer(text))
    return names


def _field_ref(raw_ref: str, container: str, env: str) -> str | None:
    resource, _, _ = raw_ref.partition("#")
    if "/revisions/" in resource:
        return f"{resource}#containers[{container}].env[{env}]"
    if "/services/" in resource or "/jobs/" in resource:
        prefix = "template.template." if "/jobs/" in resource else "template."
        return f"{resource}#{prefix}containers[{container}].env[{env}]"
    return None


def secret_ref_items(items: list[dict[str, Any]], window_start: str,
                     hits: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Env-entry items for failed conditions that name the field whose secret is missing; marks declared refs."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item["type"] != "condition" or not (item.get("attrs") or {}).get("failed"):
            continue
        text = _message(item)
        field, secret = _ENV_FIELD.search(text), _SECRET.search(text)
        if not field or not secret or not _MISSING.search(text):
            continue
        ref = _field_ref(str(item["raw_ref"]), field.group(1), field.group(2))
        if ref is None or ref in seen:
            continue
        seen.add(ref)
        value = f"{secret.group(1)}:{secret.group(2) or 'latest'}"
        values = {"value_text": value, "field": ref.partition("#")[2]}
        out.append(make_item(
            f"setting:{item['source']}:secret_ref_missing:{len(seen)}", "setting", item["source"], ref,
            window_start, static=True,
            attrs={"setting": "secret_ref_missing", "value": value, "number": None, "is_default": False,
                   "origin": "api", "resource": ref.partition("#")[0]},
            confidence="high", strength=1.0, signal=render_signal(["setting.secret_ref_missing"], values),
            service=item.get("service"), revisions=list(item.get("revisions") or []),
        ))
    missing = missing_secrets(items, hits)
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] != "setting" or item["source"] != "repository":
            continue
        if attrs.get("setting") == "secret_refs":
            refs = attrs.get("value") if isinstance(attrs.get("value"), list) else []
            attrs["names_missing_secret"] = any(str(r).split(":", 1)[0].rsplit("/", 1)[-1] in missing
                                                for r in refs)
        elif attrs.get("setting") == "env_value" and missing:
            pattern = _shell_pattern(str(attrs.get("value")).partition("=")[2])
            attrs["names_missing_secret"] = pattern is not None and any(pattern.fullmatch(n) for n in missing)
        if attrs.get("names_missing_secret"):
            item["strength"] = 1.0  # joined to the failure message itself: cited before look-alikes
    return out


_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$\w+")


def _shell_pattern(expression: str) -> re.Pattern[str] | None:
    """`${bot//-/_}q` -> any name ending in `q`: each expansion is a wildcard, the literal text must match.
    None when nothing literal is left (a bare `$x` could be anything)."""
    parts = _EXPANSION.split(expression)
    if not _EXPANSION.search(expression) or not "".join(parts).strip():
        return None
    return re.compile("[A-Za-z0-9_.-]*".join(re.escape(p) for p in parts))
