"""Pin runtime errors on the application's own `file:line` through the stack traces in error logs.

A traceback says exactly where the code failed; an on-call engineer wants
that line, not "a Python traceback happened". Formats (Python, Node, JVM,
Go, Rust, Ruby, .NET, PHP) and the library markers live in
tools/data/stack_frames.yaml. A frame counts only when it resolves to a file
in the repository whose path agrees with the frame's path at the end (the
container prefix such as /app is ignored) and the line exists, so every
ref this module returns is a real `path:line`. A decode error without a trace
that names a type's field (Go's json, Jackson) is pinned on the field's
declaration instead (tools/scan/code/field_refs.py).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.analysis.error_line import error_line
from tools.analysis.evidence.runtime import record_service
from tools.paths import DATA
from tools.scan.code.field_refs import FieldLocator

FORMATS_PATH = DATA / "stack_frames.yaml"
MAX_MESSAGE_CHARS = 65_536
MAX_INDEXED_FILES = 200_000
MAX_SOURCE_BYTES = 4 * 1024 * 1024


@cache
def _catalog() -> dict[str, Any]:
    data = yaml.safe_load(FORMATS_PATH.read_text(encoding="utf-8")) or {}
    formats = []
    for fmt in data.get("formats") or []:
        formats.append({**fmt, "compiled": re.compile(fmt["regex"])})
    return {"formats": formats, "library_markers": tuple(data.get("library_markers") or ()),
            "field_formats": list(data.get("field_formats") or ()),
            "skip_dirs": frozenset(data.get("skip_dirs") or ()),
            "app_roots": tuple(tuple(r.strip("/").split("/")) for r in data.get("app_roots") or ())}


def _jvm_path(function: str, file_name: str) -> str:
    """`jp.example.reports.ReportStore.save` + `ReportStore.java` -> `jp/example/reports/ReportStore.java`."""
    package = []
    for part in function.split("."):
        if not part or part[0].isupper() or "$" in part or "<" in part:
            break
        package.append(part)
    return "/".join([*package, file_name])


def extract_frames(message: str) -> list[dict[str, Any]]:
    """Frames of the first stack-trace format found in `message`, innermost first."""
    text = message[:MAX_MESSAGE_CHARS]
    catalog = _catalog()
    for fmt in catalog["formats"]:
        if fmt["gate"] not in text:
            continue
        frames = []
        for match in fmt["compiled"].finditer(text):
            groups = match.groupdict()
            function = groups.get("function") or ""
            path = groups.get("path") or ""
            if fmt.get("package_path"):
                path = _jvm_path(function, groups.get("file") or "")
            if not path:
                continue
            library = any(m in path or m in function for m in catalog["library_markers"])
            frames.append({"path": path, "line": int(groups["line"]), "function": function.strip() or None,
                           "format": fmt["id"], "library": library})
        if frames:
            return frames[::-1] if fmt.get("innermost") == "last" else frames
    return []


class RepoIndex:
    """Repository files by base name, so a frame path can be matched without walking per frame."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._by_name: dict[str, list[tuple[str, ...]]] | None = None
        self._lines: dict[str, list[str] | None] = {}

    def _index(self) -> dict[str, list[tuple[str, ...]]]:
        if self._by_name is None:
            skip = _catalog()["skip_dirs"]
            by_name: dict[str, list[tuple[str, ...]]] = {}
            count = 0
            for dirpath, dirnames, filenames in os.walk(self.root):
                dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("."))
                rel = Path(dirpath).relative_to(self.root).parts
                for name in filenames:
                    by_name.setdefault(name, []).append((*rel, name))
                    count += 1
                if count >= MAX_INDEXED_FILES:
                    break
            self._by_name = by_name
        return self._by_name

    def source_line(self, rel: str, line: int) -> str | None:
        """The text of `rel:line`, or None when the file is unreadable or shorter."""
        if rel not in self._lines:
            path = self.root / rel
            try:  # a source file over the cap (a bundle, a dump) is never read whole for one line
                small = path.stat().st_size <= MAX_SOURCE_BYTES
                self._lines[rel] = path.read_text(encoding="utf-8", errors="replace").splitlines() if small else None
            except OSError:
                self._lines[rel] = None
        lines = self._lines[rel]
        if not lines or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def resolve(self, frame_path: str, line: int) -> str | None:
        """The repository-relative path a frame points at, when exactly one file agrees with it."""
        parts = tuple(p for p in frame_path.replace("\\", "/").split("/") if p and p != ".")
        if not parts:
            return None
        best: list[tuple[str, ...]] = []
        best_len = 0
        # under a container's app root (/workspace for buildpacks, /app) the rest is the path in the build
        # source directory: a match of all of it is enough, even of the base name alone
        rooted = next((len(parts) - len(r) for r in _catalog()["app_roots"] if parts[:len(r)] == r), 0)
        for candidate in self._index().get(parts[-1], []):
            common = 0
            while (common < min(len(parts), len(candidate))
                   and parts[-1 - common] == candidate[-1 - common]):
                common += 1
            # the repo path is the tail of the container path, or (JVM) the package path is the repo path's tail
            if common != rooted and (common < min(len(parts), len(candidate))
                                     or (common == 1 and len(parts) > 1 and len(candidate) > 1)):
                continue
            if common > best_len:
                best, best_len = [candidate], common
            elif common == best_len:
                best.append(candidate)
        if len(best) != 1:
            return None
        rel = "/".join(best[0])
        text = (self.source_line(rel, line) or "").strip()
        # a frame on a blank or bracket-only line is a trace from other code than this checkout: not citable
        return rel if text and not set(text) <= set("{}()[];,") else None


def locate_errors(records: list[dict[str, Any]], repo: str | Path | None,
                  matcher: Any = None) -> list[dict[str, Any]]:
    """Group error records by the innermost application frame they resolve to in `repo`.

    Returns `[{path, line, raw_ref, function, snippet, error, count, first_seen,
    last_seen, example_ref, signature_ids, service, revisions, format}]`,
    most frequent first. Records without a resolvable frame are ignored.
    """
    if not repo or not Path(repo).is_dir():
        return []
    if matcher is None:
        from tools.analysis.signatures import default_matcher

        matcher = default_matcher()
    index = RepoIndex(repo)
    fields = FieldLocator(repo, _catalog()["field_formats"], index.source_line)
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for record in records:
        message = record.get("message")
        if not isinstance(message, str):
            continue
        resolved = None
        if "\n" in message or "panicked at" in message:
            for frame in extract_frames(message):
                if frame["library"]:
                    continue
                rel = index.resolve(frame["path"], frame["line"])
                if rel is not None:
                    resolved = (rel, frame)
                    break
        if resolved is None:  # no trace: a decode error may still name the field it choked on
            field = fields.locate(message[:MAX_MESSAGE_CHARS])
            resolved = (field["path"], field) if field else None
        if resolved is None:
            continue
        rel, frame = resolved
        timestamp = str(record.get("timestamp") or "")
        group = groups.get((rel, frame["line"]))
        if group is None:
            group = groups[(rel, frame["line"])] = {
                "path": rel, "line": frame["line"], "raw_ref": f"{rel}:{frame['line']}",
                "function": frame["function"], "format": frame["format"],
                "snippet": (index.source_line(rel, frame["line"]) or "").strip(),
                "error": frame.get("error") or error_line(message[:MAX_MESSAGE_CHARS]), "count": 0,
                "first_seen": timestamp, "last_seen": timestamp,
                "example_ref": record.get("raw_ref"), "signature_ids": [], "services": set(), "revisions": set(),
            }
        group["count"] += 1
        if timestamp and (not group["first_seen"] or timestamp < group["first_seen"]):
            group["first_seen"], group["example_ref"] = timestamp, record.get("raw_ref") or group["example_ref"]
        group["last_seen"] = max(group["last_seen"], timestamp)
        for sig in matcher.match(record):
            if sig["id"] not in group["signature_ids"]:
                group["signature_ids"].append(sig["id"])
        service = record_service(record)
        if service:
            group["services"].add(service)
        revision = (record.get("resource") or {}).get("revision_name")
        if revision:
            group["revisions"].add(revision)
    located = []
    for group in sorted(groups.values(), key=lambda g: (-g["count"], g["first_seen"])):
        services = sorted(group.pop("services"))
        located.append({**group, "service": services[0] if len(services) == 1 else None,
                        "revisions": sorted(group["revisions"])})
    return located
