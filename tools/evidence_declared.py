"""Where a live Cloud Run value was declared: the deploy-config line beside the Run field.

The live field (`services/x#template.maxInstanceRequestConcurrency`) proves
the value the incident ran with; the line that set it (`--concurrency=4` in a
workflow, `memory = "256Mi"` in Terraform) is where the fix goes. A reader
needs both, so every live setting item records the repository items that
declare the same value for the same target (`attrs.declared_by`), and the
report shows them together (tools/report_build.select_evidence).

A declaration for the target by name is preferred; one whose service name
is still a variable (a Cloud Build substitution, a step output) is used only
when nothing names the target.
"""

from __future__ import annotations

from typing import Any

from tools.evidence_items import LIVE_SOURCES


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a == b


def pair_declarations(items: list[dict[str, Any]], target_name: str | None) -> None:
    """Set `attrs.declared_by` on live setting items: ids of repository settings with the same value."""
    declared = [i for i in items if i["type"] == "setting" and i["source"] == "repository" and not i.get("excluded")]
    for item in items:
        if item["type"] != "setting" or item["source"] not in LIVE_SOURCES or item.get("excluded"):
            continue
        attrs = item["attrs"]
        same = [d for d in declared if d["attrs"]["setting"] == attrs["setting"]
                and (d["attrs"].get("number") is not None and d["attrs"]["number"] == attrs.get("number")
                     or _same(d["attrs"]["value"], attrs["value"]))]
        named = [d for d in same if target_name and d.get("service") == target_name]
        chosen = named or [d for d in same if d.get("service") is None][:1]
        if chosen:
            attrs["declared_by"] = [d["id"] for d in chosen]
