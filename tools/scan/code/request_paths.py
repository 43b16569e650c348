"""Which code a request handler reaches: the handler index and the narrow search for handler definitions.

Split from tools/scan/code/scan_repo.py. A finding inside a handler, or inside a
function a handler calls by name (one level), is on the request path; that
is what makes background work or a blocking call matter on Cloud Run.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

from tools.scan.code.literals import any_of
from tools.scan.code.patterns import Catalog
from tools.scan.code.symbols import Function, Handler
from tools.scan.repo_files import RepoFiles
from tools.scan.rg_search import rg_binary


def find_definitions(root: Path, catalog: Catalog, names: set[str]) -> list[str]:
    """Files that define any of `names` (a second, narrow rg pass; only when a route names an outside handler)."""
    alternation = "|".join(re.escape(n) for n in sorted(names))
    regex = rf"\b(fn|def|func|function)\s+(\([^)]*\)\s*)?({alternation})\b|\b(const|let|var)\s+({alternation})\s*="
    cmd = [rg_binary(), "--files-with-matches", "--no-config", "--no-require-git", "--hidden",
           "--max-filesize", catalog.max_filesize, *catalog.rg_type_args()]
    for name in catalog.skip_dirs:
        cmd += ["-g", f"!{name}"]
    cmd += ["-e", regex, "--", "."]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, check=False)
    return [p.removeprefix("./") for p in proc.stdout.decode("utf-8", "replace").splitlines() if p]


def family(language: str) -> str:
    """JavaScript, TypeScript and TSX call each other's functions; other languages stand alone."""
    return "js" if language in ("javascript", "typescript", "tsx") else language


_CALLED = re.compile(rb"(?<![\w$])([A-Za-z_$][\w$]*)\s*(?:::\s*<[^>]*>\s*)?\(")


class RequestPaths:
    """Answers "is this line reached from a request handler?" from an index built once per scan."""

    def __init__(self, handlers: list[Handler]):
        self.any = bool(handlers)
        self.handlers = handlers
        self.by_path: dict[str, list[Handler]] = defaultdict(list)
        self._callers: dict[str, list[Handler]] | None = None
        for handler in handlers:
            self.by_path[handler.path].append(handler)

    @property
    def callers(self) -> dict[str, list[Handler]]:
        """Called name -> handlers calling it; built on first use, as most findings sit inside a handler."""
        if self._callers is None:
            self._callers = defaultdict(list)
            for handler in self.handlers:
                for name in set(_CALLED.findall(handler.body)):
                    self._callers[name.decode("utf-8", "replace")].append(handler)
        return self._callers

    def resolve(self, path: str, line: int, func: Function | None) -> tuple[bool | None, str | None]:
        """Inside a handler, or inside a function a handler calls by name (one level)?"""
        for handler in self.by_path.get(path, ()):
            if handler.start_line <= line <= handler.end_line:
                return True, handler.name
        if func is not None:
            for handler in self.callers.get(func.name, ()):
                if not (handler.path == func.path and handler.start_line == func.start_line):
                    return True, handler.name
        return (False, None) if self.any else (None, None)


def resolve_elsewhere(root: Path, catalog: Catalog, repo: RepoFiles,
                       unresolved: dict[tuple[str, str], set[str]]) -> list[Handler]:
    """Handlers a registration names but its own file does not define: looked for first in the files the
    scan already read (only those holding one of the names are indexed), then by a narrow rg search."""
    by_name: dict[tuple[str, str], list[Function]] = defaultdict(list)
    names = {name for _, name in unresolved}

    def index(path: str) -> None:
        source = repo.source(path)
        if source is None:
            return
        for func in source.functions_named(names):
            by_name[(family(source.lang.name), func.name)].append(func)

    holds_name = any_of(names)
    for path in sorted(repo.sources):
        source = repo.sources[path]
        if source is not None and source.parsable and holds_name(source.data):
            index(path)
    missing = {name for key in unresolved if key not in by_name for name in [key[1]]}
    if missing:
        for path in find_definitions(root, catalog, missing):
            if path not in repo.sources:
                index(path)
    return [Handler(func.qualified, func.path, func.start_line, func.end_line, func.body, sorted(refs)[0])
            for key, refs in unresolved.items() for func in by_name.get(key, [])]
