"""Tool results an assistant can afford: any JSON result cut to a token budget, summary first.

A model or MCP client pays for every token a tool returns (issue 15: one
`scan-repo` answer was 521 findings, 326 KB). `shape` keeps a result whole when
it fits; otherwise it returns, in this order:

- `summary`: what the whole result held (rows in total, counts by the hinted
  fields, the estimated size) and what is shown;
- the result's main list (`rows`), ranked most relevant first by the hint and
  cut to what fits, the shown page kept in the tool's own order;
- the result's other fields, long strings and lists cut with a note;
- `rest`: the exact call that fetches the next rows (the caller builds it:
  this module knows JSON, not tools).

Tokens are estimated as UTF-8 bytes of the compact JSON / 4: about right for
English and JSON, and on the safe side for Japanese (3 bytes a character).
Hints come from skill.yaml (`result_budget`), never from branches here: `rows`
(dotted path of the main list; default the largest list), `rank_by` (fields,
`-field` for descending: true and larger first), `order` (a field's values in
rank order), `summary` (fields to count) and `narrow` (arguments that narrow the
result, named in `rest`).

A leaf: it imports no stage and changes only how much of a result leaves the process.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

ESTIMATE = "UTF-8 bytes of the compact JSON / 4"
_NO_CUT = 10**12
# (longest string, longest list, deepest nesting) for the fields around the rows, then for each row
_TIERS = (((2000, 25, 99), (600, 12, 99)), ((600, 10, 99), (240, 6, 99)), ((200, 5, 99), (100, 3, 99)),
          ((80, 3, 3), (60, 2, 3)), ((60, 2, 1), (40, 2, 2)))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def estimate_tokens(value: Any) -> int:
    """Approximate model tokens of a JSON value (see ESTIMATE)."""
    return math.ceil(len(_dumps(value).encode("utf-8")) / 4)


def _find_rows(result: Any, path: str | None) -> tuple[list[str], list[Any] | None]:
    """The main list: the hinted dotted path, else the largest list at the top level."""
    if isinstance(result, list):
        return [], result
    if not isinstance(result, dict):
        return [], None
    if path:
        node: Any = result
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        return (path.split("."), node) if isinstance(node, list) else ([], None)
    lists = [(len(_dumps(v)), k) for k, v in result.items() if isinstance(v, list) and v]
    if not lists:
        return [], None
    key = max(lists)[1]
    return [key], result[key]


def _sort_key(value: Any, order: list[Any] | None, descending: bool) -> tuple[Any, ...]:
    if order is not None:
        rank = order.index(value) if value in order else len(order)
        return (0, 0, -rank if descending else rank)
    missing = value is None
    if isinstance(value, bool):
        value = int(value)
    kind = 0 if isinstance(value, int | float) else 1
    value = value if kind == 0 else str(value)
    # None goes last whichever the direction
    return ((0 if missing else 1) if descending else (1 if missing else 0), kind, value)


def rank_rows(rows: list[Any], hint: dict[str, Any]) -> list[int]:
    """Indexes of `rows`, most relevant first by `rank_by` (a stable sort: ties keep the tool's order)."""
    indexes = list(range(len(rows)))
    orders = hint.get("order") or {}
    for spec in reversed(list(hint.get("rank_by") or [])):
        field = str(spec).lstrip("-")
        descending = str(spec).startswith("-")

        def key(i: int, field: str = field, descending: bool = descending) -> tuple[Any, ...]:
            row = rows[i]
            value = row.get(field) if isinstance(row, dict) else None
            return _sort_key(value, orders.get(field), descending)

        indexes.sort(key=key, reverse=descending)
    return indexes


class _Cuts:
    """Shrinks a JSON value to (longest string, longest list), noting each cut's path."""

    def __init__(self, max_str: int, max_list: int, max_depth: int = 99):
        self.max_str, self.max_list, self.max_depth = max_str, max_list, max_depth
        self.notes: list[dict[str, Any]] = []

    def __call__(self, value: Any, where: str, depth: int = 0) -> Any:
        if isinstance(value, str) and len(value) > self.max_str:
            self.notes.append({"path": where, "kind": "string", "shown": self.max_str, "total": len(value)})
            return value[: self.max_str] + f"… [{len(value) - self.max_str} more chars]"
        if isinstance(value, list | dict) and value and depth >= self.max_depth:
            self.notes.append({"path": where, "kind": "nested", "shown": 0, "total": len(value)})
            return f"<{'list' if isinstance(value, list) else 'object'} of {len(value)}: cut>"
        if isinstance(value, list):
            if len(value) > self.max_list:
                self.notes.append({"path": where, "kind": "list", "shown": self.max_list, "total": len(value)})
            return [self(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value[: self.max_list])]
        if isinstance(value, dict):
            return {k: self(v, f"{where}.{k}" if where else str(k), depth + 1) for k, v in value.items()}
        return value


def _counts(rows: list[Any], fields: list[str] | None) -> dict[str, dict[str, int]]:
    """Rows counted by the hinted fields, or by up to four low-cardinality scalar fields."""
    dicts = [r for r in rows if isinstance(r, dict)]
    if fields is None:
        fields = []
        for field in dict.fromkeys(k for r in dicts[:200] for k in r):
            values = {str(r.get(field)) for r in dicts if isinstance(r.get(field), str | bool | int)}
            if 1 < len(values) <= 10 and not field.endswith(("id", "_ref", "timestamp", "time")):
                fields.append(field)
            if len(fields) == 4:
                break
    out = {}
    for field in fields:
        counted = Counter(str(r.get(field)) for r in dicts if field in r)
        if counted:
            out[field] = dict(counted.most_common(12))
    return out


def _set_path(result: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A shallow copy of `result` with the list at `path` replaced (parents copied, nothing shared is changed)."""
    if len(path) == 1:
        return {**result, path[0]: value}
    parent = result.get(path[0])  # a parent cut to a marker by a tight tier keeps only the path to the rows
    return {**result, path[0]: _set_path(dict(parent) if isinstance(parent, dict) else {}, path[1:], value)}


def shape(result: Any, budget_tokens: int | None, hint: dict[str, Any] | None = None, offset: int | None = None,
          rest_call: Callable[[int], dict[str, Any]] | None = None) -> Any:
    """`result` itself when it fits and no offset is asked; else the summary-first shape described above.

    `offset` skips that many rows of the ranked main list (the follow-up `rest` names it);
    `rest_call(next_offset)` gives the call that fetches the rows after the shown page.
    """
    hint = hint or {}
    budget = budget_tokens if budget_tokens and budget_tokens > 0 else None
    full = estimate_tokens(result)
    if offset is None and (budget is None or full <= budget):
        return result
    path, rows = _find_rows(result, hint.get("rows"))
    start = max(0, int(offset or 0))
    if rows is None:
        return _shape_without_rows(result, budget, full)
    order = rank_rows(rows, hint)
    remaining = order[start:]
    doc = result if isinstance(result, dict) else {}
    summary: dict[str, Any] = {
        "rows": ".".join(path) or "result", "total": len(rows), "offset": start, "shown": 0,
        "estimated_tokens": full, "budget_tokens": budget, "estimate": ESTIMATE,
        "ranked_by": list(hint.get("rank_by") or []) or "the tool's own order",
        "counts": _counts(rows, hint.get("summary")),
    }
    tiers = _TIERS if budget is not None else (((_NO_CUT, _NO_CUT, _NO_CUT), (_NO_CUT, _NO_CUT, _NO_CUT)),)
    for outer_limits, row_limits in tiers:
        outer = _Cuts(*outer_limits)
        row_cut = _Cuts(*row_limits)
        page = [row_cut(rows[i], f"{summary['rows']}[{i}]") for i in remaining]
        sizes = [len(_dumps(r).encode("utf-8")) + 1 for r in page]
        skeleton = outer(_set_path(doc, path, []) if path else {}, "")
        base = _assemble(summary, path, [], skeleton, _rest(rest_call, start, len(rows), hint), outer.notes)
        room = (budget * 4 if budget else math.inf) - len(_dumps(base).encode("utf-8")) - 64
        count = 0
        while count < len(page) and room - sizes[count] >= 0:
            room -= sizes[count]
            count += 1
        if count or not page or outer_limits == tiers[-1][0]:
            break
    count = max(count, 1) if page else 0  # always one row, or the `rest` call would name this same page again
    while True:
        shown = sorted(remaining[:count])  # the page in the tool's own order (ranking chose which rows)
        final = _Cuts(*row_limits)
        page = [final(rows[i], f"{summary['rows']}[{i}]") for i in shown]
        doc = _assemble({**summary, "shown": count}, path, page, skeleton,
                        _rest(rest_call, start + count, len(rows), hint), outer.notes + final.notes)
        if budget is None or estimate_tokens(doc) <= budget:
            return doc
        if count <= 1:  # one row and the fields around it do not fit: say so rather than loop
            doc["summary"]["over_budget"] = True
            return doc
        count = max(1, min(count - 1, int(count * 0.9)))  # the cut notes took the room: fewer rows


def _rest(rest_call: Callable[[int], dict[str, Any]] | None, next_offset: int, total: int,
          hint: dict[str, Any]) -> dict[str, Any] | None:
    if next_offset >= total:
        return None
    rest: dict[str, Any] = {"remaining": total - next_offset}
    if rest_call is not None:
        rest.update(rest_call(next_offset))
    if hint.get("narrow"):
        rest["or_narrow_with"] = list(hint["narrow"])
    return rest


def _assemble(summary: dict[str, Any], path: list[str], page: list[Any], skeleton: dict[str, Any],
              rest: dict[str, Any] | None, cuts: list[dict[str, Any]]) -> dict[str, Any]:
    """summary, the rows, the other fields, then `rest` (the call for the next rows) and the cuts."""
    if len(cuts) > 8:
        cuts = [*cuts[:8], {"path": "…", "kind": "more cuts", "shown": 0, "total": len(cuts) - 8}]
    out: dict[str, Any] = {"summary": {**summary, "cut": cuts} if cuts else summary}
    if len(path) == 1:
        out[path[0]] = page
        out.update((k, v) for k, v in skeleton.items() if k != path[0] and k not in ("summary", "rest"))
    elif path:
        out.update((k, v) for k, v in _set_path(skeleton, path, page).items() if k not in ("summary", "rest"))
    else:
        out["rows"] = page
    out["rest"] = rest
    return out


def _shape_without_rows(result: Any, budget: int | None, full: int) -> Any:
    """A result with no list to page (one long text, a deep object): strings and lists cut until it fits."""
    shaped: Any = result
    notes: list[dict[str, Any]] = []
    for limits, _ in _TIERS:
        cuts = _Cuts(*limits)
        shaped = cuts(result, "")
        notes = cuts.notes
        if budget is None or estimate_tokens(shaped) <= budget - 150:
            break
    summary = {"estimated_tokens": full, "budget_tokens": budget, "estimate": ESTIMATE, "cut": notes[:8],
               "rest": "strings and lists were cut; narrow the call, or run its command without --budget "
                       "for the whole result"}
    return {"summary": summary, **shaped} if isinstance(shaped, dict) else {"summary": summary, "result": shaped}
