"""A fault-injecting front for the replay server: a loopback proxy that breaks one API on purpose.

The replay server answers like the real APIs; this front sits before it and,
per source path prefix, answers the ways real APIs fail in an incident: 403,
404, a 429 that never lifts, 500, a connection accepted and never answered,
a reset connection, a 200 whose body is not what the client expects, or a
good first call followed by failures. Everything else is forwarded untouched,
so every other source still works and the fault's effect on one source is
what a test sees.

`CROBS_REPLAY_FAULTS` (e.g. `logging=hang,trello=429`) makes `investigate
--replay` put a front before its replay server; tests and
benchmarks/security_faults.py use it to run the fault matrix.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FAULTS_ENV = "CROBS_REPLAY_FAULTS"
# source -> the path prefixes its client calls (the audit log is read through the logging API)
PREFIXES = {
    "logging": ("/v2/entries:list",),
    "run": ("/v2/projects/",),
    "monitoring": ("/v3/",),
    "trello": ("/1/",),
}
FAULTS = ("403", "404", "429", "500", "hang", "reset", "malformed", "after-first-page")
_STATUS_NAMES = {403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL"}


def parse_spec(text: str) -> dict[str, str]:
    """`logging=hang,trello=429` -> {"logging": "hang", "trello": "429"}; ValueError names a bad part."""
    found: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        source, sep, fault = part.strip().partition("=")
        if not sep or source not in PREFIXES or fault not in FAULTS:
            raise ValueError(f"{FAULTS_ENV}: {part.strip()!r} is not SOURCE=FAULT with SOURCE in "
                             f"{', '.join(PREFIXES)} and FAULT in {', '.join(FAULTS)}")
        found[source] = fault
    return found


class FaultFront:
    """Forwards to `upstream` (the replay server's URL) except where a fault is set for the path."""

    def __init__(self, upstream: str, faults: dict[str, str] | None = None, host: str = "127.0.0.1"):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.faults = dict(faults or {})
        self.seen: dict[str, int] = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a hung request must not hold stop()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fault_for(self, path: str) -> tuple[str | None, int]:
        """(the fault for this path or None, how many calls this source has had including this one)."""
        for source, prefixes in PREFIXES.items():
            if path.startswith(prefixes):
                with self.lock:
                    self.seen[source] = self.seen.get(source, 0) + 1
                    return self.faults.get(source), self.seen[source]
        return None, 0

    def start(self) -> FaultFront:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-front", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultFront:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _error_body(status: int, path: str) -> bytes:
    if path.startswith("/1/"):  # Trello answers plain text errors
        return {403: b"unauthorized permission requested", 404: b"The requested resource was not found.",
                429: b'{"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}',
                500: b"Internal Server Error"}[status]
    return json.dumps({"error": {"code": status, "message": f"injected fault {status}",
                                 "status": _STATUS_NAMES[status]}}).encode()


def _handler(front: FaultFront) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            try:
                self._respond()
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            fault, calls = front.fault_for(path)
            if fault == "after-first-page":
                fault = "500" if calls > 1 else None
            if fault == "hang":
                front.stopping.wait(600)  # accepted, never answered
                self.close_connection = True
                return
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if fault == "malformed":
                content_type = "application/json"
                return self._send(200, b'{"entries": [{"insertId": "x", "broken', {"Content-Type": content_type})
            if fault in ("403", "404", "429", "500"):
                status = int(fault)
                content_type = "text/plain" if path.startswith("/1/") and status != 429 else "application/json"
                headers = {"Content-Type": content_type}
                if status == 429:
                    headers["Retry-After"] = "0"
                return self._send(status, _error_body(status, path), headers)
            self._forward(body)

        def _forward(self, body: bytes) -> None:
            conn = http.client.HTTPConnection(*front.upstream, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                payload = answer.read()
                kept = {k: v for k, v in answer.getheaders()
                        if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server")}
                self._send(answer.status, payload, kept)
            finally:
                conn.close()

        def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            return

    return _Handler


# -- what a cell of the matrix must show ---------------------------------------------------------
SOURCE_NAMES = {
    "logging": r"cloud_logging|Cloud Logging|[Aa]udit",
    "run": r"cloud_run|Cloud Run",
    "monitoring": r"cloud_monitoring|Monitoring",
    "trello": r"trello|Trello",
    "repository": r"repository",
}
CAUSES = {
    "403": r"403|[Pp]ermission|forb",
    "404": r"404|not found",
    "429": r"429|[Rr]ate limit|RESOURCE_EXHAUSTED",
    "500": r"500|server error|INTERNAL",
    "hang": r"did not answer|[Tt]ime(d )?out|in time",
    "reset": r"unreachable|reset|Connection|cannot reach|Disconnected",
    "malformed": r"not JSON|malformed|JSON",
    "after-first-page": r"500|server error",
}
ONE_CALL = {("trello", "after-first-page")}  # the card is one GET: nothing is left to fail


def check_cell(source: str, fault: str, report: dict[str, Any] | None) -> str | None:
    """None when a written report names `source` and the fault's cause in a data gap, else what is wrong."""
    if not report:
        return "no report written"
    lines = [(str(g.get("missing_signal")), str(g.get("why_missing"))) for g in report.get("data_gaps") or []]
    if (source, fault) in ONE_CALL:
        if any(re.search(SOURCE_NAMES[source], m + w) for m, w in lines):
            return f"{source} has a gap although its one call succeeded"
        return None
    if any(re.search(SOURCE_NAMES[source], m) and re.search(CAUSES[fault], w) for m, w in lines):
        return None
    return f"no gap names {source} and {fault}: " + " | ".join(f"{m}: {w}" for m, w in lines)


# -- the repository row: hostile files planted in a copy of a case's repo ------------------------
REPO_FAULTS = ("fifo", "binary", "huge", "bad-utf8", "symlink-loop", "unreadable")


def plant(repo: Path, fault: str) -> None:
    """Put one hostile file into `repo` (a copy: never a case's own checkout)."""
    src = repo / "src"
    src.mkdir(exist_ok=True)
    if fault == "fifo":  # a named pipe where a source file should be: opening it would wait forever
        os.mkfifo(src / "stuck.py")
    elif fault == "binary":
        (src / "blob.py").write_bytes(b"\x00\xff" * 40_000 + b"\nimport os\n")
    elif fault == "huge":
        (src / "huge.js").write_bytes(b"console.log(1);\n" * 2_000_000)
    elif fault == "bad-utf8":
        (repo / "Dockerfile").write_bytes(b'FROM python:3.11\nCMD ["\xff\xfe"]\n')
    elif fault == "symlink-loop":
        (repo / "loop").symlink_to(repo / "loop")
    elif fault == "unreadable":
        (src / "locked.py").write_text("import os\n", encoding="utf-8")
        os.chmod(src / "locked.py", 0)
    else:
        raise ValueError(f"unknown repository fault {fault!r}; one of {', '.join(REPO_FAULTS)}")


def check_repo_cell(report: dict[str, Any] | None) -> str | None:
    """None when the report was written and still cites the repository (path:line)."""
    if not report:
        return "no report written"
    if any(re.match(r"^[\w./-]+:\d+$", str(row.get("raw_ref") or "")) for row in report.get("evidence") or []):
        return None
    return "no repository citation survived"
