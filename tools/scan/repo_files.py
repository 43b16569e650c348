"""The files of one repository scan: read at most once each, and only those that really lie in the checkout.

Split from tools/scan/code/scan_repo.py. ripgrep names the files; this module decides
whether the scanner may read them (inside the checkout, under the size cap,
readable) and counts each one it declines, so a hostile tree is a set of
numbers in the result, never a crash or a file from outside the repository.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from tools.errors import InputError
from tools.scan.code.patterns import Catalog
from tools.scan.code.symbols import SourceFile


class RepoFiles:
    """Files of one scan, read at most once each, and only those that really lie in the checkout.

    A symlink leaving the checkout (to $HOME, /etc, another repo) is never read into a report; a file over
    the size cap, which rg searched all the same, is counted and left unread. Both are decided on the read
    itself (an O_NOFOLLOW open, then fstat), so a file costs no extra system call.
    """

    def __init__(self, root: Path, catalog: Catalog, skipped: dict[str, int]):
        self.root = str(root.resolve())
        self.catalog = catalog
        self.skipped = skipped
        self.max_bytes = catalog.max_filesize_bytes
        self.sources: dict[str, SourceFile | None] = {}
        self.data: dict[str, bytes | None] = {}
        self.lines: dict[str, list[bytes] | None] = {}
        self.non_utf8: set[str] = set()
        self.dirs_inside: dict[str, bool] = {"": True}

    def dir_inside(self, directory: str) -> bool:
        """Does this directory of rg's output really lie in the checkout? One lstat per directory: it is
        inside when its parent is and it is not a symlink leading out (rg runs --follow)."""
        known = self.dirs_inside.get(directory)
        if known is None:
            parent, _, _ = directory.rpartition("/")
            full = os.path.join(self.root, directory)
            known = self.dir_inside(parent) and (not os.path.islink(full) or self._under(os.path.realpath(full)))
            self.dirs_inside[directory] = known
        return known

    def _under(self, real: str) -> bool:
        return real == self.root or real.startswith(self.root + os.sep)

    def _open(self, path: str) -> int | None:
        full = f"{self.root}/{path}"  # rg paths are relative and normalised: no join needed
        if not self.dir_inside(path.rpartition("/")[0]):
            self.skipped["outside_repo"] += 1
            return None
        try:
            try:
                return os.open(full, os.O_RDONLY | os.O_NOFOLLOW)
            except OSError as exc:
                if exc.errno != errno.ELOOP:  # ELOOP: the file itself is a symlink
                    raise
            if not self._under(os.path.realpath(full)):
                self.skipped["outside_repo"] += 1
                return None
            return os.open(full, os.O_RDONLY)
        except OSError:
            self.skipped["unreadable"] += 1
            return None

    def _read(self, path: str) -> bytes | None:
        fd = self._open(path)
        if fd is None:
            return None
        try:
            size = os.fstat(fd).st_size
            if size > self.max_bytes:
                self.skipped["too_large"] += 1
                return None
            data = os.read(fd, size + 1)  # one call for a file of known size; loop only if it grew meanwhile
            while len(data) > size:
                more = os.read(fd, 1 << 20)
                if not more:
                    break
                data += more
        except OSError:
            self.skipped["unreadable"] += 1
            return None
        finally:
            os.close(fd)
        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                self.non_utf8.add(path)
        return data

    def readable(self, path: str) -> bool:
        """Read (once) and admitted: inside the checkout, under the cap, readable."""
        self.source(path)
        return self.data[path] is not None

    def source(self, path: str) -> SourceFile | None:
        if path not in self.sources:
            lang = self.catalog.language_for(path)
            data = self._read(path) if lang else None
            self.data[path] = data
            spec = self.catalog.languages.get(lang) if lang else None
            self.sources[path] = SourceFile(path, spec, data) if data is not None and spec else None
        return self.sources[path]

    def file_lines(self, path: str) -> list[bytes] | None:
        if path not in self.lines:
            self.source(path)
            data = self.data.get(path)
            self.lines[path] = data.split(b"\n") if data is not None else None
        return self.lines[path]


def clean_prefix(root: Path, under: str | None) -> str | None:
    """`under` (a folder or file of the checkout, e.g. `src/api`) as a repo-relative prefix; None for the whole repo.

    A prefix that leaves the checkout or names nothing is an input error, not an empty scan that reads
    as "no findings there".
    """
    if under is None or not str(under).strip().strip("/").strip("."):
        return None
    rel = os.path.normpath(str(under).strip()).replace("\\", "/").strip("/")
    if rel.startswith("..") or os.path.isabs(str(under).strip()):
        raise InputError(f"--under {under!r}: give a path inside the repository, relative to its root")
    if not (root / rel).exists():
        raise InputError(f"--under {under!r}: {rel} does not exist in {root}")
    return rel


def under_prefix(path: str, prefix: str | None) -> bool:
    """Is the repo-relative `path` the prefix itself or inside it?"""
    return prefix is None or path == prefix or path.startswith(prefix + "/")
