"""No planted secret survives in any output of any tool; ordinary lines come out unchanged (issue 16).

A replay case is generated with secrets of 25 kinds planted into every input channel
(tests/secret_corpus.py); `investigate --replay` and every read tool run through the CLI entry
point (JSON and text), and the Trello attach posts to the replay server. The report files, stdout,
stderr and the posted comment and attachment must hold none of them. A control run with the masking
step switched off shows that the same outputs do carry the secrets, so the check is not vacuous.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from secret_corpus import (  # noqa: E402
    Secret,
    build_case,
    clean_lines,
    eval_corpora,
    leaked,
)
from secret_corpus_run import masking_off, run_everything  # noqa: E402

from tools.safety import mask  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def leak_table(secrets: list[Secret], outputs: dict[str, str]) -> dict[str, list[Secret]]:
    return {name: leaked(secrets, text) for name, text in outputs.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_case(tmp_path_factory.mktemp("secret-corpus"))


def test_the_corpus_is_big_enough(corpus):
    _, secrets = corpus
    assert len(secrets) >= 60 and len({s.kind for s in secrets}) >= 15
    channels = {s.channel.split(":")[0] for s in secrets}
    assert {"log_text", "log_json", "request_url", "audit", "audit_request_env", "conditions", "env", "args",
            "card_description", "card_comments", "repo_lines"} <= channels


def test_no_secret_survives_in_any_output(corpus, tmp_path, monkeypatch):
    case, secrets = corpus
    monkeypatch.setattr("tools.sources.trello_client._sleep", lambda seconds: None)
    outputs = run_everything(case, tmp_path)
    leaks = {name: [f"{s.kind}@{s.channel}" for s in found] for name, found in leak_table(secrets, outputs).items()
             if found}
    assert not leaks, leaks
    # the masking left its mark where the secrets were: the channels really reach these outputs
    for name in ("report.md (json)", "report.json (text)", "investigate json stdout", "query-logs --raw text stdout",
                 "describe-service json stdout", "fetch-logs json stdout", "trello read json stdout",
                 "scan-repo json stdout", "trello posted payload"):
        assert mask.MASK in outputs[name], name

    # control: with the masking step switched off the same outputs carry the secrets (JSON runs suffice)
    with masking_off():
        bare = run_everything(case, tmp_path / "control", formats=("json",))
    reached = {s for found in leak_table(secrets, bare).values() for s in found}
    assert len(reached) >= 0.8 * len(secrets), f"only {len(reached)} of {len(secrets)} planted secrets reach an output"
    for name in ("report.md (json)", "fetch-logs json stdout", "trello posted payload",
                 "describe-revision json stdout"):
        assert leak_table(secrets, {name: bare[name]})[name], name


def test_investigate_as_a_subprocess_prints_no_secret(corpus, tmp_path):
    case, secrets = corpus
    proc = subprocess.run([sys.executable, "-m", "tools.cli", "investigate", "--replay", str(case), "--out",
                           str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-400:]
    assert "[REDACTED]" in proc.stdout
    assert not leaked(secrets, proc.stdout + proc.stderr)


def test_clean_corpus_false_positives_at_most_one_percent():
    lines = clean_lines()
    altered = [line for line in lines if mask.mask_text(line) != line]
    assert len(lines) >= 300 and len(altered) <= 0.01 * len(lines), altered[:5]


def test_eval_case_inputs_are_left_alone():
    """Every bundled case's log texts, resources, cards and repository lines hold no secret: ≤ 1 % may change,
    personal email addresses aside (their local part is masked by design)."""
    for name, lines in eval_corpora().items():
        altered = [t for t in lines if mask.mask_text(t) != t and "[REDACTED]@" not in mask.mask_text(t)]
        assert len(altered) <= 0.01 * len(lines), (name, altered[:5])


def test_masking_is_idempotent_on_the_corpus(corpus):
    case, secrets = corpus
    for s in secrets:
        once = mask.mask_text(s.text)
        assert mask.mask_text(once) == once and s.value not in once
