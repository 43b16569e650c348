"""Turn source outputs into scored evidence items that the rules can match.

Each item keeps its *true* source (code and Terraform lines are `repository`,
live configuration is `cloud_run_service`/`_revision`/`_job`, logs are
`cloud_logging`, audit entries `audit_log`, the card `trello`) and the exact
raw reference, because a report row that names the wrong source or line
misleads the reader more than a missing row.

Items that belong to another service, to a revision that served no traffic,
or to a time outside the window are kept but marked `excluded` with the
reason: they are visible for debugging, and tools/analysis/rules.py never matches
them, so they cannot drive a candidate.

Item shape: {id, type, attrs{...}, source, timestamp, static, raw_ref,
signal{en, ja}, confidence, strength, service, revisions[], excluded}.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from tools.analysis.evidence.app_errors import recurring_error_items
from tools.analysis.evidence.changes import change_items
from tools.analysis.evidence.config import join_config
from tools.analysis.evidence.declared import pair_declarations, prefer_deployed_dockerfile
from tools.analysis.evidence.execution_environment import environment_items
from tools.analysis.evidence.fold import fold_wrappers
from tools.analysis.evidence.instance_timeline import timeline_items
from tools.analysis.evidence.items import (
    LIVE_SOURCES,
    SEVERITY,
    make_item,
    one_line,
    render_signal,
    setting_number,
    setting_value,
    value_text,
)
from tools.analysis.evidence.listen import contradict_bind_claims, listen_items
from tools.analysis.evidence.pid1 import block_unreachable_handlers
from tools.analysis.evidence.reserved_paths import reserved_path_items
from tools.analysis.evidence.runtime import (
    condition_items,
    execution_items,
    message_labels,
    metric_items,
    record_revision,
    request_items,
    signature_items,
)
from tools.analysis.evidence.scale import scale_items
from tools.analysis.evidence.secret_refs import secret_ref_items
from tools.timewindow import DEPLOY_LOOKBACK, format_time, parse_time

__all__ = ["build_items", "mark_excluded", "onset_time", "render_signal", "serving_revisions", "setting_number"]



# -- per source --------------------------------------------------------------

def setting_items(settings: list[dict[str, Any]], window_start: str) -> list[dict[str, Any]]:
    """Configuration values, declared (repository) or live (Cloud Run API), with comparable numbers."""
    items = []
    for index, setting in enumerate(settings):
        name = setting.get("setting")
        raw_ref = setting.get("raw_ref")
        if not name or not raw_ref:
            continue
        value = setting_value(name, setting.get("value"))
        is_default = bool(setting.get("is_default"))
        source = setting.get("source") or "repository"
        live = source in LIVE_SOURCES
        values = {
            "setting": name, "value_text": value_text(value),
            "default_note_en": " (not set: platform default)" if is_default else "",
            "default_note_ja": "（未設定のため既定値）" if is_default else "",
            **(setting.get("detail") or {}),
        }
        keys = [f"setting.{name}.{'default' if is_default else 'explicit'}", f"setting.{name}", "setting"]
        items.append(make_item(
            f"setting:{source}:{name}:{index}", "setting", source, raw_ref, window_start, static=True,
            attrs={"setting": name, "value": value, "number": setting_number(name, value),
                   "is_default": is_default, "origin": setting.get("origin"), "resource": setting.get("resource"),
                   **(setting.get("detail") or {})},
            confidence="high" if (live or not is_default) else "medium",
            strength=1.0 if live else 0.9 if not is_default else 0.8,
            signal=render_signal(keys, values), service=setting.get("target_name"),
        ))
    return items


def finding_items(findings: list[dict[str, Any]], window_start: str) -> list[dict[str, Any]]:
    """Code findings from scan_repo; background work notes whether any durable queue exists."""
    has_queue = any(f.get("category") == "durable-queue" for f in findings)
    items = []
    for index, finding in enumerate(findings):
        raw_ref = finding.get("raw_ref") or (f"{finding['path']}:{finding['line']}" if finding.get("path") else "")
        if not raw_ref:
            continue
        in_path = finding.get("in_request_path")
        handler = finding.get("handler")
        snippet = one_line(str(finding.get("snippet") or finding.get("pattern") or "").replace("`", "'"), 70)
        values = {
            **finding,
            "symbol": finding.get("enclosing_symbol") or finding.get("path") or "?",
            "snippet_short": snippet,
            "handler_note_en": f", reached from request handler `{handler}`" if handler else
            (", inside a request path" if in_path else ""),
            "handler_note_ja": f"（リクエストハンドラ `{handler}` から到達）" if handler else
            ("（リクエスト経路内）" if in_path else ""),
            "queue_note_en": "" if has_queue else "; no durable queue (Cloud Tasks, Pub/Sub, Jobs) in the repository",
            "queue_note_ja": "" if has_queue else "。永続キュー（Cloud Tasks・Pub/Sub・Jobs）の利用はない",
        }
        strength = 1.0 if in_path else 0.4 if in_path is False else 0.7
        items.append(make_item(
            f"finding:{raw_ref}:{finding.get('category')}:{index}", "finding", "repository", raw_ref,
            window_start, static=True,
            attrs={k: v for k, v in finding.items() if k not in ("snippet", "raw_ref", "id")},
            confidence="high" if in_path else "medium" if in_path is None else "low", strength=strength,
            signal=render_signal([f"finding.{finding.get('category')}", "finding"], values),
        ))
    return items


def frame_items(located: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where errors were raised in the application's code (tools.analysis.stack_frames.locate_errors groups).

    A frame says where, not why: it carries the signature ids of the error
    lines it came from (`signature_ids`), and build_items links it to those
    signature items so a candidate built on them cites the exact line.
    """
    items = []
    for group in located:
        values = {**group, "function": group.get("function") or group["path"],
                  "error_short": one_line(str(group.get("error") or "?").replace("`", "'"), 110),
                  "snippet_short": one_line(str(group.get("snippet") or "").replace("`", "'"), 80)}
        template = "stack_frame.field" if str(group.get("format")).endswith("-field") else "stack_frame"
        items.append(make_item(
            f"frame:{group['raw_ref']}", "stack_frame", "repository", group["raw_ref"],
            group.get("first_seen") or "", static=not group.get("first_seen"),
            attrs={"count": group["count"], "function": group.get("function"), "error": group.get("error"),
                   "signature_ids": list(group.get("signature_ids") or []), "format": group.get("format")},
            confidence="high" if group["count"] >= 3 else "medium", strength=0.9,
            signal=render_signal([template], values), service=group.get("service"),
            revisions=list(group.get("revisions") or []),
        ))
    return items


def weigh_findings_by_failing_endpoints(items: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """Findings whose request handler serves the endpoints that failed outrank look-alikes elsewhere."""
    from tools.analysis.endpoint_failures import handler_failure_rate, path_stats

    stats = path_stats(records)
    if not stats:
        return
    for item in items:
        if item["type"] != "finding" or not item["attrs"].get("handler"):
            continue
        rate = handler_failure_rate(item["attrs"]["handler"], stats)
        item["attrs"]["endpoint_failure_rate"] = round(rate, 3)
        item["strength"] = round(item["strength"] + 0.3 * rate, 3)


def link_frames(items: list[dict[str, Any]]) -> None:
    """Point each stack-frame item at the signature items of the same error lines (same service)."""
    signatures = [i for i in items if i["type"] == "signature"]
    for item in items:
        if item["type"] != "stack_frame":
            continue
        wanted = set(item["attrs"]["signature_ids"])
        item["links"] = [s["id"] for s in signatures if s["attrs"]["signature_id"] in wanted
                         and (s.get("service") is None or item.get("service") in (None, s["service"]))]


def deploy_items(events: list[dict[str, Any]], onset: str | None) -> list[dict[str, Any]]:
    """Deploys and revision creations, with how long before the onset they happened."""
    items = []
    onset_dt = parse_time(onset) if onset else None
    for index, event in enumerate(events):
        if not event.get("raw_ref") or not event.get("timestamp"):
            continue
        minutes = None
        if onset_dt:
            minutes = round((onset_dt - parse_time(event["timestamp"])).total_seconds() / 60, 1)
        failed = event.get("ready") is False or str(event.get("kind", "")).lower() in ("failed", "deploy_failed")
        values = {**event, "actor": event.get("actor") or "?", "revision": event.get("revision") or "?",
                  "method": str(event.get("method") or event.get("kind") or "?").rsplit(".", 1)[-1],
                  "onset_note_en": f", {minutes} min before the first error" if minutes is not None else "",
                  "onset_note_ja": f"（最初のエラーの {minutes} 分前）" if minutes is not None else ""}
        source = "audit_log" if "cloudaudit" in str(event["raw_ref"]) else (
            "cloud_run_revision" if str(event["raw_ref"]).startswith("projects/") else "audit_log")
        # a failed rollout's message names why (e.g. secret access denied): labelled through the catalog
        sig_ids, labels = message_labels(str(event.get("message") or "")) if failed else ([], [])
        values["message"] = one_line(str(event.get("message") or "").replace("`", "'"), 200) or "-"
        items.append(make_item(
            f"deploy:{index}", "deploy", source, event["raw_ref"], event["timestamp"], static=False,
            attrs={"kind": event.get("kind"), "method": event.get("method"), "ready": event.get("ready"),
                   "failed": failed, "minutes_before_onset": minutes, "signature_ids": sig_ids, "labels": labels,
                   "primary_label": labels[0] if labels else None, "label_count": len(labels)},
            confidence="high", strength=1.0,
            signal=render_signal([("deploy.failed" if failed else "deploy") + ("" if event.get("revision")
                                                                               else ".unnamed")], values),
            service=event.get("service"), revisions=[event["revision"]] if event.get("revision") else [],
        ))
    return items


def user_report_items(rows: list[dict[str, Any]], card: dict[str, Any] | None,
                      window_start: str) -> list[dict[str, Any]]:
    """Card and comment rows from the Trello source: a reported, not measured, symptom."""
    items = []
    card = card or {}
    card_text = " ".join(str(card.get(k) or "") for k in ("name", "desc"))
    for index, row in enumerate(rows):
        raw_ref = row.get("raw_ref")
        if not raw_ref:
            continue
        text = str(row.get("signal") or "")
        match_text = text + (" " + card_text if "#comment-" not in raw_ref else "")
        items.append(make_item(
            f"report:{index}", "user_report", row.get("source") or "trello", raw_ref,
            row.get("timestamp") or window_start, static=True,
            attrs={"text": match_text},
            confidence=row.get("confidence") or "medium", strength=0.8,
            signal={"en": one_line(text) or "?", "ja": one_line(text) or "?"},
        ))
    return items


# -- filtering -----------------------------------------------------------------

def serving_revisions(records: list[dict[str, Any]], traffic: list[dict[str, Any]] | None = None) -> set[str] | None:
    """Revisions that served requests in the window (request logs) or hold traffic; None when unknown."""
    serving = {record_revision(r) for r in records if r.get("http")} - {None}
    for target in traffic or []:
        if (target.get("percent") or 0) > 0 and target.get("revision"):
            serving.add(str(target["revision"]).rsplit("/", 1)[-1])
    return serving or None


def mark_excluded(items: list[dict[str, Any]], target_name: str | None, start: datetime, end: datetime,
                  serving: set[str] | None = None) -> list[dict[str, Any]]:
    """Set `excluded` on items that must not drive a candidate; returns the same list."""
    live: dict[str, list[Any]] = {}  # every live value of a setting: the service's and a symptom revision's
    for other in items:
        if other["type"] == "setting" and other["source"] in LIVE_SOURCES:
            live.setdefault(other["attrs"]["setting"], []).append(other["attrs"]["value"])
    for item in items:
        reason = None
        if target_name and item.get("service") and item["service"] != target_name:
            reason = f"belongs to service {item['service']}, not {target_name}"
        elif serving is not None and item["revisions"] and not set(item["revisions"]) & serving:
            reason = f"revision {item['revisions'][0]} served no traffic in the window"
        elif not item["static"] and item.get("timestamp"):
            when = parse_time(item["timestamp"])
            earliest = start - DEPLOY_LOOKBACK if item["type"] in ("deploy", "setting_change") else start
            if when < earliest or when > end:
                reason = f"{item['timestamp']} is outside the window"
        elif item["type"] == "setting" and item["source"] == "repository":
            values = live.get(item["attrs"]["setting"])
            if values and item["attrs"]["value"] not in values:
                reason = f"live config says {value_text(values[0])}"
        item["excluded"] = reason
    return items


def onset_time(items: list[dict[str, Any]]) -> str | None:
    """First runtime error-like evidence: failure signatures at WARNING+ or 429/5xx responses."""
    times = []
    for item in items:
        if item["static"] or item.get("excluded"):
            continue
        severe = item["type"] == "signature" and SEVERITY.get(str(item["attrs"].get("severity", "")).upper(), 2) >= 2
        if severe or item["type"] in ("status", "slow_requests", "regression"):
            times.append(item["timestamp"])
    return min(times) if times else None


def build_items(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """All evidence items for one investigation, with exclusions marked.

    `bundle` keys (all optional but target/window): target{target_name...},
    window{start, end} (datetimes or RFC 3339), records, signature_hits,
    settings, findings, deploy_events, conditions, executions,
    trello_rows, card, traffic, metrics, located_errors, failed_revisions
    (tools.analysis.stack_frames.locate_errors), setting_changes (tools.analysis.evidence.changes), repo (its Markdown
    deploy commands, tools.analysis.evidence.reserved_paths).
    """
    target_name = (bundle.get("target") or {}).get("target_name")
    start = parse_time(bundle["window"]["start"])
    end = parse_time(bundle["window"]["end"])
    window_start = format_time(start)
    records = bundle.get("records") or []
    settings = bundle.get("settings") or []
    timeout = next((setting_number("timeout_seconds", s.get("value")) for s in settings
                    if s.get("setting") == "timeout_seconds" and s.get("source") in LIVE_SOURCES), None)
    items = (
        signature_items(bundle.get("signature_hits") or [])
        + request_items(records, target_name, timeout)
        + setting_items(settings, window_start)
        + finding_items(bundle.get("findings") or [], window_start)
        + condition_items(bundle.get("conditions") or [], window_start)
        + execution_items(bundle.get("executions") or [])
        + user_report_items(bundle.get("trello_rows") or [], bundle.get("card"), window_start)
        + metric_items(bundle.get("metrics"), target_name)
        + scale_items(bundle.get("metrics"), settings, target_name)
        + frame_items(bundle.get("located_errors") or [])
        + listen_items(records, settings)
        + timeline_items(records, target_name)
        + recurring_error_items(records, target_name)
    )
    items += environment_items(settings, bundle.get("revisions") or [], records, window_start, target_name)
    items += secret_ref_items(items, window_start, bundle.get("signature_hits"))
    items += reserved_path_items(records, settings, bundle.get("repo"), target_name, window_start)
    for item in items:  # an app server's worker timeout matters only when it is shorter than Cloud Run's
        if item["type"] == "setting" and item["attrs"]["setting"] == "worker_timeout_seconds":
            seconds = item["attrs"]["value"]
            item["attrs"]["below_run_timeout"] = isinstance(seconds, int) and 0 < seconds < (timeout or 300)
    link_frames(items)
    weigh_findings_by_failing_endpoints(items, records)
    serving = serving_revisions(records, bundle.get("traffic"))
    if serving is not None:
        # never "served no traffic": a revision that failed to become ready is the rollout incident itself
        serving |= set(bundle.get("failed_revisions") or [])
    mark_excluded(items, target_name, start, end, serving)
    contradict_bind_claims(items, records)
    onset = onset_time(items)
    deploys = deploy_items(bundle.get("deploy_events") or [], onset)
    deploys += change_items(bundle.get("setting_changes") or [], onset, target_name)
    mark_excluded(deploys, target_name, start, end, None)
    join_config(items + deploys, bundle)
    fold_wrappers(items + deploys)
    _dedupe_ids(items + deploys)
    prefer_deployed_dockerfile(items)
    pair_declarations(items, target_name)
    block_unreachable_handlers(items)
    return items + deploys


def _dedupe_ids(items: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for item in items:
        seen[item["id"]] += 1
        if seen[item["id"]] > 1:
            item["id"] = f"{item['id']}#{seen[item['id']]}"
