"""Ruby, PHP, Kotlin, C# and Dart code is read by tree-sitter grammars from tree-sitter-language-pack:
a finding names its enclosing function, and a pattern in a comment is not code (issue 13 point 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.scan.code.scan_repo import scan_repo

SOURCES = {
    "app/jobs/report.rb": "class ReportJob\n  def enqueue(id)\n    # Thread.new in a comment is not code\n"
                          "    Thread.new { build(id) }\n  end\nend\n",
    "src/Worker.kt": "class Worker {\n    fun handle(id: Int) {\n        GlobalScope.launch { build(id) }\n"
                     "    }\n}\n",
    "Controllers/ExportController.cs": "public class ExportController {\n    public void Start(int id) {\n"
                                       "        Task.Run(() => Build(id));\n    }\n}\n",
    "public/index.php": "<?php\nclass Api {\n    public function send($x) {\n        fastcgi_finish_request();\n"
                        "        work($x);\n    }\n}\n",
    "lib/server.dart": "void main() {\n  // Timer.periodic in a comment is not code\n"
                       "  Timer.periodic(Duration(seconds: 5), (t) => refresh());\n}\n",
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> list[dict]:
    root: Path = tmp_path_factory.mktemp("langs")
    for rel, text in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return [f for f in scan_repo(str(root))["findings"] if f["category"] == "background-work"]


@pytest.mark.parametrize("path,line,symbol", [
    ("app/jobs/report.rb", 4, "enqueue"),
    ("src/Worker.kt", 3, "handle"),
    ("Controllers/ExportController.cs", 3, "Start"),
    ("public/index.php", 4, "send"),
])
def test_a_finding_names_its_enclosing_function(findings, path, line, symbol):
    hit = next((f for f in findings if f["path"] == path and f["line"] == line), None)
    assert hit is not None, [(f["path"], f["line"]) for f in findings]
    assert hit["enclosing_symbol"] and hit["enclosing_symbol"].split(".")[-1].split("#")[-1].split("::")[-1] == symbol


def test_patterns_in_comments_are_not_code(findings):
    lines = {(f["path"], f["line"]) for f in findings}
    assert ("app/jobs/report.rb", 3) not in lines and ("lib/server.dart", 2) not in lines
    assert ("lib/server.dart", 3) in lines
