"""Bounded waits (issue 16): dead endpoints cost a bounded number of seconds, and what was read is kept.

A server that accepts connections and never answers used to hold
`investigate` for 489 s. These tests use such a server (and a port that
refuses) with short limits, and check the limits themselves: the source
deadline keeps pages already read, the failure budget is shared per API, the
repository scan has its own deadline, and a read tool exits 1 with the cause.
"""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import pytest

from tools.cli import main
from tools.errors import SourceError
from tools.replay.faults import CAUSES, SOURCE_NAMES
from tools.replay.server import ReplayServer
from tools.sources import deadline
from tools.sources.logging import paging
from tools.sources.logging.cloud_logging import fetch_logs

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "evals" / "cases" / "landing-cold-start"
PROJECT, SERVICE, REGION = "brightpath-web", "landing", "us-central1"
START, END = "2026-07-08T12:00:00Z", "2026-07-08T16:00:00Z"


@pytest.fixture()
def silent_server():
    """Accepts TCP connections (the kernel completes them) and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture()
def refused_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")
    monkeypatch.setenv("CROBS_BACKOFF_BASE", "0.02")
    monkeypatch.setenv("CROBS_TRELLO_BACKOFF_CAP", "0.02")
    monkeypatch.setenv("TRELLO_API_KEY", "deadline-test-key-0123")
    monkeypatch.setenv("TRELLO_TOKEN", "deadline-test-token-4567")


@pytest.mark.parametrize("kind", ["silent", "refused"])
def test_investigate_against_dead_endpoints_is_bounded(kind, silent_server, refused_url, tmp_path, monkeypatch,
                                                       capsys):
    url = silent_server if kind == "silent" else refused_url
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", url)
    monkeypatch.setenv("TRELLO_BASE_URL", url)
    began = time.monotonic()
    code = main(["investigate", "--project", PROJECT, "--region", REGION, "--service", SERVICE, "--start", START,
                 "--end", END, "--trello", "https://trello.com/c/bV4mXq2L", "--out", str(tmp_path / "out"),
                 "--request-timeout", "0.4", "--failure-budget", "1.5", "--format", "json"])
    took = time.monotonic() - began
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert took < 8, f"investigate took {took:.1f} s against {kind} endpoints"
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    text = " ".join(g["missing_signal"] + " " + g["why_missing"] for g in report["data_gaps"])
    for source in ("logging", "run", "monitoring", "trello"):
        assert re.search(SOURCE_NAMES[source], text), (source, text)
    assert re.search(CAUSES["hang"] if kind == "silent" else CAUSES["reset"], text), text


def test_default_limits_fit_a_minute():
    """Dead endpoints everywhere: the failure budget caps every API's waiting, so the defaults fit 60 s."""
    budget = deadline.DEFAULTS[deadline.FAILURE_BUDGET_ENV]
    assert budget <= 45 and deadline.DEFAULTS[deadline.REQUEST_TIMEOUT_ENV] <= budget / deadline.FAMILY_SHARE


def test_failure_budget_is_shared_per_api_family():
    run = deadline.RunBudget(total=4.0)
    logs = deadline.Budget("cloud_logging", run=run)
    audit = deadline.Budget("audit_log", run=run)
    card = deadline.Budget("trello", run=run)
    logs.failed(2.0)
    assert audit.expired() and "cloud_logging used up its share" in audit.reason()  # the same API
    assert not card.expired() and card.remaining() == pytest.approx(2.0, abs=0.05)  # another API still may
    card.failed(0.5)
    deadline.Budget("cloud_run_service", run=run).failed(1.0)
    assert not card.expired()
    deadline.Budget("cloud_monitoring", run=run).failed(0.5)  # 4.0 s spent in all
    assert card.expired() and "failure budget of this run" in card.reason()


def test_request_timeout_is_cut_to_what_is_left(monkeypatch):
    monkeypatch.setenv(deadline.REQUEST_TIMEOUT_ENV, "5")
    budget = deadline.Budget("cloud_monitoring", deadline=0.5)
    assert budget.timeout() <= 0.5
    monkeypatch.setenv(deadline.REQUEST_TIMEOUT_ENV, "junk")
    assert deadline.seconds(deadline.REQUEST_TIMEOUT_ENV) == deadline.DEFAULTS[deadline.REQUEST_TIMEOUT_ENV]


def test_source_deadline_keeps_the_pages_already_read(monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 50)  # several pages from a small case
    monkeypatch.setenv(deadline.SOURCE_DEADLINE_ENV, "1.0")
    with ReplayServer(CASE) as server:
        server.inject("logging.entries.list", delay=3.0, after=2)  # the third page hangs
        monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
        began = time.monotonic()
        result = fetch_logs(PROJECT, "service", SERVICE, START, END)
        took = time.monotonic() - began
        server.clear_faults()
    assert took < 2.5
    assert len(result["records"]) == 100  # two pages of 50 kept
    (gap,) = result["data_gaps"]
    assert "deadline passed" in gap["why_missing"] and "after 3 page(s), 100 entries" in gap["why_missing"]


def test_repository_scan_has_its_own_deadline(monkeypatch):
    monkeypatch.setenv(deadline.REPO_DEADLINE_ENV, "0.2")
    began = time.monotonic()
    with pytest.raises(SourceError, match=r"did not finish within 0.2 s"):
        deadline.bounded(lambda: time.sleep(3) or {}, "scan")
    assert time.monotonic() - began < 1.0
    assert deadline.bounded(lambda: {"ok": 1}, "scan") == {"ok": 1}


def test_bad_deadline_flag_is_a_usage_error(tmp_path, capsys):
    code = main(["investigate", "--replay", str(CASE), "--out", str(tmp_path / "o"), "--failure-budget", "-1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--failure-budget" in err


READ_TOOLS = {
    "fetch-logs": (["fetch-logs", "--project-id", PROJECT, "--target-type", "service", "--target-name", SERVICE,
                    "--start", START, "--end", END], "logging.entries.list"),
    "describe-service": (["describe-service", "--project-id", PROJECT, "--region", REGION, "--service", SERVICE],
                         "run.services.get"),
    "fetch-metrics": (["fetch-metrics", "--project-id", PROJECT, "--region", REGION, "--service", SERVICE,
                       "--start", START, "--end", END], "monitoring.timeseries.list"),
}


@pytest.mark.parametrize("status", [403, 429, 500, "refused"])
@pytest.mark.parametrize("tool", sorted(READ_TOOLS))
def test_read_tool_without_data_exits_1_with_the_cause(tool, status, refused_url, monkeypatch, capsys):
    argv, route = READ_TOOLS[tool]
    monkeypatch.setenv(deadline.FAILURE_BUDGET_ENV, "1.5")  # persistent 429/500: stop retrying after 0.5 s
    with ReplayServer(CASE) as server:
        if status == "refused":
            monkeypatch.setenv("CROBS_GCP_ENDPOINT", refused_url)
        else:
            server.inject(route, status=status)
            monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
        code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("\n") == 1 and err.startswith("crobs: error: ") and "Traceback" not in err
    cause = {403: r"403|permission", 429: r"429|exhausted", 500: r"500", "refused": r"reach|refused"}
    assert re.search(cause[status], err, re.IGNORECASE), err


def test_read_tool_with_data_still_exits_0(monkeypatch, capsys):
    with ReplayServer(CASE) as server:
        monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
        assert main(READ_TOOLS["describe-service"][0]) == 0
    capsys.readouterr()


def test_quota_wait_never_runs_past_the_deadline():
    clock = [0.0]
    limiter = paging.RateLimiter(2, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    assert limiter.acquire("p", max_wait=1.0) == 0 and limiter.acquire("p", max_wait=1.0) == 0
    assert limiter.acquire("p", max_wait=1.0) is None  # the next slot is 60 s away
    assert clock[0] == 0.0  # and it did not sleep to find out
    assert limiter.acquire("p") == pytest.approx(60.0)


def test_flags_apply_to_this_run_only(monkeypatch):
    monkeypatch.delenv(deadline.REQUEST_TIMEOUT_ENV, raising=False)
    with deadline.limits(request_timeout=0.7):
        assert deadline.seconds(deadline.REQUEST_TIMEOUT_ENV) == 0.7
        assert deadline.REQUEST_TIMEOUT_ENV not in __import__("os").environ  # another thread keeps its own
    assert deadline.seconds(deadline.REQUEST_TIMEOUT_ENV) == deadline.DEFAULTS[deadline.REQUEST_TIMEOUT_ENV]
