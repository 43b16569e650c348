"""Cloud Run Admin API v2 source: services, revisions, jobs and executions.

Reads through the real `google-cloud-run` `run_v2` clients over REST (see
tools.sources.gcp_clients), converts each resource back to the API's camelCase JSON
and hands it to tools.sources.run.config, so live config and recorded cases go
through the same pure code.

Failure policy, so that an investigation keeps going:
- a target that does not exist is the caller's mistake: InputError naming
  what does exist there (and whether it is the other target type);
- a permission denial or an unreachable API is a data gap naming the role
  to grant and the command to retry, returned with an empty result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.errors import InputError, UsageError
from tools.records import DataGap
from tools.sources import deadline
from tools.sources.gcp_clients import run_client
from tools.sources.run.config import settings, short_name, summarize

RETRY_TIMEOUT = 4.0  # seconds of retrying 503/429 before giving up (the library default is 10 s+)
CALL_TIMEOUT = 30.0
VIEWER_ROLE = "roles/run.viewer"
_SOURCES = {"service": "cloud_run_service", "revision": "cloud_run_revision", "job": "cloud_run_job",
            "execution": "cloud_run_job"}


def _retry(limit: float = RETRY_TIMEOUT) -> Any:
    from google.api_core import exceptions, retry

    return retry.Retry(
        predicate=retry.if_exception_type(exceptions.ServiceUnavailable, exceptions.TooManyRequests),
        initial=0.2,
        maximum=1.0,
        multiplier=2.0,
        timeout=limit,
    )


def call(method: Callable[..., Any], **kwargs: Any) -> Any:
    """One Admin API call bounded by the source's budget (tools.sources.deadline), through the
    library's own `retry=` and `timeout=`; time spent failing is charged to the run's failure budget."""
    import time

    from google.api_core import exceptions

    budget = deadline.current("cloud_run")
    if budget.expired():
        raise exceptions.DeadlineExceeded(f"not called: {budget.reason()}")
    timeout = min(CALL_TIMEOUT, budget.timeout())
    began = time.monotonic()
    try:
        return method(retry=_retry(max(deadline.MIN_TIMEOUT, min(RETRY_TIMEOUT, budget.remaining()))),
                      timeout=timeout, **kwargs)
    except Exception:
        budget.failed(time.monotonic() - began)
        raise


def to_json(message: Any) -> dict[str, Any]:
    """A run_v2 message as the REST API's camelCase JSON (absent fields stay absent)."""
    from google.protobuf import json_format

    return json_format.MessageToDict(type(message).pb(message))


def location_name(project_id: str, region: str) -> str:
    for label, value in (("project_id", project_id), ("region", region)):
        if not value or "/" in value or not value.strip():
            raise UsageError(f"{label}: {value!r} is not a valid {label.replace('_', ' ')}")
    return f"projects/{project_id}/locations/{region}"


def _check_name(label: str, value: str) -> str:
    if not value or "/" in value or not value.strip():
        raise UsageError(f"{label}: {value!r} is not a valid Cloud Run {label} name")
    return value


def _crobs(command: str, project_id: str, region: str, **target: str) -> str:
    flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in target.items())
    return f"crobs {command} --project-id {project_id} --region {region} {flags} --json"


def access_gap(exc: Exception, kind: str, project_id: str, region: str, retry_command: str) -> DataGap | None:
    """A DataGap for a denied or failed API call, or None when `exc` is not such a failure."""
    import requests
    from google.api_core import exceptions

    source = _SOURCES[kind]
    if isinstance(exc, exceptions.Forbidden | exceptions.Unauthorized):
        return DataGap(
            source=source,  # type: ignore[typeddict-item]
            missing_signal=f"Cloud Run {kind} configuration",
            why_missing=f"permission denied on the Cloud Run Admin API in project {project_id} "
            f"(needs {VIEWER_ROLE}): {_first_line(exc)}",
            follow_up=f"gcloud projects add-iam-policy-binding {project_id} --member=user:YOUR_EMAIL "
            f"--role={VIEWER_ROLE} && {retry_command}",
        )
    from google.protobuf import json_format

    if isinstance(exc, json_format.Error | ValueError):  # a 2xx whose body is not the resource
        return DataGap(
            source=source,  # type: ignore[typeddict-item]
            missing_signal=f"Cloud Run {kind} configuration",
            why_missing=f"Cloud Run Admin API answered with a malformed body in {project_id}/{region}: "
            f"{type(exc).__name__}",
            follow_up=retry_command,
        )
    if isinstance(exc, exceptions.GoogleAPICallError | exceptions.RetryError | requests.exceptions.RequestException):
        return DataGap(
            source=source,  # type: ignore[typeddict-item]
            missing_signal=f"Cloud Run {kind} configuration",
            why_missing=f"Cloud Run Admin API call failed in {project_id}/{region}: {_first_line(exc)}",
            follow_up=retry_command,
        )
    return None


def _first_line(exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return f"the API did not answer in time ({type(exc).__name__})"
    if isinstance(exc, requests.exceptions.ConnectionError):
        refused = " (connection refused)" if "refused" in str(exc).lower() else ""
        return f"cannot reach the API: {type(exc).__name__}{refused}"
    cause = getattr(exc, "cause", None)  # a RetryError: its last answer says why; its own text only "Timeout"
    if isinstance(cause, Exception):
        return f"{_first_line(cause)} (still failing when retries stopped: {str(exc).splitlines()[0][:80]})"
    text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    code = getattr(exc, "code", None)
    prefix = f"{int(code)} " if isinstance(code, int) else ""
    return prefix + text.splitlines()[0][:300]


def _existing(kind: str, parent: str) -> list[str] | None:
    """Short names of the services or jobs that do exist, or None when they cannot be listed."""
    try:
        if kind == "service":
            pager = call(run_client("services").list_services, request={"parent": parent, "page_size": 100})
        else:
            pager = call(run_client("jobs").list_jobs, request={"parent": parent, "page_size": 100})
        names = []
        for item in pager:
            names.append(short_name(item.name))
            if len(names) >= 50:
                break
        return names
    except Exception:  # noqa: BLE001 - listing is a courtesy for the error message
        return None


def _exists(kind: str, name: str) -> bool:
    try:
        if kind == "service":
            call(run_client("services").get_service, name=name)
        else:
            call(run_client("jobs").get_job, name=name)
        return True
    except Exception:  # noqa: BLE001 - only a found resource counts
        return False


def not_found_error(kind: str, target: str, project_id: str, region: str) -> InputError:
    """The one-line error for a missing service/job, with the other-type hint and what exists."""
    parent = location_name(project_id, region)
    other = "job" if kind == "service" else "service"
    plural = "services" if other == "service" else "jobs"
    if _exists(other, f"{parent}/{plural}/{target}"):
        return InputError(
            f"{target} is a Cloud Run {other}, not a {kind}, in project {project_id}, region {region}: "
            f"use `crobs describe-{other} --project-id {project_id} --region {region} --{other} {target}` "
            f"(target_type: {other})"
        )
    existing = _existing(kind, parent)
    message = f"{kind} {target} not found in project {project_id}, region {region}"
    if existing:
        message += f"; {kind}s there: {', '.join(existing)}"
    elif existing == []:
        message += f"; there are no {kind}s there"
    return InputError(message)


def _describe(kind: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {kind: summarize(resource, kind), "settings": settings(resource, kind), "data_gaps": []}


def _empty(kind: str, gap: DataGap, key: str | None = None) -> dict[str, Any]:
    return {key or kind: None if key is None else [], "settings": [], "data_gaps": [gap]}


# tool
def describe_service(project_id: str, region: str, service: str) -> dict[str, Any]:
    """Service summary (traffic, conditions, containers) + canonical settings."""
    name = f"{location_name(project_id, region)}/services/{_check_name('service', service)}"
    from google.api_core import exceptions

    try:
        resource = to_json(call(run_client("services").get_service, name=name))
    except exceptions.NotFound as exc:
        raise not_found_error("service", service, project_id, region) from exc
    except Exception as exc:
        gap = access_gap(exc, "service", project_id, region,
                         _crobs("describe-service", project_id, region, service=service))
        if gap is None:
            raise
        return _empty("service", gap)
    return _describe("service", resource)


def _list_children(collection: str, parent_kind: str, parent_name: str, limit: int, project_id: str,
                   region: str, follow_up: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Up to `limit` revisions or executions of one service or job, newest first, or a data gap on 403."""
    parent = f"{location_name(project_id, region)}/{parent_kind}s/{_check_name(parent_kind, parent_name)}"
    if limit < 1:
        raise UsageError(f"limit must be at least 1, not {limit}")
    from google.api_core import exceptions

    found: list[dict[str, Any]] = []
    try:
        pager = call(getattr(run_client(collection), f"list_{collection}"),
                     request={"parent": parent, "page_size": min(limit, 100)})
        for item in pager:
            found.append(to_json(item))
            if len(found) >= limit:
                break
    except Exception as exc:
        if isinstance(exc, exceptions.NotFound) and not found:
            raise not_found_error(parent_kind, parent_name, project_id, region) from exc
        gap = access_gap(exc, collection[:-1], project_id, region, follow_up)
        if gap is None:
            raise
        if found:  # a failure after the first page keeps what was read
            gap["why_missing"] += f" (after {len(found)} {collection} were read; those are kept)"
            found.sort(key=lambda r: r.get("createTime") or "", reverse=True)
        return found, gap
    found.sort(key=lambda r: r.get("createTime") or "", reverse=True)
    return found, None


# tool
def list_revisions(project_id: str, region: str, service: str, limit: int = 50) -> dict[str, Any]:
    """Revisions of a service, newest first, each with its summary and settings."""
    revisions, gap = _list_children("revisions", "service", service, limit, project_id, region,
                                    _crobs("list-revisions", project_id, region, service=service))
    return {
        "revisions": [{**summarize(r, "revision"), "settings": settings(r, "revision")} for r in revisions],
        "data_gaps": [gap] if gap else [],
    }


# tool
def describe_revision(project_id: str, region: str, service: str, revision: str) -> dict[str, Any]:
    """One revision: conditions (why it is not ready), containers and settings."""
    base = f"{location_name(project_id, region)}/services/{_check_name('service', service)}"
    name = f"{base}/revisions/{_check_name('revision', revision)}"
    from google.api_core import exceptions

    try:
        resource = to_json(call(run_client("revisions").get_revision, name=name))
    except exceptions.NotFound as exc:
        if not _exists("service", base):
            raise not_found_error("service", service, project_id, region) from exc
        raise InputError(
            f"revision {revision} not found for service {service} in project {project_id}, region {region}; "
            f"list them with `{_crobs('list-revisions', project_id, region, service=service)}`"
        ) from exc
    except Exception as exc:
        gap = access_gap(exc, "revision", project_id, region,
                         _crobs("describe-revision", project_id, region, service=service, revision=revision))
        if gap is None:
            raise
        return _empty("revision", gap)
    return _describe("revision", resource)


# tool
def describe_job(project_id: str, region: str, job: str) -> dict[str, Any]:
    """Job summary (task count, parallelism, retries, latest execution) + settings."""
    name = f"{location_name(project_id, region)}/jobs/{_check_name('job', job)}"
    from google.api_core import exceptions

    try:
        resource = to_json(call(run_client("jobs").get_job, name=name))
    except exceptions.NotFound as exc:
        raise not_found_error("job", job, project_id, region) from exc
    except Exception as exc:
        gap = access_gap(exc, "job", project_id, region, _crobs("describe-job", project_id, region, job=job))
        if gap is None:
            raise
        return _empty("job", gap)
    return _describe("job", resource)


# tool
def list_executions(project_id: str, region: str, job: str, limit: int = 20) -> dict[str, Any]:
    """Executions of a job, newest first, with succeeded/failed/retried counts and conditions."""
    executions, gap = _list_children("executions", "job", job, limit, project_id, region,
                                     _crobs("list-executions", project_id, region, job=job))
    return {"executions": [summarize(e, "execution") for e in executions], "data_gaps": [gap] if gap else []}


def _task_summary(task: dict[str, Any]) -> dict[str, Any]:
    last = task.get("lastAttemptResult") or {}
    status = last.get("status") or {}
    return {
        "name": short_name(task.get("name")),
        "index": task.get("index", 0),
        "retried": task.get("retried", 0),
        "exit_code": last.get("exitCode"),
        "term_signal": last.get("termSignal"),
        "status_code": status.get("code"),
        "message": status.get("message"),
        "start_time": task.get("startTime"),
        "completion_time": task.get("completionTime"),
    }


# tool
def describe_execution(project_id: str, region: str, job: str, execution: str) -> dict[str, Any]:
    """One execution with counts, conditions, settings and its tasks' exit codes."""
    base = f"{location_name(project_id, region)}/jobs/{_check_name('job', job)}"
    name = f"{base}/executions/{_check_name('execution', execution)}"
    from google.api_core import exceptions

    retry_command = _crobs("describe-execution", project_id, region, job=job, execution=execution)
    try:
        resource = to_json(call(run_client("executions").get_execution, name=name))
    except exceptions.NotFound as exc:
        if not _exists("job", base):
            raise not_found_error("job", job, project_id, region) from exc
        raise InputError(
            f"execution {execution} not found for job {job} in project {project_id}, region {region}; "
            f"list them with `{_crobs('list-executions', project_id, region, job=job)}`"
        ) from exc
    except Exception as exc:
        gap = access_gap(exc, "execution", project_id, region, retry_command)
        if gap is None:
            raise
        return {**_empty("execution", gap), "tasks": []}
    result = _describe("execution", resource)
    tasks = []
    try:
        for item in call(run_client("tasks").list_tasks, request={"parent": name, "page_size": 100}):
            tasks.append(_task_summary(to_json(item)))
            if len(tasks) >= 200:
                break
    except Exception as exc:
        gap = access_gap(exc, "execution", project_id, region, retry_command)
        if gap is None:
            raise
        gap["missing_signal"] = "Cloud Run task results (exit codes)"
        result["data_gaps"].append(gap)
    result["tasks"] = sorted(tasks, key=lambda t: t["index"])
    return result
