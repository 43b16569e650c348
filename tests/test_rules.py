"""The rules file covers the taxonomy and the evaluator turns evidence mixes into the documented confidence."""

from __future__ import annotations

import yaml

from tools.analysis.rules import clause_matches, evaluate, load_rules, match_clause, predicate_matches
from tools.paths import DATA


def item(id_: str, type_: str, source: str = "repository", **attrs):
    return {"id": id_, "type": type_, "source": source, "attrs": attrs, "strength": 1.0, "static": True,
            "timestamp": "2026-02-12T00:00:00Z"}


def runtime(id_: str, type_: str, ts: str = "2026-02-12T00:10:00Z", **attrs):
    return item(id_, type_, source="cloud_logging", **attrs) | {"static": False, "timestamp": ts}


def by_label(candidates):
    return {c["label"]: c for c in candidates}


def test_every_taxonomy_label_has_a_rule():
    taxonomy = {x["label"] for x in yaml.safe_load((DATA / "root_causes.yaml").read_text())["labels"]}
    ruled = {r["label"] for r in load_rules()["rules"]}
    assert taxonomy - ruled == set()
    assert ruled - taxonomy == set()


def test_predicate_operators():
    assert predicate_matches(512, {"lte": 512})
    assert not predicate_matches(1024, {"lte": 512})
    assert not predicate_matches(True, {"lte": 1})  # booleans are not numbers
    assert predicate_matches("EXECUTION_gen1", {"matches": "GEN1$"})
    assert predicate_matches(None, [True, None])
    assert predicate_matches(["a", "b"], {"contains": "b"})
    assert not predicate_matches("x", {"not_matches": "x"})


def test_excluded_items_never_match():
    setting = item("s1", "setting", setting="cpu_throttled", value=True)
    clause = {"type": "setting", "setting": "cpu_throttled", "value": True}
    assert clause_matches(clause, setting)
    assert not clause_matches(clause, setting | {"excluded": "another service"})


def test_all_clause_needs_every_part():
    parts = {"all": [{"type": "setting", "setting": "max_instances", "number": {"lte": 5}},
                     {"type": "setting", "setting": "concurrency", "number": {"lte": 4}}]}
    max_i = item("a", "setting", setting="max_instances", number=2)
    conc = item("b", "setting", setting="concurrency", number=80)
    assert match_clause(parts, [max_i, conc]) == []
    conc["attrs"]["number"] = 1
    assert [i["id"] for i in match_clause(parts, [max_i, conc])] == ["a", "b"]


def test_mechanism_plus_condition_without_symptom_is_medium():
    items = [item("f1", "finding", category="background-work", in_request_path=True),
             item("s1", "setting", setting="cpu_throttled", value=True)]
    cand = by_label(evaluate(items))["background-work-outside-request"]
    assert cand["confidence"] == "medium"
    assert cand["flags"] == ["mechanism", "condition"]


def test_runtime_symptom_plus_condition_is_high_and_user_report_is_not():
    setting = item("s1", "setting", setting="max_instances", number=1)
    hit = runtime("h1", "status", code=429, count=12, status_class="4xx")
    assert by_label(evaluate([setting, hit]))["no-available-instance"]["confidence"] == "high"
    card = item("c1", "user_report", source="trello", text="jobs never finish")
    finding = item("f1", "finding", category="background-work", in_request_path=True)
    cand = by_label(evaluate([card, finding]))["background-work-outside-request"]
    assert cand["confidence"] == "medium"
    assert "user_symptom" in cand["flags"] and "runtime_symptom" not in cand["flags"]


def test_single_weak_signal_is_low_and_condition_alone_may_be_hidden():
    only_memory = evaluate([item("m", "setting", setting="memory", number=512)])
    cand = by_label(only_memory)["memory-limit-exceeded"]
    assert cand["confidence"] == "low" and cand["emit"] is False
    only_cap = by_label(evaluate([item("x", "setting", setting="max_instances", number=1)]))
    assert only_cap["no-available-instance"]["confidence"] == "low"
    assert only_cap["no-available-instance"]["emit"] is True


def test_against_evidence_drops_a_level_or_rules_out():
    items = [item("f1", "finding", category="background-work", in_request_path=True),
             item("s1", "setting", setting="cpu_throttled", value=True),
             item("q1", "finding", category="durable-queue")]
    cand = by_label(evaluate(items))["background-work-outside-request"]
    assert cand["confidence"] == "low"
    assert cand["kinds"]["against"] == ["q1"]
    bind = by_label(evaluate([item("d", "setting", setting="bind_address", value="0.0.0.0")]))
    assert bind["port-bind-mismatch"]["ruled_out"] is True
    assert bind["port-bind-mismatch"]["score"] < 0


def test_signature_label_is_a_symptom_for_every_rule():
    hit = runtime("h", "signature", signature_id="oom_limit", labels=["memory-limit-exceeded"], count=3,
                  primary_label="memory-limit-exceeded", label_count=1)
    cand = by_label(evaluate([hit, item("m", "setting", setting="memory", number=512)]))["memory-limit-exceeded"]
    assert cand["confidence"] == "high"
    assert cand["onset"] == "2026-02-12T00:10:00Z"


def test_quiet_request_logs_cap_code_and_config_at_low_unless_something_was_reported():
    quiet = runtime("t", "traffic", requests=500, errors=1, error_rate=0.002)
    code = [item("f1", "finding", category="background-work", in_request_path=True),
            item("s1", "setting", setting="cpu_throttled", value=True)]
    assert by_label(evaluate(code))["background-work-outside-request"]["confidence"] == "medium"
    capped = by_label(evaluate(code + [quiet]))["background-work-outside-request"]
    assert capped["confidence"] == "low"
    assert "quiet" in capped["why"]["en"]
    card = item("c1", "user_report", source="trello", text="jobs stuck in queued")
    assert by_label(evaluate(code + [quiet, card]))["background-work-outside-request"]["confidence"] == "medium"


def test_a_signature_shared_by_several_causes_cannot_make_one_high():
    shared = runtime("h", "signature", signature_id="NO_AVAILABLE_INSTANCE", count=30,
                     labels=["no-available-instance", "cold-start-latency"], primary_label="no-available-instance",
                     label_count=2)
    zero_min = item("m", "setting", setting="min_instances", number=0)
    found = by_label(evaluate([shared, zero_min]))
    assert found["no-available-instance"]["confidence"] == "medium"
    assert found["cold-start-latency"]["confidence"] == "low"
    assert found["cold-start-latency"]["flags"] == ["secondary_symptom", "condition"]


def test_a_bare_stack_trace_shows_that_code_failed_not_why():
    trace = runtime("t", "signature", signature_id="PYTHON_TRACEBACK", count=70, labels=["container-crash"],
                    primary_label="container-crash", label_count=1)
    env = runtime("e", "signature", signature_id="ENV_VAR_MISSING", count=70, label_count=2,
                  labels=["missing-config-or-secret", "container-crash"], primary_label="missing-config-or-secret")
    found = by_label(evaluate([trace, env]))
    assert found["missing-config-or-secret"]["flags"] == ["runtime_symptom"]
    assert found["container-crash"]["flags"] == ["secondary_symptom"]
    assert found["container-crash"]["confidence"] == "low"


def test_evidence_against_a_label_never_also_counts_for_it():
    config = {
        "defaults": {"symptom": [{"type": "signature", "labels": {"contains": "$label"}}]},
        "confidence_mix": load_rules()["confidence_mix"],
        "against_note": {"en": "lowered", "ja": "下げた"},
        "rules": [{"label": "request-timeout", "symptom": [{"type": "status", "code": 504}],
                   "condition": [{"type": "setting", "setting": "timeout_seconds"}],
                   "against": [{"type": "signature", "signature_id": "DOWNSTREAM_TIMEOUT"}]}],
    }
    items = [runtime("dep", "signature", signature_id="DOWNSTREAM_TIMEOUT", labels=["request-timeout"]),
             runtime("s504", "status", code=504), item("t", "setting", setting="timeout_seconds")]
    (cand,) = evaluate(items, config)
    assert cand["kinds"]["against"] == ["dep"] and "dep" not in cand["kinds"]["runtime_symptom"]
    assert cand["confidence"] == "medium" and cand["why"]["en"].endswith("; lowered")


def test_gunicorn_sigkill_after_worker_timeout_does_not_make_memory_the_cause():
    """gunicorn logs "Perhaps out of memory?" for its own kill of a timed-out worker, so it is ambiguous."""
    from tools.analysis.evidence.build import build_items
    from tools.analysis.ranking import rank
    from tools.analysis.signatures import match_records

    def line(n, text):
        return {"timestamp": f"2026-02-12T00:{10 + n:02d}:00Z", "severity": "ERROR", "log_kind": "stderr",
                "message": text, "insert_id": f"g{n}", "raw_ref": f"run.googleapis.com/stderr#g{n}",
                "resource": {"service_name": "api", "revision_name": "api-001"}}

    records = []
    for n in range(0, 10, 2):
        records.append(line(n, f"[2026-02-12 00:{10 + n:02d}:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:{n + 7})"))
        records.append(line(n + 1, f"[2026-02-12 00:{11 + n:02d}:00 +0000] [1] [ERROR] Worker (pid:{n + 7}) "
                                   "was sent SIGKILL! Perhaps out of memory?"))
    findings = [{"category": "timeouts", "pattern": "gunicorn-default-timeout", "path": "Dockerfile", "line": 6,
                 "snippet": "CMD exec gunicorn --bind :$PORT app:app"}]
    ranked = rank(build_items({"target": {"target_name": "api"},
                               "window": {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"},
                               "records": records, "signature_hits": match_records(records),
                               "findings": findings}))
    assert ranked[0]["label"] == "request-timeout" and ranked[0]["confidence"] == "high"
    memory = by_label(ranked).get("memory-limit-exceeded")
    assert memory is None or memory["confidence"] == "low"


def test_context_settings_are_cited_but_never_scored():
    config = {"confidence_mix": load_rules()["confidence_mix"],
              "rules": [{"label": "no-available-instance", "symptom": [{"type": "status", "code": 429}],
                         "context": [{"type": "setting", "setting": "max_instances"}]}]}
    with_cap = [runtime("s429", "status", code=429), item("cap", "setting", setting="max_instances", number=5)]
    (cand,) = evaluate(with_cap, config)
    (bare,) = evaluate(with_cap[:1], config)
    assert cand["kinds"]["context"] == ["cap"] and "context" not in cand["flags"]
    assert (cand["confidence"], cand["score"]) == (bare["confidence"], bare["score"])
    assert evaluate(with_cap[1:], config) == []  # context alone never makes a candidate


def test_a_container_that_ran_argues_against_an_image_failure_and_a_failed_rollout_against_a_regression():
    """The rollout failed for why the container did not become ready; it never served, so nothing regressed."""
    failed = runtime("c", "condition", failed=True, labels=["image-or-deploy-failure"],
                     primary_label="image-or-deploy-failure", label_count=1)
    deploy = runtime("d", "deploy", failed=None, minutes_before_onset=1)
    probe = runtime("p", "signature", signature_id="STARTUP_TCP_PROBE_FAILED", context=False,
                    labels=["startup-probe-failure", "port-bind-mismatch", "container-crash"],
                    primary_label="startup-probe-failure", label_count=3)
    errors = runtime("s", "status", status_class="5xx", count=5)
    before = by_label(evaluate([failed, deploy, errors]))
    after = by_label(evaluate([failed, deploy, errors, probe]))
    assert after["image-or-deploy-failure"]["kinds"]["against"] == ["p"]
    assert after["image-or-deploy-failure"]["score"] < before["image-or-deploy-failure"]["score"]
    assert before["bad-deploy-regression"]["kinds"]["against"] == ["c"]
