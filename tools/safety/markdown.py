"""Text from strangers made safe for a terminal and for Markdown inline text.

Log messages, card comments and repository lines end up in report.md, in a
Trello comment and on the terminal. Written as they are, they can hide text
(bidi overrides such as U+202E, terminal escapes such as ESC [ 2 J), load a
tracking image when the report is viewed (`![x](https://host/?leak=1)`), run
HTML (`<script>`), offer a live link, or break the report's own layout (a
newline in a list item starts a new field). These helpers take a string and
give back one that shows the same words without those powers:

- `strip_terminal`: no control characters (except newline and tab), no
  escape sequences, no bidi controls. For anything printed.
- `one_line`: that, plus every line break and tab as a space, trimmed.
  For a value that must stay on its own line of Markdown (a code span).
- `inline_markdown`: that, plus `<` and `](` backslash-escaped and bare
  URLs wrapped in a code span, outside existing code spans. For prose
  fields, which are Markdown inline text: back-quoted refs stay as they are.

Every function is idempotent (applying it twice changes nothing), which is
what lets a report be neutralised once, stored, rendered and parsed back to
the same text. Generic: nothing here knows the report's layout.
"""

from __future__ import annotations

import re

# ESC [ params final (CSI), ESC ] ... BEL/ST (OSC), ESC P/X/^/_ ... ST (DCS, SOS, PM, APC), ESC + one char
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -~]?"
)
# C0 except tab and newline, DEL, C1, bidi embeddings/overrides/isolates and the invisible direction marks
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# characters Python or Markdown read as the end of a line
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
_URL = re.compile(r"(?i)(?<![\w@/.:\\-])(?:(?:https?|ftp|file|wss?)://|www\.)[^\s`<>\\]+")


def strip_terminal(text: str) -> str:
    """`text` without escape sequences, control characters (newline and tab stay) and bidi controls."""
    if not text.isprintable():
        text = _INVISIBLE.sub("", _ESCAPES.sub("", text))
    return text


def one_line(text: str) -> str:
    """`strip_terminal` on one line: line breaks and tabs become spaces, the ends are trimmed."""
    return _BREAKS.sub(" ", strip_terminal(_BREAKS.sub(" ", text))).strip()


def inline_markdown(text: str) -> str:
    """One line of Markdown inline text that cannot hold raw HTML, an autolink, a link, an image or a bare URL.

    Code spans are kept as they are (nothing inside one is live). Outside
    them, a back-quote run with no partner is backslash-escaped, an
    unescaped `<` becomes `\\<` (no HTML tag, no `<scheme:...>` autolink),
    an unescaped `](` becomes `]\\(` (no inline link or image) and a bare URL
    is wrapped in its own code span, whose fence is longer than any
    back-quote run in the text so it cannot pair with another.
    """
    text = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    parts = split_code_spans(text, escape_lone=True)
    out: list[str] = []
    for index, (is_code, part) in enumerate(parts):
        if is_code:
            out.append(part)
            continue
        before = parts[index - 1][1][-1:] if index else ""
        after = parts[index + 1][1][:1] if index + 1 < len(parts) else ""
        out.append(_defuse(part, fence, before, after))
    return "".join(out)


def split_code_spans(text: str, escape_lone: bool = False) -> list[tuple[bool, str]]:
    """(is_code_span, source) pieces of inline text, pairing back-quote runs the CommonMark way.

    A run of n back-quotes opens a span closed by the next run of exactly n;
    one with no partner is literal (with `escape_lone`, written `\\``, so it
    cannot pair with a back-quote on the next line of a paragraph). Outside
    spans a backslash escapes the next character, so an escaped back-quote
    opens nothing.
    """
    parts: list[tuple[bool, str]] = []
    plain_start = i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char != "`":
            i += 1
            continue
        run_end = i
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        size = run_end - i
        close = _closing_run(text, run_end, size)
        if close < 0:
            if plain_start < i:
                parts.append((False, text[plain_start:i]))
            parts.append((False, "\\`" * size if escape_lone else text[i:run_end]))
            plain_start = i = run_end
            continue
        if plain_start < i:
            parts.append((False, text[plain_start:i]))
        parts.append((True, text[i:close + size]))
        plain_start = i = close + size
    if plain_start < len(text):
        parts.append((False, text[plain_start:]))
    return parts


def _closing_run(text: str, start: int, size: int) -> int:
    for match in re.finditer(r"`+", text[start:]):
        if len(match.group()) == size:
            return start + match.start()
    return -1


def _defuse(part: str, fence: str, before: str = "", after: str = "") -> str:
    """Escape `<` and `](` (unless already escaped) and fence bare URLs in text outside code spans."""
    pieces: list[str] = []
    last = 0
    for match in _URL.finditer(part):
        start, end = match.start(), _url_end(match.group()) + match.start()
        pieces.append(_escape_plain(part[last:start]))
        # a back-quote touching the fence would lengthen it: keep them apart with a space
        left = part[start - 1:start] if start else before
        right = part[end:end + 1] if end < len(part) else after
        pad_left = " " if left == "`" else ""
        pad_right = " " if right == "`" else ""
        pieces.append(f"{pad_left}{fence}{part[start:end]}{fence}{pad_right}")
        last = end
    pieces.append(_escape_plain(part[last:]))
    return "".join(pieces)


def _url_end(url: str) -> int:
    """Where a bare URL ends, as GFM sees it: trailing punctuation and an unmatched `)` are not part of it."""
    end = len(url)
    while end > 1:
        char = url[end - 1]
        if char in ".,;:!?'\"*_~" or (char == ")" and url[:end].count(")") > url[:end].count("(")):
            end -= 1
        else:
            break
    return end


def _escape_plain(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            out.append(text[i:i + 2])
            i += 2
            continue
        if char == "<":
            out.append("\\<")
        elif char == "]" and text[i + 1:i + 2] == "(":
            out.append("]\\")
        else:
            out.append(char)
        i += 1
    return "".join(out)
