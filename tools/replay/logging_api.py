"""The replay server's Cloud Logging side: `POST /v2/entries:list`.

Answers the way the real API does, so the unmodified google-cloud-logging
client (and our fetch_logs) run against it: the filter is parsed and
evaluated for real (tools.sources.logging.filter), `resourceNames` select projects,
`orderBy` sorts, `pageSize` (default 50, at most 1000) and `pageToken` page.
A filter it cannot parse, an oversized page or a stale token get HTTP 400
with a message, as upstream.

A case's entries are loaded once per server, lazily, and kept sorted by
timestamp, so a filter with a top-level timestamp range is narrowed by
bisection before it is evaluated; a query's matches are cached so paging
through 200k entries costs one evaluation, not one per page.

A query whose time range lies wholly outside what the case recorded (the
case.yaml window widened to its first and last entry) gets its 0 entries
plus a `replay` note naming the recorded window: the real API cannot say
"nothing was recorded then", and fetch_logs turns the note into a data gap
instead of a silent empty result.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tools.replay.server import ReplayServer, Request, Response, google_error
from tools.sources.logging.entries import Unreadable, iter_entries_file
from tools.sources.logging.filter import FilterError, bounds_of, compile_node, parse, time_key

ROUTE = "logging.entries.list"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
_CACHE_SIZE = 16


class LogStore:
    """A case's log entries, sorted by time, with per-query match caches."""

    def __init__(self, case_dir: Path | None):
        self.case_dir = case_dir
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] | None = None
        self._keys: list[str] = []
        self._projects: set[str] = set()
        self._case_project: str | None = None
        self._case_window: tuple[str | None, str | None] = (None, None)
        self._cache: OrderedDict[str, list[int]] = OrderedDict()
        self.unreadable = Unreadable("lines of logging/entries.jsonl")

    def load(self) -> None:
        with self._lock:
            if self._entries is not None:
                return
            entries: list[dict[str, Any]] = []
            if self.case_dir is not None:
                entries = _read_entries(self.case_dir / "logging" / "entries.jsonl", self.unreadable)
                for entry in entries:
                    if "logName" in entry and not isinstance(entry["logName"], str):
                        self.unreadable.add(f"logName is not a string ({type(entry['logName']).__name__})")
                self._case_project, self._case_window = _case_meta(self.case_dir)
            keyed = [(_time_key(e), i, e) for i, e in enumerate(entries)]
            keyed.sort(key=lambda item: (item[0], item[1]))
            self._entries = [e for _, _, e in keyed]
            self._keys = [k for k, _, _ in keyed]
            for entry in self._entries:
                name = entry.get("logName")
                if isinstance(name, str) and name.startswith("projects/"):
                    self._projects.add(name.split("/", 2)[1])

    def recorded_window(self) -> tuple[str, str] | None:
        """(start, end) time keys of what the case recorded: its window widened to its entries; None if empty."""
        self.load()
        starts = [k for k in (self._case_window[0], self._keys[0] if self._keys else None) if k]
        ends = [k for k in (self._case_window[1], self._keys[-1] if self._keys else None) if k]
        return (min(starts), max(ends)) if starts and ends else None

    def outside_note(self, filter_text: str) -> dict[str, Any] | None:
        """The `replay` note for a filter whose top-level time range misses the recorded window, else None."""
        recorded = self.recorded_window()
        if recorded is None:
            return None
        try:
            low, low_inc, high, high_inc = bounds_of(parse(filter_text))
        except FilterError:
            return None
        start, end = recorded
        before = high is not None and (high < start or (high == start and not high_inc))
        after = low is not None and (low > end or (low == end and not low_inc))
        if not (before or after):
            return None
        return {"outside_recorded_window": True,
                "recorded_window": {"start": _rfc3339(start), "end": _rfc3339(end)}}

    def knows_project(self, project: str) -> bool:
        """Unknown projects get 404 only when the case says which projects exist."""
        self.load()
        known = set(self._projects)
        if self._case_project:
            known.add(self._case_project)
        return not known or project in known

    def matches(self, filter_text: str, projects: tuple[str, ...], descending: bool) -> list[int]:
        """Indexes of matching entries in the requested order (cached per query)."""
        self.load()
        assert self._entries is not None
        cache_key = json.dumps([filter_text, projects, descending])
        with self._lock:
            if cache_key in self._cache:
                self._cache.move_to_end(cache_key)
                return self._cache[cache_key]
        node = parse(filter_text)
        predicate = compile_node(node)
        low, low_inc, high, high_inc = bounds_of(node)
        start = 0
        stop = len(self._keys)
        if low is not None:
            start = (bisect.bisect_left if low_inc else bisect.bisect_right)(self._keys, low)
        if high is not None:
            stop = (bisect.bisect_right if high_inc else bisect.bisect_left)(self._keys, high)
        prefixes = tuple(f"projects/{p}/" for p in projects)
        entries = self._entries
        found = [i for i in range(start, max(start, stop)) if _selected(entries[i], prefixes, predicate)]
        if descending:
            found.reverse()
        with self._lock:
            self._cache[cache_key] = found
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def entry(self, index: int) -> dict[str, Any]:
        assert self._entries is not None
        return self._entries[index]


def _read_entries(path: Path, unreadable: Unreadable | None = None) -> list[dict[str, Any]]:
    """The file's LogEntries; a corrupt line is skipped and counted in `unreadable` (a BOM is not corrupt)."""
    if not path.is_file():
        return []
    if unreadable is None:
        unreadable = Unreadable("lines of logging/entries.jsonl")
    return list(iter_entries_file(path, unreadable))


def _time_key(entry: dict[str, Any]) -> str:
    try:
        return time_key(entry.get("timestamp")) or ""
    except Exception:  # noqa: BLE001 - a hostile timestamp sorts first instead of failing the case
        return ""


def _selected(entry: dict[str, Any], prefixes: tuple[str, ...], predicate: Any) -> bool:
    """Whether one entry matches; an entry the filter cannot evaluate (an integer logName) does not."""
    name = entry.get("logName")
    if not isinstance(name, str) or not name.startswith(prefixes):
        return False
    try:
        return bool(predicate(entry))
    except Exception:  # noqa: BLE001 - one odd entry must not turn the whole query into a 500
        return False


def _case_meta(case_dir: Path) -> tuple[str | None, tuple[str | None, str | None]]:
    """The case's project id and window (as time keys) from case.yaml; Nones when it does not say."""
    try:
        import yaml

        data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8")) or {}
        window = data.get("window") or {}
        bounds = (time_key(_text(window.get("start"))), time_key(_text(window.get("end"))))
        return (data.get("target") or {}).get("project_id") or None, bounds
    except (OSError, ValueError, AttributeError):
        return None, (None, None)


def _text(value: Any) -> str | None:
    """A case.yaml time as text (YAML may have parsed it as a datetime)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.replace("+00:00", "Z") if "+" in text or text.endswith("Z") else text + "Z"
    return str(value)


def _rfc3339(key: str) -> str:
    """A time key back as RFC 3339 UTC, fractions dropped when zero."""
    head, _, frac = key.partition(".")
    frac = frac.rstrip("0")
    return f"{head}.{frac}Z" if frac else f"{head}Z"


def _token(offset: int, query_hash: str) -> str:
    raw = json.dumps({"o": offset, "q": query_hash}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, query_hash: str) -> int | None:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data.get("q") != query_hash or not isinstance(data.get("o"), int) or data["o"] < 0:
            return None
        return data["o"]
    except (ValueError, TypeError, AttributeError):
        return None


def list_entries(server: ReplayServer, request: Request) -> Response:
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError):
        return google_error(400, "Invalid JSON payload received.")
    if not isinstance(body, dict):
        return google_error(400, "Invalid JSON payload received. Expected an object.")
    return answer(_store(server), body)


def answer(store: LogStore, body: dict[str, Any]) -> Response:
    """The entries:list response for a parsed request body (callable without HTTP)."""
    names = body.get("resourceNames") or []
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return google_error(400, "resourceNames: at least one resource name is required, e.g. projects/my-project")
    projects = []
    for name in names:
        parts = name.split("/")
        if len(parts) != 2 or parts[0] != "projects" or not parts[1]:
            return google_error(400, f"Invalid resource name: {name!r}; expected projects/PROJECT_ID")
        project = unquote(parts[1])
        if not store.knows_project(project):
            return google_error(404, f"Project {project} not found or the caller has no access to it.")
        projects.append(project)
    filter_text = body.get("filter") or ""
    if not isinstance(filter_text, str):
        return google_error(400, "filter: must be a string")
    order = (body.get("orderBy") or "timestamp asc").strip().lower()
    if order not in ("timestamp asc", "timestamp desc", "timestamp"):
        return google_error(400, f"orderBy: {body.get('orderBy')!r} is not supported; use 'timestamp asc' or 'desc'")
    page_size = body.get("pageSize", DEFAULT_PAGE_SIZE)
    try:
        page_size = int(page_size)
    except (TypeError, ValueError):
        return google_error(400, f"pageSize: {body.get('pageSize')!r} is not an integer")
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        return google_error(400, f"pageSize: {page_size} is out of range; the maximum is {MAX_PAGE_SIZE}")
    page_size = page_size or DEFAULT_PAGE_SIZE
    descending = order == "timestamp desc"
    query_hash = hashlib.sha1(json.dumps([filter_text, projects, descending]).encode()).hexdigest()[:12]
    offset = 0
    token = body.get("pageToken")
    if token:
        found_offset = _read_token(str(token), query_hash)
        if found_offset is None:
            return google_error(400, "page_token: invalid or does not belong to this query")
        offset = found_offset
    try:
        indexes = store.matches(filter_text, tuple(projects), descending)
    except FilterError as exc:
        return google_error(400, f"Invalid filter: {exc}")
    page = indexes[offset : offset + page_size]
    result: dict[str, Any] = {"entries": [store.entry(i) for i in page]}
    if offset + page_size < len(indexes):
        result["nextPageToken"] = _token(offset + page_size, query_hash)
    if not indexes:
        note = store.outside_note(filter_text)
        if note is not None:
            result["replay"] = note
    import orjson

    try:
        return Response(200, orjson.dumps(result))
    except TypeError:  # orjson stops at 254 levels; the API serves deeper entries, and so does the twin
        return Response(200, json.dumps(result, ensure_ascii=False))


def _store(server: ReplayServer) -> LogStore:
    with server.lock:
        store = server.state.get("logging")
        if store is None:
            store = server.state["logging"] = LogStore(server.case_dir)
        return store


def register(server: ReplayServer) -> None:
    server.route(ROUTE, "POST", r"/v2/entries:list", list_entries)
