"""`crobs investigate`: every source, the analysis and the report in one command.

The investigation never stops at a missing or failing source: an unknown
project, absent credentials, a 403 or a dead network each become a named
data gap with the exact command that would fill it, and the report is still
written. It fails (exit 1) only when no report could be produced at all.
The report files are written before anything is sent anywhere (`--attach`),
so a Trello failure can never lose the report.

`--replay CASE_DIR` runs the same code against a recorded case: it starts the
replay server in-process and points the real Google and Trello clients at it,
and takes target, window, repo, card, profile and language from case.yaml.

`--llm` hands the finished report to tools/llm before the files are written
(inside the replay, so the model's tool calls reach the same sources); when
that pass fails, the deterministic report is written with a data gap.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.collect import (
    Progress,
    as_text,
    case_defaults,
    collect_card,
    collect_gcp,
    collect_repo,
    replay_env,
    replay_gaps,
)
from tools.errors import ToolError, UsageError
from tools.sources import deadline
from tools.timewindow import format_time, parse_window

DEFAULT_SINCE = "1h"


# -- the tool -----------------------------------------------------------------

def default_out_dir(target_name: str, start: datetime) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", target_name) or "target"
    return str(Path("out") / f"{safe}-{start.strftime('%Y%m%dT%H%M%SZ')}")


# tool
def investigate(
    project: str | None = None,
    region: str | None = None,
    service: str | None = None,
    job: str | None = None,
    since: str | None = None,
    start: str | None = None,
    end: str | None = None,
    repo: str | None = None,
    trello: str | None = None,
    profile: str | None = None,
    lang: str | None = None,
    out: str | None = None,
    format: str = "md",  # noqa: A002 - the flag is --format
    replay: str | None = None,
    attach: bool = False,
    emit_alerts: str | None = None,
    llm: bool = False,
    model: str | None = None,
    allow_write: bool = False,
    llm_max_turns: int | None = None,
    llm_max_tokens: int | None = None,
    llm_max_seconds: float | None = None,
    request_timeout: float | None = None,
    source_deadline: float | None = None,
    failure_budget: float | None = None,
    repo_deadline: float | None = None,
    engine: str = "auto",
    log_dataset: str | None = None,
    max_scan_bytes: int | None = None,
) -> dict[str, Any]:
    """Investigate one Cloud Run service or job and write report.json + report.md (see module docstring)."""
    progress = Progress()
    case = case_defaults(replay) if replay else {}
    project = project or case.get("project")
    region = region or case.get("region")
    if not service and not job:
        service, job = case.get("service"), case.get("job")
    if service and job:
        raise UsageError("give either --service or --job, not both")
    if not service and not job:
        raise UsageError("name the target: --service NAME or --job NAME")
    if format not in ("md", "json"):
        raise UsageError(f"--format must be md or json, not {format!r}")
    if any(v is not None and v <= 0 for v in (llm_max_turns, llm_max_tokens, llm_max_seconds)):
        raise UsageError("--llm-max-turns, --llm-max-tokens and --llm-max-seconds must be positive")
    lang = lang or case.get("lang") or "en"
    if lang not in ("en", "ja"):
        raise UsageError(f"--lang must be ja or en, not {lang!r}")
    window_note = None
    if not (since or start):
        if case.get("start"):
            start, end = as_text(case.get("start")), end or as_text(case.get("end"))
            window_note = f"window from case {case.get('case_id') or Path(replay or '').name}"
        else:
            since = DEFAULT_SINCE
            window_note = f"default window: last {DEFAULT_SINCE}"
    start_dt, end_dt = parse_window(start, end, since)
    start_s, end_s = format_time(start_dt), format_time(end_dt)
    kind = "job" if job else "service"
    name = str(job or service)
    target = {"project_id": project, "region": region, "target_type": kind, "target_name": name}
    repo = repo or case.get("repo")
    trello = trello or case.get("trello")
    profile = profile or case.get("profile")
    gaps: list[dict[str, Any]] = []
    limits = _limits(request_timeout, source_deadline, failure_budget, repo_deadline)
    if out:  # a bad --out is a usage error now, not a lost report after every source was read
        from tools.safety.atomic import check_output

        for file_name in ("report.json", "report.md"):
            check_output(Path(out) / file_name)
    if emit_alerts and Path(emit_alerts).exists() and not Path(emit_alerts).is_dir():
        raise UsageError(f"--emit-alerts {emit_alerts}: exists and is not a directory")

    from tools.sources.logging.sql.engines import check_engine

    logs_engine = {"engine": check_engine(engine), "log_dataset": log_dataset, "max_scan_bytes": max_scan_bytes,
                   "case_dir": case.get("dir")}

    with replay_env(replay), deadline.limits(**limits), deadline.run_budget():
        gcp = collect_gcp(target, start_s, end_s, progress, gaps, logs_engine)
        engine_note = f"logs read with {gcp.get('log_engine') or 'entries'}"
        window_note = f"{window_note}; {engine_note}" if window_note else engine_note
        code = collect_repo(repo, profile, target, progress, gaps)
        card = collect_card(trello, progress, gaps)
        gaps.extend(replay_gaps())
        try:
            with progress.step("analysing evidence"):
                report = _analyse(target, start_dt, end_dt, gcp, code, card, gaps, lang, profile, trello,
                                  window_note)
        except ToolError as exc:  # an internal inconsistency: no report, exit 1 through fail_when_false
            progress.warn(f"no report could be produced: {exc}")
            return {"written": False, "format": format, "error": str(exc), "markdown": ""}
        llm_summary = None
        if llm:  # inside the replay: the model's tool calls reach the same sources
            report, llm_summary = _refine(report, gcp, target, start_s, end_s, repo, trello, replay, lang, model,
                                          allow_write, (llm_max_turns, llm_max_tokens, llm_max_seconds), progress)
        out_dir = out or default_out_dir(name, start_dt)
        result = _finish(report, out_dir, format, attach, trello, emit_alerts, progress)
        if llm_summary is not None:
            result["llm"] = llm_summary
        return result


def _refine(report: dict[str, Any], gcp: dict[str, Any], target: dict[str, Any], start: str, end: str,
            repo: str | None, trello: str | None, replay: str | None, lang: str, model: str | None,
            allow_write: bool, limits: tuple[Any, Any, Any], progress: Progress) -> tuple[dict[str, Any], Any]:
    """`--llm`: the model checks and refines the report (tools/llm); the deterministic one stands on failure."""
    from tools.llm.refine import refine_report

    context = {**target, "window_start": start, "window_end": end,
               "repository checkout (scan_repo, scan_deploy_config path)": str(Path(repo).resolve()) if repo else None,
               "Trello card (read_trello_card url)": trello,
               "recorded log export (analyze_logs path)":
                   str(Path(replay).resolve() / "logging" / "entries.jsonl") if replay else None,
               "report language": lang}
    turns, tokens, seconds = limits
    return refine_report(report, gcp.get("records") or [], context, model=model, allow_write=allow_write,
                         max_turns=turns, max_tokens=tokens, max_seconds=seconds, notify=progress.info)


def _limits(request_timeout: float | None, source_deadline: float | None, failure_budget: float | None,
            repo_deadline: float | None) -> dict[str, float | None]:
    """The deadline flags (seconds, > 0; None keeps the environment's or the default)."""
    given = {"request_timeout": request_timeout, "source_deadline": source_deadline,
             "failure_budget": failure_budget, "repo_deadline": repo_deadline}
    for name, value in given.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not 0 < float(value) < 86_400):
            raise UsageError(f"--{name.replace('_', '-')} must be a number of seconds between 0 and 86400, "
                             f"not {value!r}")
    return given


def _analyse(target: dict[str, Any], start: datetime, end: datetime, gcp: dict[str, Any], code: dict[str, Any],
             card: dict[str, Any], gaps: list[dict[str, Any]], lang: str, profile: str | None,
             trello: str | None, window_note: str | None) -> dict[str, Any]:
    from tools.analysis.evidence.build import build_items
    from tools.analysis.ranking import rank
    from tools.report.build import build_report

    records = gcp.get("records") or []
    hits: list[dict[str, Any]] = []
    located: list[dict[str, Any]] = []
    if records:
        from tools.analysis.signatures import match_records

        hits = match_records(records)
        if code.get("repo"):
            from tools.analysis.stack_frames import locate_errors

            located = locate_errors(records, code["repo"])
    bundle = {
        "target": target, "window": {"start": start, "end": end}, "records": records, "signature_hits": hits,
        "settings": (gcp.get("settings") or []) + (code.get("settings") or []),
        "findings": code.get("findings") or [], "deploy_events": gcp.get("deploy_events") or [],
        "conditions": gcp.get("conditions") or [], "executions": gcp.get("executions") or [],
        "traffic": gcp.get("traffic") or [], "trello_rows": card.get("rows") or [], "card": card.get("card"),
        "metrics": gcp.get("metrics"), "located_errors": located,
        "failed_revisions": gcp.get("failed_revisions") or [], "revisions": gcp.get("revisions") or [],
        "repo": code.get("repo"),
    }
    items = build_items(bundle)
    candidates = rank(items)
    return build_report(
        target=target, start=start, end=end, items=items, candidates=candidates, data_gaps=gaps, lang=lang,
        profile=profile, related_task=trello, card=card.get("card"), window_note=window_note,
        extras={"log_records": len(records), "signature_hits": len(hits),
                "findings": len(code.get("findings") or [])},
    )


def _finish(report: dict[str, Any], out_dir: str, fmt: str, attach: bool, trello: str | None,
            emit_alerts: str | None, progress: Progress) -> dict[str, Any]:
    """Write the files first; only then emit alerts and post to the card (failures there are warnings)."""
    from tools.report.io import write_report_files
    from tools.report.render import render_markdown
    from tools.safety.mask import mask_value

    report = mask_value(report)  # the one masking step, before rendering (issue 16)
    markdown = render_markdown(report)
    result: dict[str, Any] = {"written": False, "format": fmt, "report": report, "markdown": markdown}
    try:
        result["paths"] = write_report_files(report, out_dir)
        result["written"] = True
    except (ToolError, OSError) as exc:
        progress.warn(f"no report written to {out_dir}: {exc}")
        result["error"] = str(exc)
        return result
    progress.info(f"report written to {result['paths']['json']} and {result['paths']['markdown']}")
    if emit_alerts:
        result["alerts"] = _emit_alerts(report, emit_alerts, progress)
    if attach:
        result["attach"] = _attach(result["paths"]["markdown"], trello, progress)
    return result


def _emit_alerts(report: dict[str, Any], out_dir: str, progress: Progress) -> list[str]:
    labels = [c["label"] for c in report["root_cause_candidates"] if c.get("label")]
    target = report["incident_summary"]["target"]
    try:
        from tools.analysis.prevention import emit_alerts  # type: ignore[import-not-found]

        return list(emit_alerts(labels, target, out_dir))
    except ImportError:
        progress.warn("--emit-alerts: this build has no alert emitter (tools.analysis.prevention)")
    except (ToolError, OSError) as exc:
        progress.warn(f"--emit-alerts: {exc}")
    return []


def _attach(report_path: str, card: str | None, progress: Progress) -> dict[str, Any]:
    if not card:
        progress.warn("--attach: no Trello card (give --trello URL); the report was written but not posted")
        return {"attached": False, "error": "no card"}
    try:
        from tools.sinks.trello_attach import attach_report

        with progress.step(f"attaching the report to {card}"):
            outcome = attach_report(report_path, card)
        return {"attached": True, **(outcome if isinstance(outcome, dict) else {})}
    except ToolError as exc:
        progress.warn(f"--attach failed: {exc}")
        return {"attached": False, "error": str(exc)}


def format_investigation(result: dict[str, Any]) -> str:
    """The CLI prints the Markdown report (or the report JSON with --format json)."""
    if result.get("format") == "json":
        return json.dumps(result.get("report"), ensure_ascii=False, indent=2) + "\n"
    return result.get("markdown") or ""
