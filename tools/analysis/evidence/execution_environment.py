"""The effective execution environment, worked out by value and checked against what needs gen2.

Issue 13 point 6: `executionEnvironment` may be unset (Cloud Run chooses),
set, or switched between revisions, and a first-generation sandbox line
(gVisor's "Container Sandbox: ...") proves gen1 whatever the configuration
says. A revision that mounts a volume needing the second generation
(tools/data/execution_environment.yaml) without pinning gen2 is a mismatch;
when such revisions failed to become ready and a later revision that pins
gen2 did, the failure is measured and the switch names the fix.

`environment_item` returns one `execution_environment` evidence item (or
None) with attributes rules can test: effective, needs_gen2, mismatch,
failed_without_gen2, fixed_by_gen2, sandbox_messages.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA


@cache
def knowledge() -> dict[str, Any]:
    data = yaml.safe_load((DATA / "execution_environment.yaml").read_text(encoding="utf-8")) or {}
    data["_features"] = {row["feature"]: row for row in data.get("needs_gen2") or []}
    data["_sensitive"] = {row["feature"]: row for row in data.get("gen1_sensitive") or []}
    data["_sandbox"] = [re.compile(p) for p in data.get("sandbox_messages") or []]
    return data


def _value(settings: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((s for s in settings if s.get("setting") == name), None)


def environment_of(settings: list[dict[str, Any]]) -> str:
    """gen1, gen2, or unset (Cloud Run chooses) from one resource's canonical settings."""
    row = _value(settings, "execution_environment")
    if not row or row.get("is_default") or row.get("value") not in ("gen1", "gen2"):
        return "unset"
    return str(row["value"])


def gen2_features(settings: list[dict[str, Any]]) -> list[str]:
    """The resource's volume kinds that need the second generation."""
    row = _value(settings, "volume_kinds") or {}
    return [kind for kind in row.get("value") or [] if kind in knowledge()["_features"]]


def _kinds(settings: list[dict[str, Any]]) -> list[str]:
    return list((_value(settings, "volume_kinds") or {}).get("value") or [])


def sandbox_lines(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rxs = knowledge()["_sandbox"]
    return [r for r in records if any(rx.search(str(r.get("message") or "")) for rx in rxs)]


def assess(service_settings: list[dict[str, Any]], revisions: list[dict[str, Any]],
           records: list[dict[str, Any]]) -> dict[str, Any]:
    """The environment by value: configured, proven by sandbox lines, and per revision against its features."""
    live = [s for s in service_settings if s.get("source") == "cloud_run_service"]
    configured = environment_of(live)
    sandbox = sandbox_lines(records)
    needs = set(gen2_features(live))
    failed_without: list[dict[str, Any]] = []
    fixed = False
    ordered = sorted(revisions, key=lambda r: r.get("create_time") or "")
    for revision in ordered:
        own = revision.get("settings") or []
        features, env = gen2_features(own), environment_of(own)
        needs |= set(features)
        if features and env != "gen2" and revision.get("ready") is False:
            failed_without.append(revision)
        elif failed_without and env == "gen2" and revision.get("ready") is True:
            fixed = True  # the first revision after the failures that pins gen2 became ready
    revision_envs = {environment_of(r.get("settings") or []) for r in revisions}
    effective = "gen1" if configured == "gen1" or sandbox else configured
    sensitive = sorted({kind for r in ordered for kind in _kinds(r.get("settings") or [])
                        if kind in knowledge()["_sensitive"]
                        and (environment_of(r.get("settings") or []) == "gen1" or sandbox)})
    return {
        "configured": configured, "effective": effective, "needs_gen2": sorted(needs),
        "mismatch": bool(needs) and (effective != "gen2" or bool(failed_without)),
        "switched": len(revision_envs - {"unset"}) + ("unset" in revision_envs) > 1,
        "failed_without_gen2": len(failed_without), "fixed_by_gen2": fixed,
        "failed_revisions": [r.get("short_name") for r in failed_without],
        "sensitive": sensitive, "sensitive_count": len(sensitive),
        "sandbox_messages": len(sandbox), "sandbox_ref": sandbox[0].get("raw_ref") if sandbox else None,
        "first_failed": failed_without[0].get("create_time") if failed_without else None,
    }


def environment_items(service_settings: list[dict[str, Any]], revisions: list[dict[str, Any]],
                      records: list[dict[str, Any]], window_start: str,
                      target_name: str | None = None) -> list[dict[str, Any]]:
    """The mismatch (a condition, cited at the template's setting) and, when revisions failed for it,
    the failure (a measured symptom, cited at the first failed revision's setting); [] when none."""
    from tools.analysis.evidence.items import make_item, render_signal

    found = assess(service_settings, revisions, records)
    if not found["mismatch"] and not found["sensitive"]:
        return []
    row = _value([s for s in service_settings if s.get("source") == "cloud_run_service"], "execution_environment")
    ref = (row or {}).get("raw_ref") or found["sandbox_ref"]
    values = {**found, "needs_gen2": ", ".join(found["needs_gen2"] + found["sensitive"]) or "-",
              "failed_revisions": ", ".join(found["failed_revisions"]) or "-"}
    items = []
    if ref:
        items.append(make_item(
            "execution_environment", "execution_environment", "cloud_run_service", ref, window_start, static=True,
            attrs={k: found[k] for k in ("configured", "effective", "needs_gen2", "mismatch", "switched",
                                         "sandbox_messages", "sensitive", "sensitive_count")},
            confidence="high" if found["sandbox_messages"] or found["configured"] == "gen1" else "medium",
            strength=0.8, signal=render_signal(["execution_environment"], values), service=target_name,
        ))
    failed = [r for r in revisions if r.get("short_name") in found["failed_revisions"]]
    setting = next((s for r in failed[:1] for s in r.get("settings") or []
                    if s.get("setting") == "execution_environment"), None)
    if setting and setting.get("raw_ref"):
        items.append(make_item(
            "execution_environment:failed", "execution_environment", "cloud_run_revision", setting["raw_ref"],
            found["first_failed"] or window_start, static=False,
            attrs={k: found[k] for k in ("failed_without_gen2", "fixed_by_gen2", "needs_gen2", "failed_revisions")},
            confidence="high", strength=1.0, signal=render_signal(["execution_environment_failed"], values),
            service=target_name, revisions=[r for r in found["failed_revisions"] if r],
        ))
    return items
