"""Deterministic ranking of root-cause candidates.

Order: whether a runtime symptom was measured at all (what happened beats what
could happen, whatever the confidence), then confidence level, then a symptom
of the label's own over a shared one, then evidence strength (the rule score),
then the earlier onset, then the label's place in the taxonomy, so the same
evidence always gives the same report. When nothing rises above low and the
window shows no failure (`failure_signs`), the top candidate is `healthy`: a
quiet window is a legitimate answer, but one with failed deploys or bursts
of 5xx is never called healthy.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from tools.analysis.rules import CITE_ORDER, baseline, evaluate, load_rules, rule_title
from tools.paths import DATA

LEVELS = {"high": 2, "medium": 1, "low": 0}
MAX_CANDIDATES = 5
_NO_ONSET = "9999-12-31T23:59:59Z"


@cache
def _taxonomy() -> tuple[str, ...]:
    data = yaml.safe_load((DATA / "root_causes.yaml").read_text(encoding="utf-8")) or {}
    return tuple(x["label"] for x in data.get("labels") or [])


def _order(label: str) -> int:
    labels = _taxonomy()
    return labels.index(label) if label in labels else len(labels)


_MEASURED = {"runtime_symptom", "secondary_symptom"}
_FAILING = {"ERROR", "CRITICAL", "ALERT", "EMERGENCY"}
_PLATFORM_KINDS = {"system", "requests", "audit_activity", "audit_system_event"}


def sort_key(candidate: dict[str, Any]) -> tuple[Any, ...]:
    return (
        not _MEASURED & set(candidate.get("flags", [])),  # a measured symptom outranks any inference
        -LEVELS.get(candidate["confidence"], 0),
        "runtime_symptom" not in candidate.get("flags", []),  # measured beats inferred at the same level
        -float(candidate.get("score", 0.0)),
        candidate.get("onset") or _NO_ONSET,
        _order(candidate["label"]),
    )


def attach_examples(candidate: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """Put the example entries of a symptom (`example_of`: the first and the typical request that waited for
    an instance start, and that start line, beside the slowest request) right after it, so the report
    cites the onset and the typical case, not one entry standing for the whole pattern."""
    examples: dict[str, list[str]] = {}
    for item in items:
        if item.get("example_of") and not item.get("excluded"):
            examples.setdefault(item["example_of"], []).append(item["id"])
    if not examples:
        return
    for kind in ("runtime_symptom", "secondary_symptom"):
        ids = candidate.get("kinds", {}).get(kind)
        if ids:
            candidate["kinds"][kind] = [x for i in ids for x in (i, *examples.get(i, ())) if x]


def cited_items(candidate: dict[str, Any]) -> list[str]:
    """Item ids a candidate rests on: symptoms, where they were raised, mechanism, condition, change, against."""
    ids: list[str] = []
    for kind in (*CITE_ORDER, "against"):
        for item_id in candidate.get("kinds", {}).get(kind, []):
            if item_id not in ids:
                ids.append(item_id)
    return ids


def failure_signs(items: list[dict[str, Any]]) -> list[str]:
    """What forbids a `healthy` verdict, one line each; [] when the window earns it.

    Healthy needs affirmative evidence: no minute with 5xx/429 at or above the per-minute
    threshold, no failed deploy or revision, no failed execution, no platform failure
    message (a kill, a probe failure, a timeout) at ERROR or above, no application error
    that recurs for minutes without the catalog naming it.
    """
    signs: list[str] = []
    for item in items:
        if item.get("excluded"):
            continue
        attrs, kind = item.get("attrs") or {}, item["type"]
        if kind == "traffic" and attrs.get("bad_minutes"):
            signs.append(f"{attrs['bad_minutes']} minute(s) with 5xx/429 at or above 5% (worst {attrs['peak_minute']}: "
                         f"{attrs['peak_minute_errors']} errors, {100 * attrs['peak_minute_rate']:.0f}%)")
        elif kind in ("condition", "deploy") and attrs.get("failed"):
            signs.append(f"failed {kind} ({item['raw_ref']})")
        elif kind == "execution" and (attrs.get("failed_count") or 0) > 0:
            signs.append(f"failed execution ({item['raw_ref']})")
        elif (kind == "signature" and not attrs.get("context") and attrs.get("log_kind") in _PLATFORM_KINDS
              and str(attrs.get("severity") or "").upper() in _FAILING):
            signs.append(f"platform failure message {attrs.get('signature_id')} ({item['raw_ref']})")
        elif kind == "app_error":  # tools/analysis/evidence/app_errors.py: recurring, and no catalog entry names it
            signs.append(f"recurring application error, {attrs['count']}x in {attrs['minutes']} minutes "
                         f"({item['raw_ref']})")
    return signs


_NOISE_SEVERITIES = ("WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
MAX_DISMISSED = 3


def dismissed_items(items: list[dict[str, Any]]) -> list[str]:
    """Lines that look alarming but the catalog calls lifecycle noise (a SIGTERM at scale-in, a sandbox
    syscall warning, a local daemon still starting), loudest first: a `healthy` verdict names what it
    looked at and set aside, so the reader can check it instead of re-searching the logs."""
    noisy = [i for i in items if not i.get("excluded") and i["type"] == "signature"
             and (i.get("attrs") or {}).get("context")
             and str(i["attrs"].get("severity") or "").upper() in _NOISE_SEVERITIES]
    noisy.sort(key=lambda i: (-_NOISE_SEVERITIES.index(str(i["attrs"]["severity"]).upper()),
                              -int(i["attrs"].get("count") or 0), i["id"]))
    return [i["id"] for i in noisy[:MAX_DISMISSED]]


def healthy_figures(items: list[dict[str, Any]], signs: list[str] | None = None) -> dict[str, str]:
    """The figures a `healthy` verdict rests on, stated (issue: healthy must be earned, not defaulted);
    when failure signs forbid it (it is then only the fallback of an empty ranking), they are named."""
    usable = [i for i in items if not i.get("excluded")]
    traffic = next((i["attrs"] for i in usable if i["type"] == "traffic"), None)
    runs = [i["attrs"] for i in usable if i["type"] == "execution"]
    en, ja = [], []
    if traffic:
        en.append(f"{traffic.get('errors', 0)} of {traffic.get('requests', 0)} requests got 5xx/429, "
                  f"{traffic.get('bad_minutes') or 0} minute(s) at or above 5%")
        ja.append(f"{traffic.get('requests', 0)} 件中 5xx/429 は {traffic.get('errors', 0)} 件、"
                  f"5% 以上の分は {traffic.get('bad_minutes') or 0}")
    if runs:
        failed = sum(int(r.get("failed_count") or 0) for r in runs)
        en.append(f"{len(runs)} job execution(s), {failed} failed")
        ja.append(f"ジョブ実行 {len(runs)} 件、失敗 {failed} 件")
    if signs:
        en.append("not a clean window: " + "; ".join(signs[:3]))
        ja.append("平常とは言えない: " + "; ".join(signs[:3]))
    else:
        en.append("no failed deploy, revision or execution and no platform failure message")
        ja.append("失敗したデプロイ・リビジョン・実行やプラットフォームの障害メッセージはない")
    return {"en": "; ".join(en), "ja": "。".join(ja)}


def healthy_candidate(items: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any] | None:
    """The `healthy` candidate, citing the traffic baseline or, failing that, the strongest usable items.

    Its confidence is medium only when request logs show a low error rate (or
    every job execution in the window succeeded);
    with no runtime data at all, "nothing abnormal" is itself a weak claim.
    """
    usable = [i for i in items if not i.get("excluded")]
    ids = baseline("healthy", usable, config)
    has_baseline = bool(ids)
    if not ids:
        ids = [i["id"] for i in sorted(usable, key=lambda i: -float(i.get("strength", 0)))[:3]]
    if not ids:
        return None
    quiet_traffic = any(i["id"] in ids and (i["attrs"].get("error_rate") or 0) < 0.01
                        for i in usable if i["type"] == "traffic")
    runs = [i for i in usable if i["type"] == "execution"]
    quiet_jobs = any(i["id"] in ids for i in runs) and not any(i["attrs"].get("failed_count") for i in runs)
    quiet = has_baseline and (quiet_traffic or quiet_jobs)
    dismissed = [i for i in dismissed_items(usable) if i not in ids]
    return {
        "label": "healthy", "title": rule_title("healthy", config), "confidence": "medium" if quiet else "low",
        "why": healthy_figures(usable, failure_signs(usable)), "score": 0.0, "onset": None,
        "kinds": {"baseline": ids, **({"dismissed": dismissed} if dismissed else {})}, "flags": [],
        "ruled_out": False, "emit": True, "items": ids + dismissed,
    }


def rank(items: list[dict[str, Any]], config: dict[str, Any] | None = None,
         limit: int = MAX_CANDIDATES) -> list[dict[str, Any]]:
    """Evaluate the rules over the items and return ranked candidates with `rank` and `items` set."""
    config = config or load_rules()
    evaluated = evaluate(items, config)
    emitted = sorted((c for c in evaluated if c["emit"]), key=sort_key)
    # a label may have several rules (`other`: a reserved path, uncatalogued errors): its best one stands
    emitted = [c for n, c in enumerate(emitted) if all(c["label"] != d["label"] for d in emitted[:n])]
    for candidate in emitted:
        attach_examples(candidate, items)
        candidate["items"] = cited_items(candidate)
    if not any(LEVELS[c["confidence"]] > 0 for c in emitted):
        healthy = healthy_candidate(items, config)
        if healthy is not None and not failure_signs(items):
            emitted = [healthy] + emitted
        elif healthy is not None and not emitted:
            healthy["confidence"] = "low"  # the only thing left to say, and it says little
            emitted = [healthy]
    ranked = emitted[:limit]
    for position, candidate in enumerate(ranked, start=1):
        candidate["rank"] = position
    return ranked


def context_items(items: list[dict[str, Any]], config: dict[str, Any] | None = None) -> list[str]:
    """Condition items of rules held back (e.g. default memory): worth a row, not a candidate."""
    config = config or load_rules()
    ids: list[str] = []
    for candidate in evaluate(items, config):
        if not candidate["emit"]:
            ids.extend(i for i in candidate["kinds"].get("condition", []) if i not in ids)
    return ids
