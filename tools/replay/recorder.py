"""`crobs record`: capture a live incident into a case directory.

Takes the same typed parameters as fetch_logs and writes the case format
(case.yaml without an `expect:` block, logging/entries.jsonl with LogEntry
dicts exactly as the API returned them), every payload redacted before it
is written. The result replays with `crobs replay` and can become an eval.

Capture is pluggable: each source is a capturer registered by name. This
module registers `logging`; a later source (Cloud Run resources, the Trello
card) adds a module to CAPTURE_MODULES exposing `register(registry)`, which
may add command-line options and a capturer, without touching this file's
logic.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from tools.errors import OneLineArgumentParser, UsageError
from tools.records import DataGap
from tools.safety.atomic import write_atomic
from tools.timewindow import format_time, parse_window

# Optional capture plugins, imported when present (later issues add theirs).
CAPTURE_MODULES = ("tools.record_run", "tools.record_trello")


@dataclass
class RecordContext:
    """What every capturer gets: the target, the window, the output directory, all parsed options."""

    project_id: str
    region: str | None
    target_type: str
    target_name: str
    start: datetime
    end: datetime
    out: Path
    options: argparse.Namespace
    data_gaps: list[DataGap] = field(default_factory=list)


Capturer = Callable[[RecordContext], dict[str, Any]]  # -> {"files": [...], "count": N}


@dataclass
class CaptureRegistry:
    capturers: dict[str, Capturer] = field(default_factory=dict)
    option_adders: list[Callable[[argparse.ArgumentParser], None]] = field(default_factory=list)

    def add(self, name: str, capturer: Capturer, add_options: Callable[[argparse.ArgumentParser], None] | None = None):
        self.capturers[name] = capturer
        if add_options:
            self.option_adders.append(add_options)


def _write_atomic(path: Path, lines: Any) -> None:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        for line in lines:
            fh.write(line)
    os.replace(tmp, path)


def capture_logging(ctx: RecordContext) -> dict[str, Any]:
    """Raw entries for the target and window, redacted, as logging/entries.jsonl."""
    import orjson

    from tools.safety.mask import mask_entry
    from tools.sources.logging.cloud_logging import LogFetch
    from tools.sources.logging.query import build_filter

    opts = ctx.options
    filter_text = build_filter(
        ctx.project_id,
        ctx.target_type,
        ctx.target_name,
        ctx.start,
        ctx.end,
        ctx.region,
        getattr(opts, "revision", None),
        getattr(opts, "severity_min", None),
        getattr(opts, "log_kinds", None),
        getattr(opts, "text", None),
    )
    fetch = LogFetch(
        ctx.project_id, filter_text, opts.limit, subject=f"Cloud Run logs for {ctx.target_type} {ctx.target_name}"
    )
    target = ctx.out / "logging" / "entries.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0

    def lines():
        nonlocal count
        for page in fetch.pages():
            for entry in page:
                count += 1
                yield orjson.dumps(mask_entry(entry)) + b"\n"

    _write_atomic(target, lines())
    ctx.data_gaps.extend(fetch.data_gaps)
    return {"files": [str(target.relative_to(ctx.out))], "count": count, "calls": fetch.calls,
            "truncated": fetch.truncated}


def _add_logging_options(parser: argparse.ArgumentParser) -> None:
    from tools.sources.logging.cloud_logging import MAX_LIMIT
    from tools.sources.logging.query import log_kinds

    parser.add_argument("--log-kinds", nargs="+", choices=list(log_kinds()), help="only these logs (default all)")
    parser.add_argument("--severity-min", help="lowest severity to record (default all)")
    parser.add_argument("--revision", help="only this revision (services)")
    parser.add_argument("--text", help="only entries containing this text")
    parser.add_argument("--limit", type=int, default=MAX_LIMIT, help=f"at most this many entries (default {MAX_LIMIT})")


def build_registry() -> CaptureRegistry:
    registry = CaptureRegistry()
    registry.add("logging", capture_logging, _add_logging_options)
    for name in CAPTURE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(registry)
    return registry


def _case_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "recorded-case"


def case_yaml(ctx: RecordContext, case_id: str, title: str, lang: str) -> str:
    """case.yaml for a recording: target and window, no expect block (a human adds it for an eval)."""
    data = {
        "id": case_id,
        "title": title,
        "target": {
            "project_id": ctx.project_id,
            "region": ctx.region,
            "target_type": ctx.target_type,
            "target_name": ctx.target_name,
        },
        "window": {"start": format_time(ctx.start), "end": format_time(ctx.end)},
        "lang": lang,
    }
    header = (
        f"# Recorded by `crobs record` at {format_time(datetime.now(UTC))}; payloads redacted.\n"
        "# Add an `expect:` block to use this case as an eval.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def main(argv: list[str]) -> int:
    registry = build_registry()
    parser = OneLineArgumentParser(prog="crobs record", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--region")
    parser.add_argument("--target-type", required=True, choices=["service", "job"])
    parser.add_argument("--target-name", required=True)
    parser.add_argument("--start", required=True, help="RFC 3339")
    parser.add_argument("--end", required=True, help="RFC 3339")
    parser.add_argument("--out", required=True, help="case directory to create")
    parser.add_argument("--id", dest="case_id", help="case id (default: target and start time)")
    parser.add_argument("--title", help="one-line title for case.yaml")
    parser.add_argument("--lang", default="en", choices=["en", "ja"])
    parser.add_argument("--force", action="store_true", help="write into a non-empty directory")
    parser.add_argument(
        "--sources", nargs="+", choices=list(registry.capturers), default=list(registry.capturers),
        help="what to capture (default: everything available)",
    )
    for add in registry.option_adders:
        add(parser)
    args = parser.parse_args(argv)
    start, end = parse_window(args.start, args.end)
    if getattr(args, "limit", 1) < 1:
        raise UsageError("--limit must be positive")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise UsageError(f"{out}: not empty; choose a new directory or pass --force")
    out.mkdir(parents=True, exist_ok=True)
    ctx = RecordContext(args.project_id, args.region, args.target_type, args.target_name, start, end, out, args)
    summaries = {name: registry.capturers[name](ctx) for name in args.sources}
    case_id = args.case_id or _case_id(f"{args.target_name}-{start:%Y%m%d-%H%M}")
    title = args.title or f"{args.target_type} {args.target_name} {format_time(start)} to {format_time(end)}"
    write_atomic(out / "case.yaml", case_yaml(ctx, case_id, title, args.lang))
    for name, summary in summaries.items():
        files = ", ".join(summary.get("files", [])) or "nothing"
        extra = " (truncated at --limit)" if summary.get("truncated") else ""
        print(f"{name}: {summary.get('count', 0)} item(s) -> {files}{extra}")
    for gap in ctx.data_gaps:
        print(f"data gap: {gap['missing_signal']}: {gap['why_missing']}", file=sys.stderr)
        print(f"  follow up: {gap['follow_up']}", file=sys.stderr)
    print(f"recorded case {case_id} in {out}")
    return 1 if ctx.data_gaps else 0
