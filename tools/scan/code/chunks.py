"""The part of a large source file that a hit needs parsed: its top-level chunk, or one member of it.

Split from tools/scan/code/symbols.py. A hit in a 5,000-line module needs the
definition it sits in, not the module. A chunk runs from a line that the
language's `chunk_start` says opens a top-level definition (`def`, `func`,
`fn`, `impl`, `class` in column 0, with the decorators or attributes above it)
to the next such line. A chunk that is itself large (a class, an `impl`) is
cut again at its members (`member_start` at the members' indentation): the
parse then sees the chunk's header (the `class Jobs:` line, its docstring and
attributes), the one member, and for brace languages the closing `}` line,
so a method is still qualified by its class. Ranges are tree-sitter included
ranges, so every position stays the file's own.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from tree_sitter import Range

if TYPE_CHECKING:
    from tools.scan.code.patterns import Language

MEMBER_FROM = 8 << 10  # a chunk this large is cut at its members
_CONTINUATION = (b" ", b"\t", b")", b"]", b"}")
_OTHER_TOP_LEVEL = re.compile(rb"\n[^ \t\r\n#/)\]}]")


def chunk_starts(data: bytes, start: re.Pattern[bytes], prefix: re.Pattern[bytes] | None) -> list[tuple[int, int]]:
    """(1-based line, byte offset) of each line opening a top-level definition (`start` matches the newline
    before such a line), moved up over the lines that belong to it: `@decorator` / `#[attribute]` lines (the
    language's `chunk_prefix`), with a decorator's own indented or closing-bracket continuation lines."""
    return _starts(data, [m.start() for m in start.finditer(b"\n" + data)], prefix, 1, 0)


def _starts(data: bytes, offsets: list[int], prefix: re.Pattern[bytes] | None, first_line: int,
            first_offset: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    number, previous = first_line, first_offset
    for offset in offsets:
        number += data.count(b"\n", previous, offset)
        previous, line = offset, number
        if prefix is not None:
            offset, line = _climb(data, offset, line, prefix, found[-1][1] if found else first_offset - 1)
        if found and found[-1][1] == offset:
            continue
        found.append((line, offset))
    return found


def _climb(data: bytes, offset: int, line: int, prefix: re.Pattern[bytes], floor: int) -> tuple[int, int]:
    """Move a definition's first line up over the decorator lines above it (at most 20 lines, never to or
    above `floor`, the previous definition's start)."""
    above, climbed = offset, 0
    for _ in range(20):
        if above <= 0:
            break
        above = data.rfind(b"\n", 0, above - 1) + 1
        if above <= floor:
            break
        climbed += 1
        if prefix.match(data, above):
            offset, line = above, line - climbed
            climbed = 0
        elif data[above:above + 1] not in _CONTINUATION:
            break
    return offset, line


class Chunks:
    """One file's chunk boundaries, computed once, and the included ranges for the chunk holding a line."""

    def __init__(self, data: bytes, lang: Language):
        self.data = data
        self.lang = lang
        self.starts = chunk_starts(data, lang.chunk_start, lang.chunk_prefix) if lang.chunk_start else []
        self._members: dict[int, tuple[list[tuple[int, int]], tuple[int, int] | None]] = {}

    def ranges_for(self, line: int) -> tuple[tuple[int, int], list[Range]] | None:
        """(cache key, included ranges) of the chunk or member holding `line`; None: no chunk boundaries."""
        if not self.starts:
            return None
        index = bisect.bisect_right(self.starts, (line, len(self.data))) - 1
        begin_line, begin = self.starts[index] if index >= 0 else (1, 0)
        end = self.starts[index + 1][1] if index + 1 < len(self.starts) else len(self.data)
        if self.lang.member_start is None or end - begin < MEMBER_FROM:
            return (index, -1), [self._range(begin_line, begin, begin, end)]
        members, close = self._split(index, begin_line, begin, end)
        if not members:
            return (index, -1), [self._range(begin_line, begin, begin, end)]
        body_end = close[0] if close else end
        member = bisect.bisect_right(members, (line, len(self.data))) - 1
        ranges = [self._range(begin_line, begin, begin, members[0][1])]  # the header: `class X:` / `impl X {`
        if member >= 0:
            stop = members[member + 1][1] if member + 1 < len(members) else body_end
            ranges.append(self._range(begin_line, begin, members[member][1], stop))
        if close:
            ranges.append(self._range(begin_line, begin, *close))
        return (index, member), ranges

    def _split(self, index: int, begin_line: int, begin: int,
               end: int) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """Member starts of a chunk (at the first member's indentation) and its closing `}` line, if any."""
        if index not in self._members:
            assert self.lang.member_start is not None
            matches = list(self.lang.member_start.finditer(self.data, begin, end))
            members: list[tuple[int, int]] = []
            if matches and self._one_definition(begin, end):
                indent = min((m.group(1) for m in matches), key=len)  # the definition's own members
                offsets = [m.start(1) for m in matches if m.group(1) == indent]
                prefix = self.lang.chunk_prefix
                member_prefix = re.compile(re.escape(indent) + prefix.pattern) if prefix is not None else None
                members = _starts(self.data, offsets, member_prefix, begin_line, begin)
            close = None
            if self.lang.chunk_close:
                at = self.data.rfind(b"\n}", begin, end)
                if at >= 0:
                    line_end = self.data.find(b"\n", at + 1)
                    close = (at + 1, end if line_end < 0 or line_end >= end else line_end + 1)
            if close is not None and members and members[-1][1] >= close[0]:
                members = []
            self._members[index] = (members, close)
        return self._members[index]

    def _one_definition(self, begin: int, end: int) -> bool:
        """Is the chunk a single definition (a class, an impl)? After its indented body starts, only comment
        and closing-bracket lines may stand in column 0; a top-level `if` holding definitions is not cut."""
        body = self.data.find(b"\n", begin, end)
        while body >= 0 and self.data[body + 1:body + 2] not in (b" ", b"\t"):
            body = self.data.find(b"\n", body + 1, end)
        return body < 0 or _OTHER_TOP_LEVEL.search(self.data, body, end) is None

    def _range(self, begin_line: int, begin: int, start: int, stop: int) -> Range:
        return Range(self._point(begin_line, begin, start), self._point(begin_line, begin, stop), start, stop)

    def _point(self, begin_line: int, begin: int, offset: int) -> tuple[int, int]:
        row = begin_line - 1 + self.data.count(b"\n", begin, offset)
        return row, offset - (self.data.rfind(b"\n", 0, offset) + 1)

