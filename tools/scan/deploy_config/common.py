"""The shared shape every deployment-config parser reduces its file to.

Terraform, Knative YAML and (partly) cloudbuild steps are all nested blocks of
attributes with line numbers. Converting each into the same small tree lets
one resolver turn tools/data/deploy_settings.yaml paths into canonical
Settings, including the "left out, so the platform default applies, at the
line of the block that omits it" case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from tools.errors import InputError
from tools.paths import DATA
from tools.records import Setting

SETTINGS_FILE = DATA / "deploy_settings.yaml"


class _Unresolved:
    """A value that is an expression we could not evaluate (kept apart from None/null)."""

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED = _Unresolved()


@dataclass
class Attr:
    value: Any
    line: int
    expr: str | None = None  # source text when the value came from an expression (var.x)
    value_ref: str | None = None  # path:line where an expression's value was found


@dataclass
class Block:
    line: int
    labels: list[str] = field(default_factory=list)
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: dict[str, list[Block]] = field(default_factory=dict)

    def add_block(self, name: str, block: Block) -> None:
        self.blocks.setdefault(name, []).append(block)


@lru_cache(maxsize=1)
def deploy_settings() -> dict[str, Any]:
    try:
        return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot load {SETTINGS_FILE.name}: {exc}") from exc


def lookup(root: Block, path: list[str]) -> tuple[Attr | Block | None, Block, int]:
    """Follow `path`; return (item or None, deepest existing block, how many segments matched)."""
    node = root
    for depth, segment in enumerate(path):
        last = depth == len(path) - 1
        if last and segment in node.attrs:
            return node.attrs[segment], node, depth
        if segment in node.blocks:
            node = node.blocks[segment][0]
            if last:
                return node, node, depth + 1
            continue
        return None, node, depth
    return node, node, len(path)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")


def convert(value: Any, how: str | None) -> Any:
    """Normalize a declared value: '300s' -> 300, '3' -> 3, 'false' -> False; leave what does not fit."""
    if value is UNRESOLVED or value is None or how in (None, "str"):
        return None if value is UNRESOLVED else (str(value) if how == "str" and value is not None else value)
    if how == "int":
        try:
            return int(str(value).strip())
        except ValueError:
            return value
    if how == "duration":
        match = _DURATION.match(str(value))
        if not match:
            return value
        number = float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]
        return int(number) if number.is_integer() else number
    if how == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return {"true": True, "false": False}.get(text, value)
    return value


def bind_address(text: str) -> str | None:
    """The host[:port] a start command binds to, e.g. '0.0.0.0:8080', when visible."""
    match = re.search(deploy_settings()["bind_regex"], text)
    return match.group(0) if match else None


def worker_timeout(command: str) -> tuple[int, bool] | None:
    """(seconds, is_default) of the app server's own worker timeout in a start command, if it has one."""
    words = command.replace("=", " ").split()
    for server, spec in (deploy_settings().get("app_server_timeouts") or {}).items():
        if not any(word == server or word.endswith("/" + server) for word in words):
            continue
        for index, word in enumerate(words[:-1]):
            if word in spec["flags"]:
                # `--timeout $TIMEOUT` is set, to a value not written here: unknown, not the default
                return (int(words[index + 1]), False) if words[index + 1].isdigit() else None
        if any(word in (spec.get("config_flags") or ()) for word in words):
            return None  # a config file may set it
        return int(spec["default"]), True
    return None


def collect_env(root: Block, env_spec: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """Env var names and secret references of the first container, with the line of the first env entry."""
    container, _, matched = lookup(root, env_spec["path"][:-1])
    if not isinstance(container, Block) or matched < len(env_spec["path"]) - 1:
        return [], [], root.line
    entries = container.blocks.get(env_spec["path"][-1], [])
    names, secrets = [], []
    for entry in entries:
        name = entry.attrs.get(env_spec["name"])
        if name is not None and name.value not in (None, UNRESOLVED):
            names.append(str(name.value))
        secret, _, _ = lookup(entry, env_spec["secret"])
        if isinstance(secret, Attr):
            secrets.append(str(secret.value) if secret.value not in (None, UNRESOLVED) else str(secret.expr))
    return names, secrets, entries[0].line if entries else root.line


def resolve_settings(
    root: Block,
    spec: dict[str, Any],
    *,
    rel_path: str,
    origin: str,
    resource: str,
    target_name: str | None,
) -> list[Setting]:
    """Settings of one resource from its block tree, with defaults for what it leaves out."""
    out: list[Setting] = []
    defaults = spec.get("defaults") or {}

    def emit(name: str, value: Any, line: int, is_default: bool, attr: Attr | None = None) -> None:
        setting = Setting(
            setting=name, value=value, is_default=is_default, raw_ref=f"{rel_path}:{line}",
            source="repository", origin=origin, resource=resource, target_name=target_name,
        )
        if attr is not None and attr.expr:
            setting["expression"] = attr.expr
        if attr is not None and attr.value_ref:
            setting["value_ref"] = attr.value_ref
        out.append(setting)

    command_parts: list[tuple[Attr, list[str]]] = []
    for name, item_spec in spec["settings"].items():
        path = item_spec["path"]
        item, deepest, matched = lookup(root, path)
        if item is None:
            if matched < len(path) and path[matched] in deepest.attrs:
                continue  # set through an expression (`limits = local.x`): unknown, not the default
            if name in defaults:
                default = defaults[name]
                if "default_if_parent_present" in item_spec and matched == len(path) - 1:
                    default = item_spec["default_if_parent_present"]
                emit(name, default, deepest.line, True)
            continue
        if item_spec.get("block"):
            line = item.line
            summary = {k: a.value for k, a in item.attrs.items()} if isinstance(item, Block) else item.value
            emit(name, summary or True, line, False)
            continue
        if isinstance(item, Block):  # e.g. a map where a scalar was expected
            continue
        if name in ("command", "args"):
            values = item.value if isinstance(item.value, list) else [item.value]
            command_parts.append((item, [str(v) for v in values if v is not UNRESOLVED and v is not None]))
            continue
        emit(name, convert(item.value, item_spec.get("convert")), item.line, False, item)
    env_spec = spec.get("env")
    if env_spec:
        names, secrets, env_line = collect_env(root, env_spec)
        if names:
            emit("env_names", names, env_line, False)
        if secrets:
            emit("secret_refs", secrets, env_line, False)
    if command_parts:
        first = min((a for a, _ in command_parts), key=lambda a: a.line)
        text = " ".join(" ".join(parts) for _, parts in command_parts)
        emit("command", text, first.line, False)
        host = bind_address(text)
        if host:
            holder = next((a for a, parts in command_parts if bind_address(" ".join(parts))), first)
            emit("bind_address", host, holder.line, False)
    return out


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def unquote(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        try:
            return json.loads(raw)
        except ValueError:
            return raw[1:-1]
    return raw


def literal(raw: str) -> Any:
    """A plain HCL literal's value, or UNRESOLVED."""
    text = raw.strip()
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text.startswith('"') and "${" not in text:
        return unquote(text)
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return UNRESOLVED
    return UNRESOLVED
