"""The repository installs as a Claude Code plugin and a Codex skill (issue 15): .claude-plugin/plugin.json,
.claude-plugin/marketplace.json and agents/openai.yaml obey the formats their loaders enforce, agree with
SKILL.md and point at things that exist: the plugin's skill path reaches the root SKILL.md, and every MCP
server entry starts `crobs mcp` through a console script pyproject.toml installs.

Each check returns its problems as lines, so a broken copy is shown to fail as well as the real files to pass.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_skill_md import skill_problems

from tools.paths import ROOT
from tools.registry import load_commands, load_manifest, resolve_entry

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SEMVER = re.compile(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?")
PLUGIN_KEYS = {"$schema", "name", "version", "description", "author", "homepage", "repository", "license",
               "keywords", "skills", "commands", "agents", "hooks", "mcpServers", "lspServers", "outputStyles"}
# Marketplace names Claude Code keeps for Anthropic's own marketplaces.
RESERVED_MARKETPLACES = {"claude-code-marketplace", "claude-code-plugins", "claude-plugins-official",
                         "anthropic-marketplace", "anthropic-plugins", "agent-skills", "life-sciences"}


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _skill_meta(skill_dir: Path) -> dict[str, Any]:
    text = (skill_dir / "SKILL.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n")) or {}


def _inside(root: Path, rel: Any, what: str) -> tuple[Path | None, list[str]]:
    if not isinstance(rel, str) or not rel.startswith("./"):
        return None, [f"{what}: {rel!r} must be a relative path starting with ./"]
    path = (root / rel).resolve()
    if path != root.resolve() and root.resolve() not in path.parents:
        return None, [f"{what}: {rel!r} leaves the plugin directory"]
    return path, []


def _mcp_command_problems(argv: list[str], what: str) -> list[str]:
    """The command must be a console script of this package whose target runs the `mcp` command."""
    scripts = _pyproject()["project"]["scripts"]
    if not argv or argv[0] not in scripts:
        return [f"{what}: command {argv[:1]} is not a console script of pyproject.toml ({sorted(scripts)})"]
    target = scripts[argv[0]]
    if target == "tools.cli:main":
        if argv[1:] != ["mcp"]:
            return [f"{what}: `crobs` needs the argument mcp, got {argv[1:]}"]
        if "mcp" not in {c.name for c in load_commands()}:
            return [f"{what}: skill.yaml declares no `mcp` command"]
        return []
    try:
        resolve_entry(target)
    except (ImportError, ValueError) as exc:
        return [f"{what}: {argv[0]} -> {target} does not resolve: {exc}"]
    return [] if target.startswith("tools.mcp.") else [f"{what}: {argv[0]} -> {target} is not the MCP server"]


def plugin_problems(plugin: Any, root: Path = ROOT) -> list[str]:
    if not isinstance(plugin, dict):
        return ["plugin.json must be an object"]
    problems = [f"plugin.json: unknown key {k!r}" for k in plugin if k not in PLUGIN_KEYS]
    name = plugin.get("name")
    if not isinstance(name, str) or not KEBAB.fullmatch(name):
        problems.append(f"plugin.json: name {name!r} must be kebab-case")
    if not isinstance(plugin.get("version"), str) or not SEMVER.fullmatch(plugin["version"]):
        problems.append(f"plugin.json: version {plugin.get('version')!r} must be semver")
    elif plugin["version"] != _pyproject()["project"]["version"]:
        problems.append(f"plugin.json: version {plugin['version']} differs from pyproject.toml's")
    description = plugin.get("description")
    if not isinstance(description, str) or not description or "<" in description or ">" in description:
        problems.append("plugin.json: description must be a non-empty string without < or >")
    author = plugin.get("author")
    if author is not None and not (isinstance(author, dict) and isinstance(author.get("name"), str)):
        problems.append("plugin.json: author must be an object with a name")
    skills = plugin.get("skills")
    if not isinstance(skills, list) or not skills:
        problems.append("plugin.json: skills must list the skill directories (SKILL.md is at the root, not skills/)")
        skills = []
    found = []
    for rel in skills:
        path, bad = _inside(root, rel, "plugin.json skills")
        problems += bad
        if path is not None and not (path / "SKILL.md").is_file():
            problems.append(f"plugin.json skills: {rel!r} holds no SKILL.md")
        elif path is not None:
            found.append(path)
    if found and not any(_skill_meta(p).get("name") == name for p in found):
        problems.append(f"plugin.json: no listed skill is named {name!r}")
    servers = plugin.get("mcpServers")
    if not isinstance(servers, dict) or not servers:
        problems.append("plugin.json: mcpServers must declare the crobs server")
        servers = {}
    for key, server in servers.items():
        what = f"plugin.json mcpServers.{key}"
        if not isinstance(server, dict) or not isinstance(server.get("command"), str):
            problems.append(f"{what}: needs a command")
            continue
        args = server.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            problems.append(f"{what}: args must be a list of strings")
            continue
        problems += _mcp_command_problems([server["command"], *args], what)
    return problems


def marketplace_problems(market: Any, plugin: dict[str, Any], root: Path = ROOT) -> list[str]:
    if not isinstance(market, dict):
        return ["marketplace.json must be an object"]
    problems = []
    name = market.get("name")
    if not isinstance(name, str) or not KEBAB.fullmatch(name) or name in RESERVED_MARKETPLACES:
        problems.append(f"marketplace.json: name {name!r} must be kebab-case and not reserved")
    owner = market.get("owner")
    if not isinstance(owner, dict) or not isinstance(owner.get("name"), str) or not owner["name"]:
        problems.append("marketplace.json: owner must be an object with a name")
    entries = market.get("plugins")
    if not isinstance(entries, list) or not entries:
        return [*problems, "marketplace.json: plugins must list this plugin"]
    for index, entry in enumerate(entries):
        what = f"marketplace.json plugins[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{what}: must be an object")
            continue
        path, bad = _inside(root, entry.get("source"), f"{what} source")
        problems += bad
        if path is not None and not (path / ".claude-plugin" / "plugin.json").is_file():
            problems.append(f"{what}: source {entry['source']!r} holds no .claude-plugin/plugin.json")
        if entry.get("name") != plugin.get("name"):
            problems.append(f"{what}: name {entry.get('name')!r} differs from plugin.json's {plugin.get('name')!r}")
        if "version" in entry and entry["version"] != plugin.get("version"):
            problems.append(f"{what}: version differs from plugin.json's")
    return problems


def openai_yaml_problems(data: Any, skill_name: str) -> list[str]:
    """agents/openai.yaml as Codex's loader reads it (codex-rs skills/loader.rs, mcp/skill_dependencies.rs)."""
    if not isinstance(data, dict):
        return ["openai.yaml must be a mapping"]
    problems = [f"openai.yaml: unknown key {k!r}" for k in data if k not in ("interface", "dependencies", "policy")]
    interface = data.get("interface") or {}
    limits = {"display_name": (1, 64), "short_description": (25, 64), "default_prompt": (1, 1024)}
    for key, (low, high) in limits.items():
        value = interface.get(key)
        if not isinstance(value, str) or not low <= len(" ".join(value.split())) <= high:
            problems.append(f"openai.yaml: interface.{key} must be a string of {low}-{high} characters")
    if f"${skill_name}" not in str(interface.get("default_prompt")):
        problems.append(f"openai.yaml: default_prompt should invoke ${skill_name}")
    tools = (data.get("dependencies") or {}).get("tools")
    if not isinstance(tools, list) or not any(isinstance(t, dict) and t.get("type") == "mcp" for t in tools):
        return [*problems, "openai.yaml: dependencies.tools must declare the crobs MCP server (type: mcp)"]
    for index, tool in enumerate(tools):
        what = f"openai.yaml dependencies.tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type") != "mcp":
            problems.append(f"{what}: type must be mcp (the only type Codex supports)")
            continue
        if not isinstance(tool.get("value"), str) or not tool["value"]:
            problems.append(f"{what}: value (the server name) is required")
        transport = tool.get("transport", "streamable_http")
        if transport != "stdio":
            problems.append(f"{what}: transport must be stdio (crobs mcp serves stdio), not {transport!r}")
            continue
        command = tool.get("command")
        if not isinstance(command, str) or len(command.split()) != 1:
            problems.append(f"{what}: command must be one executable (Codex passes no arguments), got {command!r}")
            continue
        problems += _mcp_command_problems([command], what)
    return problems


PLUGIN = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))
MARKET = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
OPENAI = yaml.safe_load((ROOT / "agents" / "openai.yaml").read_text(encoding="utf-8"))
SKILL_NAME = _skill_meta(ROOT)["name"]


def test_the_names_agree():
    assert SKILL_NAME == PLUGIN["name"] == MARKET["plugins"][0]["name"] == load_manifest()["name"]
    assert _pyproject()["project"]["name"] == SKILL_NAME


def test_plugin_json_is_valid():
    assert plugin_problems(PLUGIN) == []


def test_marketplace_json_is_valid():
    assert marketplace_problems(MARKET, PLUGIN) == []


def test_openai_yaml_is_valid():
    assert openai_yaml_problems(OPENAI, SKILL_NAME) == []


def test_the_plugins_skill_passes_the_skill_rules(tmp_path):
    """The skill the plugin points at, installed in a folder named after it, obeys the Agent Skills rules."""
    [rel] = PLUGIN["skills"]
    folder = tmp_path / PLUGIN["name"]
    folder.mkdir()
    shutil.copy(ROOT / rel / "SKILL.md", folder / "SKILL.md")
    assert skill_problems(folder) == []


def _broken(data: Any, path: list[Any], value: Any) -> Any:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["skills"], KeyError, "skills must list the skill directories"),
    (["skills"], ["./skills/cloud-run-observability"], "holds no SKILL.md"),
    (["skills"], ["./../"], "leaves the plugin directory"),
    (["name"], "Cloud Run", "must be kebab-case"),
    (["version"], "1.0", "must be semver"),
    (["mcpServers", "crobs", "args"], [], "`crobs` needs the argument mcp"),
    (["mcpServers", "crobs", "command"], "crobs-server", "is not a console script"),
    (["mcpServers"], KeyError, "mcpServers must declare the crobs server"),
    (["description"], "<b>incidents</b>", "without < or >"),
    (["skill"], "./", "unknown key 'skill'"),
])
def test_a_broken_plugin_json_fails(path, value, problem):
    problems = plugin_problems(_broken(PLUGIN, path, value))
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["plugins", 0, "source"], ".", "must be a relative path starting with ./"),
    (["plugins", 0, "source"], "./tools", "holds no .claude-plugin/plugin.json"),
    (["plugins", 0, "name"], "crobs", "differs from plugin.json's"),
    (["owner"], "someone", "owner must be an object with a name"),
    (["name"], "claude-plugins-official", "not reserved"),
    (["plugins"], [], "plugins must list this plugin"),
])
def test_a_broken_marketplace_json_fails(path, value, problem):
    problems = marketplace_problems(_broken(MARKET, path, value), PLUGIN)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("path", "value", "problem"), [
    (["dependencies", "tools", 0, "command"], "crobs mcp", "must be one executable"),
    (["dependencies", "tools", 0, "command"], "cloudrun-mcp", "is not a console script"),
    (["dependencies", "tools", 0, "transport"], "streamable_http", "transport must be stdio"),
    (["dependencies", "tools", 0, "type"], "cli", "must declare the crobs MCP server"),
    (["interface", "short_description"], "Cloud Run", "interface.short_description must be a string of 25-64"),
    (["interface", "default_prompt"], "Investigate the service.", "should invoke $cloud-run-observability"),
    (["interface", "display_name"], KeyError, "interface.display_name"),
])
def test_a_broken_openai_yaml_fails(path, value, problem):
    problems = openai_yaml_problems(_broken(OPENAI, path, value), SKILL_NAME)
    assert any(problem in p for p in problems), problems


def test_a_renamed_skill_no_longer_matches_the_plugin(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    text = (ROOT / "SKILL.md").read_text(encoding="utf-8").replace(f"name: {SKILL_NAME}", "name: other-skill", 1)
    (root / "SKILL.md").write_text(text, encoding="utf-8")
    assert f"plugin.json: no listed skill is named {SKILL_NAME!r}" in plugin_problems(PLUGIN, root)


def test_the_readmes_mcp_config_starts_the_server():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", readme, re.S)
    servers = [s for b in blocks for s in json.loads(b).get("mcpServers", {}).values()]
    assert servers
    for server in servers:
        assert _mcp_command_problems([server["command"], *server["args"][:1]], "README") == []
        assert set(server["args"][1:]) <= {"--read-only"}
