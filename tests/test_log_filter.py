"""The Logging query language: parsing, precedence, semantics, and never a crash."""

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.replay.logging_api import LogStore, answer
from tools.replay.server import ReplayServer
from tools.sources.logging.filter import And, FilterError, Global, Not, Or, compile_filter, parse, time_bounds, time_key

sys.path.insert(0, str(Path(__file__).parent))
from logfixture import make_entries, write_case  # noqa: E402

ENTRY = {
    "logName": "projects/p/logs/run.googleapis.com%2Fstderr",
    "severity": "WARNING",
    "timestamp": "2024-05-01T12:00:00.123456789Z",
    "resource": {"type": "cloud_run_job", "labels": {"job_name": "nightly"}},
    "labels": {"run.googleapis.com/execution_name": "nightly-abcde", "instanceId": "00ab"},
    "httpRequest": {"status": 503, "latency": "2.5s", "requestSize": "512"},
    "jsonPayload": {"message": "Payment Gateway TIMEOUT", "items": [{"sku": "A-1"}, {"sku": "B-2"}]},
}


def matches(text: str, entry: dict = ENTRY) -> bool:
    return compile_filter(text)(entry)


def test_or_binds_tighter_than_and_as_documented():
    tree = parse('"a" OR NOT "b" AND NOT "c" OR "d"')
    assert isinstance(tree, And) and len(tree.items) == 2
    left, right = tree.items
    assert isinstance(left, Or) and isinstance(left.items[1], Not)
    assert isinstance(right, Or) and isinstance(right.items[0], Not) and isinstance(right.items[1], Global)


def test_implicit_and_across_spaces_and_lines():
    assert matches('severity=WARNING\nresource.type="cloud_run_job"')
    assert not matches('severity=WARNING\nresource.type="cloud_run_revision"')


@pytest.mark.parametrize(
    "text,expected",
    [
        ("severity>=WARNING", True),
        ("severity>WARNING", False),
        ("severity<ERROR", True),
        ("severity>=400", True),
        ("severity=warning", True),
        ('labels."run.googleapis.com/execution_name"="nightly-abcde"', True),
        ('labels."run.googleapis.com/execution_name"="other"', False),
        ("timestamp>=2024-05-01T12:00:00.123Z", True),
        ('timestamp>"2024-05-01T12:00:00.123456789Z"', False),
        ('timestamp<"2024-05-01T14:00:00+02:00"', False),  # 12:00Z: an offset compares as a time
        ('timestamp<"2024-05-01T14:00:01+02:00"', True),
        ("httpRequest.status>=500", True),
        ("http_request.status=503", True),
        ("httpRequest.requestSize>100", True),
        ("httpRequest.latency>2s", True),
        ("httpRequest.latency>3s", False),
        ('jsonPayload.message:"gateway timeout"', True),  # has: case-insensitive substring
        ('jsonPayload.message="payment gateway timeout"', True),
        ('jsonPayload.message=~"^Payment"', True),
        ('jsonPayload.message=~"^payment"', False),  # regex stays case-sensitive
        ('jsonPayload.message!~"OOM"', True),
        ("jsonPayload.items.sku=B-2", True),  # lists: any element
        ("jsonPayload:a-1", True),  # has on a map: any nested value
        ("jsonPayload.missing:*", False),
        ("labels.instanceId:*", True),
        ("NOT jsonPayload.missing=1", True),
        ("-severity=WARNING", False),
        ('resource.type=("cloud_run_revision" OR "cloud_run_job")', True),
        ('jsonPayload.message:(payment gateway)', True),
        ('jsonPayload.message:(payment NOT gateway)', False),
        ('log_id("run.googleapis.com/stderr")', True),
        ('logName="projects/p/logs/run.googleapis.com/stderr"', True),
        ('logName:"run.googleapis.com/stderr"', True),  # encoded or not, as the console accepts
        ('logName:"run.googleapis.com%2Fstderr"', True),
        ('logName:"run.googleapis.com%2Fstdout"', False),
        ('"Gateway Timeout"', True),  # global restriction
        ("nothing-like-this", False),
        ('SEARCH(jsonPayload.message, "gateway")', True),
        ("severity=ERROR OR severity=WARNING severity=WARNING", True),
    ],
)
def test_comparisons(text, expected):
    assert matches(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "severity>=",
        "(severity=ERROR",
        "severity=ERROR)",
        "AND severity=ERROR",
        "severity=ERROR OR",
        "severity>=LOUD",
        'timestamp>="yesterday"',
        'textPayload=~"(unclosed"',
        "frobnicate(x)",
        '"unterminated',
        "a..b=1",
        "resource.type",
        "()",
        "x=~(a OR b)",
        "!x",
        "a" * 20_001,
    ],
)
def test_invalid_filters_raise_filter_error(text):
    with pytest.raises(FilterError):
        compile_filter(text)


def test_time_keys_sort_like_times():
    assert time_key("2024-05-01T12:00:00Z") < time_key("2024-05-01T12:00:00.000000001Z")
    assert time_key("2024-05-01T14:00:00+02:00") == time_key("2024-05-01T12:00:00Z")
    assert time_key("not a time") is None


def test_time_bounds_only_from_top_level_and():
    low, low_inc, high, high_inc = time_bounds(
        'timestamp>="2024-05-01T11:00:00Z" timestamp>"2024-05-01T11:30:00Z" AND timestamp<"2024-05-01T13:00:00Z"'
    )
    assert low.startswith("2024-05-01T11:30:00") and low_inc is False
    assert high.startswith("2024-05-01T13:00:00") and high_inc is False
    assert time_bounds('timestamp>="2024-05-01T11:00:00Z" OR severity=ERROR') == (None, True, None, True)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    case = write_case(tmp_path_factory.mktemp("case"), make_entries(63))
    return LogStore(case)


_ATOMS = st.sampled_from(
    [
        "severity", ">=", "ERROR", "(", ")", "AND", "OR", "NOT", "-", ":", "=~", "!~", "=", '"', "\\", ".",
        "timestamp", "2024-05-01T12:00:00Z", "labels.", '"run.googleapis.com/x"', "*", ",", "log_id(",
        "httpRequest.status", "500", " ", "\n", "SEARCH(", "[", "é", "\x00",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=60), st.lists(_ATOMS, max_size=14).map("".join)))
def test_arbitrary_filters_get_200_or_400_never_500(store, text):
    response = answer(store, {"resourceNames": ["projects/demo-proj"], "filter": text, "pageSize": 5})
    assert response.status in (200, 400), response.body
    body = json.loads(response.encode())
    if response.status == 400:
        assert body["error"]["message"]
    else:
        assert isinstance(body.get("entries", []), list)


@pytest.fixture(scope="module")
def http_server(tmp_path_factory):
    with ReplayServer(write_case(tmp_path_factory.mktemp("http"), make_entries(42))) as srv:
        yield srv


def _post(url, body: bytes):
    request = urllib.request.Request(url + "/v2/entries:list", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(_ATOMS, max_size=10).map("".join)))
def test_arbitrary_filters_over_http_never_500(http_server, text):
    body = json.dumps({"resourceNames": ["projects/demo-proj"], "filter": text}).encode()
    status, payload = _post(http_server.url, body)
    assert status in (200, 400), payload


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1,2]",
        b'{"resourceNames": "projects/x"}',
        b'{"resourceNames": ["folders/1"]}',
        b'{"resourceNames": ["projects/demo-proj"], "orderBy": "severity"}',
        b'{"resourceNames": ["projects/demo-proj"], "pageSize": -1}',
        b'{"resourceNames": ["projects/demo-proj"], "filter": 5}',
    ],
)
def test_malformed_requests_are_400(http_server, body):
    status, payload = _post(http_server.url, body)
    assert status == 400 and payload["error"]["status"] == "INVALID_ARGUMENT"
