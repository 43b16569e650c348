"""Read an incident's Trello card and turn what people wrote on it into evidence rows.

The card is what users saw and when: its description and the on-call
comments are `trello` evidence (confidence medium: first-hand reports, not
measurements). Their text is untrusted data from whoever can comment on the
card. It is quoted, shortened to one line and never acted on.

One GET fetches everything (description, comments with authors and dates,
labels, due, attachments, list and board names), which keeps a run far
inside Trello's rate limits.
"""

from __future__ import annotations

import re
from typing import Any

from tools.errors import SourceError, UsageError
from tools.records import DataGap, EvidenceRow
from tools.sources.trello_client import TrelloClient, client_from_env

CARD_URL_BASE = "https://trello.com/c/"
REPORT_MARKER = "crobs-report"  # our own summary comments carry it; they are output, not evidence
SIGNAL_LIMIT = 160
MIN_SENTENCE = 24  # a first sentence shorter than this is extended by the next one
COMMENTS_LIMIT = 1000

_CARD_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?trello\.com/c/(?P<short>[A-Za-z0-9]+)(?P<rest>[/?#.][^\s]*)?$", re.IGNORECASE
)
_BOARD_URL = re.compile(r"^(?:https?://)?(?:www\.)?trello\.com/b/", re.IGNORECASE)
_COMMENT_ANCHOR = re.compile(r"#comment-(?P<id>[0-9a-fA-F]{24})\b")
_SHORTLINK = re.compile(r"^[A-Za-z0-9]{8}$")
_CARD_ID = re.compile(r"^[0-9a-fA-F]{24}$")
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])(?=\s)")
_MARKUP_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

CARD_FIELDS = (
    "id,name,desc,shortLink,shortUrl,url,idShort,idBoard,idList,closed,labels,due,start,dueComplete,"
    "dateLastActivity,badges"
)
ATTACHMENT_FIELDS = "id,name,url,mimeType,bytes,date,isUpload,fileName,idMember"


def parse_card_ref(ref: str) -> dict[str, str | None]:
    """{"ref": shortLink or 24-hex id, "comment_id": id from #comment-… or None}; UsageError otherwise."""
    text = (ref or "").strip()
    if not text:
        raise UsageError("no Trello card given: pass a card URL such as https://trello.com/c/Xvlu1U1f")
    if _BOARD_URL.match(text):
        raise UsageError(f"{text} is a Trello board URL; open the incident card and pass its URL "
                         "(https://trello.com/c/<shortLink>)")
    match = _CARD_URL.match(text)
    if match:
        short = match.group("short")
        if not _SHORTLINK.match(short) and not _CARD_ID.match(short):
            raise UsageError(f"{text}: {short!r} is not a Trello card shortLink (8 letters and digits)")
        anchor = _COMMENT_ANCHOR.search(match.group("rest") or "")
        return {"ref": short, "comment_id": anchor.group("id") if anchor else None}
    if _SHORTLINK.match(text) or _CARD_ID.match(text):
        return {"ref": text, "comment_id": None}
    if "trello.com" in text.lower():
        raise UsageError(f"{text} is not a Trello card URL; expected https://trello.com/c/<shortLink>")
    raise UsageError(f"{text!r} is not a Trello card URL, an 8-character shortLink or a 24-hex card id")


def card_url(short_link: str) -> str:
    return CARD_URL_BASE + short_link


def fetch_card(client: TrelloClient, ref: str) -> dict[str, Any]:
    """The raw card body: one GET with comments, attachments, list and board nested."""
    params = {
        "fields": CARD_FIELDS,
        "actions": "commentCard,copyCommentCard",
        "actions_limit": str(COMMENTS_LIMIT),
        "action_memberCreator_fields": "fullName,username",
        "attachments": "true",
        "attachment_fields": ATTACHMENT_FIELDS,
        "list": "true",
        "board": "true",
        "board_fields": "name,url",
    }
    body = client.get(f"cards/{ref}", params, what=f"card {ref}")
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise SourceError(f"Trello returned something other than a card for {ref}")
    return body


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def normalize_card(raw: dict[str, Any]) -> dict[str, Any]:
    """The card as plain data the report needs; comments oldest first."""
    short = _str(raw.get("shortLink")) or _str(raw.get("id"))
    comments = []
    for action in raw.get("actions") or []:
        if not isinstance(action, dict) or action.get("type") not in ("commentCard", "copyCommentCard"):
            continue
        creator = action.get("memberCreator") or {}
        data = action.get("data") or {}
        comments.append({
            "id": _str(action.get("id")),
            "author": _str(creator.get("fullName")) or _str(creator.get("username")) or "unknown member",
            "author_id": _str(action.get("idMemberCreator")),
            "date": _str(action.get("date")),
            "text": _str(data.get("text")),
        })
    comments.sort(key=lambda c: c["date"])
    attachments = [
        {k: a.get(k) for k in ("id", "name", "mimeType", "bytes", "date", "isUpload", "idMember", "url")}
        for a in raw.get("attachments") or []
        if isinstance(a, dict)
    ]
    labels = [
        _str(label.get("name")) or _str(label.get("color"))
        for label in raw.get("labels") or []
        if isinstance(label, dict)
    ]
    return {
        "id": _str(raw.get("id")),
        "shortLink": short,
        "url": card_url(short),
        "name": _str(raw.get("name")),
        "desc": _str(raw.get("desc")),
        "labels": [label for label in labels if label],
        "due": raw.get("due") if isinstance(raw.get("due"), str) else None,
        "date_last_activity": _str(raw.get("dateLastActivity")) or None,
        "list": _str((raw.get("list") or {}).get("name")) or None,
        "board": _str((raw.get("board") or {}).get("name")) or None,
        "closed": bool(raw.get("closed")),
        "attachments": attachments,
        "comments": comments,
        "comment_count": _comment_badge(raw, len(comments)),
    }


def _comment_badge(raw: dict[str, Any], fetched: int) -> int:
    badges = raw.get("badges")
    value = badges.get("comments") if isinstance(badges, dict) else None
    return value if isinstance(value, int) and value >= fetched else fetched


def summarize(text: str, limit: int = SIGNAL_LIMIT) -> str:
    """One line: the first sentence of untrusted text, Markdown prefixes and control characters removed."""
    lines = [_MARKUP_PREFIX.sub("", _CONTROL.sub(" ", line)).strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    first = lines[0]
    # a bare heading ("症状", "Summary:") says little: take the line after it too
    if len(first) < 12 and len(lines) > 1:
        first = f"{first.rstrip(':：')}: {lines[1]}"
    sentences = [part.strip() for part in _SENTENCE_END.split(first) if part.strip()]
    sentence = sentences[0]
    for more in sentences[1:]:  # "再現しました。" alone says nothing: keep going until it does
        if len(sentence) >= MIN_SENTENCE:
            break
        sentence = f"{sentence} {more}" if sentence[-1] in ".!?" else sentence + more
    sentence = " ".join(sentence.replace("`", "'").split())
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rstrip() + "…"
    return sentence


def _is_report_comment(text: str) -> bool:
    return REPORT_MARKER in text


def card_evidence(card: dict[str, Any], comment_id: str | None = None) -> tuple[list[EvidenceRow], list[DataGap]]:
    """Evidence rows for the description and each human comment, plus the gaps a reader should know of."""
    rows: list[EvidenceRow] = []
    gaps: list[DataGap] = []
    url = card["url"]
    follow_up = f"crobs trello read {url}"
    desc = summarize(card["desc"])
    name = summarize(card["name"], 80)
    if name or desc:
        signal = f"Trello card 「{name}」: {desc}" if name and desc else f"Trello card 「{name or desc}」"
        timestamp = card.get("date_last_activity") or (card["comments"][-1]["date"] if card["comments"] else None)
        if timestamp:
            rows.append({
                "timestamp": timestamp,
                "source": "trello",
                "signal": _clip(signal),
                "confidence": "medium",
                "raw_ref": url,
            })
    for comment in card["comments"]:
        text = summarize(comment["text"])
        if not text or not comment["date"] or _is_report_comment(comment["text"]):
            continue
        rows.append({
            "timestamp": comment["date"],
            "source": "trello",
            "signal": _clip(f"Trello comment by {summarize(comment['author'], 40)}: {text}"),
            "confidence": "medium",
            "raw_ref": f"{url}#comment-{comment['id']}",
        })
    if not rows:
        gaps.append({
            "source": "trello",
            "missing_signal": "user-reported symptom on the Trello card",
            "why_missing": f"card {card['shortLink']} has no description or comments",
            "follow_up": f"add what users saw and when to the card, then run `{follow_up}`",
        })
    if comment_id and not any(c["id"] == comment_id for c in card["comments"]):
        gaps.append({
            "source": "trello",
            "missing_signal": f"the comment #comment-{comment_id} named in the card URL",
            "why_missing": "it is not among the card's comments (deleted, or older than the newest 1000)",
            "follow_up": f"check the comment on the card, then run `{follow_up}`",
        })
    if card.get("comment_count", 0) > len(card["comments"]):
        gaps.append({
            "source": "trello",
            "missing_signal": f"{card['comment_count'] - len(card['comments'])} older comments",
            "why_missing": f"Trello returns at most {COMMENTS_LIMIT} comments in one card read",
            "follow_up": f"read the oldest comments on {url} by hand",
        })
    return rows, gaps


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SIGNAL_LIMIT + 60 else text[: SIGNAL_LIMIT + 59] + "…"


# tool
def read_trello_card(url: str) -> dict[str, Any]:
    """Read a Trello card (URL, shortLink or id) and return it with its evidence rows and data gaps."""
    ref = parse_card_ref(url)
    with client_from_env() as client:
        raw = fetch_card(client, str(ref["ref"]))
    card = normalize_card(raw)
    evidence, gaps = card_evidence(card, ref["comment_id"])
    card.pop("comment_count", None)
    return {"card": card, "evidence": evidence, "data_gaps": gaps}


def format_card(result: dict[str, Any]) -> str:
    """`crobs trello read`: a header line, then one line per evidence row, then gaps."""
    card = result["card"]
    where = " / ".join(p for p in (card.get("board"), card.get("list")) if p)
    lines = [f"{card['url']}  {card['name']}" + (f"  [{where}]" if where else "")]
    for row in result["evidence"]:
        lines.append(f"{row['timestamp']}  {row['source']}  {row['confidence']}  {row['signal']}  {row['raw_ref']}")
    for gap in result["data_gaps"]:
        lines.append(f"data gap: {gap['missing_signal']}: {gap['why_missing']} (next: {gap['follow_up']})")
    return "\n".join(lines) + "\n"
