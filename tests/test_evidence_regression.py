"""A regression is measured: an endpoint's 4xx/5xx share or an error line that starts with the new
revision, compared with the revision before it, is a runtime symptom of `bad-deploy-regression`."""

from __future__ import annotations

from tools.analysis.evidence.build import build_items
from tools.analysis.evidence.regression import regression_items
from tools.analysis.ranking import rank
from tools.analysis.signatures import match_records

WINDOW = {"start": "2026-08-03T13:00:00Z", "end": "2026-08-03T14:00:00Z"}


def req(n: int, ts: str, revision: str, status: int, path: str = "/v1/encrypt") -> dict:
    return {"timestamp": ts, "severity": "INFO", "log_kind": "requests", "insert_id": f"q{n}",
            "resource": {"service_name": "enc", "revision_name": revision}, "message": "",
            "http": {"method": "POST", "path": path, "status": status, "latency_ms": 20.0},
            "raw_ref": f"run.googleapis.com/requests#q{n}"}


def line(n: int, ts: str, revision: str, message: str, severity: str = "WARNING") -> dict:
    return {"timestamp": ts, "severity": severity, "log_kind": "stderr", "insert_id": f"l{n}",
            "resource": {"service_name": "enc", "revision_name": revision}, "message": message,
            "raw_ref": f"run.googleapis.com/stderr#l{n}"}


def window(bad_line: str = "failed to run `sops`") -> list[dict]:
    """Old revision: 40 calls, 2 usual 400s. New revision: 30 calls, 20 of them 400 with a new warning."""
    records = [req(i, f"2026-08-03T13:{i:02d}:00Z", "enc-00012", 400 if i in (3, 17) else 200) for i in range(40)]
    for i in range(30):
        ts = f"2026-08-03T13:{41 + i // 2:02d}:{10 + 20 * (i % 2):02d}Z"
        failed = i % 3 != 0
        records.append(req(100 + i, ts, "enc-00013", 400 if failed else 200))
        if failed:
            records.append(line(i, ts, "enc-00013", bad_line))
    records.append(req(999, "2026-08-03T13:42:00Z", "enc-00013", 404, path="/.env"))
    return records


def test_a_jump_in_4xx_and_a_new_warning_on_the_new_revision_are_regressions():
    found = regression_items(window(), "enc")
    kinds = {(i["attrs"]["kind"], i["attrs"].get("code")) for i in found}
    assert kinds == {("status", 400), ("log", None)}
    status = next(i for i in found if i["attrs"]["kind"] == "status")
    assert status["attrs"]["revision"] == "enc-00013" and status["attrs"]["previous_revision"] == "enc-00012"
    assert status["attrs"]["previous_rate"] == 0.05 and status["attrs"]["rate"] > 0.6
    log = next(i for i in found if i["attrs"]["kind"] == "log")
    assert log["raw_ref"] == "run.googleapis.com/stderr#l1"  # the first time the new line was printed
    assert log["attrs"]["last_seen"] == "2026-08-03T13:55:30Z"


def test_errors_both_revisions_share_are_no_regression():
    records = [req(i, f"2026-08-03T13:{i:02d}:00Z", "enc-00012" if i < 30 else "enc-00013",
                   400 if i % 2 else 200) for i in range(60)]
    assert regression_items(records, "enc") == []


def test_a_line_the_catalog_names_is_left_to_its_own_cause():
    found = regression_items(window("Error: connect ECONNREFUSED 10.0.0.5:5432"), "enc")
    assert [i["attrs"]["kind"] for i in found] == ["status"]


def test_the_regression_ranks_bad_deploy_first_with_the_deploy_as_change():
    records = window()
    deploy = {"kind": "deploy", "method": "ReplaceService", "timestamp": "2026-08-03T13:40:30Z",
              "raw_ref": "cloudaudit.googleapis.com/activity#d1", "service": "enc", "ready": True}
    bundle = {"target": {"target_name": "enc"}, "window": WINDOW, "records": records,
              "signature_hits": match_records(records), "deploy_events": [deploy]}
    items = build_items(bundle)
    top = rank(items)[0]
    assert top["label"] == "bad-deploy-regression" and top["confidence"] == "high"
    refs = {i["id"]: i["raw_ref"] for i in items}
    assert "cloudaudit.googleapis.com/activity#d1" in {refs[i] for i in top["items"]}


def test_a_5xx_jump_is_left_to_the_status_rules():
    """A 504 after a deploy may be a sandbox hang or a slow dependency: the specific cause stays visible."""
    records = [req(i, f"2026-08-03T13:{i:02d}:00Z", "enc-00012" if i < 30 else "enc-00013",
                   504 if i >= 30 and i % 2 else 200) for i in range(60)]
    assert regression_items(records, "enc") == []


def test_a_start_up_warning_new_on_each_instance_is_no_regression():
    """Five instance starts of the new revision each print a deprecation warning: not with the traffic."""
    records = [req(i, f"2026-08-03T13:{i % 60:02d}:{i // 60:02d}Z", "enc-00012" if i < 100 else "enc-00013", 200)
               for i in range(300)]
    records += [line(i, f"2026-08-03T13:{10 * i:02d}:30Z", "enc-00013", "DeprecationWarning: punycode is deprecated")
                for i in range(5)]
    assert regression_items(records, "enc") == []
