"""The Cloud SQL instance the service names is read too: its own log says it ran out of connection slots
(issue 13 point 4: fetch the logs of dependencies the configuration names)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tools.investigate import investigate
from tools.sources.logging.dependency_logs import cloudsql_filter, cloudsql_instances, database_id
from tools.sources.run.settings import settings

PROJECT, REGION, SERVICE = "shop-prod", "us-central1", "orders"
CONN = f"{PROJECT}:{REGION}:orders-db"


def _service(volumes: bool = True) -> dict:
    template = {"containers": [{"image": "gcr.io/x/orders", "ports": [{"containerPort": 8080}]}],
                "maxInstanceRequestConcurrency": 80, "timeout": "300s"}
    if volumes:
        template["volumes"] = [{"name": "cloudsql", "cloudSqlInstance": {"instances": [CONN]}}]
    return {"name": f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}", "template": template,
            "conditions": [], "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}]}


def _request(i: int, status: int) -> dict:
    return {"insertId": f"r{i:04d}", "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "timestamp": f"2026-05-01T10:{i // 10:02d}:{i % 60:02d}.000000Z",
            "resource": {"type": "cloud_run_revision", "labels": {
                "service_name": SERVICE, "revision_name": "orders-00007-abc", "location": REGION,
                "project_id": PROJECT, "configuration_name": SERVICE}},
            "severity": "ERROR" if status >= 500 else "INFO",
            "httpRequest": {"requestMethod": "GET", "requestUrl": "https://orders/x", "status": status,
                            "latency": "0.2s"}}


def _postgres(i: int) -> dict:
    return {"insertId": f"pg{i:03d}", "logName": f"projects/{PROJECT}/logs/cloudsql.googleapis.com%2Fpostgres.log",
            "timestamp": f"2026-05-01T10:{20 + i:02d}:00.000000Z", "severity": "ALERT",
            "resource": {"type": "cloudsql_database", "labels": {
                "database_id": f"{PROJECT}:orders-db", "project_id": PROJECT, "region": REGION}},
            "textPayload": f"2026-05-01 10:{20 + i:02d}:00.000 UTC [41{i}]: [1-1] db=orders,user=app FATAL:  "
                           "remaining connection slots are reserved for non-replication superuser connections"}


def _case(tmp_path: Path, volumes: bool) -> Path:
    case = tmp_path / "case"
    (case / "logging").mkdir(parents=True)
    (case / "run" / "services").mkdir(parents=True)
    entries = [_request(i, 500 if 200 <= i < 260 else 200) for i in range(400)] + [_postgres(i) for i in range(5)]
    (case / "logging" / "entries.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    (case / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(_service(volumes)))
    (case / "case.yaml").write_text(yaml.safe_dump({
        "id": "db", "title": "t", "lang": "en",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T11:00:00Z"}}))
    return case


def test_instances_come_from_volumes_and_the_v1_annotation():
    found = settings({"name": "projects/p/locations/r/services/s", "template": {
        "annotations": {"run.googleapis.com/cloudsql-instances": "p:r:a, p:r:b"},
        "volumes": [{"name": "v", "cloudSqlInstance": {"instances": ["p:r:a"]}}], "containers": [{}]}}, "service")
    assert cloudsql_instances(found) == ["p:r:a", "p:r:b"]
    assert database_id("p:r:a") == "p:a"
    assert 'resource.labels.database_id="p:a"' in cloudsql_filter(["p:r:a"])


def test_the_database_log_is_read_and_cited(tmp_path):
    report = investigate(replay=str(_case(tmp_path, volumes=True)), out=str(tmp_path / "out"))["report"]
    refs = [row["raw_ref"] for row in report["evidence"]]
    assert any(ref.startswith("cloudsql.googleapis.com/postgres.log#pg") for ref in refs), refs
    assert report["root_cause_candidates"][0]["label"] == "downstream-dependency"


def test_without_a_named_instance_the_database_log_is_not_read(tmp_path):
    report = investigate(replay=str(_case(tmp_path, volumes=False)), out=str(tmp_path / "out"))["report"]
    assert not any("postgres.log" in row["raw_ref"] for row in report["evidence"])
