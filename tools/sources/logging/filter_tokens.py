"""The lexer of the Cloud Logging query language, and the FilterError every stage raises.

Split out of tools/sources/logging/filter.py so the parser (tools/sources/logging/filter_parse.py)
reads a token list and nothing else: where `-` negates, where a bare value
may hold `:`, and how strings unescape are decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_FILTER_LENGTH = 20_000

_OPERATORS = ("=~", "!~", "<=", ">=", "!=", "=", "<", ">", ":")
_WORD_STOP = set(' \t\r\n\f\v()"=<>!:')
_VALUE_STOP = set(' \t\r\n\f\v()"')


class FilterError(ValueError):
    """The filter cannot be parsed or evaluated; the message says where."""


# -- tokens ------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # LPAREN RPAREN OP WORD STRING AND OR NOT MINUS COMMA EOF
    text: str
    pos: int
    end: int = -1


def tokenize(text: str) -> list[Token]:
    """Split a filter into tokens; a bare value right after an operator may contain `:`."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"filter is {len(text)} characters; the maximum is {MAX_FILTER_LENGTH}")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        after_op = bool(tokens) and tokens[-1].kind == "OP"
        if ch == "(":
            tokens.append(Token("LPAREN", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN", ch, i))
            i += 1
        elif ch == ",":
            tokens.append(Token("COMMA", ch, i))
            i += 1
        elif ch == '"':
            start = i
            value, i = _read_string(text, i)
            tokens.append(Token("STRING", value, start, i))
        elif not after_op and _operator_at(text, i):
            op = _operator_at(text, i)
            tokens.append(Token("OP", op, i))
            i += len(op)
        elif ch == "-" and not after_op and i + 1 < n and not text[i + 1].isspace() and _term_start(tokens):
            tokens.append(Token("MINUS", ch, i))
            i += 1
        else:
            stop = _VALUE_STOP if after_op else _WORD_STOP
            start = i
            while i < n and text[i] not in stop:
                if text[i] == "," and not after_op:
                    break
                i += 1
            if i == start:
                raise FilterError(f"unexpected {text[i]!r} at position {i}")
            word = text[start:i]
            kind = word if word in ("AND", "OR", "NOT") and not after_op else "WORD"
            tokens.append(Token(kind, word, start, i))
    tokens.append(Token("EOF", "", n))
    return tokens


def _operator_at(text: str, i: int) -> str:
    for op in _OPERATORS:
        if text.startswith(op, i):
            return op
    return ""


def _term_start(tokens: list[Token]) -> bool:
    """`-` negates only where a new term may begin (not inside a path like a-b)."""
    return not tokens or tokens[-1].kind in ("LPAREN", "AND", "OR", "NOT", "MINUS", "WORD", "STRING", "RPAREN")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _read_string(text: str, i: int) -> tuple[str, int]:
    out = []
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\" and j + 1 < len(text):
            nxt = text[j + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            j += 2
            continue
        if ch == '"':
            return "".join(out), j + 1
        out.append(ch)
        j += 1
    raise FilterError(f"unterminated string starting at position {i}")
