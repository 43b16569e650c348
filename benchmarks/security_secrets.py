"""The secrets section of benchmarks/security.py (issue 16): planted / leaked per output, false positives.

Builds the seeded replay case of tests/secret_corpus.py (secrets of 25 kinds in every input
channel), runs investigate --replay, every read tool (JSON and text) and the Trello attach, and
counts per output how many planted secrets reach it with the masking step switched off (what the
channel exposes) and with it on (what leaks). Then the false-positive rate: clean corpus lines and
the text payloads of every bundled eval case altered by masking; and the cost: the sitebookify
replay investigate with and without masking.

    .venv/bin/python benchmarks/security_secrets.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from secret_corpus import (  # noqa: E402
    build_case,
    clean_lines,
    eval_corpora,
    leaked,
)
from secret_corpus_run import masking_off, run_everything  # noqa: E402

from tools.safety.mask import mask_text  # noqa: E402

Table = tuple[str, list[str], list[list[Any]]]


def leak_rows(tmp: Path) -> Table:
    """Per output: secrets that reach it unmasked, and that leak with masking on."""
    case, secrets = build_case(tmp)
    masked = run_everything(case, tmp / "masked")
    with masking_off():
        bare = run_everything(case, tmp / "bare")
    rows: list[list[Any]] = []
    for name in sorted(masked):
        reach, leak = len(leaked(secrets, bare.get(name, ""))), len(leaked(secrets, masked[name]))
        if reach or leak:
            rows.append([name, reach, leak])
    reached = {s for text in bare.values() for s in leaked(secrets, text)}
    leaks = {s for text in masked.values() for s in leaked(secrets, text)}
    kinds, channels = len({s.kind for s in secrets}), len({s.channel.split(":")[0] for s in secrets})
    rows.append([f"ALL ({len(secrets)} planted, {kinds} kinds, {channels} channels)", len(reached), len(leaks)])
    return "Secrets: planted secrets per output", ["output", "reach it unmasked", "leaked"], rows


def false_positive_rows() -> Table:
    """Lines altered by masking in corpora that hold no secret (personal emails lose their local part by design)."""
    rows: list[list[Any]] = []
    corpora = {"clean corpus (tests/secret_corpus.py)": clean_lines(), **eval_corpora()}
    examples: list[str] = []
    for name, lines in corpora.items():
        altered = [line for line in lines if mask_text(line) != line]
        emails = [line for line in altered if mask_text(line).count("[REDACTED]@") == mask_text(line).count(
            "[REDACTED]")]
        other = [line for line in altered if line not in emails]
        examples.extend(other[:3])
        rows.append([name, len(lines), len(other), len(emails),
                     f"{100 * len(other) / max(1, len(lines)):.2f} %"])
    for text in examples:
        rows.append([f"  e.g. {text[:70]!r}", "", "", "", ""])
    return ("Secrets: false positives (lines altered that hold no secret)",
            ["corpus", "lines", "altered", "emails (by design)", "rate (not emails)"], rows)


def cost_rows(tmp: Path, repeats: int = 7) -> Table:
    """Wall time of the sitebookify replay investigate with and without the masking step.

    Runs alternate (off, on, off, on, ...) and the best of each is kept, so load from other
    processes on a shared machine falls on both sides alike. The one-time cost a fresh process pays
    (compiling the catalog) is measured separately.
    """
    from secret_corpus_run import _cli

    from tools.safety import patterns

    case = ROOT / "evals" / "cases" / "sitebookify-sample"

    def once(i: int) -> float:
        start = time.perf_counter()
        _cli(["investigate", "--replay", str(case), "--out", str(tmp / f"cost-{i}"), "--json"])
        return time.perf_counter() - start

    once(0)  # warm imports and caches
    off: list[float] = []
    on: list[float] = []
    for i in range(repeats):
        with masking_off():
            off.append(once(i))
        on.append(once(i))
    patterns.catalog.cache_clear()
    start = time.perf_counter()
    patterns.catalog()
    compile_s = time.perf_counter() - start
    bare, masked = min(off), min(on)
    return (f"Secrets: cost of masking (sitebookify replay investigate, best of {repeats}, alternating)",
            ["masking", "seconds", "slowdown"],
            [["off", f"{bare:.3f}", ""], ["on", f"{masked:.3f}", f"{100 * (masked - bare) / bare:+.1f} %"],
             ["catalog compile, once per process", f"{compile_s:.3f}", ""]])


def tables() -> list[Table]:
    with tempfile.TemporaryDirectory(prefix="crobs-secrets-") as tmp:
        return [leak_rows(Path(tmp) / "leaks"), false_positive_rows(), cost_rows(Path(tmp))]


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  " + "  ".join(padded))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def main() -> int:
    for table in tables():
        print_table(*table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
