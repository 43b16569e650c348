"""Shared pieces of evidence items: the item shape, bilingual signal text, comparable setting numbers.

Split out of tools/analysis/evidence/build.py so the per-source builders (runtime, code,
config) share one definition of what an item is and how its signal reads.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA

TEXT_PATH = DATA / "evidence_text.yaml"
SEVERITY = {"DEFAULT": 0, "DEBUG": 0, "INFO": 1, "NOTICE": 1, "WARNING": 2, "ERROR": 3, "CRITICAL": 4,
             "ALERT": 4, "EMERGENCY": 4}
LIVE_SOURCES = {"cloud_run_service", "cloud_run_revision", "cloud_run_job"}
_MEMORY_UNITS = {"ki": 1 / 1024, "mi": 1, "gi": 1024, "ti": 1024 * 1024,
                 "k": 1000 / 2**20, "m": 1000**2 / 2**20, "g": 1000**3 / 2**20, "t": 1000**4 / 2**20}


@cache
def _texts() -> dict[str, Any]:
    return yaml.safe_load(TEXT_PATH.read_text(encoding="utf-8")) or {}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def one_line(text: Any, limit: int = 240) -> str:
    """Table cells are one line without stray back-quote pairs breaking the Markdown."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def render_signal(keys: list[str], values: dict[str, Any]) -> dict[str, str]:
    """The first template found among `keys`, rendered in both languages."""
    texts = _texts()
    template = next((texts[k] for k in keys if k in texts), {"en": "{type}", "ja": "{type}"})
    out = {}
    for lang in ("en", "ja"):
        out[lang] = one_line(template[lang].format_map(_Blank(values))) or "?"
    return out


# -- normalisation ---------------------------------------------------------

def setting_number(name: str, value: Any) -> float | None:
    """A comparable number for a setting: memory in MiB, cpu in cores, durations in seconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if name == "memory":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGTkmgt]i?)?", text)
        if not match:
            return None
        unit = (match.group(2) or "").lower()
        return round(float(match.group(1)) * _MEMORY_UNITS.get(unit, 1 / 2**20), 3)
    if name == "cpu" and text.endswith("m"):
        text = text[:-1]
        return float(text) / 1000 if text.isdigit() else None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*s?", text)
    return float(match.group(1)) if match else None


def setting_value(name: str, value: Any) -> Any:
    if name == "execution_environment" and isinstance(value, str):
        lowered = value.lower()
        return "gen1" if "gen1" in lowered else "gen2" if "gen2" in lowered else lowered
    if isinstance(value, str) and value.lower() in ("true", "false") and name in ("cpu_throttled", "startup_cpu_boost"):
        return value.lower() == "true"
    return value


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "[]"
    return str(value).replace("`", "'")


def make_item(id_: str, type_: str, source: str, raw_ref: str, timestamp: str, *, static: bool,
          attrs: dict[str, Any], confidence: str, strength: float, signal: dict[str, str],
          service: str | None = None, revisions: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": id_, "type": type_, "source": source, "raw_ref": raw_ref, "timestamp": timestamp,
        "static": static, "attrs": attrs, "confidence": confidence, "strength": round(strength, 3),
        "signal": signal, "service": service, "revisions": revisions or [], "excluded": None,
    }
