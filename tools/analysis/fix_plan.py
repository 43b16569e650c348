"""The fix plan: concrete changes per candidate, from tools/data/remediation.yaml.

A fix is only useful when the reader can apply it, so templates name the
Terraform attribute and the gcloud flag, and this module fills in the target
(service, region, project), the current values and the exact file:line the
evidence found. Identical actions from several candidates are merged into
one entry whose `addresses` lists every candidate rank it serves.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from tools.analysis.fix_targets import target_values
from tools.errors import InputError
from tools.paths import DATA

REMEDIATION_PATH = DATA / "remediation.yaml"
MAX_PER_HORIZON = 6
LOW_RANKS_WITH_FIX = 3  # low-confidence candidates below this rank get no fix at all
_FIELDS = ("action", "expected_impact", "risk")


@cache
def _remediation_file() -> dict[str, Any]:
    try:
        data = yaml.safe_load(REMEDIATION_PATH.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{REMEDIATION_PATH}: cannot read remediation templates: {exc}") from exc
    return data if isinstance(data, dict) else {}


def load_remediation() -> dict[str, Any]:
    return _remediation_file().get("labels") or {}


def load_targets() -> dict[str, Any]:
    return _remediation_file().get("targets") or {}


class _Values(dict):
    """Template values; an unknown placeholder renders as '?' and is recorded."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang
        self.missing: set[str] = set()

    def __missing__(self, key: str) -> str:
        if key.startswith("at_") or key == "tf_resource":
            return ""  # no file:line known: the gcloud form still applies
        if key.startswith("current_"):
            return "現在値" if self.lang == "ja" else "the current value"
        self.missing.add(key)
        return "?"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("`", "'")


def base_values(target: dict[str, Any]) -> dict[str, str]:
    """Placeholders from the target; unknown project/region become PROJECT_ID / REGION."""
    kind = "jobs" if target.get("target_type") == "job" else "services"
    values = {
        "service": target.get("target_name") or "SERVICE",
        "region": target.get("region") or "REGION",
        "project": target.get("project_id") or "PROJECT_ID",
        "kind": kind,
    }
    values["update"] = (f"gcloud run {kind} update {values['service']} --region {values['region']} "
                        f"--project {values['project']}")
    return values


def setting_values(items: list[dict[str, Any]]) -> dict[str, str]:
    """current_<setting>, at_<setting> and tf_resource from usable setting items (live config wins)."""
    values: dict[str, str] = {}
    ordered = sorted((i for i in items if i["type"] == "setting" and not i.get("excluded")),
                     key=lambda i: (i["source"] == "repository", -float(i.get("strength") or 0)))  # live first,
    # then the declared setting most likely deployed (tools/analysis/evidence/config.py weakens the others)
    for item in ordered:
        name = item["attrs"]["setting"]
        values.setdefault(f"current_{name}", _value_text(item["attrs"]["value"]))
        if item["source"] == "repository":
            values.setdefault(f"at_{name}", f" (`{item['raw_ref']}`)")
            resource = item["attrs"].get("resource")
            if resource and item["attrs"].get("origin") == "terraform":
                values.setdefault("tf_resource", f" in `{resource}`")
    return values


def candidate_values(candidate: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, str]:
    """mechanism_ref / symbol / handler from the candidate's strongest code finding."""
    values: dict[str, str] = {}
    for item_id in candidate.get("kinds", {}).get("mechanism", []):
        item = by_id.get(item_id)
        if item is None or item["source"] != "repository":
            continue
        attrs = item["attrs"]
        values["mechanism_ref"] = item["raw_ref"]
        values["mechanism_symbol"] = attrs.get("enclosing_symbol") or item["raw_ref"]
        values["handler"] = attrs.get("handler") or attrs.get("enclosing_symbol") or "the handler"
        values["mechanism_note_en"] = f" (starting at `{item['raw_ref']}`)"
        values["mechanism_note_ja"] = f"（`{item['raw_ref']}` から）"
        break
    values.setdefault("mechanism_note_en", "")
    values.setdefault("mechanism_note_ja", "")
    reserved = [by_id[i] for i in candidate.get("kinds", {}).get("condition", []) if i in by_id
                and by_id[i]["type"] == "reserved_path"]  # tools/analysis/evidence/reserved_paths.py
    if reserved:  # the repository line first: that is where the fix is written
        item = sorted(reserved, key=lambda i: i["source"] != "repository")[0]
        attrs = item["attrs"]
        values.update({"reserved_path": attrs["path"], "reserved_moved": attrs["suggested"],
                       "reserved_ref": item["raw_ref"]})
        values.update({"reserved_env": attrs["env"]} if attrs.get("env") else {"reserved_check": attrs.get("check")})
    return values


def _blocked(entry: dict[str, Any], values: dict[str, str]) -> bool:
    """True when the entry names a target that cannot move (e.g. memory already at the ceiling)."""
    text = str(entry.get("action"))
    return any(key.startswith("blocked_") and "{target_" + key[len("blocked_"):] + "}" in text
               for key in values)


def _render(template: dict[str, str], values: _Values, lang: str) -> str:
    text = template.get(lang) or template.get("en") or ""
    return " ".join(text.format_map(values).split())


def fix_plan(candidates: list[dict[str, Any]], items: list[dict[str, Any]], target: dict[str, Any],
             lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """{immediate: [...], permanent: [...]}, each {action, expected_impact, risk, addresses: [ranks]}.

    Ruled-out candidates get no fix; when `healthy` is on top only its entry is
    offered, since acting on low-confidence guesses in a quiet window does harm.
    Other low-confidence candidates get only their first immediate fix, and
    only within the top LOW_RANKS_WITH_FIX ranks.
    """
    templates = load_remediation()
    by_id = {i["id"]: i for i in items}
    shared = {**base_values(target), **setting_values(items)}
    shared.update(target_values(shared, load_targets()))
    chosen = [c for c in candidates if not c.get("ruled_out")]
    if chosen and chosen[0]["label"] == "healthy":
        chosen = chosen[:1]
    plan: dict[str, list[dict[str, Any]]] = {"immediate": [], "permanent": []}
    for candidate in chosen:
        entries = templates.get(candidate["label"]) or {}
        values = _Values({**shared, **candidate_values(candidate, by_id)}, lang=lang)
        weak = candidate.get("confidence") == "low" and candidate["label"] != "healthy" and candidate is not chosen[0]
        if weak and candidate["rank"] > LOW_RANKS_WITH_FIX:
            continue
        for horizon in ("immediate", "permanent"):
            options = entries.get(horizon) or []
            if weak:  # a low-confidence guess gets its cheapest mitigation only, not a redesign
                options = options[:1] if horizon == "immediate" else []
            for entry in options:
                if any(values.get(need) is None for need in entry.get("needs") or []):
                    continue
                if _blocked(entry, values):
                    continue
                rendered = {field: _render(entry[field], values, lang) for field in _FIELDS}
                existing = next((f for f in plan[horizon] if f["action"] == rendered["action"]), None)
                if existing is not None:
                    if candidate["rank"] not in existing["addresses"]:
                        existing["addresses"].append(candidate["rank"])
                    continue
                if len(plan[horizon]) < MAX_PER_HORIZON:
                    plan[horizon].append({**rendered, "addresses": [candidate["rank"]]})
    return plan
