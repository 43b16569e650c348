"""Running every tool of the CLI against the seeded secret-corpus case, and the no-masking control.

Split from tests/secret_corpus.py; used by tests/test_secret_corpus.py and benchmarks/security_secrets.py.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import yaml

# -- running every tool against the case ----------------------------------------------------------------------


def read_commands(case: Path) -> list[list[str]]:
    """The read tools' argument lists for the seeded case (service, revisions, logs, card, repo)."""
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
        ["query-logs", "--project-id", p, "--filter", 'resource.type="cloud_run_revision" OR logName:"cloudaudit"',
         "--raw", *when],
        ["trello", "read", meta["trello_card"]],
        ["scan-repo", str(case / "repo")],
        ["analyze-logs", str(case / "logging" / "entries.jsonl")],
    ]


def _cli(argv: list[str]) -> tuple[int, str, str]:
    """Run `crobs ARGV` in this process (the CLI entry point), capturing stdout and stderr."""
    from tools.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_everything(case: Path, out: Path, formats: tuple[str, ...] = ("json", "text")) -> dict[str, str]:
    """Every output of every tool against the seeded case: output name -> its text.

    investigate --replay (stdout, stderr, report.md, report.json) and each read tool, in JSON and
    text; then `trello attach` against a replay server, whose received comment and file are the
    posted payload.
    """
    from tools.collect import replay_env
    from tools.replay import trello_state
    from tools.replay.server import ReplayServer

    outputs: dict[str, str] = {}
    card = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["trello_card"]
    trello = {"TRELLO_API_KEY": "0123456789abcdef0123456789abcdef", "TRELLO_TOKEN": "ATTAcorpus0123456789abcdef"}
    with _env(**trello), replay_env(str(case)):
        for fmt in formats:
            flag = ["--json"] if fmt == "json" else []
            report_dir = out / f"report-{fmt}"
            code, stdout, stderr = _cli(["investigate", "--replay", str(case), "--out", str(report_dir), *flag])
            if code != 0:
                raise AssertionError(f"investigate exited {code}: {stderr[-400:]}")
            outputs[f"investigate {fmt} stdout"], outputs[f"investigate {fmt} stderr"] = stdout, stderr
            outputs[f"report.md ({fmt})"] = (report_dir / "report.md").read_text(encoding="utf-8")
            outputs[f"report.json ({fmt})"] = (report_dir / "report.json").read_text(encoding="utf-8")
            for argv in read_commands(case):
                _, stdout, stderr = _cli([*argv, *flag])
                label = " ".join(argv[:2] if argv[0] == "trello" else argv[:1]) + (" --raw" if "--raw" in argv else "")
                outputs[f"{label} {fmt} stdout"], outputs[f"{label} {fmt} stderr"] = stdout, stderr
    with ReplayServer(case) as server, _env(TRELLO_BASE_URL=server.url, **trello):
        report = out / f"report-{formats[0]}" / "report.json"
        code, stdout, stderr = _cli(["trello", "attach", str(report), "--card", card, "--json"])
        if code != 0:
            raise AssertionError(f"trello attach exited {code}: {stderr[-400:]}")
        outputs["trello attach stdout"], outputs["trello attach stderr"] = stdout, stderr
        posted = [c["data"]["text"] for c in trello_state.comments(server, card.rsplit("/", 1)[-1])
                  if c.get("idMemberCreator") == trello_state.BOT["id"]]  # ours, not the card's own comments
        files = [f.decode("utf-8") for f in trello_state.state(server)["files"].values()]
        if not (posted and files):
            raise AssertionError("trello attach posted nothing")
        outputs["trello posted payload"] = "\n".join(posted + files)
    return outputs


@contextlib.contextmanager
def masking_off() -> Iterator[None]:
    """The control: every caller's masking step returns its input unchanged (to show the channels reach outputs)."""
    import sys

    from tools.safety import mask

    def same(value: object, *args: object, **kwargs: object) -> object:
        return value

    patched: list[tuple[object, str, object]] = []
    for module in (mask, *(sys.modules[m] for m in ("tools.cli", "tools.collect", "tools.report.io",
                                                      "tools.sinks.trello_attach", "tools.sources.trello_client",
                                                      "tools.investigate") if m in sys.modules)):
        for name in ("_mask", "mask_text", "mask_value"):
            if name in vars(module):
                patched.append((module, name, getattr(module, name)))
                setattr(module, name, same)
    mask._mask_cached.cache_clear()
    try:
        yield
    finally:
        for module, name, original in patched:
            setattr(module, name, original)
        mask._mask_cached.cache_clear()
