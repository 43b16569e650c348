"""Hostile input never gives a traceback or `internal error:` (issue 16): fuzzing every parser of user input.

The filter language, case.yaml, a Markdown report, a Trello card reference
and the CLI's argument space each take any input and give either a result or
the one error type their callers turn into a single line (FilterError,
InputError/UsageError, argparse's exit 2). Each property runs a modest number
of examples so the suite stays fast; the examples mix random text with the
shapes that broke the build before (deep nesting, huge numbers, binary bytes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tools.case import load_case
from tools.cli import main
from tools.collect import case_defaults
from tools.errors import ToolError
from tools.registry import load_tools
from tools.report.io import load_report
from tools.report.parse import parse_markdown
from tools.sources.logging.filter import FilterError, compile_filter, time_bounds
from tools.sources.trello_card import parse_card_ref

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8")
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_FILTER_PIECES = ["(", ")", "NOT ", "-", "AND ", "OR ", "=", "!=", ":", "=~", "<=", ">", '"', "'", "\\", ".",
                  "severity", "timestamp", "log_id(", "SEARCH(", ",", "*", "jsonPayload.a", " ", "ERROR",
                  "2026-01-01T00:00:00Z", "9" * 40, '"x"', "labels.\"a.b\""]
FILTERS = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(_FILTER_PIECES), max_size=40).map("".join),
                    st.integers(1, 3000).map(lambda n: "(" * n + "a=1" + ")" * n),
                    st.integers(1, 3000).map(lambda n: "NOT " * n + "a"))
ENTRY = {"severity": "ERROR", "timestamp": "2026-01-01T00:00:00Z", "jsonPayload": {"a": 1, "message": "x"},
         "labels": {"a.b": "c"}, "logName": "projects/p/logs/run.googleapis.com%2Fstderr", "textPayload": "boom"}


@FAST
@given(FILTERS)
def test_filter_parser_gives_a_predicate_or_a_filter_error(text):
    try:
        predicate = compile_filter(text)
        time_bounds(text)
    except FilterError as exc:
        assert str(exc).strip()  # the CLI prints it as one line (tools/cli.py joins its lines)
        return
    assert predicate(ENTRY) in (True, False)


_YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12)
_CASE_DOCS = st.fixed_dictionaries({}, optional={
    "target": st.one_of(_YAML_VALUES, st.fixed_dictionaries({}, optional={
        "target_type": _YAML_VALUES, "target_name": _YAML_VALUES, "project_id": _YAML_VALUES})),
    "window": st.one_of(_YAML_VALUES, st.fixed_dictionaries({}, optional={"start": _YAML_VALUES,
                                                                         "end": _YAML_VALUES})),
    "repo": st.one_of(_YAML_VALUES, st.sampled_from(["../../etc", "/etc", "repo", "a/../../b", "\0", ""])),
    "trello_card": _YAML_VALUES, "profile": _YAML_VALUES, "lang": _YAML_VALUES, "id": _YAML_VALUES})
CASE_FILES = st.one_of(_CASE_DOCS.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8")),
                       st.binary(max_size=80), st.text(max_size=80).map(lambda t: t.encode("utf-8")))


@FAST
@given(CASE_FILES)
def test_case_loader_gives_a_case_or_one_input_error(tmp_path_factory, data):
    case = tmp_path_factory.mktemp("case")
    (case / "case.yaml").write_bytes(data)
    try:
        defaults = case_defaults(str(case))
    except ToolError as exc:
        assert str(exc).strip()  # the CLI prints it as one line (tools/cli.py joins its lines)
        return
    loaded = load_case(case)
    assert isinstance(loaded["target"], dict)
    named = [loaded["target"].get(k) for k in ("project_id", "region", "target_type", "target_name")]
    assert not any(isinstance(v, dict | list) for v in named)  # later stages take them as names
    if defaults["repo"]:  # a repo the case names is always inside it
        assert Path(defaults["repo"]).resolve().is_relative_to(case.resolve())


_LINES = SAMPLE.splitlines()
_EDITS = st.lists(st.tuples(st.sampled_from(["drop", "dup", "insert", "cut"]), st.integers(0, len(_LINES) - 1),
                            st.one_of(st.sampled_from(["|", "\\|", "- x", "1. ", "# x", "## Evidence Table", "```",
                                                       "| a | b |", "<div>", "\x00", "    - Risk: y", ""]),
                                      st.text(max_size=20))), max_size=6)


@FAST
@given(_EDITS)
def test_report_parser_gives_a_report_or_one_input_error(edits):
    lines = list(_LINES)
    for action, index, text in edits:
        index %= len(lines) or 1
        if not lines:
            lines.append(text)
        elif action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, text)
        else:
            lines[index] = lines[index][: len(lines[index]) // 2] + text
    try:
        report = parse_markdown("\n".join(lines) + "\n")
    except ToolError as exc:
        assert str(exc).strip()  # the CLI prints it as one line (tools/cli.py joins its lines)
        return
    assert set(report) >= {"title", "evidence", "data_gaps"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.sampled_from(["r.md", "r.json", "r"]))
def test_report_files_of_any_bytes_load_or_give_one_input_error(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        load_report(str(path))
    except ToolError as exc:
        assert str(exc).strip()  # the CLI prints it as one line (tools/cli.py joins its lines)


CARD_REFS = st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b: f"https://trello.com/c/{a}/{b}", st.text(max_size=12), st.text(max_size=12)),
    st.sampled_from(["https://trello.com/b/abc", "Xvlu1U1f", "a" * 24, "trello.com/c/Xvlu1U1f#comment-" + "f" * 24,
                     "https://trello.com/c/", "https://trello.com/c/%00%00"]))


@FAST
@given(CARD_REFS)
def test_card_url_parser_gives_a_ref_or_one_usage_error(text):
    try:
        ref = parse_card_ref(text)
    except ToolError as exc:
        assert str(exc).strip()  # the CLI prints it as one line (tools/cli.py joins its lines)
        return
    assert ref["ref"] and (ref["comment_id"] is None or len(ref["comment_id"]) == 24)


# -- the CLI's argument space ------------------------------------------------------------------------------------

_SKIP = {"investigate", "attach_report"}  # they write files or post; their bad-input cases are in test_cli_errors
_TOOLS = [t for t in load_tools() if t.name not in _SKIP]
_VALUES = st.one_of(
    st.sampled_from(["", "-1", "0", "1", "9" * 25, "9" * 25 + "s", "1h", "30m", "8d", "2026-01-01T00:00:00Z",
                     "2026-01-01T00:30:00Z", "2026-13-45T99:99:99Z", "nan", "inf", "{", "[]", "null", "{}",
                     '{"a": 1}', "../../etc/passwd-nope", "service", "job", "system,stdout", "bogus,stdout",
                     "(" * 300, "a=(", "ERROR", "https://trello.com/c/Xvlu1U1f", "\x1b[2J", "\u202e", "x\ny"]),
    st.text(max_size=15))


@st.composite
def _argv(draw):
    tool = draw(st.sampled_from(_TOOLS))
    argv = tool.command.split()
    props = tool.input_schema.get("properties", {})
    positional = tool.cli.get("positional", [])
    for _name in positional:
        if draw(st.booleans()):
            argv.append(draw(_VALUES))
    flags = [n for n in props if n not in positional]
    for name in draw(st.lists(st.sampled_from(flags), max_size=6, unique=True)) if flags else []:
        if props[name].get("type") == "boolean":
            argv.append(draw(st.sampled_from(["--", "--no-"])) + name.replace("_", "-"))
        else:
            argv += [f"--{name.replace('_', '-')}={draw(_VALUES)}"]
    if draw(st.booleans()):
        argv.append("--json")
    return argv


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(_argv())
def test_random_argv_never_gives_an_internal_error(capsys, monkeypatch, argv):
    # nothing the fuzzer names may exist (it must not scan /, read /etc or write into the repo)
    assume(not any(os.path.exists(a) for a in argv[1:] if a and not a.startswith("-")))
    assume(not any(os.path.exists(a.split("=", 1)[1]) for a in argv if a.startswith("--") and "=" in a
                   and a.split("=", 1)[1]))
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", "http://127.0.0.1:9")  # refused at once: no network, no waiting
    monkeypatch.setenv("TRELLO_BASE_URL", "http://127.0.0.1:9")
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exit: usage error (2) or --help (0)
        code = exc.code
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, (argv, err)
    assert code in (0, 1, 2), (argv, code, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, (argv, err)


@pytest.mark.parametrize("argv", [["--help"], ["fetch-logs", "--help"]])
def test_help_is_not_an_error(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    assert "usage: crobs" in capsys.readouterr().out
