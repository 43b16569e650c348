"""The project's Log Analytics linked BigQuery dataset, found through the Logging API (two calls).

`investigate --engine auto` on a window too big for entries.list looks for the dataset the SQL path
can run on without being told (`--log-dataset`): `GET /v2/projects/P/locations/-/buckets` lists
the log buckets in every location, the `_Default` bucket first among those with
`analyticsEnabled`; `GET /v2/{bucket}/links` lists its links, whose `bigqueryDataset.datasetId` is
`bigquery.googleapis.com/projects/P/datasets/D`. Shapes: LogBucket
https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets, Link
https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets.links (google-cloud-logging's
`logging_v2.types.ListBucketsResponse` / `ListLinksResponse`, which parse each response here).

google-cloud-logging's ConfigServiceV2Client ships gRPC only (3.x has no REST transport), and gRPC
cannot reach the plain-HTTP replay server, so the documented REST paths are called with google-auth's
AuthorizedSession (tools.sources.gcp_clients, CROBS_GCP_ENDPOINT as every other source), as
tools/sources/monitoring.py does for Cloud Monitoring.
"""

from __future__ import annotations

import re
from typing import Any

API_ROOT = "https://logging.googleapis.com"
_DATASET = re.compile(r"(?:bigquery\.googleapis\.com/)?projects/([^/]+)/datasets/([A-Za-z0-9_]+)")
_USABLE = ("ACTIVE", "LIFECYCLE_STATE_UNSPECIFIED", "")


class LookupFailed(Exception):
    """A Logging config call that failed; the message says how (one line)."""


def _get(session: Any, url: str, message: Any) -> dict[str, Any]:
    import requests

    from tools.sources import deadline

    budget = deadline.current("cloud_logging")
    try:
        response = session.get(url, params={"pageSize": 100}, timeout=budget.timeout())
    except requests.exceptions.RequestException as exc:
        raise LookupFailed(f"cannot reach the Logging API ({type(exc).__name__})") from exc
    if response.status_code != 200:
        try:
            text = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            text = response.text[:200]
        hint = " (needs roles/logging.viewer)" if response.status_code in (401, 403) else ""
        raise LookupFailed(f"HTTP {response.status_code}{hint}: {' '.join(str(text).split())[:200]}")
    try:
        message.from_json(response.text, ignore_unknown_fields=True)
        return response.json()
    except Exception as exc:  # noqa: BLE001 - a malformed body is a failed lookup, not a crash
        raise LookupFailed(f"malformed Logging API response ({type(exc).__name__})") from exc


def find_linked_dataset(project: str) -> tuple[str | None, str]:
    """("P.D", how it was found) or (None, why there is none); never raises."""
    try:
        from google.cloud.logging_v2.types import ListBucketsResponse, ListLinksResponse

        from tools.sources.gcp_clients import authorized_session, endpoint

        session = authorized_session()
        root = (endpoint() or API_ROOT).rstrip("/")
        buckets = _get(session, f"{root}/v2/projects/{project}/locations/-/buckets", ListBucketsResponse)
        enabled = [b for b in buckets.get("buckets") or [] if isinstance(b, dict) and b.get("analyticsEnabled")
                   and isinstance(b.get("name"), str)]
        if not enabled:
            return None, f"no log bucket in project {project} has Log Analytics enabled"
        enabled.sort(key=lambda b: not b["name"].endswith("/buckets/_Default"))
        bucket = enabled[0]["name"]
        short = bucket.rsplit("/", 1)[-1]
        links = _get(session, f"{root}/v2/{bucket}/links", ListLinksResponse)
        for link in links.get("links") or []:
            if not isinstance(link, dict) or str(link.get("lifecycleState") or "") not in _USABLE:
                continue
            match = _DATASET.fullmatch(str((link.get("bigqueryDataset") or {}).get("datasetId") or ""))
            if match:
                return f"{match.group(1)}.{match.group(2)}", f"the dataset linked to log bucket {short}"
        return None, f"log bucket {short} has Log Analytics but no linked BigQuery dataset"
    except LookupFailed as exc:
        return None, f"the linked-dataset lookup failed: {exc}"
    except Exception as exc:  # noqa: BLE001 - no credentials, an odd body: no dataset, said why
        first = (str(exc).splitlines() or [""])[0][:160]
        return None, f"the linked-dataset lookup failed ({type(exc).__name__}: {first})"
