"""scan_deploy_config: each declared setting with its value, default flag and exact path:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.cli import main as crobs
from tools.errors import InputError
from tools.scan.deploy_config.common import convert
from tools.scan.deploy_config.scan import scan_deploy_config
from tools.scan.deploy_config.terraform import evaluate, literal

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "tests" / "fixtures" / "repos" / "deploy"
SITEBOOKIFY = ROOT / "evals" / "cases" / "sitebookify-sample" / "repo"
TF = "infra/terraform/cloudrun-public-gcs"


def _settings(result, resource):
    return {s["setting"]: s for s in result["settings"] if s["resource"] == resource}


def _line(repo: Path, ref: str) -> str:
    path, line = ref.rsplit(":", 1)
    return (repo / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]


@pytest.fixture(scope="module")
def sitebookify():
    return scan_deploy_config(str(SITEBOOKIFY))


@pytest.fixture(scope="module")
def deploy():
    return scan_deploy_config(str(DEPLOY))


def test_sitebookify_scaling_comes_from_variable_defaults(sitebookify):
    service = _settings(sitebookify, "google_cloud_run_v2_service.sitebookify")
    max_instances = service["max_instances"]
    assert max_instances["raw_ref"] == f"{TF}/main.tf:49"
    assert max_instances["value"] == 1 and max_instances["is_default"] is False
    assert max_instances["expression"] == "var.max_instances"
    assert max_instances["value_ref"] == f"{TF}/variables.tf:24"
    assert "max_instance_count = var.max_instances" in _line(SITEBOOKIFY, max_instances["raw_ref"])
    assert "default     = 1" in _line(SITEBOOKIFY, max_instances["value_ref"])
    concurrency = service["concurrency"]
    assert (concurrency["raw_ref"], concurrency["value"]) == (f"{TF}/main.tf:52", 1)
    assert concurrency["value_ref"] == f"{TF}/variables.tf:30"
    assert max_instances["target_name"] == "sitebookify" and max_instances["origin"] == "terraform"


def test_sitebookify_missing_resources_block_means_defaults_at_the_containers_line(sitebookify):
    service = _settings(sitebookify, "google_cloud_run_v2_service.sitebookify")
    containers_ref = f"{TF}/main.tf:54"
    assert _line(SITEBOOKIFY, containers_ref).strip() == "containers {"
    for name, value in [("memory", "512Mi"), ("cpu", "1"), ("cpu_throttled", True), ("startup_cpu_boost", False)]:
        assert service[name]["value"] == value
        assert service[name]["is_default"] is True
        assert service[name]["raw_ref"] == containers_ref
    timeout = service["timeout_seconds"]
    assert (timeout["value"], timeout["is_default"], timeout["raw_ref"]) == (300, True, f"{TF}/main.tf:45")
    assert _line(SITEBOOKIFY, timeout["raw_ref"]).strip() == "template {"


def test_sitebookify_dockerfile_binds_all_interfaces(sitebookify):
    docker = _settings(sitebookify, "Dockerfile")
    assert docker["bind_address"]["value"] == "0.0.0.0:8080"
    assert docker["bind_address"]["raw_ref"] == "Dockerfile:30"
    assert docker["command"]["value"].startswith("/usr/local/bin/sitebookify-app --addr 0.0.0.0:8080")
    assert docker["container_port"]["raw_ref"] == "Dockerfile:26"
    assert sitebookify["data_gaps"] == []
    kinds = {(r["kind"], r["path"], r["line"]) for r in sitebookify["resources"]}
    assert ("google_cloud_run_v2_service", f"{TF}/main.tf", 39) in kinds


def test_tfvars_override_defaults_in_terraform_order(deploy):
    api = _settings(deploy, "google_cloud_run_v2_service.api")
    assert api["max_instances"]["value"] == 5  # variables.tf 2 < terraform.tfvars 3 < prod.auto.tfvars 5
    assert api["max_instances"]["value_ref"] == "infra/prod.auto.tfvars:1"
    assert api["memory"]["value"] == "2Gi" and api["memory"]["raw_ref"] == "infra/main.tf:20"
    assert api["memory"]["value_ref"] == "infra/terraform.tfvars:1"
    assert api["timeout_seconds"]["value"] == 900 and api["timeout_seconds"]["is_default"] is False
    assert api["min_instances"]["value"] == 1
    assert api["max_instances"]["target_name"] == "api"  # name = local.service


def test_resources_block_without_cpu_idle_means_cpu_always_allocated(deploy):
    api = _settings(deploy, "google_cloud_run_v2_service.api")
    throttled = api["cpu_throttled"]
    assert (throttled["value"], throttled["is_default"], throttled["raw_ref"]) == (False, True, "infra/main.tf:18")
    assert api["cpu"]["raw_ref"] == "infra/main.tf:19"  # default at the limits map that omits it


def test_terraform_env_secrets_args_and_other_kinds(deploy):
    api = _settings(deploy, "google_cloud_run_v2_service.api")
    assert api["env_names"]["value"] == ["API_KEY", "MODE"]
    assert api["secret_refs"]["value"] == ["api-key"]
    assert api["bind_address"]["value"] == "0.0.0.0:8080" and api["bind_address"]["raw_ref"] == "infra/main.tf:17"
    legacy = _settings(deploy, "google_cloud_run_service.legacy")
    assert legacy["max_instances"]["value"] == 4 and legacy["max_instances"]["raw_ref"] == "infra/main.tf:50"
    assert legacy["cpu_throttled"]["value"] is False
    assert legacy["concurrency"]["value"] == 10
    job = _settings(deploy, "google_cloud_run_v2_job.nightly")
    assert job["task_count"]["value"] == 4 and job["max_retries"]["value"] == 0
    assert job["task_timeout_seconds"]["is_default"] is True and job["task_timeout_seconds"]["value"] == 600


def test_knative_service_yaml(deploy):
    web = _settings(deploy, "Service/web")
    assert (web["max_instances"]["value"], web["max_instances"]["raw_ref"]) == (10, "k8s/service.yaml:9")
    assert web["cpu_throttled"]["value"] is False and web["cpu_throttled"]["origin"] == "knative"
    assert web["concurrency"]["value"] == 40 and web["timeout_seconds"]["value"] == 600
    assert web["memory"]["value"] == "1Gi" and web["memory"]["is_default"] is False
    assert web["bind_address"]["value"] == "127.0.0.1"
    assert web["container_port"]["is_default"] is True


def test_gcloud_flags_in_workflow_cloudbuild_and_makefile(deploy):
    workflow = _settings(deploy, "gcloud run deploy web")
    assert workflow["memory"]["raw_ref"] == ".github/workflows/deploy.yml:12"
    assert workflow["max_instances"]["value"] == 3
    assert workflow["cpu_throttled"]["value"] is False
    assert workflow["secret_refs"]["value"] == ["api-key:latest"]
    worker = _settings(deploy, "gcloud run deploy worker")
    assert worker["concurrency"]["value"] == 1 and worker["timeout_seconds"]["value"] == 3600
    reindex = _settings(deploy, "gcloud run jobs deploy reindex")
    assert reindex["task_count"]["raw_ref"] == "cloudbuild.yaml:12"
    assert reindex["task_timeout_seconds"]["value"] == 7200
    update = _settings(deploy, "gcloud run services update api")
    assert update["startup_cpu_boost"]["value"] is True and update["min_instances"]["value"] == 2
    # a flag left out is reported as the default only for `gcloud run deploy`, at the command's own line
    defaults = [s for s in deploy["settings"] if s["origin"] == "gcloud" and s["is_default"]]
    assert defaults and all(s["resource"].startswith("gcloud run deploy ") for s in defaults)
    web = [s["setting"] for s in defaults if s["resource"] == "gcloud run deploy web"]
    assert "memory" not in web, "the flag is written there: not a default"


def test_dockerfile_final_stage_and_procfile(deploy):
    docker = _settings(deploy, "Dockerfile")
    assert docker["bind_address"]["value"] == "127.0.0.1:$PORT"
    assert docker["command"]["value"] == "exec gunicorn --bind 127.0.0.1:$PORT --workers 1 app:app"
    assert docker["command"]["raw_ref"] == "Dockerfile:7"  # not the build stage's CMD on line 2
    assert docker["env_names"]["value"] == ["PYTHONUNBUFFERED", "PORT"]
    procfile = _settings(deploy, "Procfile#web")
    assert procfile["bind_address"]["value"] == "0.0.0.0" and procfile["bind_address"]["raw_ref"] == "Procfile:1"


def test_bad_files_become_named_gaps(deploy):
    gaps = {g["missing_signal"]: g for g in deploy["data_gaps"]}
    assert "Terraform syntax error" in gaps["declared Cloud Run configuration in broken/bad.tf"]["why_missing"]
    assert gaps["configuration in latin.yaml"]["why_missing"] == "not UTF-8 text"


def test_unresolvable_variable_is_a_gap(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "google_cloud_run_v2_service" "s" {\n  name = "s"\n  template {\n'
        "    scaling {\n      max_instance_count = var.max\n    }\n  }\n}\n"
    )
    result = scan_deploy_config(str(tmp_path))
    setting = _settings(result, "google_cloud_run_v2_service.s")["max_instances"]
    assert setting["value"] is None and setting["expression"] == "var.max" and setting["raw_ref"] == "main.tf:5"
    assert any("var.max" in g["missing_signal"] for g in result["data_gaps"])


def test_no_config_is_a_gap_and_bad_paths_fail_cleanly(tmp_path):
    result = scan_deploy_config(str(tmp_path))
    assert result["settings"] == [] and result["data_gaps"][0]["source"] == "repository"
    assert "gcloud run services describe" in result["data_gaps"][0]["follow_up"]
    with pytest.raises(InputError, match="does not exist"):
        scan_deploy_config(str(tmp_path / "missing"))


def test_gitignored_config_is_not_read(tmp_path):
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "Procfile").write_text("web: serve --host 127.0.0.1\n")
    assert scan_deploy_config(str(tmp_path))["settings"] == []


@pytest.mark.parametrize(
    "raw, value",
    [('"${var.x}"', 7), ("tostring(var.x)", 7), ("var.y", None), ("local.z", "zz"), ('"plain"', "plain"),
     ("true", True), ("-1", -1), ('["a", "b"]', ["a", "b"])],
)
def test_evaluate(raw, value):
    scope = {"var.x": (7, "v.tf:1"), "var.y": (None, "v.tf:2"), "local.z": ("zz", "m.tf:3")}
    assert evaluate(raw, scope)[0] == value


def test_literal_and_convert_edges():
    assert repr(literal("upper(var.x)")) == "UNRESOLVED"
    assert convert("5m", "duration") == 300 and convert("2h", "duration") == 7200
    assert convert("abc", "int") == "abc" and convert("FALSE", "bool") is False


def test_cli_json(capsys):
    assert crobs(["scan-deploy-config", str(SITEBOOKIFY), "--json"]) == 0
    refs = {s["raw_ref"] for s in json.loads(capsys.readouterr().out)["settings"]}
    assert f"{TF}/main.tf:49" in refs and "Dockerfile:30" in refs


def test_deploy_cloudrun_action_inputs_become_settings(deploy):
    action = _settings(deploy, "gcloud run deploy catalog-api")
    assert action["memory"]["value"] == "1Gi" and action["memory"]["raw_ref"] == ".github/workflows/release.yml:14"
    assert action["concurrency"]["value"] == 60
    assert action["concurrency"]["raw_ref"] == ".github/workflows/release.yml:15"
    assert action["max_instances"]["value"] == 25
    assert action["image"]["value"] == "gcr.io/p/catalog:${{ github.sha }}"  # the expression stays one token
    assert action["env_names"]["value"] == ["MODE", "REGION"]


def test_cli_text_output_marks_defaults_and_expressions(capsys):
    assert crobs(["scan-deploy-config", str(SITEBOOKIFY)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{TF}/main.tf:49 ") and "[var.max_instances]" in line for line in out)
    assert any(line.startswith(f"{TF}/main.tf:54 ") and "'512Mi' (default)" in line for line in out)


def test_folded_yaml_run_steps_and_set_env_vars_semantics(tmp_path):
    """`run: >-` spreads one gcloud command over indented lines; --set-env-vars replaces the whole env."""
    workflow = tmp_path / ".github" / "workflows" / "deploy.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "jobs:\n  deploy:\n    steps:\n"
        "      - run: >-\n"
        "          gcloud run deploy api\n"
        "          --region us-central1\n"
        "          --timeout 300\n"
        "          --set-env-vars FLAGS=a,b,MODE=prod\n"
        "      - run: echo done\n"
    )
    from tools.scan.deploy_config.scan import scan_deploy_config

    settings = {s["setting"]: s for s in scan_deploy_config(str(tmp_path))["settings"]}
    assert settings["timeout_seconds"]["value"] == 300
    assert settings["timeout_seconds"]["raw_ref"] == ".github/workflows/deploy.yml:7"
    assert settings["env_names_replaced"]["value"] == ["FLAGS", "MODE"]  # `b` continues FLAGS' value
    assert settings["env_names_replaced"]["raw_ref"] == ".github/workflows/deploy.yml:8"


def test_secret_grant_without_depends_on_is_reported_at_the_grant(tmp_path):
    grant = ('resource "google_secret_manager_secret_iam_member" "reader" {\n'
             '  secret_id = "s"\n  role = "roles/secretmanager.secretAccessor"\n  member = "serviceAccount:x"\n}\n\n')
    service = ('resource "google_cloud_run_v2_service" "api" {\n  name = "api"\n  location = "r"\n{depends}'
               '  template {\n    containers {\n      image = "i"\n      env {\n        name = "TOKEN"\n'
               '        value_source {\n          secret_key_ref {\n            secret = "s"\n'
               '            version = "latest"\n          }\n        }\n      }\n    }\n  }\n}\n')
    from tools.scan.deploy_config.scan import scan_deploy_config

    (tmp_path / "main.tf").write_text(grant + service.replace("{depends}", ""))
    found = [s for s in scan_deploy_config(str(tmp_path))["settings"] if s["setting"] == "secret_iam_unordered"]
    assert [(s["value"], s["raw_ref"]) for s in found] == [
        ("google_secret_manager_secret_iam_member.reader", "main.tf:1")]
    ordered = "  depends_on = [google_secret_manager_secret_iam_member.reader]\n"
    (tmp_path / "main.tf").write_text(grant + service.replace("{depends}", ordered))
    assert not [s for s in scan_deploy_config(str(tmp_path))["settings"] if s["setting"] == "secret_iam_unordered"]


def test_cloud_build_deploy_before_the_final_images_push(tmp_path):
    image = "r-docker.pkg.dev/p/web/app:$TAG_NAME"
    build = ("steps:\n  - id: build\n    name: gcr.io/cloud-builders/docker\n"
             f'    args: ["build", "-t", "{image}", "."]\n'
             "{push}"
             "  - id: deploy\n    name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim\n    entrypoint: gcloud\n"
             f"    args:\n      - run\n      - deploy\n      - app\n      - --image={image}\n"
             f"images:\n  - {image}\n")
    from tools.scan.deploy_config.scan import scan_deploy_config

    (tmp_path / "cloudbuild.yaml").write_text(build.replace("{push}", ""))
    found = [s for s in scan_deploy_config(str(tmp_path))["settings"] if s["setting"] == "image_pushed_after_deploy"]
    assert [(s["value"], s["raw_ref"]) for s in found] == [(image, "cloudbuild.yaml:12")]
    push = f'  - id: push\n    name: gcr.io/cloud-builders/docker\n    args: ["push", "{image}"]\n'
    (tmp_path / "cloudbuild.yaml").write_text(build.replace("{push}", push))
    assert not [s for s in scan_deploy_config(str(tmp_path))["settings"]
                if s["setting"] == "image_pushed_after_deploy"]


def test_a_service_named_by_a_variable_is_resolved_from_the_file():
    """`gcloud run deploy "$BACKEND_SERVICE"` in a workflow whose env block names it: the settings belong to
    that service, not to a literal `$BACKEND_SERVICE` that matches no target and gets them excluded."""
    from tools.scan.deploy_config.gcloud import resolve_name, scan_gcloud, variables

    workflow = """env:
  BACKEND_SERVICE: orbis-api
jobs:
  deploy:
    steps:
      - run: |
          gcloud run deploy "$BACKEND_SERVICE" \\
            --min-instances=0 \\
            --memory=1Gi
          gcloud run deploy ${{ env.OTHER }} --memory=2Gi
"""
    assert variables(workflow)["BACKEND_SERVICE"] == "orbis-api"
    assert resolve_name("${{ env.BACKEND_SERVICE }}", {"BACKEND_SERVICE": "api"}) == "api"
    assert resolve_name("${SVC}", {}) == "${SVC}", "an unknown variable stays as written"
    settings, _ = scan_gcloud(".github/workflows/deploy.yml", workflow)
    by_setting = {(s["setting"], s["target_name"]): s for s in settings}
    assert by_setting[("min_instances", "orbis-api")]["raw_ref"] == ".github/workflows/deploy.yml:8"
    other = by_setting[("memory", None)]
    assert other["resource"] == "gcloud run deploy ${{ env.OTHER }}", "unresolvable: kept as written"
    assert other["target_name"] is None, "a name still written as a variable may be the target: unknown"


def test_gunicorn_worker_timeout_is_read_from_the_start_command_with_its_default():
    """Point 6: gunicorn kills a request after 30 s unless told otherwise; that is a cause only below Cloud
    Run's timeout, which the evidence step decides."""
    from tools.analysis.evidence.build import build_items
    from tools.scan.deploy_config.dockerfile import scan_dockerfile

    settings, _ = scan_dockerfile("Dockerfile", "FROM python:3.12\nCMD exec gunicorn --bind :$PORT app:app\n")
    (default,) = [s for s in settings if s["setting"] == "worker_timeout_seconds"]
    assert default["value"] == 30 and default["is_default"] is True and default["raw_ref"] == "Dockerfile:2"
    settings_0, _ = scan_dockerfile("Dockerfile", 'FROM python\nCMD ["gunicorn", "--timeout", "0", "app:app"]\n')
    (zero,) = [s for s in settings_0 if s["setting"] == "worker_timeout_seconds"]
    assert zero["value"] == 0 and zero["is_default"] is False
    window = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}
    items = build_items({"target": {"target_name": "app"}, "window": window, "settings": settings + settings_0})
    below = [i["attrs"]["below_run_timeout"] for i in items if i["attrs"].get("setting") == "worker_timeout_seconds"]
    assert below == [True, False], "30 s is below the 300 s default; 0 means no worker timeout"
