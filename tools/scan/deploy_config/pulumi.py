"""Pulumi (and CDK for Terraform) programs that build an image and deploy it to Cloud Run.

A Pulumi program builds its image on the machine that runs `pulumi up`
(`docker.Image`, `docker_build.Image`); without a `platform` the image has that
machine's architecture, arm64 on Apple silicon, and Cloud Run runs only
linux/amd64: the container fails with "exec format error". The place to fix
it is the build call, so this module reports an `image_platform` Setting at the
line of the call's `build` argument (or the call itself), with the platform it
pins or, unset, is_default true. A Dockerfile in the program's directory
whose every `FROM` pins `--platform=linux/amd64` counts as pinned.

It also reports the Cloud Run service arguments (concurrency, memory, port)
with the defaults the program gives its config keys (`config.getNumber("x") || 80`,
`config.get_int("x", 80)`, `?? 80`, `x := 80`), so a program whose values the
live service contradicts is told apart from the one deployed
(tools/analysis/evidence/config.py). Patterns live in tools/data/deploy_settings.yaml (`pulumi:`).
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from typing import Any

from tools.records import Setting
from tools.scan.deploy_config.common import convert, deploy_settings

_LITERAL = r"""(-?\d+(?:\.\d+)?|"[^"\n]*"|'[^'\n]*')"""
_DEFAULT = re.compile(rf"(?:\|\||\?\?|,)\s*{_LITERAL}\s*\)?\s*;?\s*$")
_WHOLE = re.compile(rf"^\s*{_LITERAL}\s*;?\s*$")


@cache
def _spec() -> dict[str, Any]:
    spec = dict(deploy_settings()["pulumi"])
    spec["image_re"] = re.compile(spec["image_builds"])
    spec["service_re"] = re.compile(spec["run_services"])
    spec["platform_re"] = re.compile(spec["platform_key"])
    spec["build_re"] = re.compile(spec["build_key"])
    return spec


def _call_span(text: str, start: int) -> tuple[int, int]:
    """(open, close) offsets of the argument list of the call whose `(` is at or after `start`."""
    open_at = text.index("(", start)
    depth = 0
    for index in range(open_at, len(text)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return open_at, index
    return open_at, len(text)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _unquote(raw: str) -> Any:
    raw = raw.strip()
    if raw[:1] in "\"'":
        return raw[1:-1]
    return float(raw) if "." in raw else int(raw)


def variable_default(text: str, name: str) -> Any:
    """The literal a program gives `name` when its config key is unset, or None when not visible."""
    pattern = re.compile(rf"^\s*(?:const|let|var|final)?\s*{re.escape(name)}\s*(?::\s*\w+\s*)?:?=\s*(.+)$", re.M)
    for match in pattern.finditer(text):
        rhs = match.group(1)
        if re.search(r"\b[Rr]equire", rhs):
            return None
        literal = _WHOLE.match(rhs) or _DEFAULT.search(rhs)
        if literal:
            return _unquote(literal.group(1))
    return None


def _argument(text: str, span: tuple[int, int], keys: list[str]) -> tuple[Any, int, str] | None:
    """(value, line, expression) of the first `key: expr` / `key=expr` inside the span."""
    body = text[span[0]:span[1]]
    for key in keys:
        match = re.search(rf"\b{re.escape(key)}\s*[:=]\s*([^,\n)}}\]]+)", body)
        if match is None:
            match = re.search(rf"(?<![\w.]){re.escape(key)}\s*(?=[,\n}}])", body)  # TS shorthand `{ memory, }`
            expr = key if match else None
        else:
            expr = match.group(1).strip()
        if match is None or expr is None:
            continue
        line = _line(text, span[0] + match.start())
        literal = _WHOLE.match(expr)
        if literal:
            return _unquote(literal.group(1)), line, ""
        name = re.sub(r"^(?:pulumi\.\w+\(|new\s+)", "", expr).rstrip(")").split(".")[-1].strip()
        if re.fullmatch(r"[A-Za-z_]\w*", name):
            return variable_default(text, name), line, name
        return None, line, expr
    return None


def _dockerfile_pins(dockerfiles: list[str]) -> bool:
    froms = [line for text in dockerfiles for line in text.splitlines() if line.strip().upper().startswith("FROM ")]
    return bool(froms) and all("--platform=" in line for line in froms)


def scan_pulumi(rel: str, text: str, dockerfiles: list[str]) -> tuple[list[Setting], list[dict[str, Any]]]:
    """Image builds and Cloud Run services of one Pulumi program file.

    `dockerfiles` are the texts of the Dockerfiles under the program's directory.
    """
    spec = _spec()
    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    if not spec["service_re"].search(text):
        return settings, resources  # an image for another platform (Azure, ECS) is no Cloud Run concern
    base = {"source": "repository", "origin": "pulumi", "resource": f"pulumi:{rel}", "target_name": None}
    for match in spec["image_re"].finditer(text):
        span = _call_span(text, match.start())
        body = text[span[0]:span[1]]
        platform = spec["platform_re"].search(body)
        build = spec["build_re"].search(body)
        call_line = _line(text, match.start())
        resources.append({"kind": "pulumi image", "name": match.group(0).rstrip("("), "path": rel,
                          "line": call_line, "target_name": None})
        if platform:
            value = re.search(r"linux/[\w/]+", body[platform.start():platform.start() + 200])
            settings.append(Setting(setting="image_platform", value=value.group(0) if value else "set",
                                    is_default=False, raw_ref=f"{rel}:{_line(text, span[0] + platform.start())}",
                                    **base))  # type: ignore[typeddict-item]
            continue
        line = _line(text, span[0] + build.start()) if build else call_line
        pinned = _dockerfile_pins(dockerfiles)
        settings.append(Setting(setting="image_platform", value="Dockerfile FROM --platform" if pinned else None,
                                is_default=not pinned, raw_ref=f"{rel}:{line}",
                                detail={"call": match.group(0).rstrip("(")}, **base))  # type: ignore[typeddict-item]
    for match in spec["service_re"].finditer(text):
        span = _call_span(text, match.start())
        resources.append({"kind": "pulumi cloud run service", "name": match.group(0).rstrip("("), "path": rel,
                          "line": _line(text, match.start()), "target_name": None})
        for setting, item in spec["settings"].items():
            found = _argument(text, span, item["keys"])
            if found is None or found[0] is None:
                continue
            value, line, expr = found
            entry = Setting(setting=setting, value=convert(value, item.get("convert")), is_default=False,
                            raw_ref=f"{rel}:{line}", **base)  # type: ignore[typeddict-item]
            if expr:
                entry["expression"] = expr
            settings.append(entry)
    return settings, resources


def scan_pulumi_projects(files: list[str], read: Any) -> tuple[list[Setting], list[dict[str, Any]], list[str]]:
    """Every Pulumi program file beside a Pulumi.yaml (settings, resources, files that declared something)."""
    spec = _spec()
    projects: set[str] = set()
    for rel in files:
        if rel.rsplit("/", 1)[-1] in spec["project_files"]:
            folder = rel.rpartition("/")[0]
            projects.add(folder)
            main = re.search(r"^main:\s*['\"]?([^'\"\s#]+)", read(rel) or "", re.M)  # `main: stack/`
            if main and not main.group(1).startswith(("/", "..")) and "." not in main.group(1).rsplit("/", 1)[-1]:
                projects.add("/".join(p for p in (folder, main.group(1).strip("/")) if p))
    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    declared: list[str] = []
    for project in sorted(projects):
        prefix = f"{project}/" if project else ""
        programs = [rel for rel in files if rel.rpartition("/")[0] == project
                    and any(fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], g) for g in spec["programs"])]
        dockerfiles = [text for rel in files if rel.startswith(prefix) and rel.rsplit("/", 1)[-1] == "Dockerfile"
                       for text in [read(rel)] if text is not None]
        for rel in programs:
            text = read(rel)
            if text is None:
                continue
            found, found_resources = scan_pulumi(rel, text, dockerfiles)
            if found_resources:
                settings += found
                resources += found_resources
                declared.append(rel)
    return settings, resources, declared
