"""What is deployed, cited where it is set: shell-script deploy commands, the failing revision's values,
and the deploy-config line shown beside the live Cloud Run field it set."""

from __future__ import annotations

from datetime import UTC, datetime

from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.report.build import build_report
from tools.scan.deploy_config.gcloud import scan_gcloud
from tools.scan.deploy_config.scan import scan_deploy_config
from tools.scan.deploy_config.scripts import is_shell_script
from tools.sources.run.revision_settings import symptom_revision_settings

START = datetime(2026, 2, 12, 0, 0, tzinfo=UTC)
END = datetime(2026, 2, 12, 1, 0, tzinfo=UTC)
TARGET = {"project_id": "demo", "region": "us-central1", "target_type": "service", "target_name": "api"}

ARRAY_SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
SERVICE=api
name=${bot//-/_}x
deployArgs=(
  "--image"
  "${IMAGE}"
  "--set-env-vars"
  "FUNCTION_NAME=${name}"
  --memory=1Gi
  "--concurrency"
  "4"
)
if [ -n "${SA}" ]; then
  deployArgs+=( "--max-instances" "2" )
fi
deployArgs+=(--timeout 600)
gcloud run deploy "${SERVICE}" "${deployArgs[@]}"
gcloud run services update "$SERVICE" \\
  --remove-secrets="$old_secrets" \\
  --quiet
"""


def _by(settings, resource=None):
    return {s["setting"]: s for s in settings if resource is None or s["resource"] == resource}


def test_flags_built_in_a_bash_array_are_cited_at_each_elements_line():
    settings, resources = scan_gcloud("deploy/run", ARRAY_SCRIPT)
    deploy = _by(settings, "gcloud run deploy api")
    assert deploy["memory"]["raw_ref"] == "deploy/run:10" and deploy["memory"]["value"] == "1Gi"
    assert deploy["concurrency"]["raw_ref"] == "deploy/run:11" and deploy["concurrency"]["value"] == 4
    assert deploy["timeout_seconds"]["raw_ref"] == "deploy/run:17", "an unconditional append counts"
    assert "max_instances" not in deploy, "an append inside an if-branch holds for some runs only"
    assert deploy["env_names_replaced"]["raw_ref"] == "deploy/run:8"
    assert {r["line"] for r in resources} == {18, 19}


def test_removing_secrets_is_a_setting_at_its_flag_line():
    settings, _ = scan_gcloud("deploy/run", ARRAY_SCRIPT)
    removed = _by(settings, "gcloud run services update api")["secrets_removed"]
    assert removed["raw_ref"] == "deploy/run:20"
    assert removed["value"] == ["$old_secrets"], "a quoted value joined to its flag is read whole"


def test_an_extension_less_shell_script_is_scanned_but_other_files_are_not(tmp_path):
    (tmp_path / "deploy-cloud-run").write_text(ARRAY_SCRIPT)
    (tmp_path / "NOTES").write_text("gcloud run deploy api --memory 4Gi\n")
    refs = {s["raw_ref"] for s in scan_deploy_config(str(tmp_path))["settings"]}
    assert "deploy-cloud-run:10" in refs
    assert not any(r.startswith("NOTES") for r in refs)
    assert is_shell_script("#!/bin/sh\n") and is_shell_script("#!/usr/bin/env bash\n")
    assert not is_shell_script("#!/usr/bin/env python3\n")


def test_the_service_name_comes_from_the_nearest_assignment_above_the_command():
    workflow = """env:
  SERVICE_NAME: api
jobs:
  preview:
    steps:
      - env:
          SERVICE_NAME: ${{ steps.vars.outputs.name }}
        run: gcloud run deploy ${SERVICE_NAME} --concurrency=8
  prod:
    steps:
      - env:
          SERVICE_NAME: api
        run: gcloud run deploy ${SERVICE_NAME} --concurrency=4
"""
    settings, _ = scan_gcloud(".github/workflows/deploy.yml", workflow)
    concurrency = {s["raw_ref"]: s["target_name"] for s in settings if s["setting"] == "concurrency"}
    assert concurrency == {".github/workflows/deploy.yml:8": None, ".github/workflows/deploy.yml:13": "api"}


def test_a_deploy_that_leaves_a_flag_out_reports_the_default_at_its_command_line():
    settings, _ = scan_gcloud("deploy.sh", "gcloud run deploy api \\\n  --concurrency 1 \\\n  --memory 1Gi\n")
    by = _by(settings)
    assert by["min_instances"]["is_default"] is True and by["min_instances"]["value"] == 0
    assert by["min_instances"]["raw_ref"] == "deploy.sh:1"
    assert by["concurrency"]["is_default"] is False and by["concurrency"]["raw_ref"] == "deploy.sh:2"
    update, _ = scan_gcloud("deploy.sh", "gcloud run services update api --memory 1Gi\n")
    assert {s["setting"] for s in update} == {"memory"}, "an update keeps what it does not name: no defaults"


def _oom_record(i: int, revision: str) -> dict:
    return {"timestamp": f"2026-02-12T00:{i:02d}:00Z", "insert_id": f"k{i}", "severity": "ERROR",
            "raw_ref": f"run.googleapis.com/varlog/system#k{i}", "log_kind": "system",
            "resource": {"service_name": "api", "revision_name": revision},
            "text": "Memory limit of 256 MiB exceeded with 270 MiB used."}


def _live(name: str, setting: str, value, path: str, source: str = "cloud_run_service") -> dict:
    return {"setting": setting, "value": value, "is_default": False, "raw_ref": f"{name}#{path}",
            "source": source, "origin": "api", "resource": name, "target_name": "api"}


def test_the_failing_revisions_value_is_kept_when_the_service_moved_on():
    service = [_live("svc/api", "memory", "512Mi", "template.containers[0].resources.limits.memory")]
    old = {"short_name": "api-001", "settings": [
        _live("svc/api/revisions/api-001", "memory", "256Mi", "containers[0].resources.limits.memory",
              "cloud_run_revision"),
        _live("svc/api/revisions/api-001", "timeout_seconds", 300, "timeout", "cloud_run_revision")]}
    new = {"short_name": "api-002", "settings": [
        _live("svc/api/revisions/api-002", "memory", "1Gi", "containers[0].resources.limits.memory",
              "cloud_run_revision")]}
    records = [_oom_record(i, "api-001") for i in range(3)]
    found = symptom_revision_settings([new, old], records, service)
    assert [s["raw_ref"] for s in found] == ["svc/api/revisions/api-001#containers[0].resources.limits.memory"]
    assert symptom_revision_settings([new, old], [], service) == [], "no failures on a revision: nothing added"
    rollout = symptom_revision_settings([new, old], [], service, never_ready=["api-002"])
    assert [s["raw_ref"] for s in rollout] == ["svc/api/revisions/api-002#containers[0].resources.limits.memory"], \
        "a revision that never became ready wrote no request log, and still ran with its own values"


def test_the_declaring_line_is_shown_beside_the_live_field_and_survives_a_later_hotfix():
    service = _live("svc/api", "memory", "512Mi", "template.containers[0].resources.limits.memory")
    revision = _live("svc/api/revisions/api-001", "memory", "256Mi", "containers[0].resources.limits.memory",
                     "cloud_run_revision")
    declared = {"setting": "memory", "value": "256Mi", "is_default": False, "raw_ref": "deploy.sh:12",
                "source": "repository", "origin": "gcloud", "resource": "gcloud run deploy api",
                "target_name": "api"}
    stale = {**declared, "value": "2Gi", "raw_ref": "old/deploy.sh:3"}
    oom = [{"signature_id": "OOM_LIMIT", "labels": ["memory-limit-exceeded"], "severity": "ERROR", "count": 3,
            "first_seen": "2026-02-12T00:01:00Z", "last_seen": "2026-02-12T00:03:00Z",
            "raw_ref": "run.googleapis.com/varlog/system#k1", "log_kind": "system", "service": "api",
            "revisions": ["api-001"]}]
    items = build_items({"target": TARGET, "window": {"start": START, "end": END}, "signature_hits": oom,
                         "settings": [service, revision, declared, stale]})
    by_ref = {i["raw_ref"]: i for i in items}
    assert by_ref["deploy.sh:12"]["excluded"] is None, "256Mi is a live value: the failing revision's"
    assert by_ref["old/deploy.sh:3"]["excluded"]
    assert by_ref[revision["raw_ref"]]["attrs"]["declared_by"] == [by_ref["deploy.sh:12"]["id"]]
    report = build_report(target=TARGET, start=START, end=END, items=items, candidates=rank(items),
                          data_gaps=[], lang="en")
    refs = [r["raw_ref"] for r in report["evidence"]]
    assert "deploy.sh:12" in refs and refs.index("deploy.sh:12") == refs.index(revision["raw_ref"]) + 1


def test_a_missing_secret_cites_the_env_entry_on_service_and_revision_and_the_declaring_line():
    message = ("Revision 'api-002' is not ready and cannot serve traffic. spec.template.spec.containers[0].env[7]"
               ".value_from.secret_key_ref.name: Secret projects/123/secrets/DB_URL/versions/latest was not found")
    conditions = [
        {"type": "Ready", "state": "CONDITION_FAILED", "reason": "SECRETS_ACCESS_CHECK_FAILED", "message": message,
         "raw_ref": "projects/p/locations/r/services/api#terminalCondition", "source": "cloud_run_service"},
        {"type": "Ready", "state": "CONDITION_FAILED", "reason": "SECRETS_ACCESS_CHECK_FAILED", "message": message,
         "raw_ref": "projects/p/locations/r/revisions/api-002#conditions[0]", "source": "cloud_run_revision",
         "revision": "api-002"}]
    declared = {"setting": "secret_refs", "value": ["DB_URL:latest"], "is_default": False,
                "raw_ref": "deploy.sh:9", "source": "repository", "origin": "gcloud",
                "resource": "gcloud run deploy api", "target_name": "api"}
    other = {**declared, "value": ["API_KEY:latest"], "raw_ref": "deploy.sh:10"}
    items = build_items({"target": TARGET, "window": {"start": START, "end": END}, "conditions": conditions,
                         "settings": [declared, other], "failed_revisions": ["api-002"]})
    candidate = next(c for c in rank(items) if c["label"] == "missing-config-or-secret")
    cited = {i["raw_ref"] for i in items if i["id"] in candidate["items"]}
    assert "projects/p/locations/r/services/api#template.containers[0].env[7]" in cited
    assert "projects/p/locations/r/revisions/api-002#containers[0].env[7]" in cited
    assert "deploy.sh:9" in cited and "deploy.sh:10" not in cited


def test_npm_as_pid1_is_a_shutdown_mechanism_and_silences_the_handler_it_cuts_off(tmp_path):
    from tools.scan.deploy_config.dockerfile import scan_dockerfile

    settings, _ = scan_dockerfile("Dockerfile", 'FROM node:20\nWORKDIR /app\nCMD ["npm", "start"]\n')
    launcher = _by(settings)["pid1_launcher"]
    assert launcher["raw_ref"] == "Dockerfile:3" and launcher["value"] == "npm start"
    shell, _ = scan_dockerfile("Dockerfile", "FROM node:20\nENTRYPOINT exec yarn serve\n")
    assert _by(shell)["pid1_launcher"]["value"] == "yarn serve"
    direct, _ = scan_dockerfile("Dockerfile", 'FROM node:20\nENTRYPOINT ["/tini", "--"]\nCMD ["npm", "start"]\n')
    assert "pid1_launcher" not in _by(direct), "an init as PID 1 forwards the signal"
    handler = {"category": "signal-handling", "pattern": "sigterm-handler", "path": "src/server.ts", "line": 9,
               "in_request_path": False}
    items = build_items({"target": TARGET, "window": {"start": START, "end": END}, "findings": [handler],
                         "settings": [launcher]})
    candidate = next(c for c in rank(items) if c["label"] == "graceful-shutdown-missing")
    assert "against" not in candidate["kinds"], "a handler SIGTERM never reaches argues nothing"
    assert [i["raw_ref"] for i in items if i["id"] in candidate["kinds"]["mechanism"]] == ["Dockerfile:3"]
    alone = build_items({"target": TARGET, "window": {"start": START, "end": END}, "findings": [handler]})
    assert any(c["label"] == "graceful-shutdown-missing" and c["ruled_out"] for c in rank(alone)) or \
        not any(c["label"] == "graceful-shutdown-missing" for c in rank(alone))


def _hit(signature: str, label: str) -> dict:
    return {"signature_id": signature, "labels": [label], "severity": "ERROR", "count": 3,
            "first_seen": "2026-02-12T00:01:00Z", "last_seen": "2026-02-12T00:03:00Z",
            "examples": [{"raw_ref": f"run.googleapis.com/varlog/system#{signature}", "log_kind": "system",
                          "timestamp": "2026-02-12T00:01:00Z"}], "service": "api"}


def test_the_setting_a_symptom_is_judged_by_is_cited_whatever_its_value():
    """An OOM cites the memory limit even at 5Gi; a startup-probe failure cites the request timeout the deploy
    sets (it does not lengthen the startup probe) and the probe itself; a gen1 mismatch cites the environment."""
    window = {"start": START, "end": END}
    memory = _live("svc/api", "memory", "5Gi", "template.containers[0].resources.limits.memory")
    timeout = {**_live("svc/api", "timeout_seconds", 300, "template.timeout")}
    declared = {"setting": "timeout_seconds", "value": 300, "is_default": False, "raw_ref": "ci.yml:12",
                "source": "repository", "origin": "gcloud", "resource": "gcloud run deploy api", "target_name": "api"}
    items = build_items({"target": TARGET, "window": window, "settings": [memory, timeout, declared],
                         "signature_hits": [_hit("OOM_LIMIT", "memory-limit-exceeded"),
                                            _hit("STARTUP_TCP_PROBE_FAILED", "startup-probe-failure")]})
    by_label = {c["label"]: c for c in rank(items)}
    refs = {i["id"]: i["raw_ref"] for i in items}
    assert [refs[i] for i in by_label["memory-limit-exceeded"]["kinds"]["context"]] == [memory["raw_ref"]]
    assert {refs[i] for i in by_label["startup-probe-failure"]["kinds"]["context"]} == {timeout["raw_ref"],
                                                                                      "ci.yml:12"}


def test_the_dockerfile_whose_path_names_the_live_image_is_cited_first():
    def timeout(path: str) -> dict:
        return {"setting": "worker_timeout_seconds", "value": 30, "is_default": True, "raw_ref": f"{path}:9",
                "source": "repository", "origin": "dockerfile", "resource": path, "target_name": None}

    image = _live("svc/api", "image", "us.gcr.io/p/tool-cloudrun-custom-310:0.1", "template.containers[0].image")
    paths = ["runtime/code_engine/Dockerfile", "runtime/gcp_cloudrun/Dockerfile",
             "runtime/gcp_cloudrun/Dockerfile.conda"]
    items = build_items({"target": TARGET, "window": {"start": START, "end": END},
                         "settings": [image] + [timeout(p) for p in paths]})
    strength = {i["raw_ref"]: i["strength"] for i in items if i["attrs"].get("origin") == "dockerfile"}
    assert max(strength, key=strength.get) == "runtime/gcp_cloudrun/Dockerfile:9"
    assert strength["runtime/code_engine/Dockerfile:9"] < strength["runtime/gcp_cloudrun/Dockerfile:9"]
    assert strength["runtime/gcp_cloudrun/Dockerfile.conda:9"] < strength["runtime/gcp_cloudrun/Dockerfile:9"]
    tie = build_items({"target": TARGET, "window": {"start": START, "end": END},
                       "settings": [image] + [timeout(p) for p in paths[:1]] + [timeout("other/Dockerfile")]})
    assert len({i["strength"] for i in tie if i["attrs"].get("origin") == "dockerfile"}) == 1, "no name: no pick"


def test_an_env_value_built_in_the_script_is_cited_where_it_is_composed_when_its_name_is_reported_missing():
    script = """#!/bin/bash
bot=$1
fn=${bot//-/_}x
bucket=$2
gcloud run deploy "$bot" \\
  --set-env-vars "FUNCTION=${fn}" \\
  --set-env-vars "BUCKET=${bucket}"
"""
    settings, _ = scan_gcloud("publish.sh", script)
    values = {s["value"]: s["raw_ref"] for s in settings if s["setting"] == "env_value"}
    assert values == {"FUNCTION=${bot//-/_}x": "publish.sh:3", "BUCKET=$2": "publish.sh:4"}
    hits = [{"signature_id": "SECRET_VERSION_MISSING", "labels": ["missing-config-or-secret"], "severity": "ERROR",
             "count": 3, "first_seen": "2026-02-12T00:01:00Z", "last_seen": "2026-02-12T00:03:00Z", "service": "api",
             "examples": [{"raw_ref": "run.googleapis.com/stdout#s1", "log_kind": "stdout",
                           "timestamp": "2026-02-12T00:01:00Z",
                           "message": "Error: 5 NOT_FOUND: Secret [projects/1/secrets/my_botx] not found"}]}]
    declared = [{**s, "target_name": "api"} for s in settings]
    items = build_items({"target": TARGET, "window": {"start": START, "end": END}, "signature_hits": hits,
                         "settings": declared})
    candidate = next(c for c in rank(items) if c["label"] == "missing-config-or-secret")
    cited = {i["raw_ref"] for i in items if i["id"] in candidate["kinds"].get("condition", [])}
    assert "publish.sh:3" in cited, "`${bot//-/_}x` composes my_botx: the typo is on that line"
    assert "publish.sh:4" not in cited, "a bare `$2` could be anything: no claim"


def test_dev_container_fixture_and_test_harness_files_are_not_deployed_config(tmp_path):
    for rel in (".devcontainer/Dockerfile", "packages/bot/test/fixtures/deploy.sh", "tests/setup/run.sh"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("#!/bin/sh\ngcloud run deploy api --memory 8Gi\n" if rel.endswith(".sh")
                                    else 'FROM node\nCMD ["npm", "start"]\n')
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\ngcloud run deploy api --memory 1Gi\n")
    refs = {s["raw_ref"].rsplit(":", 1)[0] for s in scan_deploy_config(str(tmp_path))["settings"]}
    assert refs == {"deploy.sh"}


def test_a_declaring_line_rides_along_without_taking_a_symptoms_row():
    from tools.report.build import PER_CANDIDATE, select_evidence

    def item(id_, strength=1.0, **attrs):
        return {"id": id_, "type": "setting", "strength": strength, "attrs": attrs, "excluded": None}

    live = item("live", declared_by=["line"])
    symptoms = [item(f"s{n}", 1.0 - n / 100) for n in range(PER_CANDIDATE[1])]
    candidate = {"rank": 1, "kinds": {"runtime_symptom": [s["id"] for s in symptoms], "context": ["live"]}}
    chosen = [i["id"] for i in select_evidence([candidate], symptoms + [live, item("line")], min_rows=0)]
    assert chosen.index("line") == chosen.index("live") + 1
    assert len(chosen) == PER_CANDIDATE[1] + 1, "the declaring line is extra, not one symptom fewer"


def test_repeated_list_flags_add_up_in_one_setting():
    settings, _ = scan_gcloud("d.sh", "gcloud run deploy api \\\n  --set-env-vars A=1 \\\n  --set-env-vars B=2,C=3\n")
    replaced = [s for s in settings if s["setting"] == "env_names_replaced"]
    assert [(s["value"], s["raw_ref"]) for s in replaced] == [(["A", "B", "C"], "d.sh:2")]


def test_a_deploy_named_by_a_variable_counts_only_when_no_command_names_the_target():
    def flag(ref: str, target) -> dict:
        return {"setting": "max_instances", "value": 1, "is_default": False, "raw_ref": ref, "source": "repository",
                "origin": "gcloud", "resource": "gcloud run deploy x", "target_name": target}

    window = {"start": START, "end": END}
    both = build_items({"target": TARGET, "window": window, "settings": [flag("a.yml:3", "api"),
                                                                          flag("a.yml:9", None)]})
    assert {i["raw_ref"]: bool(i["excluded"]) for i in both} == {"a.yml:3": False, "a.yml:9": True}
    alone = build_items({"target": TARGET, "window": window, "settings": [flag("a.yml:9", None)]})
    assert not alone[0]["excluded"], "nothing names the target: the variable may be it"


def test_declared_arrays_and_flag_strings_are_spliced_into_the_command():
    script = """#!/bin/bash
declare -a args=(
  --memory 2Gi
)
RUN_FLAGS="--concurrency 4 --max-instances 3"
gcloud run deploy api "${args[@]}" $RUN_FLAGS
"""
    by = _by(scan_gcloud("d.sh", script)[0])
    assert by["memory"]["raw_ref"] == "d.sh:3"
    assert by["concurrency"]["value"] == 4 and by["concurrency"]["raw_ref"] == "d.sh:5"
    assert by["max_instances"]["value"] == 3


def test_gunicorns_timeout_is_judged_only_when_its_value_is_known():
    from tools.scan.deploy_config.dockerfile import scan_dockerfile

    def timeout(text: str):
        setting = _by(scan_dockerfile("Dockerfile", text)[0]).get("worker_timeout_seconds")
        return None if setting is None else (setting["value"], setting["is_default"])

    assert timeout("FROM python\nCMD exec gunicorn --bind :$PORT app:app\n") == (30, True)
    assert timeout("FROM python\nCMD exec gunicorn --timeout $TIMEOUT app:app\n") is None, "set, value unknown"
    assert timeout('FROM python\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n') is None
    env = 'FROM python\nENV GUNICORN_CMD_ARGS="--timeout 0 --workers 2"\nCMD gunicorn app:app\n'
    assert timeout(env) == (0, False), "GUNICORN_CMD_ARGS sets it from the environment"


def test_the_dockerfile_in_the_deploys_source_directory_is_the_deployed_one():
    def cmd(path: str) -> dict:
        return {"setting": "command", "value": "node x.js", "is_default": False, "raw_ref": f"{path}:5",
                "source": "repository", "origin": "dockerfile", "resource": path, "target_name": None}

    source = {"setting": "source_dir", "value": "./services/api", "is_default": False, "raw_ref": "deploy.sh:3",
              "source": "repository", "origin": "gcloud", "resource": "gcloud run deploy api", "target_name": "api"}
    items = build_items({"target": TARGET, "window": {"start": START, "end": END},
                         "settings": [source, cmd("services/api/Dockerfile"), cmd("services/web/Dockerfile")]})
    deployed = {i["raw_ref"]: i["attrs"].get("deployed_dockerfile") for i in items if i["attrs"].get("origin") ==
                "dockerfile"}
    assert deployed == {"services/api/Dockerfile:5": True, "services/web/Dockerfile:5": False}
    assert _by(scan_gcloud("d.sh", "gcloud run deploy api --source ./services/api\n")[0])["source_dir"]["value"] \
        == "./services/api"
