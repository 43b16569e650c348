"""Execution environment judged by value (issue 13 point 6)."""

from __future__ import annotations

from typing import Any

from tools.analysis.evidence.execution_environment import assess, environment_items
from tools.analysis.ranking import rank
from tools.analysis.rules import load_rules
from tools.sources.run.settings import settings, volume_kinds

SERVICE = "projects/p/locations/r/services/svc"
MEMORY_VOLUME = [{"name": "tmp", "emptyDir": {"medium": "MEMORY", "sizeLimit": "64Mi"}}]


def _revision(name: str, created: str, ready: bool, env: str | None, volumes: list[dict] | None) -> dict[str, Any]:
    resource = {"name": f"{SERVICE}/revisions/{name}", "service": SERVICE, "containers": [{"image": "img"}],
                "volumes": volumes or []}
    if env:
        resource["executionEnvironment"] = env
    return {"short_name": name, "create_time": created, "ready": ready, "settings": settings(resource, "revision")}


def _service(env: str | None, volumes: list[dict] | None) -> list[dict[str, Any]]:
    template: dict[str, Any] = {"containers": [{"image": "img"}], "volumes": volumes or []}
    if env:
        template["executionEnvironment"] = env
    return list(settings({"name": SERVICE, "template": template}, "service"))


def test_volume_kinds_are_a_setting_of_the_template() -> None:
    assert volume_kinds(MEMORY_VOLUME + [{"name": "n", "nfs": {"server": "1.2.3.4"}}]) == ["in-memory", "nfs"]
    row = next(s for s in _service(None, MEMORY_VOLUME) if s["setting"] == "volume_kinds")
    assert row["value"] == ["in-memory"] and row["raw_ref"] == f"{SERVICE}#template.volumes"


def test_failed_revisions_without_gen2_then_fixed_by_pinning_it() -> None:
    revisions = [_revision("svc-00001-a", "2026-01-01T09:00:00Z", True, None, MEMORY_VOLUME),
                 _revision("svc-00002-b", "2026-01-01T10:00:00Z", False, None, MEMORY_VOLUME),
                 _revision("svc-00003-c", "2026-01-01T10:30:00Z", True, "EXECUTION_ENVIRONMENT_GEN2", MEMORY_VOLUME)]
    found = assess(_service("EXECUTION_ENVIRONMENT_GEN2", MEMORY_VOLUME), revisions, [])
    assert found["failed_without_gen2"] == 1 and found["fixed_by_gen2"] and found["switched"]
    assert found["needs_gen2"] == ["in-memory"] and found["mismatch"]


def test_sandbox_lines_prove_gen1_but_alone_make_no_mismatch() -> None:
    line = {"message": "Container Sandbox: Unsupported syscall setsockopt(0x3).", "raw_ref": "x#1"}
    found = assess(_service(None, []), [], [line])
    assert found["effective"] == "gen1" and found["sandbox_messages"] == 1
    assert environment_items(_service(None, []), [], [line], "2026-01-01T00:00:00Z") == []


def test_mismatch_with_failed_revisions_ranks_first_and_cites_the_template_setting() -> None:
    revisions = [_revision("svc-00002-b", "2026-01-01T10:00:00Z", False, None, MEMORY_VOLUME),
                 _revision("svc-00003-c", "2026-01-01T10:30:00Z", True, "EXECUTION_ENVIRONMENT_GEN2", MEMORY_VOLUME)]
    items = environment_items(_service("EXECUTION_ENVIRONMENT_GEN2", MEMORY_VOLUME), revisions, [],
                              "2026-01-01T00:00:00Z", "svc")
    assert [i["raw_ref"] for i in items] == [f"{SERVICE}#template.executionEnvironment",
                                             f"{SERVICE}/revisions/svc-00002-b#executionEnvironment"]
    top = rank(items, load_rules())[0]
    assert top["label"] == "execution-environment-mismatch" and top["confidence"] == "high"


def test_a_gen1_sensitive_volume_with_wedged_instances_points_at_the_environment() -> None:
    from test_instance_timeline import _rec

    from tools.analysis.evidence.instance_timeline import timeline_items

    cloudsql = [{"name": "cloudsql", "cloudSqlInstance": {"instances": ["p:r:db"]}}]
    revisions = [_revision("svc-00012-b", "2026-01-01T09:00:00Z", True, "EXECUTION_ENVIRONMENT_GEN1", cloudsql)]
    service = _service("EXECUTION_ENVIRONMENT_GEN1", cloudsql)
    found = assess(service, revisions, [])
    assert found["sensitive"] == ["cloudsql"] and not found["mismatch"]
    records = []
    for inst in ("i1", "i2", "i3"):
        records += [_rec(0, inst, status=200)] + [_rec(5 + i, inst, status=504, latency_ms=300_000) for i in range(3)]
    items = environment_items(service, revisions, [], "2026-01-01T00:00:00Z", "svc") + timeline_items(records, "svc")
    labels = [c["label"] for c in rank(items, load_rules(), limit=20)]
    assert "execution-environment-mismatch" in labels
    alone = environment_items(service, revisions, [], "2026-01-01T00:00:00Z", "svc")
    assert "execution-environment-mismatch" not in [c["label"] for c in rank(alone, load_rules(), limit=20)]
