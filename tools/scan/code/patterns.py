"""Load the code pattern catalog (tools/data/code_patterns.yaml).

The catalog is data so that adding a framework or a failure construct is a
YAML edit reviewed on its own, not a Python branch. This module only checks
the catalog's shape, compiles each regex once for Python re-matching and
maps file names to catalog languages.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tools.errors import InputError
from tools.paths import DATA
from tools.scan.code.literals import literal_automaton, literal_prefilter

CATALOG = DATA / "code_patterns.yaml"

ROLES = {"finding", "registration", "entry-point", "wrapper-call", "sigterm", "shutdown-gap"}
HANDLER_MODES = {"args", "next_def", "class_methods", "receiver_methods"}
WHOLE_FILE = -1  # `unless_lines: file` / `only_if_lines: file`: the window is the whole file


@dataclass(frozen=True)
class Pattern:
    id: str
    category: str
    languages: tuple[str, ...]
    regex: str
    detail: str
    role: str = "finding"
    code_only: bool | str = "comments"  # True | "comments" | False
    primitive: bool = False
    unless: re.Pattern[bytes] | None = None
    unless_lines: int = 0
    only_if: re.Pattern[bytes] | None = None
    only_if_lines: int = 0
    # tree-sitter: an ancestor of one of these node types, up to the nearest enclosing function (inclusive),
    # whose first line matches inside_text (when given)
    inside: tuple[str, ...] = ()
    inside_text: re.Pattern[bytes] | None = None
    unless_function: re.Pattern[str] | None = None  # searched in the enclosing function's qualified name
    in_request_path: tuple[bool | None, ...] | None = None  # allowed in_request_path values
    skip_globs: tuple[str, ...] = ()  # files whose matches are dropped (services_only: the non-service files)
    handler_from: str | None = None
    # module-level state every request uses (a database pool): outside any function its reach from a
    # handler is not "no" but unattributed (null)
    shared_state: bool = False
    cite_call_site: bool = False  # also cite where the enclosing function is called (tools/scan/code/call_sites.py)
    handler_arg: re.Pattern[str] | None = None
    compiled: re.Pattern[bytes] = field(default=re.compile(b"$^"), compare=False)
    # Literals of which a matching line must contain at least one (empty: no cheap test, always run the regex).
    literals: tuple[bytes, ...] = ()

    @property
    def needs_lines(self) -> bool:
        """Whether the `unless` / `only_if` windows reach beyond the matched line."""
        return bool((self.unless is not None and self.unless_lines)
                    or (self.only_if is not None and self.only_if_lines))

    def text_allows(self, text: bytes, line: int, lines: list[bytes] | None) -> bool:
        """`unless` must not match its window and `only_if` must match its own (matched line + N lines, or file)."""
        for regex, span, wanted in ((self.unless, self.unless_lines, False), (self.only_if, self.only_if_lines, True)):
            if regex is None:
                continue
            window = text
            if lines is not None and span:
                window = b"\n".join(lines if span == WHOLE_FILE else lines[line - 1: line + span])
            if (regex.search(window) is not None) != wanted:
                return False
        return True

    def place_allows(self, path: str, function: str | None, in_request_path: bool | None) -> bool:
        """The conditions on where a match sits: file, enclosing function, reach from a request handler."""
        if self.skip_globs and any(fnmatch.fnmatchcase(path, glob) for glob in self.skip_globs):
            return False
        if self.in_request_path is not None and in_request_path not in self.in_request_path:
            return False
        return not (self.unless_function is not None and function and self.unless_function.search(function))


@dataclass(frozen=True)
class Language:
    name: str
    globs: tuple[str, ...]
    grammar: str | None = None
    function_nodes: tuple[str, ...] = ()
    anonymous_function_nodes: tuple[str, ...] = ()
    name_from_parent: dict[str, str] = field(default_factory=dict)
    name_nodes: tuple[str, ...] = ()  # identifier node types that name a function/class when it has no `name` field
    containers: dict[str, str] = field(default_factory=dict)
    separator: str = "."
    comment_nodes: tuple[str, ...] = ()
    string_nodes: tuple[str, ...] = ()
    call_nodes: tuple[str, ...] = ()
    chunk_start: re.Pattern[bytes] | None = None  # a line opening a top-level definition (see SourceFile)
    chunk_prefix: re.Pattern[bytes] | None = None  # a line that belongs to the definition below it
    member_start: re.Pattern[bytes] | None = None  # (newline, indentation) before a member of a large chunk
    chunk_close: bool = False  # a chunk ends with a closing `}` line the member's parse needs


@dataclass(frozen=True)
class Catalog:
    patterns: tuple[Pattern, ...]
    languages: dict[str, Language]
    spawn_wrapper_names: tuple[str, ...]
    skip_dirs: tuple[str, ...]
    max_filesize: str
    entry_point_skip_globs: tuple[str, ...] = ()
    by_language: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)  # "rs" -> rust, from plain `*.ext` globs
    name_globs: tuple[tuple[str, str], ...] = ()  # (glob, language) for every other glob, in catalog order
    exact_names: dict[str, tuple[int, str]] = field(default_factory=dict)  # plain name glob -> (order, language)
    wildcard_names: tuple[re.Pattern[str], ...] = ()  # the other name globs, compiled
    _names: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    _literal_index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, language: str, line: bytes) -> list[Pattern]:
        """The language's patterns whose literal prefilter passes on `line`, in catalog order.

        One Aho-Corasick pass over the line finds every literal of the language at once (overlapping ones
        too), instead of a substring test per literal: the same answer as Pattern.search's literal test,
        at a tenth of the cost on the matched lines of a large tree. The automaton works on str, so lines
        and literals go through latin-1, which maps bytes to code points one to one.
        """
        index = self._literal_index.get(language)
        if index is None:
            index = self._literal_index[language] = literal_automaton(self.by_language.get(language, ()))
        patterns, always, automaton = index
        present = set(always)
        if automaton is not None:
            for _, numbers in automaton.iter(line.decode("latin-1")):
                present.update(numbers)
        return [patterns[n] for n in sorted(present)]

    def language_for(self, rel_path: str) -> str | None:
        """The catalog language of a file, from its name (named globs first, then the extension)."""
        name = rel_path.rsplit("/", 1)[-1]
        if name in self._names:
            return self._names[name]
        found = None
        exact = self.exact_names.get(name)  # most named globs are plain names: a dict lookup, not fnmatch
        if exact is None and not any(p.match(name) for p in self.wildcard_names):
            _, dot, ext = name.rpartition(".")
            return self._remember(name, self.extensions.get(ext) if dot else None)
        for order, (glob, lang) in enumerate(self.name_globs):
            if exact is not None and exact[0] == order:
                found = exact[1]
                break
            if glob in self.exact_names:
                continue
            if fnmatch.fnmatchcase(name, glob):
                found = lang
                break
        else:
            _, dot, ext = name.rpartition(".")
            found = self.extensions.get(ext) if dot else None
        return self._remember(name, found)

    def _remember(self, name: str, found: str | None) -> str | None:
        if len(self._names) < 4096:  # names repeat (Dockerfile, main.go, index.ts); stay bounded on huge trees
            self._names[name] = found
        return found

    @property
    def max_filesize_bytes(self) -> int:
        """`max_filesize` ("1M", "512K", "2000") in bytes, with rg's binary multiples."""
        text = self.max_filesize.strip().upper()
        scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
        return int(text[:-1] if scale > 1 else text) * scale

    def rg_type_args(self) -> list[str]:
        """`--type-add` arguments restricting rg to catalog languages (types respect .gitignore; -g would not)."""
        args = []
        for lang in self.languages.values():
            for glob in lang.globs:
                args += ["--type-add", f"crobs:{glob}"]
        return args + ["-t", "crobs"]


def _span(item: dict[str, Any], key: str, label: str) -> int:
    value = item.get(key, 0)
    if value == "file":
        return WHOLE_FILE
    if not isinstance(value, int) or value < 0:
        raise InputError(f"{label}: {key} must be a number of lines or 'file'")
    return value


def _request_path(item: dict[str, Any], label: str) -> tuple[bool | None, ...] | None:
    if "in_request_path" not in item:
        return None
    value = item["in_request_path"]
    values = tuple(value) if isinstance(value, list) else (value,)
    if not values or not all(v is True or v is False or v is None for v in values):
        raise InputError(f"{label}: in_request_path must be true, false, null or a list of them")
    return values


def _chunk_start(regex: Any, where: str, line_start: bool = True) -> re.Pattern[bytes] | None:
    if not regex:
        return None
    try:
        if not line_start:
            return re.compile(b"(?:" + str(regex).encode() + b")")
        # after a literal newline, so `re` jumps from line to line instead of trying `^` at every byte;
        # the file's first line is matched by SourceFile itself
        return re.compile(b"\n(?=(?:" + str(regex).encode() + b"))")
    except re.error as exc:
        raise InputError(f"{where}: bad chunk_start/chunk_prefix regex: {exc}") from exc


def _member_start(regex: Any, where: str) -> re.Pattern[bytes] | None:
    if not regex:
        return None
    try:
        return re.compile(b"\\n([ \\t]+)(?=(?:" + str(regex).encode() + b"))")
    except re.error as exc:
        raise InputError(f"{where}: bad member_start regex: {exc}") from exc


def _filesize(value: Any, where: str) -> str:
    if not re.fullmatch(r"\d+[KMGkmg]?", str(value).strip()):
        raise InputError(f"{where}: max_filesize must be a number of bytes with an optional K, M or G")
    return str(value).strip()


def _require(item: dict[str, Any], key: str, where: str) -> Any:
    if key not in item or item[key] in (None, ""):
        raise InputError(f"{where}: missing {key!r}")
    return item[key]


def parse_catalog(data: Any, where: str = "code_patterns.yaml") -> Catalog:
    """Validate and compile a catalog mapping; every problem is one InputError line."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping at the top level")
    languages: dict[str, Language] = {}
    for name, spec in (data.get("languages") or {}).items():
        if not isinstance(spec, dict) or not spec.get("globs"):
            raise InputError(f"{where}: language {name!r} needs globs")
        languages[name] = Language(
            name=name,
            globs=tuple(spec["globs"]),
            grammar=spec.get("grammar"),
            function_nodes=tuple(spec.get("function_nodes") or ()),
            anonymous_function_nodes=tuple(spec.get("anonymous_function_nodes") or ()),
            name_from_parent=dict(spec.get("name_from_parent") or {}),
            name_nodes=tuple(spec.get("name_nodes") or ()),
            containers=dict(spec.get("containers") or {}),
            separator=spec.get("separator", "."),
            comment_nodes=tuple(spec.get("comment_nodes") or ()),
            string_nodes=tuple(spec.get("string_nodes") or ()),
            call_nodes=tuple(spec.get("call_nodes") or ()),
            chunk_start=_chunk_start(spec.get("chunk_start"), f"{where}: language {name!r}"),
            chunk_prefix=_chunk_start(spec.get("chunk_prefix"), f"{where}: language {name!r}", line_start=False),
            member_start=_member_start(spec.get("member_start"), f"{where}: language {name!r}"),
            chunk_close=bool(spec.get("chunk_close", False)),
        )
    patterns = []
    seen: set[str] = set()
    for index, item in enumerate(data.get("patterns") or []):
        label = f"{where}: pattern #{index + 1}"
        if not isinstance(item, dict):
            raise InputError(f"{label}: expected a mapping")
        pid = _require(item, "id", label)
        label = f"{where}: pattern {pid!r}"
        if pid in seen:
            raise InputError(f"{label}: duplicate id")
        seen.add(pid)
        langs = tuple(_require(item, "languages", label))
        unknown = [lang for lang in langs if lang not in languages]
        if unknown:
            raise InputError(f"{label}: unknown language(s) {unknown}")
        role = item.get("role", "finding")
        if role not in ROLES:
            raise InputError(f"{label}: role must be one of {sorted(ROLES)}")
        handler_from = item.get("handler_from")
        if role == "registration" and handler_from not in HANDLER_MODES:
            raise InputError(f"{label}: registration needs handler_from in {sorted(HANDLER_MODES)}")
        if item.get("inside") and any(not languages[lang].grammar for lang in langs):
            raise InputError(f"{label}: inside needs a tree-sitter grammar for every language")
        regex = _require(item, "regex", label)
        try:
            compiled = re.compile(regex.encode())
            unless = re.compile(item["unless"].encode()) if item.get("unless") else None
            only_if = re.compile(item["only_if"].encode()) if item.get("only_if") else None
            inside_text = re.compile(item["inside_text"].encode()) if item.get("inside_text") else None
            unless_function = re.compile(item["unless_function"]) if item.get("unless_function") else None
            handler_arg = re.compile(item["handler_arg"], re.M) if item.get("handler_arg") else None
        except re.error as exc:
            raise InputError(f"{label}: bad regex: {exc}") from exc
        patterns.append(
            Pattern(
                id=pid,
                category=_require(item, "category", label),
                languages=langs,
                regex=regex,
                detail=" ".join(str(_require(item, "detail", label)).split()),
                role=role,
                code_only=item.get("code_only", "comments"),
                primitive=bool(item.get("primitive", False)),
                unless=unless,
                unless_lines=_span(item, "unless_lines", label),
                only_if=only_if,
                only_if_lines=_span(item, "only_if_lines", label),
                inside=tuple(item.get("inside") or ()),
                inside_text=inside_text,
                unless_function=unless_function,
                in_request_path=_request_path(item, label),
                skip_globs=tuple(data.get("entry_point_skip_globs") or ()) if item.get("services_only") else (),
                shared_state=bool(item.get("shared_state", False)),
                cite_call_site=bool(item.get("cite_call_site", False)),
                handler_from=handler_from,
                handler_arg=handler_arg,
                compiled=compiled,
                literals=literal_prefilter(regex),
            )
        )
    by_language = {
        lang: tuple(p for p in patterns if lang in p.languages) for lang in languages
    }
    extensions: dict[str, str] = {}
    name_globs: list[tuple[str, str]] = []
    for lang in languages.values():
        for glob in lang.globs:
            ext = glob[2:]
            if glob.startswith("*.") and not any(c in ext for c in "*?[."):
                extensions.setdefault(ext, lang.name)
            else:
                name_globs.append((glob, lang.name))
    return Catalog(
        extensions=extensions,
        name_globs=tuple(name_globs),
        exact_names={glob: (order, lang) for order, (glob, lang) in reversed(list(enumerate(name_globs)))
                     if not any(c in glob for c in "*?[")},
        wildcard_names=tuple(re.compile(fnmatch.translate(glob)) for glob, _ in name_globs
                             if any(c in glob for c in "*?[")),
        patterns=tuple(patterns),
        languages=languages,
        spawn_wrapper_names=tuple(data.get("spawn_wrapper_names") or ()),
        skip_dirs=tuple(data.get("skip_dirs") or ()),
        max_filesize=_filesize(data.get("max_filesize") or "1M", where),
        entry_point_skip_globs=tuple(data.get("entry_point_skip_globs") or ()),
        by_language=by_language,
    )


@lru_cache(maxsize=4)
def load_catalog(path: Path = CATALOG) -> Catalog:
    """The catalog, parsed once per process."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read pattern catalog {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"pattern catalog {path} is not valid YAML: {exc}") from exc
    return parse_catalog(data, path.name)
