"""Google client construction in one place.

`CROBS_GCP_ENDPOINT` (set by `--replay` and by tests) points every Google
client at the replay server with anonymous credentials; otherwise the clients
use Application Default Credentials against the real APIs. Clients are
imported lazily: importing them costs most of a second.
"""

from __future__ import annotations

import os
from typing import Any

from tools.errors import ToolError

ENDPOINT_ENV = "CROBS_GCP_ENDPOINT"
ADC_HINT = "no Google credentials found: run `gcloud auth application-default login`"


def endpoint() -> str | None:
    return os.environ.get(ENDPOINT_ENV) or None


def _credentials() -> Any:
    if endpoint():
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _ = google.auth.default(
            scopes=["https://www.googleapis.com/auth/cloud-platform"]
        )
    except DefaultCredentialsError as exc:
        raise ToolError(ADC_HINT) from exc
    return credentials


def _client_options() -> dict[str, str]:
    return {"api_endpoint": endpoint()} if endpoint() else {}


def logging_client(project: str) -> Any:
    from google.cloud import logging as gcl

    credentials = _credentials()
    return gcl.Client(
        project=project,
        credentials=credentials,
        _http=_session(credentials),
        _use_grpc=False,
        client_options=_client_options() or None,
    )


def _session(credentials: Any) -> Any:
    """google-auth's AuthorizedSession with the token refresh bounded by the request timeout.

    Its default refresh waits up to 120 s on an unreachable token endpoint, before the
    API call's own timeout even starts (tools.sources.deadline).
    """
    from google.auth.transport.requests import AuthorizedSession

    from tools.sources.deadline import REQUEST_TIMEOUT_ENV, seconds

    return AuthorizedSession(credentials, refresh_timeout=seconds(REQUEST_TIMEOUT_ENV))


def run_client(kind: str) -> Any:
    """kind: services | revisions | jobs | executions | tasks."""
    from google.cloud import run_v2

    classes = {
        "services": run_v2.ServicesClient,
        "revisions": run_v2.RevisionsClient,
        "jobs": run_v2.JobsClient,
        "executions": run_v2.ExecutionsClient,
        "tasks": run_v2.TasksClient,
    }
    return classes[kind](
        credentials=_credentials(), transport="rest", client_options=_client_options() or None
    )


def authorized_session() -> Any:
    """A requests session for REST APIs whose client library has no REST transport.

    google-cloud-monitoring 2.x ships gRPC only, and gRPC cannot reach the
    plain-HTTP replay server, so Monitoring is called over its documented REST
    path with this session (responses still parsed by the library's types).
    """
    return _session(_credentials())


def bigquery_client(project: str) -> Any:
    """BigQuery (Log Analytics linked datasets) over REST, pointed at the replay server like the others."""
    from google.cloud import bigquery

    return bigquery.Client(project=project, credentials=_credentials(), client_options=_client_options() or None)
