"""Where a live Cloud Run value was declared: the deploy-config line beside the Run field.

The live field (`services/x#template.maxInstanceRequestConcurrency`) proves
the value the incident ran with; the line that set it (`--concurrency=4` in a
workflow, `memory = "256Mi"` in Terraform) is where the fix goes. A reader
needs both, so every live setting item records the repository items that
declare the same value for the same target (`attrs.declared_by`), and the
report shows them together (tools/report/build.py, select_evidence).

A declaration for the target by name is preferred; one whose service name
is still a variable (a Cloud Build substitution, a step output) is used only
when nothing names the target. Among several Dockerfiles, the one whose path
names the live image is the one the service runs (prefer_deployed_dockerfile).
"""

from __future__ import annotations

import re
from typing import Any

from tools.analysis.evidence.items import LIVE_SOURCES


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a == b


def pair_declarations(items: list[dict[str, Any]], target_name: str | None) -> None:
    """Set `attrs.declared_by` on live setting items: ids of repository settings with the same value.

    When some deploy command names the target, the commands whose service is still a variable deploy
    something else (a preview, another environment): their settings are excluded, not guessed at.
    """
    commands = [i for i in items if i["type"] == "setting" and i["source"] == "repository"
                and i["attrs"].get("origin") == "gcloud"]
    if target_name and any(i.get("service") == target_name for i in commands):
        for item in commands:
            if item.get("service") is None and not item.get("excluded"):
                item["excluded"] = f"another deploy command names {target_name}; this one names a variable"
    declared = [i for i in items if i["type"] == "setting" and i["source"] == "repository" and not i.get("excluded")]
    for item in items:
        if item["type"] != "setting" or item["source"] not in LIVE_SOURCES or item.get("excluded"):
            continue
        attrs = item["attrs"]
        same = [d for d in declared if d["attrs"]["setting"] == attrs["setting"]
                and (d["attrs"].get("number") is not None and d["attrs"]["number"] == attrs.get("number")
                     or _same(d["attrs"]["value"], attrs["value"]))]
        named = [d for d in same if target_name and d.get("service") == target_name]
        chosen = named or [d for d in same if d.get("service") is None][:1]
        if chosen:
            attrs["declared_by"] = [d["id"] for d in chosen]


_SPLIT = re.compile(r"[^a-z0-9]+")
_GENERIC = {"dockerfile", "containerfile", "docker", "src", "app", "apps", "image", "images", "latest"}


def _tokens(text: str) -> set[str]:
    return {t for t in _SPLIT.split(text.lower()) if t and t not in _GENERIC}


def _image_tokens(image: str) -> set[str]:
    """`us.gcr.io/p/lithops-cloudrun-custom-310:0.1` -> {lithops, cloudrun, custom, 310}: the image's own name."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return _tokens(name)


def _dockerfile_score(path: str, wanted: set[str]) -> int:
    """Path words shared with the image name, minus a variant suffix the image does not name (.debug, .conda)."""
    directory, _, name = path.rpartition("/")
    suffix = _tokens(name.split(".", 1)[1]) if "." in name else set()
    return len(_tokens(directory) & wanted) + len(suffix & wanted) - len(suffix - wanted)


def _source_dirs(items: list[dict[str, Any]]) -> set[str]:
    """Directories a deploy builds from (`--source services/api`), as repository paths ("" = the root)."""
    dirs = set()
    for item in items:
        if item["type"] == "setting" and item["attrs"].get("setting") == "source_dir" and not item.get("excluded"):
            value = str(item["attrs"].get("value") or "").strip().removeprefix("./").strip("/")
            dirs.add("" if value == "." else value)
    return dirs


def prefer_deployed_dockerfile(items: list[dict[str, Any]]) -> None:
    """Among several Dockerfiles, the one whose path names the live image is the one Cloud Run runs.

    Its settings (start command, worker timeout, PID 1) gain strength so they are cited first; the others
    lose some, since they describe images this service does not run. Nothing changes on a tie.
    """
    images = [str(i["attrs"]["value"]) for i in items if i["type"] == "setting" and i["source"] in LIVE_SOURCES
              and i["attrs"].get("setting") == "image" and i["attrs"].get("value")]
    docker = [i for i in items if i["type"] == "setting" and i["attrs"].get("origin") == "dockerfile"]
    if not docker or not (images or _source_dirs(items)):
        return
    images = images or [""]
    wanted = _image_tokens(images[0])
    paths = {str(i["raw_ref"]).rsplit(":", 1)[0] for i in docker}
    scores = {path: _dockerfile_score(path, wanted) for path in paths}
    for source in _source_dirs(items):  # `gcloud run deploy --source DIR` builds DIR's Dockerfile
        for path in paths:
            if path.rpartition("/")[0] == source:
                scores[path] += 10
    best = max(scores.values())
    if best <= 0 or sum(1 for s in scores.values() if s == best) > 1:
        return
    for item in docker:
        deployed = scores[str(item["raw_ref"]).rsplit(":", 1)[0]] == best
        item["attrs"]["deployed_dockerfile"] = deployed
        item["strength"] = round(max(0.1, item["strength"] + (0.15 if deployed else -0.3)), 3)
