"""The LogEntry JSON files behind one SQL read: a single export, or a downloaded Cloud Storage sink tree.

A Cloud Storage log sink writes hourly, sharded files under LOG_ID/YYYY/MM/DD/ (for example
`run.googleapis.com/requests/2026/12/03/08:00:00_08:59:59_S0.json`, see
https://cloud.google.com/logging/docs/export/storage), so a window exported that way is a directory
tree, not one file. Every `.json`, `.jsonl` and `.ndjson` file under it is read, grouped by format (JSON
lines, or the JSON array `gcloud logging read --format=json` prints); a binary or unreadable file is
skipped and named, so one bad download does not stop the read of the others.
"""

from __future__ import annotations

from pathlib import Path

from tools.errors import InputError

SUFFIXES = (".json", ".jsonl", ".ndjson")
MAX_FILES = 100_000  # a month of hourly shards for a few dozen logs; more is a wrong directory
MAX_SKIPPED_NAMED = 5


def file_format(path: Path) -> str:
    """'array' for a JSON array (gcloud --format=json), 'newline_delimited' for JSON lines."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if b"\x00" in head:
        raise InputError(f"{path}: binary file, expected Cloud Logging LogEntry JSON (lines or an array)")
    stripped = head.lstrip()
    return "array" if stripped.startswith(b"[") else "newline_delimited"


def log_files(root: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """The files to read by format, and one line per file skipped (why), for a file or a directory tree."""
    if root.is_file():
        return {file_format(root): [root]}, []
    if not root.is_dir():
        raise InputError(f"{root}: not a file or directory")
    groups: dict[str, list[Path]] = {}
    skipped: list[str] = []
    found = 0
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if not path.is_file():
            continue
        found += 1
        if found > MAX_FILES:
            raise InputError(f"{root}: more than {MAX_FILES:,} log files; point at the directory of the window "
                             "(LOG_ID/YYYY/MM/DD) instead")
        try:
            groups.setdefault(file_format(path), []).append(path)
        except InputError as exc:
            skipped.append(str(exc))
        except OSError as exc:
            skipped.append(f"{path}: cannot read: {exc.strerror or exc}")
    if not groups:
        why = f" ({len(skipped)} skipped: {skipped[0]})" if skipped else ""
        raise InputError(f"{root}: no Cloud Logging export files ({', '.join(SUFFIXES)}) to read{why}")
    return groups, skipped


def skipped_summary(skipped: list[str]) -> dict[str, object]:
    """The digest's account of skipped files: how many, and the first few with why."""
    return {"files_skipped": len(skipped), "skipped": skipped[:MAX_SKIPPED_NAMED]} if skipped else {}
