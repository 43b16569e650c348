"""What a rollout changed: each setting that differs between a revision and the one before it.

A deploy row says *that* something shipped; the revision diff says *what*:
memory halved, a secret reference dropped, the port or the execution
environment switched. Each changed setting of a revision created for the
window becomes a `setting_change` item cited at the new revision's field, so a
rule can say "the memory kills began after the limit went from 1Gi to 512Mi".
The diff itself is read on the sources side (tools/sources/run/history.py); this module
turns it into evidence.
"""

from __future__ import annotations

from typing import Any

from tools.analysis.evidence.items import make_item, render_signal, setting_number, value_text
from tools.timewindow import parse_time


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
