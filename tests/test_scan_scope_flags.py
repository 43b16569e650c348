"""scan-repo and scan-deploy-config take a path prefix (`--under`) and leave tests, vendored and
generated files out unless `--include-tests` (issue 15: 521 findings, 326 KB, mostly tests and UI code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.errors import InputError
from tools.scan.code.scan_repo import scan_repo
from tools.scan.deploy_config.scan import scan_deploy_config

ROOT = Path(__file__).resolve().parents[1]

APP = '''import threading
from flask import Flask

app = Flask(__name__)


def work():
    pass


@app.post("/jobs")
def create_job():
    threading.Thread(target=work).start()
    return "", 202
'''
THREAD = "import threading\n\n\ndef {name}():\n    threading.Thread(target=print).start()\n"
RUN_TF = '''resource "google_cloud_run_v2_service" "{name}" {{
  name     = "{name}"
  location = "us-central1"
  template {{
    max_instance_request_concurrency = {concurrency}
    containers {{
      image = "gcr.io/p/{name}"
    }}
  }}
}}
'''


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    files = {
        "src/api/app.py": APP,
        "src/worker/loop.py": THREAD.format(name="start"),
        "tests/test_app.py": THREAD.format(name="test_it"),
        "third_party/lib/pool.py": THREAD.format(name="pooled"),
        "infra/prod/run.tf": RUN_TF.format(name="api", concurrency=80),
        "tests/fixtures/run.tf": RUN_TF.format(name="fixture", concurrency=1),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _paths(result: dict) -> set[str]:
    return {f["path"] for f in result["findings"]}


def test_scan_repo_leaves_tests_and_vendored_code_out_by_default(repo):
    default = scan_repo(str(repo))
    assert _paths(default) == {"src/api/app.py", "src/worker/loop.py"}
    assert default["skipped"]["not_deployed"] >= 2
    included = scan_repo(str(repo), include_tests=True)
    assert _paths(included) == {"src/api/app.py", "src/worker/loop.py", "tests/test_app.py", "third_party/lib/pool.py"}
    assert "included" in included["scope"]


def test_scan_repo_under_a_prefix_keeps_that_folder_and_still_sees_handlers_elsewhere(repo):
    narrowed = scan_repo(str(repo), under="src/worker")
    assert _paths(narrowed) == {"src/worker/loop.py"} and narrowed["handlers"] == []
    assert scan_repo(str(repo), under="src/api")["handlers"] == ["create_job (src/api/app.py:12)"]
    elsewhere = len(scan_repo(str(repo))["findings"]) - 1
    assert narrowed["under"] == {"prefix": "src/worker", "findings_elsewhere": elsewhere}
    assert scan_repo(str(repo), under="src/api/")["under"]["prefix"] == "src/api"
    for bad in ("../elsewhere", "no/such/dir"):
        with pytest.raises(InputError):
            scan_repo(str(repo), under=bad)


def test_scan_deploy_config_prefix_and_test_folders(repo):
    default = scan_deploy_config(str(repo))
    assert {r["name"] for r in default["resources"]} == {"api"}
    included = scan_deploy_config(str(repo), include_tests=True)
    assert {r["name"] for r in included["resources"]} == {"api", "fixture"}
    narrowed = scan_deploy_config(str(repo), under="src", include_tests=True)
    assert narrowed["resources"] == [] and narrowed["under"] == "src"
    assert "in src" in narrowed["data_gaps"][0]["why_missing"]


def test_the_cli_flags(repo):
    def run(*args: str) -> dict:
        proc = subprocess.run([sys.executable, "-m", "tools.cli", *args, "--json"], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        return json.loads(proc.stdout)

    assert _paths(run("scan-repo", str(repo), "--under", "src/api")) == {"src/api/app.py"}
    assert "tests/test_app.py" in _paths(run("scan-repo", str(repo), "--include-tests"))
    assert len(run("scan-deploy-config", str(repo), "--include-tests")["resources"]) == 2
