"""Evidence that a client calls a URL path Cloud Run reserves (paths ending in z, such as /healthz).

Google's front end answers a reserved path itself, so the request never reaches
the container and the service's request log has no entry for it: the failure
cannot be measured in the service's own logs. What shows it is configuration:
a health endpoint left at a reserved default by the software the service runs
(tools/data/reserved_paths.yaml names the software, its variable and the
client that polls it), or a health-path variable set to a reserved path, in
the live service or in a deploy command, including the gcloud commands of the
Markdown documents a service is deployed from. A request on a reserved path
answered 404 without any instance is the measured form, when a log shows one.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.analysis.evidence.items import LIVE_SOURCES, make_item, one_line
from tools.analysis.evidence.reserved_path_checks import uptime_check_items
from tools.paths import DATA
from tools.scan.deploy_config.gcloud import scan_gcloud

_FENCE = re.compile(r"^\s*(```|~~~)")
_ENV_SETTINGS = ("env_names", "env_names_replaced")
_MAX_MARKDOWN_BYTES = 500_000


@cache
def catalog() -> dict[str, Any]:
    """tools/data/reserved_paths.yaml, parsed once."""
    return yaml.safe_load((DATA / "reserved_paths.yaml").read_text(encoding="utf-8")) or {}


def is_reserved(path: str | None) -> bool:
    """Does a URL path (query ignored) fall under one of Cloud Run's reserved patterns?"""
    if not path:
        return False
    path = "/" + path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    return any(re.search(p, path) for p in catalog()["reserved"]["patterns"])


def markdown_code(text: str) -> str:
    """Only the fenced code blocks of a Markdown document, other lines blanked so line numbers hold."""
    out, inside = [], False
    for line in text.split("\n"):
        if _FENCE.match(line):
            inside = not inside
            out.append("")
            continue
        out.append(line if inside else "")
    return "\n".join(out)


def repo_files(repo: str | None) -> list[str]:
    """The repository's files (the deploy-config walk: .gitignore and skip_dirs honoured), [] without one."""
    if not repo or not Path(repo).is_dir():
        return []
    from tools.scan.deploy_config.scan import list_files

    return list_files(Path(repo))


def documented_settings(repo: str | None, target_name: str | None,
                        files: list[str] | None = None) -> list[dict[str, Any]]:
    """Settings of the gcloud commands in the repository's Markdown files that deploy the target."""
    if not repo:
        return []
    root = Path(repo)
    settings: list[dict[str, Any]] = []
    for rel in repo_files(repo) if files is None else files:
        if not rel.lower().endswith((".md", ".markdown")):
            continue
        try:
            text = (root / rel).read_bytes()[:_MAX_MARKDOWN_BYTES].decode("utf-8", "replace")
        except OSError:
            continue
        if "gcloud" not in text:
            continue
        found, commands = scan_gcloud(rel, markdown_code(text))
        starts = sorted(int(c["line"]) for c in commands if c.get("line"))
        for setting in found:
            if target_name and setting.get("target_name") not in (None, target_name):
                continue
            tail = str(setting.get("raw_ref") or "").rsplit(":", 1)[-1]
            line = int(tail) if tail.isdigit() else 0
            # a document shows several commands for one service (option A, option B): each its own declaration
            command = max((s for s in starts if s <= line), default=0)
            settings.append({**setting, "command_line": command})
    return settings


def _text(key: str, values: dict[str, Any]) -> dict[str, str]:
    template = catalog()["texts"][key]
    return {lang: one_line(template[lang].format(**{k: (v.get(lang) if isinstance(v, dict) else v)
                                                   for k, v in values.items()})) for lang in ("en", "ja")}


def _env_value(setting: dict[str, Any]) -> tuple[str, str] | None:
    value = str(setting.get("value") or "")
    name, sep, rest = value.partition("=")
    return (name.strip(), rest.strip().strip("\"'")) if sep else None


def request_items(records: list[dict[str, Any]], target_name: str | None) -> list[dict[str, Any]]:
    """Requests on a reserved path answered 404 by no instance: the platform answered them (measured)."""
    hits = [r for r in records if (r.get("http") or {}).get("status") == 404 and not r.get("instance_id")
            and is_reserved((r.get("http") or {}).get("path"))
            and (not target_name or (r.get("resource") or {}).get("service_name") in (None, target_name))]
    if not hits:
        return []
    first = min(hits, key=lambda r: r.get("timestamp", ""))
    path = first["http"]["path"]
    return [make_item("reserved_path:request", "reserved_path_request", "cloud_logging", first.get("raw_ref", ""),
                      first.get("timestamp", ""), static=False,
                      attrs={"path": path, "count": len(hits), "status": 404,
                             "last_seen": max(r.get("timestamp", "") for r in hits) or None},
                      confidence="high", strength=1.0,
                      signal=_text("request", {"count": len(hits), "path": path, "status": 404}),
                      service=target_name)]


def _groups(settings: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Settings per declaration: one live service, or one deploy command / resource in one file."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for setting in settings:
        source = setting.get("source") or "repository"
        ref = str(setting.get("raw_ref") or "")
        where = (ref.split("#", 1)[0] if source in LIVE_SOURCES
                 else f"{ref.rsplit(':', 1)[0]}|{setting.get('resource')}|{setting.get('command_line', '')}")
        groups.setdefault((source, where), []).append(setting)
    return groups


def config_items(settings: list[dict[str, Any]], window_start: str,
                 target_name: str | None) -> list[dict[str, Any]]:
    """Conditions (a declaration leaving or setting a health path on a reserved path) and, for software
    whose own client polls that path, the image that brings the client (its mechanism)."""
    items: list[dict[str, Any]] = []
    callers: dict[str, dict[str, Any]] = {}
    path_env = re.compile(catalog()["path_env"], re.IGNORECASE)
    for (source, _), group in _groups(settings).items():
        live = source in LIVE_SOURCES
        images = [s for s in group if s.get("setting") == "image" and s.get("value")]
        env_sets = [s for s in group if s.get("setting") in _ENV_SETTINGS and isinstance(s.get("value"), list)]
        values = dict(v for v in (_env_value(s) for s in group if s.get("setting") == "env_value") if v)
        for name, value in values.items():  # a health-path variable set to a reserved path
            if path_env.search(name) and is_reserved(value):
                ref = next(s["raw_ref"] for s in group if _env_value(s) and _env_value(s)[0] == name)
                items.append(_condition(f"{name}={value}", ref, source, window_start, target_name,
                                        _text("explicit", {"name": name, "path": "/" + value.lstrip("/")}),
                                        {"path": "/" + value.lstrip("/"), "via": "explicit", "env": name}))
        for product in catalog().get("default_health_paths") or []:
            image = next((s for s in images if re.search(product["image"], str(s["value"]))), None)
            if image is None or not env_sets:
                continue
            names = {n for s in env_sets for n in s["value"]}
            if product["env"] in names and not is_reserved(values.get(product["env"])):
                continue  # the variable moves the endpoint off the reserved path
            path = product["default"] if product["env"] not in names else "/" + values[product["env"]].lstrip("/")
            env_ref = env_sets[0]["raw_ref"]
            items.append(_condition(
                f"{product['product']}:{env_ref}", env_ref, source, window_start, target_name,
                _text("default", {"product": product["product"], "path": path, "env": product["env"]}),
                {"path": path, "via": "default", "product": product["product"], "env": product["env"],
                 "env_names": sorted(names)}))
            known = callers.get(product["product"])
            if known is None or (live and known["source"] not in LIVE_SOURCES):  # the live image first
                callers[product["product"]] = {**image, "source": source, "product": product}
    for name, image in callers.items():
        product = image["product"]
        items.append(make_item(
            f"reserved_path:caller:{name}", "reserved_path_client", image["source"], image["raw_ref"], window_start,
            static=True, attrs={"product": name, "path": product["default"], "image": image["value"],
                                "source_url": product.get("source")},
            confidence="high", strength=1.0,
            signal=_text("caller", {"product": name, "image": image["value"], "caller": product["caller"]}),
            service=target_name))
    return items


def moved(path: str, *, slash: bool) -> str:
    """The path a fix moves the endpoint to: the reserved trailing z dropped (/healthz -> /health)."""
    bare = path.strip("/").rstrip("zZ") or "health"
    return f"/{bare}" if slash else bare


def _condition(key: str, ref: str, source: str, window_start: str, target_name: str | None,
               signal: dict[str, str], attrs: dict[str, Any]) -> dict[str, Any]:
    live = source in LIVE_SOURCES
    suggested = moved(attrs["path"], slash=attrs.get("via") == "explicit")
    return make_item(f"reserved_path:{source}:{key}", "reserved_path", source, ref, window_start, static=True,
                     attrs={**attrs, "live": live, "suggested": suggested,
                            "source_url": catalog()["reserved"]["source"]},
                     confidence="high", strength=1.0 if live else 0.9, signal=signal, service=target_name)


def reserved_path_items(records: list[dict[str, Any]], settings: list[dict[str, Any]], repo: str | None,
                        target_name: str | None, window_start: str) -> list[dict[str, Any]]:
    """Every reserved-path item of one investigation: measured requests, then configuration."""
    files = repo_files(repo)
    declared = settings + documented_settings(repo, target_name, files)
    return (request_items(records, target_name) + config_items(declared, window_start, target_name)
            + uptime_check_items(repo, files, window_start, target_name, catalog(), is_reserved))
