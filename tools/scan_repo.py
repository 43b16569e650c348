"""scan_repo: point at the exact lines of an application's code that explain a
Cloud Run incident (background work reached from a request, bind address,
SIGTERM handling, memory, timeouts, pools).

One `rg --json` pass over the tree with every catalog regex keeps the cost
close to bare ripgrep; only the files ripgrep matched are re-read and parsed
with tree-sitter, to drop hits in comments/strings, name the enclosing
function and decide whether a request handler reaches it.
"""

from __future__ import annotations

import base64
import fnmatch
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tools.code_patterns import Catalog, Pattern, load_catalog
from tools.enclosing_symbol import Function, Handler, SourceFile, calls_name
from tools.errors import InputError, ToolError
from tools.profiles import load_profile
from tools.records import DataGap, Finding

SKIP_KEYS = ("binary", "too_large", "non_utf8", "unreadable", "ignored", "symlink_loops")
_SNIPPET_MAX = 200


@dataclass
class Hit:
    """One (pattern, line) match after Python re-matching."""

    pattern: Pattern
    path: str
    language: str
    line: int
    col: int
    text: bytes
    group: str | None = None


def rg_binary() -> str:
    """The rg that the `ripgrep` wheel installs beside this interpreter, else the one on PATH."""
    local = Path(sys.executable).parent / "rg"
    if local.is_file():
        return str(local)
    found = shutil.which("rg")
    if not found:
        raise ToolError("ripgrep (rg) is not installed: pip install 'ripgrep>=14.1,<15'")
    return found


def rg_command(catalog: Catalog, extra_ignores: list[str] | None = None, debug: bool = True) -> list[str]:
    """The single rg invocation (without the path) that scan_repo runs; the benchmark reuses it."""
    cmd = [
        rg_binary(), "--json", "--no-config", "--no-require-git", "--hidden", "--follow",
        "--max-filesize", catalog.max_filesize,
    ]
    if debug:
        cmd.append("--debug")
    cmd += catalog.rg_type_args()
    for name in list(catalog.skip_dirs) + list(extra_ignores or []):
        cmd += ["-g", f"!{name}"]
    for pattern in catalog.patterns:
        cmd += ["-e", pattern.regex]
    return cmd


def _run_rg(cmd: list[str], root: Path) -> tuple[bytes, bytes]:
    try:
        proc = subprocess.run(cmd + ["--", "."], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise ToolError(f"cannot run ripgrep: {exc}") from exc
    if proc.returncode not in (0, 1, 2) or b'"type":"summary"' not in proc.stdout:
        first = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"ripgrep failed: {first[-1] if first else f'exit {proc.returncode}'}")
    return proc.stdout, proc.stderr


_IGNORED = re.compile(rb"^rg: DEBUG\|ignore::walk\|[^\n]*?: ignoring [^\n]*?: Ignore\(IgnoreMatch\((Gitignore|Override|"
                      rb"Hidden)", re.M)
_TOO_LARGE = re.compile(rb"^rg: DEBUG\|ignore::walk\|[^\n]*?: ignoring [^\n]*?: \d+ bytes$", re.M)
_BINARY = re.compile(rb"^rg: DEBUG\|[^\n]*ignoring [^\n]*: found binary data", re.M)
_TYPED = re.compile(rb"^rg: DEBUG\|ignore::walk\|[^\n]*?: whitelisting [^\n]*?: Whitelist\(IgnoreMatch\(Types", re.M)
_LOOP = re.compile(rb"^rg: [^\n]*File system loop found", re.M)
_ERROR = re.compile(rb"^rg: (?!DEBUG\|)(?![^\n]*File system loop found)[^\n]+$", re.M)


def count_files(stderr: bytes, skipped: dict[str, int]) -> int:
    """Files of a catalog language that rg actually searched (its JSON stats count only files with matches)."""
    typed = len(_TYPED.findall(stderr))
    return max(0, typed - skipped["too_large"] - skipped["binary"])


def count_skipped(stderr: bytes) -> dict[str, int]:
    """Counts of what rg left out, read from its --debug log (regexes over the whole blob: fast)."""
    return {
        "binary": len(_BINARY.findall(stderr)),
        "too_large": len(_TOO_LARGE.findall(stderr)),
        "non_utf8": 0,
        "unreadable": len(_ERROR.findall(stderr)),
        "ignored": len(_IGNORED.findall(stderr)),
        "symlink_loops": len(_LOOP.findall(stderr)),
    }


def parse_rg_matches(stdout: bytes) -> list[tuple[str, int, bytes, bool]]:
    """(path, line, line bytes, was_utf8) per matched line of rg's --json output."""
    matches = []
    for raw in stdout.splitlines():
        if raw.startswith(b'{"type":"match"'):
            data = orjson.loads(raw)["data"]
            path = data["path"].get("text")
            if path is None:
                path = base64.b64decode(data["path"].get("bytes", "")).decode("utf-8", "replace")
            lines = data["lines"]
            if "text" in lines:
                text, utf8 = lines["text"].encode("utf-8"), True
            else:
                text, utf8 = base64.b64decode(lines["bytes"]), False
            matches.append((path.removeprefix("./"), int(data["line_number"]), text, utf8))
    return matches


def _hits_for_line(catalog: Catalog, path: str, line: int, text: bytes) -> list[Hit]:
    language = catalog.language_for(path)
    if language is None:
        return []
    hits = []
    for pattern in catalog.by_language.get(language, ()):
        match = pattern.compiled.search(text)
        if match:
            group = match.group(1).decode("utf-8", "replace") if pattern.role == "wrapper-call" else None
            hits.append(Hit(pattern, path, language, line, match.start(), text, group))
    return hits


_COMMENT_PREFIXES = (b"#", b"//", b"--", b";")


def _keep(hit: Hit, source: SourceFile | None, lines: list[bytes] | None) -> bool:
    """Drop hits in comments/strings (per the pattern's code_only) and those its `unless` excuses."""
    mode = hit.pattern.code_only
    if mode:
        if source is not None and source.tree is not None:
            context = source.context(hit.line, hit.col)
            if context == "comment" or (mode is True and context == "string"):
                return False
        elif hit.text.lstrip().startswith(_COMMENT_PREFIXES):
            return False
    if hit.pattern.unless is not None:
        window = [hit.text]
        if lines is not None and hit.pattern.unless_lines:
            window = lines[hit.line - 1: hit.line + hit.pattern.unless_lines]
        if hit.pattern.unless.search(b"\n".join(window)):
            return False
    return True


def _snippet(text: bytes) -> str:
    snippet = text.decode("utf-8", "replace").strip()
    return snippet if len(snippet) <= _SNIPPET_MAX else snippet[: _SNIPPET_MAX - 1] + "…"


class _Repo:
    """Files of one scan, read at most once each."""

    def __init__(self, root: Path, catalog: Catalog, skipped: dict[str, int]):
        self.root = root
        self.catalog = catalog
        self.skipped = skipped
        self.sources: dict[str, SourceFile | None] = {}
        self.lines: dict[str, list[bytes] | None] = {}
        self.non_utf8: set[str] = set()

    def _read(self, path: str) -> bytes | None:
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            self.skipped["unreadable"] += 1
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self.non_utf8.add(path)
        return data

    def source(self, path: str) -> SourceFile | None:
        if path not in self.sources:
            lang = self.catalog.language_for(path)
            data = self._read(path) if lang else None
            self.lines[path] = data.split(b"\n") if data is not None else None
            spec = self.catalog.languages.get(lang) if lang else None
            self.sources[path] = SourceFile(path, spec, data) if data is not None and spec else None
        return self.sources[path]

    def file_lines(self, path: str) -> list[bytes] | None:
        self.source(path)
        return self.lines.get(path)


def _find_definitions(root: Path, catalog: Catalog, names: set[str]) -> list[str]:
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


def _request_path(
    path: str, line: int, func: Function | None, handlers: list[Handler]
) -> tuple[bool | None, str | None]:
    """Is (path, line) inside a handler, or inside a function a handler calls by name (one level)?"""
    for handler in handlers:
        if handler.path == path and handler.start_line <= line <= handler.end_line:
            return True, handler.name
    if func is not None:
        for handler in handlers:
            if handler.path == func.path and handler.start_line == func.start_line:
                continue
            if calls_name(handler.body, func.name):
                return True, handler.name
    return (False, None) if handlers else (None, None)


def _finding(hit: Hit, category: str, pattern_id: str, detail: str, func: Function | None,
             in_path: bool | None, handler: str | None) -> Finding:
    # Code directly inside an anonymous handler (`app.post("/x", async (req, res) => ...)`) has no
    # function name of its own: the handler's route label is the most useful name for it.
    symbol = func.qualified if func else (handler if in_path else None)
    return Finding(
        id="",
        category=category,
        language=hit.language,
        path=hit.path,
        line=hit.line,
        snippet=_snippet(hit.text),
        enclosing_symbol=symbol,
        pattern=pattern_id,
        detail=detail,
        in_request_path=in_path,
        handler=handler,
        raw_ref=f"{hit.path}:{hit.line}",
    )


def scan_tree(root: Path, catalog: Catalog, extra_ignores: list[str] | None = None) -> dict[str, Any]:
    """The scan itself, on a resolved directory; scan_repo adds the profile around it."""
    stdout, stderr = _run_rg(rg_command(catalog, extra_ignores), root)
    skipped = count_skipped(stderr)
    searched = count_files(stderr, skipped)
    raw_matches = parse_rg_matches(stdout)
    repo = _Repo(root, catalog, skipped)

    hits: list[Hit] = []
    for path, line, text, utf8 in raw_matches:
        if not utf8:
            repo.non_utf8.add(path)
        hits.extend(_hits_for_line(catalog, path, line, text))
    kept = [h for h in hits if _keep(h, repo.source(h.path), repo.file_lines(h.path))]

    # Request handlers: from registrations, resolving handler names defined in other files.
    handlers: list[Handler] = []
    unresolved: dict[str, set[str]] = defaultdict(set)  # name -> registration refs
    for hit in kept:
        if hit.pattern.role != "registration":
            continue
        source = repo.source(hit.path)
        if source is None:
            continue
        found, names = source.handlers_for(hit.pattern, hit.line, hit.col)
        handlers.extend(found)
        for name in names:
            unresolved[name].add(f"{hit.path}:{hit.line}")
    if unresolved:
        by_name: dict[str, list[Function]] = defaultdict(list)
        for path in list(repo.sources):
            source = repo.sources[path]
            for func in source.functions() if source else []:
                by_name[func.name].append(func)
        missing = {n for n in unresolved if n not in by_name}
        if missing:
            for path in _find_definitions(root, catalog, missing):
                source = repo.source(path)
                for func in source.functions() if source else []:
                    by_name[func.name].append(func)
        for name, refs in unresolved.items():
            for func in by_name.get(name, []):
                handlers.append(Handler(func.qualified, func.path, func.start_line, func.end_line, func.body,
                                        sorted(refs)[0]))

    def enclosing(hit: Hit) -> Function | None:
        source = repo.source(hit.path)
        return source.enclosing_function(hit.line, hit.col) if source and source.tree else None

    findings: list[Finding] = []
    wrappers: dict[str, tuple[Function, Hit]] = {}
    wrapper_calls: list[Hit] = []
    entries: list[Hit] = []
    sigterm_languages: set[str] = set()
    for hit in kept:
        role = hit.pattern.role
        if role == "registration":
            continue
        if role == "entry-point":
            if not any(fnmatch.fnmatchcase(hit.path, g) for g in catalog.entry_point_skip_globs):
                entries.append(hit)
            continue
        if role == "wrapper-call":
            wrapper_calls.append(hit)
            continue
        if role == "sigterm":
            sigterm_languages.add(hit.language)
        func = enclosing(hit)
        detail = hit.pattern.detail
        if hit.pattern.primitive and func and func.name in catalog.spawn_wrapper_names:
            wrappers.setdefault(func.name, (func, hit))
            detail += f" It sits inside `{func.qualified}`, an in-process spawn wrapper."
        in_path, handler = _request_path(hit.path, hit.line, func, handlers)
        findings.append(_finding(hit, hit.pattern.category, hit.pattern.id, detail, func, in_path, handler))

    for hit in wrapper_calls:
        if hit.group not in wrappers:
            continue
        wrapper, primitive = wrappers[hit.group]
        if hit.path == wrapper.path and wrapper.start_line <= hit.line <= wrapper.end_line:
            continue
        func = enclosing(hit)
        in_path, handler = _request_path(hit.path, hit.line, func, handlers)
        if in_path is False:
            continue
        primitive_name = primitive.pattern.id
        detail = (
            f"calls spawn wrapper `{wrapper.qualified}` ({wrapper.path}:{wrapper.start_line}), which starts "
            f"{_snippet(primitive.text).split('(')[0]} ({primitive.path}:{primitive.line}, {primitive_name}); "
            "the work is in-process and outlives the request, with no durable queue."
        )
        findings.append(_finding(hit, "background-work", hit.pattern.id, detail, func, in_path, handler))

    for hit in entries:
        if hit.language in sigterm_languages:
            continue
        func = enclosing(hit)
        detail = (
            f"entry point with no SIGTERM handler or graceful shutdown anywhere in the {hit.language} code: "
            "when Cloud Run stops the instance, in-flight requests and background work are cut off."
        )
        findings.append(_finding(hit, "signal-handling", "sigterm-absent", detail, func, None, None))

    findings = _dedupe(findings)
    skipped["non_utf8"] = len(repo.non_utf8)
    return {
        "findings": findings,
        "files_scanned": searched,
        "skipped": skipped,
        "handlers": sorted({f"{h.name} ({h.path}:{h.start_line})" for h in handlers}),
        "spawn_wrappers": sorted(f"{f.qualified} ({f.path}:{f.start_line})" for f, _ in wrappers.values()),
    }


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (path, line, category): the first catalog pattern wins; ids follow path:line order."""
    seen = set()
    unique = []
    for finding in findings:
        key = (finding["path"], finding["line"], finding["category"])
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    unique.sort(key=lambda f: (f["path"], f["line"], f["category"]))
    for number, finding in enumerate(unique, 1):
        finding["id"] = f"f-{number:03d}"
    return unique


def _is_git_repo(root: Path) -> bool:
    return any((p / ".git").exists() for p in (root, *root.parents))


# tool
def scan_repo(path: str, profile: str | None = None) -> dict[str, Any]:
    """Scan a repository checkout for the code constructs that explain Cloud Run incidents."""
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"repository path {path!r} does not exist")
    if not root.is_dir():
        raise InputError(f"repository path {path!r} is not a directory")
    root = root.resolve()
    chosen = load_profile(profile)
    catalog = load_catalog()
    result = scan_tree(root, catalog, chosen["ignore"])
    gaps: list[DataGap] = []
    if result["files_scanned"] == 0:
        gaps.append(DataGap(
            source="repository",
            missing_signal="application source code",
            why_missing=f"no source files of a known language under {path}",
            follow_up=f"crobs scan-repo <checkout of the service's source at the deployed commit> (scanned {path})",
        ))
    inspect = []
    for rel in chosen["always_inspect"]:
        exists = (root / rel).is_file()
        inspect.append({"path": rel, "exists": exists,
                        "findings": sum(1 for f in result["findings"] if f["path"] == rel)})
        if not exists:
            gaps.append(DataGap(
                source="repository",
                missing_signal=f"{rel} (always inspected by profile {chosen['name']})",
                why_missing=f"{rel} is not in the scanned tree",
                follow_up=f"check that {path} is the {chosen['name']} checkout, then crobs scan-repo {path}",
            ))
    return {
        "path": str(root),
        "profile": chosen["name"],
        "git_repo": _is_git_repo(root),
        "findings": result["findings"],
        "files_scanned": result["files_scanned"],
        "skipped": result["skipped"],
        "handlers": result["handlers"],
        "spawn_wrappers": result["spawn_wrappers"],
        "always_inspect": inspect,
        "known_risks": chosen["known_risks"],
        "data_gaps": gaps,
    }
