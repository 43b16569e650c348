"""Reading a report's Markdown syntax tree: fields, numbered items and lists, failing with the line.

Split out of tools/report/parse.py so the section parsers
(tools/report/sections.py) say what a section holds and leave to this
module how a `Name: value` item, a numbered list or a table row is found in
markdown-it's tree, and how a problem names the line it is on.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from tools.errors import InputError

# what markdown-it trims from a table line (CommonMark's whitespace plus U+2000-U+200A, U+2028, U+2029)
_MD_TRIM = "\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029"


class MarkdownReader:
    """Tree-reading steps shared by every section; `source` names the file in errors."""

    def __init__(self, source: str) -> None:
        self.source = source

    # -- helpers -------------------------------------------------------------------------------------------------

    def fail(self, node: SyntaxTreeNode | int | None, message: str) -> InputError:
        line = node if isinstance(node, int) or node is None else line_of(node)
        where = f"{self.source}:{line}" if line else self.source
        return InputError(f"{where}: {message}")

    def inline_of(self, node: SyntaxTreeNode, what: str) -> SyntaxTreeNode:
        """The inline content of a paragraph or heading (or of a list item's first paragraph)."""
        if node.type == "list_item":
            if not node.children or node.children[0].type != "paragraph":
                raise self.fail(node, f"{what} is empty")
            node = node.children[0]
        for child in node.children:
            if child.type == "inline":
                return child
        raise self.fail(node, f"{what} is empty")

    def field(self, node: SyntaxTreeNode, names: tuple[str, ...], what: str) -> tuple[str, str, SyntaxTreeNode]:
        """(name, raw value, inline) from a `Name: value` paragraph or list item."""
        inline = self.inline_of(node, what)
        text = inline.content
        for name in names:
            if text.startswith(f"{name}: ") or text == f"{name}:":
                value = text[len(name) + 1:].strip()
                if not value:
                    raise self.fail(node, f"{what}: '{name}' has no value")
                return name, value, inline
        expected = ", ".join(f"'{n}: ...'" for n in names)
        raise self.fail(node, f"{what}: expected one of {expected}, found {clip(text)!r}")

    def fields(self, bullet_list: SyntaxTreeNode | None, required: tuple[str, ...], optional: tuple[str, ...],
               owner: SyntaxTreeNode, what: str) -> dict[str, str]:
        """The `- Name: value` sub-items of a numbered item, each exactly once."""
        found: dict[str, str] = {}
        items = bullet_list.children if bullet_list is not None else []
        for item in items:
            name, value, _ = self.field(item, required + optional, what)
            if name in found:
                raise self.fail(item, f"{what}: '{name}' appears twice")
            found[name] = value
            if len(item.children) > 1:
                raise self.fail(item.children[1], f"{what}: unexpected content nested under '{name}'")
        missing = [name for name in required if name not in found]
        if missing:
            raise self.fail(owner, f"{what}: missing '{missing[0]}: ...'")
        return found

    def numbered_items(self, nodes: list[SyntaxTreeNode], what: str) -> list[tuple[int, SyntaxTreeNode, SyntaxTreeNode,
                                                                                    SyntaxTreeNode | None]]:
        """(number, item, title paragraph, field list) for each item of the section's one ordered list."""
        lists = self.only_lists(nodes, "ordered_list", what)
        result = []
        for item in (child for lst in lists for child in lst.children):
            number = int(item.info) if item.info.isdigit() else 0
            children = list(item.children)
            if not children or children[0].type != "paragraph":
                raise self.fail(item, f"{what} item {number} has no title line")
            field_list = None
            for child in children[1:]:
                if child.type != "bullet_list" or field_list is not None:
                    raise self.fail(child, f"{what} item {number}: expected '- Name: value' lines under the title")
                field_list = child
            result.append((number, item, children[0], field_list))
        return result

    def only_lists(self, nodes: list[SyntaxTreeNode], kind: str, what: str) -> list[SyntaxTreeNode]:
        shape = "a numbered list" if kind == "ordered_list" else "a '- ' list"
        for node in nodes:
            if node.type != kind:
                raise self.fail(node, f"{what}: expected {shape}, found {describe(node)}")
        return nodes


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GFM tables: the dialect the renderer writes and any viewer shows."""
    return MarkdownIt("commonmark").enable("table")


def line_of(node: SyntaxTreeNode) -> int:
    """1-based first line of a block node (its nearest ancestor's when it has no map)."""
    while node is not None:
        if node.map:
            return node.map[0] + 1
        node = node.parent
    return 0


def split_lines(inline: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
    """An inline's children per source line, so each header line keeps its own code spans."""
    lines: list[list[SyntaxTreeNode]] = [[]]
    for child in inline.children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def inline_source(node: SyntaxTreeNode) -> str:
    """Markdown source of an inline token, enough for the header's text and code spans."""
    if node.type == "code_inline":
        return f"{node.markup}{node.content}{node.markup}"
    if node.type == "text":
        return node.content
    return "".join(inline_source(c) for c in node.children) if node.children else node.content


def count_cells(line: str) -> int:
    """Cells written on a table row's line, split exactly as markdown-it splits them.

    markdown-it pads short rows and drops extra cells silently; a report row
    that lost a cell must fail instead of shifting its values into the wrong
    columns. A pipe right after any backslash is escaped (markdown-it does not
    pair backslashes here), and an empty first or last piece is the edge pipe.
    """
    cells, current, escaped = [], [], False
    for char in line.strip(_MD_TRIM):
        if char == "|" and not escaped:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        escaped = char == "\\"
    cells.append("".join(current))
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return len(cells)


def describe(node: SyntaxTreeNode) -> str:
    """A node type as an error message says it ('a numbered list', not 'ordered_list')."""
    return {"paragraph": "a paragraph", "ordered_list": "a numbered list", "bullet_list": "a '- ' list",
            "table": "a table", "heading": "a heading", "fence": "a code block"}.get(node.type, node.type)


def clip(text: str, limit: int = 50) -> str:
    """Text quoted in an error message, one line and short."""
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
