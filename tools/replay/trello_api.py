"""Trello REST v1 on the replay server: cards, comments and attachments with live state.

Cards come from the case's `trello/cards/<shortLink>.json` (the body of
`GET /1/cards/{id}?actions=commentCard&attachments=true`). Comments and
attachments written by the tool are kept in `server.state["trello"]` under
`server.lock`, so a test can attach twice and count what is on the card.

The auth check mirrors Trello: the `Authorization: OAuth ...` header or
`key`/`token` query parameters; without them 401. Every request is logged in
`state["trello"]["log"]` with whether the token travelled in the URL, so tests
can assert it never does. Faults: `server.inject(<route name>, ...)` as for
every API, plus `fail_after_commit(server, route)` for "the write happened but
the answer was a 500", which is what makes a retried POST dangerous.

State lives in tools/replay/trello_state.py, the per-request checks in
trello_requests.py and the attachment routes in trello_attachments.py; this
module holds the card and comment routes and registers them all.
"""

from __future__ import annotations

from typing import Any

from tools.replay.server import ReplayServer, Request, Response
from tools.replay.trello_attachments import (
    delete_attachment,
    download,
    get_attachment,
    list_attachments,
    post_attachment,
)
from tools.replay.trello_requests import (
    MAX_TEXT,
    NOT_FOUND,
    filter_actions,
    form_params,
    guarded,
    limit_param,
    lookup_card,
    member_fields,
    newest_first,
    pick_fields,
    text_response,
)
from tools.replay.trello_state import (
    BOT,
    add_card,
    attachments,
    comments,
    fail_after_commit,
    load_cards,
    new_id,
    now_timestamp,
    reset,
    set_credentials,
    state,
)

_state = state  # tests read the raw state as trello_api._state
_CARD = r"/1/cards/(?P<card>[^/]+)"

__all__ = [
    "BOT", "MAX_TEXT", "NOT_FOUND", "ROUTES", "add_card", "attachments", "comments", "fail_after_commit", "load_cards",
    "register", "reset", "set_credentials",
]


def _members_me(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return Response(200, pick_fields(member, request.arg("fields")))


def _get_card(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        st = state(server)
        card = st["cards"][card_id]
        body = pick_fields({k: v for k, v in card.items() if k not in ("list", "board", "members")},
                           request.arg("fields"))
        types = request.arg("actions")
        if types and types != "none":
            actions = newest_first(filter_actions(st["actions"][card_id], types))
            limit = limit_param(request.arg("actions_limit"), 50)
            body["actions"] = [member_fields(a, request.arg("action_memberCreator_fields")) for a in actions[:limit]]
        if request.arg("attachments") in ("true", "cover"):
            body["attachments"] = [pick_fields(a, request.arg("attachment_fields")) for a in st["attachments"][card_id]]
        if request.arg("list") == "true" and isinstance(card.get("list"), dict):
            body["list"] = card["list"]
        if request.arg("board") == "true" and isinstance(card.get("board"), dict):
            body["board"] = pick_fields(card["board"], request.arg("board_fields"))
        if request.arg("members") == "true":
            body["members"] = [pick_fields(m, request.arg("member_fields")) for m in card.get("members", [])]
        return Response(200, body)


def _card_actions(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        types = request.arg("filter") or "commentCard,updateCard:idList"
        actions = newest_first(filter_actions(state(server)["actions"][card_id], types))
        before, since = request.arg("before"), request.arg("since")
        if before:
            actions = [a for a in actions if (a.get("date") or "") < before]
        if since:
            actions = [a for a in actions if (a.get("date") or "") > since]
        limit = limit_param(request.arg("limit"), 50)
        return Response(200, [member_fields(a, request.arg("memberCreator_fields")) for a in actions[:limit]])


def _post_comment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    text = form_params(request).get("text", "")
    if not 1 <= len(text) <= MAX_TEXT:
        return text_response(400, "invalid value for text")
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        st = state(server)
        card = st["cards"][card_id]
        action = {
            "id": new_id(),
            "idMemberCreator": member["id"],
            "type": "commentCard",
            "date": now_timestamp(),
            "data": {
                "text": text,
                "textData": {"emoji": {}},
                "card": {k: card.get(k) for k in ("id", "name", "idShort", "shortLink")},
                "board": {k: (card.get("board") or {}).get(k) for k in ("id", "name")},
                "list": {k: (card.get("list") or {}).get(k) for k in ("id", "name")},
            },
            "appCreator": None,
            "memberCreator": {k: member.get(k) for k in ("id", "fullName", "username")},
        }
        st["actions"][card_id].append(action)
        return Response(200, action)


def _find_action(server: ReplayServer, action_id: str) -> tuple[str, dict[str, Any]] | None:
    for card_id, actions in state(server)["actions"].items():
        for action in actions:
            if action.get("id") == action_id:
                return card_id, action
    return None


def _edit(server: ReplayServer, action_id: str, text: str, member: dict[str, Any]) -> Response:
    if not 1 <= len(text) <= MAX_TEXT:
        return text_response(400, "invalid value for text")
    with server.lock:
        found = _find_action(server, action_id)
        if found is None:
            return text_response(404, NOT_FOUND)
        _, action = found
        if action.get("type") != "commentCard" or action.get("idMemberCreator") != member["id"]:
            return text_response(401, "unauthorized permission requested")
        action["data"]["text"] = text
        action["data"]["dateLastEdited"] = now_timestamp()
        return Response(200, action)


def _put_action(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], form_params(request).get("text", ""), member)


def _put_action_text(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], form_params(request).get("value", ""), member)


def _put_card_comment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], form_params(request).get("text", ""), member)


def _delete_action(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        found = _find_action(server, request.params["action"])
        if found is None:
            return text_response(404, NOT_FOUND)
        card_id, action = found
        if action.get("idMemberCreator") != member["id"]:
            return text_response(401, "unauthorized permission requested")
        state(server)["actions"][card_id].remove(action)
        return Response(200, {"_value": None})


ROUTES = (
    ("trello_members_me", "GET", r"/1/members/me", _members_me),
    ("trello_get_card", "GET", _CARD, _get_card),
    ("trello_card_actions", "GET", _CARD + r"/actions", _card_actions),
    ("trello_post_comment", "POST", _CARD + r"/actions/comments", _post_comment),
    ("trello_put_card_comment", "PUT", _CARD + r"/actions/(?P<action>[^/]+)/comments", _put_card_comment),
    ("trello_put_action", "PUT", r"/1/actions/(?P<action>[^/]+)", _put_action),
    ("trello_put_action_text", "PUT", r"/1/actions/(?P<action>[^/]+)/text", _put_action_text),
    ("trello_delete_action", "DELETE", r"/1/actions/(?P<action>[^/]+)", _delete_action),
    ("trello_list_attachments", "GET", _CARD + r"/attachments", list_attachments),
    ("trello_get_attachment", "GET", _CARD + r"/attachments/(?P<att>[^/]+)", get_attachment),
    ("trello_download", "GET", _CARD + r"/attachments/(?P<att>[^/]+)/download/(?P<file>.+)", download),
    ("trello_post_attachment", "POST", _CARD + r"/attachments", post_attachment),
    ("trello_delete_attachment", "DELETE", _CARD + r"/attachments/(?P<att>[^/]+)", delete_attachment),
)


def register(server: ReplayServer) -> None:
    state(server)
    for name, method, pattern, handler in ROUTES:
        server.route(name, method, pattern, guarded(name, handler))
    if server.case_dir is not None:
        load_cards(server, server.case_dir)
