"""Paths Cloud Run reserves (paths ending in z such as /healthz), and upgraded connections in latency.

The platform answers a reserved path before the container, so the request log never shows it:
configuration (software whose client polls a reserved default, a health-path variable set to a
reserved path, in the live service or in a deploy command of a Markdown document) is the evidence,
the `other` label names the reserved path, and quiet logs do not cap it. A WebSocket's 101 entry
lasts as long as the connection: it is no slow request.
"""

from __future__ import annotations

from pathlib import Path

from tools.analysis.evidence.build import build_items
from tools.analysis.evidence.reserved_paths import config_items, documented_settings, is_reserved, markdown_code
from tools.analysis.ranking import rank

WINDOW = {"start": "2026-03-01T10:00:00Z", "end": "2026-03-01T12:00:00Z"}
SERVICE = "projects/p/locations/r/services/flow"


def req(n: int, *, path: str = "/rest/x", status: int = 200, latency_ms: float = 50.0,
        instance: str | None = "i1") -> dict:
    return {"timestamp": f"2026-03-01T10:{n % 60:02d}:{(n * 7) % 60:02d}Z", "severity": "INFO",
            "log_kind": "requests", "insert_id": f"r{n}", "instance_id": instance,
            "resource": {"service_name": "flow", "revision_name": "flow-001"}, "message": "",
            "http": {"method": "GET", "path": path, "status": status, "latency_ms": latency_ms},
            "raw_ref": f"run.googleapis.com/requests#r{n}"}


def live(image: str, env: list[str]) -> list[dict]:
    return [{"setting": "image", "value": image, "raw_ref": f"{SERVICE}#template.containers[0].image",
             "source": "cloud_run_service", "target_name": "flow"},
            {"setting": "env_names", "value": env, "raw_ref": f"{SERVICE}#template.containers[0].env",
             "source": "cloud_run_service", "target_name": "flow"},
            {"setting": "timeout_seconds", "value": 300, "raw_ref": f"{SERVICE}#template.timeout",
             "source": "cloud_run_service", "target_name": "flow"}]


def items_of(records: list[dict], settings: list[dict], repo: str | None = None) -> list[dict]:
    return build_items({"target": {"target_name": "flow"}, "window": WINDOW, "records": records,
                        "settings": settings, "repo": repo})


def test_reserved_patterns_follow_googles_list():
    assert is_reserved("/healthz") and is_reserved("/readyz?x=1") and is_reserved("/_ah/warmup")
    assert is_reserved("/eventlog")
    assert not is_reserved("/health") and not is_reserved("/healthz/") and not is_reserved("/")


def test_software_left_on_its_reserved_health_default_is_other_above_quiet_logs():
    records = [req(i) for i in range(60)]
    items = items_of(records, live("docker.io/n8nio/n8n:latest", ["N8N_PORT", "DB_TYPE"]))
    kinds = {i["type"] for i in items}
    assert {"reserved_path", "reserved_path_client"} <= kinds
    top = rank(items)[0]
    assert top["label"] == "other" and top["confidence"] == "medium"
    assert "reserves" in top["title"]["en"] and "/healthz" in top["title"]["en"]
    cited = {i["raw_ref"] for i in items if i["id"] in top["items"]}
    assert f"{SERVICE}#template.containers[0].env" in cited
    condition = next(i for i in items if i["type"] == "reserved_path")
    assert "/healthz" in condition["signal"]["en"] and "N8N_ENDPOINT_HEALTH" in condition["signal"]["en"]


def test_the_variable_that_moves_the_endpoint_clears_it():
    items = items_of([req(i) for i in range(60)], live("n8nio/n8n:2.8.3", ["N8N_ENDPOINT_HEALTH", "N8N_PORT"]))
    assert not any(i["type"].startswith("reserved_path") for i in items)
    assert rank(items)[0]["label"] == "healthy"


def test_an_explicit_health_path_variable_on_a_reserved_path_is_a_condition():
    settings = [{"setting": "env_value", "value": "HEALTH_CHECK_PATH=/healthz", "raw_ref": "deploy.sh:12",
                 "source": "repository", "resource": "gcloud run deploy flow", "target_name": "flow"},
                {"setting": "env_value", "value": "HEALTH_CHECK_PATH_OK=/healthz", "raw_ref": "deploy.sh:13",
                 "source": "repository", "resource": "gcloud run deploy other", "target_name": "flow"}]
    items = config_items(settings, WINDOW["start"], "flow")
    assert [i["raw_ref"] for i in items] == ["deploy.sh:12"]
    assert items[0]["attrs"]["via"] == "explicit"


def test_platform_answered_requests_on_a_reserved_path_are_a_measured_symptom():
    records = [req(i) for i in range(60)] + [req(100 + i, path="/healthz", status=404, instance=None)
                                             for i in range(4)]
    records.append(req(200, path="/statusz", status=404))  # reached an instance: the app's own 404
    items = items_of(records, [])
    hit = next(i for i in items if i["type"] == "reserved_path_request")
    assert hit["attrs"]["count"] == 4
    top = rank(items)[0]
    assert top["label"] == "other" and "runtime_symptom" in top["flags"]


def test_markdown_deploy_commands_are_read_per_command(tmp_path: Path):
    readme = "\n".join([
        "# Deploy", "", "Option A:", "```bash",
        "gcloud run deploy flow \\", "    --image=docker.io/n8nio/n8n:latest \\",
        '    --set-env-vars="N8N_PORT=5678,DB_TYPE=postgresdb"', "```", "",
        "Option B:", "```bash", "gcloud run deploy flow \\", "    --image=eu-docker.pkg.dev/p/r/flow:latest \\",
        '    --set-env-vars="N8N_PORT=443"', "```", "", "Text: gcloud run deploy other --image=x", ""])
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    assert markdown_code(readme).split("\n")[4].startswith("gcloud") and not markdown_code(readme).split("\n")[0]
    settings = documented_settings(str(tmp_path), "flow")
    assert {s["command_line"] for s in settings} == {5, 12}
    items = config_items(settings, WINDOW["start"], "flow")
    assert [i["raw_ref"] for i in items if i["type"] == "reserved_path"] == ["README.md:7"]
    assert any(i["type"] == "reserved_path_client" and i["raw_ref"] == "README.md:6" for i in items)


def test_websocket_lifetimes_are_no_slow_requests():
    records = [req(i) for i in range(60)] + [req(100 + i, path="/rest/push", status=101, latency_ms=290_000.0)
                                             for i in range(5)]
    items = items_of(records, live("example/web:1", ["PORT"]))
    assert not any(i["type"] == "slow_requests" for i in items)
    latency = next(i for i in items if i["type"] == "latency")
    assert latency["attrs"]["max_ms"] < 1000
    assert rank(items)[0]["label"] != "request-timeout"


def test_the_fix_moves_the_endpoint_where_the_env_is_declared():
    from tools.analysis.fix_plan import fix_plan

    settings = live("docker.io/n8nio/n8n:latest", ["N8N_PORT"]) + [
        {"setting": "image", "value": "docker.io/n8nio/n8n:latest", "raw_ref": "README.md:6",
         "source": "repository", "resource": "gcloud run deploy flow", "target_name": "flow"},
        {"setting": "env_names_replaced", "value": ["N8N_PORT"], "raw_ref": "README.md:7",
         "source": "repository", "resource": "gcloud run deploy flow", "target_name": "flow"}]
    items = items_of([req(i) for i in range(60)], settings)
    plan = fix_plan(rank(items), items, {"target_name": "flow", "target_type": "service"})
    first = plan["immediate"][0]["action"]
    assert "N8N_ENDPOINT_HEALTH=health" in first and "README.md:7" in first and "/healthz" in first


def test_a_label_with_two_rules_is_ranked_once():
    records = [req(i) for i in range(60)] + [req(100 + i, status=500) for i in range(12)]
    items = items_of(records, live("docker.io/n8nio/n8n:latest", ["N8N_PORT"]))
    labels = [c["label"] for c in rank(items)]
    assert labels.count("other") == 1


def test_uptime_checks_on_a_reserved_path_are_client_and_condition(tmp_path: Path):
    from tools.analysis.fix_plan import fix_plan

    (tmp_path / "monitoring.tf").write_text("\n".join([
        'resource "google_monitoring_uptime_check_config" "api" {',
        '  display_name = "api"',
        "  http_check {",
        '    path = "/healthz"',
        "    port = 443",
        "  }",
        "}",
        'resource "google_monitoring_uptime_check_config" "ok" {',
        "  http_check {",
        '    path = "/health"',
        "  }",
        "}"]), encoding="utf-8")
    (tmp_path / "setup.sh").write_text("\n".join([
        "#!/bin/bash", "gcloud monitoring uptime create web-check \\",
        "  --resource-type=uptime-url \\", "  --path=/readyz"]), encoding="utf-8")
    items = items_of([req(i) for i in range(60)], live("example/web:1", ["PORT"]), repo=str(tmp_path))
    refs = {(i["type"], i["raw_ref"]) for i in items if i["type"].startswith("reserved_path")}
    assert refs == {("reserved_path", "monitoring.tf:4"), ("reserved_path_client", "monitoring.tf:1"),
                    ("reserved_path", "setup.sh:4"), ("reserved_path_client", "setup.sh:2")}
    ranked = rank(items)
    assert ranked[0]["label"] == "other"
    plan = fix_plan(ranked, items, {"target_name": "flow", "target_type": "service"})
    assert any("uptime check" in step["action"] and "=/health" not in step["action"] for step in plan["immediate"])


def test_the_reason_says_why_no_log_shows_it():
    items = items_of([req(i) for i in range(60)], live("docker.io/n8nio/n8n:latest", ["N8N_PORT"]))
    top = rank(items)[0]
    assert "before the container" in top["why"]["en"]
