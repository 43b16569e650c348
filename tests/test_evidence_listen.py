"""Point 6: the address the application announces at start, against the container port Cloud Run probes."""

from tools.analysis.evidence.listen import announced, listen_items


def _line(message: str, revision: str = "api-00002", kind: str = "stderr", ref: str = "x") -> dict:
    return {"message": message, "log_kind": kind, "raw_ref": f"run.googleapis.com/{kind}#{ref}",
            "timestamp": "2026-02-12T00:10:00Z", "resource": {"revision_name": revision}}


PORT_8080 = [{"setting": "container_port", "value": 8080, "source": "cloud_run_service"}]


def test_startup_lines_are_read_and_client_addresses_are_not():
    assert announced("INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)") == [
        ("127.0.0.1", 8000)]
    assert announced("started!\nArgs { api_port: 8765, kms_type: Gcp }") == [(None, 8765)]
    assert announced("Listening at: http://0.0.0.0:8080 (1)") == [("0.0.0.0", 8080)]
    assert announced("Listening on port 3000") == [(None, 3000)]
    assert announced("connected to postgres at db:5432 after start") == []
    assert announced("GET /health 200 12ms") == []


def test_a_loopback_bind_or_another_port_is_a_measured_port_bind_symptom():
    (loop,) = listen_items([_line("Uvicorn running on http://127.0.0.1:8080")], PORT_8080)
    assert loop["attrs"]["primary_label"] == "port-bind-mismatch" and "loopback" in loop["signal"]["en"]
    (elsewhere,) = listen_items([_line("started!\nArgs { api_port: 8765 }")], [])
    assert "not on the container port 8080 (the default)" in elsewhere["signal"]["en"]
    assert elsewhere["revisions"] == ["api-00002"] and elsewhere["raw_ref"] == "run.googleapis.com/stderr#x"


def test_an_app_that_also_announces_the_container_port_is_fine():
    lines = [_line("metrics server listening on :9090", ref="a"), _line("Listening at: http://0.0.0.0:8080", ref="b")]
    assert listen_items(lines, PORT_8080) == []
    assert listen_items([_line("Listening on port 3000")],
                        [{"setting": "container_port", "value": "3000", "source": "cloud_run_service"}]) == []
    assert listen_items([_line("Listening on port 3000", kind="system")], PORT_8080) == [], "platform lines are not"


def test_a_localhost_banner_from_a_revision_that_served_requests_is_not_a_bind_failure():
    """Node/Hono print "listening on http://localhost:8080" while bound to every interface."""
    from tools.analysis.evidence.build import build_items

    served = {"timestamp": "2026-02-12T00:11:00Z", "insert_id": "r", "raw_ref": "run.googleapis.com/requests#r",
              "log_kind": "requests", "resource": {"service_name": "app", "revision_name": "api-00002"},
              "http": {"status": 200}}
    banner = {**_line("Server listening on http://localhost:8080"), "resource": {"service_name": "app",
                                                                                 "revision_name": "api-00002"}}
    hit = {"signature_id": "ADDRESS_IN_USE_OR_LOCALHOST", "labels": ["port-bind-mismatch"], "severity": "ERROR",
           "count": 1, "services": ["app"], "revisions": ["api-00002"], "first_seen": "2026-02-12T00:10:00Z",
           "examples": [{"raw_ref": "run.googleapis.com/stderr#x"}]}
    window = {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"}
    items = build_items({"target": {"target_name": "app"}, "window": window, "records": [banner, served],
                         "signature_hits": [hit]})
    (claim,) = [i for i in items if i["type"] == "signature"]
    assert "served requests" in claim["excluded"]
    assert not any(i["attrs"].get("signature_id") == "LISTENS_ELSEWHERE" for i in items)
    alone = build_items({"target": {"target_name": "app"}, "window": window, "records": [banner],
                         "signature_hits": [hit]})
    assert all(i["excluded"] is None for i in alone if i["type"] == "signature")
