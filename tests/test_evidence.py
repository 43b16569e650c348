"""Evidence items keep their true source and exact ref, normalise settings, and mark what must not count."""

from __future__ import annotations

from tools.analysis.evidence.build import build_items, setting_number

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}


def test_setting_numbers_are_comparable():
    assert setting_number("memory", "512Mi") == 512
    assert setting_number("memory", "1Gi") == 1024
    assert setting_number("memory", "2G") == round(2 * 1000**3 / 2**20, 3)
    assert setting_number("cpu", "1000m") == 1.0
    assert setting_number("timeout_seconds", "300s") == 300
    assert setting_number("max_instances", "bogus") is None


def test_sources_and_refs_are_kept_and_signals_are_localised():
    items = build_items({
        "target": {"target_name": "app"}, "window": WINDOW,
        "settings": [{"setting": "cpu_throttled", "value": True, "is_default": True, "source": "repository",
                      "raw_ref": "infra/main.tf:88", "origin": "terraform"}],
        "findings": [{"category": "background-work", "path": "src/q.rs", "line": 24, "raw_ref": "src/q.rs:24",
                      "in_request_path": True, "enclosing_symbol": "spawn", "handler": "create_job",
                      "snippet": "tokio::spawn(fut)"}],
        "trello_rows": [{"timestamp": "2026-02-12T00:29:49.963Z", "source": "trello",
                         "signal": "create_job のあと処理が止まる", "raw_ref": "https://trello.com/c/Xvlu1U1f"}],
    })
    by_type = {i["type"]: i for i in items}
    assert by_type["setting"]["source"] == "repository" and by_type["setting"]["raw_ref"] == "infra/main.tf:88"
    assert "cpu_idle" in by_type["setting"]["signal"]["en"] and "既定値" in by_type["setting"]["signal"]["ja"]
    assert by_type["finding"]["raw_ref"] == "src/q.rs:24"
    assert "no durable queue" in by_type["finding"]["signal"]["en"]
    assert by_type["user_report"]["source"] == "trello"
    assert by_type["user_report"]["timestamp"] == "2026-02-12T00:29:49.963Z"
    assert all(i["excluded"] is None for i in items)


def test_idle_revision_and_superseded_declared_config_are_excluded():
    records = [{"timestamp": "2026-02-12T00:05:00Z", "insert_id": "a", "raw_ref": "run.googleapis.com/requests#a",
                "resource": {"service_name": "app", "revision_name": "app-002"},
                "http": {"status": 200, "latency_ms": 3}}]
    items = build_items({
        "target": {"target_name": "app"}, "window": WINDOW, "records": records,
        "signature_hits": [{"signature_id": "container_exit", "labels": ["container-crash"], "severity": "WARNING",
                            "count": 5, "services": ["app"], "revisions": ["app-001"],
                            "first_seen": "2026-02-12T00:10:00Z",
                            "examples": [{"raw_ref": "run.googleapis.com/varlog/system#z"}]}],
        "settings": [
            {"setting": "max_instances", "value": 1, "source": "repository", "raw_ref": "main.tf:3"},
            {"setting": "max_instances", "value": 20, "source": "cloud_run_service",
             "raw_ref": "projects/p/locations/r/services/app#template.scaling.maxInstanceCount"},
            {"setting": "memory", "value": "1Gi", "source": "repository", "raw_ref": "x.tf:1", "target_name": "api"},
        ],
    })
    reasons = {i["raw_ref"]: i["excluded"] for i in items}
    assert "served no traffic" in reasons["run.googleapis.com/varlog/system#z"]
    assert reasons["main.tf:3"] == "live config says 20"
    assert "api" in reasons["x.tf:1"]
    assert reasons["projects/p/locations/r/services/app#template.scaling.maxInstanceCount"] is None


def _request(ts: str, latency_ms: float, insert_id: str) -> dict:
    return {"timestamp": ts, "insert_id": insert_id, "raw_ref": f"run.googleapis.com/requests#{insert_id}",
            "resource": {"service_name": "app", "revision_name": "app-001"},
            "http": {"status": 200, "latency_ms": latency_ms}}


def test_slow_requests_right_after_instance_starts_count_as_cold_starts():
    records = [_request(f"2026-02-12T00:{m:02d}:00Z", 40, f"r{m}") for m in range(10, 40)]
    starts = [{"timestamp": f"2026-02-12T00:{m:02d}:00Z", "insert_id": f"s{m}", "message": "Starting new instance. "
               "Reason: AUTOSCALING", "raw_ref": f"run.googleapis.com/varlog/system#s{m}",
               "resource": {"service_name": "app", "revision_name": "app-001"}} for m in (41, 45, 50)]
    slow = [_request(f"2026-02-12T00:{m:02d}:20Z", 6500 + m, f"slow{m}") for m in (41, 45, 50)]
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "records": records + starts + slow})
    latency = next(i for i in items if i["type"] == "latency")
    assert latency["attrs"]["slow_count"] == 3 and latency["attrs"]["cold_start_share"] == 1.0
    assert latency["raw_ref"] == "run.googleapis.com/requests#slow50"  # the slowest request is cited
    assert "right after an instance start" in latency["signal"]["en"]

    warm = build_items({"target": {"target_name": "app"}, "window": WINDOW, "records": records + slow})
    assert next(i for i in warm if i["type"] == "latency")["attrs"]["cold_start_share"] == 0.0


def test_metric_items_cite_the_peak_point():
    ref = "run.googleapis.com/container/memory/utilizations#service_name=app@"
    metrics = {"series": {"memory_utilization": [
        {"time": "2026-02-12T00:10:00Z", "value": {"p99": 0.41}, "raw_ref": ref + "2026-02-12T00:10:00Z"},
        {"time": "2026-02-12T00:11:00Z", "value": {"p99": 0.97}, "raw_ref": ref + "2026-02-12T00:11:00Z"},
    ]}}
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "metrics": metrics})
    (util,) = [i for i in items if i["type"] == "utilization"]
    assert util["attrs"] == {"metric": "memory_utilization", "resource": "memory", "p99": 0.97}
    assert util["raw_ref"].endswith("@2026-02-12T00:11:00Z") and "97%" in util["signal"]["en"]


def test_a_failed_rollout_is_labelled_by_its_message():
    event = {"timestamp": "2026-02-12T00:17:44Z", "kind": "failed", "ready": False, "revision": "app-00019",
             "service": "app", "raw_ref": "cloudaudit.googleapis.com/system_event#x",
             "message": "Ready condition status changed to False for Revision app-00019 with message: "
                        "spec.template.spec.containers[0].env[1].value_from.secret_key_ref.name: Permission denied "
                        "on secret: projects/1/secrets/s/versions/latest for Revision service account a@p.iam."
                        "gserviceaccount.com. The service account used must be granted the 'Secret Manager Secret "
                        "Accessor' role (roles/secretmanager.secretAccessor) at the secret, project or higher level."}
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "deploy_events": [event]})
    (deploy,) = [i for i in items if i["type"] == "deploy"]
    assert deploy["attrs"]["failed"] and deploy["attrs"]["primary_label"] == "missing-config-or-secret"
    assert "did not become ready" in deploy["signal"]["en"] and deploy["source"] == "audit_log"


def _hit(sig: str, labels: list[str], revision: str, ref: str, severity: str = "ERROR") -> dict:
    return {"signature_id": sig, "labels": labels, "severity": severity, "count": 2, "services": ["app"],
            "revisions": [revision], "first_seen": "2026-02-12T00:10:00Z", "examples": [{"raw_ref": ref}]}


def test_a_revision_that_never_became_ready_is_evidence_not_an_idle_revision():
    """Point 3: its logs served no traffic because it failed to start; that is the rollout incident."""
    records = [{"timestamp": "2026-02-12T00:05:00Z", "insert_id": "a", "raw_ref": "run.googleapis.com/requests#a",
                "resource": {"service_name": "app", "revision_name": "app-001"}, "http": {"status": 200}}]
    hits = [_hit("ENV_VAR_MISSING", ["missing-config-or-secret", "container-crash"], "app-002",
                 "run.googleapis.com/stderr#k")]
    bundle = {"target": {"target_name": "app"}, "window": WINDOW, "records": records, "signature_hits": hits}
    assert "served no traffic" in next(i for i in build_items(bundle) if i["type"] == "signature")["excluded"]
    items = build_items({**bundle, "failed_revisions": ["app-002"]})
    assert next(i for i in items if i["type"] == "signature")["excluded"] is None


def test_failed_revisions_are_those_created_for_the_window_that_never_became_ready():
    from tools.sources.run.history import failed_revisions

    revisions = [
        {"name": "p/revisions/app-003", "short_name": "app-003", "ready": False, "create_time": "2026-02-12T00:20:00Z"},
        {"name": "p/revisions/app-002", "short_name": "app-002", "ready": True, "create_time": "2026-02-12T00:10:00Z"},
        {"name": "p/revisions/app-001", "short_name": "app-001", "ready": False, "create_time": "2026-01-01T00:00:00Z"},
        {"name": "p/revisions/app-000", "short_name": "app-000", "ready": None, "create_time": "2026-02-12T00:00:00Z"},
    ]
    found = failed_revisions(revisions, "2026-02-12T00:00:00Z", "2026-02-12T01:00:00Z")
    assert [r["short_name"] for r in found] == ["app-003"]


def test_a_specific_failure_explains_the_wrapper_in_its_revision():
    """Point 2: "revision not ready" and exit(1) are consequences; the missing variable is the symptom."""
    cond = {"type": "Ready", "state": "CONDITION_FAILED", "raw_ref": "p/revisions/app-002#conditions[0]",
            "revision": "app-002", "timestamp": "2026-02-12T00:11:00Z",
            "message": "Revision 'app-002' is not ready and cannot serve traffic. The user-provided container failed "
                       "to start and listen on the port defined provided by the PORT=8080 environment variable."}
    hits = [_hit("ENV_VAR_MISSING", ["missing-config-or-secret", "container-crash"], "app-002",
                 "run.googleapis.com/stderr#k"),
            _hit("CONTAINER_EXIT", ["container-crash", "job-task-failure"], "app-002",
                 "run.googleapis.com/varlog/system#e", severity="WARNING"),
            _hit("CONTAINER_EXIT", ["container-crash", "job-task-failure"], "app-003",
                 "run.googleapis.com/varlog/system#f", severity="WARNING")]
    hits[2]["services"] = ["app"]
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "signature_hits": hits[:2],
                         "conditions": [cond]})
    condition = next(i for i in items if i["type"] == "condition")
    exit_item = next(i for i in items if i["attrs"].get("signature_id") == "CONTAINER_EXIT")
    cause = next(i for i in items if i["attrs"].get("signature_id") == "ENV_VAR_MISSING")
    for wrapper in (condition, exit_item):
        assert wrapper["attrs"]["explained_by"] == cause["id"]
        assert wrapper["attrs"]["primary_label"] == "missing-config-or-secret"
    assert "job-task-failure" in exit_item["attrs"]["labels"][2:], "the wrapper's own label stays, behind"
    assert "explained_by" not in cause["attrs"]

    other = build_items({"target": {"target_name": "app"}, "window": WINDOW,
                         "signature_hits": [hits[0], hits[2]]})
    elsewhere = next(i for i in other if i["attrs"].get("signature_id") == "CONTAINER_EXIT")
    assert "explained_by" not in elsewhere["attrs"], "an exit in another revision is not explained by this one's error"


def test_a_platform_symptom_is_not_folded_into_another_of_the_same_specificity():
    hits = [_hit("PYTHON_TRACEBACK", ["container-crash"], "app-002", "run.googleapis.com/stderr#t"),
            _hit("STARTUP_TCP_PROBE_FAILED", ["startup-probe-failure", "port-bind-mismatch", "container-crash"],
                 "app-002", "run.googleapis.com/varlog/system#p")]
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "signature_hits": hits})
    assert not any("explained_by" in i["attrs"] for i in items)


def test_a_failed_condition_that_names_its_cause_explains_the_rollout_wrapper():
    """A revision condition quoting a missing secret version is as specific as a log line saying so."""
    cond = {"type": "Ready", "state": "CONDITION_FAILED", "raw_ref": "p/revisions/app-002#conditions[0]",
            "revision": "app-002", "timestamp": "2026-02-12T00:11:00Z",
            "message": "spec.template.spec.containers[0].env[3].value_from.secret_key_ref.name: Secret "
                       "projects/1/secrets/API_KEY/versions/latest was not found"}
    hits = [_hit("REVISION_NOT_READY", ["image-or-deploy-failure"], "app-002",
                 "cloudaudit.googleapis.com/system_event#n")]
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "signature_hits": hits,
                         "conditions": [cond]})
    condition = next(i for i in items if i["type"] == "condition")
    wrapper = next(i for i in items if i["type"] == "signature")
    assert condition["attrs"]["primary_label"] == "missing-config-or-secret"
    assert wrapper["attrs"]["explained_by"] == condition["id"]
    assert wrapper["attrs"]["primary_label"] == "missing-config-or-secret"


def test_the_request_that_triggers_an_instance_start_counts_as_a_cold_start():
    """It arrives (and is logged with its arrival time) a moment before "Starting new instance"."""
    records = [_request(f"2026-02-12T00:{m:02d}:00Z", 40, f"r{m}") for m in range(10, 40)]
    starts = [{"timestamp": f"2026-02-12T00:{m:02d}:00.500Z", "insert_id": f"s{m}", "message": "Starting new "
               "instance. Reason: AUTOSCALING", "raw_ref": f"run.googleapis.com/varlog/system#s{m}",
               "resource": {"service_name": "app", "revision_name": "app-001"}} for m in (41, 45, 50)]
    slow = [_request(f"2026-02-12T00:{m:02d}:00.100Z", 23000, f"slow{m}") for m in (41, 45, 50)]
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "records": records + starts + slow})
    assert next(i for i in items if i["type"] == "latency")["attrs"]["cold_start_share"] == 1.0


def test_an_audit_row_names_its_revision_or_says_it_names_none():
    """Point 8: never `revision ?`."""
    named = {"timestamp": "2026-02-12T00:05:00Z", "kind": "deploy", "revision": "app-00019", "actor": "ci@x",
             "method": "google.cloud.run.v2.Services.UpdateService", "raw_ref": "cloudaudit.googleapis.com/activity#a"}
    unnamed = {**named, "revision": None, "raw_ref": "cloudaudit.googleapis.com/activity#b"}
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "deploy_events": [named, unnamed]})
    signals = [i["signal"]["en"] for i in items if i["type"] == "deploy"]
    assert "created revision `app-00019`" in signals[0]
    assert "names no revision" in signals[1] and "`?`" not in signals[1]
