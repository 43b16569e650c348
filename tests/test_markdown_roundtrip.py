"""Any string in any field of a report renders to Markdown that `crobs parse` reads back equal (issue 16).

"Equal" means equal to `neutral_report(report)`: the copy in which text from
strangers has lost its powers (raw HTML, images, links, bare URLs, control,
escape and bidi characters, line breaks). That neutralisation happens in the
report's own text (it is idempotent, and the report files hold the neutral
copy), so for the report that is written the round trip is exact.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tools.report.parse import parse_markdown
from tools.report.render import neutral_report, render_markdown
from tools.safety.markdown import inline_markdown, one_line, strip_terminal

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = [
    "|", "\\|", "\\\\|", "\\", "`", "``", "```", "<script>alert(1)</script>", "![x](https://e.example/?leak=1)",
    "[click](https://e.example/)", "<https://e.example/a>", "https://e.example/?leak=1", "www.e.example",
    "\x1b[31m", "\x1b]0;title\x07", "\u202e", "\u2066", "\n", "\r\n", "\t", "\u2028", "\x00", "\x85", "#", "- ",
    "1. ", "2) ", "> ", "***", "&lt;", "[x]: http://y", "(", ")", " to ", ",", "(none)", "<none>", "<unknown>",
    "=", "Rationale: ", "  ", "\u3000", "\xa0", "日本語", "<!-- c -->", "<div>", "~~~", "\\#", " #", "*a*",
]
_PIECE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
TEXT = st.lists(_PIECE, max_size=6).map("".join)
MAYBE = st.one_of(st.none(), TEXT)
INTS = st.lists(st.integers(1, 999), max_size=3)

REPORTS = st.fixed_dictionaries({
    "title": TEXT, "generated_at": TEXT, "profile": MAYBE, "related_task": MAYBE,
    "incident_summary": st.fixed_dictionaries(
        {"target": st.fixed_dictionaries({"project_id": MAYBE, "region": MAYBE, "target_type": MAYBE,
                                          "target_name": MAYBE}),
         "window": st.fixed_dictionaries({"start": TEXT, "end": TEXT}, optional={"note": TEXT}),
         "user_visible_impact": TEXT, "current_status": TEXT},
        optional={"current_status_note": TEXT}),
    "evidence": st.lists(st.fixed_dictionaries({
        "id": TEXT, "timestamp": TEXT, "source": TEXT, "signal": TEXT, "confidence": TEXT, "raw_ref": TEXT}),
        max_size=3),
    "root_cause_candidates": st.lists(st.fixed_dictionaries(
        {"rank": st.integers(1, 999), "title": TEXT, "confidence": TEXT, "rationale": TEXT,
         "supporting_evidence": st.lists(TEXT, max_size=3)}, optional={"label": TEXT}), max_size=3),
    "fix_plan": st.fixed_dictionaries({
        key: st.lists(st.fixed_dictionaries({"action": TEXT, "expected_impact": TEXT, "risk": TEXT,
                                             "addresses": INTS}), max_size=2)
        for key in ("immediate", "permanent")}),
    "prevention_plan": st.lists(st.fixed_dictionaries(
        {"metric": TEXT, "condition": TEXT, "threshold": TEXT, "rationale": TEXT}), max_size=2),
    "data_gaps": st.lists(st.fixed_dictionaries(
        {"missing_signal": TEXT, "why_missing": TEXT, "follow_up": TEXT}), max_size=2),
})

_HTML = MarkdownIt("commonmark").enable("table")
_STRUCTURE = {"h1", "h2", "h3", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code",
              "em", "strong", "br"}  # emphasis and line breaks are inert


def _tags(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)", html)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORTS)
def test_any_string_in_any_field_round_trips(report):
    text = render_markdown(report)
    neutral = neutral_report(report)
    assert neutral_report(neutral) == neutral  # idempotent: the stored copy is already what renders
    assert parse_markdown(text) == neutral
    assert render_markdown(neutral) == text
    assert strip_terminal(text) == text  # no control, escape or bidi character reaches report.md
    html = _HTML.render(text)
    # no raw HTML, image or link survives, whatever the text held
    assert _tags(html) <= _STRUCTURE, _tags(html) - _STRUCTURE
    assert 'href="' not in html and "<img" not in html


def test_the_examples_of_issue_16_are_neutralised():
    report = parse_markdown((ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8"))
    report["evidence"][0]["signal"] = "pipe \\| in a log line | and <script>alert(1)</script>"
    report["root_cause_candidates"][0]["rationale"] = "see ![x](https://e.example/?leak=1) and [here](https://e.example)"
    report["data_gaps"][0]["follow_up"] = "open https://e.example/?leak=1 \x1b[2J\u202eevil"
    text = render_markdown(report)
    assert "| pipe \\\\| in a log line \\| and \\<script>alert(1)\\</script> |" in text
    assert "![x]\\(`https://e.example/?leak=1`)" in text and "[here]\\(`https://e.example`)" in text
    assert "- Follow-up: open `https://e.example/?leak=1` evil" in text
    html = _HTML.render(text)
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert parse_markdown(text) == neutral_report(report)


def test_crobs_parse_reads_a_hostile_report_back(tmp_path):
    """Through the CLI, as the issue reported it: render writes, `crobs parse` and `crobs validate` read."""
    report = parse_markdown((ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8"))
    report["evidence"][1]["signal"] = "a \\| b | c \\\\| d ` e"
    source = tmp_path / "report.json"
    source.write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "report.md"
    run = [sys.executable, "-m", "tools.cli"]
    rendered = subprocess.run([*run, "render", str(source), "--out", str(out)], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    parsed = subprocess.run([*run, "parse", str(out), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert parsed.returncode == 0, parsed.stderr
    # pipes come back as written; the lone back-quote is escaped so it cannot pair with one elsewhere
    assert json.loads(parsed.stdout)["evidence"][1]["signal"] == "a \\| b | c \\\\| d \\` e"


def test_helpers_are_idempotent_and_keep_code_spans():
    assert inline_markdown("run `rm <x> | [a](b)` now") == "run `rm <x> | [a](b)` now"
    assert inline_markdown("a ` b https://e.example c") == "a \\` b ``https://e.example`` c"
    assert inline_markdown(inline_markdown("a ` b https://e.example c")) == "a \\` b ``https://e.example`` c"
    assert inline_markdown("see (https://e.example/x).") == "see (`https://e.example/x`)."
    assert inline_markdown("\\<already> and \\\\<live>") == "\\<already> and \\\\\\<live>"
    assert one_line("a\nb\r\n\tc\u2028d \x1b[1;31mred\x1b[0m") == "a b   c d red"
    assert strip_terminal("ok\u202eevil\u2066x\x07\x1b[2Jy\n") == "okevilxy\n"


def test_a_hostile_card_cannot_break_or_weaponise_the_investigation_report(tmp_path, capsys):
    """End to end, as issue 16 tried it: card text with `\\|`, <script>, an image beacon, ESC [ 2 J and U+202E."""
    import shutil

    from tools.cli import main

    case = tmp_path / "case"
    shutil.copytree(ROOT / "evals" / "cases" / "sitebookify-sample", case)
    card_file = next((case / "trello" / "cards").glob("*.json"))
    card = json.loads(card_file.read_text(encoding="utf-8"))
    hostile = " x \\| y | <script>alert(1)</script> ![x](https://e.example/?leak=1) \x1b[2J \u202eevil"
    card["name"] += hostile
    card["desc"] = card["desc"].replace("\n", hostile + "\n", 1)
    card_file.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    assert main(["investigate", "--replay", str(case), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr()
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    stored = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "\\<script>alert(1)\\</script>" in markdown  # the card text is there, inert
    for text in (markdown, printed.out, printed.err, json.dumps(stored, ensure_ascii=False)):
        assert "\x1b" not in text and "\u202e" not in text
    html = _HTML.render(markdown)
    assert "<script" not in html and "<img" not in html and "href" not in html
    parsed = parse_markdown(markdown)
    assert parsed == {key: stored[key] for key in parsed}  # report.md and report.json say the same
    assert main(["validate", str(tmp_path / "out" / "report.md")]) == 0


def test_the_trello_comment_quotes_hostile_text_inertly(tmp_path):
    """The card comment clips fields; a cut through a fenced URL must not leave it live (Trello linkifies)."""
    from tools.safety.markdown import split_code_spans
    from tools.sinks.trello_attach import load_and_render, summary_comment

    report = parse_markdown((ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8"))
    url = "https://e.example/" + "a" * 300 + "?leak=1"
    report["root_cause_candidates"][0]["title"] = "<script>x</script> ![i](" + url + ") " + "w " * 200 + "end"
    report["root_cause_candidates"][0]["rationale"] = "see " + url
    source = tmp_path / "report.json"
    source.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    loaded, _ = load_and_render(str(source))
    comment = summary_comment(loaded, "incident-report.md", "0" * 16)
    html = _HTML.render(comment)
    assert "<script" not in html and "<img" not in html and "href" not in html
    for line in comment.splitlines():
        plain = "".join(part for is_code, part in split_code_spans(line) if not is_code)
        assert "https://" not in plain, line  # every URL sits in a code span
