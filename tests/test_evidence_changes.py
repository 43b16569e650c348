"""What a rollout changed becomes evidence: each setting that differs from the previous revision is a
`change` row cited at the new revision's field (issue 13 point 3)."""

from __future__ import annotations

from datetime import UTC, datetime

from tools.analysis.evidence.build import build_items
from tools.analysis.evidence.changes import change_items
from tools.analysis.ranking import rank
from tools.sources.run.history import revision_changes

BASE = "projects/p/locations/r/services/api/revisions"


def revision(name: str, created: str, memory: str, secrets: list[str], ready: bool = True) -> dict:
    ref = f"{BASE}/{name}#containers[0]"
    return {"name": f"{BASE}/{name}", "short_name": name, "create_time": created, "ready": ready,
            "settings": [{"setting": "memory", "value": memory, "raw_ref": f"{ref}.resources.limits.memory"},
                         {"setting": "image", "value": f"img@{name}", "raw_ref": f"{ref}.image"},
                         {"setting": "secret_refs", "value": secrets, "raw_ref": f"{ref}.env"}]}


REVISIONS = [revision("api-00003", "2026-02-12T00:05:00Z", "512Mi", ["db-pass:latest"]),
             revision("api-00002", "2026-02-11T09:00:00Z", "1Gi", ["db-pass:latest", "api-key:2"]),
             revision("api-00001", "2026-02-10T09:00:00Z", "1Gi", ["db-pass:latest", "api-key:2"])]
START, END = datetime(2026, 2, 12, 0, 0, tzinfo=UTC), datetime(2026, 2, 12, 1, 0, tzinfo=UTC)


def test_only_revisions_created_for_the_window_are_diffed_and_the_image_is_left_out():
    changes = revision_changes(REVISIONS, START, END)
    assert {(c["setting"], c["revision"], c["previous"]) for c in changes} == {
        ("memory", "api-00003", "api-00002"), ("secret_refs", "api-00003", "api-00002")}
    memory = next(c for c in changes if c["setting"] == "memory")
    assert memory["raw_ref"] == f"{BASE}/api-00003#containers[0].resources.limits.memory"


def test_change_rows_say_what_moved_and_which_way():
    items = change_items(revision_changes(REVISIONS, START, END), "2026-02-12T00:20:00Z", "api")
    memory = next(i for i in items if i["attrs"]["setting"] == "memory")
    assert memory["attrs"]["direction"] == "down" and memory["attrs"]["minutes_before_onset"] == 15.0
    assert "from 1Gi to 512Mi" in memory["signal"]["en"]
    secrets = next(i for i in items if i["attrs"]["setting"] == "secret_refs")
    assert secrets["attrs"]["removed_count"] == 1 and "removed api-key:2" in secrets["signal"]["en"]


def test_a_lowered_memory_limit_is_cited_as_the_change_behind_the_memory_kills():
    hits = [{"signature_id": "OOM_LIMIT", "labels": ["memory-limit-exceeded"], "severity": "ERROR", "count": 9,
             "services": ["api"], "first_seen": "2026-02-12T00:20:00Z", "last_seen": "2026-02-12T00:50:00Z",
             "examples": [{"raw_ref": "run.googleapis.com/varlog/system#o", "timestamp": "2026-02-12T00:20:00Z"}]}]
    bundle = {"target": {"target_name": "api"}, "window": {"start": START, "end": END}, "signature_hits": hits}
    plain = rank(build_items(bundle))[0]
    changed = rank(build_items({**bundle, "setting_changes": revision_changes(REVISIONS, START, END)}))[0]
    assert plain["label"] == changed["label"] == "memory-limit-exceeded"
    assert "change" not in plain["kinds"]
    assert changed["kinds"]["change"] and changed["confidence"] == "high" and plain["confidence"] == "medium"
