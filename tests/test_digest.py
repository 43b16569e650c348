"""The digest stays small whatever the input, and its numbers are right."""

from __future__ import annotations

import json
import random

import pytest

from tools.analysis.digest.analyze import (
    DigestBuilder,
    analyze_entries,
    analyze_jsonl,
    digest_tokens,
    render_digest_text,
)
from tools.errors import InputError


def ts_at(minute: int, second: int = 0) -> str:
    day, rest = divmod(minute, 1440)
    hour, mi = divmod(rest, 60)
    return f"2024-05-{1 + day:02d}T{hour:02d}:{mi:02d}:{second:02d}.000000Z"


def request(minute, status, latency_ms=20.0, service="checkout", revision="checkout-00001-aaa", instance="i-1",
            message="", n=0, second=0):
    return {
        "timestamp": ts_at(minute, second), "severity": "ERROR" if status >= 500 else "INFO", "log_kind": "requests",
        "log_name": "run.googleapis.com/requests", "resource": {"service_name": service, "revision_name": revision},
        "instance_id": instance, "http": {"method": "GET", "path": f"/items/{n}", "status": status,
                                          "latency_ms": latency_ms},
        "message": message, "insert_id": f"r{n}", "raw_ref": f"run.googleapis.com/requests#r{n}",
    }


def line(minute, message, kind="stderr", severity="ERROR", service="checkout", revision="checkout-00001-aaa", n=0):
    return {
        "timestamp": ts_at(minute), "severity": severity, "log_kind": kind, "log_name": f"run.googleapis.com/{kind}",
        "resource": {"service_name": service, "revision_name": revision}, "instance_id": f"i-{n % 7}",
        "http": None, "message": message, "insert_id": f"l{n}", "raw_ref": f"run.googleapis.com/{kind}#l{n}",
    }


def synthetic(count: int, seed: int) -> list[dict]:
    """A noisy mix whose variety (minutes, revisions, services, instances, messages) grows with count."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        minute = n // 5  # the span grows with the input: 10k -> 2000 minutes, 50k -> 10000 minutes
        rev = f"svc{n % 40}-{n // 1000:05d}-abc"
        svc = f"svc{n % 40}"
        roll = rng.random()
        if roll < 0.85:
            out.append(request(minute, 200, rng.expovariate(1 / 50), svc, rev, f"inst-{n}", n=n))
        elif roll < 0.93:
            out.append(request(minute, rng.choice([404, 500, 503]), 5.0, svc, rev, f"inst-{n}", n=n))
        else:
            out.append(line(minute, f"unique failure {n} in module m{n % 997} code {rng.randint(0, 10**9):x}",
                            service=svc, revision=rev, n=n))
    return out


def build(records, **kw):
    builder = DigestBuilder(**kw)
    for r in records:
        builder.add(r)
    return builder


def test_digest_size_does_not_grow_with_input():
    small = build(synthetic(10_000, 1)).result()
    large = build(synthetic(50_000, 2)).result()
    assert large["totals"]["records"] == 50_000
    for digest in (small, large):
        assert digest_tokens(digest) <= 8_000
        assert len(digest["timeline"]["rows"]) <= 48
        assert len(digest["error_templates"]) <= 15
        assert len(digest["revisions"]) <= 20 and len(digest["services"]) <= 15
    assert digest_tokens(large) <= 1.3 * digest_tokens(small)
    # 10000 minutes do not fit in 1440 one-minute buckets: the builder coarsened, and kept every count
    assert large["timeline"]["bucket"].endswith("10m")
    assert sum(row[4] for row in large["timeline"]["rows"]) == sum(
        v for k, v in large["totals"]["status_codes"].items() if k.startswith("5"))


def test_full_series_is_capped_at_max_buckets():
    builder = build([request(m, 200, n=m) for m in range(3000)], max_buckets=1440)
    series = builder.series()
    assert len(series["rows"]) <= 1440
    assert series["granularity"] == "10m"
    assert sum(r[1] for r in series["rows"]) == 3000


def test_error_templates_cluster_and_skip_successful_requests():
    records = [line(1, f"connection to db-{i % 3} failed after {100 + i} ms", n=i) for i in range(30)]
    records += [request(1, 200, message=f"served item {i}", n=100 + i) for i in range(50)]
    records += [line(2, "cache warmed in 3 ms", severity="INFO", n=200)]
    digest = build(records).result()
    templates = digest["error_templates"]
    assert len(templates) == 1
    assert templates[0]["count"] == 30
    assert "connection to" in templates[0]["template"] and "<NUM>" in templates[0]["template"]
    assert templates[0]["example_raw_refs"] == ["run.googleapis.com/stderr#l0", "run.googleapis.com/stderr#l1"]


def test_failed_requests_template_by_status_and_masked_path():
    text = "The request was aborted because there was no available instance."
    records = [request(0, 429, message=text, n=i) for i in range(3)] + [request(0, 500, message=text, n=9)]
    records += [request(0, 404, n=20 + i) for i in range(4)]
    counts = {t["template"]: t["count"] for t in build(records).result()["error_templates"]}
    assert counts == {f"HTTP 429 {text}": 3, f"HTTP 500 {text}": 1, "HTTP 404 GET /items/<ID>": 4}


def test_tracebacks_template_on_their_last_line():
    tb = "Traceback (most recent call last):\n  File \"a.py\", line {n}, in f\nKeyError: 'DATABASE_URL'"
    digest = build([line(1, tb.format(n=i), n=i) for i in range(4)]).result()
    assert digest["error_templates"][0]["template"] == "KeyError: 'DATABASE_URL'"
    assert digest["error_templates"][0]["count"] == 4


def test_latency_percentiles_from_request_logs_on_a_known_distribution():
    records = [request(0, 200, latency_ms=float(ms), n=ms) for ms in range(1, 1001)]
    random.Random(3).shuffle(records)
    lat = build(records).result()["latency"]
    assert lat["source"] == "request_logs"
    for key, true in (("p50_ms", 500), ("p95_ms", 950), ("p99_ms", 990)):
        assert abs(lat[key] - true) / true < 0.03, (key, lat[key])
    assert lat["max_ms"] == 1000.0


def test_latency_prefers_metrics_when_given():
    metrics = {"series": {
        "request_latencies_p99": [{"time": ts_at(0), "value": 812.0, "labels": {}},
                                  {"time": ts_at(1), "value": 2400.5, "labels": {}}],
        "request_latencies_p50": [{"time": ts_at(0), "value": 40.0, "labels": {}}],
        "request_count": [{"time": ts_at(0), "value": 7, "labels": {}}],
    }}
    lat = build([request(0, 200, latency_ms=5.0)]).result(metrics)["latency"]
    assert lat["source"] == "cloud_monitoring"
    assert lat["p99_ms"] == 2400.5 and lat["p50_ms"] == 40.0 and lat["p95_ms"] is None
    assert build([]).result()["latency"]["source"] == "none"


def test_per_revision_and_per_service_error_rates():
    records = [request(0, 500 if i < 10 else 200, revision="checkout-00002-new", n=i) for i in range(100)]
    records += [request(0, 200, revision="checkout-00001-old", n=200 + i) for i in range(50)]
    records += [request(0, 503, service="billing", revision="billing-00001-x", n=300 + i) for i in range(5)]
    digest = build(records).result()
    revs = {r["revision"]: r for r in digest["revisions"]}
    assert revs["checkout-00002-new"]["error_rate"] == 0.1
    assert revs["checkout-00002-new"]["5xx"] == 10
    assert revs["checkout-00001-old"]["error_rate"] == 0.0
    services = {s["service"]: s for s in digest["services"]}
    assert services["billing"]["5xx"] == 5 and services["checkout"]["5xx"] == 10
    assert digest["totals"]["first_error_timestamp"] == ts_at(0)


def test_instance_starts_shutdowns_and_deploy_markers():
    records = [
        line(0, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling.",
             kind="system", severity="INFO", n=1),
        line(1, "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling.",
             kind="system", severity="INFO", n=2),
        line(2, "Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started because of a deploy.",
             kind="system", severity="INFO", n=3),
        line(3, "Container terminated on signal 9.", kind="system", severity="WARNING", n=4),
        line(3, "Shutting down user disabled instance", kind="system", severity="INFO", n=5),
        line(2, "google.cloud.run.v1.Services.ReplaceService namespaces/demo/services/checkout",
             kind="audit_activity", severity="NOTICE", n=6),
        line(2, "google.cloud.run.v1.Services.GetService namespaces/demo/services/checkout",
             kind="audit_activity", severity="INFO", n=7),
    ]
    digest = build(records).result()
    starts = {r["reason"]: r for r in digest["instance_starts"]}
    assert starts["AUTOSCALING"]["count"] == 2 and starts["DEPLOYMENT_ROLLOUT"]["count"] == 1
    assert starts["AUTOSCALING"]["example_raw_ref"] == "run.googleapis.com/system#l1"
    assert {r["reason"] for r in digest["instance_shutdowns"]} == {"signal:9", "user_disabled_shutdown"}
    assert [d["raw_ref"] for d in digest["deploy_markers"]] == ["run.googleapis.com/audit_activity#l6"]
    text = render_digest_text(digest)
    assert "AUTOSCALING x2" in text and "ReplaceService" in text


def raw_request(i, status, text=None, latency="0.020s"):
    entry = {
        "insertId": f"e{i}", "logName": "projects/demo/logs/run.googleapis.com%2Frequests",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "checkout",
                                                              "revision_name": "checkout-00042-xyz"}},
        "timestamp": ts_at(i // 60, i % 60), "severity": "INFO" if status < 400 else "ERROR",
        "httpRequest": {"requestMethod": "GET", "requestUrl": "https://x.run.app/pay", "status": status,
                        "latency": latency},
        "labels": {"instanceId": "inst-a"},
    }
    if text:
        entry["textPayload"] = text
    return entry


def test_analyze_entries_fast_path_agrees_with_the_full_path():
    timeout = "The request has been terminated because it has reached the maximum request timeout."
    entries = [raw_request(i, 200) for i in range(50)] + [raw_request(50 + i, 504, timeout, "300.0s") for i in range(3)]
    entries.append({
        "insertId": "sys1", "logName": "projects/demo/logs/run.googleapis.com%2Fvarlog%2Fsystem",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "checkout"}},
        "timestamp": ts_at(1), "severity": "ERROR",
        "textPayload": "Memory limit of 512 MiB exceeded with 530 MiB used.",
    })
    out = analyze_entries(entries)
    hits = {h["signature_id"]: h for h in out["signature_hits"]}
    assert hits["REQUEST_TIMEOUT"]["count"] == 3
    assert hits["REQUEST_TIMEOUT"]["examples"][0]["raw_ref"] == "run.googleapis.com/requests#e50"
    assert hits["OOM_LIMIT"]["examples"][0]["raw_ref"] == "run.googleapis.com/varlog/system#sys1"
    digest = out["digest"]
    assert digest["totals"]["status_codes"] == {"200": 50, "504": 3}
    assert digest["revisions"][0]["requests"] == 53
    assert digest["latency"]["max_ms"] == 300000.0


def test_analyze_jsonl_counts_bad_lines_and_refuses_binary(tmp_path):
    good = tmp_path / "entries.jsonl"
    lines = [json.dumps(raw_request(1, 200)), "{not json", "[1, 2]", "", json.dumps(raw_request(2, 500))]
    good.write_text("\n".join(lines) + "\n")
    out = analyze_jsonl(good)
    assert out["digest"]["totals"]["records"] == 2
    assert out["digest"]["input"] == {"lines": 5, "malformed_lines": 2}
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(InputError, match="binary"):
        analyze_jsonl(binary)
    with pytest.raises(InputError, match="not a file"):
        analyze_jsonl(tmp_path / "missing.jsonl")


def test_streaming_latency_matches_the_record_path_on_a_known_distribution():
    entries = [raw_request(i, 200, latency=f"{ms / 1000:.6f}s") for i, ms in enumerate(range(1, 1001))]
    random.Random(5).shuffle(entries)
    lat = analyze_entries(entries)["digest"]["latency"]
    for key, true in (("p50_ms", 500), ("p95_ms", 950), ("p99_ms", 990)):
        assert abs(lat[key] - true) / true < 0.03, (key, lat[key])
    assert lat["max_ms"] == 1000.0
    assert abs(lat["mean_ms"] - 500.5) / 500.5 < 0.03


def test_node_stack_traces_template_on_the_error_line():
    trace = ("/app/src/handlers.js:14\n      const id = event.data.object.customer.id;\n          ^\n\n"
             "TypeError: Cannot read properties of null (reading 'id')\n"
             "    at handleEvent (/app/src/handlers.js:14:53)")
    digest = build([line(1, trace, n=i) for i in range(3)]).result()
    assert digest["error_templates"][0]["template"] == "TypeError: Cannot read properties of null (reading 'id')"


def test_analyze_logs_cli_reads_a_case_directory_and_fails_in_one_line(tmp_path, capsys):
    from tools.cli import main

    (tmp_path / "logging").mkdir()
    timeout = "The request has been terminated because it has reached the maximum request timeout."
    lines = [json.dumps(raw_request(i, 200)) for i in range(5)] + [json.dumps(raw_request(9, 504, timeout, "300s"))]
    (tmp_path / "logging" / "entries.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["analyze-logs", str(tmp_path), "--json", "--lang", "ja"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [h["signature_id"] for h in out["signature_hits"]] == ["REQUEST_TIMEOUT"]
    assert "504" in out["signature_hits"][0]["meaning"]
    assert out["digest"]["totals"]["records"] == 6 and out["digest_tokens"] > 0
    assert main(["analyze-logs", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a file" in err and "\n" not in err
