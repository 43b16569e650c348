"""Read a report from .json or .md and write both forms safely.

Every way a report file can be wrong (missing, empty, binary, too big, broken
JSON, Markdown that is not in the sample layout) becomes one InputError line
naming the file, because these tools are called by models and CI where a
traceback helps nobody. Writes go through a temp file and os.replace so a
reader never sees half a report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.errors import InputError
from tools.safety.atomic import write_atomic

MAX_REPORT_BYTES = 5 * 1024 * 1024  # a real report is tens of KB; anything this big is the wrong file


def _read_text(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise InputError(f"{path}: no such file")
    if file.is_dir():
        raise InputError(f"{path}: is a directory, not a report file")
    if not file.is_file():
        raise InputError(f"{path}: not a regular file, expected a JSON or Markdown report")
    try:
        with file.open("rb") as handle:  # bounded read: a wrong path must not fill memory
            data = handle.read(MAX_REPORT_BYTES + 1)
        if len(data) > MAX_REPORT_BYTES:
            raise InputError(f"{path}: larger than {MAX_REPORT_BYTES} bytes, too large for a report")
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if b"\0" in data:
        raise InputError(f"{path}: binary file, expected a JSON or Markdown report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}), expected a JSON or Markdown report") from exc


def _looks_like_json(path: str, text: str) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return True
    if suffix in (".md", ".markdown"):
        return False
    return text.lstrip()[:1] in ("{", "[")


def load_report(path: str) -> dict[str, Any]:
    """The report dict from a .json or .md file (by extension, else by content); InputError on bad input."""
    text = _read_text(path)
    if not _looks_like_json(path, text):
        from tools.report.parse import parse_markdown

        return parse_markdown(text, source=path)
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: invalid JSON: nested too deeply") from exc
    if not isinstance(report, dict):
        kind = {list: "an array", str: "a string"}.get(type(report), type(report).__name__)
        raise InputError(f"{path}: the report must be a JSON object, found {kind}")
    return report


def write_text_atomic(path: str, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never half of it.

    Regular files only, keeping an existing file's mode (tools/safety/atomic.py).
    """
    write_atomic(path, text)


def write_report_files(report: dict[str, Any], out_dir: str) -> dict[str, str]:
    """Write report.json and report.md into out_dir; returns {"json": path, "markdown": path}.

    The Markdown is rendered before anything is written, so a report the
    renderer cannot handle leaves the directory untouched. Both files pass
    the one masking step (tools.safety.mask) first.
    """
    from tools.report.render import neutral_report, render_markdown
    from tools.safety.mask import mask_text, mask_value

    # masked before rendering: escaping or cutting must not hide a secret's shape; then made inert, so the
    # JSON holds the same text the Markdown shows
    report = neutral_report(mask_value(report))
    markdown = mask_text(render_markdown(report))
    body = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    paths = {"json": str(Path(out_dir) / "report.json"), "markdown": str(Path(out_dir) / "report.md")}
    write_text_atomic(paths["json"], body)
    write_text_atomic(paths["markdown"], markdown)
    return paths
