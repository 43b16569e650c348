"""How report parse/validate/render scale with report size.

A report the investigation writes has tens of evidence rows; a runaway one
might have thousands. The contract tools must stay linear so that validating
in a write-validate-fix loop is never the slow step. Prints per-row cost at
two sizes and their ratio (about 1.0 means linear; well above 1 means
something quadratic crept in). Parsing is also timed with the garbage
collector paused: markdown-it's many small token objects make CPython's
cyclic GC cost grow with the heap, which is not the parser's own doing.

    .venv/bin/python benchmarks/report_roundtrip.py [ROWS]
"""

from __future__ import annotations

import copy
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.report.parse import parse_markdown  # noqa: E402
from tools.report.render import render_markdown  # noqa: E402
from tools.report.validate import validate  # noqa: E402

SEED = (ROOT / "tests" / "fixtures" / "sample-run-sitebookify.md").read_text(encoding="utf-8")


def big_report(rows: int) -> dict:
    """The seed with `rows` evidence rows and a candidate per 50 rows citing them."""
    report = parse_markdown(SEED)
    template = report["evidence"][1]
    report["evidence"] = [
        dict(copy.deepcopy(template), id=f"ev-{i:03d}", signal=f"{template['signal']} #{i} | `x{i}`")
        for i in range(1, rows + 1)
    ]
    base = report["root_cause_candidates"][0]
    # at least the seed's candidate count: its fix plan addresses them by rank
    count = max(len(report["root_cause_candidates"]), (rows + 49) // 50)
    report["root_cause_candidates"] = [
        dict(copy.deepcopy(base), rank=n, label="other",
             supporting_evidence=[f"ev-{i:03d}" for i in range(50 * (n - 1) + 1, min(50 * n, rows) + 1)]
             or [f"ev-{(n - 1) % rows + 1:03d}"])
        for n in range(1, count + 1)
    ]
    return report


def timed(func, arg, repeat: int = 3, collect: bool = True) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            func(arg)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def measure(rows: int) -> dict[str, float]:
    report = big_report(rows)
    text = render_markdown(report)
    assert parse_markdown(text) == report and validate(report) == []
    return {
        "render": timed(render_markdown, report),
        "parse": timed(parse_markdown, text),
        "parse/gc-off": timed(parse_markdown, text, collect=False),
        "validate": timed(validate, report),
        "bytes": len(text.encode("utf-8")),
    }


def main() -> None:
    large = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    small = max(large // 10, 1)
    a, b = measure(small), measure(large)
    print(f"report round trip: {small} rows ({a['bytes']} B) vs {large} rows ({b['bytes']} B)")
    for step in ("render", "parse", "parse/gc-off", "validate"):
        per_small, per_large = a[step] / small * 1000, b[step] / large * 1000
        print(f"  {step:<12} {per_small:7.3f} ms/row -> {per_large:7.3f} ms/row   "
              f"total {b[step] * 1000:8.1f} ms   per-row ratio {per_large / per_small:5.2f}")


if __name__ == "__main__":
    main()
