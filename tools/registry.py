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


def load_tools(path: Path = MANIFEST) -> list[Tool]:
    manifest = load_manifest(path)
    tools = []
    for item in manifest.get("tools") or []:
        tools.append(
            Tool(
                name=item["name"],
                description=" ".join(str(item["description"]).split()),
                entry=item["entry"],
                input_schema=_load_schema(item["input_schema"], path.parent),
                read_only=bool(item["read_only"]),
                cli=item.get("cli") or {},
            )
        )
    return tools


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


def call_tool(name: str, arguments: dict[str, Any], path: Path = MANIFEST) -> Any:
    """Run a declared tool with JSON arguments, as a model or MCP client would."""
    tool = get_tool(name, path)
    return tool.resolve()(**arguments)


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
    props = tool.input_schema.get("properties", {})
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
