"""The compiled secret shapes of tools/data/secrets.yaml, built once per process.

Takes the YAML catalog (and detect-secrets' plugin classes it names) and gives `Catalog`: the token
rules, the name tests for assignments and query parameters, and a quick `may_hold` pre-check so the
masking step skips ordinary log lines without running every rule (the replay investigate must not
slow down noticeably). Must not mask anything itself; tools/safety/mask.py applies the catalog.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from tools.paths import DATA

CATALOG_PATH = DATA / "secrets.yaml"
_FLAGS = {"dotall": re.DOTALL, "ignorecase": re.IGNORECASE}


@dataclass(frozen=True)
class TokenRule:
    """One secret shape: a regex whose group `s` (else group 1 of a plugin regex, else the match) is masked."""

    kind: str
    pattern: re.Pattern[str]
    guard: str | None = None
    plugin: bool = False


@dataclass(frozen=True)
class Catalog:
    token_rules: tuple[TokenRule, ...]
    secret_name: re.Pattern[str]
    upper_key: re.Pattern[str]
    reference_name: re.Pattern[str]
    always_name: re.Pattern[str]
    query_name: re.Pattern[str]
    plain_values: frozenset[str]
    file_ref: re.Pattern[str]
    reference_parents: frozenset[str]
    email_keep: re.Pattern[str]
    triggers: re.Pattern[str]
    examples: tuple[dict[str, str], ...]

    def is_secret_name(self, name: str) -> bool:
        """True when a key, env var or assignment name says its value is a secret."""
        bare = name.strip("\"'-$ ")
        if not bare:
            return False
        if self.always_name.search(bare):
            return True
        if self.reference_name.search(bare):
            return False
        return bool(self.secret_name.search(bare) or self.upper_key.search(bare))

    def may_hold(self, text: str) -> bool:
        """Cheap pre-check: False means no rule can match, so the string is returned as it is."""
        return self.triggers.search(text) is not None


def _plugin_patterns(patterns: dict[str, list[dict[str, Any]]]) -> list[TokenRule]:
    return [
        TokenRule(f"detect_secrets.{module}", re.compile(entry["regex"], re.IGNORECASE if entry["ignorecase"] else 0),
                  plugin=True)
        for module, entries in patterns.items()
        for entry in entries
    ]


def library_patterns(plugins: dict[str, str]) -> dict[str, list[str]]:
    """The installed detect-secrets denylists (module -> regex sources), to check the YAML copy against."""
    out: dict[str, list[str]] = {}
    for module_name, class_name in plugins.items():
        module = importlib.import_module(f"detect_secrets.plugins.{module_name}")
        denylist = getattr(getattr(module, class_name), "denylist", ()) or ()
        out[module_name] = [p.pattern for p in denylist if isinstance(p, re.Pattern)]
    return out


def _alternatives(rules: list[TokenRule]) -> list[str]:
    """A pre-check alternative per plugin pattern: the pattern itself, with its case flag scoped."""
    return [f"(?{'i' if rule.pattern.flags & re.IGNORECASE else ''}:{rule.pattern.pattern})" for rule in rules]


def load_data() -> dict[str, Any]:
    """The YAML catalog as data (the C loader when present: this runs in every CLI process)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(CATALOG_PATH.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader


@cache
def catalog() -> Catalog:
    """The catalog, compiled once (cached for the process)."""
    data = load_data()
    rules: list[TokenRule] = []
    examples: list[dict[str, str]] = []
    for entry in data["token_rules"]:
        flags = 0
        for name in entry.get("flags") or ():
            flags |= _FLAGS[name]
        rules.append(TokenRule(entry["kind"], re.compile(entry["regex"], flags), entry.get("guard")))
        examples.extend({"kind": entry["kind"], **ex} for ex in entry.get("examples") or ())
    plugin_rules = _plugin_patterns(data.get("detect_secrets_patterns") or {})
    rules.extend(plugin_rules)
    names = data["names"]
    words = "|".join(re.escape(t) for t in data["triggers"])
    # Plugin formats without a keyword (Twilio AC…, Telegram 123:…) join the pre-check as themselves.
    plugin_alternatives = "|".join(_alternatives(plugin_rules))
    triggers = re.compile(f"(?i:{words})" + (f"|{plugin_alternatives}" if plugin_alternatives else ""))
    return Catalog(
        token_rules=tuple(rules),
        secret_name=re.compile(names["secret"]),
        upper_key=re.compile(names["upper_key"]),
        reference_name=re.compile(names["reference"]),
        always_name=re.compile(names["always"]),
        query_name=re.compile(names["query"]),
        plain_values=frozenset(str(v).lower() for v in data["plain_values"]),
        file_ref=re.compile(names["file_ref"]),
        reference_parents=frozenset(data["reference_parents"]),
        email_keep=re.compile("|".join(data["email_keep_domains"]), re.IGNORECASE),
        triggers=triggers,
        examples=tuple(examples),
    )
