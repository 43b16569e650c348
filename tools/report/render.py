"""Render a report dict as Markdown in the exact layout of the sitebookify sample run.

The layout is the contract readers already know (the user's own sample), so
headings, field labels, table columns, list nesting and back-quoted refs are
fixed here and nowhere else; tools/report/parse.py reads exactly this layout
back. Prose fields are Markdown inline text and are written as they are,
after `neutral_report`: text from logs, cards and repositories must not
bring raw HTML, images, live links, control or bidi characters into the
report, nor break its layout (see tools/safety/markdown.py).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from markdown_it import MarkdownIt

from tools.safety.markdown import inline_markdown, one_line

UNKNOWN = "<unknown>"
NONE = "<none>"
EMPTY_LIST = "(none)"

SECTION_SUMMARY = "Incident Summary"
SECTION_EVIDENCE = "Evidence Table"
SECTION_CANDIDATES = "Root Cause Candidates"
SECTION_FIX = "Fix Plan"
SECTION_PREVENTION = "Prevention Plan"
SECTION_GAPS = "Data Gaps and Follow-Ups"
FIX_IMMEDIATE = "Immediate (Short-Term)"
FIX_PERMANENT = "Permanent (Long-Term)"

EVIDENCE_COLUMNS = ("Evidence ID", "Timestamp (UTC)", "Source", "Signal", "Confidence", "Raw Ref")
TARGET_KEYS = ("project_id", "region", "target_type", "target_name")


def code(value: str) -> str:
    """Back-quote a value; a value holding back-quotes gets a longer fence so it stays one code span."""
    if "`" not in value:
        return f"`{value}`"
    longest = max(len(run) for run in re.findall(r"`+", value))
    fence = "`" * (longest + 1)
    return f"{fence} {value} {fence}"


_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
# no `<`: neutral_report already wrote a leading `<` as `\\<`, and a second backslash would free it
BLOCK_STARTERS = "\\-+*#>`~_=["


@cache
def _commonmark() -> MarkdownIt:
    return MarkdownIt("commonmark")


def is_plain_paragraph(text: str) -> bool:
    """Whether `text` on its own line reads back as one paragraph holding exactly `text`."""
    tokens = _commonmark().parse(text)
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] and tokens[1].content == text


def needs_escape(text: str) -> bool:
    """A title opening a list item must not turn into a nested list, heading, quote, fence or HTML block."""
    return not is_plain_paragraph(text) or (text[:1] == "\\" and text[1:2] in tuple(BLOCK_STARTERS))


def escape_block_start(text: str) -> str:
    """Backslash-escape the first character of a title only when Markdown would otherwise misread it."""
    if not text or not needs_escape(text):
        return text
    if _LIST_NUMBER.match(text):
        return _LIST_NUMBER.sub(r"\1\\\2", text, count=1)
    return "\\" + text


def _heading(text: str) -> str:
    """A trailing ` #` would be read as the heading's closing sequence and dropped."""
    return text[:-1] + "\\#" if text.endswith("#") else text


def _cell(value: Any) -> str:
    """A table cell: every pipe escaped, so it does not split the row.

    GFM (and markdown-it) take a pipe after any backslash as escaped and drop
    that one backslash, so `\\|` escapes a pipe that follows a backslash too and
    the cell reads back exactly as `value` (neutral_report made it one line).
    """
    return str(value).replace("|", "\\|")


def _with_note(value: str, note: str | None) -> str:
    return f"{value} ({note})" if note else value


def _numbered(number: int, title: str, fields: list[tuple[str, str]]) -> list[str]:
    indent = " " * len(f"{number}. ")
    return [f"{number}. {escape_block_start(title)}"] + [f"{indent}- {name}: {value}" for name, value in fields]


def _ranks(ranks: list[int]) -> str:
    return ", ".join(f"Candidate {rank}" for rank in ranks) or EMPTY_LIST


def _header(report: dict[str, Any]) -> list[str]:
    profile, task = report.get("profile"), report.get("related_task")
    return [
        f"# {_heading(report['title'])}",
        "",
        f"Generated at: {report['generated_at']}",
        f"Input profile: {code(profile if profile is not None else NONE)}",
        f"Related task: {code(task if task is not None else NONE)}",
    ]


def _summary(summary: dict[str, Any]) -> list[str]:
    target = summary["target"]
    parts = ", ".join(
        code(f"{key}={target.get(key) if target.get(key) is not None else UNKNOWN}") for key in TARGET_KEYS
    )
    window = summary["window"]
    span = f"{window['start']} to {window['end']}"
    return [
        f"## {SECTION_SUMMARY}",
        "",
        f"- Target: {parts}",
        f"- Time window: {_with_note(span, window.get('note'))}",
        f"- User-visible impact: {summary['user_visible_impact']}",
        f"- Current status: {_with_note(summary['current_status'], summary.get('current_status_note'))}",
    ]


def _evidence(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"## {SECTION_EVIDENCE}",
        "",
        "| " + " | ".join(EVIDENCE_COLUMNS) + " |",
        "|" + "---|" * len(EVIDENCE_COLUMNS),
    ]
    for row in rows:
        cells = [row["id"], row["timestamp"], row["source"], row["signal"], row["confidence"], code(row["raw_ref"])]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _candidates(candidates: list[dict[str, Any]]) -> list[str]:
    lines = [f"## {SECTION_CANDIDATES}", ""]
    for candidate in candidates:
        fields = [("Label", candidate["label"])] if candidate.get("label") else []
        fields += [
            ("Confidence", candidate["confidence"]),
            ("Rationale", candidate["rationale"]),
            ("Supporting evidence", ", ".join(candidate["supporting_evidence"]) or EMPTY_LIST),
        ]
        lines += _numbered(candidate["rank"], candidate["title"], fields)
    return _trim(lines)


def _fixes(fix_plan: dict[str, Any]) -> list[str]:
    lines = [f"## {SECTION_FIX}", ""]
    for heading, key in ((FIX_IMMEDIATE, "immediate"), (FIX_PERMANENT, "permanent")):
        lines += [f"### {heading}", ""]
        for number, fix in enumerate(fix_plan[key], start=1):
            lines += _numbered(number, fix["action"], [
                ("Expected impact", fix["expected_impact"]),
                ("Risk", fix["risk"]),
                ("Addresses", _ranks(fix["addresses"])),
            ])
        lines.append("")
    return _trim(lines)


def _prevention(items: list[dict[str, Any]]) -> list[str]:
    lines = [f"## {SECTION_PREVENTION}", ""]
    for number, item in enumerate(items, start=1):
        lines += _numbered(number, f"Metric: {item['metric']}", [
            ("Condition", item["condition"]),
            ("Threshold", item["threshold"]),
            ("Rationale", item["rationale"]),
        ])
    return _trim(lines)


def _gaps(gaps: list[dict[str, Any]]) -> list[str]:
    """One gap is the sample's three bullets; several are such groups separated by a blank line."""
    lines = [f"## {SECTION_GAPS}", ""]
    for gap in gaps:
        lines += [
            f"- Missing signal: {gap['missing_signal']}",
            f"- Why missing: {gap['why_missing']}",
            f"- Follow-up: {gap['follow_up']}",
            "",
        ]
    return _trim(lines)


def _trim(lines: list[str]) -> list[str]:
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown; expects a report that passes the schema (see report_validate).

    The report is neutralised first (a no-op on one that already is), so
    whatever JSON is rendered, the Markdown has no live HTML, link or image.
    """
    report = neutral_report(report)
    blocks = [
        _header(report),
        _summary(report["incident_summary"]),
        _evidence(report["evidence"]),
        _candidates(report["root_cause_candidates"]),
        _fixes(report["fix_plan"]),
        _prevention(report["prevention_plan"]),
        _gaps(report["data_gaps"]),
    ]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def format_render(result: dict[str, Any]) -> str:
    """The Markdown itself, or where it was written when --out was given."""
    if result.get("written"):
        return f"wrote {result['written']}"
    return result["markdown"]


# -- neutralising untrusted text ---------------------------------------------------------------------------------

def _prose(value: Any) -> str:
    """A prose field: Markdown inline text on one line without HTML, links, images; never empty."""
    return inline_markdown(str(value)) or EMPTY_LIST


def _token(value: Any) -> str:
    """A field the layout reads as one word (window bounds, status, evidence ids)."""
    return "_".join(_prose(value).split())


def _literal(value: Any, sentinel: str) -> str | None:
    """A back-quoted field: one line; empty or the placeholder itself means unknown (None)."""
    if value is None:
        return None
    text = one_line(str(value))
    return None if text in ("", sentinel) else text


def neutral_report(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of `report` whose text renders to inert Markdown that parses back to the same copy.

    Prose fields go through inline_markdown (tools/safety/markdown.py),
    back-quoted fields (profile, related task, target, raw refs) are made one
    line, and the few one-word fields lose their spaces. Idempotent, so it is
    applied where a report is built, written and rendered alike. Keys it does
    not know (language, extras) are kept as they are.
    """
    out = dict(report)
    for key in ("title", "generated_at"):
        if key in out:
            out[key] = _prose(out[key])
    for key in ("profile", "related_task"):
        if key in out:
            out[key] = _literal(out[key], NONE)
    summary = out.get("incident_summary")
    if isinstance(summary, dict):
        summary = out["incident_summary"] = dict(summary)
        if isinstance(summary.get("target"), dict):
            summary["target"] = {k: _literal(v, UNKNOWN) if k in TARGET_KEYS else v
                                 for k, v in summary["target"].items()}
        if isinstance(summary.get("window"), dict):
            window = summary["window"] = dict(summary["window"])
            for key in ("start", "end"):
                if key in window:
                    window[key] = _token(window[key])
            _note(window, "note")
        _apply(summary, ("user_visible_impact",), _prose)
        _apply(summary, ("current_status",), _token)
        _note(summary, "current_status_note")
    out["evidence"] = [_row(row) for row in out.get("evidence") or []]
    out["root_cause_candidates"] = [_candidate(c) for c in out.get("root_cause_candidates") or []]
    plan = out.get("fix_plan")
    if isinstance(plan, dict):
        out["fix_plan"] = {k: [_apply(dict(f), ("action", "expected_impact", "risk"), _prose) for f in v]
                           if isinstance(v, list) else v for k, v in plan.items()}
    out["prevention_plan"] = [_apply(dict(p), ("metric", "condition", "threshold", "rationale"), _prose)
                              for p in out.get("prevention_plan") or []]
    out["data_gaps"] = [_apply(dict(g), ("missing_signal", "why_missing", "follow_up"), _prose)
                        for g in out.get("data_gaps") or []]
    return out


def _note(item: dict[str, Any], key: str) -> None:
    """A note in parentheses: rendered only when it has text, so an empty one is no note."""
    if key in item:
        note = inline_markdown(str(item[key])) if item[key] is not None else ""
        if note:
            item[key] = note
        else:
            del item[key]


def _apply(item: dict[str, Any], keys: tuple[str, ...], how: Any) -> dict[str, Any]:
    for key in keys:
        if key in item and isinstance(item[key], str | int | float):
            item[key] = how(item[key])
    return item


def _row(row: dict[str, Any]) -> dict[str, Any]:
    row = _apply(dict(row), ("id", "timestamp", "source", "signal", "confidence"), _prose)
    if "raw_ref" in row:
        row["raw_ref"] = _literal(row["raw_ref"], "") or EMPTY_LIST
    return row


def _candidate(candidate: dict[str, Any]) -> dict[str, Any]:
    candidate = _apply(dict(candidate), ("title", "confidence", "rationale"), _prose)
    if "label" in candidate:
        label = inline_markdown(str(candidate["label"] or ""))
        if label:
            candidate["label"] = label
        else:
            del candidate["label"]
    cited = candidate.get("supporting_evidence")
    if isinstance(cited, list):
        ids = (_token(item).replace(",", "_") for item in cited)
        candidate["supporting_evidence"] = [item for item in ids if item != EMPTY_LIST]
    return candidate
