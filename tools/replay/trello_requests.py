"""Requests to the replay server's Trello routes: auth, parameters, lookups and field selection.

Split out of tools/replay/trello_api.py: the checks Trello makes on every
call (the `Authorization: OAuth ...` header or `key`/`token` query
parameters, else 401; no GET body; URL length) and the way it reads
parameters and `fields=` are the same for the card, comment and attachment
handlers.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from typing import Any
from urllib.parse import parse_qs

from tools.replay.server import ReplayServer, Request, Response
from tools.replay.trello_state import BOT, state

NOT_FOUND = "The requested resource was not found."
MAX_TEXT = 16384
_OAUTH = re.compile(r'oauth_consumer_key="([^"]*)"\s*,\s*oauth_token="([^"]*)"')
_ID = re.compile(r"^(?:[0-9a-fA-F]{24}|[A-Za-z0-9]{8})$")


def text_response(status: int, body: str) -> Response:
    """Trello answers most errors as plain text, not JSON; clients must cope with both."""
    return Response(status, body, content_type="text/plain; charset=utf-8")


def form_params(request: Request) -> dict[str, str]:
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


def multipart_parts(request: Request) -> dict[str, tuple[str | None, bytes, str]]:
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
        st = state(server)
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
        return text_response(401, "invalid key"), member
    if not token:
        return Response(401, {"message": "missing scopes"}), member
    if expected and key != expected["key"]:
        return text_response(401, "invalid key"), member
    if expected and token != expected["token"]:
        return text_response(401, "invalid token"), member
    return None, member


def _rate_headers(response: Response) -> Response:
    for scope, limit in (("token", 100), ("key", 300)):
        response.headers.setdefault(f"x-rate-limit-api-{scope}-interval-ms", "10000")
        response.headers.setdefault(f"x-rate-limit-api-{scope}-max", str(limit))
        response.headers.setdefault(f"x-rate-limit-api-{scope}-remaining", str(limit - 1))
    return response


def guarded(route_name: str, handler):
    """Auth, GET-body and URL-length checks, rate headers and fail-after-commit around a handler."""

    def wrapped(server: ReplayServer, request: Request) -> Response:
        if request.method == "GET" and request.body:
            return Response(403, "<H1>403 ERROR</H1>The request could not be satisfied.", content_type="text/html")
        if len(request.path) + sum(len(k) + len(v[0] if v else "") + 2 for k, v in request.query.items()) > 8192:
            return text_response(413, "Request-URI Too Large")
        denied, member = _auth(server, request)
        if denied is not None:
            return _rate_headers(denied)
        response = handler(server, request, member)
        with server.lock:
            pending = state(server)["fail_after_commit"]
            if pending.get(route_name, 0) > 0 and response.status < 400:
                pending[route_name] -= 1
                response = text_response(500, "Internal Server Error")
        return _rate_headers(response)

    return wrapped


def _card_id(server: ReplayServer, ref: str) -> str | None:
    st = state(server)
    if ref in st["cards"]:
        return ref
    return st["short"].get(ref)


def lookup_card(server: ReplayServer, ref: str) -> tuple[Response | None, str]:
    """(400/404 response or None, card id) for a card id or shortLink, the way Trello tells them apart."""
    if not _ID.match(ref):
        return text_response(400, "invalid id"), ""
    card_id = _card_id(server, ref)
    if card_id is None:
        return text_response(404, NOT_FOUND), ""
    return None, card_id


def pick_fields(obj: dict[str, Any], fields: str | None, always: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """Only the `fields=` a request named (plus `id`), as Trello trims its answers."""
    if not fields or fields == "all":
        return dict(obj)
    wanted = {f.strip() for f in fields.split(",") if f.strip()} | set(always)
    return {k: v for k, v in obj.items() if k in wanted}


def newest_first(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions in Trello's order: most recent first."""
    return sorted(actions, key=lambda a: a.get("date") or "", reverse=True)


def limit_param(value: str | None, default: int) -> int:
    """A `limit` parameter clamped to Trello's 0..1000; unreadable values fall back to the default."""
    try:
        return max(0, min(1000, int(value))) if value is not None else default
    except ValueError:
        return default


def filter_actions(actions: list[dict[str, Any]], types: str) -> list[dict[str, Any]]:
    """Actions of the comma-separated types asked for (`all` for every type)."""
    if types == "all":
        return list(actions)
    wanted = {t.strip() for t in types.split(",") if t.strip()}
    return [a for a in actions if a.get("type") in wanted]


def member_fields(action: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """A copy of an action with its memberCreator trimmed to the requested fields."""
    action = json.loads(json.dumps(action))
    if fields and isinstance(action.get("memberCreator"), dict):
        action["memberCreator"] = pick_fields(action["memberCreator"], fields)
    return action
