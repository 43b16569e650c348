"""Uptime checks that call a reserved path (/healthz ...) through the service URL.

A Cloud Monitoring uptime check goes through Google's front end like any
client, so on a path Cloud Run reserves it always gets Google's 404 and the
container never sees it (tools/data/reserved_paths.yaml). Read from Terraform
(`google_monitoring_uptime_check_config` blocks) and from
`gcloud monitoring uptime create|update --path` in scripts and Markdown code
blocks, each cited at the line that names the path. The check is both the
client (mechanism) and the configuration (condition) of the `other` rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tools.analysis.evidence.items import make_item

_SCRIPT_SUFFIXES = (".sh", ".bash", ".yaml", ".yml", ".md", ".markdown", "Makefile")
_MAX_BYTES = 500_000


def _block_end(lines: list[str], start: int) -> int:
    """Index of the line that closes the brace block opened on `start` (or the last line)."""
    depth = 0
    for index in range(start, len(lines)):
        depth += lines[index].count("{") - lines[index].count("}")
        if depth <= 0 and index > start:
            return index
    return len(lines) - 1


Check = tuple[str, str, str, str]  # name, path, the line naming the path, the line declaring the check


def terraform_checks(rel: str, text: str, spec: dict[str, Any]) -> list[Check]:
    """Each uptime-check resource whose path is set, from one .tf file."""
    kinds = "|".join(re.escape(k) for k in spec["terraform_resources"])
    opener = re.compile(rf'^\s*resource\s+"(?:{kinds})"\s+"(?P<name>[\w-]+)"')
    path_re = re.compile(spec["terraform_path"])
    lines = text.split("\n")
    found = []
    for index, line in enumerate(lines):
        match = opener.match(line)
        if not match:
            continue
        for number in range(index, _block_end(lines, index) + 1):
            hit = path_re.match(lines[number])
            if hit:
                found.append((match.group("name"), hit.group("path"), f"{rel}:{number + 1}", f"{rel}:{index + 1}"))
                break
    return found


def gcloud_checks(rel: str, text: str, spec: dict[str, Any]) -> list[Check]:
    """Each `gcloud monitoring uptime create|update ... --path` command."""
    command_re, path_re = re.compile(spec["gcloud_command"]), re.compile(spec["gcloud_path"])
    lines = text.split("\n")
    found = []
    for index, line in enumerate(lines):
        match = command_re.search(line)
        if not match:
            continue
        number = index
        while True:  # follow backslash continuations, keeping the line that names the path
            hit = path_re.search(lines[number])
            if hit:
                name = line[match.end():].split()[0] if line[match.end():].split() else "uptime check"
                found.append((name.strip("\"'\\"), hit.group("path"), f"{rel}:{number + 1}", f"{rel}:{index + 1}"))
                break
            if not lines[number].rstrip().endswith("\\") or number + 1 >= len(lines):
                break
            number += 1
    return found


def uptime_check_items(repo: str | None, files: list[str], window_start: str, target_name: str | None,
                       catalog: dict[str, Any], is_reserved: Any) -> list[dict[str, Any]]:
    """A condition and a client item per uptime check on a reserved path."""
    if not repo:
        return []
    spec = catalog.get("external_checks") or {}
    if not spec:
        return []
    root, items = Path(repo), []
    for rel in files:
        tf = rel.endswith(".tf")
        if not tf and not rel.endswith(_SCRIPT_SUFFIXES):
            continue
        try:
            text = (root / rel).read_bytes()[:_MAX_BYTES].decode("utf-8", "replace")
        except OSError:
            continue
        if "uptime" not in text:
            continue
        for name, path, ref, declared in (terraform_checks if tf else gcloud_checks)(rel, text, spec):
            if not is_reserved(path):
                continue
            texts = catalog["texts"]["check"]
            signal = {lang: texts[lang].format(name=name, path=path) for lang in ("en", "ja")}
            attrs = {"path": path, "via": "uptime_check", "check": name, "live": False,
                     "suggested": "/" + (path.strip("/").rstrip("zZ") or "health"),
                     "source_url": catalog["reserved"]["source"]}
            for kind, at in (("reserved_path", ref), ("reserved_path_client", declared)):
                items.append(make_item(f"{kind}:check:{ref}", kind, "repository", at, window_start, static=True,
                                       attrs=attrs, confidence="high", strength=0.9, signal=signal,
                                       service=target_name))
    return items
