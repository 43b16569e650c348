"""The real-incident corpus (evals/real/*): provenance that holds and coverage that is honest.

Why: a case "rebuilt from a public incident" is only worth its score if the
lines it quotes from the source are really in its data, its expectations
point at things that exist, and the corpus covers the failure kinds the
issue asked for. These checks read files only (no engine), so a case dropped
in by someone else is judged the same way as ours.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "evals" / "real"
GENERATED = ROOT / "evals" / ".generated"
REAL_DIRS = sorted(p.parent for p in REAL.glob("*/case.yaml"))
LABELS = {item["label"] for item in
          yaml.safe_load((ROOT / "tools" / "data" / "root_causes.yaml").read_text(encoding="utf-8"))["labels"]}
REPO_REF = re.compile(r"^(?P<path>[^#\s]+?):(?P<line>\d+)$")
INDEX = re.compile(r"^(?P<key>[^\[\]]+)((?:\[\d+\])*)$")
ROLLOUT_KINDS = ("failed-rollout-image", "failed-rollout-permission", "failed-rollout-port",
                 "failed-rollout-probe", "failed-rollout-config")
MINIMUM_COVERS = {"memory": 4, "timeout-latency": 4, "dependency-limit": 3, "job": 3, "background-work": 2,
                  "shutdown": 2, "healthy-or-red-herring": 3}


def _strings(node: object, out: list[str]) -> None:
    """Every string value (and key) in a decoded JSON document."""
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            out.append(str(key))
            _strings(value, out)
    elif isinstance(node, list):
        for value in node:
            _strings(value, out)


def data_strings(case_dir: Path) -> list[str]:
    """The string values of a case's recorded data: logs, Cloud Run resources, metrics, cards.

    Quoted text must sit inside one value as the API would return it, so a log line split
    across two entries, or a message only present in case.yaml, does not count.
    """
    out: list[str] = []
    for name in ("logging/entries.jsonl", "monitoring/timeseries.jsonl"):
        path = case_dir / name
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        _strings(json.loads(line), out)
    for path in sorted([*case_dir.glob("run/*/*.json"), *case_dir.glob("trello/cards/*.json")]):
        _strings(json.loads(path.read_text(encoding="utf-8")), out)
    return out


def _field_exists(body: object, field_path: str) -> bool:
    node = body
    parts = field_path.split(".")
    for depth, part in enumerate(parts):
        match = INDEX.match(part)
        if not match or not isinstance(node, dict):
            return False
        indexes = [int(i) for i in re.findall(r"\[(\d+)\]", part)]
        if match.group("key") not in node:
            return depth == len(parts) - 1 and not indexes
        node = node[match.group("key")]
        for index in indexes:
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
    return True


def case_problems(case_dir: Path) -> list[str]:
    """Everything wrong with one real case's provenance, expectations and files; [] when sound."""
    problems: list[str] = []
    case = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    if case.get("id") != case_dir.name:
        problems.append(f"id {case.get('id')!r} is not the directory name")
    provenance = case.get("provenance") or {}
    sources = provenance.get("sources") or []
    if not sources or not all(str(s).startswith("https://") for s in sources):
        problems.append("provenance.sources must list the public URLs")
    verbatim = provenance.get("verbatim") or []
    if not verbatim:
        problems.append("provenance.verbatim is empty")
    if not str(provenance.get("reconstructed") or "").strip():
        problems.append("provenance.reconstructed is empty")
    haystack = data_strings(case_dir)
    for quote in verbatim:
        if not any(str(quote) in value for value in haystack):
            problems.append(f"verbatim string not in the case data: {str(quote)[:80]!r}")
    expect = case.get("expect") or {}
    truth = expect.get("root_causes") or []
    if not truth:
        problems.append("expect.root_causes is empty")
    for key in ("root_causes", "also", "not_above"):
        unknown = set(expect.get(key) or []) - LABELS
        if unknown:
            problems.append(f"expect.{key}: labels outside the taxonomy: {sorted(unknown)}")
    if set(expect.get("not_above") or []) & set(truth):
        problems.append("a label is both the truth and not_above")
    logs: dict[str, str] = {}
    entries = case_dir / "logging" / "entries.jsonl"
    if entries.is_file():
        with entries.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    entry = json.loads(line)
                    logs[str(entry.get("insertId"))] = unquote(str(entry.get("logName", "")).split("/logs/", 1)[-1])
    resources = {}
    for path in case_dir.glob("run/*/*.json"):
        body = json.loads(path.read_text(encoding="utf-8"))
        resources[body.get("name")] = body
    for item in expect.get("must_cite") or []:
        for ref in (item if isinstance(item, list) else [item]):
            ref = str(ref)
            head, sep, tail = ref.partition("#")
            if sep and head.startswith("projects/"):
                if head not in resources or not _field_exists(resources[head], tail):
                    problems.append(f"must_cite {ref}: no such Cloud Run resource field")
            elif sep:
                if logs.get(tail) != head:
                    problems.append(f"must_cite {ref}: no entry with that insertId in that log")
            elif not REPO_REF.match(ref):
                problems.append(f"must_cite {ref}: unrecognised form")
            elif not (case_dir / "repo.yaml").is_file():
                problems.append(f"must_cite {ref}: a file:line but the case has no repo.yaml")
    repo_yaml = case_dir / "repo.yaml"
    if repo_yaml.is_file():
        meta = yaml.safe_load(repo_yaml.read_text(encoding="utf-8")) or {}
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", str(meta.get("repository", ""))):
            problems.append("repo.yaml: repository must be OWNER/NAME")
        if not re.fullmatch(r"[0-9a-f]{40}", str(meta.get("commit", ""))):
            problems.append("repo.yaml: commit must be 40 hex digits (the pre-fix commit)")
        if not meta.get("license"):
            problems.append("repo.yaml: license is missing")
        if case.get("repo") != "repo":
            problems.append("a case with repo.yaml says `repo: repo` so the materialised tree is read")
    return problems


def _project(case_dir: Path, case: dict) -> str:
    repo_yaml = case_dir / "repo.yaml"
    if repo_yaml.is_file():
        return str(yaml.safe_load(repo_yaml.read_text(encoding="utf-8"))["repository"]).lower()
    return str((case.get("provenance") or {}).get("project") or case["id"]).lower()


def coverage_problems(case_dirs: list[Path]) -> list[str]:
    """What the corpus lacks against the issue's coverage list; [] when it is all there."""
    cases = [(d, yaml.safe_load((d / "case.yaml").read_text(encoding="utf-8"))) for d in case_dirs]
    problems = []
    if len(cases) < 30:
        problems.append(f"{len(cases)} cases; at least 30 are needed")
    truths = {label for _, c in cases for label in (c.get("expect") or {}).get("root_causes") or []}
    if LABELS - truths:
        problems.append(f"labels never the truth: {sorted(LABELS - truths)}")
    covers = Counter(tag for _, c in cases for tag in set((c.get("provenance") or {}).get("covers") or []))
    missing_rollouts = [kind for kind in ROLLOUT_KINDS if not covers[kind]]
    if missing_rollouts:
        problems.append(f"failed rollouts missing: {missing_rollouts}")
    jobs = sum(1 for _, c in cases if c["target"].get("target_type") == "job")
    for tag, minimum in MINIMUM_COVERS.items():
        have = jobs if tag == "job" else covers[tag]
        if have < minimum:
            problems.append(f"{tag}: {have} case(s), at least {minimum} needed")
    projects = {_project(d, c) for d, c in cases}
    if len(projects) < 15:
        problems.append(f"{len(projects)} public projects, at least 15 needed")
    languages = set()
    for d, c in cases:
        if (d / "repo.yaml").is_file():
            meta = yaml.safe_load((d / "repo.yaml").read_text(encoding="utf-8"))
            languages.add(str(meta.get("language") or (c.get("provenance") or {}).get("language")).lower())
    if len(languages) < 5:
        problems.append(f"{len(languages)} languages among the repositories ({sorted(languages)}), at least 5 needed")
    return problems


@pytest.mark.parametrize("case_dir", REAL_DIRS, ids=lambda p: p.name)
def test_real_case_provenance_and_expectations_hold(case_dir: Path) -> None:
    assert case_problems(case_dir) == []


def test_generated_real_cases_hold_too() -> None:
    """The large real case is written by evals/generate_cases.py --large; check it when it is there."""
    generated = [d.parent for d in GENERATED.glob("*/case.yaml")
                 if "provenance" in yaml.safe_load(d.read_text(encoding="utf-8"))]
    if not generated:
        pytest.skip("no generated real case (run evals/generate_cases.py --large --out evals/.generated)")
    for case_dir in generated:
        assert case_problems(case_dir) == [], case_dir.name


def test_the_corpus_covers_what_the_issue_asks() -> None:
    assert coverage_problems(REAL_DIRS) == []


def test_no_other_projects_code_is_committed() -> None:
    tracked = subprocess.run(["git", "ls-files", "evals/real"], cwd=ROOT, capture_output=True, text=True).stdout
    committed = [path for path in tracked.splitlines() if re.match(r"evals/real/[^/]+/repo/", path)]
    assert committed == []


def test_first_contact_table_is_committed() -> None:
    text = (REAL / "FIRST_CONTACT.md").read_text(encoding="utf-8")
    for case_dir in REAL_DIRS:
        assert case_dir.name in text, f"{case_dir.name} has no first-contact row"


# -- the checks themselves can fail ----------------------------------------

@pytest.fixture()
def broken_case(tmp_path: Path) -> Path:
    case_dir = tmp_path / "demo"
    (case_dir / "logging").mkdir(parents=True)
    entry = {"insertId": "abc", "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
             "textPayload": "Traceback (most recent call last):\nKeyError: 'DATABASE_URL'"}
    (case_dir / "logging" / "entries.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    case = {"id": "demo", "target": {"target_type": "service", "target_name": "api"},
            "provenance": {"sources": ["https://example.com/q/1"], "reconstructed": "x",
                           "verbatim": ["KeyError: 'DATABASE_URL'", "KeyError: 'SECRET_KEY'"]},
            "expect": {"root_causes": ["missing-config-or-secret"], "not_above": ["flaky"],
                       "must_cite": ["run.googleapis.com/stderr#abc", "run.googleapis.com/stdout#abc",
                                     "app/main.py:3"]}}
    (case_dir / "case.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    return case_dir


def test_a_misquoted_or_dangling_case_is_reported(broken_case: Path) -> None:
    problems = case_problems(broken_case)
    assert "verbatim string not in the case data: \"KeyError: 'SECRET_KEY'\"" in problems
    assert not any("DATABASE_URL" in p for p in problems), "the quote that is there must pass"
    assert any(p.startswith("expect.not_above: labels outside the taxonomy") for p in problems)
    assert "must_cite run.googleapis.com/stdout#abc: no entry with that insertId in that log" in problems
    assert not any("stderr#abc" in p for p in problems)
    assert "must_cite app/main.py:3: a file:line but the case has no repo.yaml" in problems


def test_a_thin_corpus_is_reported(broken_case: Path) -> None:
    problems = coverage_problems([broken_case])
    assert "1 cases; at least 30 are needed" in problems
    assert any(p.startswith("labels never the truth:") and "healthy" in p for p in problems)
    assert any(p.startswith("failed rollouts missing:") for p in problems)
    assert "memory: 0 case(s), at least 4 needed" in problems
