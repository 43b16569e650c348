"""A small, generic evaluator for tools/data/rules.yaml.

Knowledge about Cloud Run failures lives in the YAML; this module only knows
how to match a clause against an evidence item and how to turn the kinds of
evidence that matched (symptom, condition, mechanism, change, against) into a
confidence through the YAML's `confidence_mix`. Keeping the Python generic is
what lets a new label or predicate be added without touching code.

Evidence items are the plain dicts built by tools/analysis/evidence/build.py:
`{id, type, attrs{...}, source, timestamp, static, strength, excluded, ...}`.
Excluded items (another service, an idle revision, outside the window) are
never matched: they must not drive a candidate.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.errors import InputError
from tools.paths import DATA

RULES_PATH = DATA / "rules.yaml"
SECTIONS = ("symptom", "condition", "mechanism", "change", "against")
KIND_ORDER = ("runtime_symptom", "secondary_symptom", "user_symptom", "mechanism", "condition", "change")
# The order a candidate cites its items in: `location` (where the symptom's errors were raised in the
# code, from stack traces) follows the symptoms it explains. It adds no score and sets no flag.
CITE_ORDER = ("runtime_symptom", "secondary_symptom", "location", "user_symptom", "mechanism", "condition",
              "change", "context")
_LEVELS = ("low", "medium", "high")
_RESERVED = {"type", "weight", "strength", "all", "gate"}
_USER_SOURCES = {"trello", "user_report"}


@cache
def _load(path: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read rules: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InputError(f"{path}: expected a mapping with a `rules:` list")
    return data


def load_rules(path: Path | str = RULES_PATH) -> dict[str, Any]:
    """The parsed rules file (cached per path)."""
    return _load(str(path))


# -- predicates ------------------------------------------------------------

def _attr(item: dict[str, Any], key: str) -> Any:
    attrs = item.get("attrs") or {}
    return attrs[key] if key in attrs else item.get(key)


def _equal(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, str) and isinstance(wanted, str):
        return actual.lower() == wanted.lower()
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual is wanted
    if isinstance(actual, int | float) and isinstance(wanted, int | float):
        return float(actual) == float(wanted)
    return actual == wanted


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _op(op: str, actual: Any, wanted: Any) -> bool:
    if op == "eq":
        return _equal(actual, wanted)
    if op == "ne":
        return not _equal(actual, wanted)
    if op == "in":
        return any(_equal(actual, w) for w in wanted)
    if op == "exists":
        return (actual is not None) is bool(wanted)
    if op == "contains":
        return isinstance(actual, list | tuple | set) and any(_equal(a, wanted) for a in actual)
    if op in ("matches", "not_matches"):
        if actual is None:
            return op == "not_matches"
        found = re.search(str(wanted), str(actual), re.IGNORECASE) is not None
        return found if op == "matches" else not found
    number = _number(actual)
    if number is None:
        return False
    limits = {"lt": number < wanted, "lte": number <= wanted, "gt": number > wanted, "gte": number >= wanted}
    if op not in limits:
        raise InputError(f"rules: unknown predicate operator {op!r}")
    return limits[op]


def _substitute(value: Any, label: str) -> Any:
    if value == "$label":
        return label
    if isinstance(value, list):
        return [_substitute(v, label) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, label) for k, v in value.items()}
    return value


def predicate_matches(actual: Any, wanted: Any) -> bool:
    """One attribute against its predicate (scalar, any-of list, or operator mapping)."""
    if isinstance(wanted, dict):
        return all(_op(op, actual, arg) for op, arg in wanted.items())
    if isinstance(wanted, list):
        return any(_equal(actual, w) for w in wanted)
    return _equal(actual, wanted)


def clause_matches(clause: dict[str, Any], item: dict[str, Any], label: str = "") -> bool:
    """Does one (non-`all`) clause match one item? Excluded items never match."""
    if item.get("excluded"):
        return False
    if clause.get("type") and clause["type"] != item.get("type"):
        return False
    for key, wanted in clause.items():
        if key in _RESERVED:
            continue
        if not predicate_matches(_attr(item, key), _substitute(wanted, label)):
            return False
    return True


def match_clause(clause: dict[str, Any], items: list[dict[str, Any]], label: str = "") -> list[dict[str, Any]]:
    """Items a clause matches; for `all:` every sub-clause must match something (else []).

    A sub-clause marked `gate: true` must match but gives none of its items: they stay free for the
    rule's other sections (the pool finding a symptom needs is still cited as the mechanism).
    """
    if "all" in clause:
        matched: list[dict[str, Any]] = []
        for sub in clause["all"]:
            hits = match_clause(sub, items, label)
            if not hits:
                return []
            if not sub.get("gate"):
                matched.extend(h for h in hits if h not in matched)
        return matched
    return [item for item in items if clause_matches(clause, item, label)]


# -- evaluation ------------------------------------------------------------

def _is_user(clause: dict[str, Any], item: dict[str, Any]) -> bool:
    return clause.get("strength") == "weak" or item.get("source") in _USER_SOURCES


def _kind_score(matches: list[tuple[dict[str, Any], dict[str, Any]]]) -> float:
    """Best weighted item plus a small bonus for corroborating items (capped)."""
    if not matches:
        return 0.0
    values = sorted((float(c.get("weight", 1.0)) * float(i.get("strength", 1.0)) for c, i in matches), reverse=True)
    return values[0] + 0.1 * min(len(values) - 1, 5)


def _mix(flags: set[str], mix: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    for entry in mix:
        needs_all = set(entry.get("all") or [])
        needs_any = set(entry.get("any") or [])
        if needs_all <= flags and (not needs_any or needs_any & flags):
            return entry["level"], entry.get("why") or {}
    return "low", {}


def _onset(items: list[dict[str, Any]]) -> str | None:
    times = [i["timestamp"] for i in items if i.get("timestamp") and not i.get("static")]
    return min(times) if times else None


def _linked(items: list[dict[str, Any]], matched: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict]:
    """Items that name one of the matched symptom items in their `links` (stack frames), most frequent first."""
    ids = {i["id"] for _, i in matched}
    linked = [i for i in items if not i.get("excluded") and ids & set(i.get("links") or ())]
    return sorted(linked, key=lambda i: -int((i.get("attrs") or {}).get("count") or 0))


def global_flags(items: list[dict[str, Any]], config: dict[str, Any]) -> set[str]:
    """Investigation-wide flags (e.g. quiet_runtime) from the YAML's `global_flags` clauses."""
    flags = set()
    for name, clauses in (config.get("global_flags") or {}).items():
        if any(match_clause(clause, items) for clause in clauses or []):
            flags.add(name)
    return flags


def _apply_caps(level: str, why: dict[str, str], flags: set[str], caps: list[dict[str, Any]]) -> tuple[str, dict]:
    for cap in caps:
        if set(cap.get("all") or []) <= flags and not set(cap.get("none") or []) & flags:
            capped = cap.get("level", "low")
            if _LEVELS.index(capped) < _LEVELS.index(level):
                return capped, cap.get("why") or why
    return level, why


def evaluate_rule(rule: dict[str, Any], items: list[dict[str, Any]], config: dict[str, Any],
                  context: set[str] | None = None) -> dict[str, Any] | None:
    """One rule over all items: a candidate dict, or None when nothing matched.

    `context` holds the global flags (computed once per investigation by evaluate()).
    """
    label = rule["label"]
    defaults = config.get("defaults") or {}
    weights = config.get("weights") or {}
    kinds: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {k: [] for k in (*KIND_ORDER, "against")}
    # `against` goes first: evidence that argues against a label must not also count for it
    for section in ("against", *(s for s in SECTIONS if s != "against")):
        clauses = list(defaults.get(section) or []) + list(rule.get(section) or [])
        if section == "change":  # the revision-diff table: which changed setting moves toward which label
            clauses += list((config.get("setting_changes") or {}).get(label) or [])
        for clause in clauses:
            for item in match_clause(clause, items, label):
                if section == "symptom":
                    key = ("user_symptom" if _is_user(clause, item) else
                           "secondary_symptom" if clause.get("strength") == "secondary" else "runtime_symptom")
                else:
                    key = section
                if all(item is not other for k in kinds for _, other in kinds[k]):
                    kinds[key].append((clause, item))
    for matches in kinds.values():  # a cause is cited before the wrappers it explains (tools/analysis/evidence/fold.py)
        matches.sort(key=lambda match: bool((match[1].get("attrs") or {}).get("explained_by")))
    flags = {k for k in KIND_ORDER if kinds[k]}
    location = _linked(items, kinds["runtime_symptom"] + kinds["secondary_symptom"])
    # `context:` clauses name settings a reader needs next to the symptom (e.g. the max instances a
    # 429 ran into) without claiming they are abnormal: cited, never scored
    used = {id(i) for v in kinds.values() for _, i in v}
    context_items = [i for clause in rule.get("context") or [] for i in match_clause(clause, items, label)
                     if id(i) not in used]
    if not flags and not kinds["against"]:
        return None
    ruled_out = not flags
    if ruled_out and not rule.get("show_when_ruled_out"):
        return None
    score = sum(float(weights.get(k, 1.0)) * _kind_score(kinds[k]) for k in (*KIND_ORDER, "against"))
    if ruled_out:
        level, why = "low", {}
    else:
        level, why = _mix(flags, config.get("confidence_mix") or [])
        if kinds["against"]:
            level = _LEVELS[max(0, _LEVELS.index(level) - 1)]
            note = config.get("against_note") or {}
            why = {lang: f"{text}; {note[lang]}" if note.get(lang) else text for lang, text in why.items()}
        # a cause whose symptom the platform answers before any log sees it is not disproved by quiet logs
        unseen = {"invisible_symptom"} if rule.get("invisible_symptom") else set()
        level, why = _apply_caps(level, why, flags | (context or set()) | unseen, config.get("caps") or [])
        note = config.get("invisible_note") or {}
        if unseen and "runtime_symptom" not in flags:
            why = {lang: f"{text}; {note[lang]}" if note.get(lang) else text for lang, text in why.items()}
    emit = ruled_out or bool(flags - {"condition"}) or rule.get("condition_alone", True)
    return {
        "label": label,
        "title": rule.get("title") or {"en": label, "ja": label},
        "confidence": level,
        "why": why,
        "score": round(score, 3),
        "onset": _onset([i for _, i in kinds["runtime_symptom"]]),
        "kinds": {**{k: [i["id"] for _, i in v] for k, v in kinds.items() if v},
                  **({"location": [i["id"] for i in location]} if location else {}),
                  **({"context": list(dict.fromkeys(i["id"] for i in context_items))} if context_items else {})},
        "flags": [k for k in KIND_ORDER if k in flags],
        # how much each matched item counted (clause weight x item strength): the report cites the
        # heaviest of a kind first, so a condition the rule singles out beats a generic default
        "weights": {i["id"]: round(float(c.get("weight", 1.0)) * float(i.get("strength", 1.0)), 3)
                    for k, v in kinds.items() for c, i in v},
        "ruled_out": ruled_out,
        "emit": bool(emit),
    }


def evaluate(items: list[dict[str, Any]], config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every rule that matched something, in rules-file order (ranking sorts them)."""
    config = config or load_rules()
    context = global_flags(items, config)
    candidates = []
    for rule in config["rules"]:
        if "baseline" in rule:
            continue
        candidate = evaluate_rule(rule, items, config, context)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def baseline(label: str, items: list[dict[str, Any]], config: dict[str, Any] | None = None) -> list[str]:
    """Item ids a `baseline:` rule (healthy) would cite, strongest clause first."""
    config = config or load_rules()
    for rule in config["rules"]:
        if rule["label"] == label:
            for clause in rule.get("baseline") or []:
                hits = match_clause(clause, items, label)
                if hits:
                    return [h["id"] for h in hits]
    return []


def rule_title(label: str, config: dict[str, Any] | None = None) -> dict[str, str]:
    config = config or load_rules()
    for rule in config["rules"]:
        if rule["label"] == label:
            return rule.get("title") or {"en": label, "ja": label}
    return {"en": label, "ja": label}
