"""Tree-sitter views of a source file: enclosing function, comment/string
context and the file's functions (registrations read them in
tools/scan/code/registrations.py; large files are parsed by chunks, tools/scan/code/chunks.py).

A ripgrep hit says *that* `tokio::spawn(` appears on a line; an incident
report must say *whose* code it is and whether a request reaches it. This
module answers those two questions for one file at a time, using only the
node types the catalog (code_patterns.yaml `languages:`) names, so adding a
language is a YAML edit plus a grammar wheel.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query, QueryCursor, Tree

from tools.scan.code.chunks import Chunks
from tools.scan.code.patterns import Catalog, Language, load_catalog


@dataclass(frozen=True)
class Function:
    """A named function (or a named/handler anonymous one) with its 1-based line span."""

    name: str  # bare name, what callers write
    qualified: str  # Type::name / Class.name
    path: str
    start_line: int
    end_line: int
    body: bytes


@dataclass(frozen=True)
class Handler:
    """A request handler: where it is defined and where it was registered."""

    name: str
    path: str
    start_line: int
    end_line: int
    body: bytes
    registered_at: str  # path:line of the registration


@lru_cache(maxsize=16)
def _language(grammar: str) -> TSLanguage:
    """`module:function` of a grammar wheel, or `pack:NAME` from tree-sitter-language-pack.

    The pack (pinned below 1.0: later releases fetch parsers from the network on
    first use) bundles the grammars that have no maintained wheel of their own
    (Ruby, PHP, Kotlin, C#, Dart, Bash).
    """
    module_name, _, func = grammar.partition(":")
    if module_name == "pack":
        from tree_sitter_language_pack import get_language

        return get_language(func)  # type: ignore[arg-type]
    module = importlib.import_module(module_name)
    return TSLanguage(getattr(module, func)())


def _name_node(node: Node, name_nodes: tuple[str, ...], field_name: str = "name") -> Node | None:
    """The node's name: its `name` field, else (grammars without one, e.g. Kotlin) its first identifier child."""
    named = node.child_by_field_name(field_name)
    if named is not None:
        return named
    return next((c for c in node.children if c.type in name_nodes), None)


@lru_cache(maxsize=16)
def _parser(grammar: str) -> Parser:
    return Parser(_language(grammar))


@lru_cache(maxsize=16)
def _range_parser(grammar: str) -> Parser:
    """A second parser per grammar for chunk parses, whose included ranges change with every call."""
    return Parser(_language(grammar))


_CHUNK_FROM = 16 << 10  # smaller files parse whole: two small parses (chunk, then whole for a route) cost more


@lru_cache(maxsize=64)
def _query(grammar: str, node_types: tuple[str, ...]) -> Query:
    """A query capturing every node of these types: the C side finds them, not a Python tree walk."""
    language = _language(grammar)
    known = [t for t in node_types if language.id_for_node_kind(t, True)]  # grammars differ across versions
    return Query(language, "[" + " ".join(f"({t})" for t in known) + "] @n")


def nodes_of(grammar: str, node_types: tuple[str, ...], root: Node) -> list[Node]:
    if not node_types or not any(_language(grammar).id_for_node_kind(t, True) for t in node_types):
        return []
    found = QueryCursor(_query(grammar, node_types)).captures(root).get("n", [])
    return sorted(found, key=lambda n: n.start_byte)


def node_text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def _type_name(text: str) -> str:
    """`Baz<T>` / `*Server` / `pkg.Type` -> the plain type name."""
    text = re.sub(r"<.*", "", text).strip().lstrip("*&").strip()
    return text.rsplit("::", 1)[-1].rsplit(".", 1)[-1]


class SourceFile:
    """One parsed file; cheap queries by 1-based line and byte column."""

    def __init__(self, rel_path: str, lang: Language, data: bytes):
        self.path = rel_path
        self.lang = lang
        self.data = data
        self.parsable = bool(lang.grammar)
        self._tree: Tree | None = None
        self._chunks: dict[tuple[int, int], Tree] = {}
        self._plan: Chunks | None = None
        self._chunked = 0  # bytes handed to chunk parses so far
        self._functions: list[Function] | None = None
        self._named: list[tuple[str, Node]] | None = None
        self._made: dict[tuple[int, int], Function] = {}
        self._located: dict[tuple[int, int], tuple[str | None, Function | None]] = {}

    def release(self) -> None:
        """Drop the parse trees (ten times the source's size), keeping the answers already given; a later
        question parses again. The scanner calls it when rg moves on to the next file."""
        self._tree, self._chunks, self._named = None, {}, None

    @property
    def tree(self) -> Tree | None:
        """The whole file's tree, parsed on first use (registrations and the handler index need it)."""
        if self._tree is None and self.parsable:
            self._tree = _parser(self.lang.grammar).parse(self.data)
        return self._tree

    def _root_for(self, line: int) -> Node | None:
        """A tree holding `line`: the whole file's once parsed, else just the chunk around the line
        (tools/scan/code/chunks.py). A small file, one asked about in so many places that its chunks add up
        to more than half of it, or one whose chunk does not parse cleanly (a column-0 `def` in a docstring
        cut it) is parsed whole."""
        if not self.parsable:
            return None
        if self._tree is not None or self.lang.chunk_start is None or len(self.data) < _CHUNK_FROM:
            return self.tree.root_node if self.tree is not None else None
        if self._plan is None:
            self._plan = Chunks(self.data, self.lang)
        planned = self._plan.ranges_for(line)
        if planned is None:
            return self.tree.root_node if self.tree is not None else None
        key, ranges = planned
        tree = self._chunks.get(key)
        if tree is None:
            self._chunked += sum(r.end_byte - r.start_byte for r in ranges)
            if self._chunked > len(self.data) // 2:  # chunks would cost more than the file
                return self.tree.root_node if self.tree is not None else None
            parser = _range_parser(self.lang.grammar)
            parser.included_ranges = ranges
            tree = self._chunks[key] = parser.parse(self.data)
        if tree.root_node.has_error:  # e.g. a "def" in column 0 of a docstring cut the chunk inside a string
            return self.tree.root_node if self.tree is not None else None  # and the whole tree answers from now
        return tree.root_node

    # -- basic lookups -------------------------------------------------------
    def node_at(self, line: int, col: int = 0) -> Node | None:
        root = self._root_for(line)
        return root.descendant_for_point_range((line - 1, col), (line - 1, col)) if root is not None else None

    def _locate(self, line: int, col: int) -> tuple[str | None, Function | None]:
        """(context, enclosing named function) of (line, col) from one walk up the tree, remembered: a hit
        asks both, the comment/string check first."""
        key = (line, col)
        found = self._located.get(key)
        if found is None:
            context, context_done, func = None, False, None
            lang = self.lang
            function_kinds = lang.function_nodes + lang.anonymous_function_nodes
            node = self.node_at(line, col)
            while node is not None and (func is None or not context_done):
                kind = node.type
                if not context_done:
                    if kind in lang.comment_nodes:
                        context, context_done = "comment", True
                    elif kind in lang.string_nodes:
                        context, context_done = "string", True
                    elif kind in lang.function_nodes:
                        context_done = True
                if func is None and kind in function_kinds:
                    name = self._function_name(node)
                    if name:
                        func = self._make_function(node, name)
                node = node.parent
            found = self._located[key] = (context, func)
        return found

    def context(self, line: int, col: int) -> str | None:
        """'comment' or 'string' when the byte at (line, col) is inside one (looking no further out than the
        nearest named function definition), else None."""
        return self._locate(line, col)[0]

    def inside(self, line: int, col: int, node_types: tuple[str, ...], first_line: re.Pattern[bytes] | None) -> bool:
        """Whether (line, col) sits in a node of `node_types` (whose first line matches `first_line`, if given),
        looking no further out than the nearest enclosing function, which is itself tested."""
        boundary = self.lang.function_nodes + self.lang.anonymous_function_nodes
        node = self.node_at(line, col)
        while node is not None:
            if node.type in node_types and (
                    first_line is None or first_line.search((node.text or b"").split(b"\n", 1)[0])):
                return True
            if node.type in boundary:
                return False
            node = node.parent
        return False

    def _function_name(self, node: Node) -> str | None:
        if node.type in self.lang.function_nodes:
            return node_text(_name_node(node, self.lang.name_nodes)) or None
        if node.type in self.lang.anonymous_function_nodes and node.parent is not None:
            field_name = self.lang.name_from_parent.get(node.parent.type)
            if field_name:
                return node_text(node.parent.child_by_field_name(field_name)).rsplit(".", 1)[-1] or None
        return None

    def _qualified(self, node: Node, name: str) -> str:
        parts = [name]
        receiver = node.child_by_field_name("receiver")
        if receiver is not None:  # Go method: (s *Server) -> Server
            types = [c for c in _walk(receiver) if c.type == "type_identifier"]
            if types:
                parts.insert(0, node_text(types[0]))
        parent = node.parent
        while parent is not None:
            field_name = self.lang.containers.get(parent.type)
            if field_name:
                parts.insert(0, _type_name(node_text(_name_node(parent, self.lang.name_nodes, field_name))))
            parent = parent.parent
        return self.lang.separator.join(p for p in parts if p)

    def _make_function(self, node: Node, name: str) -> Function:
        """One Function per node, however many hits it encloses (qualifying a name walks every ancestor)."""
        key = (node.start_byte, node.end_byte)  # the same definition in a chunk's tree and the whole file's
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Function(
                name=name,
                qualified=self._qualified(node, name),
                path=self.path,
                start_line=node.start_point[0] + 1,
                end_line=node.end_point[0] + 1,
                body=node.text or b"",
            )
        return made

    def enclosing_function(self, line: int, col: int = 0) -> Function | None:
        """The nearest enclosing *named* function (anonymous closures are looked through)."""
        return self._locate(line, col)[1]

    def _named_nodes(self) -> list[tuple[str, Node]]:
        """(name, node) of every named function in source order; Function objects are made only when asked."""
        if self._named is None:
            found = []
            if self.tree is not None:
                types = self.lang.function_nodes + self.lang.anonymous_function_nodes
                for node in nodes_of(self.lang.grammar, types, self.tree.root_node):
                    name = self._function_name(node)
                    if name:
                        found.append((name, node))
            self._named = found
        return self._named

    def functions(self) -> list[Function]:
        """Every named function in the file, in source order."""
        if self._functions is None:
            self._functions = [self._make_function(node, name) for name, node in self._named_nodes()]
        return self._functions

    def function_named(self, name: str) -> Function | None:
        """The file's last function called `name` (a handler named at its registration), as a name lookup
        that builds one Function instead of all of them."""
        node = next((node for found, node in reversed(self._named_nodes()) if found == name), None)
        return self._make_function(node, name) if node is not None else None

    def functions_named(self, names: set[str]) -> list[Function]:
        """Every function of the file whose bare name is in `names`, in source order."""
        return [self._make_function(node, name) for name, node in self._named_nodes() if name in names]

    def first_function_from(self, line: int) -> Function | None:
        """The first function starting on or after `line` (the one a decorator or annotation applies to)."""
        for name, node in self._named_nodes():
            if node.start_point[0] + 1 >= line:
                return self._make_function(node, name)
        return None

def _walk(node: Node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def calls_name(body: bytes, name: str) -> bool:
    """Whether a function body calls `name(...)` (also `x.name(`, `X::name(`, `name::<T>(`)."""
    if not name:
        return False
    return re.search(rb"(?<![\w$])" + re.escape(name.encode()) + rb"\s*(::\s*<[^>]*>\s*)?\(", body) is not None


def load_source(root: Path, rel_path: str, catalog: Catalog | None = None) -> SourceFile | None:
    """Parse one file of the repo, or None when its language has no grammar or it cannot be read."""
    catalog = catalog or load_catalog()
    lang_name = catalog.language_for(rel_path)
    if lang_name is None or not catalog.languages[lang_name].grammar:
        return None
    try:
        data = (root / rel_path).read_bytes()
    except OSError:
        return None
    return SourceFile(rel_path, catalog.languages[lang_name], data)


def enclosing_symbol(path: str, line: int, root: str | None = None) -> str | None:
    """The qualified name of the function enclosing 1-based `line` of `path`, or None."""
    base = Path(root) if root else Path(".")
    source = load_source(base, path)
    if source is None:
        return None
    lines = source.data.split(b"\n")
    col = len(lines[line - 1]) - len(lines[line - 1].lstrip()) if 0 < line <= len(lines) else 0
    func = source.enclosing_function(line, col)
    return func.qualified if func else None
