"""Terraform IAM around a Cloud Run service: the runtime account and its grants, joined with a denial."""

from __future__ import annotations

from pathlib import Path

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.scan.deploy_config.scan import scan_deploy_config

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}

MAIN_TF = """\
resource "google_service_account" "api" {
  account_id = "api-runner"
}

resource "google_kms_crypto_key_iam_member" "api-db" {
  crypto_key_id = google_kms_crypto_key.db.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${google_service_account.api.email}"
}

resource "google_project_iam_member" "api-obs" {
  for_each = toset(["roles/logging.logWriter", "roles/cloudtrace.agent"])
  project  = "p"
  role     = each.key
  member   = "serviceAccount:${google_service_account.api.email}"
}

resource "google_project_iam_member" "other" {
  project = "p"
  role    = "roles/cloudkms.admin"
  member  = "serviceAccount:someone-else@p.iam.gserviceaccount.com"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  template {
    service_account = google_service_account.api.email
    containers {
      image = "gcr.io/p/api"
    }
  }
}
"""


def _scan(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return scan_deploy_config(str(tmp_path))["settings"]


def test_runtime_account_and_its_grants_are_cited_at_their_lines(tmp_path):
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF})
    account = next(s for s in settings if s["setting"] == "service_account_resource")
    assert account["raw_ref"] == "infra/main.tf:1" and account["value"] == "api-runner"
    grants = {s["raw_ref"]: s for s in settings if s["setting"] == "iam_grant"}
    assert set(grants) == {"infra/main.tf:5", "infra/main.tf:11"}, "a grant to another account is not the service's"
    assert grants["infra/main.tf:5"]["detail"]["apis"] == ["cloudkms"]
    assert grants["infra/main.tf:11"]["value"] == "roles/logging.logWriter, roles/cloudtrace.agent"


def _denial(message: str, log_kind: str = "stderr") -> dict:
    return {"signature_id": "GOOGLE_API_PERMISSION_DENIED", "labels": ["permission-denied"], "severity": "ERROR",
            "count": 12, "services": ["api"], "first_seen": "2026-02-12T00:10:00Z",
            "examples": [{"raw_ref": "run.googleapis.com/stderr#d", "message": message, "log_kind": log_kind,
                          "timestamp": "2026-02-12T00:10:00Z"}]}


def test_a_denied_permission_makes_the_grant_on_its_api_and_the_account_a_permission_condition(tmp_path):
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF})
    message = ("rpc error: code = PermissionDenied desc = Permission 'cloudkms.cryptoKeyVersions.viewPublicKey' "
               "denied on resource 'projects/p/locations/l/keyRings/k/cryptoKeys/sms/cryptoKeyVersions/2'")
    items = build_items({"target": {"target_name": "api", "project_id": "p"}, "window": WINDOW,
                         "settings": settings, "signature_hits": [_denial(message)]})
    grant = next(i for i in items if i["raw_ref"] == "infra/main.tf:5")
    assert grant["attrs"]["denied_api"] is True
    assert "cloudkms.cryptoKeyVersions.viewPublicKey" in grant["signal"]["en"]
    assert not next(i for i in items if i["raw_ref"] == "infra/main.tf:11")["attrs"].get("denied_api")
    top = rank(items)[0]
    assert top["label"] == "permission-denied" and top["confidence"] == "high"
    assert {"infra/main.tf:5", "infra/main.tf:1"} <= {i["raw_ref"] for i in items if i["id"] in top["items"]}


def test_without_a_denial_the_grants_are_no_condition(tmp_path):
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF})
    items = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": settings})
    assert not any(i["attrs"].get("denied_api") or i["attrs"].get("denied") for i in items)


def test_act_as_on_the_runtime_account_cites_its_definition(tmp_path):
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF})
    message = ("Permission 'iam.serviceaccounts.actAs' denied on service account "
               "api-runner@p.iam.gserviceaccount.com (or it may not exist).")
    hit = {**_denial(message, "audit_activity"), "labels": ["image-or-deploy-failure", "permission-denied"]}
    items = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": settings,
                         "signature_hits": [hit]})
    account = next(i for i in items if i["raw_ref"] == "infra/main.tf:1")
    assert account["attrs"]["named_in_denial"] is True and account["attrs"]["denied"] is True


def test_another_environments_copy_is_excluded(tmp_path):
    settings = _scan(tmp_path, {"terraform-staging/main.tf": MAIN_TF, "terraform-dev/main.tf": MAIN_TF,
                                "terraform/main.tf": MAIN_TF})
    items = build_items({"target": {"target_name": "api", "project_id": "shop-stg-1234"}, "window": WINDOW,
                         "settings": settings})
    reasons = {i["raw_ref"]: i["excluded"] for i in items if i["attrs"].get("setting") == "service_account_resource"}
    assert reasons["terraform-staging/main.tf:1"] is None
    assert "development" in reasons["terraform-dev/main.tf:1"]
    assert reasons["terraform/main.tf:1"] is None, "a path naming no environment stays"


def test_a_grant_on_the_runtime_account_is_an_iam_grant_too(tmp_path):
    on_account = """
resource "google_service_account_iam_member" "deployer-act-as" {
  service_account_id = google_service_account.api.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:deployer@p.iam.gserviceaccount.com"
}
"""
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF + on_account})
    grant = next(s for s in settings if s["setting"] == "iam_grant" and s["detail"]["on_account"])
    assert grant["detail"]["apis"] == ["iam"] and grant["value"] == "roles/iam.serviceAccountUser"


def test_a_service_account_flag_naming_the_denied_account_is_a_condition():
    flag = {"setting": "service_account", "value": "api-runner@p.iam.gserviceaccount.com", "source": "repository",
            "raw_ref": "deploy.sh:12", "origin": "gcloud"}
    other = {**flag, "value": "someone@p.iam.gserviceaccount.com", "raw_ref": "other.sh:3"}
    message = "Permission 'iam.serviceaccounts.actAs' denied on service account api-runner@p.iam.gserviceaccount.com"
    items = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": [flag, other],
                         "signature_hits": [_denial(message, "audit_activity")]})
    named = {i["raw_ref"]: i["attrs"].get("named_in_denial") for i in items if i["type"] == "setting"}
    assert named == {"deploy.sh:12": True, "other.sh:3": False}


def test_a_denial_naming_only_the_resource_is_matched_by_its_api(tmp_path):
    settings = _scan(tmp_path, {"infra/main.tf": MAIN_TF})
    message = "Permission denied on resource projects/p/locations/l/keyRings/k/cryptoKeys/sms (or it may not exist)"
    items = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": settings,
                         "signature_hits": [_denial(message)]})
    assert next(i for i in items if i["raw_ref"] == "infra/main.tf:5")["attrs"]["denied_api"] is True


def test_a_denial_the_code_logged_makes_the_live_runtime_account_a_condition():
    live = {"setting": "service_account", "value": "api-runner@p.iam.gserviceaccount.com",
            "source": "cloud_run_service", "raw_ref": "projects/p/locations/l/services/api#template.serviceAccount"}
    message = "PermissionDenied desc = Permission 'cloudkms.cryptoKeyVersions.useToSign' denied on resource"
    items = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": [live],
                         "signature_hits": [_denial(message)]})
    top = rank(items)[0]
    assert top["label"] == "permission-denied" and top["confidence"] == "high"
    assert live["raw_ref"] in {i["raw_ref"] for i in items if i["id"] in top["items"]}
    audit = build_items({"target": {"target_name": "api"}, "window": WINDOW, "settings": [live],
                         "signature_hits": [_denial(message, "audit_activity")]})
    assert not next(i for i in audit if i["type"] == "setting")["attrs"]["runtime_denied"]
