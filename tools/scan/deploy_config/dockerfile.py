"""Dockerfile CMD/ENTRYPOINT/EXPOSE/ENV and Procfile commands.

The container's start command is where a bind address (0.0.0.0 vs
127.0.0.1) and a hard-coded port usually hide; only the final build stage
counts, because that is the image Cloud Run runs.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from tools.records import Setting
from tools.scan.deploy_config.common import bind_address, deploy_settings, worker_timeout


def _instructions(text: str) -> list[tuple[str, str, int]]:
    """(KEYWORD, arguments, first line) with backslash continuations joined and comments dropped."""
    out: list[tuple[str, str, int]] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1].rstrip() + " "
            continue
        buffer += stripped
        keyword, _, rest = buffer.partition(" ")
        out.append((keyword.upper(), rest.strip(), start))
        buffer = ""
    if buffer:
        keyword, _, rest = buffer.partition(" ")
        out.append((keyword.upper(), rest.strip(), start))
    return out


def _command_words(arguments: str) -> list[str]:
    if arguments.startswith("["):
        try:
            return [str(w) for w in json.loads(arguments)]
        except ValueError:
            pass
    return [arguments]


def _env_names(arguments: str) -> list[str]:
    try:
        parts = shlex.split(arguments)
    except ValueError:
        parts = arguments.split()
    if parts and "=" not in parts[0]:
        return [parts[0]]  # legacy `ENV KEY value`
    return [p.split("=", 1)[0] for p in parts if "=" in p]


def _worker_timeout(command: str, raw_ref: str, base: dict[str, Any]) -> list[Setting]:
    found = worker_timeout(command)
    if found is None:
        return []
    seconds, is_default = found
    return [Setting(setting="worker_timeout_seconds", value=seconds, is_default=is_default, raw_ref=raw_ref, **base)]


def _server_env_flags(env_texts: list[str]) -> str:
    """Flags an app server reads from the environment (`ENV GUNICORN_CMD_ARGS="--timeout 120"`)."""
    names = {spec["env"] for spec in (deploy_settings().get("app_server_timeouts") or {}).values() if spec.get("env")}
    flags = []
    for text in env_texts:
        try:
            parts = shlex.split(text)
        except ValueError:
            parts = text.split()
        flags += [p.split("=", 1)[1] for p in parts if p.split("=", 1)[0] in names and "=" in p]
    return " ".join(flags)


def _pid1_launcher(parts: list[tuple[list[str], int]], rel: str, base: dict[str, Any]) -> list[Setting]:
    """`npm start` / `yarn start` as PID 1 (exec or shell form, `exec` or not): it does not forward SIGTERM."""
    for words, line in parts:
        tokens = " ".join(words).split()
        while tokens and tokens[0] == "exec":
            tokens = tokens[1:]
        if not tokens:
            continue
        launcher = tokens[0].rsplit("/", 1)[-1]
        if launcher in (deploy_settings().get("pid1_launchers") or {}):
            return [Setting(setting="pid1_launcher", value=" ".join(tokens[:3]), is_default=False,
                            raw_ref=f"{rel}:{line}", **base)]
        return []  # the first word of ENTRYPOINT (else CMD) is PID 1
    return []


def scan_dockerfile(rel: str, text: str) -> tuple[list[Setting], list[dict[str, Any]]]:
    """Start command, bind address, exposed port and env names of the final stage."""
    stage: dict[str, Any] = {}
    stage_line = 1
    for keyword, arguments, line in _instructions(text):
        if keyword == "FROM":
            stage, stage_line = {}, line
        elif keyword in ("CMD", "ENTRYPOINT"):
            stage[keyword] = (_command_words(arguments), line)
        elif keyword == "EXPOSE" and "EXPOSE" not in stage:
            port = re.match(r"(\d+)", arguments)
            if port:
                stage["EXPOSE"] = (int(port.group(1)), line)
        elif keyword == "ENV":
            stage.setdefault("ENV", ([], line))[0].extend(_env_names(arguments))
            stage.setdefault("ENV_TEXT", []).append(arguments)
    base = {"source": "repository", "origin": "dockerfile", "resource": rel, "target_name": None}
    settings: list[Setting] = []
    parts = [stage[k] for k in ("ENTRYPOINT", "CMD") if k in stage]
    if parts:
        command = " ".join(" ".join(words) for words, _ in parts)
        line = stage["CMD"][1] if "CMD" in stage else stage["ENTRYPOINT"][1]
        settings.append(Setting(setting="command", value=command, is_default=False, raw_ref=f"{rel}:{line}", **base))
        settings.extend(_worker_timeout(f"{command} {_server_env_flags(stage.get('ENV_TEXT') or [])}",
                                        f"{rel}:{line}", base))
        settings.extend(_pid1_launcher(parts, rel, base))
        for words, part_line in reversed(parts):
            host = bind_address(" ".join(words))
            if host:
                settings.append(Setting(setting="bind_address", value=host, is_default=False,
                                        raw_ref=f"{rel}:{part_line}", **base))
                break
    if "EXPOSE" in stage:
        port, line = stage["EXPOSE"]
        settings.append(Setting(setting="container_port", value=port, is_default=False, raw_ref=f"{rel}:{line}",
                                **base))
    if "ENV" in stage:
        names, line = stage["ENV"]
        settings.append(Setting(setting="env_names", value=names, is_default=False, raw_ref=f"{rel}:{line}", **base))
    resource = {"kind": "dockerfile", "name": rel, "path": rel, "line": stage_line, "target_name": None}
    return settings, [resource]


def scan_procfile(rel: str, text: str) -> tuple[list[Setting], list[dict[str, Any]]]:
    """Each `process: command` line; `web` is what a buildpack image serves."""
    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^([A-Za-z0-9_-]+)\s*:\s*(.+)$", line.strip())
        if not match:
            continue
        process, command = match.groups()
        base = {"source": "repository", "origin": "procfile", "resource": f"{rel}#{process}", "target_name": None}
        settings.append(Setting(setting="command", value=command, is_default=False, raw_ref=f"{rel}:{number}",
                                **base))
        settings.extend(_worker_timeout(command, f"{rel}:{number}", base))
        host = bind_address(command)
        if host:
            settings.append(Setting(setting="bind_address", value=host, is_default=False,
                                    raw_ref=f"{rel}:{number}", **base))
        resources.append({"kind": "procfile", "name": process, "path": rel, "line": number, "target_name": None})
    return settings, resources
