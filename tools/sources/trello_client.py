"""A thin httpx client for the eight Trello REST calls the skill makes.

Why not a client library: py-trello sends credentials in query strings (they
end up in proxies' and servers' access logs) and handles neither 429 nor
header-only attachment downloads. Here the key and token travel only in the
`Authorization: OAuth ...` header, only to the configured host, and every
failure becomes one line that never contains the token.

`TRELLO_BASE_URL` (default https://api.trello.com) points the client at
another host, e.g. the replay server; the credentials then go to that host
alone. Retries: GET/PUT/DELETE are retried on 429, 5xx and network errors
with exponential backoff plus jitter, honouring Retry-After and the
`x-rate-limit-*` headers. POSTs are never retried here: the caller first
re-checks whether a POST that "failed" actually took effect.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tools.errors import InputError, SourceError, ToolError, UsageError
from tools.safety.mask import mask_text
from tools.sources import deadline

BASE_URL_ENV = "TRELLO_BASE_URL"
KEY_ENV = "TRELLO_API_KEY"
TOKEN_ENV = "TRELLO_TOKEN"
BACKOFF_CAP_ENV = "CROBS_TRELLO_BACKOFF_CAP"  # seconds; the longest single wait (tests set it tiny)
DEFAULT_BASE_URL = "https://api.trello.com"
TOKEN_HELP = "https://trello.com/1/authorize?expiration=never&scope=read,write&response_type=token&key=<KEY>"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
IDEMPOTENT = {"GET", "PUT", "DELETE", "HEAD"}


def _sleep(seconds: float) -> None:
    """Module-level so tests can record waits without touching httpx (monkeypatch this, not time.sleep)."""
    time.sleep(seconds)


class TrelloUnavailable(SourceError):
    """Trello did not answer usefully: a network error or a 5xx (possibly after retries)."""


class TrelloRateLimited(SourceError):
    """Still rate limited (429) after backing off."""


class TrelloAuthError(SourceError):
    """401: the key or token is invalid, expired, or lacks access."""


class TrelloNotFound(InputError):
    """404: the card (or action, attachment) does not exist or is not visible to this token."""


class TrelloAuth(httpx.Auth):
    """Adds the OAuth header, but only for requests to the one configured origin.

    Attachment URLs can point at other hosts (S3, link attachments); a redirect
    or a caller following such a URL must never carry the token there.
    """

    def __init__(self, key: str, token: str, origin: tuple[str, str, int | None]):
        self._header = f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'
        self._origin = origin

    def auth_flow(self, request: httpx.Request):  # type: ignore[override]
        if _origin(request.url) == self._origin:
            request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:  # never show the header
        return "TrelloAuth(<redacted>)"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port or (443 if url.scheme == "https" else 80)
    return (url.scheme, (url.host or "").lower(), port)


@dataclass
class RetryPolicy:
    attempts: int = 4
    base: float = 0.5
    cap: float = 30.0


def base_url_from_env() -> httpx.URL:
    """The API root (…/1) from TRELLO_BASE_URL; refuses plain http except on loopback."""
    raw = (os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).strip().rstrip("/")
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError) as exc:
        raise UsageError(f"{BASE_URL_ENV}={raw!r} is not a URL") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise UsageError(f"{BASE_URL_ENV}={raw!r} must be an http(s) URL such as {DEFAULT_BASE_URL}")
    if url.scheme == "http" and url.host not in LOOPBACK:
        raise UsageError(f"{BASE_URL_ENV}={raw!r}: plain http would expose the token; use https")
    path = url.path.rstrip("/")
    if path.endswith("/1"):
        path = path[:-2]
    return url.copy_with(path=path + "/1/", query=None, fragment=None)


def credentials_from_env() -> tuple[str, str]:
    """(key, token); a missing variable is one line naming it."""
    key = (os.environ.get(KEY_ENV) or "").strip()
    token = (os.environ.get(TOKEN_ENV) or "").strip()
    if not key:
        raise UsageError(f"{KEY_ENV} is not set: export {KEY_ENV}=<your Power-Up API key> "
                         "(https://trello.com/power-ups/admin)")
    if not token:
        raise UsageError(f"{TOKEN_ENV} is not set: export {TOKEN_ENV}=<token> (mint one at {TOKEN_HELP})")
    return key, token


class TrelloClient:
    """Trello REST v1 over httpx; `request` returns decoded JSON or raises one ToolError."""

    def __init__(
        self,
        key: str,
        token: str,
        base_url: httpx.URL | str = DEFAULT_BASE_URL + "/1/",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] = random.random,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = httpx.URL(str(base_url))
        self._secrets = [s for s in (token, key) if s]
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self._sleep = sleep
        self._rand = rand
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=TrelloAuth(key, token, _origin(self.base_url)),
            timeout=timeout,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "crobs-trello/0.1"},
            transport=transport,
        )

    # -- plumbing ------------------------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TrelloClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        """Text with the token and key masked as whole tokens, then the one masking step.

        A secret is replaced only where it stands as a token of its own (not inside a longer run
        of letters and digits), so a short or dummy token never rewrites unrelated words.
        """
        for secret in self._secrets:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "<redacted>", text)
        return mask_text(text)

    def _wait(self, seconds: float) -> None:
        (self._sleep or _sleep)(seconds)

    def _backoff(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry `attempt` (1-based): Retry-After, then rate-limit headers, then 2^n."""
        cap = self.retry.cap
        env_cap = os.environ.get(BACKOFF_CAP_ENV)
        if env_cap:
            try:
                cap = min(cap, max(0.0, float(env_cap)))
            except ValueError:
                pass
        if response is not None:
            retry_after = response.headers.get("retry-after")
            if retry_after:
                try:
                    return min(cap, max(0.0, float(retry_after)))
                except ValueError:
                    pass
            for scope in ("token", "key"):
                remaining = response.headers.get(f"x-rate-limit-api-{scope}-remaining")
                interval = response.headers.get(f"x-rate-limit-api-{scope}-interval-ms")
                if remaining is not None and interval and remaining.strip() in ("0", "-1"):
                    try:
                        window = float(interval) / 1000.0
                    except ValueError:
                        continue
                    # the window resets within `interval`: wait for it, plus jitter so clients spread out
                    return min(cap, window * (0.5 + 0.5 * self._rand()))
        exponential = self.retry.base * (2 ** (attempt - 1))
        return min(cap, exponential * (0.5 + self._rand()))  # "equal jitter"

    def _describe(self, method: str, path: str) -> str:
        return f"{method} /1/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        files: Any = None,
        retry: bool | None = None,
        what: str = "",
        recheck: Callable[[], Any] | None = None,
    ) -> Any:
        """Send one call (retrying when safe) and return the decoded body.

        `what` names the object for a 404 message ("card Xvlu1U1f"). `retry`
        defaults to True for idempotent methods, and for a POST only when
        `recheck` is given: before each retry it is called, and when it finds
        what the POST should have created (the failed answer hid a success),
        its result is returned instead of posting a duplicate.
        """
        method = method.upper()
        if retry is None:
            retry = method in IDEMPOTENT or recheck is not None
        attempts = self.retry.attempts if retry else 1
        label = self._describe(method, path)
        last: str = ""
        budget = deadline.current("trello")
        for attempt in range(1, attempts + 1):
            if attempt > 1 and recheck is not None:
                found = recheck()
                if found is not None:
                    return found
            if budget.expired():
                last = f"{last + '; ' if last else ''}stopped because {budget.reason()}"
                break
            response: httpx.Response | None = None
            began = time.monotonic()
            timeout = min(self.timeout, budget.timeout())
            try:
                response = self._http.request(method, path.lstrip("/"), params=params, json=json, files=files,
                                              timeout=timeout)
            except httpx.TimeoutException:
                last = f"Trello did not answer {label} within {timeout:.3g} s"
            except httpx.HTTPError as exc:
                last = f"Trello unreachable for {label}: {type(exc).__name__}: {self.scrub(str(exc)) or 'no detail'}"
            else:
                if response.status_code < 400:
                    return _decode(response)
                if response.status_code not in RETRY_STATUSES:
                    raise self._error(response, label, what)
                last = self._retry_message(response, label)
            budget.failed(time.monotonic() - began)
            if attempt < attempts:
                budget.wait(self._backoff(attempt, response), self._wait)
        if recheck is not None:  # the last failed answer may have hidden a success too
            found = recheck()
            if found is not None:
                return found
        if last.startswith("Trello rate limit"):
            raise TrelloRateLimited(f"{last}; gave up after {attempt} attempt(s): wait ~10 s and re-run")
        suffix = f" (after {attempt} attempts)" if attempts > 1 else ""
        raise TrelloUnavailable(last + suffix)

    def _retry_message(self, response: httpx.Response, label: str) -> str:
        if response.status_code == 429:
            code = _body_field(response, "error") or "rate limited"
            return f"Trello rate limit exceeded on {label} (429 {code})"
        return f"Trello server error on {label} (HTTP {response.status_code})"

    def _error(self, response: httpx.Response, label: str, what: str) -> ToolError:
        status = response.status_code
        detail = self.scrub(_body_message(response))
        if status == 401:
            return TrelloAuthError(
                f"Trello refused {label} (401 {detail or 'unauthorized'}): the token is invalid, expired or read-only, "
                f"or its member has no access here; set {TOKEN_ENV} to a fresh read,write token"
            )
        if status == 404:
            subject = what or label
            return TrelloNotFound(f"Trello {subject} not found (404): check the URL, or the token's member "
                                  "cannot see that board")
        if status == 403:
            return SourceError(f"Trello forbade {label} (403{': ' + detail if detail else ''})")
        return SourceError(f"Trello rejected {label} (HTTP {status}{': ' + detail if detail else ''})")

    # -- calls -------------------------------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, str] | None = None, what: str = "") -> Any:
        return self.request("GET", path, params=params, what=what)

    def me(self) -> dict[str, Any]:
        """The token's member (call once per run: /1/members is limited to 100 calls per 15 min)."""
        return self.get("members/me", {"fields": "id,username,fullName"})


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise SourceError(f"Trello answered {response.request.method} {response.request.url.path} with "
                          f"non-JSON ({response.headers.get('content-type', 'no content type')})") from exc


def _body_field(response: httpx.Response, name: str) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def _body_message(response: httpx.Response) -> str:
    """A short, one-line reason from a Trello error body (plain text or JSON)."""
    text = _body_field(response, "message") or _body_field(response, "error")
    if not text:
        content_type = response.headers.get("content-type", "")
        if "html" in content_type:
            return ""
        text = response.text if "json" not in content_type else ""
    text = " ".join(text.split())
    return text[:120]


def client_from_env(sleep: Callable[[float], None] | None = None) -> TrelloClient:
    """A client from TRELLO_BASE_URL / TRELLO_API_KEY / TRELLO_TOKEN (one-line UsageError when unset)."""
    base = base_url_from_env()
    key, token = credentials_from_env()
    return TrelloClient(key, token, base_url=base, sleep=sleep)
