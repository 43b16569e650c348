#!/usr/bin/env python3
"""Regenerate the bundled eval cases from their stories.

    python evals/generate_cases.py --out evals/cases            # the committed small cases, byte-for-byte
    python evals/generate_cases.py --large --out evals/.generated  # the >=200k-entry case (not committed)
    python evals/generate_cases.py --only <id> --out DIR        # one case

Why a generator: the cases must be reproducible (fixed seeds, fixed
timestamps, sorted keys) and the large case is too big to commit. Stories
live in evals/stories/<id>.py and expose `build() -> casegen.Case` plus
`LARGE = True` for cases that are only written with --large.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from casegen import Case  # noqa: E402


def load_stories() -> list[tuple[str, object]]:
    """(module stem, module) for every story file, in name order."""
    stories = []
    for path in sorted((HERE / "stories").glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"evalstory_{path.stem.replace('-', '_')}", path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        stories.append((path.stem, module))
    return stories


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip())
    parser.add_argument("--out", type=Path, default=HERE / "cases", help="parent directory of the case dirs")
    parser.add_argument("--large", action="store_true", help="write only the large (not committed) cases")
    parser.add_argument("--only", nargs="+", default=None, help="case ids to write")
    args = parser.parse_args(argv)
    written = 0
    for stem, module in load_stories():
        if bool(getattr(module, "LARGE", False)) != args.large:
            continue
        case: Case = module.build()
        if case.id != stem:
            print(f"error: story {stem}.py builds case {case.id!r}; name them the same", file=sys.stderr)
            return 2
        if args.only and case.id not in args.only:
            continue
        out = case.write(args.out)
        print(f"{case.id}: {len(case.logs.entries)} entries -> {out}")
        written += 1
    if not written:
        print("error: no case matched", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
