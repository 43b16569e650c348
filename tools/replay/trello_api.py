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
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tools.errors import InputError
from tools.replay.server import ReplayServer, Request, Response

BOT = {"id": "5f1a2b3c4d5e6f7081920b07", "username": "crobs-bot", "fullName": "crobs incident bot"}
NOT_FOUND = "The requested resource was not found."
MAX_TEXT = 16384
_OAUTH = re.compile(r'oauth_consumer_key="([^"]*)"\s*,\s*oauth_token="([^"]*)"')
_ID = re.compile(r"^(?:[0-9a-fA-F]{24}|[A-Za-z0-9]{8})$")
_IDS = itertools.count(1)
_CARD = r"/1/cards/(?P<card>[^/]+)"


def _text(status: int, body: str) -> Response:
    return Response(status, body, content_type="text/plain; charset=utf-8")


def _now() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _new_id() -> str:
    return f"6a{next(_IDS):022x}"


def _state(server: ReplayServer) -> dict[str, Any]:
    return server.state.setdefault(
        "trello",
        {
            "cards": {},  # id -> card body without actions/attachments
            "short": {},  # shortLink -> id
            "actions": {},  # card id -> [action, ...]
            "attachments": {},  # card id -> [attachment, ...]
            "files": {},  # attachment id -> bytes
            "credentials": None,  # {"key":..., "token":...}: when set, other values get 401
            "members": {},  # token -> member; unknown tokens are BOT
            "fail_after_commit": {},  # route name -> times left
            "log": [],
        },
    )


def add_card(server: ReplayServer, card: dict[str, Any]) -> dict[str, Any]:
    """Load one card body (as GET card returns it) into the server's state; returns the stored card."""
    body = json.loads(json.dumps(card))
    for key in ("id", "shortLink"):
        if not isinstance(body.get(key), str):
            raise InputError(f"Trello card fixture lacks `{key}`")
    with server.lock:
        st = _state(server)
        st["actions"][body["id"]] = list(body.pop("actions", None) or [])
        st["attachments"][body["id"]] = list(body.pop("attachments", None) or [])
        st["cards"][body["id"]] = body
        st["short"][body["shortLink"]] = body["id"]
    return body


def reset(server: ReplayServer) -> None:
    """Forget every write, fault and credential rule and reload the case's cards (tests share one server)."""
    with server.lock:
        server.state.pop("trello", None)
        _state(server)
        server.calls.clear()
        server.clear_faults()
    if server.case_dir is not None:
        load_cards(server, server.case_dir)


def set_credentials(server: ReplayServer, key: str, token: str, member: dict[str, Any] | None = None) -> None:
    """Accept only this key/token pair (others get 401); `member` is who that token is."""
    with server.lock:
        st = _state(server)
        st["credentials"] = {"key": key, "token": token}
        if member:
            st["members"][token] = member


def fail_after_commit(server: ReplayServer, route: str, times: int = 1) -> None:
    """The next `times` calls to `route` do their work and then answer 500."""
    with server.lock:
        _state(server)["fail_after_commit"][route] = times


def comments(server: ReplayServer, card: str) -> list[dict[str, Any]]:
    with server.lock:
        st = _state(server)
        return [a for a in st["actions"].get(st["short"].get(card, card), []) if a.get("type") == "commentCard"]


def attachments(server: ReplayServer, card: str) -> list[dict[str, Any]]:
    with server.lock:
        st = _state(server)
        return list(st["attachments"].get(st["short"].get(card, card), []))


def load_cards(server: ReplayServer, case_dir: Path) -> None:
    folder = case_dir / "trello" / "cards"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a readable Trello card JSON ({type(exc).__name__})") from exc
        if not isinstance(card, dict):
            raise InputError(f"{path}: expected a JSON object (a card)")
        try:
            add_card(server, card)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from exc


# -- request helpers -----------------------------------------------------------------------------------------------


def _form(request: Request) -> dict[str, str]:
    """Parameters from the query string, a JSON body or a url-encoded body (Trello accepts all three)."""
    params = {k: v[0] for k, v in request.query.items() if v}
    content_type = request.headers.get("content-type", "")
    if request.body and "application/json" in content_type:
        body = request.json()
        if isinstance(body, dict):
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    elif request.body and "application/x-www-form-urlencoded" in content_type:
        params.update({k: v[0] for k, v in parse_qs(request.body.decode("utf-8"), keep_blank_values=True).items()})
    return params


def _multipart(request: Request) -> dict[str, tuple[str | None, bytes, str]]:
    """name -> (filename, bytes, content type) of a multipart/form-data body."""
    content_type = request.headers.get("content-type", "")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    parts: dict[str, tuple[str | None, bytes, str]] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            parts[str(name)] = (part.get_filename(), part.get_payload(decode=True) or b"", part.get_content_type())
    return parts


def _auth(server: ReplayServer, request: Request) -> tuple[Response | None, dict[str, Any]]:
    """(401 response or None, the calling member)."""
    header = request.headers.get("authorization", "")
    match = _OAUTH.search(header)
    if match:
        key, token = match.group(1), match.group(2)
    else:
        key, token = request.arg("key") or "", request.arg("token") or ""
    with server.lock:
        st = _state(server)
        st["log"].append({
            "method": request.method,
            "path": request.path,
            "query": sorted(request.query),
            "auth": "header" if match else ("query" if token else None),
            "token_in_url": "token" in request.query,
            "get_body": request.method == "GET" and bool(request.body),
        })
        expected = st["credentials"]
        member = st["members"].get(token, BOT)
    if not key:
        return _text(401, "invalid key"), member
    if not token:
        return Response(401, {"message": "missing scopes"}), member
    if expected and key != expected["key"]:
        return _text(401, "invalid key"), member
    if expected and token != expected["token"]:
        return _text(401, "invalid token"), member
    return None, member


def _rate_headers(response: Response) -> Response:
    for scope, limit in (("token", 100), ("key", 300)):
        response.headers.setdefault(f"x-rate-limit-api-{scope}-interval-ms", "10000")
        response.headers.setdefault(f"x-rate-limit-api-{scope}-max", str(limit))
        response.headers.setdefault(f"x-rate-limit-api-{scope}-remaining", str(limit - 1))
    return response


def _guarded(route_name: str, handler):
    """Auth, GET-body and URL-length checks, rate headers and fail-after-commit around a handler."""

    def wrapped(server: ReplayServer, request: Request) -> Response:
        if request.method == "GET" and request.body:
            return Response(403, "<H1>403 ERROR</H1>The request could not be satisfied.", content_type="text/html")
        if len(request.path) + sum(len(k) + len(v[0] if v else "") + 2 for k, v in request.query.items()) > 8192:
            return _text(413, "Request-URI Too Large")
        denied, member = _auth(server, request)
        if denied is not None:
            return _rate_headers(denied)
        response = handler(server, request, member)
        with server.lock:
            pending = _state(server)["fail_after_commit"]
            if pending.get(route_name, 0) > 0 and response.status < 400:
                pending[route_name] -= 1
                response = _text(500, "Internal Server Error")
        return _rate_headers(response)

    return wrapped


def _card_id(server: ReplayServer, ref: str) -> str | None:
    st = _state(server)
    if ref in st["cards"]:
        return ref
    return st["short"].get(ref)


def _lookup(server: ReplayServer, ref: str) -> tuple[Response | None, str]:
    if not _ID.match(ref):
        return _text(400, "invalid id"), ""
    card_id = _card_id(server, ref)
    if card_id is None:
        return _text(404, NOT_FOUND), ""
    return None, card_id


def _pick(obj: dict[str, Any], fields: str | None, always: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    if not fields or fields == "all":
        return dict(obj)
    wanted = {f.strip() for f in fields.split(",") if f.strip()} | set(always)
    return {k: v for k, v in obj.items() if k in wanted}


def _newest_first(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(actions, key=lambda a: a.get("date") or "", reverse=True)


def _limit(value: str | None, default: int) -> int:
    try:
        return max(0, min(1000, int(value))) if value is not None else default
    except ValueError:
        return default


def _filter_actions(actions: list[dict[str, Any]], types: str) -> list[dict[str, Any]]:
    if types == "all":
        return list(actions)
    wanted = {t.strip() for t in types.split(",") if t.strip()}
    return [a for a in actions if a.get("type") in wanted]


def _member_fields(action: dict[str, Any], fields: str | None) -> dict[str, Any]:
    action = json.loads(json.dumps(action))
    if fields and isinstance(action.get("memberCreator"), dict):
        action["memberCreator"] = _pick(action["memberCreator"], fields)
    return action


# -- handlers ------------------------------------------------------------------------------------------------------


def _members_me(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return Response(200, _pick(member, request.arg("fields")))


def _get_card(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        st = _state(server)
        card = st["cards"][card_id]
        body = _pick({k: v for k, v in card.items() if k not in ("list", "board", "members")}, request.arg("fields"))
        types = request.arg("actions")
        if types and types != "none":
            actions = _newest_first(_filter_actions(st["actions"][card_id], types))
            limit = _limit(request.arg("actions_limit"), 50)
            body["actions"] = [_member_fields(a, request.arg("action_memberCreator_fields")) for a in actions[:limit]]
        if request.arg("attachments") in ("true", "cover"):
            body["attachments"] = [_pick(a, request.arg("attachment_fields")) for a in st["attachments"][card_id]]
        if request.arg("list") == "true" and isinstance(card.get("list"), dict):
            body["list"] = card["list"]
        if request.arg("board") == "true" and isinstance(card.get("board"), dict):
            body["board"] = _pick(card["board"], request.arg("board_fields"))
        if request.arg("members") == "true":
            body["members"] = [_pick(m, request.arg("member_fields")) for m in card.get("members", [])]
        return Response(200, body)


def _card_actions(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        types = request.arg("filter") or "commentCard,updateCard:idList"
        actions = _newest_first(_filter_actions(_state(server)["actions"][card_id], types))
        before, since = request.arg("before"), request.arg("since")
        if before:
            actions = [a for a in actions if (a.get("date") or "") < before]
        if since:
            actions = [a for a in actions if (a.get("date") or "") > since]
        limit = _limit(request.arg("limit"), 50)
        return Response(200, [_member_fields(a, request.arg("memberCreator_fields")) for a in actions[:limit]])


def _post_comment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    text = _form(request).get("text", "")
    if not 1 <= len(text) <= MAX_TEXT:
        return _text(400, "invalid value for text")
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        st = _state(server)
        card = st["cards"][card_id]
        action = {
            "id": _new_id(),
            "idMemberCreator": member["id"],
            "type": "commentCard",
            "date": _now(),
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
    for card_id, actions in _state(server)["actions"].items():
        for action in actions:
            if action.get("id") == action_id:
                return card_id, action
    return None


def _edit(server: ReplayServer, action_id: str, text: str, member: dict[str, Any]) -> Response:
    if not 1 <= len(text) <= MAX_TEXT:
        return _text(400, "invalid value for text")
    with server.lock:
        found = _find_action(server, action_id)
        if found is None:
            return _text(404, NOT_FOUND)
        _, action = found
        if action.get("type") != "commentCard" or action.get("idMemberCreator") != member["id"]:
            return _text(401, "unauthorized permission requested")
        action["data"]["text"] = text
        action["data"]["dateLastEdited"] = _now()
        return Response(200, action)


def _put_action(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], _form(request).get("text", ""), member)


def _put_action_text(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], _form(request).get("value", ""), member)


def _put_card_comment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    return _edit(server, request.params["action"], _form(request).get("text", ""), member)


def _delete_action(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        found = _find_action(server, request.params["action"])
        if found is None:
            return _text(404, NOT_FOUND)
        card_id, action = found
        if action.get("idMemberCreator") != member["id"]:
            return _text(401, "unauthorized permission requested")
        _state(server)["actions"][card_id].remove(action)
        return Response(200, {"_value": None})


def _list_attachments(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        fields = request.arg("fields")
        return Response(200, [_pick(a, fields) for a in _state(server)["attachments"][card_id]])


def _get_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        for att in _state(server)["attachments"][card_id]:
            if att.get("id") == request.params["att"]:
                return Response(200, _pick(att, request.arg("fields")))
        return _text(404, NOT_FOUND)


def _post_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    params = _form(request) if "multipart/" not in request.headers.get("content-type", "") else {
        k: v[0] for k, v in request.query.items() if v
    }
    parts = _multipart(request) if "multipart/" in request.headers.get("content-type", "") else {}
    for field_name in ("name", "mimeType", "setCover", "url"):
        if field_name in parts and parts[field_name][0] is None:
            params.setdefault(field_name, parts[field_name][1].decode("utf-8"))
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        st = _state(server)
        att_id = _new_id()
        base = {
            "id": att_id,
            "date": _now(),
            "edgeColor": None,
            "idMember": member["id"],
            "previews": [],
            "pos": 16384 * (len(st["attachments"][card_id]) + 1),
            "limits": {},
        }
        if "file" in parts:
            filename, content, content_type = parts["file"]
            name = params.get("name") or filename or "file"
            file_name = filename or name
            att = base | {
                "bytes": len(content),
                "isUpload": True,
                "mimeType": params.get("mimeType") or content_type,
                "name": name,
                "fileName": file_name,
                "url": f"{server.url}/1/cards/{card_id}/attachments/{att_id}/download/{file_name}",
            }
            st["files"][att_id] = content
        elif params.get("url"):
            att = base | {"bytes": None, "isUpload": False, "mimeType": "", "name": params.get("name") or params["url"],
                          "url": params["url"]}
        else:
            return _text(400, "invalid value for file")
        st["attachments"][card_id].append(att)
        return Response(200, att)


def _download(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    if "authorization" not in request.headers:
        return _text(401, "unauthorized")  # the real download route refuses query-string auth
    with server.lock:
        content = _state(server)["files"].get(request.params["att"])
    if content is None:
        return _text(404, NOT_FOUND)
    return Response(200, content, content_type="application/octet-stream")


def _delete_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = _lookup(server, request.params["card"])
        if error:
            return error
        st = _state(server)
        for att in st["attachments"][card_id]:
            if att.get("id") == request.params["att"]:
                st["attachments"][card_id].remove(att)
                st["files"].pop(att["id"], None)
                return Response(200, {"_value": None})
        return _text(404, NOT_FOUND)


ROUTES = (
    ("trello_members_me", "GET", r"/1/members/me", _members_me),
    ("trello_get_card", "GET", _CARD, _get_card),
    ("trello_card_actions", "GET", _CARD + r"/actions", _card_actions),
    ("trello_post_comment", "POST", _CARD + r"/actions/comments", _post_comment),
    ("trello_put_card_comment", "PUT", _CARD + r"/actions/(?P<action>[^/]+)/comments", _put_card_comment),
    ("trello_put_action", "PUT", r"/1/actions/(?P<action>[^/]+)", _put_action),
    ("trello_put_action_text", "PUT", r"/1/actions/(?P<action>[^/]+)/text", _put_action_text),
    ("trello_delete_action", "DELETE", r"/1/actions/(?P<action>[^/]+)", _delete_action),
    ("trello_list_attachments", "GET", _CARD + r"/attachments", _list_attachments),
    ("trello_get_attachment", "GET", _CARD + r"/attachments/(?P<att>[^/]+)", _get_attachment),
    ("trello_download", "GET", _CARD + r"/attachments/(?P<att>[^/]+)/download/(?P<file>.+)", _download),
    ("trello_post_attachment", "POST", _CARD + r"/attachments", _post_attachment),
    ("trello_delete_attachment", "DELETE", _CARD + r"/attachments/(?P<att>[^/]+)", _delete_attachment),
)


def register(server: ReplayServer) -> None:
    _state(server)
    for name, method, pattern, handler in ROUTES:
        server.route(name, method, pattern, _guarded(name, handler))
    if server.case_dir is not None:
        load_cards(server, server.case_dir)
