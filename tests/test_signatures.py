"""The signature catalog recognises real Cloud Run texts and groups hits per service."""

from __future__ import annotations

import pytest
import yaml

from tools.analysis.signatures import MAX_EXAMPLES, SignatureMatcher, load_signatures, match_records, required_literals
from tools.errors import InputError
from tools.paths import DATA

SIGS = load_signatures()
MATCHER = SignatureMatcher(SIGS)
EXAMPLES = [(s["id"], kind, ex) for s in SIGS for ex in s.get("examples", []) for kind in s["log_kinds"]]


def rec(message, *, kind="stderr", status=None, service="checkout", revision="checkout-00042-xyz",
        instance="inst-1", ts="2024-05-01T12:00:00Z", insert_id="i1", job=None):
    resource = {"job_name": job} if job else {"service_name": service, "revision_name": revision}
    return {
        "timestamp": ts,
        "severity": "ERROR",
        "log_kind": kind,
        "log_name": f"run.googleapis.com/{kind}",
        "resource_type": "cloud_run_job" if job else "cloud_run_revision",
        "resource": resource,
        "instance_id": instance,
        "http": {"status": status, "method": "GET", "path": "/", "latency_ms": 5.0} if status else None,
        "message": message,
        "insert_id": insert_id,
        "raw_ref": f"run.googleapis.com/{kind}#{insert_id}",
    }


def test_catalog_is_large_and_covers_every_label_with_log_text():
    taxonomy = {row["label"] for row in yaml.safe_load((DATA / "root_causes.yaml").read_text())["labels"]}
    covered = {label for s in SIGS for label in s["labels"]}
    assert len(SIGS) >= 35
    assert taxonomy - covered == {"healthy", "other"}
    assert all(s.get("examples") for s in SIGS), [s["id"] for s in SIGS if not s.get("examples")]


@pytest.mark.parametrize(("sig_id", "kind", "text"), EXAMPLES, ids=[f"{i}-{k}-{n}" for n, (i, k, _) in
                                                                    enumerate(EXAMPLES)])
def test_every_listed_example_matches_its_signature(sig_id, kind, text):
    matched = [s["id"] for s in MATCHER.match_message(text, kind)]
    assert sig_id in matched


@pytest.mark.parametrize(
    "text",
    [
        "Listening on http://0.0.0.0:8080",
        "GET /healthz 200 3ms",
        "Connected to postgres at 10.0.0.5:5432",
        "Memory usage 120 MiB of 512 MiB",
        'Default STARTUP TCP probe succeeded after 1 attempt for container "app" on port 8080.',
        "Starting new instance. Reason: MANUAL_OR_CUSTOMER_MIN_INSTANCE - Instance started because of min-instances.",
        "job 8f2c finished in 12s",
        "request completed status=200 latency=30ms",
        "Container terminated on signal 0.",
        "Container called exit(0).",  # a finished job task, not a crash
        "KeyError: 'order_12'",  # a missing dict key, not a missing environment variable
    ],
)
def test_ordinary_lines_match_nothing(text):
    for kind in ("stdout", "stderr", "system", "requests"):
        assert MATCHER.match_message(text, kind) == []


def test_log_kind_restricts_where_a_text_counts():
    oom = "Memory limit of 512 MiB exceeded with 530 MiB used."
    assert [s["id"] for s in MATCHER.match_message(oom, "system")] == ["OOM_LIMIT"]
    # an application echoing the platform text is not the platform killing the instance
    assert MATCHER.match_message(oom, "stdout") == []


def test_successful_request_entries_are_never_matched():
    text = "The request was aborted because there was no available instance."
    # Cloud Run logs a 2xx request at INFO
    assert match_records([rec(text, kind="requests", status=200) | {"severity": "INFO"}]) == []
    assert match_records([rec(text, kind="requests", status=204) | {"severity": "INFO"}]) == []
    hits = match_records([rec(text, kind="requests", status=429)])
    assert [h["signature_id"] for h in hits] == ["NO_AVAILABLE_INSTANCE"]
    assert hits[0]["http_status"] == 429


def test_hits_group_by_service_with_counts_ids_and_earliest_examples():
    oom = "Memory limit of 512 MiB exceeded with 600 MiB used."
    records = [
        rec(oom, kind="system", ts=f"2024-05-01T12:0{i}:00Z", insert_id=f"c{i}", instance=f"inst-{i % 2}",
            revision="checkout-00042-xyz" if i < 4 else "checkout-00043-abc")
        for i in range(6, 0, -1)
    ]
    records.append(rec(oom, kind="system", service="billing", revision="billing-00001-aaa", insert_id="b1",
                       ts="2024-05-01T11:00:00Z"))
    hits = match_records(records)
    by_service = {h["service"]: h for h in hits}
    assert set(by_service) == {"checkout", "billing"}
    checkout = by_service["checkout"]
    assert checkout["count"] == 6
    assert checkout["first_seen"] == "2024-05-01T12:01:00Z"
    assert checkout["last_seen"] == "2024-05-01T12:06:00Z"
    assert sorted(checkout["revisions"]) == ["checkout-00042-xyz", "checkout-00043-abc"]
    assert sorted(checkout["instance_ids"]) == ["inst-0", "inst-1"]
    assert [e["insert_id"] for e in checkout["examples"]] == ["c1", "c2", "c3"]
    assert len(checkout["examples"]) == MAX_EXAMPLES
    assert checkout["examples"][0]["raw_ref"] == "run.googleapis.com/system#c1"
    assert checkout["labels"] == ["memory-limit-exceeded"]
    assert by_service["billing"]["count"] == 1
    # the more frequent group ranks first
    assert hits[0]["service"] == "checkout"


def test_job_hits_group_by_job_name_and_failures_rank_before_context():
    records = [
        rec("Starting new instance. Reason: AUTOSCALING - Instance started due to scaling.", kind="system",
            insert_id=f"s{i}") for i in range(5)
    ]
    records.append(rec("Execution nightly-abcde has failed to complete, 0/1 tasks were a success.",
                       kind="audit_system_event", job="nightly", insert_id="j1"))
    hits = match_records(records)
    assert hits[0]["signature_id"] == "JOB_EXECUTION_FAILED"
    assert hits[0]["service"] == "nightly"
    assert hits[-1]["context"] is True and hits[-1]["count"] == 5


def test_examples_are_trimmed_and_huge_messages_are_bounded():
    long = "Traceback (most recent call last):\n" + "x" * 500_000
    hit = match_records([rec(long)])[0]
    assert hit["signature_id"] == "PYTHON_TRACEBACK"
    assert len(hit["examples"][0]["message"]) == 300


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("signatures: [", "not valid YAML"),
        ("nothing: here", "signatures:"),
        ("signatures:\n- {id: X, regex: 'a(', log_kinds: [system], severity: ERROR, labels: [container-crash],"
         " meaning: {en: a, ja: b}, fix: {en: a, ja: b}, source: s}", "bad regex"),
        ("signatures:\n- {id: X, regex: a, log_kinds: [system], severity: ERROR, labels: [made-up],"
         " meaning: {en: a, ja: b}, fix: {en: a, ja: b}, source: s}", "outside the taxonomy"),
        ("signatures:\n- {id: X, regex: a, log_kinds: [system], severity: ERROR, labels: [container-crash],"
         " meaning: {en: a}, fix: {en: a, ja: b}, source: s}", "meaning.en and meaning.ja"),
        ("signatures:\n- {id: X, regex: a}", "lacks"),
    ],
)
def test_bad_catalogs_fail_with_one_line(tmp_path, body, fragment):
    path = tmp_path / "sigs.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as err:
        load_signatures(path)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_prescreen_uses_required_fragments_for_every_signature():
    # every catalog regex yields a literal fragment, so no IGNORECASE full-regex fallback slows the prescreen
    assert MATCHER.fallback is None
    assert required_literals(r"Memory limit of \d+ ?Mi?B exceeded") == ["memory limit of "]
    assert required_literals(r"ECONNREFUSED|Connection refused") == ["connection refused", "econnrefused"]
    assert required_literals(r"[A-Z]+\d*") is None
    # a fragment ending the word set makes longer words with that prefix redundant, not missed
    matcher = SignatureMatcher([{**SIGS[0], "id": "A", "regex": "abc"}, {**SIGS[0], "id": "B", "regex": "abcdef"}])
    assert [s["id"] for s in matcher.match_message("xx ABCDEF yy", "system")] == ["A", "B"]
    assert matcher.match_message("xx ABD yy", "system") == []


def test_a_2xx_request_cloud_run_logged_at_warning_is_read():
    """A stream cut by a shutdown is logged as a 200 with "Truncated response body" at WARNING."""
    from tools.analysis.signatures import SignatureMatcher

    matcher = SignatureMatcher()
    text = ("Truncated response body. Usually implies that the request timed out or the application exited "
            "before the response was finished.")
    record = {"log_kind": "requests", "message": text, "severity": "WARNING", "http": {"status": 200}}
    assert [s["id"] for s in matcher.match(record)] == ["TRUNCATED_RESPONSE"]
    assert matcher.match({**record, "severity": "INFO"}) == [], "ordinary 2xx entries are not scanned"


def test_gvisor_syscall_warnings_are_context_not_a_symptom():
    """gVisor's own text says it is very likely safe to ignore: a sign of gen1, not a failure."""
    from tools.analysis.signatures import load_signatures

    (sig,) = [s for s in load_signatures() if s["id"] == "GEN1_UNSUPPORTED_SYSCALL"]
    assert sig["context"] is True
