"""Scan what is deployed and recognise real-world code (issue 13 point 7).

Each test builds a small repository in tmp_path: the scan is scoped to the
target's Dockerfile sources, never cites tests, vendored or browser-app
files, recognises servers started through framework helpers, ORM/driver
pool sizes, background timer loops, client URLs versus binds, and a job
task template built without a timeout.
"""

from __future__ import annotations

import json
from pathlib import Path

from tools.scan.code.build_scope import build_scope, not_deployed
from tools.scan.code.scan_repo import scan_repo


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _refs(result, category=None, pattern=None):
    return {f["raw_ref"]: f for f in result["findings"]
            if (category is None or f["category"] == category) and (pattern is None or f["pattern"] == pattern)}


SLOW_READ = 'import { readFileSync } from "node:fs";\nexport const x = () => readFileSync("big.json", "utf8");\n'


def test_test_vendored_storybook_and_devcontainer_files_are_never_deployed():
    for path in ("src/a.test.ts", "pkg/__tests__/a.ts", "svc/tests/test_x.py", "x_test.go", "vendor/y/z.go",
                 "web/app.min.js", "ui/Button.stories.tsx", ".devcontainer/Dockerfile", "a/conftest.py"):
        assert not_deployed(path), path
    for path in ("src/server.ts", "app/main.py", "cmd/api/main.go", "src/latest.ts"):
        assert not not_deployed(path), path


def test_findings_in_tests_and_a_browser_app_are_not_mechanisms(tmp_path):
    repo = _write(tmp_path, {
        "packages/server/package.json": json.dumps({"dependencies": {"hono": "4"}}),
        "packages/server/src/load.ts": SLOW_READ,
        "packages/server/src/load.test.ts": SLOW_READ,
        "packages/admin/package.json": json.dumps({"dependencies": {"react": "18", "react-dom": "18"}}),
        "packages/admin/src/hooks/useLoad.ts": SLOW_READ,
    })
    refs = _refs(scan_repo(str(repo)), "memory")
    assert "packages/server/src/load.ts:2" in refs
    assert not any("test" in r or "admin" in r for r in refs), refs


def test_scan_is_scoped_to_the_dockerfile_named_after_the_target(tmp_path):
    repo = _write(tmp_path, {
        "Dockerfiles/Dockerfile.worker": "FROM python:3.12\nCOPY worker/ /app/worker/\nCMD python -m worker\n",
        "Dockerfiles/Dockerfile.tiler": "FROM python:3.12\nCOPY tiler/ /app/tiler/\nWORKDIR /tmp\n",
        "worker/main.py": 'app.run(host="127.0.0.1")\n',
        "tiler/main.py": 'app.run(host="127.0.0.1")\n',
    })
    scope = build_scope(repo, "acme-production-worker")
    assert scope.dockerfiles == ["Dockerfiles/Dockerfile.worker"]
    assert scope.allows("worker/main.py") and not scope.allows("tiler/main.py")
    refs = _refs(scan_repo(str(repo), None, "acme-production-worker"))
    assert any(r.startswith("worker/") for r in refs), refs
    assert not any(r.startswith(("tiler/", "Dockerfiles/Dockerfile.tiler")) for r in refs), refs
    # without a target no Dockerfile stands out and none sits at the root: nothing is scoped away
    assert build_scope(repo, None).prefixes == []


def test_copied_build_output_ships_its_project_and_a_local_base_image_counts(tmp_path):
    repo = _write(tmp_path, {
        "weather_lookup/Dockerfile": "FROM gcr.io/acme/fn-runtime:latest\nCOPY ./bin/module.wasm /module.wasm\n",
        "fn_runtime/Dockerfile": "FROM distroless\nCOPY ./loader/target/release/loader /loader\n",
        "fn_runtime/loader/src/main.rs": "fn main() {}\n",
        "other/src/lib.rs": "fn x() {}\n",
    })
    scope = build_scope(repo, "weather-lookup")
    assert scope.allows("fn_runtime/loader/src/main.rs")
    assert not scope.allows("other/src/lib.rs")


def test_a_copy_of_the_whole_context_or_an_unnamed_subfolder_dockerfile_leaves_the_scan_unscoped(tmp_path):
    whole = _write(tmp_path / "a", {"Dockerfile": "FROM node\nCOPY . .\n"})
    assert build_scope(whole, "svc").prefixes == []
    addon = _write(tmp_path / "b", {"addons/geoip/Dockerfile": "FROM alpine\nCOPY db.mmdb /db\n"})
    assert build_scope(addon, "fleet-api").prefixes == []


def test_node_server_started_through_a_framework_helper_is_an_entry_point(tmp_path):
    repo = _write(tmp_path, {"src/index.ts": (
        'import { serve } from "@hono/node-server";\nimport { app } from "./app.js";\n'
        'const port = parseInt(process.env.PORT ?? "8080", 10);\n'
        'const server = serve({ fetch: app.fetch, port }, (info) => {\n  console.log(info.port);\n});\n')})
    refs = _refs(scan_repo(str(repo)), "signal-handling", "sigterm-absent")
    assert list(refs) == ["src/index.ts:4"]


def test_a_sigterm_handler_outside_the_deployed_code_does_not_excuse_the_entry_point(tmp_path):
    repo = _write(tmp_path, {
        "src/index.ts": 'import { serve } from "@hono/node-server";\nserve({ fetch: app.fetch, port: 8080 });\n',
        "src/index.test.ts": 'process.on("SIGTERM", () => process.exit(0));\n',
    })
    assert "src/index.ts:2" in _refs(scan_repo(str(repo)), "signal-handling", "sigterm-absent")


def test_orm_and_driver_pool_sizes_are_db_pool_findings_reachable_from_every_request(tmp_path):
    repo = _write(tmp_path, {
        "src/db.ts": ('import postgres from "postgres";\n'
                      'const poolMax = Number(process.env.DB_POOL_MAX ?? 5);\n'
                      'const client = postgres(connectionString, { max: poolMax });\n'),
        "internal/db.go": 'package db\nfunc open() { db, _ := gorm.Open(postgres.Open(dsn), &gorm.Config{}) }\n',
        "app/db.py": "engine = create_engine(URL, pool_size=5)\n",
    })
    refs = _refs(scan_repo(str(repo)), "db-pool")
    assert {"src/db.ts:2", "src/db.ts:3", "internal/db.go:2", "app/db.py:1"} <= set(refs), refs
    assert refs["src/db.ts:2"]["in_request_path"] is None  # module-level pool state: unattributed, not "no"


def test_client_urls_are_not_loopback_binds_and_fastmcp_default_host_is(tmp_path):
    repo = _write(tmp_path, {"mcp_server/server.py": (
        'from mcp.server.fastmcp import FastMCP\n'
        'NEO4J_URI = "bolt://localhost:7687"\n'
        'mcp = FastMCP("x")\n'
        'if __name__ == "__main__":\n'
        '    import uvicorn\n'
        '    uvicorn.run(\n'
        '        app,\n'
        '        host=mcp.settings.host,\n'
        '        port=mcp.settings.port,\n'
        '    )\n')})
    refs = _refs(scan_repo(str(repo)), "bind-address")
    assert "mcp_server/server.py:2" not in refs
    assert refs["mcp_server/server.py:8"]["pattern"] == "bind-loopback-fastmcp-default"


def test_a_spawned_timer_loop_is_a_periodic_background_loop(tmp_path):
    repo = _write(tmp_path, {"src/main.rs": (
        "async fn refresh_loop(period: Duration) {\n"
        "    let mut interval = tokio::time::interval_at(Instant::now() + period, period);\n"
        "    loop {\n        interval.tick().await;\n        refresh().await;\n    }\n}\n\n"
        "async fn load() {\n"
        "    tokio::spawn(async move {\n        refresh_loop(period).await\n    });\n"
        "    tokio::spawn(async move { one_shot().await });\n"
        "}\n")})
    refs = _refs(scan_repo(str(repo)), "background-work")
    assert refs["src/main.rs:10"]["pattern"] == "periodic-background-loop"
    assert "refresh_loop" in refs["src/main.rs:10"]["detail"] and "src/main.rs:2" in refs["src/main.rs:10"]["detail"]
    assert refs["src/main.rs:13"]["pattern"] != "periodic-background-loop"


def test_a_job_task_template_without_a_timeout_is_a_job_config_finding(tmp_path):
    repo = _write(tmp_path, {"jobs/body.py": (
        "def body(containers):\n"
        "    return {\"template\": {\n"
        "        \"spec\": {\"containers\": containers}\n"
        "    }}\n"
        + "\n" * 8
        + "def body2(containers):\n"
        "    return {\"spec\": {\"containers\": containers, \"timeoutSeconds\": 3600}}\n")})
    refs = _refs(scan_repo(str(repo)), "job-config")
    assert list(refs) == ["jobs/body.py:3"]  # not body2 (line 14): it sets timeoutSeconds


def test_a_memory_holder_in_a_helper_is_cited_at_its_call_site_too(tmp_path):
    repo = _write(tmp_path, {"svc/clients.py": (
        "from rasterio.io import MemoryFile\n"
        "\n"
        "def handle_aux(datasets):\n"
        "    memfile = MemoryFile()\n"
        "    return memfile\n"
        "\n"
        "class Client:\n"
        "    def __init__(self, datasets):\n"
        "        self.aux = handle_aux(datasets)\n")})
    refs = _refs(scan_repo(str(repo)), "memory")
    assert refs["svc/clients.py:4"]["pattern"] == "py-rasterio-memoryfile"
    site = refs["svc/clients.py:9"]
    assert site["pattern"] == "call-site" and site["enclosing_symbol"] == "Client.__init__"
    assert "handle_aux" in site["detail"] and "svc/clients.py:4" in site["detail"]


def test_a_frame_under_the_buildpack_app_root_resolves_into_the_build_source_directory(tmp_path):
    from tools.analysis.stack_frames import RepoIndex

    repo = _write(tmp_path, {"webhook/main.py": "import os\nimport vertexai\n", "main.tf": "x\n"})
    index = RepoIndex(repo)
    assert index.resolve("/workspace/main.py", 2) == "webhook/main.py"
    # outside an app root, or deeper than the repo file, a bare base name still says nothing
    assert index.resolve("/srv/other/main.py", 2) is None
    assert index.resolve("/workspace/pkg/main.py", 2) is None


def test_a_call_site_deep_under_a_handler_is_on_the_request_path(tmp_path):
    repo = _write(tmp_path, {
        "svc/clients.py": (
            "from rasterio.io import MemoryFile\n"
            "\n"
            "def handle_aux(datasets):\n"
            "    memfile = MemoryFile()\n"
            "    return memfile\n"
            "\n"
            "class Client:\n"
            "    def __init__(self, datasets):\n"
            "        self.aux = handle_aux(datasets)\n"),
        "svc/handler.py": (
            "from fastapi import FastAPI\n"
            "from svc.clients import Client\n"
            "app = FastAPI()\n"
            "\n"
            "async def _work(scene):\n"
            "    client = Client(scene)\n"
            "    return client\n"
            "\n"
            "@app.post('/orchestrate')\n"
            "async def orchestrate(scene: str):\n"
            "    return await _work(scene)\n"),
    })
    site = _refs(scan_repo(str(repo)), "memory")["svc/clients.py:9"]
    # handler -> _work -> Client(...) (the constructor) -> handle_aux: three calls deep
    assert site["in_request_path"] is True and site["handler"] == "orchestrate"


def test_flask_app_run_is_an_entry_point_and_a_helper_that_drains_on_sigterm_is_not(tmp_path):
    repo = _write(tmp_path, {
        "api/serve.py": "import uvicorn\nuvicorn.run(app, host=h, port=p)\n",
        "web/app.py": "from flask import Flask\napp = Flask(__name__)\napp.run(host=\"0.0.0.0\", port=8080)\n",
    })
    refs = _refs(scan_repo(str(repo)), "signal-handling", "sigterm-absent")
    assert list(refs) == ["web/app.py:3"]


def test_npm_as_the_container_main_process_is_a_sigterm_gap(tmp_path):
    repo = _write(tmp_path, {
        "services/server/Dockerfile": 'FROM node:22\nCOPY . .\nCMD ["npm", "start"]\n',
        "worker/Dockerfile": 'FROM node:22\nCOPY . .\nCMD ["node", "dist/index.js"]\n',
        "Procfile": "web: npm run start\n",
    })
    refs = _refs(scan_repo(str(repo)), "signal-handling", "sigterm-missing-npm-pid1")
    assert sorted(refs) == ["Procfile:1", "services/server/Dockerfile:3"]


def test_a_map_built_from_a_constant_table_is_not_an_unbounded_cache(tmp_path):
    repo = _write(tmp_path, {"src/cache.js": (
        "const LEVELS = new Map([\n  ['info', 'INFO'],\n]);\n"
        "const SEEN = new Map();\n")})
    refs = _refs(scan_repo(str(repo)), "memory", "unbounded-cache")
    assert list(refs) == ["src/cache.js:4"]


def _shared_tree(tmp_path: Path, extra: str = "") -> Path:
    return _write(tmp_path, {
        "Dockerfiles/Dockerfile.worker": ("FROM python:3.12\nCOPY svc/ /app/svc/\n"
                                          "CMD exec uvicorn --port $PORT --host 0.0.0.0 svc.worker.handler:app\n"),
        "Dockerfiles/Dockerfile.tiles": "FROM python:3.12\nCOPY svc/ /app/svc/\nCMD uvicorn svc.tiles.handler:app\n",
        "svc/__init__.py": "",
        "svc/worker/__init__.py": "",
        "svc/worker/handler.py": f"from svc.worker.clients import Client\nfrom . import merging\n{extra}",
        "svc/worker/clients.py": 'import svc.common\nHOST = "127.0.0.1"\n',
        "svc/worker/merging.py": 'HOST = "127.0.0.1"\n',
        "svc/common.py": 'HOST = "127.0.0.1"\n',
        "svc/tiles/__init__.py": "",
        "svc/tiles/handler.py": 'HOST = "127.0.0.1"\n',
    })


def test_the_start_command_module_and_its_imports_are_what_runs(tmp_path):
    from tools.scan.code.entry_imports import entry_module

    assert entry_module("exec uvicorn --port $PORT svc.worker.handler:app") == ("module", "svc.worker.handler")
    assert entry_module('["python", "-m", "mcp_server.server"]') == ("module", "mcp_server.server")
    assert entry_module("python app/main.py") == ("file", "app/main.py")
    repo = _shared_tree(tmp_path)
    scope = build_scope(repo, "acme-worker")
    assert scope.closure == {"svc/__init__.py", "svc/worker/__init__.py", "svc/worker/handler.py",
                             "svc/worker/clients.py", "svc/worker/merging.py", "svc/common.py"}
    refs = _refs(scan_repo(str(repo), None, "acme-worker"), "bind-address")
    assert sorted(refs) == ["Dockerfiles/Dockerfile.worker:3", "svc/common.py:1", "svc/worker/clients.py:2",
                            "svc/worker/merging.py:1"]  # not svc/tiles (another service's entry module)


def test_code_that_imports_by_name_is_not_narrowed_to_its_static_imports(tmp_path):
    repo = _shared_tree(tmp_path, extra="import importlib\nplugin = importlib.import_module(NAME)\n")
    scope = build_scope(repo, "acme-worker")
    assert scope.closure is None and scope.allows("svc/tiles/handler.py")
