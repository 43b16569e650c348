"""The sections of a Markdown report, each parsed into its part of the report dict.

Split out of tools/report/parse.py: one method per section of the sample
layout (header, incident summary, evidence table, root cause candidates, fix
plan, prevention plan, data gaps), on top of the tree-reading steps of
tools/report/markdown.py. Field values are kept as their Markdown inline
source, which is what makes render(parse(md)) give back the same bytes.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from tools.report.markdown import (
    MarkdownReader,
    clip,
    count_cells,
    describe,
    inline_source,
    line_of,
    markdown_parser,
    split_lines,
)
from tools.report.render import (
    BLOCK_STARTERS,
    EMPTY_LIST,
    EVIDENCE_COLUMNS,
    FIX_IMMEDIATE,
    FIX_PERMANENT,
    NONE,
    SECTION_CANDIDATES,
    SECTION_EVIDENCE,
    SECTION_FIX,
    SECTION_GAPS,
    SECTION_PREVENTION,
    SECTION_SUMMARY,
    TARGET_KEYS,
    UNKNOWN,
    needs_escape,
)

_CANDIDATE_REF = re.compile(r"^Candidate (\d+)$")
_WINDOW = re.compile(r"^(\S+) to (\S+)(?: \((.*)\))?$")
_STATUS = re.compile(r"^(\S+)(?: \((.*)\))?$")
_ESCAPED_NUMBER = re.compile(r"^(\d+)\\([.)])")


def unescape_block_start(text: str) -> str:
    """Undo report_render.escape_block_start: drop the backslash only where the renderer would have added it."""
    if _ESCAPED_NUMBER.match(text):
        original = _ESCAPED_NUMBER.sub(r"\1\2", text, count=1)
    elif len(text) > 1 and text[0] == "\\" and text[1] in BLOCK_STARTERS:
        original = text[1:]
    else:
        return text
    return original if needs_escape(original) else text


class ReportSections(MarkdownReader):
    """Section parsers: each reads its nodes and writes its key of the report dict."""

    def header(self, nodes: list[SyntaxTreeNode], report: dict[str, Any], source: list[str] | None = None) -> None:
        if not nodes or nodes[0].type != "heading" or nodes[0].tag != "h1":
            raise self.fail(nodes[0] if nodes else 1, "expected the report title as a '# ' heading first")
        title = self.inline_of(nodes[0], "title").content
        report["title"] = title[:-2] + "#" if title.endswith("\\#") else title
        if len(nodes) != 2 or nodes[1].type != "paragraph":
            raise self.fail(nodes[1] if len(nodes) > 1 else nodes[0],
                            "expected the 'Generated at:', 'Input profile:', 'Related task:' lines after the title")
        paragraph = nodes[1]
        names = ("Generated at", "Input profile", "Related task")
        first = line_of(paragraph)
        if source and paragraph.map:
            # the lines as written: a back-quote or emphasis left open on one line must not join it to the next
            raws = [line.strip() for line in source[paragraph.map[0]:paragraph.map[1]]]
        else:
            raws = ["".join(inline_source(c) for c in children)
                    for children in split_lines(self.inline_of(paragraph, "header"))]
        if len(raws) != len(names):
            raise self.fail(paragraph, f"header has {len(raws)} lines, expected {len(names)}: {', '.join(names)}")
        for offset, (name, raw) in enumerate(zip(names, raws, strict=True)):
            if not raw.startswith(f"{name}: "):
                raise self.fail(first + offset, f"expected '{name}: ...', found {clip(raw)!r}")
            value = raw[len(name) + 2:].strip()
            if name == "Generated at":
                report["generated_at"] = value
            else:
                key = "profile" if name == "Input profile" else "related_task"
                children = markdown_parser().parseInline(value)[0].children or []
                text = children[0].content if len(children) == 1 and children[0].type == "code_inline" else value
                report[key] = None if text == NONE else text

    def summary(self, heading: SyntaxTreeNode, nodes: list[SyntaxTreeNode], report: dict[str, Any]) -> None:
        what = SECTION_SUMMARY
        items = [item for lst in self.only_lists(nodes, "bullet_list", what) for item in lst.children]
        names = ("Target", "Time window", "User-visible impact", "Current status")
        found: dict[str, tuple[str, SyntaxTreeNode, SyntaxTreeNode]] = {}
        for item in items:
            name, value, inline = self.field(item, names, what)
            if name in found:
                raise self.fail(item, f"{what}: '{name}' appears twice")
            found[name] = (value, inline, item)
        for name in names:
            if name not in found:
                raise self.fail(heading, f"{what}: missing '- {name}: ...'")
        summary: dict[str, Any] = {"target": self.target(*found["Target"][1:])}
        value, _, item = found["Time window"]
        match = _WINDOW.match(value)
        if not match:
            raise self.fail(item, f"time window {clip(value)!r} is not '<start> to <end>' with an optional (note)")
        summary["window"] = {"start": match.group(1), "end": match.group(2)}
        if match.group(3) is not None:
            summary["window"]["note"] = match.group(3)
        summary["user_visible_impact"] = found["User-visible impact"][0]
        value, _, item = found["Current status"]
        match = _STATUS.match(value)
        if not match:
            raise self.fail(item, f"current status {clip(value)!r} is not one word with an optional (note)")
        summary["current_status"] = match.group(1)
        if match.group(2) is not None:
            summary["current_status_note"] = match.group(2)
        report["incident_summary"] = summary

    def target(self, inline: SyntaxTreeNode, item: SyntaxTreeNode) -> dict[str, Any]:
        target: dict[str, Any] = {}
        for span in (c for c in inline.children if c.type == "code_inline"):
            key, sep, value = span.content.partition("=")
            if not sep or key not in TARGET_KEYS:
                raise self.fail(item, f"target part {span.content!r} is not key=value with a key from "
                                      f"{', '.join(TARGET_KEYS)}")
            if key in target:
                raise self.fail(item, f"target names {key} twice")
            target[key] = None if value in (UNKNOWN, "") else value
        missing = [key for key in TARGET_KEYS if key not in target]
        if missing:
            raise self.fail(item, f"target is missing `{missing[0]}=...`")
        return {key: target[key] for key in TARGET_KEYS}

    def evidence(self, heading: SyntaxTreeNode, nodes: list[SyntaxTreeNode], lines: list[str],
                 report: dict[str, Any]) -> None:
        tables = [n for n in nodes if n.type == "table"]
        for node in nodes:
            if node.type != "table":
                raise self.fail(node, f"{SECTION_EVIDENCE}: expected only the table, found {describe(node)}")
        if len(tables) != 1:
            raise self.fail(heading if not tables else tables[1], f"{SECTION_EVIDENCE}: expected exactly one table")
        table = tables[0]
        header_row = table.children[0].children[0]
        names = [self.cell_inline(cell).content for cell in header_row.children]
        if len(names) != len(EVIDENCE_COLUMNS):
            columns = "column" if len(names) == 1 else "columns"
            raise self.fail(header_row, f"evidence table has {len(names)} {columns}, expected {len(EVIDENCE_COLUMNS)}")
        for index, (name, expected) in enumerate(zip(names, EVIDENCE_COLUMNS, strict=True), start=1):
            if name != expected:
                raise self.fail(header_row, f"evidence table column {index} is {name!r}, expected {expected!r}")
        rows = []
        body = table.children[1].children if len(table.children) > 1 else []
        for tr in body:
            written = count_cells(lines[line_of(tr) - 1])
            if written != len(EVIDENCE_COLUMNS):
                noun = "cell" if written == 1 else "cells"
                raise self.fail(tr, f"evidence table row has {written} {noun}, expected {len(EVIDENCE_COLUMNS)}")
            cells = [self.cell_inline(cell) for cell in tr.children]
            ref_spans = [c for c in cells[5].children if c.type == "code_inline"]
            raw_ref = ref_spans[0].content if len(cells[5].children) == 1 and ref_spans else cells[5].content
            rows.append({
                "id": cells[0].content,
                "timestamp": cells[1].content,
                "source": cells[2].content,
                "signal": cells[3].content,
                "confidence": cells[4].content,
                "raw_ref": raw_ref,
            })
        report["evidence"] = rows

    def cell_inline(self, cell: SyntaxTreeNode) -> SyntaxTreeNode:
        for child in cell.children:
            if child.type == "inline":
                return child
        raise self.fail(cell, "evidence table cell has no content")

    def candidates(self, nodes: list[SyntaxTreeNode], report: dict[str, Any]) -> None:
        what = "root cause candidate"
        candidates = []
        for number, item, title, field_list in self.numbered_items(nodes, SECTION_CANDIDATES):
            fields = self.fields(field_list, ("Confidence", "Rationale", "Supporting evidence"), ("Label",), item,
                                 f"{what} {number}")
            candidate: dict[str, Any] = {"rank": number,
                                         "title": unescape_block_start(self.inline_of(title, what).content)}
            if "Label" in fields:
                candidate["label"] = fields["Label"]
            cited = fields["Supporting evidence"]
            candidate.update({
                "confidence": fields["Confidence"],
                "rationale": fields["Rationale"],
                "supporting_evidence": [] if cited == EMPTY_LIST else [p.strip() for p in cited.split(",")],
            })
            candidates.append(candidate)
        report["root_cause_candidates"] = candidates

    def fix_plan(self, heading: SyntaxTreeNode, nodes: list[SyntaxTreeNode], report: dict[str, Any]) -> None:
        groups: dict[str, list[SyntaxTreeNode]] = {}
        current: list[SyntaxTreeNode] | None = None
        keys = {FIX_IMMEDIATE: "immediate", FIX_PERMANENT: "permanent"}
        for node in nodes:
            if node.type == "heading" and node.tag == "h3":
                name = self.inline_of(node, "heading").content
                if name not in keys:
                    raise self.fail(node, f"{SECTION_FIX}: unexpected heading {name!r}, expected "
                                          f"'### {FIX_IMMEDIATE}' or '### {FIX_PERMANENT}'")
                if keys[name] in groups:
                    raise self.fail(node, f"{SECTION_FIX}: '### {name}' appears twice")
                current = groups.setdefault(keys[name], [])
            elif current is None:
                raise self.fail(node, f"{SECTION_FIX}: expected '### {FIX_IMMEDIATE}' first")
            else:
                current.append(node)
        plan: dict[str, list[dict[str, Any]]] = {}
        for name, key in keys.items():
            if key not in groups:
                raise self.fail(heading, f"{SECTION_FIX}: missing '### {name}'")
            fixes = []
            for number, item, title, field_list in self.numbered_items(groups[key], f"{SECTION_FIX} {key}"):
                fields = self.fields(field_list, ("Expected impact", "Risk", "Addresses"), (), item,
                                     f"{key} fix {number}")
                fixes.append({
                    "action": unescape_block_start(self.inline_of(title, "fix").content),
                    "expected_impact": fields["Expected impact"],
                    "risk": fields["Risk"],
                    "addresses": self.addresses(fields["Addresses"], field_list),
                })
            plan[key] = fixes
        report["fix_plan"] = plan

    def addresses(self, value: str, field_list: SyntaxTreeNode | None) -> list[int]:
        if value == EMPTY_LIST:
            return []
        ranks = []
        for part in (p.strip() for p in value.split(",")):
            match = _CANDIDATE_REF.match(part)
            if not match:
                line = next((line_of(i) for i in (field_list.children if field_list else [])
                             if self.inline_of(i, "field").content.startswith("Addresses:")), None)
                raise self.fail(line, f"Addresses part {part!r} is not of the form 'Candidate N'")
            ranks.append(int(match.group(1)))
        return ranks

    def prevention(self, nodes: list[SyntaxTreeNode], report: dict[str, Any]) -> None:
        items = []
        for number, item, title, field_list in self.numbered_items(nodes, SECTION_PREVENTION):
            _, metric, _ = self.field(title, ("Metric",), f"prevention item {number}")
            fields = self.fields(field_list, ("Condition", "Threshold", "Rationale"), (), item,
                                 f"prevention item {number}")
            items.append({"metric": metric, "condition": fields["Condition"], "threshold": fields["Threshold"],
                          "rationale": fields["Rationale"]})
        report["prevention_plan"] = items

    def gaps(self, nodes: list[SyntaxTreeNode], report: dict[str, Any]) -> None:
        """Groups of Missing signal / Why missing / Follow-up bullets, each group in that order."""
        what = "data gap"
        names = ("Missing signal", "Why missing", "Follow-up")
        keys = ("missing_signal", "why_missing", "follow_up")
        items = [item for lst in self.only_lists(nodes, "bullet_list", SECTION_GAPS) for item in lst.children]
        gaps: list[dict[str, str]] = []
        for index, item in enumerate(items):
            expected = names[index % len(names)]
            name, value, _ = self.field(item, names, what)
            if name != expected:
                raise self.fail(item, f"{what} {index // len(names) + 1}: expected '- {expected}: ...', "
                                      f"found '- {name}: ...'")
            if index % len(names) == 0:
                gaps.append({})
            gaps[-1][keys[names.index(name)]] = value
        if items and len(items) % len(names):
            missing = names[len(items) % len(names)]
            raise self.fail(items[-1], f"{what} {len(gaps)}: missing '- {missing}: ...'")
        report["data_gaps"] = gaps
