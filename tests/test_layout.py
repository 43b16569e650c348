"""The package layout stays true to the pipeline: stages import only backwards, nothing imports in a
circle, tools/ keeps at most ten modules at its top, and every stage says what it takes and gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
# shared leaf modules every stage may use
LEAVES = {"tools", "tools.errors", "tools.paths", "tools.timewindow", "tools.records", "tools.case"}
# the pipeline, in order: a module may import its own stage, an earlier one, and the leaves
STAGES = ["sources", "scan", "analysis", "report", "sinks", "replay", "evaluation"]
TOP = {"tools.cli", "tools.registry", "tools.investigate", "tools.collect", "tools.manifest_tools"}
TOP_PACKAGES = {"llm", "mcp"}  # orchestrators and adapters over the whole pipeline, like investigate
LEAF_PACKAGES = {"safety"}  # applied by every stage to what leaves the process
FORBIDDEN = {"report": {"sources"}}  # beyond the order: a report is built from analysis, never from an API


def module_name(path: Path) -> str:
    parts = path.relative_to(TOOLS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every tools.* module this file imports, at the top or inside a function (both run)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "tools":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _exists(candidate) else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "tools")
    return found


def _exists(name: str) -> bool:
    base = TOOLS.parent / Path(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def graph(root: Path = TOOLS) -> dict[str, set[str]]:
    return {module_name(p): imports(p) - {module_name(p)} for p in root.rglob("*.py")}


def stage(module: str) -> str:
    if module in LEAVES:
        return "leaf"
    if module in TOP:
        return "top"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LEAF_PACKAGES:
        return "leaf"
    if len(parts) > 1 and parts[1] in TOP_PACKAGES:
        return "top"
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "top?"


def violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, deps in edges.items():
        own = stage(module)
        for dep in deps:
            theirs = stage(dep)
            if theirs == "leaf" or own == "top" or theirs == own:
                continue
            if own == "leaf":
                bad.append(f"leaf {module} imports {dep}")
            elif theirs == "top" or theirs not in STAGES or own not in STAGES:
                bad.append(f"{module} ({own}) imports {dep} ({theirs})")
            elif STAGES.index(theirs) > STAGES.index(own) or theirs in FORBIDDEN.get(own, ()):
                bad.append(f"{module} ({own}) imports {dep} ({theirs}) against the stage order")
    return sorted(bad)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_every_import_follows_the_stage_order():
    assert violations(graph()) == []


def test_at_most_ten_modules_at_the_top_and_every_stage_documented():
    top = [p.name for p in TOOLS.glob("*.py") if p.name != "__init__.py"]
    assert len(top) <= 10, top
    for init in TOOLS.rglob("__init__.py"):
        if init.parent == TOOLS:
            continue
        doc = (ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or "").lower()
        # what the stage takes in, what it gives out, and what it must not do
        assert "take" in doc and "give" in doc and "must not" in doc, init


def test_no_module_over_400_lines():
    long = {str(p.relative_to(TOOLS)): n for p in TOOLS.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


@pytest.fixture()
def bad_tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "tools"
    for rel, text in {
        "__init__.py": "", "errors.py": "",
        "sources/__init__.py": '"""s"""', "sources/fetch.py": "from tools.analysis.rank import x\n",
        "analysis/__init__.py": '"""a"""', "analysis/rank.py": "def f():\n    from tools.analysis.other import y\n",
        "analysis/other.py": "from tools.analysis.rank import f\n",
        "report/__init__.py": '"""r"""', "report/build.py": "from tools.sources.fetch import z\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    monkeypatch.setattr(__import__(__name__), "TOOLS", root)
    return root


def test_the_checks_catch_a_backward_import_a_forbidden_one_and_a_cycle(bad_tree):
    edges = graph(bad_tree)
    assert cycles(edges) == [["tools.analysis.other", "tools.analysis.rank"]]
    found = violations(edges)
    assert any("tools.sources.fetch (sources) imports tools.analysis.rank" in v for v in found)
    assert any("tools.report.build (report) imports tools.sources.fetch" in v for v in found)
