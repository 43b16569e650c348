"""Shell-script shapes of a deploy command that a flat token scan misses.

Deploy scripts rarely write `gcloud run deploy svc --memory 1Gi` on one
line: they build the flags in a bash array (`args=(--memory 1Gi ...)`,
`args+=(...)`) and run `gcloud run deploy "$SVC" "${args[@]}"`, they name
the service in a variable set a few lines (or a workflow step) above, and
they live in extension-less executables run by CI. This module gives
tools/scan/deploy_config/gcloud.py those three things, keeping each flag on the
physical line where it is written so a finding cites that exact line.
"""

from __future__ import annotations

import re

Tokens = list[tuple[str, int]]

_SHEBANG = re.compile(r"^#!\s*\S*(?:/|\s)(?:env\s+)?(?:ba|da|k|z)?sh\b")
_ARRAY_OPEN = re.compile(r"^(?P<name>[A-Za-z_]\w*)(?P<append>\+?)=\((?P<rest>.*)$")
_VAR_ONLY = re.compile(r"^\$\{?(?P<name>[A-Za-z_]\w*)\}?$")
_DECLARE = {"declare", "local", "typeset", "readonly", "export"}
_EXPAND = re.compile(r"^\$\{(?P<name>[A-Za-z_]\w*)\[[@*]\]\}$")
_ASSIGN = re.compile(r"^(?P<indent>\s*)(?:export\s+|local\s+|readonly\s+|-\s+)?(?P<key>[A-Za-z_]\w*)\s*"
                     r"(?::|\?=|:=|=)[ \t]*(?P<value>.*?)\s*$")
_PLAIN = re.compile(r"^[\"']?(?P<v>[a-z0-9][a-z0-9._-]*)[\"']?$")


def is_shell_script(text: str) -> bool:
    """An executable shell script without an extension: its first line is a sh/bash/zsh shebang."""
    first = text.split("\n", 1)[0]
    return bool(_SHEBANG.match(first.strip()))


def _indent(text_lines: list[str], number: int) -> int:
    line = text_lines[number - 1] if 0 < number <= len(text_lines) else ""
    return len(line) - len(line.lstrip())


def arrays(logical: list[Tokens], text: str) -> dict[str, Tokens]:
    """Bash arrays defined in the file, with each element on its own line.

    `name+=(...)` appends count only at the indentation of the definition: an
    append inside an `if`/`case` branch holds for some runs only (a review
    environment's `--max-instances=2` is not the production value).
    """
    lines = text.splitlines()
    found: dict[str, Tokens] = {}
    depth: dict[str, int] = {}
    current: str | None = None
    keep = False
    for tokens in logical:
        if current is None:  # `declare -a args=(`, `local args=(`: the declaration words come first
            while len(tokens) > 1 and (tokens[0][0] in _DECLARE or tokens[0][0].startswith("-")):
                tokens = tokens[1:]
        for word, number in tokens:
            if current is None:
                match = _ARRAY_OPEN.match(word)
                if not match:
                    break  # only a line that starts with `name=(` opens an array
                name = match.group("name")
                indent = _indent(lines, number)
                if not match.group("append"):
                    found[name], depth[name] = [], indent
                keep = name in found and indent == depth.get(name)
                current = name
                word = match.group("rest")
                if not word:
                    continue
            if word.startswith("#"):
                break  # a comment to the end of the line
            closing = word.count(")") > word.count("(")  # `$(cmd)` inside an element is balanced
            element = word[:-1] if closing else word
            if element and keep:
                found[current].append((element.strip("\"'"), number))
            if closing:
                current = None
                break
    return found


def flag_strings(text: str) -> dict[str, list[tuple[int, Tokens]]]:
    """Scalars holding flags (`FLAGS="--memory 1Gi --cpu 2"`) with their assignment lines: an unquoted
    `$FLAGS` on a command line splits into those words."""
    found: dict[str, list[tuple[int, Tokens]]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _ASSIGN.match(line)
        if not match or "=" not in line:
            continue
        value = match.group("value").strip("\"'")
        if value.startswith("--"):
            found.setdefault(match.group("key"), []).append((number, [(w, number) for w in value.split()]))
    return found


def expand_arrays(tokens: Tokens, defined: dict[str, Tokens],
                  scalars: dict[str, list[tuple[int, Tokens]]] | None = None) -> Tokens:
    """A command's `"${name[@]}"` words replaced by the array's elements (and their lines); an unquoted
    `$FLAGS` by the words of the nearest flag string assigned above the command."""
    out: Tokens = []
    start = tokens[0][1] if tokens else 0
    for word, number in tokens:
        match = _EXPAND.match(word)
        scalar = _VAR_ONLY.match(word)
        if match and match.group("name") in defined:
            out.extend(defined[match.group("name")])
        elif scalar and scalars and scalar.group("name") in scalars:
            above = [words for line, words in scalars[scalar.group("name")] if line < start]
            out.extend(above[-1] if above else [(word, number)])
        else:
            out.append((word, number))
    return out


def scoped_variables(text: str) -> dict[str, list[tuple[int, str | None]]]:
    """Every plain assignment (shell `A=x`, workflow `env:` keys, Makefile `A ?= x`) with its line.

    The value is None when it is not a plain name (an expression, a step output): such an
    assignment still hides an earlier plain one from the commands after it.
    """
    found: dict[str, list[tuple[int, str | None]]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _ASSIGN.match(line)
        if not match or match.group("value").startswith(("(", "|", ">")):
            continue
        plain = _PLAIN.match(match.group("value"))
        found.setdefault(match.group("key"), []).append((number, plain.group("v") if plain else None))
    return found


def value_at(key: str, scoped: dict[str, list[tuple[int, str | None]]], line: int) -> str | None:
    """The value of `key` for a command at `line`: the nearest assignment above it, else the first one below
    (a workflow's job-level `env:` may follow a reusable step); None when that assignment is not plain."""
    entries = scoped.get(key) or []
    before = [value for number, value in entries if number < line]
    if before:
        return before[-1]
    return entries[0][1] if entries else None



def value_origin(value: str, value_line: int, text: str) -> tuple[str, int]:
    """Where an env value passed to a deploy really comes from: `KEY=${name}` is the expression assigned to
    `name` nearest above the command (its own line), anything else is the value as written at its flag."""
    match = _VAR_ONLY.match(value)
    if not match:
        return value, value_line
    found: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines()[: max(0, value_line - 1)], 1):
        assign = _ASSIGN.match(line)
        if assign and assign.group("key") == match.group("name"):
            found = (assign.group("value").strip("\"'"), number)
    return found or (value, value_line)
