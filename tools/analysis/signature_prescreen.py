"""The signature prescreen: literal fragments every match of a regex must contain, and one trie regex.

Split out of tools/analysis/signatures.py. Most log lines match no signature; finding that out with one
search of a factored alternation of required fragments, instead of ~100 regexes, is what keeps
matching a 50k-entry window cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def required_literals(regex: str) -> list[str] | None:
    """Lower-cased literal fragments such that every match of `regex` contains one of them, or None.

    The prescreen searches these with one case-sensitive alternation over the
    lower-cased message, which Python's `re` runs several times faster than an
    IGNORECASE alternation of the full patterns (measured ~5x on log lines).
    """
    from re import _parser as sre_parse  # the stdlib's own pattern parser (re.sre_parse before 3.11)

    try:
        tree = sre_parse.parse(regex, re.IGNORECASE)
    except re.error:
        return None
    return _seq_literals(list(tree))


def _seq_literals(items: list[Any]) -> list[str] | None:
    from re import _constants as c

    candidates: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(["".join(run).lower()])
            run.clear()

    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        found: list[str] | None = None
        if op is c.SUBPATTERN:
            found = _seq_literals(list(arg[-1]))
        elif op is c.BRANCH:
            branches = [_seq_literals(list(b)) for b in arg[1]]
            if all(branches):
                found = sorted({lit for b in branches for lit in b})  # type: ignore[union-attr]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            found = _seq_literals(list(arg[2]))
        if found:
            candidates.append(found)
    flush()
    if not candidates:
        return None
    # the most selective requirement: longest shortest-alternative, then fewest alternatives
    return max(candidates, key=lambda alts: (min(len(a) for a in alts), -len(alts)))


MIN_LITERAL = 3  # shorter fragments would let most lines through the prescreen


def _trie_regex(words: Iterable[str]) -> str:
    """One alternation regex for a set of literals, factored as a trie.

    `con(?:nection (?:refused|reset)|tainer ...)` costs Python's backtracking
    engine one branch per distinct next character instead of one per word: on
    typical log lines ~5x faster than the flat alternation of ~130 fragments.
    A word that is a prefix of others ends its subtree (the prefix suffices).
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie) if trie else "(?!)"
