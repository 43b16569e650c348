"""Parse a Markdown report in the sample's layout back into the report dict.

Structure comes from markdown-it-py's syntax tree (headings, lists, list item
numbers, table cells, code spans), never from line regexes, so indentation,
loose lists and escaped pipes read the way any Markdown viewer shows them.
Field values are kept as their Markdown inline source, which is what makes
render(parse(md)) give back the same bytes. A structural problem raises one
InputError naming the line.

The tree-reading steps live in tools/report/markdown.py and the section
parsers in tools/report/sections.py; this module splits the document into
sections and hands each to its parser.
"""

from __future__ import annotations

import json
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from tools.report.markdown import markdown_parser
from tools.report.render import (
    SECTION_CANDIDATES,
    SECTION_EVIDENCE,
    SECTION_FIX,
    SECTION_GAPS,
    SECTION_PREVENTION,
    SECTION_SUMMARY,
)
from tools.report.sections import ReportSections, unescape_block_start

__all__ = ["format_report_json", "parse_markdown", "unescape_block_start"]


class _Parser(ReportSections):
    def parse(self, text: str) -> dict[str, Any]:
        tree = SyntaxTreeNode(markdown_parser().parse(text))
        lines = text.splitlines()
        report: dict[str, Any] = {}
        sections: list[tuple[SyntaxTreeNode | None, list[SyntaxTreeNode]]] = [(None, [])]
        for node in tree.children:
            if node.type == "heading" and node.tag in ("h1", "h2") and (node.tag == "h2" or sections[0][1]):
                if node.tag == "h1":
                    raise self.fail(node, "a report has one '# ' title heading")
                sections.append((node, []))
            else:
                sections[-1][1].append(node)
        self.header(sections[0][1], report, lines)
        handlers = {
            SECTION_SUMMARY: lambda h, n: self.summary(h, n, report),
            SECTION_EVIDENCE: lambda h, n: self.evidence(h, n, lines, report),
            SECTION_CANDIDATES: lambda h, n: self.candidates(n, report),
            SECTION_FIX: lambda h, n: self.fix_plan(h, n, report),
            SECTION_PREVENTION: lambda h, n: self.prevention(n, report),
            SECTION_GAPS: lambda h, n: self.gaps(n, report),
        }
        seen: set[str] = set()
        for heading, nodes in sections[1:]:
            assert heading is not None
            name = self.inline_of(heading, "heading").content
            if name not in handlers:
                raise self.fail(heading, f"unexpected section {name!r}; expected one of: {', '.join(handlers)}")
            if name in seen:
                raise self.fail(heading, f"section {name!r} appears twice")
            seen.add(name)
            handlers[name](heading, nodes)
        for name in handlers:
            if name not in seen:
                raise self.fail(None, f"no '## {name}' section")
        order = ("title", "generated_at", "profile", "related_task", "incident_summary", "evidence",
                 "root_cause_candidates", "fix_plan", "prevention_plan", "data_gaps")
        return {key: report[key] for key in order}

def parse_markdown(text: str, source: str = "report.md") -> dict[str, Any]:
    """The report dict of a Markdown report in the sample layout; InputError `source:line: problem` otherwise."""
    return _Parser(source).parse(text)


def format_report_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)
