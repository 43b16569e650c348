"""ripgrep as the scanner's search engine: the command lines, the streamed search and the skip accounting.

Split from tools/scan/code/scan_repo.py. The PyPI `ripgrep` wheel ships the binary; one
`rg` process streams matches (so tree-sitter work overlaps the search). What
the search passed over is counted from its own output (binary files, read
errors, symlink loops) and, on trees of up to IGNORED_COUNT_LIMIT files, one
listing walk counts the files .gitignore kept out, without `rg --debug`,
which made rg fifty times slower.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tools.errors import ToolError
from tools.scan.code.patterns import Catalog


def rg_binary() -> str:
    """The rg that the `ripgrep` wheel installs beside this interpreter, else the one on PATH."""
    local = Path(sys.executable).parent / "rg"
    if local.is_file():
        return str(local)
    found = shutil.which("rg")
    if not found:
        raise ToolError("ripgrep (rg) is not installed: pip install 'ripgrep>=14.1,<15'")
    return found


def rg_base_args(catalog: Catalog, extra_ignores: list[str] | None = None) -> list[str]:
    """Walk options shared by the search and the accounting walks: same files, same ignore rules."""
    args = ["--no-config", "--no-require-git", "--hidden", "--follow", *catalog.rg_type_args()]
    for name in list(catalog.skip_dirs) + list(extra_ignores or []):
        args += ["-g", f"!{name}"]
    return args


def rg_command(catalog: Catalog, extra_ignores: list[str] | None = None) -> list[str]:
    """The single search over the tree with every catalog pattern (the path is appended by the caller).

    Text output with `--null` (path NUL line:text) rather than `--json`: it is as unambiguous in bytes, and
    its `--stats` block counts every file searched, which rg's JSON summary does not (it counts only files
    with matches). `--binary` makes rg report binary files that hold a match instead of dropping them silently.
    `--no-unicode` reads \\w, \\b, \\s and . over bytes, as the Python re-match on bytes does, and keeps the
    automaton of a hundred patterns (and rg's memory) small. No `--max-filesize`: rg skips such files without
    a word, and counting them took a second walk of the tree; rg searches them at its own speed and the
    scanner declines (and counts) the matched ones over the cap before reading them itself.
    """
    cmd = [rg_binary(), "--null", "--line-number", "--with-filename", "--no-heading", "--color", "never",
           "--stats", "--binary", "--no-unicode", *rg_base_args(catalog, extra_ignores)]
    for pattern in catalog.patterns:
        cmd += ["-e", pattern.regex]
    return cmd


def rg_walk_command(catalog: Catalog, extra_ignores: list[str] | None = None) -> list[str]:
    """A listing-only walk with ignore files disabled: its count minus the files searched is `ignored`."""
    base = [rg_binary(), "--files", "--threads", "1", *rg_base_args(catalog, extra_ignores)]
    return base[:2] + ["--no-ignore"] + base[2:]


# Above this many files searched, `ignored` is not counted: on a large tree the extra walk costs a sixth of
# the whole scan, for a number no incident turns on; below it the walk costs a few milliseconds.
IGNORED_COUNT_LIMIT = 20_000

_BINARY = re.compile(rb': binary file matches \(found .{1,8} byte around offset \d+\)$')
_SEARCHED = re.compile(rb"^(\d+) files searched$", re.M)
_LOOP = re.compile(rb"^rg: [^\n]*File system loop found", re.M)
_ERROR = re.compile(rb"^rg: (?![^\n]*File system loop found)[^\n]+$", re.M)


def _start(cmd: list[str], root: Path, out: Any, err: Any) -> subprocess.Popen:
    try:
        return subprocess.Popen(cmd + ["--", "."], cwd=root, stdout=out, stderr=err)
    except OSError as exc:
        raise ToolError(f"cannot run ripgrep: {exc}") from exc


class Search:
    """One scan's ripgrep processes: the streamed search, then (on a tree small enough) the ignored-files walk.

    The walk starts when the search ends and runs on the core the search no longer needs, while the scanner
    does its single-threaded work on the matches; `counts()` waits for it.
    """

    def __init__(self, root: Path, catalog: Catalog, extra_ignores: list[str] | None):
        self.root, self.catalog, self.extra_ignores = root, catalog, extra_ignores
        self._counts: dict[str, int | None] = {}
        self._walk: subprocess.Popen | None = None
        self._files: list[Any] = []

    def run(self, on_match: Any) -> dict[str, int | None]:
        """Stream each match to `on_match(path, line, text)`; return the search's own counts.

        Matches are handled while rg is still walking, so tree-sitter work overlaps the search. Stderr goes
        to a temporary file: a full pipe would stall rg.
        """
        with tempfile.TemporaryFile() as err:
            search = _start(rg_command(self.catalog, self.extra_ignores), self.root, subprocess.PIPE, err)
            binary = 0
            tail: list[bytes] = []
            raw_path, path = b"", ""  # a file's matches arrive together: decode its name once
            assert search.stdout is not None
            try:
                with search.stdout:
                    for raw in search.stdout:
                        line = raw.rstrip(b"\n")
                        nul = line.find(b"\0")
                        if nul < 0:
                            if _BINARY.search(line):
                                binary += 1
                            else:
                                tail.append(line)
                            continue
                        number, _, text = line[nul + 1:].partition(b":")
                        if number.isdigit():
                            if line[:nul] != raw_path:
                                raw_path = line[:nul]
                                path = os.fsdecode(raw_path).removeprefix("./")
                            on_match(path, int(number), text)
            except BaseException:  # the caller's on_match failed, or an interrupt: rg must not outlive the scan
                search.kill()
                search.wait()
                raise
            code = search.wait()
            err.seek(0)
            stderr = err.read()
        if code not in (0, 1, 2):
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ToolError(f"ripgrep failed: {lines[-1] if lines else f'exit {code}'}")
        stats = _SEARCHED.search(b"\n".join(tail))
        searched = int(stats.group(1)) if stats else 0
        self._counts = {
            "files_searched": searched,
            "binary": binary,
            "unreadable": len(_ERROR.findall(stderr)),
            "symlink_loops": len(_LOOP.findall(stderr)),
            "ignored": None,
        }
        if searched <= IGNORED_COUNT_LIMIT:
            self._files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
            self._walk = _start(rg_walk_command(self.catalog, self.extra_ignores), self.root, *self._files)
        return dict(self._counts)

    def counts(self) -> dict[str, int | None]:
        """The search's counts plus `ignored` (None when the tree was too large to count it)."""
        if self._walk is not None:
            self._walk.wait()
            listed, walk_err = self._files
            listed.seek(0)
            walk_err.seek(0)
            n_all = listed.read().count(b"\n")
            walk_unreadable = len(_ERROR.findall(walk_err.read()))
            for handle in self._files:
                handle.close()
            self._walk, self._files = None, []
            # listed without ignore files, minus what the search opened or failed to open (and the walk too)
            opened = self._counts["files_searched"] + max(0, self._counts["unreadable"] - walk_unreadable)
            self._counts["ignored"] = max(0, n_all - opened)
        return dict(self._counts)
