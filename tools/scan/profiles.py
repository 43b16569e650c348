"""Investigation profiles: what one application's investigation always needs.

A profile (profiles/<name>.yaml) names the files to read every time, extra
paths to ignore, the risks this application is known for and how its
Cloud Run services are named. It is data so that a team can tune an
investigation for its service without touching code; `generic` applies when
none is given.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tools.errors import InputError, UsageError
from tools.paths import PROFILES

DEFAULT_PROFILE = "generic"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LIST_FIELDS = ("always_inspect", "ignore", "known_risks", "deploy_config")


def list_profiles(directory: Path = PROFILES) -> list[str]:
    """Names of the profiles shipped in `directory`."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def validate_profile(data: Any, name: str) -> dict[str, Any]:
    """Check a profile's shape and fill in empty lists, so callers never test for None."""
    if not isinstance(data, dict):
        raise InputError(f"profile {name!r}: expected a mapping")
    profile = dict(data)
    profile.setdefault("name", name)
    profile.setdefault("description", "")
    for key in _LIST_FIELDS:
        value = profile.get(key) or []
        if not isinstance(value, list):
            raise InputError(f"profile {name!r}: {key} must be a list")
        profile[key] = value
    for path in profile["always_inspect"] + profile["deploy_config"]:
        if not isinstance(path, str) or path.startswith("/") or ".." in Path(path).parts:
            raise InputError(f"profile {name!r}: {path!r} must be a path relative to the repository")
    for risk in profile["known_risks"]:
        if not isinstance(risk, dict) or not risk.get("label") or not risk.get("why"):
            raise InputError(f"profile {name!r}: every known_risks item needs label and why")
    naming = profile.get("service_naming") or {}
    if not isinstance(naming, dict):
        raise InputError(f"profile {name!r}: service_naming must be a mapping")
    naming.setdefault("target_names", [])
    naming.setdefault("name_patterns", [])
    for pattern in naming["name_patterns"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"profile {name!r}: bad name pattern {pattern!r}: {exc}") from exc
    profile["service_naming"] = naming
    return profile


def load_profile(name: str | None = None, directory: Path = PROFILES) -> dict[str, Any]:
    """The named profile (default `generic`), validated; unknown names list the available ones."""
    name = name or DEFAULT_PROFILE
    if not _NAME.match(name):
        raise UsageError(f"profile name {name!r} is not valid (lowercase letters, digits, - and _)")
    path = directory / f"{name}.yaml"
    if not path.is_file():
        available = ", ".join(list_profiles(directory)) or "none"
        raise UsageError(f"unknown profile {name!r}; available: {available}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read profile {path.name}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"profile {path.name} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    return validate_profile(data, name)


def matches_service(profile: dict[str, Any], service_name: str) -> bool:
    """Whether a Cloud Run service/job name belongs to the profile's application."""
    naming = profile.get("service_naming") or {}
    if service_name in (naming.get("target_names") or []):
        return True
    return any(re.fullmatch(p, service_name) for p in naming.get("name_patterns") or [])
