"""Put a finished incident report on its Trello card, idempotently.

What lands on the card: a short summary comment (Trello renders no tables,
so: headline cause and confidence, key evidence, immediate fix) ending in a
link-free marker line that names the attachment and carries the report's
content hash, plus the full report as a `.md` attachment.

Why the protocol looks the way it does (the only write the skill makes):
- Re-runs must not pile up comments: our earlier comment is found by its
  marker *and* our member id (someone quoting the marker is not us) and
  edited in place.
- Trello cannot replace a file: the new attachment is uploaded first, then
  older ones of ours with the same name are deleted, so a failure never
  leaves the card without a report.
- The comment is written last: its hash says "this version is complete", so
  a run that died half-way is finished by the next one, and an unchanged
  hash means nothing is sent at all.
- A POST whose answer was lost (5xx, dropped connection) may still have
  happened; the client re-checks the card before posting again.
- Any failure leaves the report file where it was and says so.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from tools.errors import InputError, ToolError, UsageError
from tools.safety.markdown import inline_markdown
from tools.safety.mask import mask_text, mask_value
from tools.sources.trello_card import REPORT_MARKER, card_url, fetch_card, normalize_card, parse_card_ref
from tools.sources.trello_client import TrelloClient, TrelloNotFound, client_from_env
from tools.timewindow import parse_time

MIME = "text/markdown"
MAX_COMMENT_UNITS = 15000  # Trello allows 16,384 UTF-16 units; leave headroom
_MARKER = re.compile(r"`" + REPORT_MARKER + r" (?P<name>\S+) sha256:(?P<sha>[0-9a-f]{16,64})`")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# how much of the report the comment quotes, from generous to terse; the first that fits wins
_BUDGETS = ((400, 5, 3), (200, 3, 2), (100, 2, 1), (60, 1, 1))


def utf16_len(text: str) -> int:
    """Length as Trello counts it (JavaScript string units): astral characters count twice."""
    return len(text.encode("utf-16-le")) // 2


def report_hash(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()[:16]


def attachment_name(report: dict[str, Any]) -> str:
    """`incident-report-<target>-<window start>.md`, safe as a file name on every OS (no colons)."""
    summary = report.get("incident_summary") or {}
    target = (summary.get("target") or {}).get("target_name") or "unknown-target"
    start = str((summary.get("window") or {}).get("start") or "unknown-window")
    try:
        start = parse_time(start).strftime("%Y%m%dT%H%M%SZ")
    except UsageError:
        pass  # not a time: keep it, made safe below
    name = f"incident-report-{target}-{start}"
    return _UNSAFE_NAME.sub("-", name).strip("-.")[:200] + ".md"


def marker_line(name: str, sha: str) -> str:
    """A code span: Trello does not autolink inside it, so the marker stays link-free."""
    return f"`{REPORT_MARKER} {name} sha256:{sha}`"


def _one_line(text: Any, limit: int) -> str:
    value = " ".join(str(text or "").split())
    # neutralised again after the cut: a cut through a code span must not leave a live URL or a lone back-quote
    return value if len(value) <= limit else inline_markdown(value[: limit - 1].rstrip() + "…")


def _key_evidence(report: dict[str, Any], top: dict[str, Any] | None, count: int) -> list[dict[str, Any]]:
    rows = [r for r in report.get("evidence") or [] if isinstance(r, dict)]
    by_id = {r.get("id"): r for r in rows}
    wanted = [by_id[i] for i in (top or {}).get("supporting_evidence") or [] if i in by_id]
    return (wanted or rows)[:count]


def summary_comment(report: dict[str, Any], name: str, sha: str) -> str:
    """The card comment: plain Markdown without tables, under Trello's limit, ending in the marker."""
    marker = marker_line(name, sha)
    for field, evidence_count, fix_count in _BUDGETS:
        text = _compose(report, name, marker, field, evidence_count, fix_count)
        if utf16_len(text) <= MAX_COMMENT_UNITS:
            return text
    head = text[: MAX_COMMENT_UNITS // 2]  # unreachable with sane budgets; keeps the marker regardless
    return head.rstrip() + "…\n\n" + marker


def _compose(report: dict[str, Any], name: str, marker: str, field: int, evidence_count: int, fix_count: int) -> str:
    summary = report.get("incident_summary") or {}
    target = (summary.get("target") or {}).get("target_name") or "unknown target"
    window = summary.get("window") or {}
    candidates = sorted(
        (c for c in report.get("root_cause_candidates") or [] if isinstance(c, dict)),
        key=lambda c: c.get("rank") if isinstance(c.get("rank"), int) else 999,
    )
    top = candidates[0] if candidates else None
    lines = [
        f"**Incident report: {_one_line(target, 80)}** · {window.get('start', '?')} to {window.get('end', '?')}"
        + (f" · status: {summary['current_status']}" if summary.get("current_status") else ""),
        "",
    ]
    if top:
        label = f", label: {top['label']}" if top.get("label") else ""
        headline = _one_line(top.get("title"), field)
        lines += [
            f"**Most likely cause** (confidence: {top.get('confidence', '?')}{label}): {headline}",
            f"Why: {_one_line(top.get('rationale'), field)}",
        ]
        others = [f"{c.get('rank')}. {_one_line(c.get('title'), field // 2)} ({c.get('confidence', '?')})"
                  for c in candidates[1:3]]
        if others:
            lines.append("Other candidates: " + "; ".join(others))
    else:
        lines.append("**Most likely cause:** not determined (no root-cause candidates in the report)")
    evidence = _key_evidence(report, top, evidence_count)
    if evidence:
        lines += ["", "**Key evidence**"]
        for row in evidence:
            ref = str(row.get("raw_ref") or "").replace("`", "'")
            lines.append(
                f"- {row.get('id', '?')} · {row.get('timestamp', '?')} · {row.get('source', '?')} · "
                f"{row.get('confidence', '?')}: {_one_line(row.get('signal'), field)}" + (f" (`{ref}`)" if ref else "")
            )
    fixes = [f for f in ((report.get("fix_plan") or {}).get("immediate") or []) if isinstance(f, dict)][:fix_count]
    if fixes:
        lines += ["", "**Immediate fix**"]
        for number, fix in enumerate(fixes, 1):
            lines.append(f"{number}. {_one_line(fix.get('action'), field)}")
            lines.append(f"   Expected impact: {_one_line(fix.get('expected_impact'), field)}; "
                         f"risk: {_one_line(fix.get('risk'), field)}")
    lines += ["", f"Full report with the evidence table: attached file `{name}`.", "", marker]
    return "\n".join(lines)


def load_and_render(path: str) -> tuple[dict[str, Any], str]:
    """The report dict and its canonical Markdown; a report the renderer cannot take is one InputError."""
    from tools.report.io import load_report
    from tools.report.render import neutral_report, render_markdown
    from tools.report.validate import schema_errors

    report = mask_value(load_report(path))  # the one masking step: nothing is posted unmasked (issue 16)
    problems = schema_errors(report)
    if problems:
        first = problems[0]
        raise InputError(f"{path}: not a complete report ({len(problems)} problem(s); first: "
                         f"{first['pointer'] or '/'}: {first['message']}); run `crobs validate {path}`")
    report = neutral_report(report)  # the comment quotes the report: the same inert text as the attached file
    return report, mask_text(render_markdown(report))


def build_plan(report_path: str, card: str) -> dict[str, Any]:
    """Everything that would be sent, computed offline: card ref, attachment and comment."""
    ref = parse_card_ref(card)
    report, markdown = load_and_render(report_path)
    name = attachment_name(report)
    sha = report_hash(markdown)
    return {
        "ref": str(ref["ref"]),
        "card_url": card_url(str(ref["ref"])),
        "name": name,
        "sha256": sha,
        "markdown": markdown,
        "comment": mask_text(summary_comment(report, name, sha)),
    }


# -- the write protocol --------------------------------------------------------------------------------------------


def _marker_of(text: str) -> tuple[str, str] | None:
    match = _MARKER.search(text or "")
    return (match.group("name"), match.group("sha")) if match else None


def _ours(card: dict[str, Any], me: str, name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(our comments for this report, newest first; our uploads with this name, newest first)."""
    comments = [
        c for c in card["comments"]
        if c.get("author_id") == me and (_marker_of(c["text"]) or ("", ""))[0] == name
    ]
    uploads = [
        a for a in card["attachments"]
        if a.get("name") == name and a.get("isUpload") is not False and a.get("idMember", me) in (me, None)
    ]
    return (sorted(comments, key=lambda c: c["date"], reverse=True),
            sorted(uploads, key=lambda a: str(a.get("date") or ""), reverse=True))


def _upload(client: TrelloClient, card_id: str, plan: dict[str, Any], me: str, known: set[str]) -> dict[str, Any]:
    name, content = plan["name"], plan["markdown"].encode("utf-8")

    def recheck() -> dict[str, Any] | None:
        for att in client.get(f"cards/{card_id}/attachments") or []:
            if (att.get("name") == name and att.get("id") not in known and att.get("bytes") == len(content)
                    and att.get("idMember", me) == me):
                return att
        return None

    return client.request(
        "POST", f"cards/{card_id}/attachments",
        params={"name": name, "mimeType": MIME, "setCover": "false"},
        files={"file": (name, content, MIME)},
        recheck=recheck,
    )


def _post_comment(client: TrelloClient, card_id: str, plan: dict[str, Any], me: str) -> dict[str, Any]:
    marker = marker_line(plan["name"], plan["sha256"])

    def recheck() -> dict[str, Any] | None:
        actions = client.get(f"cards/{card_id}/actions", {"filter": "commentCard", "limit": "50"}) or []
        for action in actions:
            if action.get("idMemberCreator") == me and marker in ((action.get("data") or {}).get("text") or ""):
                return action
        return None

    return client.request("POST", f"cards/{card_id}/actions/comments", json={"text": plan["comment"]},
                          recheck=recheck)


def publish(client: TrelloClient, plan: dict[str, Any]) -> dict[str, Any]:
    """Run the idempotent protocol against Trello; returns what was done."""
    card = normalize_card(fetch_card(client, plan["ref"]))
    me = client.me().get("id") or ""
    comments, uploads = _ours(card, me, plan["name"])
    current = _marker_of(comments[0]["text"]) if comments else None
    unchanged = current is not None and current[1] == plan["sha256"] and bool(uploads)
    result: dict[str, Any] = {"card": card["url"], "name": plan["name"], "sha256": plan["sha256"]}

    if unchanged:
        keep, stale = uploads[0], uploads[1:]
        result["attachment"] = {"action": "unchanged", "id": keep.get("id")}
    else:
        new = _upload(client, card["id"], plan, me, {str(a.get("id")) for a in card["attachments"]})
        stale = uploads
        result["attachment"] = {"action": "uploaded", "id": new.get("id")}
    for att in stale:
        client.request("DELETE", f"cards/{card['id']}/attachments/{att['id']}", what=f"attachment {att['id']}")
    result["attachment"]["deleted"] = [a["id"] for a in stale]

    comment_id, action = None, "created"
    if comments and comments[0]["text"] == plan["comment"]:
        comment_id, action = comments[0]["id"], "unchanged"
    elif comments:
        try:
            client.request("PUT", f"actions/{comments[0]['id']}", json={"text": plan["comment"]},
                           what=f"comment {comments[0]['id']}")
            comment_id, action = comments[0]["id"], "updated"
        except TrelloNotFound:  # deleted since we read the card: post afresh
            comment_id = None
    if comment_id is None:
        comment_id = _post_comment(client, card["id"], plan, me).get("id")
    for extra in comments[1:]:
        client.request("DELETE", f"actions/{extra['id']}", what=f"comment {extra['id']}")
    result["comment"] = {"action": action, "id": comment_id, "deleted": [c["id"] for c in comments[1:]]}
    result["changed"] = not (action == "unchanged" and result["attachment"]["action"] == "unchanged"
                             and not stale and not comments[1:])
    return result


def dry_run_result(plan: dict[str, Any]) -> dict[str, Any]:
    """What `attach` would send, without credentials or network (the reads decide PUT vs POST)."""
    ref, name = plan["ref"], plan["name"]
    content = plan["markdown"].encode("utf-8")
    return {
        "dry_run": True,
        "card": plan["card_url"],
        "sha256": plan["sha256"],
        "requests": [
            f"GET /1/cards/{ref} (comments, attachments)",
            "GET /1/members/me",
            f"POST /1/cards/<card id>/attachments multipart file={name} ({len(content)} bytes, {MIME}) "
            f"- skipped when our comment already carries sha256:{plan['sha256']}",
            f"DELETE /1/cards/<card id>/attachments/<id> for each older attachment of ours named {name}",
            "PUT /1/actions/<id of our earlier comment> with the comment below, "
            "or POST /1/cards/<card id>/actions/comments when there is none",
        ],
        "comment": plan["comment"],
        "attachment": {"name": name, "mimeType": MIME, "bytes": len(content), "content": plan["markdown"]},
    }


# tool
def attach_report(report: str, card: str, dry_run: bool = False) -> dict[str, Any]:
    """Attach a report file to its Trello card (summary comment + .md file), editing our earlier ones in place."""
    plan = build_plan(report, card)
    if dry_run:
        return dry_run_result(plan)
    saved = str(Path(report).resolve())
    client = client_from_env()  # missing credentials: its own one-line message
    try:
        with client:
            return publish(client, plan)
    except ToolError as exc:
        raise type(exc)(
            f"{exc}; the report was not (fully) attached and is still at {saved}: re-run "
            f"`crobs trello attach {report} --card {plan['card_url']}`"
        ) from exc


def format_attach(result: dict[str, Any]) -> str:
    """`crobs trello attach`: one line per change, or for --dry-run the exact comment and file."""
    if result.get("dry_run"):
        att = result["attachment"]
        lines = [f"dry run: nothing sent. For {result['card']} attach would send:"]
        lines += [f"  {n}. {r}" for n, r in enumerate(result["requests"], 1)]
        lines += [f"----- comment ({utf16_len(result['comment'])} characters) -----", result["comment"],
                  f"----- attachment {att['name']} ({att['bytes']} bytes, {att['mimeType']}) -----",
                  att["content"].rstrip("\n"), "----- end -----"]
        return "\n".join(lines) + "\n"
    att, comment = result["attachment"], result["comment"]
    if not result.get("changed"):
        return f"{result['card']}: unchanged (report sha256:{result['sha256']} is already attached)\n"
    lines = [f"{result['card']}: report sha256:{result['sha256']}",
             f"  attachment {result['name']}: {att['action']} ({att['id']})"
             + (f", removed {len(att['deleted'])} older copy(ies)" if att["deleted"] else ""),
             f"  comment: {comment['action']} ({comment['id']})"
             + (f", removed {len(comment['deleted'])} duplicate(s)" if comment["deleted"] else "")]
    return "\n".join(lines) + "\n"
