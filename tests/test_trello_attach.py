"""Attaching a report to its card: idempotent comment + attachment, safe retries, failures that keep the file."""

import json
import shutil
import socket
from pathlib import Path

import httpx
import pytest

from tools.cli import main as crobs
from tools.errors import InputError
from tools.paths import ROOT
from tools.replay import trello_api
from tools.replay.server import ReplayServer
from tools.report.io import load_report
from tools.report.render import render_markdown
from tools.sinks.trello_attach import attach_report, attachment_name, summary_comment, utf16_len
from tools.sources.trello_client import TrelloAuthError, TrelloNotFound, TrelloUnavailable

CASE = ROOT / "evals" / "cases" / "sitebookify-sample"
SAMPLE = ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md"
SHORT = "Xvlu1U1f"
CARD = f"https://trello.com/c/{SHORT}"
KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ATTAattach-secret-0f1e2d3c4b5a69788796a5b4"
NAME = "incident-report-sitebookify-20260212T000000Z.md"
WRITES = ("trello_post_comment", "trello_put_action", "trello_post_attachment", "trello_delete_attachment",
          "trello_delete_action")


@pytest.fixture(scope="module")
def shared_server():
    with ReplayServer(CASE) as srv:
        yield srv


@pytest.fixture
def server(shared_server, monkeypatch):
    trello_api.reset(shared_server)
    monkeypatch.setattr("tools.sources.trello_client._sleep", lambda seconds: None)
    monkeypatch.setenv("TRELLO_BASE_URL", shared_server.url)
    monkeypatch.setenv("TRELLO_API_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    return shared_server


@pytest.fixture
def report_md(tmp_path):
    path = tmp_path / "report.md"
    shutil.copy(SAMPLE, path)
    return str(path)


def _ours(server):
    comments = [c for c in trello_api.comments(server, SHORT) if c["idMemberCreator"] == trello_api.BOT["id"]]
    files = [a for a in trello_api.attachments(server, SHORT) if a["name"] == NAME]
    return comments, files


def _writes(server):
    return {name: server.count(name) for name in WRITES if server.count(name)}


def _download(server, att):
    headers = {"Authorization": f'OAuth oauth_consumer_key="{KEY}", oauth_token="{TOKEN}"'}
    return httpx.get(att["url"], headers=headers).text


def test_attaching_twice_leaves_one_comment_and_one_attachment(server, report_md):
    first = attach_report(report_md, CARD)
    assert (first["comment"]["action"], first["attachment"]["action"]) == ("created", "uploaded")
    second = attach_report(report_md, f"{CARD}/12-createjob")
    assert second["changed"] is False
    comments, files = _ours(server)
    assert len(comments) == 1 and len(files) == 1
    assert _writes(server) == {"trello_post_comment": 1, "trello_post_attachment": 1}
    assert _download(server, files[0]) == SAMPLE.read_text(encoding="utf-8")
    text = comments[0]["data"]["text"]
    assert f"`crobs-report {NAME} sha256:{first['sha256']}`" == text.splitlines()[-1]
    assert "Background task model" in text and "confidence: medium" in text and "ev-001" in text
    assert not any(line.lstrip().startswith("|") for line in text.splitlines())  # Trello renders no tables
    # the human comments and the screenshot are untouched
    assert len(trello_api.comments(server, SHORT)) == 3 and len(trello_api.attachments(server, SHORT)) == 2
    log = server.state["trello"]["log"]
    assert all(e["auth"] == "header" and not e["token_in_url"] and not e["get_body"] for e in log)


def test_a_changed_report_edits_the_comment_and_replaces_the_file(server, report_md, tmp_path):
    attach_report(report_md, CARD)
    (comment_before,), (file_before,) = _ours(server)
    report = load_report(report_md)
    report["root_cause_candidates"][0]["confidence"] = "high"
    changed = tmp_path / "report.json"
    changed.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    result = attach_report(str(changed), CARD)
    (comment_after,), (file_after,) = _ours(server)
    assert result["comment"] == {"action": "updated", "id": comment_before["id"], "deleted": []}
    assert comment_after["id"] == comment_before["id"] and "confidence: high" in comment_after["data"]["text"]
    assert file_after["id"] != file_before["id"] and result["attachment"]["deleted"] == [file_before["id"]]
    assert _download(server, file_after) == render_markdown(report)
    assert server.count("trello_put_action") == 1 and server.count("trello_post_comment") == 1


def test_a_marker_posted_by_someone_else_is_not_ours(server, report_md):
    other = {"id": "5e9a0c1d2e3f405162738495", "username": "aoitanaka", "fullName": "Aoi"}
    trello_api.set_credentials(server, KEY, "ATTAother")
    server.state["trello"]["members"]["ATTAother"] = other
    headers = {"Authorization": f'OAuth oauth_consumer_key="{KEY}", oauth_token="ATTAother"'}
    quoted = f"FYI the bot said:\n`crobs-report {NAME} sha256:0000000000000000`"
    assert httpx.post(f"{server.url}/1/cards/{SHORT}/actions/comments", json={"text": quoted},
                      headers=headers).status_code == 200
    trello_api.set_credentials(server, KEY, TOKEN)
    attach_report(report_md, CARD)
    comments, _ = _ours(server)
    assert len(comments) == 1 and server.count("trello_put_action") == 0
    assert quoted in [c["data"]["text"] for c in trello_api.comments(server, SHORT)]


def test_duplicates_from_earlier_runs_are_cleaned_up(server, report_md):
    attach_report(report_md, CARD)
    (comment,), (att,) = _ours(server)
    with server.lock:  # as if an older crash had left a second copy of each
        trello_api._state(server)["actions"][comment["data"]["card"]["id"]].append(
            dict(comment, id="6a" + "f" * 22, date="2020-01-01T00:00:00.000Z"))
        trello_api._state(server)["attachments"][comment["data"]["card"]["id"]].append(
            dict(att, id="6a" + "e" * 22, date="2020-01-01T00:00:00.000Z"))
    result = attach_report(report_md, CARD)
    comments, files = _ours(server)
    assert [c["id"] for c in comments] == [comment["id"]] and [a["id"] for a in files] == [att["id"]]
    assert result["changed"] is True and result["attachment"]["action"] == "unchanged"


@pytest.mark.parametrize("route", ["trello_post_comment", "trello_post_attachment"])
def test_a_post_that_succeeded_behind_a_500_is_not_repeated(server, report_md, route):
    trello_api.fail_after_commit(server, route)
    result = attach_report(report_md, CARD)
    comments, files = _ours(server)
    assert len(comments) == 1 and len(files) == 1
    assert server.count(route) == 1  # the re-check found it: no second POST
    assert result["comment"]["id"] == comments[0]["id"] and result["attachment"]["id"] == files[0]["id"]


def test_a_rate_limited_post_is_retried_once_the_check_finds_nothing(server, report_md):
    server.inject("trello_post_comment", status=429, times=1)
    attach_report(report_md, CARD)
    assert server.count("trello_post_comment") == 2 and server.count("trello_card_actions") == 1
    assert len(_ours(server)[0]) == 1


def test_server_errors_keep_the_report_and_name_it(server, report_md, capsys):
    server.inject("trello_post_comment", status=503)
    with pytest.raises(TrelloUnavailable) as info:
        attach_report(report_md, CARD)
    assert report_md in str(info.value) and "HTTP 503" in str(info.value)
    code = crobs(["trello", "attach", report_md, "--card", CARD])
    err = capsys.readouterr().err
    assert code == 1 and report_md in err and err.count("\n") == 1 and TOKEN not in err
    assert SAMPLE.read_bytes() == Path(report_md).read_bytes()
    server.clear_faults()  # Trello is back: the re-run completes, still one of each
    attach_report(report_md, CARD)
    comments, files = _ours(server)
    assert len(comments) == 1 and len(files) == 1


def test_dead_network_keeps_the_report_and_names_it(server, report_md, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TRELLO_BASE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(TrelloUnavailable) as info:
        attach_report(report_md, CARD)
    assert "unreachable" in str(info.value) and report_md in str(info.value)


def test_bad_token_and_unknown_card(server, report_md):
    with pytest.raises(TrelloNotFound, match=r"card Zzzz9999 not found \(404\)"):
        attach_report(report_md, "https://trello.com/c/Zzzz9999")
    trello_api.set_credentials(server, KEY, "ATTAsomebody-else")
    with pytest.raises(TrelloAuthError, match="401 invalid token") as info:
        attach_report(report_md, CARD)
    assert TOKEN not in str(info.value)
    assert _writes(server) == {}


def test_bad_report_file_is_one_line(server, tmp_path):
    binary = tmp_path / "report.md"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        attach_report(str(binary), CARD)
    incomplete = tmp_path / "report.json"
    incomplete.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="not a complete report"):
        attach_report(str(incomplete), CARD)
    assert server.count("trello_get_card") == 0


def test_huge_reports_still_fit_in_one_comment():
    report = load_report(str(SAMPLE))
    big = "長い" * 20000 + "😀" * 5000
    report["root_cause_candidates"][0]["title"] = big
    report["root_cause_candidates"][0]["rationale"] = big
    for row in report["evidence"]:
        row["signal"] = big
    report["fix_plan"]["immediate"] = [dict(f, action=big, expected_impact=big, risk=big)
                                       for f in report["fix_plan"]["immediate"] * 10]
    text = summary_comment(report, attachment_name(report), "0123456789abcdef")
    assert utf16_len(text) < 16384
    assert text.endswith(f"`crobs-report {NAME} sha256:0123456789abcdef`")


def test_attachment_name_is_safe_on_every_os():
    summary = {"target": {"target_name": "my svc/../x"}, "window": {"start": "2026-02-12T00:00:00.5Z"}}
    assert attachment_name({"incident_summary": summary}) == "incident-report-my-svc-..-x-20260212T000000Z.md"
    assert attachment_name({}) == "incident-report-unknown-target-unknown-window.md"


def test_dry_run_prints_exactly_what_would_be_sent_and_sends_nothing(server, report_md, monkeypatch, capsys):
    monkeypatch.delenv("TRELLO_TOKEN")
    code = crobs(["trello", "attach", report_md, "--card", CARD, "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and server.calls == []
    assert f"multipart file={NAME}" in out and "PUT /1/actions/" in out
    assert SAMPLE.read_text(encoding="utf-8").rstrip("\n") in out  # the full attachment, verbatim
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    attach_report(report_md, CARD)
    (comment,), _ = _ours(server)
    assert comment["data"]["text"] in out  # the comment that was sent is the one that was shown


def test_cli_reads_the_card_and_attaches(server, report_md, capsys):
    assert crobs(["trello", "read", CARD]) == 0
    out = capsys.readouterr().out
    assert f"{CARD}#comment-698d1f0d2b3c4d5e6f708192" in out and "trello  medium" in out
    assert crobs(["trello", "attach", report_md, "--card", CARD]) == 0
    assert crobs(["trello", "attach", report_md, "--card", CARD]) == 0
    out = capsys.readouterr().out
    assert "comment: created" in out and "unchanged" in out.splitlines()[-1] and TOKEN not in out
    code = crobs(["trello", "read", "https://trello.com/b/Bk7sQp2a/incidents"])
    assert code == 2 and "board URL" in capsys.readouterr().err
