"""A fix that raises a limit names a value above today's, and one that lowers names one below."""

from __future__ import annotations

import pytest

from tools.analysis.fix_plan import fix_plan, load_targets
from tools.analysis.fix_targets import memory_mi, memory_text, target_values

TARGET = {"project_id": "p", "region": "r", "target_type": "service", "target_name": "api"}


def live(id_, name, value):
    return {"id": id_, "type": "setting", "source": "cloud_run_service", "raw_ref": f"svc#{name}",
            "excluded": None, "static": True, "attrs": {"setting": name, "value": value}}


def plan_text(label, items):
    plan = fix_plan([{"label": label, "rank": 1, "confidence": "high", "kinds": {}}], items, TARGET, "en")
    return " ".join(f["action"] for f in plan["immediate"])


@pytest.mark.parametrize("text,mi", [("512Mi", 512), ("2Gi", 2048), ("1G", 1000 ** 3 / 1024 ** 2), ("x", None)])
def test_memory_quantities_parse(text, mi):
    assert memory_mi(text) == mi


def test_memory_text_rounds_up_to_a_step_cloud_run_accepts():
    assert memory_text(1024) == "1Gi" and memory_text(1145) == "1152Mi" and memory_text(300) == "384Mi"


@pytest.mark.parametrize("memory,expected", [("512Mi", "1Gi"), ("2Gi", "4Gi"), ("4Gi", "8Gi")])
def test_memory_fix_never_lowers_the_limit(memory, expected):
    text = plan_text("memory-limit-exceeded", [live("s", "memory", memory)])
    assert f"--memory {expected}" in text and f"from {memory}" in text


def test_memory_at_the_ceiling_gets_no_raise_action():
    text = plan_text("memory-limit-exceeded", [live("s", "memory", "32Gi")])
    assert "Raise the memory limit" not in text


@pytest.mark.parametrize("timeout,expected", [(300, "900"), (1200, "3600")])
def test_timeout_fix_raises_within_cloud_runs_ceiling(timeout, expected):
    text = plan_text("request-timeout", [live("s", "timeout_seconds", timeout)])
    assert f"--timeout {expected}" in text


def test_timeout_already_at_ceiling_is_not_offered_as_a_raise():
    assert "--timeout" not in plan_text("request-timeout", [live("s", "timeout_seconds", 3600)])


def test_concurrency_directions_follow_the_current_value():
    values = target_values({"current_concurrency": "10", "current_max_instances": "3"}, load_targets())
    assert int(values["target_concurrency_down"]) < 10 < int(values["target_concurrency_up"])
    assert int(values["target_max_instances"]) > 3
    text = plan_text("concurrency-overload", [live("s", "concurrency", 10)])
    assert "--concurrency 5" in text and "--concurrency 20" not in text


def test_unknown_current_value_uses_the_stated_default():
    values = target_values({}, load_targets())
    assert values["target_memory"] == "1Gi" and values["target_timeout"] == "900"
    assert not any(k.startswith("blocked_") for k in values)
