"""scan_repo: point at the exact lines of an application's code that explain a
Cloud Run incident (background work reached from a request, bind address,
SIGTERM handling, memory, timeouts, pools).

One `rg --json` pass over the tree with every catalog regex keeps the cost
close to bare ripgrep; only the files ripgrep matched are re-read and parsed
with tree-sitter, to drop hits in comments/strings, name the enclosing
function and decide whether a request handler reaches it.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import InputError
from tools.records import DataGap, Finding
from tools.scan.code.build_scope import Scope, build_scope
from tools.scan.code.call_sites import Reach, call_sites, pick_site
from tools.scan.code.patterns import Catalog, Pattern, load_catalog
from tools.scan.code.periodic_work import periodic_loop
from tools.scan.code.registrations import handlers_for
from tools.scan.code.request_paths import RequestPaths, family, resolve_elsewhere
from tools.scan.code.symbols import Function, Handler, SourceFile
from tools.scan.profiles import load_profile
from tools.scan.repo_files import RepoFiles, clean_prefix, under_prefix
from tools.scan.rg_search import Search, rg_binary, rg_command

__all__ = ["rg_binary", "rg_command", "scan_repo", "scan_tree", "format_scan"]

SKIP_KEYS = ("binary", "too_large", "non_utf8", "unreadable", "ignored", "symlink_loops", "outside_repo",
             "not_deployed")
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
    # tree-sitter answers, worked out while rg is still searching (its two threads share the cores with
    # this one, so work done then costs about half the wall time it costs once rg has finished)
    func: Function | None = None
    handlers: tuple[list[Handler], list[str]] = ([], [])
    shown_path: str = ""
    snippet: str = ""


def _hits_for_line(catalog: Catalog, path: str, line: int, text: bytes, language: str | None = None) -> list[Hit]:
    language = language or catalog.language_for(path)
    if language is None:
        return []
    hits = []
    for pattern in catalog.candidates(language, text):
        match = pattern.compiled.search(text)
        if match:
            group = match.group(1).decode("utf-8", "replace") if pattern.role == "wrapper-call" else None
            hits.append(Hit(pattern, path, language, line, match.start(), text, group))
    return hits


_COMMENT_PREFIXES = (b"#", b"//", b"--", b";")


def _keep(hit: Hit, source: SourceFile | None, repo: RepoFiles) -> bool:
    """Drop hits in comments/strings (per the pattern's code_only) and those its `unless` excuses."""
    mode = hit.pattern.code_only
    if mode:
        if source is not None and source.parsable:
            context = source.context(hit.line, hit.col)
            if context == "comment" or (mode is True and context == "string"):
                return False
        elif hit.text.lstrip().startswith(_COMMENT_PREFIXES):
            return False
    pattern = hit.pattern
    if not pattern.text_allows(hit.text, hit.line, repo.file_lines(hit.path) if pattern.needs_lines else None):
        return False
    return not pattern.inside or (source is not None and source.inside(hit.line, hit.col, pattern.inside,
                                                                       pattern.inside_text))


def _display(path: str) -> str:
    """A file name that is not UTF-8 is read through its surrogate-escaped str, but reported printable."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _snippet(text: bytes) -> str:
    snippet = text.decode("utf-8", "replace").strip()
    return snippet if len(snippet) <= _SNIPPET_MAX else snippet[: _SNIPPET_MAX - 1] + "…"


PERIODIC = "periodic-background-loop"


def _periodic_detail(hit: Hit, where: str, line: int) -> str:
    return (f"starts a loop that runs on a timer for the life of the instance ({where}, {hit.shown_path}:{line}), "
            "outside any request: with CPU allocated only during requests it runs throttled between them and "
            "can be stopped at any time.")


def _finding(hit: Hit, category: str, pattern_id: str, detail: str, func: Function | None,
             in_path: bool | None, handler: str | None) -> Finding:
    # Code directly inside an anonymous handler (`app.post("/x", async (req, res) => ...)`) has no
    # function name of its own: the handler's route label is the most useful name for it.
    symbol = func.qualified if func else (handler if in_path else None)
    path = hit.shown_path
    return Finding(
        id="",
        category=category,
        language=hit.language,
        path=path,
        line=hit.line,
        snippet=hit.snippet,
        enclosing_symbol=symbol,
        pattern=pattern_id,
        detail=detail,
        in_request_path=in_path,
        handler=handler,
        raw_ref=f"{path}:{hit.line}",
    )


def scan_tree(root: Path, catalog: Catalog, extra_ignores: list[str] | None = None,
              scope: Scope | None = None) -> dict[str, Any]:
    """The scan itself, on a resolved directory; scan_repo adds the profile and the build scope around it.

    Files the target does not run (tests, vendored code, a browser app, another service's sources: see
    tools/scan/code/build_scope.py) are searched by rg but yield no finding, registration or entry point.
    """
    skipped = dict.fromkeys(SKIP_KEYS, 0)
    repo = RepoFiles(root, catalog, skipped)
    kept: list[Hit] = []

    languages: dict[str, str | None] = {}
    shown: dict[str, str] = {}  # path -> its printable form

    current: list[str] = [""]  # the file rg is printing; its matches arrive together

    def on_match(path: str, line: int, text: bytes) -> None:
        if path != current[0]:
            previous = repo.sources.get(current[0])
            if previous is not None:
                previous.release()  # hold one file's trees at a time, not every matched file's
            current[0] = path
        if path not in languages:
            languages[path] = catalog.language_for(path)
            if languages[path] is not None and scope is not None and not scope.allows(path):
                skipped["not_deployed"] += 1
                languages[path] = None
        if languages[path] is None:
            return
        for hit in _hits_for_line(catalog, path, line, text, languages[path]):
            if not repo.readable(path):
                return
            source = repo.source(path)
            if not _keep(hit, source, repo):
                continue
            role = hit.pattern.role
            if source is not None and source.parsable:
                if role == "registration":
                    hit.handlers = handlers_for(source, hit.pattern, hit.line, hit.col)
                elif role not in ("wrapper-call", "entry-point"):  # few of those are reported: later, on demand
                    hit.func = source.enclosing_function(hit.line, hit.col)
            if path not in shown:
                shown[path] = _display(path)
            hit.shown_path, hit.snippet = shown[path], _snippet(hit.text)
            kept.append(hit)

    search = Search(root, catalog, extra_ignores)
    searched = search.run(on_match)["files_searched"] or 0
    # rg's threads print files in no fixed order; the report must not depend on it (which handler a function
    # is credited to is the first that calls it)
    kept.sort(key=lambda hit: (hit.path, hit.line, hit.col))

    # Request handlers: from registrations, resolving handler names defined in other files.
    handlers: list[Handler] = []
    unresolved: dict[tuple[str, str], set[str]] = defaultdict(set)  # (language family, name) -> registrations
    for hit in kept:
        if hit.pattern.role != "registration":
            continue
        found, names = hit.handlers
        handlers.extend(found)
        for name in names:
            unresolved[(family(hit.language), name)].add(f"{hit.path}:{hit.line}")
    if unresolved:
        handlers += resolve_elsewhere(root, catalog, repo, unresolved)

    request_paths = RequestPaths(handlers)

    def enclosing(hit: Hit) -> Function | None:
        source = repo.source(hit.path)
        return source.enclosing_function(hit.line, hit.col) if source and source.parsable else None

    findings: list[Finding] = []
    wrappers: dict[str, tuple[Function, Hit]] = {}
    wrapper_calls: list[Hit] = []
    entries: list[Hit] = []
    sigterm_languages = {hit.language for hit in kept if hit.pattern.role == "sigterm"}
    pending: list[tuple[Hit, Function]] = []  # findings whose function's call site is cited too
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
        # a serve call without graceful shutdown is reported even beside the entry point's sigterm-absent:
        # it is the line where the fix (e.g. `.with_graceful_shutdown(...)`) goes
        func = hit.func
        detail = hit.pattern.detail
        if hit.pattern.primitive and func and func.name in catalog.spawn_wrapper_names:
            wrappers.setdefault(func.name, (func, hit))
            detail += f" It sits inside `{func.qualified}`, an in-process spawn wrapper."
        in_path, handler = request_paths.resolve(hit.path, hit.line, func)
        if hit.pattern.shared_state and func is None:
            in_path, handler = None, None
        if hit.pattern.primitive and hit.pattern.category == "background-work" and in_path is not True:
            loop = periodic_loop(repo.source(hit.path), repo.file_lines(hit.path), hit.language, hit.line)
            if loop is not None:
                findings.append(_finding(hit, "background-work", PERIODIC, _periodic_detail(hit, *loop), func,
                                         in_path, handler))
        if not hit.pattern.place_allows(hit.path, func.qualified if func else None, in_path):
            continue
        findings.append(_finding(hit, hit.pattern.category, hit.pattern.id, detail, func, in_path, handler))
        if hit.pattern.cite_call_site and func is not None and in_path is not True:
            pending.append((hit, func))

    for hit in wrapper_calls:
        if hit.group not in wrappers:
            continue
        wrapper, primitive = wrappers[hit.group]
        if hit.path == wrapper.path and wrapper.start_line <= hit.line <= wrapper.end_line:
            continue
        func = enclosing(hit)
        in_path, handler = request_paths.resolve(hit.path, hit.line, func)
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

    findings += _call_site_findings(root, catalog, repo, scope, request_paths, pending)
    findings = _dedupe(findings)
    skipped["non_utf8"] = len(repo.non_utf8)
    counts = search.counts()  # the ignored-files walk ran beside the work above
    for key in ("binary", "unreadable", "symlink_loops"):
        skipped[key] += counts[key] or 0
    skipped["ignored"] = counts["ignored"]
    return {
        "findings": findings,
        "files_scanned": max(0, searched - skipped["binary"] - skipped["too_large"]),
        "skipped": skipped,
        "handlers": sorted({f"{h.name} ({h.path}:{h.start_line})" for h in handlers}),
        "spawn_wrappers": sorted(f"{f.qualified} ({f.path}:{f.start_line})" for f, _ in wrappers.values()),
    }


def _call_site_findings(root: Path, catalog: Catalog, repo: RepoFiles, scope: Scope | None,
                        request_paths: RequestPaths, pending: list[tuple[Hit, Function]]) -> list[Finding]:
    """For each pending finding, the line that calls its function (tools/scan/code/call_sites.py), as a finding."""
    allows = scope.allows if scope is not None else (lambda path: True)
    sites = call_sites(root, catalog, {func.name: family(hit.language) for hit, func in pending}, allows)

    def enclosing(path: str, line: int, text: str) -> Function | None:
        source = repo.source(path)
        col = len(text) - len(text.lstrip())
        return source.enclosing_function(line, col) if source is not None and source.parsable else None

    reach = Reach(root, catalog, allows, enclosing, request_paths.resolve)

    out = []
    for hit, func in pending:
        chosen = pick_site(sites.get(func.name, []), func.path, func.start_line, func.end_line, reach)
        if chosen is None:
            continue
        (path, line, text), (in_path, handler) = chosen
        call = Hit(hit.pattern, path, hit.language, line, 0, text.encode(), shown_path=_display(path),
                   snippet=_snippet(text.encode()))
        detail = (f"calls `{func.qualified}` ({func.path}:{func.start_line}), where "
                  f"`{hit.snippet}` ({hit.path}:{hit.line}): {hit.pattern.detail}")
        source = repo.source(path)
        caller = source.enclosing_function(line, 0) if source is not None and source.parsable else None
        out.append(_finding(call, hit.pattern.category, "call-site", detail, caller, in_path, handler))
    return out


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


# tool
def scan_repo(path: str, profile: str | None = None, target: str | None = None, under: str | None = None,
              include_tests: bool = False) -> dict[str, Any]:
    """Scan a repository checkout for the code constructs that explain Cloud Run incidents.

    `target` picks the Dockerfile whose sources are scanned; `under` keeps one folder's findings (the whole
    tree is still read: a handler registered elsewhere still reaches them); `include_tests` adds tests, vendored
    and generated files, left out by default because the running service never executes them.
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"repository path {path!r} does not exist")
    if not root.is_dir():
        raise InputError(f"repository path {path!r} is not a directory")
    root = root.resolve()
    prefix = clean_prefix(root, under)
    chosen = load_profile(profile)
    catalog = load_catalog()
    scope = build_scope(root, target)
    scope.keep_not_deployed = bool(include_tests)
    result = scan_tree(root, catalog, chosen["ignore"], scope)
    every = result["findings"]
    result["findings"] = [f for f in every if under_prefix(f["path"], prefix)]
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
        "scope": scope.why + ("; tests, vendored and generated files included" if include_tests else ""),
        "under": {"prefix": prefix, "findings_elsewhere": len(every) - len(result["findings"])} if prefix else None,
        "git_repo": any((p / ".git").exists() for p in (root, *root.parents)),
        "findings": result["findings"],
        "files_scanned": result["files_scanned"],
        "skipped": result["skipped"],
        **{key: [h for h in result[key] if under_prefix(h.rpartition(" (")[2].rpartition(":")[0], prefix)]
           for key in ("handlers", "spawn_wrappers")},
        "always_inspect": inspect,
        "known_risks": chosen["known_risks"],
        "data_gaps": gaps,
    }


def format_scan(result: dict[str, Any]) -> str:
    """One line per finding, path:line first, so a terminal user can jump straight to the code."""
    lines = []
    for finding in result["findings"]:
        reach = f"  <- {finding['handler']}" if finding.get("in_request_path") and finding.get("handler") else ""
        lines.append(f"{finding['raw_ref']:<48} {finding['category']:<16} {finding['pattern']:<26} "
                     f"{finding.get('enclosing_symbol') or '-'}{reach}")
    skipped = ", ".join(f"{k} {v}" for k, v in result["skipped"].items() if v)
    under = f" under {result['under']['prefix']}" if result.get("under") else ""
    lines.append(f"{len(result['findings'])} findings{under} in {result['files_scanned']} files"
                 + (f" (skipped: {skipped})" if skipped else ""))
    lines += [f"data gap: {g['missing_signal']}: {g['why_missing']}" for g in result.get("data_gaps", [])]
    return "\n".join(lines)
