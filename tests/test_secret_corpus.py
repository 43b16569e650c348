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
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from secret_corpus import Secret, build_case, clean_lines, leaked  # noqa: E402

from tools.cli import main  # noqa: E402
from tools.collect import replay_env  # noqa: E402
from tools.replay import trello_state  # noqa: E402
from tools.safety import mask  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _read_commands(case: Path) -> list[list[str]]:
    meta = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    t, w = meta["target"], meta["window"]
    p, r, s = t["project_id"], t["region"], t["target_name"]
    when = ["--start", str(w["start"]), "--end", str(w["end"])]
    revision = sorted((case / "run" / "revisions").glob("*.json"))[-1].stem
    common = ["--project-id", p, "--region", r, "--service", s]
    return [
        ["describe-service", *common],
        ["list-revisions", *common],
        ["describe-revision", *common, "--revision", revision],
        ["revision-timeline", *common],
        ["fetch-deploy-events", *common, *when],
        ["fetch-logs", "--project-id", p, "--target-type", "service", "--target-name", s, *when],
        ["query-logs", "--project-id", p, "--filter", 'resource.type="cloud_run_revision" OR logName:"cloudaudit"',
         *when],
        ["query-logs", "--project-id", p, "--filter", 'logName:"cloudaudit"', "--raw", *when],
        ["trello", "read", meta["trello_card"]],
        ["scan-repo", str(case / "repo")],
        ["analyze-logs", str(case / "logging" / "entries.jsonl")],
    ]


def run_everything(case: Path, out: Path, capsys) -> dict[str, str]:
    """Every output of every tool against the seeded case: name -> text."""
    outputs: dict[str, str] = {}
    card = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["trello_card"]
    with replay_env(str(case)):
        for fmt in ("json", "text"):
            report_dir = out / f"report-{fmt}"
            code = main(["investigate", "--replay", str(case), "--out", str(report_dir),
                         *(["--json"] if fmt == "json" else [])])
            got = capsys.readouterr()
            assert code == 0, got.err[-400:]
            outputs[f"investigate {fmt} stdout"], outputs[f"investigate {fmt} stderr"] = got.out, got.err
            outputs[f"report.md ({fmt})"] = (report_dir / "report.md").read_text(encoding="utf-8")
            outputs[f"report.json ({fmt})"] = (report_dir / "report.json").read_text(encoding="utf-8")
            for argv in _read_commands(case):
                main([*argv, *(["--json"] if fmt == "json" else [])])
                got = capsys.readouterr()
                label = " ".join(argv[:2] if argv[0] == "trello" else argv[:1]) + (" --raw" if "--raw" in argv else "")
                outputs[f"{label} {fmt} stdout"], outputs[f"{label} {fmt} stderr"] = got.out, got.err
        # The Trello attach: what the replay server received is the posted payload.
        from tools.replay.server import ReplayServer

        with ReplayServer(case) as server:
            import os

            saved = os.environ.get("TRELLO_BASE_URL")
            os.environ["TRELLO_BASE_URL"] = server.url
            try:
                code = main(["trello", "attach", str(out / "report-json" / "report.json"), "--card", card, "--json"])
            finally:
                os.environ["TRELLO_BASE_URL"] = saved or ""
            got = capsys.readouterr()
            assert code == 0, got.err[-400:]
            outputs["trello attach stdout"] = got.out
            posted = [c["data"]["text"] for c in trello_state.comments(server, card.rsplit("/", 1)[-1])
                      if c.get("idMemberCreator") == trello_state.BOT["id"]]  # ours, not the card's own
            files = trello_state.state(server)["files"].values()
            outputs["trello posted payload"] = "\n".join(posted + [f.decode("utf-8") for f in files])
            assert files and posted
    return outputs


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


def test_no_secret_survives_in_any_output(corpus, tmp_path, capsys, monkeypatch):
    case, secrets = corpus
    monkeypatch.setenv("TRELLO_API_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("TRELLO_TOKEN", "ATTAcorpus0123456789abcdef")
    monkeypatch.setattr("tools.sources.trello_client._sleep", lambda seconds: None)
    outputs = run_everything(case, tmp_path, capsys)
    leaks = {name: [f"{s.kind}@{s.channel}" for s in found] for name, found in leak_table(secrets, outputs).items()
             if found}
    assert not leaks, leaks
    # the masking left its mark where the secrets were: the channels really reach these outputs
    for name in ("report.md (json)", "report.json (text)", "investigate json stdout", "query-logs --raw text stdout",
                 "describe-service json stdout", "fetch-logs json stdout", "trello read json stdout",
                 "scan-repo json stdout", "trello posted payload"):
        assert mask.MASK in outputs[name], name

    # control: with the masking step switched off the same outputs carry the secrets
    monkeypatch.setattr(mask, "_mask", lambda text: text)
    monkeypatch.setattr(mask, "mask_value", lambda value, *a, **k: value)
    for name in ("mask_value", "mask_text"):
        for module in ("tools.cli", "tools.report.io", "tools.sinks.trello_attach"):
            if name in vars(sys.modules[module]):
                monkeypatch.setattr(f"{module}.{name}", (lambda v, *a, **k: v))
    mask._mask_cached.cache_clear()
    bare = run_everything(case, tmp_path / "control", capsys)
    mask._mask_cached.cache_clear()
    reached = {s for found in leak_table(secrets, bare).values() for s in found}
    assert len(reached) >= 0.8 * len(secrets), f"only {len(reached)} of {len(secrets)} planted secrets reach an output"


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


def test_masking_is_idempotent_on_the_corpus(corpus):
    case, secrets = corpus
    for s in secrets:
        once = mask.mask_text(s.text)
        assert mask.mask_text(once) == once and s.value not in once
