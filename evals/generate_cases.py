#!/usr/bin/env python3
"""Regenerate the bundled eval cases from their stories.

    python evals/generate_cases.py --out evals/cases            # the committed small cases, byte-for-byte
    python evals/generate_cases.py --large --out evals/.generated  # the >=200k-entry case (not committed)
    python evals/generate_cases.py --only <id> --out DIR        # one case
    python evals/generate_cases.py --real                       # regenerate evals/real/* from evals/realgen/*
    python evals/generate_cases.py --mirrors DIR                 # write repo/ of every real case from git mirrors

Why a generator: the cases must be reproducible (fixed seeds, fixed
timestamps, sorted keys) and the large case is too big to commit. Stories
live in evals/stories/<id>.py and expose `build() -> casegen.Case` plus
`LARGE = True` for cases that are only written with --large.

Cases rebuilt from real incidents (evals/real/) are written by their own
scripts, evals/realgen/<id>.py, each exposing `write(out_parent) -> int`
(entries written) and `LARGE`; a large one is written only with --large, to
--out, like the team's large case. Their public repositories are never
committed: `--mirrors DIR` materialises `repo/` from `repo.yaml` (see
evals/mirrors.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
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


def load_real_scripts() -> list[tuple[str, object]]:
    """(case id, module) for every evals/realgen/<id>.py."""
    scripts = []
    for path in sorted((HERE / "realgen").glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"realgen_{path.stem.replace('-', '_')}", path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        scripts.append((path.stem, module))
    return scripts


def write_real(out: Path, large: bool, only: list[str] | None) -> int:
    written = 0
    for case_id, module in load_real_scripts():
        if bool(getattr(module, "LARGE", False)) != large or (only and case_id not in only):
            continue
        count = module.write(out)
        print(f"{case_id}: {count} entries -> {out / case_id}")
        written += 1
    return written


def materialise_all(mirrors: Path, roots: list[Path]) -> int:
    from mirrors import materialise

    failed = 0
    for root in roots:
        for case_dir in sorted(p.parent for p in root.glob("*/repo.yaml")):
            try:
                print(f"{case_dir.name}: {materialise(case_dir, mirrors)}")
            except (ValueError, OSError, subprocess.CalledProcessError) as exc:
                print(f"{case_dir.name}: error: {exc}", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip())
    parser.add_argument("--out", type=Path, default=HERE / "cases", help="parent directory of the case dirs")
    parser.add_argument("--large", action="store_true", help="write only the large (not committed) cases")
    parser.add_argument("--only", nargs="+", default=None, help="case ids to write")
    parser.add_argument("--real", action="store_true", help="write the real-incident cases (default out: evals/real)")
    parser.add_argument("--mirrors", type=Path, help="materialise repo/ of each case with repo.yaml from these "
                        "git mirrors (<dir>/<OWNER>+<NAME>/repo), in evals/real and --out, then stop")
    args = parser.parse_args(argv)
    if args.mirrors:
        roots = [HERE / "real"] + ([args.out] if args.out != HERE / "cases" else [HERE / ".generated"])
        return materialise_all(args.mirrors, [r for r in roots if r.is_dir()])
    if args.real:
        out = args.out if args.out != HERE / "cases" else HERE / "real"
        if not write_real(out, False, args.only):
            print("error: no real case matched", file=sys.stderr)
            return 2
        return 0
    written = write_real(args.out, True, args.only) if args.large else 0
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
