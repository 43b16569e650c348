"""Cloud Run resource JSON → canonical settings: defaults, paths, and no secret values."""

import json
from pathlib import Path

from tools.records import SETTING_NAMES
from tools.sources.run.config import (
    conditions,
    duration_seconds,
    is_ready,
    normalize_cpu,
    settings,
    settings_map,
    summarize,
)

RUN = Path(__file__).parent / "fixtures" / "run" / "case" / "run"
SVC = "projects/demo/locations/us-central1/services"


def _load(kind, name):
    return json.loads((RUN / kind / f"{name}.json").read_text())


def _by_name(items):
    return {s["setting"]: s for s in items}


def test_service_settings_come_from_template_with_field_paths():
    items = settings(_load("services", "checkout"))
    assert all(s["setting"] in SETTING_NAMES for s in items)
    by = _by_name(items)
    assert by["memory"]["value"] == "256Mi" and by["memory"]["is_default"] is False
    assert by["memory"]["raw_ref"] == f"{SVC}/checkout#template.containers[0].resources.limits.memory"
    assert by["memory"]["source"] == "cloud_run_service" and by["memory"]["target_name"] == "checkout"
    assert by["cpu"]["value"] == "1"  # 1000m normalized so it compares with declared config
    assert by["concurrency"]["value"] == 200
    assert by["max_instances"]["value"] == 5
    assert by["timeout_seconds"]["value"] == 300 and by["timeout_seconds"]["is_default"] is False
    assert by["execution_environment"]["value"] == "gen2"
    assert by["cpu_throttled"]["value"] is True
    assert by["min_instances"] == {**by["min_instances"], "value": 0, "is_default": True}


def test_env_values_never_leave_the_resource_only_names_and_secret_refs():
    items = settings(_load("services", "checkout"))
    by = _by_name(items)
    assert by["env_names"]["value"] == ["DB_HOST", "FEATURE_X", "NEW_FLAG", "API_KEY"]
    assert by["secret_refs"]["value"] == [{"env": "API_KEY", "secret": "projects/demo/secrets/api-key", "version": "3"}]
    dumped = json.dumps([items, summarize(_load("services", "checkout"))])
    assert "10.0.0.5" not in dumped and '"on"' not in dumped


def test_defaults_are_filled_and_marked_when_the_api_leaves_fields_out():
    by = _by_name(settings(_load("services", "bare")))
    expected = {
        "memory": "512Mi",
        "cpu": "1",
        "timeout_seconds": 300,
        "concurrency": 80,
        "cpu_throttled": True,
        "min_instances": 0,
        "max_instances": 100,
        "container_port": 8080,
    }
    for name, value in expected.items():
        assert by[name]["value"] == value, name
        assert by[name]["is_default"] is True, name
    assert by["execution_environment"]["value"] == "unspecified"
    assert by["image"]["is_default"] is False


def test_resources_without_cpu_idle_means_cpu_always_allocated():
    """The API omits cpuIdle=false; a resources block without it is not throttled."""
    resource = {
        "name": f"{SVC}/x",
        "template": {"containers": [{"image": "i", "resources": {"limits": {"memory": "1Gi"}}}]},
    }
    by = _by_name(settings(resource))
    assert by["cpu_throttled"]["value"] is False and by["cpu_throttled"]["is_default"] is False
    resource["template"]["containers"][0]["resources"]["cpuIdle"] = True
    assert _by_name(settings(resource))["cpu_throttled"]["value"] is True


def test_revision_settings_are_top_level_and_name_their_service():
    by = _by_name(settings(_load("revisions", "checkout-00001-abc")))
    name = f"{SVC}/checkout/revisions/checkout-00001-abc"
    assert by["memory"]["raw_ref"] == f"{name}#containers[0].resources.limits.memory"
    assert by["memory"]["value"] == "512Mi" and by["memory"]["source"] == "cloud_run_revision"
    assert by["concurrency"]["value"] == 80
    assert by["memory"]["target_name"] == "checkout"


def test_job_and_execution_settings():
    by = _by_name(settings(_load("jobs", "nightly")))
    assert by["task_count"]["value"] == 2 and by["parallelism"]["value"] == 1
    assert by["max_retries"]["value"] == 1
    assert by["task_timeout_seconds"]["raw_ref"].endswith("#template.template.timeout")
    assert by["task_timeout_seconds"]["value"] == 900
    assert by["memory"]["value"] == "1Gi" and by["cpu"]["value"] == "2"
    assert by["memory"]["source"] == "cloud_run_job"
    assert "concurrency" not in by and "cpu_throttled" not in by
    ex = _by_name(settings(_load("executions", "nightly-bbbb")))
    assert ex["task_count"]["raw_ref"].endswith("nightly-bbbb#taskCount")
    assert ex["max_retries"]["value"] == 1 and ex["max_retries"]["target_name"] == "nightly"
    defaults = _by_name(settings({"name": "projects/p/locations/r/jobs/j", "template": {"template": {}}}))
    assert defaults["max_retries"]["value"] == 3 and defaults["max_retries"]["is_default"]
    assert defaults["task_timeout_seconds"]["value"] == 600
    assert defaults["execution_environment"]["value"] == "gen2"


def test_summaries_expose_traffic_conditions_and_counts():
    svc = summarize(_load("services", "checkout"))
    assert svc["kind"] == "service" and svc["latest_ready_revision"] == "checkout-00002-def"
    assert svc["traffic"] == [{"revision": None, "latest": True, "percent": 100, "tag": None}]
    assert svc["ready"] is True
    assert svc["create_time"] == "2026-02-20T09:00:00.123Z"  # microseconds on the wire, one record form out
    assert svc["containers"][0]["secret_refs"][0]["secret"] == "projects/demo/secrets/api-key"
    bare = summarize(_load("services", "bare"))
    assert bare["ready"] is False and bare["conditions"][0]["reason"] == "REVISION_FAILED"
    assert bare["conditions"][0]["field"] == "terminalCondition"  # evidence cites exactly this condition
    assert all(c["field"].startswith("conditions[") for c in bare["conditions"][1:])
    r1 = summarize(_load("revisions", "checkout-00001-abc"))
    assert {"type": "Active", "reason": "RETIRED"}.items() <= r1["conditions"][1].items()
    ex = summarize(_load("executions", "nightly-bbbb"))
    assert (ex["succeeded"], ex["failed"], ex["retried"]) == (1, 1, 1)
    assert ex["conditions"][0]["reason"] == "NON_ZERO_EXIT_CODE" and ex["ready"] is False
    job = summarize(_load("jobs", "nightly"))
    assert job["latest_execution"]["completion_status"] == "EXECUTION_FAILED"


def test_small_parsers():
    assert duration_seconds("300s") == 300 and duration_seconds("2.5s") == 2.5
    assert duration_seconds("bogus") is None and duration_seconds(None) is None
    assert normalize_cpu("2000m") == "2" and normalize_cpu("500m") == "500m" and normalize_cpu(None) is None
    assert conditions({}) == [] and is_ready({}) is None
    assert settings_map(settings(_load("services", "bare")))["memory"] == "512Mi"
