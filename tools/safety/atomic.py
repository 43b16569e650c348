"""Writing an output file atomically, into a regular file only, keeping its mode.

Every file the tools write for the user (report.json and report.md, `render
--out`, `--emit-alerts` files, `eval --json`/`--markdown`) goes through
`write_atomic`: the text is written to a temp file in the same directory and
moved over the target with os.replace, so a reader sees the old file or the
new one, never half of one. What is at the path decides whether we write:

- nothing, or a regular file: written; an existing file keeps its mode
  (a report someone made group-readable stays so), a new one gets the
  usual 0666 minus umask, not mkstemp's 0600;
- a directory, a symbolic link, a named pipe, a device or a socket: refused
  with one UsageError line (exit 2). Replacing a symlink would silently
  cut a link someone made on purpose, and following it writes where the
  user did not say; a pipe or device is never a report.

`check_output` makes the same checks without writing, so a command that
works for minutes (eval) can refuse a bad path before it starts.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from tools.errors import UsageError

_KINDS = {stat.S_ISDIR: "a directory", stat.S_ISLNK: "a symbolic link", stat.S_ISFIFO: "a named pipe",
          stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}


def check_output(path: str | os.PathLike[str]) -> int | None:
    """The mode to keep (None for a new file); UsageError when `path` is not somewhere a file may be written."""
    target = Path(path)
    if not str(path) or str(path).endswith(os.sep):
        raise UsageError(f"{path}: is a directory path; give a file name")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError as exc:
        raise UsageError(f"{path}: a parent of it is a file, not a directory") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    if info is not None:
        for test, kind in _KINDS.items():
            if test(info.st_mode):
                raise UsageError(f"{path}: is {kind}, not a regular file; refusing to write over it")
        return stat.S_IMODE(info.st_mode)
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"{path}: {parent} is not a directory")
    return None


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> str:
    """Write `data` (text as UTF-8 with \\n line ends) to `path` atomically; returns the path as given."""
    mode = check_output(path)
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        check_output(path)  # a directory or link made meanwhile is still not ours to replace
        os.replace(tmp, target)
    except UsageError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return str(path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
