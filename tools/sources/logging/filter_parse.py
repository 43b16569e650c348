"""The Cloud Logging query language parsed into a syntax tree (And, Or, Not, Compare, Global, Call).

Split out of tools/sources/logging/filter.py: the tree is what both evaluation
(tools/sources/logging/filter_eval.py) and time-bound extraction (tools/sources/logging/filter.py)
read, so the grammar lives in one place. Precedence: OR binds tighter than
AND, implicit AND between terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.sources.logging.filter_tokens import FilterError, Token, tokenize

# -- syntax tree -------------------------------------------------------------


@dataclass
class And:
    items: list[Any]


@dataclass
class Or:
    items: list[Any]


@dataclass
class Not:
    item: Any


@dataclass
class Compare:
    path: tuple[str, ...]
    op: str
    value: Any  # Value, or And/Or/Not of Values for a value group


@dataclass
class Value:
    text: str
    quoted: bool


@dataclass
class Global:
    value: Value


@dataclass
class Call:
    name: str
    args: list[Any]  # tuple paths or Values


# Parentheses and NOTs nest at most this deep: the parser (and every walk of the tree) recurses once per
# level, and a filter 5000 parentheses deep must be a FilterError, not a RecursionError.
MAX_DEPTH = 100


class _Parser:
    """Recursive descent: conjunction > disjunction > unary > primary."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def _enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"filter nests parentheses or NOT more than {MAX_DEPTH} deep at position {tok.pos}")

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self, kind: str | None = None) -> Token:
        tok = self.tokens[self.i]
        if kind and tok.kind != kind:
            raise FilterError(f"expected {kind.lower()} at position {tok.pos}, found {tok.text or 'end of filter'!r}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        if self.tok.kind == "EOF":
            return And([])
        node = self.conjunction(values=False)
        if self.tok.kind != "EOF":
            raise FilterError(f"unexpected {self.tok.text!r} at position {self.tok.pos}")
        return node

    def _starts_term(self) -> bool:
        return self.tok.kind in ("LPAREN", "NOT", "MINUS", "WORD", "STRING")

    def conjunction(self, values: bool) -> Any:
        items = [self.disjunction(values)]
        while True:
            if self.tok.kind == "AND":
                self.take()
                items.append(self.disjunction(values))
            elif self._starts_term():
                items.append(self.disjunction(values))
            else:
                break
        return items[0] if len(items) == 1 else And(items)

    def disjunction(self, values: bool) -> Any:
        items = [self.unary(values)]
        while self.tok.kind == "OR":
            self.take()
            items.append(self.unary(values))
        return items[0] if len(items) == 1 else Or(items)

    def unary(self, values: bool) -> Any:
        if self.tok.kind in ("NOT", "MINUS"):
            self._enter(self.take())
            node = Not(self.unary(values))
            self.depth -= 1
            return node
        return self.primary(values)

    def primary(self, values: bool) -> Any:
        tok = self.tok
        if tok.kind == "LPAREN":
            self._enter(self.take())
            if self.tok.kind == "RPAREN":
                raise FilterError(f"empty parentheses at position {tok.pos}")
            node = self.conjunction(values)
            self.take("RPAREN")
            self.depth -= 1
            return node
        if tok.kind not in ("WORD", "STRING"):
            raise FilterError(f"unexpected {tok.text or 'end of filter'!r} at position {tok.pos}")
        if values:
            self.take()
            return Value(tok.text, tok.kind == "STRING")
        following = self.tokens[self.i + 1]
        if tok.kind == "WORD" and following.kind == "LPAREN" and following.pos == tok.end and "." not in tok.text:
            return self.call()
        path = self.path()
        if self.tok.kind == "OP":
            op = self.take().text
            return Compare(path, op, self.rhs(op))
        if len(path) == 1:
            return Global(Value(path[0], tok.kind == "STRING"))
        raise FilterError(f"field {'.'.join(path)!r} at position {tok.pos} needs an operator and a value")

    def path(self) -> tuple[str, ...]:
        """Dotted path; segments may be quoted and a bare word may hold several dots."""
        segments: list[str] = []
        while True:
            tok = self.take()
            if tok.kind == "STRING":
                segments.append(tok.text)
                nxt = self.tok
                # A quoted segment is followed by `.rest` with no space: lexed as WORD starting with '.'
                if nxt.kind == "WORD" and nxt.text.startswith(".") and nxt.pos == tok.end:
                    self.take()
                    segments.extend(_split_dots(nxt.text[1:], nxt.pos))
                    if nxt.text.endswith(".") and self.tok.kind in ("STRING", "WORD"):
                        continue
                return tuple(segments)
            text = tok.text
            if text.endswith(".") and self.tok.kind == "STRING":
                segments.extend(_split_dots(text[:-1], tok.pos))
                continue
            segments.extend(_split_dots(text, tok.pos))
            return tuple(segments)

    def rhs(self, op: str) -> Any:
        tok = self.tok
        if tok.kind == "LPAREN":
            if op in ("=~", "!~"):
                raise FilterError(f"a regular expression at position {tok.pos} cannot be a value group")
            self._enter(self.take())
            node = self.conjunction(values=True)
            self.take("RPAREN")
            self.depth -= 1
            return node
        if tok.kind in ("WORD", "STRING"):
            self.take()
            return Value(tok.text, tok.kind == "STRING")
        raise FilterError(f"missing value after {op!r} at position {tok.pos}")

    def call(self) -> Call:
        name = self.take("WORD").text
        self.take("LPAREN")
        args: list[Any] = []
        while self.tok.kind != "RPAREN":
            tok = self.tok
            if tok.kind == "STRING":
                self.take()
                args.append(Value(tok.text, True))
            elif tok.kind == "WORD":
                args.append(self.path())
            else:
                raise FilterError(f"unexpected {tok.text or 'end of filter'!r} in {name}() at position {tok.pos}")
            if self.tok.kind == "COMMA":
                self.take()
            elif self.tok.kind != "RPAREN":
                raise FilterError(f"expected ',' or ')' in {name}() at position {self.tok.pos}")
        self.take("RPAREN")
        return Call(name, args)


def _split_dots(text: str, pos: int) -> list[str]:
    parts = text.split(".")
    if any(p == "" for p in parts):
        raise FilterError(f"malformed field path {text!r} at position {pos}")
    return parts


def parse(text: str) -> Any:
    """The syntax tree of a filter; FilterError when it is not valid."""
    if not isinstance(text, str):
        raise FilterError("filter must be a string")
    return _Parser(text).parse()
