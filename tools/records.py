"""The plain-data shapes that flow between sources, analysis and the report.

Sources return these (as dicts); analysis reads only these. Keeping them in
one module is what lets the logging, Cloud Run, repository and Trello sources
be written and tested independently.

Raw references (the report's `raw_ref` column) follow one form per source:

- repository:      `path/relative/to/repo:LINE`  (1-based, the construct's line)
- cloud_logging:   `<short logName>#<insertId>`, e.g. `run.googleapis.com/stderr#6650f3a1000b2c`
                   (short logName = the part after `/logs/`, URL-decoded)
- audit_log:       same form, e.g. `cloudaudit.googleapis.com/activity#abc123`
- cloud_run_*:     `<resource name>#<field path>`, e.g.
                   `projects/p/locations/r/services/s#template.containers[0].resources.limits.memory`
- cloud_monitoring: `<metric type>#<resource label filter>@<RFC 3339 point time>`
- trello:          the card URL, `https://trello.com/c/<shortLink>`, plus `#comment-<actionId>`
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

EvidenceSource = Literal[
    "cloud_logging",
    "cloud_run_service",
    "cloud_run_revision",
    "cloud_run_job",
    "audit_log",
    "cloud_monitoring",
    "repository",
    "trello",
    "user_report",
]

LogKind = Literal["requests", "stdout", "stderr", "system", "audit_activity", "audit_system_event", "other"]


class HttpInfo(TypedDict, total=False):
    method: str
    path: str
    status: int
    latency_ms: float


class LogRecord(TypedDict, total=False):
    """One normalized LogEntry (what fetch_logs / query_logs return)."""

    timestamp: str  # RFC 3339 UTC with Z
    severity: str  # DEFAULT, DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY
    log_kind: LogKind
    log_name: str  # short form: run.googleapis.com/stderr
    resource_type: str  # cloud_run_revision | cloud_run_job | ...
    resource: dict[str, str]  # service_name, revision_name, job_name, execution_name, location, project_id
    instance_id: str | None
    http: HttpInfo | None
    message: str
    insert_id: str
    trace: str | None
    labels: dict[str, str]
    raw_ref: str  # `<short logName>#<insertId>`


class DataGap(TypedDict):
    """A source that was absent, empty, denied or failed; becomes a report data gap."""

    source: EvidenceSource
    missing_signal: str
    why_missing: str
    follow_up: str  # an exact command with the target filled in


# Canonical setting names shared by live config (Cloud Run API) and declared
# config (Terraform, service.yaml, gcloud flags, Dockerfile), so that rules
# can treat "max instances is 1" the same wherever it was found.
SETTING_NAMES = (
    "min_instances",
    "max_instances",
    "concurrency",  # maxInstanceRequestConcurrency
    "timeout_seconds",
    "memory",  # "512Mi"
    "cpu",  # "1"
    "cpu_throttled",  # True when CPU is only allocated during requests (cpuIdle true / default)
    "startup_cpu_boost",
    "container_port",
    "execution_environment",  # gen1 | gen2
    "volume_kinds",  # in-memory | nfs | gcs | cloudsql | secret: the volumes a revision mounts
    "startup_probe",
    "liveness_probe",
    "env_names",
    "env_names_replaced",  # gcloud --set-env-vars: the new revision has exactly these, every other one is dropped
    "secret_refs",
    "pid1_launcher",  # Dockerfile: npm/yarn/pnpm is PID 1 and does not forward SIGTERM to the app
    "source_dir",  # gcloud run deploy --source DIR: the directory the image is built from
    "env_value",  # gcloud env value built from shell variables, cited where its expression is written
    "secret_ref_missing",  # the env entry a failed rollout names: it references a secret that is not found
    "secrets_removed",  # gcloud --remove-secrets / --clear-secrets: the new revision no longer has these
    "env_removed",  # gcloud --remove-env-vars / --clear-env-vars
    "secret_iam_unordered",  # Terraform: a secret grant the service does not depends_on (rollout can race it)
    "image_pushed_after_deploy",  # Cloud Build: deploy step uses an image only the final `images:` push uploads
    "service_account",
    "cloudsql_instances",  # Cloud SQL connection names (project:region:instance) the revision connects to
    "vpc_egress",  # none | private-ranges-only | all-traffic (Direct VPC or a connector)
    "service_account_resource",  # Terraform: the google_service_account the service runs as (scan/deploy_config/iam.py)
    "iam_grant",  # Terraform: a role granted to that account (detail: apis, grant_type)
    "image_platform",  # Pulumi: platform an image build pins (None: the build machine's architecture)
    "sidecar_unordered",  # a sidecar the ingress container does not wait for (tools/scan/deploy_config/sidecars.py)
    "image",
    "command",  # entrypoint / CMD as a string
    "bind_address",  # host a CMD/args binds to, where visible
    "task_count",  # jobs
    "parallelism",
    "max_retries",
    "task_timeout_seconds",
)


class Setting(TypedDict, total=False):
    """One configuration value with where it came from."""

    setting: str  # one of SETTING_NAMES
    value: Any
    is_default: bool  # the value was left out and the platform default applies
    raw_ref: str  # path:line (declared config) or resource#field.path (live config)
    source: EvidenceSource  # repository | cloud_run_service | cloud_run_revision | cloud_run_job
    origin: str  # terraform | knative | gcloud | dockerfile | procfile | api
    resource: str  # e.g. google_cloud_run_v2_service.app, or the API resource name
    target_name: str | None  # the Cloud Run service/job name when known
    expression: str  # declared config: the expression as written, e.g. `var.max_instances`
    value_ref: str  # declared config: path:line where that expression's value was found (variables.tf default)
    detail: dict[str, Any]  # extra attributes a rule may match (e.g. an IAM grant's apis)


class Finding(TypedDict, total=False):
    """One code finding from scan_repo."""

    id: str  # f-001 ...
    category: str  # background-work, durable-queue, bind-address, port, signal-handling, memory, ...
    language: str
    path: str  # relative to the repo root
    line: int  # 1-based line of the construct itself
    snippet: str
    enclosing_symbol: str | None
    pattern: str  # catalog pattern id
    detail: str
    in_request_path: bool | None  # enclosing function is (or is called from) a request handler
    handler: str | None  # the handler it is reached from, when known
    raw_ref: str  # path:line


class EvidenceRow(TypedDict, total=False):
    """A report evidence row before it is numbered (analysis assigns ev-NNN)."""

    timestamp: str
    source: EvidenceSource
    signal: str
    confidence: Literal["high", "medium", "low"]
    raw_ref: str
