"""Cloud Logging through the real google-cloud-logging client against the replay server.

The filter table checks the replay server's evaluation against plain Python
predicates over the same fixture (an independent oracle), using the client
exactly as a user's script would. The fetch tests cover paging, limits and
every failure the issue lists, injected at the server.
"""

import sys
from pathlib import Path

import pytest

from tools.errors import InputError, ToolError, UsageError
from tools.replay.logging_api import ROUTE
from tools.replay.server import ReplayServer
from tools.sources.gcp_clients import logging_client
from tools.sources.logging import cloud_logging as cloud_logging
from tools.sources.logging.cloud_logging import (
    ATTEMPTS,
    RateLimiter,
    fetch_logs,
    format_logs,
    iter_entries_file,
    normalize_entry,
    query_logs,
)

sys.path.insert(0, str(Path(__file__).parent))
from logfixture import EXECUTION, JOB, NEW_REV, OLD_REV, PROJECT, REGION, SERVICE, make_entries, write_case  # noqa: E402

ENTRIES = make_entries(240)
WINDOW = ('timestamp>="2024-05-01T12:00:00Z"', 'timestamp<"2024-05-01T13:00:00Z"')
START, END = "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    case = write_case(tmp_path_factory.mktemp("case"), ENTRIES)
    with ReplayServer(case) as srv:
        yield srv


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    """2,500 entries: three pages of 1,000 for fetch_logs."""
    case = write_case(tmp_path_factory.mktemp("big"), make_entries(2500, seed=3))
    with ReplayServer(case) as srv:
        yield srv


@pytest.fixture(autouse=True)
def env(monkeypatch, server):
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", server.url)
    # Client.list_entries builds a Logger per log name, which probes the GCE
    # metadata server (metadata.google.internal). Route that stray plain-HTTP
    # probe to the loopback replay server (it answers 404 at once) so tests
    # reach nothing but loopback and never wait on DNS.
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("CROBS_BACKOFF_BASE", "0.001")
    monkeypatch.setenv("CROBS_LOGGING_RPM", "100000")
    server.clear_faults()
    yield


def _kind(e):
    return e["logName"].split("/logs/")[1]


def _http(e):
    return e.get("httpRequest") or {}


def _res(e, key):
    return e["resource"]["labels"].get(key)


def _tp(e):
    return e.get("textPayload", "")


def _jp(e):
    return e.get("jsonPayload", {})


def _lb(e, key):
    return e.get("labels", {}).get(key)


def _texts(e):
    return str(_tp(e)) + str(e.get("jsonPayload", "")) + str(e.get("protoPayload", ""))


SEV = {"DEFAULT": 0, "DEBUG": 100, "INFO": 200, "NOTICE": 300, "WARNING": 400, "ERROR": 500, "CRITICAL": 600}

# (filter, oracle over the raw entry)
FILTERS = [
    ('resource.type="cloud_run_revision"', lambda e: e["resource"]["type"] == "cloud_run_revision"),
    ('resource.type="cloud_run_job"', lambda e: e["resource"]["type"] == "cloud_run_job"),
    (f'resource.labels.service_name="{SERVICE}"', lambda e: _res(e, "service_name") == SERVICE),
    ('resource.labels.service_name!="checkout"', lambda e: _res(e, "service_name") not in (None, SERVICE)),
    (f'resource.labels.revision_name="{NEW_REV}"', lambda e: _res(e, "revision_name") == NEW_REV),
    (f"resource.labels.job_name={JOB}", lambda e: _res(e, "job_name") == JOB),
    ("severity=ERROR", lambda e: e["severity"] == "ERROR"),
    ("severity>=WARNING", lambda e: SEV[e["severity"]] >= 400),
    ("severity<INFO", lambda e: SEV[e["severity"]] < 200),
    ("severity>NOTICE AND severity<ERROR", lambda e: e["severity"] == "WARNING"),
    ("NOT severity>=INFO", lambda e: SEV[e["severity"]] < 200),
    ('logName="projects/demo-proj/logs/run.googleapis.com%2Frequests"',
     lambda e: _kind(e) == "run.googleapis.com%2Frequests"),
    ('logName:"varlog%2Fsystem"', lambda e: "varlog%2Fsystem" in e["logName"]),
    ('log_id("run.googleapis.com/stderr")', lambda e: _kind(e) == "run.googleapis.com%2Fstderr"),
    (
        'logName:"cloudaudit.googleapis.com%2Factivity" OR logName:"cloudaudit.googleapis.com%2Fsystem_event"',
        lambda e: "cloudaudit" in e["logName"],
    ),
    ("httpRequest.status=504", lambda e: _http(e).get("status") == 504),
    ("httpRequest.status>=500", lambda e: _http(e).get("status", 0) >= 500),
    ("httpRequest.status>=400 AND httpRequest.status<500", lambda e: 400 <= _http(e).get("status", 0) < 500),
    ("httpRequest.status=(429 OR 503)", lambda e: _http(e).get("status") in (429, 503)),
    ('httpRequest.requestMethod="POST"', lambda e: _http(e).get("requestMethod") == "POST"),
    ('httpRequest.requestUrl:"/pay"', lambda e: "/pay" in _http(e).get("requestUrl", "")),
    ("httpRequest.latency>=10s", lambda e: float(_http(e).get("latency", "0s")[:-1]) >= 10),
    ('textPayload:"no available instance"', lambda e: "no available instance" in _tp(e)),
    ('textPayload:"NO AVAILABLE INSTANCE"', lambda e: "no available instance" in _tp(e)),
    ('textPayload=~"^Container called exit\\(\\d+\\)\\.$"', lambda e: _tp(e) == "Container called exit(1)."),
    ('textPayload!~"Memory"', lambda e: "textPayload" in e and "Memory" not in e["textPayload"]),
    ('textPayload=~"STARTUP (TCP|HTTP) probe failed"', lambda e: "STARTUP TCP probe failed" in _tp(e)),
    ('jsonPayload.message="order placed"', lambda e: _jp(e).get("message") == "order placed"),
    ('jsonPayload.error.code="ETIMEDOUT"', lambda e: _jp(e).get("error", {}).get("code") == "ETIMEDOUT"),
    ("jsonPayload.orderId>1000", lambda e: _jp(e).get("orderId", 0) > 1000),
    ("jsonPayload:*", lambda e: "jsonPayload" in e),
    ("-jsonPayload:* -textPayload:*", lambda e: "jsonPayload" not in e and "textPayload" not in e),
    ('protoPayload.methodName="google.cloud.run.v1.Services.ReplaceService"',
     lambda e: e.get("protoPayload", {}).get("methodName") == "google.cloud.run.v1.Services.ReplaceService"),
    ('protoPayload.status.message:"Ready condition status changed to False"',
     lambda e: "status changed to False" in e.get("protoPayload", {}).get("status", {}).get("message", "")),
    ('protoPayload.authenticationInfo.principalEmail:"@example.com"',
     lambda e: "protoPayload" in e and "@example.com" in str(e)),
    ('protoPayload."@type"="type.googleapis.com/google.cloud.audit.AuditLog"', lambda e: "protoPayload" in e),
    (f'labels."run.googleapis.com/execution_name"="{EXECUTION}"',
     lambda e: _lb(e, "run.googleapis.com/execution_name") == EXECUTION),
    ('labels."run.googleapis.com/task_index"="1"', lambda e: _lb(e, "run.googleapis.com/task_index") == "1"),
    ("labels.instanceId:0001", lambda e: e.get("labels", {}).get("instanceId", "").startswith("0001")),
    ('"bad row"', lambda e: "bad row" in _texts(e)),
    ("ETIMEDOUT OR deployer", lambda e: "ETIMEDOUT" in _texts(e) or "deployer" in _texts(e)),
    ('timestamp>="2024-05-01T12:30:00Z" AND timestamp<"2024-05-01T12:31:00Z"',
     lambda e: "2024-05-01T12:30:00" <= e["timestamp"] < "2024-05-01T12:31:00"),
    ('timestamp>"2024-05-01T12:59:00Z"', lambda e: e["timestamp"] > "2024-05-01T12:59:00.000000000Z"),
    ('receiveTimestamp<"2024-05-01T12:01:00Z"', lambda e: e["receiveTimestamp"] < "2024-05-01T12:01:00.000000Z"),
    ("severity=ERROR OR severity=WARNING resource.type=cloud_run_job",
     lambda e: e["severity"] in ("ERROR", "WARNING") and e["resource"]["type"] == "cloud_run_job"),
    ('(severity=ERROR resource.type="cloud_run_job") OR httpRequest.status=404',
     lambda e: (e["severity"] == "ERROR" and _res(e, "job_name")) or _http(e).get("status") == 404),
    ('resource.labels.location="us-central1"\nseverity>=ERROR', lambda e: SEV[e["severity"]] >= 500),
    ('SEARCH("gateway")', lambda e: "gateway" in _texts(e).lower()),
    ("resource.labels.service_name=frontend httpRequest.status=200",
     lambda e: _res(e, "service_name") == "frontend"),
]


def _ids(entries):
    return [e["insertId"] for e in entries]


def test_filter_table_is_big_enough():
    assert len(FILTERS) >= 40
    # every filter must select something and leave something out, or it proves nothing
    for text, oracle in FILTERS:
        hits = sum(1 for e in ENTRIES if oracle(e))
        assert 0 < hits < len(ENTRIES), text


@pytest.mark.parametrize("text,oracle", FILTERS, ids=[f[0][:60] for f in FILTERS])
def test_real_client_filters_match_the_oracle(text, oracle):
    client = logging_client(PROJECT)
    got = list(client.list_entries(filter_=f"({text}) {WINDOW[0]} {WINDOW[1]}", page_size=1000))
    expected = [e["insertId"] for e in ENTRIES if oracle(e)]
    assert [g.insert_id for g in got] == expected


def test_a_plain_user_script_pages_and_orders(server):
    from google.cloud import logging as gcl

    client = logging_client(PROJECT)
    before = server.count(ROUTE)
    got = list(client.list_entries(filter_=" ".join(WINDOW), order_by=gcl.DESCENDING, page_size=50))
    assert server.count(ROUTE) - before == 5  # 240 entries in pages of 50
    assert [g.insert_id for g in got] == list(reversed(_ids(ENTRIES)))
    kinds = {type(g).__name__ for g in got}
    assert kinds == {"LogEntry", "TextEntry", "StructEntry", "ProtobufEntry"}  # LogEntry: no payload


def test_server_rejects_bad_requests_like_the_api():
    from google.api_core.exceptions import BadRequest, NotFound

    client = logging_client(PROJECT)
    with pytest.raises(BadRequest, match="pageSize"):
        list(client.list_entries(filter_=WINDOW[0], page_size=1001))
    with pytest.raises(BadRequest, match="Invalid filter"):
        list(client.list_entries(filter_=f"{WINDOW[0]} AND (severity=ERROR"))
    with pytest.raises(NotFound):
        list(logging_client("someone-else").list_entries(filter_=WINDOW[0]))
    with pytest.raises(BadRequest, match="page_token"):
        list(client.list_entries(filter_=WINDOW[0], page_token="garbage"))


# -- fetch_logs / query_logs ---------------------------------------------------------


def test_fetch_logs_builds_the_target_filter_and_normalizes():
    result = fetch_logs(PROJECT, "service", SERVICE, START, END, region=REGION, severity_min="ERROR",
                        log_kinds=["requests", "system"])
    expected = [
        e["insertId"] for e in ENTRIES
        if _res(e, "service_name") == SERVICE and SEV[e["severity"]] >= 500
        and ("requests" in e["logName"] or "varlog" in e["logName"])
    ]
    assert [r["insert_id"] for r in result["records"]] == expected
    assert result["calls"] == 1 and result["truncated"] is False and result["data_gaps"] == []
    assert 'timestamp>="2024-05-01T12:00:00Z" AND timestamp<"2024-05-01T13:00:00Z"' in result["filter"]
    assert {r["log_kind"] for r in result["records"]} == {"requests", "system"}
    timeout = next(r for r in result["records"] if r["http"] and r["http"]["status"] == 504)
    assert timeout["http"] == {"method": "GET", "path": "/report", "status": 504, "latency_ms": 300001.234}
    assert timeout["message"].startswith("The request has been terminated")
    assert timeout["raw_ref"] == f"run.googleapis.com/requests#{timeout['insert_id']}"
    assert "\n" in format_logs(result) and "504" in format_logs(result)


def test_fetch_logs_revision_text_and_job_targets():
    old = fetch_logs(PROJECT, "service", SERVICE, START, END, revision=OLD_REV)
    assert old["records"] and all(r["resource"]["revision_name"] == OLD_REV for r in old["records"])
    text = fetch_logs(PROJECT, "service", SERVICE, START, END, text="gateway TIMEOUT")
    assert {r["message"] for r in text["records"]} == {"payment gateway timeout\nETIMEDOUT"}
    job = fetch_logs(PROJECT, "job", JOB, START, END, severity_min="ERROR")
    assert job["records"] and all(r["resource_type"] == "cloud_run_job" for r in job["records"])
    assert all(r["labels"]["run.googleapis.com/execution_name"] == EXECUTION for r in job["records"])
    with pytest.raises(UsageError):
        fetch_logs(PROJECT, "job", JOB, START, END, revision="x")


def test_fetch_logs_pages_across_three_calls(big_server, monkeypatch):
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", big_server.url)
    result = fetch_logs(PROJECT, "service", SERVICE, "2024-05-01T11:00:00Z", "2024-05-01T14:00:00Z", limit=50000)
    entries = make_entries(2500, seed=3)
    expected = [e["insertId"] for e in entries if _res(e, "service_name") == SERVICE]
    assert len(expected) > 2000
    assert [r["insert_id"] for r in result["records"]] == expected
    assert result["calls"] == 3 and not result["truncated"]


def test_limit_truncates():
    result = fetch_logs(PROJECT, "service", SERVICE, START, END, limit=10)
    assert len(result["records"]) == 10 and result["truncated"] is True and result["calls"] == 1


def test_failure_after_pages_keeps_them_and_says_where(big_server, monkeypatch):
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", big_server.url)
    big_server.inject(ROUTE, status=503, after=1)
    try:
        result = fetch_logs(PROJECT, "service", SERVICE, "2024-05-01T11:00:00Z", "2024-05-01T14:00:00Z", limit=50000)
    finally:
        big_server.clear_faults()
    assert len(result["records"]) == 1000
    (gap,) = result["data_gaps"]
    assert gap["source"] == "cloud_logging"
    assert "503" in gap["why_missing"] and "1000 entries" in gap["why_missing"]
    assert result["records"][-1]["timestamp"] in gap["missing_signal"]
    assert gap["follow_up"].startswith("gcloud logging read ")
    assert result["calls"] == 1 + ATTEMPTS


def test_403_is_a_gap_naming_the_role(server):
    server.inject(ROUTE, status=403, message="Permission 'logging.logEntries.list' denied")
    result = fetch_logs(PROJECT, "service", SERVICE, START, END)
    assert result["records"] == []
    (gap,) = result["data_gaps"]
    assert "roles/logging.viewer" in gap["why_missing"] and "roles/logging.viewer" in gap["follow_up"]


def test_404_project_is_a_clear_error(server):
    with pytest.raises(ToolError, match="not found") as info:
        fetch_logs("no-such-project", "service", SERVICE, START, END)
    assert "\n" not in str(info.value)


def test_429_is_retried_with_backoff(server):
    server.inject(ROUTE, status=429, times=2)
    before = server.count(ROUTE)
    result = fetch_logs(PROJECT, "service", SERVICE, START, END, severity_min="ERROR")
    assert server.count(ROUTE) - before == 3
    assert result["records"] and result["data_gaps"] == [] and result["calls"] == 3


def test_persistent_503_becomes_a_gap(server):
    server.inject(ROUTE, status=503)
    result = fetch_logs(PROJECT, "service", SERVICE, START, END)
    assert result["records"] == [] and result["calls"] == ATTEMPTS
    assert "503" in result["data_gaps"][0]["why_missing"]


def test_a_slow_page_times_out_and_is_retried(server, monkeypatch):
    monkeypatch.setenv("CROBS_LOGGING_TIMEOUT", "0.2")
    server.inject(ROUTE, delay=0.6, times=1)
    result = fetch_logs(PROJECT, "service", SERVICE, START, END, severity_min="ERROR")
    assert result["calls"] == 2 and result["records"] and result["data_gaps"] == []


def test_a_non_json_answer_is_a_gap(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Portal(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - stdlib name
            body = b"<html>sign in to the wifi</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return

    portal = HTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=portal.serve_forever, args=(0.05,), daemon=True).start()
    try:
        monkeypatch.setenv("CROBS_GCP_ENDPOINT", f"http://127.0.0.1:{portal.server_address[1]}")
        result = fetch_logs(PROJECT, "service", SERVICE, START, END)
    finally:
        portal.shutdown()
        portal.server_close()
    assert result["records"] == [] and "not JSON" in result["data_gaps"][0]["why_missing"]


def test_dead_network_is_a_gap(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CROBS_GCP_ENDPOINT", f"http://127.0.0.1:{port}")
    result = fetch_logs(PROJECT, "service", SERVICE, START, END)
    assert result["records"] == [] and "unreachable" in result["data_gaps"][0]["why_missing"]


@pytest.mark.parametrize(
    "start,end",
    [(END, START), ("yesterday", END), (START, "2024-05-20T00:00:00Z"), ("2024-05-01T12:00:00", END)],
)
def test_invalid_window_is_a_usage_error(start, end):
    with pytest.raises(UsageError):
        fetch_logs(PROJECT, "service", SERVICE, start, end)


def test_bad_arguments_are_usage_errors():
    for kwargs in ({"severity_min": "LOUD"}, {"log_kinds": ["nope"]}, {"limit": 0}, {"limit": 10**6}):
        with pytest.raises(UsageError):
            fetch_logs(PROJECT, "service", SERVICE, START, END, **kwargs)


def test_query_logs_enforces_window_and_limit():
    result = query_logs(PROJECT, 'textPayload:"Memory limit"', "2024-05-01T12:00:00Z", "2024-05-01T12:20:00Z")
    expected = [e["insertId"] for e in ENTRIES
                if "Memory limit" in _tp(e) and e["timestamp"] < "2024-05-01T12:20:00Z"]
    assert [r["insert_id"] for r in result["records"]] == expected
    assert "timestamp<" in result["filter"]
    assert len(query_logs(PROJECT, "severity>=DEFAULT", START, END, limit=7)["records"]) == 7
    with pytest.raises(UsageError, match="filter"):
        query_logs(PROJECT, "severity>=", START, END)


def test_server_400_on_query_is_a_usage_error(server):
    server.inject(ROUTE, status=400, message="Invalid filter")
    with pytest.raises(UsageError):
        query_logs(PROJECT, "severity=ERROR", START, END)


def test_missing_credentials_is_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv("CROBS_GCP_ENDPOINT")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ToolError, match="application-default login"):
        fetch_logs(PROJECT, "service", SERVICE, START, END)


def test_rate_limiter_waits_when_the_minute_is_full():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        assert limiter.acquire("p") == 0
    now[0] = 10.0
    assert limiter.acquire("p") == pytest.approx(50.0)
    assert limiter.acquire("other-project") == 0


# -- normalization and case files ---------------------------------------------------


def test_normalize_audit_json_and_job_entries():
    by_kind = {e["insertId"].split("-")[0]: e for e in ENTRIES}
    act = normalize_entry(by_kind["auditact"])
    assert act["log_kind"] == "audit_activity" and act["message"] == "google.cloud.run.v1.Services.ReplaceService"
    sysevt = normalize_entry(by_kind["auditsys"])
    assert sysevt["log_kind"] == "audit_system_event" and sysevt["message"].startswith("Ready condition status")
    out = normalize_entry(by_kind["outjson"])
    assert out["message"] == "order placed" and out["http"] is None and out["trace"].startswith("projects/")
    job = normalize_entry(by_kind["joberr"])
    assert job["resource"]["job_name"] == JOB and job["instance_id"] and job["log_kind"] == "stderr"
    assert job["resource"]["execution_name"] == EXECUTION and job["resource"]["task_index"] in ("0", "1", "2")
    sysline = normalize_entry(by_kind["sysoom"])
    assert sysline["log_name"] == "run.googleapis.com/varlog/system" and sysline["log_kind"] == "system"
    odd = normalize_entry({"logName": "projects/p/logs/custom%2Flog", "jsonPayload": {"a": 1}, "severity": 500})
    assert odd["log_kind"] == "other" and odd["severity"] == "ERROR" and odd["message"] == '{"a":1}'
    assert odd["instance_id"] is None and odd["raw_ref"] == "custom/log#"


def test_iter_entries_file_streams_and_rejects_bad_lines(tmp_path):
    case = write_case(tmp_path / "c", ENTRIES[:5])
    assert [e["insertId"] for e in iter_entries_file(case / "logging" / "entries.jsonl")] == _ids(ENTRIES[:5])
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"insertId": "a"}\n\x00\xff\xfe binary\n')
    with pytest.raises(InputError, match=":2:"):
        list(iter_entries_file(bad))
    arr = tmp_path / "arr.jsonl"
    arr.write_text("[1, 2]\n")
    with pytest.raises(InputError, match="LogEntry object"):
        list(iter_entries_file(arr))
    with pytest.raises(InputError, match="no such file"):
        list(iter_entries_file(tmp_path / "none.jsonl"))


def test_module_defaults_are_bounded():
    assert cloud_logging.PAGE_SIZE == 1000 and cloud_logging.DEFAULT_LIMIT <= cloud_logging.MAX_LIMIT


def test_cli_prints_json_records_and_a_table(capsys):
    import json

    from tools.cli import main as crobs

    args = ["fetch-logs", "--project-id", PROJECT, "--target-type", "service", "--target-name", SERVICE,
            "--start", START, "--end", END, "--severity-min", "ERROR", "--log-kinds", "system"]
    assert crobs([*args, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["records"] and {r["log_kind"] for r in printed["records"]} == {"system"}
    assert crobs(args) == 0
    table = capsys.readouterr().out
    assert "Memory limit of 512 MiB" in table and f"{len(printed['records'])} records" in table
    assert crobs([*args[:-4], "--end", START]) == 2
    assert "not after" in capsys.readouterr().err
