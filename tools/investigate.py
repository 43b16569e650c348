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
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.errors import ToolError, UsageError
from tools.timewindow import format_time, parse_window

DEFAULT_SINCE = "1h"
_DUMMY_TRELLO = {"TRELLO_API_KEY": "replay-key", "TRELLO_TOKEN": "replay-token"}


# -- progress -------------------------------------------------------------------

class Progress:
    """Progress lines on stderr: a rich spinner on a terminal, plain lines otherwise."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._console = None
        if self.tty:
            from rich.console import Console

            self._console = Console(file=self.stream)

    @contextmanager
    def step(self, message: str) -> Iterator[None]:
        if self._console is not None:
            with self._console.status(message):
                yield
            self._console.print(f"[green]✓[/green] {message}")
        else:
            print(f"crobs investigate: {message}", file=self.stream, flush=True)
            yield

    def info(self, message: str) -> None:
        print(f"crobs investigate: {message}", file=self.stream, flush=True)

    def warn(self, message: str) -> None:
        print(f"crobs investigate: warning: {message}", file=self.stream, flush=True)


# -- inputs ---------------------------------------------------------------------

def _case_defaults(replay: str) -> dict[str, Any]:
    from tools.case import case_repo, load_case

    case = load_case(replay)
    target = case.get("target") or {}
    kind = target.get("target_type") or "service"
    window = case.get("window") or {}
    repo = case_repo(case)
    return {
        "project": target.get("project_id"),
        "region": target.get("region"),
        "service": target.get("target_name") if kind == "service" else None,
        "job": target.get("target_name") if kind == "job" else None,
        "start": window.get("start"),
        "end": window.get("end"),
        "repo": str(repo) if repo else None,
        "trello": case.get("trello_card"),
        "profile": case.get("profile"),
        "lang": case.get("lang"),
        "case_id": case.get("id"),
        "dir": case["dir"],
    }


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return format_time(value)
    return str(value)


@contextmanager
def _replay_env(case_dir: str | None) -> Iterator[str | None]:
    """Serve the case and point the clients at it for the duration; restore the environment after."""
    if not case_dir:
        yield None
        return
    from tools.replay.server import ReplayServer

    keys = ("CROBS_GCP_ENDPOINT", "TRELLO_BASE_URL", *_DUMMY_TRELLO)
    saved = {k: os.environ.get(k) for k in keys}
    server = ReplayServer(case_dir).start()
    try:
        os.environ["CROBS_GCP_ENDPOINT"] = server.url
        os.environ["TRELLO_BASE_URL"] = server.url
        for key, value in _DUMMY_TRELLO.items():
            os.environ.setdefault(key, value)
        yield server.url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- sources ------------------------------------------------------------------

def _gap(source: str, missing: str, why: str, follow_up: str) -> dict[str, str]:
    return {"source": source, "missing_signal": missing, "why_missing": " ".join(str(why).split()) or "unknown",
            "follow_up": follow_up}


def _call(source: str, missing: str, follow_up: str, func: Callable[[], dict[str, Any]],
          gaps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Run one source; its data gaps are collected, and any failure becomes a gap instead of a crash."""
    try:
        result = func()
    except ImportError as exc:
        gaps.append(_gap(source, missing, f"this build has no {source} source ({exc.name or exc})", follow_up))
        return None
    except ToolError as exc:
        gaps.append(_gap(source, missing, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, follow_up))
        return None
    except Exception as exc:  # noqa: BLE001 - a broken source must not cost the whole report
        gaps.append(_gap(source, missing, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                         follow_up))
        return None
    gaps.extend(result.get("data_gaps") or [])
    return result


def _commands(t: dict[str, Any], start: str, end: str) -> dict[str, str]:
    """Exact follow-up commands with the target filled in (PROJECT_ID / REGION when unknown)."""
    project = t["project_id"] or "PROJECT_ID"
    region = t["region"] or "REGION"
    name, kind = t["target_name"], t["target_type"]
    resource = "cloud_run_job" if kind == "job" else "cloud_run_revision"
    label = "job_name" if kind == "job" else "service_name"
    return {
        "logs": (f"crobs fetch-logs --project-id {project} --target-type {kind} --target-name {name} "
                 f"--region {region} --start {start} --end {end} (or: gcloud logging read "
                 f"'resource.type=\"{resource}\" AND resource.labels.{label}=\"{name}\" AND "
                 f"timestamp>=\"{start}\" AND timestamp<\"{end}\"' --project {project})"),
        "service": (f"crobs describe-{kind} --project-id {project} --region {region} --{kind} {name} "
                    f"(or: gcloud run {kind}s describe {name} --region {region} --project {project} --format yaml)"),
        "deploys": (f"crobs fetch-deploy-events --project-id {project} --region {region} --{kind} {name} "
                    f"--start {start} --end {end}"),
        "metrics": (f"crobs fetch-metrics --project-id {project} --region {region} --{kind} {name} "
                    f"--start {start} --end {end} (or Metrics Explorer: run.googleapis.com/request_count, "
                    f"request_latencies, container/instance_count for {name})"),
        "region": f"gcloud run {kind}s list --project {project} --filter metadata.name={name}",
        "investigate": (f"crobs investigate --project {project} --region {region} --{kind} {name} "
                        f"--start {start} --end {end}"),
    }


def collect_gcp(t: dict[str, Any], start: str, end: str, progress: Progress,
                gaps: list[dict[str, Any]]) -> dict[str, Any]:
    """Cloud Run config, logs, deploy history (and metrics when available) for the target."""
    cmds = _commands(t, start, end)
    project, region, name, kind = t["project_id"], t["region"], t["target_name"], t["target_type"]
    live_source = "cloud_run_job" if kind == "job" else "cloud_run_service"
    bundle: dict[str, Any] = {"records": [], "settings": [], "deploy_events": [], "conditions": [],
                              "executions": [], "traffic": []}
    if not project:
        why = "the Google Cloud project is unknown (no --project, and the case has no project_id)"
        gaps.append(_gap("cloud_logging", "runtime logs (requests, stdout/stderr, varlog/system)", why, cmds["logs"]))
        gaps.append(_gap(live_source, f"live {kind} configuration and revision conditions", why, cmds["service"]))
        gaps.append(_gap("audit_log", "deploy history (Cloud Audit Logs)", why, cmds["deploys"]))
        gaps.append(_gap("cloud_monitoring", "request count, latency and instance metrics", why, cmds["metrics"]))
        return bundle
    with progress.step(f"fetching Cloud Logging entries for {kind} {name}"):
        logs = _call("cloud_logging", "runtime logs (requests, stdout/stderr, varlog/system)", cmds["logs"],
                     lambda: _fetch_logs(project, kind, name, start, end, region), gaps)
    if logs is not None:
        bundle["records"] = logs.get("records") or []
        if not bundle["records"] and not logs.get("data_gaps"):
            gaps.append(_gap("cloud_logging", "runtime logs", f"no log entries for {kind} {name} in the window",
                             cmds["logs"].replace(f"--start {start}", "--start <earlier start>")))
    if not region:
        why = "the Cloud Run region is unknown (no --region)"
        gaps.append(_gap(live_source, f"live {kind} configuration and revision conditions", why, cmds["region"]))
        gaps.append(_gap("audit_log", "deploy history (Cloud Audit Logs)", why, cmds["region"]))
        return bundle
    with progress.step(f"reading the Cloud Run {kind} configuration"):
        if kind == "job":
            described = _call(live_source, "live job configuration", cmds["service"],
                              lambda: _run("describe_job", project, region, name), gaps)
            executions = _call("cloud_run_job", "job executions", cmds["service"],
                               lambda: _run("list_executions", project, region, name), gaps)
            for execution in (executions or {}).get("executions") or []:
                field = "failedCount" if execution.get("failed") else "succeededCount"
                bundle["executions"].append({**execution, "raw_ref": f"{execution.get('name')}#{field}",
                                             "failed_count": execution.get("failed"),
                                             "status": "failed" if execution.get("failed") else "succeeded"})
        else:
            described = _call(live_source, "live service configuration", cmds["service"],
                              lambda: _run("describe_service", project, region, name), gaps)
    if described is not None:
        bundle["settings"] = described.get("settings") or []
        summary = described.get(kind) or {}
        bundle["traffic"] = summary.get("traffic") or []
        for cond in summary.get("conditions") or []:
            if summary.get("name"):
                bundle["conditions"].append({**cond, "raw_ref": f"{summary['name']}#conditions",
                                             "source": live_source, "timestamp": cond.get("last_transition_time")})
    with progress.step("reading deploy history from audit logs"):
        deploys = _call("audit_log", "deploy history (Cloud Audit Logs)", cmds["deploys"],
                        lambda: _deploys(project, region, kind, name, start, end), gaps)
    if deploys is not None:
        bundle["deploy_events"] = deploys.get("events") or []
    metrics = _call("cloud_monitoring", "request count, latency and instance metrics", cmds["metrics"],
                    lambda: _metrics(project, region, kind, name, start, end), gaps)
    bundle["metrics"] = metrics
    return bundle


def _fetch_logs(project: str, kind: str, name: str, start: str, end: str, region: str | None) -> dict[str, Any]:
    from tools.cloud_logging import fetch_logs

    return fetch_logs(project, kind, name, start, end, region=region, limit=50000)


def _run(function: str, project: str, region: str, name: str) -> dict[str, Any]:
    from tools import cloud_run

    return getattr(cloud_run, function)(project, region, name)


def _deploys(project: str, region: str, kind: str, name: str, start: str, end: str) -> dict[str, Any]:
    from tools.deploy_events import fetch_deploy_events

    return fetch_deploy_events(project, region, start, end, **{kind: name})


def _metrics(project: str, region: str, kind: str, name: str, start: str, end: str) -> dict[str, Any]:
    from tools.cloud_monitoring import fetch_metrics  # type: ignore[import-not-found]

    return fetch_metrics(project, region, start, end, **{kind: name})


def collect_repo(repo: str | None, profile: str | None, t: dict[str, Any], progress: Progress,
                 gaps: list[dict[str, Any]]) -> dict[str, Any]:
    findings: list[dict[str, Any]] = []
    settings: list[dict[str, Any]] = []
    if not repo:
        gaps.append(_gap("repository", "application source and deploy configuration (Terraform, Dockerfile)",
                         "no repository was given", f"{_commands(t, '<start>', '<end>')['investigate']} --repo PATH"))
        return {"findings": findings, "settings": settings}
    follow = f"crobs scan-repo {repo}" + (f" --profile {profile}" if profile else "")
    with progress.step(f"scanning the repository {repo}"):
        scanned = _call("repository", "application source findings", follow, lambda: _scan(repo, profile), gaps)
        config = _call("repository", "deploy configuration (Terraform, service.yaml, Dockerfile)",
                       f"crobs scan-deploy-config {repo}", lambda: _deploy_config(repo), gaps)
    findings = (scanned or {}).get("findings") or []
    settings = (config or {}).get("settings") or []
    return {"findings": findings, "settings": settings, "repo": repo if scanned is not None else None}


def _scan(repo: str, profile: str | None) -> dict[str, Any]:
    from tools.scan_repo import scan_repo

    return scan_repo(repo, profile)


def _deploy_config(repo: str) -> dict[str, Any]:
    from tools.deploy_config import scan_deploy_config  # type: ignore[import-not-found]

    return scan_deploy_config(repo)


def collect_card(url: str | None, progress: Progress, gaps: list[dict[str, Any]]) -> dict[str, Any]:
    if not url:
        return {"card": None, "rows": []}
    with progress.step(f"reading the Trello card {url}"):
        result = _call("trello", "the incident card", f"crobs trello read {url}", lambda: _card(url), gaps)
    return {"card": (result or {}).get("card"), "rows": (result or {}).get("evidence") or []}


def _card(url: str) -> dict[str, Any]:
    from tools.trello_card import read_trello_card

    return read_trello_card(url)


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
) -> dict[str, Any]:
    """Investigate one Cloud Run service or job and write report.json + report.md (see module docstring)."""
    progress = Progress()
    case = _case_defaults(replay) if replay else {}
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
    lang = lang or case.get("lang") or "en"
    if lang not in ("en", "ja"):
        raise UsageError(f"--lang must be ja or en, not {lang!r}")
    window_note = None
    if not (since or start):
        if case.get("start"):
            start, end = _as_text(case.get("start")), end or _as_text(case.get("end"))
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

    with _replay_env(replay):
        gcp = collect_gcp(target, start_s, end_s, progress, gaps)
        code = collect_repo(repo, profile, target, progress, gaps)
        card = collect_card(trello, progress, gaps)
        try:
            with progress.step("analysing evidence"):
                report = _analyse(target, start_dt, end_dt, gcp, code, card, gaps, lang, profile, trello,
                                  window_note)
        except ToolError as exc:  # an internal inconsistency: no report, exit 1 through fail_when_false
            progress.warn(f"no report could be produced: {exc}")
            return {"written": False, "format": format, "error": str(exc), "markdown": ""}
        out_dir = out or default_out_dir(name, start_dt)
        return _finish(report, out_dir, format, attach, trello, emit_alerts, progress)


def _analyse(target: dict[str, Any], start: datetime, end: datetime, gcp: dict[str, Any], code: dict[str, Any],
             card: dict[str, Any], gaps: list[dict[str, Any]], lang: str, profile: str | None,
             trello: str | None, window_note: str | None) -> dict[str, Any]:
    from tools.evidence import build_items
    from tools.ranking import rank
    from tools.report_build import build_report

    records = gcp.get("records") or []
    hits: list[dict[str, Any]] = []
    located: list[dict[str, Any]] = []
    if records:
        from tools.signatures import match_records

        hits = match_records(records)
        if code.get("repo"):
            from tools.stack_frames import locate_errors

            located = locate_errors(records, code["repo"])
    bundle = {
        "target": target, "window": {"start": start, "end": end}, "records": records, "signature_hits": hits,
        "settings": (gcp.get("settings") or []) + (code.get("settings") or []),
        "findings": code.get("findings") or [], "deploy_events": gcp.get("deploy_events") or [],
        "conditions": gcp.get("conditions") or [], "executions": gcp.get("executions") or [],
        "traffic": gcp.get("traffic") or [], "trello_rows": card.get("rows") or [], "card": card.get("card"),
        "metrics": gcp.get("metrics"), "located_errors": located,
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
    from tools.report_io import write_report_files
    from tools.report_render import render_markdown

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
        from tools.prevention import emit_alerts  # type: ignore[import-not-found]

        return list(emit_alerts(labels, target, out_dir))
    except ImportError:
        progress.warn("--emit-alerts: this build has no alert emitter (tools.prevention)")
    except (ToolError, OSError) as exc:
        progress.warn(f"--emit-alerts: {exc}")
    return []


def _attach(report_path: str, card: str | None, progress: Progress) -> dict[str, Any]:
    if not card:
        progress.warn("--attach: no Trello card (give --trello URL); the report was written but not posted")
        return {"attached": False, "error": "no card"}
    try:
        from tools.trello_attach import attach_report

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
