"""Fix plans name the Terraform attribute, the gcloud flag and the exact code line, in both languages."""

from __future__ import annotations

import string

import yaml

from tools.analysis.fix_plan import _Values, fix_plan, load_remediation, load_targets
from tools.paths import DATA

TARGET = {"project_id": None, "region": None, "target_type": "service", "target_name": "sitebookify"}


def setting(id_, name, value, ref, resource="google_cloud_run_v2_service.app"):
    return {"id": id_, "type": "setting", "source": "repository", "raw_ref": ref, "excluded": None,
            "attrs": {"setting": name, "value": value, "origin": "terraform", "resource": resource}}


ITEMS = [
    {"id": "f1", "type": "finding", "source": "repository", "raw_ref": "src/bin/app.rs:486", "excluded": None,
     "attrs": {"category": "background-work", "enclosing_symbol": "create_job", "handler": "create_job"}},
    setting("s1", "cpu_throttled", True, "infra/main.tf:88"),
    setting("s2", "max_instances", 1, "infra/variables.tf:40"),
]
BG = {"label": "background-work-outside-request", "rank": 1, "kinds": {"mechanism": ["f1"], "condition": ["s1"]}}
NAI = {"label": "no-available-instance", "rank": 2, "kinds": {"condition": ["s2"]}}


def test_every_label_has_both_horizons_and_only_known_placeholders():
    taxonomy = {x["label"] for x in yaml.safe_load((DATA / "root_causes.yaml").read_text())["labels"]}
    templates = load_remediation()
    assert taxonomy <= set(templates)
    known = {"service", "kind", "region", "project", "update", "mechanism_ref", "mechanism_symbol", "handler",
             "tf_resource", "mechanism_note_en", "mechanism_note_ja", "reserved_path", "reserved_moved",
             "reserved_ref", "reserved_env", "reserved_check"} | {f"target_{n}" for n in load_targets()}
    for label, entry in templates.items():
        assert set(entry) == {"immediate", "permanent"}, label
        for horizon in ("immediate", "permanent"):
            for fix in entry[horizon]:
                for field in ("action", "expected_impact", "risk"):
                    for lang in ("en", "ja"):
                        names = {n for _, n, _, _ in string.Formatter().parse(fix[field][lang]) if n}
                        odd = {n for n in names if n not in known and not n.startswith(("current_", "at_"))}
                        assert not odd, (label, field, lang, odd)


def test_background_work_fix_is_concrete():
    plan = fix_plan([BG, NAI], ITEMS, TARGET, "en")
    immediate = " ".join(f["action"] for f in plan["immediate"])
    permanent = " ".join(f["action"] for f in plan["permanent"])
    assert "cpu_idle = false" in immediate and "--no-cpu-throttling" in immediate
    assert "`infra/main.tf:88`" in immediate and "google_cloud_run_v2_service.app" in immediate
    assert "gcloud run services update sitebookify --region REGION --project PROJECT_ID" in immediate
    assert "`src/bin/app.rs:486`" in permanent and "Cloud Tasks" in permanent
    cap = next(f for f in plan["immediate"] if "max_instance_count" in f["action"])
    assert "from 1" in cap["action"] and "--max-instances" in cap["action"] and cap["addresses"] == [2]
    assert all("?" not in f["action"] for f in plan["immediate"] + plan["permanent"])


def test_japanese_plan_and_merged_addresses():
    twin = dict(BG, rank=2)
    plan = fix_plan([BG, twin], ITEMS, TARGET, "ja")
    first = plan["immediate"][0]
    assert first["addresses"] == [1, 2]
    assert "リクエスト外" in first["action"] and "cpu_idle = false" in first["action"]


def test_ruled_out_gets_nothing_and_healthy_on_top_stands_alone():
    ruled = {"label": "port-bind-mismatch", "rank": 2, "kinds": {}, "ruled_out": True}
    plan = fix_plan([BG, ruled], ITEMS, TARGET, "en")
    assert all(2 not in f["addresses"] for f in plan["immediate"] + plan["permanent"])
    healthy = {"label": "healthy", "rank": 1, "kinds": {}}
    plan = fix_plan([healthy, dict(NAI, rank=2)], ITEMS, TARGET, "en")
    assert plan["immediate"] == [] and [f["addresses"] for f in plan["permanent"]] == [[1]]


def test_permanent_code_fix_is_skipped_without_a_code_line():
    plan = fix_plan([{"label": "background-work-outside-request", "rank": 1, "kinds": {}}], [], TARGET, "en")
    assert not any("src/" in f["action"] for f in plan["permanent"])
    assert "the current value" not in " ".join(f["action"] for f in plan["immediate"])
    assert _Values(lang="ja")["current_memory"] == "現在値"


def test_low_confidence_guesses_get_only_their_cheapest_fix_and_only_near_the_top():
    top = dict(BG, confidence="medium")
    low2 = dict(NAI, confidence="low")
    low4 = {"label": "memory-limit-exceeded", "rank": 4, "confidence": "low", "kinds": {}}
    plan = fix_plan([top, low2, low4], ITEMS, TARGET, "en")
    assert [f["addresses"] for f in plan["immediate"] if 2 in f["addresses"]] == [[2]]
    assert all(2 not in f["addresses"] for f in plan["permanent"])
    assert all(4 not in f["addresses"] for f in plan["immediate"] + plan["permanent"])
