"""`crobs mcp` as a real MCP client sees it (issue 15): the SDK's own stdio client starts
`python -m tools.cli mcp`, lists the tools, calls fetch_logs against a replayed case, sends bad
arguments and runs investigate (whose progress must stay off the protocol channel).

One server process serves the whole module: the session runs once in a fixture and the tests
assert on what it collected.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
import yaml
from mcp.client import Client, ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

import tools.mcp.server as server_module
from tools.mcp.server import build_server, load_hints
from tools.registry import load_tools
from tools.replay.server import ReplayServer

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "evals" / "cases" / "pricing-port-bind"
SECRET = "hunter2-not-a-real-password"


def _case() -> dict[str, Any]:
    return yaml.safe_load((CASE / "case.yaml").read_text(encoding="utf-8"))


def _fetch_args(**extra: Any) -> dict[str, Any]:
    case = _case()
    return {"project_id": case["target"]["project_id"], "target_type": "service",
            "target_name": case["target"]["target_name"], "start": str(case["window"]["start"]),
            "end": str(case["window"]["end"]), "severity_min": "ERROR", **extra}


async def _session(env: dict[str, str], errlog, tmp: Path) -> dict[str, Any]:
    stray: list[Exception] = []  # a stdout line that is not JSON-RPC reaches the client as an Exception

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):
            stray.append(message)

    params = StdioServerParameters(command=sys.executable, args=["-m", "tools.cli", "mcp"], env=env, cwd=str(ROOT))
    export = tmp / "entries.jsonl"
    export.write_text(json.dumps({
        "insertId": "leak1", "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
        "timestamp": "2026-02-18T05:10:00Z", "severity": "ERROR",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "s"}},
        "textPayload": f"connect failed: postgres://app:{SECRET}@db/app password={SECRET}",
    }) + "\n", encoding="utf-8")
    got: dict[str, Any] = {}
    with anyio.fail_after(120):
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, message_handler=on_message) as session:
                got["init"] = await session.initialize()
                got["tools"] = (await session.list_tools()).tools
                got["fetch"] = await session.call_tool("fetch_logs", _fetch_args())
                got["missing"] = await session.call_tool("fetch_logs", {"project_id": "p"})
                got["wrong_type"] = await session.call_tool("fetch_logs", _fetch_args(limit="many"))
                got["backwards"] = await session.call_tool(
                    "fetch_logs", _fetch_args(start=_fetch_args()["end"], end=_fetch_args()["start"]))
                got["unknown"] = await session.call_tool("no_such_tool", {})
                got["masked"] = await session.call_tool("analyze_logs", {"path": str(export)})
                got["investigate"] = await session.call_tool(
                    "investigate", {"replay": str(CASE), "out": str(tmp / "out"), "format": "json"})
                got["after"] = await session.call_tool("list_tools", {})
    got["stray"] = stray
    return got


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("mcp")
    server = ReplayServer(str(CASE)).start()
    env = {"CROBS_GCP_ENDPOINT": server.url, "TRELLO_BASE_URL": server.url, "TRELLO_API_KEY": "k",
           "TRELLO_TOKEN": "t", "PYTHONPATH": str(ROOT), "HOME": os.environ.get("HOME", str(tmp))}
    errlog_path = tmp / "stderr.txt"
    try:
        with errlog_path.open("w", encoding="utf-8") as errlog:
            got = anyio.run(_session, env, errlog, tmp)
    finally:
        server.stop()
    got["stderr"] = errlog_path.read_text(encoding="utf-8")
    got["tmp"] = tmp
    return got


def _text(result: types.CallToolResult) -> str:
    assert len(result.content) == 1 and result.content[0].type == "text"
    return result.content[0].text


def test_every_manifest_tool_is_listed_as_declared(session):
    listed = {t.name: t for t in session["tools"]}
    manifest = load_tools()
    assert set(listed) == {t.name for t in manifest}
    for tool in manifest:
        served = listed[tool.name]
        assert served.description == tool.description
        assert served.input_schema == tool.input_schema
        assert served.annotations.read_only_hint is tool.read_only, tool.name
    assert listed["attach_report"].annotations.read_only_hint is False
    assert listed["attach_report"].annotations.destructive_hint is True
    assert listed["fetch_logs"].annotations.open_world_hint is True
    assert listed["scan_repo"].annotations.open_world_hint is False
    assert session["init"].server_info.name == "cloud-run-observability"


def test_hints_name_only_manifest_tools():
    names = {t.name for t in load_tools()}
    for key, listed in load_hints().items():
        assert listed <= names, (key, listed - names)


def test_fetch_logs_returns_the_cases_records(session):
    result = session["fetch"]
    assert result.is_error is False
    data = json.loads(_text(result))
    assert result.structured_content == data
    recorded = {json.loads(line)["insertId"] for line in (CASE / "logging" / "entries.jsonl").open(encoding="utf-8")}
    records = data["records"]
    assert records and all(r["insert_id"] in recorded for r in records)
    assert all(r["severity"] in ("ERROR", "CRITICAL", "ALERT", "EMERGENCY") for r in records)


@pytest.mark.parametrize("key, words", [
    ("missing", ["fetch_logs", "'start' is a required property", "'target_type' is a required property"]),
    ("wrong_type", ["limit", "'many' is not of type 'integer'"]),
    ("backwards", ["fetch_logs: window end", "is not after start"]),
    ("unknown", ["no_such_tool", "not a tool"]),
])
def test_errors_come_back_in_band_on_one_line(session, key, words):
    result = session[key]
    assert result.is_error is True
    text = _text(result)
    assert "\n" not in text and "Traceback" not in text
    for word in words:
        assert word in text, text


def test_the_session_survives_errors_and_a_write_tool(session):
    assert session["after"].is_error is False
    assert "fetch_logs" in _text(session["after"])
    inv = session["investigate"]
    assert inv.is_error is False, _text(inv)
    assert (session["tmp"] / "out" / "report.json").is_file()


def test_results_are_masked(session):
    text = _text(session["masked"])
    assert session["masked"].is_error is False and "leak1" in text
    assert SECRET not in text and SECRET not in json.dumps(session["masked"].structured_content)


def test_stdout_carries_only_protocol(session):
    assert session["stray"] == []
    # investigate's progress lines went to stderr, not into the protocol stream
    assert "crobs investigate:" in session["stderr"]


def test_read_only_serves_only_read_only_tools():
    async def run() -> tuple[list[types.Tool], types.CallToolResult]:
        async with Client(build_server(read_only=True)) as client:
            listed = (await client.list_tools()).tools
            refused = await client.call_tool("attach_report", {"report": "r.json", "card": "abc", "dry_run": True})
            return listed, refused

    listed, refused = anyio.run(run)
    assert {t.name for t in listed} == {t.name for t in load_tools() if t.read_only}
    assert refused.is_error is True and "--read-only" in _text(refused)


@pytest.mark.parametrize("exc, words", [
    (RuntimeError("boom\n  at line 2 password=hunter2"), ["fetch_logs: internal error: RuntimeError: boom at line 2"]),
    (SystemExit(2), ["fetch_logs: the tool exited with status 2"]),
])
def test_a_crashing_tool_is_one_masked_line(monkeypatch, exc, words):
    def crash(name, arguments):
        raise exc

    monkeypatch.setattr(server_module.registry, "call_tool", crash)
    result = server_module.run_tool("fetch_logs", {})
    text = _text(result)
    assert result.is_error is True and "\n" not in text and "hunter2" not in text
    for word in words:
        assert word in text
