"""Stack traces in error logs resolve to the application's own path:line, never to a library's."""

from __future__ import annotations

from pathlib import Path

from tools.analysis.error_line import error_line
from tools.analysis.evidence.build import build_items
from tools.analysis.ranking import rank
from tools.analysis.stack_frames import RepoIndex, extract_frames, locate_errors

PY_TRACE = (
    "Exception in ASGI application\nTraceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 902, in dispatch_request\n'
    "    return self.view_functions[rule.endpoint](**view_args)\n"
    '  File "/srv/billing/app.py", line 3, in invoice\n    return pdf_url(1)\n'
    '  File "/srv/billing/pdf.py", line 2, in pdf_url\n    bucket = os.environ["BUCKET"]\n'
    '  File "<frozen os>", line 714, in __getitem__\nKeyError: \'BUCKET\''
)
NODE_TRACE = ("/app/src/handlers.js:2\n  const id = event.customer.id;\n\nTypeError: Cannot read properties of null\n"
              "    at handleEvent (/app/src/handlers.js:2:30)\n"
              "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)\n"
              "    at async /app/src/index.js:1:3")
JAVA_TRACE = ("com.google.cloud.storage.StorageException: 403 Forbidden\n"
              "\tat com.google.cloud.storage.StorageImpl.create(StorageImpl.java:199)\n"
              "\tat jp.example.reports.ReportStore.save(ReportStore.java:3)\n"
              "\tat jp.example.reports.ReportController.create(ReportController.java:1)")
GO_TRACE = ("panic: assignment to entry in nil map\n\ngoroutine 34 [running]:\n"
            "main.(*flagStore).refresh(0xc0001a6000, 0x8bb2c97000)\n\t/src/flags.go:2 +0x2b5\n"
            "created by main.main in goroutine 1\n\t/src/main.go:1 +0x8c")
RUST_PANIC = "thread 'tokio-runtime-worker' panicked at src/main.rs:2:10:\ncalled `Option::unwrap()` on a `None` value"


def _repo(tmp_path: Path) -> Path:
    files = {
        "billing/app.py": "import pdf\n\ndef invoice(): return pdf_url(1)\n",
        "billing/pdf.py": "import os\nbucket = os.environ['BUCKET']\n",
        "app.py": "# an unrelated top-level app.py that must not catch flask's frame\n" * 1000,
        "src/handlers.js": "// handler\nconst id = event.customer.id;\n",
        "src/index.js": "run();\n",
        "src/main/java/jp/example/reports/ReportStore.java": "class A {\n\n  storage.create(info, pdf);\n}\n",
        "flags.go": "package main\n\ts.overrides[k] = v\n",
        "src/main.rs": "fn main() {\n    let x = y.unwrap();\n}\n",
        "node_modules/lib/handlers.js": "x\ny\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_frames_are_innermost_first_and_libraries_are_marked():
    frames = extract_frames(PY_TRACE)
    assert [(f["path"], f["line"], f["library"]) for f in frames][:3] == [
        ("<frozen os>", 714, True), ("/srv/billing/pdf.py", 2, False), ("/srv/billing/app.py", 3, False)]
    assert frames[-1]["library"] and "site-packages" in frames[-1]["path"]
    java = extract_frames(JAVA_TRACE)
    assert java[1]["path"] == "jp/example/reports/ReportStore.java" and java[1]["line"] == 3
    assert extract_frames(GO_TRACE)[0] == {"path": "/src/flags.go", "line": 2,
                                           "function": "main.(*flagStore).refresh", "format": "go",
                                           "library": False}
    assert extract_frames(RUST_PANIC)[0]["path"] == "src/main.rs"
    assert extract_frames("GET /healthz 200 in 3 ms") == []


def test_frames_resolve_only_to_a_file_whose_path_agrees_and_whose_line_exists(tmp_path):
    index = RepoIndex(_repo(tmp_path))
    assert index.resolve("/srv/billing/pdf.py", 2) == "billing/pdf.py"
    assert index.resolve("/srv/billing/pdf.py", 99) is None  # no such line
    assert index.resolve("/app/src/handlers.js", 2) == "src/handlers.js"  # node_modules is never indexed
    assert index.resolve("jp/example/reports/ReportStore.java", 3) == \
        "src/main/java/jp/example/reports/ReportStore.java"
    assert index.resolve("/src/flags.go", 2) == "flags.go"
    assert index.resolve("/srv/other/pdf.py", 2) is None  # only the base name agrees
    (tmp_path / "bundle.js").write_text("x\n" * 3_000_000)  # over the size cap: never read whole
    assert RepoIndex(tmp_path).resolve("/app/bundle.js", 2) is None
    (tmp_path / "small.js").write_text("x\n" * 3)
    assert RepoIndex(tmp_path).resolve("/app/small.js", 2) == "small.js"
    (tmp_path / "moved.py").write_text("def f():\n\n    })\n")  # the trace came from other code than this
    assert RepoIndex(tmp_path).resolve("/app/moved.py", 2) is None  # a blank line is not a frame site
    assert RepoIndex(tmp_path).resolve("/app/moved.py", 3) is None  # nor a closing bracket


def test_error_line_names_the_raised_error():
    assert error_line(PY_TRACE) == "KeyError: 'BUCKET'"  # not the "Exception in ASGI application" preamble
    assert error_line(NODE_TRACE) == "TypeError: Cannot read properties of null"
    assert error_line(GO_TRACE) == "panic: assignment to entry in nil map"
    assert error_line(RUST_PANIC).startswith("thread 'tokio-runtime-worker' panicked at src/main.rs:2:10")
    assert error_line("GET /healthz took 3 ms\nmore") == "GET /healthz took 3 ms"


def _record(message: str, n: int, service: str = "api") -> dict:
    return {"timestamp": f"2026-02-12T00:{10 + n:02d}:00Z", "severity": "ERROR", "log_kind": "stderr",
            "message": message, "insert_id": f"e{n}", "raw_ref": f"run.googleapis.com/stderr#e{n}",
            "resource": {"service_name": service, "revision_name": f"{service}-001"}}


def test_locate_errors_groups_by_the_innermost_application_frame(tmp_path):
    repo = _repo(tmp_path)
    records = [_record(PY_TRACE, n) for n in range(3)] + [_record(NODE_TRACE, 5), _record(JAVA_TRACE, 6),
                                                          _record(GO_TRACE, 7), _record(RUST_PANIC, 8),
                                                          _record("plain error line", 9)]
    located = {g["raw_ref"]: g for g in locate_errors(records, repo)}
    assert set(located) == {"billing/pdf.py:2", "src/handlers.js:2",
                            "src/main/java/jp/example/reports/ReportStore.java:3", "flags.go:2", "src/main.rs:2"}
    py = located["billing/pdf.py:2"]
    assert py["count"] == 3 and py["function"] == "pdf_url" and py["error"] == "KeyError: 'BUCKET'"
    assert py["first_seen"] == "2026-02-12T00:10:00Z" and py["example_ref"] == "run.googleapis.com/stderr#e0"
    assert py["snippet"] == "bucket = os.environ['BUCKET']"
    assert locate_errors(records, tmp_path / "missing") == []


def test_a_frame_is_cited_by_the_candidate_its_error_lines_support(tmp_path):
    repo = _repo(tmp_path)
    records = [_record(PY_TRACE, n) for n in range(3)] + [_record(NODE_TRACE, 5, service="other")]
    from tools.analysis.signatures import match_records

    items = build_items({
        "target": {"target_name": "api"}, "window": {"start": "2026-02-12T00:00:00Z", "end": "2026-02-12T01:00:00Z"},
        "records": records, "signature_hits": match_records(records), "located_errors": locate_errors(records, repo),
    })
    frames = {i["raw_ref"]: i for i in items if i["type"] == "stack_frame"}
    assert frames["src/handlers.js:2"]["excluded"]  # another service's error never drives a candidate
    assert frames["billing/pdf.py:2"]["source"] == "repository" and frames["billing/pdf.py:2"]["links"]
    top = rank(items)[0]
    assert top["label"] == "missing-config-or-secret"
    assert frames["billing/pdf.py:2"]["id"] in top["kinds"]["location"]
    assert "src/handlers.js:2" not in [i["raw_ref"] for i in items if i["id"] in top["items"]]
