"""The replay server's Trello state: cards loaded from the case, and what the tool wrote to them.

Split out of tools/replay/trello_api.py so tests and handlers share one
place that owns `server.state["trello"]`: every read and write goes through
`server.lock`, so a test can attach twice and count what is on the card.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools.errors import InputError
from tools.replay.server import ReplayServer

BOT = {"id": "5f1a2b3c4d5e6f7081920b07", "username": "crobs-bot", "fullName": "crobs incident bot"}
_IDS = itertools.count(1)


def now_timestamp() -> str:
    """Now as Trello writes dates: UTC with milliseconds."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    """A fresh 24-hex-digit id, unique in this process, for comments and attachments."""
    return f"6a{next(_IDS):022x}"


def state(server: ReplayServer) -> dict[str, Any]:
    """The server's Trello state, created empty on first use; callers hold `server.lock`."""
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
        st = state(server)
        st["actions"][body["id"]] = list(body.pop("actions", None) or [])
        st["attachments"][body["id"]] = list(body.pop("attachments", None) or [])
        st["cards"][body["id"]] = body
        st["short"][body["shortLink"]] = body["id"]
    return body


def reset(server: ReplayServer) -> None:
    """Forget every write, fault and credential rule and reload the case's cards (tests share one server)."""
    with server.lock:
        server.state.pop("trello", None)
        state(server)
        server.calls.clear()
        server.clear_faults()
    if server.case_dir is not None:
        load_cards(server, server.case_dir)


def set_credentials(server: ReplayServer, key: str, token: str, member: dict[str, Any] | None = None) -> None:
    """Accept only this key/token pair (others get 401); `member` is who that token is."""
    with server.lock:
        st = state(server)
        st["credentials"] = {"key": key, "token": token}
        if member:
            st["members"][token] = member


def fail_after_commit(server: ReplayServer, route: str, times: int = 1) -> None:
    """The next `times` calls to `route` do their work and then answer 500."""
    with server.lock:
        state(server)["fail_after_commit"][route] = times


def comments(server: ReplayServer, card: str) -> list[dict[str, Any]]:
    """The comments on a card (by id or shortLink), for tests to count."""
    with server.lock:
        st = state(server)
        return [a for a in st["actions"].get(st["short"].get(card, card), []) if a.get("type") == "commentCard"]


def attachments(server: ReplayServer, card: str) -> list[dict[str, Any]]:
    """The attachments on a card (by id or shortLink), for tests to count."""
    with server.lock:
        st = state(server)
        return list(st["attachments"].get(st["short"].get(card, card), []))


def load_cards(server: ReplayServer, case_dir: Path) -> None:
    """Every card of the case's trello/cards/*.json.

    A bad file is skipped and named in `unreadable_cards(server)`: the card is then absent (404, as
    upstream for a card nobody can see) and the investigation reports a data gap, instead of the
    whole replay failing to start.
    """
    folder = case_dir / "trello" / "cards"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        try:
            card = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(card, dict):
                raise InputError("expected a JSON object (a card)")
            add_card(server, card)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, InputError) as exc:
            why = str(exc).splitlines()[0] if isinstance(exc, InputError) else type(exc).__name__
            with server.lock:
                state(server).setdefault("unreadable", {})[str(path)] = why


def unreadable_cards(server: ReplayServer) -> dict[str, str]:
    """Card files of the case that could not be read: path -> why."""
    with server.lock:
        return dict(state(server).get("unreadable") or {})
