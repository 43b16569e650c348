"""Large files are located in top-level chunks, not parsed whole: the answers must not change."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from tools.scan.code.chunks import chunk_starts
from tools.scan.code.patterns import load_catalog
from tools.scan.code.scan_repo import scan_tree
from tools.scan.code.symbols import SourceFile

FILLER = 700  # functions of filler: every generated file is well over the 16 KiB chunking threshold

PYTHON_HEAD = '''"""Module docstring with an example at column 0:

def not_a_function():
    threading.Thread(target=work).start()
"""
import threading
from fastapi import FastAPI

app = FastAPI()
'''
PYTHON_TAIL = '''

class Jobs:
    """Holds jobs."""

    def start(self):
        threading.Thread(target=self.run).start()


@app.post("/jobs")
def create_job():
    # threading.Thread(target=work) in a comment is not a finding
    threading.Thread(target=work).start()
    return {"ok": True}


@app.get(
    "/multi",
)
def multi_line_decorator():
    threading.Thread(target=work).start()
'''
GO_TAIL = '''

type Server struct{}

func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {
\tgo work()
}

func init() { http.HandleFunc("/x", H) }

func H(w http.ResponseWriter, r *http.Request) {
\tquery := `
func fake() {
`
\t_ = query
\tgo work()
}
'''
RUST_TAIL = '''

impl Queue {
    pub fn spawn(&self) {
        tokio::spawn(async move { work().await });
    }
}

#[tokio::main]
async fn main() {
    std::thread::spawn(|| work());
}
'''
TS_TAIL = '''

export class Jobs {
  start(): void {
    setImmediate(() => work());
  }
}

app.post("/x", async (req, res) => {
  setImmediate(() => work());
  res.send("ok");
});
'''


def _filler(lang: str) -> str:
    forms = {
        "py": "def f{n}(x):\n    return x + {n}\n\n\n",
        "go": "func F{n}(x int) int {{\n\treturn x + {n}\n}}\n\n",
        "rs": "fn f{n}(x: u32) -> u32 {{\n    x + {n}\n}}\n\n",
        "ts": "export function f{n}(x: number): number {{\n  return x + {n};\n}}\n\n",
    }
    return "".join(forms[lang].format(n=n) for n in range(FILLER))


def _tree(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "main.py").write_text(PYTHON_HEAD + _filler("py") + PYTHON_TAIL)
    (root / "main.go").write_text("package main\n\n" + _filler("go") + GO_TAIL)
    (root / "main.rs").write_text(_filler("rs") + RUST_TAIL)
    (root / "app.ts").write_text(_filler("ts") + TS_TAIL)


def _whole_file_catalog():
    catalog = load_catalog()
    languages = {name: dataclasses.replace(lang, chunk_start=None) for name, lang in catalog.languages.items()}
    return dataclasses.replace(catalog, languages=languages, _names={}, _literal_index={})


def test_chunked_and_whole_file_scans_agree(tmp_path):
    _tree(tmp_path)
    chunked = scan_tree(tmp_path, load_catalog())
    whole = scan_tree(tmp_path, _whole_file_catalog())
    assert chunked["findings"] == whole["findings"]
    assert chunked["handlers"] == whole["handlers"]
    refs = {f["raw_ref"]: f for f in chunked["findings"] if f["category"] == "background-work"}
    lines = (tmp_path / "app" / "main.py").read_text().splitlines()
    create = lines.index("def create_job():") + 3  # the Thread line after the comment
    assert refs[f"app/main.py:{create}"]["enclosing_symbol"] == "create_job"
    assert refs[f"app/main.py:{create}"]["in_request_path"] is True
    start = lines.index("    def start(self):") + 2
    assert refs[f"app/main.py:{start}"]["enclosing_symbol"] == "Jobs.start"  # the class is in the chunk
    assert "app/main.py:4" not in refs  # inside the module docstring, despite its column-0 `def`
    go_lines = (tmp_path / "main.go").read_text().splitlines()
    assert refs[f"main.go:{len(go_lines) - 1}"]["enclosing_symbol"] == "H"  # raw string holds a col-0 func
    rust = {f["raw_ref"]: f["enclosing_symbol"] for f in chunked["findings"] if f["path"] == "main.rs"}
    assert "Queue::spawn" in rust.values()


def test_a_hit_deep_in_a_big_file_parses_only_its_chunk(tmp_path):
    catalog = load_catalog()
    data = (_filler("py") + PYTHON_TAIL).encode()
    source = SourceFile("m.py", catalog.languages["python"], data)
    line = data.decode().splitlines().index("def create_job():") + 3
    func = source.enclosing_function(line, 4)
    assert func is not None and func.name == "create_job" and func.start_line == line - 2
    assert source._tree is None  # the 1,000-function module itself was never parsed whole
    assert source.context(line - 1, 6) == "comment"


def test_chunk_starts_take_decorators_and_attributes_with_them():
    catalog = load_catalog()
    python = catalog.languages["python"]
    data = b'import x\n\n@app.get(\n    "/a",\n)\ndef a():\n    pass\n\n@app.post("/b")\n@auth\ndef b():\n    pass\n'
    assert chunk_starts(data, python.chunk_start, python.chunk_prefix) == [(3, data.index(b"@app.get")),
                                                                         (9, data.index(b"@app.post"))]
    data = b"def a():\n    return 1\n)\ndef b():\n    pass\n"  # climbing stops at a plain column-0 line
    assert chunk_starts(data, python.chunk_start, python.chunk_prefix) == [(1, 0), (4, data.index(b"def b"))]
    rust = catalog.languages["rust"]
    data = b"use x;\n#[tokio::main]\nasync fn main() {}\npub(crate) fn g() {}\n"
    starts = chunk_starts(data, rust.chunk_start, rust.chunk_prefix)
    assert starts == [(2, data.index(b"#[")), (4, data.index(b"pub(crate)"))]
    assert all(re.match(rb"[^ \t]", data[offset:offset + 1]) for _, offset in starts)


TOKIO_LINE = "        tokio::spawn(async move { work().await });"


def _big_class(lang: str) -> str:
    if lang == "py":
        methods = "".join(f"    def m{n}(self, x):\n        return x + {n}\n\n" for n in range(400))
        return ("import threading\n\n\n@register\nclass Big(Base):\n    \"\"\"Many methods.\"\"\"\n\n    limit = 3\n\n"
                + methods + "    @property\n    def spawn(self):\n        threading.Thread(target=self.m1).start()\n\n"
                + methods.replace("def m", "def n") + "\n\ndef after():\n    threading.Thread(target=after).start()\n")
    methods = "".join(f"    pub fn m{n}(&self, x: u32) -> u32 {{\n        x + {n}\n    }}\n\n" for n in range(400))
    return ("struct Big;\n\n#[derive(Debug)]\nimpl Big {\n" + methods
            + "    #[inline]\n    pub async fn spawn(&self) {\n" + TOKIO_LINE + "\n    }\n\n"
            + methods.replace("fn m", "fn n") + "}\n\nfn after() {\n    std::thread::spawn(|| work());\n}\n")


def test_a_large_class_is_cut_at_its_methods_and_still_qualifies_them(tmp_path):
    (tmp_path / "big.py").write_text(_big_class("py"))
    (tmp_path / "big.rs").write_text(_big_class("rs"))
    chunked = scan_tree(tmp_path, load_catalog())
    assert chunked["findings"] == scan_tree(tmp_path, _whole_file_catalog())["findings"]
    symbols = {f["raw_ref"]: f["enclosing_symbol"] for f in chunked["findings"] if f["category"] == "background-work"}
    assert set(symbols.values()) == {"Big.spawn", "Big::spawn", "after"}
    tokio_line = _big_class("rs").splitlines().index(TOKIO_LINE) + 1
    assert symbols[f"big.rs:{tokio_line}"] == "Big::spawn"

    catalog = load_catalog()
    data = _big_class("py").encode()
    source = SourceFile("big.py", catalog.languages["python"], data)
    line = data.decode().splitlines().index("    def spawn(self):") + 2
    assert source.enclosing_function(line, 8).qualified == "Big.spawn"
    assert source._tree is None and source._chunked < len(data) // 20  # header + one method, not the class
