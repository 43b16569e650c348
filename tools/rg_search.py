"""ripgrep as the scanner's search engine: the command lines, the streamed search and the skip accounting.

Split from tools/scan_repo.py. The PyPI `ripgrep` wheel ships the binary; one
`rg` process streams matches (so tree-sitter work overlaps the search) while
two listing walks count what was ignored, too large or unreadable, without
`rg --debug`, which made rg five times slower.
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

from tools.code_patterns import Catalog
from tools.errors import ToolError


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
    automaton of a hundred patterns (and rg's memory) small.
    """
    cmd = [rg_binary(), "--null", "--line-number", "--with-filename", "--no-heading", "--color", "never",
           "--stats", "--binary", "--no-unicode", "--max-filesize", catalog.max_filesize,
           *rg_base_args(catalog, extra_ignores)]
    for pattern in catalog.patterns:
        cmd += ["-e", pattern.regex]
    return cmd


def rg_walk_commands(catalog: Catalog, extra_ignores: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Listing-only walks run beside the search: (same rules, no size cap) and (ignore files disabled).

    Their line counts give too_large (listed - searched) and ignored (unignored listing - listing) without a
    debug log, which would make rg itself several times slower.
    """
    base = [rg_binary(), "--files", "--threads", "1", *rg_base_args(catalog, extra_ignores)]
    return base, base[:2] + ["--no-ignore"] + base[2:]


_BINARY = re.compile(rb': binary file matches \(found .{1,8} byte around offset \d+\)$')
_SEARCHED = re.compile(rb"^(\d+) files searched$", re.M)
_LOOP = re.compile(rb"^rg: [^\n]*File system loop found", re.M)
_ERROR = re.compile(rb"^rg: (?![^\n]*File system loop found)[^\n]+$", re.M)


def _start(cmd: list[str], root: Path, out: Any, err: Any) -> subprocess.Popen:
    try:
        return subprocess.Popen(cmd + ["--", "."], cwd=root, stdout=out, stderr=err)
    except OSError as exc:
        raise ToolError(f"cannot run ripgrep: {exc}") from exc


def run_search(root: Path, catalog: Catalog, extra_ignores: list[str] | None, on_match: Any) -> dict[str, int]:
    """Run the search (streaming each match to `on_match(path, line, text)`) and the two accounting walks.

    Matches are handled while rg is still walking, so tree-sitter work overlaps the search. Walk output
    and stderr go to temporary files: a full pipe would stall those processes until the search ends.
    """
    walk, walk_all = rg_walk_commands(catalog, extra_ignores)
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as listed, \
            tempfile.TemporaryFile() as listed_all, tempfile.TemporaryFile() as walk_err:
        procs = [_start(walk, root, listed, walk_err), _start(walk_all, root, listed_all, subprocess.DEVNULL)]
        search = _start(rg_command(catalog, extra_ignores), root, subprocess.PIPE, err)
        binary = 0
        tail: list[bytes] = []
        assert search.stdout is not None
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
                on_match(os.fsdecode(line[:nul]).removeprefix("./"), int(number), text)
        code = search.wait()
        for proc in procs:
            proc.wait()
        err.seek(0)
        stderr = err.read()
        if code not in (0, 1, 2):
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ToolError(f"ripgrep failed: {lines[-1] if lines else f'exit {code}'}")
        listed.seek(0)
        n_listed = listed.read().count(b"\n")
        walk_err.seek(0)
        walk_unreadable = len(_ERROR.findall(walk_err.read()))
        listed_all.seek(0)
        n_all = listed_all.read().count(b"\n")
    stats = _SEARCHED.search(b"\n".join(tail))
    searched = int(stats.group(1)) if stats else 0
    unreadable = len(_ERROR.findall(stderr))
    return {
        "files_searched": max(0, searched - binary),
        "binary": binary,
        # listed files that were neither searched nor unreadable to the search (but readable to the walk)
        "too_large": max(0, n_listed - searched - max(0, unreadable - walk_unreadable)),
        "unreadable": unreadable,
        "ignored": max(0, n_all - n_listed),
        "symlink_loops": len(_LOOP.findall(stderr)),
    }
