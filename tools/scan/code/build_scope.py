"""What the target builds and runs: the files a code finding may be cited from.

A finding is a mechanism only when its code is in the image the target runs.
A test, a vendored or minified file, a storybook story, a dev container or a
browser app's React hook never is, whatever it contains; in a monorepo, the
packages another service's Dockerfile copies are not this target's code
either. This module answers `allows(path)` for one scan from
tools/data/build_scope.yaml (knowledge as data) and the repository's own
Dockerfiles:

- the target's Dockerfile is the one whose path shares a distinctive word
  with the service name (`Dockerfile.cloud_run_orchestrator` for
  `...-cloud-run-orchestrator`); when none stands out, the repository-root
  Dockerfile(s); when there is none either (an add-on's Dockerfile in a
  sub-folder), the scan is not scoped;
- its COPY/ADD sources (relative to the Dockerfile's directory or the repo
  root, whichever holds them), the project of a copied build output
  (`loader/target/release/bin` ships `loader`), and the sources of a base
  image the same repository builds (`FROM .../oak-functions` is built by
  `oak_functions/Dockerfile`);
- a COPY of the whole context (or of its build output, `build/app.jar`), or
  no Dockerfile at all, leaves the scan unscoped (every file but the never-deployed ones).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.paths import DATA
from tools.scan.code.entry_imports import entry_module, import_closure, module_files
from tools.scan.rg_search import rg_binary

SCOPE_DATA = DATA / "build_scope.yaml"
_WORD = re.compile(r"[a-z0-9]+")
_JS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte")


@cache
def scope_data() -> dict[str, Any]:
    return yaml.safe_load(SCOPE_DATA.read_text(encoding="utf-8")) or {}


def words(text: str) -> set[str]:
    """Distinctive lower-case words of a service name or a path (generic ones like `cloud`, `run` dropped)."""
    generic = set(scope_data().get("generic_words") or ())
    return {w for w in _WORD.findall(text.lower()) if w not in generic and not w.isdigit() and len(w) > 1}


def not_deployed(path: str) -> bool:
    """A test, vendored, generated, minified, storybook or dev-container file: never the running service."""
    data = scope_data()
    rules = data.get("not_deployed") or {}
    dirs = set(rules.get("dirs") or ())
    parts = path.split("/")
    if any(part in dirs for part in parts[:-1]):
        return True
    return any(fnmatch.fnmatchcase(path, glob) for glob in rules.get("globs") or ())


def _instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out, buffer = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        keyword, _, rest = (buffer + stripped).partition(" ")
        out.append((keyword.upper(), rest.strip()))
        buffer = ""
    return out


def _copy_sources(arguments: str) -> list[str]:
    """The source paths of a COPY/ADD (not `--from=` stages, URLs or variables); [] for a stage copy."""
    if "--from" in arguments:
        return []
    if arguments.startswith("["):
        try:
            parts = [str(p) for p in json.loads(arguments)]
        except ValueError:
            return []
    else:
        parts = [p for p in arguments.split() if not p.startswith("--")]
    sources = parts[:-1]
    return [s for s in sources if "://" not in s and "$" not in s]


@dataclass
class Scope:
    """The repo-relative prefixes the target's image is built from ([] : unscoped) and why."""

    root: Path
    prefixes: list[str] = field(default_factory=list)
    dockerfiles: list[str] = field(default_factory=list)
    why: str = "no Dockerfile: the whole repository is scanned"
    closure: set[str] | None = None  # Python files the start command imports (scan/code/entry_imports.py)
    keep_not_deployed: bool = False  # scan_repo --include-tests: tests, vendored and generated files count too
    _frontend: dict[str, bool] = field(default_factory=dict, repr=False)

    def allows(self, path: str) -> bool:
        """May a finding in `path` be cited as the target's mechanism?"""
        inner = path
        if self.prefixes:
            holder = next((p for p in self.prefixes if p == "" or path == p or path.startswith(p + "/")), None)
            if holder is None:
                return False
            inner = path[len(holder):].lstrip("/") if holder else path
        if not_deployed(inner) and path not in self.dockerfiles:
            if not self.keep_not_deployed:
                return False
            return True  # asked for: a test is not in the start command's closure, nor a browser app's code
        if self.closure is not None and path.endswith(".py") and path not in self.closure:
            return False
        return not (path.endswith(_JS) and self._browser_app(path))

    def _browser_app(self, path: str) -> bool:
        """Is the file's nearest package.json a browser app (a UI framework and no server framework)?"""
        directory = os.path.dirname(path)
        seen = []
        while True:
            if directory in self._frontend:
                answer = self._frontend[directory]
                break
            manifest = self.root / directory / "package.json"
            if manifest.is_file():
                answer = _is_browser_app(manifest)
                break
            seen.append(directory)
            if not directory:
                answer = False
                break
            directory = os.path.dirname(directory)
        for d in seen + [directory]:
            self._frontend[d] = answer
        return answer


def _is_browser_app(manifest: Path) -> bool:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    rules = scope_data()
    return bool(deps & set(rules.get("frontend_deps") or ())) and not deps & set(rules.get("server_deps") or ())


def _dockerfiles(root: Path) -> list[str]:
    data = scope_data()
    cmd = [rg_binary(), "--files", "--no-config", "--no-require-git", "--hidden"]
    for glob in data.get("dockerfile_globs") or ():
        cmd += ["-g", glob]
    for name in data.get("dockerfile_skip_dirs") or ():
        cmd += ["-g", f"!{name}"]
    try:
        proc = subprocess.run(cmd + ["--", "."], cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted(p.removeprefix("./") for p in proc.stdout.decode("utf-8", "replace").splitlines() if p)


def _read(root: Path, rel: str) -> str:
    try:
        return (root / rel).read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return ""


def _name_score(wanted: set[str], dockerfile: str) -> int:
    """Words shared with the target; those of the Dockerfile's own folder and name count double (a project
    name deep in every path, `src/rhesis/polyphemus`, says less than the folder `backend`)."""
    parts = dockerfile.split("/")
    own = words("/".join(parts[-2:]))
    return sum(2 if word in own else 1 for word in wanted & words(dockerfile))


def _choose(dockerfiles: list[str], target: str | None) -> tuple[list[str], str]:
    """The target's Dockerfile(s): the one named after it, else the repository-root ones, else none."""
    if target:
        wanted = words(target)
        scores = {d: _name_score(wanted, d) for d in dockerfiles}
        best = max(scores.values(), default=0)
        top = [d for d, s in scores.items() if s == best]
        if best > 0 and len(top) == 1:
            return top, f"{top[0]} (its path shares {sorted(wanted & words(top[0]))} with {target})"
    at_root = [d for d in dockerfiles if "/" not in d]
    if at_root:
        return at_root, f"the repository-root Dockerfile(s) {', '.join(at_root)}"
    return [], ""


def _sources_of(root: Path, dockerfile: str, all_dockerfiles: list[str], depth: int = 0) -> list[str] | None:
    """Repo-relative prefixes a Dockerfile copies; None when it copies the whole context."""
    folder = os.path.dirname(dockerfile)
    artifact_dirs = set(scope_data().get("artifact_dirs") or ())
    prefixes: list[str] = [dockerfile]
    raw: list[str] = []
    base_images: list[str] = []
    for keyword, arguments in _instructions(_read(root, dockerfile)):
        if keyword in ("COPY", "ADD"):
            raw += _copy_sources(arguments)
        elif keyword == "FROM":
            base_images.append(arguments.split()[0] if arguments.split() else "")
    if not raw:
        return None  # it copies nothing from the repository: which files run cannot be told from it
    # the build context: the Dockerfile's folder, unless the sources only exist from the repo root
    here = sum((root / folder / s.strip("/")).exists() for s in raw)
    top = sum((root / s.strip("/")).exists() for s in raw)
    context = folder if here >= top else ""
    for source in raw:
        clean = os.path.normpath(os.path.join(context, source.replace("*", "").rstrip("/"))).replace("\\", "/")
        if clean in (".", "") or clean.startswith(".."):
            return None  # `COPY . .`: the whole context ships
        parts = clean.split("/")
        cut = next((i for i, part in enumerate(parts) if part in artifact_dirs), None)
        if cut == 0:
            return None  # a build output of the whole context (`build/app.jar`): the whole project ships
        prefixes.append("/".join(parts[:cut]) if cut is not None else clean)
    if depth == 0:
        for image in base_images:
            name = words(image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0])
            builders = [d for d in all_dockerfiles if d != dockerfile and name
                        and words(os.path.dirname(d) or d) == name]
            for builder in builders[:1]:
                more = _sources_of(root, builder, all_dockerfiles, depth + 1)
                if more is None:
                    return None
                prefixes += more
    return prefixes


def build_scope(root: Path, target: str | None = None) -> Scope:
    """The scope of one scan: the target's Dockerfile sources when they can be told, else unscoped."""
    dockerfiles = _dockerfiles(root)
    scope = Scope(root=root)
    if not dockerfiles:
        return scope
    chosen, why = _choose(dockerfiles, target)
    if not chosen:
        scope.why = ("no Dockerfile is named after the target or sits at the repository root: "
                     "the whole repository is scanned")
        return scope
    prefixes: list[str] = []
    for dockerfile in chosen:
        sources = _sources_of(root, dockerfile, dockerfiles)
        if sources is None:
            scope.why = f"{dockerfile} copies its whole build context: the whole repository is scanned"
            return scope
        prefixes += sources
    scope.prefixes = sorted(set(prefixes), key=len)
    scope.dockerfiles = chosen
    scope.why = f"built from {why}: {', '.join(scope.prefixes)}"
    if len(chosen) == 1:
        scope.closure = _entry_closure(root, chosen[0], scope)
        if scope.closure is not None:
            scope.why += f"; its start command runs Python code importing {len(scope.closure)} file(s)"
    return scope


def _entry_closure(root: Path, dockerfile: str, scope: Scope) -> set[str] | None:
    """The Python files the Dockerfile's start command imports, when it names a module or file in scope."""
    commands = {k: a for k, a in _instructions(_read(root, dockerfile)) if k in ("CMD", "ENTRYPOINT")}
    entry = None
    for text in (commands.get("CMD"), commands.get("ENTRYPOINT")):
        entry = entry_module(text) if text else None
        if entry:
            break
    if entry is None:
        return None
    folder = os.path.dirname(dockerfile)
    bases = list(dict.fromkeys([folder, ""]))
    kind, name = entry
    if kind == "module":
        files = module_files(root, bases, name)
        start = files[-1] if files else None
    else:
        start = next((f"{b}/{name}" if b else name for b in bases if (root / b / name).is_file()), None)
    if start is None or not scope.allows(start):
        return None
    return import_closure(root, start, bases)
