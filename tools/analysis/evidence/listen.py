"""Where the application says it listens, against where Cloud Run sends traffic.

An application announces its address at start ("Uvicorn running on
http://127.0.0.1:8000", "listening on :3000", a startup args dump with
`api_port: 8765`). When that address is loopback, or every port it announces
differs from the revision's `containerPort` (8080 unless set), the startup
probe can never connect: that line is the port-bind symptom, measured, and it
wins over any static guess from the code. It is emitted as a signature item
(`LISTENS_ELSEWHERE`), so the probe failures and "failed to start and listen"
wrappers in the same revision fold into it (tools/analysis/evidence/fold.py).
"""

from __future__ import annotations

import re
from typing import Any

from tools.analysis.evidence.items import make_item

SIGNATURE_ID = "LISTENS_ELSEWHERE"
DEFAULT_PORT = 8080
_STARTUP = re.compile(r"\b(listen\w*|running|serving|started|starting|bound|binding|server|boot\w*)\b", re.I)
# host:port after a startup word; only local hosts, so a database URL on another host is not a bind
_ADDRESS = re.compile(r"(?:https?://)?(?P<host>127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\]|\[::\]|::)?"
                      r":(?P<port>\d{2,5})\b")
_PORT_FIELD = re.compile(r"\b(?:http_|api_|server_|listen_|app_)?port\b\s*[:=]?\s*(?P<port>\d{2,5})\b", re.I)
_LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def announced(message: str) -> list[tuple[str | None, int]]:
    """(host, port) pairs a startup line announces; [] for lines that are not about listening."""
    if not _STARTUP.search(message):
        return []
    found: list[tuple[str | None, int]] = []
    for match in _ADDRESS.finditer(message):
        before = message[max(0, match.start() - 1):match.start()]
        if match.group("host") is None and before and (before.isalnum() or before in "/."):
            continue  # "db:5432", "host.example:443": a client address, not a bind
        found.append((match.group("host"), int(match.group("port"))))
    found.extend((None, int(m.group("port"))) for m in _PORT_FIELD.finditer(message))
    return found


def _container_port(settings: list[dict[str, Any]]) -> tuple[int, bool]:
    for setting in settings:
        if setting.get("setting") == "container_port" and setting.get("source") in ("cloud_run_service",
                                                                                    "cloud_run_revision"):
            try:
                return int(str(setting.get("value")).strip()), True
            except ValueError:
                continue
    return DEFAULT_PORT, False


def served_revisions(records: list[dict[str, Any]]) -> set[str]:
    """Revisions that answered at least one request with a 2xx/3xx: measured proof they listen on $PORT."""
    return {str((r.get("resource") or {}).get("revision_name")) for r in records
            if r.get("http") and (r["http"].get("status") or 0) and int(r["http"]["status"]) < 400
            and (r.get("resource") or {}).get("revision_name")}


def contradict_bind_claims(items: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """A "listening on localhost" line from a revision that served requests is not a bind failure
    (Node's and Hono's banners say localhost while listening on every interface): exclude it, saying why."""
    served = served_revisions(records)
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] == "signature" and attrs.get("primary_label") == "port-bind-mismatch" \
                and item.get("revisions") and set(item["revisions"]) <= served and not item.get("excluded"):
            item["excluded"] = (f"revision {item['revisions'][0]} served requests, so it listens where "
                                "Cloud Run reaches it")


def listen_items(records: list[dict[str, Any]], settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per revision whose startup lines never announce the container port on a reachable address."""
    port, explicit = _container_port(settings)
    served = served_revisions(records)
    by_revision: dict[str, list[tuple[dict[str, Any], str | None, int]]] = {}
    for record in records:
        if record.get("http") or record.get("log_kind") not in ("stdout", "stderr"):
            continue
        for host, announced_port in announced(str(record.get("message") or "")[:2000]):
            revision = (record.get("resource") or {}).get("revision_name") or ""
            by_revision.setdefault(revision, []).append((record, host, announced_port))
    items = []
    for revision, seen in sorted(by_revision.items()):
        reachable = [s for s in seen if s[2] == port and s[1] not in _LOOPBACK]
        if reachable or revision in served:
            continue  # it answered requests, so it listens where Cloud Run reaches it, whatever it printed
        record, host, where = next((s for s in seen if s[1] in _LOOPBACK), seen[0])
        loopback = host in _LOOPBACK
        said = f"{host}:{where}" if host else f"port {where}"
        why = (f"only on loopback ({said}), which Cloud Run cannot reach" if loopback
               else f"on {said}, not on the container port {port}" + ("" if explicit else " (the default)"))
        text = {"en": f"The application announces that it listens {why}",
                "ja": f"アプリケーションは {said} で待ち受けると出力しており、コンテナポート {port} ではない"
                      + ("（ループバックのみ）" if loopback else "")}
        items.append(make_item(
            f"sig:{SIGNATURE_ID}:{revision}", "signature", "cloud_logging", record["raw_ref"],
            record.get("timestamp") or "", static=False,
            attrs={"signature_id": SIGNATURE_ID, "labels": ["port-bind-mismatch"],
                   "primary_label": "port-bind-mismatch", "label_count": 1, "context": False, "severity": "ERROR",
                   "count": len(seen), "log_kind": record.get("log_kind"), "host": host, "port": where,
                   "container_port": port},
            confidence="high", strength=1.0, signal=text, revisions=[revision] if revision else None,
        ))
    return items
