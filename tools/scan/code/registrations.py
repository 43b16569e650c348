"""Request-handler registrations: which functions a route, decorator or service registration declares.

Split from tools/scan/code/symbols.py. `app.post("/jobs", create_job)`,
`@app.get("/x")`, `Router::new().route(..., post(handler))`, a gRPC service
class: the catalog pattern says how the handler is named (`handler_from`),
this module reads it from the tree around the registration.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from tools.scan.code.patterns import Pattern
from tools.scan.code.symbols import Function, Handler, SourceFile, node_text, nodes_of

HTTP_VERBS = {"get", "post", "put", "delete", "patch", "head", "options", "all", "any"}


def _call_at(source: SourceFile, line: int, col: int) -> Node | None:
    node = source.node_at(line, col)
    while node is not None:
        if node.type in source.lang.call_nodes and node.child_by_field_name("arguments") is not None:
            return node
        node = node.parent
    return None


def handlers_for(source: SourceFile, pattern: Pattern, line: int, col: int) -> tuple[list[Handler], list[str]]:
    """Handlers a registration at (line, col) declares: (resolved handlers, names defined elsewhere)."""
    if source.tree is None:
        return [], []
    where = f"{source.path}:{line}"
    if pattern.handler_from == "next_def":
        first = source.first_function_from(line)
        return ([_handler(first, where)] if first else []), []
    if pattern.handler_from == "class_methods":
        return _container_methods(source, line, where), []
    if pattern.handler_from == "receiver_methods":
        return _receiver_methods(source, line, where), []
    return _arg_handlers(source, pattern, line, col, where)


def _arg_handlers(source: SourceFile, pattern: Pattern, line: int, col: int,
                  where: str) -> tuple[list[Handler], list[str]]:
    call = _call_at(source, line, col)
    if call is None:
        return [], []
    args = call.child_by_field_name("arguments")
    handlers: list[Handler] = []
    names: list[str] = []
    route = _route_label(node_text(call.child_by_field_name("function") or call), args)
    for arg in args.named_children:
        if arg.type in source.lang.anonymous_function_nodes:
            handlers.append(
                Handler(route or f"<anonymous handler at {where}>", source.path, arg.start_point[0] + 1,
                        arg.end_point[0] + 1, arg.text or b"", where)
            )
    if pattern.handler_arg is not None:
        for match in pattern.handler_arg.finditer(node_text(args)):
            name = next((g for g in match.groups() if g), None)
            if name:
                names.append(re.split(r"::|\.", name)[-1])
    unresolved = []
    for name in names:
        local = source.function_named(name)
        if local is not None:
            handlers.append(_handler(local, where))
        else:
            unresolved.append(name)
    return handlers, unresolved


def _container_methods(source: SourceFile, line: int, where: str) -> list[Handler]:
    containers = [
        n for n in nodes_of(source.lang.grammar, tuple(source.lang.containers), source.tree.root_node)
        if n.start_point[0] + 1 >= line
    ]
    if not containers:
        return []
    first = min(containers, key=lambda n: n.start_point[0])
    start, end = first.start_point[0] + 1, first.end_point[0] + 1
    return [
        _handler(f, where) for f in source.functions()
        if start < f.start_line <= end and f.end_line <= end
    ]


def _receiver_methods(source: SourceFile, line: int, where: str) -> list[Handler]:
    node = source.node_at(line)
    type_name = None
    while node is not None:
        if node.type == "type_spec":
            type_name = node_text(node.child_by_field_name("name"))
            break
        node = node.parent
    if not type_name:
        return []
    prefix = type_name + source.lang.separator
    return [_handler(f, where) for f in source.functions() if f.qualified.startswith(prefix)]


def _handler(func: Function, where: str) -> Handler:
    return Handler(func.qualified, func.path, func.start_line, func.end_line, func.body, where)


def _route_label(callee: str, args: Node | None) -> str | None:
    """`app.post("/jobs", ...)` -> `POST /jobs`, used to name anonymous handlers."""
    verb = re.split(r"[.:]", callee)[-1].lower() if callee else ""
    path_match = re.search(r"""["'`](/[^"'`]*)["'`]""", node_text(args))
    path = path_match.group(1) if path_match else None
    if path and verb in HTTP_VERBS:
        return f"{verb.upper()} {path}"
    return path
