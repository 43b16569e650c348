"""Follow the Dockerfile's start command to the entry module and the Python modules it imports.

A repository that ships several services from one source tree (`COPY
pkg/ /app/pkg/` in every Dockerfile, each `CMD uvicorn pkg.<service>.handler:app`)
holds the other services' handlers too; the code this target runs is the
entry module and what it imports, transitively. Only static imports are
followed, so the closure is given up (None: no narrowing) as soon as the
code loads modules by name (Django settings, importlib, plugin discovery),
where a static walk would miss code that runs.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

MAX_FILES = 3000
_APP_SPEC = re.compile(r"^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*):[A-Za-z_]\w*(?:\(.*\))?$")
_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.M)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
_DYNAMIC = re.compile(rb"\bimportlib\b|__import__\s*\(|\bdjango\b|autodiscover|\bpkgutil\b|entry_points\s*\(")


def entry_module(command: str) -> tuple[str, str] | None:
    """("module", dotted) or ("file", path) that a start command runs, for Python; None otherwise."""
    text = command.strip()
    if text.startswith("["):
        text = " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))
    try:
        words = shlex.split(text.replace("&&", " ; "))
    except ValueError:
        words = text.split()
    for index, word in enumerate(words):
        if word == "-m" and index + 1 < len(words) and re.fullmatch(r"[A-Za-z_][\w.]*", words[index + 1]):
            if words[index + 1] not in ("uvicorn", "gunicorn", "hypercorn", "flask", "pip"):
                return "module", words[index + 1]
        match = _APP_SPEC.match(word)
        if match and index > 0:
            return "module", match.group(1)
        if word.endswith(".py") and not word.startswith("-") and "conf" not in word.rsplit("/", 1)[-1]:
            return "file", word.lstrip("./")
    return None


def module_files(root: Path, bases: list[str], dotted: str) -> list[str]:
    """Repo files a dotted module name may be: the module, its package __init__ files."""
    parts = dotted.split(".")
    for base in bases:
        prefix = f"{base}/" if base else ""
        found = []
        for depth in range(1, len(parts) + 1):
            stem = prefix + "/".join(parts[:depth])
            for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
                if (root / candidate).is_file():
                    found.append(candidate)
        if any(f.endswith(("/".join(parts) + ".py", "/".join(parts) + "/__init__.py")) for f in found):
            return found
    return []


def import_closure(root: Path, entry: str, bases: list[str]) -> set[str] | None:
    """Repo-relative Python files the entry file imports, transitively (itself included); None when the
    code imports by name somewhere on the way, or the walk grows past MAX_FILES."""
    seen: set[str] = set()
    queue = [entry]
    while queue:
        rel = queue.pop()
        if rel in seen:
            continue
        seen.add(rel)
        if len(seen) > MAX_FILES:
            return None
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if _DYNAMIC.search(data):
            return None
        package = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if rel.endswith("/__init__.py"):
            package = rel[: -len("/__init__.py")]
        for module, names in _FROM.findall(data):
            module_text = module.decode("utf-8", "replace")
            name_list = [n.strip().split(" as ")[0].strip() for n in
                         names.decode("utf-8", "replace").strip("()").replace("\n", ",").split(",")]
            dots = len(module_text) - len(module_text.lstrip("."))
            dotted = module_text.lstrip(".")
            if dots:
                anchor = package.split("/") if package else []
                anchor = anchor[: len(anchor) - (dots - 1)] if dots > 1 else anchor
                base_mod = ".".join(p for p in [*anchor, *([dotted] if dotted else [])] if p)
                targets = [base_mod, *(f"{base_mod}.{n}" for n in name_list if n and n != "*")]
                queue += [f for t in targets if t for f in module_files(root, [""], t)]
            else:
                targets = [dotted, *(f"{dotted}.{n}" for n in name_list if n and n != "*")]
                queue += [f for t in targets for f in module_files(root, bases, t)]
        for modules in _IMPORT.findall(data):
            for module in modules.decode("utf-8", "replace").split(","):
                dotted = module.strip().split(" as ")[0].strip()
                if dotted:
                    queue += module_files(root, bases, dotted)
    return seen
