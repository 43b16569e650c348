"""Of two declared definitions of one service, the one the live configuration contradicts is cited after."""

from __future__ import annotations

from tools.analysis.evidence.build import build_items

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}


def _declared(folder: str, memory: str) -> list[dict]:
    base = {"source": "repository", "origin": "knative", "resource": "Service/app", "target_name": "app"}
    return [{**base, "setting": "memory", "value": memory, "raw_ref": f"{folder}/service.yaml:20"},
            {**base, "setting": "sidecar_unordered", "value": "cache", "raw_ref": f"{folder}/service.yaml:27"}]


def test_the_definition_the_live_service_contradicts_is_weaker():
    live = {"setting": "memory", "value": "512Mi", "source": "cloud_run_service", "target_name": "app",
            "raw_ref": "projects/p/locations/r/services/app#template.containers[0].resources.limits.memory"}
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW,
                         "settings": [live, *_declared("variant", "1Gi"), *_declared("main", "512Mi")]})
    strength = {i["raw_ref"]: i["strength"] for i in items if i["attrs"].get("setting") == "sidecar_unordered"}
    assert strength["main/service.yaml:27"] > strength["variant/service.yaml:27"]


def test_a_single_definition_keeps_its_strength():
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "settings": _declared("main", "1Gi")})
    assert {i["strength"] for i in items} == {0.9}
