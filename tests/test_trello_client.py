"""The Trello client's failure behaviour: credentials, status mapping, backoff, token hygiene."""

import socket

import pytest

from tools.errors import SourceError, UsageError
from tools.paths import ROOT
from tools.replay import trello_api
from tools.replay.server import ReplayServer, Response
from tools.sources.trello_card import read_trello_card
from tools.sources.trello_client import (
    TrelloAuthError,
    TrelloNotFound,
    TrelloRateLimited,
    TrelloUnavailable,
    base_url_from_env,
    client_from_env,
)

CASE = ROOT / "evals" / "cases" / "sitebookify-sample"
KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ATTAsecret-token-value-9f8e7d6c5b4a"
CARD = "https://trello.com/c/Xvlu1U1f"


@pytest.fixture
def waits(monkeypatch):
    """Backoff waits are recorded, not slept."""
    recorded: list[float] = []
    monkeypatch.setattr("tools.sources.trello_client._sleep", recorded.append)
    return recorded


@pytest.fixture(scope="module")
def shared_server():
    with ReplayServer(CASE) as srv:
        yield srv


@pytest.fixture
def server(shared_server, monkeypatch, waits):
    trello_api.reset(shared_server)
    monkeypatch.setenv("TRELLO_BASE_URL", shared_server.url)
    monkeypatch.setenv("TRELLO_API_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    return shared_server


@pytest.mark.parametrize("missing", ["TRELLO_API_KEY", "TRELLO_TOKEN"])
def test_missing_credentials_name_the_variable(monkeypatch, missing):
    monkeypatch.setenv("TRELLO_API_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    monkeypatch.delenv(missing)
    with pytest.raises(UsageError) as info:
        client_from_env()
    message = str(info.value)
    assert message.startswith(f"{missing} is not set") and "\n" not in message and TOKEN not in message


def test_base_url_defaults_to_trello_and_refuses_plain_http_off_loopback(monkeypatch):
    monkeypatch.delenv("TRELLO_BASE_URL", raising=False)
    assert str(base_url_from_env()) == "https://api.trello.com/1/"
    monkeypatch.setenv("TRELLO_BASE_URL", "http://127.0.0.1:9/1")
    assert str(base_url_from_env()) == "http://127.0.0.1:9/1/"
    monkeypatch.setenv("TRELLO_BASE_URL", "http://trello.example.com")
    with pytest.raises(UsageError, match="plain http"):
        base_url_from_env()


def test_wrong_token_is_401_with_a_fix_and_no_secret(server):
    trello_api.set_credentials(server, KEY, "ATTAsomeone-else")
    with pytest.raises(TrelloAuthError) as info:
        read_trello_card(CARD)
    message = str(info.value)
    assert "401 invalid token" in message and "TRELLO_TOKEN" in message and TOKEN not in message
    assert info.value.exit_code == 1


def test_unknown_card_is_404(server):
    with pytest.raises(TrelloNotFound, match=r"card AAAA1111 not found \(404\)"):
        read_trello_card("AAAA1111")


def test_rate_limit_waits_for_the_window_then_succeeds(server, waits):
    server.inject("trello_get_card", status=429, times=2,
                  headers={"x-rate-limit-api-token-remaining": "0", "x-rate-limit-api-token-interval-ms": "4000"})
    result = read_trello_card(CARD)
    assert result["card"]["shortLink"] == "Xvlu1U1f"
    assert server.count("trello_get_card") == 3
    assert len(waits) == 2 and all(2.0 <= w <= 4.0 for w in waits)  # within the window, jittered


def test_rate_limit_honours_retry_after(server, waits):
    server.inject("trello_get_card", status=429, times=1, headers={"Retry-After": "7"})
    read_trello_card(CARD)
    assert waits == [7.0]


def test_persistent_rate_limit_backs_off_exponentially_then_fails(server, waits):
    server.inject("trello_get_card", status=429)
    with pytest.raises(TrelloRateLimited) as info:
        read_trello_card(CARD)
    assert server.count("trello_get_card") == 4
    assert "429" in str(info.value) and "gave up after 4 attempt(s)" in str(info.value)
    assert [round(w / (0.5 * 2**i), 2) <= 1.5 for i, w in enumerate(waits)] == [True] * 3
    assert waits[2] > waits[0]  # 2 s x jitter [0.5, 1.5) always exceeds 0.5 s x jitter


def test_server_error_is_retried_for_reads(server, waits):
    server.inject("trello_get_card", status=503, times=1)
    assert read_trello_card(CARD)["evidence"]
    assert len(waits) == 1


def test_persistent_server_error_and_dead_network_are_unavailable(server, monkeypatch):
    server.inject("trello_get_card", status=500)
    with pytest.raises(TrelloUnavailable, match=r"HTTP 500.*after 4 attempts"):
        read_trello_card(CARD)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TRELLO_BASE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(TrelloUnavailable) as info:
        read_trello_card(CARD)
    assert "unreachable" in str(info.value) and isinstance(info.value, SourceError)


def test_token_is_scrubbed_from_error_bodies(server):
    server.route("echo", "GET", r"/1/echo", lambda s, r: Response(400, f"bad token {TOKEN}", content_type="text/plain"))
    with client_from_env() as client, pytest.raises(SourceError) as info:
        client.get("echo")
    assert TOKEN not in str(info.value) and "<redacted>" in str(info.value)


def test_credentials_go_only_to_the_configured_host(server):
    with ReplayServer() as other, client_from_env() as client:
        other.route("peek", "GET", r"/peek", lambda s, r: Response(200, {"auth": r.headers.get("authorization")}))
        assert client.get(f"{other.url}/peek") == {"auth": None}
        assert client.me()["id"] == trello_api.BOT["id"]
    assert server.state["trello"]["log"][-1]["auth"] == "header"


def test_trello_shaped_rate_limit_body_is_named(server, waits):
    body = {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    server.route("limited", "GET", r"/1/limited", lambda s, r: Response(429, body))
    with client_from_env() as client, pytest.raises(TrelloRateLimited) as info:
        client.get("limited")
    assert "429 API_TOKEN_LIMIT_EXCEEDED" in str(info.value) and len(waits) == 3
