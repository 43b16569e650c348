"""Incident case directories (see docs in SKILL.md and evals/README.md).

A case is what one investigation reads: case.yaml plus recorded API
responses. Everything but case.yaml is optional.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tools.errors import InputError


def load_case(case_dir: str | Path) -> dict[str, Any]:
    """case.yaml as a dict, with `dir` added; one clear error when it is unusable."""
    path = Path(case_dir)
    meta_path = path / "case.yaml"
    if not path.is_dir():
        raise InputError(f"{path}: not a case directory")
    if not meta_path.is_file():
        raise InputError(f"{meta_path}: missing (every case needs case.yaml)")
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{meta_path}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{meta_path}: expected a mapping at the top level")
    for key in ("target", "window"):
        if not isinstance(data.get(key), dict):
            raise InputError(f"{meta_path}: missing `{key}:` mapping")
    data["dir"] = str(path.resolve())
    _check_repo(data, meta_path)
    _check_scalars(data, meta_path)
    return data


def _check_scalars(data: dict[str, Any], meta_path: Path) -> None:
    """Names and settings are single values: `project_id: [x]` is a one-line error, not a crash later on."""
    fields = [("target", key, data["target"].get(key)) for key in ("project_id", "region", "target_type",
                                                                  "target_name")]
    fields += [("window", key, data["window"].get(key)) for key in ("start", "end")]
    fields += [(None, key, data.get(key)) for key in ("trello_card", "profile", "lang", "id")]
    for parent, key, value in fields:
        if isinstance(value, dict | list | set | tuple | bytes):
            where = f"{parent}.{key}" if parent else key
            raise InputError(f"{meta_path}: `{where}:` must be a single value, not a {type(value).__name__}")


def _check_repo(data: dict[str, Any], meta_path: Path) -> None:
    """`repo:` is a relative path inside the case directory: a shared case must not make us read ../../etc.

    A repository elsewhere is given on the command line (--repo), where the user sees what is scanned.
    """
    repo = data.get("repo")
    if repo is None or repo == "":
        return
    if not isinstance(repo, str):
        raise InputError(f"{meta_path}: `repo:` must be a path inside the case directory, not {type(repo).__name__}")
    case_dir = Path(data["dir"])
    try:
        inside = (case_dir / repo).resolve().is_relative_to(case_dir)
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"{meta_path}: `repo: {repo}` is not a usable path: {exc}") from exc
    if not inside:
        raise InputError(f"{meta_path}: `repo: {repo}` points outside the case directory; a case names only a "
                         "repository inside it (move it there, or drop `repo:` and pass --repo PATH)")


def case_repo(case: dict[str, Any]) -> Path | None:
    repo = case.get("repo")
    if not repo:
        return None
    path = Path(case["dir"]) / repo
    return path if path.exists() else None
