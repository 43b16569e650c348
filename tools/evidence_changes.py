"""What a rollout changed: each setting that differs between a revision and the one before it.

A deploy row says *that* something shipped; the revision diff says *what*:
memory halved, a secret reference dropped, the port or the execution
environment switched. Each changed setting of a revision created for the
window becomes a `setting_change` item cited at the new revision's field, so a
rule can say "the memory kills began after the limit went from 1Gi to 512Mi".
The image is left out (every deploy changes it; the deploy row covers that).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools.evidence_items import make_item, render_signal, setting_number, value_text
from tools.revision_timeline import diff_settings
from tools.timewindow import parse_time

IGNORED = {"image"}  # every rollout changes it; `deploy` rows already stand for it


def revision_changes(revisions: list[dict[str, Any]], earliest: datetime, latest: datetime) -> list[dict[str, Any]]:
    """Changed settings of each revision created in [earliest, latest] against its predecessor.

    `revisions` is list_revisions output (summary plus `settings`); the
    predecessor is the newest revision created before it.
    """
    dated = sorted((r for r in revisions if r.get("create_time") and r.get("settings") is not None),
                   key=lambda r: parse_time(r["create_time"]))
    changes = []
    for before, after in zip(dated, dated[1:], strict=False):
        created = parse_time(after["create_time"])
        if not earliest <= created <= latest:
            continue
        for change in diff_settings(before["settings"], after["settings"]):
            if change["setting"] in IGNORED or not change.get("raw_ref"):
                continue
            changes.append({**change, "revision": after.get("short_name") or after.get("name"),
                            "previous": before.get("short_name") or before.get("name"),
                            "created": after["create_time"], "ready": after.get("ready")})
    return changes


def _direction(setting: str, before: Any, after: Any) -> str | None:
    old, new = setting_number(setting, before), setting_number(setting, after)
    if isinstance(before, bool) and isinstance(after, bool):
        return "on" if after else "off"
    if old is None or new is None or old == new:
        return None
    return "up" if new > old else "down"


def change_items(changes: list[dict[str, Any]], onset: str | None, service: str | None) -> list[dict[str, Any]]:
    """One `setting_change` item per changed setting, timed by its revision's creation."""
    items = []
    onset_dt = parse_time(onset) if onset else None
    for index, change in enumerate(changes):
        minutes = None
        if onset_dt:
            minutes = round((onset_dt - parse_time(change["created"])).total_seconds() / 60, 1)
        added, removed = change.get("added") or [], change.get("removed") or []
        values = {**change, "before_text": "unset" if change["before"] is None else value_text(change["before"]),
                  "after_text": "unset" if change["after"] is None else value_text(change["after"])}
        values["removed_text"] = value_text(removed) if removed else "nothing"
        values["added_text"] = value_text(added) if added else "nothing"
        items.append(make_item(
            f"change:{change['revision']}:{change['setting']}:{index}", "setting_change", "cloud_run_revision",
            change["raw_ref"], change["created"], static=False,
            attrs={"setting": change["setting"], "before": change["before"], "after": change["after"],
                   "direction": _direction(change["setting"], change["before"], change["after"]),
                   "added_count": len(added), "removed_count": len(removed), "revision": change["revision"],
                   "previous": change["previous"], "failed": change.get("ready") is False,
                   "minutes_before_onset": minutes},
            confidence="high", strength=0.8,
            signal=render_signal(["setting_change.list" if (added or removed) else "setting_change"], values),
            service=service, revisions=[change["revision"]],
        ))
    return items
