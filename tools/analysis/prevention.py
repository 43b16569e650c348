"""Prevention plans and alert artifacts per root-cause label.

The plan rows (metric, condition, threshold, rationale) and the alert
definitions live in tools/data/prevention.yaml; this module fills in the
target (project, service or job name, settings such as max instances) and
builds the JSON that Cloud Monitoring (AlertPolicy) and Cloud Logging
(LogMetric) accept, in their REST camelCase form. The JSON is written so
that `gcloud alpha monitoring policies create --policy-from-file=F` and
`gcloud logging metrics create NAME --config-from-file=F` can apply it
as-is.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tools.errors import InputError, UsageError
from tools.paths import DATA
from tools.safety.atomic import write_atomic

PREVENTION_PATH = DATA / "prevention.yaml"
LANGS = ("en", "ja")


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    try:
        data = yaml.safe_load(PREVENTION_PATH.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{PREVENTION_PATH}: unreadable prevention catalog: {str(exc).splitlines()[0]}") from exc
    sections = ("labels", "alerts", "log_metrics")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in sections):
        raise InputError(f"{PREVENTION_PATH}: expected `labels:`, `alerts:` and `log_metrics:` mappings")
    return data


def _target_kind(target: dict[str, Any]) -> str:
    return "job" if (target.get("target_type") or "service") == "job" else "service"


def _check(labels: list[str], lang: str | None = None) -> None:
    known = set(_catalog()["labels"]) | {"other"}
    unknown = [lb for lb in labels if lb not in known]
    if unknown:
        raise UsageError(f"unknown root-cause label(s) {', '.join(unknown)}; see tools/data/root_causes.yaml")
    if lang is not None and lang not in LANGS:
        raise UsageError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")


def _applies(entry: dict[str, Any], kind: str) -> bool:
    return kind in (entry.get("applies_to") or ("service", "job"))


def prevention_plan(labels: list[str], target: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Prevention rows for the labels, in order, deduplicated by metric+condition.

    Each row: {label, metric, condition, threshold, rationale, alert_ids}; the
    strings are in `lang`. `other` has no template and yields nothing.
    """
    _check(labels, lang)
    kind = _target_kind(target)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for label in labels:
        spec = _catalog()["labels"].get(label)
        if not spec:
            continue
        alert_ids = [a for a in spec.get("alerts", []) if _applies(_catalog()["alerts"][a], kind)]
        for row in spec.get("rows", []):
            if not _applies(row, kind):
                continue
            key = (row["metric"]["en"], row["condition"]["en"])
            if key in seen:
                continue
            seen.add(key)
            rows.append({
                "label": label,
                "metric": row["metric"][lang],
                "condition": row["condition"][lang],
                "threshold": row["threshold"][lang],
                "rationale": row["rationale"][lang],
                "alert_ids": alert_ids,
            })
    return rows


# -- artifacts --------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:50] or "target"


def _fill(template: str, target: dict[str, Any]) -> str:
    project = target.get("project_id") or "PROJECT_ID"
    name = target.get("target_name") or "TARGET"
    if _target_kind(target) == "job":
        resource = f'resource.type="cloud_run_job" AND resource.labels.job_name="{name}"'
    else:
        resource = f'resource.type="cloud_run_revision" AND resource.labels.service_name="{name}"'
    return template.format_map({"resource": resource, "project": project, "name": name,
                                "logs": f"projects/{project}/logs"})


def _setting(target: dict[str, Any], name: str) -> Any:
    value = target.get(name)
    if value is None:
        value = (target.get("settings") or {}).get(name)
    return value


def _threshold(spec: Any, target: dict[str, Any]) -> float:
    """A number, or {setting, factor, default}: factor x the target's setting when known."""
    if isinstance(spec, dict):
        value = _setting(target, spec["setting"])
        try:
            return round(float(value) * float(spec["factor"]), 4)
        except (TypeError, ValueError):
            return float(spec["default"])
    return float(spec)


def _metric_name(log_metric_id: str, target: dict[str, Any]) -> str:
    return f"crobs_{_slug(target.get('target_name') or 'target').replace('-', '_')}_{log_metric_id}"


def _log_metric(metric_id: str, target: dict[str, Any]) -> dict[str, Any]:
    spec = _catalog()["log_metrics"][metric_id]
    labels = spec.get("labels") or {}
    types = spec.get("label_types") or {}
    out: dict[str, Any] = {
        "name": _metric_name(metric_id, target),
        "description": f"{spec['description']} ({target.get('target_name') or 'TARGET'}); created by crobs",
        "filter": _fill(spec["filter"], target),
        "metricDescriptor": {
            "metricKind": "DELTA",
            "valueType": "INT64",
            "unit": "1",
            "labels": [{"key": k, "valueType": types.get(k, "STRING")} for k in labels],
        },
    }
    if labels:
        out["labelExtractors"] = dict(labels)
    return out


def _aggregation(spec: dict[str, Any], kind: str) -> dict[str, Any]:
    group_by = spec.get("group_by") or [f"resource.label.{'job_name' if kind == 'job' else 'service_name'}"]
    return {
        "alignmentPeriod": spec.get("alignment", "60s"),
        "perSeriesAligner": spec["aligner"],
        "crossSeriesReducer": spec["reducer"],
        "groupByFields": list(group_by),
    }


def _alert_policy(alert_id: str, labels: list[str], target: dict[str, Any]) -> dict[str, Any]:
    spec = _catalog()["alerts"][alert_id]
    kind = _target_kind(target)
    name = target.get("target_name") or "TARGET"
    display = f"{name}: {spec['display']}"
    doc = (f"Prevention alert for root-cause label(s) {', '.join(labels)} on Cloud Run {kind} `{name}`. "
           f"Generated by crobs from an incident report; review the threshold before enabling notifications.")
    policy: dict[str, Any] = {
        "displayName": display,
        "documentation": {"content": doc, "mimeType": "text/markdown"},
        "userLabels": {"managed_by": "crobs", "root_cause": _slug(labels[0]), "target": _slug(name)},
        "combiner": "OR",
        "enabled": True,
        "severity": spec.get("severity", "WARNING"),
    }
    if spec["type"] == "log_match":
        policy["conditions"] = [{
            "displayName": spec["display"],
            "conditionMatchedLog": {
                "filter": _fill(spec["filter"], target),
                "labelExtractors": {"revision_name": "EXTRACT(resource.labels.revision_name)"}
                if kind == "service" else {"execution_name": 'EXTRACT(labels."run.googleapis.com/execution_name")'},
            },
        }]
        # Required for log-match conditions: at most one notification per period.
        policy["alertStrategy"] = {"notificationRateLimit": {"period": "3600s"}, "autoClose": "604800s"}
        return policy
    if spec.get("log_metric"):
        metric_type = f"logging.googleapis.com/user/{_metric_name(spec['log_metric'], target)}"
    else:
        metric_type = spec["metric"]
    base = f'{_fill("{resource}", target)} AND metric.type="{metric_type}"'
    condition: dict[str, Any] = {
        "filter": base + spec.get("extra_filter", ""),
        "aggregations": [_aggregation(spec, kind)],
        "comparison": spec["comparison"],
        "thresholdValue": _threshold(spec["threshold"], target),
        "duration": spec.get("duration", "300s"),
        "trigger": {"count": 1},
    }
    if spec.get("ratio"):
        condition["denominatorFilter"] = base + spec.get("denominator_extra_filter", "")
        condition["denominatorAggregations"] = [_aggregation(spec, kind)]
    policy["conditions"] = [{"displayName": spec["display"], "conditionThreshold": condition}]
    policy["alertStrategy"] = {"autoClose": "1800s"}
    return policy


def alert_artifacts(labels: list[str], target: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """{"alert_policies": [...], "log_metrics": [...]} as Cloud Monitoring / Logging REST JSON.

    Each alert appears once even when several labels ask for it (its
    documentation names them all); a log-based metric is included whenever a
    label or an alert that reads it is. Every item carries `id` for file names
    under the key `_crobs_id`, removed by emit_alerts before writing.
    """
    _check(labels)
    kind = _target_kind(target)
    alert_labels: dict[str, list[str]] = {}
    metric_ids: list[str] = []
    for label in labels:
        spec = _catalog()["labels"].get(label) or {}
        for alert_id in spec.get("alerts", []):
            if _applies(_catalog()["alerts"][alert_id], kind):
                alert_labels.setdefault(alert_id, []).append(label)
        for metric_id in spec.get("log_metrics", []):
            if metric_id not in metric_ids:
                metric_ids.append(metric_id)
    for alert_id in alert_labels:
        metric_id = _catalog()["alerts"][alert_id].get("log_metric")
        if metric_id and metric_id not in metric_ids:
            metric_ids.append(metric_id)
    return {
        "alert_policies": [{"_crobs_id": a, **_alert_policy(a, lbs, target)} for a, lbs in alert_labels.items()],
        "log_metrics": [{"_crobs_id": m, **_log_metric(m, target)} for m in metric_ids],
    }


def _write_atomic(path: Path, text: str) -> None:
    write_atomic(path, text)  # temp file + os.replace, regular files only, mode kept (tools/safety/atomic.py)


def emit_alerts(labels: list[str], target: dict[str, Any], out_dir: str | Path) -> list[str]:
    """Write one JSON file per artifact: alert-policy-<id>.json, log-metric-<id>.json; returns the paths."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create directory: {exc.strerror}") from exc
    artifacts = alert_artifacts(labels, target)
    written = []
    for prefix, key in (("log-metric", "log_metrics"), ("alert-policy", "alert_policies")):
        for item in artifacts[key]:
            body = {k: v for k, v in item.items() if k != "_crobs_id"}
            path = out / f"{prefix}-{item['_crobs_id'].replace('_', '-')}.json"
            try:
                _write_atomic(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
            except OSError as exc:
                raise UsageError(f"{path}: cannot write: {exc.strerror}") from exc
            written.append(str(path))
    return written
