"""Structural checks on every bundled eval case (evals/cases/*).

Why: a case whose expectations cannot be met (a label outside the taxonomy, a
must_cite line that does not exist, an insertId that is not in the logs) makes
the eval suite measure the case instead of the analysis. These checks run in
well under a second per case and need nothing but the files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "evals" / "cases"
CASE_DIRS = sorted(p.parent for p in CASES.glob("*/case.yaml"))
STORY_IDS = sorted(p.stem for p in (ROOT / "evals" / "stories").glob("*.py") if not p.name.startswith("_"))

# Copy of the taxonomy in shared/spec/root-causes.md, used when tools/data/root_causes.yaml is absent.
FALLBACK_LABELS = {
    "background-work-outside-request", "memory-limit-exceeded", "request-timeout", "no-available-instance",
    "port-bind-mismatch", "startup-probe-failure", "graceful-shutdown-missing", "container-crash",
    "missing-config-or-secret", "permission-denied", "image-or-deploy-failure", "bad-deploy-regression",
    "downstream-dependency", "cold-start-latency", "concurrency-overload", "job-task-failure",
    "execution-environment-mismatch", "healthy", "other",
}
SOURCES = {"cloud_logging", "cloud_run_service", "cloud_run_revision", "cloud_run_job", "audit_log",
           "cloud_monitoring", "repository", "trello"}
LOG_KEYS = ("insertId", "logName", "resource", "timestamp")
REPO_REF = re.compile(r"^(?P<path>[^#\s]+?):(?P<line>\d+)$")
INDEX = re.compile(r"^(?P<key>[^\[\]]+)((?:\[\d+\])*)$")


def _labels() -> set[str]:
    path = ROOT / "tools" / "data" / "root_causes.yaml"
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {item["label"] for item in data["labels"]}
    return FALLBACK_LABELS


def _case(case_dir: Path) -> dict:
    return yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))


def _time(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _entries(case_dir: Path) -> list[dict]:
    path = case_dir / "logging" / "entries.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _field_exists(body: object, field_path: str) -> bool:
    """`a.b[0].c` exists, or only its last key is left out (a platform default, cited by its parent)."""
    parts = field_path.split(".")
    node = body
    for depth, part in enumerate(parts):
        match = INDEX.match(part)
        if not match:
            return False
        if not isinstance(node, dict):
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


def _flat(items: list) -> list[str]:
    return [str(option) for item in items for option in (item if isinstance(item, list) else [item])]


def test_there_are_enough_cases_and_every_story_has_its_directory() -> None:
    ids = {d.name for d in CASE_DIRS}
    assert len(CASE_DIRS) >= 20
    large = {s for s in STORY_IDS if "LARGE = True" in (ROOT / "evals" / "stories" / f"{s}.py").read_text()}
    assert set(STORY_IDS) - large <= ids, f"stories without a committed case: {sorted(set(STORY_IDS) - large - ids)}"
    assert large, "one story must be the large (generated, not committed) case"
    assert not large & ids, "the large case must not be committed"


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=lambda p: p.name)
def test_case_yaml_shape_and_labels(case_dir: Path) -> None:
    case = _case(case_dir)
    labels = _labels()
    assert case["id"] == case_dir.name
    assert case.get("title")
    target = case["target"]
    assert target["target_type"] in ("service", "job")
    assert target["target_name"]
    assert _time(case["window"]["start"]) < _time(case["window"]["end"])
    assert case["lang"] in ("ja", "en")
    expect = case["expect"]
    assert expect["root_causes"], "every eval case names the accepted top labels"
    for key in ("root_causes", "also", "not_above"):
        unknown = set(expect.get(key) or []) - labels
        assert not unknown, f"{key}: labels outside the taxonomy: {unknown}"
    assert not set(expect.get("not_above") or []) & set(expect["root_causes"])
    assert set(expect.get("data_gaps") or []) <= SOURCES | {"cloud_run"}
    if case.get("repo"):
        assert (case_dir / case["repo"]).is_dir()


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=lambda p: p.name)
def test_log_entries_have_the_entries_list_shape(case_dir: Path) -> None:
    entries = _entries(case_dir)
    if not entries:
        pytest.skip("case has no logs (a data gap by design)")
    ids = [e["insertId"] for e in entries]
    assert len(ids) == len(set(ids)), "insertIds must be unique"
    project = _case(case_dir)["target"]["project_id"]
    for entry in entries:
        missing = [k for k in LOG_KEYS if k not in entry]
        assert not missing, f"{entry.get('insertId')}: missing {missing}"
        assert re.fullmatch(r"projects/[a-z0-9-]+/logs/[^/]+", entry["logName"]), entry["logName"]
        if project:
            assert entry["logName"].startswith(f"projects/{project}/logs/")
        assert entry["resource"]["type"] in ("cloud_run_revision", "cloud_run_job", "gcs_bucket", "audited_resource")
        _time(entry["timestamp"])
        assert sum(k in entry for k in ("textPayload", "jsonPayload", "protoPayload", "httpRequest")) >= 1
        if "httpRequest" in entry:
            http = entry["httpRequest"]
            assert isinstance(http["status"], int) and re.fullmatch(r"\d+\.\d+s", http["latency"])
    size = (case_dir / "logging" / "entries.jsonl").stat().st_size
    assert size < 1_000_000, f"entries.jsonl is {size} bytes; large cases belong to the generator"


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=lambda p: p.name)
def test_every_must_cite_reference_resolves(case_dir: Path) -> None:
    case = _case(case_dir)
    repo = case_dir / case["repo"] if case.get("repo") else None
    logs = {e["insertId"]: unquote(e["logName"].split("/logs/", 1)[1]) for e in _entries(case_dir)}
    resources = {}
    for path in (case_dir / "run").glob("*/*.json"):
        body = json.loads(path.read_text(encoding="utf-8"))
        resources[body["name"]] = body
    for ref in _flat(case["expect"].get("must_cite") or []):
        head, sep, tail = ref.partition("#")
        repo_ref = REPO_REF.match(ref)
        if sep and head.startswith("projects/"):
            assert head in resources, f"{ref}: no Cloud Run resource {head}"
            assert _field_exists(resources[head], tail), f"{ref}: no field {tail}"
        elif sep:
            assert tail in logs, f"{ref}: insertId not in entries.jsonl"
            assert logs[tail] == head, f"{ref}: entry belongs to {logs[tail]}"
        elif repo_ref:
            assert repo is not None, f"{ref}: case has no repo"
            lines = (repo / repo_ref.group("path")).read_text(encoding="utf-8").splitlines()
            number = int(repo_ref.group("line"))
            assert 1 <= number <= len(lines), f"{ref}: past the end of the file"
            assert lines[number - 1].strip(), f"{ref}: blank line"
        elif head.startswith("https://trello.com/c/"):
            short = head.rstrip("/").split("/c/", 1)[1].split("/", 1)[0]
            card = case_dir / "trello" / "cards" / f"{short}.json"
            assert card.is_file(), f"{ref}: no card file trello/cards/{short}.json"
            if tail:
                assert tail.removeprefix("comment-") in card.read_text(encoding="utf-8"), f"{ref}: no such comment"
        else:
            pytest.fail(f"unrecognised must_cite form: {ref}")


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=lambda p: p.name)
def test_declared_data_gaps_match_the_files(case_dir: Path) -> None:
    case = _case(case_dir)
    gaps = set(case["expect"].get("data_gaps") or [])
    has_monitoring = (case_dir / "monitoring" / "timeseries.jsonl").is_file()
    assert ("cloud_monitoring" in gaps) != has_monitoring
    if case.get("trello_card"):
        short = case["trello_card"].rstrip("/").rsplit("/", 1)[-1]
        assert ("trello" in gaps) != (case_dir / "trello" / "cards" / f"{short}.json").is_file()
    if has_monitoring:
        for line in (case_dir / "monitoring" / "timeseries.jsonl").read_text(encoding="utf-8").splitlines():
            series = json.loads(line)
            assert series["metric"]["type"].startswith("run.googleapis.com/") and series["points"]


def test_the_generator_reproduces_the_committed_cases(tmp_path: Path) -> None:
    """The committed small cases are exactly what `generate_cases.py --out evals/cases` writes."""
    subprocess.run([sys.executable, str(ROOT / "evals" / "generate_cases.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for generated in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        for path in sorted(p for p in generated.rglob("*") if p.is_file()):
            committed = CASES / path.relative_to(tmp_path)
            assert committed.is_file(), f"{committed} is missing; rerun the generator"
            assert committed.read_bytes() == path.read_bytes(), f"{committed} differs from the generator's output"


def test_field_check_rejects_what_a_resource_does_not_have() -> None:
    """The must_cite field check is only useful if it can say no."""
    body = {"template": {"containers": [{"resources": {"limits": {"memory": "512Mi"}}}], "scaling": {}}}
    assert _field_exists(body, "template.containers[0].resources.limits.memory")
    assert _field_exists(body, "template.scaling.minInstanceCount")  # left-out default, cited by its parent
    assert not _field_exists(body, "template.containers[1].resources")
    assert not _field_exists(body, "template.volumes[0].name")
    assert not _field_exists(body, "spec.template")


def test_the_large_story_builds_a_consistent_case_when_scaled_down(tmp_path: Path) -> None:
    """The large case is not committed, so check its story here at a small size (the shape does not depend on it)."""
    sys.path.insert(0, str(ROOT / "evals"))
    try:
        import generate_cases

        large = [m for _, m in generate_cases.load_stories() if getattr(m, "LARGE", False)]
        assert large
        for module in large:
            module.REQUESTS = 3000
            case_dir = module.build().write(tmp_path)
            assert len(_entries(case_dir)) >= 3000
            test_case_yaml_shape_and_labels(case_dir)
            test_every_must_cite_reference_resolves(case_dir)
            test_declared_data_gaps_match_the_files(case_dir)
    finally:
        sys.path.remove(str(ROOT / "evals"))
