"""Security and reliability figures of issue 16, one table per section.

Sections live in their own modules so they can grow independently: secrets (planted / leaked per
output, false-positive rate, masking cost) in benchmarks/security_secrets.py; the fault matrix and
the investigate against dead endpoints are added beside it. Each section module exposes
`tables() -> [(title, header, rows)]`.

    .venv/bin/python benchmarks/security.py [SECTION ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import security_faults  # noqa: E402
import security_secrets  # noqa: E402

Table = tuple[str, list[str], list[list[Any]]]

# section name -> the function giving its tables (a new section appends one line here)
SECTIONS: dict[str, Callable[[], list[Table]]] = {
    "secrets": security_secrets.tables,
    "faults": lambda: [],  # printed as lines by security_faults.section (see main)
}


def main(argv: list[str] | None = None) -> int:
    wanted = (sys.argv[1:] if argv is None else argv) or list(SECTIONS)
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    for name in wanted:
        if name == "faults":
            print("== fault matrix and dead endpoints", flush=True)
            for line in security_faults.section():
                print(line, flush=True)
            continue
        for table in SECTIONS[name]():
            security_secrets.print_table(*table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
