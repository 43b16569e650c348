"""Every command in SKILL.md's tool table runs, as written, against a bundled case (issue 15: "every SKILL.md
command runs in a test"), so its flags cannot drift from the tools again (`--path` that did not exist,
a missing `--region`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tools.cli import main
from tools.collect import replay_env

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "evals" / "cases"
SERVICE_CASE, JOB_CASE = CASES / "pricing-port-bind", CASES / "csv-import-job-oom"
CARD_CASE = CASES / "sitebookify-sample"


def skill_commands() -> list[str]:
    """The `crobs ...` commands of the tool table (rows starting with `|`), the whole-playbook row left out."""
    rows = [line for line in (ROOT / "SKILL.md").read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    found = [m.group(1) for row in rows for m in re.finditer(r"`(crobs [^`]+)`", row)]
    return [c for c in found if "..." not in c]


def _case(case_dir: Path) -> dict:
    return yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))


def _values(tmp: Path) -> dict[str, str]:
    service, job = _case(SERVICE_CASE), _case(JOB_CASE)
    revision = sorted((SERVICE_CASE / "run" / "revisions").glob("*.json"))[0].stem
    execution = sorted((JOB_CASE / "run" / "executions").glob("*.json"))[0].stem
    report = tmp / "report.json"
    return {
        "P": service["target"]["project_id"], "R": service["target"]["region"], "S": service["target"]["target_name"],
        "J": job["target"]["target_name"], "E": execution, "REV": revision,
        "T1": str(service["window"]["start"]), "T2": str(service["window"]["end"]),
        "F": 'resource.type="cloud_run_revision"', "PATH": str(SERVICE_CASE / "logging" / "entries.jsonl"),
        "REPO": str(SERVICE_CASE / "repo"), "URL": _case(CARD_CASE)["trello_card"],
        "REPORT": str(report), "report.json": str(report), "report.md": str(tmp / "report.md"),
    }


def argv_of(command: str, values: dict[str, str]) -> list[str]:
    """The command's words with placeholders filled; `[--dry-run]` kept, other optional parts dropped."""
    text = command.replace("[--dry-run]", "--dry-run")
    text = re.sub(r"\[[^\]]*\]", "", text)
    words = text.split()[1:]
    out = []
    for word in words:
        out.append(values.get(word, word))
    if out[:1] == ["query-logs"]:  # the filter is one argument
        out[out.index("--filter") + 1] = values["F"]
    return out


def test_the_table_is_read():
    commands = skill_commands()
    assert len(commands) >= 20 and any(c.startswith("crobs fetch-deploy-events") for c in commands)


def _case_for(argv: list[str]) -> Path:
    if "--job" in argv:
        return JOB_CASE
    if argv[:1] == ["trello"]:
        return CARD_CASE
    return SERVICE_CASE


@pytest.mark.parametrize("command", skill_commands())
def test_every_skill_command_runs_as_written(command, tmp_path, capsys, monkeypatch):
    values = _values(tmp_path)
    if "--job J" in command:  # job rows run against the job case: its project, region and window
        job = _case(JOB_CASE)
        values.update(P=job["target"]["project_id"], R=job["target"]["region"],
                      T1=str(job["window"]["start"]), T2=str(job["window"]["end"]))
    argv = argv_of(command, values)
    if any(a in (values["report.json"], values["report.md"], values["REPORT"]) for a in argv):
        assert main(["investigate", "--replay", str(SERVICE_CASE), "--out", str(tmp_path)]) == 0
        capsys.readouterr()
    monkeypatch.setenv("TRELLO_API_KEY", "k")
    monkeypatch.setenv("TRELLO_TOKEN", "t")
    with replay_env(str(_case_for(argv))):
        code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, (command, argv, err[-500:])
    assert out.strip(), command


def test_list_flags_take_commas_as_well_as_spaces(tmp_path, capsys):
    values = _values(tmp_path)
    base = ["fetch-logs", "--project-id", values["P"], "--target-type", "service", "--target-name", values["S"],
            "--start", values["T1"], "--end", values["T2"], "--json"]
    with replay_env(str(SERVICE_CASE)):
        assert main([*base, "--log-kinds", "system,stdout"]) == 0
        comma = capsys.readouterr().out
        assert main([*base, "--log-kinds", "system", "stdout"]) == 0
        spaced = capsys.readouterr().out
        with pytest.raises(SystemExit) as bad:  # argparse's own usage error: exit 2, one line
            main([*base, "--log-kinds", "system,bogus"])
    assert bad.value.code == 2
    assert comma == spaced and '"records"' in comma
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_query_logs_raw_keeps_the_whole_audit_entry(tmp_path, capsys):
    """Records drop what analysis does not read; `--raw` returns the entry as the API gave it (issue 15)."""
    case = CASES / "catalog-deploy-regression"
    meta = _case(case)
    argv = ["query-logs", "--project-id", meta["target"]["project_id"], "--filter", 'logName:"cloudaudit"',
            "--start", str(meta["window"]["start"]), "--end", str(meta["window"]["end"])]
    with replay_env(str(case)):
        assert main([*argv, "--json"]) == 0
        plain = json.loads(capsys.readouterr().out)
        assert main([*argv, "--raw", "--json"]) == 0
        raw = json.loads(capsys.readouterr().out)
        assert main([*argv, "--raw"]) == 0
        lines = capsys.readouterr().out.splitlines()
    assert "entries" not in plain and len(raw["entries"]) == len(raw["records"]) == len(plain["records"]) > 0
    assert any("authenticationInfo" in (e.get("protoPayload") or {}) for e in raw["entries"])
    assert json.loads(lines[0]) == raw["entries"][0]
