"""The `list_tools` tool: the manifest as an assistant sees it."""

from __future__ import annotations

from typing import Any

from tools.registry import load_tools


# tool
def list_tools() -> dict[str, Any]:
    """What each tool is for, so an assistant can pick without reading skill.yaml."""
    return {
        "tools": [
            {
                "name": t.name,
                "command": f"crobs {t.command}",
                "read_only": t.read_only,
                "description": t.description,
            }
            for t in load_tools()
        ]
    }


def format_tools(result: dict[str, Any]) -> str:
    lines = []
    for tool in result["tools"]:
        mode = "read-only" if tool["read_only"] else "WRITES"
        lines.append(f"{tool['command']:<40} {mode:<9} {tool['description'].split('. ')[0]}")
    return "\n".join(lines)
