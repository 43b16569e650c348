"""The sources of one investigation: the case defaults, Google Cloud, the repository and the card.

Split from tools/investigate.py. Each `collect_*` returns what its source
gave and appends a named data gap (with the exact follow-up command) for
anything absent, denied or failed, so the caller never needs a try/except.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.safety.mask import mask_text
from tools.sources.calls import call as _call
from tools.sources.calls import gap as _gap
from tools.sources.deadline import bounded
from tools.sources.run.history import execution_failures, failed_revisions, symptom_revision_settings, window_changes
from tools.timewindow import format_time

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
        message = mask_text(message)  # progress lines quote URLs and errors: the one masking step
        if self._console is not None:
            with self._console.status(message):
                yield
            self._console.print(f"[green]✓[/green] {message}")
        else:
            print(f"crobs investigate: {message}", file=self.stream, flush=True)
            yield

    def info(self, message: str) -> None:
        print(f"crobs investigate: {mask_text(message)}", file=self.stream, flush=True)

    def warn(self, message: str) -> None:
        print(f"crobs investigate: warning: {mask_text(message)}", file=self.stream, flush=True)


# -- inputs ---------------------------------------------------------------------

def case_defaults(replay: str) -> dict[str, Any]:
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


def as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return format_time(value)
    return str(value)


@contextmanager
def replay_env(case_dir: str | None) -> Iterator[str | None]:
    """Serve the case and point the clients at it for the duration; restore the environment after."""
    if not case_dir:
        yield None
        return
    from tools.replay.server import ReplayServer

    keys = ("CROBS_GCP_ENDPOINT", "TRELLO_BASE_URL", *_DUMMY_TRELLO)
    saved = {k: os.environ.get(k) for k in keys}
    from tools.replay.faults import FAULTS_ENV, FaultFront, parse_spec

    try:
        faults = parse_spec(os.environ.get(FAULTS_ENV, ""))
    except ValueError as exc:
        from tools.errors import UsageError

        raise UsageError(str(exc)) from exc
    server = ReplayServer(case_dir).start()
    front = FaultFront(server.url, faults).start() if faults else None
    url = front.url if front else server.url
    _SERVERS.append(server)
    try:
        os.environ["CROBS_GCP_ENDPOINT"] = url
        os.environ["TRELLO_BASE_URL"] = url
        for key, value in _DUMMY_TRELLO.items():
            os.environ.setdefault(key, value)
        yield url
    finally:
        _SERVERS.remove(server)
        if front is not None:
            front.stop()
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_SERVERS: list[Any] = []  # the replay servers of the active replay_env blocks, innermost last


def replay_gaps() -> list[dict[str, Any]]:
    """Data gaps for case files the active replay server could not read (counted, skipped lines; bad cards)."""
    if not _SERVERS:
        return []
    from tools.replay.trello_state import unreadable_cards

    server = _SERVERS[-1]
    gaps = []
    store = server.state.get("logging")
    if store is not None and store.unreadable.count:
        gaps.append(_gap("cloud_logging", "case log entries that could not be read", store.unreadable.why(),
                         "fix or re-record logging/entries.jsonl (one LogEntry JSON object a line)"))
    for path, why in unreadable_cards(server).items():
        gaps.append(_gap("trello", "the incident card", f"the case's card file {Path(path).name} is unreadable: "
                         f"{why}", f"fix or re-record {path}"))
    return gaps


# -- sources ------------------------------------------------------------------

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
                gaps: list[dict[str, Any]], logs_engine: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cloud Run config, logs, deploy history (and metrics when available) for the target.

    `logs_engine` ({engine, log_dataset, max_scan_bytes, case_dir}) picks how logs are read: entries.list
    page by page, or the SQL aggregates (tools/sources/logging/sql) on BigQuery or DuckDB.
    """
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
    from tools.sources.logging.sql.fetch import fetch_for, pick_engine

    choice = pick_engine(logs_engine, gaps, cmds["logs"], (project, region, kind, name, start, end,
                         cmds["investigate"], LOG_LIMIT, FULL_LIMIT), progress.info)
    bundle["log_engine"] = choice.label("entries")
    if choice.engine != "entries":
        spec = {**(logs_engine or {}), "log_dataset": choice.dataset}
        where = f"Log Analytics {choice.dataset}" if choice.dataset else "DuckDB"
        with progress.step(f"aggregating logs for {kind} {name} in SQL ({where})"):
            logs = _call("cloud_logging", "runtime logs (requests, stdout/stderr, varlog/system)", cmds["logs"],
                         lambda: fetch_for(kind, name, start, end, spec, progress.info), gaps)
        bundle["log_engine"] = "no engine: the SQL read failed (see data gaps)"
        if logs is not None:
            bundle["log_engine"] = choice.label(f"sql ({logs['engine']})")
            bundle["log_aggregates"] = logs.get("aggregates")
    else:
        with progress.step(f"fetching Cloud Logging entries for {kind} {name}"):
            logs = _call("cloud_logging", "runtime logs (requests, stdout/stderr, varlog/system)", cmds["logs"],
                         lambda: _fetch_logs(project, kind, name, start, end, region, choice.first_pages), gaps)
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
            bundle["conditions"] += execution_failures(project, region, name, bundle["executions"], start, end,
                                                       gaps)
        else:
            described = _call(live_source, "live service configuration", cmds["service"],
                              lambda: _run("describe_service", project, region, name), gaps)
    if described is not None:
        bundle["settings"] = described.get("settings") or []
        summary = described.get(kind) or {}
        bundle["traffic"] = summary.get("traffic") or []
        for cond in summary.get("conditions") or []:
            if summary.get("name"):
                field = cond.get("field") or "conditions"
                bundle["conditions"].append({**cond, "raw_ref": f"{summary['name']}#{field}",
                                             "source": live_source, "timestamp": cond.get("last_transition_time")})
    _dependency_logs(bundle, start, end, progress, gaps)
    if kind == "service":
        with progress.step("reading revisions (a rollout that never became ready is evidence)"):
            revisions = _call("cloud_run_revision", "revision conditions", cmds["service"].replace(
                f"describe-{kind}", "list-revisions"), lambda: _run("list_revisions", project, region, name), gaps)
        bundle["revisions"] = (revisions or {}).get("revisions") or []
        failed = failed_revisions((revisions or {}).get("revisions") or [], start, end)
        bundle["settings"] += symptom_revision_settings((revisions or {}).get("revisions") or [], bundle["records"],
                                                        bundle["settings"], [r["short_name"] for r in failed])
        bundle["failed_revisions"] = [r["short_name"] for r in failed]
        bundle["setting_changes"] = window_changes((revisions or {}).get("revisions") or [], start, end)
        for revision in failed:
            for cond in revision.get("conditions") or []:
                ref = f"{revision['name']}#{cond.get('field') or 'conditions'}"
                bundle["conditions"].append({**cond, "raw_ref": ref, "source": "cloud_run_revision",
                                             "revision": revision["short_name"],
                                             "timestamp": cond.get("last_transition_time")})
    with progress.step("reading deploy history from audit logs"):
        deploys = _call("audit_log", "deploy history (Cloud Audit Logs)", cmds["deploys"],
                        lambda: _deploys(project, region, kind, name, start, end), gaps)
    if deploys is not None:
        bundle["deploy_events"] = deploys.get("events") or []
    metrics = _call("cloud_monitoring", "request count, latency and instance metrics", cmds["metrics"],
                    lambda: _metrics(project, region, kind, name, start, end), gaps)
    bundle["metrics"] = metrics
    return bundle


def _dependency_logs(bundle: dict[str, Any], start: str, end: str, progress: Progress,
                     gaps: list[dict[str, Any]]) -> None:
    """Add the warnings and errors of the Cloud SQL instances the configuration names."""
    from tools.sources.logging.dependency_logs import cloudsql_filter, cloudsql_instances, fetch_cloudsql_logs

    instances = cloudsql_instances(bundle["settings"])
    if not instances:
        return
    follow = (f"crobs query-logs --project-id {instances[0].split(':')[0]} --start {start} --end {end} "
              f"--filter '{cloudsql_filter(instances)}'")
    with progress.step(f"reading Cloud SQL logs of {', '.join(instances)}"):
        found = _call("cloud_logging", f"Cloud SQL logs of {', '.join(instances)}", follow,
                      lambda: fetch_cloudsql_logs(instances, start, end), gaps)
    if found:
        seen = {r["insert_id"] for r in bundle["records"]}
        added = [r for r in found["records"] if r["insert_id"] not in seen]
        bundle["records"] = sorted(bundle["records"] + added, key=lambda r: r["timestamp"])


LOG_LIMIT = 50_000  # entries read in window order
FULL_LIMIT = 200_000  # non-2xx and non-request entries, read whole when the window is busier than LOG_LIMIT


def _fetch_logs(project: str, kind: str, name: str, start: str, end: str, region: str | None,
                first_pages: Any = None) -> dict[str, Any]:
    """The window's entries; when there are more than LOG_LIMIT, everything but the 2xx requests is read whole.

    A busy window's failure is rarely in its first 50,000 entries, and almost all of those are
    200s that only need counting. A second query (`NOT httpRequest.status<400`) reads every
    error, platform, application and audit line; the data gap says what was cut and by how much.
    """
    from tools.sources.logging.cloud_logging import fetch_logs, fetch_logs_iter
    from tools.sources.logging.paging import LogFetch

    first = first_pages.result() if first_pages else fetch_logs(project, kind, name, start, end, region=region,
                                                                limit=LOG_LIMIT)  # resumes auto's count
    if not first.get("truncated"):
        return first
    base = fetch_logs_iter(project, kind, name, start, end, region=region).filter
    rest = LogFetch(project, f"{base}\nNOT httpRequest.status<400", FULL_LIMIT,
                    subject=f"non-2xx and non-request logs for {kind} {name}")
    seen = {r["insert_id"] for r in first["records"]}
    added = [r for r in rest.records() if r["insert_id"] not in seen]
    records = sorted(first["records"] + added, key=lambda r: r["timestamp"])
    gaps = list(first.get("data_gaps") or []) + list(rest.data_gaps or [])
    cut = "and that read was cut too" if rest.truncated else "read whole"
    gaps.append(_gap("cloud_logging", f"2xx request volume after the first {LOG_LIMIT:,} entries",
                     f"the window holds more than {LOG_LIMIT} entries: 2xx requests were read from the first "
                     f"{LOG_LIMIT} only ({first['records'][-1]['timestamp'] if first['records'] else start} on is "
                     f"sampled); every non-2xx and non-request entry ({len(added)} more) was {cut}, so "
                     "window-wide error rates are overstated", "crobs fetch-metrics (request_count by "
                     "response_code_class) for the true 2xx volume, or rerun with --log-dataset PROJECT.DATASET "
                     "(Log Analytics) to count every entry in SQL"))
    return {**first, "records": records, "truncated": rest.truncated, "data_gaps": gaps}


def _run(function: str, project: str, region: str, name: str) -> dict[str, Any]:
    from tools.sources.run import cloud_run as cloud_run

    return getattr(cloud_run, function)(project, region, name)


def _deploys(project: str, region: str, kind: str, name: str, start: str, end: str) -> dict[str, Any]:
    from tools.sources.deploy_events import fetch_deploy_events

    return fetch_deploy_events(project, region, start, end, **{kind: name})


def _metrics(project: str, region: str, kind: str, name: str, start: str, end: str) -> dict[str, Any]:
    from tools.sources.monitoring import fetch_metrics  # type: ignore[import-not-found]

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
        scanned = _call("repository", "application source findings", follow,
                        lambda: bounded(lambda: _scan(repo, profile, t.get("target_name")), "scan"), gaps)
        config = _call("repository", "deploy configuration (Terraform, service.yaml, Dockerfile)",
                       f"crobs scan-deploy-config {repo}", lambda: bounded(lambda: _deploy_config(repo),
                                                                            "deploy configuration scan"), gaps)
    findings = (scanned or {}).get("findings") or []
    settings = (config or {}).get("settings") or []
    return {"findings": findings, "settings": settings, "repo": repo if scanned is not None else None}


def _scan(repo: str, profile: str | None, target: str | None = None) -> dict[str, Any]:
    from tools.scan.code.scan_repo import scan_repo

    return scan_repo(repo, profile, target)


def _deploy_config(repo: str) -> dict[str, Any]:
    from tools.scan.deploy_config.scan import scan_deploy_config  # type: ignore[import-not-found]

    return scan_deploy_config(repo)


def collect_card(url: str | None, progress: Progress, gaps: list[dict[str, Any]]) -> dict[str, Any]:
    if not url:
        return {"card": None, "rows": []}
    with progress.step(f"reading the Trello card {url}"):
        result = _call("trello", "the incident card", f"crobs trello read {url}", lambda: _card(url), gaps)
    return {"card": (result or {}).get("card"), "rows": (result or {}).get("evidence") or []}


def _card(url: str) -> dict[str, Any]:
    from tools.sources.trello_card import read_trello_card

    return read_trello_card(url)
