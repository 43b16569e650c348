"""Which measured symptom wins, and what a symptom row cites.

A brief burst of a transient network error is a shared symptom, not a cause; a hit is as severe as
the lines were logged; a cold start cites a typical waiting request and its start line beside the
slowest one; "current status" uses the last time a failure was seen; uniformly slow work is no
cold-start symptom.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.analysis.signatures import match_records
from tools.report.build import current_status

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T02:00:00Z"}


def rec(n: int, message: str, ts: str, *, kind: str = "stderr", severity: str = "DEFAULT",
        status: int | None = None, latency_ms: float = 40.0) -> dict:
    return {"timestamp": ts, "severity": severity, "log_kind": kind, "insert_id": f"e{n}",
            "resource": {"service_name": "web", "revision_name": "web-001"}, "message": message,
            "http": {"method": "GET", "path": f"/p{n % 3}", "status": status, "latency_ms": latency_ms}
            if status else None, "raw_ref": f"run.googleapis.com/{kind}#e{n}"}


def traffic(n: int = 60) -> list[dict]:
    return [rec(1000 + i, "", f"2026-02-12T00:{i % 60:02d}:{(i * 7) % 60:02d}Z", kind="requests", status=200)
            for i in range(n)]


def items_of(records: list[dict]) -> list[dict]:
    return build_items({"target": {"target_name": "web"}, "window": WINDOW, "records": records,
                        "signature_hits": match_records(records)})


DENIED = ("rpc error: code = PermissionDenied desc = Permission 'cloudkms.cryptoKeyVersions.viewPublicKey' "
          "denied on resource 'projects/p/locations/l/keyRings/k/cryptoKeys/c/cryptoKeyVersions/2'")


def test_a_two_line_timeout_blip_does_not_outrank_a_sustained_failure():
    blip = [rec(1, "dial tcp redis.internal:6379: i/o timeout", "2026-02-12T00:26:05Z", severity="ERROR"),
            rec(2, "dial tcp redis.internal:6379: i/o timeout", "2026-02-12T00:26:06Z", severity="ERROR")]
    denied = [rec(10 + i, DENIED, f"2026-02-12T01:{i:02d}:00Z", severity="ERROR") for i in range(20)]
    items = items_of(traffic() + blip + denied)
    ranked = rank(items)
    assert ranked[0]["label"] == "permission-denied"
    downstream = next(c for c in ranked if c["label"] == "downstream-dependency")
    assert "runtime_symptom" not in downstream["flags"] and "secondary_symptom" in downstream["flags"]
    # the same error, sustained, is a runtime symptom again
    sustained = [rec(100 + i, "dial tcp redis.internal:6379: i/o timeout", f"2026-02-12T00:{10 + i:02d}:00Z",
                     severity="ERROR") for i in range(8)]
    again = next(c for c in rank(items_of(traffic() + sustained)) if c["label"] == "downstream-dependency")
    assert "runtime_symptom" in again["flags"]


def test_a_hit_takes_the_severity_its_lines_were_logged_at():
    (hit,) = match_records([rec(1, "Error: connect ECONNREFUSED 10.0.0.5:5432", "2026-02-12T00:01:00Z",
                                severity="WARNING")])
    assert hit["severity"] == "WARNING"
    (raw,) = match_records([rec(2, "Error: connect ECONNREFUSED 10.0.0.5:5432", "2026-02-12T00:01:00Z")])
    assert raw["severity"] == "ERROR"  # a line without severity keeps the catalog's


def cold_start_window() -> list[dict]:
    """Three cold starts whose first requests waited 5.0, 6.0 and 7.0 s, among fast traffic."""
    records = traffic()
    for n, (minute, seconds) in enumerate(((10, 7.0), (40, 5.0), (70, 6.0))):
        ts = f"2026-02-12T{minute // 60:02d}:{minute % 60:02d}:00Z"
        records.append(rec(500 + n, "Starting new instance. Reason: AUTOSCALING", ts, kind="system",
                           severity="INFO"))
        records.append(rec(600 + n, "", ts, kind="requests", status=200, latency_ms=seconds * 1000))
    return records


def test_a_cold_start_cites_its_first_and_typical_waiting_requests_and_a_start_line():
    items = items_of(cold_start_window())
    examples = [i for i in items if i.get("example_of") == "latency"]
    assert [i["raw_ref"] for i in examples] == ["run.googleapis.com/requests#e600",  # the first (onset), 7.0 s
                                                "run.googleapis.com/requests#e602",  # the median wait, 6.0 s
                                                "run.googleapis.com/system#e500"]  # the start the first waited for
    top = next(c for c in rank(items) if c["label"] == "cold-start-latency")
    symptoms = top["kinds"]["runtime_symptom"]
    assert symptoms[symptoms.index("latency") + 1:][:3] == [i["id"] for i in examples]
    assert {i["id"] for i in examples} <= set(top["items"])


def test_uniformly_slow_work_is_no_cold_start_symptom():
    slow = [rec(i, "", f"2026-02-12T00:{i:02d}:00Z", kind="requests", status=200, latency_ms=45000.0 + i)
            for i in range(30)]
    ranked = rank(items_of(slow))
    assert all(c["label"] != "cold-start-latency" or not c["flags"] for c in ranked)


def test_current_status_uses_the_last_time_a_failure_was_seen():
    errors = [rec(i, "Error: connect ECONNREFUSED 10.0.0.5:5432", f"2026-02-12T{h}:00Z", severity="ERROR")
              for i, h in enumerate(("00:10", "00:20", "01:55"))]
    items = items_of(traffic() + errors)
    ranked = rank(items)
    end = datetime(2026, 2, 12, 2, 0, tzinfo=UTC)
    assert current_status(ranked, items, end, "en")[0] == "ongoing"  # the first line was at 00:10


def _vpc_setting(value) -> dict:
    return {"setting": "vpc_egress", "value": value, "is_default": value == "none", "source": "cloud_run_job",
            "origin": "api", "raw_ref": "projects/p/locations/l/jobs/migrate#template.template.vpcAccess",
            "target_name": "web"}


def test_a_private_address_timing_out_without_vpc_egress_is_the_environment():
    dials = [rec(i, "ERROR: dial tcp 10.110.0.3:3307: i/o timeout", f"2026-02-12T00:{10 + i:02d}:00Z",
                 severity="ERROR") for i in range(4)]
    no_vpc = build_items({"target": {"target_name": "web"}, "window": WINDOW, "records": dials,
                          "signature_hits": match_records(dials), "settings": [_vpc_setting("none")]})
    ranked = rank(no_vpc)
    assert ranked[0]["label"] == "execution-environment-mismatch"
    assert all(c["label"] != "downstream-dependency" or c["confidence"] == "low" for c in ranked)
    with_vpc = build_items({"target": {"target_name": "web"}, "window": WINDOW, "records": dials,
                            "signature_hits": match_records(dials),
                            "settings": [_vpc_setting("private-ranges-only")]})
    assert rank(with_vpc)[0]["label"] == "downstream-dependency"


def test_vpc_egress_is_read_from_the_job_template():
    from tools.sources.run.settings import settings

    job = {"name": "projects/p/locations/l/jobs/migrate", "template": {"template": {
        "vpcAccess": {"egress": "PRIVATE_RANGES_ONLY", "networkInterfaces": [{"network": "default"}]},
        "containers": [{"image": "x"}]}}}
    values = {s["setting"]: s for s in settings(job, "job")}
    assert values["vpc_egress"]["value"] == "private-ranges-only"
    job["template"]["template"].pop("vpcAccess")
    values = {s["setting"]: s for s in settings(job, "job")}
    assert values["vpc_egress"]["value"] == "none" and values["vpc_egress"]["is_default"] is True


def test_a_platform_message_is_a_direct_symptom_of_the_label_it_names():
    """"STARTUP TCP probe failed" lists three labels (a wrong port fails the probe too), yet it names
    startup-probe-failure itself: a runtime symptom of it, not only a shared one."""
    probe = [rec(1, 'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080. '
                    "The instance was not started.", "2026-02-12T00:20:00Z", kind="system", severity="ERROR")]
    ranked = rank(items_of(traffic() + probe))
    startup = next(c for c in ranked if c["label"] == "startup-probe-failure")
    assert "runtime_symptom" in startup["flags"]
    port = next(c for c in ranked if c["label"] == "port-bind-mismatch")
    assert "runtime_symptom" not in port["flags"]


def test_a_container_that_exited_during_start_up_explains_the_probe_that_then_failed():
    """Same level in the catalog, yet one is the consequence: the app exited, so the probe found nothing
    listening (explains_peers). The probe failure then counts for the crash, not as its own cause."""
    lines = [rec(1, "Container called exit(1).", "2026-02-12T00:20:00Z", kind="system", severity="WARNING"),
             rec(2, 'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080. '
                    "The instance was not started.", "2026-02-12T00:20:05Z", kind="system", severity="ERROR")]
    items = items_of(traffic() + lines)
    probe = next(i for i in items if i["attrs"].get("signature_id") == "STARTUP_TCP_PROBE_FAILED")
    assert probe["attrs"]["explained_by"] and probe["attrs"]["primary_label"] == "container-crash"
    assert rank(items)[0]["label"] == "container-crash"

