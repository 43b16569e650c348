"""The Cloud Logging query language, parsed and evaluated over LogEntry dicts.

The replay server uses this to answer `entries:list` the way the real API
does, so a filter the tool builds is exercised for real instead of matched as
a string. Semantics follow the public language reference:

- `AND`, `OR`, `NOT` (upper case only), `-` as a prefix NOT, implicit AND
  between terms and lines, parentheses. OR binds tighter than AND:
  `a OR NOT b AND NOT c OR d` is `(a OR (NOT b)) AND ((NOT c) OR d)`.
- comparisons `=` `!=` `<` `<=` `>` `>=` `:` (has) `=~` `!~` (regex search),
  a value group on the right (`field=("a" OR "b")`), `field:*` (present).
- dotted field paths, quoted segments (`labels."run.googleapis.com/x"`),
  snake_case aliases of LogEntry fields (`log_name`, `http_request`).
- string comparisons ignore case; `severity` orders by level; `timestamp`
  and `receiveTimestamp` compare as times; numbers (and int64 strings such
  as `requestSize`, durations such as `latency`) compare as numbers.
- a bare value is a global restriction: it matches when any field has it.
- functions `log_id("run.googleapis.com/stderr")` and `SEARCH([field,] "text")`.

Regexes use Python `re` with `search` semantics; RE2 and `re` agree on the
common subset (classes, anchors, alternation, `(?i)`), but back-references
and look-arounds that RE2 rejects are accepted here.

Anything unparsable raises FilterError (HTTP 400 in the replay server).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

MAX_FILTER_LENGTH = 20_000

SEVERITIES = {
    "DEFAULT": 0,
    "DEBUG": 100,
    "INFO": 200,
    "NOTICE": 300,
    "WARNING": 400,
    "ERROR": 500,
    "CRITICAL": 600,
    "ALERT": 700,
    "EMERGENCY": 800,
}
_TIME_FIELDS = {"timestamp", "receiveTimestamp"}
_OPERATORS = ("=~", "!~", "<=", ">=", "!=", "=", "<", ">", ":")
_WORD_STOP = set(' \t\r\n\f\v()"=<>!:')
_VALUE_STOP = set(' \t\r\n\f\v()"')
_MISSING = object()


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


class _Parser:
    """Recursive descent: conjunction > disjunction > unary > primary."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

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
            self.take()
            return Not(self.unary(values))
        return self.primary(values)

    def primary(self, values: bool) -> Any:
        tok = self.tok
        if tok.kind == "LPAREN":
            self.take()
            if self.tok.kind == "RPAREN":
                raise FilterError(f"empty parentheses at position {tok.pos}")
            node = self.conjunction(values)
            self.take("RPAREN")
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
            self.take()
            node = self.conjunction(values=True)
            self.take("RPAREN")
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


# -- values ------------------------------------------------------------------

_TS = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$")
_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)s$")


def time_key(value: Any) -> str | None:
    """A fixed-width UTC string that sorts like the time (nanoseconds kept); None if not a time."""
    if not isinstance(value, str):
        return None
    m = _TS.match(value.strip())
    if not m:
        return None
    date, clock, frac, zone = m.groups()
    clock = clock or "00:00:00"
    if len(clock) == 5:
        clock += ":00"
    frac = (frac or "").ljust(9, "0")
    if zone and zone not in ("Z", "z"):
        try:
            dt = datetime.fromisoformat(f"{date}T{clock}{zone[:3]}:{zone[-2:]}").astimezone(UTC)
        except ValueError:
            return None
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + frac
    return f"{date}T{clock}.{frac}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        m = _DURATION.match(text)
        if m:
            return float(m.group(1))
        try:
            return float(text)
        except ValueError:
            return None
    return None


def severity_level(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().upper()
        if text in SEVERITIES:
            return SEVERITIES[text]
        if text.isdigit():
            return int(text)
    return None


def _camel(segment: str) -> str:
    head, *rest = segment.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def resolve(entry: Any, path: tuple[str, ...]) -> Any:
    """The value at a dotted path; lists fan out (any element); _MISSING when absent."""
    current: Any = entry
    for index, segment in enumerate(path):
        if isinstance(current, list):
            found = [resolve(item, path[index:]) for item in current]
            found = [f for f in found if f is not _MISSING]
            return found if found else _MISSING
        if not isinstance(current, dict):
            return _MISSING
        if segment in current:
            current = current[segment]
            continue
        camel = _camel(segment)
        if camel in current:
            current = current[camel]
            continue
        return _MISSING
    return current


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- compilation to predicates -------------------------------------------------

Predicate = Callable[[dict[str, Any]], bool]


def compile_filter(text: str) -> Predicate:
    """A function entry -> bool for a filter; FilterError when it is invalid."""
    return _compile(parse(text))


def compile_node(node: Any) -> Predicate:
    """compile_filter for an already parsed filter (the server also reads its time bounds)."""
    return _compile(node)


def _compile(node: Any) -> Predicate:
    if isinstance(node, And):
        parts = [_compile(n) for n in node.items]
        return lambda e: all(p(e) for p in parts)
    if isinstance(node, Or):
        parts = [_compile(n) for n in node.items]
        return lambda e: any(p(e) for p in parts)
    if isinstance(node, Not):
        inner = _compile(node.item)
        return lambda e: not inner(e)
    if isinstance(node, Global):
        needle = node.value.text.lower()
        return lambda e: any(needle in _text(v).lower() for v in _leaves(e))
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Call):
        return _compile_call(node)
    raise FilterError(f"cannot evaluate {type(node).__name__}")


def _compile_compare(node: Compare) -> Predicate:
    path, op = node.path, node.op
    if not isinstance(node.value, Value):
        return _compile_group(path, op, node.value)
    test = _value_test(path, op, node.value)
    return lambda e: _apply(resolve(e, path), test)


def _compile_group(path: tuple[str, ...], op: str, group: Any) -> Predicate:
    """`field=("a" OR "b")`: the group's boolean structure over single-value tests."""
    if isinstance(group, Value):
        test = _value_test(path, op, group)
        return lambda e: _apply(resolve(e, path), test)
    if isinstance(group, And):
        parts = [_compile_group(path, op, g) for g in group.items]
        return lambda e: all(p(e) for p in parts)
    if isinstance(group, Or):
        parts = [_compile_group(path, op, g) for g in group.items]
        return lambda e: any(p(e) for p in parts)
    if isinstance(group, Not):
        inner = _compile_group(path, op, group.item)
        return lambda e: not inner(e)
    raise FilterError("malformed value group")


def _apply(found: Any, test: Callable[[Any], bool]) -> bool:
    if found is _MISSING:
        return False
    if isinstance(found, list):
        return any(_apply(item, test) for item in found) if found else False
    return test(found)


def _value_test(path: tuple[str, ...], op: str, value: Value) -> Callable[[Any], bool]:
    field = path[-1] if path else ""
    raw = value.text
    if op == ":" and raw == "*" and not value.quoted:
        return lambda v: True
    if op in ("=~", "!~"):
        try:
            pattern = re.compile(raw)
        except re.error as exc:
            raise FilterError(f"invalid regular expression {raw!r}: {exc}") from exc
        if op == "=~":
            return lambda v: not isinstance(v, dict) and bool(pattern.search(_text(v)))
        return lambda v: not isinstance(v, dict) and not pattern.search(_text(v))
    if path == ("severity",):
        return _severity_test(op, raw)
    if field in _TIME_FIELDS and len(path) == 1 and op != ":":
        return _time_test(op, raw)
    if path in (("logName",), ("log_name",)) and op == ":":
        needle = unquote(raw).lower()
        return lambda v: isinstance(v, str) and needle in unquote(v).lower()
    if path in (("logName",), ("log_name",)) and op in ("=", "!="):
        wanted = unquote(raw).lower()
        eq = lambda v: isinstance(v, str) and unquote(v).lower() == wanted  # noqa: E731
        return eq if op == "=" else (lambda v: not eq(v))
    return _generic_test(op, raw)


def _severity_test(op: str, raw: str) -> Callable[[Any], bool]:
    level = severity_level(raw)
    if level is None:
        if op == ":":
            needle = raw.lower()
            return lambda v: needle in _text(v).lower()
        raise FilterError(f"invalid severity {raw!r}; use one of {', '.join(SEVERITIES)}")
    cmp = _ORDER[":" if op == ":" else op]

    def test(v: Any) -> bool:
        got = severity_level(v)
        return got is not None and cmp(got, level)

    return test


def _time_test(op: str, raw: str) -> Callable[[Any], bool]:
    key = time_key(raw)
    if key is None:
        raise FilterError(f"invalid timestamp {raw!r}; use RFC 3339, e.g. 2024-05-01T12:00:00Z")
    cmp = _ORDER[op]

    def test(v: Any) -> bool:
        got = time_key(v)
        return got is not None and cmp(got, key)

    return test


def _generic_test(op: str, raw: str) -> Callable[[Any], bool]:
    number = _number(raw)
    lowered = raw.lower()
    cmp = _ORDER[op]
    if op == ":":

        def has(v: Any) -> bool:
            if isinstance(v, dict):
                return any(lowered in _text(x).lower() for x in _leaves(v))
            return lowered in _text(v).lower()

        return has

    def test(v: Any) -> bool:
        if isinstance(v, dict):
            return False
        if number is not None:
            got = _number(v)
            if got is not None:
                return cmp(got, number)
        return cmp(_text(v).lower(), lowered)

    return test


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    ":": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compile_call(node: Call) -> Predicate:
    name = node.name
    if name == "log_id":
        if len(node.args) != 1 or not isinstance(node.args[0], Value):
            raise FilterError('log_id() takes one quoted log ID, e.g. log_id("run.googleapis.com/stderr")')
        wanted = unquote(node.args[0].text).lower()

        def log_id(e: dict[str, Any]) -> bool:
            name_ = e.get("logName")
            return isinstance(name_, str) and unquote(name_.partition("/logs/")[2]).lower() == wanted

        return log_id
    if name == "SEARCH":
        if not node.args or not isinstance(node.args[-1], Value) or len(node.args) > 2:
            raise FilterError('SEARCH() takes an optional field and a quoted text, e.g. SEARCH("timeout")')
        needle = node.args[-1].text.lower()
        if len(node.args) == 2:
            target = node.args[0]
            if not isinstance(target, tuple):
                raise FilterError("SEARCH(): the first argument must be a field")
            return lambda e: any(needle in _text(v).lower() for v in _leaves(_none_if_missing(resolve(e, target))))
        return lambda e: any(needle in _text(v).lower() for v in _leaves(e))
    raise FilterError(f"unknown function {name}()")


def _none_if_missing(value: Any) -> Any:
    return [] if value is _MISSING else value


# -- time range extraction (for fast pre-filtering) ---------------------------


def time_bounds(text: str) -> tuple[str | None, bool, str | None, bool]:
    """(low, low_inclusive, high, high_inclusive) as time keys from top-level timestamp clauses.

    Only clauses ANDed at the top level bound the result, so a server may
    bisect sorted timestamps to these bounds before evaluating the filter.
    """
    return bounds_of(parse(text))


def bounds_of(node: Any) -> tuple[str | None, bool, str | None, bool]:
    """time_bounds for an already parsed filter."""
    items = node.items if isinstance(node, And) else [node]
    low: str | None = None
    high: str | None = None
    low_inc = high_inc = True
    for item in items:
        if not (isinstance(item, Compare) and item.path == ("timestamp",) and isinstance(item.value, Value)):
            continue
        key = time_key(item.value.text)
        if key is None:
            continue
        if item.op in (">", ">=", "=") and (low is None or key > low or (key == low and item.op == ">")):
            low, low_inc = key, item.op != ">"
        if item.op in ("<", "<=", "=") and (high is None or key < high or (key == high and item.op == "<")):
            high, high_inc = key, item.op != "<"
    return low, low_inc, high, high_inc
