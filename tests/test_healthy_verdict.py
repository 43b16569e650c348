"""`healthy` is earned and stated: figures in its rationale, the lifecycle noise it set aside cited,
and the lines that only look alarming (a SIGINT in the sandbox, a local daemon still starting) kept
from turning a quiet window into an incident."""

from __future__ import annotations

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import dismissed_items, rank
from tools.analysis.signatures import match_records
from tools.report.build import rationale

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}
TARGET = {"target_name": "web"}


def record(insert_id: str, message: str, ts: str, *, kind: str = "stdout", severity: str = "DEFAULT",
           status: int | None = None, instance: str = "i-1") -> dict:
    return {"timestamp": ts, "severity": severity, "log_kind": kind, "insert_id": insert_id,
            "log_name": f"run.googleapis.com/{kind}", "instance_id": instance,
            "resource": {"service_name": "web", "revision_name": "web-001"}, "message": message,
            "http": {"method": "GET", "path": "/scan", "status": status, "latency_ms": 40.0} if status else None,
            "raw_ref": f"run.googleapis.com/{kind}#{insert_id}"}


def quiet_traffic(n: int = 40) -> list[dict]:
    return [record(f"r{i}", "", f"2026-02-12T00:{i:02d}:30Z", kind="requests", status=200) for i in range(n)]


def bundle(records: list[dict]) -> dict:
    return {"target": TARGET, "window": WINDOW, "records": records, "signature_hits": match_records(records)}


def start_up_noise() -> list[dict]:
    """What a scanner's start-up prints: a sandbox SIGINT for a script's child, and two waits for clamd."""
    return [
        record("s1", "Uncaught signal: 2, pid=13, tid=13, fault_addr=0.", "2026-02-12T00:10:01Z",
               kind="system", severity="ERROR"),
        record("w1", "Waiting for clamd to start: Error: connect ECONNREFUSED 127.0.0.1:3310",
               "2026-02-12T00:10:05Z", severity="WARNING"),
        record("w2", "Waiting for clamd to start: Error: connect ECONNREFUSED 127.0.0.1:3310",
               "2026-02-12T00:10:15Z", severity="WARNING"),
    ]


def test_start_up_noise_on_a_quiet_service_is_healthy_and_cited():
    items = build_items(bundle(quiet_traffic() + start_up_noise()))
    ranked = rank(items)
    assert ranked[0]["label"] == "healthy"
    assert all(c["confidence"] == "low" for c in ranked[1:])
    assert "downstream-dependency" not in [c["label"] for c in ranked]  # a local port is not a dependency
    by_id = {i["id"]: i for i in items}
    cited = {by_id[i]["raw_ref"] for i in ranked[0]["kinds"]["dismissed"]}
    assert cited == {"run.googleapis.com/system#s1", "run.googleapis.com/stdout#w1"}
    assert set(ranked[0]["kinds"]["dismissed"]) <= set(ranked[0]["items"])


def test_healthy_rationale_states_the_figures_and_the_noise_it_set_aside():
    items = build_items(bundle(quiet_traffic() + start_up_noise()))
    healthy = rank(items)[0]
    ev_of = {i: f"ev-{n:03d}" for n, i in enumerate(healthy["items"], start=1)}
    text = rationale(healthy, ev_of, "en", {i["id"]: i for i in items})
    assert "0 of 40 requests got 5xx/429, 0 minute(s) at or above 5%" in text
    assert "no failed deploy, revision or execution" in text
    assert "judged lifecycle noise: ev-002, ev-003" in text


def test_only_alarming_looking_lifecycle_lines_are_set_aside():
    quiet_start = record("st", "Starting new instance. Reason: AUTOSCALING", "2026-02-12T00:09:59Z",
                         kind="system", severity="INFO")
    items = build_items(bundle(quiet_traffic() + start_up_noise() + [quiet_start]))
    refs = {i["id"]: i["raw_ref"] for i in items}
    assert "run.googleapis.com/system#st" not in {refs[i] for i in dismissed_items(items)}


def test_a_local_port_refused_beside_a_failed_start_up_is_start_up_ordering():
    """A sidecar not up yet: the refusal is the cause only when the start-up then fails."""
    records = [
        record("e1", 'ERR redis is not available error="dial tcp 127.0.0.1:6379: connect: connection refused"',
               "2026-02-12T00:20:00Z", kind="stderr"),
        record("x1", "Container called exit(1).", "2026-02-12T00:20:01Z", kind="system", severity="WARNING"),
        record("p1", 'Default STARTUP TCP probe failed 1 time consecutively for container "app" on port 3002. '
                     "The instance was not started.", "2026-02-12T00:20:10Z", kind="system", severity="ERROR"),
    ]
    ranked = rank(build_items(bundle(quiet_traffic() + records)))
    assert ranked[0]["label"] == "startup-probe-failure"
    assert "downstream-dependency" not in [c["label"] for c in ranked]
    alone = rank(build_items(bundle(quiet_traffic() + records[:1])))
    assert alone[0]["label"] == "healthy"


def test_a_sigabrt_is_still_a_crash_symptom():
    crash = record("c1", "Uncaught signal: 6, pid=1, tid=1, fault_addr=0.", "2026-02-12T00:30:00Z",
                   kind="system", severity="ERROR")
    ranked = rank(build_items(bundle(quiet_traffic() + [crash])))
    assert ranked[0]["label"] != "healthy"


def test_an_uncatalogued_application_error_that_recurs_for_minutes_forbids_healthy():
    cron = [record(f"c{i}", "release schedule lock\nunlock failed: context canceled", f"2026-02-12T00:{i:02d}:10Z",
                   kind="stderr", severity="ERROR") for i in range(0, 40, 3)]
    items = build_items(bundle(quiet_traffic() + cron))
    ranked = rank(items)
    assert ranked[0]["label"] != "healthy"
    assert ranked[0]["label"] == "other"
    once = build_items(bundle(quiet_traffic() + cron[:2]))
    assert rank(once)[0]["label"] == "healthy"  # a couple of errors is not an incident


def test_a_loopback_refusal_overrides_the_remote_dependency_reading():
    hits = match_records([record("l1", "Error: connect ECONNREFUSED 127.0.0.1:6379", "2026-02-12T00:01:00Z"),
                          record("r1", "Error: connect ECONNREFUSED 10.0.0.5:5432", "2026-02-12T00:02:00Z")])
    ids = sorted(h["signature_id"] for h in hits)
    assert ids == ["DOWNSTREAM_CONNECTION_REFUSED", "LOOPBACK_CONNECTION_REFUSED"]
    loopback = next(h for h in hits if h["signature_id"] == "LOOPBACK_CONNECTION_REFUSED")
    assert loopback["count"] == 1 and loopback["context"] is True


def test_a_local_port_refusing_for_many_minutes_is_a_dependency_that_is_down():
    """A proxy sidecar that stays down is no start-up wait: twelve refusals over twelve minutes."""
    down = [record(f"d{i}", "Error: connect ECONNREFUSED 127.0.0.1:5432", f"2026-02-12T00:{20 + i:02d}:00Z",
                   kind="stderr", severity="ERROR") for i in range(12)]
    ranked = rank(build_items(bundle(quiet_traffic() + down)))
    assert ranked[0]["label"] == "downstream-dependency"
    assert "runtime_symptom" in ranked[0]["flags"]


def test_healthy_figures_name_the_failure_signs_instead_of_claiming_a_clean_window():
    from tools.analysis.ranking import healthy_figures

    text = healthy_figures([], ["failed deploy (cloudaudit.googleapis.com/activity#d1)"])["en"]
    assert "not a clean window: failed deploy" in text and "no failed deploy" not in text
