"""Cloud Run Admin API v2 routes over a case's `run/**.json` files.

The `run_v2` REST client appends `?$alt=json;enum-encoding=int`; routing is
on the path only. Resources are indexed by their own `name` field (the file
name is only the short name), and children are listed by the parent field the
real API exposes: a revision's `service`, an execution's `job`, a task's
`execution`. Missing resources get Google's 404 error JSON, as upstream.

Route names (for `server.inject`): run.services.get, run.services.list,
run.revisions.get, run.revisions.list, run.jobs.get, run.jobs.list,
run.executions.get, run.executions.list, run.tasks.get, run.tasks.list.
"""

from __future__ import annotations

import json
from typing import Any

from tools.replay.server import ReplayServer, Request, Response, google_error

_SEG = r"[^/]+"
_LOC = rf"/v2/projects/(?P<project>{_SEG})/locations/(?P<location>{_SEG})"
_COLLECTIONS = ("services", "revisions", "jobs", "executions", "tasks")
_KIND_WORDS = {
    "services": "SERVICE",
    "revisions": "REVISION",
    "jobs": "JOB",
    "executions": "EXECUTION",
    "tasks": "TASK",
}
# The field on a child resource that names its parent.
_PARENT_FIELD = {"revisions": "service", "executions": "job", "tasks": "execution"}
DEFAULT_PAGE_SIZE = 100


def _load(server: ReplayServer) -> dict[str, dict[str, dict[str, Any]]]:
    """{collection: {full name: resource}}, read once per server."""
    with server.lock:
        cached = server.state.get("run")
        if cached is not None:
            return cached
        index: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in _COLLECTIONS}
        root = server.case_dir / "run" if server.case_dir else None
        if root and root.is_dir():
            for collection in _COLLECTIONS:
                folder = root / collection
                if not folder.is_dir():
                    continue
                for path in sorted(folder.glob("*.json")):
                    try:
                        resource = json.loads(path.read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                        continue  # an unreadable recording is absent, as a missing file would be
                    if isinstance(resource, dict) and resource.get("name"):
                        index[collection][resource["name"]] = resource
        server.state["run"] = index
        return index


def _matches_location(name: str, project: str, location: str) -> bool:
    parts = name.split("/")
    return len(parts) >= 4 and parts[1] == project and (location == "-" or parts[3] == location)


def _not_found(collection: str, name: str, request: Request) -> Response:
    short = name.rsplit("/", 1)[-1]
    return google_error(
        404,
        f"Resource '{short}' of kind '{_KIND_WORDS[collection]}' in region '{request.params['location']}' "
        f"in project '{request.params['project']}' does not exist.",
    )


def _page(request: Request, items: list[dict[str, Any]], key: str) -> Response:
    try:
        size = int(request.arg("pageSize") or DEFAULT_PAGE_SIZE)
        start = int(request.arg("pageToken") or 0)
    except ValueError:
        return google_error(400, "Invalid page token or page size.")
    size = size if size > 0 else DEFAULT_PAGE_SIZE
    body: dict[str, Any] = {key: items[start : start + size]} if items[start : start + size] else {}
    if start + size < len(items):
        body["nextPageToken"] = str(start + size)
    return Response(200, body)


def _getter(collection: str):
    def handler(server: ReplayServer, request: Request) -> Response:
        name = request.path[len("/v2/") :]
        resource = _load(server)[collection].get(name)
        if resource is None:
            return _not_found(collection, name, request)
        return Response(200, resource)

    return handler


def _lister(collection: str):
    def handler(server: ReplayServer, request: Request) -> Response:
        index = _load(server)
        parent = request.path[len("/v2/") :].rsplit("/", 1)[0]
        p, loc = request.params["project"], request.params["location"]
        parent_field = _PARENT_FIELD.get(collection)
        if parent_field:
            parent_collection = parent.split("/")[-2]
            if parent not in index[parent_collection]:
                return _not_found(parent_collection, parent, request)
            # the API's `job`/`service`/`execution` field holds the parent's short name; recordings
            # and hand-written cases also carry the full name, so accept both
            short = parent.rsplit("/", 1)[-1]
            items = [r for r in index[collection].values() if r.get(parent_field) in (parent, short)]
        else:
            items = [r for n, r in index[collection].items() if _matches_location(n, p, loc)]
        items.sort(key=lambda r: r["name"])
        return _page(request, items, collection)

    return handler


def register(server: ReplayServer) -> None:
    svc = rf"{_LOC}/services/(?P<service>{_SEG})"
    job = rf"{_LOC}/jobs/(?P<job>{_SEG})"
    execution = rf"{job}/executions/(?P<execution>{_SEG})"
    server.route("run.services.get", "GET", svc, _getter("services"))
    server.route("run.services.list", "GET", rf"{_LOC}/services", _lister("services"))
    server.route("run.revisions.get", "GET", rf"{svc}/revisions/(?P<revision>{_SEG})", _getter("revisions"))
    server.route("run.revisions.list", "GET", rf"{svc}/revisions", _lister("revisions"))
    server.route("run.jobs.get", "GET", job, _getter("jobs"))
    server.route("run.jobs.list", "GET", rf"{_LOC}/jobs", _lister("jobs"))
    server.route("run.executions.get", "GET", execution, _getter("executions"))
    server.route("run.executions.list", "GET", rf"{job}/executions", _lister("executions"))
    server.route("run.tasks.get", "GET", rf"{execution}/tasks/(?P<task>{_SEG})", _getter("tasks"))
    server.route("run.tasks.list", "GET", rf"{execution}/tasks", _lister("tasks"))
