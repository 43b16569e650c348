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

The language lives in four modules: tools/sources/logging/filter_tokens.py (lexer),
tools/sources/logging/filter_parse.py (syntax tree), tools/sources/logging/filter_values.py (field
values) and tools/sources/logging/filter_eval.py (predicates). This module is the one
callers import, and adds the time bounds a server pre-filters on.
"""

from __future__ import annotations

from typing import Any

from tools.sources.logging.filter_eval import Predicate, compile_filter, compile_node
from tools.sources.logging.filter_parse import And, Call, Compare, Global, Not, Or, Value, parse
from tools.sources.logging.filter_tokens import MAX_FILTER_LENGTH, FilterError, Token, tokenize
from tools.sources.logging.filter_values import SEVERITIES, resolve, severity_level, time_key

__all__ = [
    "MAX_FILTER_LENGTH", "SEVERITIES", "And", "Call", "Compare", "FilterError", "Global", "Not", "Or", "Predicate",
    "Token", "Value", "bounds_of", "compile_filter", "compile_node", "parse", "resolve", "severity_level",
    "time_bounds", "time_key", "tokenize",
]


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
