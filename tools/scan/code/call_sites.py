"""Where a function holding a finding is called: the line to cite beside the construct itself.

A finding deep in a helper (`MemoryFile()` in `handle_aux_datasets`) says
what holds the memory; the call site (`self.aux_datasets =
handle_aux_datasets(...)` in the client every request builds) says where it
is kept, and is usually where the fix goes. One narrow rg pass finds the
calls of the named functions in the scanned files of the same language
family; definitions are not calls.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

from tools.scan.code.patterns import Catalog
from tools.scan.code.request_paths import family
from tools.scan.rg_search import rg_binary

_DEFINITION = re.compile(r"\b(def|fn|func|function|class)\s+\w+\s*\(|^\s*(async\s+)?def\s")


def call_sites(root: Path, catalog: Catalog, wanted: dict[str, str], allows) -> dict[str, list[tuple[str, int, str]]]:
    """name -> [(path, line, text)] of calls of each function name in `wanted` (name -> language family)."""
    if not wanted:
        return {}
    alternation = "|".join(re.escape(n) for n in sorted(wanted))
    cmd = [rg_binary(), "-n", "--no-heading", "--no-config", "--no-require-git", "--hidden",
           "--max-filesize", catalog.max_filesize, *catalog.rg_type_args()]
    for name in catalog.skip_dirs:
        cmd += ["-g", f"!{name}"]
    cmd += ["-e", rf"\b({alternation})\s*\(", "--", "."]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    names = re.compile(rf"\b({alternation})\s*\(")
    for row in proc.stdout.decode("utf-8", "replace").splitlines():
        path, _, rest = row.partition(":")
        number, _, text = rest.partition(":")
        path = path.removeprefix("./")
        if not number.isdigit() or _DEFINITION.search(text) or not allows(path):
            continue
        language = catalog.language_for(path)
        for name in set(names.findall(text)):
            if language and family(language) == wanted[name]:
                found[name].append((path, int(number), text))
    for sites in found.values():
        sites.sort()
    return found


def pick_site(sites: list[tuple[str, int, str]], func_path: str, func_start: int, func_end: int,
              reach) -> tuple[tuple[str, int, str], tuple[bool | None, str | None]] | None:
    """The call site to cite: the first one reached from a request handler, else the first outside the
    function itself; `reach(path, line, text)` answers (in_request_path, handler)."""
    outside = [s for s in sites if not (s[0] == func_path and func_start <= s[1] <= func_end)]
    answers = [(site, reach(*site)) for site in outside[:20]]
    for site, answer in answers:
        if answer[0]:
            return site, answer
    return answers[0] if answers else None


class Reach:
    """Is a call site reached from a request handler, through up to `depth` more callers by name?

    The scan's request paths look one call deep from a handler; a memory holder kept by a client that a
    handler's helper constructs (handler -> _orchestrate -> Client(...) -> __init__ -> helper) is further
    down. Each step up finds the callers of the enclosing function (of its class, for a constructor) with
    one narrow rg pass, cached by name.
    """

    CONSTRUCTORS = ("__init__", "constructor")

    def __init__(self, root: Path, catalog: Catalog, allows, enclosing, resolve, depth: int = 3):
        self.root, self.catalog, self.allows = root, catalog, allows
        self.enclosing, self.resolve, self.depth = enclosing, resolve, depth
        self._sites: dict[tuple[str, str], list[tuple[str, int, str]]] = {}

    def __call__(self, path: str, line: int, text: str) -> tuple[bool | None, str | None]:
        return self._reach(path, line, text, 0, set())

    def _reach(self, path: str, line: int, text: str, level: int, seen: set[str]) -> tuple[bool | None, str | None]:
        caller = self.enclosing(path, line, text)
        answer = self.resolve(path, line, caller)
        if answer[0] or caller is None or level >= self.depth:
            return answer
        name = caller.name
        if name in self.CONSTRUCTORS:
            name = re.split(r"\.|::", caller.qualified)[-2] if re.search(r"\.|::", caller.qualified) else name
        language = self.catalog.language_for(path)
        if not language or name in seen:
            return answer
        seen.add(name)
        key = (name, family(language))
        if key not in self._sites:
            self._sites[key] = call_sites(self.root, self.catalog, {name: key[1]}, self.allows).get(name, [])
        for site in self._sites[key][:10]:
            if site[0] == caller.path and caller.start_line <= site[1] <= caller.end_line:
                continue
            deeper = self._reach(*site, level + 1, seen)
            if deeper[0]:
                return deeper
        return answer
