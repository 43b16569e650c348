"""The manifest is the single declaration of every tool: keep it honest."""

import ast
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from tools.paths import ROOT
from tools.registry import Tool, load_commands, load_tools, signature_mismatches

TOOLS = load_tools()


@pytest.mark.parametrize("tool", TOOLS, ids=[t.name for t in TOOLS])
def test_declared_tool_resolves_and_matches_its_schema(tool):
    Draft202012Validator.check_schema(tool.input_schema)
    assert tool.input_schema.get("type") == "object"
    assert signature_mismatches(tool) == []
    assert tool.name.replace("_", "").isalnum() and tool.name == tool.name.lower()
    assert len(tool.description) > 40


def test_commands_resolve():
    for command in load_commands():
        assert callable(command.resolve())


def test_mismatch_is_reported(tmp_path):
    """The check itself must fail on a drifted declaration."""
    bad = Tool(
        name="list_tools",
        description="x" * 50,
        entry="tools.manifest_tools:list_tools",
        input_schema={"type": "object", "properties": {"extra": {"type": "string"}}, "required": ["extra"]},
        read_only=True,
    )
    assert any("extra" in p for p in signature_mismatches(bad))
    missing = Tool("nope", "x" * 50, "tools.manifest_tools:does_not_exist", {"type": "object"}, True)
    assert any("does not resolve" in p for p in signature_mismatches(missing))


def _public_tool_functions() -> set[str]:
    """Functions whose docstring-free contract marks them as tools: `# tool` above the def."""
    found = set()
    for path in (ROOT / "tools").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = path.read_text(encoding="utf-8").splitlines()
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.lineno >= 2:
                if lines[node.lineno - 2].strip() == "# tool":
                    found.add(f"{module}:{node.name}")
    return found


def test_every_marked_tool_function_is_declared():
    declared = {t.entry for t in TOOLS}
    undeclared = _public_tool_functions() - declared
    assert not undeclared, f"functions marked `# tool` but not in skill.yaml: {sorted(undeclared)}"


def test_manifest_names_unique():
    data = yaml.safe_load(Path(ROOT / "skill.yaml").read_text())
    names = [t["name"] for t in data["tools"]]
    assert len(names) == len(set(names))
    commands = [t.command for t in TOOLS] + [c.name for c in load_commands()]
    assert len(commands) == len(set(commands))
