"""Benchmark: issue 16's security and reliability figures in one run.

    .venv/bin/python benchmarks/security.py

Each half lives in its own module and gives `section() -> list[str]`:
benchmarks/security_faults.py (fault matrix cells passing, the longest
investigate against dead endpoints). The masking half
(benchmarks/security_secrets.py: secrets planted / leaked per output, the
false-positive rate) joins here when present.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECTIONS = ("security_secrets", "security_faults")


def main() -> int:
    for name in SECTIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        print(f"== {name}", flush=True)
        for line in module.section():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
