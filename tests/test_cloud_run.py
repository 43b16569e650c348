"""Cloud Run tools through the real run_v2 REST clients against the replay server."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.errors import InputError, UsageError
from tools.replay.server import ReplayServer
from tools.sources.gcp_clients import ENDPOINT_ENV
from tools.sources.run import cloud_run as cloud_run

CASE = Path(__file__).parent / "fixtures" / "run" / "case"
P, R = "demo", "us-central1"


@pytest.fixture(scope="module")
def server():
    with ReplayServer(CASE) as srv:
        yield srv


@pytest.fixture(autouse=True)
def endpoint(server, monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, server.url)
    monkeypatch.setattr(cloud_run, "RETRY_TIMEOUT", 0.6)
    server.clear_faults()
    yield
    server.clear_faults()


def _settings(result):
    return {s["setting"]: s for s in result["settings"]}


def test_describe_service_returns_summary_and_settings(server):
    result = cloud_run.describe_service(P, R, "checkout")
    svc = result["service"]
    assert svc["latest_ready_revision"] == "checkout-00002-def"
    assert svc["traffic_statuses"][0]["percent"] == 100 and svc["ready"] is True
    assert svc["containers"][0]["env_names"] == ["DB_HOST", "FEATURE_X", "NEW_FLAG", "API_KEY"]
    by = _settings(result)
    assert by["concurrency"]["value"] == 200 and by["memory"]["value"] == "256Mi"
    assert by["execution_environment"]["value"] == "gen2"  # int enum on the wire, name after the client
    assert result["data_gaps"] == []
    assert "10.0.0.5" not in json.dumps(result)
    assert server.count("run.services.get") >= 1


def test_list_and_describe_revisions(server):
    result = cloud_run.list_revisions(P, R, "checkout")
    names = [r["short_name"] for r in result["revisions"]]
    assert names == ["checkout-00002-def", "checkout-00001-abc"]  # newest first
    assert result["revisions"][1]["settings"][0]["source"] == "cloud_run_revision"
    one = cloud_run.list_revisions(P, R, "checkout", limit=1)
    assert len(one["revisions"]) == 1
    rev = cloud_run.describe_revision(P, R, "checkout", "checkout-00001-abc")
    assert _settings(rev)["memory"]["value"] == "512Mi"
    assert rev["revision"]["conditions"][1]["reason"] == "RETIRED"
    with pytest.raises(InputError, match="revision checkout-09999-zzz not found for service checkout"):
        cloud_run.describe_revision(P, R, "checkout", "checkout-09999-zzz")


def test_job_executions_and_tasks():
    job = cloud_run.describe_job(P, R, "nightly")
    assert job["job"]["task_count"] == 2 and job["job"]["max_retries"] == 1
    assert job["job"]["latest_execution"]["completion_status"] == "EXECUTION_FAILED"
    execs = cloud_run.list_executions(P, R, "nightly")["executions"]
    assert [e["short_name"] for e in execs] == ["nightly-bbbb", "nightly-aaaa"]
    assert (execs[0]["failed"], execs[0]["retried"]) == (1, 1)
    ex = cloud_run.describe_execution(P, R, "nightly", "nightly-bbbb")
    assert ex["execution"]["conditions"][0]["reason"] == "NON_ZERO_EXIT_CODE"
    assert ex["tasks"] == [
        {**ex["tasks"][0], "name": "nightly-bbbb-task1", "index": 1, "exit_code": 1, "retried": 1}
    ]


def test_unknown_service_names_the_services_that_exist():
    with pytest.raises(InputError) as info:
        cloud_run.describe_service(P, R, "chekout")
    message = str(info.value)
    assert message.startswith("service chekout not found in project demo, region us-central1")
    assert "bare, checkout" in message and "\n" not in message


def test_unknown_job_and_empty_region():
    with pytest.raises(InputError, match="job nope not found in project demo, region us-central1; jobs there: nightly"):
        cloud_run.list_executions(P, R, "nope")
    with pytest.raises(InputError, match="there are no services there"):
        cloud_run.describe_service(P, "europe-west1", "checkout")


def test_job_given_as_service_and_service_given_as_job_get_a_hint():
    with pytest.raises(InputError, match="nightly is a Cloud Run job, not a service.*crobs describe-job"):
        cloud_run.describe_service(P, R, "nightly")
    with pytest.raises(InputError, match="checkout is a Cloud Run service, not a job.*--service checkout"):
        cloud_run.describe_job(P, R, "checkout")


def test_permission_denied_is_a_data_gap_naming_the_role(server):
    server.inject("run.services.get", status=403, message="Permission 'run.services.get' denied")
    result = cloud_run.describe_service(P, R, "checkout")
    assert result["service"] is None and result["settings"] == []
    (gap,) = result["data_gaps"]
    assert gap["source"] == "cloud_run_service" and "roles/run.viewer" in gap["why_missing"]
    assert "--service checkout" in gap["follow_up"] and "roles/run.viewer" in gap["follow_up"]
    server.inject("run.executions.list", status=403)
    gap = cloud_run.list_executions(P, R, "nightly")["data_gaps"][0]
    assert gap["source"] == "cloud_run_job" and "roles/run.viewer" in gap["why_missing"]


def test_transient_503_is_retried_and_persistent_503_becomes_a_gap_quickly(server):
    server.inject("run.services.get", status=503, times=1)
    assert cloud_run.describe_service(P, R, "checkout")["service"]["short_name"] == "checkout"
    server.inject("run.jobs.get", status=503)
    started = time.monotonic()
    result = cloud_run.describe_job(P, R, "nightly")
    assert time.monotonic() - started < 3
    assert result["job"] is None and "failed" in result["data_gaps"][0]["why_missing"]


def test_dead_endpoint_is_a_data_gap(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, "http://127.0.0.1:9")
    result = cloud_run.describe_revision(P, R, "checkout", "checkout-00001-abc")
    assert result["revision"] is None and result["data_gaps"][0]["source"] == "cloud_run_revision"


def test_bad_names_are_usage_errors():
    with pytest.raises(UsageError):
        cloud_run.describe_service(P, R, "a/b")
    with pytest.raises(UsageError):
        cloud_run.list_revisions(P, R, "checkout", limit=0)


def test_cli_json_against_the_replay_server(server):
    env = {"PATH": "/usr/bin:/bin", ENDPOINT_ENV: server.url}
    cmd = [sys.executable, "-m", "tools.cli", "describe-service", "--project-id", P, "--region", R,
           "--service", "checkout", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=Path(__file__).parent.parent,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["service"]["latest_ready_revision"] == "checkout-00002-def"
    cmd[cmd.index("checkout")] = "nightly"
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=Path(__file__).parent.parent,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "describe-job" in done.stderr


def test_replay_pages_lists_the_way_the_client_follows_them(server):
    from tools.sources.gcp_clients import run_client

    before = server.count("run.revisions.list")
    parent = "projects/demo/locations/us-central1/services/checkout"
    names = [r.name.rsplit("/", 1)[1] for r in run_client("revisions").list_revisions(
        request={"parent": parent, "page_size": 1})]
    assert names == ["checkout-00001-abc", "checkout-00002-def"]
    assert server.count("run.revisions.list") - before == 2  # one page each, nextPageToken followed
    jobs = [j.name for j in run_client("jobs").list_jobs(request={"parent": "projects/demo/locations/-"})]
    assert jobs == ["projects/demo/locations/us-central1/jobs/nightly"]


def test_executions_list_when_the_case_names_the_parent_job_by_short_name(tmp_path, monkeypatch):
    """The API's `job` field is the short name; a recorded case that keeps it must still list."""
    import shutil

    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    for path in (case / "run" / "executions").glob("*.json"):
        data = json.loads(path.read_text())
        data["job"] = data["job"].rsplit("/", 1)[-1]
        path.write_text(json.dumps(data))
    with ReplayServer(case) as short:
        monkeypatch.setenv(ENDPOINT_ENV, short.url)
        execs = cloud_run.list_executions(P, R, "nightly")["executions"]
    assert [e["short_name"] for e in execs] == ["nightly-bbbb", "nightly-aaaa"]
