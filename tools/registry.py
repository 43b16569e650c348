"""The tool registry: skill.yaml is the only place a tool is declared.

The CLI, the Anthropic tool definitions and the MCP adapter are all generated
from the records this module returns, so a tool's name, description and input
schema cannot drift between them.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tools.paths import MANIFEST, ROOT


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    entry: str
    input_schema: dict[str, Any]
    read_only: bool
    cli: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, Any] = field(default_factory=dict)  # result_budget hints (tools/safety/budget.py)

    @property
    def command(self) -> str:
        """The CLI command, e.g. `validate` or `trello read`."""
        return self.cli.get("command") or self.name.replace("_", "-")

    def resolve(self) -> Callable[..., Any]:
        return resolve_entry(self.entry)

    def anthropic_definition(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}


@dataclass(frozen=True)
class Command:
    """A CLI-only command (replay server, eval runner): not offered to a model."""

    name: str
    description: str
    entry: str

    def resolve(self) -> Callable[..., Any]:
        return resolve_entry(self.entry)


def resolve_entry(entry: str) -> Callable[..., Any]:
    module_name, _, attr = entry.partition(":")
    if not module_name or not attr:
        raise ValueError(f"entry point {entry!r} is not of the form module:function")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise ValueError(f"entry point {entry!r}: {module_name} has no {attr}") from exc


def _load_schema(value: Any, base: Path) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return json.loads((base / value).read_text(encoding="utf-8"))
    raise ValueError(f"input_schema must be a mapping or a path, not {type(value).__name__}")


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# Every tool takes `offset`: the follow-up call a result cut to its size budget names (call_tool pages it).
OFFSET = "offset"
OFFSET_SCHEMA = {"type": "integer", "minimum": 0, "description": (
    "skip this many rows of the result's main list, ranked as in a result cut to its size budget: "
    "copy it from that result's `rest` call")}
DEFAULT_BUDGET_TOKENS = 8000


def _with_offset(schema: dict[str, Any]) -> dict[str, Any]:
    props = schema.get("properties")
    if not isinstance(props, dict) or OFFSET in props:
        return schema
    return {**schema, "properties": {**props, OFFSET: OFFSET_SCHEMA}}


def load_tools(path: Path = MANIFEST) -> list[Tool]:
    manifest = load_manifest(path)
    hints = (manifest.get("result_budget") or {}).get("tools") or {}
    tools = []
    for item in manifest.get("tools") or []:
        tools.append(
            Tool(
                name=item["name"],
                description=" ".join(str(item["description"]).split()),
                entry=item["entry"],
                input_schema=_with_offset(_load_schema(item["input_schema"], path.parent)),
                read_only=bool(item["read_only"]),
                cli=item.get("cli") or {},
                budget=hints.get(item["name"]) or {},
            )
        )
    return tools


def default_budget_tokens(path: Path = MANIFEST) -> int:
    """The manifest's `result_budget.default_tokens` (about 8k tokens unless it says otherwise)."""
    value = (load_manifest(path).get("result_budget") or {}).get("default_tokens")
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_BUDGET_TOKENS


def load_commands(path: Path = MANIFEST) -> list[Command]:
    manifest = load_manifest(path)
    return [
        Command(name=c["name"], description=" ".join(str(c["description"]).split()), entry=c["entry"])
        for c in manifest.get("commands") or []
    ]


def get_tool(name: str, path: Path = MANIFEST) -> Tool:
    for tool in load_tools(path):
        if tool.name == name:
            return tool
    raise KeyError(name)


_DEFAULT = object()


def call_tool(name: str, arguments: dict[str, Any], path: Path = MANIFEST, budget_tokens: Any = _DEFAULT) -> Any:
    """Run a declared tool with JSON arguments, as a model or MCP client would.

    The result is cut to `budget_tokens` (default: the manifest's, about 8k; None: the whole result) with
    a summary first and the exact call that fetches the rest (tools/safety/budget.py).
    """
    tool = get_tool(name, path)
    budget = default_budget_tokens(path) if budget_tokens is _DEFAULT else budget_tokens
    return run_tool(tool, arguments, budget)


def run_tool(tool: Tool, arguments: dict[str, Any], budget_tokens: int | None = None) -> Any:
    """The tool's result, paged by `offset` and cut to `budget_tokens` (both optional: the CLI's way in too)."""
    from tools.errors import UsageError
    from tools.safety.budget import shape

    args = dict(arguments)
    offset = args.pop(OFFSET, None) if OFFSET not in _parameters(tool) else None
    if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int) or offset < 0):
        raise UsageError(f"offset {offset!r}: must be a non-negative integer")
    if budget_tokens is not None and (isinstance(budget_tokens, bool) or not isinstance(budget_tokens, int)
                                      or budget_tokens < 1):
        raise UsageError(f"budget {budget_tokens!r}: must be a positive number of tokens")
    result = tool.resolve()(**args)
    if offset is None and budget_tokens is None:
        return result

    def rest_call(next_offset: int) -> dict[str, Any]:
        following = {**args, OFFSET: next_offset}
        line = command_line(tool, following) + (f" --budget {budget_tokens}" if budget_tokens else "") + " --json"
        return {"tool": tool.name, "arguments": following, "command": line}

    return shape(result, budget_tokens, tool.budget, offset, rest_call)


def _parameters(tool: Tool) -> set[str]:
    try:
        return set(inspect.signature(tool.resolve()).parameters)
    except (ValueError, TypeError):
        return set()


def command_line(tool: Tool, arguments: dict[str, Any]) -> str:
    """The `crobs ...` command line equivalent to calling `tool` with `arguments`."""
    import shlex

    words = ["crobs", *tool.command.split()]
    positional = tool.cli.get("positional", [])
    for name in positional:
        if arguments.get(name) is not None:
            value = arguments[name]
            words += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for name, value in arguments.items():
        if name in positional or value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            words.append(flag if value else "--no-" + name.replace("_", "-"))
        elif isinstance(value, list):
            words += [flag, ",".join(str(v) for v in value)]
        elif isinstance(value, dict):
            words += [flag, json.dumps(value, separators=(",", ":"))]
        else:
            words += [flag, str(value)]
    return " ".join(shlex.quote(w) for w in words)


def signature_mismatches(tool: Tool) -> list[str]:
    """Why a tool's function and its declared schema disagree (empty when they agree)."""
    problems = []
    try:
        func = tool.resolve()
    except (ImportError, ValueError) as exc:
        return [f"{tool.name}: entry point does not resolve: {exc}"]
    params = {
        n: p
        for n, p in inspect.signature(func).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    props = {k: v for k, v in tool.input_schema.get("properties", {}).items() if not (k == OFFSET and k not in params)}
    required = set(tool.input_schema.get("required", []))
    for name in props:
        if name not in params:
            problems.append(f"{tool.name}: schema property {name!r} is not a parameter")
    for name, param in params.items():
        if name not in props:
            problems.append(f"{tool.name}: parameter {name!r} is not in the schema")
            continue
        has_default = param.default is not inspect.Parameter.empty
        if name in required and has_default:
            problems.append(f"{tool.name}: {name!r} is required in the schema but has a default")
        if name not in required and not has_default:
            problems.append(f"{tool.name}: {name!r} is optional in the schema but has no default")
    return problems


def repo_root() -> Path:
    return ROOT
