"""Assemble the report dict (the shape of schemas/report.schema.json) from ranked analysis.

The report is what a person reads under pressure, so it carries the strongest
~5-15 evidence rows rather than everything found, numbers them in the order
the candidates use them, says in each rationale which kinds of evidence were
seen (and which were not), and lists every missing source with the exact
command that would fill the gap. It is validated before it is returned: an
invalid report is a bug here, never something to hand to a user.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tools.analysis.fix_plan import fix_plan
from tools.analysis.ranking import context_items
from tools.analysis.rules import CITE_ORDER
from tools.errors import ToolError
from tools.timewindow import format_time

MIN_ROWS = 5
MAX_ROWS = 15
PER_CANDIDATE = {1: 6, 2: 3}  # rows a candidate may add, by rank; later ranks get 2
_KIND_NAMES = {
    "runtime_symptom": {"en": "runtime symptom", "ja": "実行時の症状"},
    "secondary_symptom": {"en": "runtime symptom shared with other causes", "ja": "他の原因とも共通する実行時の症状"},
    "user_symptom": {"en": "user-reported symptom", "ja": "ユーザー報告の症状"},
    "location": {"en": "raised at (code)", "ja": "発生箇所（コード）"},
    "context": {"en": "context (config)", "ja": "関連する設定"},
    "mechanism": {"en": "mechanism (code)", "ja": "仕組み（コード）"},
    "condition": {"en": "condition (config)", "ja": "条件（設定）"},
    "change": {"en": "change (deploy)", "ja": "変更（デプロイ）"},
    "against": {"en": "against", "ja": "反証"},
    "baseline": {"en": "baseline", "ja": "平常時の指標"},
    "dismissed": {"en": "looked at and judged lifecycle noise", "ja": "確認したうえでノイズと判断"},
}
_TEXT = {
    "title": {"en": "Incident Report: {name}", "ja": "インシデントレポート: {name}"},
    "confidence": {"en": "confidence {level}: {why}", "ja": "確信度 {level}: {why}"},
    "not_seen": {"en": "not seen: {kinds}", "ja": "未確認: {kinds}"},
    "ruled_out": {"en": "the evidence argues against it ({refs}); listed so the reader sees why it was dismissed",
                  "ja": "証拠はこの原因を否定している（{refs}）。除外理由を示すため記載"},
    "healthy_quiet": {"en": "request logs show a normal error rate and no failure signature matched",
                      "ja": "リクエストログのエラー率は平常で、障害シグネチャにも一致しない"},
    "healthy_jobs": {"en": "every job execution in the window succeeded; failed task attempts were retried",
                     "ja": "期間内のジョブ実行はすべて成功し、失敗したタスクはリトライで完了した"},
    "healthy_thin": {"en": "no candidate rose above low on the available evidence; runtime sources are partly "
                           "missing (see data gaps)",
                     "ja": "取得できた証拠ではどの候補も low を超えない。"
                           "実行時のデータは一部欠けている（データギャップ参照）"},
    "impact_card": {"en": "Reported on the task card: {text}", "ja": "タスクカードでの報告: {text}"},
    "impact_status": {"en": "HTTP {code} on {count} of {total} requests ({pct}%)",
                      "ja": "{total} 件中 {count} 件のリクエストが HTTP {code}（{pct}%）"},
    "impact_signature": {"en": "{count}× {sig} in the window", "ja": "期間内に {sig} が {count} 件"},
    "impact_none": {"en": "No user-visible impact found in the available evidence",
                    "ja": "取得できた証拠からはユーザー影響は見つからない"},
    "status_unknown": {"en": "runtime evidence missing, not confirmed", "ja": "実行時の証拠がなく未確定"},
    "status_healthy": {"en": "no incident in the window", "ja": "期間内にインシデントなし"},
    "status_ongoing": {"en": "errors continue to the end of the window", "ja": "期間の終わりまでエラーが続いている"},
    "status_resolved": {"en": "last error at {last}", "ja": "最後のエラーは {last}"},
}


def line(text: Any, limit: int = 400) -> str:
    """One non-empty line without edge spaces, as the schema's `line` wants."""
    flat = " ".join(str(text or "").split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat or "-"


def _code(text: Any) -> str:
    return line(str(text).replace("`", "'"), 1000)


def _t(key: str, lang: str, **values: Any) -> str:
    return _TEXT[key][lang if lang in ("en", "ja") else "en"].format(**values)


# -- evidence selection --------------------------------------------------------

def _kind_lists(candidate: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[list[str]]:
    """The candidate's item ids per kind, strongest first within each kind; a wrapper a specific
    failure explains comes after it, however loud (tools/analysis/evidence/fold.py)."""
    lists = []
    for kind in (*CITE_ORDER, "against", "baseline", "dismissed"):
        ids = [i for i in candidate.get("kinds", {}).get(kind, []) if i in by_id]
        if kind != "location":  # frames are already most frequent first
            weights = candidate.get("weights") or {}
            ids.sort(key=lambda i: (bool((by_id[i].get("attrs") or {}).get("explained_by")),
                                    -float(weights.get(i, by_id[i].get("strength", 0)))))
        if ids:
            lists.append(ids)
    return lists


def select_evidence(candidates: list[dict[str, Any]], items: list[dict[str, Any]],
                    context: list[str] | None = None, min_rows: int = MIN_ROWS,
                    max_rows: int = MAX_ROWS) -> list[dict[str, Any]]:
    """The rows worth showing: each candidate's strongest item per kind first, then context, then fill.

    Round-robin across kinds so a candidate shows its symptom, mechanism and
    condition before a second item of any one kind. Excluded items never appear.
    A symptom's example entry (`example_of`) takes a row only while each later
    candidate keeps room for its top row, and not when another cited item
    already carries that entry.
    """
    by_id = {i["id"]: i for i in items if not i.get("excluded")}
    chosen: list[str] = []

    def take(item_id: str) -> None:
        if item_id in by_id and item_id not in chosen and len(chosen) < max_rows:
            chosen.append(item_id)
            for declared in (by_id[item_id].get("attrs") or {}).get("declared_by") or []:
                take(declared)  # the deploy-config line that set a live value, beside it

    needs = [int(bool(_kind_lists(c, by_id))) for c in candidates]  # each later candidate keeps its top row
    shown_elsewhere = {by_id[i].get("raw_ref") for c in candidates for ids in _kind_lists(c, by_id) for i in ids
                       if not by_id[i].get("example_of")}
    for position, candidate in enumerate(candidates):
        budget = PER_CANDIDATE.get(candidate.get("rank", 99), 2)
        lists = _kind_lists(candidate, by_id)
        added = 0
        depth = 0
        while added < budget and any(depth < len(ids) for ids in lists):
            for ids in lists:
                if depth < len(ids) and added < budget:
                    if by_id[ids[depth]].get("example_of") and (  # an example fills room, never another's row
                            by_id[ids[depth]].get("raw_ref") in shown_elsewhere
                            or len(chosen) + sum(needs[position + 1:]) >= max_rows):
                        continue
                    fresh = ids[depth] not in chosen
                    take(ids[depth])  # an item a higher candidate already shows is cited, not re-added
                    added += int(fresh and ids[depth] in chosen)  # a declaring line beside it rides along
            depth += 1
    for item_id in context or []:
        if len(chosen) < max_rows:
            take(item_id)
    if len(chosen) < min_rows:
        for item in sorted(by_id.values(), key=lambda i: -float(i.get("strength", 0))):
            if len(chosen) >= min_rows:
                break
            take(item["id"])
    return [by_id[i] for i in chosen]


def evidence_rows(selected: list[dict[str, Any]], lang: str, fallback_time: str) -> list[dict[str, Any]]:
    rows = []
    for number, item in enumerate(selected, start=1):
        rows.append({
            "id": f"ev-{number:03d}",
            "timestamp": item.get("timestamp") or fallback_time,
            "source": item["source"],
            "signal": line((item.get("signal") or {}).get(lang) or (item.get("signal") or {}).get("en")),
            "confidence": item.get("confidence") or "medium",
            "raw_ref": _code(item["raw_ref"]),
        })
    return rows


# -- candidates ---------------------------------------------------------------

def _refs(ids: list[str], ev_of: dict[str, str]) -> str:
    return ", ".join(ev_of[i] for i in ids if i in ev_of)


def rationale(candidate: dict[str, Any], ev_of: dict[str, str], lang: str,
              by_id: dict[str, dict[str, Any]]) -> str:
    """Which kinds of evidence were seen (with their ev ids), which were not, and why the confidence."""
    kinds = candidate.get("kinds", {})
    if candidate["label"] == "healthy":
        types = {by_id.get(i, {}).get("type") for i in kinds.get("baseline", [])}
        key = "healthy_quiet" if "traffic" in types else "healthy_jobs" if "execution" in types else "healthy_thin"
        text = _t(key, lang)
        refs = _refs(kinds.get("baseline", []), ev_of)
        parts = [f"{text} ({refs})" if refs else text]
        why = (candidate.get("why") or {}).get(lang) or (candidate.get("why") or {}).get("en")
        if why and key != "healthy_thin":
            parts.append(why)  # the figures the verdict rests on
        noise = _refs(kinds.get("dismissed", []), ev_of)
        if noise:
            parts.append(f"{_KIND_NAMES['dismissed'][lang]}: {noise}")
        return line("; ".join(parts), 1000)
    if candidate.get("ruled_out"):
        return line(_t("ruled_out", lang, refs=_refs(kinds.get("against", []), ev_of) or "-"))
    sep = "、" if lang == "ja" else ", "
    parts = []
    for kind in (*CITE_ORDER, "against"):
        refs = _refs(kinds.get(kind, []), ev_of)
        if kinds.get(kind):
            name = _KIND_NAMES[kind][lang]
            parts.append(f"{name} {refs}" if refs else name)
    missing = [k for k in ("runtime_symptom", "mechanism", "condition") if not kinds.get(k)
               and not (k == "runtime_symptom" and kinds.get("secondary_symptom"))]
    if missing:
        parts.append(_t("not_seen", lang, kinds=sep.join(_KIND_NAMES[k][lang] for k in missing)))
    why = (candidate.get("why") or {}).get(lang) or (candidate.get("why") or {}).get("en") or "-"
    parts.append(_t("confidence", lang, level=candidate["confidence"], why=why))
    return line("; ".join(parts))


def candidate_rows(candidates: list[dict[str, Any]], ev_of: dict[str, str], lang: str,
                   by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for candidate in candidates:
        cited = [ev_of[i] for i in candidate.get("items", []) if i in ev_of]
        cited = sorted(set(cited), key=cited.index)
        if not cited:
            continue  # validation demands a citation; an uncitable candidate is dropped
        title = candidate.get("title") or {}
        rows.append({
            "rank": len(rows) + 1,
            "title": line(title.get(lang) or title.get("en") or candidate["label"]),
            "label": candidate["label"],
            "confidence": candidate["confidence"],
            "rationale": rationale(candidate, ev_of, lang, by_id),
            "supporting_evidence": cited,
            "_source": candidate,
        })
    return rows


# -- summary ------------------------------------------------------------------

def user_visible_impact(items: list[dict[str, Any]], card: dict[str, Any] | None, lang: str) -> str:
    parts = []
    usable = [i for i in items if not i.get("excluded")]
    statuses = sorted((i for i in usable if i["type"] == "status"), key=lambda i: -i["attrs"]["count"])
    for item in statuses[:2]:
        attrs = item["attrs"]
        parts.append(_t("impact_status", lang, code=attrs["code"], count=attrs["count"], total=attrs["total"],
                        pct=f"{100 * attrs['rate']:.1f}"))
    if not parts:
        sigs = [i for i in usable if i["type"] == "signature" and not i["attrs"].get("context")]
        for item in sorted(sigs, key=lambda i: -i["attrs"]["count"])[:1]:
            parts.append(_t("impact_signature", lang, count=item["attrs"]["count"],
                            sig=f"`{item['attrs']['signature_id']}`"))
    if card and card.get("name"):
        parts.insert(0, _t("impact_card", lang, text=line(str(card["name"]).replace("`", "'"), 160)))
    return line(("。" if lang == "ja" else "; ").join(parts) if parts else _t("impact_none", lang))


def current_status(candidates: list[dict[str, Any]], items: list[dict[str, Any]], end: datetime,
                   lang: str) -> tuple[str, str]:
    usable = [i for i in items if not i.get("excluded") and not i["static"] and i["source"] != "trello"]
    if candidates and candidates[0]["label"] == "healthy":
        if any(i["type"] == "traffic" for i in usable):
            return "healthy", _t("status_healthy", lang)
        return "unknown", _t("status_unknown", lang)
    # failures only (a lifecycle line is not an error), each at the LAST time it was seen, not its first
    runtime = [i for i in usable if (i["type"] in ("signature", "status", "slow_requests", "regression", "app_error")
                                     or (i["type"] == "latency" and i["attrs"].get("slow_count")))
               and not (i.get("attrs") or {}).get("context")]
    if not runtime:
        return "unknown", _t("status_unknown", lang)
    from tools.timewindow import parse_time

    last = max(parse_time((i.get("attrs") or {}).get("last_seen") or i["timestamp"]) for i in runtime)
    if (end - last).total_seconds() <= 600:
        return "ongoing", _t("status_ongoing", lang)
    return "resolved", _t("status_resolved", lang, last=format_time(last))


def report_gaps(gaps: list[dict[str, Any]]) -> list[dict[str, str]]:
    """DataGaps as report rows; the source name always appears in the missing signal."""
    rows: list[dict[str, str]] = []
    seen = set()
    for gap in gaps:
        source = str(gap.get("source") or "")
        missing = line(gap.get("missing_signal"))
        if source and source.lower() not in missing.lower() and source.replace("_", " ") not in missing.lower():
            missing = f"`{source}`: {missing}"
        key = (missing, line(gap.get("why_missing")))
        if key in seen:
            continue
        seen.add(key)
        rows.append({"missing_signal": missing, "why_missing": line(gap.get("why_missing")),
                     "follow_up": line(gap.get("follow_up"), 1000)})
    return rows


def prevention_labels(rows: list[dict[str, Any]], limit: int = 3) -> list[str]:
    """The top candidate's label plus other medium/high ones: alerts for guesses are noise."""
    labels: list[str] = []
    for position, row in enumerate(rows):
        if position == 0 or row["confidence"] in ("medium", "high"):
            if row["label"] not in labels:
                labels.append(row["label"])
    return labels[:limit]


def _prevention(labels: list[str], target: dict[str, Any], lang: str) -> list[dict[str, str]]:
    try:
        from tools.analysis.prevention import prevention_plan
    except ImportError:
        return []
    rows = []
    for entry in prevention_plan(labels, target, lang) or []:
        rows.append({k: line(entry.get(k)) for k in ("metric", "condition", "threshold", "rationale")})
    return rows


def _safe_token(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = re.sub(r"[\s`<>]+", "-", str(value))
    return text or None


def build_report(*, target: dict[str, Any], start: datetime, end: datetime, items: list[dict[str, Any]],
                 candidates: list[dict[str, Any]], data_gaps: list[dict[str, Any]], lang: str = "en",
                 profile: str | None = None, related_task: str | None = None, card: dict[str, Any] | None = None,
                 window_note: str | None = None, generated_at: datetime | None = None,
                 extras: dict[str, Any] | None = None) -> dict[str, Any]:
    """The complete, validated report dict."""
    lang = lang if lang in ("en", "ja") else "en"
    by_id = {i["id"]: i for i in items}
    selected = select_evidence(candidates, items, context_items(items))
    window_start = format_time(start)
    evidence = evidence_rows(selected, lang, window_start)
    ev_of = {item["id"]: row["id"] for item, row in zip(selected, evidence, strict=True)}
    rows = candidate_rows(candidates, ev_of, lang, by_id)
    ranked_sources = []
    for row in rows:
        source = dict(row.pop("_source"))
        source["rank"] = row["rank"]
        ranked_sources.append(source)
    clean_target = {
        "project_id": _safe_token(target.get("project_id")),
        "region": _safe_token(target.get("region")),
        "target_type": target.get("target_type") if target.get("target_type") in ("service", "job") else None,
        "target_name": _safe_token(target.get("target_name")),
    }
    status, status_note = current_status(rows, items, end, lang)
    window: dict[str, str] = {"start": window_start, "end": format_time(end)}
    if window_note:
        window["note"] = line(window_note)
    labels = prevention_labels(rows)
    report = {
        "title": line(_t("title", lang, name=clean_target["target_name"] or "Cloud Run")),
        "generated_at": format_time((generated_at or datetime.now(UTC)).replace(microsecond=0)),
        "profile": _code(profile) if profile else None,
        "related_task": _code(related_task) if related_task else None,
        "language": lang,
        "incident_summary": {
            "target": clean_target,
            "window": window,
            "user_visible_impact": user_visible_impact(items, card, lang),
            "current_status": status,
            "current_status_note": line(status_note),
        },
        "evidence": evidence,
        "root_cause_candidates": rows,
        "fix_plan": fix_plan(ranked_sources, items, target, lang),
        "prevention_plan": _prevention(labels, clean_target, lang),
        "data_gaps": report_gaps(data_gaps),
        "extras": {
            "evidence_items": len(items),
            "excluded_items": sum(1 for i in items if i.get("excluded")),
            "candidate_scores": {c["label"]: c.get("score", 0.0) for c in ranked_sources},
            **(extras or {}),
        },
    }
    _check(report)
    from tools.report.render import neutral_report  # text from logs, cards and repos loses HTML, links, controls

    return neutral_report(report)


def _check(report: dict[str, Any]) -> None:
    from tools.report.validate import validate

    errors = validate(report)
    if errors:
        first = errors[0]
        raise ToolError(f"internal error: the built report does not validate: {first['pointer']}: "
                        f"{first['message']} ({len(errors)} problem(s))")
