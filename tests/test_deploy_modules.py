"""Terraform module calls (the public Cloud Run v2 module): inputs as settings, with the module's defaults."""

from __future__ import annotations

from pathlib import Path

from tools.scan.deploy_config.scan import scan_deploy_config

MODULE_TF = """\
locals {
  limits = { cpu = var.cpu, memory = var.memory }
}

module "api" {
  source  = "GoogleCloudPlatform/cloud-run/google//modules/v2"
  version = "0.17.2"

  service_name = "api"
  project_id   = "p"
  location     = "us-central1"

  containers = [
    {
      container_image = "gcr.io/p/api"
      ports = {
        container_port = 3000
      }
      resources = {
        limits = local.limits
      }
    }
  ]
}

module "other" {
  source = "./modules/unknown"
  name   = "x"
}
"""


def _settings(tmp_path: Path) -> dict[str, dict]:
    (tmp_path / "main.tf").write_text(MODULE_TF, encoding="utf-8")
    found = scan_deploy_config(str(tmp_path))["settings"]
    assert {s["resource"] for s in found} == {"module.api"}, "an unknown module declares nothing"
    return {s["setting"]: s for s in found}


def test_module_inputs_are_settings_at_their_lines(tmp_path):
    settings = _settings(tmp_path)
    assert settings["container_port"]["value"] == 3000 and settings["container_port"]["raw_ref"] == "main.tf:17"
    assert settings["image"]["raw_ref"] == "main.tf:15"
    assert settings["cpu_throttled"]["target_name"] == "api"


def test_module_default_cpu_idle_is_cited_at_the_resources_block(tmp_path):
    """The module keeps cpu_idle true when resources are given: CPU is throttled outside requests."""
    throttled = _settings(tmp_path)["cpu_throttled"]
    assert throttled["value"] is True and throttled["is_default"] and throttled["raw_ref"] == "main.tf:19"


def test_limits_set_through_an_expression_are_unknown_not_default(tmp_path):
    settings = _settings(tmp_path)
    assert "memory" not in settings and "cpu" not in settings
