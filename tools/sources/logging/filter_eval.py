"""A parsed Logging filter compiled into a predicate over LogEntry dicts.

Split out of tools/sources/logging/filter.py: each tree node becomes a closure once, so
the replay server evaluates a filter over many entries without re-walking the
syntax tree per entry. String comparisons ignore case, `severity` orders by
level, `timestamp` compares as a time, numbers as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tools.sources.logging.filter_parse import And, Call, Compare, Global, Not, Or, Value, parse
from tools.sources.logging.filter_tokens import FilterError
from tools.sources.logging.filter_values import (
    MISSING,
    SEVERITIES,
    as_number,
    as_text,
    leaves,
    resolve,
    severity_level,
    time_key,
)

_TIME_FIELDS = {"timestamp", "receiveTimestamp"}

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
        return lambda e: any(needle in as_text(v).lower() for v in leaves(e))
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
    if found is MISSING:
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
            return lambda v: not isinstance(v, dict) and bool(pattern.search(as_text(v)))
        return lambda v: not isinstance(v, dict) and not pattern.search(as_text(v))
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
            return lambda v: needle in as_text(v).lower()
        raise FilterError(f"invalid severity {raw!r}; use one of {', '.join(SEVERITIES)}")
    return _ordered(severity_level, _ORDER[":" if op == ":" else op], level)


def _time_test(op: str, raw: str) -> Callable[[Any], bool]:
    key = time_key(raw)
    if key is None:
        raise FilterError(f"invalid timestamp {raw!r}; use RFC 3339, e.g. 2024-05-01T12:00:00Z")
    return _ordered(time_key, _ORDER[op], key)


def _ordered(key_of: Callable[[Any], Any], cmp: Callable[[Any, Any], bool], bound: Any) -> Callable[[Any], bool]:
    """A comparison of a value's ordering key (severity level, timestamp) with the filter's; no key, no match."""

    def test(v: Any) -> bool:
        got = key_of(v)
        return got is not None and cmp(got, bound)

    return test


def _generic_test(op: str, raw: str) -> Callable[[Any], bool]:
    number = as_number(raw)
    lowered = raw.lower()
    cmp = _ORDER[op]
    if op == ":":

        def has(v: Any) -> bool:
            if isinstance(v, dict):
                return any(lowered in as_text(x).lower() for x in leaves(v))
            return lowered in as_text(v).lower()

        return has

    def test(v: Any) -> bool:
        if isinstance(v, dict):
            return False
        if number is not None:
            got = as_number(v)
            if got is not None:
                return cmp(got, number)
        return cmp(as_text(v).lower(), lowered)

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
            return lambda e: any(needle in as_text(v).lower() for v in leaves(_none_if_missing(resolve(e, target))))
        return lambda e: any(needle in as_text(v).lower() for v in leaves(e))
    raise FilterError(f"unknown function {name}()")


def _none_if_missing(value: Any) -> Any:
    return [] if value is MISSING else value
