"""The telling example entries of an instance-timeline symptom, each cited as its own evidence row.

A symptom row ("637 requests failed on starting instances") cites one entry as
its raw ref; a reader checking the claim needs the few entries that show it
best, not the whole list in a signal text. Which entries are telling is a
property of the symptom's shape, not of one incident:

- the clearest cases after the one the row already cites (failures on a
  normally fast route first, then starved or warning lines);
- `outside_request`: the latest line of the clearest class (the one closest
  to the failure the reader investigates, beside the onset the row cites);
- `rollout_cut`: per instance, the shortest request cut short: a response
  cut well inside any timeout can only be the shutdown;
- `vanished_with_work`: the line the last accepted request started (the
  work still running when the instance vanished) and the instance's last line.

Each example is an item with `example_of` its symptom, so tools/analysis/ranking.py
(`attach_examples`) cites it right after the symptom, within the candidate's
row budget (tools/report/build.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

MAX_EXAMPLES = 2  # rows added beside one symptom: with the symptom's own ref, three entries in all


def _when(entry: dict[str, Any]) -> datetime:
    return entry.get("start") or entry["at"]


def _clearest_class(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The examples of the strongest class present: failures, then starved lines, then warnings, else all."""
    entries = row["examples"]
    for test in (lambda e: e.get("status", 0) >= 500, lambda e: e.get("starved"),
                 lambda e: e.get("severity") in ("WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")):
        picked = [e for e in entries if test(e)]
        if picked:
            return picked
    return list(entries)


def _owner(ref: str, timelines: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    return next((tl for tl in timelines.values() if any(r["ref"] == ref for r in tl["requests"])), None)


def _vanished(row: dict[str, Any], timelines: dict[str, dict[str, Any]],
              slack: timedelta) -> list[tuple[dict[str, Any], str]]:
    last_accepted = max(row["examples"], key=_when)
    tl = _owner(last_accepted["ref"], timelines)
    if tl is None:
        return []
    started = next((line for line in tl["logs"] if last_accepted["start"] <= line["at"] <= last_accepted["end"] + slack
                    and line["text"].strip()), None)
    picks = [(started, "the work the last accepted request started")] if started else []
    written = [line for line in tl["logs"] if line["text"].strip()]
    if written:
        picks.append((max(written, key=lambda line: line["at"]), "the last line the instance wrote before it vanished"))
    return picks


def _cuts(row: dict[str, Any], timelines: dict[str, dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    shortest: dict[str, dict[str, Any]] = {}
    for r in row["examples"]:
        tl = _owner(r["ref"], timelines)
        key = tl["instance"] if tl else r["ref"]
        if key not in shortest or r["latency_ms"] < shortest[key]["latency_ms"]:
            shortest[key] = r
    ordered = sorted(shortest.values(), key=lambda r: r["latency_ms"])
    return [(r, f"a {r['latency_ms'] / 1000:.1f} s request cut short: too short for a timeout") for r in ordered]


def telling(row: dict[str, Any], timelines: dict[str, dict[str, Any]], slack_seconds: float,
            ordered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to MAX_EXAMPLES entries (ref, at, what) beside `ordered[0]`, the entry the symptom row cites."""
    kind = row["kind"]
    if kind == "vanished_with_work":
        picks = _vanished(row, timelines, timedelta(seconds=slack_seconds))
    elif kind == "rollout_cut":
        picks = _cuts(row, timelines)
    elif kind == "outside_request":
        clearest = _clearest_class(row)
        picks = [(max(clearest, key=_when), "the latest of the clearest lines")]
        picks += [(e, "another clear case") for e in ordered[1:]]
    elif kind == "slow_by_phase":
        return []  # its examples are already one per phase, cited in its signal
    else:
        picks = [(e, "another clear case") for e in ordered[1:]]
    out: list[dict[str, Any]] = []
    seen = {ordered[0]["ref"]} if ordered else set()
    for entry, what in picks:
        if entry["ref"] and entry["ref"] not in seen and len(out) < MAX_EXAMPLES:
            seen.add(entry["ref"])
            out.append({"ref": entry["ref"], "at": _when(entry), "what": what, "text": entry.get("text") or ""})
    return out


def example_items(parent: dict[str, Any], examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One `example` item per telling entry, `example_of` the symptom item."""
    from tools.analysis.evidence.items import make_item

    kind = parent["attrs"].get("kind", "")
    items = []
    for n, example in enumerate(examples):
        text = " ".join(str(example["text"]).split())[:160]
        signal = {"en": f"Example of {kind.replace('_', ' ')}: {example['what']}" + (f": {text}" if text else ""),
                  "ja": f"{kind} の例: {example['what']}" + (f": {text}" if text else "")}
        items.append(dict(make_item(
            f"{parent['id']}:example:{n}", "example", parent["source"], example["ref"],
            example["at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"), static=False,
            attrs={"example_of": parent["id"]}, confidence=parent["confidence"],
            strength=0.9, signal=signal, service=parent.get("service"), revisions=parent.get("revisions")),
            example_of=parent["id"]))
    return items
