"""scan_repo: exact path:line findings on team-written fixture repos, and robustness on hostile trees."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tools.cli import main as crobs
from tools.errors import InputError
from tools.scan.code.patterns import load_catalog, parse_catalog
from tools.scan.code.scan_repo import format_scan, rg_command, scan_repo

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "repos"
SITEBOOKIFY = ROOT / "evals" / "cases" / "sitebookify-sample" / "repo"


def _by_ref(result, category=None):
    return {
        f["raw_ref"]: f for f in result["findings"] if category is None or f["category"] == category
    }


def _line(repo: Path, ref: str) -> str:
    path, line = ref.rsplit(":", 1)
    return (repo / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]


@pytest.fixture(scope="module")
def sitebookify():
    return scan_repo(str(SITEBOOKIFY), "sitebookify")


def test_sitebookify_queue_spawn_in_create_job_is_exact(sitebookify):
    finding = _by_ref(sitebookify, "background-work")["src/bin/sitebookify-app.rs:94"]
    assert "state.queue.spawn(run_job(" in _line(SITEBOOKIFY, finding["raw_ref"])
    assert finding["pattern"] == "spawn-wrapper-call"
    assert finding["enclosing_symbol"] == "create_job"
    assert finding["in_request_path"] is True and finding["handler"] == "create_job"
    # the detail names the wrapper and the primitive it wraps, by path:line
    assert "InProcessQueue::spawn` (src/app/queue.rs:24)" in finding["detail"]
    assert "src/app/queue.rs:29" in finding["detail"]


def test_sitebookify_tokio_spawn_is_reached_from_the_handler_one_level_down(sitebookify):
    finding = _by_ref(sitebookify, "background-work")["src/app/queue.rs:29"]
    assert _line(SITEBOOKIFY, "src/app/queue.rs:29").strip().startswith("tokio::spawn(async move {")
    assert finding["pattern"] == "rust-tokio-spawn"
    assert finding["enclosing_symbol"] == "InProcessQueue::spawn"
    assert finding["in_request_path"] is True and finding["handler"] == "create_job"
    assert sitebookify["spawn_wrappers"] == ["InProcessQueue::spawn (src/app/queue.rs:24)"]


def test_sitebookify_handlers_come_from_axum_routes(sitebookify):
    assert sitebookify["handlers"] == [
        "create_job (src/bin/sitebookify-app.rs:84)",
        "get_job (src/bin/sitebookify-app.rs:106)",
        "healthz (src/bin/sitebookify-app.rs:78)",
    ]


def test_sitebookify_background_work_is_exactly_the_two_lines(sitebookify):
    assert sorted(_by_ref(sitebookify, "background-work")) == [
        "src/app/queue.rs:29",
        "src/bin/sitebookify-app.rs:94",
    ]
    assert not _by_ref(sitebookify, "durable-queue")


def test_sitebookify_bind_signal_memory(sitebookify):
    binds = _by_ref(sitebookify, "bind-address")
    assert binds["Dockerfile:30"]["pattern"] == "bind-all-interfaces"
    assert '"0.0.0.0:8080"' in binds["Dockerfile:30"]["snippet"]
    # the CLI default binds loopback; the Dockerfile overrides it
    assert binds["src/bin/sitebookify-app.rs:23"]["pattern"] == "bind-loopback"
    signal = _by_ref(sitebookify, "signal-handling")
    assert list(signal) == ["src/bin/sitebookify-app.rs:56", "src/bin/sitebookify-app.rs:74"]
    assert signal["src/bin/sitebookify-app.rs:74"]["pattern"] == "graceful-shutdown-missing-axum"  # where the fix goes
    assert signal["src/bin/sitebookify-app.rs:56"]["pattern"] == "sigterm-absent"
    assert signal["src/bin/sitebookify-app.rs:56"]["enclosing_symbol"] == "main"
    memory = _by_ref(sitebookify, "memory")
    assert {"Dockerfile:30", "src/bin/sitebookify-app.rs:26", "src/app/job_store.rs:32"} <= set(memory)
    assert memory["src/app/job_store.rs:32"]["in_request_path"] is True  # JobStore::get is called by get_job


def test_sitebookify_findings_are_well_formed(sitebookify):
    ids = [f["id"] for f in sitebookify["findings"]]
    assert ids == [f"f-{n:03d}" for n in range(1, len(ids) + 1)]
    for finding in sitebookify["findings"]:
        assert finding["raw_ref"] == f"{finding['path']}:{finding['line']}"
        assert finding["snippet"].strip() == _line(SITEBOOKIFY, finding["raw_ref"]).strip()
    assert sitebookify["files_scanned"] == 12
    assert all(item["exists"] for item in sitebookify["always_inspect"])
    assert sitebookify["data_gaps"] == []
    assert any(r["label"] == "background-work-outside-request" for r in sitebookify["known_risks"])


def test_python_fixture():
    result = scan_repo(str(FIXTURES / "python"))
    work = _by_ref(result, "background-work")
    assert sorted(work) == ["app/main.py:17", "app/main.py:23", "app/main.py:24"]  # not the comment on :31
    assert work["app/main.py:17"]["enclosing_symbol"] == "process"
    assert work["app/main.py:17"]["handler"] == "create_job"  # process() is called by the handler
    assert work["app/main.py:23"]["pattern"] == "py-background-tasks"
    assert work["app/main.py:24"]["in_request_path"] is True
    timeouts = _by_ref(result, "timeouts")["app/main.py:13"]
    assert timeouts["enclosing_symbol"] == "send_report" and timeouts["in_request_path"] is False
    assert _by_ref(result, "signal-handling")["app/main.py:35"]["pattern"] == "sigterm-absent"
    assert _by_ref(result, "bind-address")["app/main.py:38"]["pattern"] == "bind-all-interfaces"
    assert _by_ref(result, "port")["app/main.py:38"]["pattern"] == "port-env-read"
    assert _by_ref(result, "timeouts")["Procfile:1"]["pattern"] == "gunicorn-default-timeout"
    assert _by_ref(result, "bind-address")["Procfile:1"]["pattern"] == "bind-all-interfaces"


def test_go_fixture_wrapper_and_inline_handler():
    result = scan_repo(str(FIXTURES / "go"))
    work = _by_ref(result, "background-work")
    assert work["main.go:10"]["enclosing_symbol"] == "enqueue"
    assert work["main.go:10"]["handler"] == "createJob"
    assert work["main.go:16"]["pattern"] == "spawn-wrapper-call"
    assert "enqueue` (main.go:9)" in work["main.go:16"]["detail"]
    assert work["main.go:23"]["handler"] == "/ping"  # goroutine inside an inline HandleFunc literal
    assert _by_ref(result, "bind-address")["main.go:26"]["pattern"] == "bind-loopback"
    assert _by_ref(result, "signal-handling")["main.go:20"]["enclosing_symbol"] == "main"
    assert not _by_ref(result, "db-pool")


def test_typescript_fixture_express_handlers():
    result = scan_repo(str(FIXTURES / "node"))
    work = _by_ref(result, "background-work")
    assert sorted(work) == ["src/server.ts:10", "src/server.ts:11", "src/server.ts:18"]
    assert work["src/server.ts:10"]["pattern"] == "node-unawaited-then"
    assert work["src/server.ts:10"]["handler"] == "POST /reports"
    assert work["src/server.ts:10"]["enclosing_symbol"] == "POST /reports"
    assert work["src/server.ts:18"]["handler"] == "health"  # named handler from app.get("/health", health)
    fetch = _by_ref(result, "timeouts")["src/server.ts:6"]
    assert fetch["enclosing_symbol"] == "buildReport" and fetch["handler"] == "POST /reports"
    assert _by_ref(result, "signal-handling")["src/server.ts:23"]["pattern"] == "sigterm-absent"


def test_java_fixture_spring_mapping_and_shutdown_hook():
    result = scan_repo(str(FIXTURES / "java"))
    path = "src/main/java/demo/JobController.java"
    work = _by_ref(result, "background-work")
    assert work[f"{path}:15"]["enclosing_symbol"] == "JobController.createJob"
    assert work[f"{path}:15"]["in_request_path"] is True
    assert f"{path}:4" not in work  # import line
    signal = _by_ref(result, "signal-handling")
    assert signal[f"{path}:24"]["pattern"] == "sigterm-handler"
    assert not any(f["pattern"] == "sigterm-absent" for f in result["findings"])


def test_one_rg_invocation_carries_every_pattern():
    catalog = load_catalog()
    cmd = rg_command(catalog)
    assert cmd.count("-e") == len(catalog.patterns)
    assert "--no-require-git" in cmd and "--stats" in cmd and "--null" in cmd
    assert "--max-filesize" not in cmd  # rg would skip such files silently; the scanner counts them itself


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def test_hostile_tree_is_counted_not_crashed(tmp_path):
    hit = "import threading\nthreading.Thread(target=print)\n"
    _write(tmp_path / "src" / "ok.py", hit)
    _write(tmp_path / ".gitignore", "ignored.py\n")
    _write(tmp_path / "ignored.py", hit)
    for skip in ("node_modules/x/a.py", "vendor/a.py", "target/a.py", "dist/a.py", ".git/a.py"):
        _write(tmp_path / skip, hit)
    _write(tmp_path / "big.py", hit + "#" * 1_100_000 + "\n")
    _write(tmp_path / "blob.py", b"threading.Thread(target=print)\x00\xff\xfe")
    _write(tmp_path / "latin.py", "x = 'caf\xe9'\nthreading.Thread(target=print)\n".encode("latin-1"))
    (tmp_path / os.fsdecode(b"na\xefve.py")).write_bytes(hit.encode())  # file name not UTF-8
    os.symlink("..", tmp_path / "src" / "loop")
    os.symlink("missing.py", tmp_path / "src" / "dangling.py")

    result = scan_repo(str(tmp_path))
    assert sorted(f["raw_ref"] for f in result["findings"]) == ["latin.py:2", "na\ufffdve.py:2", "src/ok.py:2"]
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # printable as the CLI prints it
    skipped = result["skipped"]
    assert skipped["too_large"] == 1
    assert skipped["binary"] == 1
    assert skipped["non_utf8"] == 1
    assert skipped["symlink_loops"] == 1
    assert skipped["unreadable"] == 1
    assert skipped["ignored"] == 1  # ignored.py (.gitignore); skip_dirs are left out without walking them
    assert result["git_repo"] is True  # a .git directory is present (and skipped)
    assert result["files_scanned"] == 3


def test_a_big_file_is_searched_and_only_counted_when_it_matches(tmp_path):
    """rg searches files over the cap; the scanner declines (and counts) only the matched ones."""
    hit = "import threading\nthreading.Thread(target=print)\n"
    _write(tmp_path / "big_quiet.py", "x = 1\n" + "#" * 1_100_000 + "\n")
    _write(tmp_path / "big_hit.py", "#" * 1_100_000 + "\n" + hit)
    _write(tmp_path / "ok.py", hit)
    result = scan_repo(str(tmp_path))
    assert [f["raw_ref"] for f in result["findings"]] == ["ok.py:2"]
    assert result["skipped"]["too_large"] == 1
    assert result["files_scanned"] == 2  # ok.py and big_quiet.py were searched; big_hit.py was declined


def test_ignored_is_not_counted_on_a_tree_over_the_limit(tmp_path, monkeypatch):
    import tools.scan.rg_search as rg_search

    _write(tmp_path / ".gitignore", "gen/\n")
    _write(tmp_path / "gen" / "a.py", "x = 1\n")
    _write(tmp_path / "ok.py", "import threading\nthreading.Thread(target=print)\n")
    assert scan_repo(str(tmp_path))["skipped"]["ignored"] == 1
    monkeypatch.setattr(rg_search, "IGNORED_COUNT_LIMIT", 0)
    result = scan_repo(str(tmp_path))
    assert result["skipped"]["ignored"] is None  # not counted, rather than a wrong 0
    assert "ignored" not in format_scan(result).splitlines()[-1]
    assert [f["raw_ref"] for f in result["findings"]] == ["ok.py:2"]


def test_empty_directory_is_a_data_gap(tmp_path):
    result = scan_repo(str(tmp_path))
    assert result["findings"] == [] and result["files_scanned"] == 0
    assert result["git_repo"] is False
    assert result["data_gaps"][0]["source"] == "repository"
    assert "crobs scan-repo" in result["data_gaps"][0]["follow_up"]


def test_bad_paths_are_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        scan_repo(str(tmp_path / "nope"))
    (tmp_path / "file.py").write_text("x = 1\n")
    with pytest.raises(InputError, match="not a directory"):
        scan_repo(str(tmp_path / "file.py"))


def test_missing_always_inspect_file_becomes_a_gap(tmp_path):
    _write(tmp_path / "main.py", "print('hi')\n")
    result = scan_repo(str(tmp_path), "sitebookify")
    missing = [g["missing_signal"] for g in result["data_gaps"]]
    assert any(m.startswith("src/app/queue.rs") for m in missing)


def test_catalog_problems_are_one_line_input_errors():
    base = {"languages": {"python": {"globs": ["*.py"]}}}
    good = {"id": "x", "category": "memory", "languages": ["python"], "regex": "a", "detail": "d"}
    assert parse_catalog({**base, "patterns": [good]}).patterns[0].id == "x"
    for bad, message in [
        ({**good, "regex": "("}, "bad regex"),
        ({**good, "languages": ["cobol"]}, "unknown language"),
        ({**good, "role": "registration"}, "handler_from"),
        ({k: v for k, v in good.items() if k != "detail"}, "missing 'detail'"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_catalog({**base, "patterns": [bad]})


def test_cli_prints_exact_findings_as_json(capsys):
    assert crobs(["scan-repo", str(FIXTURES / "go"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "main.go:16" in {f["raw_ref"] for f in result["findings"]}


def test_cli_bad_path_exits_2_with_one_line(capsys, tmp_path):
    assert crobs(["scan-repo", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("crobs: error:") and "\n" not in err


def test_literal_prefilter_never_hides_a_regex_match():
    """The literal prefilter (Catalog.candidates) may only skip patterns whose regex could not match the line."""
    from tools.scan.code.literals import literal_prefilter

    assert literal_prefilter("SIGTERM|with_graceful") == (b"SIGTERM", b"with_graceful")
    assert literal_prefilter(r"\bfoo\s*\(") == (b"foo",)
    assert literal_prefilter("ab?c") == ()  # no literal of two characters is certain
    assert literal_prefilter("(?i)sigterm") == ()
    lines = [
        line
        for root in (FIXTURES, SITEBOOKIFY)
        for path in root.rglob("*")
        if path.is_file()
        for line in path.read_bytes().splitlines()
    ]
    catalog = load_catalog()
    checked = 0
    for line in lines:
        for language in catalog.languages:
            offered = {p.id for p in catalog.candidates(language, line)}
            for pattern in catalog.by_language[language]:
                if pattern.compiled.search(line):
                    checked += 1
                    assert pattern.id in offered, (pattern.id, language, line)
    assert checked > 100  # the fixtures really exercise the patterns
    # overlapping literals on one line are all found: `tokio::spawn(` also holds `spawn(`
    ids = {p.id for p in catalog.candidates("rust", b"    tokio::spawn(async move { std::thread::spawn(f) });")}
    assert {"rust-tokio-spawn", "rust-thread-spawn"} <= ids


def test_handler_registrations_across_frameworks():
    """axum route naming a handler in another file, actix attribute, tonic, Starlette, gRPC, gin, Java gRPC."""
    result = scan_repo(str(FIXTURES / "frameworks"))
    work = {f["raw_ref"]: f for f in result["findings"] if f["category"] == "background-work"}
    expected = {
        "src/handlers.rs:2": "create_job",  # registered in src/main.rs:3 as handlers::create_job
        "src/actix.rs:3": "upload",
        "src/grpc.rs:4": "MyGreeter::say_hello",
        "py/svc.py:6": "upload",  # Route("/upload", upload)
        "py/svc.py:12": "Greeter.SayHello",
        "go/srv.go:8": "server.SayHello",  # embeds UnimplementedGreeterServer
        "go/srv.go:17": "upload",  # r.POST("/upload", upload)
        "java/Svc.java:3": "GreeterImpl.sayHello",
    }
    assert {ref: work[ref]["handler"] for ref in expected} == expected
    assert all(work[ref]["in_request_path"] is True for ref in expected)
    assert "create_job (src/handlers.rs:1)" in result["handlers"]


def test_enclosing_symbol_for_a_path_and_line():
    from tools.scan.code.symbols import enclosing_symbol

    assert enclosing_symbol("src/app/queue.rs", 29, str(SITEBOOKIFY)) == "InProcessQueue::spawn"
    assert enclosing_symbol("src/app/queue.rs", 1, str(SITEBOOKIFY)) is None
    assert enclosing_symbol("Dockerfile", 30, str(SITEBOOKIFY)) is None  # no grammar


def test_cli_text_output_leads_with_path_line(capsys):
    assert crobs(["scan-repo", str(SITEBOOKIFY)]) == 0
    out = capsys.readouterr().out.splitlines()
    spawn = next(line for line in out if line.startswith("src/app/queue.rs:29 "))
    assert "background-work" in spawn and "InProcessQueue::spawn  <- create_job" in spawn
    assert out[-1].startswith("14 findings in 12 files")


def test_symlinks_that_leave_the_checkout_are_never_read(tmp_path):
    hit = "import threading\nthreading.Thread(target=print).start()\n"
    outside = tmp_path / "outside"
    repo = tmp_path / "repo"
    _write(outside / "secret.py", hit)
    _write(repo / "shared" / "jobs.py", hit)
    os.symlink(outside, repo / "linked-dir")
    os.symlink(outside / "secret.py", repo / "linked.py")
    os.symlink(repo / "shared", repo / "alias")  # inside the checkout: still scanned
    result = scan_repo(str(repo))
    refs = sorted(f["raw_ref"] for f in result["findings"])
    assert refs == ["alias/jobs.py:2", "shared/jobs.py:2"]
    assert result["skipped"]["outside_repo"] == 2
