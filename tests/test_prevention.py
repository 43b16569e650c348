"""Prevention plans per label, and alert artifacts that Google's own types accept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from google.cloud.logging_v2.types import LogMetric
from google.cloud.monitoring_v3 import AlertPolicy

from tools.analysis.prevention import alert_artifacts, emit_alerts, prevention_plan
from tools.errors import UsageError
from tools.paths import DATA

TAXONOMY = [row["label"] for row in yaml.safe_load((DATA / "root_causes.yaml").read_text())["labels"]]
PLANNED = [lb for lb in TAXONOMY if lb != "other"]
SERVICE = {"project_id": "demo-proj", "region": "us-central1", "target_type": "service", "target_name": "checkout"}
JOB = {"project_id": "demo-proj", "region": "us-central1", "target_type": "job", "target_name": "nightly-export"}


@pytest.mark.parametrize("label", PLANNED)
def test_every_label_has_a_concrete_plan_in_both_languages(label):
    en = prevention_plan([label], SERVICE, "en")
    ja = prevention_plan([label], SERVICE, "ja")
    assert len(en) >= 1 and len(en) == len(ja)
    for row_en, row_ja in zip(en, ja, strict=True):
        for field in ("metric", "condition", "threshold", "rationale"):
            assert row_en[field] and row_ja[field]
        assert row_en["label"] == label
    # the first row is a measurable alert: a number or "any occurrence", not "too high"
    assert re.search(r"\d|any", en[0]["threshold"]), en[0]["threshold"]
    # Japanese prose really is Japanese where the text is prose, not a metric name
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", r["rationale"]) for r in ja)
    assert alert_artifacts([label], SERVICE if label != "job-task-failure" else JOB)["alert_policies"]


def test_plan_rows_are_deduplicated_across_labels_and_other_has_none():
    rows = prevention_plan(["port-bind-mismatch", "image-or-deploy-failure", "other"], SERVICE, "en")
    metrics = [r["metric"] for r in rows]
    assert metrics.count("Failed rollouts (system_event audit log)") == 1
    assert prevention_plan(["other"], SERVICE, "en") == []


def test_background_work_plan_matches_the_sample_report_shape():
    first = prevention_plan(["background-work-outside-request"], SERVICE, "ja")[0]
    assert first["metric"] == "ジョブ完了率"
    assert "99%" in first["threshold"]


def test_bad_labels_and_languages_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="unknown root-cause label"):
        prevention_plan(["out-of-cheese"], SERVICE, "en")
    with pytest.raises(UsageError, match="--lang"):
        prevention_plan(["healthy"], SERVICE, "fr")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        emit_alerts(["healthy"], SERVICE, blocker)


@pytest.mark.parametrize("target", [SERVICE, JOB], ids=["service", "job"])
def test_every_emitted_artifact_parses_as_google_types(tmp_path, target):
    paths = emit_alerts(PLANNED, target, tmp_path / "alerts")
    assert paths and all(Path(p).parent == tmp_path / "alerts" for p in paths)
    policies, metrics = [], []
    for path in paths:
        text = Path(path).read_text()
        if Path(path).name.startswith("alert-policy-"):
            policies.append(AlertPolicy.from_json(text))  # strict: an unknown or misspelt field fails here
        else:
            assert Path(path).name.startswith("log-metric-")
            metrics.append(LogMetric.from_json(text))
    assert policies and metrics
    name = target["target_name"]
    resource_type = "cloud_run_job" if target is JOB else "cloud_run_revision"
    for policy in policies:
        condition = policy.conditions[0]
        filt = condition.condition_threshold.filter or condition.condition_matched_log.filter
        assert f'resource.type="{resource_type}"' in filt and f'"{name}"' in filt
        if condition.condition_matched_log.filter:
            assert policy.alert_strategy.notification_rate_limit.period.total_seconds() > 0
    for metric in metrics:
        assert f'"{name}"' in metric.filter
        assert "PROJECT_ID" not in metric.filter
    # every alert on a log-based metric has that metric among the emitted ones
    metric_names = {m.name for m in metrics}
    for policy in policies:
        found = re.search(r'logging\.googleapis\.com/user/([\w-]+)', policy.conditions[0].condition_threshold.filter)
        if found:
            assert found.group(1) in metric_names
    request_metric = any("run.googleapis.com/request_count" in p.conditions[0].condition_threshold.filter
                         for p in policies)
    assert request_metric is (target is SERVICE)  # jobs have no request metrics


def test_thresholds_follow_the_targets_settings():
    def threshold(target):
        policies = alert_artifacts(["no-available-instance"], target)["alert_policies"]
        near_max = next(p for p in policies if p["_crobs_id"] == "instances_near_max")
        return near_max["conditions"][0]["conditionThreshold"]["thresholdValue"]

    assert threshold({**SERVICE, "max_instances": 10}) == 8.0
    assert threshold({**SERVICE, "settings": {"max_instances": 1}}) == 0.8
    assert threshold(SERVICE) == 80.0


def test_unknown_project_is_a_visible_placeholder_and_alerts_appear_once():
    artifacts = alert_artifacts(["port-bind-mismatch", "image-or-deploy-failure", "missing-config-or-secret"],
                                {"target_type": "service", "target_name": "web"})
    ids = [p["_crobs_id"] for p in artifacts["alert_policies"]]
    assert ids.count("failed_rollout_log") == 1
    rollout = next(p for p in artifacts["alert_policies"] if p["_crobs_id"] == "failed_rollout_log")
    assert "projects/PROJECT_ID/logs/" in rollout["conditions"][0]["conditionMatchedLog"]["filter"]
    assert "image-or-deploy-failure" in rollout["documentation"]["content"]
    assert json.loads(json.dumps(artifacts))  # plain JSON data
