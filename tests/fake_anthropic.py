"""A scripted fake of the Anthropic Messages API on 127.0.0.1, for the LLM-loop tests.

The real `anthropic` client reaches it through `base_url` (or ANTHROPIC_BASE_URL), so the tests
exercise the SDK's own request building and response parsing; nothing is monkeypatched. Each
POST /v1/messages body is recorded and answered by the next step of the script: a step is a
response dict, or a callable (request body, the fake) -> response dict. When the script runs out,
the last step repeats. POST /v1/messages/count_tokens answers a rough count of the body.

The helpers at the end read what the loop sent (user texts, tool results, the wrapped starting
report) so a scripted step can answer from the real starting report, e.g. re-ranked.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tools.paths import ROOT

Step = dict[str, Any] | Callable[[dict[str, Any], "FakeAnthropic"], dict[str, Any]]
_ids = itertools.count(1)


def usage(input_tokens: int = 1000, output_tokens: int = 200, cache_read: int = 0,
          cache_write: int = 0) -> dict[str, int]:
    return {"input_tokens": input_tokens, "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write}


def message(content: list[dict[str, Any]], stop_reason: str, tokens: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": f"msg_{next(_ids):04d}", "type": "message", "role": "assistant", "model": "scripted",
            "content": content, "stop_reason": stop_reason, "stop_sequence": None, "usage": tokens or usage()}


def text(answer: str, tokens: dict[str, int] | None = None) -> dict[str, Any]:
    """A final answer: one text block, end_turn."""
    return message([{"type": "text", "text": answer}], "end_turn", tokens)


def tool_use(*calls: tuple[str, str, dict[str, Any]], tokens: dict[str, int] | None = None) -> dict[str, Any]:
    """A turn asking for tools: (tool_use id, tool name, input) per call."""
    blocks = [{"type": "tool_use", "id": cid, "name": name, "input": args} for cid, name, args in calls]
    return message(blocks, "tool_use", tokens)


class FakeAnthropic:
    """Serve a script of Messages API responses; `requests` holds every /v1/messages body, in order."""

    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.count_requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def respond(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            index = len(self.requests)
            self.requests.append(body)
        step = self.script[min(index, len(self.script) - 1)]
        return step(body, self) if callable(step) else step

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                path = self.path.split("?")[0]
                body = json.loads(raw or b"{}")
                if path == "/v1/messages":
                    fake.raw_bodies.append(raw)
                    self._send(200, fake.respond(body))
                elif path == "/v1/messages/count_tokens":
                    fake.count_requests.append(body)
                    self._send(200, {"input_tokens": max(1, len(raw) // 4)})
                else:
                    self._send(404, {"type": "error", "error": {"type": "not_found_error", "message": path}})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


# -- reading what the loop sent ---------------------------------------------------------------

def user_texts(body: dict[str, Any]) -> list[str]:
    """Every text the request carries in user turns (text blocks and tool_result contents)."""
    out: list[str] = []
    for msg in body.get("messages") or []:
        if msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            out.append(content)
            continue
        for block in content or []:
            if block.get("type") == "text":
                out.append(block["text"])
            elif block.get("type") == "tool_result":
                inner = block.get("content")
                if isinstance(inner, str):
                    out.append(inner)
                else:
                    out.extend(b.get("text", "") for b in inner or [])
    return out


def tool_results(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """tool_use_id -> the tool_result block, over every user turn of the request."""
    found = {}
    for msg in body.get("messages") or []:
        if msg.get("role") == "user" and isinstance(msg.get("content"), list):
            for block in msg["content"]:
                if block.get("type") == "tool_result":
                    found[block["tool_use_id"]] = block
    return found


def result_text(block: dict[str, Any]) -> str:
    inner = block.get("content")
    return inner if isinstance(inner, str) else "".join(b.get("text", "") for b in inner or [])


# -- scripted answers built from what the loop actually sent -----------------------------------

CASES = ROOT / "evals" / "cases"
PRICING = CASES / "pricing-port-bind"
SITEBOOKIFY = CASES / "sitebookify-sample"
MODEL = "scripted-model"  # never a real model id: the fake answers whatever it is asked
_REPORT = re.compile(r'<untrusted-data source="deterministic_report">\n(.*?)\n</untrusted-data>', re.DOTALL)


def starting_report(body: dict[str, Any]) -> dict[str, Any]:
    """The deterministic report the loop put in the first user turn (inside its data wrapper)."""
    match = _REPORT.search(user_texts(body)[0])
    assert match, "the starting report is not wrapped as data"
    return json.loads(match.group(1))


def answer_with(change: Any = None) -> Any:
    """A script step answering the starting report, optionally changed by change(report, body, fake)."""
    def step(body: dict[str, Any], fake: FakeAnthropic) -> dict[str, Any]:
        report = starting_report(body)
        if change is not None:
            report = change(report, body, fake) or report
        return text(json.dumps(report, ensure_ascii=False))
    return step


def tool_result_text(body: dict[str, Any], call_id: str) -> str:
    block = tool_results(body)[call_id]
    inner = block["content"]
    return inner if isinstance(inner, str) else "".join(b.get("text", "") for b in inner)


def inside_wrapper(haystack: str, needle: str) -> bool:
    """Every occurrence of needle sits between an <untrusted-data ...> and its closing tag."""
    found = False
    start = 0
    while (index := haystack.find(needle, start)) >= 0:
        found = True
        opened = haystack.rfind("<untrusted-data", 0, index)
        closed = haystack.rfind("</untrusted-data>", 0, index)
        if opened < 0 or closed > opened or haystack.find("</untrusted-data>", index) < 0:
            return False
        start = index + 1
    return found


def fake_env(monkeypatch: Any, fake: FakeAnthropic) -> None:
    """The SDK's own variables point at the fake; no real key or model id is involved."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("CROBS_MODEL", raising=False)
