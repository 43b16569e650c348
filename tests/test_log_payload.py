"""Structured payloads as real loggers write them: the text includes the error, the level becomes severity."""

from tools.sources.logging.entries import normalize_entry
from tools.sources.logging.payload import payload_severity, payload_text


def _entry(payload, severity=None):
    entry = {"logName": "projects/p/logs/run.googleapis.com%2Fstderr", "insertId": "a",
             "resource": {"type": "cloud_run_revision", "labels": {}}, "jsonPayload": payload}
    if severity:
        entry["severity"] = severity
    return entry


def test_pino_error_object_and_numeric_level():
    record = normalize_entry(_entry({"level": 50, "msg": "request failed", "pid": 1,
                                     "err": {"type": "Error", "message": "connect ECONNREFUSED 10.0.0.3:5432",
                                             "stack": "Error: connect ECONNREFUSED\n    at TCPConnectWrap"}}))
    assert record["severity"] == "ERROR"
    assert record["message"].startswith("request failed\nconnect ECONNREFUSED 10.0.0.3:5432")
    assert "at TCPConnectWrap" in record["message"]


def test_zap_logrus_winston_structlog_levels():
    assert payload_severity({"level": "error", "msg": "x"}) == "ERROR"  # zap, logrus
    assert payload_severity({"level": "warn"}) == "WARNING"  # winston, pino strings
    assert payload_severity({"level": "fatal"}) == "CRITICAL"
    assert payload_severity({"levelname": "WARNING"}) == "WARNING"  # Python logging
    assert payload_severity({"level": 30}) == "INFO"
    assert payload_severity({"level": "30"}) == "INFO"
    assert payload_severity({"msg": "no level"}) is None
    assert payload_severity({"level": True}) is None


def test_a_severity_cloud_run_already_set_is_kept():
    assert normalize_entry(_entry({"level": 50, "msg": "x"}, severity="WARNING"))["severity"] == "WARNING"
    assert normalize_entry(_entry({"level": 50, "msg": "x"}, severity="DEFAULT"))["severity"] == "ERROR"


def test_structlog_event_with_exception_and_zap_stacktrace():
    assert payload_text({"event": "job failed", "exception": "Traceback ...\nKeyError: 'DATABASE_URL'"}) == \
        "job failed\nTraceback ...\nKeyError: 'DATABASE_URL'"
    assert payload_text({"msg": "dial failed", "error": "dial tcp 10.110.0.3:3307: i/o timeout",
                         "stacktrace": "main.run\n\t/app/main.go:42"}).splitlines()[1] == \
        "dial tcp 10.110.0.3:3307: i/o timeout"


def test_an_error_already_in_the_message_is_not_repeated_and_plain_payloads_fall_back():
    assert payload_text({"message": "boom: ETIMEDOUT", "error": "ETIMEDOUT"}) == "boom: ETIMEDOUT"
    assert payload_text({"count": 3, "path": "/x"}) is None
    record = normalize_entry(_entry({"count": 3}))
    assert record["message"] == '{"count":3}' and record["severity"] == "DEFAULT"


def test_rust_tracing_fields_are_part_of_the_line():
    text = payload_text({"message": "started!", "fields": {"args": "Args { api_port: 8765 }"}, "target": "svc"})
    assert text == "started!\nArgs { api_port: 8765 }"
