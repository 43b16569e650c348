"""The replay server's Trello attachment routes: list, get, upload (file or URL), download, delete.

Split out of tools/replay/trello_api.py. Uploads are multipart like the
real API's; the download route refuses query-string auth as Trello's does,
so a client that puts its token in the URL fails here too.
"""

from __future__ import annotations

from typing import Any

from tools.replay.server import ReplayServer, Request, Response
from tools.replay.trello_requests import (
    NOT_FOUND,
    form_params,
    lookup_card,
    multipart_parts,
    pick_fields,
    text_response,
)
from tools.replay.trello_state import new_id, now_timestamp, state


def list_attachments(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        fields = request.arg("fields")
        return Response(200, [pick_fields(a, fields) for a in state(server)["attachments"][card_id]])


def get_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        for att in state(server)["attachments"][card_id]:
            if att.get("id") == request.params["att"]:
                return Response(200, pick_fields(att, request.arg("fields")))
        return text_response(404, NOT_FOUND)


def post_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    params = form_params(request) if "multipart/" not in request.headers.get("content-type", "") else {
        k: v[0] for k, v in request.query.items() if v
    }
    parts = multipart_parts(request) if "multipart/" in request.headers.get("content-type", "") else {}
    for field_name in ("name", "mimeType", "setCover", "url"):
        if field_name in parts and parts[field_name][0] is None:
            params.setdefault(field_name, parts[field_name][1].decode("utf-8"))
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        st = state(server)
        att_id = new_id()
        base = {
            "id": att_id,
            "date": now_timestamp(),
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
            return text_response(400, "invalid value for file")
        st["attachments"][card_id].append(att)
        return Response(200, att)


def download(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    if "authorization" not in request.headers:
        return text_response(401, "unauthorized")  # the real download route refuses query-string auth
    with server.lock:
        content = state(server)["files"].get(request.params["att"])
    if content is None:
        return text_response(404, NOT_FOUND)
    return Response(200, content, content_type="application/octet-stream")


def delete_attachment(server: ReplayServer, request: Request, member: dict[str, Any]) -> Response:
    with server.lock:
        error, card_id = lookup_card(server, request.params["card"])
        if error:
            return error
        st = state(server)
        for att in st["attachments"][card_id]:
            if att.get("id") == request.params["att"]:
                st["attachments"][card_id].remove(att)
                st["files"].pop(att["id"], None)
                return Response(200, {"_value": None})
        return text_response(404, NOT_FOUND)

