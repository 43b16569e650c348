"""The fleet's size against its instance cap decides how busy instances and slow requests are read.

At the cap, a per-instance database pool is the whole connection budget and slow requests on warm
instances are waits for a pool slot (downstream-dependency). Far below the cap, "no available instance"
means each instance was saturated by the requests it held, not that no instance could start
(concurrency-overload).
"""

from __future__ import annotations

from tools.analysis.evidence.scale import scale_items
from tools.analysis.rules import evaluate, match_clause


def _metrics(counts: list[int], state: str = "active") -> dict:
    points = [{"time": f"2026-02-12T00:{m:02d}:00Z", "value": n, "labels": {"state": state},
               "raw_ref": f"run.googleapis.com/container/instance_count#service_name=api@00:{m:02d}"}
              for m, n in enumerate(counts)]
    idle = [{"time": "2026-02-12T00:00:00Z", "value": 50, "labels": {"state": "idle"}, "raw_ref": "idle"}]
    return {"series": {"instance_count": points + idle}}


def _cap(n: int, source: str = "cloud_run_service") -> list[dict]:
    return [{"setting": "max_instances", "value": n, "source": source}]


def test_scale_item_reads_active_instances_against_the_live_cap():
    [at] = scale_items(_metrics([1, 3, 3, 3, 2]), _cap(3), "api")
    assert at["type"] == "instance_scale"
    assert at["attrs"] == {"peak": 3, "max_instances": 3, "at_cap": True, "cap_share": 1.0, "minutes_at_cap": 3}
    assert at["raw_ref"].endswith("@00:01")  # the first minute at the peak
    assert "cap" in at["signal"]["en"]
    [below] = scale_items(_metrics([2, 3, 3]), _cap(100), "api")
    assert below["attrs"]["at_cap"] is False and below["attrs"]["cap_share"] == 0.03


def test_no_scale_item_without_the_series_or_a_live_cap():
    assert scale_items(None, _cap(3), "api") == []
    assert scale_items(_metrics([3]), [], "api") == []
    assert scale_items(_metrics([3]), _cap(3, source="repository"), "api") == []  # a repo value may not be deployed


def _item(id_: str, type_: str, static: bool = True, **attrs) -> dict:
    return {"id": id_, "type": type_, "source": "repository" if static else "cloud_logging", "attrs": attrs,
            "strength": 1.0, "static": static, "timestamp": "2026-02-12T00:10:00Z"}


def _by_label(items: list[dict]) -> dict:
    return {c["label"]: c for c in evaluate(items)}


def _scale(peak: int, cap: int) -> dict:
    return _item("scale", "instance_scale", static=False, peak=peak, max_instances=cap, at_cap=peak >= cap,
                 cap_share=round(peak / cap, 3), minutes_at_cap=20 if peak >= cap else 0)


def test_no_free_instance_far_below_the_cap_is_per_instance_saturation():
    nai = _item("nai", "signature", static=False, signature_id="NO_AVAILABLE_INSTANCE", count=13,
                labels=["no-available-instance", "concurrency-overload", "cold-start-latency"],
                primary_label="no-available-instance", label_count=3)
    status = _item("s429", "status", static=False, code=429, count=37)
    conc = _item("conc", "setting", setting="concurrency", number=80)
    base = [nai, status, conc]
    found = _by_label(base + [_scale(3, 100)])
    assert found["concurrency-overload"]["confidence"] == "high"
    assert "scale" in found["no-available-instance"]["kinds"]["against"]
    assert found["concurrency-overload"]["confidence"] != found["no-available-instance"]["confidence"]
    # at the cap the cap is the reading: nothing argues against it, and the fleet size adds no symptom
    at_cap = _by_label(base + [_scale(3, 3)])
    assert "against" not in at_cap["no-available-instance"]["kinds"]
    assert at_cap["concurrency-overload"]["confidence"] != "high"


def test_slow_warm_requests_at_the_cap_with_a_capped_pool_are_pool_waits():
    slow = _item("slow", "instance_timeline", static=False, kind="slow_by_phase", count=160, starting=4,
                 warm=156, warm_share=0.975)
    pool = _item("pool", "finding", category="db-pool", pattern="db-pool-size-setting", in_request_path=None)
    fetch = _item("fetch", "finding", category="timeouts", pattern="client-no-timeout-node", in_request_path=None)
    found = _by_label([slow, fetch, pool, _scale(3, 3)])["downstream-dependency"]
    assert found["confidence"] == "high"
    assert found["kinds"]["runtime_symptom"] == ["slow"]
    # gated: required by the symptom, cited as the mechanism, and first: requests wait for its slots
    assert found["kinds"]["mechanism"][0] == "pool"
    assert found["weights"]["pool"] > found["weights"]["fetch"]
    assert "condition" not in found["kinds"]  # the cap is context: at the cap alone names no dependency
    # below the cap more instances (and pool slots) could start: no pool-wait symptom
    below = _by_label([slow, pool, _scale(3, 100)]).get("downstream-dependency")
    assert below is None or "runtime_symptom" not in below["kinds"]
    # no pool in the code: slow warm requests alone do not name a dependency
    nopool = _by_label([slow, _scale(3, 3)]).get("downstream-dependency")
    assert nopool is None or "runtime_symptom" not in nopool["kinds"]


def test_a_gated_sub_clause_is_required_but_gives_no_items():
    a = _item("a", "setting", setting="max_instances", number=2)
    b = _item("b", "setting", setting="concurrency", number=1)
    clause = {"all": [{"type": "setting", "setting": "max_instances"},
                      {"type": "setting", "setting": "concurrency", "gate": True}]}
    assert [i["id"] for i in match_clause(clause, [a, b])] == ["a"]
    assert match_clause(clause, [a]) == []


def _line(insert_id: str, message: str) -> dict:
    return {"timestamp": "2026-02-12T00:01:00Z", "severity": "ERROR", "log_kind": "stderr", "insert_id": insert_id,
            "log_name": "run.googleapis.com/stderr", "instance_id": "i-1",
            "resource": {"service_name": "web", "revision_name": "web-001"}, "message": message, "http": None,
            "raw_ref": f"run.googleapis.com/stderr#{insert_id}"}


def test_a_pool_acquire_timeout_is_read_as_the_pool_not_a_network_timeout():
    from tools.analysis.signatures import match_records

    lines = [_line("a", "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
                        "connection timed out, timeout 30.00"),
             _line("b", "HikariPool-1 - Connection is not available, request timed out after 30002ms."),
             _line("c", "PrismaClientKnownRequestError: Timed out fetching a new connection from the connection pool.")]
    hits = match_records(lines)
    assert [h["signature_id"] for h in hits] == ["DB_POOL_ACQUIRE_TIMEOUT"]  # not DOWNSTREAM_TIMEOUT too
    assert hits[0]["count"] == 3
    assert hits[0]["labels"][0] == "downstream-dependency"
