"""SKILL.md follows the Agent Skills spec, checked the way the reference validators do.

The spec ties `name` to the folder, and CI checkouts are not named after the
skill, so each check runs on a copy in tmp_path/<name>/. The rules are the
union of agentskills `skills-ref` (strictyaml, allowed keys, name == folder)
and Anthropic's quick_validate (no angle brackets in the description).
"""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from tools.paths import ROOT
from tools.registry import load_tools

SKILL_NAME = "cloud-run-observability"
ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
RESERVED_WORDS = ("anthropic", "claude")


def _frontmatter(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        raise ValueError("SKILL.md must start with a '---' frontmatter line")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("frontmatter is not closed by a '---' line")
    return text[4:end + 1], text[end + 5:]


def _strict_yaml_problems(node: yaml.Node, where: str = "frontmatter") -> list[str]:
    """What strictyaml would refuse: flow style, anchors/aliases, explicit tags, duplicate keys."""
    problems = []
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.flow_style:
        problems.append(f"{where}: flow style ({{...}} or [...]) is not allowed; use block style")
    if getattr(node, "anchor", None):
        problems.append(f"{where}: anchors and aliases are not allowed")
    if isinstance(node, yaml.ScalarNode) and node.tag.startswith("!"):
        problems.append(f"{where}: explicit tags are not allowed")
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(f"{where}: duplicate key {key.value!r}")
            seen.add(key.value)
            problems += _strict_yaml_problems(value, f"{where}.{key.value}")
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _strict_yaml_problems(item, f"{where}[{index}]")
    return problems


def skill_problems(skill_dir: Path) -> list[str]:
    """Every spec violation of the skill in skill_dir (empty when it is valid)."""
    text = (skill_dir / "SKILL.md").read_text(encoding="utf-8")
    try:
        raw, body = _frontmatter(text)
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as exc:
        return [f"frontmatter does not parse: {str(exc).splitlines()[0]}"]
    if not isinstance(meta, dict) or node is None:
        return ["frontmatter must be a mapping"]
    problems = _strict_yaml_problems(node)
    for key in meta:
        if key not in ALLOWED_KEYS:
            problems.append(f"unexpected frontmatter key {key!r} (put extras under metadata)")
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        problems.append("name is required and must be a string")
    else:
        normalised = unicodedata.normalize("NFKC", name)
        if len(normalised) > 64:
            problems.append("name is longer than 64 characters")
        if not re.fullmatch(r"[a-z0-9-]+", normalised):
            problems.append(f"name {name!r} may only hold lowercase letters, digits and hyphens")
        if normalised.startswith("-") or normalised.endswith("-") or "--" in normalised:
            problems.append(f"name {name!r} has a leading, trailing or doubled hyphen")
        if any(word in normalised for word in RESERVED_WORDS):
            problems.append(f"name {name!r} contains a reserved word")
        if normalised != skill_dir.name:
            problems.append(f"name {name!r} does not match the folder name {skill_dir.name!r}")
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append("description is required and must be a non-empty string")
    else:
        if not 300 <= len(description) <= 600:
            problems.append(f"description is {len(description)} characters; aim for 300-600 (spec maximum 1024)")
        if "<" in description or ">" in description:
            problems.append("description must not contain < or >")
    compatibility = meta.get("compatibility")
    if compatibility is not None and (not isinstance(compatibility, str) or not 1 <= len(compatibility) <= 500):
        problems.append("compatibility must be a string of 1-500 characters")
    if "allowed-tools" in meta and not isinstance(meta["allowed-tools"], str):
        problems.append("allowed-tools must be a space-separated string")
    metadata = meta.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            problems.append("metadata must be a mapping of strings to strings")
        else:
            for key, value in metadata.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    problems.append(f"metadata {key!r}: keys and values must be strings (quote {value!r})")
    if len(body.splitlines()) >= 500:
        problems.append(f"body has {len(body.splitlines())} lines; keep it under 500")
    return problems


def install(tmp_path: Path, text: str, folder: str = SKILL_NAME) -> Path:
    skill_dir = tmp_path / folder
    skill_dir.mkdir(parents=True)
    (skill_dir / "SKILL.md").write_text(text, encoding="utf-8")
    return skill_dir


SKILL_TEXT = (ROOT / "SKILL.md").read_text(encoding="utf-8")


def test_skill_md_follows_the_spec(tmp_path):
    skill_dir = tmp_path / SKILL_NAME
    skill_dir.mkdir()
    shutil.copy(ROOT / "SKILL.md", skill_dir / "SKILL.md")
    assert skill_problems(skill_dir) == []


def test_body_is_short_and_names_every_declared_tool():
    _, body = _frontmatter(SKILL_TEXT)
    assert len(body.splitlines()) < 500
    missing = [tool.name for tool in load_tools() if tool.name not in body or f"`crobs {tool.command}" not in body]
    assert not missing, f"SKILL.md lacks the name or `crobs <command>` usage of these tools: {missing}"


def test_paths_the_skill_points_at_exist():
    for path in ("skill.yaml", "schemas/report.schema.json", "tools/data/root_causes.yaml",
                 "tests/fixtures/sample-run-sitebookify.md"):
        assert path in SKILL_TEXT and (ROOT / path).is_file(), path


@pytest.mark.parametrize(
    ("old", "new", "folder", "problem"),
    [
        ("metadata:\n", "version: 0.1.0\nmetadata:\n", SKILL_NAME,
         "unexpected frontmatter key 'version' (put extras under metadata)"),
        ("", "", "renamed-dir", "name 'cloud-run-observability' does not match the folder name 'renamed-dir'"),
        ('  version: "0.1.0"\n', "  version: 0.1\n", SKILL_NAME,
         "metadata 'version': keys and values must be strings (quote 0.1)"),
        ("metadata:\n", "allowed-tools: [Read, Grep]\nmetadata:\n", SKILL_NAME,
         "frontmatter.allowed-tools: flow style ({...} or [...]) is not allowed; use block style"),
        ("  error spike,", "  error spike <b>,", SKILL_NAME, "description must not contain < or >"),
        ("name: cloud-run-observability", "name: Cloud--Run", SKILL_NAME,
         "name 'Cloud--Run' may only hold lowercase letters, digits and hyphens"),
        ("name: cloud-run-observability\n", "name: cloud-run-observability\nname: other\n", SKILL_NAME,
         "frontmatter: duplicate key 'name'"),
    ],
)
def test_broken_frontmatter_is_caught(tmp_path, old, new, folder, problem):
    assert old in SKILL_TEXT
    text = SKILL_TEXT.replace(old, new, 1)
    assert problem in skill_problems(install(tmp_path, text, folder))


def test_short_description_and_unquoted_colon_are_caught(tmp_path):
    short = re.sub(r"description: >-\n(  .*\n)+", "description: Investigates Cloud Run incidents.\n", SKILL_TEXT)
    assert "description is 33 characters; aim for 300-600 (spec maximum 1024)" in skill_problems(
        install(tmp_path, short))
    colon = re.sub(r"description: >-\n(  .*\n)+", "description: Use when: prod is down\n", SKILL_TEXT)
    [problem] = skill_problems(install(tmp_path / "second", colon))
    assert problem.startswith("frontmatter does not parse: mapping values are not allowed here")
