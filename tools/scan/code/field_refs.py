"""Pin a decode error on the declaration of the field it names.

`json: cannot unmarshal string into Go struct field Geo.device.geo.lat of
type float64` has no stack trace, but it names the type and the field whose
declaration (type, json tag) the fix touches. The formats live in
tools/data/stack_frames.yaml (`field_formats`); the type is found with one
narrow rg search, and only a declaration inside that type's body counts.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from tools.scan.rg_search import rg_binary

MAX_BODY_LINES = 400


def _compile(formats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**fmt, "compiled": re.compile(fmt["regex"])} for fmt in formats]


def _definitions(root: Path, rg_type: str, regex: str) -> list[tuple[str, int]]:
    """(path, line) of every line matching `regex` in files of `rg_type` (ignore files respected)."""
    cmd = [rg_binary(), "--no-config", "--no-require-git", "--line-number", "--with-filename", "--no-heading",
           "--null", "--color", "never", "--max-filesize", "4M", "-t", rg_type, "-e", regex, "--", "."]
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for raw in proc.stdout.splitlines():
        path, _, rest = raw.partition(b"\0")
        number = rest.split(b":", 1)[0]
        if number.isdigit():
            found.append((path.decode("utf-8", "replace").removeprefix("./"), int(number)))
    return sorted(found)


def _sentence(text: str, start: int, end: int) -> str:
    """The error text around a match, cut at the quotes or line ends of the JSON or log line holding it."""
    begin = max(text.rfind('"', 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find('"', end), text.find("\n", end)) if i >= 0]
    return text[begin:min(stops) if stops else len(text)].strip()


class FieldLocator:
    """Resolves the (type, field) a decode error names to `path:line`, once per pair."""

    def __init__(self, root: str | Path, formats: list[dict[str, Any]], source_line: Any):
        self.root = Path(root)
        self.formats = _compile(formats)
        self.source_line = source_line  # (rel, line) -> text | None, shared with the frame resolver
        self._cache: dict[tuple[str, str, str], tuple[str, int] | None] = {}

    def locate(self, message: str) -> dict[str, Any] | None:
        """{path, line, function, format} for the field's declaration, or None."""
        for fmt in self.formats:
            if fmt["gate"] not in message:
                continue
            match = fmt["compiled"].search(message)
            if not match:
                continue
            type_name, field = match.group("type"), match.group("field")
            key = (fmt["id"], type_name, field)
            if key not in self._cache:
                self._cache[key] = self._find(fmt, type_name, field)
            found = self._cache[key]
            if found:
                return {"path": found[0], "line": found[1], "function": f"{type_name}.{field}", "format": fmt["id"],
                        "error": _sentence(message, match.start(), match.end())}
        return None

    def _find(self, fmt: dict[str, Any], type_name: str, field: str) -> tuple[str, int] | None:
        start = fmt["type_start"].replace("{type}", re.escape(type_name))
        field_re = re.compile(fmt["field_line"].replace("{field}", re.escape(field)))
        end_re = re.compile(fmt["body_end"])
        hits = []
        for rel, line in _definitions(self.root, fmt["rg_type"], start):
            for number in range(line + 1, line + MAX_BODY_LINES):
                text = self.source_line(rel, number)
                if text is None or end_re.search(text):
                    break
                if field_re.search(text):
                    hits.append((rel, number))
                    break
        return hits[0] if len(hits) == 1 else None  # two types of that name: not ours to guess
