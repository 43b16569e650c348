"""The replay server: a case directory served under Google's and Trello's REST paths.

The real client libraries run unchanged against it, which is the point: tests
exercise our code *and* the way the libraries talk to the wire. Each API lives
in its own module (`logging_api`, `run_api`, `monitoring_api`, `trello_api`)
that registers its routes here through `register(server)`.

Faults are injected per route name from the test (or over HTTP at
`POST /_replay/faults` when the server runs in another process).
"""

from __future__ import annotations

import importlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

API_MODULES = (
    "tools.replay.logging_api",
    "tools.replay.run_api",
    "tools.replay.monitoring_api",
    "tools.replay.trello_api",
    "tools.replay.bigquery_api",
    "tools.replay.logging_config_api",  # after monitoring_api: wraps its route for log_entry_count
)

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        if not self.body:
            return {}
        return json.loads(self.body.decode("utf-8"))

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def google_error(status: int, message: str) -> Response:
    """The error body Google APIs return; api_core maps it to its exception classes."""
    return Response(
        status,
        {"error": {"code": status, "message": message, "status": _STATUS_NAMES.get(status, "UNKNOWN")}},
    )


Handler = Callable[["ReplayServer", Request], Response]


@dataclass
class Fault:
    status: int | None = None
    delay: float = 0.0
    after: int = 0  # let this many calls succeed first
    times: int | None = None  # how many calls fail; None = all later calls
    message: str = "injected fault"
    headers: dict[str, str] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0


@dataclass
class Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class ReplayServer:
    """Serves one case directory on 127.0.0.1; use as a context manager."""

    def __init__(self, case_dir: str | Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self.case_dir = Path(case_dir) if case_dir is not None else None
        self.routes: list[Route] = []
        self.faults: dict[str, Fault] = {}
        self.calls: list[tuple[str, str, str]] = []  # (route name, method, path)
        self.state: dict[str, Any] = {}  # per-API mutable state (Trello comments, ...)
        self.lock = threading.RLock()
        for module_name in API_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            module.register(self)
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- routing -----------------------------------------------------------
    def route(self, name: str, method: str, pattern: str, handler: Handler) -> None:
        """Register `handler` for `method` on a path regex (named groups become params)."""
        self.routes.append(Route(name, method.upper(), re.compile(pattern + r"\Z"), handler))

    def inject(self, route: str, **kwargs: Any) -> Fault:
        """Make calls to `route` fail: status, delay, after N good calls, `times` failures."""
        with self.lock:
            fault = Fault(**kwargs)
            self.faults[route] = fault
            return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def count(self, route: str) -> int:
        with self.lock:
            return sum(1 for name, _, _ in self.calls if name == route)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/_replay/faults" and request.method == "POST":
            spec = request.json()
            if spec.get("clear"):
                self.clear_faults()
            else:
                route = spec.pop("route")
                self.inject(route, **spec)
            return Response(200, {"ok": True})
        for route in self.routes:
            if route.method != request.method:
                continue
            match = route.pattern.match(request.path)
            if not match:
                continue
            request.params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
            with self.lock:
                self.calls.append((route.name, request.method, request.path))
                fault = self.faults.get(route.name)
                fire = False
                if fault is not None:
                    fault.seen += 1
                    if fault.seen > fault.after and (fault.times is None or fault.fired < fault.times):
                        fault.fired += 1
                        fire = True
            if fire and fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.status:
                    response = google_error(fault.status, fault.message)
                    response.headers.update(fault.headers)
                    return response
            try:
                return route.handler(self, request)
            except Exception as exc:  # noqa: BLE001 - a broken handler is a 500, as upstream
                return google_error(500, f"replay handler {route.name} failed: {type(exc).__name__}: {exc}")
        return google_error(404, f"no replay route for {request.method} {request.path}")

    # -- lifecycle ---------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="replay", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _make_handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            try:
                self._respond()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to tell it

        def _respond(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            response = server.dispatch(request)
            payload = response.encode()
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            return

    return _Handler
