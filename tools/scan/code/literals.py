"""Literal prefilters for the code pattern catalog: the plain strings a regex match must contain.

Split from tools/scan/code/patterns.py. Every line ripgrep returns is re-matched in
Python against the patterns of its language; finding first which literals the
line holds (one Aho-Corasick pass) rules out most patterns without running
their regexes.
"""

from __future__ import annotations

import re._constants as _c
import re._parser as _parser
from typing import Any

import ahocorasick


def literal_automaton(patterns: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[int, ...], Any]:
    """(patterns, numbers of those without literals, automaton mapping each literal to its patterns' numbers)."""
    by_literal: dict[bytes, list[int]] = {}
    always = []
    for number, pattern in enumerate(patterns):
        if not pattern.literals:
            always.append(number)
        for literal in pattern.literals:
            by_literal.setdefault(literal, []).append(number)
    automaton = None
    if by_literal:
        automaton = ahocorasick.Automaton()
        for literal, numbers in by_literal.items():
            automaton.add_word(literal.decode("latin-1"), tuple(numbers))
        automaton.make_automaton()
    return patterns, tuple(always), automaton



def any_of(words: set[str]) -> Any:
    """A test `data -> bool`: does the byte string hold any of `words`? One automaton pass per call, so
    thousands of files can be checked for hundreds of names without a substring search per name."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word.encode("utf-8").decode("latin-1"), word)
    automaton.make_automaton()
    return lambda data: next(automaton.iter(data.decode("latin-1")), None) is not None


def _best(current: frozenset[bytes] | None, candidate: frozenset[bytes] | None) -> frozenset[bytes] | None:
    """The more selective of two literal sets: longest shortest literal, then fewest literals."""
    if candidate is None or not candidate or min(map(len, candidate)) < 2:
        return current
    if current is None:
        return candidate
    rank = (min(map(len, candidate)), -len(candidate))
    return candidate if rank > (min(map(len, current)), -len(current)) else current


def _required(items: Any) -> frozenset[bytes] | None:
    """Literals of which every match of this parsed sequence contains one, or None when none is certain."""
    best: frozenset[bytes] | None = None
    run = b""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av).encode("utf-8")
            continue
        best, run = _best(best, frozenset([run]) if run else None), b""
        candidate = None
        if op is _c.SUBPATTERN:
            _, add_flags, _, sub = av
            candidate = None if add_flags & _c.SRE_FLAG_IGNORECASE else _required(sub)
        elif op is _c.BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            if all(alt is not None for alt in alternatives):
                candidate = frozenset().union(*alternatives)
        elif op in _REPEATS and av[0] >= 1:
            candidate = _required(av[2])
        best = _best(best, candidate)
    return _best(best, frozenset([run]) if run else None)


_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))


def literal_prefilter(regex: str) -> tuple[bytes, ...]:
    """Literals (sorted) of which any match must contain one; () when no set of literals of length >= 2 is certain.

    Read from the stdlib's own regex parse tree, so escapes, classes and groups are read as `re` reads them;
    a group of alternatives contributes all of them (`(create_task|ensure_future)`). A regex the parser of
    this Python cannot read, or one matching case-insensitively, gets no prefilter: always re-matched.
    """
    try:
        parsed = _parser.parse(regex)
    except Exception:  # noqa: BLE001 - the prefilter is an optimisation; the regex itself is checked elsewhere
        return ()
    if parsed.state.flags & _c.SRE_FLAG_IGNORECASE:
        return ()
    found = _required(parsed)
    return tuple(sorted(found)) if found else ()
