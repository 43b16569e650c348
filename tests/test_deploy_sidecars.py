"""Sidecars the ingress container does not wait for, and a localhost refusal that their start order explains."""

from __future__ import annotations

from pathlib import Path

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.scan.deploy_config.scan import scan_deploy_config

WINDOW = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}

SERVICE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: app
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/maxScale: "1"{annotation}
    spec:
      containers:
        - name: app
          image: app:1
          ports:
            - containerPort: 3000
        - name: cache
          image: redis
"""
ORDERED = """
        run.googleapis.com/container-dependencies: '{"app": ["cache"]}'"""

V2_TF = """\
resource "google_cloud_run_v2_service" "app" {
  name     = "app"
  location = "us-central1"
  template {
    containers {
      name  = "app"
      image = "app:1"
      ports {
        container_port = 3000
      }
      %s
    }
    containers {
      name  = "cache"
      image = "redis"
    }
  }
}
"""


def _scan(tmp_path: Path, rel: str, text: str) -> list[dict]:
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text(text, encoding="utf-8")
    return [s for s in scan_deploy_config(str(tmp_path))["settings"] if s["setting"] == "sidecar_unordered"]


def test_knative_sidecar_without_dependency_is_cited_at_its_container(tmp_path):
    found = _scan(tmp_path, "service.yaml", SERVICE.format(annotation=""))
    assert [(s["raw_ref"], s["value"]) for s in found] == [("service.yaml:16", "cache")]
    assert found[0]["detail"] == {"sidecar": "cache", "ingress": "app", "sidecar_startup_probe": False}


def test_knative_container_dependency_orders_the_sidecar(tmp_path):
    assert _scan(tmp_path, "service.yaml", SERVICE.format(annotation=ORDERED)) == []


def test_terraform_v2_depends_on_orders_the_sidecar(tmp_path):
    assert [s["raw_ref"] for s in _scan(tmp_path, "main.tf", V2_TF % "")] == ["main.tf:13"]
    assert _scan(tmp_path / "x", "main.tf", V2_TF % 'depends_on = ["cache"]') == []


def _refused(message: str) -> dict:
    return {"signature_id": "DOWNSTREAM_CONNECTION_REFUSED", "labels": ["downstream-dependency"], "severity": "ERROR",
            "count": 3, "services": ["app"], "first_seen": "2026-02-12T00:10:00Z",
            "examples": [{"raw_ref": "run.googleapis.com/stderr#r", "message": message, "log_kind": "stderr",
                          "timestamp": "2026-02-12T00:10:00Z"}]}


def test_a_localhost_refusal_with_an_unordered_sidecar_is_a_start_order_failure(tmp_path):
    settings = _scan(tmp_path, "service.yaml", SERVICE.format(annotation=""))
    message = 'redis is not available error="dial tcp 127.0.0.1:6379: connect: connection refused"'
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "settings": settings,
                         "signature_hits": [_refused(message)]})
    refusal = next(i for i in items if i["type"] == "signature")
    assert refusal["attrs"]["primary_label"] == "startup-probe-failure"
    top = rank(items)[0]
    assert top["label"] == "startup-probe-failure" and top["confidence"] == "high"
    assert "service.yaml:16" in {i["raw_ref"] for i in items if i["id"] in top["items"]}


def test_a_remote_refusal_stays_a_dependency_failure(tmp_path):
    settings = _scan(tmp_path, "service.yaml", SERVICE.format(annotation=""))
    items = build_items({"target": {"target_name": "app"}, "window": WINDOW, "settings": settings,
                         "signature_hits": [_refused("dial tcp 10.0.0.7:5432: connect: connection refused")]})
    assert next(i for i in items if i["type"] == "signature")["attrs"]["primary_label"] == "downstream-dependency"
    assert rank(items)[0]["label"] == "downstream-dependency"


def test_settings_are_read_from_the_ingress_container_even_when_a_sidecar_is_listed_first(tmp_path):
    text = SERVICE.format(annotation="").replace(
        "        - name: app\n          image: app:1\n          ports:\n            - containerPort: 3000\n", "")
    text += "        - name: app\n          image: app:1\n          ports:\n            - containerPort: 3000\n"
    (tmp_path / "service.yaml").write_text(text, encoding="utf-8")
    settings = {s["setting"]: s for s in scan_deploy_config(str(tmp_path))["settings"]}
    assert settings["container_port"]["value"] == 3000 and settings["image"]["value"] == "app:1"
    assert settings["sidecar_unordered"]["value"] == "cache"


V1_TF = """\
resource "google_cloud_run_service" "app" {
  name     = "app"
  location = "us-central1"
  template {
    metadata {
      annotations = {%s
      }
    }
    spec {
      containers {
        name  = "proxy"
        image = "cloud-sql-proxy"
      }
      containers {
        name  = "app"
        image = "app:1"
        ports {
          container_port = 3000
        }
      }
    }
  }
}
"""


def test_terraform_v1_sidecar_and_its_dependency_annotation(tmp_path):
    found = _scan(tmp_path, "main.tf", V1_TF % "")
    assert [(s["raw_ref"], s["value"]) for s in found] == [("main.tf:10", "proxy")]
    ordered = '\n        "run.googleapis.com/container-dependencies" = jsonencode({ app = ["proxy"] })'
    assert _scan(tmp_path / "x", "main.tf", V1_TF % ordered) == []
    literal = '\n        "run.googleapis.com/container-dependencies" = "{\\"app\\":[\\"proxy\\"]}"'
    assert _scan(tmp_path / "y", "main.tf", V1_TF % literal) == []
