"""The prompts of the LLM pass, loaded from prompts/ at the repository top, and the data wrapping.

Wording lives in prompts/*.md so it can be read and reviewed as text; this module only fills
the placeholders. Everything that came from logs, cards, repositories or the deterministic
pipeline is wrapped by `wrap_data` in an <untrusted-data> element whose closing tag cannot be
forged from inside: the system prompt tells the model that wrapped text is never an instruction.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA, ROOT, SCHEMAS

PROMPTS = ROOT / "prompts"
_TAG = re.compile(r"(?i)<(\s*/?\s*)(untrusted-data)")


@cache
def load_prompt(name: str) -> str:
    return (PROMPTS / f"{name}.md").read_text(encoding="utf-8").strip()


def fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def labels_text() -> str:
    data = yaml.safe_load((DATA / "root_causes.yaml").read_text(encoding="utf-8"))
    lines = []
    for item in data["labels"]:
        what = " ".join(str(item.get("what_happened", "")).split())
        signals = " ".join(str(item.get("typical_signals", "")).split())
        lines.append(f"- `{item['label']}`: {what}. Signals: {signals}")
    return "\n".join(lines)


@cache
def system_prompt() -> str:
    """Stable across runs (no time, no ids), so the cached prefix stays valid."""
    schema = json.dumps(json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8")),
                        ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return fill(load_prompt("system"), labels=labels_text(), schema=schema)


def wrap_data(text: str, **attributes: str) -> str:
    """Text from outside (logs, tool results, the report) as an <untrusted-data> element.

    A `<untrusted-data` or `</untrusted-data` inside the text is defused (its `<` becomes `‹`), so
    injected text can neither close the wrapper early nor open a fake trusted section.
    """
    safe = _TAG.sub(lambda m: "‹" + m.group(1) + m.group(2), text)
    attrs = "".join(f' {k}="{_attr(v)}"' for k, v in attributes.items())
    return f"<untrusted-data{attrs}>\n{safe}\n</untrusted-data>"


def _attr(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.:/@-]", "_", str(value))[:120]


def context_text(context: dict[str, Any]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in context.items() if value not in (None, ""))


def task_message(report: dict[str, Any], digest: str, context: dict[str, Any]) -> str:
    report_json = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False)
    return fill(load_prompt("task"), context=context_text(context),
                report=wrap_data(report_json, source="deterministic_report"),
                digest=wrap_data(digest or "(no log records in the window)", source="log_digest"))


def retry_message(errors: list[dict[str, str]], tries: int, max_tries: int) -> str:
    lines = "\n".join(f"- {e['pointer'] or '/'}: {e['message']}" for e in errors[:40])
    if len(errors) > 40:
        lines += f"\n- ... and {len(errors) - 40} more"
    return fill(load_prompt("retry"), errors=lines, tries=str(tries), max_tries=str(max_tries))


def last_turn_message(budget: str) -> str:
    return fill(load_prompt("last_turn"), budget=budget)
