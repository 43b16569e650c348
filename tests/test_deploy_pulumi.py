"""Pulumi programs: an image built without a platform is cited at its build argument, with service values."""

from __future__ import annotations

from pathlib import Path

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.scan.deploy_config.pulumi import variable_default
from tools.scan.deploy_config.scan import scan_deploy_config

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}

INDEX_TS = """\
import * as gcp from "@pulumi/gcp";
import * as docker from "@pulumi/docker";
const config = new pulumi.Config();
const concurrency = config.getNumber("concurrency") || 80;
const image = new docker.Image("image", {
    imageName: `gcr.io/${project}/app`,
    build: {
        context: "./app",%s
    },
});
const service = new gcp.cloudrun.Service("service", {
    template: { spec: { containers: [{ image: image.imageName }], containerConcurrency: concurrency } },
});
"""


def _write(root: Path, files: dict[str, str]) -> list[dict]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return scan_deploy_config(str(root))["settings"]


def test_build_without_platform_is_cited_at_the_build_argument(tmp_path):
    settings = _write(tmp_path, {"svc/Pulumi.yaml": "name: svc\n", "svc/index.ts": INDEX_TS % ""})
    platform = next(s for s in settings if s["setting"] == "image_platform")
    assert platform["raw_ref"] == "svc/index.ts:7" and platform["value"] is None and platform["is_default"]
    concurrency = next(s for s in settings if s["setting"] == "concurrency")
    assert concurrency["value"] == 80 and concurrency["raw_ref"] == "svc/index.ts:12"


def test_a_pinned_platform_or_dockerfile_is_no_default(tmp_path):
    pinned = _write(tmp_path / "a", {"Pulumi.yaml": "", "index.ts": INDEX_TS % '\n        platform: "linux/amd64",'})
    assert next(s for s in pinned if s["setting"] == "image_platform")["value"] == "linux/amd64"
    by_file = _write(tmp_path / "b", {"Pulumi.yaml": "", "index.ts": INDEX_TS % "",
                                      "app/Dockerfile": "FROM --platform=linux/amd64 node:20\n"})
    assert next(s for s in by_file if s["setting"] == "image_platform")["is_default"] is False


def test_a_program_outside_a_pulumi_project_or_without_cloud_run_is_ignored(tmp_path):
    assert not _write(tmp_path / "a", {"index.ts": INDEX_TS % ""})
    azure = INDEX_TS.replace("gcp.cloudrun.Service", "azure.app.ContainerApp") % ""
    assert not [s for s in _write(tmp_path / "b", {"Pulumi.yaml": "", "index.ts": azure})
                if s["setting"] == "image_platform"]


def test_config_defaults_in_each_language():
    assert variable_default('const c = config.getNumber("c") || 80;', "c") == 80
    assert variable_default('c = config.get_float("c", 50)', "c") == 50
    assert variable_default('var c = config.GetInt32("c") ?? 50;', "c") == 50
    assert variable_default("\t\tc := 50\n", "c") == 50
    assert variable_default('const region = config.require("region");', "region") is None


def test_exec_format_error_makes_the_unpinned_build_the_deploy_failure_condition(tmp_path):
    settings = _write(tmp_path, {"svc/Pulumi.yaml": "", "svc/index.ts": INDEX_TS % ""})
    hit = {"signature_id": "EXEC_FORMAT_ERROR", "labels": ["image-or-deploy-failure", "container-crash"],
           "severity": "ERROR", "count": 6, "first_seen": "2026-02-12T00:10:00Z",
           "examples": [{"raw_ref": "run.googleapis.com/varlog/system#x", "log_kind": "system",
                         "message": "failed to load /usr/local/bin/docker-entrypoint.sh: exec format error"}]}
    items = build_items({"target": {"target_name": "service-1a2b3c4"}, "window": WINDOW, "settings": settings,
                         "signature_hits": [hit]})
    top = rank(items)[0]
    assert top["label"] == "image-or-deploy-failure" and "condition" in top["flags"]
    assert "svc/index.ts:7" in {i["raw_ref"] for i in items if i["id"] in top["items"]}
    quiet = build_items({"target": {"target_name": "s"}, "window": WINDOW, "settings": settings})
    assert not any(i["attrs"].get("arch_mismatch") for i in quiet)


CDKTF_TS = """\
import { Image } from "@cdktf/provider-docker/lib/image";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
class Stack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const image = new Image(this, "image", {
      name: "gcr.io/p/app",
      buildAttribute: {
        context: "./app",
      },
    });
    new CloudRunV2Service(this, "svc", {
      template: { maxInstanceRequestConcurrency: 40, containers: [{ image: image.name }] },
    });
  }
}
"""


def test_cdk_for_terraform_programs_are_read_like_pulumi(tmp_path):
    settings = _write(tmp_path, {"cdktf.json": "{}", "main.ts": CDKTF_TS})
    platform = next(s for s in settings if s["setting"] == "image_platform")
    assert platform["raw_ref"] == "main.ts:8" and platform["is_default"]
    assert next(s for s in settings if s["setting"] == "concurrency")["value"] == 40


PY_SERVICE = """\
import pulumi
import pulumi_gcp as gcp
service = gcp.cloudrun.Service(
    "svc",
    template=gcp.cloudrun.ServiceTemplateArgs(
        spec=gcp.cloudrun.ServiceTemplateSpecArgs(
            containers=[gcp.cloudrun.ServiceTemplateSpecContainerArgs(
                resources=dict(limits=dict(memory="%s", cpu="2000m")),
            )],
        ),
    ),
)
"""


def test_a_project_main_directory_is_scanned(tmp_path):
    settings = _write(tmp_path, {"Pulumi.yaml": "name: x\nruntime:\n  name: python\nmain: stack/\n",
                                 "stack/orchestrator.py": PY_SERVICE % "5Gi"})
    memory = next(s for s in settings if s["setting"] == "memory")
    assert memory["raw_ref"] == "stack/orchestrator.py:8" and memory["value"] == "5Gi"


def test_an_oom_cites_the_memory_limit_and_the_fix_names_the_definition_live_agrees_with(tmp_path):
    from tools.analysis.fix_plan import setting_values

    end = "        ),\n    ),\n)"
    other = (PY_SERVICE % "5Gi").replace(end, "            container_concurrency=3,\n" + end)
    settings = _write(tmp_path, {"Pulumi.yaml": "main: stack/\n", "stack/a.py": other,
                                 "stack/b.py": PY_SERVICE % "5Gi"})
    assert any(s["setting"] == "concurrency" and s["raw_ref"].startswith("stack/a.py") for s in settings)
    live = {"setting": "memory", "value": "5Gi", "source": "cloud_run_service",
            "raw_ref": "projects/p/locations/l/services/svc#template.containers[0].resources.limits.memory"}
    live_concurrency = {"setting": "concurrency", "value": 80, "source": "cloud_run_service",
                        "raw_ref": "projects/p/locations/l/services/svc#template.maxInstanceRequestConcurrency"}
    oom = {"signature_id": "OOM_LIMIT", "labels": ["memory-limit-exceeded"], "severity": "ERROR", "count": 5,
           "first_seen": "2026-02-12T00:10:00Z",
           "examples": [{"raw_ref": "run.googleapis.com/varlog/system#m", "log_kind": "system",
                         "message": "Memory limit of 5120 MiB exceeded with 5200 MiB used."}]}
    items = build_items({"target": {"target_name": "svc"}, "window": WINDOW,
                         "settings": [live, live_concurrency, *settings], "signature_hits": [oom]})
    top = rank(items)[0]
    assert top["label"] == "memory-limit-exceeded" and top["kinds"].get("context")
    assert setting_values(items)["at_memory"] == " (`stack/b.py:8`)"
